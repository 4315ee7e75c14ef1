//! Running the Entra profile from your own crate's `cargo test`: start your SCIM server on
//! 127.0.0.1 inside the test, run the checks against it, and fail the test on any MUST
//! failure, with the report in the test output.
//!
//! In your crate, add `scim2-conformance` (and `tokio` with `macros` and `rt-multi-thread`) as
//! dev-dependencies and put this in `tests/entra.rs`, replacing the built-in reference endpoint
//! with your server. Here the reference endpoint stands in for it, so this example runs as a
//! test of this crate (`cargo test -p scim2-conformance --example entra_in_cargo_test`) and as
//! a program (`cargo run -p scim2-conformance --example entra_in_cargo_test`).

use std::sync::Arc;

use scim2_conformance::reference::{ReferenceConfig, ReferenceServer};
use scim2_conformance::{
    ExitCode, Format, Journal, Quiet, RunConfig, Token, new_run_id, render, run_endpoint,
};

/// Runs the Entra profile (fixed checks, both PATCH dialects) against the endpoint at
/// `base_url` and returns the human-readable report when a MUST check failed.
async fn entra_profile(base_url: &str, token: Option<Token>) -> Result<(), String> {
    // A fixed seed keeps the generated users the same from one test run to the next.
    let config = RunConfig::new(7).map_err(|e| e.to_string())?;
    let run_id = new_run_id();
    let journal = Arc::new(Journal::in_memory(&run_id));
    let report = run_endpoint(&config, base_url, token, journal, &Quiet)
        .await
        .map_err(|e| e.to_string())?;
    match report.exit_code() {
        ExitCode::Ok => Ok(()),
        _ => Err(render(&report, Format::Human)),
    }
}

/// Your server, started for the test (here: the built-in reference endpoint, with a token).
async fn start_server() -> std::io::Result<ReferenceServer> {
    ReferenceServer::start(ReferenceConfig::default().with_token("test-only-token")).await
}

#[tokio::test]
async fn endpoint_passes_the_entra_profile() {
    let server = start_server().await.expect("the server starts");
    let result = entra_profile(&server.base_url(), Some(Token::new("test-only-token"))).await;
    server.shutdown().await;
    if let Err(report) = result {
        panic!("the endpoint fails Entra's MUST checks:\n{report}");
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let server = match start_server().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the server: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = entra_profile(&server.base_url(), Some(Token::new("test-only-token"))).await;
    server.shutdown().await;
    match result {
        Ok(()) => {
            println!("every MUST check of the entra profile passed");
            std::process::ExitCode::SUCCESS
        }
        Err(report) => {
            eprintln!("{report}");
            std::process::ExitCode::FAILURE
        }
    }
}

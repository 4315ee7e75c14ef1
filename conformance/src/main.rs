//! The scim-rs conformance runner (work in progress; see the workspace README).
//! `scim-conformance`: checks that a SCIM endpoint handles what Microsoft Entra ID sends.
//!
//! On this branch only `compare` is wired (temporarily, for manual testing).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use scim2_conformance::compare;

/// scim-conformance: SCIM endpoint conformance for Microsoft Entra ID provisioning.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compare the users, groups and memberships of two endpoints (read-only).
    Compare(compare::CompareArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Compare(args) => {
            let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
            compare::run(args, &mut out, &mut err).await.into()
        }
    }
}

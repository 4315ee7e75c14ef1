//! Diagnostic logs (`tracing`) of the command line: `-v`/`-q` or `RUST_LOG`, written to stderr.
//!
//! Reports and progress are not logs: they are written whatever the verbosity. Logs show each
//! HTTP attempt of the client (one span per attempt: method, URL without credentials, attempt
//! number, status) and its retries and back-off. Tokens never appear in them: the client
//! redacts the credential header and token-like query parameters before anything is logged.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// The filter for `-v` given `verbose` times, or `-q`, when `RUST_LOG` is not set.
#[must_use]
pub fn default_filter(verbose: u8, quiet: bool) -> &'static str {
    match (quiet, verbose) {
        (true, _) => "off",
        // The report says what failed; the client's own warnings (a retry policy exhausted)
        // would repeat it.
        (false, 0) => "error,scim2_conformance=warn",
        (false, 1) => "warn,scim2_client=info,scim2_conformance=info",
        (false, 2) => "info,scim2_client=debug,scim2_conformance=debug",
        (false, _) => "debug,scim2_client=trace,scim2_conformance=trace",
    }
}

/// Installs the stderr logger once per process (later calls change nothing). `RUST_LOG`, when
/// set to a valid filter, takes precedence over `-v`/`-q`.
pub fn init(verbose: u8, quiet: bool) {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| EnvFilter::new(default_filter(verbose, quiet)));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::default_filter;

    #[test]
    fn verbosity_and_quiet_choose_the_filter() {
        assert_eq!(default_filter(0, false), "error,scim2_conformance=warn");
        assert_eq!(
            default_filter(1, false),
            "warn,scim2_client=info,scim2_conformance=info"
        );
        assert_eq!(default_filter(3, true), "off");
    }
}

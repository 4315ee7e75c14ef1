//! The scim-rs conformance runner: checks that a SCIM endpoint handles what Microsoft Entra ID
//! provisioning sends, and a built-in reference endpoint to demonstrate and test the checks.
//!
//! - [`cli`]: the `scim-conformance` command line and [`cli::run_endpoint`].
//! - [`profile`]: the `entra` and `rfc7644` check lists; [`check`]: check metadata and outcomes.
//! - [`session`]: what a running check works with; [`transport`]: the one network seam;
//!   [`endpoint`]: how to reach an endpoint (URL, token, TLS, proxy, timeouts).
//! - [`model`]: the expected state, computed from what the run sent; [`mapping`]: the
//!   attribute mapping `run` replays and `compare` compares (Entra's 22 default rows, or
//!   `--mapping FILE`), over PATCH paths.
//! - [`runner`]: selection, concurrency, early stop, cleanup; [`journal`]: created-ids journal;
//!   [`sweep`]: finding what a run left behind by its name prefix.
//! - [`report`]: human, JSON, JUnit and Markdown reports; [`token`]: bearer token handling;
//!   [`logging`]: `-v`/`-q`/`RUST_LOG` diagnostics on stderr.
//! - [`compare`]: the read-only migration compare of two endpoints (`scim-conformance compare`).
//! - [`reference`](mod@reference): the built-in reference endpoint (axum, in memory) with switchable faults.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod check;
pub mod cli;
pub mod compare;
pub mod diagnose;
pub mod dialect;
pub mod endpoint;
pub mod evidence;
pub mod exit;
pub mod interrupt;
pub mod journal;
pub mod logging;
pub mod mapping;
pub mod model;
pub mod names;
pub mod preflight;
pub mod profile;
pub mod reference;
pub mod report;
pub mod runner;
pub mod scim_json;
pub mod session;
pub mod stateful;
pub mod sweep;
pub mod token;
pub mod transcript;
pub mod transport;

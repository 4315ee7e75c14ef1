//! The scim-rs conformance runner: checks that a SCIM endpoint handles what Microsoft Entra ID
//! provisioning sends, and a built-in reference endpoint to demonstrate and test the checks.
//!
//! The `scim-conformance` binary is the main way to use it. As a library, it offers:
//!
//! - **Running a profile** and getting a [`Report`]: [`RunConfig`] (the [`Profile`] or a
//!   [`ProfileFile`], the user [`Mapping`], the PATCH [`Dialect`]s and other [`RunOptions`],
//!   the seed, the [`StatefulOptions`] of the stateful sequences), then [`run_endpoint`] with a
//!   base URL and a bearer [`Token`], or [`run_transport`] with your own [`Transport`]. The
//!   created resources are recorded in a [`Journal`] and removed at the end; a [`Progress`]
//!   (such as [`Quiet`]) hears about each check as it finishes.
//! - **Reading a report**: [`render`] it as human text, JSON, JUnit XML or Markdown
//!   ([`Format`]); [`Report::exit_code`] and [`Report::summary`] give the verdict
//!   ([`ExitCode`], MUST failures); [`CheckResult`]s carry each check's [`Outcome`], notes and
//!   HTTP transcript ([`Exchange`]).
//! - **Listing the checks**: [`Profile::checks`] (each [`Check`]'s [`CheckMeta`]: id, title,
//!   [`Requirement`] level, [`Evidence`], the [`reference::Fault`]s it catches),
//!   [`stateful_checks`], and the listings of `scim-conformance checks` ([`list_checks`],
//!   [`catalogue_markdown`]).
//! - **The built-in reference endpoint**, with switchable faults, to test against:
//!   [`reference`](mod@reference).
//! - **The read-only migration compare** of two endpoints: [`compare`](mod@compare).
//! - **The command line** itself: [`main_with`].
//!
//! Everything else is internal and may change in any release.
//!
//! # Example
//!
//! Running the Entra profile against an endpoint (here the built-in reference endpoint) and
//! failing on any MUST failure, as a test of your own SCIM server would
//! (`examples/entra_in_cargo_test.rs` is the complete test):
//!
//! ```
//! use std::sync::Arc;
//!
//! use scim2_conformance::reference::{ReferenceConfig, ReferenceServer};
//! use scim2_conformance::{
//!     ExitCode, Format, Journal, Quiet, RunConfig, Token, new_run_id, render, run_endpoint,
//! };
//!
//! # #[tokio::main(flavor = "multi_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = ReferenceServer::start(ReferenceConfig::default().with_token("s3cret")).await?;
//! // A fixed seed generates the same users on every run.
//! let config = RunConfig::new(7)?;
//! let journal = Arc::new(Journal::in_memory(&new_run_id()));
//! let token = Some(Token::new("s3cret"));
//! let report = run_endpoint(&config, &server.base_url(), token, journal, &Quiet).await?;
//! server.shutdown().await;
//!
//! let summary = report.summary();
//! assert_eq!(summary.must_failed, 0, "{}", render(&report, Format::Human));
//! assert_eq!(report.exit_code(), ExitCode::Ok);
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod capped;
pub(crate) mod check;
pub(crate) mod cli;
pub mod compare;
pub(crate) mod diagnose;
pub(crate) mod dialect;
pub(crate) mod endpoint;
pub(crate) mod evidence;
pub(crate) mod exit;
pub(crate) mod interrupt;
pub(crate) mod journal;
pub(crate) mod logging;
pub(crate) mod mapping;
pub(crate) mod model;
pub(crate) mod names;
pub(crate) mod preflight;
pub(crate) mod profile;
pub mod reference;
pub(crate) mod report;
pub(crate) mod runner;
pub(crate) mod scim_json;
pub(crate) mod session;
pub(crate) mod stateful;
pub(crate) mod sweep;
pub(crate) mod token;
pub(crate) mod transcript;
pub(crate) mod transport;

pub use cli::catalogue_markdown;
pub use cli::{
    ListFormat, RunConfig, UsageError, list_checks, main_with, run_endpoint, run_transport,
};

pub use check::{Capability, CheckMeta, CheckResult, Counterexample, Failure, Levels, Outcome};
pub use dialect::Dialect;
pub use endpoint::Network;
pub use evidence::{Evidence, Requirement, Source};
pub use exit::ExitCode;
pub use interrupt::Interrupt;
pub use journal::{Created, Journal, JournalError, ResourceKind, new_run_id};
pub use mapping::ENTRA_DEFAULT_TOML as ENTRA_DEFAULT_MAPPING_TOML;
pub use mapping::{Mapping, MappingError};
pub use profile::file::MAX_PROFILE_FILE;
pub use profile::file::{ProfileFile, ProfileFileError};
pub use profile::{Check, Profile};
pub use report::{Format, Report, Summary, render};
pub use runner::{CleanupReport, Leftover, Progress, Quiet, RunOptions, RunOutcome};
pub use session::Abort;
pub use stateful::{
    Options as StatefulOptions, Saved as SavedSequence, Shape as StatefulShape,
    check_metas as stateful_checks,
};
pub use token::{OpaqueExpiry, Token, TokenError, TokenInfo};
pub use transcript::Exchange;
pub use transport::{
    BoxFuture, HttpTransport, Transport, TransportError, WireRequest, WireResponse,
};

/// Test support for this crate's own integration tests: the internals they drive directly (a
/// [`Session`](session::Session) without the run around it, the runner's selection and fixed
/// phase, the stateful engine on its own). Not part of the API: outside semver, it may change
/// or go in any release.
#[doc(hidden)]
pub mod __internal {
    pub use crate::runner::{run, select};
    pub use crate::session::Session;

    /// The stateful engine without the fixed checks around it.
    pub mod stateful {
        pub use crate::stateful::{
            Counterexample, Op, Options, Saved, Shape, StatefulOutcome, generate, replay, run,
        };
    }
}

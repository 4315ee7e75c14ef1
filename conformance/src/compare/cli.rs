//! The `scim-conformance compare` command: arguments, exit codes, messages.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use scim2_client::{Client, Error, RetryPolicy};

use super::Comparison;
use super::diff::Side;
use super::fetch::{ReadError, ReadOptions, SideProgress, read_and_compare};
use super::progress::Bars;
use super::render::{Format, render};
use crate::endpoint::{EndpointError, EndpointSpec, FromEndpointArgs, ToEndpointArgs};
use crate::mapping::{Mapping, MappingError};
use crate::token::TokenInfo;

/// `scim-conformance compare`: read-only comparison of the directories of two SCIM
/// endpoints (GET only), for a migration from an old endpoint (`--from`) to a new one
/// (`--to`).
///
/// Exit codes: 0 identical for the mapped attributes, ids preserved and every probed user
/// found by Entra ID's matching query; 1 differences or problems found; 2 usage or
/// configuration error; 3 an endpoint could not be reached, refused the credentials, or
/// failed before everything was read.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct CompareArgs {
    /// The old endpoint (`--from https://addon-tenant.example.com/SCIM/v2`), its token
    /// (`--from-token-env VAR` or `--from-token-file PATH`; without either, `SCIM_TOKEN` when
    /// it is set, as with `run`, else no token),
    /// TLS, proxy and timeouts.
    #[command(flatten)]
    pub from: FromEndpointArgs,
    /// The new endpoint (`--to https://tenant.example.com/api/v2/scim`), with the same
    /// options spelled `--to-…`.
    #[command(flatten)]
    pub to: ToEndpointArgs,
    /// A TOML mapping file listing the compared targets (default: Entra ID's default
    /// mapping, 22 user attributes; group displayName and externalId; members).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// The most requests in flight per endpoint.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// At most N requests per second per endpoint.
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,
    /// Resources asked for per page (`count`).
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub page_size: u64,
    /// Seconds before one request times out (both sides; `--from-timeout` and
    /// `--to-timeout` set one side).
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Attempts per request before giving up (429/502/503/504 and connection failures are
    /// retried with backoff, honouring `Retry-After`).
    #[arg(long, value_name = "N", default_value_t = 6,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
    /// Entra ID's matching query (`filter=userName eq "…"`) is sent for every old user; with
    /// N, for an evenly spread sample of N users (0: not at all).
    #[arg(long, value_name = "N")]
    pub probe: Option<usize>,
    /// Do not read the old side's ids on the new side (`GET /Users/{id}`), for a migration
    /// whose procedure restarts provisioning anyway.
    #[arg(long)]
    pub no_id_check: bool,
    /// Allow `http://` for hosts other than loopback on both sides (the token would travel in
    /// clear).
    #[arg(long)]
    pub insecure_http: bool,
}

/// The exit codes, as `--help` shows them.
pub const EXIT_CODES_HELP: &str = "Exit codes:
  0  both endpoints hold the same users, groups and memberships (mapped attributes),
     every old id serves the same resource on the new endpoint, and Entra ID's matching
     query finds every probed user exactly once
  1  differences found, ids not preserved, or users the matching query does not find
  2  usage or configuration error
  3  an endpoint could not be reached, refused the credentials, or failed before
     everything was read (the message says how far it got)

Only GET requests are sent. Tokens are read from the environment variables named by
--from-token-env and --to-token-env or the files named by --from-token-file and
--to-token-file, never from an argument, and never printed. A side given neither (and not
--from-no-auth / --to-no-auth) sends the token of SCIM_TOKEN when it is set, as `run` does.";

/// The documented exit codes of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: identical for the mapped attributes.
    Identical = 0,
    /// 1: differences found.
    Differences = 1,
    /// 2: usage or configuration error.
    Usage = 2,
    /// 3: an endpoint could not be reached or refused the credentials.
    Unreachable = 3,
}

impl Exit {
    /// The process exit status.
    #[must_use]
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        Self::from(e.code())
    }
}

/// The retry policy for reading: `attempts` attempts, up to 2 minutes of waiting per request.
#[must_use]
pub fn retry_policy(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(attempts)
        .max_total_wait(Duration::from_secs(120))
}

/// Builds the client of one side from the arguments, through the same checks as `run`
/// ([`EndpointSpec::resolve`]); no error names the token.
fn client(
    spec: &EndpointSpec,
    args: &CompareArgs,
) -> Result<(Client, Option<TokenInfo>), EndpointError> {
    let endpoint = spec.resolve(fallback_env(spec), args.insecure_http)?;
    let b = Client::builder(&endpoint.url)
        .retry(retry_policy(args.max_attempts))
        .timeout(spec.timeout_or(Duration::from_secs(args.timeout)));
    let network = &endpoint.network;
    let mut b = network.apply_auth(network.apply(b));
    let mut info = None;
    if let Some(token) = &endpoint.token {
        info = Some(token.inspect_with(time::OffsetDateTime::now_utc(), endpoint.expiry));
        b = b.bearer(token.secret().clone());
    }
    if let Some(r) = args.rate {
        b = b.rate_limit(r);
    }
    let client = b.build().map_err(|source| EndpointError::Client {
        flag: spec.url_flag,
        source: Box::new(source),
    })?;
    Ok((client, info))
}

/// The variable a side's token falls back to, as with `run`: `SCIM_TOKEN`, when the side names
/// no token (`--from-token-env`, `--from-token-file`, OAuth) and does not say `--from-no-auth`,
/// and the variable is set (without it, no token is sent, as before).
#[must_use]
pub fn fallback_env(spec: &EndpointSpec) -> Option<&'static str> {
    (spec.token_env.is_none()
        && spec.token_file.is_none()
        && !spec.no_auth
        && spec.oauth_token_url.is_none()
        && std::env::var_os("SCIM_TOKEN").is_some())
    .then_some("SCIM_TOKEN")
}

/// Where a side's token came from, for messages: `$VAR`, `the file PATH`, or that none was
/// sent.
#[must_use]
pub fn token_source(spec: &EndpointSpec) -> Option<String> {
    if spec.no_auth {
        return None;
    }
    if let Some(url) = &spec.oauth_token_url {
        return Some(format!("the OAuth access token from {url}"));
    }
    match (&spec.token_file, &spec.token_env) {
        (Some(p), _) => Some(format!("the file {}", p.display())),
        (None, Some(v)) => Some(format!("${v}")),
        (None, None) => fallback_env(spec).map(|v| format!("${v}")),
    }
}

/// The hint printed after a read failure (the same advice as `run`). `token` says where the
/// token came from (see [`token_source`]).
#[must_use]
pub fn hint(error: &Error, token: Option<&str>) -> Option<String> {
    let var = token.map_or_else(|| "no token was sent".to_owned(), ToOwned::to_owned);
    match error.status().map(|s| s.as_u16()) {
        Some(401) => Some(format!(
            "the token ({var}) was refused; it may have expired or been revoked, or be meant \
             for another endpoint: create a new one and set the variable again"
        )),
        Some(403) => Some(format!(
            "the token ({var}) was accepted but not allowed to read: the endpoint may only \
             admit callers from an IP allowlist, or the token may lack read permission on \
             /Users and /Groups"
        )),
        Some(_) => None,
        None => match error {
            Error::Connect { .. } | Error::Timeout { .. } | Error::Transport { .. } => {
                let generic = "check the URL and that the endpoint is reachable from this machine";
                Some(match crate::diagnose::cause(&error.to_string()) {
                    Some(c) => format!("{}; {generic}", crate::diagnose::advice(c)),
                    None => generic.to_owned(),
                })
            }
            _ => None,
        },
    }
}

/// Compares two endpoints with already built clients and returns the comparison.
///
/// `progress` receives the counters of both sides as reading goes.
///
/// # Errors
/// The first [`ReadError`] of either side.
pub async fn compare_endpoints(
    from: &Client,
    to: &Client,
    mapping: &Mapping,
    opts: ReadOptions,
    progress: [Arc<SideProgress>; 2],
) -> Result<Comparison, ReadError> {
    Ok(read_and_compare(from, to, mapping, opts, progress).await?.0)
}

/// Reads both endpoints, compares them, then checks on the new side what Entra ID will do
/// after the switch: whether each old id serves the same resource
/// ([`super::continuity`]; unless `id_check` is false) and whether Entra ID's matching query finds each old user exactly
/// once ([`super::probe`]; `probe` = `Some(0)` skips it, `Some(n)` samples `n` users).
///
/// # Errors
/// The first [`ReadError`] of either side.
pub async fn compare_for_migration(
    from: &Client,
    to: &Client,
    mapping: &Mapping,
    opts: ReadOptions,
    progress: [Arc<SideProgress>; 2],
    probe: Option<usize>,
    id_check: bool,
) -> Result<Comparison, ReadError> {
    let (mut c, a) = read_and_compare(from, to, mapping, opts, progress).await?;
    let continuity = if id_check {
        Some(super::continuity::check_ids(to, &a, opts.concurrency).await)
    } else {
        None
    };
    let external_id = mapping.users.iter().any(|t| t.is_plain("externalId"));
    let matching = match probe {
        Some(0) => None,
        n => Some(super::probe::probe(to, &a, n, external_id, opts.concurrency).await),
    };
    if continuity.is_none() && matching.is_none() {
        return Ok(c);
    }
    c.migration = Some(super::migration::Migration {
        continuity,
        matching,
        summary: String::new(),
    });
    let line = super::migration::ticket_line(&c);
    if let Some(m) = c.migration.as_mut() {
        m.summary = line;
    }
    Ok(c)
}

/// Why `compare` stopped without a report, with its exit code ([`CompareError::exit`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// An endpoint's options are unusable (exit code 2).
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// `--rate` is not a positive number (exit code 2).
    #[error("--rate must be a positive number, not {0}")]
    Rate(f64),
    /// The mapping file is unusable (exit code 2).
    #[error(transparent)]
    Mapping(#[from] MappingError),
    /// The report could not be written (exit code 2).
    #[error("could not write the report{}: {source}", .path.as_ref().map(|p| format!(" to {}", p.display())).unwrap_or_default())]
    Write {
        /// `--output`, when the report went to a file.
        path: Option<PathBuf>,
        /// Why.
        source: std::io::Error,
    },
    /// An endpoint could not be read to the end (exit code 3). The message says how far it
    /// got, and a hint when there is one ([`hint`]).
    #[error(
        "{source}\n  stopped after reading {progress} from the {side} endpoint; no comparison was made{hint}",
        progress = .source.progress,
        side = .source.side.as_str(),
        hint = .hint.as_ref().map(|h| format!("\n  hint: {h}")).unwrap_or_default()
    )]
    Read {
        /// The read failure.
        source: ReadError,
        /// What to do about it.
        hint: Option<String>,
    },
}

impl CompareError {
    /// The exit code this error ends `compare` with.
    #[must_use]
    pub fn exit(&self) -> Exit {
        match self {
            Self::Read { .. } => Exit::Unreachable,
            _ => Exit::Usage,
        }
    }
}

/// Runs `compare`: reads both endpoints, writes the report to `--output` or `out`, and
/// messages (errors, hints, progress) to `err`. Returns the exit code.
pub async fn run(
    args: CompareArgs,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
) -> Exit {
    match run_inner(&args, out, err).await {
        Ok(exit) => exit,
        Err(e) => {
            let _ = writeln!(err, "scim-conformance compare: {e}");
            e.exit()
        }
    }
}

async fn run_inner(
    args: &CompareArgs,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
) -> Result<Exit, CompareError> {
    if let Some(r) = args.rate
        && !(r.is_finite() && r > 0.0)
    {
        return Err(CompareError::Rate(r));
    }
    let mapping = match &args.mapping {
        Some(p) => Mapping::load(p)?,
        None => Mapping::entra_default(),
    };
    let (from_spec, to_spec) = (args.from.spec(), args.to.spec());
    let (from, from_token) = client(&from_spec, args)?;
    let (to, to_token) = client(&to_spec, args)?;
    for (side, info) in [(Side::From, &from_token), (Side::To, &to_token)] {
        if let Some(w) = info.as_ref().and_then(|i| i.warning.as_ref()) {
            let _ = writeln!(err, "warning: --{} token: {w}", side.as_str());
        }
    }
    let opts = ReadOptions {
        page_size: args.page_size,
        concurrency: usize::from(args.concurrency),
    };
    let progress = [
        Arc::new(SideProgress::new(Side::From)),
        Arc::new(SideProgress::new(Side::To)),
    ];
    let bars = (args.format == Format::Human)
        .then(|| Bars::start(progress.clone(), ["from".to_owned(), "to".to_owned()]));
    let result = compare_for_migration(
        &from,
        &to,
        &mapping,
        opts,
        progress,
        args.probe,
        !args.no_id_check,
    )
    .await;
    if let Some(b) = bars {
        b.finish();
    }
    let comparison = match result {
        Ok(c) => c,
        Err(source) => {
            let token_env = token_source(match source.side {
                Side::From => &from_spec,
                Side::To => &to_spec,
            });
            let hint = hint(&source.source, token_env.as_deref());
            return Err(CompareError::Read { source, hint });
        }
    };
    let text = render(&comparison, args.format);
    match &args.output {
        Some(path) => {
            std::fs::write(path, text.as_bytes()).map_err(|source| CompareError::Write {
                path: Some(path.clone()),
                source,
            })?;
            let _ = writeln!(
                err,
                "compare: {} differences; report written to {}",
                comparison.totals.differences,
                path.display()
            );
        }
        None => {
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|source| CompareError::Write { path: None, source })?;
        }
    }
    let migration_ok = comparison
        .migration
        .as_ref()
        .is_none_or(|m| !m.has_problems());
    Ok(if comparison.identical() && migration_ok {
        Exit::Identical
    } else {
        Exit::Differences
    })
}

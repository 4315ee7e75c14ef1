//! The `scim-conformance` command line: argument parsing (clap derive) and the commands.
//!
//! Exit codes (see [`ExitCode`]): 0 every MUST passed; 1 a MUST failed or cleanup left data;
//! 2 usage or configuration error; 3 the endpoint could not be reached or refused the
//! credentials; 130 interrupted (after cleanup).

use std::io::IsTerminal;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use time::OffsetDateTime;

use crate::dialect::Dialect;
use crate::endpoint::{Endpoint, EndpointArgs, EndpointError, EndpointSpec, Network};
use crate::exit::ExitCode;
use crate::journal::{Journal, is_run_id, new_run_id};
use crate::mapping::Mapping;
use crate::profile::file::{ProfileChoice, ProfileFile, ProfileFileError};
use crate::profile::{Check, Profile};
use crate::reference::{Fault, ReferenceConfig, ReferenceServer};
use crate::report::{Format, Report, human};
use crate::runner::{self, Progress, RunOptions};
use crate::session::Session;
use crate::token::{OpaqueExpiry, Token, TokenInfo};
use crate::transport::{HttpTransport, ReadOnly, Transport, WireRequest};

mod catalogue;
mod cleanup;
mod serve;
use catalogue::checks_cmd;
pub use catalogue::{catalogue_markdown, list_checks};
use cleanup::{cleanup_cmd, print_cleanup};
use serve::serve_cmd;

const AFTER_HELP: &str = "\
Exit codes:
  0    ready: every selected MUST check ran and passed, and nothing was left behind
  1    a MUST check failed, or cleanup could not remove everything the run created
  2    usage or configuration error (also an --only/--skip pattern that matches no check)
  3    the endpoint could not be reached, is not a SCIM base URL, or refused the credentials
  4    incomplete: no MUST check failed, but some MUST checks did not run (--read-only, a
       capability the endpoint does not advertise, a failed prerequisite, the time budget)
  130  interrupted with Ctrl-C (after cleanup)

The bearer token is read from the environment variable SCIM_TOKEN (or --token-env VAR) or
from --token-file PATH; it is never taken from an argument and never printed.
`run --help` describes profile files (--profile FILE).

Diagnostics (each HTTP attempt, retries and back-off) go to stderr: -v, -vv, -vvv for more,
-q for none; RUST_LOG (e.g. RUST_LOG=scim2_client=debug), when set, replaces them.";

/// `run --help` and `checks --help`: the profile file format (README: "Profile files").
const PROFILE_FILE_HELP: &str = "\
Profile files (--profile FILE; any value other than entra or rfc7644 is a path):
  name = \"acme-entra\"            # shown in reports
  base = \"entra\"                 # or \"rfc7644\": the built-in check list it starts from
  include = [\"entra.group\"]      # optional: check-id patterns kept (syntax of --only)
  exclude = [\"entra.probe\"]      # optional: check-id patterns removed (syntax of --skip)
  mapping = \"mapping.toml\"       # optional: user mapping file, relative to the profile file
  dialect = \"legacy\"             # optional: legacy | flagged | both
  [requirements]                 # optional: a check's level: MUST | SHOULD | MAY
  \"entra.group.members.add-repeat\" = \"MUST\"
--mapping and --dialect replace the file's values; --only and --skip narrow its checks further.
An unknown key, base, level or check id, or a pattern matching no check, is a usage error (2).";

/// Checks that a SCIM 2.0 endpoint handles what Microsoft Entra ID provisioning sends.
#[derive(Debug, Parser)]
#[command(name = "scim-conformance", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// More diagnostics on stderr: -v retries and back-off, -vv every HTTP attempt, -vvv all.
    #[arg(short, long, action = clap::ArgAction::Count, global = true, help_heading = "Diagnostics")]
    pub verbose: u8,
    /// No diagnostics on stderr (reports are written as usual).
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Diagnostics"
    )]
    pub quiet: bool,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a profile against an endpoint (or the built-in reference endpoint).
    Run(RunArgs),
    /// Serve the built-in reference endpoint on 127.0.0.1.
    Serve(ServeArgs),
    /// List the checks `run` runs for the profile (the fixed ones, then the stateful ones) with
    /// their id, requirement, source and targeted faults.
    Checks(ChecksArgs),
    /// Remove the leftovers of an interrupted run.
    Cleanup(CleanupArgs),
    /// Compare the users, groups and memberships of two endpoints (read-only; exit 0 identical,
    /// 1 differences, 2 usage, 3 unreachable or credentials refused).
    Compare(crate::compare::CompareArgs),
    /// Re-run a saved failing stateful sequence with the `run` options.
    Replay(ReplayArgs),
    /// Print a shell completion script (e.g. `scim-conformance completions bash >
    /// /etc/bash_completion.d/scim-conformance`).
    Completions(CompletionsArgs),
}

/// `completions` options.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `replay` options: the saved sequence and the `run` options.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The saved sequence (JSON, or the report's `saved sequence: …` line).
    pub file: PathBuf,
    /// Where and how to run it.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `run` options.
#[derive(Debug, Args)]
#[command(after_help = PROFILE_FILE_HELP)]
pub struct RunArgs {
    /// The endpoint: `--url` (required unless `--builtin`), token, TLS, proxy, timeouts.
    #[command(flatten)]
    pub endpoint: EndpointArgs,
    /// Run against the built-in reference endpoint, in process.
    #[arg(long)]
    pub builtin: bool,
    /// Fault of the built-in endpoint to switch on (repeatable; with --builtin; `checks` lists
    /// the faults each check catches).
    #[arg(long = "fault", value_name = "NAME", requires = "builtin")]
    pub faults: Vec<Fault>,
    /// Profile: `entra` (default), `rfc7644`, or the path of a profile file (see below).
    #[arg(long, value_name = "entra|rfc7644|FILE", default_value = "entra")]
    pub profile: ProfileChoice,
    /// User attribute mapping (TOML; default: the profile file's, else Entra's 22 default rows).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Which of Entra's PATCH dialects to replay (default: the profile file's, else both).
    #[arg(long, value_enum)]
    pub dialect: Option<crate::dialect::Dialects>,
    /// Send GET requests only (test connection, discovery, queries); never a write.
    #[arg(long)]
    pub read_only: bool,
    /// Run only checks whose id matches (repeatable; `*` wildcard; a prefix matches below it).
    #[arg(long, value_name = "PATTERN")]
    pub only: Vec<String>,
    /// Skip checks whose id matches (repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub skip: Vec<String>,
    /// Format of the report written to stdout (or to --output).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to a file instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Also write the report in FORMAT (human, json, junit, markdown) to PATH; repeatable, all
    /// from the same run (e.g. `--report junit=results.xml --report json=report.json`).
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    pub reports: Vec<crate::report::ReportTarget>,
    /// Seed of the generated values (random when absent; printed in the report).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Maximum requests per second.
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,
    /// Keep what the run created (no cleanup).
    #[arg(long)]
    pub keep_data: bool,
    /// Fixed checks, then stateful sequences, in flight at once (1: one at a time; the report
    /// is the same whatever N is).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub concurrency: u64,
    /// Stateful sequences generated after the fixed checks (default 64; `--cases 0` runs none;
    /// `--only stateful` runs them alone). Without `--budget`, exactly N run.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub cases: Option<u32>,
    /// Wall-time budget of the stateful phase in seconds, shrinking included: no new sequence
    /// or shrink attempt starts after it (default 120 when --cases is not given either; a
    /// stateful check the cut left unexercised is skipped, never passed).
    #[arg(long, value_name = "SECS")]
    pub budget: Option<u64>,
    /// When a stateful sequence fails, write its minimal sequence to this file (JSON; re-run
    /// it with `scim-conformance replay FILE`).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Directory of the created-resources journal (default: the system temp dir).
    #[arg(long, value_name = "DIR")]
    pub journal_dir: Option<PathBuf>,
}

/// `serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Fault to switch on (repeatable).
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<Fault>,
    /// Require the bearer token held in this environment variable.
    #[arg(long, value_name = "VAR")]
    pub require_token_env: Option<String>,
    /// Declare User extension schemas (RFC 7643 §7: a schema, an array of schemas, or a
    /// /Schemas ListResponse; repeatable). With any declared, attributes of other extensions and
    /// unknown sub-attributes are refused (400) in POST, PUT and PATCH alike; without, all
    /// three store them as sent.
    #[arg(long = "schema", value_name = "FILE")]
    pub schemas: Vec<std::path::PathBuf>,
    /// Keep users and groups in this SQLite file (created if missing; kept across restarts)
    /// instead of in memory. Faults need the in-memory store.
    #[arg(long, value_name = "PATH", conflicts_with = "faults")]
    pub db: Option<std::path::PathBuf>,
}

/// `checks` options.
#[derive(Debug, Args)]
#[command(after_help = PROFILE_FILE_HELP)]
pub struct ChecksArgs {
    /// Profile: `entra` (default), `rfc7644`, or the path of a profile file.
    #[arg(long, value_name = "entra|rfc7644|FILE", default_value = "entra")]
    pub profile: ProfileChoice,
    /// User attribute mapping, as for `run` (a mapping with custom extension rows adds
    /// `entra.user.custom-extension`).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// `checks --format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Plain text.
    Text,
    /// A Markdown table.
    Markdown,
    /// JSON: the profile and an array of checks (id, title, area, requirement, source, faults).
    Json,
}

/// `cleanup` options.
#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// The endpoint: `--url` (required), token, TLS, proxy, timeouts.
    #[command(flatten)]
    pub endpoint: EndpointArgs,
    /// The run id printed by the interrupted run.
    #[arg(long = "run", value_name = "RUN_ID")]
    pub run_id: String,
    /// Directory of the journal (default: the system temp dir).
    #[arg(long, value_name = "DIR")]
    pub journal_dir: Option<PathBuf>,
}

/// A configuration problem (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl From<EndpointError> for UsageError {
    fn from(e: EndpointError) -> Self {
        Self(e.to_string())
    }
}

fn default_journal_dir() -> PathBuf {
    std::env::temp_dir().join("scim-conformance")
}

/// What to change when the endpoint answers 401 to the token `spec` describes: the variable,
/// the file or the OAuth options it came from (the token itself is never named).
#[must_use]
pub fn refused_token_advice(spec: &EndpointSpec) -> String {
    const ELSEWHERE: &str =
        "name another variable with --token-env NAME, or a file with --token-file PATH";
    if spec.no_auth {
        return format!(
            "the endpoint wants a bearer token: drop --no-auth and set SCIM_TOKEN (or {ELSEWHERE})"
        );
    }
    if spec.oauth_token_url.is_some() {
        return "the access token came from --oauth-token-url: check --oauth-client-id, the client \
                secret and --oauth-scope"
            .to_owned();
    }
    match (&spec.token_file, &spec.token_env) {
        (Some(p), _) => format!(
            "put a valid token on the first line of {} (--token-file), or read it from a variable \
             with --token-env NAME",
            p.display()
        ),
        (None, Some(v)) => format!(
            "set {v} (--token-env {v}) to a valid token, or read it from a file with \
             --token-file PATH"
        ),
        (None, None) => format!("set SCIM_TOKEN to a valid token, or {ELSEWHERE}"),
    }
}

/// The endpoint's URL (required), token (`$SCIM_TOKEN` unless told otherwise), network
/// settings and `--token-expires`, checked as `compare` checks its two endpoints.
fn load_endpoint(spec: &EndpointSpec) -> Result<Endpoint, UsageError> {
    Ok(spec.resolve(Some("SCIM_TOKEN"), false)?)
}

/// Everything `run` needs, resolved from the arguments.
pub struct RunConfig {
    /// Built-in profile (the base of `profile_file` when that is set).
    pub profile: Profile,
    /// A loaded profile file; when set, its checks, levels and name replace `profile`'s.
    pub profile_file: Option<ProfileFile>,
    /// Mapping.
    pub mapping: Mapping,
    /// Options.
    pub options: RunOptions,
    /// Seed.
    pub seed: u64,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Requests per second.
    pub rate: Option<f64>,
    /// Proxy, trust roots, CA files, client certificate, connect timeout.
    pub network: Network,
    /// What to say about the expiry of an opaque token (`--token-expires`).
    pub opaque_expiry: OpaqueExpiry,
    /// The stateful run after the fixed checks, if any.
    pub stateful: Option<crate::stateful::Options>,
    /// Ctrl-C switch: once triggered, the run sends no new POST/PUT/PATCH and winds down
    /// to its cleanup.
    pub interrupt: Option<crate::interrupt::Interrupt>,
    /// What to change when the endpoint refuses the token (401): the variable, file or
    /// option the token came from.
    pub token_advice: String,
}

impl RunConfig {
    /// A default configuration (entra profile, default mapping, both dialects).
    ///
    /// # Errors
    /// Never in practice (the default mapping is tested).
    pub fn new(seed: u64) -> Result<Self, UsageError> {
        Ok(Self {
            profile: Profile::Entra,
            profile_file: None,
            mapping: Mapping::entra_default(),
            options: RunOptions::default(),
            seed,
            timeout: Duration::from_secs(30),
            rate: None,
            network: Network::default(),
            opaque_expiry: OpaqueExpiry::Ignore,
            stateful: None,
            interrupt: None,
            token_advice: refused_token_advice(&EndpointSpec::default()),
        })
    }

    /// The profile's checks (before `--only`/`--skip`/`--dialect`), in report order; the
    /// custom extension check only when the mapping has custom extension rows.
    #[must_use]
    pub fn checks(&self) -> Vec<Check> {
        let mut c = self
            .profile_file
            .as_ref()
            .map_or_else(|| self.profile.checks(), ProfileFile::checks);
        c.retain(|c| crate::profile::entra_custom::applies(c.meta.id, &self.mapping));
        c
    }

    /// The profile's name as reports show it (a profile file's `name`).
    #[must_use]
    pub fn profile_name(&self) -> String {
        self.profile_file
            .as_ref()
            .map_or_else(|| self.profile.to_string(), |f| f.name.clone())
    }
}

/// Loads `--profile`: a built-in profile, or a profile file (validated).
///
/// # Errors
/// [`UsageError`] naming the file, line, column and key.
pub fn load_profile(choice: &ProfileChoice) -> Result<(Profile, Option<ProfileFile>), UsageError> {
    match choice {
        ProfileChoice::Builtin(p) => Ok((*p, None)),
        ProfileChoice::File(path) => {
            let f = ProfileFile::load(path).map_err(|e| match e {
                ProfileFileError::Read { .. } => UsageError(format!(
                    "{e} (--profile takes entra, rfc7644 or the path of a profile file)"
                )),
                ProfileFileError::Invalid { .. } => UsageError(e.to_string()),
            })?;
            Ok((f.base, Some(f)))
        }
    }
}

/// Runs the profile against `base_url` and returns the report (no output written).
///
/// `journal` records created resources; `token` is sent as a bearer token.
///
/// # Errors
/// [`UsageError`] when no HTTP client can be built from `base_url` and the network settings.
pub async fn run_endpoint(
    cfg: &RunConfig,
    base_url: &str,
    token: Option<Token>,
    journal: Arc<Journal>,
    progress: &dyn Progress,
) -> Result<Report, UsageError> {
    let started_at = OffsetDateTime::now_utc();
    let now = started_at;
    let token_info: Option<TokenInfo> = token
        .as_ref()
        .map(|t| t.inspect_with(now, cfg.opaque_expiry));
    let http = HttpTransport::with_network(
        base_url,
        token.as_ref(),
        cfg.timeout,
        cfg.rate,
        &cfg.network,
    )
    .map_err(|e| UsageError(e.to_string()))?;
    let http: Arc<dyn Transport> = Arc::new(http);
    Ok(run_with(
        cfg, http, base_url, token_info, started_at, journal, progress,
    )
    .await)
}

/// Runs the profile through your own `transport` (an in-process server, a recording wrapper)
/// and returns the report, naming the endpoint by [`Transport::base_url`]. The transport adds
/// any credentials; `cfg`'s timeout, rate, network and token settings are not used.
pub async fn run_transport(
    cfg: &RunConfig,
    transport: Arc<dyn Transport>,
    journal: Arc<Journal>,
    progress: &dyn Progress,
) -> Report {
    let (endpoint, at) = (transport.base_url().to_owned(), OffsetDateTime::now_utc());
    run_with(cfg, transport, &endpoint, None, at, journal, progress).await
}

/// The run through `http`: the fixed checks, then the stateful sequences, and the report.
async fn run_with(
    cfg: &RunConfig,
    http: Arc<dyn Transport>,
    base_url: &str,
    token_info: Option<TokenInfo>,
    started_at: OffsetDateTime,
    journal: Arc<Journal>,
    progress: &dyn Progress,
) -> Report {
    let transport: Arc<dyn Transport> = if cfg.options.read_only {
        Arc::new(ReadOnly(http))
    } else {
        http
    };
    let transport: Arc<dyn Transport> = match &cfg.interrupt {
        Some(i) => Arc::new(i.gate(transport)),
        None => transport,
    };
    let auth_hint = match token_info.as_ref() {
        Some(TokenInfo {
            expires_at: Some(e),
            jwt: true,
            ..
        }) => format!(" (the JWT's exp is {e})"),
        Some(TokenInfo {
            expires_at: Some(e),
            jwt: false,
            ..
        }) => format!(" (--token-expires says {e})"),
        _ => String::new(),
    };
    let auth_hint = format!("{auth_hint}; {}", cfg.token_advice);
    // Capabilities (RFC 7644 §4); absent or unreadable = assume capable.
    let spc = match transport
        .send(WireRequest::new("GET", "/ServiceProviderConfig"))
        .await
    {
        Ok(r) if r.status == 200 => r.json(),
        _ => None,
    };
    let session = Arc::new(Session::new(
        Arc::clone(&transport),
        journal,
        Arc::new(cfg.mapping.clone()),
        cfg.seed,
        spc,
        auth_hint,
    ));
    let checks = runner::select(cfg.checks(), &cfg.options);
    let outcome = runner::run(Arc::clone(&session), &checks, &cfg.options, progress).await;
    let stateful = cfg
        .stateful
        .as_ref()
        .map(|o| crate::stateful::cli::for_run(o, cfg.profile, &cfg.options));
    let outcome =
        crate::stateful::cli::after_fixed(&session, stateful.as_ref(), outcome, progress).await;
    Report {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        profile: cfg.profile_name(),
        dialects: cfg
            .options
            .dialects
            .iter()
            .map(ToString::to_string)
            .collect(),
        seed: cfg.seed,
        run_id: session.journal.run_id().to_owned(),
        endpoint: base_url.to_owned(),
        started_at: started_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        read_only: cfg.options.read_only,
        token: token_info,
        outcome,
    }
}

/// Every `--only`/`--skip` pattern must match a check of the profile (a typo would otherwise
/// select nothing and exit 0).
///
/// # Errors
/// [`UsageError`] naming the pattern and the profile.
pub fn check_patterns(cfg: &RunConfig, only: &[String], skip: &[String]) -> Result<(), UsageError> {
    let checks = cfg.checks();
    let ids: Vec<&str> = checks
        .iter()
        .map(|c| c.meta.id)
        .chain(crate::stateful::cli::IDS)
        .collect();
    for (flag, patterns) in [("--only", only), ("--skip", skip)] {
        for p in patterns {
            if !ids.iter().any(|id| crate::check::id_matches(p, id)) {
                return Err(UsageError(format!(
                    "{flag} {p:?} matches no check of the {} profile (list them with \
                     `scim-conformance checks --profile {}`)",
                    cfg.profile_name(),
                    cfg.profile
                )));
            }
        }
    }
    Ok(())
}

/// `--save FILE`: writes the failing stateful sequence, if the run found one.
fn save_counterexample(report: &Report, path: &PathBuf) -> Result<(), UsageError> {
    let Some(c) = report
        .outcome
        .results
        .iter()
        .find_map(|r| r.counterexample.as_ref())
    else {
        eprintln!(
            "scim-conformance: no stateful sequence failed; nothing saved to {}",
            path.display()
        );
        return Ok(());
    };
    let json = serde_json::to_string_pretty(&c.saved)
        .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?;
    std::fs::write(path, json + "\n")
        .map_err(|e| UsageError(format!("cannot write {}: {e}", path.display())))?;
    eprintln!(
        "scim-conformance: saved the failing sequence to {}; re-run it with `scim-conformance \
         replay {} …`",
        path.display(),
        path.display()
    );
    Ok(())
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Human => "human",
        Format::Json => "JSON",
        Format::Junit => "JUnit",
        Format::Markdown => "Markdown",
    }
}

fn write_output(text: &str, output: Option<&PathBuf>) -> Result<(), UsageError> {
    match output {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| UsageError(format!("cannot write {}: {e}", p.display()))),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// The message for a token given as an argument (`--token x`, `--from-token x`): there is no
/// such option, and the value is never taken for a variable's name.
#[must_use]
pub fn token_argument_message(args: &[String]) -> Option<String> {
    let flag = args.iter().skip(1).find_map(|a| {
        let name = a.split_once('=').map_or(a.as_str(), |(n, _)| n);
        ["--token", "--from-token", "--to-token", "--bearer"]
            .contains(&name)
            .then_some(name)
    })?;
    let p = match flag {
        "--from-token" => "from-",
        "--to-token" => "to-",
        _ => "",
    };
    Some(format!(
        "there is no {flag} option: the token is read from an environment variable or a file, \
         never from an argument (arguments show in the shell history and the process list):\n  \
         --{p}token-env NAME    the variable NAME holds the token (e.g. --{p}token-env SCIM_TOKEN)\n  \
         --{p}token-file PATH   the first line of the file PATH is the token{}",
        if p.is_empty() {
            "\nWithout either, `run` reads SCIM_TOKEN: `export SCIM_TOKEN=…` (or read it with \
             `read -rs SCIM_TOKEN; export SCIM_TOKEN`)"
        } else {
            ""
        }
    ))
}

/// Parses `args` and runs the command; returns the exit code (messages go to stderr).
pub async fn main_with(args: impl IntoIterator<Item = String>) -> ExitCode {
    let args: Vec<String> = args.into_iter().collect();
    if let Some(m) = token_argument_message(&args) {
        eprintln!("scim-conformance: {m}");
        return ExitCode::Usage;
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            // Through the print macros rather than `e.print()`, so that a test calling this
            // in process captures the message like any other output of the test.
            let text = if std::io::stderr().is_terminal() && e.use_stderr() {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return if e.use_stderr() {
                ExitCode::Usage
            } else {
                ExitCode::Ok
            };
        }
    };
    crate::logging::init(cli.verbose, cli.quiet);
    let result = match cli.command {
        Command::Run(a) => run_cmd(a, None, cli.quiet).await,
        Command::Replay(r) => match crate::stateful::cli::load_saved(&r.file) {
            Ok(saved) => {
                let mut a = r.run;
                if a.only.is_empty() {
                    a.only.push("stateful".into()); // the saved sequence alone
                }
                run_cmd(a, Some(saved), cli.quiet).await
            }
            Err(e) => Err(UsageError(e)),
        },
        Command::Serve(a) => serve_cmd(a).await,
        Command::Checks(a) => checks_cmd(&a),
        Command::Cleanup(a) => cleanup_cmd(a).await,
        Command::Compare(a) => Ok(compare_cmd(a).await),
        Command::Completions(a) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(
                a.shell,
                &mut cmd,
                "scim-conformance",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::Ok)
        }
    };
    match result {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scim-conformance: {e}");
            ExitCode::Usage
        }
    }
}

/// `compare`: its own exit codes map onto the runner's (1 means differences were found).
async fn compare_cmd(a: crate::compare::CompareArgs) -> ExitCode {
    use crate::compare::Exit;
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    match crate::compare::run(a, &mut out, &mut err).await {
        Exit::Identical => ExitCode::Ok,
        Exit::Differences => ExitCode::MustFailed,
        Exit::Usage => ExitCode::Usage,
        Exit::Unreachable => ExitCode::Unreachable,
    }
}

async fn run_cmd(
    a: RunArgs,
    replay: Option<crate::stateful::Saved>,
    quiet: bool,
) -> Result<ExitCode, UsageError> {
    // Profile file values first; --mapping and --dialect replace them.
    let (profile, profile_file) = load_profile(&a.profile)?;
    let file_mapping = profile_file.as_ref().and_then(|f| f.mapping.clone());
    let mapping = match (&a.mapping, &file_mapping) {
        (Some(p), _) => Mapping::load_run(p).map_err(|e| UsageError(e.to_string()))?,
        (None, Some(p)) => Mapping::load_run(p)
            .map_err(|e| UsageError(format!("profile file {}: {e}", a.profile)))?,
        (None, None) => Mapping::entra_default(),
    };
    let dialects = match a.dialect {
        Some(d) => d.to_vec(),
        None => profile_file
            .as_ref()
            .and_then(|f| f.dialects.clone())
            .unwrap_or_else(|| Dialect::BOTH.to_vec()),
    };
    // Stateful sequences run after the fixed checks by default; a profile file selects its own
    // checks, so with one they run only when asked for (`--cases`, `--only stateful`, replay).
    let stateful = if profile_file.is_some() && a.cases.is_none() && a.only.is_empty() {
        replay.map(|saved| crate::stateful::Options {
            replay: Some(saved),
            ..crate::stateful::Options::default()
        })
    } else {
        crate::stateful::cli::options_for(a.cases, a.budget, &a.only, &a.skip, a.read_only, replay)
    };
    let mut cfg = RunConfig {
        profile,
        profile_file,
        mapping,
        options: RunOptions {
            only: a.only.clone(),
            skip: a.skip.clone(),
            dialects,
            read_only: a.read_only,
            keep_data: a.keep_data,
            concurrency: usize::try_from(a.concurrency).unwrap_or(8),
        },
        seed: a.seed.unwrap_or_else(rand::random),
        timeout: a.endpoint.spec().timeout_or(Duration::from_secs(30)),
        rate: a.rate.filter(|r| r.is_finite() && *r > 0.0),
        network: Network::direct(),
        opaque_expiry: OpaqueExpiry::Ignore,
        stateful,
        interrupt: Some(crate::interrupt::Interrupt::default()),
        token_advice: refused_token_advice(&a.endpoint.spec()),
    };
    if a.rate.is_some() && cfg.rate.is_none() {
        return Err(UsageError("--rate must be a positive number".into()));
    }
    check_patterns(&cfg, &a.only, &a.skip)?;
    let run_id = new_run_id();
    if a.builtin && a.endpoint.url.is_some() {
        return Err(UsageError(
            "--url and --builtin exclude each other: the built-in endpoint has its own URL".into(),
        ));
    }
    if a.builtin && (a.endpoint.token_env.is_some() || a.endpoint.token_file.is_some()) {
        return Err(UsageError(
            "--token-env and --token-file go with --url: --builtin makes up its own token \
             (to see how a refused token is reported, run `scim-conformance serve \
             --require-token-env VAR` and point `run --url` at it with another token)"
                .into(),
        ));
    }
    let (server, base_url, token, journal) = if a.builtin {
        // A fresh random token, so that the run exercises bearer authentication too.
        let secret = uuid::Uuid::new_v4().simple().to_string();
        let config = ReferenceConfig::default()
            .with_faults(a.faults.iter().copied())
            .with_token(secret.clone());
        let server = ReferenceServer::start(config)
            .await
            .map_err(|e| UsageError(format!("cannot start the built-in endpoint: {e}")))?;
        let url = server.base_url();
        (
            Some(server),
            url,
            Some(Token::new(&secret)),
            Arc::new(Journal::in_memory(&run_id)),
        )
    } else {
        let Endpoint {
            url,
            token,
            network,
            expiry,
        } = load_endpoint(&a.endpoint.spec()).map_err(|e| {
            if a.endpoint.url.is_none() {
                UsageError("--url URL is required (or --builtin for the built-in endpoint)".into())
            } else {
                e
            }
        })?;
        cfg.network = network;
        cfg.opaque_expiry = expiry;
        let dir = a.journal_dir.clone().unwrap_or_else(default_journal_dir);
        let journal = if a.read_only {
            Journal::in_memory(&run_id)
        } else {
            Journal::create(&dir, &run_id, &url).map_err(|e| UsageError(e.to_string()))?
        };
        (None, url, token, Arc::new(journal))
    };
    // Progress goes to stderr in every output mode, so a run that writes its report to a file
    // or to stdout as JSON is never silent.
    // `-q` leaves out the per-check lines; the run id, the summary and the report paths are
    // always printed.
    let console = human::ConsoleProgress::new();
    let progress: &dyn Progress = if quiet {
        &crate::runner::Quiet
    } else {
        &console
    };
    eprintln!(
        "scim-conformance: {} profile against {base_url} (run {run_id}, names start with {}-)",
        cfg.profile_name(),
        crate::journal::prefix_for(&run_id)
    );
    let cleanup_token = token.clone();
    let run = run_endpoint(&cfg, &base_url, token, Arc::clone(&journal), progress);
    tokio::pin!(run);
    let report = tokio::select! {
        r = &mut run => r?,
        _ = tokio::signal::ctrl_c() => {
            // The requests in flight finish (a create's id is journaled), nothing new is
            // written, and the run's own cleanup runs; a second Ctrl-C, or a run that does
            // not wind down in time, falls back to a cleanup here.
            eprintln!(
                "scim-conformance: interrupted; sending no new writes, waiting for the requests in flight (Ctrl-C again to stop waiting), then deleting what the run created…"
            );
            if let Some(i) = &cfg.interrupt {
                i.trigger();
            }
            let grace = cfg.timeout.saturating_mul(2) + Duration::from_secs(5);
            let wound_down = tokio::select! {
                r = &mut run => r.ok(),
                _ = tokio::signal::ctrl_c() => None,
                () = tokio::time::sleep(grace) => None,
            };
            let c = match wound_down {
                Some(report) if !cfg.options.keep_data => report.cleanup().clone(),
                _ => {
                    let http = HttpTransport::with_network(
                        &base_url,
                        cleanup_token.as_ref(),
                        cfg.timeout,
                        None,
                        &cfg.network,
                    )
                    .map_err(|e| UsageError(e.to_string()))?;
                    if cfg.options.keep_data {
                        runner::CleanupReport { kept: journal.pending(), ..Default::default() }
                    } else {
                        runner::cleanup(&http, &journal).await
                    }
                }
            };
            print_cleanup(&c);
            if !c.kept.is_empty() {
                eprintln!("kept {} resources (--keep-data)", c.kept.len());
            }
            if let Some(cmd) = c.retry_command {
                eprintln!("retry with: {cmd}");
            }
            if let Some(s) = server { s.shutdown().await; }
            return Ok(ExitCode::Interrupted);
        }
    };
    if let Some(s) = server {
        s.shutdown().await;
    }
    // The human report on the console lists the failures only: the progress lines on stderr
    // named every check already.
    let on_console = a.format == Format::Human && a.output.is_none();
    let text = if on_console {
        human::console_summary(&report)
    } else {
        crate::report::render(&report, a.format)
    };
    write_output(&text, a.output.as_ref())?;
    crate::report::write_all(&report, &a.reports).map_err(UsageError)?;
    if !on_console {
        // The human report on stdout ends with the summary; every other mode gets it here.
        let s = report.summary();
        eprintln!(
            "{} checks: {} passed, {} failed, {} skipped, {} errors; {} MUST failures, {} MUST not run",
            s.total, s.passed, s.failed, s.skipped, s.errors, s.must_failed, s.must_not_run
        );
        eprintln!("{}", report.verdict());
    }
    if let Some(p) = &a.output {
        eprintln!(
            "scim-conformance: {} report written to {}",
            format_name(a.format),
            p.display()
        );
    }
    for t in &a.reports {
        eprintln!(
            "scim-conformance: {} report written to {}",
            format_name(t.format),
            t.path.display()
        );
    }
    if let Some(path) = &a.save {
        save_counterexample(&report, path)?;
    }
    let code = report.exit_code();
    // The console report already carries the token warning; the stop cause is in the verdict.
    if let Some(t) = report.token.as_ref().and_then(|t| t.warning.as_ref())
        && !on_console
    {
        eprintln!("warning: {t}");
    }
    if report.outcome.abort.is_none() && !a.builtin {
        eprintln!("note: {}", crate::diagnose::REACHABILITY_NOTE);
    }
    if !report.cleanup().leftovers.is_empty() {
        eprintln!(
            "scim-conformance: {} resources could not be removed{}",
            report.cleanup().leftovers.len(),
            report
                .cleanup()
                .retry_command
                .as_ref()
                .map(|c| format!("; retry with: {c}"))
                .unwrap_or_default()
        );
    }
    Ok(code)
}

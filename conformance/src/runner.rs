//! Runs a profile: selects checks (`--only`, `--skip`, `--dialect`, `--read-only`,
//! `/ServiceProviderConfig` capabilities), runs the connection checks first and the rest
//! concurrently, stops early when the endpoint refuses the credentials or cannot be reached,
//! and cleans up what the run created.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::Serialize;

use crate::check::{CheckResult, Outcome, id_matches};
use crate::dialect::Dialect;
use crate::journal::{Created, Journal};
use crate::profile::Check;
use crate::session::{Abort, CheckError, Cx, Session, enc_path};
use crate::sweep;
use crate::transport::{Transport, WireRequest};

/// Which checks run and how.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// `--only` patterns (empty = all).
    pub only: Vec<String>,
    /// `--skip` patterns.
    pub skip: Vec<String>,
    /// Dialects replayed.
    pub dialects: Vec<Dialect>,
    /// Send GET requests only.
    pub read_only: bool,
    /// Leave created data in place.
    pub keep_data: bool,
    /// Checks in flight at once (and stateful sequences).
    pub concurrency: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            only: Vec::new(),
            skip: Vec::new(),
            dialects: Dialect::BOTH.to_vec(),
            read_only: false,
            keep_data: false,
            concurrency: 8,
        }
    }
}

/// Receives progress while the run goes.
pub trait Progress: Send + Sync {
    /// The run starts `total` checks.
    fn start(&self, total: usize);
    /// A check finished.
    fn finished(&self, result: &CheckResult);
    /// The run is cleaning up.
    fn cleaning(&self, pending: usize);
    /// A check hit the cause that stops the run (a refused token, an unreachable endpoint):
    /// the cause is printed once, at the end. By default, as [`Progress::finished`].
    fn stopped(&self, result: &CheckResult) {
        self.finished(result);
    }
    /// The checks of a phase (the fixed checks, then the stateful ones) have all finished.
    fn checks_done(&self) {}
    /// A stateful sequence finished: `done` of `planned` have run, `diverged` of them
    /// diverged from the model.
    fn sequence_done(&self, done: u32, planned: u32, diverged: u32) {
        let _ = (done, planned, diverged);
    }
}

/// Progress that shows nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: usize) {}
    fn finished(&self, _: &CheckResult) {}
    fn cleaning(&self, _: usize) {}
}

/// What was left behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leftover {
    /// The resource.
    #[serde(flatten)]
    pub resource: Created,
    /// Why it could not be removed.
    pub reason: String,
}

/// The cleanup result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CleanupReport {
    /// Whether cleanup ran (`true` whenever the run wrote anything, unless `--keep-data`).
    pub attempted: bool,
    /// Resources deleted and confirmed gone.
    pub deleted: usize,
    /// Resources still there.
    pub leftovers: Vec<Leftover>,
    /// Resources kept on purpose (`--keep-data`).
    pub kept: Vec<Created>,
    /// Resources the journal did not list but the sweep found by the run's name prefix (a
    /// create whose answer was lost or carried no id); they are deleted like the others.
    #[serde(skip_serializing_if = "is_zero")]
    pub found_by_prefix: usize,
    /// How the endpoint was listed to verify the cleanup (and whether that listing was
    /// complete).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sweep: Vec<String>,
    /// The command that retries the cleanup, when something is left.
    pub retry_command: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The outcome of a whole run.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// Results in profile order.
    pub results: Vec<CheckResult>,
    /// Why the run stopped early.
    pub abort: Option<Abort>,
    /// Cleanup.
    pub cleanup: CleanupReport,
    /// Wall time of the checks and the cleanup.
    pub duration: Duration,
    /// Requests sent by the checks (not the discovery request or the cleanup).
    pub requests: u64,
}

fn skip_reason(check: &Check, session: &Session, opts: &RunOptions) -> Option<String> {
    if opts.read_only && check.meta.writes {
        return Some("--read-only sends no writes".into());
    }
    for cap in check.meta.needs {
        if session.lacks(*cap) {
            return Some(format!(
                "the endpoint's /ServiceProviderConfig advertises {}.supported = false",
                cap.member()
            ));
        }
    }
    None
}

/// The checks selected by `--only`, `--skip` and `--dialect`.
#[must_use]
pub fn select(checks: Vec<Check>, opts: &RunOptions) -> Vec<Check> {
    checks
        .into_iter()
        .filter(|c| opts.only.is_empty() || opts.only.iter().any(|p| id_matches(p, c.meta.id)))
        .filter(|c| !opts.skip.iter().any(|p| id_matches(p, c.meta.id)))
        .filter(|c| c.meta.dialect.is_none_or(|d| opts.dialects.contains(&d)))
        .collect()
}

async fn run_one(
    (check, index, of): (&Check, usize, usize),
    session: &Arc<Session>,
    opts: &RunOptions,
    abort: &Mutex<Option<Abort>>,
) -> CheckResult {
    let started = Instant::now();
    let mut result = CheckResult {
        meta: check.meta.clone(),
        outcome: Outcome::Pass,
        notes: Vec::new(),
        duration: Duration::ZERO,
        transcript: Vec::new(),
        counterexample: None,
    };
    if let Some(reason) = skip_reason(check, session, opts) {
        result.outcome = Outcome::Skip(reason);
        return result;
    }
    if abort
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_some()
    {
        // The reason is the report's `aborted` line, printed once.
        result.outcome = Outcome::Skip("the run stopped first (the cause is at the end)".into());
        return result;
    }
    let cx = Cx::numbered(Arc::clone(session), check.meta.id, index, of);
    let body = (check.run)(cx.clone()).await;
    result.outcome = match body {
        Ok(()) => Outcome::Pass,
        Err(CheckError::Fail(m)) => Outcome::Fail(m.into()),
        Err(CheckError::Skip(m)) => Outcome::Skip(m),
        Err(CheckError::Error(m)) => Outcome::Error(m),
        Err(CheckError::Abort(a)) => {
            let text = a.to_string();
            abort
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_or_insert(a);
            Outcome::Error(text)
        }
    };
    if check.meta.requirement == crate::check::Requirement::May
        && let Outcome::Fail(f) = &result.outcome
    {
        // MAY probes are recorded, never failed.
        let m = f.detail.clone();
        cx.note(format!("observed: {m}"));
        result.outcome = Outcome::Pass;
    }
    let (t, n) = cx.finish();
    result.transcript = t;
    result.notes = n;
    result.duration = started.elapsed();
    result
}

/// Runs `checks` (already selected) and cleans up.
pub async fn run(
    session: Arc<Session>,
    checks: &[Check],
    opts: &RunOptions,
    progress: &dyn Progress,
) -> RunOutcome {
    let started = Instant::now();
    progress.start(checks.len());
    let abort =
        Mutex::new(crate::preflight::preflight(session.transport.as_ref(), &session.prefix).await);
    let mut results: Vec<(usize, CheckResult)> = Vec::with_capacity(checks.len());
    let (first, rest): (Vec<_>, Vec<_>) = checks
        .iter()
        .enumerate()
        .partition(|(_, c)| c.meta.area == "connection");
    let of = checks.len();
    for (i, c) in first {
        let r = run_one((c, i, of), &session, opts, &abort).await;
        report_progress(progress, &r, &abort);
        results.push((i, r));
    }
    let mut stream = futures::stream::iter(rest.into_iter().map(|(i, c)| {
        let session = &session;
        let abort = &abort;
        async move { (i, run_one((c, i, of), session, opts, abort).await) }
    }))
    .buffer_unordered(opts.concurrency.max(1));
    while let Some((i, r)) = stream.next().await {
        report_progress(progress, &r, &abort);
        results.push((i, r));
    }
    drop(stream);
    progress.checks_done();
    results.sort_by_key(|(i, _)| *i);
    let cleanup = finish_cleanup(&session, opts, progress).await;
    RunOutcome {
        results: results.into_iter().map(|(_, r)| r).collect(),
        abort: abort.into_inner().unwrap_or_else(PoisonError::into_inner),
        cleanup,
        duration: started.elapsed(),
        requests: session.request_count(),
    }
}

/// Tells `progress` that a check finished, or that it is the one whose error stopped the run.
fn report_progress(progress: &dyn Progress, r: &CheckResult, abort: &Mutex<Option<Abort>>) {
    let stopped_here = match &r.outcome {
        Outcome::Error(d) => abort
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|a| a.to_string() == *d),
        _ => false,
    };
    if stopped_here {
        progress.stopped(r);
    } else {
        progress.finished(r);
    }
}

/// The cleanup at the end of a run (or after a failure or Ctrl-C): nothing with `--keep-data`
/// (what the journal lists is reported as kept) or when the run wrote nothing; otherwise
/// [`cleanup`].
pub async fn finish_cleanup(
    session: &Session,
    opts: &RunOptions,
    progress: &dyn Progress,
) -> CleanupReport {
    let pending = session.journal.pending();
    if opts.keep_data {
        return CleanupReport {
            kept: pending,
            ..CleanupReport::default()
        };
    }
    if opts.read_only || (pending.is_empty() && session.write_count() == 0) {
        return CleanupReport::default();
    }
    progress.cleaning(pending.len());
    cleanup_with(
        session.transport.as_ref(),
        &session.journal,
        opts.concurrency,
    )
    .await
}

/// Deletes what the journal lists (groups first) and confirms each is gone with a GET; then
/// sweeps by the run's name prefix ([`sweep::find`]) for what the journal could not list (a
/// create whose answer was lost or had no id), deletes that too, and lists once more: the
/// leftovers reported are what that last listing and the GETs still find. Only resources the
/// journal names or whose names carry the run's prefix are touched. One resource at a time; see
/// [`cleanup_with`].
pub async fn cleanup(transport: &dyn Transport, journal: &Journal) -> CleanupReport {
    cleanup_with(transport, journal, 1).await
}

/// [`cleanup`] with up to `concurrency` resources of one kind deleted at once (all groups
/// before any user); the report lists them in the journal's order whatever the concurrency.
pub async fn cleanup_with(
    transport: &dyn Transport,
    journal: &Journal,
    concurrency: usize,
) -> CleanupReport {
    let prefix = crate::journal::prefix_for(journal.run_id());
    let mut report = CleanupReport {
        attempted: true,
        ..CleanupReport::default()
    };
    delete_pending(transport, journal, &mut report, concurrency).await;
    let found = sweep::find(transport, &prefix).await;
    for c in &found.found {
        if !report.leftovers.iter().any(|l| same(&l.resource, c)) {
            journal.created(c.kind, &c.id, &c.name);
            report.found_by_prefix += 1;
        }
    }
    report.leftovers.clear();
    delete_pending(transport, journal, &mut report, concurrency).await;
    let after = sweep::find(transport, &prefix).await;
    for c in after.found {
        if !report.leftovers.iter().any(|l| same(&l.resource, &c)) {
            report.leftovers.push(Leftover {
                resource: c,
                reason: "still listed after the cleanup".into(),
            });
        }
    }
    report.sweep = after.notes;
    if !after.complete {
        report.sweep.push(
            "the listing was incomplete: resources of the run may remain that it could not see"
                .into(),
        );
    }
    if report.leftovers.is_empty() && after.complete {
        journal.remove_file();
    } else if journal.path().is_some() {
        report.retry_command = Some(format!(
            "scim-conformance cleanup --url {} --run {}",
            transport.base_url(),
            journal.run_id()
        ));
    }
    report
}

fn same(a: &Created, b: &Created) -> bool {
    a.kind == b.kind && a.id == b.id
}

/// Deletes every resource the journal lists as pending and confirms each is gone (404);
/// what stays is recorded in `report.leftovers`. Groups go first (the journal lists them
/// first), up to `concurrency` at a time, then users; results are taken in the journal's order.
async fn delete_pending(
    transport: &dyn Transport,
    journal: &Journal,
    report: &mut CleanupReport,
    concurrency: usize,
) {
    let pending = journal.pending();
    for same_kind in pending.chunk_by(|a, b| a.kind == b.kind) {
        let done: Vec<(Created, Option<String>)> =
            futures::stream::iter(same_kind.iter().cloned().map(|c| async move {
                let reason = delete_one(transport, &c).await;
                (c, reason)
            }))
            .buffered(concurrency.max(1))
            .collect()
            .await;
        for (c, reason) in done {
            match reason {
                None => {
                    journal.deleted(c.kind, &c.id);
                    report.deleted += 1;
                }
                Some(reason) => report.leftovers.push(Leftover {
                    resource: c,
                    reason,
                }),
            }
        }
    }
}

/// Deletes one resource and confirms it is gone: `None`, or why it is still there.
async fn delete_one(transport: &dyn Transport, c: &Created) -> Option<String> {
    let path = format!("{}/{}", c.kind.endpoint(), enc_path(&c.id));
    let del = transport
        .send(WireRequest::new("DELETE", path.clone()))
        .await;
    let reason = match del {
        Ok(r) if matches!(r.status, 200 | 204 | 404) => None,
        Ok(r) => Some(format!("DELETE answered {}", r.status)),
        Err(e) => Some(e.to_string()),
    };
    if reason.is_some() {
        return reason;
    }
    match transport.send(WireRequest::new("GET", path)).await {
        Ok(r) if r.status == 404 => None,
        Ok(r) => Some(format!(
            "still there after DELETE (GET answered {})",
            r.status
        )),
        Err(e) => Some(e.to_string()),
    }
}

//! The hooks the command line uses: which stateful run a `run` asks for (`--cases`,
//! `--budget`, `--only stateful`, `replay FILE`), loading a saved sequence, and appending the
//! stateful checks to a finished fixed run.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::{Options, Saved, Shape};
use crate::check::id_matches;
use crate::profile::Profile;
use crate::runner::{CleanupReport, Progress, RunOptions, RunOutcome};
use crate::session::Session;

/// The ids of the stateful checks.
pub const IDS: [&str; 3] = ["stateful.users", "stateful.groups", "stateful.filters"];

/// Sequences generated after the fixed checks when `--cases` is not given (enough to reach
/// every operation kind in every seed; the README gives the run time it costs).
pub const DEFAULT_CASES: u32 = 64;

/// Wall-time budget of the stateful phase (shrinking included) when neither `--budget` nor
/// `--cases` is given, so that a slow endpoint cannot make a default run take unbounded time.
/// An explicit `--cases N` without `--budget` runs exactly N sequences (no budget); with both,
/// the budget may cut the sequences short, and the stateful checks say so.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(120);

/// The stateful run a `run` asks for.
///
/// By default [`DEFAULT_CASES`] sequences run after the fixed checks. None run under
/// `--read-only` (sequences write), with `--cases 0`, when `--only` patterns select no
/// stateful check, or when `--skip` patterns remove all of them. A `replay` always runs.
#[must_use]
pub fn options_for(
    cases: Option<u32>,
    budget: Option<u64>,
    only: &[String],
    skip: &[String],
    read_only: bool,
    replay: Option<Saved>,
) -> Option<Options> {
    let selected = only.is_empty() || only.iter().any(|p| IDS.iter().any(|id| id_matches(p, id)));
    let all_skipped = IDS.iter().all(|id| skip.iter().any(|p| id_matches(p, id)));
    let wanted = replay.is_some() || (selected && !all_skipped && cases != Some(0));
    if read_only || !wanted {
        return None;
    }
    let budget = match (budget, cases) {
        (Some(secs), _) => Some(Duration::from_secs(secs)),
        (None, Some(_)) => None,
        (None, None) => Some(DEFAULT_BUDGET),
    };
    Some(Options {
        cases: cases.unwrap_or(DEFAULT_CASES),
        budget,
        replay,
        ..Options::default()
    })
}

/// `opts` for a run of `profile` with the run's options: Entra's request shapes only under
/// the `entra` profile, the dialects asked for (`--dialect`), `--keep-data`, `--concurrency`.
#[must_use]
pub fn for_run(opts: &Options, profile: Profile, run: &RunOptions) -> Options {
    Options {
        shape: Shape {
            entra: profile == Profile::Entra,
            dialects: run.dialects.clone(),
            ..Shape::default()
        },
        keep_data: run.keep_data,
        concurrency: run.concurrency,
        ..opts.clone()
    }
}

/// The largest saved-sequence file `replay` reads (a generated one is a few KiB).
pub const MAX_SAVED_BYTES: u64 = 1024 * 1024;

/// The most operations a saved sequence may hold (a generated one has at most 24).
pub const MAX_SAVED_OPS: usize = 1_000;

/// Reads a saved sequence: the JSON of [`Saved`], or the report's `saved sequence: …` note line.
///
/// # Errors
/// When the file cannot be read, is larger than [`MAX_SAVED_BYTES`], holds more than
/// [`MAX_SAVED_OPS`] operations, or does not hold a saved sequence (the message names the file
/// and the JSON error's line and column).
pub fn load_saved(path: &Path) -> Result<Saved, String> {
    use std::io::Read as _;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let mut text = String::new();
    std::fs::File::open(path)
        .map_err(cannot)?
        .take(MAX_SAVED_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(cannot)?;
    if text.len() as u64 > MAX_SAVED_BYTES {
        return Err(format!(
            "{} is larger than {MAX_SAVED_BYTES} bytes: not a saved stateful sequence",
            path.display()
        ));
    }
    let body = text
        .trim()
        .strip_prefix("saved sequence:")
        .unwrap_or(text.trim());
    let saved: Saved = serde_json::from_str(body.trim())
        .map_err(|e| format!("{} is not a saved stateful sequence: {e}", path.display()))?;
    if saved.ops.len() > MAX_SAVED_OPS {
        return Err(format!(
            "{} holds {} operations; a saved sequence has at most {MAX_SAVED_OPS}",
            path.display(),
            saved.ops.len()
        ));
    }
    Ok(saved)
}

/// Runs the stateful sequences (or the replay) after the fixed checks and appends the
/// `stateful.*` results to `outcome`; `progress` hears of each sequence and of each result.
pub async fn after_fixed(
    session: &Arc<Session>,
    opts: Option<&Options>,
    mut outcome: RunOutcome,
    progress: &dyn Progress,
) -> RunOutcome {
    let Some(opts) = opts else { return outcome };
    if outcome.abort.is_some() {
        return outcome;
    }
    let before = session.request_count();
    let writes = session.write_count();
    let lacks_filter = session.lacks(crate::check::Capability::Filter);
    let mut opts = opts.clone();
    opts.shape.filter &= !lacks_filter;
    let opts = &opts;
    let s = match &opts.replay {
        Some(saved) => super::replay_with(Arc::clone(session), saved, &opts.shape).await,
        None => {
            let on_sequence = |done: u32, planned: u32, diverged: u32| {
                progress.sequence_done(done, planned, diverged);
            };
            super::run_with_progress(Arc::clone(session), opts, &on_sequence).await
        }
    };
    let mut results = s.results();
    for r in &mut results {
        if lacks_filter && r.meta.needs.contains(&crate::check::Capability::Filter) {
            r.outcome = crate::check::Outcome::Skip(
                "the endpoint's /ServiceProviderConfig advertises filter.supported = false".into(),
            );
        }
    }
    for r in &results {
        progress.finished(r);
    }
    progress.checks_done();
    outcome.results.extend(results);
    outcome.duration += s.duration;
    outcome.requests += session.request_count().saturating_sub(before);
    // The sequences clean up after themselves; what a lost answer left is swept here, after
    // the last write of the run.
    if opts.keep_data {
        outcome.cleanup.kept = session.journal.pending();
    } else if session.write_count() > writes {
        let started = std::time::Instant::now();
        let c = crate::runner::cleanup_with(
            session.transport.as_ref(),
            &session.journal,
            opts.concurrency,
        )
        .await;
        merge_cleanup(&mut outcome.cleanup, c);
        outcome.duration += started.elapsed();
    }
    outcome
}

/// Adds a later cleanup pass to the run's: counts add up; the later pass's leftovers (every
/// earlier leftover is still in the journal and was retried) and listing are the final word.
fn merge_cleanup(run: &mut CleanupReport, later: CleanupReport) {
    run.attempted = true;
    run.deleted += later.deleted;
    run.found_by_prefix += later.found_by_prefix;
    run.leftovers = later.leftovers;
    run.sweep = later.sweep;
    run.retry_command = later.retry_command;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn default_runs_sequences_after_the_fixed_checks() {
        let o = options_for(None, None, &[], &[], false, None).unwrap();
        assert_eq!(o.cases, DEFAULT_CASES);
        assert_eq!(o.budget, Some(DEFAULT_BUDGET));
    }

    #[test]
    fn saved_sequences_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let op = r#"{"op":"createGroup"}"#;
        let ops = |n: usize| vec![op; n].join(",");
        std::fs::write(&path, format!(r#"{{"seed":1,"ops":[{}]}}"#, ops(3))).unwrap();
        assert_eq!(load_saved(&path).unwrap().ops.len(), 3);
        std::fs::write(
            &path,
            format!(r#"{{"seed":1,"ops":[{}]}}"#, ops(MAX_SAVED_OPS + 1)),
        )
        .unwrap();
        assert!(load_saved(&path).unwrap_err().contains("at most"));
        let big = " ".repeat(usize::try_from(MAX_SAVED_BYTES).unwrap() + 1);
        std::fs::write(&path, big).unwrap();
        assert!(load_saved(&path).unwrap_err().contains("larger than"));
    }

    #[test]
    fn selection_and_opt_outs() {
        assert!(options_for(Some(0), None, &[], &[], false, None).is_none());
        assert!(options_for(None, None, &[], &[], true, None).is_none());
        assert!(options_for(None, None, &pats(&["entra.user.*"]), &[], false, None).is_none());
        assert!(options_for(None, None, &[], &pats(&["stateful"]), false, None).is_none());
        assert!(options_for(None, None, &[], &pats(&["stateful.users"]), false, None).is_some());
        let only = options_for(Some(5), Some(9), &pats(&["stateful"]), &[], false, None).unwrap();
        assert_eq!((only.cases, only.budget), (5, Some(Duration::from_secs(9))));
        // An explicit --cases without --budget is honoured exactly.
        let exact = options_for(Some(500), None, &[], &[], false, None).unwrap();
        assert_eq!((exact.cases, exact.budget), (500, None));
        let budget_only = options_for(None, Some(30), &[], &[], false, None).unwrap();
        assert_eq!(
            (budget_only.cases, budget_only.budget),
            (DEFAULT_CASES, Some(Duration::from_secs(30)))
        );
    }
}

//! The hooks the command line uses: which stateful run a `run` asks for (`--cases`,
//! `--budget`, `--only stateful`, `replay FILE`), loading a saved sequence, and appending the
//! stateful checks to a finished fixed run.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::{Options, Saved};
use crate::check::id_matches;
use crate::runner::RunOutcome;
use crate::session::Session;

/// The ids of the stateful checks.
pub const IDS: [&str; 3] = ["stateful.users", "stateful.groups", "stateful.filters"];

/// Sequences generated after the fixed checks when `--cases` is not given (RFC-free default of
/// issue 6: "about 64").
pub const DEFAULT_CASES: u32 = 64;

/// Wall-time budget of the stateful run when `--budget` is not given: no new sequence starts
/// after it, so a slow endpoint cannot make a default run take unbounded time.
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
    Some(Options {
        cases: cases.unwrap_or(DEFAULT_CASES),
        budget: Some(budget.map_or(DEFAULT_BUDGET, Duration::from_secs)),
        replay,
        ..Options::default()
    })
}

/// Reads a saved sequence: the JSON of [`Saved`], or the report's `saved sequence: …` note line.
///
/// # Errors
/// When the file cannot be read or does not hold a saved sequence (the message names the file
/// and the JSON error's line and column).
pub fn load_saved(path: &Path) -> Result<Saved, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let body = text
        .trim()
        .strip_prefix("saved sequence:")
        .unwrap_or(text.trim());
    serde_json::from_str(body.trim())
        .map_err(|e| format!("{} is not a saved stateful sequence: {e}", path.display()))
}

/// Runs the stateful sequences (or the replay) after the fixed checks and appends the
/// `stateful.*` results to `outcome`.
pub async fn after_fixed(
    session: &Arc<Session>,
    opts: Option<&Options>,
    mut outcome: RunOutcome,
) -> RunOutcome {
    let Some(opts) = opts else { return outcome };
    if outcome.abort.is_some() {
        return outcome;
    }
    let before = session.request_count();
    let s = match &opts.replay {
        Some(saved) => super::replay(Arc::clone(session), saved).await,
        None => super::run(Arc::clone(session), opts).await,
    };
    outcome.results.extend(s.results());
    outcome.duration += s.duration;
    outcome.requests += session.request_count().saturating_sub(before);
    outcome
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
    fn selection_and_opt_outs() {
        assert!(options_for(Some(0), None, &[], &[], false, None).is_none());
        assert!(options_for(None, None, &[], &[], true, None).is_none());
        assert!(options_for(None, None, &pats(&["entra.user.*"]), &[], false, None).is_none());
        assert!(options_for(None, None, &[], &pats(&["stateful"]), false, None).is_none());
        assert!(options_for(None, None, &[], &pats(&["stateful.users"]), false, None).is_some());
        let only = options_for(Some(5), Some(9), &pats(&["stateful"]), &[], false, None).unwrap();
        assert_eq!((only.cases, only.budget), (5, Some(Duration::from_secs(9))));
    }
}

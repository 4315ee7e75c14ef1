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

/// The stateful run a `run` asks for: with `replay`, with `--cases`, or when an `--only`
/// pattern selects a stateful check; none under `--read-only`.
#[must_use]
pub fn options_for(
    cases: Option<u32>,
    budget: Option<u64>,
    only: &[String],
    read_only: bool,
    replay: Option<Saved>,
) -> Option<Options> {
    let selected = only.iter().any(|p| IDS.iter().any(|id| id_matches(p, id)));
    if read_only || (replay.is_none() && cases.is_none() && !selected) {
        return None;
    }
    Some(Options {
        cases: cases.unwrap_or(64),
        budget: budget.map(Duration::from_secs),
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

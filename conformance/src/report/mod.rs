//! Reports: human (console, with progress), JSON (versioned schema, see [`json`]), JUnit XML
//! and Markdown.

use std::time::Duration;

use serde::Serialize;

use crate::check::{CheckResult, Requirement};
use crate::runner::{CleanupReport, RunOutcome};
use crate::token::TokenInfo;

pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Console text with progress and a summary (default).
    #[default]
    Human,
    /// JSON, schema [`json::SCHEMA_VERSION`].
    Json,
    /// JUnit XML.
    Junit,
    /// Markdown.
    Markdown,
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// The tool's version.
    pub tool_version: String,
    /// The profile name.
    pub profile: String,
    /// The dialects replayed.
    pub dialects: Vec<String>,
    /// The seed of generated values.
    pub seed: u64,
    /// The run id (also the name prefix's suffix).
    pub run_id: String,
    /// The endpoint's base URL.
    pub endpoint: String,
    /// Start time, RFC 3339.
    pub started_at: String,
    /// Whether `--read-only` was given.
    pub read_only: bool,
    /// What is known about the token.
    pub token: Option<TokenInfo>,
    /// The run's result.
    pub outcome: RunOutcome,
}

/// Counts by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Checks run.
    pub total: usize,
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
    /// Errored.
    pub errors: usize,
    /// MUST checks that failed or errored (non-zero = exit code 1).
    pub must_failed: usize,
    /// MUST checks that did not run: skipped, or not reached because a prerequisite failed
    /// (non-zero without MUST failures = exit code 4, the verdict is incomplete).
    pub must_not_run: usize,
}

impl Report {
    /// Counts by outcome.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            total: self.outcome.results.len(),
            ..Summary::default()
        };
        for r in &self.outcome.results {
            match r.outcome {
                crate::check::Outcome::Pass => s.passed += 1,
                crate::check::Outcome::Fail(_) => s.failed += 1,
                crate::check::Outcome::Skip(_) => s.skipped += 1,
                crate::check::Outcome::Error(_) => s.errors += 1,
            }
            if r.fails_run() {
                s.must_failed += 1;
            }
            if r.meta.requirement == Requirement::Must
                && matches!(r.outcome, crate::check::Outcome::Skip(_))
            {
                s.must_not_run += 1;
            }
        }
        s
    }

    /// The cleanup result.
    #[must_use]
    pub fn cleanup(&self) -> &CleanupReport {
        &self.outcome.cleanup
    }

    /// Wall time.
    #[must_use]
    pub fn duration(&self) -> Duration {
        self.outcome.duration
    }

    /// Results grouped by area, problem checks first within each area, areas with problems first.
    #[must_use]
    pub fn grouped(&self) -> Vec<(&'static str, Vec<&CheckResult>)> {
        let mut areas: Vec<(&'static str, Vec<&CheckResult>)> = Vec::new();
        for r in &self.outcome.results {
            match areas.iter_mut().find(|(a, _)| *a == r.meta.area) {
                Some((_, v)) => v.push(r),
                None => areas.push((r.meta.area, vec![r])),
            }
        }
        for (_, v) in &mut areas {
            v.sort_by_key(|r| rank(r));
        }
        areas.sort_by_key(|(_, v)| v.iter().map(|r| rank(r)).min().unwrap_or(9));
        areas
    }

    /// The exit code this report maps to (0, 1, 3 or 4; see [`crate::exit`]).
    #[must_use]
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        let s = self.summary();
        if self.outcome.abort.is_some() {
            ExitCode::Unreachable
        } else if s.must_failed > 0 || !self.outcome.cleanup.leftovers.is_empty() {
            ExitCode::MustFailed
        } else if s.must_not_run > 0 {
            ExitCode::Incomplete
        } else {
            ExitCode::Ok
        }
    }

    /// The one-line verdict: ready, not ready, incomplete or stopped.
    #[must_use]
    pub fn verdict(&self) -> String {
        use crate::exit::ExitCode;
        let s = self.summary();
        match self.exit_code() {
            ExitCode::Ok => "READY: every selected MUST check ran and passed".to_owned(),
            ExitCode::Unreachable => "STOPPED: the run could not finish (see above)".to_owned(),
            ExitCode::Incomplete => format!(
                "INCOMPLETE: no MUST check failed, but {} MUST check(s) did not run, so this run \
                 cannot say the endpoint is ready",
                s.must_not_run
            ),
            _ if s.must_failed > 0 => format!(
                "NOT READY: {} MUST check(s) failed; Entra provisioning would break",
                s.must_failed
            ),
            _ => "NOT READY: the run left data behind".to_owned(),
        }
    }
}

fn rank(r: &CheckResult) -> u8 {
    match (&r.outcome, r.meta.requirement) {
        (o, Requirement::Must) if o.is_problem() => 0,
        (o, _) if o.is_problem() => 1,
        (crate::check::Outcome::Skip(_), _) => 3,
        _ => 2,
    }
}

/// Writes the report in `format`.
#[must_use]
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Human => human::summary(report, false),
        Format::Json => json::render(report),
        Format::Junit => junit::render(report),
        Format::Markdown => markdown::render(report),
    }
}

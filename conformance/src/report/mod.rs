//! Reports: human (console, with progress), JSON (versioned schema, see [`json`]), JUnit XML
//! and Markdown.

use std::time::Duration;

use serde::Serialize;

use crate::check::{CheckResult, Requirement};
use crate::runner::{CleanupReport, RunOutcome};
use crate::token::TokenInfo;

pub mod fix;
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
    /// JSON (a versioned schema, for CI artifacts and scripts).
    Json,
    /// JUnit XML.
    Junit,
    /// Markdown.
    Markdown,
}

/// One `--report FORMAT=PATH`: a report format and the file it is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTarget {
    /// The format.
    pub format: Format,
    /// The file written.
    pub path: std::path::PathBuf,
}

impl std::str::FromStr for ReportTarget {
    type Err = String;

    /// Reads `json=report.json` (format names as for `--format`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use clap::ValueEnum;
        let (format, path) = s
            .split_once('=')
            .ok_or_else(|| format!("expected FORMAT=PATH (e.g. junit=results.xml), not {s:?}"))?;
        let format = Format::from_str(format, true).map_err(|_| {
            format!("unknown report format {format:?} (expected human, json, junit or markdown)")
        })?;
        if path.is_empty() {
            return Err(format!("no file after {s:?}"));
        }
        Ok(Self {
            format,
            path: path.into(),
        })
    }
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

    /// The exit code this report maps to (0, 1, 3 or 4; see [`ExitCode`](crate::ExitCode)).
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
            ExitCode::Unreachable => match &self.outcome.abort {
                Some(a) => format!("STOPPED: {a}"),
                None => "STOPPED: the run could not finish".to_owned(),
            },
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

/// Writes the report in every `--report` format, each to its file.
///
/// # Errors
/// The first file that cannot be written, named in the message.
pub fn write_all(report: &Report, targets: &[ReportTarget]) -> Result<(), String> {
    for t in targets {
        std::fs::write(&t.path, render(report, t.format))
            .map_err(|e| format!("cannot write {}: {e}", t.path.display()))?;
    }
    Ok(())
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn report_targets_parse_format_and_path() {
        let t: ReportTarget = "junit=out/results.xml"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.format, Format::Junit);
        assert_eq!(t.path, std::path::PathBuf::from("out/results.xml"));
        let t: ReportTarget = "JSON=a=b.json".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (t.format, t.path.to_str()),
            (Format::Json, Some("a=b.json"))
        );
        for bad in ["results.xml", "xml=results.xml", "json="] {
            assert!(bad.parse::<ReportTarget>().is_err(), "{bad}");
        }
    }

    /// A one-check report for the unit tests of the renderers: a failed MUST check whose
    /// transcript's response body is `body`.
    pub(crate) fn sample_report(body: &str) -> Report {
        use crate::check::{CheckMeta, Outcome};
        use crate::transcript::Exchange;
        let exchange = Exchange {
            method: "GET".into(),
            url: "http://127.0.0.1:1/scim/v2/Users?filter=x".into(),
            request_headers: vec![("Accept".into(), "application/scim+json".into())],
            request_body: None,
            status: Some(500),
            response_headers: vec![("Content-Type".into(), "text/plain".into())],
            response_body: Some(body.to_owned()),
            error: None,
            latency: Duration::from_millis(3),
        };
        let result = CheckResult {
            meta: CheckMeta {
                id: "entra.error.malformed-json",
                title: "An error answer is a SCIM error",
                area: "errors",
                requirement: Requirement::Must,
                levels: crate::check::Levels {
                    entra: Requirement::Must,
                    rfc7644: Requirement::Must,
                },
                evidence: crate::evidence::Evidence {
                    docs: None,
                    entra_sends: true,
                    sources: &[crate::evidence::Source::Rfc {
                        rfc: 7644,
                        section: "3.12",
                        keyword: Requirement::Must,
                    }],
                },
                faults: &[],
                writes: false,
                dialect: None,
                needs: &[],
            },
            outcome: Outcome::Fail(format!("answered 500: {body}").into()),
            notes: vec![format!("note {body}")],
            duration: Duration::from_millis(3),
            transcript: vec![exchange],
            counterexample: None,
        };
        Report {
            tool_version: "0.0.0-test".into(),
            profile: "entra".into(),
            dialects: vec!["legacy".into()],
            seed: 7,
            run_id: "abcd1234".into(),
            endpoint: "http://127.0.0.1:1/scim/v2".into(),
            started_at: "2026-01-01T00:00:00Z".into(),
            read_only: false,
            token: None,
            outcome: RunOutcome {
                results: vec![result],
                abort: None,
                cleanup: CleanupReport::default(),
                duration: Duration::from_millis(5),
                requests: 1,
            },
        }
    }
}

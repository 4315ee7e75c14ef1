//! Checks: stable metadata (id, title, requirement, source, targeted faults) and outcomes.
//!
//! A check replays one behaviour of a SCIM client (Entra ID, or the RFC 7644 protocol) against the
//! endpoint, confirms the resulting state with follow-up reads, and ends with an [`Outcome`].

use std::time::Duration;

use serde::Serialize;

use crate::dialect::Dialect;
use crate::evidence::Evidence;
pub use crate::evidence::Requirement;
use crate::reference::Fault;
use crate::transcript::Exchange;

/// A capability advertised in `/ServiceProviderConfig` (RFC 7643 §5) that a check needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Capability {
    /// `patch.supported`.
    Patch,
    /// `filter.supported`.
    Filter,
    /// `sort.supported`.
    Sort,
    /// `etag.supported`.
    Etag,
}

impl Capability {
    /// The `/ServiceProviderConfig` member that advertises the capability.
    #[must_use]
    pub fn member(self) -> &'static str {
        match self {
            Self::Patch => "patch",
            Self::Filter => "filter",
            Self::Sort => "sort",
            Self::Etag => "etag",
        }
    }
}

/// The static description of a check. Ids are stable: reports and `--only`/`--skip` use them.
#[derive(Debug, Clone, Serialize)]
pub struct CheckMeta {
    /// Stable dotted id, e.g. `entra.user.create`.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// The area the human and Markdown reports group by (`connection`, `users`, `groups`, …).
    pub area: &'static str,
    /// MUST, SHOULD or MAY: the level under the profile the check was listed for (one of
    /// [`CheckMeta::levels`], or a profile file's override).
    pub requirement: Requirement,
    /// The level under each built-in profile, each allowed by the [`Evidence`].
    pub levels: Levels,
    /// What the check rests on: public sources and the section of `docs/entra.md`.
    pub evidence: Evidence,
    /// The reference endpoint's faults this check is designed to catch.
    #[serde(serialize_with = "ser_faults")]
    pub faults: &'static [Fault],
    /// Whether the check writes (POST/PATCH/PUT/DELETE); skipped under `--read-only`.
    pub writes: bool,
    /// The PATCH dialect replayed, if dialect-specific.
    pub dialect: Option<Dialect>,
    /// Capabilities that must not be advertised as unsupported.
    pub needs: &'static [Capability],
}

/// A check's level under each built-in profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Levels {
    /// Under `entra`: MUST only for behaviour Microsoft documents or two independent sources
    /// observed, and SHOULD at most for behaviour Entra never triggers.
    pub entra: Requirement,
    /// Under `rfc7644`: may also be MUST where the RFC says MUST.
    pub rfc7644: Requirement,
}

/// Faults as their kebab-case names.
fn ser_faults<S: serde::Serializer>(faults: &&'static [Fault], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(faults.iter().map(|f| f.name()))
}

impl CheckMeta {
    /// The names of the faults the check catches (`reference::Fault` kebab-case names).
    #[must_use]
    pub fn fault_names(&self) -> Vec<&'static str> {
        self.faults.iter().map(|f| f.name()).collect()
    }

    /// The sources as one line (the catalogue's and the reports' `source`).
    #[must_use]
    pub fn source(&self) -> String {
        self.evidence.summary()
    }
}

/// How a check failed: one type for the fixed checks and the stateful phase, which every
/// report renders (plain data: the stateful phase fills it in, the reports read it).
///
/// Every report prints [`Failure::detail`] (the JSON report's `detail` is that text); a stateful
/// divergence also says, apart, what was compared, what the model expected, what the endpoint
/// did and at which step.
///
/// ```
/// use scim2_conformance::{Failure, Outcome};
/// let fixed = Failure::new("POST /Users answered 400 (expected 201 Created)");
/// assert_eq!(fixed.to_string(), "POST /Users answered 400 (expected 201 Created)");
/// let diverged = Failure::new("seed 7 (case 0): …")
///     .compared("GET /Users/1", "404", "200", Some(3));
/// assert_eq!(diverged.observed.as_deref(), Some("200"));
/// let json = serde_json::to_value(Outcome::Fail(fixed)).unwrap();
/// assert_eq!(json["detail"], "POST /Users answered 400 (expected 201 Created)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// What the reports print: names what failed and where.
    pub detail: String,
    /// What was compared (`GET /Users/{id}`), when the failure is a comparison.
    pub what: Option<String>,
    /// What was expected (the model's prediction, the required answer).
    pub expected: Option<String>,
    /// What the endpoint did.
    pub observed: Option<String>,
    /// The step of a stateful sequence (`None`: a fixed check, or the final state check).
    pub step: Option<usize>,
}

impl Failure {
    /// A failure told in one text (what a fixed check reports).
    #[must_use]
    pub fn new(detail: impl Into<String>) -> Self {
        Self {
            detail: detail.into(),
            what: None,
            expected: None,
            observed: None,
            step: None,
        }
    }

    /// The same failure, with what was compared, expected and observed, and the step.
    #[must_use]
    pub fn compared(
        mut self,
        what: impl Into<String>,
        expected: impl Into<String>,
        observed: impl Into<String>,
        step: Option<usize>,
    ) -> Self {
        self.what = Some(what.into());
        self.expected = Some(expected.into());
        self.observed = Some(observed.into());
        self.step = step;
        self
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl From<String> for Failure {
    fn from(detail: String) -> Self {
        Self::new(detail)
    }
}

impl From<&str> for Failure {
    fn from(detail: &str) -> Self {
        Self::new(detail)
    }
}

/// Written as its [`Failure::detail`] text (the JSON report's `detail`).
impl Serialize for Failure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.detail)
    }
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "lowercase")]
pub enum Outcome {
    /// The behaviour is as required.
    Pass,
    /// The endpoint misbehaved; the failure names what and where.
    Fail(Failure),
    /// The check did not run; the detail says why (never fails a run).
    Skip(String),
    /// The check could not reach a verdict (unexpected response shape, transport error).
    Error(String),
}

impl Outcome {
    /// The lower-case status word (`pass`, `fail`, `skip`, `error`).
    #[must_use]
    pub fn status(&self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail(_) => "fail",
            Self::Skip(_) => "skip",
            Self::Error(_) => "error",
        }
    }

    /// The detail text, if any.
    #[must_use]
    pub fn detail(&self) -> Option<&str> {
        match self {
            Self::Pass => None,
            Self::Fail(f) => Some(&f.detail),
            Self::Skip(d) | Self::Error(d) => Some(d),
        }
    }

    /// True for [`Outcome::Fail`] and [`Outcome::Error`].
    #[must_use]
    pub fn is_problem(&self) -> bool {
        matches!(self, Self::Fail(_) | Self::Error(_))
    }
}

/// A finished check: its metadata, outcome, notes and transcript.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// The check's metadata.
    pub meta: CheckMeta,
    /// The outcome.
    pub outcome: Outcome,
    /// Observations recorded on the way (e.g. a SHOULD-level deviation, a MAY probe's finding).
    pub notes: Vec<String>,
    /// Wall time of the check.
    #[serde(serialize_with = "crate::transcript::ser_duration_ms")]
    pub duration: Duration,
    /// Every exchange the check made, in order (Authorization redacted).
    pub transcript: Vec<Exchange>,
    /// The shrunk failing sequence of a failed `stateful.*` check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Box<Counterexample>>,
}

/// The shrunk failing sequence of a failed `stateful.*` check, as the reports use it (plain
/// data: the stateful phase builds it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counterexample {
    /// The JSON report's `counterexample` object (seed, case, minimal sequence, steps with
    /// their exchanges, first divergence, shrink figures, `curl` script).
    #[serde(flatten)]
    pub report: serde_json::Value,
    /// The replayable sequence `--save` writes and `replay` reads.
    #[serde(skip)]
    pub saved: serde_json::Value,
}

impl CheckResult {
    /// True when this result fails the run: a MUST check that failed or errored.
    #[must_use]
    pub fn fails_run(&self) -> bool {
        self.meta.requirement == Requirement::Must && self.outcome.is_problem()
    }
}

/// Matches a check id against an `--only`/`--skip` pattern: `*` matches any run of characters;
/// a pattern without `*` matches the id itself and every id below it (`entra.group` matches
/// `entra.group.create`).
#[must_use]
pub fn id_matches(pattern: &str, id: &str) -> bool {
    if !pattern.contains('*') {
        return id == pattern || id.strip_prefix(pattern).is_some_and(|r| r.starts_with('.'));
    }
    glob(pattern.as_bytes(), id.as_bytes())
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    // Iterative wildcard match with backtracking to the last `*` (linear in practice, bounded by
    // |p|·|s| in the worst case; ids and patterns are short).
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(id_matches("entra.group", "entra.group.create"));
        assert!(id_matches("entra.group", "entra.group"));
        assert!(!id_matches("entra.group", "entra.groups.x"));
        assert!(id_matches("entra.*.legacy", "entra.user.patch.legacy"));
        assert!(id_matches("*members*", "entra.group.members.add"));
        assert!(!id_matches("entra.user.*", "entra.group.create"));
        assert!(id_matches("*", "x"));
        assert!(id_matches("entra.group", "entra.group.members.add.legacy"));
        assert!(id_matches("*.legacy", "entra.user.disable.legacy"));
        assert!(!id_matches("entra.user", "entra.group.create"));
    }

    #[test]
    fn only_must_problems_fail_the_run() {
        let meta = CheckMeta {
            id: "x",
            title: "x",
            area: "a",
            requirement: Requirement::Should,
            levels: Levels {
                entra: Requirement::Should,
                rfc7644: Requirement::Should,
            },
            evidence: Evidence {
                docs: None,
                entra_sends: true,
                sources: &[],
            },
            faults: &[],
            writes: false,
            dialect: None,
            needs: &[],
        };
        let mut r = CheckResult {
            meta,
            outcome: Outcome::Fail("no".into()),
            notes: vec![],
            duration: Duration::ZERO,
            transcript: vec![],
            counterexample: None,
        };
        assert!(!r.fails_run());
        r.meta.requirement = Requirement::Must;
        assert!(r.fails_run());
        r.outcome = Outcome::Skip("n/a".into());
        assert!(!r.fails_run());
    }
}

//! What Entra ID will do right after the switch: the [`Continuity`] of the ids it cached and
//! its [`MatchingProbe`] query on the new side, with the one-line summary for a change ticket.

use std::fmt::Write as _;

use serde::Serialize;

use super::continuity::{Continuity, IdOutcome};
use super::diff::Comparison;
use super::index::kind_word;
use super::probe::{MatchingProbe, ProbeOutcome};

/// The after-the-switch checks of `compare`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Migration {
    /// Whether the old ids lead to the same resources on the new side (`None` with
    /// `--no-id-check`).
    pub continuity: Option<Continuity>,
    /// Entra ID's matching query on the new side (`None` with `--probe 0`).
    pub matching: Option<MatchingProbe>,
    /// The one line for a change ticket ([`ticket_line`]), filled in once the comparison is
    /// complete.
    pub summary: String,
}

impl Migration {
    /// Whether either check found a problem.
    #[must_use]
    pub fn has_problems(&self) -> bool {
        self.continuity.as_ref().is_some_and(|c| !c.preserved_all())
            || self
                .matching
                .as_ref()
                .is_some_and(|m| !m.problems.is_empty())
    }

    /// The lines of the human report's verdict.
    #[must_use]
    pub fn verdicts(&self) -> Vec<String> {
        let mut v = vec![match &self.continuity {
            Some(c) => format!("id continuity: {}", c.verdict()),
            None => "id continuity: not checked (--no-id-check)".to_owned(),
        }];
        match &self.matching {
            Some(m) => v.push(format!("matching: {}", m.verdict())),
            None => v.push("matching: not probed (--probe 0)".to_owned()),
        }
        v
    }

    /// One line per problem, for the details.
    #[must_use]
    pub fn problem_lines(&self) -> (Vec<String>, Vec<String>) {
        let ids = self
            .continuity
            .iter()
            .flat_map(|c| &c.problems)
            .map(|p| {
                let name = p.name.as_deref().unwrap_or("(no name)");
                let what = match &p.outcome {
                    IdOutcome::Missing => "not found (404) on to".to_owned(),
                    IdOutcome::OtherResource { served_name } => format!(
                        "to serves another resource under it ({})",
                        served_name.as_deref().unwrap_or("no name")
                    ),
                    IdOutcome::Unknown { error } => format!("could not be read on to: {error}"),
                };
                format!("{} {name} (id {}): {what}", kind_word(p.kind), p.id)
            })
            .collect();
        let matching = self
            .matching
            .iter()
            .flat_map(|m| &m.problems)
            .map(|p| {
                let what = match &p.outcome {
                    ProbeOutcome::NotFound => "found no user".to_owned(),
                    ProbeOutcome::Several { count } => format!("found {count} users"),
                    ProbeOutcome::OtherUser { found } => format!(
                        "found another user ({})",
                        found.as_deref().unwrap_or("no value")
                    ),
                    ProbeOutcome::Failed { error } => error.clone(),
                };
                format!(
                    "{} {}: GET /Users?{} {what}",
                    p.attr.as_str(),
                    serde_json::to_string(&p.value).unwrap_or_default(),
                    p.query
                )
            })
            .collect();
        (ids, matching)
    }
}

/// The one line an administrator can paste into a change ticket.
#[must_use]
pub fn ticket_line(c: &Comparison) -> String {
    let mut s = format!(
        "SCIM migration check {} -> {}: {} users/{} groups on from, {} users/{} groups on to; ",
        c.from.url, c.to.url, c.from.users, c.from.groups, c.to.users, c.to.groups
    );
    let n = c.totals.differences;
    if n == 0 {
        s.push_str("directories identical for the mapped attributes");
    } else {
        let _ = write!(s, "{n} difference{}", if n == 1 { "" } else { "s" });
    }
    if let Some(m) = &c.migration {
        if let Some(k) = &m.continuity {
            let checked = k.users_checked + k.groups_checked;
            if k.preserved_all() {
                let _ = write!(s, "; ids preserved ({checked}/{checked})");
            } else {
                let _ = write!(
                    s,
                    "; ids NOT preserved ({} of {checked} fail: restart provisioning, Entra ID \
                 re-matches every user)",
                    k.problems.len()
                );
            }
        }
        if let Some(p) = &m.matching {
            if p.problems.is_empty() {
                let _ = write!(s, "; matching query ok ({}/{})", p.queries, p.queries);
            } else {
                let _ = write!(
                    s,
                    "; matching query fails for {} of {}",
                    p.problems.len(),
                    p.queries
                );
            }
        }
    }
    s.push_str("; read-only, from this machine (Entra ID's outbound addresses not tested)");
    s
}

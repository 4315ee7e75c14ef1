//! Entra ID's matching query on the new side: for a user it has no cached id for (after a
//! restart of provisioning, or an id the new side does not serve), Entra ID asks
//! `GET /Users?filter=userName eq "<value>"` (then the `externalId` form when that attribute
//! is mapped) and expects exactly one result; zero makes it create a duplicate, several make
//! it stop with an error. This sends exactly that query for each old-side user (or a sample)
//! and lists the users the new side does not find exactly once: the usual causes are quotes,
//! `+`, apostrophes or non-ASCII letters escaped or decoded wrongly, and a case-sensitive
//! `eq` (RFC 7643 §2.2 makes `userName` case-insensitive).

use std::sync::Arc;

use futures::StreamExt;
use scim2_client::http::Method;
use scim2_client::{Client, RawRequest};
use scim2_filter::Filter;
use serde::Serialize;
use serde_json::Value;

use super::diff::Directory;
use super::index::{Entry, get_ci};

/// The attribute a matching query uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchAttr {
    /// `userName` (Entra ID's default matching attribute).
    UserName,
    /// `externalId` (when mapped).
    ExternalId,
}

impl MatchAttr {
    /// The SCIM attribute name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserName => "userName",
            Self::ExternalId => "externalId",
        }
    }
}

/// The query string Entra ID sends to find a user by `attr` = `value`:
/// `filter=userName+eq+%22…%22` (the filter's string literal escaped as in JSON, RFC 7644
/// §3.4.2.2, then form-encoded).
#[must_use]
pub fn entra_query(attr: MatchAttr, value: &str) -> String {
    let filter = Filter::eq(attr.as_str(), value).to_string();
    let encoded: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    format!("filter={encoded}")
}

/// How a matching query went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "outcome"
)]
pub enum ProbeOutcome {
    /// No result: Entra ID would create a second user.
    NotFound,
    /// Several results: Entra ID would stop with a matching error.
    Several {
        /// `totalResults`.
        count: u64,
    },
    /// One result, but another user (its value differs).
    OtherUser {
        /// The value of the user found.
        found: Option<String>,
    },
    /// Not a 200 ListResponse, or no answer.
    Failed {
        /// What happened.
        error: String,
    },
}

/// One user the new side does not find exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeProblem {
    /// The attribute queried.
    pub attr: MatchAttr,
    /// The value queried (the old side's).
    pub value: String,
    /// The query string sent.
    pub query: String,
    /// What came back.
    #[serde(flatten)]
    pub outcome: ProbeOutcome,
}

/// The result of probing Entra ID's matching query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchingProbe {
    /// Old-side users probed.
    pub probed: usize,
    /// Old-side users in all.
    pub of: usize,
    /// Queries sent (userName, plus externalId when mapped and present).
    pub queries: usize,
    /// Users not found exactly once, sorted by attribute and value.
    pub problems: Vec<ProbeProblem>,
}

impl MatchingProbe {
    /// The verdict in one sentence.
    #[must_use]
    pub fn verdict(&self) -> String {
        let sample = if self.probed < self.of {
            format!("a sample of {} of {} old users", self.probed, self.of)
        } else {
            format!("all {} old users", self.of)
        };
        if self.problems.is_empty() {
            format!("Entra ID's matching query finds {sample} exactly once on the new endpoint")
        } else {
            format!(
                "Entra ID's matching query fails for {} of {} queries ({sample}): those users \
                 would be duplicated or stop provisioning with a matching error after a restart",
                self.problems.len(),
                self.queries
            )
        }
    }
}

/// The indices of an evenly spread sample of `n` out of `total` (all when `n` is `None` or
/// at least `total`).
#[must_use]
pub fn sample(total: usize, n: Option<usize>) -> Vec<usize> {
    match n {
        Some(n) if n < total => (0..n).map(|i| i * total / n).collect(),
        _ => (0..total).collect(),
    }
}

/// What one query returned, classified; `None` when exactly the user was found.
#[must_use]
pub fn classify(attr: MatchAttr, value: &str, status: u16, body: &[u8]) -> Option<ProbeOutcome> {
    if status != 200 {
        return Some(ProbeOutcome::Failed {
            error: format!("answered {status}"),
        });
    }
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return Some(ProbeOutcome::Failed {
            error: "the answer is not JSON".to_owned(),
        });
    };
    let resources = get_ci(&json, "Resources").and_then(Value::as_array);
    let listed = resources.map_or(0, Vec::len) as u64;
    let total = get_ci(&json, "totalResults")
        .and_then(Value::as_u64)
        .unwrap_or(listed);
    match total.max(listed) {
        0 => Some(ProbeOutcome::NotFound),
        1 => {
            let found = resources
                .and_then(|r| r.first())
                .and_then(|u| get_ci(u, attr.as_str()))
                .and_then(Value::as_str);
            let same = found.is_some_and(|f| match attr {
                MatchAttr::UserName => f.to_lowercase() == value.to_lowercase(),
                MatchAttr::ExternalId => f == value,
            });
            (!same).then(|| ProbeOutcome::OtherUser {
                found: found.map(str::to_owned),
            })
        }
        count => Some(ProbeOutcome::Several { count }),
    }
}

/// Sends Entra ID's matching queries to `to` for the sampled old-side users, `concurrency`
/// at a time; `external_id` adds the `externalId` query for users that have one.
pub async fn probe(
    to: &Client,
    from: &Directory,
    n: Option<usize>,
    external_id: bool,
    concurrency: usize,
) -> MatchingProbe {
    let users = &from.users.entries;
    let picked = sample(users.len(), n);
    let mut jobs: Vec<(MatchAttr, String)> = Vec::new();
    for &i in &picked {
        let Some(e) = users.get(i) else { continue };
        push_jobs(&mut jobs, e, external_id);
    }
    let to = Arc::new(to.clone());
    let queries = jobs.len();
    let mut problems: Vec<ProbeProblem> = futures::stream::iter(jobs)
        .map(|(attr, value)| {
            let to = Arc::clone(&to);
            async move {
                let query = entra_query(attr, &value);
                let req = RawRequest::new(Method::GET, "/Users").query(query.clone());
                let outcome = match to.send_raw(req).await {
                    Ok(r) => classify(attr, &value, r.status.as_u16(), &r.body),
                    Err(e) => Some(ProbeOutcome::Failed {
                        error: e.to_string(),
                    }),
                };
                outcome.map(|outcome| ProbeProblem {
                    attr,
                    value,
                    query,
                    outcome,
                })
            }
        })
        .buffer_unordered(concurrency.max(1))
        .filter_map(|p| async move { p })
        .collect()
        .await;
    problems.sort_by(|a, b| (a.attr, &a.value).cmp(&(b.attr, &b.value)));
    MatchingProbe {
        probed: picked.len(),
        of: users.len(),
        queries,
        problems,
    }
}

fn push_jobs(jobs: &mut Vec<(MatchAttr, String)>, e: &Entry, external_id: bool) {
    if let Some(name) = e.name() {
        jobs.push((MatchAttr::UserName, name.to_string()));
    }
    if external_id && let Some(x) = e.external_id() {
        jobs.push((MatchAttr::ExternalId, x.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_entras_and_escapes_the_literal() {
        assert_eq!(
            entra_query(MatchAttr::UserName, "ann@example.com"),
            "filter=userName+eq+%22ann%40example.com%22"
        );
        assert_eq!(
            entra_query(MatchAttr::UserName, r#"o'brien+"x"\é"#),
            "filter=userName+eq+%22o%27brien%2B%5C%22x%5C%22%5C%5C%C3%A9%22"
        );
    }

    #[test]
    fn samples_spread_evenly() {
        assert_eq!(sample(10, Some(3)), vec![0, 3, 6]);
        assert_eq!(sample(3, Some(10)), vec![0, 1, 2]);
        assert_eq!(sample(4, None), vec![0, 1, 2, 3]);
        assert!(sample(0, Some(2)).is_empty());
    }

    #[test]
    fn exactly_once() {
        let one = br#"{"totalResults":1,"Resources":[{"userName":"Ann"}]}"#;
        assert_eq!(classify(MatchAttr::UserName, "ann", 200, one), None);
        assert_eq!(
            classify(MatchAttr::UserName, "bob", 200, one),
            Some(ProbeOutcome::OtherUser {
                found: Some("Ann".into())
            })
        );
        let none = br#"{"totalResults":0,"Resources":[]}"#;
        assert_eq!(
            classify(MatchAttr::UserName, "ann", 200, none),
            Some(ProbeOutcome::NotFound)
        );
        let two = br#"{"totalResults":2,"Resources":[{},{}]}"#;
        assert_eq!(
            classify(MatchAttr::UserName, "ann", 200, two),
            Some(ProbeOutcome::Several { count: 2 })
        );
        assert!(matches!(
            classify(MatchAttr::UserName, "ann", 400, b""),
            Some(ProbeOutcome::Failed { .. })
        ));
    }
}

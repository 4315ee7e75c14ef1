//! Id continuity: after a switch of Tenant URL and token, Entra ID keeps the ids it cached for
//! every user and group it provisioned and sends its next updates to them
//! (`PATCH /Users/{cached id}`, `DELETE /Groups/{cached id}`). This reads each old-side id on
//! the new side (`GET /Users/{id}`, RFC 7644 §3.4.1) and tells whether the new side serves the
//! same resource under it.
//!
//! The classification ([`classify`]) is pure; [`check_ids`] does the reading.

use std::sync::Arc;

use futures::StreamExt;
use scim2_client::{Client, Error, Projection};
use scim2_types::ResourceKind;
use serde::Serialize;
use serde_json::Value;

use super::diff::Directory;
use super::fetch::{WireGroup, WireUser};
use super::index::{Entry, get_ci};

/// What the new side serves under an old-side id, when it is not the same resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "outcome"
)]
pub enum IdOutcome {
    /// 404: nothing under that id. Entra's updates to it will fail.
    Missing,
    /// Another resource (its name differs and its externalId does not match).
    OtherResource {
        /// The `userName`/`displayName` served under the id.
        served_name: Option<String>,
    },
    /// Another status or a network failure: not known.
    Unknown {
        /// What happened.
        error: String,
    },
}

/// One old-side resource whose id does not lead to it on the new side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdProblem {
    /// User or group (`"user"`, `"group"`).
    #[serde(serialize_with = "super::index::serialize_kind")]
    pub kind: ResourceKind,
    /// The old side's id (what Entra cached).
    pub id: String,
    /// The old side's `userName`/`displayName`.
    pub name: Option<String>,
    /// What the new side does with the id.
    #[serde(flatten)]
    pub outcome: IdOutcome,
}

/// The id continuity of the whole directory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Continuity {
    /// Old-side users whose id was read on the new side.
    pub users_checked: usize,
    /// Old-side groups whose id was read on the new side.
    pub groups_checked: usize,
    /// Of those, served under the same id.
    pub preserved: usize,
    /// Those not served under the same id, sorted by kind and name.
    pub problems: Vec<IdProblem>,
}

impl Continuity {
    /// Whether every id leads to the same resource: Entra continues seamlessly.
    #[must_use]
    pub fn preserved_all(&self) -> bool {
        self.problems.is_empty()
    }

    /// The verdict in one sentence.
    #[must_use]
    pub fn verdict(&self) -> String {
        let checked = self.users_checked + self.groups_checked;
        if self.preserved_all() {
            return format!(
                "ids preserved: all {checked} old ids ({} users, {} groups) serve the same \
                 resource on the new endpoint; Entra ID's incremental updates continue \
                 seamlessly after the switch",
                self.users_checked, self.groups_checked
            );
        }
        let count =
            |f: fn(&IdOutcome) -> bool| self.problems.iter().filter(|p| f(&p.outcome)).count();
        let missing = count(|o| matches!(o, IdOutcome::Missing));
        let other = count(|o| matches!(o, IdOutcome::OtherResource { .. }));
        let unknown = count(|o| matches!(o, IdOutcome::Unknown { .. }));
        let mut parts = vec![format!("{missing} missing (404)")];
        if other > 0 {
            parts.push(format!("{other} pointing to another resource"));
        }
        if unknown > 0 {
            parts.push(format!("{unknown} not readable"));
        }
        format!(
            "ids not preserved: {} of {checked} old ids ({}): Entra ID's updates of those \
             will fail with 404 (or change the wrong resource) unless provisioning is \
             restarted, which makes Entra ID match every user again by its matching attribute \
             (userName by default)",
            self.problems.len(),
            parts.join(", ")
        )
    }
}

/// What the new side answered for one id.
#[derive(Debug, Clone)]
pub enum Served {
    /// 200 with this resource.
    Found(Value),
    /// 404.
    NotFound,
    /// Anything else.
    Failed(String),
}

/// Whether `served` is the resource `old` (same name case-insensitively, or the same
/// externalId); `None` when it is, else what it is.
#[must_use]
pub fn classify(kind: ResourceKind, old: &Entry, served: &Served) -> Option<IdOutcome> {
    match served {
        Served::NotFound => Some(IdOutcome::Missing),
        Served::Failed(e) => Some(IdOutcome::Unknown { error: e.clone() }),
        Served::Found(v) => {
            let text = |name: &str| {
                get_ci(v, name)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            let served_name = text(kind.name_attribute());
            let same_name = match (old.name(), &served_name) {
                (Some(a), Some(b)) => a.to_lowercase() == b.to_lowercase(),
                _ => false,
            };
            let same_external = match (old.external_id(), text("externalId")) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            };
            (!same_name && !same_external).then_some(IdOutcome::OtherResource { served_name })
        }
    }
}

/// Reads every old-side user and group id on the new side, `concurrency` at a time.
pub async fn check_ids(to: &Client, from: &Directory, concurrency: usize) -> Continuity {
    let to = Arc::new(to.clone());
    let jobs = from
        .users
        .entries
        .iter()
        .map(|e| (ResourceKind::User, e))
        .chain(from.groups.entries.iter().map(|e| (ResourceKind::Group, e)))
        .filter(|(_, e)| !e.id().is_empty());
    let results: Vec<(ResourceKind, &Entry, Option<IdOutcome>)> = futures::stream::iter(jobs)
        .map(|(kind, entry)| {
            let to = Arc::clone(&to);
            async move {
                let served = read(&to, kind, entry.id()).await;
                (kind, entry, classify(kind, entry, &served))
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut c = Continuity::default();
    for (kind, entry, outcome) in results {
        match kind {
            ResourceKind::User => c.users_checked += 1,
            ResourceKind::Group => c.groups_checked += 1,
        }
        match outcome {
            None => c.preserved += 1,
            Some(outcome) => c.problems.push(IdProblem {
                kind,
                id: entry.id().to_owned(),
                name: entry.name().map(str::to_owned),
                outcome,
            }),
        }
    }
    c.problems
        .sort_by(|a, b| (a.kind, &a.name, &a.id).cmp(&(b.kind, &b.name, &b.id)));
    c
}

async fn read(client: &Client, kind: ResourceKind, id: &str) -> Served {
    let all = Projection::all();
    let result = match kind {
        ResourceKind::User => client.get::<WireUser>(id, &all).await.map(|u| u.0),
        ResourceKind::Group => client.get::<WireGroup>(id, &all).await.map(|g| g.0),
    };
    match result {
        Ok(v) => Served::Found(v),
        Err(e) if e.status().is_some_and(|s| s.as_u16() == 404) => Served::NotFound,
        Err(e) => Served::Failed(short(&e)),
    }
}

/// A client error without its long advice, for a report line.
fn short(e: &Error) -> String {
    match e.status() {
        Some(s) => format!("answered {}", s.as_u16()),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entry(name: &str, ext: Option<&str>) -> Entry {
        let mut v = json!({"id": "1", "userName": name});
        if let Some(x) = ext {
            v["externalId"] = json!(x);
        }
        Entry::from_resource(ResourceKind::User, &v, &[])
    }

    #[test]
    fn same_resource_by_name_or_external_id() {
        let old = entry("Ann@Example.com", Some("obj-1"));
        let same = Served::Found(json!({"id": "1", "userName": "ann@example.com"}));
        assert_eq!(classify(ResourceKind::User, &old, &same), None);
        let renamed = Served::Found(json!({"id": "1", "userName": "ann2", "externalId": "obj-1"}));
        assert_eq!(classify(ResourceKind::User, &old, &renamed), None);
        let other = Served::Found(json!({"id": "1", "userName": "bob"}));
        assert_eq!(
            classify(ResourceKind::User, &old, &other),
            Some(IdOutcome::OtherResource {
                served_name: Some("bob".into())
            })
        );
        assert_eq!(
            classify(ResourceKind::User, &old, &Served::NotFound),
            Some(IdOutcome::Missing)
        );
    }

    #[test]
    fn verdicts() {
        let mut c = Continuity {
            users_checked: 3,
            groups_checked: 1,
            preserved: 4,
            problems: Vec::new(),
        };
        assert!(c.verdict().starts_with("ids preserved: all 4 old ids"));
        c.preserved = 2;
        c.problems = vec![
            IdProblem {
                kind: ResourceKind::User,
                id: "1".into(),
                name: Some("a".into()),
                outcome: IdOutcome::Missing,
            },
            IdProblem {
                kind: ResourceKind::User,
                id: "2".into(),
                name: Some("b".into()),
                outcome: IdOutcome::OtherResource { served_name: None },
            },
        ];
        let v = c.verdict();
        assert!(
            v.starts_with("ids not preserved: 2 of 4 old ids (1 missing (404), 1 pointing"),
            "{v}"
        );
        assert!(v.contains("restarted"), "{v}");
    }
}

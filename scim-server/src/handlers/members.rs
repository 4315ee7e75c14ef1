//! Group members must be existing users, each once (RFC 7643 §4.2; flat groups,
//! docs/entra.md#flat-groups).

use std::collections::HashSet;

use scim2_types::ScimError;
use serde_json::{Map, Value};

use crate::error::invalid_value;
use crate::store::{ResourceKind, Store, StoreError};

/// Which of the ids a write may add are users and which are groups, looked up before the
/// write (the check itself runs inside the atomic write, against the resource it replaces).
#[derive(Debug, Default)]
pub(super) struct Known {
    users: HashSet<String>,
    groups: HashSet<String>,
}

/// Every string in `value` (member ids hide in PATCH values in several shapes), bounded by
/// the body size.
fn strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

impl Known {
    /// Looks up every string of `candidates` as a user id and as a group id.
    pub(super) async fn look_up<S: Store>(
        store: &S,
        candidates: &Value,
    ) -> Result<Self, StoreError> {
        let mut ids = Vec::new();
        strings(candidates, &mut ids);
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Self::default());
        }
        let users: HashSet<String> = store
            .existing(ResourceKind::User, &ids)
            .await?
            .into_iter()
            .collect();
        let rest: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|i| !users.contains(*i))
            .collect();
        let groups = if rest.is_empty() {
            HashSet::new()
        } else {
            store
                .existing(ResourceKind::Group, &rest)
                .await?
                .into_iter()
                .collect()
        };
        Ok(Self { users, groups })
    }

    /// Checks the `members` of a new group state: every member has a `value`; members not in
    /// `previous` are known users; duplicates are dropped.
    pub(super) fn check(
        &self,
        body: &mut Map<String, Value>,
        previous: Option<&Value>,
    ) -> Result<(), ScimError> {
        let before: HashSet<&str> = previous
            .and_then(|p| p.get("members"))
            .and_then(Value::as_array)
            .map(|m| {
                m.iter()
                    .filter_map(|e| e.get("value").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        let Some(Value::Array(members)) = body.get_mut("members") else {
            return Ok(());
        };
        let mut seen: HashSet<&str> = HashSet::with_capacity(members.len());
        let mut keep = Vec::with_capacity(members.len());
        for member in members.iter() {
            let Some(value) = member.get("value").and_then(Value::as_str) else {
                return Err(invalid_value(
                    "every member needs a `value` (the member's id)",
                ));
            };
            if !before.contains(value) && !self.users.contains(value) {
                return Err(invalid_value(if self.groups.contains(value) {
                    format!("`{value}` is a group; groups hold users only (flat groups)")
                } else {
                    format!("no user has the id `{value}`")
                }));
            }
            keep.push(seen.insert(value));
        }
        let mut keep = keep.into_iter();
        members.retain(|_| keep.next().unwrap_or(true));
        Ok(())
    }
}

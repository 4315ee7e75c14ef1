//! What the stores' indexes read out of a resource (the SQL layer's columns, the memory
//! store's index): the indexed attributes, the unique value and the group's members.

// Without a SQL backend only `conditions_of` is used.
#![cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::lookup::{Condition, fold};
use crate::store::{ResourceKind, StoreError};

/// The columns of one resource row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Columns {
    /// `id`.
    pub id: String,
    /// `userName` folded (users only).
    pub user_name: Option<String>,
    /// `externalId` as sent.
    pub external_id: Option<String>,
    /// `displayName` folded.
    pub display_name: Option<String>,
    /// `meta.version`.
    pub version: Option<String>,
    /// The unique attribute's value as sent, for [`StoreError::Conflict`].
    pub unique_value: Option<String>,
    /// `members[].value` (groups), without duplicates.
    pub members: BTreeSet<String>,
}

/// The member of `object` named `name` (attribute names are case-insensitive, RFC 7643 §2.1).
fn get_ci<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn string_at(object: &Map<String, Value>, name: &str) -> Option<String> {
    get_ci(object, name)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The `members[].value` of a group resource.
pub(crate) fn members_of(resource: &Value) -> BTreeSet<String> {
    resource
        .as_object()
        .and_then(|o| get_ci(o, "members"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_object().and_then(|m| string_at(m, "value")))
        .collect()
}

/// The indexed values of `resource` as the [`Condition`]s it satisfies (`id` aside): folded
/// `userName` (users), `externalId` as sent, folded `displayName`, folded `members[].value`
/// (groups). The same columns as [`Columns::of`], for a store that indexes in memory.
pub(crate) fn conditions_of(kind: ResourceKind, resource: &Value) -> Vec<Condition> {
    let Some(object) = resource.as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if kind == ResourceKind::User
        && let Some(v) = string_at(object, kind.name_attribute())
    {
        out.push(Condition::UserName(fold(&v)));
    }
    if let Some(v) = string_at(object, "externalId") {
        out.push(Condition::ExternalId(v));
    }
    if let Some(v) = string_at(object, "displayName") {
        out.push(Condition::DisplayName(fold(&v)));
    }
    if kind == ResourceKind::Group
        && let Some(members) = get_ci(object, "members").and_then(Value::as_array)
    {
        // Duplicates are possible; the caller sorts and removes them.
        out.extend(
            members
                .iter()
                .filter_map(|m| m.as_object().and_then(|m| get_ci(m, "value")))
                .filter_map(Value::as_str)
                .map(|m| Condition::Member(fold(m))),
        );
    }
    out
}

impl Columns {
    /// The columns of `resource`, a resource of `kind` handed over by the server core.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when `resource` is not an object with a string `id`.
    pub(crate) fn of(kind: ResourceKind, resource: &Value) -> Result<Self, StoreError> {
        let invalid = |reason: &str| StoreError::Corrupt {
            kind,
            id: resource
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            reason: reason.to_owned(),
        };
        let object = resource
            .as_object()
            .ok_or_else(|| invalid("a resource must be a JSON object"))?;
        let id =
            string_at(object, "id").ok_or_else(|| invalid("the resource has no string `id`"))?;
        let unique_value = string_at(object, kind.name_attribute());
        let display = string_at(object, "displayName");
        Ok(Self {
            id,
            user_name: match kind {
                ResourceKind::User => unique_value.as_deref().map(fold),
                ResourceKind::Group => None,
            },
            external_id: string_at(object, "externalId"),
            display_name: display.as_deref().map(fold),
            version: get_ci(object, "meta")
                .and_then(Value::as_object)
                .and_then(|m| string_at(m, "version")),
            unique_value,
            members: match kind {
                ResourceKind::Group => members_of(resource),
                ResourceKind::User => BTreeSet::new(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn columns_of_a_user_and_a_group() {
        let user = json!({"id": "1", "userName": "BJensen", "externalId": "E1",
            "displayName": "Babs ΣΑΣ", "meta": {"version": "W/\"3\""}});
        let c = Columns::of(ResourceKind::User, &user).unwrap();
        assert_eq!(c.id, "1");
        assert_eq!(c.user_name.as_deref(), Some("bjensen"));
        assert_eq!(c.unique_value.as_deref(), Some("BJensen"));
        assert_eq!(c.external_id.as_deref(), Some("E1"));
        assert_eq!(c.display_name.as_deref(), Some("babs σασ"));
        assert_eq!(c.version.as_deref(), Some("W/\"3\""));
        let group = json!({"id": "g", "displayName": "Ops",
            "members": [{"value": "u2"}, {"value": "u1"}, {"value": "u2"}, {"display": "x"}]});
        let c = Columns::of(ResourceKind::Group, &group).unwrap();
        assert_eq!(c.user_name, None);
        assert_eq!(c.unique_value.as_deref(), Some("Ops"));
        assert_eq!(c.members.into_iter().collect::<Vec<_>>(), ["u1", "u2"]);
    }

    #[test]
    fn a_resource_without_id_is_refused() {
        for bad in [json!({"userName": "a"}), json!([1]), json!({"id": 5})] {
            assert!(matches!(
                Columns::of(ResourceKind::User, &bad),
                Err(StoreError::Corrupt { .. })
            ));
        }
    }
}

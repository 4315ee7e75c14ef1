//! Entra ID's PATCH operations in their wire form, for both dialects, written once and used by
//! the fixed checks and the stateful sequences.
//!
//! - Legacy (the default of a non-gallery provisioning job): capitalised `Add`/`Replace`/
//!   `Remove`, one operation per attribute, `active` as the strings `"True"`/`"False"`, member
//!   removal as `Remove` on `members` with a value array.
//! - Flagged (`aadOptscim062020` in the Tenant URL): lower-case ops, booleans, the attributes
//!   without a filter folded into one path-less `replace`, member removal with
//!   `members[value eq "…"]`.
//!
//! Source: "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft
//! Entra user provisioning service",
//! <https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility>,
//! and "Tutorial: Develop and plan provisioning for a SCIM endpoint",
//! <https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups>.
//! Every function builds typed [`PatchOperation`]s, spelled by [`scim2_filter::diff::Dialect`],
//! and returns the `Operations` array of a PatchOp (RFC 7644 §3.5.2); [`body`] wraps one in the
//! whole request body. No other module writes an `op` by hand.

use scim2_filter::diff;
use scim2_types::{PatchOp, PatchOpKind, PatchOperation};
use serde_json::{Map, Value, json};

use crate::dialect::Dialect::{self, Flagged, Legacy};
use crate::session::lit;

/// The enterprise extension's manager attribute, as Entra addresses it.
pub const MANAGER: &str = scim2_types::urn::ENTERPRISE_MANAGER;

/// One operation spelled as `d` spells it (`Replace` legacy, `replace` flagged).
fn op(d: Dialect, kind: PatchOpKind, path: Option<&str>, value: Option<Value>) -> PatchOperation {
    diff::Dialect::from(d).operation(kind, path, value)
}

/// Plain RFC 7644 §3.5.2 spelling (lower-case), for the probes of behaviour Entra never sends.
fn rfc(kind: PatchOpKind, path: Option<&str>, value: Option<Value>) -> PatchOperation {
    diff::Dialect::Rfc.operation(kind, path, value)
}

/// The `Operations` array of `ops`.
fn array(ops: &[PatchOperation]) -> Value {
    // Serialising a `PatchOperation` cannot fail: its keys are strings.
    serde_json::to_value(ops).unwrap_or_else(|_| Value::Array(Vec::new()))
}

/// A whole PatchOp request body (`schemas` and `Operations`) around `ops`.
fn body(ops: &[PatchOperation]) -> Value {
    // As `array`: cannot fail.
    serde_json::to_value(PatchOp::new(ops.to_vec())).unwrap_or_else(|_| json!({}))
}

/// Member values as Entra writes them: `{"$ref": null, "value": id}`.
#[must_use]
pub fn member_values(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"$ref": null, "value": id}))
            .collect(),
    )
}

/// Replaces attributes (`(path, value)`; paths as in the mapping: `displayName`,
/// `name.givenName`, `emails[type eq "work"].value`, URN-qualified extension paths). Legacy:
/// one `Replace` per attribute. Flagged: the value-path attributes as separate `replace`
/// operations, all others in one path-less `replace` keyed by their paths.
#[must_use]
pub fn replace(d: Dialect, changes: &[(&str, Value)]) -> Value {
    let mut folded = Map::new();
    let mut ops = Vec::new();
    for (p, v) in changes {
        if d == Flagged && !p.contains('[') {
            folded.insert((*p).to_owned(), v.clone());
        } else {
            ops.push(op(d, PatchOpKind::Replace, Some(p), Some(v.clone())));
        }
    }
    if !folded.is_empty() {
        ops.push(op(
            d,
            PatchOpKind::Replace,
            None,
            Some(Value::Object(folded)),
        ));
    }
    array(&ops)
}

/// One path-less `replace` whose value is keyed by attribute paths (the flagged dialect's form
/// for custom extension attributes: URN-qualified keys).
#[must_use]
pub fn replace_pathless(values: Map<String, Value>) -> Value {
    array(&[op(
        Flagged,
        PatchOpKind::Replace,
        None,
        Some(Value::Object(values)),
    )])
}

/// Adds attributes, one `Add`/`add` per `(path, value)` (value paths create the element).
#[must_use]
pub fn add(d: Dialect, changes: &[(&str, Value)]) -> Value {
    let ops: Vec<PatchOperation> = changes
        .iter()
        .map(|(p, v)| op(d, PatchOpKind::Add, Some(p), Some(v.clone())))
        .collect();
    array(&ops)
}

/// Renames: `Replace`/`replace` on `attr` (`userName`, or a group's `displayName`) with a path.
#[must_use]
pub fn rename(d: Dialect, attr: &str, value: &str) -> Value {
    array(&[op(d, PatchOpKind::Replace, Some(attr), Some(json!(value)))])
}

/// Disables or re-enables a user: `"False"`/`"True"` strings (legacy), booleans (flagged).
#[must_use]
pub fn set_active(d: Dialect, active: bool) -> Value {
    let value = match d {
        Legacy => json!(if active { "True" } else { "False" }),
        Flagged => json!(active),
    };
    array(&[op(d, PatchOpKind::Replace, Some("active"), Some(value))])
}

/// How the manager is set: `add` the first time, `replace` to change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetManager {
    /// The first manager.
    Add,
    /// A change of manager.
    Replace,
}

/// Sets the manager to a bare id on the URN path.
#[must_use]
pub fn set_manager(d: Dialect, how: SetManager, manager_id: &str) -> Value {
    let kind = match how {
        SetManager::Add => PatchOpKind::Add,
        SetManager::Replace => PatchOpKind::Replace,
    };
    array(&[op(d, kind, Some(MANAGER), Some(json!(manager_id)))])
}

/// Removes the manager: `Remove`/`remove` on the URN path.
#[must_use]
pub fn remove_manager(d: Dialect) -> Value {
    array(&[op(d, PatchOpKind::Remove, Some(MANAGER), None)])
}

/// Removes the manager with a value filter on the bare attribute,
/// `remove manager[value eq "…"]` (seen from a flagged job; not defined by RFC 7644 for a
/// single-valued attribute).
#[must_use]
pub fn remove_manager_filtered(current: &str) -> Value {
    let path = format!("manager[value eq {}]", lit(current));
    array(&[op(Flagged, PatchOpKind::Remove, Some(&path), None)])
}

/// Adds members in one operation.
#[must_use]
pub fn add_members(d: Dialect, ids: &[&str]) -> Value {
    array(&[op(
        d,
        PatchOpKind::Add,
        Some("members"),
        Some(member_values(ids)),
    )])
}

/// Removes members: one `Remove` on `members` with a value array (legacy); one `remove` per
/// member with `members[value eq "…"]` (flagged).
#[must_use]
pub fn remove_members(d: Dialect, ids: &[&str]) -> Value {
    match d {
        Legacy => {
            let values: Vec<Value> = ids.iter().map(|i| json!({"value": i})).collect();
            array(&[op(
                d,
                PatchOpKind::Remove,
                Some("members"),
                Some(Value::Array(values)),
            )])
        }
        Flagged => {
            let ops: Vec<PatchOperation> = ids
                .iter()
                .map(|i| {
                    let path = format!("members[value eq {}]", lit(i));
                    op(d, PatchOpKind::Remove, Some(&path), None)
                })
                .collect();
            array(&ops)
        }
    }
}

/// A whole PatchOp body replacing the members with `ids` (`{"value": id}` each): RFC 7644
/// §3.5.2.3 replace semantics, which Entra never sends (a probe).
#[must_use]
pub fn replace_members_body(ids: &[&str]) -> Value {
    let values: Vec<Value> = ids.iter().map(|i| json!({"value": i})).collect();
    let ops = [rfc(
        PatchOpKind::Replace,
        Some("members"),
        Some(Value::Array(values)),
    )];
    body(&ops)
}

/// A whole PatchOp body adding the members `ids` (`{"value": id}` each) in plain RFC 7644
/// spelling (a probe: a group as a member, which Entra never sends).
#[must_use]
pub fn add_members_body(ids: &[&str]) -> Value {
    let values: Vec<Value> = ids.iter().map(|i| json!({"value": i})).collect();
    let ops = [rfc(
        PatchOpKind::Add,
        Some("members"),
        Some(Value::Array(values)),
    )];
    body(&ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_differ_in_every_shape() {
        assert_eq!(rename(Legacy, "userName", "a")[0]["op"], "Replace");
        assert_eq!(rename(Flagged, "userName", "a")[0]["op"], "replace");
        assert_eq!(set_active(Legacy, false)[0]["value"], "False");
        assert_eq!(set_active(Flagged, false)[0]["value"], false);
        let changes = [
            ("displayName", json!("A")),
            ("emails[type eq \"work\"].value", json!("a@x")),
        ];
        assert_eq!(replace(Legacy, &changes).as_array().unwrap().len(), 2);
        let flagged = replace(Flagged, &changes);
        assert_eq!(flagged[1]["value"]["displayName"], "A");
        assert!(flagged[1].get("path").is_none());
        assert_eq!(
            remove_members(Legacy, &["1", "2"])[0]["value"][1]["value"],
            "2"
        );
        assert_eq!(
            remove_members(Flagged, &["1", "2"])[1]["path"],
            "members[value eq \"2\"]"
        );
        assert_eq!(add_members(Legacy, &["1"])[0]["op"], "Add");
        assert_eq!(remove_manager(Legacy)[0]["op"], "Remove");
        assert_eq!(set_manager(Flagged, SetManager::Add, "9")[0]["value"], "9");
        assert_eq!(add(Legacy, &[("nickName", json!("B"))])[0]["op"], "Add");
    }

    /// The bytes sent are the ones the hand-written JSON of earlier versions produced: key
    /// order `op`, `path`, `value`, and `schemas` before `Operations`.
    #[test]
    fn wire_bytes_are_stable() {
        assert_eq!(
            replace(Flagged, &[("a", json!(1)), ("b[x eq 1].c", json!(2))]).to_string(),
            r#"[{"op":"replace","path":"b[x eq 1].c","value":2},{"op":"replace","value":{"a":1}}]"#
        );
        assert_eq!(
            remove_members(Legacy, &["1"]).to_string(),
            r#"[{"op":"Remove","path":"members","value":[{"value":"1"}]}]"#
        );
        assert_eq!(
            add_members(Legacy, &["1"]).to_string(),
            r#"[{"op":"Add","path":"members","value":[{"$ref":null,"value":"1"}]}]"#
        );
        assert_eq!(
            replace_members_body(&["3"]).to_string(),
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":[{"value":"3"}]}]}"#
        );
    }
}

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
//! Every function returns the `Operations` array of a PatchOp (RFC 7644 §3.5.2).

use serde_json::{Map, Value, json};

use crate::check::Dialect::{self, Flagged, Legacy};
use crate::session::lit;

/// The enterprise extension's manager attribute, as Entra addresses it.
pub const MANAGER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";

/// The op name in the dialect: `Replace` (legacy) or `replace` (flagged).
#[must_use]
pub fn op(d: Dialect, kind: &str) -> String {
    match d {
        Legacy => {
            let mut c = kind.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        }
        Flagged => kind.to_owned(),
    }
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
    match d {
        Legacy => Value::Array(
            changes
                .iter()
                .map(|(p, v)| json!({"op": "Replace", "path": p, "value": v}))
                .collect(),
        ),
        Flagged => {
            let mut folded = Map::new();
            let mut ops = Vec::new();
            for (p, v) in changes {
                if p.contains('[') {
                    ops.push(json!({"op": "replace", "path": p, "value": v}));
                } else {
                    folded.insert((*p).to_owned(), v.clone());
                }
            }
            if !folded.is_empty() {
                ops.push(json!({"op": "replace", "value": folded}));
            }
            Value::Array(ops)
        }
    }
}

/// Renames: `Replace`/`replace` on `attr` (`userName`, or a group's `displayName`) with a path.
#[must_use]
pub fn rename(d: Dialect, attr: &str, value: &str) -> Value {
    json!([{"op": op(d, "replace"), "path": attr, "value": value}])
}

/// Disables or re-enables a user: `"False"`/`"True"` strings (legacy), booleans (flagged).
#[must_use]
pub fn set_active(d: Dialect, active: bool) -> Value {
    let value = match d {
        Legacy => json!(if active { "True" } else { "False" }),
        Flagged => json!(active),
    };
    json!([{"op": op(d, "replace"), "path": "active", "value": value}])
}

/// Sets the manager to a bare id on the URN path; `verb` is `add` or `replace`.
#[must_use]
pub fn set_manager(d: Dialect, verb: &str, manager_id: &str) -> Value {
    json!([{"op": op(d, verb), "path": MANAGER, "value": manager_id}])
}

/// Removes the manager: `Remove`/`remove` on the URN path.
#[must_use]
pub fn remove_manager(d: Dialect) -> Value {
    json!([{"op": op(d, "remove"), "path": MANAGER}])
}

/// Removes the manager with a value filter on the bare attribute,
/// `remove manager[value eq "…"]` (seen from a flagged job; not defined by RFC 7644 for a
/// single-valued attribute).
#[must_use]
pub fn remove_manager_filtered(current: &str) -> Value {
    json!([{"op": "remove", "path": format!("manager[value eq {}]", lit(current))}])
}

/// Adds members in one operation.
#[must_use]
pub fn add_members(d: Dialect, ids: &[&str]) -> Value {
    json!([{"op": op(d, "add"), "path": "members", "value": member_values(ids)}])
}

/// Removes members: one `Remove` on `members` with a value array (legacy); one `remove` per
/// member with `members[value eq "…"]` (flagged).
#[must_use]
pub fn remove_members(d: Dialect, ids: &[&str]) -> Value {
    match d {
        Legacy => {
            let values: Vec<Value> = ids.iter().map(|i| json!({"value": i})).collect();
            json!([{"op": "Remove", "path": "members", "value": values}])
        }
        Flagged => Value::Array(
            ids.iter()
                .map(|i| json!({"op": "remove", "path": format!("members[value eq {}]", lit(i))}))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_differ_in_every_shape() {
        assert_eq!(op(Legacy, "replace"), "Replace");
        assert_eq!(op(Flagged, "replace"), "replace");
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
        assert_eq!(set_manager(Flagged, "add", "9")[0]["value"], "9");
    }
}

//! The model: the state the endpoint should be in, computed from what the run itself sent.
//!
//! A [`UserModel`] starts from the POST body and follows every PATCH operation the check sends
//! (with Entra's semantics, entra-provisioning reference §2.6–§2.8: a value path creates the
//! missing typed element, a bare manager id means `{"value": id}`, `"True"`/`"False"` mean
//! booleans); [`UserModel::mismatches`] compares a read-back resource with it, attribute by
//! attribute. A [`GroupModel`] follows the membership operations (§2.14, §2.15).
//!
//! Comparison accepts everything RFC 7644 and Entra accept: extra attributes, `meta`, extra
//! sub-attributes of complex values (`$ref`, `displayName` on a manager), member order.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::mapping::Mapping;
use crate::path::{TargetPath, get_ci};

/// The expected state of one user.
#[derive(Debug, Clone)]
pub struct UserModel {
    expected: Value,
    present: Vec<TargetPath>,
    absent: Vec<TargetPath>,
}

impl UserModel {
    /// Expects every mapped attribute of `sent` (the POST body) to read back exactly.
    #[must_use]
    pub fn from_sent(mapping: &Mapping, sent: &Value) -> Self {
        let present = mapping
            .rows
            .iter()
            .filter(|r| r.target.get(sent).is_some())
            .map(|r| r.target.clone())
            .collect();
        Self {
            expected: sent.clone(),
            present,
            absent: Vec::new(),
        }
    }

    /// Applies an `add`/`replace` of `value` at `path` (Entra-compatible semantics).
    pub fn set(&mut self, path: &TargetPath, value: Value) {
        let value = normalize(path, value);
        path.set(&mut self.expected, value);
        self.absent.retain(|p| p != path);
        if !self.present.contains(path) {
            self.present.push(path.clone());
        }
    }

    /// Applies a `remove` at `path`.
    pub fn remove(&mut self, path: &TargetPath) {
        self.present.retain(|p| p != path);
        if !self.absent.contains(path) {
            self.absent.push(path.clone());
        }
    }

    /// The expected value at a path.
    #[must_use]
    pub fn expected(&self, path: &TargetPath) -> Option<&Value> {
        path.get(&self.expected)
    }

    /// Every difference between `actual` and the model, one line per attribute.
    #[must_use]
    pub fn mismatches(&self, actual: &Value) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.present {
            let want = p.get(&self.expected);
            let got = p.get(actual);
            match (want, got) {
                (Some(w), Some(g)) if value_matches(w, g) => {}
                (Some(w), g) => out.push(format!(
                    "{p}: expected {w}, read back {}",
                    g.map_or_else(
                        || "nothing (attribute missing)".to_owned(),
                        Value::to_string
                    )
                )),
                (None, _) => {}
            }
        }
        for p in &self.absent {
            if let Some(g) = p.get(actual)
                && !is_empty(g)
            {
                out.push(format!("{p}: expected removed, read back {g}"));
            }
        }
        out
    }
}

fn normalize(path: &TargetPath, value: Value) -> Value {
    let is_manager = path.sub.is_none() && path.attr.eq_ignore_ascii_case("manager");
    let is_active =
        path.urn.is_none() && path.sub.is_none() && path.attr.eq_ignore_ascii_case("active");
    match value {
        Value::String(s) if is_manager => json!({ "value": s }),
        Value::String(s) if is_active && s.eq_ignore_ascii_case("true") => Value::Bool(true),
        Value::String(s) if is_active && s.eq_ignore_ascii_case("false") => Value::Bool(false),
        v => v,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// Whether `actual` holds what `expected` says: equal scalars (no type coercion: `"true"` is
/// not `true`), objects with at least the expected members, arrays whose every expected element
/// is matched by a distinct actual element.
#[must_use]
pub fn value_matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(e), Value::Object(_)) => e
            .iter()
            .all(|(k, ev)| get_ci(actual, k).is_some_and(|av| value_matches(ev, av))),
        (Value::Array(e), Value::Array(a)) => {
            let mut used = vec![false; a.len()];
            e.iter().all(|ev| {
                let hit = a
                    .iter()
                    .enumerate()
                    .position(|(i, av)| !used[i] && value_matches(ev, av));
                hit.map(|i| used[i] = true).is_some()
            })
        }
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        (e, a) => e == a,
    }
}

/// The expected members of one group (a set of user ids).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupModel {
    /// The member ids.
    pub members: BTreeSet<String>,
}

impl GroupModel {
    /// Adds members (set semantics: adding a member twice keeps one; RFC 7644 §3.5.2.1).
    pub fn add<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        self.members.extend(ids.into_iter().map(str::to_owned));
    }

    /// Removes the listed members only (Entra's legacy value-array form and the
    /// `members[value eq …]` form, §2.15).
    pub fn remove<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        for id in ids {
            self.members.remove(id);
        }
    }

    /// Compares the members read back (`ids`, duplicates included) with the model.
    #[must_use]
    pub fn mismatches(&self, ids: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        let got: BTreeSet<String> = ids.iter().cloned().collect();
        for m in self.members.difference(&got) {
            out.push(format!("member {m} is missing"));
        }
        for m in got.difference(&self.members) {
            out.push(format!("{m} is a member but should not be"));
        }
        for m in &got {
            let n = ids.iter().filter(|i| *i == m).count();
            if n > 1 {
                out.push(format!("member {m} is listed {n} times"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_accepts_extras_but_not_coercion() {
        assert!(value_matches(
            &json!({"value": "m"}),
            &json!({"value": "m", "$ref": "x", "displayName": "d"})
        ));
        assert!(!value_matches(&json!(true), &json!("true")));
        assert!(!value_matches(&json!({"value": "m"}), &json!("m")));
        assert!(value_matches(
            &json!([{"a": 1}, {"a": 2}]),
            &json!([{"a": 2, "b": 0}, {"a": 1}])
        ));
        assert!(!value_matches(
            &json!([{"a": 1}, {"a": 1}]),
            &json!([{"a": 1}])
        ));
    }

    #[test]
    fn model_follows_entra_semantics() {
        let m = Mapping::entra_default().unwrap();
        let sent = json!({"userName": "u", "active": true, "phoneNumbers": [{"type": "work", "value": "1"}, {"type": "mobile", "value": "2"}]});
        let mut um = UserModel::from_sent(&m, &sent);
        um.set(&TargetPath::parse("active").unwrap(), json!("False"));
        let mgr =
            TargetPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
                .unwrap();
        um.set(&mgr, json!("boss"));
        let actual = json!({"userName": "U", "active": false, "phoneNumbers": [{"type": "mobile", "value": "2"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "boss"}}});
        let mm = um.mismatches(&actual);
        assert_eq!(mm.len(), 2, "{mm:?}"); // userName reformatted; work phone lost
        assert!(mm.iter().any(|l| l.starts_with("userName")));
        assert!(
            mm.iter()
                .any(|l| l.starts_with("phoneNumbers[type eq \"work\"].value"))
        );
        um.remove(&mgr);
        assert!(
            um.mismatches(&actual)
                .iter()
                .any(|l| l.contains("expected removed"))
        );
    }

    #[test]
    fn group_model_counts_duplicates() {
        let mut g = GroupModel::default();
        g.add(["a", "b", "a"]);
        g.remove(["b"]);
        assert!(g.mismatches(&["a".into()]).is_empty());
        assert_eq!(g.mismatches(&["a".into(), "a".into(), "c".into()]).len(), 2);
    }
}

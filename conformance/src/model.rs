//! The model: the state the endpoint should be in, computed from what the run itself sent.
//!
//! A [`UserModel`] starts from the POST body and applies every PATCH request the check sends
//! with `scim2_filter::patch::apply` under `Policy::entra_compatible()` (the workspace's one
//! implementation of SCIM semantics: a value path creates the missing typed element, a bare
//! manager id means `{"value": id}`, `"True"`/`"False"` are booleans; docs/entra.md#patch-dialects,
//! #disable, #manager). [`UserModel::mismatches`] compares a read-back resource with it, naming each
//! attribute that differs. A [`GroupModel`] does the same for membership (§2.14, §2.15).
//!
//! Comparison accepts everything RFC 7644 and Entra accept: extra attributes, `meta`, extra
//! sub-attributes of complex values (`$ref`, `displayName` on a manager), element order.

use std::collections::BTreeSet;

use scim2_filter::patch;
use scim2_filter::policy::Policy;
use scim2_filter::select::get_ci;
use scim2_types::PatchOp;
use scim2_types::schema::ResourceSchemas;
use serde_json::{Map, Value, json};

use crate::mapping::TargetPath;

/// Members never compared: server-managed or request-only.
const NOT_COMPARED: &[&str] = &["schemas", "meta", "id"];
/// Sub-attributes never compared: not part of any Entra mapping row (Entra sends
/// `"primary": true` on the work email but does not map or compare it).
const SUB_NOT_COMPARED: &[&str] = &["primary", "$ref", "display"];

/// The expected state of one user.
#[derive(Debug, Clone)]
pub struct UserModel {
    expected: Value,
    absent: Vec<String>,
    /// Top-level members (and `urn:…` extension members as `urn:…:attr`) that a PATCH changed.
    touched: BTreeSet<String>,
}

/// Applies the `Operations` array `ops` to `doc` as one PatchOp.
fn apply_ops(doc: &mut Value, ops: &Value, schemas: &ResourceSchemas) -> Result<(), String> {
    let body = json!({"schemas": [scim2_types::urn::PATCH_OP], "Operations": ops});
    let op: PatchOp = serde_json::from_value(body)
        .map_err(|e| format!("the model cannot read the PATCH request: {e}"))?;
    patch::apply(doc, &op, schemas, &Policy::entra_compatible())
        .map(|_| ())
        .map_err(|e| format!("the model rejects the PATCH request: {e}"))
}

impl UserModel {
    /// Expects the user to read back as `sent` (the POST body).
    #[must_use]
    pub fn from_sent(sent: &Value) -> Self {
        let mut expected = sent.clone();
        if let Some(o) = expected.as_object_mut() {
            o.retain(|k, v| !NOT_COMPARED.contains(&k.as_str()) && !is_empty(v));
        }
        Self {
            expected,
            absent: Vec::new(),
            touched: BTreeSet::new(),
        }
    }

    /// Applies a PATCH request's `Operations` to the model.
    ///
    /// # Errors
    /// When the model itself rejects the request (a defect of the check, not of the endpoint).
    pub fn apply(&mut self, ops: &Value) -> Result<(), String> {
        let before = self.expected.clone();
        apply_ops(&mut self.expected, ops, &ResourceSchemas::user())?;
        self.touched.extend(changed_keys(&before, &self.expected));
        for p in removed_paths(&before, &self.expected) {
            if !self.absent.contains(&p) {
                self.absent.push(p);
            }
        }
        let now = self.expected.clone();
        self.absent.retain(|p| {
            TargetPath::parse(p)
                .ok()
                .and_then(|t| t.get(&now).cloned())
                .is_none_or(|v| is_empty(&v))
        });
        Ok(())
    }

    /// The expected value at a path.
    #[must_use]
    pub fn expected(&self, path: &TargetPath) -> Option<&Value> {
        path.get(&self.expected)
    }

    /// The differences in the attributes the applied PATCH requests changed (so that a PATCH
    /// check fails for its own operations only; [`UserModel::mismatches`] compares everything).
    #[must_use]
    pub fn mismatches_touched(&self, actual: &Value) -> Vec<String> {
        let mut focus = Map::new();
        if let Some(o) = self.expected.as_object() {
            for (k, v) in o {
                if is_urn(k) {
                    let sub: Map<String, Value> = v
                        .as_object()
                        .map(|m| {
                            m.iter()
                                .filter(|(sk, _)| self.touched.contains(&format!("{k}:{sk}")))
                                .map(|(a, b)| (a.clone(), b.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    if !sub.is_empty() {
                        focus.insert(k.clone(), Value::Object(sub));
                    }
                } else if self.touched.contains(k) {
                    focus.insert(k.clone(), v.clone());
                }
            }
        }
        let mut out = Vec::new();
        compare(&Value::Object(focus), actual, "", &mut out);
        self.push_absent(actual, &mut out);
        out
    }

    /// Every difference between `actual` and the model, one line per attribute.
    #[must_use]
    pub fn mismatches(&self, actual: &Value) -> Vec<String> {
        let mut out = Vec::new();
        compare(&self.expected, actual, "", &mut out);
        self.push_absent(actual, &mut out);
        out
    }

    fn push_absent(&self, actual: &Value, out: &mut Vec<String>) {
        for p in &self.absent {
            let got = TargetPath::parse(p)
                .ok()
                .and_then(|t| t.get(actual).cloned());
            if let Some(g) = got.filter(|g| !is_empty(g)) {
                out.push(format!("{p}: expected removed, read back {g}"));
            }
        }
    }
}

fn is_urn(k: &str) -> bool {
    k.len() > 4 && k[..4].eq_ignore_ascii_case("urn:")
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(
        || "nothing (attribute missing)".to_owned(),
        Value::to_string,
    )
}

/// Compares `expected` with `actual` member by member, naming attributes in mapping-path form
/// (`name.givenName`, `emails[type eq "work"].value`, `urn:…:User:manager`).
fn compare(expected: &Value, actual: &Value, prefix: &str, out: &mut Vec<String>) {
    let Some(e) = expected.as_object() else {
        return;
    };
    for (k, ev) in e {
        if is_empty(ev)
            || (prefix.is_empty() && NOT_COMPARED.iter().any(|n| n.eq_ignore_ascii_case(k)))
        {
            continue;
        }
        let name = format!("{prefix}{k}");
        let av = get_ci(actual, k);
        match (ev, av) {
            (Value::Object(_), Some(a @ Value::Object(_))) if is_urn(k) => {
                compare(ev, a, &format!("{k}:"), out);
            }
            (Value::Object(sub), Some(a @ Value::Object(_))) => {
                for (sk, sv) in sub {
                    let got = get_ci(a, sk);
                    if !is_empty(sv) && !got.is_some_and(|g| value_matches(sv, g)) {
                        out.push(format!(
                            "{name}.{sk}: expected {sv}, read back {}",
                            show(got)
                        ));
                    }
                }
            }
            (Value::Array(items), Some(Value::Array(got))) => {
                for item in items {
                    let ty = get_ci(item, "type").and_then(Value::as_str);
                    match (ty, item) {
                        (Some(t), Value::Object(sub)) => {
                            let same: Vec<&Value> = got
                                .iter()
                                .filter(|g| {
                                    get_ci(g, "type")
                                        .and_then(Value::as_str)
                                        .is_some_and(|x| x.eq_ignore_ascii_case(t))
                                })
                                .collect();
                            for (sk, sv) in sub {
                                if sk.eq_ignore_ascii_case("type")
                                    || is_empty(sv)
                                    || SUB_NOT_COMPARED.iter().any(|n| n.eq_ignore_ascii_case(sk))
                                {
                                    continue;
                                }
                                if !same
                                    .iter()
                                    .any(|g| get_ci(g, sk).is_some_and(|x| value_matches(sv, x)))
                                {
                                    let seen: Vec<String> =
                                        same.iter().map(|g| show(get_ci(g, sk))).collect();
                                    out.push(format!(
                                        "{name}[type eq \"{t}\"].{sk}: expected {sv}, read back {}",
                                        if seen.is_empty() {
                                            "no such element".to_owned()
                                        } else {
                                            seen.join(", ")
                                        }
                                    ));
                                }
                            }
                        }
                        _ => {
                            if !got.iter().any(|g| value_matches(item, g)) {
                                out.push(format!(
                                    "{name}: expected an element {item}, read back {}",
                                    Value::Array(got.clone())
                                ));
                            }
                        }
                    }
                }
            }
            (ev, av) if av.is_some_and(|a| value_matches(ev, a)) => {}
            (ev, av) => out.push(format!("{name}: expected {ev}, read back {}", show(av))),
        }
    }
}

/// Top-level members (`urn:…:attr` for extension members) whose value differs.
fn changed_keys(before: &Value, after: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    for k in keys {
        let (bv, av) = (b.get(k), a.get(k));
        if bv == av {
            continue;
        }
        if is_urn(k) {
            let bs = bv.and_then(Value::as_object).unwrap_or(&empty);
            let after_sub = av.and_then(Value::as_object).unwrap_or(&empty);
            let subs: BTreeSet<&String> = bs.keys().chain(after_sub.keys()).collect();
            out.extend(
                subs.into_iter()
                    .filter(|sk| bs.get(*sk) != after_sub.get(*sk))
                    .map(|sk| format!("{k}:{sk}")),
            );
        } else {
            out.push(k.clone());
        }
    }
    out
}

/// Paths (mapping form) holding a value in `before` and none in `after`.
fn removed_paths(before: &Value, after: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (Some(b), a) = (before.as_object(), after) else {
        return out;
    };
    for (k, bv) in b {
        if is_empty(bv) {
            continue;
        }
        let av = get_ci(a, k);
        match (bv, av) {
            (Value::Object(sub), x) if is_urn(k) && x.is_none_or(is_empty) => {
                out.extend(
                    sub.iter()
                        .filter(|(_, v)| !is_empty(v))
                        .map(|(sk, _)| format!("{k}:{sk}")),
                );
            }
            (_, None) => out.push(k.clone()),
            (_, Some(x)) if is_empty(x) => out.push(k.clone()),
            (Value::Object(sub), Some(x)) => {
                for (sk, sv) in sub {
                    if !is_empty(sv) && get_ci(x, sk).is_none_or(is_empty) {
                        out.push(if is_urn(k) {
                            format!("{k}:{sk}")
                        } else {
                            format!("{k}.{sk}")
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
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
    /// Applies a PATCH request's `Operations` to the membership (with `scim2_filter`).
    ///
    /// # Errors
    /// When the model rejects the request.
    pub fn apply(&mut self, ops: &Value) -> Result<(), String> {
        let members: Vec<Value> = self.members.iter().map(|m| json!({"value": m})).collect();
        let mut doc = Value::Object(Map::from_iter([(
            "members".to_owned(),
            Value::Array(members),
        )]));
        apply_ops(&mut doc, ops, &ResourceSchemas::group())?;
        self.members = crate::scim_json::member_ids(&doc).into_iter().collect();
        Ok(())
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
        let sent = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "u", "active": true,
            "phoneNumbers": [{"type": "work", "value": "1"}, {"type": "mobile", "value": "2"}], "roles": []});
        let mut um = UserModel::from_sent(&sent);
        let mgr = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";
        um.apply(&json!([{"op": "Replace", "path": "active", "value": "False"}, {"op": "Add", "path": mgr, "value": "boss"}])).unwrap();
        let actual = json!({"userName": "U", "active": false, "phoneNumbers": [{"type": "mobile", "value": "2"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "boss", "$ref": "../Users/boss"}}});
        let mm = um.mismatches(&actual);
        assert_eq!(mm.len(), 2, "{mm:?}"); // userName reformatted; work phone lost
        assert!(mm.iter().any(|l| l.starts_with("userName")));
        assert!(
            mm.iter()
                .any(|l| l.starts_with("phoneNumbers[type eq \"work\"].value")),
            "{mm:?}"
        );
        um.apply(&json!([{"op": "remove", "path": "manager[value eq \"boss\"]"}]))
            .unwrap();
        assert!(
            um.mismatches(&actual)
                .iter()
                .any(|l| l.contains("expected removed")),
            "{:?}",
            um.mismatches(&actual)
        );
    }

    #[test]
    fn group_model_applies_both_removal_dialects() {
        let mut g = GroupModel::default();
        g.apply(&json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": "a"}, {"value": "b"}, {"value": "c"}]}])).unwrap();
        g.apply(&json!([{"op": "Remove", "path": "members", "value": [{"value": "b"}]}]))
            .unwrap();
        g.apply(&json!([{"op": "remove", "path": "members[value eq \"c\"]"}]))
            .unwrap();
        assert!(g.mismatches(&["a".into()]).is_empty(), "{:?}", g.members);
        assert_eq!(g.mismatches(&["a".into(), "a".into(), "c".into()]).len(), 2);
    }
}

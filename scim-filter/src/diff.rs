//! The PATCH request that turns one resource into another, in a chosen dialect.
//!
//! Entra ID's provisioning cycle reads the target resource, compares it with what its
//! attribute mappings produce, and PATCHes only the differences (docs/entra.md#read-back and
//! #patch-dialects in the repository). [`diff`] computes that request, so that a test client can emulate Entra
//! exactly, in either of its two dialects (docs/entra.md#patch-dialects), or write plain RFC 7644 §3.5.2.
//!
//! For every [`Dialect`], applying `diff(a, b)` to `a` with
//! [`Policy::entra_compatible`](crate::policy::Policy::entra_compatible) gives `b` (and the
//! [`Dialect::Rfc`] output also applies under [`Policy::strict`](crate::policy::Policy::strict)),
//! as long as `b` is a valid resource: attributes known to the schemas, readOnly attributes
//! (`id`, `meta`, `groups`, `manager.displayName`) equal to `a`'s (they are never patched),
//! at most one `primary` value per attribute, and `schemas` listing the core schema and then
//! each extension present. Attributes the schemas do not define are left out of the diff.
//!
//! ```
//! use scim2_filter::diff::{self, Dialect};
//! use scim2_types::schema::ResourceSchemas;
//! use serde_json::json;
//!
//! let a = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!                "userName": "ann", "active": true,
//!                "emails": [{"type": "work", "value": "ann@old.example"}]});
//! let b = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!                "userName": "ann", "active": false,
//!                "emails": [{"type": "work", "value": "ann@new.example"}]});
//! let legacy = diff::diff(&a, &b, &ResourceSchemas::user(), Dialect::EntraLegacy);
//! assert_eq!(serde_json::to_value(&legacy).unwrap()["Operations"], json!([
//!     {"op": "Replace", "path": "active", "value": "False"},
//!     {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ann@new.example"}
//! ]));
//! let rfc = diff::diff(&a, &b, &ResourceSchemas::user(), Dialect::Rfc);
//! assert_eq!(serde_json::to_value(&rfc).unwrap()["Operations"], json!([
//!     {"op": "replace", "path": "active", "value": false},
//!     {"op": "replace", "path": "emails", "value": [{"type": "work", "value": "ann@new.example"}]}
//! ]));
//! ```

use std::collections::HashSet;

use scim2_types::schema::{
    AttributeType, Mutability, ResourceSchemas, Schema, SchemaAttribute, common_attributes,
};
use scim2_types::{PatchOp, PatchOpKind, PatchOperation};
use serde_json::{Map, Value};

use crate::ast::{Filter, PatchPath};
use crate::patch::json;

/// How the PATCH request is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// Entra ID's default (legacy) dialect (docs/entra.md#patch-dialects): capitalised ops
    /// (`Add`, `Replace`, `Remove`), one operation per attribute with a `path`, typed
    /// multi-valued values addressed by value paths (`emails[type eq "work"].value`), booleans
    /// as the strings `"True"` / `"False"`, group members removed with
    /// `{"op":"Remove","path":"members","value":[{"value":"…"}]}`, the manager as a bare id.
    EntraLegacy,
    /// Entra ID with the `aadOptscim062020` flag (docs/entra.md#patch-dialects):
    /// lower-case ops, value paths as separate operations, every other change folded into one
    /// path-less `replace` whose value has dotted (`name.givenName`) and URN-qualified
    /// (`urn:…:User:employeeNumber`) keys, JSON booleans, members removed with
    /// `members[value eq "…"]`.
    EntraFlagged,
    /// Plain RFC 7644 §3.5.2: lower-case ops with paths, multi-valued attributes replaced as a
    /// whole except group members (added by value, removed with `members[value eq "…"]`),
    /// complex attributes replaced by their changed sub-attributes. Uses no deviation of
    /// [`Policy`](crate::policy::Policy).
    Rfc,
}

impl Dialect {
    /// Every dialect.
    pub const ALL: [Dialect; 3] = [Self::EntraLegacy, Self::EntraFlagged, Self::Rfc];

    /// One operation as this dialect writes it (RFC 7644 §3.5.2): the `op` capitalised
    /// (`Add`, `Replace`, `Remove`) in [`Dialect::EntraLegacy`], lower-case otherwise.
    ///
    /// ```
    /// use scim2_filter::diff::Dialect;
    /// use scim2_types::PatchOpKind;
    /// let op = Dialect::EntraLegacy.operation(PatchOpKind::Remove, Some("nickName"), None);
    /// assert_eq!(op.op_text(), "Remove");
    /// assert_eq!(Dialect::Rfc.operation(PatchOpKind::Add, None, None).op_text(), "add");
    /// ```
    #[must_use]
    pub fn operation(
        self,
        kind: PatchOpKind,
        path: Option<&str>,
        value: Option<Value>,
    ) -> PatchOperation {
        let op = PatchOperation::new(kind, path, value);
        match self {
            Self::EntraLegacy => op.with_op_spelling(match kind {
                PatchOpKind::Add => "Add",
                PatchOpKind::Remove => "Remove",
                PatchOpKind::Replace => "Replace",
            }),
            Self::EntraFlagged | Self::Rfc => op,
        }
    }
}

/// The operations that turn `from` into `to`, written in `dialect`. Empty when nothing
/// differs. Attributes are compared case-insensitively by name (RFC 7643 §2.1).
#[must_use]
pub fn diff(from: &Value, to: &Value, schemas: &ResourceSchemas, dialect: Dialect) -> PatchOp {
    let mut w = Writer {
        dialect,
        ops: Vec::new(),
        pathless: Map::new(),
        removes: Vec::new(),
    };
    let empty = Map::new();
    let from_root = from.as_object().unwrap_or(&empty);
    let to_root = to.as_object().unwrap_or(&empty);
    let core: Vec<&SchemaAttribute> = common_attributes()
        .iter()
        .chain(&schemas.core.attributes)
        .collect();
    for def in core {
        w.attribute(
            None,
            def,
            present(json::get(from_root, &def.name)),
            present(json::get(to_root, &def.name)),
        );
    }
    for ext in &schemas.extensions {
        let f = json::get(from_root, &ext.id).and_then(Value::as_object);
        let t = json::get(to_root, &ext.id).and_then(Value::as_object);
        for def in &ext.attributes {
            let fv = f.and_then(|m| present(json::get(m, &def.name)));
            let tv = t.and_then(|m| present(json::get(m, &def.name)));
            w.attribute(Some(ext), def, fv, tv);
        }
    }
    w.finish()
}

/// A value that counts as assigned (RFC 7643 §2.5: null and empty arrays are unassigned).
fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
        _ => true,
    })
}

struct Writer {
    dialect: Dialect,
    /// Operations with a path, in attribute order.
    ops: Vec<PatchOperation>,
    /// The flagged dialect's path-less replace.
    pathless: Map<String, Value>,
    /// Removals, written last so that an extension object is never emptied on the way.
    removes: Vec<PatchOperation>,
}

impl Writer {
    fn finish(mut self) -> PatchOp {
        let mut ops = std::mem::take(&mut self.ops);
        if !self.pathless.is_empty() {
            let value = Value::Object(std::mem::take(&mut self.pathless));
            ops.push(self.op(PatchOpKind::Replace, None, Some(value)));
        }
        ops.append(&mut self.removes);
        PatchOp::new(ops)
    }

    fn op(&self, kind: PatchOpKind, path: Option<&str>, value: Option<Value>) -> PatchOperation {
        self.dialect.operation(kind, path, value)
    }

    fn push(&mut self, kind: PatchOpKind, path: &str, value: Option<Value>) {
        let op = self.op(kind, Some(path), value);
        if kind == PatchOpKind::Remove {
            self.removes.push(op);
        } else {
            self.ops.push(op);
        }
    }

    /// Sets a simple value (or a sub-attribute) at `path`: an add or replace with a path, or a
    /// key of the flagged dialect's path-less replace.
    fn set(&mut self, path: String, existed: bool, def: &SchemaAttribute, value: &Value) {
        let value = self.scalar(def, value);
        match self.dialect {
            Dialect::EntraFlagged => {
                self.pathless.insert(path, value);
            }
            _ => {
                let kind = if existed {
                    PatchOpKind::Replace
                } else {
                    PatchOpKind::Add
                };
                self.push(kind, &path, Some(value));
            }
        }
    }

    /// A scalar as the dialect writes it: Entra legacy sends booleans as `"True"`/`"False"`.
    fn scalar(&self, def: &SchemaAttribute, value: &Value) -> Value {
        match (self.dialect, def.kind, value) {
            (Dialect::EntraLegacy, AttributeType::Boolean, Value::Bool(b)) => {
                Value::String(if *b { "True" } else { "False" }.to_owned())
            }
            _ => value.clone(),
        }
    }

    fn attribute(
        &mut self,
        ext: Option<&Schema>,
        def: &SchemaAttribute,
        from: Option<&Value>,
        to: Option<&Value>,
    ) {
        if def.mutability == Mutability::ReadOnly {
            return;
        }
        let same = match (from, to) {
            (None, None) => true,
            (Some(a), Some(b)) => json::equal_ci(a, b),
            _ => false,
        };
        if same {
            return;
        }
        let path = match ext {
            Some(s) => format!("{}:{}", s.id, def.name),
            None => def.name.clone(),
        };
        let Some(to) = to else {
            self.push(PatchOpKind::Remove, &path, None);
            return;
        };
        if def.multi_valued {
            self.multi(&path, def, from, to);
        } else if def.kind == AttributeType::Complex {
            self.complex(&path, def, from, to);
        } else {
            self.set(path, from.is_some(), def, to);
        }
    }

    /// A single-valued complex attribute: `name`, `manager`.
    fn complex(&mut self, path: &str, def: &SchemaAttribute, from: Option<&Value>, to: &Value) {
        let empty = Map::new();
        let f = from.and_then(Value::as_object).unwrap_or(&empty);
        let Some(t) = to.as_object() else {
            self.replace_whole(path, from.is_some(), to);
            return;
        };
        // Entra links a manager with its bare id (docs/entra.md#manager).
        if self.dialect != Dialect::Rfc
            && def.sub_attribute("value").is_some()
            && t.len() == 1
            && f.keys().all(|k| k.eq_ignore_ascii_case("value"))
            && let Some(Value::String(id)) = json::get(t, "value")
        {
            let id = Value::String(id.clone());
            self.set(path.to_owned(), from.is_some(), def_value_string(), &id);
            return;
        }
        let mut changed = Map::new();
        for sub in &def.sub_attributes {
            if sub.mutability == Mutability::ReadOnly {
                continue;
            }
            let fv = present(json::get(f, &sub.name));
            let tv = present(json::get(t, &sub.name));
            let sub_path = format!("{path}.{}", sub.name);
            match (fv, tv) {
                (Some(a), Some(b)) if json::equal_ci(a, b) => {}
                (None, None) => {}
                (Some(_), None) => self.push(PatchOpKind::Remove, &sub_path, None),
                (existed, Some(b)) => match self.dialect {
                    Dialect::Rfc => {
                        changed.insert(sub.name.clone(), b.clone());
                    }
                    _ => self.set(sub_path, existed.is_some(), sub, b),
                },
            }
        }
        if !changed.is_empty() {
            // RFC 7644 §3.5.2.3: a replace on a complex attribute sets the given
            // sub-attributes and leaves the others.
            let kind = if from.is_some() {
                PatchOpKind::Replace
            } else {
                PatchOpKind::Add
            };
            self.push(kind, path, Some(Value::Object(changed)));
        }
    }

    fn replace_whole(&mut self, path: &str, existed: bool, to: &Value) {
        match self.dialect {
            Dialect::EntraFlagged => {
                self.pathless.insert(path.to_owned(), to.clone());
            }
            _ => {
                let kind = if existed {
                    PatchOpKind::Replace
                } else {
                    PatchOpKind::Add
                };
                self.push(kind, path, Some(to.clone()));
            }
        }
    }

    /// A multi-valued attribute.
    fn multi(&mut self, path: &str, def: &SchemaAttribute, from: Option<&Value>, to: &Value) {
        let empty = Vec::new();
        let f = from.and_then(Value::as_array).unwrap_or(&empty);
        let Some(t) = to.as_array() else {
            self.replace_whole(path, from.is_some(), to);
            return;
        };
        let complex = def.kind == AttributeType::Complex;
        if complex && def.sub_attribute("$ref").is_some() && self.members(path, def, f, t) {
            return;
        }
        if complex
            && self.dialect != Dialect::Rfc
            && def.sub_attribute("type").is_some()
            && self.typed(path, def, f, t)
        {
            return;
        }
        // RFC 7644 §3.5.2.3: "the attribute and all values are replaced" (add when absent).
        self.replace_whole(path, from.is_some(), to);
    }

    /// Group members (values with `$ref`): added by value, removed by value
    /// (docs/entra.md#group-members-add, #group-members-remove). Returns false when the change is not an addition/removal of
    /// whole members at the end of the list.
    fn members(&mut self, path: &str, def: &SchemaAttribute, f: &[Value], t: &[Value]) -> bool {
        let (Some(fk), Some(tk)) = (keys(f, "value", def), keys(t, "value", def)) else {
            return false;
        };
        if !appended_in_order(&fk, &tk) {
            return false;
        }
        // Kept members must be unchanged.
        for (i, k) in tk.iter().enumerate() {
            if let Some(j) = fk.iter().position(|x| x == k)
                && !json::equal_ci(&f[j], &t[i])
            {
                return false;
            }
        }
        let removed: Vec<&Value> = f
            .iter()
            .zip(&fk)
            .filter(|(_, k)| !tk.contains(k))
            .map(|(v, _)| v)
            .collect();
        let added: Vec<Value> = t
            .iter()
            .zip(&tk)
            .filter(|(_, k)| !fk.contains(k))
            .map(|(v, _)| v.clone())
            .collect();
        if !removed.is_empty() {
            let ids: Vec<&Value> = removed
                .iter()
                .filter_map(|m| m.as_object().and_then(|o| json::get(o, "value")))
                .collect();
            match self.dialect {
                Dialect::EntraLegacy => {
                    let value = ids
                        .iter()
                        .map(|id| serde_json::json!({ "value": id }))
                        .collect();
                    self.push(PatchOpKind::Remove, path, Some(Value::Array(value)));
                }
                Dialect::EntraFlagged | Dialect::Rfc => {
                    for id in ids {
                        let Value::String(id) = id else { continue };
                        let p = PatchPath::value_path(
                            &def.name,
                            Filter::eq("value", id.as_str()),
                            None,
                        );
                        let text = match path.rsplit_once(':') {
                            Some((uri, _)) => format!("{uri}:{p}"),
                            None => p.to_string(),
                        };
                        self.push(PatchOpKind::Remove, &text, None);
                    }
                }
            }
        }
        if !added.is_empty() {
            self.push(PatchOpKind::Add, path, Some(Value::Array(added)));
        }
        true
    }

    /// Typed values (`emails`, `phoneNumbers`, `addresses`, …) addressed one sub-attribute at
    /// a time with `attr[type eq "…"].sub`, as Entra's mappings do (docs/entra.md#patch-value-paths). Returns
    /// false when the values are not uniquely typed or their order would not be kept.
    fn typed(&mut self, path: &str, def: &SchemaAttribute, f: &[Value], t: &[Value]) -> bool {
        let (Some(fk), Some(tk)) = (keys(f, "type", def), keys(t, "type", def)) else {
            return false;
        };
        if !appended_in_order(&fk, &tk) {
            return false;
        }
        // A new value must have something besides its type to set.
        let new_is_settable = t
            .iter()
            .zip(&tk)
            .filter(|(_, k)| !fk.contains(k))
            .all(|(v, _)| {
                v.as_object().is_some_and(|o| {
                    o.iter()
                        .any(|(k, v)| !k.eq_ignore_ascii_case("type") && present(Some(v)).is_some())
                })
            });
        if !new_is_settable {
            return false;
        }
        // The type itself is never patched: a kept value must keep its exact spelling.
        let respelled = t.iter().zip(&tk).any(|(tv, k)| {
            fk.iter()
                .position(|x| x == k)
                .is_some_and(|j| type_of(&f[j]) != type_of(tv))
        });
        if respelled {
            return false;
        }
        let prefix = path.rsplit_once(':').map(|(uri, _)| uri);
        let filter_path = |type_value: &Value, sub: Option<&str>| {
            let Value::String(tv) = type_value else {
                return String::new();
            };
            let p = PatchPath::value_path(&def.name, Filter::eq("type", tv.as_str()), sub);
            match prefix {
                Some(uri) => format!("{uri}:{p}"),
                None => p.to_string(),
            }
        };
        for (fv, k) in f.iter().zip(&fk) {
            if !tk.contains(k) {
                let tv = type_of(fv).unwrap_or(&Value::Null);
                self.push(PatchOpKind::Remove, &filter_path(tv, None), None);
            }
        }
        let empty = Map::new();
        for (tv_elem, k) in t.iter().zip(&tk) {
            let old = fk
                .iter()
                .position(|x| x == k)
                .and_then(|j| f[j].as_object());
            let new = tv_elem.as_object().unwrap_or(&empty);
            // Address the value with the type spelling the receiver holds.
            let type_value = old
                .map_or_else(|| type_of(tv_elem), |o| json::get(o, "type"))
                .unwrap_or(&Value::Null);
            for sub in &def.sub_attributes {
                if sub.name.eq_ignore_ascii_case("type") || sub.mutability == Mutability::ReadOnly {
                    continue;
                }
                let a = old.and_then(|o| present(json::get(o, &sub.name)));
                let b = present(json::get(new, &sub.name));
                let p = filter_path(type_value, Some(&sub.name));
                match (a, b) {
                    (Some(a), Some(b)) if json::equal_ci(a, b) => {}
                    (None, None) => {}
                    (Some(_), None) => self.push(PatchOpKind::Remove, &p, None),
                    (a, Some(b)) => {
                        let value = self.scalar(sub, b);
                        let kind = if a.is_some() {
                            PatchOpKind::Replace
                        } else {
                            PatchOpKind::Add
                        };
                        // Value-path operations stay separate in both Entra dialects.
                        self.push(kind, &p, Some(value));
                    }
                }
            }
        }
        true
    }
}

/// The definition used to write a bare manager id (a string).
fn def_value_string() -> &'static SchemaAttribute {
    static DEF: std::sync::OnceLock<SchemaAttribute> = std::sync::OnceLock::new();
    DEF.get_or_init(|| SchemaAttribute::new("value", AttributeType::String))
}

fn type_of(v: &Value) -> Option<&Value> {
    v.as_object().and_then(|o| json::get(o, "type"))
}

/// The identifying sub-attribute (`value` of members, `type` of typed values) of every
/// element, folded per its caseExact; `None` when one is missing, not a string, or repeated.
fn keys(list: &[Value], sub: &str, def: &SchemaAttribute) -> Option<Vec<String>> {
    let case_exact = def.sub_attribute(sub).is_some_and(|s| s.case_exact);
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for e in list {
        let Value::String(s) = e.as_object().and_then(|o| json::get(o, sub))? else {
            return None;
        };
        let k = if case_exact {
            s.clone()
        } else {
            s.to_lowercase()
        };
        if !seen.insert(k.clone()) {
            return None;
        }
        out.push(k);
    }
    Some(out)
}

/// Whether applying removals and then appending the new keys gives `to`'s order: the kept keys
/// are in the same relative order, and every new key comes after every kept one.
fn appended_in_order(from: &[String], to: &[String]) -> bool {
    let kept_from: Vec<&String> = from.iter().filter(|k| to.contains(k)).collect();
    let kept_to: Vec<&String> = to.iter().filter(|k| from.contains(k)).collect();
    if kept_from != kept_to {
        return false;
    }
    let first_new = to
        .iter()
        .position(|k| !from.contains(k))
        .unwrap_or(to.len());
    to[first_new..].iter().all(|k| !from.contains(k))
}

//! [`Policy::undeclared_attributes`](crate::policy::Policy::undeclared_attributes): the
//! attributes a PATCH request names that the schemas do not declare (an attribute of an
//! extension schema the endpoint does not know, or an unknown sub-attribute of a complex
//! attribute), declared for the one request as simple attributes typed after the value given,
//! so that PATCH stores them where a tolerant POST or PUT stores them.

use scim2_types::PatchOperation;
use scim2_types::schema::{AttributeType, ResourceSchemas, Schema, SchemaAttribute};
use scim2_types::urn;
use serde_json::Value;

use crate::ast::{AttrPath, PatchPath};

/// An attribute definition typed after `value` (a string for `null`; a multi-valued attribute
/// typed after its first element; a complex one with its members as sub-attributes).
fn typed_after(name: &str, value: Option<&Value>, depth: usize) -> SchemaAttribute {
    let (kind, multi, first) = match value {
        Some(Value::Array(a)) => {
            let first = a.first();
            let kind = typed_after(name, first, depth).kind;
            (kind, true, first)
        }
        Some(Value::Bool(_)) => (AttributeType::Boolean, false, value),
        Some(Value::Number(n)) if n.is_f64() => (AttributeType::Decimal, false, value),
        Some(Value::Number(_)) => (AttributeType::Integer, false, value),
        Some(Value::Object(_)) if depth == 0 => (AttributeType::Complex, false, value),
        _ => (AttributeType::String, false, value),
    };
    let mut a = SchemaAttribute::new(name, kind);
    a.multi_valued = multi;
    if kind == AttributeType::Complex
        && let Some(Value::Object(m)) = first
    {
        a.sub_attributes = m
            .iter()
            .map(|(k, v)| typed_after(k, Some(v), depth + 1))
            .collect();
    }
    a
}

/// Declares `name` (with `sub`, when given) in `schema` unless it is there.
fn declare(schema: &mut Schema, name: &str, sub: Option<&str>, value: Option<&Value>) {
    match schema
        .attributes
        .iter_mut()
        .find(|a| a.name.eq_ignore_ascii_case(name))
    {
        None => {
            let def = match sub {
                None => typed_after(name, value, 0),
                Some(s) => {
                    let mut c = SchemaAttribute::new(name, AttributeType::Complex);
                    c.sub_attributes.push(typed_after(s, value, 1));
                    c
                }
            };
            schema.attributes.push(def);
        }
        Some(def) => declare_sub(def, sub, value),
    }
}

/// Declares the sub-attribute `sub` of a complex `def` unless it is there.
fn declare_sub(def: &mut SchemaAttribute, sub: Option<&str>, value: Option<&Value>) {
    if let Some(s) = sub
        && def.kind == AttributeType::Complex
        && def.sub_attribute(s).is_none()
    {
        def.sub_attributes.push(typed_after(s, value, 1));
    }
}

/// The schema `id` in `schemas`, added (empty) when it is not there.
fn schema_mut<'a>(schemas: &'a mut ResourceSchemas, id: &str) -> &'a mut Schema {
    if urn::eq(&schemas.core.id, id) {
        return &mut schemas.core;
    }
    let at = match schemas.extensions.iter().position(|s| urn::eq(&s.id, id)) {
        Some(i) => i,
        None => {
            schemas.extensions.push(Schema {
                id: id.to_owned(),
                name: None,
                description: None,
                attributes: Vec::new(),
                other: serde_json::Map::new(),
            });
            schemas.extensions.len() - 1
        }
    };
    &mut schemas.extensions[at]
}

/// `urn:…:Name:2.0:User:attr[.sub]` split at its last `:` into the schema URN and the
/// attribute (with its sub-attribute), for a URN none of `schemas` declares.
fn split_unknown_urn<'k>(key: &'k str, schemas: &ResourceSchemas) -> Option<(&'k str, &'k str)> {
    if !key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
        return None;
    }
    if schemas.schema(key).is_some() {
        return None;
    }
    let (id, attr) = key.rsplit_once(':')?;
    (!attr.is_empty() && id.matches(':').count() >= 2).then_some((id, attr))
}

/// Declares an attribute path written with `value`: an unknown extension attribute, or an
/// unknown sub-attribute of a known complex attribute. Unqualified unknown top-level
/// attributes are left undeclared (they stay `invalidPath`: most often a typo).
fn declare_path(schemas: &mut ResourceSchemas, path: &AttrPath, value: Option<&Value>) {
    let sub = path.sub_attr.as_deref();
    match &path.uri {
        Some(uri) if !urn::eq(uri, &schemas.core.id) => {
            declare(schema_mut(schemas, uri), &path.name, sub, value);
        }
        _ => {
            let core = &mut schemas.core;
            if let Some(def) = core
                .attributes
                .iter_mut()
                .find(|a| a.name.eq_ignore_ascii_case(&path.name))
            {
                declare_sub(def, sub, value);
            }
        }
    }
}

/// Whether `path` names a core (or unqualified) attribute that [`declare_path`] leaves as it
/// is: a declared attribute without a sub-attribute, a declared sub-attribute, a sub-attribute
/// of an attribute that is not complex, or an unknown top-level name (left undeclared).
fn core_path_declared(schemas: &ResourceSchemas, path: &AttrPath) -> bool {
    if path
        .uri
        .as_deref()
        .is_some_and(|uri| !urn::eq(uri, &schemas.core.id))
    {
        return false;
    }
    let Some(sub) = path.sub_attr.as_deref() else {
        return true;
    };
    schemas
        .core
        .attributes
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(&path.name))
        .is_none_or(|def| def.kind != AttributeType::Complex || def.sub_attribute(sub).is_some())
}

/// Whether `op` surely declares nothing (the common case: a path to a declared core
/// attribute), decided without copying the schemas; `false` when in doubt.
fn declares_nothing(schemas: &ResourceSchemas, op: &PatchOperation) -> bool {
    match (&op.path, &op.value) {
        (Some(text), _) => match PatchPath::parse(text) {
            Err(_) => true,
            Ok(PatchPath::Attr(a)) => !is_extension_urn(text) && core_path_declared(schemas, &a),
            Ok(PatchPath::Value {
                value_path,
                sub_attr,
            }) => {
                let mut a = value_path.attr;
                if a.sub_attr.is_none() {
                    a.sub_attr = sub_attr;
                }
                core_path_declared(schemas, &a)
            }
        },
        (None, Some(Value::Object(_))) => false,
        (None, _) => true,
    }
}

/// `schemas` plus every attribute `ops` names that they do not declare; `None` when `ops` name
/// only declared attributes.
pub(crate) fn declared_for(
    schemas: &ResourceSchemas,
    ops: &[PatchOperation],
) -> Option<ResourceSchemas> {
    if ops.iter().all(|op| declares_nothing(schemas, op)) {
        return None;
    }
    declare_all(schemas, ops)
}

/// [`declared_for`] without the shortcut of [`declares_nothing`].
fn declare_all(schemas: &ResourceSchemas, ops: &[PatchOperation]) -> Option<ResourceSchemas> {
    let mut out = schemas.clone();
    for op in ops {
        match (&op.path, &op.value) {
            (Some(text), value) => {
                let Ok(parsed) = PatchPath::parse(text) else {
                    continue;
                };
                match &parsed {
                    PatchPath::Attr(a) => {
                        // A path that is a bare extension URN names the whole extension object.
                        if is_extension_urn(text) && out.schema(text).is_none() {
                            declare_object(&mut out, text, value.as_ref());
                        } else {
                            declare_path(&mut out, a, value.as_ref());
                        }
                    }
                    PatchPath::Value {
                        value_path,
                        sub_attr,
                    } => {
                        let mut a = value_path.attr.clone();
                        if a.sub_attr.is_none() {
                            a.sub_attr.clone_from(sub_attr);
                        }
                        declare_path(&mut out, &a, value.as_ref());
                    }
                }
            }
            (None, Some(Value::Object(map))) => {
                for (key, v) in map {
                    if out.schema(key).is_none() && is_extension_urn(key) {
                        declare_object(&mut out, key, Some(v));
                    } else if let Some((id, attr)) = split_unknown_urn(key, &out) {
                        let (name, sub) = attr
                            .split_once('.')
                            .map_or((attr, None), |(n, s)| (n, Some(s)));
                        declare(schema_mut(&mut out, id), name, sub, Some(v));
                    } else if let Some(ext) = out
                        .schema(key)
                        .filter(|s| !urn::eq(&s.id, &schemas.core.id))
                    {
                        let id = ext.id.clone();
                        declare_object(&mut out, &id, Some(v));
                    } else {
                        let (name, sub) = key
                            .split_once('.')
                            .map_or((key.as_str(), None), |(n, s)| (n, Some(s)));
                        declare_path(&mut out, &AttrPath::new(name, sub), Some(v));
                        if let (Value::Object(inner), None) = (v, sub) {
                            for (ik, iv) in inner {
                                declare_path(&mut out, &AttrPath::new(name, Some(ik)), Some(iv));
                            }
                        }
                    }
                }
            }
            (None, _) => {}
        }
    }
    (&out != schemas).then_some(out)
}

/// Whether `key` looks like an extension schema URN (`urn:…:2.0:User`), not a qualified
/// attribute.
fn is_extension_urn(key: &str) -> bool {
    key.len() > 4
        && key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
        && key
            .rsplit(':')
            .nth(1)
            .is_some_and(|v| v.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// Declares every member of an extension object `{"urn:…": {"attr": v}}`.
fn declare_object(schemas: &mut ResourceSchemas, id: &str, value: Option<&Value>) {
    if let Some(Value::Object(inner)) = value {
        let schema = schema_mut(schemas, id);
        for (k, v) in inner {
            declare(schema, k, None, Some(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{declare_all, declares_nothing};
    use scim2_types::schema::ResourceSchemas;
    use scim2_types::{PatchOp, ScimType};
    use serde_json::{Value, json};

    use crate::patch::apply;
    use crate::policy::Policy;

    const EXT: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";

    #[allow(clippy::needless_pass_by_value)] // json! literals read best inline
    fn patch(user: &mut Value, ops: Value, policy: &Policy) -> Result<(), ScimType> {
        let op: PatchOp = serde_json::from_value(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": ops,
        }))
        .unwrap();
        apply(user, &op, &ResourceSchemas::user(), policy)
            .map(|_| ())
            .map_err(|e| e.scim_type)
    }

    #[test]
    fn a_key_with_a_multi_byte_character_near_its_start_is_an_answer_not_a_panic() {
        let e = Policy::entra_compatible();
        for key in ["abcé", "éabc", "urné:x", "ur\u{1F600}n:x:y"] {
            let mut u = json!({"schemas": [scim2_types::urn::USER], "userName": "a@x.org"});
            let ops = json!([{"op": "replace", "value": {key: 1}}]);
            // Refused as an unknown attribute or stored as an undeclared one; either way the
            // request gets an answer.
            let _answer = patch(&mut u, ops.clone(), &e);
            let qualified = format!("{key}:sub");
            let mut u = json!({"schemas": [scim2_types::urn::USER], "userName": "a@x.org"});
            let _answer = patch(
                &mut u,
                json!([{"op": "add", "path": qualified, "value": 1}]),
                &e,
            );
        }
    }

    #[test]
    fn undeclared_extension_attributes_are_patched_where_post_stores_them() {
        let e = Policy::entra_compatible();
        // As a tolerant POST stored it (Entra leaves the custom URN out of `schemas`).
        let mut u = json!({"schemas": [scim2_types::urn::USER], "userName": "a@x.org",
            EXT: {"CustomAttribute": "one"}});
        let path = format!("{EXT}:CustomAttribute");
        patch(
            &mut u,
            json!([{"op": "Replace", "path": path, "value": "two"}]),
            &e,
        )
        .unwrap();
        assert_eq!(u[EXT]["CustomAttribute"], "two");
        patch(
            &mut u,
            json!([{"op": "replace", "value": {path.clone(): "three"}}]),
            &e,
        )
        .unwrap();
        assert_eq!(u[EXT]["CustomAttribute"], "three");
        patch(
            &mut u,
            json!([{"op": "replace", "value": {EXT: {"CustomAttribute": "four", "Other": true}}}]),
            &e,
        )
        .unwrap();
        assert_eq!(u[EXT]["CustomAttribute"], "four");
        assert_eq!(u[EXT]["Other"], true);
        // On a user without the extension, an add creates its object.
        let mut v = json!({"schemas": [scim2_types::urn::USER], "userName": "b@x.org"});
        patch(
            &mut v,
            json!([{"op": "Add", "path": path, "value": "new"}]),
            &e,
        )
        .unwrap();
        assert_eq!(v[EXT]["CustomAttribute"], "new");
        patch(&mut v, json!([{"op": "Remove", "path": path}]), &e).unwrap();
        assert!(
            v.get(EXT)
                .is_none_or(|x| x.get("CustomAttribute").is_none()),
            "{v}"
        );
        // Unknown sub-attributes of declared complex attributes, path and path-less.
        patch(
            &mut v,
            json!([{"op": "add", "path": "name.pronunciation", "value": "bee"}]),
            &e,
        )
        .unwrap();
        assert_eq!(v["name"]["pronunciation"], "bee");
        patch(
            &mut v,
            json!([{"op": "replace", "value": {"name.pronunciation": "b"}}]),
            &e,
        )
        .unwrap();
        assert_eq!(v["name"]["pronunciation"], "b");
        // An unqualified unknown attribute is still refused.
        assert_eq!(
            patch(
                &mut v,
                json!([{"op": "add", "path": "badgeNumber", "value": "7"}]),
                &e
            ),
            Err(ScimType::InvalidPath)
        );
    }

    #[test]
    fn strict_policy_refuses_undeclared_attributes() {
        let s = Policy::strict();
        let mut u = json!({"schemas": [scim2_types::urn::USER], "userName": "a@x.org",
            EXT: {"CustomAttribute": "one"}});
        let before = u.clone();
        let path = format!("{EXT}:CustomAttribute");
        assert_eq!(
            patch(
                &mut u,
                json!([{"op": "replace", "path": path, "value": "two"}]),
                &s
            ),
            Err(ScimType::InvalidPath)
        );
        assert_eq!(
            patch(
                &mut u,
                json!([{"op": "add", "path": "name.pronunciation", "value": "b"}]),
                &s
            ),
            Err(ScimType::InvalidPath)
        );
        assert_eq!(u, before);
        let mut without = Policy::entra_compatible();
        without.undeclared_attributes = false;
        assert!(
            patch(
                &mut u,
                json!([{"op": "Replace", "path": path, "value": "x"}]),
                &without
            )
            .is_err()
        );
    }

    /// The shortcut only skips operations that declare nothing.
    #[test]
    fn the_shortcut_skips_only_operations_that_declare_nothing() {
        let schemas = ResourceSchemas::user();
        let ops = json!([
            {"op": "replace", "path": "displayName", "value": "x"},
            {"op": "add", "path": "members", "value": [{"value": "1"}]},
            {"op": "replace", "path": "name.givenName", "value": "x"},
            {"op": "replace", "path": "name.pronunciation", "value": "x"},
            {"op": "replace", "path": "userName.sub", "value": "x"},
            {"op": "replace", "path": "nickname2", "value": "x"},
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "x"},
            {"op": "replace", "path": "emails[type eq \"work\"].label", "value": "x"},
            {"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:name.label", "value": "x"},
            {"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:title", "value": "x"},
            {"op": "replace", "path": format!("{EXT}:CustomAttribute"), "value": "x"},
            {"op": "replace", "path": EXT, "value": {"a": 1}},
            {"op": "replace", "value": {"displayName": "x"}},
            {"op": "remove", "path": "[bad"},
            {"op": "remove"}
        ]);
        let op: PatchOp = serde_json::from_value(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": ops,
        }))
        .unwrap();
        let mut skipped = 0;
        for operation in &op.operations {
            let one = std::slice::from_ref(operation);
            if declares_nothing(&schemas, operation) {
                skipped += 1;
                assert_eq!(declare_all(&schemas, one), None, "{operation:?}");
            }
        }
        assert_eq!(skipped, 9);
        assert!(declare_all(&schemas, &op.operations[3..4]).is_some());
    }
}

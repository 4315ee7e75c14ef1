//! `diff` round trip on the workspace's own Entra-shaped generators
//! (`scim2_types::arbitrary::{user, group}`), in every dialect: applying `diff(a, b)` to `a`
//! gives `b` up to RFC 7643 §2.5 unassigned values (null, `[]`, `{}`), with the readOnly
//! attributes and the non-extension `schemas` URNs of `a` (a PATCH cannot change those).

#![allow(clippy::unwrap_used)] // test helpers

use proptest::prelude::*;
use scim2_filter::diff::{self, Dialect};
use scim2_filter::patch;
use scim2_filter::policy::Policy;
use scim2_types::PatchOp;
use scim2_types::schema::ResourceSchemas;
use serde_json::Value;

/// Drops unassigned members (RFC 7643 §2.5: null and empty values are unassigned).
fn assigned(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), assigned(v)))
                .filter(|(_, v)| match v {
                    Value::Null => false,
                    Value::Array(a) => !a.is_empty(),
                    Value::Object(o) => !o.is_empty(),
                    _ => true,
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(assigned).collect()),
        other => other.clone(),
    }
}

/// What a PATCH never changes (readOnly: `id`, `meta`, `groups`, manager `displayName`) is
/// taken from `a`.
fn with_server_fields(a: &Value, mut b: Value) -> Value {
    for k in ["id", "meta", "groups"] {
        match a.get(k) {
            Some(v) => b[k] = v.clone(),
            None => {
                b.as_object_mut().unwrap().remove(k);
            }
        }
    }
    let ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    let a_name = a.pointer(&format!("/{ent}/manager/displayName")).cloned();
    if let Some(m) = b
        .pointer_mut(&format!("/{ent}/manager"))
        .and_then(Value::as_object_mut)
    {
        match a_name {
            Some(n) if a.pointer(&format!("/{ent}/manager")).is_some() => {
                m.insert("displayName".into(), n);
            }
            _ => {
                m.remove("displayName");
            }
        }
    }
    b
}

/// `schemas` as a PATCH maintains it (RFC 7643 §3): `base`'s URNs that are not extension
/// URNs (the core URN, Entra's legacy ADSCIM group URI), then the URN of each extension whose
/// object `content` has.
fn schemas_for(base: &Value, content: &Value, schemas: &ResourceSchemas) -> Value {
    let mut out: Vec<Value> = base["schemas"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|u| !u.as_str().is_some_and(|u| schemas.is_extension(u)))
        .cloned()
        .collect();
    for ext in &schemas.extensions {
        if content.get(&ext.id).is_some() {
            out.push(Value::String(ext.id.clone()));
        }
    }
    Value::Array(out)
}

fn round_trip(a: &Value, b: &Value, schemas: &ResourceSchemas) -> Result<(), TestCaseError> {
    let mut a = a.clone();
    a["schemas"] = schemas_for(&a, &a, schemas);
    let a = &a;
    let mut b = assigned(&with_server_fields(a, b.clone()));
    b["schemas"] = schemas_for(a, &b, schemas);
    for dialect in Dialect::ALL {
        let op = diff::diff(a, &b, schemas, dialect);
        let wire = serde_json::to_value(&op).unwrap();
        let op: PatchOp = serde_json::from_value(wire.clone()).unwrap();
        let mut r = a.clone();
        patch::apply(&mut r, &op, schemas, &Policy::entra_compatible())
            .map_err(|e| TestCaseError::fail(format!("{dialect:?}: {e}\n{wire:#}")))?;
        prop_assert_eq!(assigned(&r), b.clone(), "{:?} {:#}", dialect, wire);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_users(a in scim2_types::arbitrary::user(), b in scim2_types::arbitrary::user()) {
        let a = assigned(&serde_json::to_value(&a).unwrap());
        let b = serde_json::to_value(&b).unwrap();
        round_trip(&a, &b, &ResourceSchemas::user())?;
    }

    #[test]
    fn generated_groups(a in scim2_types::arbitrary::group(), b in scim2_types::arbitrary::group()) {
        let a = assigned(&serde_json::to_value(&a).unwrap());
        let b = serde_json::to_value(&b).unwrap();
        round_trip(&a, &b, &ResourceSchemas::group())?;
    }
}

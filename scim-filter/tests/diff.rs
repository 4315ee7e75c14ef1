//! `diff` (Entra's per-cycle PATCH, in three dialects): applying `diff(a, b)` to `a` gives `b`
//! for generated Entra-shaped users and groups, in every dialect, after a trip through the
//! wire form; plus the exact shapes each dialect writes.

#![allow(clippy::unwrap_used)] // test helpers and strategies

use proptest::prelude::*;
use proptest::sample::subsequence;
use scim2_filter::diff::{self, Dialect};
use scim2_filter::patch;
use scim2_filter::policy::Policy;
use scim2_types::PatchOp;
use scim2_types::schema::ResourceSchemas;
use serde_json::{Map, Value, json};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{1,8}",
        "[a-z \"\\\\é.@-]{1,8}",
        Just("Ärger \"quoted\"".to_owned()),
    ]
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Option<T>> {
    prop::option::weighted(0.6, s).boxed()
}

/// Typed multi-valued elements (`emails`, `phoneNumbers`, `addresses`): a subset of `types`
/// (kept in order, or reversed), each with some sub-attributes, at most one primary.
fn typed(
    types: &'static [&'static str],
    subs: &'static [&'static str],
) -> impl Strategy<Value = Option<Value>> {
    (
        subsequence(types, 0..=types.len()),
        any::<bool>(),
        prop::collection::vec(
            prop::collection::vec(prop::option::of(text()), subs.len()),
            types.len(),
        ),
        prop::option::of(0..types.len()),
        any::<bool>(),
    )
        .prop_map(
            move |(mut chosen, reverse, values, primary, explicit_false)| {
                if reverse {
                    chosen.reverse();
                }
                let mut out = Vec::new();
                for (i, t) in chosen.iter().enumerate() {
                    let mut e = Map::new();
                    e.insert("type".into(), json!(t));
                    for (s, v) in subs.iter().zip(&values[i]) {
                        if let Some(v) = v {
                            e.insert((*s).into(), json!(v));
                        }
                    }
                    if e.len() == 1 {
                        e.insert(subs[0].into(), json!("x"));
                    }
                    match primary {
                        Some(p) if p == i => {
                            e.insert("primary".into(), json!(true));
                        }
                        _ if explicit_false && i == 0 => {
                            e.insert("primary".into(), json!(false));
                        }
                        _ => {}
                    }
                    out.push(Value::Object(e));
                }
                (!out.is_empty()).then_some(Value::Array(out))
            },
        )
}

fn object(pairs: Vec<(&str, Option<Value>)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
        .collect()
}

/// An Entra-shaped user (docs/entra.md#user-create, #default-mapping).
fn user() -> impl Strategy<Value = Value> {
    let core = (
        "[a-z]{1,6}@example\\.com",
        opt(any::<bool>()),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(text()),
        (opt(text()), opt(text()), opt(text())),
    );
    let multi = (
        typed(&["work", "home", "other"], &["value", "display"]),
        typed(&["work", "mobile", "fax"], &["value"]),
        typed(
            &["work", "home"],
            &[
                "formatted",
                "streetAddress",
                "locality",
                "region",
                "postalCode",
                "country",
            ],
        ),
    );
    let ent = (
        opt(text()),
        opt(text()),
        opt(text()),
        opt(("[a-f0-9]{4}", any::<bool>())),
    );
    (core, multi, ent).prop_map(|(c, m, e)| {
        let (user_name, active, display, title, nick, lang, external, (given, family, formatted)) =
            c;
        let name = object(vec![
            ("givenName", given.map(Value::from)),
            ("familyName", family.map(Value::from)),
            ("formatted", formatted.map(Value::from)),
        ]);
        let mut u = object(vec![
            ("schemas", Some(json!([USER]))),
            ("userName", Some(json!(user_name))),
            ("active", active.map(Value::from)),
            ("displayName", display.map(Value::from)),
            ("title", title.map(Value::from)),
            ("nickName", nick.map(Value::from)),
            ("preferredLanguage", lang.map(Value::from)),
            ("externalId", external.map(Value::from)),
            ("name", (!name.is_empty()).then_some(Value::Object(name))),
            ("emails", m.0),
            ("phoneNumbers", m.1),
            ("addresses", m.2),
        ]);
        let manager = e.3.map(|(id, with_ref)| {
            let mut m = json!({"value": id});
            if with_ref {
                m["$ref"] = json!(format!("../Users/{id}"));
            }
            m
        });
        let ext = object(vec![
            ("employeeNumber", e.0.map(Value::from)),
            ("department", e.1.map(Value::from)),
            ("costCenter", e.2.map(Value::from)),
            ("manager", manager),
        ]);
        if !ext.is_empty() {
            u.insert(ENT.into(), Value::Object(ext));
            u.insert("schemas".into(), json!([USER, ENT]));
        }
        Value::Object(u)
    })
}

/// An Entra-shaped group (docs/entra.md#group-create): members are user ids from a small pool.
fn group() -> impl Strategy<Value = Value> {
    let pool: Vec<String> = (0..8).map(|i| format!("u{i}-7f4bc1a3")).collect();
    (
        text(),
        opt(text()),
        subsequence(pool, 0..=8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(display, external, mut members, shuffle, with_display)| {
            if shuffle {
                members.reverse();
            }
            let members: Vec<Value> = members
                .iter()
                .map(|m| {
                    if with_display {
                        json!({"value": m, "display": format!("User {m}")})
                    } else {
                        json!({"value": m})
                    }
                })
                .collect();
            Value::Object(object(vec![
                ("schemas", Some(json!([GROUP]))),
                ("displayName", Some(json!(display))),
                ("externalId", external.map(Value::from)),
                (
                    "members",
                    (!members.is_empty()).then_some(Value::Array(members)),
                ),
            ]))
        })
}

/// The fields a PATCH never changes are the same on both sides.
fn same_server_fields(a: &mut Value, b: &mut Value, resource_type: &str) {
    for r in [a, b] {
        r["id"] = json!("2819c223-7f76-453a-919d-413861904646");
        r["meta"] = json!({"resourceType": resource_type, "created": "2024-01-01T00:00:00Z"});
    }
}

/// Applies `diff(a, b)` in `dialect`, sent through its JSON wire form, under `policy`.
fn round_trip(
    a: &Value,
    b: &Value,
    schemas: &ResourceSchemas,
    dialect: Dialect,
    policy: &Policy,
) -> Result<(), TestCaseError> {
    let op = diff::diff(a, b, schemas, dialect);
    check_shape(&op, dialect)?;
    let wire = serde_json::to_value(&op).unwrap();
    let op: PatchOp = serde_json::from_value(wire.clone()).unwrap();
    let mut r = a.clone();
    patch::apply(&mut r, &op, schemas, policy)
        .map_err(|e| TestCaseError::fail(format!("{dialect:?}: {e}\nrequest {wire:#}")))?;
    prop_assert_eq!(&r, b, "{:?} request {:#}", dialect, wire);
    // Entra repeats a PATCH when it reads back something else (docs/entra.md#read-back): sending the
    // same request again changes nothing.
    let report = patch::apply(&mut r, &op, schemas, policy)
        .map_err(|e| TestCaseError::fail(format!("{dialect:?} again: {e}\nrequest {wire:#}")))?;
    prop_assert_eq!(&r, b, "{:?} applied twice {:#}", dialect, wire);
    prop_assert!(
        !report.is_changed(),
        "{:?} second application reported {:?}",
        dialect,
        report
    );
    Ok(())
}

/// The request has the shape the dialect promises (docs/entra.md#patch-dialects).
fn check_shape(op: &PatchOp, dialect: Dialect) -> Result<(), TestCaseError> {
    let pathless = op.operations.iter().filter(|o| o.path.is_none()).count();
    for o in &op.operations {
        let text = o.op_text();
        match dialect {
            Dialect::EntraLegacy => {
                prop_assert!(["Add", "Replace", "Remove"].contains(&text), "{}", text);
                prop_assert!(o.path.is_some());
                prop_assert!(
                    !o.value.as_ref().is_some_and(Value::is_boolean),
                    "boolean in legacy"
                );
            }
            Dialect::EntraFlagged => {
                prop_assert!(["add", "replace", "remove"].contains(&text), "{}", text);
                // Only value paths and member additions keep a path outside the one
                // path-less replace (removals always have one).
                if let Some(p) = &o.path {
                    prop_assert!(
                        text == "remove" || p.contains('[') || (text == "add" && p == "members"),
                        "flagged op with path {}",
                        p
                    );
                } else {
                    prop_assert_eq!(text, "replace");
                }
            }
            Dialect::Rfc => {
                prop_assert!(["add", "replace", "remove"].contains(&text), "{}", text);
                prop_assert!(o.path.is_some());
            }
        }
    }
    prop_assert!(pathless <= 1);
    Ok(())
}

fn check_pair(
    mut a: Value,
    mut b: Value,
    schemas: &ResourceSchemas,
    resource_type: &str,
) -> Result<(), TestCaseError> {
    same_server_fields(&mut a, &mut b, resource_type);
    for dialect in Dialect::ALL {
        round_trip(&a, &b, schemas, dialect, &Policy::entra_compatible())?;
        // Nothing to do between equal resources.
        prop_assert!(diff::diff(&b, &b, schemas, dialect).operations.is_empty());
    }
    // The RFC dialect needs no tolerance at all.
    round_trip(&a, &b, schemas, Dialect::Rfc, &Policy::strict())?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn applying_the_diff_of_two_users_gives_the_second(a in user(), b in user()) {
        check_pair(a, b, &ResourceSchemas::user(), "User")?;
    }

    #[test]
    fn applying_the_diff_of_two_groups_gives_the_second(a in group(), b in group()) {
        check_pair(a, b, &ResourceSchemas::group(), "Group")?;
    }

    #[test]
    fn applying_the_diff_of_a_user_and_its_small_change_gives_it(a in user(), b in user(), mask in any::<u16>()) {
        // Take some top-level members from b and keep the rest of a: small, typical diffs.
        let mut c = a.clone();
        for (i, (k, v)) in b.as_object().unwrap().iter().enumerate() {
            if k != "schemas" && mask & (1 << (i % 16)) != 0 {
                c[k.as_str()] = v.clone();
            }
        }
        let has_ext = c.get(ENT).is_some();
        c["schemas"] = if has_ext { json!([USER, ENT]) } else { json!([USER]) };
        check_pair(a, c, &ResourceSchemas::user(), "User")?;
    }
}

fn ops_of(a: &Value, b: &Value, schemas: &ResourceSchemas, dialect: Dialect) -> Value {
    serde_json::to_value(diff::diff(a, b, schemas, dialect)).unwrap()["Operations"].clone()
}

#[test]
fn legacy_dialect_writes_entras_default_shapes() {
    let a = json!({"schemas": [USER], "userName": "ann", "active": true,
                   "name": {"givenName": "Ann"},
                   "emails": [{"type": "work", "value": "a@x"}]});
    let b = json!({"schemas": [USER, ENT], "userName": "ann", "active": false, "nickName": "Babs",
                   "name": {"givenName": "Anne"},
                   "emails": [{"type": "work", "value": "b@x"}],
                   ENT: {"employeeNumber": "7", "manager": {"value": "m1"}}});
    assert_eq!(
        ops_of(&a, &b, &ResourceSchemas::user(), Dialect::EntraLegacy),
        json!([
            {"op": "Replace", "path": "name.givenName", "value": "Anne"},
            {"op": "Add", "path": "nickName", "value": "Babs"},
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "b@x"},
            {"op": "Add", "path": format!("{ENT}:employeeNumber"), "value": "7"},
            {"op": "Add", "path": format!("{ENT}:manager"), "value": "m1"}
        ])
    );
}

#[test]
fn flagged_dialect_folds_everything_but_value_paths_into_one_pathless_replace() {
    let a = json!({"schemas": [USER], "userName": "ann", "active": true, "displayName": "A",
                   "name": {"givenName": "Ann", "familyName": "Lee"},
                   "emails": [{"type": "work", "value": "a@x"}]});
    let b = json!({"schemas": [USER, ENT], "userName": "ann", "active": false, "displayName": "Bjfe",
                   "name": {"givenName": "Kkom"},
                   "emails": [{"type": "work", "value": "b@x"}],
                   ENT: {"employeeNumber": "Aklq"}});
    assert_eq!(
        ops_of(&a, &b, &ResourceSchemas::user(), Dialect::EntraFlagged),
        json!([
            {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "b@x"},
            {"op": "replace", "value": {
                "displayName": "Bjfe", "active": false, "name.givenName": "Kkom",
                format!("{ENT}:employeeNumber"): "Aklq"}},
            {"op": "remove", "path": "name.familyName"}
        ])
    );
}

#[test]
fn member_changes_are_adds_and_removes_by_value_in_each_dialect() {
    let a = json!({"schemas": [GROUP], "displayName": "G", "members": [{"value": "a"}, {"value": "b"}]});
    let b = json!({"schemas": [GROUP], "displayName": "G", "members": [{"value": "a"}, {"value": "c"}]});
    let g = ResourceSchemas::group();
    assert_eq!(
        ops_of(&a, &b, &g, Dialect::EntraLegacy),
        json!([
            {"op": "Add", "path": "members", "value": [{"value": "c"}]},
            {"op": "Remove", "path": "members", "value": [{"value": "b"}]}
        ])
    );
    let filtered = json!([
        {"op": "add", "path": "members", "value": [{"value": "c"}]},
        {"op": "remove", "path": "members[value eq \"b\"]"}
    ]);
    assert_eq!(ops_of(&a, &b, &g, Dialect::EntraFlagged), filtered);
    assert_eq!(ops_of(&a, &b, &g, Dialect::Rfc), filtered);
}

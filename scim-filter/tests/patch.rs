//! PATCH application (RFC 7644 §3.5.2): errors with their scimType and index, all-or-nothing,
//! mutability, key spelling, primary, duplicates, and each policy field switched on its own.

#![allow(clippy::unwrap_used, clippy::needless_pass_by_value)] // test helpers

use scim2_filter::patch::{self, MAX_OPERATIONS, PatchError};
use scim2_filter::policy::Policy;
use scim2_types::schema::ResourceSchemas;
use scim2_types::{PatchOp, PatchOperation, ScimType};
use serde_json::{Value, json};

const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

fn user() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u1",
        "userName": "ann@example.com",
        "name": {"givenName": "Ann", "familyName": "Lee"},
        "active": true,
        "emails": [
            {"type": "work", "value": "ann@example.com", "primary": true},
            {"type": "home", "value": "ann@home.example"}
        ],
        "groups": [{"value": "g1", "display": "Staff"}],
        "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z"}
    })
}

fn group() -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "g1",
        "displayName": "Staff",
        "members": [{"value": "a"}, {"value": "b"}, {"value": "c"}]
    })
}

fn body(ops: Value) -> PatchOp {
    serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": ops
    }))
    .unwrap()
}

fn run(
    resource: &mut Value,
    ops: Value,
    policy: &Policy,
) -> Result<patch::ChangeReport, PatchError> {
    let schemas = if resource["schemas"][0]
        .as_str()
        .is_some_and(|s| s.ends_with("Group"))
    {
        ResourceSchemas::group()
    } else {
        ResourceSchemas::user()
    };
    patch::apply(resource, &body(ops), &schemas, policy)
}

/// Applies and expects an error; checks the resource is unchanged.
fn fails(resource: Value, ops: Value, policy: &Policy) -> (usize, ScimType) {
    let mut r = resource.clone();
    let e = run(&mut r, ops, policy).expect_err("should fail");
    assert_eq!(r, resource, "resource changed on error {e}");
    assert!(!e.detail.is_empty());
    (e.index, e.scim_type)
}

fn ok(mut resource: Value, ops: Value, policy: &Policy) -> Value {
    run(&mut resource, ops, policy).unwrap_or_else(|e| panic!("{e}"));
    resource
}

fn entra() -> Policy {
    Policy::entra_compatible()
}

#[test]
fn errors_carry_scim_type_and_failing_index_and_change_nothing() {
    let cases: Vec<(Value, usize, ScimType)> = vec![
        // Earlier successful operations are undone too.
        (
            json!([{"op": "replace", "path": "userName", "value": "x"},
                   {"op": "remove"}]),
            1,
            ScimType::NoTarget,
        ),
        (
            json!([{"op": "add", "path": "nickName", "value": "n"},
                   {"op": "add", "path": "emails[type eq", "value": "x"}]),
            1,
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "replace", "path": "noSuchAttribute", "value": "x"}]),
            0,
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "replace", "path": "name.noSuchPart", "value": "x"}]),
            0,
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "replace", "path": "urn:example:unknown:User:x", "value": "x"}]),
            0,
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "replace", "path": "active", "value": 3}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "replace", "path": "userName", "value": ["a", "b"]}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "path": "nickName"}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "path": "nickName", "value": null}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "path": "emails", "value": {"value": "x"}}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "path": "emails", "value": [{"value": "x", "bogus": 1}]}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "value": "not an object"}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "value": {"noSuchAttribute": 1}}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "replace", "path": "emails.value", "value": "x"}]),
            0,
            ScimType::InvalidPath,
        ),
        (
            json!([{"op": "replace", "path": "emails[type eq \"work\" or type eq \"x\"].display",
                    "value": "x"},
                   {"op": "replace", "path": "emails[type eq \"x\" or type eq \"y\"].display",
                    "value": "x"}]),
            1,
            ScimType::NoTarget,
        ),
        (
            json!([{"op": "replace", "path": "id", "value": "other"}]),
            0,
            ScimType::Mutability,
        ),
        (
            json!([{"op": "remove", "path": "meta"}]),
            0,
            ScimType::Mutability,
        ),
        (
            json!([{"op": "replace", "path": "meta.created", "value": "2030-01-01T00:00:00Z"}]),
            0,
            ScimType::Mutability,
        ),
        (
            json!([{"op": "add", "path": "groups", "value": [{"value": "g2"}]}]),
            0,
            ScimType::Mutability,
        ),
        (
            json!([{"op": "replace", "value": {"id": "other"}}]),
            0,
            ScimType::Mutability,
        ),
        (
            json!([{"op": "add", "path": format!("{ENT}:manager"),
                    "value": {"value": "m", "displayName": "Boss"}}]),
            0,
            ScimType::Mutability,
        ),
        (
            json!([{"op": "remove", "path": "userName"}]),
            0,
            ScimType::InvalidValue,
        ),
        (
            json!([{"op": "add", "path": "emails[type eq \"home\"].primary", "value": true},
                   {"op": "replace", "path": "emails", "value": [
                       {"value": "a", "primary": true}, {"value": "b", "primary": true}]}]),
            1,
            ScimType::InvalidValue,
        ),
    ];
    // Undeclared attributes are errors unless `undeclared_attributes` declares them (tested
    // with the custom extension below).
    let mut entra_declared_only = entra();
    entra_declared_only.undeclared_attributes = false;
    for (ops, index, scim_type) in cases {
        for policy in [Policy::strict(), entra_declared_only] {
            assert_eq!(
                fails(user(), ops.clone(), &policy),
                (index, scim_type.clone()),
                "{ops}"
            );
        }
    }
}

#[test]
fn unchanged_id_and_meta_in_a_pathless_replace_are_accepted() {
    let r = ok(
        user(),
        json!([{"op": "replace", "value": {"id": "u1", "nickName": "A"}}]),
        &Policy::strict(),
    );
    assert_eq!(r["id"], "u1");
    assert_eq!(r["nickName"], "A");
}

#[test]
fn error_converts_to_a_scim_error_response() {
    let mut r = user();
    let e = run(&mut r, json!([{"op": "remove"}]), &entra()).unwrap_err();
    let body = serde_json::to_value(e.to_scim_error()).unwrap();
    assert_eq!(body["status"], "400");
    assert_eq!(body["scimType"], "noTarget");
}

#[test]
fn a_non_object_resource_or_too_many_operations_is_invalid_syntax() {
    let mut r = json!([1, 2]);
    let e = run(&mut r, json!([]), &entra()).unwrap_err();
    assert_eq!(e.scim_type, ScimType::InvalidSyntax);
    assert_eq!(r, json!([1, 2]));
    let many = PatchOp::new(vec![
        PatchOperation::add(Some("nickName"), json!("n"));
        MAX_OPERATIONS + 1
    ]);
    let mut r = user();
    let e = patch::apply(&mut r, &many, &ResourceSchemas::user(), &entra()).unwrap_err();
    assert_eq!(e.scim_type, ScimType::InvalidSyntax);
    assert_eq!(r, user());
}

#[test]
fn attribute_names_match_case_insensitively_and_keep_the_resource_spelling() {
    let r = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "UserName": "ann", "Name": {"GivenName": "Ann"},
        "Emails": [{"Type": "work", "Value": "a@x"}]
    });
    let r = ok(
        r,
        json!([
            {"op": "replace", "path": "USERNAME", "value": "bob"},
            {"op": "replace", "path": "name.givenname", "value": "Bob"},
            {"op": "replace", "path": "emails[TYPE eq \"WORK\"].value", "value": "b@x"},
            {"op": "add", "path": "NAME.FAMILYNAME", "value": "Lee"},
            {"op": "add", "path": "nickname", "value": "B"}
        ]),
        &Policy::strict(),
    );
    assert_eq!(
        r,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "UserName": "bob", "Name": {"GivenName": "Bob", "familyName": "Lee"},
            "Emails": [{"Type": "work", "Value": "b@x"}],
            "nickName": "B"
        })
    );
}

#[test]
fn primary_true_on_one_value_clears_it_on_the_others() {
    let r = ok(
        user(),
        json!([{"op": "replace", "path": "emails[type eq \"home\"].primary", "value": true}]),
        &Policy::strict(),
    );
    assert_eq!(r["emails"][0]["primary"], false);
    assert_eq!(r["emails"][1]["primary"], true);
    let r = ok(
        user(),
        json!([{"op": "add", "path": "emails", "value": [{"value": "new@x", "type": "other", "primary": true}]}]),
        &Policy::strict(),
    );
    assert_eq!(r["emails"][0]["primary"], false);
    assert_eq!(r["emails"][2]["primary"], true);
}

#[test]
fn add_to_multi_valued_skips_equal_values() {
    let r = ok(
        user(),
        json!([{"op": "add", "path": "emails", "value": [
            {"value": "ann@home.example", "type": "home"},
            {"value": "third@x", "type": "other"},
            {"value": "third@x", "type": "other"}
        ]}]),
        &Policy::strict(),
    );
    let emails = r["emails"].as_array().unwrap();
    assert_eq!(emails.len(), 3);
    assert_eq!(emails[2], json!({"value": "third@x", "type": "other"}));
}

#[test]
fn members_are_compared_by_value_and_immutable_once_set() {
    let r = ok(
        group(),
        json!([{"op": "add", "path": "members", "value": [{"value": "A", "display": "Ann"}, {"value": "d"}]}]),
        &Policy::strict(),
    );
    assert_eq!(
        r["members"],
        json!([{"value": "a"}, {"value": "b"}, {"value": "c"}, {"value": "d"}])
    );
    // members.value is immutable (RFC 7643 §8.7.1): it cannot be rewritten in place.
    assert_eq!(
        fails(
            group(),
            json!([{"op": "replace", "path": "members[value eq \"a\"].value", "value": "z"}]),
            &entra()
        ),
        (0, ScimType::Mutability)
    );
    // But its mutable display can be set.
    let r = ok(
        group(),
        json!([{"op": "add", "path": "members[value eq \"b\"].display", "value": "Bob"}]),
        &Policy::strict(),
    );
    assert_eq!(r["members"][1], json!({"value": "b", "display": "Bob"}));
}

#[test]
fn remove_by_filter_of_nothing_succeeds_without_change() {
    let mut r = group();
    let report = run(
        &mut r,
        json!([{"op": "remove", "path": "members[value eq \"zzz\"]"}]),
        &Policy::strict(),
    )
    .unwrap();
    assert_eq!(r, group());
    assert!(!report.is_changed());
}

#[test]
fn change_report_names_what_each_operation_changed() {
    let mut r = user();
    let report = run(
        &mut r,
        json!([
            {"op": "replace", "path": "userName", "value": "ann@example.com"},
            {"op": "replace", "value": {"name.familyName": "Kim", "displayName": "Ann Kim"}},
            {"op": "add", "path": format!("{ENT}:department"), "value": "Ops"},
            {"op": "remove", "path": "emails[type eq \"home\"]"}
        ]),
        &entra(),
    )
    .unwrap();
    let changed: Vec<Vec<&str>> = report
        .operations
        .iter()
        .map(|o| o.changed.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        changed,
        vec![
            vec![],
            vec!["name.familyName", "displayName"],
            vec![&format!("{ENT}:department") as &str],
            vec!["emails"],
        ]
    );
    assert!(report.is_changed());
    assert_eq!(
        r["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User", ENT])
    );
}

#[test]
fn extension_urn_path_adds_and_removes_the_whole_extension() {
    let r = ok(
        user(),
        json!([{"op": "add", "path": ENT, "value": {"employeeNumber": "7", "manager": {"value": "m"}}}]),
        &Policy::strict(),
    );
    assert_eq!(
        r[ENT],
        json!({"employeeNumber": "7", "manager": {"value": "m"}})
    );
    assert_eq!(r["schemas"][1], ENT);
    let r = ok(r, json!([{"op": "remove", "path": ENT}]), &Policy::strict());
    assert_eq!(r, user());
}

/// A policy with exactly one field switched on.
fn only(set: impl FnOnce(&mut Policy)) -> Policy {
    let mut p = Policy::strict();
    set(&mut p);
    p
}

#[test]
fn each_policy_field_alone_enables_exactly_its_deviation() {
    // case_insensitive_op_names
    let ops = json!([{"op": "Add", "path": "nickName", "value": "n"}]);
    assert_eq!(
        fails(user(), ops.clone(), &Policy::strict()),
        (0, ScimType::InvalidSyntax)
    );
    assert_eq!(
        ok(user(), ops, &only(|p| p.case_insensitive_op_names = true))["nickName"],
        "n"
    );

    // string_booleans
    let ops = json!([{"op": "replace", "path": "active", "value": "FALSE"}]);
    assert_eq!(
        fails(user(), ops.clone(), &Policy::strict()),
        (0, ScimType::InvalidValue)
    );
    assert_eq!(
        ok(user(), ops, &only(|p| p.string_booleans = true))["active"],
        false
    );
    let ops = json!([{"op": "replace", "path": "active", "value": "yes"}]);
    assert_eq!(fails(user(), ops, &entra()), (0, ScimType::InvalidValue));

    // remove_members_by_value_list
    let ops = json!([{"op": "remove", "path": "members", "value": [{"value": "b"}]}]);
    assert!(
        ok(group(), ops.clone(), &Policy::strict())
            .get("members")
            .is_none()
    );
    assert_eq!(
        ok(
            group(),
            ops,
            &only(|p| p.remove_members_by_value_list = true)
        )["members"],
        json!([{"value": "a"}, {"value": "c"}])
    );

    // create_element_on_value_path_miss
    let ops = json!([{"op": "add", "path": "emails[type eq \"other\"].value", "value": "o@x"}]);
    assert_eq!(
        fails(user(), ops.clone(), &Policy::strict()),
        (0, ScimType::NoTarget)
    );
    assert_eq!(
        ok(
            user(),
            ops,
            &only(|p| p.create_element_on_value_path_miss = true)
        )["emails"][2],
        json!({"type": "other", "value": "o@x"})
    );
    // A filter that is not `eq` terms cannot create anything.
    let ops = json!([{"op": "add", "path": "emails[type ne \"work\" and type ne \"home\"].value", "value": "o@x"}]);
    assert_eq!(fails(user(), ops, &entra()), (0, ScimType::NoTarget));

    // pathless_dotted_keys
    let ops = json!([{"op": "replace", "value": {"name.givenName": "Bo"}}]);
    assert_eq!(
        fails(user(), ops.clone(), &Policy::strict()),
        (0, ScimType::InvalidValue)
    );
    assert_eq!(
        ok(user(), ops, &only(|p| p.pathless_dotted_keys = true))["name"]["givenName"],
        "Bo"
    );

    // pathless_urn_keys
    let ops = json!([{"op": "replace", "value": {format!("{ENT}:costCenter"): "42"}}]);
    assert_eq!(
        fails(user(), ops.clone(), &Policy::strict()),
        (0, ScimType::InvalidValue)
    );
    assert_eq!(
        ok(user(), ops, &only(|p| p.pathless_urn_keys = true))[ENT]["costCenter"],
        "42"
    );

    // complex_from_bare_value
    let ops = json!([{"op": "add", "path": format!("{ENT}:manager"), "value": "m1"}]);
    assert_eq!(
        fails(user(), ops.clone(), &Policy::strict()),
        (0, ScimType::InvalidValue)
    );
    assert_eq!(
        ok(user(), ops, &only(|p| p.complex_from_bare_value = true))[ENT]["manager"],
        json!({"value": "m1"})
    );

    // single_element_array_for_single_valued
    let ops = json!([{"op": "add", "path": "nickName", "value": ["n"]}]);
    assert_eq!(
        fails(user(), ops.clone(), &Policy::strict()),
        (0, ScimType::InvalidValue)
    );
    assert_eq!(
        ok(
            user(),
            ops,
            &only(|p| p.single_element_array_for_single_valued = true)
        )["nickName"],
        "n"
    );

    // value_filter_on_single_valued
    let with_manager = ok(
        user(),
        json!([{"op": "add", "path": format!("{ENT}:manager"), "value": {"value": "m1"}}]),
        &Policy::strict(),
    );
    let ops = json!([{"op": "remove", "path": format!("{ENT}:manager[value eq \"m1\"]")}]);
    assert_eq!(
        fails(with_manager.clone(), ops.clone(), &Policy::strict()),
        (0, ScimType::InvalidPath)
    );
    assert_eq!(
        ok(
            with_manager,
            ops,
            &only(|p| p.value_filter_on_single_valued = true)
        ),
        user()
    );

    // unqualified_extension_attributes
    let ops = json!([{"op": "add", "path": "department", "value": "Ops"}]);
    assert_eq!(
        fails(user(), ops.clone(), &Policy::strict()),
        (0, ScimType::InvalidPath)
    );
    assert_eq!(
        ok(
            user(),
            ops,
            &only(|p| p.unqualified_extension_attributes = true)
        )[ENT]["department"],
        "Ops"
    );

    // json_encoded_role_values
    let encoded = r#"{"id":"7a1b","value":"25","displayName":"Role1234"}"#;
    let ops = json!([{"op": "add", "path": "roles", "value": [{"value": encoded}]}]);
    assert_eq!(
        ok(user(), ops.clone(), &Policy::strict())["roles"],
        json!([{"value": encoded}])
    );
    assert_eq!(
        ok(user(), ops, &only(|p| p.json_encoded_role_values = true))["roles"],
        json!([{"value": "25", "display": "Role1234"}])
    );
    // Only `roles`, and only an element that is nothing but the encoded text.
    let ops = json!([{"op": "add", "path": "entitlements", "value": [{"value": encoded}]}]);
    assert_eq!(
        ok(user(), ops, &only(|p| p.json_encoded_role_values = true))["entitlements"],
        json!([{"value": encoded}])
    );
    let ops = json!([{"op": "add", "path": "roles", "value": [{"value": encoded, "type": "t"}]}]);
    assert_eq!(
        ok(user(), ops, &only(|p| p.json_encoded_role_values = true))["roles"],
        json!([{"value": encoded, "type": "t"}])
    );
}

#[test]
fn replace_on_missing_attribute_adds_it_and_complex_replace_merges() {
    // RFC 7644 §3.5.2.3: a missing target is treated as add; sub-attributes not given are kept.
    let r = ok(
        user(),
        json!([{"op": "replace", "path": "title", "value": "Boss"},
               {"op": "replace", "path": "name", "value": {"familyName": "Kim"}}]),
        &Policy::strict(),
    );
    assert_eq!(r["title"], "Boss");
    assert_eq!(r["name"], json!({"givenName": "Ann", "familyName": "Kim"}));
}

#[test]
fn removing_the_last_sub_attribute_or_value_unassigns_the_attribute() {
    let r = ok(
        user(),
        json!([{"op": "remove", "path": "name.givenName"},
               {"op": "remove", "path": "name.familyName"},
               {"op": "remove", "path": "emails[type eq \"work\"]"},
               {"op": "remove", "path": "emails[type eq \"home\"].value"},
               {"op": "remove", "path": "emails[type eq \"home\"].type"}]),
        &Policy::strict(),
    );
    assert!(r.get("name").is_none(), "{r}");
    assert!(r.get("emails").is_none(), "{r}");
}

#[test]
fn hostile_resources_are_errors_not_panics() {
    let weird = json!({
        "schemas": "not an array",
        "name": "not an object",
        "emails": {"not": "an array"},
        ENT: 7
    });
    for ops in [
        json!([{"op": "add", "path": "name.givenName", "value": "x"}]),
        json!([{"op": "add", "path": "emails", "value": [{"value": "x"}]}]),
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "x"}]),
        json!([{"op": "add", "path": format!("{ENT}:department"), "value": "x"}]),
    ] {
        assert_eq!(
            fails(weird.clone(), ops, &entra()).1,
            ScimType::InvalidValue
        );
    }
}

#[test]
fn string_boolean_filters_select_boolean_values_under_entra_policy() {
    // Entra's roles mapping `roles[primary eq "True"].value` (docs/entra.md#patch-value-paths), sent each cycle.
    let ops = json!([
        {"op": "Add", "path": "roles[primary eq \"True\"].value", "value": "Admin"},
        {"op": "Add", "path": "roles[primary eq \"True\"].value", "value": "Admin"},
        {"op": "Add", "path": "roles[primary eq \"True\"].type", "value": "WindowsAzureActiveDirectoryRole"}
    ]);
    let r = ok(user(), ops.clone(), &entra());
    assert_eq!(
        r["roles"],
        json!([{"primary": true, "value": "Admin", "type": "WindowsAzureActiveDirectoryRole"}])
    );
    // Without the deviation the string filter matches nothing and creates nothing.
    assert_eq!(
        fails(user(), ops, &only(|p| p.case_insensitive_op_names = true)),
        (0, ScimType::NoTarget)
    );
}

#[test]
fn custom_extension_attributes_are_patched_with_their_urn() {
    // Entra's custom extension targets: the custom URN may be
    // missing from `schemas`; the patched resource lists it.
    use scim2_types::schema::{AttributeType, Schema, SchemaAttribute};
    const CUSTOM: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
    let mut schemas = ResourceSchemas::user();
    schemas.extensions.push(Schema {
        id: CUSTOM.to_owned(),
        name: None,
        description: None,
        attributes: vec![SchemaAttribute::new(
            "CustomAttribute",
            AttributeType::String,
        )],
        other: serde_json::Map::new(),
    });
    let mut r = user();
    let op = body(json!([
        {"op": "Add", "path": format!("{CUSTOM}:CustomAttribute"), "value": "v1"},
        {"op": "replace", "value": {format!("{CUSTOM}:customattribute"): "v2"}}
    ]));
    patch::apply(&mut r, &op, &schemas, &entra()).unwrap();
    assert_eq!(r[CUSTOM], json!({"CustomAttribute": "v2"}));
    assert_eq!(
        r["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User", CUSTOM])
    );
    // Unknown to the schemas: invalidPath unless the policy declares undeclared attributes.
    let mut r = user();
    let mut declared_only = entra();
    declared_only.undeclared_attributes = false;
    let e = patch::apply(&mut r, &op, &ResourceSchemas::user(), &declared_only).unwrap_err();
    assert_eq!((e.index, e.scim_type), (0, ScimType::InvalidPath));
    // Entra-compatible: stored where a tolerant POST stores them.
    let mut r = user();
    patch::apply(&mut r, &op, &ResourceSchemas::user(), &entra()).unwrap();
    assert_eq!(r[CUSTOM], json!({"CustomAttribute": "v2"}));
}

/// A value path with the longest `or` chain the default limits admit, and Entra's string
/// booleans in it, is applied within 1 MiB of stack (the bound `parse::Limits` documents):
/// rewriting `"True"` to `true` walks the chain without recursing once per term.
#[test]
fn long_value_filter_chain_fits_a_small_stack() {
    let chain = (0..512)
        .map(|i| format!(r#"primary eq "True" or type eq "t{i}""#))
        .collect::<Vec<_>>()
        .join(" or ");
    let ops = json!([{"op": "replace", "path": format!("emails[{chain}].value"), "value": "a@b.example"}]);
    let handle = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || {
            let mut resource = user();
            patch::apply(
                &mut resource,
                &body(ops),
                &ResourceSchemas::user(),
                &Policy::entra_compatible(),
            )
            .unwrap();
            resource
        })
        .unwrap();
    let resource = handle.join().unwrap();
    // `primary eq "True"` selects the primary work email, and only that one.
    assert_eq!(resource["emails"][0]["value"], "a@b.example");
    assert_eq!(resource["emails"][1]["value"], "ann@home.example");
}

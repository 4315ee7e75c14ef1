//! Tolerant reading and canonical writing (RFC 7643 §2.1 case-insensitive names, Entra's
//! string booleans, unknown attributes and extensions kept, `schemas` completed).
#![allow(clippy::unwrap_used)] // tests may unwrap (project guide)

use scim2_types::{Group, User, urn};
use serde_json::{Value, json};

#[test]
fn names_and_extension_urns_match_in_any_case() {
    let odd = json!({
        "SCHEMAS": [urn::USER],
        "UserName": "a@contoso.com",
        "NAME": {"GivenName": "Ann", "FAMILYNAME": "Lee"},
        "Emails": [{"VALUE": "a@contoso.com", "Type": "work", "Primary": "true"}],
        "x509certificates": [{"value": "MII"}],
        "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": {
            "EmployeeNumber": "7", "Manager": {"Value": "m1", "$REF": "../Users/m1", "DISPLAYNAME": "Boss"}
        },
        "Meta": {"ResourceType": "User", "LASTMODIFIED": "2011-05-13T04:42:34Z"}
    });
    let user = User::from_value(&odd).unwrap();
    let canonical = json!({
        "schemas": [urn::USER, urn::ENTERPRISE_USER],
        "userName": "a@contoso.com",
        "name": {"givenName": "Ann", "familyName": "Lee"},
        "emails": [{"value": "a@contoso.com", "type": "work", "primary": true}],
        "x509Certificates": [{"value": "MII"}],
        urn::ENTERPRISE_USER: {
            "employeeNumber": "7", "manager": {"value": "m1", "$ref": "../Users/m1", "displayName": "Boss"}
        },
        "meta": {"resourceType": "User", "lastModified": "2011-05-13T04:42:34Z"}
    });
    assert_eq!(serde_json::to_value(&user).unwrap(), canonical);
    assert_eq!(User::from_value(&canonical).unwrap(), user);
}

#[test]
fn string_booleans() {
    for (text, expected) in [
        ("True", true),
        ("False", false),
        ("true", true),
        ("false", false),
        ("TRUE", true),
    ] {
        let user = User::from_value(&json!({"userName": "a", "active": text,
            "emails": [{"value": "a", "primary": text}]}))
        .unwrap();
        assert_eq!(user.active, Some(expected));
        assert_eq!(user.emails.as_ref().unwrap()[0].primary, Some(expected));
        assert_eq!(
            serde_json::to_value(&user).unwrap()["active"],
            json!(expected)
        );
    }
}

#[test]
fn unknown_attributes_are_kept_and_written_back() {
    let input = json!({
        "schemas": [urn::USER],
        "userName": "a",
        "favoriteColor": {"Nested": [1, {"Deep": null}]},
        "name": {"givenName": "A", "phonetic": "ei"},
        "emails": [{"value": "a@x", "verified": true}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "S", "badge": 7},
    });
    let user = User::from_value(&input).unwrap();
    assert_eq!(
        user.extra["favoriteColor"],
        json!({"Nested": [1, {"Deep": null}]})
    );
    assert_eq!(user.name.as_ref().unwrap().extra["phonetic"], "ei");
    assert_eq!(user.emails.as_ref().unwrap()[0].extra["verified"], true);
    assert_eq!(user.enterprise.as_ref().unwrap().extra["badge"], 7);
    let mut expected = input.clone();
    expected["schemas"] = json!([urn::USER, urn::ENTERPRISE_USER]);
    assert_eq!(serde_json::to_value(&user).unwrap(), expected);
}

#[test]
fn schemas_keep_everything_read_and_gain_what_is_present() {
    // Missing `schemas` is inferred.
    let user = User::from_value(&json!({"userName": "a"})).unwrap();
    assert_eq!(user.schemas, [urn::USER]);
    // Extension object whose URN is missing from `schemas`: read as the extension, URN added.
    let custom = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";
    let user = User::from_value(&json!({
        "schemas": [urn::USER, "urn:example:other"],
        "userName": "a",
        urn::ENTERPRISE_USER: {"department": "Sales"},
        custom: {"costCode": "9"}
    }))
    .unwrap();
    assert_eq!(
        user.enterprise.as_ref().unwrap().department.as_deref(),
        Some("Sales")
    );
    let written = serde_json::to_value(&user).unwrap();
    assert_eq!(
        written["schemas"],
        json!([urn::USER, "urn:example:other", urn::ENTERPRISE_USER, custom])
    );
    // Core schema missing while an extension is listed: core first.
    let user =
        User::from_value(&json!({"schemas": [urn::ENTERPRISE_USER], "userName": "a"})).unwrap();
    assert_eq!(user.schemas, [urn::USER, urn::ENTERPRISE_USER]);
    // Listed in another case: not duplicated.
    let user = User::from_value(
        &json!({"schemas": ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"], "userName": "a"}),
    )
    .unwrap();
    assert_eq!(user.schemas.len(), 1);
    // Built in code with no schemas: written with core + extensions present.
    let mut user = User::new("b");
    user.schemas.clear();
    user.enterprise = Some(Default::default());
    assert_eq!(
        serde_json::to_value(&user).unwrap()["schemas"],
        json!([urn::USER, urn::ENTERPRISE_USER])
    );
    // Groups: the legacy ADSCIM URI is kept.
    let group =
        Group::from_value(&json!({"schemas": [urn::ENTRA_LEGACY_GROUP], "displayName": "g"}))
            .unwrap();
    assert_eq!(group.schemas, [urn::GROUP, urn::ENTRA_LEGACY_GROUP]);
}

#[test]
fn manager_reads_from_string_or_object_and_writes_an_object() {
    for manager in [json!("m1"), json!({"value": "m1"}), json!({"VALUE": "m1"})] {
        let user =
            User::from_value(&json!({"userName": "a", urn::ENTERPRISE_USER: {"manager": manager}}))
                .unwrap();
        let written = serde_json::to_value(&user).unwrap();
        assert_eq!(
            written[urn::ENTERPRISE_USER]["manager"],
            json!({"value": "m1"})
        );
    }
    let user = User::from_value(&json!({"userName": "a", urn::ENTERPRISE_USER: {"manager": null}}))
        .unwrap();
    assert!(user.enterprise.unwrap().manager.is_none());
}

#[test]
fn nulls_read_as_absent() {
    // The 2017-era Entra create body sent nulls (docs/entra.md#user-create).
    let user = User::from_value(
        &json!({"userName": "a", "addresses": null, "phoneNumbers": null,
        "title": null, urn::ENTERPRISE_USER: null}),
    )
    .unwrap();
    assert!(user.addresses.is_none() && user.title.is_none() && user.enterprise.is_none());
    assert_eq!(
        serde_json::to_value(&user).unwrap(),
        json!({"schemas": [urn::USER], "userName": "a"})
    );
}

#[test]
fn resource_trait() {
    use scim2_types::Resource;
    assert_eq!(User::ENDPOINT, "/Users");
    assert_eq!(Group::ENDPOINT, "/Groups");
    assert_eq!(Group::RESOURCE_TYPE, "Group");
    let user =
        User::from_value(&json!({"userName": "a", "id": "1", "meta": {"version": "W/\"1\""}}))
            .unwrap();
    assert_eq!(Resource::id(&user), Some("1"));
    assert_eq!(user.version(), Some("W/\"1\""));
    let v: Value = serde_json::to_value(Group::new("g")).unwrap();
    assert_eq!(v, json!({"schemas": [urn::GROUP], "displayName": "g"}));
}

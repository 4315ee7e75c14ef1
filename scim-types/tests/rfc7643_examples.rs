//! Every JSON example of RFC 7643 §8 reads into its type and writes back to equal JSON.
#![allow(clippy::unwrap_used)] // tests may unwrap (project guide)

use scim2_types::schema::{self, AttributeType, Schema};
use scim2_types::{Group, ResourceType, ServiceProviderConfig, User, urn};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Reads `text` as `T` (through the path-reporting reader), writes it back, and checks the
/// written JSON equals the input JSON.
fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let typed: T = scim2_types::read::from_str(text).unwrap();
    let original: Value = serde_json::from_str(text).unwrap();
    let written = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        written,
        original,
        "written:\n{}",
        serde_json::to_string_pretty(&written).unwrap()
    );
    typed
}

#[test]
fn minimal_user_8_1() {
    let user: User = round_trip(include_str!("fixtures/rfc7643/8.1-minimal-user.json"));
    assert_eq!(user.user_name, "bjensen@example.com");
    assert_eq!(
        user.id.as_deref(),
        Some("2819c223-7f76-453a-919d-413861904646")
    );
    let meta = user.meta.unwrap();
    assert_eq!(meta.version.as_deref(), Some("W/\"3694e05e9dff590\""));
    assert_eq!(meta.last_modified.as_deref(), Some("2011-05-13T04:42:34Z"));
}

#[test]
fn full_user_8_2() {
    let user: User = round_trip(include_str!("fixtures/rfc7643/8.2-full-user.json"));
    let name = user.name.as_ref().unwrap();
    assert_eq!(name.honorific_suffix.as_deref(), Some("III"));
    let emails = user.emails.as_ref().unwrap();
    assert_eq!(emails[0].primary, Some(true));
    assert_eq!(emails[1].primary, None);
    assert_eq!(
        user.addresses.as_ref().unwrap()[1]
            .street_address
            .as_deref(),
        Some("456 Hollywood Blvd")
    );
    assert_eq!(
        user.phone_numbers.as_ref().unwrap()[1].kind.as_deref(),
        Some("mobile")
    );
    assert_eq!(
        user.ims.as_ref().unwrap()[0].value.as_deref(),
        Some("someaimhandle")
    );
    assert_eq!(
        user.photos.as_ref().unwrap()[1].kind.as_deref(),
        Some("thumbnail")
    );
    assert_eq!(
        user.groups.as_ref().unwrap()[2].display.as_deref(),
        Some("US Employees")
    );
    assert!(
        user.x509_certificates.as_ref().unwrap()[0]
            .value
            .as_deref()
            .unwrap()
            .starts_with("MIIDQzCC")
    );
    assert_eq!(user.password.as_deref(), Some("t1meMa$heen"));
    assert!(
        !format!("{user:?}").contains("t1meMa$heen"),
        "Debug must not show the password"
    );
    assert_eq!(user.timezone.as_deref(), Some("America/Los_Angeles"));
    assert!(user.enterprise.is_none());
    assert!(user.extra.is_empty() && user.extensions.is_empty());
}

#[test]
fn enterprise_user_8_3() {
    let user: User = round_trip(include_str!("fixtures/rfc7643/8.3-enterprise-user.json"));
    let e = user.enterprise.as_ref().unwrap();
    assert_eq!(e.cost_center.as_deref(), Some("4130"));
    assert_eq!(e.division.as_deref(), Some("Theme Park"));
    let m = e.manager.as_ref().unwrap();
    assert_eq!(
        m.value.as_deref(),
        Some("26118915-6090-4610-87e4-49d8ca9f808d")
    );
    assert_eq!(m.display_name.as_deref(), Some("John Smith"));
    assert_eq!(user.schemas, [urn::USER, urn::ENTERPRISE_USER]);
    insta::assert_json_snapshot!("enterprise_user_canonical", user);
}

#[test]
fn group_8_4() {
    let group: Group = round_trip(include_str!("fixtures/rfc7643/8.4-group.json"));
    assert_eq!(group.display_name, "Tour Guides");
    let members = group.members.as_ref().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[1].display.as_deref(), Some("Mandy Pepperidge"));
    insta::assert_json_snapshot!("group_canonical", group);
}

#[test]
fn service_provider_config_8_5() {
    let spc: ServiceProviderConfig = round_trip(include_str!(
        "fixtures/rfc7643/8.5-service-provider-config.json"
    ));
    assert!(spc.patch_supported());
    let bulk = spc.bulk.as_ref().unwrap();
    assert_eq!(bulk.max_operations, Some(1000));
    assert_eq!(bulk.max_payload_size, Some(1_048_576));
    assert_eq!(spc.filter.as_ref().unwrap().max_results, Some(200));
    let schemes = spc.authentication_schemes.as_ref().unwrap();
    assert_eq!(schemes[0].kind.as_deref(), Some("oauthbearertoken"));
    assert_eq!(schemes[1].primary, None);
}

#[test]
fn resource_types_8_6() {
    let types: Vec<ResourceType> =
        round_trip(include_str!("fixtures/rfc7643/8.6-resource-types.json"));
    assert_eq!(types[0].endpoint.as_deref(), Some("/Users"));
    let ext = &types[0].schema_extensions.as_ref().unwrap()[0];
    assert_eq!(ext.schema.as_deref(), Some(urn::ENTERPRISE_USER));
    assert_eq!(ext.required, Some(true));
    assert_eq!(types[1].schema.as_deref(), Some(urn::GROUP));
    assert!(types[1].schema_extensions.is_none());
}

#[test]
fn resource_schemas_8_7_1() {
    let schemas: Vec<Schema> =
        round_trip(include_str!("fixtures/rfc7643/8.7.1-resource-schemas.json"));
    assert_eq!(schemas.len(), 3);
    let user = &schemas[0];
    let active = user.attribute("active").unwrap();
    assert_eq!(active.kind, AttributeType::Boolean);
    assert!(active.omitted.case_exact && active.omitted.uniqueness);
    let photo = user.attribute("photos.value").unwrap();
    assert!(photo.case_exact);
    assert_eq!(photo.reference_types, ["external"]);
    assert_eq!(
        schemas[2]
            .attribute("manager.$ref")
            .unwrap()
            .reference_types,
        ["User"]
    );
}

/// The crate's built-in definitions (`schema::user()` etc.) agree with RFC 7643 §8.7.1 on
/// every characteristic, except where the prose of §4 overrides the listing (the deviations are
/// listed here and documented in `schema/definitions.rs`).
#[test]
fn built_in_definitions_match_8_7_1() {
    let rfc: Vec<Schema> =
        serde_json::from_str(include_str!("fixtures/rfc7643/8.7.1-resource-schemas.json")).unwrap();
    let built_in = [schema::user(), schema::group(), schema::enterprise_user()];
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for (rfc_schema, ours) in rfc.iter().zip(built_in) {
        assert_eq!(rfc_schema.id, ours.id);
        for attr in &rfc_schema.attributes {
            let mine = ours
                .top_attribute(&attr.name)
                .unwrap_or_else(|| panic!("{} missing from {}", attr.name, ours.id));
            let pairs = std::iter::once((attr.name.clone(), attr, mine)).chain(
                attr.sub_attributes.iter().map(|s| {
                    let m = mine
                        .sub_attribute(&s.name)
                        .unwrap_or_else(|| panic!("{}.{} missing", attr.name, s.name));
                    (format!("{}.{}", attr.name, s.name), s, m)
                }),
            );
            for (path, r, m) in pairs {
                // §4.2 says Group.displayName is REQUIRED although §8.7.1 lists required false.
                // §4.3 calls manager.value and manager.$ref RECOMMENDED although §8.7.1 lists
                // them as required.
                let deviation = (ours.id == urn::GROUP && path == "displayName")
                    || (ours.id == urn::ENTERPRISE_USER && path.starts_with("manager."));
                let mut check = |what: &str, same: bool| {
                    if !same {
                        mismatches.push(format!("{}: {path} {what}", ours.id));
                    }
                };
                check("required", deviation || r.required == m.required);
                check("type", r.kind == m.kind);
                check("multiValued", r.multi_valued == m.multi_valued);
                check("mutability", r.mutability == m.mutability);
                check("returned", r.returned == m.returned);
                check("uniqueness", r.uniqueness == m.uniqueness);
                check("caseExact", r.case_exact == m.case_exact);
                check("canonicalValues", r.canonical_values == m.canonical_values);
                check("referenceTypes", r.reference_types == m.reference_types);
                checked += 1;
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    assert!(checked > 80, "checked {checked} attributes");
}

#[test]
fn service_provider_schemas_8_7_2() {
    let schemas: Vec<Schema> = round_trip(include_str!(
        "fixtures/rfc7643/8.7.2-service-provider-schemas.json"
    ));
    assert_eq!(schemas[0].id, urn::SERVICE_PROVIDER_CONFIG);
    assert_eq!(schemas[1].id, urn::RESOURCE_TYPE);
    assert_eq!(schemas[2].id, urn::SCHEMA);
    let nested = schemas[2].attribute("attributes.subAttributes").unwrap();
    assert_eq!(nested.sub_attributes.len(), 11);
    let max = schemas[0].attribute("bulk.maxOperations").unwrap();
    assert_eq!(max.kind, AttributeType::Integer);
    assert!(max.omitted.case_exact && !max.omitted.uniqueness);
}

/// A definition built in code writes every scalar characteristic and no empty list.
#[test]
fn built_in_definition_writes_all_characteristics() {
    let json = serde_json::to_value(schema::user().top_attribute("displayName").unwrap()).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "name",
        "type",
        "multiValued",
        "required",
        "caseExact",
        "mutability",
        "returned",
        "uniqueness",
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    assert!(!keys.contains(&"subAttributes") && !keys.contains(&"canonicalValues"));
}

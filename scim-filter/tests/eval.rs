//! Evaluation semantics (RFC 7644 §3.4.2.2), one test per point.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::cmp::Ordering;

use scim2_filter::eval::{self, ValidationError};
use scim2_filter::{AttrPath, Filter};
use scim2_types::ScimType;
use scim2_types::schema::{AttributeType, ResourceSchemas, Schema, SchemaAttribute};
use serde_json::{Value, json};

fn user() -> Value {
    json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "BJ-1",
        "userName": "bjensen@example.com",
        "displayName": "Babs Jensen",
        "title": "",
        "nickName": null,
        "userType": "Employee",
        "active": true,
        "name": {"givenName": "Barbara", "familyName": "O'Malley", "middleName": null},
        "emails": [
            {"type": "work", "value": "bjensen@example.com", "primary": true},
            {"type": "home", "value": "babs@jensen.org"}
        ],
        "phoneNumbers": [],
        "addresses": [{"type": "work", "locality": "Hollywood", "postalCode": "91608"}],
        "x509Certificates": [{"value": "TUlJRE9qQ0NBaUtnQXdJQkFn"}],
        "meta": {
            "resourceType": "User",
            "created": "2010-01-23T04:56:22Z",
            "lastModified": "2011-05-13T04:42:34Z"
        },
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
        },
        "loginCount": 42,
        "score": 7.5
    })
}

#[track_caller]
fn is(filter: &str, want: bool) {
    let f = Filter::parse(filter).unwrap_or_else(|e| panic!("{filter:?}:\n{e}"));
    assert_eq!(f.matches(&user()), want, "{filter}");
}

#[test]
fn equality_and_substrings_on_strings() {
    is(r#"userName eq "bjensen@example.com""#, true);
    is(r#"userName eq "bjensen""#, false);
    is(r#"userName ne "bjensen""#, true);
    is(r#"userName co "jensen@""#, true);
    is(r#"userName sw "bjen""#, true);
    is(r#"userName ew ".com""#, true);
    is(r#"userName ew "example""#, false);
    is(r#"userName sw """#, true);
    is(r#"name.familyName co "O'Malley""#, true);
}

#[test]
fn strings_are_case_insensitive_unless_case_exact() {
    is(r#"userName eq "BJENSEN@EXAMPLE.COM""#, true);
    is(r#"userName co "JENSEN""#, true);
    is(r#"displayName sw "babs""#, true);
    // `id`, `externalId` and meta.resourceType are caseExact (RFC 7643 §3.1).
    is(r#"id eq "2819c223-7f76-453a-919d-413861904646""#, true);
    is(r#"id eq "2819C223-7F76-453A-919D-413861904646""#, false);
    is(r#"externalId eq "bj-1""#, false);
    is(r#"externalId eq "BJ-1""#, true);
    is(r#"meta.resourceType eq "user""#, false);
    // Non-ASCII folding.
    let f = Filter::parse(r#"displayName eq "ÉTÉ""#).unwrap();
    assert!(f.matches(&json!({"displayName": "été"})));
}

#[test]
fn attribute_names_and_urns_are_case_insensitive() {
    is(r#"USERNAME eq "bjensen@example.com""#, true);
    is(r#"Name.GivenName eq "barbara""#, true);
    is(
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "b""#,
        true,
    );
    is(
        r#"URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:userName sw "b""#,
        true,
    );
    is(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#,
        true,
    );
    is(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:EMPLOYEENUMBER eq "701984""#,
        true,
    );
    is(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
        true,
    );
    // Unqualified extension attributes resolve to the extension that defines them (RFC 7644 §3.10).
    is(r#"employeeNumber eq "701984""#, true);
    is(r#"costCenter eq "4130""#, true);
    // A qualified path does not read the core attributes of another schema.
    is(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName pr"#,
        false,
    );
}

#[test]
fn multi_valued_attributes_match_if_any_value_matches() {
    is(r#"emails.value eq "babs@jensen.org""#, true);
    is(r#"emails.type eq "home""#, true);
    is(r#"emails.type eq "other""#, false);
    // A multi-valued complex attribute without sub-attribute compares its `value`s.
    is(r#"emails co "example.com""#, true);
    is(r#"emails eq "babs@jensen.org""#, true);
    is(r#"emails co "nowhere""#, false);
    // Multi-valued simple values (`schemas`).
    is(
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        true,
    );
    // RFC 7644 Figure 2.
    is(
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        true,
    );
    is(
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        false,
    );
}

#[test]
fn value_paths_hold_all_conditions_on_one_element() {
    is(
        r#"emails[type eq "work" and value co "@example.com"]"#,
        true,
    );
    // type "home" and value "example.com" exist, but not on the same element.
    is(
        r#"emails[type eq "home" and value co "@example.com"]"#,
        false,
    );
    is(
        r#"emails.type eq "home" and emails.value co "@example.com""#,
        true,
    );
    is(r#"emails[type eq "home" or primary eq true]"#, true);
    is(r#"emails[not (type eq "work")]"#, true);
    is(r#"emails[primary eq true]"#, true);
    is(r#"emails[primary eq false]"#, false);
    is(r#"addresses[type eq "work" and postalCode sw "916"]"#, true);
    is(r#"phoneNumbers[type pr]"#, false);
    is(r#"ims[type eq "xmpp"]"#, false);
    // Entra's form: `emails[type eq "work"].value eq "x"`.
    is(
        r#"emails[type eq "work"].value eq "BJENSEN@example.com""#,
        true,
    );
    is(
        r#"emails[type eq "home"].value eq "bjensen@example.com""#,
        false,
    );
}

#[test]
fn matches_element_uses_the_attribute_definition() {
    let schemas = ResourceSchemas::user();
    let emails = schemas.attribute("emails");
    let f = Filter::parse(r#"type eq "WORK" and value ew "example.com""#).unwrap();
    assert!(eval::matches_element(
        &f,
        &json!({"type": "work", "value": "a@example.com"}),
        emails
    ));
    assert!(!eval::matches_element(
        &f,
        &json!({"type": "home", "value": "a@example.com"}),
        emails
    ));
    assert!(!eval::matches_element(&f, &json!("not an object"), emails));
    // caseExact sub-attributes compare exactly.
    let members = schemas_group_members();
    let f = Filter::parse(r#"value eq "ABC""#).unwrap();
    assert!(!eval::matches_element(
        &f,
        &json!({"value": "abc"}),
        Some(&members)
    ));
    assert!(eval::matches_element(
        &f,
        &json!({"value": "ABC"}),
        Some(&members)
    ));
    // Without a definition: case-insensitive.
    assert!(eval::matches_element(&f, &json!({"value": "abc"}), None));
}

fn schemas_group_members() -> SchemaAttribute {
    let mut value = SchemaAttribute::new("value", AttributeType::String);
    value.case_exact = true;
    let mut members = SchemaAttribute::new("members", AttributeType::Complex);
    members.multi_valued = true;
    members.sub_attributes = vec![value];
    members
}

#[test]
fn present_means_not_null_not_empty() {
    is("userName pr", true);
    is("title pr", false); // ""
    is("nickName pr", false); // null
    is("phoneNumbers pr", false); // []
    is("emails pr", true);
    is("name pr", true);
    is("name.middleName pr", false);
    is("ims pr", false); // absent
    is("active pr", true);
    is("loginCount pr", true);
    is("not (title pr)", true);
    let f = Filter::parse("name pr").unwrap();
    assert!(!f.matches(&json!({"name": {}})));
    assert!(!f.matches(&json!({"name": {"givenName": null, "familyName": ""}})));
}

#[test]
fn ordering_on_strings_numbers_and_date_times() {
    is(r#"userName gt "a""#, true);
    is(r#"userName gt "C""#, false);
    is(r#"userName lt "C""#, true); // case-folded: "b…" < "c"
    is(r#"userName ge "bjensen@example.com""#, true);
    is(r#"userName le "BJENSEN@EXAMPLE.COM""#, true);
    is("loginCount gt 41", true);
    is("loginCount gt 42", false);
    is("loginCount ge 42", true);
    is("loginCount lt 100", true); // numeric, not lexicographic
    is("loginCount le 41.5", false);
    is("loginCount eq 42.0", true);
    is("score gt 7", true);
    is("score lt 7.25", false);
    is(r#"meta.lastModified gt "2011-05-13T04:42:33Z""#, true);
    is(r#"meta.lastModified gt "2011-05-13T04:42:34Z""#, false);
    is(r#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true);
    is(r#"meta.lastModified le "2011-05-13T04:42:34Z""#, true);
    is(r#"meta.lastModified lt "2011-05-13T04:42:34Z""#, false);
    // Chronological, not lexicographic: same instant in another offset and with fractions.
    is(r#"meta.lastModified eq "2011-05-13T06:42:34+02:00""#, true);
    is(r#"meta.lastModified eq "2011-05-13T04:42:34.000Z""#, true);
    is(r#"meta.lastModified gt "2011-05-13T05:00:00+01:00""#, true);
    is(r#"meta.created lt "2011-01-01T00:00:00Z""#, true);
}

#[test]
fn booleans_compare_by_equality_only() {
    is("active eq true", true);
    is("active eq TRUE", true);
    is("active ne true", false);
    is("active eq false", false);
    is("active gt false", false);
    is("active co true", false);
}

#[test]
fn mismatched_types_are_unequal() {
    is(r#"loginCount eq "42""#, false);
    is(r#"loginCount ne "42""#, true);
    is("userName eq 1", false);
    is(r#"active eq "true""#, false);
    is("userName eq null", false);
    is(r#"userName gt 1"#, false);
}

#[test]
fn missing_attributes_are_false_and_not_makes_them_true() {
    for op in ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"] {
        is(&format!(r#"nosuch {op} "x""#), false);
        is(&format!(r#"not (nosuch {op} "x")"#), true);
    }
    is(r#"name.nosuch eq "x""#, false);
    is(r#"nickName eq "x""#, false); // null
    is(r#"nickName ne "x""#, false);
    is("nosuch pr", false);
    is("not (nosuch pr)", true);
}

#[test]
fn forbidden_comparisons_are_false() {
    is("active gt true", false);
    is(r#"x509Certificates.value gt "A""#, false); // binary
    is(
        r#"x509Certificates.value eq "TUlJRE9qQ0NBaUtnQXdJQkFn""#,
        true,
    );
    is(r#"name eq "Barbara""#, false); // complex without sub-attribute
    is(r#"name co "a""#, false);
    is(r#"meta eq "x""#, false);
}

#[test]
fn logic_precedence_and_short_circuits() {
    is(
        r#"userName eq "x" or userType eq "Employee" and active eq true"#,
        true,
    );
    is(
        r#"(userName eq "x" or userType eq "Employee") and active eq false"#,
        false,
    );
    is(
        r#"userName eq "x" or userType eq "Intern" and active eq true"#,
        false,
    );
    is("not (not (active eq true))", true);
    let chain = (0..500)
        .map(|i| format!(r#"userName eq "u{i}""#))
        .collect::<Vec<_>>()
        .join(" or ");
    is(&chain, false);
    is(
        &format!(r#"{chain} or userName eq "bjensen@example.com""#),
        true,
    );
}

#[test]
fn groups_use_the_group_schema() {
    let group = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": "e9e30dba",
        "displayName": "Tour Guides",
        "members": [{"value": "2819c223-7f76-453a-919d-413861904646", "display": "Babs"}]
    });
    let f = Filter::parse(r#"displayName eq "tour guides""#).unwrap();
    assert!(f.matches(&group));
    let f = Filter::parse(r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#).unwrap();
    assert!(f.matches(&group));
    let f = Filter::parse(r#"members.value eq "2819c223-7f76-453a-919d-413861904646""#).unwrap();
    assert!(f.matches(&group));
    assert!(f.matches_with(&group, &ResourceSchemas::group()));
}

#[test]
fn custom_schemas_decide_case_exactness_and_types() {
    let mut code = SchemaAttribute::new("code", AttributeType::String);
    code.case_exact = true;
    let since = SchemaAttribute::new("since", AttributeType::DateTime);
    let ext = Schema {
        id: "urn:example:params:scim:schemas:extension:acme:1.0:User".into(),
        name: None,
        description: None,
        attributes: vec![code, since],
        other: serde_json::Map::new(),
    };
    let mut schemas = ResourceSchemas::user();
    schemas.extensions.push(ext);
    let resource = json!({
        "urn:example:params:scim:schemas:extension:acme:1.0:User": {"code": "AbC", "since": "2020-01-01T00:00:00+05:00"}
    });
    let check = |f: &str| Filter::parse(f).unwrap().matches_with(&resource, &schemas);
    assert!(check(
        r#"urn:example:params:scim:schemas:extension:acme:1.0:User:code eq "AbC""#
    ));
    assert!(!check(
        r#"urn:example:params:scim:schemas:extension:acme:1.0:User:code eq "abc""#
    ));
    assert!(check(r#"code eq "AbC""#));
    assert!(check(r#"since lt "2019-12-31T20:00:00Z""#));
    // With the default schemas the attribute is unknown: case-insensitive string.
    assert!(
        Filter::parse(r#"urn:example:params:scim:schemas:extension:acme:1.0:User:code eq "abc""#)
            .unwrap()
            .matches(&resource)
    );
}

#[test]
fn evaluation_never_panics_on_odd_json() {
    let filters = [
        r#"userName eq "x""#,
        "emails[type pr]",
        r#"emails.value co "x""#,
        "name.givenName pr",
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x""#,
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        "loginCount gt 1",
    ];
    let odd = [
        json!(null),
        json!(1),
        json!("str"),
        json!([]),
        json!({"userName": ["a", 1, null, {"x": 1}]}),
        json!({"emails": "not an array"}),
        json!({"emails": [1, "x", null, [[]], {"type": {"nested": 1}}]}),
        json!({"name": [{"givenName": ["x"]}]}),
        json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": "x"}),
        json!({"meta": {"lastModified": "not a date"}}),
        json!({"meta": {"lastModified": 12}}),
        json!({"loginCount": 1e300, "userName": 18446744073709551615u64}),
    ];
    for f in filters {
        let f = Filter::parse(f).unwrap();
        for r in &odd {
            let (yes, no) = (f.matches(r), Filter::not(f.clone()).matches(r));
            if r.is_object() {
                // `not` is the exact complement on a resource (a missing or odd value makes a
                // comparison false, and `not` turns that to true).
                assert_eq!(no, !yes, "{f} on {r}");
            } else {
                // What is not a JSON object is no resource: nothing matches it.
                assert!(!yes && !no, "{f} on {r}");
            }
        }
    }
    // A non-date string on a dateTime attribute compares as a string.
    let f = Filter::parse(r#"meta.lastModified eq "not a date""#).unwrap();
    assert!(f.matches(&json!({"meta": {"lastModified": "NOT A DATE"}})));
}

#[test]
fn values_at_flattens_and_resolves() {
    let schemas = ResourceSchemas::user();
    let u = user();
    let at = |p: &str| eval::values_at(&u, &p.parse::<AttrPath>().unwrap(), &schemas);
    assert_eq!(at("emails.type"), [&json!("work"), &json!("home")]);
    assert_eq!(at("emails").len(), 2);
    assert_eq!(at("userName"), [&json!("bjensen@example.com")]);
    assert_eq!(at("nickName"), Vec::<&Value>::new());
    assert_eq!(at("nosuch"), Vec::<&Value>::new());
    assert_eq!(at("schemas").len(), 2);
    assert_eq!(
        at("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"),
        [&json!("26118915-6090-4610-87e4-49d8ca9f808d")]
    );
    assert_eq!(
        at("manager.value"),
        [&json!("26118915-6090-4610-87e4-49d8ca9f808d")]
    );
}

#[test]
fn compare_for_sort_orders_like_scim() {
    let schemas = ResourceSchemas::user();
    let user_name = schemas.attribute("userName");
    let last_modified = schemas.attribute("meta.lastModified");
    let id = schemas.attribute("id");
    assert_eq!(
        eval::compare_for_sort(&json!("alice"), &json!("Bob"), user_name),
        Ordering::Less
    );
    assert_eq!(
        eval::compare_for_sort(&json!("ALICE"), &json!("alice"), user_name),
        Ordering::Equal
    );
    assert_eq!(
        eval::compare_for_sort(&json!("B"), &json!("a"), id),
        Ordering::Less
    ); // caseExact
    assert_eq!(
        eval::compare_for_sort(&json!(9), &json!(10), None),
        Ordering::Less
    );
    assert_eq!(
        eval::compare_for_sort(&json!(false), &json!(true), None),
        Ordering::Less
    );
    assert_eq!(
        eval::compare_for_sort(
            &json!("2011-05-13T06:00:00+02:00"),
            &json!("2011-05-13T05:00:00Z"),
            last_modified
        ),
        Ordering::Less
    );
    // Null and absent sort last.
    assert_eq!(
        eval::compare_for_sort(&json!(null), &json!("a"), user_name),
        Ordering::Greater
    );
    assert_eq!(
        eval::compare_for_sort(&json!("a"), &json!([]), user_name),
        Ordering::Less
    );
    assert_eq!(
        eval::compare_for_sort(&json!(null), &json!(null), None),
        Ordering::Equal
    );
    // Multi-valued: the primary value, else the first; complex: its `value`.
    let emails = schemas.attribute("emails");
    let a = json!([{"value": "z@x"}, {"value": "a@x", "primary": true}]);
    let b = json!([{"value": "m@x"}]);
    assert_eq!(eval::compare_for_sort(&a, &b, emails), Ordering::Less);
    let a = json!([{"value": "z@x"}, {"value": "a@x"}]);
    assert_eq!(eval::compare_for_sort(&a, &b, emails), Ordering::Greater);
}

#[test]
fn validate_reports_invalid_filter_cases() {
    let schemas = ResourceSchemas::user();
    let v = |f: &str| eval::validate(&Filter::parse(f).unwrap(), &schemas);
    assert!(matches!(
        v("active gt true"),
        Err(ValidationError::OrderingOnBoolean { .. })
    ));
    assert!(matches!(
        v("emails[primary le false]"),
        Err(ValidationError::OrderingOnBoolean { .. })
    ));
    assert!(matches!(
        v(r#"x509Certificates.value ge "A""#),
        Err(ValidationError::OrderingOnBinary { .. })
    ));
    assert!(matches!(
        v(r#"name eq "x""#),
        Err(ValidationError::ComplexWithoutSubAttribute { .. })
    ));
    assert!(matches!(
        v(r#"userName pr and not (meta co "x")"#),
        Err(ValidationError::ComplexWithoutSubAttribute { .. })
    ));
    assert!(matches!(
        v(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "x""#),
        Err(ValidationError::ComplexWithoutSubAttribute { .. })
    ));
    let err = v("active lt true").unwrap_err();
    assert_eq!(err.scim_type(), ScimType::InvalidFilter);
    assert!(err.to_string().contains("active"));
    for ok in [
        "active eq true",
        "active ne false",
        r#"emails co "x""#,
        r#"emails[type eq "work"]"#,
        "name pr",
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"nosuch gt true"#,
        r#"x509Certificates.value eq "A""#,
    ] {
        assert_eq!(v(ok), Ok(()), "{ok}");
    }
}

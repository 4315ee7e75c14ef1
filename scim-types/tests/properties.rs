//! Property tests over Entra-shaped users and groups (feature `proptest`).
#![cfg(feature = "proptest")]
#![allow(clippy::unwrap_used)] // tests may unwrap (project guide)

use proptest::prelude::*;
use scim2_types::arbitrary::{group, user};
use scim2_types::{Group, User};
use serde_json::{Map, Value};

/// Changes the ASCII case of every object key (recursively) according to `mask` bits.
fn recase(value: &Value, mask: &mut impl Iterator<Item = u8>) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let key = match mask.next().unwrap_or(0) % 3 {
                        0 => k.to_ascii_uppercase(),
                        1 => k.to_ascii_lowercase(),
                        _ => k.clone(),
                    };
                    (key, recase(v, mask))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| recase(v, mask)).collect()),
        other => other.clone(),
    }
}

fn extension_content() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
        Just(Value::Null),
    ];
    let inner = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[A-Za-z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    prop::collection::btree_map("[A-Za-z]{1,8}", inner, 0..5)
        .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn user_survives_a_round_trip(u in user()) {
        let text = serde_json::to_string(&u).unwrap();
        prop_assert_eq!(User::from_json_str(&text).unwrap(), u);
    }

    #[test]
    fn generated_upns_and_emails_are_valid(upn in scim2_types::arbitrary::upn(), u in user()) {
        use scim2_types::address::{validate_email, validate_upn};
        prop_assert_eq!(validate_upn(&upn), Ok(()));
        prop_assert_eq!(validate_email(&upn), Ok(()));
        prop_assert_eq!(validate_upn(&u.user_name), Ok(()));
        for e in u.emails.iter().flatten() {
            prop_assert_eq!(validate_email(e.value.as_deref().unwrap_or_default()), Ok(()));
        }
    }

    #[test]
    fn group_survives_a_round_trip(g in group()) {
        let text = serde_json::to_string(&g).unwrap();
        prop_assert_eq!(Group::from_json_str(&text).unwrap(), g);
    }

    #[test]
    fn attribute_name_case_does_not_change_the_user(u in user(), mask in prop::collection::vec(any::<u8>(), 64)) {
        let json = serde_json::to_value(&u).unwrap();
        let recased = recase(&json, &mut mask.into_iter().cycle());
        prop_assert_eq!(User::from_value(&recased).unwrap(), u);
    }

    #[test]
    fn attribute_name_case_does_not_change_the_group(g in group(), mask in prop::collection::vec(any::<u8>(), 16)) {
        let json = serde_json::to_value(&g).unwrap();
        let recased = recase(&json, &mut mask.into_iter().cycle());
        prop_assert_eq!(Group::from_value(&recased).unwrap(), g);
    }

    /// An unknown extension survives, even when its URN is missing from `schemas` (as Entra
    /// sends custom extensions), and its URN is written into `schemas`.
    #[test]
    fn unknown_extensions_survive(u in user(), name in "[A-Z][A-Za-z]{2,12}", content in extension_content(), listed in any::<bool>()) {
        let urn = format!("urn:ietf:params:scim:schemas:extension:{name}:2.0:User");
        let mut json = serde_json::to_value(&u).unwrap();
        json[&urn] = content.clone();
        if listed {
            json["schemas"].as_array_mut().unwrap().push(Value::String(urn.clone()));
        }
        let read = User::from_value(&json).unwrap();
        prop_assert_eq!(&read.extensions[&urn], &content);
        let written = serde_json::to_value(&read).unwrap();
        prop_assert_eq!(&written[&urn], &content);
        let schemas = written["schemas"].as_array().unwrap();
        prop_assert_eq!(schemas.iter().filter(|s| s.as_str() == Some(urn.as_str())).count(), 1);
        prop_assert_eq!(User::from_value(&written).unwrap(), read);
    }

    #[test]
    fn unknown_group_extensions_survive(g in group(), content in extension_content()) {
        let urn = "urn:example:params:scim:schemas:extension:Acme:2.0:Group";
        let mut json = serde_json::to_value(&g).unwrap();
        json[urn] = content.clone();
        let read = Group::from_value(&json).unwrap();
        let written = serde_json::to_value(&read).unwrap();
        prop_assert_eq!(&written[urn], &content);
        prop_assert!(written["schemas"].as_array().unwrap().iter().any(|s| s == urn));
    }
}

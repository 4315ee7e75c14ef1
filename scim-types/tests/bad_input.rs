//! Bad input gives a typed error naming the JSON path, never a panic; sizes and nesting are
//! bounded.
#![allow(clippy::unwrap_used)] // tests may unwrap (project guide)

use proptest::prelude::*;
use scim2_types::read::{self, Limits, ReadError};
use scim2_types::{Group, ListResponse, PatchOp, User, urn};
use serde_json::{Value, json};

fn user_err(text: &str) -> ReadError {
    User::from_json_str(text).unwrap_err()
}

#[test]
fn wrong_type_names_the_path() {
    let e = user_err(r#"{"userName":"a","emails":[{"value":"a@x"},{"value":"b@x","primary":7}]}"#);
    assert_eq!(e.path(), "emails[1].primary");
    let text = e.to_string();
    assert!(
        text.starts_with("emails[1].primary: invalid type: integer `7`, expected a boolean"),
        "{text}"
    );
    assert_eq!(e.line(), 1);
    assert!(e.column() > 50);

    let e = user_err(r#"{"userName":"a","name":{"givenName":["Barbara"]}}"#);
    assert_eq!(e.path(), "name.givenName");

    let e = user_err(r#"{"userName":"a","active":"yes"}"#);
    assert_eq!(e.path(), "active");
    assert!(
        e.to_string().contains("invalid value: string \"yes\""),
        "{e}"
    );

    let e = user_err(&format!(
        r#"{{"userName":"a","{}":{{"manager":17}}}}"#,
        urn::ENTERPRISE_USER
    ));
    assert_eq!(e.path(), format!("{}.manager", urn::ENTERPRISE_USER));

    let e = user_err(r#"{"userName":"a","addresses":{"type":"work"}}"#);
    assert_eq!(e.path(), "addresses");

    let e = user_err(r#"{"userName":"a","meta":{"created":20100123}}"#);
    assert_eq!(e.path(), "meta.created");

    // Inside a list response.
    let e = read::from_str::<ListResponse<User>>(
        r#"{"totalResults":2,"Resources":[{"userName":"a"},{"userName":"b","emails":[{"primary":"maybe"}]}]}"#,
    )
    .unwrap_err();
    assert_eq!(e.path(), "Resources[1].emails[0].primary");

    // From a parsed value.
    let e =
        User::from_value(&json!({"userName": "a", "phoneNumbers": [{"value": 5}]})).unwrap_err();
    assert_eq!(e.path(), "phoneNumbers[0].value");
}

#[test]
fn required_attributes_are_required() {
    let e =
        user_err(r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"displayName":"x"}"#);
    assert!(e.to_string().contains("missing field `userName`"), "{e}");
    let e = user_err(r#"{"userName":null}"#);
    assert!(e.to_string().contains("missing field `userName`"), "{e}");
    let e = Group::from_json_str(r#"{"members":[]}"#).unwrap_err();
    assert!(e.to_string().contains("missing field `displayName`"), "{e}");
    let e = read::from_str::<PatchOp>(r#"{"schemas":[]}"#).unwrap_err();
    assert!(e.to_string().contains("Operations"), "{e}");
}

#[test]
fn duplicate_attributes_in_any_case_are_rejected() {
    let e = user_err(r#"{"userName":"a","USERNAME":"b"}"#);
    assert!(e.to_string().contains("duplicate field `userName`"), "{e}");
    let e = user_err(r#"{"userName":"a","name":{"givenName":"x","GIVENNAME":"y"}}"#);
    assert_eq!(e.path(), "name");
    assert!(e.to_string().contains("duplicate field `givenName`"), "{e}");
}

#[test]
fn not_json_or_not_an_object() {
    for text in [
        "",
        "nul",
        "[1,2]",
        "\"user\"",
        "{\"userName\":\"a\"",
        "{\"userName\":\"a\"} x",
        "\u{feff}{}",
    ] {
        assert!(User::from_json_str(text).is_err(), "{text:?}");
    }
    assert!(User::from_json_slice(b"{\"userName\":\"\xff\xfe\"}").is_err());
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [200, 100_000] {
        // In an unknown attribute (kept as JSON).
        let deep = format!(
            r#"{{"userName":"a","x":{}1{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let e = user_err(&deep);
        assert!(e.to_string().contains("recursion limit exceeded"), "{e}");
        // Unbalanced garbage.
        let garbage = format!(r#"{{"userName":"a","name":{}"#, "{\"a\":".repeat(depth));
        assert!(User::from_json_str(&garbage).is_err());
        // In a known attribute of the wrong shape.
        let e = user_err(&format!(
            r#"{{"userName":"a","emails":{}"#,
            "[".repeat(depth)
        ));
        assert!(!e.path().is_empty());
    }
    // Moderate nesting inside an extension is kept.
    let ok = format!(
        r#"{{"userName":"a","urn:x:ext":{{"v":{}1{}}}}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    let user = User::from_json_str(&ok).unwrap();
    assert!(user.extensions.contains_key("urn:x:ext"));
}

#[test]
fn ten_megabyte_strings() {
    let big = "x".repeat(10 * 1024 * 1024);
    // A valid document with a 10 MB value reads whole, without truncation.
    let user = User::from_json_str(&format!(r#"{{"userName":"{big}"}}"#)).unwrap();
    assert_eq!(user.user_name.len(), big.len());
    // Where an object is expected: a type error with the path.
    let e = user_err(&format!(r#"{{"userName":"a","name":"{big}"}}"#));
    assert_eq!(e.path(), "name");
    // Unterminated.
    assert!(User::from_json_str(&format!(r#"{{"userName":"{big}"#)).is_err());
    // A 10 MB key.
    let user = User::from_json_str(&format!(r#"{{"userName":"a","{big}":1}}"#)).unwrap();
    assert_eq!(user.extra.len(), 1);
    // The size bound.
    let limits = Limits {
        max_bytes: 1024 * 1024,
    };
    match read::from_str_with::<User>(&format!(r#"{{"userName":"{big}"}}"#), &limits) {
        Err(ReadError::TooLarge { size, limit }) => {
            assert!(size > 10 * 1024 * 1024);
            assert_eq!(limit, 1024 * 1024);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop_oneof!["[a-z]{0,6}", "True|False|true|false", ".{0,8}"].prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "userName|USERNAME|name|emails|active|primary|value|type|manager|members|displayName|schemas|meta|\\$ref",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                    "[a-z]{1,6}",
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary JSON never panics the readers; when it reads, it writes and reads back equal.
    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        if let Ok(user) = User::from_value(&value) {
            let again = User::from_value(&serde_json::to_value(&user).unwrap()).unwrap();
            prop_assert_eq!(again, user);
        }
        if let Ok(group) = Group::from_value(&value) {
            let again = Group::from_value(&serde_json::to_value(&group).unwrap()).unwrap();
            prop_assert_eq!(again, group);
        }
        let _ = read::from_value::<PatchOp>(&value);
        let _ = read::from_value::<ListResponse<User>>(&value);
    }

    /// Arbitrary bytes never panic the text reader.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        // Never panics; whatever reads writes back and reads back equal.
        if let Ok(user) = User::from_json_slice(&bytes) {
            let again = User::from_json_slice(&serde_json::to_vec(&user).unwrap()).unwrap();
            prop_assert_eq!(again, user);
        }
        if let Ok(group) = Group::from_json_slice(&bytes) {
            let again = Group::from_json_slice(&serde_json::to_vec(&group).unwrap()).unwrap();
            prop_assert_eq!(again, group);
        }
    }
}

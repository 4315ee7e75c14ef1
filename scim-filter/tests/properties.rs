//! Property tests: printing and parsing are inverse on arbitrary trees; evaluation agrees with
//! a straightforward reference evaluator on generated resources; the parser never panics.

#![allow(clippy::unwrap_used)] // tests may unwrap

use proptest::prelude::*;
use scim2_filter::{AttrPath, CompValue, CompareOp, Filter, PatchPath, ValuePath};
use std::sync::OnceLock;

use scim2_types::schema::ResourceSchemas;
use serde_json::{Number, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

// ---------------------------------------------------------------------------------------------
// Arbitrary trees.

fn attr_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9_-]{0,8}",
        Just("$ref".to_owned()),
        // Names that are also keywords.
        prop::sample::select(vec!["not", "and", "or", "pr", "eq", "true", "null"])
            .prop_map(str::to_owned),
    ]
}

fn uri() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("urn:ietf:params:scim:schemas:core:2.0:User".to_owned()),
        Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned()),
        "[a-z][a-z0-9]{0,4}(:[a-zA-Z0-9.]{1,5}){0,3}",
    ]
}

fn attr_path(sub: bool) -> impl Strategy<Value = AttrPath> {
    let sub_attr = if sub {
        prop::option::of(attr_name()).boxed()
    } else {
        Just(None).boxed()
    };
    (prop::option::of(uri()), attr_name(), sub_attr).prop_map(|(uri, name, sub_attr)| AttrPath {
        uri,
        name,
        sub_attr,
    })
}

fn comp_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        Just(CompValue::Null),
        any::<bool>().prop_map(CompValue::Bool),
        any::<i64>().prop_map(|n| CompValue::Number(n.into())),
        any::<u64>().prop_map(|n| CompValue::Number(n.into())),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(CompValue::Number),
        any::<String>().prop_map(CompValue::String),
        "[a-z\"\\\\/ \t\n\u{1}é😀]{0,10}".prop_map(CompValue::String),
    ]
}

fn compare_op() -> impl Strategy<Value = CompareOp> {
    prop::sample::select(CompareOp::ALL.to_vec())
}

fn leaf(allow_value_path: bool) -> BoxedStrategy<Filter> {
    let attr = prop_oneof![
        attr_path(true).prop_map(Filter::Present),
        (attr_path(true), compare_op(), comp_value())
            .prop_map(|(p, op, v)| Filter::Compare(p, op, v)),
    ];
    if !allow_value_path {
        return attr.boxed();
    }
    let inner = tree(false);
    prop_oneof![
        3 => attr,
        1 => (attr_path(false), inner).prop_map(|(attr, f)| Filter::ValuePath(ValuePath { attr, filter: Box::new(f) })),
    ]
    .boxed()
}

/// Arbitrary filters; inside a value path (`allow_value_path == false`) no nested value path.
fn tree(allow_value_path: bool) -> BoxedStrategy<Filter> {
    leaf(allow_value_path)
        .prop_recursive(4, 24, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(Filter::not),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Filter::and(a, b)),
                (inner.clone(), inner).prop_map(|(a, b)| Filter::or(a, b)),
            ]
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn print_then_parse_is_identity(f in tree(true)) {
        let printed = f.to_string();
        let parsed = Filter::parse(&printed);
        prop_assert_eq!(parsed.as_ref(), Ok(&f), "printed: {}", printed);
    }

    #[test]
    fn patch_paths_print_then_parse(attr in attr_path(true), vp in prop::option::of((attr_path(false), tree(false), prop::option::of(attr_name())))) {
        let p = match vp {
            None => PatchPath::Attr(attr),
            Some((attr, f, sub_attr)) => PatchPath::Value { value_path: ValuePath { attr, filter: Box::new(f) }, sub_attr },
        };
        let printed = p.to_string();
        prop_assert_eq!(PatchPath::parse(&printed), Ok(p), "printed: {}", printed);
    }
}

// ---------------------------------------------------------------------------------------------
// The parser never panics, and what it accepts round-trips.

fn check_text(text: &str) -> Result<(), TestCaseError> {
    if let Ok(f) = Filter::parse(text) {
        let printed = f.to_string();
        prop_assert_eq!(
            Filter::parse(&printed),
            Ok(f),
            "input {:?} printed {:?}",
            text,
            printed
        );
    }
    if let Ok(p) = PatchPath::parse(text) {
        prop_assert_eq!(PatchPath::parse(&p.to_string()), Ok(p));
    }
    let _ = AttrPath::parse(text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check_text(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        check_text(&s)?;
    }

    #[test]
    fn filter_like_strings_never_panic(s in r#"([a-zA-Z]{1,4}|[ \t]|[()\[\]."]|eq|pr|and|or|not|[0-9.eE+-]{1,4}|\\u?|"[a-z\\"]{0,3}"|:){0,24}"#) {
        check_text(&s)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation against a reference evaluator.

const STRINGS: [&str; 7] = ["alice", "Alice", "bob", "BOB", "carol", "", "b"];

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        pool_string(),
        prop::sample::select(UNICODE.to_vec()).prop_map(str::to_owned),
        "[aAßσςΣİi\u{307}ǅǆK\u{212A}é]{0,4}",
    ]
}

/// Users whose string attributes hold mixed-case and non-ASCII text.
fn unicode_resource() -> impl Strategy<Value = Value> {
    (
        any_text(),
        any_text(),
        any_text(),
        prop::collection::vec(any_text(), 0..3),
    )
        .prop_map(|(user_name, id, title, emails)| {
            let emails: Vec<Value> = emails.into_iter().map(|e| json!({"value": e})).collect();
            json!({"userName": user_name, "id": id, "title": title, "emails": emails})
        })
}
const DATES: [&str; 4] = [
    "2011-05-13T04:42:34Z",
    "2011-05-13T06:42:34+02:00",
    "2012-01-01T00:00:00.5Z",
    "2010-12-31T23:59:59Z",
];

fn pool_string() -> impl Strategy<Value = String> {
    prop::sample::select(STRINGS.to_vec()).prop_map(str::to_owned)
}

fn email() -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop::sample::select(vec!["work", "home", "WORK"])),
        prop::option::of(pool_string()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(t, v, p)| {
            let mut o = serde_json::Map::new();
            if let Some(t) = t {
                o.insert("type".into(), json!(t));
            }
            if let Some(v) = v {
                o.insert("value".into(), json!(v));
            }
            if let Some(p) = p {
                o.insert("primary".into(), json!(p));
            }
            Value::Object(o)
        })
}

fn resource() -> impl Strategy<Value = Value> {
    (
        prop::option::of(pool_string()),
        prop::option::of(pool_string()),
        prop::option::of(any::<bool>()),
        prop::option::of(0i64..4),
        prop::option::of(prop::collection::vec(email(), 0..3)),
        prop::option::of(pool_string()),
        prop::option::of(prop::sample::select(DATES.to_vec())),
        prop::option::of(pool_string()),
    )
        .prop_map(
            |(user_name, id, active, count, emails, given, modified, emp)| {
                let mut o = serde_json::Map::new();
                let mut put = |k: &str, v: Option<Value>| {
                    if let Some(v) = v {
                        o.insert(k.into(), v);
                    }
                };
                put("userName", user_name.map(Value::from));
                put("id", id.map(Value::from));
                put("active", active.map(Value::from));
                put("loginCount", count.map(Value::from));
                put("emails", emails.map(Value::from));
                put("name", given.map(|g| json!({"givenName": g})));
                put("meta", modified.map(|m| json!({"lastModified": m})));
                put(
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                    emp.map(|e| json!({"employeeNumber": e})),
                );
                Value::Object(o)
            },
        )
}

const PATHS: [&str; 13] = [
    "userName",
    "id",
    "active",
    "loginCount",
    "emails",
    "emails.value",
    "emails.type",
    "emails.primary",
    "name",
    "name.givenName",
    "meta.lastModified",
    "nosuch",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
];

fn eval_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        pool_string().prop_map(CompValue::String),
        prop::sample::select(DATES.to_vec()).prop_map(|d| CompValue::String(d.to_owned())),
        (0i64..4).prop_map(|n| CompValue::Number(n.into())),
        Just(CompValue::Number(Number::from_f64(1.5).unwrap())),
        any::<bool>().prop_map(CompValue::Bool),
        Just(CompValue::Null),
    ]
}

fn eval_leaf() -> impl Strategy<Value = Filter> {
    let path = prop::sample::select(PATHS.to_vec()).prop_map(|p| p.parse::<AttrPath>().unwrap());
    let elem_path = prop::sample::select(vec!["type", "value", "primary", "display"])
        .prop_map(|p| AttrPath::new(p, None));
    let elem_leaf = prop_oneof![
        elem_path.clone().prop_map(Filter::Present),
        (elem_path, compare_op(), eval_value()).prop_map(|(p, op, v)| Filter::Compare(p, op, v)),
    ];
    let elem_filter = elem_leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(Filter::not),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Filter::and(a, b)),
            (inner.clone(), inner).prop_map(|(a, b)| Filter::or(a, b)),
        ]
    });
    prop_oneof![
        2 => path.clone().prop_map(Filter::Present),
        6 => (path, compare_op(), eval_value()).prop_map(|(p, op, v)| Filter::Compare(p, op, v)),
        2 => elem_filter.prop_map(|f| Filter::value_path("emails", f)),
    ]
}

fn eval_filter() -> impl Strategy<Value = Filter> {
    eval_leaf().prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(Filter::not),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Filter::and(a, b)),
            (inner.clone(), inner).prop_map(|(a, b)| Filter::or(a, b)),
        ]
    })
}

/// What the reference evaluator knows of each attribute.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Str { case_exact: bool },
    Bool,
    DateTime,
    Complex,
    Unknown,
}

fn kind_of(path: &str) -> Kind {
    match path {
        "userName" | "name.givenName" | "emails.value" | "emails.type" | "emails.display" => {
            Kind::Str { case_exact: false }
        }
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber" => {
            Kind::Str { case_exact: false }
        }
        "id" => Kind::Str { case_exact: true },
        "active" | "emails.primary" => Kind::Bool,
        "meta.lastModified" => Kind::DateTime,
        "name" => Kind::Complex,
        _ => Kind::Unknown,
    }
}

/// The values at a path: plain lookups, arrays flattened, nulls dropped.
fn ref_values(object: &Value, path: &AttrPath) -> Vec<Value> {
    let container = match &path.uri {
        Some(uri) => object.get(uri.as_str()).cloned().unwrap_or(Value::Null),
        None => object.clone(),
    };
    let mut vals = match container.get(&path.name) {
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
        None => vec![],
    };
    if let Some(sub) = &path.sub_attr {
        vals = vals.iter().filter_map(|v| v.get(sub).cloned()).collect();
    }
    vals.into_iter().filter(|v| !v.is_null()).collect()
}

fn ref_present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(ref_present),
        Value::Object(o) => o.values().any(ref_present),
        _ => true,
    }
}

fn ref_compare(actual: &Value, kind: Kind, op: CompareOp, expected: &CompValue) -> bool {
    use CompareOp::*;
    let ord = |o: std::cmp::Ordering| match op {
        Eq => o.is_eq(),
        Ne => o.is_ne(),
        Gt => o.is_gt(),
        Ge => o.is_ge(),
        Lt => o.is_lt(),
        Le => o.is_le(),
        Co | Sw | Ew => false,
    };
    match (actual, expected) {
        (Value::String(a), CompValue::String(e)) => {
            let instants = (
                OffsetDateTime::parse(a, &Rfc3339),
                OffsetDateTime::parse(e, &Rfc3339),
            );
            if let (Kind::DateTime, (Ok(a), Ok(e))) = (kind, instants) {
                return ord(a.cmp(&e));
            }
            let (a, e) = if matches!(kind, Kind::Str { case_exact: true }) {
                (a.clone(), e.clone())
            } else {
                (a.to_lowercase(), e.to_lowercase())
            };
            match op {
                Co => a.contains(&e),
                Sw => a.starts_with(&e),
                Ew => a.ends_with(&e),
                _ => ord(a.cmp(&e)),
            }
        }
        (Value::Number(a), CompValue::Number(e)) => a
            .as_f64()
            .unwrap()
            .partial_cmp(&e.as_f64().unwrap())
            .is_some_and(ord),
        (Value::Bool(a), CompValue::Bool(e)) => match op {
            Eq => a == e,
            Ne => a != e,
            _ => false,
        },
        (Value::Object(_) | Value::Array(_), _) => false,
        _ => op == Ne,
    }
}

fn ref_eval(f: &Filter, object: &Value, in_email: bool) -> bool {
    match f {
        Filter::Present(p) => ref_values(object, p).iter().any(ref_present),
        Filter::Compare(p, op, v) => {
            let key = if in_email {
                format!("emails.{p}")
            } else {
                p.to_string()
            };
            let kind = kind_of(&key);
            if kind == Kind::Complex {
                return false;
            }
            ref_values(object, p).iter().any(|actual| {
                if key == "emails" {
                    // A multi-valued complex attribute compares its elements' `value`.
                    actual
                        .get("value")
                        .is_some_and(|inner| ref_compare(inner, kind_of("emails.value"), *op, v))
                } else {
                    ref_compare(actual, kind, *op, v)
                }
            })
        }
        Filter::ValuePath(vp) => ref_values(object, &vp.attr)
            .iter()
            .any(|e| e.is_object() && ref_eval(&vp.filter, e, true)),
        Filter::Not(inner) => !ref_eval(inner, object, in_email),
        Filter::And(a, b) => ref_eval(a, object, in_email) && ref_eval(b, object, in_email),
        Filter::Or(a, b) => ref_eval(a, object, in_email) || ref_eval(b, object, in_email),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn evaluation_agrees_with_the_reference(f in eval_filter(), resources in prop::collection::vec(resource(), 8)) {
        for r in &resources {
            prop_assert_eq!(f.matches(r), ref_eval(&f, r, false), "filter `{}` on {}", f, r);
        }
    }

    #[test]
    fn evaluation_never_panics_on_arbitrary_json(f in tree(true), value in json_value()) {
        let _ = f.matches(&value);
        let _ = scim2_filter::eval::matches_element(&f, &value, None);
    }

    /// A compiled filter answers as `matches_with` does, for the User and the Group schemas,
    /// on filters over SCIM attributes and on arbitrary filters over arbitrary JSON.
    #[test]
    fn compiled_evaluation_agrees_with_matches(
        scim in eval_filter(),
        any_filter in tree(true),
        resources in prop::collection::vec(resource(), 4),
        values in prop::collection::vec(json_value(), 4),
        texts in prop::collection::vec(unicode_resource(), 4),
        text in unicode_comparison(),
    ) {
        for schemas in [user_schemas(), group_schemas()] {
            for f in [&scim, &any_filter, &text] {
                let compiled = f.compile(schemas);
                for r in resources.iter().chain(&values).chain(&texts) {
                    prop_assert_eq!(
                        compiled.matches(r),
                        f.matches_with(r, schemas),
                        "filter `{}` on {}", f, r
                    );
                }
            }
        }
    }
}

fn user_schemas() -> &'static ResourceSchemas {
    static S: OnceLock<ResourceSchemas> = OnceLock::new();
    S.get_or_init(ResourceSchemas::user)
}

fn group_schemas() -> &'static ResourceSchemas {
    static S: OnceLock<ResourceSchemas> = OnceLock::new();
    S.get_or_init(ResourceSchemas::group)
}

/// A string comparison on a (case-insensitive, case-exact or unknown) attribute with a constant
/// from a pool of mixed-case and non-ASCII text, which the resources' values also come from.
fn unicode_comparison() -> impl Strategy<Value = Filter> {
    let path = prop::sample::select(vec!["userName", "id", "title", "nosuch", "emails.value"]);
    (path, compare_op(), any_text()).prop_map(|(p, op, t)| Filter::compare(p, op, t.as_str()))
}

const UNICODE: [&str; 8] = [
    "ΟΔΟΣ",
    "οδος",
    "Jürgen",
    "JÜRGEN",
    "İstanbul",
    "\u{212A}elvin",
    "Straße",
    "ǅemal",
];

/// Arbitrary JSON, with keys drawn from SCIM attribute names so that paths hit something.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "userName",
            "emails",
            "value",
            "type",
            "name",
            "givenName",
            "meta",
            "lastModified",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            "manager",
            "schemas",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z$]{1,4}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(Value::Number),
        prop::sample::select(DATES.to_vec()).prop_map(Value::from),
        ".{0,6}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// On Entra-shaped generated users, a filter built from one of the user's own values
    /// matches, and its negation does not.
    #[test]
    fn generated_users_match_their_own_values(user in scim2_types::arbitrary::user(), f in tree(true)) {
        let value = serde_json::to_value(&user).unwrap();
        let user_name = value["userName"].as_str().unwrap_or_default().to_owned();
        let own = Filter::eq("userName", user_name.to_ascii_uppercase().as_str());
        prop_assert!(own.matches(&value), "{} on {}", own, value);
        prop_assert!(!Filter::not(own).matches(&value));
        let id = Filter::eq("id", format!("{}x", value["id"].as_str().unwrap_or_default()));
        prop_assert!(!id.matches(&value));
        // Arbitrary filters never panic on generated users.
        let _ = f.matches(&value);
    }
}

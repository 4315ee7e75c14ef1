//! Random malformed requests (bodies, paths, filters, PATCH operations, query parameters):
//! every one gets an answer, never a 5xx or a panic, and every error is a SCIM Error with a
//! 4xx status and a `scimType` that RFC 7644 §3.12 Table 9 allows for it.

#![allow(clippy::unwrap_used)] // tests may unwrap

use http::{Method, StatusCode, header};
use proptest::prelude::*;
use scim2_server::store::MemoryStore;
use scim2_server::{ScimRequest, ScimResponse, ScimServer, ServerConfig};
use serde_json::{Value, json};

/// A server with one user (`u1`-like id) and one group, and their ids.
fn setup(rt: &tokio::runtime::Runtime) -> (ScimServer<MemoryStore>, String, String) {
    let s = ScimServer::new(MemoryStore::new(), ServerConfig::new());
    rt.block_on(async {
        let u = s
            .handle(ScimRequest::new(Method::POST, "/Users").with_json(
                &json!({"userName": "bjensen", "emails": [{"type": "work", "value": "b@x"}]}),
            ))
            .await
            .json_body()
            .unwrap();
        let uid = u["id"].as_str().unwrap().to_owned();
        let g = s
            .handle(
                ScimRequest::new(Method::POST, "/Groups")
                    .with_json(&json!({"displayName": "Staff", "members": [{"value": uid}]})),
            )
            .await
            .json_body()
            .unwrap();
        let gid = g["id"].as_str().unwrap().to_owned();
        (s, uid, gid)
    })
}

const SCIM_TYPES: &[&str] = &[
    "invalidFilter",
    "tooMany",
    "uniqueness",
    "mutability",
    "invalidSyntax",
    "invalidPath",
    "noTarget",
    "invalidValue",
    "invalidVers",
    "sensitive",
];

fn check(r: &ScimResponse, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !r.status.is_server_error(),
        "{what}: {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    if r.status.is_client_error() {
        let b = r.json_body().unwrap_or(Value::Null);
        prop_assert_eq!(
            r.header(&header::CONTENT_TYPE),
            Some("application/scim+json")
        );
        prop_assert_eq!(&b["schemas"][0], scim2_types::urn::ERROR, "{}: {}", what, b);
        prop_assert_eq!(&b["status"], &json!(r.status.as_str()), "{}: {}", what, b);
        let scim_type = b.get("scimType").and_then(Value::as_str);
        match r.status {
            StatusCode::BAD_REQUEST => prop_assert!(
                scim_type.is_some_and(|t| SCIM_TYPES.contains(&t)),
                "{}: 400 without a known scimType: {}",
                what,
                b
            ),
            StatusCode::CONFLICT => prop_assert_eq!(scim_type, Some("uniqueness"), "{}", what),
            _ => prop_assert!(scim_type.is_none(), "{}: {}", what, b),
        }
    }
    Ok(())
}

/// Text that looks like SCIM syntax: attribute names, operators, quotes, brackets, escapes.
fn scimish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "userName",
        "emails",
        "[",
        "]",
        "type",
        "eq",
        "ne",
        "co",
        "sw",
        "pr",
        "gt",
        "and",
        "or",
        "not",
        "(",
        ")",
        "\"",
        "\\\"",
        "\"work\"",
        " ",
        ".",
        "value",
        "members",
        "name.givenName",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        "true",
        "null",
        "12",
        "-1",
        "1e999",
        "%",
        "%FF",
        "\u{0}",
        "é",
        ":",
        ",",
        "{",
        "}",
    ]);
    prop::collection::vec(atoms, 0..12).prop_map(|v| v.concat())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        scimish().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((scimish(), inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn patch_body() -> impl Strategy<Value = Value> {
    let op = (
        prop::sample::select(vec!["add", "Replace", "remove", "copy", "", "REMOVE"]),
        prop::option::of(scimish()),
        prop::option::of(json_value()),
    )
        .prop_map(|(op, path, value)| {
            let mut o = serde_json::Map::new();
            o.insert("op".into(), json!(op));
            if let Some(p) = path {
                o.insert("path".into(), json!(p));
            }
            if let Some(v) = value {
                o.insert("value".into(), v);
            }
            Value::Object(o)
        });
    prop::collection::vec(op, 0..4)
        .prop_map(|ops| json!({"schemas": [scim2_types::urn::PATCH_OP], "Operations": ops}))
}

#[derive(Debug, Clone)]
enum Body {
    Bytes(Vec<u8>),
    Json(Value),
    Patch(Value),
}

fn body() -> impl Strategy<Value = Body> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64).prop_map(Body::Bytes),
        json_value().prop_map(Body::Json),
        patch_body().prop_map(Body::Patch),
        (scimish(), json_value()).prop_map(|(name, v)| Body::Json(
            json!({"userName": name, "displayName": name, "emails": v, "members": v})
        )),
    ]
}

#[derive(Debug, Clone)]
enum PathKind {
    Users,
    Groups,
    User,
    Group,
    Search,
    Other(String),
}

fn path() -> impl Strategy<Value = PathKind> {
    prop_oneof![
        Just(PathKind::Users),
        Just(PathKind::Groups),
        Just(PathKind::User),
        Just(PathKind::Group),
        Just(PathKind::Search),
        scimish().prop_map(|s| PathKind::Other(format!("/{s}"))),
        scimish().prop_map(|s| PathKind::Other(format!("/Users/{s}"))),
    ]
}

fn query() -> impl Strategy<Value = Option<String>> {
    let name = prop::sample::select(vec![
        "filter",
        "sortBy",
        "sortOrder",
        "startIndex",
        "count",
        "attributes",
        "excludedAttributes",
    ]);
    prop::option::of(
        prop::collection::vec((name, scimish()), 0..4).prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={}", percent(&v)))
                .collect::<Vec<_>>()
                .join("&")
        }),
    )
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn malformed_requests_get_scim_errors_never_500(
        method in prop::sample::select(vec![Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE]),
        path in path(),
        query in query(),
        body in body(),
        if_match in prop::option::of(prop::sample::select(vec!["*", "W/\"1\"", "garbage", ""])),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let (s, uid, gid) = setup(&rt);
        let path = match path {
            PathKind::Users => "/Users".to_owned(),
            PathKind::Groups => "/Groups/".to_owned(),
            PathKind::User => format!("/Users/{uid}"),
            PathKind::Group => format!("/Groups/{gid}"),
            PathKind::Search => "/.search".to_owned(),
            PathKind::Other(p) => p,
        };
        let bytes = match &body {
            Body::Bytes(b) => b.clone(),
            Body::Json(v) | Body::Patch(v) => v.to_string().into_bytes(),
        };
        let mut request = ScimRequest::new(method.clone(), path.clone()).with_body(bytes);
        request.query = query.clone();
        if let Some(tag) = if_match {
            request = request.with_header(header::IF_MATCH, http::HeaderValue::from_static(tag));
        }
        let what = format!("{method} {path} ?{query:?} {body:?}");
        let r = rt.block_on(s.handle(request));
        check(&r, &what)?;
    }
}

//! The behaviour of the server core through `ScimServer::handle` (and, with the `axum`
//! feature, through its router).

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::sync::Arc;

use http::{Method, StatusCode, header};
use scim2_filter::policy::Policy;
use scim2_server::store::{MemoryStore, ResourceKind};
use scim2_server::{ScimRequest, ScimResponse, ScimServer, ServerConfig};
use scim2_types::schema::Schema;
use serde_json::{Value, json};

const BASE: &str = "https://idp.example/scim/v2";
const CONTOSO: &str = "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User";

fn server() -> ScimServer<MemoryStore> {
    ScimServer::new(MemoryStore::new(), ServerConfig::new())
}

fn req(method: Method, path: &str) -> ScimRequest {
    ScimRequest::new(method, path).with_base_url(BASE)
}

fn post(path: &str, body: &Value) -> ScimRequest {
    req(Method::POST, path).with_json(body)
}

fn body(r: &ScimResponse) -> Value {
    r.json_body().unwrap_or(Value::Null)
}

/// Asserts a SCIM Error with `status` and `scim_type`.
fn assert_error(r: &ScimResponse, status: u16, scim_type: Option<&str>) {
    let b = body(r);
    assert_eq!(r.status.as_u16(), status, "{b}");
    assert_eq!(b["schemas"][0], scim2_types::urn::ERROR, "{b}");
    assert_eq!(b["status"], status.to_string(), "{b}");
    assert_eq!(b["scimType"].as_str(), scim_type, "{b}");
    assert_eq!(
        r.header(&header::CONTENT_TYPE),
        Some("application/scim+json")
    );
}

async fn create_user(s: &ScimServer<MemoryStore>, name: &str) -> Value {
    let r = s.handle(post("/Users", &json!({"userName": name}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", body(&r));
    body(&r)
}

async fn create_group(s: &ScimServer<MemoryStore>, name: &str, members: &[&Value]) -> ScimResponse {
    let members: Vec<Value> = members.iter().map(|u| json!({"value": u["id"]})).collect();
    s.handle(post(
        "/Groups",
        &json!({"displayName": name, "members": members}),
    ))
    .await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn create_answers_201_with_location_etag_and_meta() {
    let s = server();
    let r = s
        .handle(post(
            "/Users",
            &json!({"userName": "bjensen", "password": "x", "active": "False"}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let b = body(&r);
    let location = format!("{BASE}/Users/{}", id(&b));
    assert_eq!(r.header(&header::LOCATION), Some(location.as_str()));
    assert_eq!(b["meta"]["location"], location);
    assert_eq!(b["meta"]["resourceType"], "User");
    assert_eq!(r.header(&header::ETAG), b["meta"]["version"].as_str());
    assert_eq!(
        b["active"], false,
        "Entra's string boolean is read as a boolean"
    );
    assert!(b.get("password").is_none(), "returned: never");
    let got = s
        .handle(req(Method::GET, &format!("/Users/{}", id(&b))))
        .await;
    assert_eq!(body(&got)["userName"], "bjensen");
}

#[tokio::test]
async fn unique_names_conflict_in_any_letter_case() {
    let s = server();
    let a = create_user(&s, "bjensen").await;
    let r = s
        .handle(post("/Users", &json!({"userName": "BJENSEN"})))
        .await;
    assert_error(&r, 409, Some("uniqueness"));
    create_user(&s, "jsmith").await;
    let rename = s
        .handle(
            req(Method::PATCH, &format!("/Users/{}", id(&a))).with_json(&json!({
                "schemas": [scim2_types::urn::PATCH_OP],
                "Operations": [{"op": "replace", "path": "userName", "value": "JSmith"}]
            })),
        )
        .await;
    assert_error(&rename, 409, Some("uniqueness"));
    assert_eq!(
        create_group(&s, "Staff", &[]).await.status,
        StatusCode::CREATED
    );
    assert_error(
        &create_group(&s, "staff", &[]).await,
        409,
        Some("uniqueness"),
    );
}

#[tokio::test]
async fn members_must_be_users_and_deleted_users_leave_groups() {
    let s = server();
    let alice = create_user(&s, "alice").await;
    let bob = create_user(&s, "bob").await;
    let r = create_group(&s, "Staff", &[&alice, &bob, &alice]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let group = body(&r);
    assert_eq!(
        group["members"].as_array().unwrap().len(),
        2,
        "duplicates dropped"
    );
    let ghost = json!({"id": "no-such-user"});
    assert_error(
        &create_group(&s, "Ghosts", &[&ghost]).await,
        400,
        Some("invalidValue"),
    );
    let nested = create_group(&s, "Nested", &[&group]).await;
    assert_error(&nested, 400, Some("invalidValue"));
    assert!(
        body(&nested)["detail"]
            .as_str()
            .unwrap()
            .contains("is a group")
    );

    let gpath = format!("/Groups/{}", id(&group));
    let add_ghost = s
        .handle(req(Method::PATCH, &gpath).with_json(&json!({
            "schemas": [scim2_types::urn::PATCH_OP],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "no-such-user"}]}]
        })))
        .await;
    assert_error(&add_ghost, 400, Some("invalidValue"));

    let before = body(&s.handle(req(Method::GET, &gpath)).await)["meta"]["version"].clone();
    let del = s
        .handle(req(Method::DELETE, &format!("/Users/{}", id(&alice))))
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    let after = body(&s.handle(req(Method::GET, &gpath)).await);
    assert_eq!(after["members"], json!([{"value": id(&bob)}]));
    assert_ne!(
        after["meta"]["version"], before,
        "the group's version moves"
    );
    let gone = s
        .handle(req(Method::GET, &format!("/Users/{}", id(&alice))))
        .await;
    assert_error(&gone, 404, None);
}

#[tokio::test]
async fn etags_guard_writes_and_reads() {
    let s = server();
    let u = create_user(&s, "bjensen").await;
    let path = format!("/Users/{}", id(&u));
    let v1 = u["meta"]["version"].as_str().unwrap().to_owned();
    let not_modified = s
        .handle(req(Method::GET, &path).with_header(header::IF_NONE_MATCH, v1.parse().unwrap()))
        .await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert!(not_modified.body.is_empty());
    let put = s
        .handle(
            req(Method::PUT, &path)
                .with_header(header::IF_MATCH, v1.parse().unwrap())
                .with_json(&json!({"userName": "bjensen", "displayName": "Babs"})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    let v2 = body(&put)["meta"]["version"].as_str().unwrap().to_owned();
    assert_ne!(v1, v2);
    for request in [
        req(Method::PUT, &path).with_json(&json!({"userName": "bjensen"})),
        req(Method::PATCH, &path).with_json(&json!({
            "schemas": [scim2_types::urn::PATCH_OP],
            "Operations": [{"op": "replace", "path": "displayName", "value": "B"}]
        })),
        req(Method::DELETE, &path),
    ] {
        let stale = s
            .handle(request.with_header(header::IF_MATCH, v1.parse().unwrap()))
            .await;
        assert_error(&stale, 412, None);
    }
    let still = body(&s.handle(req(Method::GET, &path)).await);
    assert_eq!(
        still["displayName"], "Babs",
        "nothing written by a refused request"
    );
}

#[tokio::test]
async fn patch_users_answer_200_and_groups_204() {
    let s = server();
    let u = create_user(&s, "bjensen").await;
    let op = json!({
        "schemas": [scim2_types::urn::PATCH_OP],
        "Operations": [{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "b@x.org"}]
    });
    let r = s
        .handle(req(Method::PATCH, &format!("/Users/{}", id(&u))).with_json(&op))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", body(&r));
    assert_eq!(
        body(&r)["emails"],
        json!([{"type": "work", "value": "b@x.org"}])
    );
    let g = body(&create_group(&s, "Staff", &[]).await);
    let add = json!({
        "schemas": [scim2_types::urn::PATCH_OP],
        "Operations": [{"op": "Add", "path": "members", "value": [{"value": id(&u)}]}]
    });
    let r = s
        .handle(req(Method::PATCH, &format!("/Groups/{}", id(&g))).with_json(&add))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.header(&header::ETAG).is_some());

    let strict = ScimServer::new(
        MemoryStore::new(),
        ServerConfig::new().with_policy(Policy::strict()),
    );
    let u = create_user(&strict, "bjensen").await;
    let r = strict
        .handle(req(Method::PATCH, &format!("/Users/{}", id(&u))).with_json(&op))
        .await;
    assert_error(&r, 400, Some("invalidSyntax"));
}

#[tokio::test]
async fn queries_filter_sort_page_and_project() {
    let s = server();
    for name in ["carol", "alice", "bob", "dave"] {
        create_user(&s, name).await;
    }
    let list = |q: &str| req(Method::GET, "/Users").with_query(q);
    let r = body(
        &s.handle(list(
            "sortBy=userName&sortOrder=descending&startIndex=2&count=2&attributes=userName",
        ))
        .await,
    );
    assert_eq!(r["totalResults"], 4);
    assert_eq!(r["startIndex"], 2);
    let names: Vec<&str> = r["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["carol", "bob"]);
    assert!(r["Resources"][0].get("meta").is_none(), "projected");
    assert!(r["Resources"][0].get("id").is_some(), "returned: always");
    let none = body(&s.handle(list("filter=userName+eq+%22nobody%22")).await);
    assert_eq!(none["totalResults"], 0);
    assert_eq!(none["Resources"], json!([]));
    let count0 = body(&s.handle(list("count=0")).await);
    assert_eq!(
        (count0["totalResults"].clone(), count0["Resources"].clone()),
        (json!(4), json!([]))
    );

    let small = ScimServer::new(
        MemoryStore::new(),
        ServerConfig::new().with_page_sizes(2, 3),
    );
    for name in ["a", "b", "c", "d"] {
        create_user(&small, name).await;
    }
    let capped = body(&small.handle(list("count=100")).await);
    assert_eq!(capped["Resources"].as_array().unwrap().len(), 3);
    let default = body(&small.handle(list("")).await);
    assert_eq!(default["Resources"].as_array().unwrap().len(), 2);

    let g = body(&create_group(&s, "Staff", &[]).await);
    let search = s
        .handle(post(
            "/.search",
            &json!({
                "schemas": [scim2_types::urn::SEARCH_REQUEST],
                "filter": format!("id eq \"{}\" or userName eq \"alice\"", id(&g)),
                "excludedAttributes": ["members"]
            }),
        ))
        .await;
    let b = body(&search);
    assert_eq!(b["totalResults"], 2, "{b}");
    let types: Vec<&str> = b["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["meta"]["resourceType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["User", "Group"]);
}

#[tokio::test]
async fn discovery_follows_the_configuration() {
    let badge: Schema = serde_json::from_value(json!({
        "id": CONTOSO, "attributes": [{"name": "badge", "type": "integer"}]
    }))
    .unwrap();
    let s = ScimServer::new(
        MemoryStore::new(),
        ServerConfig::new()
            .with_user_extension(badge)
            .with_page_sizes(10, 20),
    );
    let spc = body(&s.handle(req(Method::GET, "/ServiceProviderConfig")).await);
    assert_eq!(spc["bulk"]["supported"], false);
    assert_eq!(spc["filter"]["maxResults"], 20);
    let schemas = body(&s.handle(req(Method::GET, "/Schemas")).await);
    assert_eq!(schemas["totalResults"], 4);
    let one = s
        .handle(req(Method::GET, &format!("/Schemas/{CONTOSO}")))
        .await;
    assert_eq!(body(&one)["attributes"][0]["name"], "badge");
    assert_eq!(
        body(&one)["meta"]["location"],
        format!("{BASE}/Schemas/{CONTOSO}")
    );
    let user_type = body(&s.handle(req(Method::GET, "/ResourceTypes/user")).await);
    let extensions: Vec<&str> = user_type["schemaExtensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["schema"].as_str().unwrap())
        .collect();
    assert_eq!(extensions, [scim2_types::urn::ENTERPRISE_USER, CONTOSO]);
    assert_error(
        &s.handle(req(Method::GET, "/Schemas/urn:nope")).await,
        404,
        None,
    );
    assert_error(&s.handle(post("/Bulk", &json!({}))).await, 501, None);
    // The declared extension's attribute is typed.
    let wrong = s
        .handle(post(
            "/Users",
            &json!({"userName": "a", CONTOSO: {"badge": "seven"}}),
        ))
        .await;
    assert_error(&wrong, 400, Some("invalidValue"));
    let right = s
        .handle(post(
            "/Users",
            &json!({"userName": "a", CONTOSO: {"badge": 7}}),
        ))
        .await;
    assert_eq!(body(&right)[CONTOSO]["badge"], 7);
}

#[tokio::test]
async fn bad_requests_get_scim_errors() {
    let s = server();
    let u = create_user(&s, "bjensen").await;
    let upath = format!("/Users/{}", id(&u));
    let cases: Vec<(ScimRequest, u16, Option<&str>)> = vec![
        (
            req(Method::POST, "/Users").with_body("{not json"),
            400,
            Some("invalidSyntax"),
        ),
        (post("/Users", &json!([1, 2])), 400, Some("invalidSyntax")),
        (
            post("/Users", &json!({"displayName": "no userName"})),
            400,
            Some("invalidValue"),
        ),
        (
            post(
                "/Users",
                &json!({"userName": "x", "emails": "not-an-array"}),
            ),
            400,
            Some("invalidValue"),
        ),
        (
            req(Method::GET, "/Users").with_query("filter=userName+eq"),
            400,
            Some("invalidFilter"),
        ),
        (
            req(Method::GET, "/Users").with_query("sortOrder=sideways"),
            400,
            Some("invalidValue"),
        ),
        (
            req(Method::GET, "/Users").with_query("count=ten"),
            400,
            Some("invalidValue"),
        ),
        (
            req(Method::PATCH, &upath).with_json(&json!({"Operations": "nope"})),
            400,
            Some("invalidSyntax"),
        ),
        (
            req(Method::PATCH, &upath).with_json(&json!({
                "schemas": [scim2_types::urn::PATCH_OP],
                "Operations": [{"op": "replace", "path": "emails[type eq", "value": "x"}]
            })),
            400,
            Some("invalidPath"),
        ),
        (req(Method::GET, "/Users/missing"), 404, None),
        (req(Method::GET, "/Me"), 404, None),
        (req(Method::DELETE, "/Users"), 405, None),
        (
            req(Method::GET, "/Users").with_header(header::ACCEPT, "text/html".parse().unwrap()),
            406,
            None,
        ),
        (
            post("/Users", &json!({"userName": "y"}))
                .with_header(header::CONTENT_TYPE, "text/plain".parse().unwrap()),
            415,
            None,
        ),
    ];
    for (request, status, scim_type) in cases {
        let what = format!("{} {} {:?}", request.method, request.path, request.query);
        let r = s.handle(request).await;
        assert_eq!(r.status.as_u16(), status, "{what}: {}", body(&r));
        assert_error(&r, status, scim_type);
    }
    let r = s.handle(req(Method::DELETE, "/Users")).await;
    assert_eq!(r.header(&header::ALLOW), Some("GET, POST"));
    let tiny = ScimServer::new(
        MemoryStore::new(),
        ServerConfig::new().with_max_body_bytes(16),
    );
    assert_error(
        &tiny
            .handle(post("/Users", &json!({"userName": "a-long-name"})))
            .await,
        413,
        None,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_member_additions_are_all_kept() {
    let s = server();
    let g = body(&create_group(&s, "Staff", &[]).await);
    let mut users = Vec::new();
    for i in 0..16 {
        users.push(id(&create_user(&s, &format!("user{i}")).await));
    }
    let gpath = Arc::new(format!("/Groups/{}", id(&g)));
    let tasks: Vec<_> = users
        .iter()
        .map(|u| {
            let (s, gpath) = (s.clone(), Arc::clone(&gpath));
            let op = json!({
                "schemas": [scim2_types::urn::PATCH_OP],
                "Operations": [{"op": "add", "path": "members", "value": [{"value": u}]}]
            });
            tokio::spawn(async move {
                s.handle(req(Method::PATCH, &gpath).with_json(&op))
                    .await
                    .status
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::NO_CONTENT);
    }
    let after = body(&s.handle(req(Method::GET, &gpath)).await);
    assert_eq!(after["members"].as_array().unwrap().len(), 16);
    assert_eq!(s.store().len(ResourceKind::Group), 1);
}

#[cfg(feature = "axum")]
mod router {
    use super::*;
    use axum::body::Body;
    use scim2_server::router::ScimRouter;
    use tower::ServiceExt;

    fn app(max_body: usize) -> axum::Router {
        let server = ScimServer::new(
            MemoryStore::new(),
            ServerConfig::new().with_max_body_bytes(max_body),
        );
        axum::Router::new().nest(
            "/scim/v2",
            ScimRouter::new(server, |t: &str| t == "s3cret").into_router(),
        )
    }

    async fn send(
        app: axum::Router,
        request: http::Request<Body>,
    ) -> (StatusCode, http::HeaderMap, Value) {
        let response = app.oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (
            parts.status,
            parts.headers,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    #[tokio::test]
    async fn bearer_tokens_body_limit_and_media_types() {
        let get = |auth: Option<&str>| {
            let mut b = http::Request::get("/scim/v2/Users").header(header::HOST, "idp.example");
            if let Some(a) = auth {
                b = b.header(header::AUTHORIZATION, a);
            }
            b.body(Body::empty()).unwrap()
        };
        for auth in [None, Some("Bearer wrong"), Some("Basic czNjcmV0")] {
            let (status, headers, b) = send(app(1024), get(auth)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
            assert_eq!(b["status"], "401");
            assert!(headers.contains_key(header::WWW_AUTHENTICATE));
        }
        let (status, headers, b) = send(app(1024), get(Some("bearer s3cret"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "application/scim+json");
        assert_eq!(b["totalResults"], 0);

        let create = |body: String, ct: &str| {
            http::Request::post("/scim/v2/Users/")
                .header(header::HOST, "idp.example")
                .header(header::AUTHORIZATION, "Bearer s3cret")
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body))
                .unwrap()
        };
        let (status, headers, b) = send(
            app(1024),
            create(
                json!({"userName": "a"}).to_string(),
                "application/scim+json; charset=utf-8",
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
        let location = headers[header::LOCATION].to_str().unwrap();
        assert!(
            location.starts_with("http://idp.example/scim/v2/Users/"),
            "{location}"
        );
        let big = json!({"userName": "a", "displayName": "x".repeat(2048)}).to_string();
        let (status, _, b) = send(app(1024), create(big, "application/json")).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(b["status"], "413");
    }
}

mod hooks {
    use super::*;
    use scim2_server::hooks::{Hooks, PatchContext, Write, WriteKind};
    use scim2_types::{PatchOp, PatchOpKind, ScimError};

    /// Drops `remove` operations and counts the writes of each resource.
    struct Quirky;

    impl Hooks for Quirky {
        fn apply_patch(
            &self,
            patch: &PatchContext<'_>,
            resource: &mut Value,
        ) -> Result<(), ScimError> {
            let kept: Vec<_> = patch
                .op
                .operations
                .iter()
                .filter(|o| o.op != PatchOpKind::Remove)
                .cloned()
                .collect();
            patch.apply(resource, &PatchOp::new(kept))
        }

        fn before_store(&self, write: &Write<'_>, resource: &mut Value) -> Result<(), ScimError> {
            if write.write == WriteKind::Replace && resource["displayName"] == "forbidden" {
                return Err(ScimError::new(
                    400,
                    Some(scim2_types::ScimType::Mutability),
                    "no",
                ));
            }
            let n = write
                .previous
                .and_then(|p| p["writes"].as_u64())
                .unwrap_or(0);
            resource["writes"] = (n + 1).into();
            Ok(())
        }
    }

    #[tokio::test]
    async fn hooks_change_patch_application_and_stored_resources() {
        let s = ScimServer::with_hooks(Arc::new(MemoryStore::new()), ServerConfig::new(), Quirky);
        let created = body(
            &s.handle(post("/Users", &json!({"userName": "a", "nickName": "n"})))
                .await,
        );
        assert_eq!(created["writes"], 1);
        let path = format!("/Users/{}", id(&created));
        let op = json!({
            "schemas": [scim2_types::urn::PATCH_OP],
            "Operations": [
                {"op": "remove", "path": "nickName"},
                {"op": "replace", "path": "displayName", "value": "A"}
            ]
        });
        let patched = body(&s.handle(req(Method::PATCH, &path).with_json(&op)).await);
        assert_eq!(patched["nickName"], "n", "the hook dropped the remove");
        assert_eq!(patched["displayName"], "A");
        assert_eq!(patched["writes"], 2);
        let refused = s
            .handle(
                req(Method::PUT, &path)
                    .with_json(&json!({"userName": "a", "displayName": "forbidden"})),
            )
            .await;
        assert_error(&refused, 400, Some("mutability"));
        let stored = body(&s.handle(req(Method::GET, &path)).await);
        assert_eq!(stored["displayName"], "A", "a refused write stores nothing");
    }
}

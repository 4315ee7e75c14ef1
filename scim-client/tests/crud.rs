//! CRUD round trips, ETags, PATCH with 200 and 204, discovery, against an in-memory endpoint.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::{Canned, Recorder, Script, TestUser, builder, serve};
use scim2_client::{Error, Projection, Query};
use scim2_filter::{AttrPath, Filter};
use scim2_types::{PatchOp, PatchOperation, Resource, ScimType};
use serde_json::{Value, json};

#[derive(Clone, Default)]
struct Store {
    users: Arc<Mutex<BTreeMap<String, Value>>>,
    next: Arc<AtomicU64>,
    patch_returns_body: Arc<AtomicBool>,
    last_query: Arc<Mutex<Option<String>>>,
}

fn scim(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [("content-type", "application/scim+json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

fn scim_error(status: StatusCode, scim_type: Option<&str>, detail: &str) -> Response {
    let mut b = json!({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": status.as_u16().to_string(), "detail": detail});
    if let Some(t) = scim_type {
        b["scimType"] = json!(t);
    }
    scim(status, &b)
}

fn bump(user: &mut Value, n: u64) {
    user["meta"] = json!({"version": format!("W/\"{n}\""), "resourceType": "User"});
}

fn precondition(headers: &HeaderMap, user: &Value) -> Option<Response> {
    let want = headers.get("if-match")?.to_str().ok()?;
    (user["meta"]["version"].as_str() != Some(want))
        .then(|| scim_error(StatusCode::PRECONDITION_FAILED, None, "version mismatch"))
}

async fn create(State(s): State<Store>, body: String) -> Response {
    let mut user: Value = match serde_json::from_str(&body) {
        Ok(v) => v,
        Err(_) => return scim_error(StatusCode::BAD_REQUEST, Some("invalidSyntax"), "bad json"),
    };
    let mut users = s.users.lock().unwrap();
    if users.values().any(|u| u["userName"] == user["userName"]) {
        return scim_error(StatusCode::CONFLICT, Some("uniqueness"), "userName taken");
    }
    let n = s.next.fetch_add(1, Ordering::SeqCst) + 1;
    let id = format!("id-{n}");
    user["id"] = json!(id);
    bump(&mut user, n);
    users.insert(id, user.clone());
    scim(StatusCode::CREATED, &user)
}

async fn list(State(s): State<Store>, RawQuery(q): RawQuery) -> Response {
    *s.last_query.lock().unwrap() = q.clone();
    let pairs: BTreeMap<String, String> =
        url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let users = s.users.lock().unwrap();
    let wanted = pairs
        .get("filter")
        .and_then(|f| f.strip_prefix("userName eq \""))
        .and_then(|f| f.strip_suffix('"'));
    let found: Vec<Value> = users
        .values()
        .filter(|u| wanted.is_none_or(|w| u["userName"] == w))
        .cloned()
        .collect();
    scim(
        StatusCode::OK,
        &json!({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": found.len(), "startIndex": 1, "itemsPerPage": found.len(),
                "Resources": found}),
    )
}

async fn read(State(s): State<Store>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Response {
    *s.last_query.lock().unwrap() = q;
    match s.users.lock().unwrap().get(&id) {
        Some(u) => scim(StatusCode::OK, u),
        None => scim_error(StatusCode::NOT_FOUND, None, "no such user"),
    }
}

async fn put(
    State(s): State<Store>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let mut users = s.users.lock().unwrap();
    let Some(current) = users.get(&id) else {
        return scim_error(StatusCode::NOT_FOUND, None, "no such user");
    };
    if let Some(r) = precondition(&headers, current) {
        return r;
    }
    let mut user: Value = serde_json::from_str(&body).unwrap();
    user["id"] = json!(id);
    bump(&mut user, s.next.fetch_add(1, Ordering::SeqCst) + 1);
    users.insert(id, user.clone());
    scim(StatusCode::OK, &user)
}

async fn patch(
    State(s): State<Store>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let op: PatchOp = serde_json::from_str(&body).unwrap();
    let mut users = s.users.lock().unwrap();
    let Some(user) = users.get_mut(&id) else {
        return scim_error(StatusCode::NOT_FOUND, None, "no such user");
    };
    if let Some(r) = precondition(&headers, user) {
        return r;
    }
    for o in &op.operations {
        match o.path.as_deref() {
            Some("active") => user["active"] = o.value.clone().unwrap_or(Value::Null),
            _ => return scim_error(StatusCode::BAD_REQUEST, Some("invalidPath"), "unsupported"),
        }
    }
    bump(user, s.next.fetch_add(1, Ordering::SeqCst) + 1);
    if s.patch_returns_body.load(Ordering::SeqCst) {
        scim(StatusCode::OK, user)
    } else {
        StatusCode::NO_CONTENT.into_response()
    }
}

async fn delete(State(s): State<Store>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let mut users = s.users.lock().unwrap();
    let Some(user) = users.get(&id) else {
        return scim_error(StatusCode::NOT_FOUND, None, "no such user");
    };
    if let Some(r) = precondition(&headers, user) {
        return r;
    }
    users.remove(&id);
    StatusCode::NO_CONTENT.into_response()
}

async fn spc() -> Response {
    scim(
        StatusCode::OK,
        &json!({"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
                "patch":{"supported":true},"filter":{"supported":true,"maxResults":200},
                "etag":{"supported":true}}),
    )
}

async fn schemas_as_array() -> Response {
    scim(
        StatusCode::OK,
        &json!([{"id":"urn:ietf:params:scim:schemas:core:2.0:User"},
                {"id":"urn:ietf:params:scim:schemas:core:2.0:Group"}]),
    )
}

async fn resource_types() -> Response {
    // Plain application/json is accepted too.
    (
        [("content-type", "application/json")],
        json!({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
               "totalResults":1,"Resources":[{"name":"User","endpoint":"/Users"}]})
        .to_string(),
    )
        .into_response()
}

async fn start() -> (String, Store) {
    let store = Store::default();
    let scim_routes = Router::new()
        .route("/Users", get(list).post(create))
        .route(
            "/Users/{id}",
            get(read).put(put).patch(patch).delete(delete),
        )
        .route("/ServiceProviderConfig", get(spc))
        .route("/Schemas", get(schemas_as_array))
        .route("/ResourceTypes", get(resource_types))
        .with_state(store.clone());
    let base = serve(Router::new().nest("/api/v2/scim", scim_routes)).await;
    (format!("{base}/api/v2/scim/"), store)
}

#[tokio::test]
async fn crud_round_trip() {
    let (base, store) = start().await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&base).observer(recorder.clone()).build().unwrap();

    let created = client.create(&TestUser::new("bjensen")).await.unwrap();
    let id = created.id.clone().unwrap();
    assert_eq!(created.user_name, "bjensen");
    assert_eq!(created.version(), Some("W/\"1\""));

    let dup = client.create(&TestUser::new("bjensen")).await.unwrap_err();
    assert_eq!(dup.status(), Some(StatusCode::CONFLICT));
    assert_eq!(dup.scim_type(), Some(&ScimType::Uniqueness));

    let got: TestUser = client
        .get(
            &id,
            &Projection::attributes([AttrPath::new("userName", None)]),
        )
        .await
        .unwrap();
    assert_eq!(got, created);
    assert_eq!(
        store.last_query.lock().unwrap().as_deref(),
        Some("attributes=userName")
    );

    let page = client
        .list::<TestUser>(&Query::new().filter(Filter::eq("userName", "bjensen")))
        .await
        .unwrap();
    assert_eq!(page.total_results, 1);
    assert_eq!(page.resources, vec![created.clone()]);
    assert_eq!(
        store.last_query.lock().unwrap().as_deref(),
        Some("filter=userName+eq+%22bjensen%22")
    );
    let none = client
        .list::<TestUser>(&Query::new().filter(Filter::eq("userName", "nobody")))
        .await
        .unwrap();
    assert_eq!(none.total_results, 0);
    assert!(none.resources.is_empty());

    let mut changed = got.clone();
    changed.active = Some(false);
    let replaced = client.replace(&changed).await.unwrap();
    assert_eq!(replaced.active, Some(false));
    assert_ne!(replaced.version(), got.version());

    client.delete::<TestUser>(&id).await.unwrap();
    let gone = client
        .get::<TestUser>(&id, &Projection::all())
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(StatusCode::NOT_FOUND));
    assert!(gone.to_string().contains("no such user"), "{gone}");

    // Every exchange was observed; the requests had the SCIM headers.
    let seen = recorder.all();
    assert_eq!(seen.len(), 8);
    let post = &seen[0];
    assert_eq!(post.method, http::Method::POST);
    assert_eq!(post.url.as_str(), format!("{base}Users"));
    assert_eq!(
        post.request_headers["content-type"],
        "application/scim+json"
    );
    assert_eq!(
        post.request_headers["accept"],
        "application/scim+json, application/json"
    );
    assert_eq!(
        post.request_headers["user-agent"],
        concat!("scim2-client/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(post.status, Some(StatusCode::CREATED));
    let sent: Value = serde_json::from_slice(&post.request_body).unwrap();
    assert_eq!(sent["userName"], "bjensen");
    assert_eq!(seen[0].attempt, 1);
}

#[tokio::test]
async fn patch_with_200_and_204() {
    let (base, store) = start().await;
    let client = builder(&base).build().unwrap();
    let u = client.create(&TestUser::new("patchy")).await.unwrap();
    let id = u.id.clone().unwrap();
    let op = PatchOp::new(vec![PatchOperation::replace(Some("active"), json!(false))]);

    let r: Option<TestUser> = client.patch(&id, &op).await.unwrap();
    assert_eq!(r, None, "204 gives None");

    store.patch_returns_body.store(true, Ordering::SeqCst);
    let op = PatchOp::new(vec![PatchOperation::replace(Some("active"), json!(true))]);
    let r: TestUser = client.patch(&id, &op).await.unwrap().unwrap();
    assert_eq!(r.active, Some(true));

    let bad = PatchOp::new(vec![PatchOperation::replace(Some("nickName"), json!("x"))]);
    let e = client.patch::<TestUser>(&id, &bad).await.unwrap_err();
    assert_eq!(e.scim_type(), Some(&ScimType::InvalidPath));
}

#[tokio::test]
async fn etags_send_if_match_and_412_is_typed() {
    let (base, _store) = start().await;
    let client = builder(&base).build().unwrap();
    let u = client.create(&TestUser::new("etag")).await.unwrap();
    let id = u.id.clone().unwrap();

    // A fresh version is accepted; the old one then fails with a typed 412.
    let mut v2 = u.clone();
    v2.active = Some(false);
    let v2 = client.replace_if_match(&v2).await.unwrap();
    let e = client.replace_if_match(&u).await.unwrap_err();
    assert!(matches!(e, Error::PreconditionFailed(_)), "{e:?}");
    assert!(e.to_string().contains("If-Match"), "{e}");

    let op = PatchOp::new(vec![PatchOperation::replace(Some("active"), json!(true))]);
    let stale = u.version().unwrap();
    let e = client
        .patch_if_match::<TestUser>(&id, stale, &op)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::PreconditionFailed(_)), "{e:?}");
    client
        .patch_if_match::<TestUser>(&id, v2.version().unwrap(), &op)
        .await
        .unwrap();

    let e = client
        .delete_if_match::<TestUser>(&id, stale)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::PRECONDITION_FAILED));

    let no_version = TestUser {
        meta: None,
        ..u.clone()
    };
    assert!(matches!(
        client.replace_if_match(&no_version).await.unwrap_err(),
        Error::MissingVersion { .. }
    ));
    assert!(matches!(
        client.replace(&TestUser::new("no-id")).await.unwrap_err(),
        Error::MissingId { .. }
    ));
}

#[tokio::test]
async fn discovery() {
    let (base, _store) = start().await;
    let client = builder(base.trim_end_matches('/')).build().unwrap();
    let spc = client.service_provider_config().await.unwrap();
    assert!(spc.patch_supported());
    assert_eq!(spc.filter.unwrap().max_results, Some(200));
    let raw: Value = client.get_json("/ServiceProviderConfig").await.unwrap();
    assert_eq!(raw["etag"]["supported"], true);
    let schemas = client.schemas().await.unwrap();
    assert_eq!(schemas.total_results, 2);
    assert_eq!(
        schemas.resources[1].id,
        "urn:ietf:params:scim:schemas:core:2.0:Group"
    );
    let types = client.resource_types().await.unwrap();
    assert_eq!(types.resources[0].endpoint.as_deref(), Some("/Users"));
}

#[tokio::test]
async fn discovery_lists_without_total_results() {
    // django-scim2 0.23 answers /Schemas and /ResourceTypes with a ListResponse that has no
    // `totalResults`; the resources are still read, their count standing in for the total.
    let script = Script::new(vec![
        Canned::new(
            200,
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "Resources":[{"id":"urn:ietf:params:scim:schemas:core:2.0:User"},
                             {"id":"urn:ietf:params:scim:schemas:core:2.0:Group"}]}"#,
        ),
        Canned::new(
            200,
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"startIndex":1,
                "Resources":[{"name":"User","endpoint":"/scim/v2/Users"}]}"#,
        ),
        Canned::new(200, r#"{"Resources":[{"id":7}]}"#),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let schemas = client.schemas().await.unwrap();
    assert_eq!(schemas.total_results, 2);
    assert_eq!(
        schemas.resources[1].id,
        "urn:ietf:params:scim:schemas:core:2.0:Group"
    );
    let types = client.resource_types().await.unwrap();
    assert_eq!(types.total_results, 1);
    assert_eq!(types.start_index, Some(1));
    assert_eq!(types.resources[0].name.as_deref(), Some("User"));
    // A resource of the wrong shape is still a decode error naming its path.
    let Error::Decode(d) = client.schemas().await.unwrap_err() else {
        panic!("expected a decode error")
    };
    assert_eq!(d.path, "Resources[0].id");
}

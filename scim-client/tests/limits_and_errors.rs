//! Body size limits, SCIM error bodies, non-JSON error pages, decode errors, content types.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::response::Response;
use axum::routing::get;
use common::{Canned, Recorder, Script, TestUser, builder, serve};
use http::StatusCode;
use scim2_client::{DEFAULT_MAX_BODY_BYTES, Error, Projection, Query};
use scim2_types::ScimType;

const MIB: usize = 1024 * 1024;

async fn huge_chunked() -> Response {
    // 50 MiB in 1 MiB chunks, no Content-Length: the limit must be enforced while reading.
    let chunk = Bytes::from(vec![b' '; MIB]);
    let chunks =
        futures::stream::iter((0..50).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    Response::builder()
        .header("content-type", "application/scim+json")
        .body(Body::from_stream(chunks))
        .unwrap()
}

async fn huge_declared() -> Response {
    Response::builder()
        .header("content-type", "application/scim+json")
        .body(Body::from(vec![b' '; 50 * MIB]))
        .unwrap()
}

#[tokio::test]
async fn fifty_mib_body_hits_the_default_limit() {
    let router = Router::new()
        .route("/chunked/Users", get(huge_chunked))
        .route("/declared/Users", get(huge_declared));
    let base = serve(router).await;
    for prefix in ["chunked", "declared"] {
        let recorder = Arc::new(Recorder::default());
        let client = builder(&format!("{base}/{prefix}"))
            .observer(recorder.clone())
            .build()
            .unwrap();
        let e = client.list::<TestUser>(&Query::new()).await.unwrap_err();
        let Error::BodyTooLarge { limit, .. } = &e else {
            panic!("{prefix}: {e:?}")
        };
        assert_eq!(*limit, DEFAULT_MAX_BODY_BYTES);
        assert!(e.to_string().contains("max_body_bytes"), "{e}");
        let seen = recorder.all();
        assert_eq!(seen.len(), 1, "{prefix}: a too-large body is not retried");
        assert!(seen[0].response_body.len() <= DEFAULT_MAX_BODY_BYTES);
        if prefix == "declared" {
            assert!(
                seen[0].response_body.is_empty(),
                "rejected from Content-Length"
            );
        }
    }
}

#[tokio::test]
async fn small_custom_limit() {
    let body = format!(r#"{{"id":"1","userName":"{}"}}"#, "x".repeat(2000));
    let script = Script::new(vec![Canned::new(200, &body)]);
    let base = script.serve().await;
    let client = builder(&base).max_body_bytes(1000).build().unwrap();
    let e = client
        .get::<TestUser>("1", &Projection::all())
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::BodyTooLarge { limit: 1000, .. }),
        "{e:?}"
    );
    let client = builder(&base).max_body_bytes(body.len()).build().unwrap();
    client
        .get::<TestUser>("1", &Projection::all())
        .await
        .unwrap();
}

#[tokio::test]
async fn scim_error_bodies_with_status_as_string_and_number() {
    for body in [
        r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName is taken"}"#,
        r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":409,"scimType":"uniqueness","detail":"userName is taken"}"#,
    ] {
        let script = Script::new(vec![Canned::new(409, body)]);
        let client = builder(&script.serve().await).build().unwrap();
        let e = client.create(&TestUser::new("bjensen")).await.unwrap_err();
        let r = e.response().unwrap();
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(r.scim_type, Some(ScimType::Uniqueness));
        assert_eq!(r.detail.as_deref(), Some("userName is taken"));
        assert_eq!(r.body_excerpt, None);
        let msg = e.to_string();
        assert!(
            msg.contains("409") && msg.contains("uniqueness") && msg.contains("userName is taken"),
            "{msg}"
        );
    }
}

#[tokio::test]
async fn non_json_error_page_is_kept_as_an_excerpt() {
    let page = format!(
        "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>{}</body></html>",
        "padding ".repeat(200)
    );
    let script = Script::new(vec![
        Canned::new(500, &page).header("content-type", "text/html"),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let e = client
        .get::<TestUser>("1", &Projection::all())
        .await
        .unwrap_err();
    let r = e.response().unwrap();
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.scim_type, None);
    let excerpt = r.body_excerpt.as_deref().unwrap();
    assert!(excerpt.starts_with("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>"));
    assert!(
        excerpt.ends_with('…') && excerpt.chars().count() < 400,
        "{excerpt}"
    );
}

#[tokio::test]
async fn unauthorized_and_forbidden_explain_themselves() {
    let script = Script::new(vec![
        Canned::new(401, r#"{"status":"401","detail":"Invalid token"}"#),
        Canned::new(403, "Forbidden").header("content-type", "text/plain"),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let e = client.list::<TestUser>(&Query::new()).await.unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("401") && m.contains("may have expired") && m.contains("Invalid token"),
        "{m}"
    );
    let e = client.list::<TestUser>(&Query::new()).await.unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("403") && m.contains("IP allowlist") && m.contains("Forbidden"),
        "{m}"
    );
}

#[tokio::test]
async fn decode_errors_name_the_json_path() {
    let script = Script::new(vec![Canned::new(
        200,
        r#"{"totalResults":2,"Resources":[{"id":"1","userName":"a"},{"id":"2","userName":17}]}"#,
    )]);
    let client = builder(&script.serve().await).build().unwrap();
    let e = client.list::<TestUser>(&Query::new()).await.unwrap_err();
    let Error::Decode(d) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(d.path, "Resources[1].userName");
    assert!(d.excerpt.contains("17"), "{}", d.excerpt);
    assert!(e.to_string().contains("Resources[1].userName"), "{e}");
}

#[tokio::test]
async fn content_types() {
    // JSON with parameters is accepted...
    for ct in [
        "application/json; charset=utf-8",
        "application/scim+json;charset=UTF-8",
        "application/json",
    ] {
        let script = Script::new(vec![
            Canned::new(200, r#"{"id":"1","userName":"a"}"#).header("content-type", ct),
        ]);
        let client = builder(&script.serve().await).build().unwrap();
        client
            .get::<TestUser>("1", &Projection::all())
            .await
            .unwrap();
    }
    // ...an HTML page served with 200 (a login page, a WAF) is not.
    let script = Script::new(vec![
        Canned::new(200, "<html>Sign in</html>").header("content-type", "text/html; charset=utf-8"),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let e = client
        .get::<TestUser>("1", &Projection::all())
        .await
        .unwrap_err();
    let Error::UnexpectedContentType {
        content_type,
        excerpt,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(excerpt, "<html>Sign in</html>");
}

#[tokio::test]
async fn redirects_are_reported_not_followed() {
    let script = Script::new(vec![
        Canned::new(301, "").header("location", "https://new.example.com/scim/v2/Users"),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let e = client.list::<TestUser>(&Query::new()).await.unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::MOVED_PERMANENTLY));
    assert_eq!(
        e.response().unwrap().location.as_deref(),
        Some("https://new.example.com/scim/v2/Users")
    );
    let m = e.to_string();
    assert!(
        m.contains("not followed") && m.contains("https://new.example.com"),
        "{m}"
    );
    assert_eq!(script.hits(), 1);
}

//! `send_raw`: exact wire forms, still through auth, retries and the observer.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{Canned, Recorder, Script, builder};
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Method, StatusCode};
use scim2_client::{RawRequest, Secret};

#[tokio::test]
async fn entra_first_call_wire_form() {
    let script = Script::new(vec![Canned::new(
        200,
        r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}"#,
    )]);
    let base = script.serve().await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&format!("{base}/scim/v2/"))
        .bearer(Secret::from("tok-123"))
        .observer(recorder.clone())
        .build()
        .unwrap();
    let resp = client
        .send_raw(
            RawRequest::new(Method::GET, "/Users")
                .query("filter=userName+eq+%22x%22")
                .without_accept()
                .without_user_agent(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::OK);
    let v: serde_json::Value = resp.json().unwrap();
    assert_eq!(v["totalResults"], 0);

    let got = &script.received()[0];
    assert_eq!(got.method, Method::GET);
    assert_eq!(got.uri.path(), "/scim/v2/Users");
    assert_eq!(got.uri.query(), Some("filter=userName+eq+%22x%22"));
    let mut names: Vec<&str> = got.headers.keys().map(http::HeaderName::as_str).collect();
    names.sort_unstable();
    if common::via_reqwest() {
        // Documented: reqwest adds `Accept: */*`, which is why exact replays keep the
        // default transport.
        assert_eq!(names, ["accept", "authorization", "host"]);
        assert_eq!(got.headers["accept"], "*/*");
    } else {
        assert_eq!(
            names,
            ["authorization", "host"],
            "nothing but auth and Host"
        );
    }
    assert_eq!(got.headers["authorization"], "Bearer tok-123");

    // The observer saw the same headers, the token redacted.
    let ex = &recorder.all()[0];
    assert_eq!(ex.request_headers["authorization"], "Bearer ***");
    assert!(ex.request_headers.get("accept").is_none());
    assert!(ex.request_headers.get("user-agent").is_none());
    assert_eq!(ex.url.query(), Some("filter=userName+eq+%22x%22"));
}

#[tokio::test]
async fn raw_body_and_content_type_are_sent_as_given() {
    let script = Script::new(vec![Canned::new(204, "")]);
    let client = builder(&script.serve().await).build().unwrap();
    // Entra's legacy PATCH: capitalised op, string boolean, odd spacing: not re-serialized.
    let body = b"{ \"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\n  \"Operations\": [{\"op\": \"Replace\", \"path\": \"active\", \"value\": \"False\"}] }";
    let resp = client
        .send_raw(
            RawRequest::new(Method::PATCH, "Users/abc")
                .body(&body[..])
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/scim+json; charset=utf-8"),
                ),
        )
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::NO_CONTENT);
    let got = &script.received()[0];
    assert_eq!(got.body, body.to_vec());
    assert_eq!(
        got.headers["content-type"],
        "application/scim+json; charset=utf-8"
    );
    assert_eq!(got.headers["content-length"], body.len().to_string());
    assert_eq!(
        got.headers["accept"],
        "application/scim+json, application/json"
    );
    assert!(
        got.headers["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("scim2-client/")
    );
}

#[tokio::test]
async fn raw_error_statuses_are_returned_and_retries_still_apply() {
    let script = Script::new(vec![
        Canned::new(503, ""),
        Canned::new(404, r#"{"status":"404","detail":"nope"}"#),
    ]);
    let recorder = Arc::new(Recorder::default());
    let client = builder(&script.serve().await)
        .observer(recorder.clone())
        .build()
        .unwrap();
    let resp = client
        .send_raw(RawRequest::new(Method::GET, "/Users/missing"))
        .await
        .unwrap();
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert_eq!(resp.attempts, 2);
    assert!(resp.text().contains("nope"));
    assert_eq!(recorder.all().len(), 2);

    // POST raw is not retried unless declared idempotent.
    let script = Script::new(vec![
        Canned::new(503, ""),
        Canned::new(503, ""),
        Canned::new(200, "{}"),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let r = client
        .send_raw(RawRequest::new(Method::POST, "/Users").body("{}"))
        .await
        .unwrap();
    assert_eq!(
        (r.status, script.hits()),
        (StatusCode::SERVICE_UNAVAILABLE, 1)
    );
    let r = client
        .send_raw(
            RawRequest::new(Method::POST, "/Users/.search")
                .body("{}")
                .idempotent(true),
        )
        .await
        .unwrap();
    assert_eq!((r.status, script.hits()), (StatusCode::OK, 3));
}

#[tokio::test]
async fn auth_schemes_reach_the_server() {
    let script = Script::new(vec![Canned::new(200, "{}")]);
    let base = script.serve().await;
    let basic = builder(&base)
        .basic("admin", Secret::from("pa:ss"))
        .build()
        .unwrap();
    basic
        .send_raw(RawRequest::new(Method::GET, "/"))
        .await
        .unwrap();
    let custom = builder(&base)
        .header("X-Api-Key", Secret::from("k-1"))
        .build()
        .unwrap();
    custom
        .send_raw(RawRequest::new(Method::GET, "/"))
        .await
        .unwrap();
    let got = script.received();
    // base64("admin:pa:ss")
    assert_eq!(got[0].headers["authorization"], "Basic YWRtaW46cGE6c3M=");
    assert_eq!(got[1].headers["x-api-key"], "k-1");
    assert!(got[1].headers.get("authorization").is_none());
    assert!(
        builder(&base)
            .basic("a:b", Secret::from("x"))
            .build()
            .is_err()
    );
    assert!(
        builder(&base)
            .header("bad header", Secret::from("x"))
            .build()
            .is_err()
    );
}

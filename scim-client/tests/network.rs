//! Real network paths: an HTTP proxy (CONNECT tunnel for https, absolute form for http), a
//! private CA given as a file, and mutual TLS. All on 127.0.0.1.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::get;
use scim2_client::{Client, Error, Proxy, RetryPolicy, TrustRoots};
use scim2_interop_support::net::{TestPki, TestProxy, serve_tls};
use serde_json::{Value, json};

fn endpoint() -> Router {
    Router::new().route(
        "/scim/ServiceProviderConfig",
        get(|headers: HeaderMap| async move {
            // Proxy credentials must never reach the endpoint.
            let leaked = headers.contains_key("proxy-authorization");
            axum::Json(json!({ "patch": { "supported": !leaked } }))
        }),
    )
}

async fn probe(client: &Client) -> Result<bool, Error> {
    let v: Value = client.get_json("/ServiceProviderConfig").await?;
    Ok(v["patch"]["supported"] == json!(true))
}

fn builder(base: &str) -> scim2_client::ClientBuilder {
    Client::builder(base).retry(RetryPolicy::none())
}

#[tokio::test]
async fn https_through_a_connect_proxy_with_a_ca_file() {
    let pki = TestPki::new();
    let base = format!("{}/scim", serve_tls(endpoint(), &pki, false).await);
    let proxy = TestProxy::start(Some("alice:s3cr3t")).await;
    let authority = base
        .trim_start_matches("https://")
        .trim_end_matches("/scim");
    let proxy_url = proxy.url.replace("http://", "http://alice:s3cr3t@");
    let client = builder(&base)
        .proxy(Proxy::url(&proxy_url).unwrap())
        .ca_file(&pki.ca_file)
        .build()
        .unwrap();
    assert!(probe(&client).await.unwrap());
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].line, format!("CONNECT {authority} HTTP/1.1"));
    assert_eq!(seen[0].auth.as_deref(), Some("Basic YWxpY2U6czNjcjN0"));
    assert!(!format!("{client:?}").contains("s3cr3t"), "{client:?}");

    // Wrong credentials: the proxy answers 407, and the message names the proxy, not the
    // password.
    let wrong = proxy.url.replace("http://", "http://alice:wrong@");
    let client = builder(&base)
        .proxy(Proxy::url(&wrong).unwrap())
        .ca_file(&pki.ca_file)
        .build()
        .unwrap();
    let e = probe(&client).await.unwrap_err();
    let m = e.to_string();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(
        m.contains(&format!("through the proxy {}", proxy.url)),
        "{m}"
    );
    assert!(m.contains("proxy authorization required"), "{m}");
    assert!(!m.contains("wrong"), "{m}");
}

#[tokio::test]
async fn no_proxy_hosts_are_reached_directly() {
    let pki = TestPki::new();
    let base = format!("{}/scim", serve_tls(endpoint(), &pki, false).await);
    let proxy = TestProxy::start(None).await;
    let client = builder(&base)
        .proxy(
            Proxy::url(&proxy.url)
                .unwrap()
                .no_proxy("localhost,127.0.0.1"),
        )
        .ca_file(&pki.ca_file)
        .build()
        .unwrap();
    assert!(probe(&client).await.unwrap());
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
    let client = builder(&base)
        .proxy(Proxy::none())
        .ca_file(&pki.ca_file)
        .build()
        .unwrap();
    assert!(probe(&client).await.unwrap());
    assert!(proxy.requests().is_empty());
}

#[tokio::test]
async fn http_goes_through_the_proxy_in_absolute_form() {
    let base = format!("{}/scim", common::serve(endpoint()).await);
    let proxy = TestProxy::start(Some("bob:pw")).await;
    let client = builder(&base)
        .proxy(Proxy::url(&proxy.url.replace("http://", "http://bob:pw@")).unwrap())
        .build()
        .unwrap();
    // The forwarding proxy passes every header on, Proxy-Authorization included: the test
    // endpoint answers false if it sees it, which a real proxy would strip.
    probe(&client).await.unwrap();
    let seen = proxy.requests();
    assert_eq!(
        seen[0].line,
        format!("GET {base}/ServiceProviderConfig HTTP/1.1")
    );
    assert_eq!(seen[0].auth.as_deref(), Some("Basic Ym9iOnB3"));
}

#[tokio::test]
async fn an_unknown_ca_is_named_as_a_certificate_problem() {
    let pki = TestPki::new();
    let base = format!("{}/scim", serve_tls(endpoint(), &pki, false).await);
    let client = builder(&base)
        .proxy(Proxy::none())
        .trust_roots(TrustRoots::CaFilesOnly)
        .build()
        .unwrap();
    let e = probe(&client).await.unwrap_err();
    let m = e.to_string();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(m.to_lowercase().contains("certificate"), "{m}");

    let e = builder(&base)
        .ca_file(pki.dir().join("missing.pem"))
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.pem"), "{e}");
    let e = builder(&base)
        .ca_file(&pki.client_key)
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("no PEM certificate"), "{e}");
}

#[tokio::test]
async fn mutual_tls_needs_the_right_client_certificate() {
    let pki = TestPki::new();
    let base = format!("{}/scim", serve_tls(endpoint(), &pki, true).await);
    let without = builder(&base)
        .proxy(Proxy::none())
        .ca_file(&pki.ca_file)
        .build()
        .unwrap();
    assert!(probe(&without).await.is_err());
    let stranger = builder(&base)
        .proxy(Proxy::none())
        .ca_file(&pki.ca_file)
        .client_identity_files(&pki.stranger_cert, &pki.stranger_key)
        .build()
        .unwrap();
    assert!(probe(&stranger).await.is_err());
    let with = builder(&base)
        .proxy(Proxy::none())
        .ca_file(&pki.ca_file)
        .client_identity_files(&pki.client_cert, &pki.client_key)
        .build()
        .unwrap();
    assert!(probe(&with).await.unwrap());
    // The key never shows in Debug output.
    let key = std::fs::read_to_string(&pki.client_key).unwrap();
    let line = key.lines().nth(1).unwrap();
    assert!(!format!("{with:?}").contains(line));
}

mod oauth {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use axum::routing::{get, post};
    use scim2_client::{ClientCredentials, Secret};

    use super::*;

    #[derive(Default)]
    struct Issuer {
        issued: AtomicUsize,
        /// `expires_in` of the tokens issued (seconds).
        lifetime: AtomicUsize,
        /// The token the SCIM endpoint accepts; `None` = the latest issued.
        accepted: Mutex<Option<String>>,
        forms: Mutex<Vec<(String, String)>>,
    }

    async fn token(
        State(st): State<Arc<Issuer>>,
        headers: HeaderMap,
        body: String,
    ) -> axum::response::Response {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        st.forms.lock().unwrap().push((auth.clone(), body.clone()));
        // base64("client-1:s3cr3t")
        if auth != "Basic Y2xpZW50LTE6czNjcjN0" {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": "invalid_client", "error_description": "bad secret"})),
            )
                .into_response();
        }
        let n = st.issued.fetch_add(1, Ordering::SeqCst) + 1;
        axum::Json(
            json!({"access_token": format!("tok-{n}"), "token_type": "Bearer",
                "expires_in": st.lifetime.load(Ordering::SeqCst)}),
        )
        .into_response()
    }

    async fn scim(State(st): State<Arc<Issuer>>, headers: HeaderMap) -> axum::response::Response {
        let want = st
            .accepted
            .lock()
            .unwrap()
            .clone()
            .unwrap_or_else(|| format!("tok-{}", st.issued.load(Ordering::SeqCst)));
        let got = headers.get("authorization").and_then(|v| v.to_str().ok());
        if got == Some(format!("Bearer {want}").as_str()) {
            axum::Json(json!({"patch": {"supported": true}})).into_response()
        } else {
            StatusCode::UNAUTHORIZED.into_response()
        }
    }

    #[tokio::test]
    async fn client_credentials_fetch_cache_and_refresh_once_on_401() {
        let st = Arc::new(Issuer::default());
        st.lifetime.store(3600, Ordering::SeqCst);
        let app = Router::new()
            .route("/oauth2/token", post(token))
            .route("/scim/ServiceProviderConfig", get(scim))
            .with_state(Arc::clone(&st));
        let root = common::serve(app).await;
        let recorder = Arc::new(common::Recorder::default());
        let creds = ClientCredentials::new(
            format!("{root}/oauth2/token"),
            "client-1",
            Secret::new("s3cr3t".into()),
        )
        .scope("scim.read");
        let client = builder(&format!("{root}/scim"))
            .oauth_client_credentials(creds.clone())
            .observer(recorder.clone())
            .build()
            .unwrap();
        for _ in 0..3 {
            assert!(probe(&client).await.unwrap());
        }
        assert_eq!(st.issued.load(Ordering::SeqCst), 1, "the token is cached");
        let (_, form) = st.forms.lock().unwrap()[0].clone();
        assert_eq!(form, "grant_type=client_credentials&scope=scim.read");

        // The endpoint stops accepting tok-1 (revoked): one 401, one new token, success.
        *st.accepted.lock().unwrap() = Some("tok-2".into());
        assert!(probe(&client).await.unwrap());
        assert_eq!(st.issued.load(Ordering::SeqCst), 2);

        // An endpoint that refuses every token: exactly one refresh, then the 401 error.
        *st.accepted.lock().unwrap() = Some("never".into());
        let e = probe(&client).await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(401), "{e}");
        assert_eq!(st.issued.load(Ordering::SeqCst), 3);

        // A token about to expire (within the refresh margin) is replaced before use.
        *st.accepted.lock().unwrap() = None;
        st.lifetime.store(0, Ordering::SeqCst);
        let short = builder(&format!("{root}/scim"))
            .oauth_client_credentials(creds.clone())
            .build()
            .unwrap();
        let before = st.issued.load(Ordering::SeqCst);
        assert!(probe(&short).await.unwrap());
        assert!(probe(&short).await.unwrap());
        assert_eq!(st.issued.load(Ordering::SeqCst), before + 2);

        // Neither the secret nor a token reaches Debug output or the observer.
        let shown = format!("{client:?} {creds:?} {:?}", recorder.all());
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("tok-"),
            "{shown}"
        );

        // A refused client secret: the endpoint's error, not the secret.
        let bad = builder(&format!("{root}/scim"))
            .oauth_client_credentials(ClientCredentials::new(
                format!("{root}/oauth2/token"),
                "client-1",
                Secret::new("wrong-secret".into()),
            ))
            .build()
            .unwrap();
        let m = probe(&bad).await.unwrap_err().to_string();
        assert!(m.contains("invalid_client: bad secret"), "{m}");
        assert!(!m.contains("wrong-secret"), "{m}");
    }
}

//! Shared helpers for the integration tests: small resource types and local servers.
#![allow(dead_code, missing_docs, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use scim2_client::{Client, ClientBuilder, Exchange, Observer, RetryPolicy};
use scim2_types::Resource;
use serde::{Deserialize, Serialize};

/// A minimal User for tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub user_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<TestMeta>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl TestUser {
    pub fn new(user_name: &str) -> Self {
        Self {
            id: None,
            user_name: user_name.to_owned(),
            active: Some(true),
            meta: None,
        }
    }
}

impl Resource for TestUser {
    const ENDPOINT: &'static str = "/Users";
    const SCHEMA: &'static str = "urn:ietf:params:scim:schemas:core:2.0:User";
    const RESOURCE_TYPE: &'static str = "User";
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn version(&self) -> Option<&str> {
        self.meta.as_ref().and_then(|m| m.version.as_deref())
    }
}

/// Serves `router` on 127.0.0.1 (any free port) and returns `http://127.0.0.1:PORT`.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    format!("http://{addr}")
}

/// Small, fast retries for tests.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(max_attempts)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .max_total_wait(Duration::from_secs(5))
}

/// The environment variable that runs the suite through another transport:
/// `SCIM2_CLIENT_TEST_TRANSPORT=reqwest` (with the `reqwest` feature).
pub const TRANSPORT_ENV: &str = "SCIM2_CLIENT_TEST_TRANSPORT";

/// Whether the suite runs through the reqwest transport.
pub fn via_reqwest() -> bool {
    cfg!(feature = "reqwest") && std::env::var(TRANSPORT_ENV).is_ok_and(|v| v == "reqwest")
}

pub fn builder(base: &str) -> ClientBuilder {
    let b = Client::builder(base).retry(fast_retry(3));
    #[cfg(feature = "reqwest")]
    if via_reqwest() {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        return b.transport(Arc::new(scim2_client::ReqwestTransport::new(http)));
    }
    b
}

/// Records every exchange.
#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<Exchange>>);

impl Observer for Recorder {
    fn exchange(&self, ex: &Exchange) {
        self.0.lock().unwrap().push(ex.clone());
    }
}

impl Recorder {
    pub fn all(&self) -> Vec<Exchange> {
        self.0.lock().unwrap().clone()
    }
}

/// One canned response.
#[derive(Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
}

impl Canned {
    pub fn new(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/scim+json".into())],
            body: body.to_owned(),
            delay: Duration::ZERO,
        }
    }
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.to_owned()));
        self
    }
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// What a scripted server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A server answering every request with the next canned response (the last one repeats).
#[derive(Clone, Default)]
pub struct Script {
    pub responses: Arc<Mutex<VecDeque<Canned>>>,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub hits: Arc<AtomicUsize>,
}

impl Script {
    pub fn new(responses: Vec<Canned>) -> Self {
        Self {
            responses: Arc::new(Mutex::new(responses.into())),
            ..Self::default()
        }
    }
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
    pub async fn serve(&self) -> String {
        let router = Router::new().fallback(scripted).with_state(self.clone());
        serve(router).await
    }
}

async fn scripted(
    State(s): State<Script>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    s.received.lock().unwrap().push(Received {
        method,
        uri,
        headers,
        body: body.to_vec(),
    });
    let canned = {
        let mut q = s.responses.lock().unwrap();
        if q.len() > 1 {
            q.pop_front().unwrap()
        } else {
            q.front().cloned().unwrap_or_else(|| Canned::new(200, "{}"))
        }
    };
    if !canned.delay.is_zero() {
        tokio::time::sleep(canned.delay).await;
    }
    let mut b = Response::builder().status(StatusCode::from_u16(canned.status).unwrap());
    for (n, v) in &canned.headers {
        b = b.header(*n, v);
    }
    b.body(Body::from(canned.body)).unwrap()
}

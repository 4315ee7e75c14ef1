//! The one thing checks need from the network: send a request, get the response and a
//! transcript entry. Checks never see the HTTP library.
//!
//! [`HttpTransport`] sends over HTTP(S) with a bearer token, a per-request timeout and an
//! optional rate limit. Tests may provide their own [`Transport`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::endpoint::Network;
use crate::token::Token;
use crate::transcript::{Exchange, body_text, redact_headers};

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A request relative to the endpoint's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// HTTP method (`GET`, `POST`, `PATCH`, `PUT`, `DELETE`).
    pub method: String,
    /// Path below the base URL (`/Users`, `/Groups/abc`), with the query string sent verbatim.
    pub path: String,
    /// Extra headers (`Content-Type`, `Accept`, `User-Agent`, `If-Match`).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Option<Vec<u8>>,
}

impl WireRequest {
    /// A request with no headers and no body.
    #[must_use]
    pub fn new(method: &str, path: impl Into<String>) -> Self {
        Self {
            method: method.to_owned(),
            path: path.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets a JSON body with Entra's `Content-Type: application/scim+json; charset=utf-8`
    /// (docs/entra.md#headers).
    #[must_use]
    pub fn scim_json(self, body: &Value) -> Self {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        self.raw_body("application/scim+json; charset=utf-8", bytes)
    }

    /// Sets raw body bytes with the given content type.
    #[must_use]
    pub fn raw_body(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        self.headers
            .push(("Content-Type".to_owned(), content_type.to_owned()));
        self.body = Some(bytes);
        self
    }

    /// True for methods that change state.
    #[must_use]
    pub fn is_write(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }
}

/// A complete response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireResponse {
    /// Status code.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl WireResponse {
    /// The first value of a header (name compared case-insensitively).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    #[must_use]
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Why no response arrived.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum TransportError {
    /// The request did not complete within the timeout.
    #[error("no response from {url} within {secs} s")]
    Timeout {
        /// The URL.
        url: String,
        /// The timeout in seconds.
        secs: u64,
    },
    /// Connection refused, DNS, TLS or another network failure.
    #[error("cannot reach {url}: {reason}")]
    Unreachable {
        /// The URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The request was refused locally (e.g. a write under `--read-only`).
    #[error("refused locally: {0}")]
    Refused(String),
}

/// Sends requests. Implementations record nothing; the runner builds the transcript.
pub trait Transport: Send + Sync {
    /// The base URL requests are relative to (no trailing slash).
    fn base_url(&self) -> &str;
    /// Whether an `Authorization` header is added to every request (shown redacted in
    /// transcripts).
    fn sends_auth(&self) -> bool {
        false
    }
    /// Sends one request.
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, TransportError>>;
}

/// Sends `req` and returns the response with its transcript entry.
pub async fn send_recorded(
    transport: &dyn Transport,
    req: WireRequest,
) -> (Result<WireResponse, TransportError>, Exchange) {
    let url = format!("{}{}", transport.base_url(), req.path);
    let method = req.method.clone();
    let mut shown: Vec<(&str, &str)> = Vec::new();
    if transport.sends_auth() && !overrides_auth(&req) {
        shown.push(("Authorization", "Bearer ***"));
    }
    shown.extend(req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let request_headers = redact_headers(shown);
    let request_body = req.body.as_deref().map(body_text);
    let started = Instant::now();
    let result = transport.send(req).await;
    let latency = started.elapsed();
    let ex = match &result {
        Ok(r) => Exchange {
            method,
            url,
            request_headers,
            request_body,
            status: Some(r.status),
            response_headers: redact_headers(
                r.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ),
            response_body: Some(body_text(&r.body)),
            error: None,
            latency,
        },
        Err(e) => Exchange {
            method,
            url,
            request_headers,
            request_body,
            status: None,
            response_headers: Vec::new(),
            response_body: None,
            error: Some(e.to_string()),
            latency,
        },
    };
    (result, ex)
}

/// HTTP(S) transport over [`scim2_client::Client::send_raw`]: bearer token, timeout, the
/// client's retry policy (429/503 with `Retry-After`, never a blind retry of a POST) and rate
/// limit, bounded bodies. A `Retry-After` on a 429 or 503 holds every new request of the run
/// until then ([`scim2_client::ThrottleGate`]), not only the retry of the throttled one.
///
/// A request carries exactly the headers the check gives it (plus `Authorization`, `Host` and
/// `Content-Length`): no `Accept` or `User-Agent` unless asked for, as Entra sends them.
pub struct HttpTransport {
    base_url: String,
    client: scim2_client::Client,
    /// The same endpoint without credentials, for requests that bring their own
    /// `Authorization` (the wrong-token check).
    bare: scim2_client::Client,
    has_token: bool,
}

impl HttpTransport {
    /// A transport for `base_url` (trailing `/` removed). `rate` is requests per second.
    ///
    /// # Errors
    /// When the client cannot be built (invalid base URL, TLS initialisation).
    pub fn new(
        base_url: &str,
        token: Option<&Token>,
        timeout: Duration,
        rate: Option<f64>,
    ) -> Result<Self, TransportError> {
        Self::with_network(base_url, token, timeout, rate, &Network::default())
    }

    /// Like [`HttpTransport::new`], with a proxy, trust roots, CA files, a client certificate
    /// and a connect timeout.
    ///
    /// # Errors
    /// When the client cannot be built (invalid base URL, unreadable CA or certificate file).
    pub fn with_network(
        base_url: &str,
        token: Option<&Token>,
        timeout: Duration,
        rate: Option<f64>,
        network: &Network,
    ) -> Result<Self, TransportError> {
        // Both clients wait out a Retry-After together: the whole run backs off.
        let gate = scim2_client::ThrottleGate::new();
        let build = |token: Option<&Token>, oauth: bool| {
            let b = scim2_client::Client::builder(base_url)
                .throttle_gate(gate.clone())
                .timeout(timeout)
                .connect_timeout(timeout.min(Duration::from_secs(10)));
            let mut b = network
                .apply(b)
                .max_body_bytes(8 * 1024 * 1024)
                .user_agent(concat!("scim-conformance/", env!("CARGO_PKG_VERSION")));
            if let Some(t) = token {
                b = b.bearer(t.secret().clone());
            } else if oauth {
                b = network.apply_auth(b);
            }
            if let Some(r) = rate.filter(|r| *r > 0.0) {
                b = b.rate_limit(r);
            }
            b.build().map_err(|e| TransportError::Unreachable {
                url: base_url.to_owned(),
                reason: e.to_string(),
            })
        };
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client: build(token, true)?,
            bare: build(None, false)?,
            has_token: token.is_some() || network.oauth.is_some(),
        })
    }

    async fn send_inner(&self, req: WireRequest) -> Result<WireResponse, TransportError> {
        use scim2_client::RawRequest;
        let url = format!("{}{}", self.base_url, req.path);
        let (path, query) = match req.path.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (req.path.clone(), None),
        };
        let method = http::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| TransportError::Refused(e.to_string()))?;
        let mut raw = RawRequest::new(method, path);
        if let Some(q) = query {
            raw = raw.query(q);
        }
        let mut has_accept = false;
        let mut has_agent = false;
        for (k, v) in &req.headers {
            let name = http::HeaderName::from_bytes(k.as_bytes())
                .map_err(|e| TransportError::Refused(e.to_string()))?;
            let value = http::HeaderValue::from_str(v)
                .map_err(|e| TransportError::Refused(e.to_string()))?;
            has_accept |= name == http::header::ACCEPT;
            has_agent |= name == http::header::USER_AGENT;
            raw = raw.header(name, value);
        }
        if !has_accept {
            raw = raw.without_accept();
        }
        if !has_agent {
            raw = raw.without_user_agent();
        }
        if let Some(b) = req.body.as_ref() {
            raw = raw.body(bytes::Bytes::from(b.clone()));
        }
        let client = if overrides_auth(&req) {
            &self.bare
        } else {
            &self.client
        };
        match client.send_raw(raw).await {
            Ok(r) => Ok(WireResponse {
                status: r.status.as_u16(),
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: r.body.to_vec(),
            }),
            Err(scim2_client::Error::Timeout { after, .. }) => Err(TransportError::Timeout {
                url,
                secs: after.as_secs(),
            }),
            Err(e) => Err(TransportError::Unreachable {
                url,
                reason: error_chain(&e),
            }),
        }
    }
}

/// Whether the request brings its own `Authorization` header (a check probing a wrong token).
fn overrides_auth(req: &WireRequest) -> bool {
    req.headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        text.push_str(": ");
        text.push_str(&s.to_string());
        src = s.source();
    }
    text
}

impl Transport for HttpTransport {
    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn sends_auth(&self) -> bool {
        self.has_token
    }

    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, TransportError>> {
        Box::pin(self.send_inner(req))
    }
}

/// Wraps a transport and refuses every write: the guarantee behind `--read-only`.
pub struct ReadOnly(pub Arc<dyn Transport>);

impl Transport for ReadOnly {
    fn base_url(&self) -> &str {
        self.0.base_url()
    }

    fn sends_auth(&self) -> bool {
        self.0.sends_auth()
    }

    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, TransportError>> {
        if req.is_write() {
            let m = req.method.clone();
            return Box::pin(async move {
                Err(TransportError::Refused(format!("{m} under --read-only")))
            });
        }
        self.0.send(req)
    }
}

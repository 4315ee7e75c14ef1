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
use tokio::sync::Mutex;

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
    /// (entra-provisioning reference §1.2).
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

/// Sends requests. Implementations record nothing; [`send_recorded`] builds the transcript.
pub trait Transport: Send + Sync {
    /// The base URL requests are relative to (no trailing slash).
    fn base_url(&self) -> &str;
    /// Whether an `Authorization` header is added to every request (shown redacted in
    /// transcripts).
    fn sends_auth(&self) -> bool {
        true
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

/// HTTP(S) transport: bearer token, timeout, optional rate limit, at most 8 MiB read per body.
///
/// Plain `http://` (loopback, or `--insecure-http`) goes through hyper with exactly the headers
/// given, so a request can omit `Accept` and `User-Agent` as Entra does. `https://` goes
/// through reqwest (rustls), which always adds `Accept: */*`.
pub struct HttpTransport {
    base_url: String,
    plain: Option<
        hyper_util::client::legacy::Client<
            hyper_util::client::legacy::connect::HttpConnector,
            http_body_util::Full<bytes::Bytes>,
        >,
    >,
    tls: reqwest::Client,
    token: Option<Token>,
    timeout: Duration,
    rate: Option<RateLimit>,
    max_body: usize,
}

struct RateLimit {
    interval: Duration,
    next: Mutex<Instant>,
}

impl HttpTransport {
    /// A transport for `base_url` (trailing `/` removed). `rate` is requests per second.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (TLS backend initialisation).
    pub fn new(
        base_url: &str,
        token: Option<Token>,
        timeout: Duration,
        rate: Option<f64>,
    ) -> Result<Self, TransportError> {
        // No default User-Agent: Entra sends none (entra-provisioning reference §1.2).
        let tls = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TransportError::Unreachable {
                url: base_url.to_owned(),
                reason: e.to_string(),
            })?;
        let plain = base_url.starts_with("http://").then(|| {
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http()
        });
        let rate = rate.filter(|r| *r > 0.0).map(|r| RateLimit {
            interval: Duration::from_secs_f64(1.0 / r),
            next: Mutex::new(Instant::now()),
        });
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            plain,
            tls,
            token,
            timeout,
            rate,
            max_body: 8 * 1024 * 1024,
        })
    }

    async fn pace(&self) {
        if let Some(rate) = &self.rate {
            let wait = {
                let mut next = rate.next.lock().await;
                let now = Instant::now();
                let slot = (*next).max(now);
                *next = slot + rate.interval;
                slot - now
            };
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        }
    }

    async fn send_inner(&self, req: WireRequest) -> Result<WireResponse, TransportError> {
        self.pace().await;
        let url = format!("{}{}", self.base_url, req.path);
        let fut = async {
            match &self.plain {
                Some(client) => self.send_plain(client, &url, req).await,
                None => self.send_tls(&url, req).await,
            }
        };
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(TransportError::Timeout {
                url,
                secs: self.timeout.as_secs(),
            }),
        }
    }

    async fn send_plain(
        &self,
        client: &hyper_util::client::legacy::Client<
            hyper_util::client::legacy::connect::HttpConnector,
            http_body_util::Full<bytes::Bytes>,
        >,
        url: &str,
        req: WireRequest,
    ) -> Result<WireResponse, TransportError> {
        use http_body_util::BodyExt as _;
        let unreachable = |reason: String| TransportError::Unreachable {
            url: url.to_owned(),
            reason,
        };
        let mut b = http::Request::builder()
            .method(req.method.as_str())
            .uri(url);
        if let (Some(t), false) = (&self.token, overrides_auth(&req)) {
            b = b.header("Authorization", format!("Bearer {}", t.expose()));
        }
        for (k, v) in &req.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let body = http_body_util::Full::new(bytes::Bytes::from(req.body.unwrap_or_default()));
        let request = b
            .body(body)
            .map_err(|e| TransportError::Refused(e.to_string()))?;
        let resp = client
            .request(request)
            .await
            .map_err(|e| unreachable(error_chain(&e)))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let limited = http_body_util::Limited::new(resp.into_body(), self.max_body);
        let body = limited
            .collect()
            .await
            .map_err(|e| unreachable(e.to_string()))?
            .to_bytes()
            .to_vec();
        Ok(WireResponse {
            status,
            headers,
            body,
        })
    }

    async fn send_tls(&self, url: &str, req: WireRequest) -> Result<WireResponse, TransportError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| TransportError::Refused(e.to_string()))?;
        let mut rb = self.tls.request(method, url);
        if let (Some(t), false) = (&self.token, overrides_auth(&req)) {
            rb = rb.bearer_auth(t.expose());
        }
        for (k, v) in &req.headers {
            rb = rb.header(k, v);
        }
        if let Some(b) = req.body {
            rb = rb.body(b);
        }
        let map_err = |e: reqwest::Error| {
            if e.is_timeout() {
                TransportError::Timeout {
                    url: url.to_owned(),
                    secs: self.timeout.as_secs(),
                }
            } else {
                TransportError::Unreachable {
                    url: url.to_owned(),
                    reason: error_chain(&e),
                }
            }
        };
        let mut resp = rb.send().await.map_err(map_err)?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(map_err)? {
            if body.len() + chunk.len() > self.max_body {
                return Err(TransportError::Unreachable {
                    url: url.to_owned(),
                    reason: format!("response body larger than {} bytes", self.max_body),
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(WireResponse {
            status,
            headers,
            body,
        })
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
        self.token.is_some()
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

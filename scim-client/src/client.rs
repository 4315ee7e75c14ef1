//! [`Client`], its builder, and the request loop (rate limit, attempts, retries, observer).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{
    ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName, HeaderValue, USER_AGENT,
};
use http::{HeaderMap, Method};
use tokio::time::Instant;
use tracing::Instrument;
use url::Url;

use crate::auth::Auth;
use crate::gate::ThrottleGate;
use crate::observer::{redact, url_for_log};
use crate::rate_limit::RateLimiter;
use crate::retry::{self, RetryPolicy};
use crate::tls::TlsOptions;
use crate::transport::{self, HyperTransport};
use crate::{
    BaseUrl, Error, Exchange, Observer, Proxy, RawRequest, RawResponse, Secret, Transport,
    TransportError, TrustRoots,
};

/// The media type of SCIM messages (RFC 7644 §3.1).
pub const SCIM_JSON: &str = "application/scim+json";
/// The `Accept` header sent by default: SCIM JSON preferred, plain JSON accepted.
pub const DEFAULT_ACCEPT: &str = "application/scim+json, application/json";
/// The default `User-Agent`: `scim2-client/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("scim2-client/", env!("CARGO_PKG_VERSION"));
/// The default maximum response body size: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A SCIM client for one endpoint. Cheap to clone (clones share the connection pool, the rate
/// limit and the observer); `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base: BaseUrl,
    transport: Arc<dyn Transport>,
    auth: Auth,
    timeout: Duration,
    retry: RetryPolicy,
    rate: Option<RateLimiter>,
    gate: ThrottleGate,
    max_body: usize,
    user_agent: HeaderValue,
    observer: Option<Arc<dyn Observer>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("base", &i.base.as_url().as_str())
            .field("auth", &i.auth)
            .field("timeout", &i.timeout)
            .field("retry", &i.retry)
            .field("max_body", &i.max_body)
            .field("transport", &i.transport)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; see [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    base: String,
    auth: AuthSpec,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    rate: Option<f64>,
    gate: ThrottleGate,
    max_body: usize,
    user_agent: String,
    observer: Option<Arc<dyn Observer>>,
    proxy: Proxy,
    tls: TlsOptions,
    transport: Option<Arc<dyn Transport>>,
}

#[derive(Debug)]
enum AuthSpec {
    None,
    Bearer(Secret),
    Basic(String, Secret),
    Header(String, Secret),
    OAuth(crate::ClientCredentials),
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base", &crate::base_url::without_credentials(&self.base))
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("proxy", &self.proxy)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for the SCIM endpoint at `base_url`
    /// (`https://tenant.example.com/scim/v2`; a trailing slash does not matter).
    ///
    /// Defaults: no auth, 30 s request timeout, 10 s connect timeout,
    /// [`RetryPolicy::default`], no rate limit, 16 MiB body limit, `User-Agent:
    /// scim2-client/<version>`.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), scim2_client::Error> {
    /// use std::time::Duration;
    /// use scim2_client::{Client, RetryPolicy, Secret};
    /// let client = Client::builder("https://tenant.example.com/api/v2/scim")
    ///     .bearer(Secret::from_env("SCIM_TOKEN")?)
    ///     .timeout(Duration::from_secs(20))
    ///     .retry(RetryPolicy::default().max_attempts(5))
    ///     .rate_limit(10.0)
    ///     .build()?;
    /// let config = client.service_provider_config().await?;
    /// println!("PATCH supported: {}", config.patch_supported());
    /// # Ok(()) }
    /// ```
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base: base_url.into(),
            auth: AuthSpec::None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            rate: None,
            gate: ThrottleGate::new(),
            max_body: DEFAULT_MAX_BODY_BYTES,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            observer: None,
            proxy: Proxy::from_env(),
            tls: TlsOptions::default(),
            transport: None,
        }
    }

    /// The normalised base URL.
    #[must_use]
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }
}

impl ClientBuilder {
    /// Authenticates with `Authorization: Bearer <token>` (RFC 6750).
    pub fn bearer(mut self, token: Secret) -> Self {
        self.auth = AuthSpec::Bearer(token);
        self
    }

    /// Authenticates with HTTP basic (RFC 7617).
    pub fn basic(mut self, user: impl Into<String>, password: Secret) -> Self {
        self.auth = AuthSpec::Basic(user.into(), password);
        self
    }

    /// Authenticates with a custom header (`X-API-Key: <secret>`).
    pub fn header(mut self, name: impl Into<String>, value: Secret) -> Self {
        self.auth = AuthSpec::Header(name.into(), value);
        self
    }

    /// Authenticates with an access token obtained by OAuth 2.0 client credentials
    /// (RFC 6749 §4.4) from the token endpoint, through the same transport (proxy, trust).
    /// The token is cached until shortly before it expires, and fetched again once when the
    /// endpoint answers 401.
    pub fn oauth_client_credentials(mut self, credentials: crate::ClientCredentials) -> Self {
        self.auth = AuthSpec::OAuth(credentials);
        self
    }

    /// The limit for a whole attempt: connecting, sending, and reading the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The limit for establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy ([`RetryPolicy::none`] to never retry).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// At most `per_second` request attempts per second, across all clones of the client.
    pub fn rate_limit(mut self, per_second: f64) -> Self {
        self.rate = Some(per_second);
        self
    }

    /// The back-off gate: by default each client has its own, shared by its clones; give
    /// several clients of one endpoint the same [`ThrottleGate`] to make them wait out a
    /// `Retry-After` together.
    pub fn throttle_gate(mut self, gate: ThrottleGate) -> Self {
        self.gate = gate;
        self
    }

    /// The maximum response body size in bytes; a larger body is [`Error::BodyTooLarge`].
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// The `User-Agent` header value.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// The proxy to use (default: [`Proxy::from_env`], which reads `HTTPS_PROXY`,
    /// `HTTP_PROXY` and `NO_PROXY`).
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = proxy;
        self
    }

    /// Which root certificates to trust (default: [`TrustRoots::System`], the operating
    /// system's store).
    pub fn trust_roots(mut self, roots: TrustRoots) -> Self {
        self.tls.roots = roots;
        self
    }

    /// Also trusts the CA certificates in this PEM file (repeatable), such as a private CA or
    /// the CA of a TLS-inspecting proxy. Read when the client is built.
    pub fn ca_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.tls.ca_files.push(path.into());
        self
    }

    /// Presents a client certificate (mutual TLS): `cert` is a PEM file with the certificate
    /// and any intermediates, `key` a PEM file with its private key (PKCS#8; with rustls also
    /// PKCS#1 or SEC1). Read when the client is built; the key is never printed.
    pub fn client_identity_files(
        mut self,
        cert: impl Into<std::path::PathBuf>,
        key: impl Into<std::path::PathBuf>,
    ) -> Self {
        self.tls.identity = Some((cert.into(), key.into()));
        self
    }

    /// Sends through `transport` instead of the built-in hyper transport. Auth, the rate
    /// limit, retries, timeouts and the observer still apply; the proxy, TLS and connect
    /// timeout settings are then the transport's business, and setting them too is an error
    /// at [`ClientBuilder::build`].
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Receives every exchange (see [`Observer`]).
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Builds the client. Needs no runtime; the first request must run inside Tokio.
    ///
    /// # Errors
    /// [`Error::InvalidBaseUrl`] for an unusable base URL, [`Error::Config`] for an invalid
    /// header name or value, a non-positive rate limit, or an `https` URL in a build without
    /// TLS.
    pub fn build(self) -> Result<Client, Error> {
        let base = BaseUrl::parse(&self.base)?;
        let https = base.as_url().scheme() == "https";
        if https && !transport::HAS_TLS && self.transport.is_none() {
            return Err(Error::Config(
                "https needs the `rustls` or `native-tls` feature".to_owned(),
            ));
        }
        let auth = match self.auth {
            AuthSpec::None => Auth::None,
            AuthSpec::Bearer(t) => Auth::Bearer(t),
            AuthSpec::Basic(user, password) => {
                if user.contains(':') {
                    return Err(Error::Config(
                        "a basic-auth user name cannot contain ':' (RFC 7617 §2)".to_owned(),
                    ));
                }
                Auth::Basic { user, password }
            }
            AuthSpec::Header(name, value) => Auth::Header {
                name: HeaderName::try_from(name.as_str()).map_err(|_| {
                    Error::Config(format!("{name:?} is not a valid HTTP header name"))
                })?,
                value,
            },
            AuthSpec::OAuth(creds) => Auth::ClientCredentials(crate::oauth::OAuth::new(creds)?),
        };
        auth.header()?;
        let rate = match self.rate {
            None => None,
            Some(r) => Some(RateLimiter::new(r).ok_or_else(|| {
                Error::Config(format!(
                    "the rate limit must be between one request per day and a finite number \
                     of requests per second, not {r}"
                ))
            })?),
        };
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::Config(format!("{:?} is not a valid User-Agent", self.user_agent))
        })?;
        let transport: Arc<dyn Transport> = match self.transport {
            Some(t) => {
                if !self.tls.ca_files.is_empty() || self.tls.identity.is_some() {
                    return Err(Error::Config(
                        "CA files and client certificates configure the built-in transport; \
                         give them to your own transport instead"
                            .to_owned(),
                    ));
                }
                t
            }
            None => Arc::new(HyperTransport::new(
                self.connect_timeout,
                self.proxy.matcher(),
                &self.tls,
                https,
            )?),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                transport,
                auth,
                timeout: self.timeout,
                retry: self.retry,
                rate,
                gate: self.gate,
                max_body: self.max_body,
                user_agent,
                observer: self.observer,
            }),
        })
    }
}

/// A request ready for the wire.
#[derive(Clone)]
pub(crate) struct Prepared {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) idempotent: bool,
}

enum Attempt {
    Done(RawResponse),
    Failed { error: Error, retryable: bool },
}

impl Client {
    /// Sends a request in an exact wire form and returns the response whatever its status.
    ///
    /// The request goes through auth, the rate limit, the retry policy and the observer like
    /// any other; only the status check and decoding are left to the caller.
    ///
    /// ```no_run
    /// # async fn demo(client: scim2_client::Client) -> Result<(), scim2_client::Error> {
    /// use http::{Method, HeaderValue, header::CONTENT_TYPE};
    /// use scim2_client::RawRequest;
    /// let body = br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    ///   "Operations":[{"op":"Replace","path":"active","value":"False"}]}"#;
    /// let resp = client
    ///     .send_raw(
    ///         RawRequest::new(Method::PATCH, "/Users/2819c223")
    ///             .body(&body[..])
    ///             .header(CONTENT_TYPE, HeaderValue::from_static("application/scim+json; charset=utf-8"))
    ///             .without_user_agent(),
    ///     )
    ///     .await?;
    /// println!("{} {}", resp.status, resp.text());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Transport failures, timeouts and too-large bodies; error statuses are not errors here.
    pub async fn send_raw(&self, req: RawRequest) -> Result<RawResponse, Error> {
        let mut url = self.inner.base.join(&req.path)?;
        if let Some(q) = &req.query {
            url.set_query(Some(q));
        }
        let mut headers = HeaderMap::new();
        if !req.omit_accept {
            headers.insert(ACCEPT, HeaderValue::from_static(DEFAULT_ACCEPT));
        }
        if !req.omit_user_agent {
            headers.insert(USER_AGENT, self.inner.user_agent.clone());
        }
        if req.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
        }
        for (name, value) in &req.headers {
            headers.insert(name, value.clone());
        }
        let idempotent = req
            .idempotent
            .unwrap_or_else(|| is_idempotent_method(&req.method));
        self.execute(Prepared {
            method: req.method,
            url,
            headers,
            body: req.body.unwrap_or_default(),
            idempotent,
        })
        .await
    }

    /// The standard headers of a typed call.
    pub(crate) fn typed_headers(&self, has_body: bool) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(ACCEPT, HeaderValue::from_static(DEFAULT_ACCEPT));
        h.insert(USER_AGENT, self.inner.user_agent.clone());
        if has_body {
            h.insert(CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
        }
        h
    }

    /// Runs a request through auth, the rate limit and the retry policy. With OAuth, a 401
    /// makes it fetch a new token and send the request once more.
    pub(crate) async fn execute(&self, p: Prepared) -> Result<RawResponse, Error> {
        let inner = &self.inner;
        let Auth::ClientCredentials(oauth) = &inner.auth else {
            return self.execute_with(p, None).await;
        };
        let token = oauth.token(inner.transport.as_ref(), inner.timeout).await?;
        let resp = self.execute_with(p.clone(), Some(&token)).await?;
        if resp.status != http::StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        tracing::info!(url = %p.url, "401 with the cached access token; fetching a new one");
        oauth.invalidate(&token).await;
        let token = oauth.token(inner.transport.as_ref(), inner.timeout).await?;
        self.execute_with(p, Some(&token)).await
    }

    /// Runs a request through the rate limit and the retry policy, with `token` as the
    /// bearer token when given, else the configured credentials.
    async fn execute_with(
        &self,
        mut p: Prepared,
        token: Option<&Secret>,
    ) -> Result<RawResponse, Error> {
        let inner = &self.inner;
        if let Some(t) = token {
            p.headers
                .insert(http::header::AUTHORIZATION, crate::auth::bearer_value(t)?);
        } else if let Some((name, value)) = inner.auth.header()? {
            p.headers.insert(name, value);
        }
        if let Some(host) = host_header(&p.url) {
            p.headers.insert(HOST, host);
        }
        if !p.body.is_empty() || matches!(p.method, Method::POST | Method::PUT | Method::PATCH) {
            p.headers
                .insert(CONTENT_LENGTH, HeaderValue::from(p.body.len()));
        }
        let policy = &inner.retry;
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        // Logs show the URL without credentials (user info, token-like query parameters).
        let log_url = url_for_log(&p.url);
        loop {
            // A Retry-After that any request received holds every new attempt.
            inner.gate.wait().await;
            if let Some(rate) = &inner.rate {
                rate.acquire().await;
            }
            // One span per attempt: method, URL, attempt number (1 = first try) and status.
            let span = tracing::info_span!(
                "scim_attempt",
                method = %p.method,
                url = %log_url,
                attempt,
                status = tracing::field::Empty,
            );
            let (outcome, delay) = match self
                .attempt(&p, attempt, &log_url)
                .instrument(span.clone())
                .await?
            {
                Attempt::Done(resp) => {
                    if !retry::is_retryable_status(resp.status) || !p.idempotent {
                        return Ok(resp);
                    }
                    let delay = retry::retry_after(&resp.headers, SystemTime::now())
                        .unwrap_or_else(|| policy.backoff_after(attempt));
                    (Ok(resp), delay)
                }
                Attempt::Failed { error, retryable } => {
                    if !retryable {
                        return Err(error);
                    }
                    (Err(error), policy.backoff_after(attempt))
                }
            };
            if attempt >= policy.max_attempts
                || waited.saturating_add(delay) > policy.max_total_wait
            {
                span.in_scope(|| {
                    tracing::warn!(
                        attempts = attempt,
                        "giving up: the retry policy is exhausted"
                    );
                });
                return outcome;
            }
            span.in_scope(|| {
                tracing::info!(
                    delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    "retrying after a back-off"
                );
            });
            tokio::time::sleep(delay).await;
            waited = waited.saturating_add(delay);
            attempt += 1;
        }
    }

    /// One attempt: send, read the body within the limits, report to the observer.
    async fn attempt(&self, p: &Prepared, attempt: u32, log_url: &str) -> Result<Attempt, Error> {
        let inner = &self.inner;
        let uri: http::Uri = p
            .url
            .as_str()
            .parse()
            .map_err(|_| Error::InvalidPath(p.url.to_string()))?;
        let mut builder = http::Request::builder().method(p.method.clone()).uri(uri);
        if let Some(h) = builder.headers_mut() {
            *h = p.headers.clone();
        }
        let request = builder
            .body(p.body.clone())
            .map_err(|e| Error::Config(e.to_string()))?;
        let started = Instant::now();
        let result =
            tokio::time::timeout(inner.timeout, inner.transport.send(request, inner.max_body))
                .await;
        let latency = started.elapsed();
        let host = host_and_port(&p.url);
        let mut partial_body = Bytes::new();
        let outcome = match result {
            Ok(Ok(received)) => {
                let (parts, body) = received.into_parts();
                Attempt::Done(RawResponse {
                    method: p.method.clone(),
                    url: p.url.clone(),
                    status: parts.status,
                    headers: parts.headers,
                    body,
                    attempts: attempt,
                })
            }
            Ok(Err(TransportError::Connect(detail))) => Attempt::Failed {
                // Never reached the server: safe to retry whatever the method.
                retryable: true,
                error: Error::Connect { host, detail },
            },
            Ok(Err(TransportError::Io(detail))) => Attempt::Failed {
                retryable: p.idempotent,
                error: Error::Transport {
                    host,
                    method: p.method.clone(),
                    url: p.url.to_string(),
                    detail,
                },
            },
            Ok(Err(TransportError::TooLarge { partial })) => {
                partial_body = partial;
                Attempt::Failed {
                    retryable: false,
                    error: Error::BodyTooLarge {
                        method: p.method.clone(),
                        url: p.url.to_string(),
                        limit: inner.max_body,
                    },
                }
            }
            Err(_elapsed) => Attempt::Failed {
                retryable: p.idempotent && inner.retry.retry_timeouts,
                error: Error::Timeout {
                    method: p.method.clone(),
                    url: p.url.to_string(),
                    after: inner.timeout,
                },
            },
        };
        if let Attempt::Done(r) = &outcome
            && matches!(r.status.as_u16(), 429 | 503)
            && let Some(wait) = retry::retry_after(&r.headers, SystemTime::now())
            && wait <= inner.retry.max_total_wait
        {
            // Whatever the method: even a request that is not retried makes the others wait.
            inner.gate.hold(wait);
        }
        let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        match &outcome {
            Attempt::Done(r) => {
                tracing::Span::current().record("status", r.status.as_u16());
                tracing::debug!(latency_ms, "SCIM exchange");
            }
            Attempt::Failed { error, .. } => {
                // Error messages name the full URL; logs show it without credentials.
                let error = error.to_string().replace(p.url.as_str(), log_url);
                tracing::debug!(latency_ms, error, "SCIM exchange failed");
            }
        }
        if let Some(o) = &inner.observer {
            let mut ex = Exchange {
                method: p.method.clone(),
                url: p.url.clone(),
                request_headers: redact(&p.headers, inner.auth.header_name()),
                request_body: p.body.clone(),
                status: None,
                response_headers: HeaderMap::new(),
                response_body: partial_body,
                latency,
                attempt,
                error: None,
            };
            match &outcome {
                Attempt::Done(r) => {
                    ex.status = Some(r.status);
                    ex.response_headers = r.headers.clone();
                    ex.response_body = r.body.clone();
                }
                Attempt::Failed { error, .. } => ex.error = Some(error.to_string()),
            }
            o.exchange(&ex);
        }
        Ok(outcome)
    }
}

/// Whether HTTP defines the method as idempotent (RFC 9110 §9.2.2).
fn is_idempotent_method(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// `host[:port]` as the `Host` header (RFC 9110 §7.2), the port left out when default.
fn host_header(url: &Url) -> Option<HeaderValue> {
    HeaderValue::from_str(&host_and_port(url)).ok()
}

fn host_and_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

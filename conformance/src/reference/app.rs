//! The shared state of one reference endpoint, its router and the request front door
//! (authentication, header checks, request log).

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use scim2_server::{ScimServer, ServerConfig};

use super::error::ApiError;
use super::fault::THROTTLE_EVERY;
use super::hooks::FaultHooks;
use super::log::{LoggedRequest, RequestLog};
use super::store::FaultStore;
use super::{Fault, ReferenceConfig};

/// The media type of every SCIM response (RFC 7644 §3.1; docs/entra.md#headers).
pub(crate) const SCIM_JSON: &str = "application/scim+json";

/// One in-memory reference endpoint: its configuration, its resources and its request log.
///
/// Cheap to clone (all clones share the same state). [`Reference::router`] serves it in
/// process; [`ReferenceServer`](super::ReferenceServer) serves it on a loopback port.
///
/// ```
/// use scim2_conformance::reference::{Reference, ReferenceConfig};
/// let reference = Reference::new(ReferenceConfig::default());
/// let _router: axum::Router = reference.router();
/// assert!(reference.request_log().is_empty());
/// ```
#[derive(Clone)]
pub struct Reference {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: ReferenceConfig,
    pub(crate) server: ScimServer<FaultStore, FaultHooks>,
    pub(crate) log: RequestLog,
    /// Attempts per list page (for the `transient-503` fault).
    pub(crate) attempts: Mutex<std::collections::HashMap<String, u32>>,
    /// Idempotent requests received (for the `throttle-429` fault).
    pub(crate) idempotent: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reference")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Reference {
    /// An empty endpoint with this configuration.
    #[must_use]
    pub fn new(config: ReferenceConfig) -> Self {
        let mut server_config = ServerConfig::new().with_policy(policy(&config));
        for schema in &config.extension_schemas {
            server_config = server_config.with_user_extension(schema.clone());
        }
        let server = ScimServer::with_hooks(
            Arc::new(FaultStore::new(config.clone())),
            server_config,
            FaultHooks::new(config.clone()),
        );
        Self {
            inner: Arc::new(Inner {
                server,
                config,
                log: RequestLog::default(),
                attempts: Mutex::default(),
                idempotent: std::sync::atomic::AtomicU64::new(0),
            }),
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ReferenceConfig {
        &self.inner.config
    }

    /// Every request answered so far, in order.
    #[must_use]
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.inner.log.snapshot()
    }

    /// Empties the request log.
    pub fn clear_request_log(&self) {
        self.inner.log.clear();
    }

    /// The number of users and groups stored.
    #[must_use]
    pub fn counts(&self) -> (usize, usize) {
        self.inner.server.store().counts()
    }

    pub(crate) fn has(&self, fault: Fault) -> bool {
        self.inner.config.has(fault)
    }

    /// The server the endpoint is built on.
    pub(crate) fn server(&self) -> &ScimServer<FaultStore, FaultHooks> {
        &self.inner.server
    }

    /// The response for an error: a SCIM Error body, or plain text under `error-body-not-scim`.
    pub(crate) fn error_response(&self, err: &ApiError) -> Response {
        let mut response = if self.has(Fault::ErrorBodyNotScim) {
            (
                err.status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("Error {}: {}", err.status.as_u16(), err.detail),
            )
                .into_response()
        } else {
            let body = serde_json::to_vec(&err.body()).unwrap_or_default();
            (err.status, [(header::CONTENT_TYPE, SCIM_JSON)], body).into_response()
        };
        if err.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("0"));
        }
        if err.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"scim\""),
            );
        }
        response
    }

    fn refuse(&self, err: &ApiError) -> Box<Response> {
        Box::new(self.error_response(err))
    }

    /// The `throttle-429` fault: every [`THROTTLE_EVERY`]th GET, PUT or DELETE is refused
    /// with 429 and `Retry-After: 1` (RFC 6585 §4) before anything else looks at it.
    fn throttle(&self, method: &Method) -> Result<(), Box<Response>> {
        if !self.has(Fault::Throttle429)
            || !matches!(*method, Method::GET | Method::PUT | Method::DELETE)
        {
            return Ok(());
        }
        let n = self
            .inner
            .idempotent
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        if !n.is_multiple_of(THROTTLE_EVERY) {
            return Ok(());
        }
        let mut response = self.error_response(&ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            None,
            "too many requests; retry after 1 s",
        ));
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        Err(Box::new(response))
    }

    /// The checks made before any handler runs.
    fn gate(&self, method: &Method, headers: &HeaderMap) -> Result<(), Box<Response>> {
        if self.has(Fault::RequireUserAgent) && !headers.contains_key(header::USER_AGENT) {
            return Err(Box::new(
                (
                    StatusCode::FORBIDDEN,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    "<html><body><h1>403 Forbidden</h1><p>Request blocked.</p></body></html>",
                )
                    .into_response(),
            ));
        }
        if let Some(token) = &self.inner.config.token {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    let (scheme, rest) = v.split_once(' ')?;
                    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
                });
            let ok = match given {
                None => false,
                Some(_) if self.has(Fault::TokenNotChecked) => true,
                Some(given) => constant_time_eq(given.as_bytes(), token.as_bytes()),
            };
            if !ok {
                let detail = if given.is_some() {
                    "the bearer token was refused"
                } else {
                    "an Authorization: Bearer token is required"
                };
                return Err(self.refuse(&ApiError::new(StatusCode::UNAUTHORIZED, None, detail)));
            }
        }
        match headers.get(header::ACCEPT) {
            None if self.has(Fault::RequireAcceptHeader) => {
                return Err(self.refuse(&ApiError::new(
                    StatusCode::NOT_ACCEPTABLE,
                    None,
                    "an Accept header is required",
                )));
            }
            None => {}
            Some(accept) => {
                let text = accept.to_str().unwrap_or("");
                let acceptable = text.split(',').any(|range| {
                    let essence = range
                        .split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase();
                    matches!(
                        essence.as_str(),
                        "*/*" | "application/*" | "application/json" | "application/scim+json"
                    )
                });
                if !acceptable {
                    return Err(self.refuse(&ApiError::new(
                        StatusCode::NOT_ACCEPTABLE,
                        None,
                        format!("cannot answer in `{text}`; responses are {SCIM_JSON}"),
                    )));
                }
            }
        }
        if matches!(*method, Method::POST | Method::PUT | Method::PATCH)
            && let Some(ct) = headers.get(header::CONTENT_TYPE)
        {
            {
                let text = ct.to_str().unwrap_or("");
                let mut parts = text.split(';');
                let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
                let has_params = parts.any(|p| !p.trim().is_empty());
                let ok = match essence.as_str() {
                    "application/scim+json" => {
                        !(has_params && self.has(Fault::RejectCharsetContentType))
                    }
                    "application/json" => true,
                    _ => false,
                };
                if !ok {
                    return Err(self.refuse(&ApiError::new(
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        None,
                        format!(
                            "request bodies must be {SCIM_JSON} or application/json, not `{text}`"
                        ),
                    )));
                }
            }
        }
        Ok(())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The endpoint's one tolerance policy: Entra's deviations; undeclared attributes are stored
/// unless the endpoint declares its extension schemas; string booleans and a bare manager id
/// unless a fault refuses them.
pub(crate) fn policy(config: &ReferenceConfig) -> scim2_filter::policy::Policy {
    let mut p = scim2_filter::policy::Policy::entra_compatible();
    p.undeclared_attributes = config.extension_schemas.is_empty();
    p.string_booleans = !config.has(Fault::RejectStringBooleans);
    p.complex_from_bare_value = !config.has(Fault::RejectManagerString);
    p
}

/// Errors answered by axum itself (405 for an unsupported method, 413 for a body over the
/// limit, 400 for an undecodable path) get a SCIM Error body too (RFC 7644 §3.12).
fn scim_error_body(app: &Reference, response: Response) -> Response {
    let status = response.status();
    let is_scim = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(SCIM_JSON));
    if status.as_u16() < 400 || is_scim || app.has(Fault::ErrorBodyNotScim) {
        return response;
    }
    let detail = status.canonical_reason().unwrap_or("error").to_owned();
    let mut out = app.error_response(&ApiError::new(status, None, detail));
    for (name, value) in response.headers() {
        if name == header::ALLOW {
            out.headers_mut().insert(name, value.clone());
        }
    }
    out
}

/// Throttling (`throttle-429`), authentication, header checks, the `wrong-content-type` fault
/// and the request log.
pub(crate) async fn front_door(State(app): State<Reference>, req: Request, next: Next) -> Response {
    let arrived = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let checked = app
        .throttle(&method)
        .and_then(|()| app.gate(&method, req.headers()));
    let mut response = match checked {
        Ok(()) => scim_error_body(&app, next.run(req).await),
        Err(response) => *response,
    };
    if app.has(Fault::WrongContentType) && response.headers().contains_key(header::CONTENT_TYPE) {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    app.inner.log.push(LoggedRequest {
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
        arrived,
    });
    response
}

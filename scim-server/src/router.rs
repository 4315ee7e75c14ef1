//! An axum [`Router`] serving a [`ScimServer`]: bearer-token authentication through a check
//! the application supplies (RFC 6750; 401 with a SCIM Error otherwise), a body size limit
//! (413), SCIM media types (RFC 7644 §3.1, §3.8).
//!
//! The router serves the SCIM API at its root (`/Users`, `/Groups`, `/.search`, `/Schemas`,
//! `/ResourceTypes`, `/ServiceProviderConfig`); nest it under the base path you publish.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use scim2_server::router::ScimRouter;
//! use scim2_server::store::MemoryStore;
//! use scim2_server::{ScimServer, ServerConfig};
//! use tower::ServiceExt;
//!
//! let token = "read-me-from-the-environment".to_owned();
//! let server = ScimServer::new(MemoryStore::new(), ServerConfig::new());
//! let scim = ScimRouter::new(server, move |given: &str| given == token).into_router();
//! let app = axum::Router::new().nest("/scim/v2", scim);
//!
//! let request = http::Request::get("/scim/v2/Users").body(axum::body::Body::empty()).unwrap();
//! let response = app.oneshot(request).await.unwrap();
//! assert_eq!(response.status(), http::StatusCode::UNAUTHORIZED);
//! # }
//! ```

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::response::Response;
use axum::routing::any;
use http::{StatusCode, header};

use crate::error::error;
use crate::hooks::{Hooks, NoHooks};
use crate::request::ScimRequest;
use crate::response::ScimResponse;
use crate::server::ScimServer;
use crate::store::Store;

type TokenCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// Builds the axum [`Router`] of a [`ScimServer`].
pub struct ScimRouter<S, H = NoHooks> {
    server: ScimServer<S, H>,
    check: Option<TokenCheck>,
    base_url: Option<String>,
}

impl<S, H> std::fmt::Debug for ScimRouter<S, H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimRouter")
            .field("authenticated", &self.check.is_some())
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl<S: Store, H: Hooks> ScimRouter<S, H> {
    /// A router that requires `Authorization: Bearer <token>` on every request and accepts it
    /// when `check(token)` holds (compare in constant time if the token is a shared secret).
    pub fn new(
        server: ScimServer<S, H>,
        check: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> Self {
        Self {
            server,
            check: Some(Arc::new(check)),
            base_url: None,
        }
    }

    /// A router that requires `Authorization: Bearer <token>` with exactly `token` (compared in
    /// constant time).
    ///
    /// ```
    /// use scim2_server::router::ScimRouter;
    /// use scim2_server::{ScimServer, ServerConfig, store::MemoryStore};
    /// let server = ScimServer::new(MemoryStore::new(), ServerConfig::new());
    /// let app: axum::Router = axum::Router::new()
    ///     .nest("/scim/v2", ScimRouter::with_token(server, "s3cret").into_router());
    /// ```
    pub fn with_token(server: ScimServer<S, H>, token: impl Into<String>) -> Self {
        let token: String = token.into();
        Self::new(server, move |given: &str| {
            constant_time_eq(given.as_bytes(), token.as_bytes())
        })
    }

    /// A router that accepts every request without authentication (tests, or behind a gateway
    /// that authenticates).
    pub fn unauthenticated(server: ScimServer<S, H>) -> Self {
        Self {
            server,
            check: None,
            base_url: None,
        }
    }

    /// The absolute SCIM base URL for `meta.location` and `Location` (`https://host/scim/v2`).
    /// Without it, the base is `http://` + the request's `Host` + the path the router is
    /// nested under.
    #[must_use]
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into().trim_end_matches('/').to_owned());
        self
    }

    /// The router.
    pub fn into_router(self) -> Router {
        let state = Arc::new(self);
        Router::new()
            .route("/", any(serve::<S, H>))
            .route("/{*rest}", any(serve::<S, H>))
            .with_state(state)
    }

    fn authenticate(&self, headers: &http::HeaderMap) -> Result<(), &'static str> {
        let Some(check) = &self.check else {
            return Ok(());
        };
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            });
        match given {
            Some(token) if check(token) => Ok(()),
            Some(_) => Err("the bearer token was refused"),
            None => Err("an Authorization: Bearer token is required"),
        }
    }

    fn base_url(
        &self,
        original: &http::Uri,
        inner: &http::Uri,
        headers: &http::HeaderMap,
    ) -> String {
        if let Some(base) = &self.base_url {
            return base.clone();
        }
        let full = original.path();
        let prefix = full
            .strip_suffix(inner.path())
            .unwrap_or("")
            .trim_end_matches('/');
        match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
            Some(host) => format!("http://{host}{prefix}"),
            None => prefix.to_owned(),
        }
    }
}

async fn serve<S: Store, H: Hooks>(
    State(router): State<Arc<ScimRouter<S, H>>>,
    OriginalUri(original): OriginalUri,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    if let Err(detail) = router.authenticate(&parts.headers) {
        return into_response(
            ScimResponse::error(&error(StatusCode::UNAUTHORIZED, None, detail))
                .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"scim\""),
        );
    }
    let limit = router.server.config().max_body_bytes();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return into_response(ScimResponse::error(&error(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            format!("the request body exceeds {limit} bytes"),
        )));
    };
    let base_url = router.base_url(&original, &parts.uri, &parts.headers);
    let mut scim = ScimRequest::new(parts.method, parts.uri.path())
        .with_headers(parts.headers)
        .with_body(bytes)
        .with_base_url(base_url);
    scim.query = parts.uri.query().map(str::to_owned);
    into_response(router.server.handle(scim).await)
}

fn into_response(scim: ScimResponse) -> Response {
    let mut response = Response::new(Body::from(scim.body));
    *response.status_mut() = scim.status;
    *response.headers_mut() = scim.headers;
    response
}

/// Whether `a == b`, in a time that depends on the lengths only (a bearer token is a shared
/// secret: an early exit would tell an attacker how many leading bytes were right).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

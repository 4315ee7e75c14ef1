//! [`ScimServer`]: the sans-I/O core that turns a [`ScimRequest`] into a [`ScimResponse`].

use std::sync::Arc;

use http::{Method, StatusCode, header};
use scim2_types::ScimError;

use crate::config::ServerConfig;
use crate::error::error;
use crate::hooks::{Hooks, NoHooks};
use crate::request::ScimRequest;
use crate::response::ScimResponse;
use crate::route::Route;
use crate::store::Store;
use crate::{discovery, media};

/// A SCIM 2.0 service provider over a [`Store`] (RFC 7644): every SCIM rule, no I/O.
///
/// Cheap to clone: clones share the store and the configuration. Feed it requests from any
/// HTTP stack with [`handle`](Self::handle), or serve it with the `axum` feature's router.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use http::{Method, StatusCode};
/// use scim2_server::{ScimRequest, ScimServer, ServerConfig};
/// use scim2_server::store::MemoryStore;
///
/// let server = ScimServer::new(MemoryStore::new(), ServerConfig::new());
/// let created = server
///     .handle(ScimRequest::new(Method::POST, "/Users")
///         .with_json(&serde_json::json!({"userName": "bjensen"})))
///     .await;
/// assert_eq!(created.status, StatusCode::CREATED);
/// let found = server
///     .handle(ScimRequest::new(Method::GET, "/Users").with_query("filter=userName%20eq%20%22BJENSEN%22"))
///     .await;
/// assert_eq!(found.json_body().unwrap()["totalResults"], 1);
/// # }
/// ```
pub struct ScimServer<S, H = NoHooks> {
    pub(crate) store: Arc<S>,
    pub(crate) config: Arc<ServerConfig>,
    pub(crate) hooks: Arc<H>,
}

impl<S, H> Clone for ScimServer<S, H> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
            hooks: Arc::clone(&self.hooks),
        }
    }
}

impl<S, H> std::fmt::Debug for ScimServer<S, H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimServer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<S: Store> ScimServer<S> {
    /// A server over `store` with `config`.
    #[must_use]
    pub fn new(store: S, config: ServerConfig) -> Self {
        Self::from_shared(Arc::new(store), config)
    }

    /// A server over a store shared with other code (a seeder, a second server).
    #[must_use]
    pub fn from_shared(store: Arc<S>, config: ServerConfig) -> Self {
        Self::with_hooks(store, config, NoHooks)
    }
}

impl<S: Store, H: Hooks> ScimServer<S, H> {
    /// A server over a shared `store` whose behaviour `hooks` change at the points of
    /// [`Hooks`].
    #[must_use]
    pub fn with_hooks(store: Arc<S>, config: ServerConfig, hooks: H) -> Self {
        Self {
            store,
            config: Arc::new(config),
            hooks: Arc::new(hooks),
        }
    }

    /// The hooks.
    #[must_use]
    pub fn hooks(&self) -> &H {
        &self.hooks
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store, shared.
    #[must_use]
    pub fn shared_store(&self) -> Arc<S> {
        Arc::clone(&self.store)
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// Answers one request (RFC 7644 §3). Never panics on client input: every bad request gets
    /// a SCIM Error (RFC 7644 §3.12) with its 4xx status and, where RFC 7644 Table 9 defines
    /// one, its `scimType`.
    pub async fn handle(&self, request: ScimRequest) -> ScimResponse {
        match self.dispatch(&request).await {
            Ok(response) => response,
            Err(e) => {
                let allow = (e.status == StatusCode::METHOD_NOT_ALLOWED.as_u16())
                    .then(|| Route::parse(&request.path).ok())
                    .flatten()
                    .map(|r| {
                        r.allowed()
                            .iter()
                            .map(Method::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    });
                let response = ScimResponse::error(&e);
                match allow {
                    Some(allow) => response.with_header(header::ALLOW, &allow),
                    None => response,
                }
            }
        }
    }

    async fn dispatch(&self, request: &ScimRequest) -> Result<ScimResponse, ScimError> {
        let route = Route::parse(&request.path)?;
        if !route.allowed().contains(&request.method) {
            return Err(error(
                StatusCode::METHOD_NOT_ALLOWED,
                None,
                format!("{} is not allowed on {}", request.method, request.path),
            ));
        }
        media::check(request)?;
        if request.body.len() > self.config.max_body_bytes() {
            return Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                None,
                format!(
                    "the request body exceeds {} bytes",
                    self.config.max_body_bytes()
                ),
            ));
        }
        let base = request.base_url.as_str();
        let method = &request.method;
        match route {
            Route::Collection(kind) if method == Method::POST => self.create(kind, request).await,
            Route::Collection(kind) => self.list(kind, request).await,
            Route::Search(kinds) => self.search(kinds, request).await,
            Route::Resource(kind, id) => match *method {
                Method::GET => self.get(kind, &id, request).await,
                Method::PUT => self.replace(kind, &id, request).await,
                Method::PATCH => self.patch(kind, &id, request).await,
                _ => self.delete(kind, &id, request).await,
            },
            Route::ServiceProviderConfig => Ok(ScimResponse::json(
                StatusCode::OK,
                &discovery::service_provider_config(&self.config, base),
            )),
            Route::Schemas(id) => {
                discovery_answer(discovery::schemas(&self.config, base), id, "Schema")
            }
            Route::ResourceTypes(id) => discovery_answer(
                discovery::resource_types(&self.config, base),
                id,
                "ResourceType",
            ),
            Route::Bulk => Err(error(
                StatusCode::NOT_IMPLEMENTED,
                None,
                "bulk operations are not supported (RFC 7644 §3.7; see /ServiceProviderConfig)",
            )),
        }
    }
}

fn discovery_answer(
    all: Vec<serde_json::Value>,
    id: Option<String>,
    what: &str,
) -> Result<ScimResponse, ScimError> {
    match id {
        None => Ok(crate::handlers::list_of(all)),
        Some(id) => discovery::by_id(all, &id)
            .map(|v| ScimResponse::json(StatusCode::OK, &v))
            .ok_or_else(|| crate::error::not_found(what, &id)),
    }
}

//! The reference endpoint's axum router: the SCIM routes under [`BASE_PATH`], the fallback,
//! and the front door around them.

use axum::Router;
use axum::extract::Request;
use axum::middleware;
use axum::routing::{get, post};

use super::BASE_PATH;
use super::app::{Reference, front_door};
use super::handlers;

impl Reference {
    /// The axum router serving the SCIM API under [`BASE_PATH`](super::BASE_PATH).
    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/Users", get(handlers::api).post(handlers::api))
            .route("/Users/.search", post(handlers::api))
            .route(
                "/Users/{id}",
                get(handlers::api)
                    .put(handlers::api)
                    .patch(handlers::api)
                    .delete(handlers::api),
            )
            .route("/Groups", get(handlers::api).post(handlers::api))
            .route("/Groups/.search", post(handlers::api))
            .route(
                "/Groups/{id}",
                get(handlers::api)
                    .put(handlers::api)
                    .patch(handlers::api)
                    .delete(handlers::api),
            )
            .route("/.search", post(handlers::api))
            .route("/ServiceProviderConfig", get(handlers::api))
            .route("/Schemas", get(handlers::api))
            .route("/Schemas/{id}", get(handlers::api))
            .route("/ResourceTypes", get(handlers::api))
            .route("/ResourceTypes/{id}", get(handlers::api));
        let inner = Router::new()
            .nest(BASE_PATH, api)
            .fallback(handlers::not_found)
            .with_state(self.clone());
        // `/Users/?filter=…` (the Microsoft reference collection's form) routes as `/Users`.
        Router::new()
            .fallback_service(tower::ServiceExt::map_request(inner, strip_trailing_slash))
            .layer(middleware::from_fn_with_state(self.clone(), front_door))
    }
}

/// `/Users/?filter=…` becomes `/Users?filter=…`: a trailing slash is dropped before routing.
fn strip_trailing_slash(mut req: Request) -> Request {
    let path = req.uri().path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
        let target = match req.uri().query() {
            Some(q) => format!("{trimmed}?{q}"),
            None => trimmed.to_owned(),
        };
        if let Ok(uri) = target.parse() {
            *req.uri_mut() = uri;
        }
    }
    req
}

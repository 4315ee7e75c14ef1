//! A SCIM 2.0 server core (RFC 7643 schema, RFC 7644 protocol).
//!
//! [`ScimServer`] turns a [`ScimRequest`] (method, path below the SCIM base, raw query,
//! headers, body) into a [`ScimResponse`] (status, headers, body), with no sockets and no HTTP
//! framework: every SCIM rule lives here, persistence lives in a [`Store`](store::Store).
//!
//! - Resources: `/Users` (core User, Enterprise User, declared extensions) and `/Groups`
//!   (flat: members are existing users; a deleted user leaves its groups), configured by
//!   [`ServerConfig`].
//! - Operations: create (RFC 7644 §3.3, 409 `uniqueness` for a taken `userName` or group
//!   `displayName` in any letter case), get (§3.4.1), query with `filter`, `sortBy`,
//!   `sortOrder`, `startIndex`, `count` (§3.4.2), `POST /.search` (§3.4.3), projection with
//!   `attributes`/`excludedAttributes` and the `returned` characteristics (§3.9), PUT (§3.5.1),
//!   PATCH (§3.5.2) under a `scim2_filter` [`Policy`](scim2_filter::policy::Policy) (strict or
//!   Entra compatible), DELETE (§3.6), ETags with `If-Match` → 412 and `If-None-Match` → 304
//!   (§3.14), discovery (§4) generated from the configuration. `/Bulk` is advertised as
//!   unsupported and answered 501.
//! - Every filter, sort and PATCH goes through `scim2_filter`.
//! - Every bad request gets a SCIM Error (§3.12) with a 4xx status and its `scimType`.
//!
//! Modules: [`store`] (the [`Store`](store::Store) trait, [`MemoryStore`](store::MemoryStore),
//! the [`scan`](store::scan) fallback, [`meta`](store::meta) helpers); with the `axum`
//! feature, `router` (an axum `Router` with bearer authentication, body limit and SCIM media types).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use http::{Method, StatusCode, header};
//! use scim2_server::{ScimRequest, ScimServer, ServerConfig};
//! use scim2_server::store::MemoryStore;
//! use serde_json::json;
//!
//! let server = ScimServer::new(MemoryStore::new(), ServerConfig::new());
//! let created = server
//!     .handle(
//!         ScimRequest::new(Method::POST, "/Users")
//!             .with_header(header::CONTENT_TYPE, "application/scim+json".parse().unwrap())
//!             .with_json(&json!({"userName": "bjensen@example.com", "active": "True"}))
//!             .with_base_url("https://example.com/scim/v2"),
//!     )
//!     .await;
//! assert_eq!(created.status, StatusCode::CREATED);
//! let user = created.json_body().unwrap();
//! assert_eq!(user["active"], true); // Entra's string boolean, read as a boolean
//! let id = user["id"].as_str().unwrap();
//!
//! // Entra looks users up by userName, in whatever case the directory holds.
//! let found = server
//!     .handle(ScimRequest::new(Method::GET, "/Users")
//!         .with_query("filter=userName+eq+%22BJENSEN@example.com%22"))
//!     .await;
//! assert_eq!(found.json_body().unwrap()["Resources"][0]["id"], id);
//!
//! // A stale ETag is refused.
//! let stale = server
//!     .handle(ScimRequest::new(Method::DELETE, format!("/Users/{id}"))
//!         .with_header(header::IF_MATCH, "W/\"0\"".parse().unwrap()))
//!     .await;
//! assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
//! # }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod discovery;
mod error;
mod etag;
mod handlers;
pub mod hooks;
mod media;
mod params;
mod projection;
mod request;
mod resource;
mod response;
mod route;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod router;
mod server;
pub mod store;

pub use config::{DEFAULT_PAGE_SIZE, MAX_BODY_BYTES, MAX_PAGE_SIZE, ServerConfig};
pub use request::ScimRequest;
pub use resource::{ReadRules, normalize};
pub use response::{SCIM_JSON, ScimResponse};
pub use server::ScimServer;

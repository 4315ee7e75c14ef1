//! The built-in reference endpoint: `scim2_server` in memory, served by axum, with named
//! [`Fault`]s that each break one behaviour the `entra` and `rfc7644` profiles check.
//!
//! The faults live outside `scim2_server`: those on the wire (headers, status codes, bodies,
//! throttling, outages, query parameters) in this module's request handling around
//! `ScimServer::handle`, those in persistence in its store, and those in PATCH application and
//! writes in its `scim2_server::hooks::Hooks`.
//!
//! - Resources: `/Users` (core User with the Enterprise User extension) and `/Groups` (flat
//!   groups: members are users; a deleted user leaves its groups), under [`BASE_PATH`].
//! - Operations: create (RFC 7644 §3.3, 409 `uniqueness` for a taken `userName` or group
//!   `displayName` in any letter case), get (§3.4.1), query with `filter`, `sortBy`,
//!   `sortOrder`, `startIndex`, `count` (§3.4.2), `POST /.search` (§3.4.3), projection with
//!   `attributes`/`excludedAttributes` and the `returned` characteristics (§3.9), PUT (§3.5.1),
//!   PATCH in both of Entra's dialects (§3.5.2), DELETE (§3.6), ETags with `If-Match` → 412
//!   and `If-None-Match` → 304 (§3.14), discovery (§4: `/ServiceProviderConfig`, `/Schemas`,
//!   `/ResourceTypes`, also by id).
//! - Transport (docs/entra.md#headers): no `Accept` or `User-Agent` required; request bodies
//!   in `application/scim+json` (with parameters) or `application/json`; every response in
//!   `application/scim+json`; every error a SCIM Error body (RFC 7644 §3.12); a bearer token
//!   when [`ReferenceConfig::token`] is set.
//! - Every filter, sort and PATCH goes through `scim2_filter` (one implementation of SCIM
//!   semantics in the workspace).
//! - Every request is logged ([`LoggedRequest`]: method, path, query, status).
//! - Limits: request bodies up to 2 MiB (413 beyond), pages up to 1000 resources (default
//!   100), filters and PATCH requests bounded by `scim2_filter`'s limits.
//! - Not served: `/Bulk` (advertised as unsupported), `/Me`, the computed `groups` attribute
//!   of users.
//!
//! [`Reference`] holds one endpoint's state (serve it in process with [`Reference::router`]
//! or on a port with [`ReferenceServer`]); [`Reference::seed`] preloads users and groups.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use scim2_conformance::reference::{Fault, ReferenceConfig, ReferenceServer};
//! let config = ReferenceConfig::default().with_fault(Fault::MembersNotRemoved);
//! let server = ReferenceServer::start(config).await?;
//! println!("serving {}", server.base_url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod app;
mod config;
mod error;
mod fault;
mod handlers;
mod hooks;
mod log;
mod router;
mod seed;
mod server;
mod store;

pub use app::Reference;
pub(crate) use app::policy;
pub use config::{ReferenceConfig, SchemaFileError, parse_extension_schemas};
pub use fault::{Fault, THROTTLE_EVERY, UnknownFault};
pub use log::LoggedRequest;
pub use seed::{Seed, SeedError, Seeded};
pub use server::ReferenceServer;

/// The path under which the SCIM API is served (`/scim/v2/Users`, …).
pub const BASE_PATH: &str = "/scim/v2";

/// The router of a new, empty endpoint with `config` (for in-process tests with
/// `tower::ServiceExt::oneshot`). Use [`Reference::router`] to keep access to the endpoint's
/// state and request log.
pub fn router(config: ReferenceConfig) -> axum::Router {
    Reference::new(config).router()
}

/// Preloads `seed` into `reference` (the same as [`Reference::seed`]).
///
/// # Errors
/// See [`Reference::seed`].
pub fn seed(reference: &Reference, seed: Seed) -> Result<Seeded, SeedError> {
    reference.seed(seed)
}

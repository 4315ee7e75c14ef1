//! A typed async SCIM 2.0 client (RFC 7644) for provisioning into SCIM endpoints.
//!
//! - [`Client::builder`]: base URL (normalised, joined without `//` or lost segments), auth
//!   (bearer, basic, custom header; secrets in [`Secret`], which prints `***`), timeouts, a
//!   [`RetryPolicy`] (429/502/503/504 and connection resets, `Retry-After`, exponential
//!   backoff with jitter, never a blind retry of a POST), an optional requests-per-second
//!   limit, a response-size limit (16 MiB by default), `User-Agent: scim2-client/<version>`.
//! - Typed calls generic over [`scim2_types::Resource`]: [`Client::create`], [`Client::get`],
//!   [`Client::replace`], [`Client::patch`], [`Client::delete`], [`Client::list`],
//!   [`Client::search`], pagination streams ([`Client::stream`]) and discovery
//!   ([`Client::service_provider_config`], [`Client::schemas`], [`Client::resource_types`]);
//!   ETags through the `*_if_match` variants (RFC 7644 §3.14).
//! - For [`scim2_types::User`] and [`scim2_types::Group`]: [`Client::find_user_by_user_name`],
//!   [`Client::find_user_by_external_id`], [`Client::find_group_by_display_name`],
//!   [`Client::set_active`], [`Client::add_members`], [`Client::remove_members`].
//! - [`Client::send_raw`]: an exact wire form (raw body, raw query, no `Accept` or
//!   `User-Agent`) that still goes through auth, retries, the rate limit and the observer.
//! - OAuth 2.0 client credentials ([`ClientCredentials`]): a token fetched from the token
//!   endpoint, cached until shortly before it expires, fetched again once on a 401.
//! - Networks: [`Proxy`] (`HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` by default, an explicit
//!   proxy URL, or none; `CONNECT` tunnels for https), [`TrustRoots`] (the system store by
//!   default), extra CA files and client certificates (mutual TLS) on the builder.
//! - [`Transport`]: the seam under auth, retries, the rate limit and the observer, for your
//!   own HTTP stack or middleware (hyper by default).
//! - [`Observer`]: sees every [`Exchange`] with the credential redacted. Logs go through
//!   `tracing` and never contain the credential.
//!
//! ```no_run
//! use scim2_client::{Client, Projection, Query, Secret};
//! use scim2_filter::Filter;
//! use scim2_types::User;
//!
//! # async fn demo() -> Result<(), scim2_client::Error> {
//! let client = Client::builder("https://tenant.example.com/scim/v2")
//!     .bearer(Secret::from_env("SCIM_TOKEN")?)
//!     .build()?;
//! let mut user = User::new("bjensen@example.com");
//! user.display_name = Some("Barbara Jensen".into());
//! user.active = Some(true);
//! let created = client.create(&user).await?;
//! let id = created.id.clone().unwrap_or_default();
//! let again: User = client.get(&id, &Projection::all()).await?;
//! let page = client
//!     .list::<User>(&Query::new().filter(Filter::eq("userName", "bjensen@example.com")))
//!     .await?;
//! assert_eq!(page.total_results, 1);
//! client.set_active(&id, false).await?;
//! client.delete::<User>(&again.id.unwrap_or_default()).await?;
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod base_url;
mod calls;
mod client;
mod connect;
mod convenience;
mod decode;
mod error;
mod gate;
mod oauth;
mod observer;
mod paginate;
mod proxy;
mod query;
mod rate_limit;
mod raw;
#[cfg(feature = "reqwest")]
mod reqwest_transport;
mod retry;
mod secret;
mod tls;
mod transport;

pub use base_url::BaseUrl;
pub use client::{
    Client, ClientBuilder, DEFAULT_ACCEPT, DEFAULT_MAX_BODY_BYTES, DEFAULT_USER_AGENT, SCIM_JSON,
};
pub use error::{DecodeError, Error, ResponseError};
pub use gate::ThrottleGate;
pub use oauth::{ClientCredentials, REFRESH_MARGIN};
pub use observer::{Exchange, Observer};
pub use proxy::Proxy;
pub use query::{Projection, Query};
pub use raw::{RawRequest, RawResponse};
#[cfg(feature = "reqwest")]
pub use reqwest_transport::ReqwestTransport;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use tls::TrustRoots;
pub use transport::{BoxFuture, Transport, TransportError};

/// Re-exported so that callers can name methods, headers and statuses.
pub use http;

/// The body type of [`RawRequest`], [`RawResponse`] and [`Exchange`], re-exported so that
/// callers need not depend on `bytes` themselves.
pub use bytes::Bytes;
/// The URL type of [`RawResponse::url`], [`Exchange::url`] and [`BaseUrl`], re-exported so that
/// callers need not depend on `url` themselves.
pub use url::Url;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

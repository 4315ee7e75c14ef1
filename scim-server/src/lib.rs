//! A SCIM 2.0 server core (RFC 7643 schema, RFC 7644 protocol).
//!
//! - [`store`]: where resources live — the [`Store`](store::Store) trait and its
//!   implementations.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod store;

//! The SCIM 2.0 filter and attribute-path language (RFC 7644 §3.4.2.2, §3.5.2).
//!
//! - [`ast`]: one type per ABNF production; `Display` prints canonical SCIM text.
//! - [`parse`]: the parser, with bounded depth and length and errors that point at the input.
//! - [`eval`]: evaluation of a filter on a JSON resource with SCIM semantics.
//! - [`compiled`]: a filter prepared once ([`Filter::compile`]) and evaluated over many
//!   resources without allocating.
//! - [`policy`]: the named tolerated deviations (Entra ID's dialects) and the `Strict` and
//!   `EntraCompatible` presets.
//! - [`patch`]: applying a PATCH request (RFC 7644 §3.5.2) to a JSON resource.
//! - [`diff`]: the PATCH request that turns one resource into another, in a chosen dialect.
//!
//! This crate does no I/O.
//!
//! ```
//! use scim2_filter::Filter;
//! use serde_json::json;
//!
//! let f: Filter = r#"userName eq "bjensen" and emails[type eq "work" and value co "@example.com"]"#.parse()?;
//! let user = json!({
//!     "userName": "BJensen",
//!     "emails": [{"type": "work", "value": "bjensen@example.com"}]
//! });
//! assert!(f.matches(&user));
//! assert_eq!(Filter::parse(&f.to_string())?, f);
//! # Ok::<(), scim2_filter::ParseError>(())
//! ```
//!
//! Applying a PATCH request (RFC 7644 §3.5.2), here in Entra ID's legacy dialect, which
//! [`Policy::entra_compatible`] accepts and [`Policy::strict`] refuses:
//!
//! ```
//! use scim2_filter::{Policy, patch};
//! use scim2_types::{PatchOp, PatchOperation, schema::ResourceSchemas};
//! use serde_json::json;
//!
//! let mut user = json!({
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!     "id": "2819c223", "userName": "bjensen", "active": true,
//!     "emails": [{"type": "work", "value": "bjensen@example.com"}]
//! });
//! let op = PatchOp::new(vec![
//!     PatchOperation::replace(Some("emails[type eq \"work\"].value"), json!("babs@example.com")),
//!     PatchOperation::replace(Some("active"), json!("False")), // Entra's string boolean
//! ]);
//! let schemas = ResourceSchemas::user();
//! let report = patch::apply(&mut user, &op, &schemas, &Policy::entra_compatible())?;
//! assert_eq!(user["emails"][0]["value"], "babs@example.com");
//! assert_eq!(user["active"], false);
//! assert_eq!(report.changed_attributes().len(), 2);
//! // All or nothing: the strict policy refuses the string boolean and changes nothing.
//! let before = user.clone();
//! assert!(patch::apply(&mut user, &op, &schemas, &Policy::strict()).is_err());
//! assert_eq!(user, before);
//! # Ok::<(), patch::PatchError>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod ast;
pub mod compiled;
pub mod diff;
pub mod eval;
pub mod parse;
pub mod patch;
pub mod policy;
pub mod select;
mod text;

pub use ast::{AttrPath, CompValue, CompareOp, Filter, PatchPath, ValuePath};
pub use compiled::CompiledFilter;
pub use parse::{Limits, ParseError};
pub use policy::Policy;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

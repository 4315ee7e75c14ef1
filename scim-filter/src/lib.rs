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
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod ast;
pub mod compiled;
pub mod diff;
pub mod eval;
pub mod parse;
pub mod patch;
pub mod policy;
mod text;

pub use ast::{AttrPath, CompValue, CompareOp, Filter, PatchPath, ValuePath};
pub use compiled::CompiledFilter;
pub use parse::{Limits, ParseError};
pub use policy::Policy;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

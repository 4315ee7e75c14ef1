//! The SCIM 2.0 filter and attribute-path language (RFC 7644 §3.4.2.2, §3.5.2).
//!
//! - [`ast`]: one type per ABNF production; `Display` prints canonical SCIM text.
//!
//! This crate does no I/O.

pub mod ast;

pub use ast::{AttrPath, CompValue, CompareOp, Filter, PatchPath, ValuePath};

//! The scim-rs conformance runner (work in progress; see the workspace README).

pub mod compare;

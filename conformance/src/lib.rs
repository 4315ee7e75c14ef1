//! The scim-rs conformance runner: checks that a SCIM endpoint handles what Microsoft Entra ID
//! provisioning sends, and a built-in reference endpoint to demonstrate and test the checks.
//!
//! - [`reference`]: the built-in reference endpoint (axum, in memory) with switchable faults.

pub mod reference;

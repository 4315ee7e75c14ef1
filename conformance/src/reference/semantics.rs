//! The one door to SCIM semantics: filters, sort values and PATCH application.
//!
//! The reference endpoint never evaluates a filter or applies a PATCH operation itself: every
//! such call goes through this module to `scim2_filter` (`Filter::parse`, `matches_with`,
//! `eval::values_at`, `eval::compare_for_sort`, `patch::apply` with `Policy`), so the
//! workspace has one implementation of SCIM semantics (DESIGN.md).
//!
//! Until the evaluation and PATCH parts of `scim2_filter` are on `main`, every function here
//! answers [`SemanticsError::Unavailable`], which the endpoint turns into 501 Not Implemented,
//! and `/ServiceProviderConfig` advertises filter, sort and patch as unsupported.

use std::cmp::Ordering;

use axum::http::StatusCode;
use scim2_types::schema::ResourceSchemas;
use scim2_types::{PatchOp, ScimType};
use serde_json::Value;

use super::error::ApiError;

/// Whether filtering, sorting and PATCH are available (advertised in
/// `/ServiceProviderConfig`).
pub(crate) const AVAILABLE: bool = false;

const UNAVAILABLE: &str = "filter evaluation, sorting and PATCH need scim2-filter's eval and patch \
                           modules, which this build does not have yet";

/// Why a semantic operation failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SemanticsError {
    /// The semantics are not built in.
    Unavailable,
    /// The input is wrong (invalid filter, path or value): 400 with this `scimType`.
    #[allow(dead_code)] // built by the scim2-filter calls once they are on main
    Invalid { scim_type: ScimType, detail: String },
}

impl SemanticsError {
    /// Whether the client's input was wrong (rather than the semantics missing).
    pub(crate) fn is_invalid_input(&self) -> bool {
        matches!(self, Self::Invalid { .. })
    }
}

impl From<SemanticsError> for ApiError {
    fn from(e: SemanticsError) -> Self {
        match e {
            SemanticsError::Unavailable => {
                ApiError::new(StatusCode::NOT_IMPLEMENTED, None, UNAVAILABLE)
            }
            SemanticsError::Invalid { scim_type, detail } => {
                ApiError::bad_request(scim_type, detail)
            }
        }
    }
}

/// A parsed and validated filter (RFC 7644 §3.4.2.2).
#[derive(Debug, Clone)]
pub(crate) enum ParsedFilter {}

impl ParsedFilter {
    /// Whether `resource` matches, with the string comparison rules of `schemas`.
    pub(crate) fn matches(&self, _resource: &Value, _schemas: &ResourceSchemas) -> bool {
        match *self {}
    }

    /// Whether the filter names the attribute `name` anywhere (ASCII case-insensitive).
    pub(crate) fn mentions(&self, _name: &str) -> bool {
        match *self {}
    }
}

/// Parses and validates a filter against the resource type's schemas.
pub(crate) fn parse_filter(
    _text: &str,
    _schemas: &ResourceSchemas,
) -> Result<ParsedFilter, SemanticsError> {
    Err(SemanticsError::Unavailable)
}

/// A parsed `sortBy` attribute path (RFC 7644 §3.4.2.3).
#[derive(Debug, Clone)]
pub(crate) enum SortKey {}

/// Parses `sortBy`.
pub(crate) fn parse_sort_by(
    _text: &str,
    _schemas: &ResourceSchemas,
) -> Result<SortKey, SemanticsError> {
    Err(SemanticsError::Unavailable)
}

/// Orders two resources by `key`, ascending, resources without a value last.
pub(crate) fn compare(
    _a: &Value,
    _b: &Value,
    key: &SortKey,
    _schemas: &ResourceSchemas,
) -> Ordering {
    match *key {}
}

/// Applies a PATCH request to `resource` (all or nothing), with Entra's tolerated deviations.
pub(crate) fn apply_patch(
    _resource: &mut Value,
    _op: &PatchOp,
    _schemas: &ResourceSchemas,
) -> Result<(), SemanticsError> {
    Err(SemanticsError::Unavailable)
}

/// For a value-path PATCH path (`emails[type eq "work"].value`), whether `element` is one of
/// the elements its value filter selects.
pub(crate) fn value_filter_selects(
    _path: &str,
    _element: &Value,
    _schemas: &ResourceSchemas,
) -> Result<bool, SemanticsError> {
    Err(SemanticsError::Unavailable)
}

//! SCIM errors (RFC 7644 §3.12): constructors for the answers the core gives, and the mapping
//! of [`StoreError`] to them.

use http::StatusCode;
use scim2_types::{ScimError, ScimType};

use crate::store::StoreError;

/// An error with `status`, an optional `scimType` and a detail.
pub(crate) fn error(
    status: StatusCode,
    scim_type: Option<ScimType>,
    detail: impl Into<String>,
) -> ScimError {
    ScimError::new(status.as_u16(), scim_type, detail)
}

/// 400 with a `scimType` (RFC 7644 §3.12 Table 9).
pub(crate) fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> ScimError {
    error(StatusCode::BAD_REQUEST, Some(scim_type), detail)
}

/// 400 `invalidValue`.
pub(crate) fn invalid_value(detail: impl Into<String>) -> ScimError {
    bad_request(ScimType::InvalidValue, detail)
}

/// 400 `invalidSyntax`.
pub(crate) fn invalid_syntax(detail: impl Into<String>) -> ScimError {
    bad_request(ScimType::InvalidSyntax, detail)
}

/// 404 for a resource id.
pub(crate) fn not_found(what: &str, id: &str) -> ScimError {
    error(
        StatusCode::NOT_FOUND,
        None,
        format!("{what} {id} not found"),
    )
}

/// 500 without details (the cause is not the client's to see).
pub(crate) fn internal(detail: impl Into<String>) -> ScimError {
    error(StatusCode::INTERNAL_SERVER_ERROR, None, detail)
}

impl From<StoreError> for ScimError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { kind, id } => not_found(kind.resource_type(), &id),
            StoreError::Conflict {
                attribute, value, ..
            } => error(
                StatusCode::CONFLICT,
                Some(ScimType::Uniqueness),
                format!("{attribute} `{value}` is already in use"),
            ),
            StoreError::Rejected(e) => e,
            StoreError::Corrupt { .. } => internal("a stored resource cannot be read"),
            StoreError::Backend(_) => internal("the storage backend failed"),
        }
    }
}

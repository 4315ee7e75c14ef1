//! Errors of the reference endpoint, written as SCIM Error responses (RFC 7644 §3.12).

use axum::http::StatusCode;
use scim2_types::{ScimError, ScimType};

/// An error answer: HTTP status, optional `scimType` and a detail message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) scim_type: Option<ScimType>,
    pub(crate) detail: String,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        scim_type: Option<ScimType>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// 400 with a `scimType` (RFC 7644 §3.12 Table 9).
    pub(crate) fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    /// 400 `invalidValue`.
    pub(crate) fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidValue, detail)
    }

    /// 404 for a resource id.
    pub(crate) fn not_found(kind: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            None,
            format!("{kind} {id} not found"),
        )
    }

    /// 409 `uniqueness` (RFC 7644 §3.3).
    pub(crate) fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, Some(ScimType::Uniqueness), detail)
    }

    /// 500 for a deliberate fault.
    pub(crate) fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, detail)
    }

    /// The SCIM Error body.
    pub(crate) fn body(&self) -> ScimError {
        ScimError::new(
            self.status.as_u16(),
            self.scim_type.clone(),
            self.detail.clone(),
        )
    }
}

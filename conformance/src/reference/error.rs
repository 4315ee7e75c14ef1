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

//! A SCIM response: status, headers and body bytes, always `application/scim+json` when there
//! is a body (RFC 7644 §3.1).

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use scim2_types::{ListResponse, ScimError};
use serde_json::Value;

/// The media type of every SCIM response body (RFC 7644 §3.1).
pub const SCIM_JSON: &str = "application/scim+json";

/// What the core answers to a [`ScimRequest`](crate::ScimRequest).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ScimResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers (`Content-Type`, `ETag`, `Location`, `Allow`).
    pub headers: HeaderMap,
    /// The body (empty for 204 and 304).
    pub body: Bytes,
}

impl ScimResponse {
    /// A response with a SCIM JSON body.
    #[must_use]
    pub fn json(status: StatusCode, body: &Value) -> Self {
        Self::with_body(status, serde_json::to_vec(body).unwrap_or_default())
    }

    /// A `ListResponse` (RFC 7644 §3.4.2) serialised straight to SCIM JSON, without an
    /// intermediate [`Value`].
    pub(crate) fn list(status: StatusCode, list: &ListResponse<Value>) -> Self {
        Self::with_body(status, serde_json::to_vec(list).unwrap_or_default())
    }

    fn with_body(status: StatusCode, bytes: Vec<u8>) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
        Self {
            status,
            headers,
            body: Bytes::from(bytes),
        }
    }

    /// A response without a body.
    #[must_use]
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// A SCIM Error response (RFC 7644 §3.12); an out-of-range status becomes 500.
    #[must_use]
    pub fn error(error: &ScimError) -> Self {
        let status =
            StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_value(error).unwrap_or(Value::Null);
        Self::json(status, &body)
    }

    /// This response with the header `name: value` (skipped when `value` is not a valid
    /// header value).
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }

    /// The body as JSON, if it is JSON.
    #[must_use]
    pub fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The value of header `name` as text.
    #[must_use]
    pub fn header(&self, name: &HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl From<ScimError> for ScimResponse {
    fn from(e: ScimError) -> Self {
        Self::error(&e)
    }
}

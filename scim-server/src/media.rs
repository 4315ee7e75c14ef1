//! Media types (RFC 7644 §3.1, §3.8): request bodies in `application/scim+json` (with
//! parameters, as Entra sends `charset=utf-8`) or `application/json`; answers in
//! `application/scim+json`, so an `Accept` header must allow it. No `Accept` means anything
//! (docs/entra.md#headers: Entra's Test Connection sends none).

use http::{Method, StatusCode, header};
use scim2_types::ScimError;

use crate::error::error;
use crate::request::ScimRequest;
use crate::response::SCIM_JSON;

/// Checks `Accept` (406) and, for requests with a body, `Content-Type` (415).
///
/// # Errors
/// 406 Not Acceptable or 415 Unsupported Media Type.
pub(crate) fn check(request: &ScimRequest) -> Result<(), ScimError> {
    if let Some(accept) = request.headers.get(header::ACCEPT) {
        let text = accept.to_str().unwrap_or("");
        let acceptable = text.split(',').any(|range| {
            matches!(
                essence(range).as_str(),
                "*/*" | "application/*" | "application/json" | "application/scim+json"
            )
        });
        if !acceptable {
            return Err(error(
                StatusCode::NOT_ACCEPTABLE,
                None,
                format!("cannot answer in `{text}`; responses are {SCIM_JSON}"),
            ));
        }
    }
    if matches!(request.method, Method::POST | Method::PUT | Method::PATCH)
        && let Some(ct) = request.headers.get(header::CONTENT_TYPE)
    {
        let text = ct.to_str().unwrap_or("");
        if !matches!(
            essence(text).as_str(),
            "application/scim+json" | "application/json"
        ) {
            return Err(error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                None,
                format!("request bodies must be {SCIM_JSON} or application/json, not `{text}`"),
            ));
        }
    }
    Ok(())
}

/// The media type without parameters, lower-cased.
fn essence(text: &str) -> String {
    text.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

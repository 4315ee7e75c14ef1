//! Versions as ETags: `If-Match` (412) and `If-None-Match` (304) (RFC 7644 §3.14; RFC 7232
//! §3.1, §3.2, weak comparison).

use http::{StatusCode, header};
use scim2_types::ScimError;
use serde_json::Value;

use crate::error::error;
use crate::request::ScimRequest;
use crate::resource::version_of;

fn strip_weak(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/")
}

/// Whether the comma-separated entity tags `tags` name `current` (or are `*`).
fn matches(tags: &str, current: &str) -> bool {
    tags.split(',')
        .any(|t| t.trim() == "*" || strip_weak(t) == strip_weak(current))
}

/// `If-Match`: `Ok` without the header or when it names the resource's current version.
///
/// # Errors
/// 412 Precondition Failed.
pub(crate) fn check_if_match(request: &ScimRequest, resource: &Value) -> Result<(), ScimError> {
    let Some(value) = request.headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or("");
    let current = version_of(resource).unwrap_or("");
    if matches(text, current) {
        Ok(())
    } else {
        Err(error(
            StatusCode::PRECONDITION_FAILED,
            None,
            format!("If-Match {text} does not match the current version {current}"),
        ))
    }
}

/// `If-None-Match`: the current version when the header names it (the answer is then 304).
pub(crate) fn not_modified<'a>(request: &ScimRequest, resource: &'a Value) -> Option<&'a str> {
    let tags = request.header(&header::IF_NONE_MATCH)?;
    let current = version_of(resource)?;
    matches(tags, current).then_some(current)
}

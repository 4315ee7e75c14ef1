//! SCIM JSON helpers, plain functions over `serde_json::Value`: member lookup (RFC 7643
//! §2.1, case-insensitive), ids, list responses (RFC 7644 §3.4.2), error bodies (RFC 7644
//! §3.12), group members, and the encodings of filter literals and path segments.

use scim2_types::urn;
use serde_json::Value;

pub use scim2_filter::select::get_ci;

/// A list response's members (RFC 7644 §3.4.2).
#[derive(Debug, Clone)]
pub struct Listed {
    /// `totalResults`.
    pub total: Option<u64>,
    /// `startIndex`.
    pub start_index: Option<u64>,
    /// `Resources` (absent = empty).
    pub resources: Vec<Value>,
}

/// Percent-encodes a query value the way Entra does (space as `+`, quotes as `%22`).
#[must_use]
pub fn enc(q: &str) -> String {
    url::form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// A JSON string literal for a filter (`"x"` with quotes and backslashes escaped).
#[must_use]
pub fn lit(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Percent-encodes an id for use as a path segment.
#[must_use]
pub fn enc_path(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The `id` of a resource (any JSON string; numbers are accepted and stringified).
#[must_use]
pub fn id_of(v: &Value) -> Option<String> {
    match get_ci(v, "id")? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads a ListResponse (member names case-insensitive; missing `Resources` = empty).
#[must_use]
pub fn listed(v: &Value) -> Option<Listed> {
    let o = v.as_object()?;
    let is_list = get_ci(v, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .any(|x| x.as_str() == Some(scim2_types::urn::LIST_RESPONSE))
        })
        || get_ci(v, "totalResults").is_some();
    if !is_list || o.is_empty() {
        return None;
    }
    let num = |k| {
        get_ci(v, k).and_then(|n| {
            n.as_u64()
                .or_else(|| n.as_str().and_then(|s| s.parse().ok()))
        })
    };
    let resources = match get_ci(v, "Resources") {
        Some(Value::Array(a)) => a.clone(),
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return None,
    };
    Some(Listed {
        total: num("totalResults"),
        start_index: num("startIndex"),
        resources,
    })
}

/// ` (scimType x: detail)` from a SCIM error body, for messages.
#[must_use]
pub fn error_detail(v: Option<&Value>) -> String {
    let Some(v) = v else { return String::new() };
    let st = get_ci(v, "scimType").and_then(Value::as_str);
    let d = get_ci(v, "detail").and_then(Value::as_str);
    match (st, d) {
        (None, None) => String::new(),
        (s, d) => format!(
            " ({}{})",
            s.map(|s| format!("scimType {s}: ")).unwrap_or_default(),
            d.unwrap_or("")
        ),
    }
}

/// Whether `v` is a SCIM Error body (RFC 7644 §3.12) with the given status.
#[must_use]
pub fn is_scim_error(v: Option<&Value>, status: u16) -> bool {
    let Some(v) = v else { return false };
    let schema_ok = get_ci(v, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|x| x.as_str() == Some(urn::ERROR)));
    let status_ok = get_ci(v, "status").is_some_and(|s| {
        s.as_str()
            .and_then(|t| t.parse::<u16>().ok())
            .or_else(|| s.as_u64().and_then(|n| u16::try_from(n).ok()))
            == Some(status)
    });
    schema_ok && status_ok
}

/// The members of a group body as a set of ids (absent = empty).
#[must_use]
pub fn member_ids(group: &Value) -> Vec<String> {
    get_ci(group, "members")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|m| {
                    get_ci(m, "value")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default()
}

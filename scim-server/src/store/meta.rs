//! `meta` of stored resources (RFC 7643 §3.1): versions, ETags and timestamps, for the core
//! and for stores that change a resource on their own (removing a deleted user from groups).

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The current time as an RFC 3339 `dateTime` (RFC 7643 §2.3.5).
#[must_use]
pub fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// The weak ETag of a version number, `W/"3"` (RFC 7644 §3.14; RFC 7232 §2.3).
#[must_use]
pub fn etag(version: u64) -> String {
    format!("W/\"{version}\"")
}

/// The version number of a stored resource (`meta.version` `W/"3"` → 3; 0 without one).
///
/// ```
/// use scim2_server::store::meta;
/// let r = serde_json::json!({"meta": {"version": "W/\"3\""}});
/// assert_eq!(meta::version(&r), 3);
/// assert_eq!(meta::version(&serde_json::json!({})), 0);
/// ```
#[must_use]
pub fn version(resource: &Value) -> u64 {
    resource
        .pointer("/meta/version")
        .and_then(Value::as_str)
        .map(|v| v.trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Marks a stored resource as changed: the next version and `lastModified` now.
///
/// ```
/// use scim2_server::store::meta;
/// let mut r = serde_json::json!({"id": "g", "meta": {"version": "W/\"3\""}});
/// meta::touch(&mut r);
/// assert_eq!(r["meta"]["version"], "W/\"4\"");
/// assert!(r["meta"]["lastModified"].is_string());
/// ```
pub fn touch(resource: &mut Value) {
    let next = version(resource).saturating_add(1);
    if let Value::Object(map) = resource {
        let meta = map
            .entry("meta")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(meta) = meta {
            meta.insert("lastModified".to_owned(), Value::String(now()));
            meta.insert("version".to_owned(), Value::String(etag(next)));
        }
    }
}

/// Removes the member `user_id` from a group resource; `true` when it was a member (the
/// group is then [`touch`]ed). What every store does to the groups of a deleted user.
///
/// ```
/// use scim2_server::store::meta;
/// let mut g = serde_json::json!({"members": [{"value": "u1"}, {"value": "u2"}]});
/// assert!(meta::remove_member(&mut g, "u1"));
/// assert_eq!(g["members"], serde_json::json!([{"value": "u2"}]));
/// assert!(!meta::remove_member(&mut g, "u1"));
/// ```
pub fn remove_member(group: &mut Value, user_id: &str) -> bool {
    let Some(Value::Array(members)) = group.get_mut("members") else {
        return false;
    };
    let before = members.len();
    members.retain(|m| m.get("value").and_then(Value::as_str) != Some(user_id));
    let removed = members.len() != before;
    if removed {
        touch(group);
    }
    removed
}

/// The id of a stored resource.
#[must_use]
pub fn id(resource: &Value) -> Option<&str> {
    resource.get("id").and_then(Value::as_str)
}

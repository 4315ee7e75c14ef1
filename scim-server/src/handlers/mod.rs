//! The operations (RFC 7644 §3.3–§3.6), one file each, and what they share: reading the JSON
//! body, the required unique attribute, rendering a resource with its location and ETag.

mod create;
mod delete;
mod get;
mod list;
mod members;
mod patch;
mod replace;

use http::{StatusCode, header};
use scim2_types::{ListResponse, ScimError};
use serde_json::{Map, Value};

use crate::error::{invalid_syntax, invalid_value};
use crate::projection::{Projection, project};
use crate::resource::version_of;
use crate::response::ScimResponse;
use crate::store::ResourceKind;

/// The resource a PUT or PATCH stores in place of `current` (RFC 7644 §3.5): `body` with its
/// group members checked, the server's fields of the next version (RFC 7643 §3.1 `meta`), then
/// the application's `before_store` hook.
fn next_version<H: crate::hooks::Hooks>(
    hooks: &H,
    known: &members::Known,
    id: &str,
    mut body: Map<String, Value>,
    write: &crate::hooks::Write<'_>,
    current: &Value,
) -> Result<Value, ScimError> {
    if write.kind == ResourceKind::Group {
        known.check(&mut body, Some(current))?;
    }
    let mut next = crate::resource::with_server_fields(
        body,
        write.kind,
        id,
        &crate::resource::created_of(current),
        &crate::store::meta::now(),
        crate::store::meta::version(current).saturating_add(1),
    );
    hooks.before_store(write, &mut next)?;
    Ok(next)
}

/// The body as JSON.
fn parse_json(body: &[u8]) -> Result<Value, ScimError> {
    serde_json::from_slice(body).map_err(|e| invalid_syntax(format!("malformed JSON body: {e}")))
}

/// `meta.location` of a resource.
fn location(base: &str, kind: ResourceKind, id: &str) -> String {
    format!("{base}{}/{id}", kind.endpoint())
}

/// The unique attribute (`userName`, group `displayName`) must be a non-blank string (RFC 7643
/// §4.1.1, §4.2).
fn required(kind: ResourceKind, body: &Map<String, Value>) -> Result<(), ScimError> {
    let name = kind.name_attribute();
    match body.get(name).and_then(Value::as_str) {
        Some(v) if !v.trim().is_empty() => Ok(()),
        _ => Err(invalid_value(format!(
            "`{name}` is required (RFC 7643 §{})",
            match kind {
                ResourceKind::User => "4.1.1",
                ResourceKind::Group => "4.2",
            }
        ))),
    }
}

/// The resource as a client sees it: `meta.location` added, then projected (RFC 7644 §3.9).
fn render(
    kind: ResourceKind,
    resource: Value,
    base: &str,
    projection: &Projection,
    schemas: &scim2_types::schema::ResourceSchemas,
) -> Value {
    let mut out = resource;
    if let Value::Object(map) = &mut out
        && let Some(id) = map.get("id").and_then(Value::as_str).map(str::to_owned)
        && let Some(Value::Object(meta)) = map.get_mut("meta")
    {
        meta.insert(
            "location".to_owned(),
            Value::String(location(base, kind, &id)),
        );
    }
    project(out, projection, schemas)
}

/// One resource with its `ETag`.
fn single(
    status: StatusCode,
    kind: ResourceKind,
    resource: Value,
    base: &str,
    projection: &Projection,
    schemas: &scim2_types::schema::ResourceSchemas,
) -> ScimResponse {
    let version = version_of(&resource).map(str::to_owned);
    let body = render(kind, resource, base, projection, schemas);
    let response = ScimResponse::json(status, &body);
    match version {
        Some(v) => response.with_header(header::ETAG, &v),
        None => response,
    }
}

/// A `ListResponse` of everything in `resources` (discovery).
pub(crate) fn list_of(resources: Vec<Value>) -> ScimResponse {
    let total = resources.len() as u64;
    let list = ListResponse::new(resources, total, 1);
    ScimResponse::list(StatusCode::OK, &list)
}

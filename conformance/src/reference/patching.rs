//! PATCH (RFC 7644 §3.5.2) around the semantics door: the faults that change which operations
//! reach `scim2_filter::patch::apply`, or what happens around it.
//!
//! Without faults this is one call to [`semantics::apply_patch`].

use scim2_types::schema::{AttributeType, ResourceSchemas, SchemaAttribute};
use scim2_types::{PatchOp, PatchOpKind, PatchOperation, ScimType, urn};
use serde_json::{Map, Value};

use super::Fault;
use super::app::Reference;
use super::error::ApiError;
use super::kind::Kind;
use super::semantics;
use super::store::Entry;

/// The top-level attribute a path names (`emails` for `emails[type eq "work"].value`,
/// `manager` for the enterprise URN path), lower-cased, and whether it is a value path.
fn target(path: &str, schemas: &ResourceSchemas, kind: Kind) -> (String, bool) {
    let mut known: Vec<&str> = schemas.extensions.iter().map(|s| s.id.as_str()).collect();
    known.push(kind.core_urn());
    let rest = urn::split_qualified(path, &known).map_or(path, |(_, rest)| rest);
    let end = rest.find(['[', '.']).unwrap_or(rest.len());
    (rest[..end].to_ascii_lowercase(), rest.contains('['))
}

/// `(attribute definition, value)` pairs an operation writes, for the pre-checks.
fn written<'a>(
    op: &'a PatchOperation,
    schemas: &'a ResourceSchemas,
) -> Vec<(&'a SchemaAttribute, &'a Value)> {
    let Some(value) = &op.value else {
        return Vec::new();
    };
    let lookup = |path: &str| -> Option<&'a SchemaAttribute> {
        // `emails[type eq "work"].primary` is checked as `emails.primary`.
        let mut plain = String::with_capacity(path.len());
        let mut depth = 0usize;
        for c in path.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        schemas.attribute(&plain)
    };
    let mut out = Vec::new();
    match (&op.path, value) {
        (Some(path), v) => {
            if let Some(attr) = lookup(path) {
                out.push((attr, v));
            }
        }
        (None, Value::Object(map)) => {
            for (k, v) in map {
                if schemas.is_extension(k) {
                    if let Value::Object(inner) = v {
                        for (ik, iv) in inner {
                            if let Some(attr) = lookup(&format!("{k}:{ik}")) {
                                out.push((attr, iv));
                            }
                        }
                    }
                } else if let Some(attr) = lookup(k) {
                    out.push((attr, v));
                    if let (Value::Object(inner), AttributeType::Complex) = (v, attr.kind) {
                        for (ik, iv) in inner {
                            if let Some(sub) = attr.sub_attribute(ik) {
                                out.push((sub, iv));
                            }
                        }
                    }
                }
            }
        }
        (None, _) => {}
    }
    out
}

/// Whether `key` (a path, or a path-less value key) names an attribute of an extension schema
/// the resource type does not declare.
fn undeclared_extension(key: &str, schemas: &ResourceSchemas, kind: Kind) -> bool {
    let mut known: Vec<&str> = schemas.extensions.iter().map(|s| s.id.as_str()).collect();
    known.push(kind.core_urn());
    key.len() > 4
        && key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
        && schemas.schema(key).is_none()
        && urn::split_qualified(key, &known).is_none()
}

fn precheck(app: &Reference, kind: Kind, op: &PatchOp) -> Result<(), ApiError> {
    for (i, operation) in op.operations.iter().enumerate() {
        if app.has(Fault::CustomExtensionPatchRejected) {
            let keys: Vec<&str> = match (&operation.path, &operation.value) {
                (Some(p), _) => vec![p.as_str()],
                (None, Some(Value::Object(m))) => m.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            if let Some(k) = keys
                .into_iter()
                .find(|k| undeclared_extension(k, app.schemas(kind), kind))
            {
                return Err(ApiError::bad_request(
                    ScimType::InvalidPath,
                    format!("operation {i}: {k}: unknown schema"),
                ));
            }
        }
        if app.has(Fault::RejectCapitalizedOps) && operation.op_spelling.is_some() {
            return Err(ApiError::bad_request(
                ScimType::InvalidSyntax,
                format!("operation {i}: unknown op `{}`", operation.op_text()),
            ));
        }
        if app.has(Fault::RejectManagerValueFilter)
            && operation
                .path
                .as_deref()
                .is_some_and(|p| p.to_ascii_lowercase().starts_with("manager["))
        {
            return Err(ApiError::bad_request(
                ScimType::InvalidPath,
                format!(
                    "operation {i}: a value filter is not allowed on the single-valued manager"
                ),
            ));
        }
        for (attr, value) in written(operation, app.schemas(kind)) {
            if app.has(Fault::RejectStringBooleans)
                && attr.kind == AttributeType::Boolean
                && value.is_string()
            {
                return Err(ApiError::invalid_value(format!(
                    "operation {i}: `{}` must be a JSON boolean",
                    attr.name
                )));
            }
            if app.has(Fault::RejectManagerString) && attr.name == "manager" && value.is_string() {
                return Err(ApiError::invalid_value(format!(
                    "operation {i}: `manager` must be an object with `value`"
                )));
            }
        }
    }
    Ok(())
}

/// Removes the key `name` (ASCII case-insensitive) from a path-less value object; `true` when
/// the object is left empty.
fn strip_key(operation: &mut PatchOperation, name: &str) -> bool {
    if let Some(Value::Object(map)) = &mut operation.value {
        map.retain(|k, _| !k.eq_ignore_ascii_case(name));
        return map.is_empty();
    }
    false
}

fn transform(app: &Reference, kind: Kind, entry: &Entry, op: &mut PatchOp) {
    let unique = kind.unique_attribute().to_ascii_lowercase();
    op.operations.retain_mut(|operation| {
        let path = operation.path.clone();
        let (top, value_path) = path.as_deref().map_or((String::new(), false), |p| {
            target(p, app.schemas(kind), kind)
        });
        if app.has(Fault::IgnoreValuePathPatch) && value_path {
            return false;
        }
        if app.has(Fault::PathlessReplaceIgnored)
            && path.is_none()
            && operation.op != PatchOpKind::Remove
        {
            return false;
        }
        if app.has(Fault::RenameNotApplied) && operation.op != PatchOpKind::Remove {
            if path.is_some() && top == unique && !value_path {
                return false;
            }
            if path.is_none() && strip_key(operation, kind.unique_attribute()) {
                return false;
            }
        }
        if kind == Kind::Group && top == "members" {
            if app.has(Fault::MembersNotRemoved) && operation.op == PatchOpKind::Remove {
                return false;
            }
            if app.has(Fault::LegacyMemberRemoveWipesGroup)
                && operation.op == PatchOpKind::Remove
                && !value_path
            {
                operation.value = None;
            }
        }
        if kind == Kind::Group
            && entry.renamed
            && app.has(Fault::MemberDroppedAfterRename)
            && operation.op == PatchOpKind::Add
        {
            if top == "members" {
                return false;
            }
            if path.is_none() && strip_key(operation, "members") {
                return false;
            }
        }
        true
    });
}

fn key_of(map: &Map<String, Value>, lower: &str) -> String {
    map.keys()
        .find(|k| k.eq_ignore_ascii_case(lower))
        .cloned()
        .unwrap_or_else(|| lower.to_owned())
}

fn member_values(resource: &Value) -> Vec<String> {
    resource
        .get("members")
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|e| e.get("value").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Applies one operation with the per-operation faults around it.
fn apply_one(
    app: &Reference,
    kind: Kind,
    base: &mut Value,
    operation: PatchOperation,
    touched: &mut Vec<String>,
) -> Result<(), ApiError> {
    let schemas = app.schemas(kind);
    let policy = app.policy();
    let path = operation.path.clone().unwrap_or_default();
    let (top, value_path) = target(&path, schemas, kind);
    let writes = operation.op != PatchOpKind::Remove;
    if app.has(Fault::AddressOpsSplitElements) && writes && value_path && path.contains("].") {
        let prefix = path[..path.find(']').map_or(path.len(), |i| i + 1)].to_ascii_lowercase();
        if touched.contains(&prefix) {
            // Build the element on an empty resource and append it as a new element.
            let mut scratch = serde_json::json!({ "schemas": base.get("schemas").cloned().unwrap_or(Value::Null) });
            semantics::apply_patch(
                &mut scratch,
                &PatchOp::new(vec![operation]),
                schemas,
                &policy,
            )?;
            let added = scratch
                .as_object()
                .and_then(|m| m.get(&key_of(m, &top)))
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .cloned();
            if let (Some(added), Value::Object(map)) = (added, &mut *base) {
                let key = key_of(map, &top);
                match map.get_mut(&key) {
                    Some(Value::Array(items)) => items.push(added),
                    _ => {
                        map.insert(key, Value::Array(vec![added]));
                    }
                }
            }
            return Ok(());
        }
        touched.push(prefix);
    }
    let before = member_values(base);
    let duplicates: Vec<Value> = if app.has(Fault::DuplicateMembers)
        && kind == Kind::Group
        && operation.op == PatchOpKind::Add
        && top == "members"
        && !value_path
    {
        operation
            .value
            .as_ref()
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter(|i| {
                        i.get("value")
                            .and_then(Value::as_str)
                            .is_some_and(|v| before.iter().any(|b| b == v))
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let typed_replace = app.has(Fault::TypedReplaceDropsOthers)
        && operation.op == PatchOpKind::Replace
        && value_path;
    semantics::apply_patch(base, &PatchOp::new(vec![operation]), schemas, &policy)?;
    if typed_replace && let Value::Object(map) = base {
        {
            let key = key_of(map, &top);
            if let Some(Value::Array(items)) = map.get_mut(&key) {
                let mut kept = Vec::new();
                for item in items.drain(..) {
                    if semantics::value_filter_selects(&path, &item, schemas)? {
                        kept.push(item);
                    }
                }
                *items = kept;
            }
        }
    }
    if !duplicates.is_empty()
        && let Some(Value::Array(items)) = base.get_mut("members")
    {
        {
            items.extend(duplicates);
        }
    }
    Ok(())
}

/// Applies a PATCH request to a stored entry and returns the new resource (not yet stored,
/// not yet normalized).
pub(crate) fn patch(
    app: &Reference,
    kind: Kind,
    entry: &Entry,
    mut op: PatchOp,
) -> Result<Value, ApiError> {
    precheck(app, kind, &op)?;
    transform(app, kind, entry, &mut op);
    // `created` is only kept under the `second-patch-loses-first` fault.
    let stale = (kind == Kind::User && entry.patches >= 1)
        .then_some(entry.created.as_ref())
        .flatten();
    let mut base = stale.unwrap_or(&entry.resource).clone();
    let per_op = app.has(Fault::AddressOpsSplitElements)
        || app.has(Fault::TypedReplaceDropsOthers)
        || app.has(Fault::DuplicateMembers);
    if per_op {
        let mut touched = Vec::new();
        for operation in op.operations {
            apply_one(app, kind, &mut base, operation, &mut touched)?;
        }
    } else if !op.operations.is_empty() {
        semantics::apply_patch(&mut base, &op, app.schemas(kind), &app.policy())?;
    }
    Ok(base)
}

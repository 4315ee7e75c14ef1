//! The reference endpoint's [`Hooks`]: the faults that change how a PATCH is applied
//! (RFC 7644 §3.5.2) or what a write stores, around `scim2_server`'s own PATCH application
//! (`PatchContext::apply`, that is `scim2_filter::patch::apply`).
//!
//! Without faults every hook keeps the server's behaviour.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use scim2_filter::{PatchPath, eval};
use scim2_server::hooks::{Hooks, PatchContext, Write, WriteKind};
use scim2_server::store::{ResourceKind, meta};
use scim2_types::schema::{AttributeType, ResourceSchemas, SchemaAttribute};
use scim2_types::{PatchOp, PatchOpKind, PatchOperation, ScimError, ScimType, urn};
use serde_json::{Map, Value};

use super::Fault;
use super::config::ReferenceConfig;
use super::store::REPLACED;

fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> ScimError {
    ScimError::new(400, Some(scim_type), detail)
}

fn invalid_value(detail: impl Into<String>) -> ScimError {
    bad_request(ScimType::InvalidValue, detail)
}

/// What the hooks remember of a resource.
#[derive(Debug, Clone, Default)]
struct Book {
    /// The resource as created, kept only under the `second-patch-loses-first` fault.
    created: Option<Value>,
    /// How many PATCH requests have been applied.
    patches: u32,
    /// Whether the resource has been renamed (for the `member-dropped-after-rename` fault).
    renamed: bool,
}

/// The hooks of a reference endpoint.
#[derive(Debug)]
pub(crate) struct FaultHooks {
    config: ReferenceConfig,
    books: Mutex<HashMap<String, Book>>,
    /// Members a PATCH re-adds under the `duplicate-members` fault, by group id (the server
    /// keeps each member once; the hook adds them back before the write is stored).
    duplicates: Mutex<HashMap<String, Vec<Value>>>,
}

impl FaultHooks {
    pub(crate) fn new(config: ReferenceConfig) -> Self {
        Self {
            config,
            books: Mutex::default(),
            duplicates: Mutex::default(),
        }
    }

    fn has(&self, fault: Fault) -> bool {
        self.config.has(fault)
    }

    fn book(&self, id: &str) -> Book {
        self.books
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
            .unwrap_or_default()
    }

    fn update_book(&self, id: &str, f: impl FnOnce(&mut Book)) {
        let mut books = self.books.lock().unwrap_or_else(PoisonError::into_inner);
        f(books.entry(id.to_owned()).or_default());
    }

    /// Records a resource stored without a request (a seed).
    pub(crate) fn seeded(&self, resource: &Value) {
        self.created(resource);
    }

    fn created(&self, resource: &Value) {
        if self.has(Fault::SecondPatchLosesFirst)
            && let Some(id) = meta::id(resource)
        {
            self.update_book(id, |b| b.created = Some(resource.clone()));
        }
    }
}

/// The top-level attribute a path names (`emails` for `emails[type eq "work"].value`,
/// `manager` for the enterprise URN path), lower-cased, and whether it is a value path.
fn target(path: &str, schemas: &ResourceSchemas) -> (String, bool) {
    let mut known: Vec<&str> = schemas.extensions.iter().map(|s| s.id.as_str()).collect();
    known.push(schemas.core.id.as_str());
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
fn undeclared_extension(key: &str, schemas: &ResourceSchemas) -> bool {
    let mut known: Vec<&str> = schemas.extensions.iter().map(|s| s.id.as_str()).collect();
    known.push(schemas.core.id.as_str());
    key.len() > 4
        && key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
        && schemas.schema(key).is_none()
        && urn::split_qualified(key, &known).is_none()
}

fn precheck(app: &FaultHooks, schemas: &ResourceSchemas, op: &PatchOp) -> Result<(), ScimError> {
    for (i, operation) in op.operations.iter().enumerate() {
        if app.has(Fault::CustomExtensionPatchRejected) {
            let keys: Vec<&str> = match (&operation.path, &operation.value) {
                (Some(p), _) => vec![p.as_str()],
                (None, Some(Value::Object(m))) => m.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            if let Some(k) = keys.into_iter().find(|k| undeclared_extension(k, schemas)) {
                return Err(bad_request(
                    ScimType::InvalidPath,
                    format!("operation {i}: {k}: unknown schema"),
                ));
            }
        }
        if app.has(Fault::RejectCapitalizedOps) && operation.op_spelling.is_some() {
            return Err(bad_request(
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
            return Err(bad_request(
                ScimType::InvalidPath,
                format!(
                    "operation {i}: a value filter is not allowed on the single-valued manager"
                ),
            ));
        }
        for (attr, value) in written(operation, schemas) {
            if app.has(Fault::RejectStringBooleans)
                && attr.kind == AttributeType::Boolean
                && value.is_string()
            {
                return Err(invalid_value(format!(
                    "operation {i}: `{}` must be a JSON boolean",
                    attr.name
                )));
            }
            if app.has(Fault::RejectManagerString) && attr.name == "manager" && value.is_string() {
                return Err(invalid_value(format!(
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

fn transform(
    app: &FaultHooks,
    kind: ResourceKind,
    schemas: &ResourceSchemas,
    renamed: bool,
    op: &mut PatchOp,
) {
    let unique = kind.name_attribute().to_ascii_lowercase();
    op.operations.retain_mut(|operation| {
        let path = operation.path.clone();
        let (top, value_path) = path
            .as_deref()
            .map_or((String::new(), false), |p| target(p, schemas));
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
            if path.is_none() && strip_key(operation, kind.name_attribute()) {
                return false;
            }
        }
        if kind == ResourceKind::Group && top == "members" {
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
        if kind == ResourceKind::Group
            && renamed
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
    app: &FaultHooks,
    ctx: &PatchContext<'_>,
    base: &mut Value,
    operation: PatchOperation,
    touched: &mut Vec<String>,
    duplicates_out: &mut Vec<Value>,
) -> Result<(), ScimError> {
    let (kind, schemas) = (ctx.kind, ctx.schemas);
    let path = operation.path.clone().unwrap_or_default();
    let (top, value_path) = target(&path, schemas);
    let writes = operation.op != PatchOpKind::Remove;
    if app.has(Fault::AddressOpsSplitElements) && writes && value_path && path.contains("].") {
        let prefix = path[..path.find(']').map_or(path.len(), |i| i + 1)].to_ascii_lowercase();
        if touched.contains(&prefix) {
            // Build the element on an empty resource and append it as a new element.
            let mut scratch = serde_json::json!({ "schemas": base.get("schemas").cloned().unwrap_or(Value::Null) });
            ctx.apply(&mut scratch, &PatchOp::new(vec![operation]))?;
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
        && kind == ResourceKind::Group
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
    ctx.apply(base, &PatchOp::new(vec![operation]))?;
    if typed_replace && let Value::Object(map) = base {
        {
            let key = key_of(map, &top);
            if let Some(Value::Array(items)) = map.get_mut(&key) {
                let mut kept = Vec::new();
                for item in items.drain(..) {
                    if value_filter_selects(&path, &item, schemas)? {
                        kept.push(item);
                    }
                }
                *items = kept;
            }
        }
    }
    duplicates_out.extend(duplicates);
    Ok(())
}

/// `duplicate-members` on POST and PUT: every member as often as the body lists it.
fn keep_duplicates(body: &Value, resource: &mut Value) {
    let Some(sent) = body.get("members").and_then(Value::as_array) else {
        return;
    };
    let Some(Value::Array(stored)) = resource.get_mut("members") else {
        return;
    };
    let value = |m: &Value| m.get("value").and_then(Value::as_str).map(str::to_owned);
    let mut out = Vec::with_capacity(sent.len());
    for m in sent {
        if let Some(kept) = stored
            .iter()
            .find(|s| value(s).is_some() && value(s) == value(m))
        {
            out.push(kept.clone());
        }
    }
    *stored = out;
}

/// For a value-path PATCH path (`emails[type eq "work"].value`), whether `element` is one of
/// the elements its value filter selects.
fn value_filter_selects(
    path: &str,
    element: &Value,
    schemas: &ResourceSchemas,
) -> Result<bool, ScimError> {
    let parsed = PatchPath::parse(path)
        .map_err(|e| bad_request(ScimType::InvalidPath, format!("invalid path: {e}")))?;
    Ok(match parsed {
        PatchPath::Value { value_path, .. } => {
            let attr = schemas.attribute(&value_path.attr.to_string());
            eval::matches_element(&value_path.filter, element, attr)
        }
        PatchPath::Attr(_) => true,
    })
}

impl Hooks for FaultHooks {
    fn apply_patch(&self, ctx: &PatchContext<'_>, resource: &mut Value) -> Result<(), ScimError> {
        let (kind, schemas) = (ctx.kind, ctx.schemas);
        let mut op = ctx.op.clone();
        precheck(self, schemas, &op)?;
        let book = self.book(ctx.id);
        transform(self, kind, schemas, book.renamed, &mut op);
        // `created` is only kept under the `second-patch-loses-first` fault.
        if kind == ResourceKind::User
            && book.patches >= 1
            && let Some(created) = book.created
        {
            *resource = created;
        }
        let per_op = self.has(Fault::AddressOpsSplitElements)
            || self.has(Fault::TypedReplaceDropsOthers)
            || self.has(Fault::DuplicateMembers);
        if per_op {
            let mut touched = Vec::new();
            let mut duplicates = Vec::new();
            for operation in op.operations {
                apply_one(
                    self,
                    ctx,
                    resource,
                    operation,
                    &mut touched,
                    &mut duplicates,
                )?;
            }
            self.duplicates
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(ctx.id.to_owned(), duplicates);
        } else if !op.operations.is_empty() {
            ctx.apply(resource, &op)?;
        }
        Ok(())
    }

    fn before_store(&self, write: &Write<'_>, resource: &mut Value) -> Result<(), ScimError> {
        let Some(id) = meta::id(resource).map(str::to_owned) else {
            return Ok(());
        };
        let name = write.kind.name_attribute();
        let renamed = write
            .previous
            .is_some_and(|p| p.get(name) != resource.get(name));
        if write.write != WriteKind::Patch && self.has(Fault::DuplicateMembers) {
            keep_duplicates(write.body, resource);
        }
        match write.write {
            WriteKind::Create => self.created(resource),
            WriteKind::Replace => {
                self.update_book(&id, |b| b.renamed |= renamed);
                if let Value::Object(map) = resource {
                    map.insert(REPLACED.to_owned(), Value::Bool(true));
                }
            }
            WriteKind::Patch => {
                let duplicates = self
                    .duplicates
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .remove(&id)
                    .unwrap_or_default();
                if self.has(Fault::PatchNotApplied) {
                    if let Some(previous) = write.previous {
                        *resource = previous.clone();
                    }
                    return Ok(());
                }
                self.update_book(&id, |b| {
                    b.renamed |= renamed;
                    b.patches += 1;
                });
                if !duplicates.is_empty()
                    && let Some(Value::Array(items)) = resource.get_mut("members")
                {
                    items.extend(duplicates);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

//! The three operations of RFC 7644 §3.5.2 (add §3.5.2.1, remove §3.5.2.2, replace §3.5.2.3)
//! on one resolved target of the working copy.

use std::borrow::Cow;

use scim2_types::schema::{AttributeType, Mutability, Schema, SchemaAttribute};
use scim2_types::{PatchOpKind, PatchOperation};
use serde_json::{Map, Value};

use super::coerce;
use super::json;
use super::report::OpError;
use super::target::{self, Ctx, Resolved, Scope, Target};
use crate::ast::{AttrPath, CompValue, CompareOp, Filter, PatchPath};
use crate::eval;

type Object = Map<String, Value>;

/// Applies one operation to the working copy; returns the paths it changed.
pub(crate) fn apply_operation(
    root: &mut Object,
    operation: &PatchOperation,
    ctx: Ctx<'_>,
) -> Result<Vec<String>, OpError> {
    if operation.op_spelling.is_some() && !ctx.policy.case_insensitive_op_names {
        return Err(OpError::invalid_syntax(format!(
            "op {:?} is not spelled \"add\", \"remove\" or \"replace\" (RFC 7644 §3.5.2; \
             Policy::case_insensitive_op_names)",
            operation.op_text()
        )));
    }
    let kind = operation.op;
    let mut changed = Vec::new();
    let Some(text) = operation.path.as_deref() else {
        if kind == PatchOpKind::Remove {
            return Err(OpError::no_target(
                "remove needs a path (RFC 7644 §3.5.2.2)",
            ));
        }
        let value = need_value(operation)?;
        pathless(root, kind, value, ctx, &mut changed)?;
        return Ok(changed);
    };
    let path: PatchPath = text
        .parse()
        .map_err(|e| OpError::invalid_path(format!("path {text:?} is not a valid PATH: {e}")))?;
    match target::resolve(&path, ctx)? {
        Resolved::Extension(ext) => {
            if kind == PatchOpKind::Remove {
                if remove_extension(root, ext) {
                    changed.push(ext.id.clone());
                }
            } else {
                container(root, ext, kind, need_value(operation)?, ctx, &mut changed)?;
            }
        }
        Resolved::Target(t) => {
            let value = match kind {
                PatchOpKind::Remove => operation.value.as_ref(),
                _ => Some(need_value(operation)?),
            };
            if target_op(root, &t, kind, value, ctx)? {
                changed.push(t.display());
            }
        }
    }
    Ok(changed)
}

fn need_value(operation: &PatchOperation) -> Result<&Value, OpError> {
    operation.value.as_ref().ok_or_else(|| {
        OpError::invalid_value(format!(
            "{} needs a value (RFC 7644 §3.5.2.1, §3.5.2.3)",
            operation.op
        ))
    })
}

/// A path-less add or replace (RFC 7644 §3.5.2.1, §3.5.2.3): the value is an object of
/// attributes, each applied as if it were the operation's path.
fn pathless(
    root: &mut Object,
    kind: PatchOpKind,
    value: &Value,
    ctx: Ctx<'_>,
    changed: &mut Vec<String>,
) -> Result<(), OpError> {
    let members = value.as_object().ok_or_else(|| {
        OpError::invalid_value(format!(
            "{kind} without a path needs an object of attributes, not {}",
            coerce::describe(value)
        ))
    })?;
    for (key, v) in members {
        if key.eq_ignore_ascii_case("schemas") {
            if json::get(root, "schemas").is_some_and(|s| json::equal_ci(s, v)) {
                continue;
            }
            return Err(OpError::mutability(
                "schemas is maintained by the service provider and cannot be patched",
            ));
        }
        if let Some(ext) = target::extension_named(key, ctx.schemas) {
            container(root, ext, kind, v, ctx, changed)?;
            continue;
        }
        let path = target::pathless_key(key, ctx)?;
        pathless_attribute(root, &path, kind, v, ctx, changed)?;
    }
    Ok(())
}

fn pathless_attribute(
    root: &mut Object,
    path: &AttrPath,
    kind: PatchOpKind,
    value: &Value,
    ctx: Ctx<'_>,
    changed: &mut Vec<String>,
) -> Result<(), OpError> {
    let (scope, def) = target::resolve_attr(path, ctx).map_err(OpError::invalid_value)?;
    let sub = match &path.sub_attr {
        Some(s) => Some(target::sub_attribute(def, s).map_err(OpError::invalid_value)?),
        None => None,
    };
    let t = Target {
        scope,
        def,
        filter: None,
        sub,
    };
    if target_op(root, &t, kind, Some(value), ctx)? {
        changed.push(t.display());
    }
    Ok(())
}

/// add / replace with an extension's URN as the path or path-less key: each member of the
/// value object is an attribute of that extension.
fn container(
    root: &mut Object,
    ext: &Schema,
    kind: PatchOpKind,
    value: &Value,
    ctx: Ctx<'_>,
    changed: &mut Vec<String>,
) -> Result<(), OpError> {
    let members = value.as_object().ok_or_else(|| {
        OpError::invalid_value(format!(
            "{} needs an object of its attributes, not {}",
            ext.id,
            coerce::describe(value)
        ))
    })?;
    for (key, v) in members {
        let path = if key.contains('.') {
            if !ctx.policy.pathless_dotted_keys {
                return Err(OpError::invalid_value(format!(
                    "key {key:?} of {} is a dotted path (Policy::pathless_dotted_keys)",
                    ext.id
                )));
            }
            let (name, sub) = key.split_once('.').unwrap_or((key, ""));
            AttrPath::with_uri(&ext.id, name, Some(sub))
        } else {
            AttrPath::with_uri(&ext.id, key, None)
        };
        pathless_attribute(root, &path, kind, v, ctx, changed)?;
    }
    Ok(())
}

/// Applies `kind` to one attribute target. Returns whether the resource changed.
fn target_op(
    root: &mut Object,
    t: &Target<'_, '_>,
    kind: PatchOpKind,
    value: Option<&Value>,
    ctx: Ctx<'_>,
) -> Result<bool, OpError> {
    let def = t.def;
    // RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability "readOnly"
    // or "immutable". However, a client MAY "add" a value to an "immutable" attribute if the
    // attribute had no previous value."
    let existing = read(root, t.scope).and_then(|m| json::get(m, &def.name));
    for d in std::iter::once(def).chain(t.sub) {
        if d.mutability == Mutability::ReadOnly {
            let unchanged = t.sub.is_none()
                && t.filter.is_none()
                && kind != PatchOpKind::Remove
                && matches!((existing, value), (Some(e), Some(v)) if json::equal_ci(e, v));
            if unchanged {
                return Ok(false);
            }
            return Err(OpError::mutability(format!("{} is readOnly", t.display())));
        }
    }
    if def.mutability == Mutability::Immutable && existing.is_some() {
        return Err(OpError::mutability(format!(
            "{} is immutable and already has a value",
            t.display()
        )));
    }
    if kind == PatchOpKind::Remove && def.required && t.sub.is_none() && t.filter.is_none() {
        return Err(OpError::invalid_value(format!(
            "{} is required and cannot be removed",
            t.display()
        )));
    }
    let ext_before = match t.scope {
        Scope::Core => None,
        Scope::Extension(ext) => Some((
            ext,
            json::get(root, &ext.id).map(|v| v.as_object().is_some_and(Map::is_empty)),
            json::get(root, "schemas").cloned(),
        )),
    };
    let create = kind != PatchOpKind::Remove;
    let Some(scope) = scope_mut(root, t.scope, create)? else {
        return Ok(false); // removing from an extension the resource does not have
    };
    let result = match (def.multi_valued, t.filter) {
        (true, Some(filter)) => value_path(scope, t, filter, kind, value, ctx),
        (false, Some(filter)) => single_filtered(scope, t, filter, kind, value, ctx),
        (true, None) => multi(scope, t, kind, value, ctx),
        (false, None) => single(scope, t, kind, value, ctx),
    };
    if let Some((ext, was_empty, schemas_before)) = ext_before {
        tidy_extension(root, ext, was_empty, schemas_before);
    }
    result
}

/// The object holding `scope`'s attributes, read-only.
fn read<'r>(root: &'r Object, scope: Scope<'_>) -> Option<&'r Object> {
    match scope {
        Scope::Core => Some(root),
        Scope::Extension(ext) => json::get(root, &ext.id).and_then(Value::as_object),
    }
}

/// The object holding `scope`'s attributes; an extension object is created (and its URN added
/// to `schemas`, RFC 7643 §3) when `create` is set.
fn scope_mut<'r>(
    root: &'r mut Object,
    scope: Scope<'_>,
    create: bool,
) -> Result<Option<&'r mut Object>, OpError> {
    let ext = match scope {
        Scope::Core => return Ok(Some(root)),
        Scope::Extension(ext) => ext,
    };
    if json::key_of(root, &ext.id).is_none() {
        if !create {
            return Ok(None);
        }
        add_schema_urn(root, &ext.id);
    }
    match json::entry(root, &ext.id, || Value::Object(Map::new())) {
        Value::Object(m) => Ok(Some(m)),
        other => Err(OpError::invalid_value(format!(
            "the resource's {} member is {}, not an object",
            ext.id,
            coerce::describe(other)
        ))),
    }
}

fn add_schema_urn(root: &mut Object, id: &str) {
    // A resource without a `schemas` list is left as it is.
    if let Some(Value::Array(list)) = json::get_mut(root, "schemas")
        && !list
            .iter()
            .any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(id)))
    {
        list.push(Value::String(id.to_owned()));
    }
}

/// An extension object left empty is removed, and its URN with it (RFC 7643 §3: `schemas`
/// lists the schemas the resource uses).
/// `was_empty` tells how the extension object was before the operation: `None` absent,
/// `Some(true)` present and empty (left as found), `Some(false)` present with attributes.
fn tidy_extension(
    root: &mut Object,
    ext: &Schema,
    was_empty: Option<bool>,
    schemas_before: Option<Value>,
) {
    let empty_now =
        json::get(root, &ext.id).is_some_and(|v| v.as_object().is_some_and(Map::is_empty));
    if !empty_now {
        return;
    }
    match was_empty {
        // Created by this operation and left empty: undo the creation exactly.
        None => {
            json::remove(root, &ext.id);
            if let Some(schemas) = schemas_before {
                json::set(root, "schemas", schemas);
            }
        }
        // Emptied by this operation.
        Some(false) => {
            remove_extension(root, ext);
        }
        Some(true) => {}
    }
}

fn remove_extension(root: &mut Object, ext: &Schema) -> bool {
    let removed = json::remove(root, &ext.id).is_some();
    if let Some(Value::Array(list)) = json::get_mut(root, "schemas") {
        list.retain(|s| !s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(&ext.id)));
    }
    removed
}

/// A single-valued attribute without a filter: `userName`, `name`, `name.givenName`,
/// `urn:…:User:manager`.
fn single(
    scope: &mut Object,
    t: &Target<'_, '_>,
    kind: PatchOpKind,
    value: Option<&Value>,
    ctx: Ctx<'_>,
) -> Result<bool, OpError> {
    let def = t.def;
    match (kind, t.sub) {
        (PatchOpKind::Remove, None) => Ok(json::remove(scope, &def.name).is_some()),
        (PatchOpKind::Remove, Some(sub)) => {
            let Some(Value::Object(obj)) = json::get_mut(scope, &def.name) else {
                return Ok(false);
            };
            let removed = json::remove(obj, &sub.name).is_some();
            if obj.is_empty() {
                json::remove(scope, &def.name);
            }
            Ok(removed)
        }
        (_, None) => {
            let v = coerce::attribute(required(value)?, def, ctx.policy)?;
            match v {
                // RFC 7644 §3.5.2.1/§3.5.2.3: for a complex attribute the value's
                // sub-attributes are set; "Sub-attributes that are not specified in the
                // "value" parameter are left unchanged."
                Value::Object(members) if members.is_empty() => Ok(false),
                Value::Object(members) => {
                    let obj = object_slot(scope, def)?;
                    merge(obj, members, def)
                }
                other => Ok(json::set(scope, &def.name, other)),
            }
        }
        (_, Some(sub)) => {
            let v = coerce::attribute(required(value)?, sub, ctx.policy)?;
            let obj = object_slot(scope, def)?;
            write_member(obj, sub, v, &def.name)
        }
    }
}

/// A value filter on a single-valued complex attribute (`manager[value eq "id"]`), under
/// [`Policy::value_filter_on_single_valued`](crate::policy::Policy::value_filter_on_single_valued).
fn single_filtered(
    scope: &mut Object,
    t: &Target<'_, '_>,
    filter: &Filter,
    kind: PatchOpKind,
    value: Option<&Value>,
    ctx: Ctx<'_>,
) -> Result<bool, OpError> {
    if !ctx.policy.value_filter_on_single_valued || t.def.kind != AttributeType::Complex {
        return Err(OpError::invalid_path(format!(
            "{} is not multi-valued, so it takes no value filter (RFC 7644 §3.5.2; \
             Policy::value_filter_on_single_valued)",
            t.display()
        )));
    }
    let filter = &*booleanise(filter, t.def, ctx);
    let matched = json::get(scope, &t.def.name)
        .is_some_and(|v| v.is_object() && eval::matches_element(filter, v, Some(t.def)));
    if !matched {
        return match kind {
            PatchOpKind::Remove => Ok(false),
            _ => Err(OpError::no_target(format!(
                "{} does not match [{filter}]",
                t.display()
            ))),
        };
    }
    single(scope, t, kind, value, ctx)
}

/// A multi-valued attribute without a filter: `emails`, `members`, `emails.value`.
fn multi(
    scope: &mut Object,
    t: &Target<'_, '_>,
    kind: PatchOpKind,
    value: Option<&Value>,
    ctx: Ctx<'_>,
) -> Result<bool, OpError> {
    let def = t.def;
    if let Some(sub) = t.sub {
        if kind != PatchOpKind::Remove {
            return Err(OpError::invalid_path(format!(
                "{}: select the values to {kind} with a value filter, e.g. {}[type eq \"work\"].{}",
                t.display(),
                def.name,
                sub.name
            )));
        }
        // Remove the sub-attribute from every value.
        let Some(list) = list_mut(scope, def)? else {
            return Ok(false);
        };
        let mut removed = false;
        for e in list.iter_mut() {
            if let Value::Object(obj) = e {
                removed |= json::remove(obj, &sub.name).is_some();
            }
        }
        list.retain(|e| !e.as_object().is_some_and(Map::is_empty));
        drop_if_empty(scope, def);
        return Ok(removed);
    }
    match kind {
        PatchOpKind::Add => {
            // RFC 7644 §3.5.2.1: "If the target location specifies a multi-valued attribute,
            // a new value is added to the attribute"; "If the target location already
            // contains the value specified, no changes SHOULD be made".
            let Value::Array(items) = coerce::attribute(required(value)?, def, ctx.policy)? else {
                return Ok(false);
            };
            if items.is_empty() {
                return Ok(false);
            }
            let list = list_slot(scope, def)?;
            let mut seen: std::collections::HashSet<String> =
                list.iter().map(|e| identity(e, def)).collect();
            let mut touched = Vec::new();
            for item in items {
                if seen.insert(identity(&item, def)) {
                    touched.push(list.len());
                    list.push(item);
                }
            }
            normalise_primary(list, &touched, def)?;
            drop_if_empty(scope, def);
            Ok(!touched.is_empty())
        }
        PatchOpKind::Replace => {
            // RFC 7644 §3.5.2.3: "If the target location is a multi-valued attribute and no
            // filter is specified, the attribute and all values are replaced."
            let Value::Array(items) = coerce::attribute(required(value)?, def, ctx.policy)? else {
                return Ok(false);
            };
            let touched: Vec<usize> = (0..items.len()).collect();
            let mut items = items;
            normalise_primary(&mut items, &touched, def)?;
            if items.is_empty() {
                return Ok(json::remove(scope, &def.name).is_some());
            }
            Ok(json::set(scope, &def.name, Value::Array(items)))
        }
        PatchOpKind::Remove => match value {
            Some(listed) if ctx.policy.remove_members_by_value_list && !listed.is_null() => {
                remove_listed(scope, def, listed, ctx)
            }
            // RFC 7644 §3.5.2.2: "If the target location is a multi-valued attribute and no
            // filter is specified, the attribute and all values are removed".
            _ => Ok(json::remove(scope, &def.name).is_some()),
        },
    }
}

/// Entra's legacy `remove` of `members` with a value list: removes the values every listed
/// member of which matches (RFC 7643 §2.4 elements compared sub-attribute by sub-attribute).
fn remove_listed(
    scope: &mut Object,
    def: &SchemaAttribute,
    listed: &Value,
    ctx: Ctx<'_>,
) -> Result<bool, OpError> {
    let items: Vec<Value> = match listed {
        Value::Array(items) => items
            .iter()
            .map(|i| coerce::element(i, def, ctx.policy))
            .collect::<Result<_, _>>()?,
        other => vec![coerce::element(other, def, ctx.policy)?],
    };
    let Some(list) = list_mut(scope, def)? else {
        return Ok(false);
    };
    let before = list.len();
    list.retain(|e| !items.iter().any(|i| selects(i, e, def)));
    let removed = list.len() != before;
    drop_if_empty(scope, def);
    Ok(removed)
}

/// Whether the listed value `pattern` selects the stored value `e`: equal simple values, or
/// every sub-attribute of `pattern` equal in `e` (an empty pattern selects nothing).
fn selects(pattern: &Value, e: &Value, def: &SchemaAttribute) -> bool {
    match (pattern, e) {
        (Value::Object(p), Value::Object(e)) => {
            !p.is_empty()
                && p.iter().all(|(k, pv)| {
                    let case_exact = def.sub_attribute(k).is_some_and(|s| s.case_exact);
                    json::get(e, k).is_some_and(|ev| same_simple(pv, ev, case_exact))
                })
        }
        (p, e) => same_simple(p, e, def.case_exact),
    }
}

fn same_simple(a: &Value, b: &Value, case_exact: bool) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) if !case_exact => a.to_lowercase() == b.to_lowercase(),
        _ => a == b,
    }
}

/// The identity used to avoid duplicate values on add: for reference values (members,
/// groups: complex with `$ref` and `value`) the `value`; otherwise the whole value.
fn identity(e: &Value, def: &SchemaAttribute) -> String {
    if def.sub_attribute("$ref").is_some()
        && let Some(v) = e.as_object().and_then(|o| json::get(o, "value"))
    {
        let case_exact = def.sub_attribute("value").is_some_and(|s| s.case_exact);
        return match v {
            Value::String(s) if !case_exact => format!("v:{}", s.to_lowercase()),
            other => format!("v:{other}"),
        };
    }
    format!("j:{}", json::canonical_text(e))
}

/// A value path on a multi-valued attribute: `emails[type eq "work"]`,
/// `emails[type eq "work"].value`, `members[value eq "id"]`.
fn value_path(
    scope: &mut Object,
    t: &Target<'_, '_>,
    filter: &Filter,
    kind: PatchOpKind,
    value: Option<&Value>,
    ctx: Ctx<'_>,
) -> Result<bool, OpError> {
    let def = t.def;
    if def.kind != AttributeType::Complex {
        return Err(OpError::invalid_path(format!(
            "{}: value filters select values of complex multi-valued attributes",
            t.display()
        )));
    }
    let filter = &*booleanise(filter, def, ctx);
    let matched: Vec<usize> = match list_mut(scope, def)? {
        Some(list) => list
            .iter()
            .enumerate()
            .filter(|(_, e)| eval::matches_element(filter, e, Some(def)))
            .map(|(i, _)| i)
            .collect(),
        None => Vec::new(),
    };
    if kind == PatchOpKind::Remove {
        let Some(list) = list_mut(scope, def)? else {
            return Ok(false);
        };
        if matched.is_empty() {
            return Ok(false);
        }
        match t.sub {
            // RFC 7644 §3.5.2.2: "If the target location is a complex multi-valued attribute
            // and a complex filter is specified based on the attribute's sub-attributes, the
            // matching records are removed."
            None => {
                for &i in matched.iter().rev() {
                    list.remove(i);
                }
            }
            Some(sub) => {
                let mut removed = false;
                for &i in &matched {
                    if let Some(Value::Object(obj)) = list.get_mut(i) {
                        removed |= json::remove(obj, &sub.name).is_some();
                    }
                }
                list.retain(|e| !e.as_object().is_some_and(Map::is_empty));
                drop_if_empty(scope, def);
                return Ok(removed);
            }
        }
        drop_if_empty(scope, def);
        return Ok(true);
    }
    let given = required(value)?;
    let list = list_slot(scope, def)?;
    let before = list.clone();
    let touched = if matched.is_empty() {
        if !ctx.policy.create_element_on_value_path_miss {
            return Err(OpError::no_target(format!(
                "no value of {} matches [{filter}] (RFC 7644 §3.5.2.3; \
                 Policy::create_element_on_value_path_miss)",
                def.name
            )));
        }
        let mut element = element_from_filter(filter, def, ctx)?;
        match t.sub {
            Some(sub) => {
                let v = coerce::attribute(given, sub, ctx.policy)?;
                write_member(&mut element, sub, v, &def.name)?;
            }
            None => {
                let Value::Object(members) = coerce::element(given, def, ctx.policy)? else {
                    return Err(OpError::invalid_value(format!(
                        "{} values are objects",
                        def.name
                    )));
                };
                merge(&mut element, members, def)?;
            }
        }
        list.push(Value::Object(element));
        vec![list.len() - 1]
    } else {
        for &i in &matched {
            let Some(Value::Object(obj)) = list.get_mut(i) else {
                return Err(OpError::invalid_value(format!(
                    "{} holds a value that is not an object",
                    def.name
                )));
            };
            match (kind, t.sub) {
                (_, Some(sub)) => {
                    let v = coerce::attribute(given, sub, ctx.policy)?;
                    write_member(obj, sub, v, &def.name)?;
                }
                (PatchOpKind::Add, None) => {
                    if let Value::Object(members) = coerce::element(given, def, ctx.policy)? {
                        merge(obj, members, def)?;
                    }
                }
                (_, None) => {
                    // RFC 7644 §3.5.2.3: "all matching record values SHALL be replaced".
                    if let Value::Object(members) = coerce::element(given, def, ctx.policy)? {
                        check_immutable_kept(obj, &members, def)?;
                        *obj = members;
                    }
                }
            }
        }
        matched
    };
    normalise_primary(list, &touched, def)?;
    Ok(*list != before)
}

/// The element an Entra-style add/replace creates on a value-path miss: the filter's `eq`
/// terms on sub-attributes (`type eq "work" and primary eq true` → `{"type": "work",
/// "primary": true}`), under
/// [`Policy::create_element_on_value_path_miss`](crate::policy::Policy::create_element_on_value_path_miss).
fn element_from_filter(
    filter: &Filter,
    def: &SchemaAttribute,
    ctx: Ctx<'_>,
) -> Result<Object, OpError> {
    fn terms<'f>(f: &'f Filter, out: &mut Vec<(&'f AttrPath, &'f CompValue)>) -> bool {
        match f {
            Filter::Compare(p, CompareOp::Eq, v) => {
                out.push((p, v));
                true
            }
            Filter::And(a, b) => terms(a, out) && terms(b, out),
            _ => false,
        }
    }
    let cannot = || {
        OpError::no_target(format!(
            "no value of {} matches [{filter}], and a value can only be created from `eq` \
             terms joined by `and`",
            def.name
        ))
    };
    let mut found = Vec::new();
    if def.kind != AttributeType::Complex || !terms(filter, &mut found) {
        return Err(cannot());
    }
    let mut element = Map::new();
    for (path, v) in found {
        if path.uri.is_some() || path.sub_attr.is_some() {
            return Err(cannot());
        }
        let sub = def.sub_attribute(&path.name).ok_or_else(cannot)?;
        let v = match v {
            CompValue::Null => continue,
            CompValue::Bool(b) => Value::Bool(*b),
            CompValue::Number(n) => Value::Number(n.clone()),
            CompValue::String(s) => Value::String(s.clone()),
        };
        if element.get(&sub.name).is_some_and(|old| *old != v) {
            return Err(cannot());
        }
        element.insert(sub.name.clone(), v);
    }
    coerce::complex(&Value::Object(element), def, ctx.policy)
}

/// RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than once." When
/// the operation made one value primary, the others lose the flag.
fn normalise_primary(
    list: &mut [Value],
    touched: &[usize],
    def: &SchemaAttribute,
) -> Result<(), OpError> {
    let is_primary = |e: &Value| {
        e.as_object()
            .and_then(|o| json::get(o, "primary"))
            .is_some_and(|p| *p == Value::Bool(true))
    };
    let primaries: Vec<usize> = (0..list.len()).filter(|&i| is_primary(&list[i])).collect();
    if primaries.len() <= 1 {
        return Ok(());
    }
    let new: Vec<usize> = primaries
        .iter()
        .copied()
        .filter(|i| touched.contains(i))
        .collect();
    match new.as_slice() {
        [] => Ok(()),
        [keep] => {
            for &i in &primaries {
                if i != *keep
                    && let Some(Value::Object(obj)) = list.get_mut(i)
                {
                    json::set(obj, "primary", Value::Bool(false));
                }
            }
            Ok(())
        }
        _ => Err(OpError::invalid_value(format!(
            "more than one value of {} would be primary (RFC 7643 §2.4)",
            def.name
        ))),
    }
}

/// Sets the sub-attributes of `members` in `obj`, checking immutability.
fn merge(obj: &mut Object, members: Object, def: &SchemaAttribute) -> Result<bool, OpError> {
    let mut changed = false;
    for (k, v) in members {
        let sub = def.sub_attribute(&k).ok_or_else(|| {
            OpError::invalid_value(format!("{} has no sub-attribute {k:?}", def.name))
        })?;
        changed |= write_member(obj, sub, v, &def.name)?;
    }
    Ok(changed)
}

fn write_member(
    obj: &mut Object,
    sub: &SchemaAttribute,
    v: Value,
    parent: &str,
) -> Result<bool, OpError> {
    if sub.mutability == Mutability::Immutable
        && json::get(obj, &sub.name).is_some_and(|old| *old != v)
    {
        return Err(OpError::mutability(format!(
            "{parent}.{} is immutable",
            sub.name
        )));
    }
    Ok(json::set(obj, &sub.name, v))
}

fn check_immutable_kept(old: &Object, new: &Object, def: &SchemaAttribute) -> Result<(), OpError> {
    for sub in def
        .sub_attributes
        .iter()
        .filter(|s| s.mutability == Mutability::Immutable)
    {
        if let Some(o) = json::get(old, &sub.name)
            && json::get(new, &sub.name) != Some(o)
        {
            return Err(OpError::mutability(format!(
                "{}.{} is immutable",
                def.name, sub.name
            )));
        }
    }
    Ok(())
}

fn required(value: Option<&Value>) -> Result<&Value, OpError> {
    value.ok_or_else(|| OpError::invalid_value("the operation needs a value"))
}

/// The existing object of complex attribute `def`, created when absent.
fn object_slot<'m>(
    scope: &'m mut Object,
    def: &SchemaAttribute,
) -> Result<&'m mut Object, OpError> {
    match json::entry(scope, &def.name, || Value::Object(Map::new())) {
        Value::Object(m) => Ok(m),
        other => Err(not_a(def, other, "an object")),
    }
}

/// The existing array of multi-valued attribute `def`, created when absent.
fn list_slot<'m>(
    scope: &'m mut Object,
    def: &SchemaAttribute,
) -> Result<&'m mut Vec<Value>, OpError> {
    match json::entry(scope, &def.name, || Value::Array(Vec::new())) {
        Value::Array(a) => Ok(a),
        other => Err(not_a(def, other, "an array")),
    }
}

/// The existing array of multi-valued attribute `def`, if any.
fn list_mut<'m>(
    scope: &'m mut Object,
    def: &SchemaAttribute,
) -> Result<Option<&'m mut Vec<Value>>, OpError> {
    match json::get_mut(scope, &def.name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(other) => Err(not_a(def, other, "an array")),
    }
}

/// `invalidValue`: the resource holds `found` where attribute `def` needs `shape`.
fn not_a(def: &SchemaAttribute, found: &Value, shape: &str) -> OpError {
    OpError::invalid_value(format!(
        "the resource's {} is {}, not {shape}",
        def.name,
        coerce::describe(found)
    ))
}

/// RFC 7644 §3.5.2.2: "If the complex multi-valued attribute has no remaining records, the
/// attribute SHALL be considered unassigned."
fn drop_if_empty(scope: &mut Object, def: &SchemaAttribute) {
    if json::get(scope, &def.name).is_some_and(|v| v.as_array().is_some_and(Vec::is_empty)) {
        json::remove(scope, &def.name);
    }
}

/// Under [`Policy::string_booleans`](crate::policy::Policy::string_booleans), a `"True"` /
/// `"False"` compared with a boolean sub-attribute becomes the boolean, so that Entra's
/// `roles[primary eq "True"].value` (docs/entra.md#patch-value-paths) selects the value stored as
/// `"primary": true` instead of creating another one on every cycle.
fn booleanise<'f>(filter: &'f Filter, def: &SchemaAttribute, ctx: Ctx<'_>) -> Cow<'f, Filter> {
    fn go(f: &Filter, def: &SchemaAttribute) -> Filter {
        match f {
            Filter::Compare(p, op, CompValue::String(s))
                if p.uri.is_none()
                    && p.sub_attr.is_none()
                    && def
                        .sub_attribute(&p.name)
                        .is_some_and(|a| a.kind == AttributeType::Boolean)
                    && (s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")) =>
            {
                Filter::Compare(
                    p.clone(),
                    *op,
                    CompValue::Bool(s.eq_ignore_ascii_case("true")),
                )
            }
            Filter::Not(a) => Filter::Not(Box::new(go(a, def))),
            Filter::And(..) | Filter::Or(..) => {
                // Rebuilt chain by chain, not recursing once per term (parse::Limits).
                let Some((is_and, operands)) = f.chain_operands() else {
                    return f.clone();
                };
                let mut operands = operands.into_iter().map(|o| Box::new(go(o, def)));
                let first = operands.next().map_or_else(|| f.clone(), |b| *b);
                operands.fold(first, |left, right| {
                    if is_and {
                        Filter::And(Box::new(left), right)
                    } else {
                        Filter::Or(Box::new(left), right)
                    }
                })
            }
            other => other.clone(),
        }
    }
    if ctx.policy.string_booleans {
        Cow::Owned(go(filter, def))
    } else {
        Cow::Borrowed(filter)
    }
}

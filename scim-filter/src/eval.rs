//! Evaluation of filters on JSON resources with SCIM semantics (RFC 7644 §3.4.2.2).
//!
//! - Attribute names match ASCII case-insensitively (RFC 7643 §2.1); a URN-qualified path reads
//!   the extension's object (`"urn:…:enterprise:2.0:User": {…}`), an unqualified one the
//!   resource's top level, then the extensions that define the attribute.
//! - A multi-valued attribute matches if any of its values matches; inside a value path
//!   (`emails[type eq "work" and value co "@x"]`) all conditions hold on the same element.
//! - A comparison on a multi-valued complex attribute without sub-attribute (`emails co "x"`)
//!   compares each element's `value` (RFC 7643 §2.4).
//! - Strings compare per the attribute's `caseExact` (case-insensitive when the attribute is
//!   unknown); `id` and `externalId` are case-exact (RFC 7643 §3.1). Case-insensitive means
//!   equal after Unicode lower-casing, with the final sigma `ς` read as `σ`; no string is
//!   copied to compare it.
//! - `pr`: the value is not null, not `""`, not `[]`, not `{}` (RFC 7643 §2.5).
//! - `gt`/`ge`/`lt`/`le`: lexicographic on strings (after case folding unless caseExact),
//!   numeric on numbers, chronological on `dateTime` attributes (RFC 3339 instants).
//! - What [`validate`] reports as `invalidFilter` evaluates to false: ordering on booleans or
//!   binaries, a comparison on a complex attribute that has no `value`.
//! - A missing (or null) attribute makes a comparison false; `not` turns that to true. So
//!   `attr eq null` matches nothing (null is unassigned, RFC 7643 §2.5) and `attr ne null`
//!   matches any assigned value.
//! - Values are compared as stored: a string `"True"` is not the boolean `true` (normalising
//!   Entra ID's string booleans is the PATCH policy's job, when they are written).
//!
//! Evaluation never panics, whatever the JSON, and does not recurse per `and`/`or` term. To
//! evaluate one filter over many resources, prepare it once with [`Filter::compile`]
//! ([`crate::CompiledFilter`]).
//!
//! ```
//! use scim2_filter::Filter;
//! use serde_json::json;
//! let user = json!({
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!     "userName": "bjensen",
//!     "emails": [
//!         {"type": "work", "value": "bjensen@example.com"},
//!         {"type": "home", "value": "babs@jensen.org"}
//!     ]
//! });
//! let f = Filter::parse(r#"userName eq "BJENSEN" and emails[type eq "work" and value ew "example.com"]"#)?;
//! assert!(f.matches(&user));
//! let f = Filter::parse(r#"emails[type eq "home" and value ew "example.com"]"#)?;
//! assert!(!f.matches(&user));
//! # Ok::<(), scim2_filter::ParseError>(())
//! ```

use std::cmp::Ordering;
use std::sync::OnceLock;

use scim2_types::ScimType;
use scim2_types::schema::{AttributeType, ResourceSchemas, Schema, SchemaAttribute};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::ast::{AttrPath, CompValue, CompareOp, Filter};
use crate::text::{self, ordered};

impl Filter {
    /// Whether `resource` matches, with the default schemas: Group when the resource's
    /// `schemas` lists the core Group URN, otherwise User with the Enterprise User extension.
    #[must_use]
    pub fn matches(&self, resource: &Value) -> bool {
        self.matches_with(resource, default_schemas(resource))
    }

    /// Whether `resource` matches, resolving attributes against `schemas` (for custom
    /// extensions or resource types).
    #[must_use]
    pub fn matches_with(&self, resource: &Value, schemas: &ResourceSchemas) -> bool {
        let Some(root) = resource.as_object() else {
            return false;
        };
        eval(self, &Scope::Resource { root, schemas })
    }
}

/// The schemas [`Filter::matches`] uses for `resource`.
fn default_schemas(resource: &Value) -> &'static ResourceSchemas {
    static USER: OnceLock<ResourceSchemas> = OnceLock::new();
    static GROUP: OnceLock<ResourceSchemas> = OnceLock::new();
    let is_group = resource
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .any(|s| scim2_types::urn::eq(s, scim2_types::urn::GROUP))
        });
    if is_group {
        GROUP.get_or_init(ResourceSchemas::group)
    } else {
        USER.get_or_init(ResourceSchemas::user)
    }
}

/// Evaluates a `valFilter` on one element of a multi-valued complex attribute: paths in
/// `filter` are relative to `element`, and `attr` (the multi-valued attribute's definition,
/// when known) gives the sub-attributes' types and `caseExact`. This is how PATCH value paths
/// (`emails[type eq "work"].value`, RFC 7644 §3.5.2) select their elements.
///
/// ```
/// use scim2_filter::{eval, Filter};
/// use serde_json::json;
/// let f = Filter::parse(r#"type eq "work" and primary eq true"#)?;
/// assert!(eval::matches_element(&f, &json!({"type": "Work", "primary": true}), None));
/// assert!(!eval::matches_element(&f, &json!({"type": "home", "primary": true}), None));
/// # Ok::<(), scim2_filter::ParseError>(())
/// ```
#[must_use]
pub fn matches_element(filter: &Filter, element: &Value, attr: Option<&SchemaAttribute>) -> bool {
    match element.as_object() {
        Some(object) => eval(filter, &Scope::Element { object, attr }),
        None => false,
    }
}

/// Where a filter's paths are resolved.
enum Scope<'a> {
    /// A whole resource: paths resolve against its schemas (RFC 7644 §3.10).
    Resource {
        root: &'a Map<String, Value>,
        schemas: &'a ResourceSchemas,
    },
    /// One element of a multi-valued complex attribute (inside `[…]`).
    Element {
        object: &'a Map<String, Value>,
        attr: Option<&'a SchemaAttribute>,
    },
}

fn eval(filter: &Filter, scope: &Scope<'_>) -> bool {
    match filter {
        Filter::Present(path) => {
            let (values, _) = resolve(scope, path);
            values.as_slice().iter().any(|v| any_leaf(v, is_present))
        }
        Filter::Compare(path, op, expected) => {
            let (values, attr) = resolve(scope, path);
            compare_any(values.as_slice(), attr, *op, expected)
        }
        Filter::ValuePath(vp) => {
            let (values, attr) = resolve(scope, &vp.attr);
            values.as_slice().iter().any(|v| {
                any_leaf(v, |element| {
                    element
                        .as_object()
                        .is_some_and(|object| eval(&vp.filter, &Scope::Element { object, attr }))
                })
            })
        }
        Filter::Not(inner) => !eval(inner, scope),
        Filter::And(..) => eval_chain(filter, scope, true),
        Filter::Or(..) => eval_chain(filter, scope, false),
    }
}

/// Evaluates a left-associated chain of `and` (`is_and`) or `or` nodes without recursing once
/// per term.
fn eval_chain(filter: &Filter, scope: &Scope<'_>, is_and: bool) -> bool {
    let operands = filter
        .chain_operands()
        .map_or_else(|| vec![filter], |(_, operands)| operands);
    // For `and`, stop at the first false; for `or`, at the first true.
    operands.into_iter().any(|f| eval(f, scope) != is_and) != is_and
}

/// Calls `f` on `value`, or on each element when it is an array (one level, the way
/// multi-valued attributes are stored); true as soon as `f` is.
#[inline]
pub(crate) fn any_leaf<'a>(value: &'a Value, mut f: impl FnMut(&'a Value) -> bool) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|v| !v.is_null() && f(v)),
        Value::Null => false,
        v => f(v),
    }
}

/// RFC 7643 §2.5: null, `""`, `[]` and `{}` (or objects of such) are unassigned.
pub(crate) fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(is_present),
        Value::Object(o) => o.values().any(is_present),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// A member of `object` by name, ASCII case-insensitively (an exact match first).
///
/// Resources have a few dozen members at most, so the members are scanned in order, comparing
/// lengths first and then the bytes eight at a time: that touches one key's text in the common
/// case and needs no hashing. Only when no key is spelled exactly are the keys of the same
/// length compared ASCII case-insensitively, in a second pass. Large objects are looked up by
/// hash first.
#[inline]
pub(crate) fn get_ci<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    const SCAN_UP_TO: usize = 32;
    if object.len() <= SCAN_UP_TO {
        let bytes = name.as_bytes();
        let mut same_length = false;
        for (k, v) in object {
            if k.len() == bytes.len() {
                if same_bytes(k.as_bytes(), bytes) {
                    return Some(v);
                }
                same_length = true;
            }
        }
        if !same_length {
            return None;
        }
    } else if let Some(v) = object.get(name) {
        return Some(v);
    }
    get_other_case(object, name)
}

/// The first member whose name is `name` in another ASCII case.
#[inline(never)]
fn get_other_case<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Whether two byte strings of the same length are equal, compared eight bytes at a time
/// (member names are short: a word loop is cheaper than calling `memcmp`).
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    debug_assert_eq!(a.len(), b.len());
    let (a_words, a_rest) = a.as_chunks::<8>();
    let (b_words, b_rest) = b.as_chunks::<8>();
    a_words
        .iter()
        .zip(b_words)
        .all(|(x, y)| u64::from_ne_bytes(*x) == u64::from_ne_bytes(*y))
        && a_rest.iter().zip(b_rest).all(|(x, y)| x == y)
}

pub(crate) fn schema_top<'s>(schema: &'s Schema, name: &str) -> Option<&'s SchemaAttribute> {
    schema.top_attribute(name)
}

pub(crate) fn common_top(name: &str) -> Option<&'static SchemaAttribute> {
    scim2_types::schema::common_attributes()
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
}

/// The values an attribute path selects within `scope` (before array flattening of the last
/// step) and the definition of the attribute it ends at.
fn resolve<'a>(scope: &Scope<'a>, path: &AttrPath) -> (Selected<'a>, Option<&'a SchemaAttribute>) {
    match scope {
        Scope::Resource { root, schemas } => resolve_in_resource(root, schemas, path),
        Scope::Element { object, attr } => {
            let top_def = attr.and_then(|a| a.sub_attribute(&path.name));
            let Some(top) = get_ci(object, &path.name) else {
                return (Selected::Many(Vec::new()), top_def);
            };
            step_sub(top, top_def, path.sub_attr.as_deref())
        }
    }
}

fn resolve_in_resource<'a, 's>(
    root: &'a Map<String, Value>,
    schemas: &'s ResourceSchemas,
    path: &AttrPath,
) -> (Selected<'a>, Option<&'s SchemaAttribute>) {
    let (top, top_def): (Option<&'a Value>, Option<&'s SchemaAttribute>) = match &path.uri {
        Some(uri) if scim2_types::urn::eq(uri, &schemas.core.id) => (
            get_ci(root, &path.name),
            schema_top(&schemas.core, &path.name).or_else(|| common_top(&path.name)),
        ),
        Some(uri) => {
            let container = get_ci(root, uri).and_then(Value::as_object);
            let def = schemas
                .extensions
                .iter()
                .find(|s| scim2_types::urn::eq(&s.id, uri))
                .and_then(|s| schema_top(s, &path.name));
            (container.and_then(|c| get_ci(c, &path.name)), def)
        }
        None => {
            let core_def = schema_top(&schemas.core, &path.name).or_else(|| common_top(&path.name));
            match get_ci(root, &path.name) {
                Some(v) => (
                    Some(v),
                    core_def.or_else(|| {
                        schemas
                            .extensions
                            .iter()
                            .find_map(|s| schema_top(s, &path.name))
                    }),
                ),
                _ if core_def.is_some() => (None, core_def),
                _ => {
                    // Not at the top level and not a core attribute: the extension that
                    // defines it (RFC 7644 §3.10).
                    let found = schemas.extensions.iter().find_map(|s| {
                        let def = schema_top(s, &path.name)?;
                        let container = get_ci(root, &s.id).and_then(Value::as_object);
                        Some((container.and_then(|c| get_ci(c, &path.name)), Some(def)))
                    });
                    found.unwrap_or((None, None))
                }
            }
        }
    };
    match top {
        Some(top) => step_sub(top, top_def, path.sub_attr.as_deref()),
        None => (
            Selected::Many(Vec::new()),
            match &path.sub_attr {
                Some(sub) => top_def.and_then(|d| d.sub_attribute(sub)),
                None => top_def,
            },
        ),
    }
}

/// Steps from the attribute's value(s) to the sub-attribute `sub` (when given), flattening
/// multi-valued complex attributes.
fn step_sub<'a, 's>(
    top: &'a Value,
    def: Option<&'s SchemaAttribute>,
    sub: Option<&str>,
) -> (Selected<'a>, Option<&'s SchemaAttribute>) {
    let Some(sub) = sub else {
        return (Selected::One(top), def);
    };
    let sub_def = def.and_then(|d| d.sub_attribute(sub));
    let selected = match top {
        Value::Object(o) => match get_ci(o, sub) {
            Some(v) => Selected::One(v),
            None => Selected::Many(Vec::new()),
        },
        Value::Array(items) => Selected::Many(
            items
                .iter()
                .filter_map(Value::as_object)
                .filter_map(|o| get_ci(o, sub))
                .collect(),
        ),
        _ => Selected::Many(Vec::new()),
    };
    (selected, sub_def)
}

/// The values a path selects: usually one (without allocating), or several.
enum Selected<'a> {
    One(&'a Value),
    Many(Vec<&'a Value>),
}

impl<'a> Selected<'a> {
    fn as_slice(&self) -> &[&'a Value] {
        match self {
            Self::One(v) => std::slice::from_ref(v),
            Self::Many(v) => v,
        }
    }
}

/// The values at `path` in `resource`: the attribute's value, or each of its values when it is
/// multi-valued, or each element's sub-attribute for `emails.value`; nulls are left out.
/// Attribute names and extension URNs match case-insensitively, and an unqualified name that
/// is not a core attribute is looked up in the extension that defines it (RFC 7644 §3.10).
///
/// ```
/// use scim2_filter::{eval, AttrPath};
/// use scim2_types::schema::ResourceSchemas;
/// use serde_json::json;
/// let user = json!({
///     "emails": [{"value": "a@x.org"}, {"value": "b@x.org"}],
///     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "42"}
/// });
/// let schemas = ResourceSchemas::user();
/// let emails = eval::values_at(&user, &"Emails.Value".parse()?, &schemas);
/// assert_eq!(emails, [&json!("a@x.org"), &json!("b@x.org")]);
/// let n = eval::values_at(&user, &"employeeNumber".parse()?, &schemas);
/// assert_eq!(n, [&json!("42")]);
/// # Ok::<(), scim2_filter::ParseError>(())
/// ```
#[must_use]
pub fn values_at<'a>(
    resource: &'a Value,
    path: &AttrPath,
    schemas: &ResourceSchemas,
) -> Vec<&'a Value> {
    let Some(root) = resource.as_object() else {
        return Vec::new();
    };
    let (values, _) = resolve_in_resource(root, schemas, path);
    let mut out = Vec::new();
    for v in values.as_slice().iter().copied() {
        match v {
            Value::Array(items) => out.extend(items.iter().filter(|v| !v.is_null())),
            Value::Null => {}
            v => out.push(v),
        }
    }
    out
}

/// Whether any of `values` (each possibly an array of values) compares true.
fn compare_any(
    values: &[&Value],
    attr: Option<&SchemaAttribute>,
    op: CompareOp,
    expected: &CompValue,
) -> bool {
    // `emails co "x"`: a multi-valued complex attribute compares through its `value`
    // (RFC 7643 §2.4).
    let value_def = attr
        .filter(|a| a.kind == AttributeType::Complex)
        .and_then(|a| a.sub_attribute("value"));
    values.iter().any(|v| {
        any_leaf(v, |leaf| match leaf {
            Value::Object(o) => {
                let complex_ok =
                    attr.is_none_or(|a| a.kind != AttributeType::Complex || value_def.is_some());
                complex_ok
                    && get_ci(o, "value").is_some_and(|inner| {
                        !inner.is_array()
                            && !inner.is_object()
                            && compare(inner, value_def, op, expected)
                    })
            }
            leaf => compare(
                leaf,
                attr.filter(|a| a.kind != AttributeType::Complex),
                op,
                expected,
            ),
        })
    })
}

/// One comparison of an attribute value with a filter value (RFC 7644 §3.4.2.2, Table 3).
fn compare(
    actual: &Value,
    attr: Option<&SchemaAttribute>,
    op: CompareOp,
    expected: &CompValue,
) -> bool {
    let kind = attr.map(|a| a.kind);
    match (actual, expected) {
        (Value::String(a), CompValue::String(e)) => {
            if kind == Some(AttributeType::Binary) && op.is_ordering() {
                return false;
            }
            if kind == Some(AttributeType::DateTime)
                && let (Some(a), Some(e)) = (date_time(a), date_time(e))
            {
                return ordered(op, a.cmp(&e));
            }
            let case_exact = attr.is_some_and(|a| a.case_exact);
            text::compare(a, e, e.is_ascii(), op, case_exact)
        }
        (Value::Number(a), CompValue::Number(e)) => {
            if matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew) {
                return false;
            }
            number_cmp(a, e).is_some_and(|o| ordered(op, o))
        }
        (Value::Bool(a), CompValue::Bool(e)) => match op {
            CompareOp::Eq => a == e,
            CompareOp::Ne => a != e,
            _ => false,
        },
        // A value of another type is never equal, so `ne` holds.
        (Value::String(_) | Value::Number(_) | Value::Bool(_), _) => op == CompareOp::Ne,
        _ => false,
    }
}

pub(crate) fn number_cmp(a: &serde_json::Number, e: &serde_json::Number) -> Option<Ordering> {
    if let (Some(a), Some(e)) = (a.as_i64(), e.as_i64()) {
        return Some(a.cmp(&e));
    }
    if let (Some(a), Some(e)) = (a.as_u64(), e.as_u64()) {
        return Some(a.cmp(&e));
    }
    a.as_f64()?.partial_cmp(&e.as_f64()?)
}

/// An RFC 3339 date-time (RFC 7643 §2.3.5, `xsd:dateTime`), as an instant.
pub(crate) fn date_time(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Orders two attribute values for `sortBy` (RFC 7644 §3.4.2.3): a multi-valued attribute
/// sorts by its primary value, else its first; a complex value by its `value`; strings per
/// `caseExact` (case-insensitive by default), numbers numerically, `dateTime` attributes
/// chronologically, booleans `false` before `true`. Null or absent values compare greater
/// than any value, so they come last in ascending order.
///
/// ```
/// use scim2_filter::eval::compare_for_sort;
/// use serde_json::json;
/// use std::cmp::Ordering;
/// assert_eq!(compare_for_sort(&json!("alice"), &json!("Bob"), None), Ordering::Less);
/// assert_eq!(compare_for_sort(&json!(10), &json!(9), None), Ordering::Greater);
/// assert_eq!(compare_for_sort(&json!(null), &json!("a"), None), Ordering::Greater);
/// ```
#[must_use]
pub fn compare_for_sort(a: &Value, b: &Value, attr: Option<&SchemaAttribute>) -> Ordering {
    let (a, a_def) = sort_key(a, attr);
    let (b, b_def) = sort_key(b, attr);
    let def = a_def.or(b_def);
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => match (a, b) {
            (Value::String(x), Value::String(y)) => {
                if def.is_some_and(|d| d.kind == AttributeType::DateTime)
                    && let (Some(x), Some(y)) = (date_time(x), date_time(y))
                {
                    return x.cmp(&y);
                }
                if def.is_some_and(|d| d.case_exact) {
                    x.cmp(y)
                } else {
                    text::cmp_folded(x, y)
                }
            }
            (Value::Number(x), Value::Number(y)) => number_cmp(x, y).unwrap_or(Ordering::Equal),
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            (x, y) => type_rank(x).cmp(&type_rank(y)),
        },
    }
}

fn type_rank(v: &Value) -> u8 {
    match v {
        Value::Bool(_) => 0,
        Value::Number(_) => 1,
        Value::String(_) => 2,
        Value::Array(_) => 3,
        Value::Object(_) => 4,
        Value::Null => 5,
    }
}

/// The value a sort compares: the primary (else first) element of an array, the `value` of a
/// complex value; None for null or empty.
fn sort_key<'a>(
    v: &'a Value,
    attr: Option<&'a SchemaAttribute>,
) -> (Option<&'a Value>, Option<&'a SchemaAttribute>) {
    let v = match v {
        Value::Array(items) => {
            let primary = items.iter().find(|e| {
                e.as_object()
                    .and_then(|o| get_ci(o, "primary"))
                    .and_then(Value::as_bool)
                    == Some(true)
            });
            match primary.or_else(|| items.iter().find(|e| !e.is_null())) {
                Some(e) => e,
                None => return (None, attr),
            }
        }
        v => v,
    };
    match v {
        Value::Null => (None, attr),
        Value::Object(o) => {
            let def = attr.and_then(|a| a.sub_attribute("value")).or(attr);
            (get_ci(o, "value").filter(|v| !v.is_null()), def)
        }
        v => (Some(v), attr),
    }
}

/// A filter that RFC 7644 §3.4.2.2 forbids for the schemas (`scimType` `invalidFilter`,
/// RFC 7644 §3.12).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// `gt`, `ge`, `lt` or `le` on a boolean attribute.
    #[error("`{path}` is a boolean: `{op}` does not apply (invalidFilter)")]
    OrderingOnBoolean {
        /// The attribute path.
        path: String,
        /// The operator.
        op: CompareOp,
    },
    /// `gt`, `ge`, `lt` or `le` on a binary attribute.
    #[error("`{path}` is binary: `{op}` does not apply (invalidFilter)")]
    OrderingOnBinary {
        /// The attribute path.
        path: String,
        /// The operator.
        op: CompareOp,
    },
    /// A comparison on a complex attribute without sub-attribute (and without a `value`
    /// sub-attribute to compare).
    #[error(
        "`{path}` is complex: compare one of its sub-attributes, as in `{path}.value` (invalidFilter)"
    )]
    ComplexWithoutSubAttribute {
        /// The attribute path.
        path: String,
    },
}

impl ValidationError {
    /// The RFC 7644 §3.12 `scimType` to answer with: always `invalidFilter`.
    #[must_use]
    pub fn scim_type(&self) -> ScimType {
        ScimType::InvalidFilter
    }
}

/// Checks `filter` against `schemas` for what RFC 7644 §3.4.2.2 forbids: ordering comparisons
/// on booleans and binaries, and comparisons on complex attributes without a sub-attribute
/// (a multi-valued complex attribute with a `value` sub-attribute, such as `emails`, compares
/// through it). Unknown attributes are not errors (they match nothing).
///
/// ```
/// use scim2_filter::{eval, Filter};
/// use scim2_types::schema::ResourceSchemas;
/// let schemas = ResourceSchemas::user();
/// assert!(eval::validate(&Filter::parse("active gt true")?, &schemas).is_err());
/// assert!(eval::validate(&Filter::parse(r#"name eq "x""#)?, &schemas).is_err());
/// assert!(eval::validate(&Filter::parse(r#"emails co "@x.org""#)?, &schemas).is_ok());
/// # Ok::<(), scim2_filter::ParseError>(())
/// ```
///
/// # Errors
/// The first forbidden comparison found, as a [`ValidationError`].
pub fn validate(filter: &Filter, schemas: &ResourceSchemas) -> Result<(), ValidationError> {
    let mut stack: Vec<(&Filter, Option<&SchemaAttribute>)> = vec![(filter, None)];
    while let Some((f, parent)) = stack.pop() {
        match f {
            Filter::Present(_) => {}
            Filter::Compare(path, op, _) => {
                let def = match parent {
                    Some(p) => p
                        .sub_attribute(&path.name)
                        .and_then(|d| match &path.sub_attr {
                            Some(s) => d.sub_attribute(s),
                            None => Some(d),
                        }),
                    None => definition(schemas, path),
                };
                check_compare(path, *op, def)?;
            }
            Filter::ValuePath(vp) => {
                let def = match parent {
                    Some(p) => p.sub_attribute(&vp.attr.name),
                    None => definition(schemas, &vp.attr),
                };
                stack.push((&vp.filter, def));
            }
            Filter::Not(inner) => stack.push((inner, parent)),
            Filter::And(l, r) | Filter::Or(l, r) => {
                stack.push((r, parent));
                stack.push((l, parent));
            }
        }
    }
    Ok(())
}

fn check_compare(
    path: &AttrPath,
    op: CompareOp,
    def: Option<&SchemaAttribute>,
) -> Result<(), ValidationError> {
    let Some(def) = def else {
        return Ok(());
    };
    match def.kind {
        AttributeType::Boolean if op.is_ordering() => Err(ValidationError::OrderingOnBoolean {
            path: path.to_string(),
            op,
        }),
        AttributeType::Binary if op.is_ordering() => Err(ValidationError::OrderingOnBinary {
            path: path.to_string(),
            op,
        }),
        AttributeType::Complex => match def.sub_attribute("value") {
            Some(value) if def.multi_valued => check_compare(path, op, Some(value)),
            _ => Err(ValidationError::ComplexWithoutSubAttribute {
                path: path.to_string(),
            }),
        },
        _ => Ok(()),
    }
}

/// The definition of `path` in `schemas` (RFC 7644 §3.10 resolution, by
/// [`ResourceSchemas::attribute`]).
fn definition<'a>(schemas: &'a ResourceSchemas, path: &AttrPath) -> Option<&'a SchemaAttribute> {
    schemas.attribute(&path.to_string())
}

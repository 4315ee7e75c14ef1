//! The one door to SCIM semantics: filters, sort values and PATCH application.
//!
//! The reference endpoint never evaluates a filter or applies a PATCH operation itself: every
//! such call goes through this module to `scim2_filter` (`Filter::parse`, `eval::validate`,
//! `Filter::matches_with`, `eval::values_at`, `eval::compare_for_sort`,
//! `eval::matches_element`, `patch::apply` with `Policy::entra_compatible`), so the workspace
//! has one implementation of SCIM semantics (DESIGN.md).

use std::cmp::Ordering;

use scim2_filter::policy::Policy;
use scim2_filter::{AttrPath, CompValue, CompareOp, Filter, PatchPath, eval, patch};
use scim2_types::schema::ResourceSchemas;
use scim2_types::{PatchOp, ScimType};
use serde_json::Value;

use super::error::ApiError;

/// Whether filtering, sorting and PATCH are available (advertised in
/// `/ServiceProviderConfig`).
pub(crate) const AVAILABLE: bool = true;

/// Why a semantic operation failed: 400 with this `scimType`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SemanticsError {
    pub(crate) scim_type: ScimType,
    pub(crate) detail: String,
}

impl SemanticsError {
    /// Whether the client's input was wrong (always, now that the semantics are built in).
    pub(crate) fn is_invalid_input(&self) -> bool {
        true
    }
}

impl From<SemanticsError> for ApiError {
    fn from(e: SemanticsError) -> Self {
        ApiError::bad_request(e.scim_type, e.detail)
    }
}

/// A parsed and validated filter (RFC 7644 §3.4.2.2).
#[derive(Debug, Clone)]
pub(crate) struct ParsedFilter(Filter);

impl ParsedFilter {
    /// Whether `resource` matches, with the string comparison rules of `schemas`.
    pub(crate) fn matches(&self, resource: &Value, schemas: &ResourceSchemas) -> bool {
        self.0.matches_with(resource, schemas)
    }

    /// Whether the filter is only `attr eq value` comparisons joined with `and` (the filters
    /// Entra sends).
    pub(crate) fn eq_only(&self) -> bool {
        let mut stack = vec![&self.0];
        while let Some(f) = stack.pop() {
            match f {
                Filter::Compare(_, CompareOp::Eq, _) => {}
                Filter::And(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                _ => return false,
            }
        }
        true
    }

    /// The filter with every string `eq` turned into `sw` (outside value paths), for the
    /// `eq-matches-prefix` fault.
    pub(crate) fn eq_as_prefix(self) -> Self {
        fn rewrite(f: Filter) -> Filter {
            match f {
                Filter::Compare(p, CompareOp::Eq, v @ CompValue::String(_)) => {
                    Filter::Compare(p, CompareOp::Sw, v)
                }
                Filter::Not(inner) => Filter::Not(Box::new(rewrite(*inner))),
                Filter::And(a, b) => Filter::And(Box::new(rewrite(*a)), Box::new(rewrite(*b))),
                Filter::Or(a, b) => Filter::Or(Box::new(rewrite(*a)), Box::new(rewrite(*b))),
                other => other,
            }
        }
        Self(rewrite(self.0))
    }

    /// Whether the filter names the attribute `name` anywhere (ASCII case-insensitive).
    pub(crate) fn mentions(&self, name: &str) -> bool {
        let mut stack = vec![&self.0];
        while let Some(f) = stack.pop() {
            match f {
                Filter::Present(p) | Filter::Compare(p, _, _) => {
                    if p.name.eq_ignore_ascii_case(name) {
                        return true;
                    }
                }
                Filter::ValuePath(vp) => {
                    if vp.attr.name.eq_ignore_ascii_case(name) {
                        return true;
                    }
                    stack.push(&vp.filter);
                }
                Filter::Not(inner) => stack.push(inner),
                Filter::And(a, b) | Filter::Or(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
            }
        }
        false
    }
}

/// Parses and validates a filter against the resource type's schemas.
pub(crate) fn parse_filter(
    text: &str,
    schemas: &ResourceSchemas,
) -> Result<ParsedFilter, SemanticsError> {
    let filter = Filter::parse(text).map_err(|e| SemanticsError {
        scim_type: ScimType::InvalidFilter,
        detail: format!("invalid filter: {e}"),
    })?;
    eval::validate(&filter, schemas).map_err(|e| SemanticsError {
        scim_type: e.scim_type(),
        detail: e.to_string(),
    })?;
    Ok(ParsedFilter(filter))
}

/// A parsed `sortBy` attribute path (RFC 7644 §3.4.2.3).
#[derive(Debug, Clone)]
pub(crate) struct SortKey(AttrPath);

/// Parses `sortBy`.
pub(crate) fn parse_sort_by(
    text: &str,
    _schemas: &ResourceSchemas,
) -> Result<SortKey, SemanticsError> {
    AttrPath::parse(text)
        .map(SortKey)
        .map_err(|e| SemanticsError {
            scim_type: ScimType::InvalidValue,
            detail: format!("invalid sortBy: {e}"),
        })
}

/// The value a resource sorts by: for a multi-valued attribute, the primary value, else the
/// first (RFC 7644 §3.4.2.3).
fn sort_value<'a>(
    resource: &'a Value,
    key: &SortKey,
    schemas: &ResourceSchemas,
) -> Option<&'a Value> {
    let path = &key.0;
    let Some(sub) = &path.sub_attr else {
        return eval::values_at(resource, path, schemas).into_iter().next();
    };
    let parent = AttrPath {
        uri: path.uri.clone(),
        name: path.name.clone(),
        sub_attr: None,
    };
    let elements = eval::values_at(resource, &parent, schemas);
    let field = |e: &'a Value| {
        e.as_object().and_then(|m| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(sub))
                .map(|(_, v)| v)
        })
    };
    elements
        .iter()
        .find(|e| e.get("primary") == Some(&Value::Bool(true)))
        .and_then(|e| field(e))
        .or_else(|| elements.iter().find_map(|e| field(e)))
}

/// Orders two resources by `key`, ascending, resources without a value last.
pub(crate) fn compare(a: &Value, b: &Value, key: &SortKey, schemas: &ResourceSchemas) -> Ordering {
    let attr = schemas.attribute(&key.0.to_string());
    let null = Value::Null;
    let va = sort_value(a, key, schemas).unwrap_or(&null);
    let vb = sort_value(b, key, schemas).unwrap_or(&null);
    eval::compare_for_sort(va, vb, attr)
}

/// Applies a PATCH request to `resource` (all or nothing), with Entra's tolerated deviations
/// (the endpoint's one policy, `Reference::policy`: POST and PUT read bodies by the same
/// `undeclared_attributes` rule).
pub(crate) fn apply_patch(
    resource: &mut Value,
    op: &PatchOp,
    schemas: &ResourceSchemas,
    policy: &Policy,
) -> Result<(), SemanticsError> {
    patch::apply(resource, op, schemas, policy)
        .map(|_| ())
        .map_err(|e| SemanticsError {
            scim_type: e.scim_type.clone(),
            detail: format!("operation {}: {}", e.index, e.detail),
        })
}

/// For a value-path PATCH path (`emails[type eq "work"].value`), whether `element` is one of
/// the elements its value filter selects.
pub(crate) fn value_filter_selects(
    path: &str,
    element: &Value,
    schemas: &ResourceSchemas,
) -> Result<bool, SemanticsError> {
    let parsed = PatchPath::parse(path).map_err(|e| SemanticsError {
        scim_type: ScimType::InvalidPath,
        detail: format!("invalid path: {e}"),
    })?;
    Ok(match parsed {
        PatchPath::Value { value_path, .. } => {
            let attr = schemas.attribute(&value_path.attr.to_string());
            eval::matches_element(&value_path.filter, element, attr)
        }
        PatchPath::Attr(_) => true,
    })
}

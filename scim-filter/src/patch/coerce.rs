//! Checking and normalising operation values against the attribute definitions (RFC 7643 §2.3
//! data types, §2.4 multi-valued attributes, §2.5 unassigned values).
//!
//! Every tolerated deviation here is behind a [`Policy`] field.

use scim2_types::schema::{AttributeType, Mutability, SchemaAttribute};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::report::OpError;
use crate::policy::Policy;

/// A simple (non-complex) value of type `def.kind` (RFC 7643 §2.3).
pub(crate) fn simple(
    value: &Value,
    def: &SchemaAttribute,
    policy: &Policy,
) -> Result<Value, OpError> {
    let wrong = || {
        OpError::invalid_value(format!(
            "{} must be a {}, not {}",
            def.name,
            kind_name(def.kind),
            describe(value)
        ))
    };
    match def.kind {
        AttributeType::Boolean => match value {
            Value::Bool(_) => Ok(value.clone()),
            Value::String(s) if policy.string_booleans => {
                if s.eq_ignore_ascii_case("true") {
                    Ok(Value::Bool(true))
                } else if s.eq_ignore_ascii_case("false") {
                    Ok(Value::Bool(false))
                } else {
                    Err(wrong())
                }
            }
            _ => Err(wrong()),
        },
        AttributeType::String | AttributeType::Reference | AttributeType::Binary => match value {
            Value::String(_) => Ok(value.clone()),
            _ => Err(wrong()),
        },
        AttributeType::DateTime => match value {
            Value::String(s) if OffsetDateTime::parse(s, &Rfc3339).is_ok() => Ok(value.clone()),
            _ => Err(wrong()),
        },
        AttributeType::Integer => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(value.clone()),
            _ => Err(wrong()),
        },
        AttributeType::Decimal => match value {
            Value::Number(_) => Ok(value.clone()),
            _ => Err(wrong()),
        },
        AttributeType::Complex => complex(value, def, policy).map(Value::Object),
    }
}

/// A complex value (RFC 7643 §2.3.8): an object whose members are sub-attributes of `def`.
/// Member names take the canonical spelling; `null` members are unassigned (RFC 7643 §2.5)
/// and dropped; readOnly sub-attributes cannot be given (RFC 7644 §3.5.2: `mutability`).
pub(crate) fn complex(
    value: &Value,
    def: &SchemaAttribute,
    policy: &Policy,
) -> Result<Map<String, Value>, OpError> {
    match value {
        Value::Object(members) => {
            let mut out = Map::new();
            for (key, v) in members {
                if v.is_null() {
                    continue;
                }
                let sub = def.sub_attribute(key).ok_or_else(|| {
                    OpError::invalid_value(format!("{} has no sub-attribute {key:?}", def.name))
                })?;
                if sub.mutability == Mutability::ReadOnly {
                    return Err(OpError::mutability(format!(
                        "{}.{} is readOnly",
                        def.name, sub.name
                    )));
                }
                let v = if sub.multi_valued {
                    let items = v.as_array().ok_or_else(|| {
                        OpError::invalid_value(format!("{}.{} is multi-valued", def.name, sub.name))
                    })?;
                    Value::Array(
                        items
                            .iter()
                            .map(|i| simple(i, sub, policy))
                            .collect::<Result<_, _>>()?,
                    )
                } else {
                    simple(v, sub, policy)?
                };
                out.insert(sub.name.clone(), v);
            }
            Ok(out)
        }
        Value::String(_) | Value::Number(_) | Value::Bool(_)
            if policy.complex_from_bare_value && !def.multi_valued =>
        {
            let sub = def.sub_attribute("value").ok_or_else(|| {
                OpError::invalid_value(format!(
                    "{} is complex and has no value sub-attribute",
                    def.name
                ))
            })?;
            let mut out = Map::new();
            out.insert(sub.name.clone(), simple(value, sub, policy)?);
            Ok(out)
        }
        _ => Err(OpError::invalid_value(format!(
            "{} is complex and needs an object, not {}",
            def.name,
            describe(value)
        ))),
    }
}

/// One element of the multi-valued attribute `def`.
pub(crate) fn element(
    value: &Value,
    def: &SchemaAttribute,
    policy: &Policy,
) -> Result<Value, OpError> {
    if def.kind == AttributeType::Complex {
        if !value.is_object() {
            return Err(OpError::invalid_value(format!(
                "a value of {} must be an object, not {}",
                def.name,
                describe(value)
            )));
        }
        if policy.json_encoded_role_values
            && let Some(role) = encoded_role(value, def)
        {
            return complex(&Value::Object(role), def, policy).map(Value::Object);
        }
        complex(value, def, policy).map(Value::Object)
    } else {
        simple(value, def, policy)
    }
}

/// Under [`Policy::json_encoded_role_values`], the role that Entra's
/// `{"value": "{\"id\":…,\"value\":\"25\",\"displayName\":\"Role1234\"}"}` encodes:
/// `displayName` read as `display`, `id` left out. `None` when `value` is not such an element
/// of `roles`.
fn encoded_role(value: &Value, def: &SchemaAttribute) -> Option<Map<String, Value>> {
    if !def.name.eq_ignore_ascii_case("roles") {
        return None;
    }
    let members = value.as_object()?;
    let [(key, Value::String(text))] = members.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    if !key.eq_ignore_ascii_case("value") || !text.trim_start().starts_with('{') {
        return None;
    }
    let Ok(Value::Object(decoded)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    let role = decoded
        .into_iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("id"))
        .map(|(k, v)| {
            if k.eq_ignore_ascii_case("displayName") {
                ("display".to_owned(), v)
            } else {
                (k, v)
            }
        })
        .collect();
    Some(role)
}

/// The whole value of attribute `def`: an array of elements for a multi-valued attribute
/// (RFC 7643 §2.4), one value otherwise. Empty complex elements (all members null) are
/// dropped.
pub(crate) fn attribute(
    value: &Value,
    def: &SchemaAttribute,
    policy: &Policy,
) -> Result<Value, OpError> {
    if value.is_null() {
        return Err(OpError::invalid_value(format!(
            "no value given for {} (null)",
            def.name
        )));
    }
    if def.multi_valued {
        let items = value.as_array().ok_or_else(|| {
            OpError::invalid_value(format!(
                "{} is multi-valued and needs an array, not {}",
                def.name,
                describe(value)
            ))
        })?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let e = element(item, def, policy)?;
            if e.as_object().is_some_and(Map::is_empty) {
                continue;
            }
            out.push(e);
        }
        return Ok(Value::Array(out));
    }
    if let Value::Array(items) = value {
        return match items.as_slice() {
            [only] if policy.single_element_array_for_single_valued => simple(only, def, policy),
            _ => Err(OpError::invalid_value(format!(
                "{} is single-valued and cannot take an array",
                def.name
            ))),
        };
    }
    simple(value, def, policy)
}

fn kind_name(kind: AttributeType) -> &'static str {
    match kind {
        AttributeType::String => "string",
        AttributeType::Boolean => "boolean",
        AttributeType::Decimal => "decimal",
        AttributeType::Integer => "integer",
        AttributeType::DateTime => "dateTime string",
        AttributeType::Binary => "binary (base64 string)",
        AttributeType::Reference => "reference string",
        AttributeType::Complex => "complex object",
    }
}

/// A short description of a JSON value for error messages (never the whole value).
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            if short.len() < s.len() {
                format!("the string {short:?}…")
            } else {
                format!("the string {s:?}")
            }
        }
        Value::Array(a) => format!("an array of {} values", a.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}

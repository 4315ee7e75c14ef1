//! Reading client bodies into stored resources (RFC 7643 §2, §3.1, §7) and writing `meta`.
//!
//! Reading is tolerant in the ways Entra ID needs and strict otherwise: attribute names match
//! case-insensitively and are stored in the schema's spelling (RFC 7643 §2.1); `null` means
//! unassigned (RFC 7643 §2.5) and is dropped; Entra's `"True"`/`"False"` strings become
//! booleans (docs/entra.md#disable); a manager given as a bare id string becomes
//! `{"value": id}` (§2.4); read-only attributes sent by the client are ignored (RFC 7643 §7
//! `readOnly`, RFC 7644 §3.5.1). Values of the wrong JSON type are rejected with 400
//! `invalidValue`. Unknown attributes are kept as sent.

use scim2_types::schema::{
    AttributeType, Mutability, ResourceSchemas, SchemaAttribute, common_attributes,
};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use scim2_filter::policy::Policy;
use scim2_types::ScimError;

use crate::error::{invalid_syntax, invalid_value};
use crate::store::{ResourceKind, meta};

/// Which of Entra's deviations a write accepts, from the server's [`Policy`] (POST, PUT and
/// PATCH read bodies by the same rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadRules {
    /// Accept `"True"`/`"False"` for booleans (`Policy::string_booleans`).
    pub string_booleans: bool,
    /// Accept a bare string for `manager` (`Policy::complex_from_bare_value`).
    pub manager_string: bool,
    /// Store attributes of undeclared extensions and unknown sub-attributes as sent (the
    /// endpoint policy's `undeclared_attributes`, which PATCH applies too); refuse them with
    /// 400 `invalidValue` otherwise.
    pub undeclared: bool,
}

impl ReadRules {
    /// The rules `policy` implies.
    #[must_use]
    pub fn from_policy(policy: &Policy) -> Self {
        Self {
            string_booleans: policy.string_booleans,
            manager_string: policy.complex_from_bare_value,
            undeclared: policy.undeclared_attributes,
        }
    }
}

fn undeclared(rules: ReadRules, what: &str) -> Result<(), ScimError> {
    if rules.undeclared {
        Ok(())
    } else {
        Err(invalid_value(format!(
            "{what} is not declared by the endpoint's schemas"
        )))
    }
}

/// Normalizes a client body (POST, PUT, or the result of a PATCH) into the stored form, without
/// `id` and `meta`.
///
/// # Errors
/// 400 `invalidSyntax` for a body that is not an object, 400 `invalidValue` for a value of
/// the wrong type, two primary values, or an undeclared attribute the rules refuse.
pub fn normalize(
    body: Value,
    schemas: &ResourceSchemas,
    rules: ReadRules,
) -> Result<Map<String, Value>, ScimError> {
    let Value::Object(map) = body else {
        return Err(invalid_syntax("the request body must be a JSON object"));
    };
    let mut out = Map::new();
    let mut declared: Vec<String> = Vec::new();
    for (key, value) in map {
        if key.eq_ignore_ascii_case("schemas") {
            declared = read_schemas(value)?;
            continue;
        }
        if let Some(ext) = schemas
            .extensions
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(&key))
        {
            match value {
                Value::Null => {}
                Value::Object(inner) => {
                    let mut ext_out = Map::new();
                    for (k, v) in inner {
                        match ext.top_attribute(&k) {
                            Some(attr) => {
                                if let Some(v) = read_attribute(attr, v, Name::top(&k), rules)? {
                                    ext_out.insert(spelled(k, &attr.name), v);
                                }
                            }
                            None if v.is_null() => {}
                            None => {
                                undeclared(rules, &format!("the attribute `{key}:{k}`"))?;
                                ext_out.insert(k, v);
                            }
                        }
                    }
                    merge_into(&mut out, ext.id.clone(), Value::Object(ext_out));
                }
                _ => {
                    return Err(invalid_value(format!(
                        "the extension `{key}` must be an object"
                    )));
                }
            }
            continue;
        }
        let attr = schemas.core.top_attribute(&key).or_else(|| {
            common_attributes()
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(&key))
        });
        match attr {
            Some(attr) => {
                if let Some(v) = read_attribute(attr, value, Name::top(&key), rules)? {
                    out.insert(spelled(key, &attr.name), v);
                }
            }
            None if value.is_null() => {}
            None => {
                if key.len() > 4 && key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
                    undeclared(rules, &format!("the extension `{key}`"))?;
                }
                out.insert(key, value);
            }
        }
    }
    // Drop empty extension objects: an extension without attributes is not present.
    out.retain(|k, v| !(schemas.is_extension(k) && v.as_object().is_some_and(Map::is_empty)));
    let schema_list = schema_list(schemas, &declared, &out);
    let mut stored = Map::new();
    stored.insert("schemas".to_owned(), Value::Array(schema_list));
    stored.extend(out);
    Ok(stored)
}

/// Two spellings of one extension URN merge into one object.
fn merge_into(out: &mut Map<String, Value>, key: String, value: Value) {
    match (out.get_mut(&key), value) {
        (Some(Value::Object(existing)), Value::Object(more)) => existing.extend(more),
        (_, value) => {
            out.insert(key, value);
        }
    }
}

fn read_schemas(value: Value) -> Result<Vec<String>, ScimError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(invalid_value("`schemas` must list URN strings")),
            })
            .collect(),
        _ => Err(invalid_value("`schemas` must be an array of URNs")),
    }
}

/// `schemas` lists the core schema, the extensions present, and any other URN the client sent
/// (such as Entra's legacy ADSCIM group URI), each once.
fn schema_list(
    schemas: &ResourceSchemas,
    declared: &[String],
    body: &Map<String, Value>,
) -> Vec<Value> {
    let mut list: Vec<String> = vec![schemas.core.id.as_str().to_owned()];
    for ext in &schemas.extensions {
        if body.contains_key(&ext.id) {
            list.push(ext.id.clone());
        }
    }
    for urn in declared {
        let known = urn.eq_ignore_ascii_case(schemas.core.id.as_str()) || schemas.is_extension(urn);
        if !known && !list.iter().any(|u| u.eq_ignore_ascii_case(urn)) {
            list.push(urn.clone());
        }
    }
    list.into_iter().map(Value::String).collect()
}

/// `key` in the schema's spelling `name` (RFC 7643 §2.1), reusing `key` when it is spelled so.
fn spelled(key: String, name: &str) -> String {
    if key == name { key } else { name.to_owned() }
}

/// The name of the attribute being read (`name.givenName`), for error messages: written out only
/// when an error needs it.
#[derive(Clone, Copy)]
struct Name<'a> {
    parent: Option<&'a Name<'a>>,
    name: &'a str,
}

impl<'a> Name<'a> {
    fn top(name: &'a str) -> Self {
        Self { parent: None, name }
    }
}

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}.")?;
        }
        f.write_str(self.name)
    }
}

fn read_attribute(
    attr: &SchemaAttribute,
    value: Value,
    name: Name<'_>,
    rules: ReadRules,
) -> Result<Option<Value>, ScimError> {
    if value.is_null() || attr.mutability == Mutability::ReadOnly {
        return Ok(None);
    }
    if attr.multi_valued {
        let Value::Array(items) = value else {
            return Err(invalid_value(format!(
                "`{name}` is multi-valued and must be an array"
            )));
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            if let Some(v) = read_single(attr, item, name, rules)? {
                out.push(v);
            }
        }
        // RFC 7643 §2.4: "The primary attribute value "true" MUST appear no more than once."
        let primaries = out
            .iter()
            .filter(|v| v.get("primary") == Some(&Value::Bool(true)))
            .count();
        if primaries > 1 {
            return Err(invalid_value(format!(
                "`{name}` has {primaries} primary values; at most one is allowed (RFC 7643 §2.4)"
            )));
        }
        return Ok(Some(Value::Array(out)));
    }
    read_single(attr, value, name, rules)
}

fn read_single(
    attr: &SchemaAttribute,
    value: Value,
    name: Name<'_>,
    rules: ReadRules,
) -> Result<Option<Value>, ScimError> {
    let wrong = |expected: &str| Err(invalid_value(format!("`{name}` must be {expected}")));
    match (attr.kind, value) {
        (_, Value::Null) => Ok(None),
        (AttributeType::Complex, Value::Object(inner)) => {
            let mut out = Map::new();
            for (k, v) in inner {
                match attr.sub_attribute(&k) {
                    Some(sub) => {
                        let path = Name {
                            parent: Some(&name),
                            name: &k,
                        };
                        if let Some(v) = read_attribute(sub, v, path, rules)? {
                            out.insert(spelled(k, &sub.name), v);
                        }
                    }
                    None if v.is_null() => {}
                    None => {
                        undeclared(rules, &format!("the sub-attribute `{name}.{k}`"))?;
                        out.insert(k, v);
                    }
                }
            }
            Ok(Some(Value::Object(out)))
        }
        (AttributeType::Complex, Value::String(id)) if attr.name == "manager" => {
            if rules.manager_string {
                let mut out = Map::new();
                out.insert("value".to_owned(), Value::String(id));
                Ok(Some(Value::Object(out)))
            } else {
                wrong("an object with `value` (a bare id string is not accepted)")
            }
        }
        (AttributeType::Complex, _) => wrong("an object"),
        (AttributeType::Boolean, Value::Bool(b)) => Ok(Some(Value::Bool(b))),
        (AttributeType::Boolean, Value::String(s)) => {
            let parsed = if s.eq_ignore_ascii_case("true") {
                Some(true)
            } else if s.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            };
            match parsed {
                Some(b) if rules.string_booleans => Ok(Some(Value::Bool(b))),
                Some(_) => wrong("a JSON boolean (the string form is not accepted)"),
                None => wrong("a boolean"),
            }
        }
        (AttributeType::Boolean, _) => wrong("a boolean"),
        (AttributeType::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => {
            Ok(Some(Value::Number(n)))
        }
        (AttributeType::Integer, _) => wrong("an integer"),
        (AttributeType::Decimal, Value::Number(n)) => Ok(Some(Value::Number(n))),
        (AttributeType::Decimal, _) => wrong("a number"),
        (AttributeType::DateTime, Value::String(s)) => {
            if OffsetDateTime::parse(&s, &Rfc3339).is_ok() {
                Ok(Some(Value::String(s)))
            } else {
                wrong("an RFC 3339 dateTime (RFC 7643 §2.3.5)")
            }
        }
        (
            AttributeType::String | AttributeType::Reference | AttributeType::Binary,
            Value::String(s),
        ) => Ok(Some(Value::String(s))),
        (_, _) => wrong("a string"),
    }
}

/// Puts `id` and `meta` (without `location`, which depends on the request) on a stored body.
pub(crate) fn with_server_fields(
    mut body: Map<String, Value>,
    kind: ResourceKind,
    id: &str,
    created: &str,
    modified: &str,
    version: u64,
) -> Value {
    let mut out = Map::new();
    if let Some(schemas) = body.remove("schemas") {
        out.insert("schemas".to_owned(), schemas);
    }
    out.insert("id".to_owned(), Value::String(id.to_owned()));
    out.extend(body);
    let mut meta = Map::new();
    meta.insert(
        "resourceType".to_owned(),
        Value::String(kind.resource_type().to_owned()),
    );
    meta.insert("created".to_owned(), Value::String(created.to_owned()));
    meta.insert(
        "lastModified".to_owned(),
        Value::String(modified.to_owned()),
    );
    meta.insert("version".to_owned(), Value::String(meta::etag(version)));
    out.insert("meta".to_owned(), Value::Object(meta));
    Value::Object(out)
}

/// `meta.created` of a stored resource.
pub(crate) fn created_of(resource: &Value) -> String {
    resource
        .pointer("/meta/created")
        .and_then(Value::as_str)
        .map_or_else(meta::now, str::to_owned)
}

/// `meta.version` of a stored resource.
pub(crate) fn version_of(resource: &Value) -> Option<&str> {
    resource.pointer("/meta/version").and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUSTOM: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";

    fn rules(undeclared: bool) -> ReadRules {
        ReadRules {
            string_booleans: true,
            manager_string: true,
            undeclared,
        }
    }

    /// POST and PUT read undeclared attributes by the rule PATCH applies
    /// (`Policy::undeclared_attributes`): stored when it holds, refused otherwise.
    #[test]
    fn undeclared_attributes_follow_the_policy() {
        let schemas = ResourceSchemas::user();
        let bodies = [
            serde_json::json!({"userName": "a@x.org", CUSTOM: {"CustomAttribute": "v"}}),
            serde_json::json!({"userName": "a@x.org", "name": {"pronunciation": "v"}}),
            serde_json::json!({"userName": "a@x.org",
                scim2_types::urn::ENTERPRISE_USER: {"badge": "v"}}),
        ];
        for b in bodies {
            let stored = normalize(b.clone(), &schemas, rules(true)).unwrap();
            assert!(Value::Object(stored).to_string().contains("\"v\""), "{b}");
            let e = normalize(b.clone(), &schemas, rules(false)).unwrap_err();
            assert!(format!("{e:?}").contains("not declared"), "{b}: {e:?}");
        }
    }

    #[test]
    fn reading_follows_the_schema_and_the_rules() {
        let schemas = ResourceSchemas::user();
        let body = serde_json::json!({
            "USERNAME": "a", "Active": "True", "id": "client-sent", "nickName": null,
            "emails": [{"value": "a@x", "primary": true}],
            scim2_types::urn::ENTERPRISE_USER: {"manager": "m1"}
        });
        let stored = normalize(body.clone(), &schemas, rules(true)).unwrap();
        assert_eq!(stored["userName"], "a", "stored in the schema's spelling");
        assert_eq!(stored["active"], true);
        assert!(
            !stored.contains_key("id"),
            "readOnly attributes are ignored"
        );
        assert!(!stored.contains_key("nickName"), "null is unassigned");
        assert_eq!(
            stored[scim2_types::urn::ENTERPRISE_USER]["manager"],
            serde_json::json!({"value": "m1"})
        );
        let strict = ReadRules::from_policy(&Policy::strict());
        assert!(normalize(body, &schemas, strict).is_err());
        let two_primaries = serde_json::json!({"userName": "a",
            "emails": [{"value": "a", "primary": true}, {"value": "b", "primary": true}]});
        assert!(normalize(two_primaries, &schemas, rules(true)).is_err());
    }
}

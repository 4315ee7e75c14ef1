//! The read side of PATCH (RFC 7644 §3.5.2): the values a [`PatchPath`] names in a resource,
//! resolved as [`patch::apply`](crate::patch::apply) resolves the path it writes, and a
//! case-insensitive member lookup (RFC 7643 §2.1).
//!
//! ```
//! use scim2_filter::{PatchPath, select};
//! use scim2_types::schema::ResourceSchemas;
//! use serde_json::json;
//!
//! let user = json!({
//!     "userName": "ann",
//!     "Emails": [{"type": "work", "value": "a@work.example"}, {"type": "home", "value": "a@home"}],
//!     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Ops"},
//! });
//! let schemas = ResourceSchemas::user();
//! let work = PatchPath::parse(r#"emails[type eq "work"].value"#)?;
//! assert_eq!(select::select(&work, &user, &schemas), [&json!("a@work.example")]);
//! let dept = PatchPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department")?;
//! assert_eq!(select::select(&dept, &user, &schemas), [&json!("Ops")]);
//! assert_eq!(select::get_ci(&user, "USERNAME"), Some(&json!("ann")));
//! # Ok::<(), scim2_filter::ParseError>(())
//! ```

use scim2_types::schema::{ResourceSchemas, SchemaAttribute};
use serde_json::Value;

use crate::ast::{AttrPath, PatchPath};
use crate::eval::matches_element;

/// The member of `value` named `name`, ASCII case-insensitively, an exact match first
/// (RFC 7643 §2.1: attribute names are case-insensitive). `None` when `value` is not an object.
#[must_use]
pub fn get_ci<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value
        .as_object()
        .and_then(|object| crate::eval::get_ci(object, name))
}

/// The values `path` names in `resource`, in document order; `null` values are left out.
///
/// A URN-qualified path reads the core schema's attributes from the resource and an
/// extension's from its container; an unqualified name the core schema does not define is read
/// from the extension that defines it (RFC 7644 §3.10). A sub-attribute of a multi-valued
/// attribute reads it from every element; a value path (`emails[type eq "work"].value`)
/// from the elements its filter selects.
#[must_use]
pub fn select<'a>(
    path: &PatchPath,
    resource: &'a Value,
    schemas: &ResourceSchemas,
) -> Vec<&'a Value> {
    let (attr, filter, sub) = match path {
        PatchPath::Attr(a) => (a, None, a.sub_attr.as_deref()),
        PatchPath::Value {
            value_path,
            sub_attr,
        } => (
            &value_path.attr,
            Some(value_path.filter.as_ref()),
            sub_attr.as_deref().or(value_path.attr.sub_attr.as_deref()),
        ),
    };
    let Some(value) = attribute(attr, resource, schemas) else {
        return Vec::new();
    };
    let def = definition(attr, schemas);
    let elements: Vec<&Value> = match (value, filter) {
        (Value::Array(items), Some(f)) => items
            .iter()
            .filter(|e| matches_element(f, e, def))
            .collect(),
        (_, Some(_)) => Vec::new(),
        (Value::Array(items), None) if sub.is_some() => items.iter().collect(),
        (v, None) => vec![v],
    };
    elements
        .into_iter()
        .filter_map(|e| match sub {
            Some(s) => get_ci(e, s),
            None => Some(e),
        })
        .filter(|v| !v.is_null())
        .collect()
}

/// The top-level value of `attr`'s attribute (before any sub-attribute).
fn attribute<'a>(
    attr: &AttrPath,
    resource: &'a Value,
    schemas: &ResourceSchemas,
) -> Option<&'a Value> {
    match attr.uri.as_deref() {
        Some(uri) if schemas.is_extension(uri) => get_ci(get_ci(resource, uri)?, &attr.name),
        Some(_) => get_ci(resource, &attr.name),
        None => get_ci(resource, &attr.name).or_else(|| {
            if schemas.core.top_attribute(&attr.name).is_some() {
                return None;
            }
            let ext = schemas
                .extensions
                .iter()
                .find(|s| s.top_attribute(&attr.name).is_some())?;
            get_ci(get_ci(resource, &ext.id)?, &attr.name)
        }),
    }
}

/// The schema definition of `attr`'s top-level attribute, if the schemas define it.
fn definition<'s>(attr: &AttrPath, schemas: &'s ResourceSchemas) -> Option<&'s SchemaAttribute> {
    match attr.uri.as_deref() {
        Some(uri) => schemas.schema(uri)?.top_attribute(&attr.name),
        None => schemas.attribute(&attr.name),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;

    fn sel(path: &str, v: &Value) -> Vec<Value> {
        let p = PatchPath::parse(path).unwrap();
        select(&p, v, &ResourceSchemas::user())
            .into_iter()
            .cloned()
            .collect()
    }

    #[test]
    fn reads_what_patch_writes() {
        let u = json!({
            "name": {"givenName": "Ann"},
            "emails": [{"type": "work", "value": "w"}, {"type": "home", "value": "h"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
                {"manager": {"value": "boss"}, "employeeNumber": "7"},
        });
        assert_eq!(sel("name.givenName", &u), [json!("Ann")]);
        assert_eq!(sel("emails.value", &u), [json!("w"), json!("h")]);
        assert_eq!(sel("emails[type eq \"home\"].value", &u), [json!("h")]);
        assert_eq!(
            sel("emails[type eq \"other\"].value", &u),
            Vec::<Value>::new()
        );
        assert_eq!(
            sel(
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
                &u
            ),
            [json!("boss")]
        );
        assert_eq!(sel("employeeNumber", &u), [json!("7")]);
        assert_eq!(sel("nickName", &u), Vec::<Value>::new());
        assert_eq!(sel("NAME.GIVENNAME", &u), [json!("Ann")]);
    }

    #[test]
    fn get_ci_prefers_the_exact_key() {
        let v = json!({"Id": 1, "id": 2});
        assert_eq!(get_ci(&v, "id"), Some(&json!(2)));
        assert_eq!(get_ci(&v, "ID"), Some(&json!(1)));
        assert_eq!(get_ci(&json!([1]), "id"), None);
    }

    proptest::proptest! {
        /// The scan (small objects) and the hash look-up (large ones) both answer as the
        /// definition: the member spelled exactly, else the first in another ASCII case.
        #[test]
        fn get_ci_answers_as_its_definition(
            keys in proptest::collection::vec(
                "(id|iD|Id|ID|userName|USERNAME|username|emails|eMails|longAttributeName1|longattributename1|x[a-z]{0,3})",
                0..48,
            ),
            name in "(id|ID|userName|UserName|emails|longAttributeName1|LONGATTRIBUTENAME1|xyz|a)",
        ) {
            let object: Map<String, Value> =
                keys.iter().enumerate().map(|(i, k)| (k.clone(), json!(i))).collect();
            let expected = object.get(&name).or_else(|| {
                object.iter().find(|(k, _)| k.eq_ignore_ascii_case(&name)).map(|(_, v)| v)
            }).cloned();
            let value = Value::Object(object);
            proptest::prop_assert_eq!(get_ci(&value, &name).cloned(), expected);
        }
    }
}

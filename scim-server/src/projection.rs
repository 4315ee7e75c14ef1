//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) with the `returned`
//! characteristic of RFC 7643 §7.

use scim2_types::schema::{ResourceSchemas, Returned, common_attributes};
use scim2_types::urn;
use serde_json::{Map, Value};

/// One attribute named in `attributes` or `excludedAttributes`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Named {
    /// The extension URN holding the attribute, or `None` for core and common attributes.
    extension: Option<String>,
    /// The top-level attribute name; empty for a whole extension.
    top: String,
    /// The sub-attribute name.
    sub: Option<String>,
}

/// The projection requested for a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Projection {
    pub(crate) attributes: Vec<String>,
    pub(crate) excluded: Vec<String>,
}

impl Projection {
    /// Whether the request named any attribute (a PATCH then answers 200 with the resource).
    pub(crate) fn is_requested(&self) -> bool {
        !self.attributes.is_empty() || !self.excluded.is_empty()
    }

    /// The one top-level core attribute this projection takes out of every resource, when it
    /// names just that (`excludedAttributes=members`, Entra ID's group lookup): a store can
    /// then leave it out of its results instead of copying it.
    pub(crate) fn omitted(&self, schemas: &ResourceSchemas) -> Option<String> {
        let [one] = self.excluded.as_slice() else {
            return None;
        };
        if !self.attributes.is_empty() {
            return None;
        }
        let named = resolve(one, schemas);
        (named.extension.is_none()
            && named.sub.is_none()
            && !named.top.is_empty()
            && schemas.core.top_attribute(&named.top).is_some()
            && returned(schemas, None, &named.top, None) != Returned::Always)
            .then_some(named.top)
    }
}

/// Splits a comma-separated attribute list.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn resolve(path: &str, schemas: &ResourceSchemas) -> Named {
    // A value filter (`emails[type eq "work"]`) selects the attribute as a whole here.
    let mut text = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let ext_ids: Vec<&str> = schemas.extensions.iter().map(|s| s.id.as_str()).collect();
    if let Some(ext) = ext_ids.iter().find(|id| id.eq_ignore_ascii_case(&text)) {
        return Named {
            extension: Some((*ext).to_owned()),
            top: String::new(),
            sub: None,
        };
    }
    let mut known = ext_ids.clone();
    known.push(schemas.core.id.as_str());
    let (extension, rest) = match urn::split_qualified(&text, &known) {
        Some((id, rest)) if schemas.is_extension(id) => (Some(id.to_owned()), rest.to_owned()),
        Some((_, rest)) => (None, rest.to_owned()),
        None => (None, text.clone()),
    };
    let (top, sub) = match rest.split_once('.') {
        Some((t, s)) => (t.to_owned(), Some(s.to_owned())),
        None => (rest, None),
    };
    // An unqualified name that only an extension defines (`employeeNumber`).
    let extension = extension.or_else(|| {
        let in_core = schemas.core.top_attribute(&top).is_some()
            || common_attributes()
                .iter()
                .any(|a| a.name.eq_ignore_ascii_case(&top));
        if in_core {
            None
        } else {
            schemas
                .extensions
                .iter()
                .find(|s| s.top_attribute(&top).is_some())
                .map(|s| s.id.clone())
        }
    });
    Named {
        extension,
        top,
        sub,
    }
}

fn returned(
    schemas: &ResourceSchemas,
    extension: Option<&str>,
    top: &str,
    sub: Option<&str>,
) -> Returned {
    let attr = match extension {
        Some(ext) => schemas.schema(ext).and_then(|s| s.top_attribute(top)),
        None => schemas.core.top_attribute(top).or_else(|| {
            common_attributes()
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(top))
        }),
    };
    let attr = match (attr, sub) {
        (Some(a), Some(s)) => a.sub_attribute(s),
        (a, _) => a,
    };
    attr.map_or(Returned::Default, |a| a.returned)
}

/// Applies the projection to a rendered resource.
pub(crate) fn project(
    resource: Value,
    projection: &Projection,
    schemas: &ResourceSchemas,
) -> Value {
    let Value::Object(mut map) = resource else {
        return resource;
    };
    strip_never(&mut map, schemas, None);
    if !projection.attributes.is_empty() {
        let wanted: Vec<Named> = projection
            .attributes
            .iter()
            .map(|p| resolve(p, schemas))
            .collect();
        map = include_only(map, &wanted, schemas, None);
    } else if !projection.excluded.is_empty() {
        for named in projection.excluded.iter().map(|p| resolve(p, schemas)) {
            exclude(&mut map, &named, schemas);
        }
    }
    Value::Object(map)
}

/// Removes, in place, the attributes never returned (`returned: never`) and those returned only
/// on request (RFC 7643 §7).
fn strip_never(map: &mut Map<String, Value>, schemas: &ResourceSchemas, extension: Option<&str>) {
    map.retain(|k, v| {
        if extension.is_none() && schemas.is_extension(k) {
            if let Value::Object(inner) = v {
                strip_never(inner, schemas, Some(k));
            }
            return true;
        }
        let r = returned(schemas, extension, k, None);
        r != Returned::Never && r != Returned::Request
    });
}

fn include_only(
    map: Map<String, Value>,
    wanted: &[Named],
    schemas: &ResourceSchemas,
    extension: Option<&str>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in map {
        if extension.is_none() && k == "schemas" {
            out.insert(k, v);
            continue;
        }
        if extension.is_none() && schemas.is_extension(&k) {
            let mine: Vec<Named> = wanted
                .iter()
                .filter(|n| n.extension.as_deref().is_some_and(|e| urn::eq(e, &k)))
                .cloned()
                .collect();
            if mine.iter().any(|n| n.top.is_empty()) {
                out.insert(k, v);
            } else if !mine.is_empty()
                && let Value::Object(inner) = v
            {
                {
                    let kept = include_only(inner, &mine, schemas, Some(&k));
                    if !kept.is_empty() {
                        out.insert(k, Value::Object(kept));
                    }
                }
            }
            continue;
        }
        if returned(schemas, extension, &k, None) == Returned::Always {
            out.insert(k, v);
            continue;
        }
        let mine: Vec<&Named> = wanted
            .iter()
            .filter(|n| {
                let same_container = match (&n.extension, extension) {
                    (None, None) => true,
                    (Some(a), Some(b)) => urn::eq(a, b),
                    _ => false,
                };
                same_container && n.top.eq_ignore_ascii_case(&k)
            })
            .collect();
        if mine.is_empty() {
            continue;
        }
        if mine.iter().any(|n| n.sub.is_none()) {
            out.insert(k, v);
            continue;
        }
        let subs: Vec<&str> = mine.iter().filter_map(|n| n.sub.as_deref()).collect();
        let keep_sub = |obj: Map<String, Value>| -> Map<String, Value> {
            obj.into_iter()
                .filter(|(sk, _)| {
                    subs.iter().any(|s| s.eq_ignore_ascii_case(sk))
                        || returned(schemas, extension, &k, Some(sk)) == Returned::Always
                })
                .collect()
        };
        let projected = match v {
            Value::Object(obj) => Value::Object(keep_sub(obj)),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|item| match item {
                        Value::Object(obj) => Value::Object(keep_sub(obj)),
                        other => other,
                    })
                    .collect(),
            ),
            other => other,
        };
        out.insert(k, projected);
    }
    out
}

fn exclude(map: &mut Map<String, Value>, named: &Named, schemas: &ResourceSchemas) {
    let container: &mut Map<String, Value> = match &named.extension {
        Some(ext) => {
            let key = map.keys().find(|k| urn::eq(k, ext)).cloned();
            let Some(key) = key else { return };
            if named.top.is_empty() {
                map.remove(&key);
                return;
            }
            match map.get_mut(&key) {
                Some(Value::Object(inner)) => inner,
                _ => return,
            }
        }
        None => map,
    };
    let Some(key) = container
        .keys()
        .find(|k| k.eq_ignore_ascii_case(&named.top))
        .cloned()
    else {
        return;
    };
    let ext = named.extension.as_deref();
    match &named.sub {
        None => {
            if returned(schemas, ext, &key, None) != Returned::Always {
                container.remove(&key);
            }
        }
        Some(sub) => {
            if returned(schemas, ext, &key, Some(sub)) == Returned::Always {
                return;
            }
            let strip =
                |obj: &mut Map<String, Value>| obj.retain(|k, _| !k.eq_ignore_ascii_case(sub));
            match container.get_mut(&key) {
                Some(Value::Object(obj)) => strip(obj),
                Some(Value::Array(items)) => {
                    for item in items {
                        if let Value::Object(obj) = item {
                            strip(obj);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(ext) = &named.extension
        && let Some(k) = map.keys().find(|k| urn::eq(k, ext)).cloned()
    {
        {
            if map
                .get(&k)
                .and_then(Value::as_object)
                .is_some_and(Map::is_empty)
            {
                map.remove(&k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "schemas": [urn::USER, urn::ENTERPRISE_USER],
            "id": "1",
            "userName": "bjensen",
            "password": "secret",
            "name": {"givenName": "Barbara", "familyName": "Jensen"},
            "emails": [{"value": "b@example.com", "type": "work"}],
            urn::ENTERPRISE_USER: {"employeeNumber": "7", "department": "Tour"},
            "meta": {"resourceType": "User"}
        })
    }

    fn p(attrs: &[&str], excluded: &[&str]) -> Projection {
        Projection {
            attributes: attrs.iter().map(|s| (*s).to_owned()).collect(),
            excluded: excluded.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn password_is_never_returned() {
        let out = project(user(), &Projection::default(), &ResourceSchemas::user());
        assert!(out.get("password").is_none());
        assert_eq!(out["userName"], "bjensen");
    }

    #[test]
    fn attributes_keep_always_and_requested_only() {
        let schemas = ResourceSchemas::user();
        let out = project(
            user(),
            &p(&["UserName", "name.givenName", "employeeNumber"], &[]),
            &schemas,
        );
        assert_eq!(
            out,
            json!({
                "schemas": [urn::USER, urn::ENTERPRISE_USER],
                "id": "1",
                "userName": "bjensen",
                "name": {"givenName": "Barbara"},
                urn::ENTERPRISE_USER: {"employeeNumber": "7"}
            })
        );
        let out = project(
            user(),
            &p(&["emails.value", urn::ENTERPRISE_USER], &[]),
            &schemas,
        );
        assert_eq!(out["emails"], json!([{"value": "b@example.com"}]));
        assert_eq!(out[urn::ENTERPRISE_USER]["department"], "Tour");
        assert!(out.get("meta").is_none());
    }

    #[test]
    fn excluded_attributes_never_drop_id() {
        let schemas = ResourceSchemas::user();
        let full = format!("{}:department", urn::ENTERPRISE_USER);
        let out = project(
            user(),
            &p(&[], &["id", "emails", "name.familyName", &full]),
            &schemas,
        );
        assert_eq!(out["id"], "1");
        assert!(out.get("emails").is_none());
        assert_eq!(out["name"], json!({"givenName": "Barbara"}));
        assert_eq!(out[urn::ENTERPRISE_USER], json!({"employeeNumber": "7"}));
    }
}

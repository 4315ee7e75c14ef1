//! The compact per-resource index: for each user or group read, only what the comparison
//! needs (id, userName/displayName, externalId, the normalised mapped values, member ids).
//!
//! Memory is one [`Entry`] per resource; whole resources are dropped as soon as they are
//! indexed.

use serde_json::Value;

use super::target::TargetPath;

/// The kind of resource an index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `/Users` (RFC 7643 §4.1).
    User,
    /// `/Groups` (RFC 7643 §4.2).
    Group,
}

impl Kind {
    /// `user` or `group`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Group => "group",
        }
    }

    /// The attribute resources of this kind are matched by first (`userName`, `displayName`).
    #[must_use]
    pub fn name_attr(self) -> &'static str {
        match self {
            Self::User => "userName",
            Self::Group => "displayName",
        }
    }
}

/// The normalised values of the mapped attributes, packed in one string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    text: Box<str>,
    /// The end offset of each value in `text`; [`ABSENT`] set for a missing value.
    ends: Box<[u32]>,
}

const ABSENT: u32 = 1 << 31;

impl Values {
    /// Packs values (at most 2 GiB of text in all; the rest is cut, which a 16 MiB response
    /// limit makes impossible).
    #[must_use]
    pub fn pack<S: AsRef<str>>(values: &[Option<S>]) -> Self {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(values.len());
        for v in values {
            match v {
                Some(s) if text.len() + s.as_ref().len() < ABSENT as usize => {
                    text.push_str(s.as_ref());
                    ends.push(u32::try_from(text.len()).unwrap_or(ABSENT - 1));
                }
                _ => ends.push(u32::try_from(text.len()).unwrap_or(0) | ABSENT),
            }
        }
        Self {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// The value of mapping row `i`, `None` when absent.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        if end & ABSENT != 0 {
            return None;
        }
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] & !ABSENT
        };
        self.text.get(start as usize..end as usize)
    }

    /// The number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// What is kept of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The endpoint's `id` (empty when the resource had none).
    pub id: Box<str>,
    /// `userName` for users, `displayName` for groups.
    pub name: Option<Box<str>>,
    /// `externalId`.
    pub external_id: Option<Box<str>>,
    /// The normalised mapped values, one per mapping row.
    pub values: Values,
    /// The `value` (id) of each member, for groups.
    pub members: Box<[Box<str>]>,
}

impl Entry {
    /// Extracts the entry of a resource read from an endpoint.
    #[must_use]
    pub fn from_resource(kind: Kind, resource: &Value, targets: &[TargetPath]) -> Self {
        let string = |name: &str| {
            get_ci(resource, name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(Box::from)
        };
        let values: Vec<Option<String>> = targets.iter().map(|t| extract(resource, t)).collect();
        let members = match kind {
            Kind::User => Box::default(),
            Kind::Group => member_ids(resource),
        };
        Self {
            id: string("id").unwrap_or_default(),
            name: string(kind.name_attr()),
            external_id: string("externalId"),
            values: Values::pack(&values),
            members,
        }
    }
}

/// The member ids of a group (`members[].value`, RFC 7643 §4.2).
fn member_ids(group: &Value) -> Box<[Box<str>]> {
    let Some(Value::Array(members)) = get_ci(group, "members") else {
        return Box::default();
    };
    members
        .iter()
        .filter_map(|m| match m {
            Value::Object(_) => get_ci(m, "value").and_then(Value::as_str),
            Value::String(s) => Some(s.as_str()),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .map(Box::from)
        .collect()
}

/// An object member by name, case-insensitively (RFC 7643 §2.1).
pub(crate) fn get_ci<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    let obj = v.as_object()?;
    obj.get(name).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The normalised value of one mapping target in a resource, `None` when absent.
///
/// Normalisation: `null`, `""` and `[]` are absent; booleans (and, for `active` and
/// `primary`, Entra's `"True"`/`"False"` strings) print as `true`/`false`; numbers as JSON;
/// objects as JSON with sorted keys; several values (a filter matching several elements) as
/// a sorted JSON array. The enterprise `manager` yields the manager's id (its `value`).
#[must_use]
pub fn extract(resource: &Value, t: &TargetPath) -> Option<String> {
    let container = match &t.uri {
        Some(uri) => match get_ci(resource, uri) {
            Some(ext) => get_ci(ext, &t.attr),
            None => get_ci(resource, &t.base()),
        },
        None => get_ci(resource, &t.attr),
    }?;
    let mut found: Vec<&Value> = Vec::new();
    let elements: Vec<&Value> = match container {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for el in elements {
        if let Some(f) = &t.filter
            && !scim2_filter::eval::matches_element(f, el, None)
        {
            continue;
        }
        let picked = match (&t.sub_attr, t.is_manager()) {
            (Some(sub), _) => get_ci(el, sub),
            (None, true) => match el {
                Value::Object(_) => get_ci(el, "value"),
                other => Some(other),
            },
            (None, false) => Some(el),
        };
        if let Some(v) = picked {
            match v {
                Value::Array(items) => found.extend(items.iter()),
                other => found.push(other),
            }
        }
    }
    let boolish = t.attr.eq_ignore_ascii_case("active")
        || t.sub_attr
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("primary"));
    let mut texts: Vec<String> = found
        .into_iter()
        .filter_map(|v| canonical(v, boolish))
        .collect();
    match texts.len() {
        0 => None,
        1 => texts.pop(),
        _ => {
            texts.sort();
            Some(format!("[{}]", texts.join(",")))
        }
    }
}

/// The canonical text of one value; `None` for null, `""` and `[]`.
fn canonical(v: &Value, boolish: bool) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) if boolish && s.eq_ignore_ascii_case("true") => Some("true".into()),
        Value::String(s) if boolish && s.eq_ignore_ascii_case("false") => Some("false".into()),
        Value::String(s) => Some(s.clone()),
        Value::Array(a) if a.is_empty() => None,
        other => {
            let mut out = String::new();
            write_json(other, &mut out);
            Some(out)
        }
    }
}

/// JSON with object keys sorted and array elements in order.
fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(x) = map.get(k) {
                    write_json(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Every entry of one resource type read from one endpoint.
#[derive(Debug, Clone)]
pub struct Index {
    /// Users or groups.
    pub kind: Kind,
    /// The entries in the order they were read.
    pub entries: Vec<Entry>,
}

impl Index {
    /// An empty index.
    #[must_use]
    pub fn new(kind: Kind) -> Self {
        Self {
            kind,
            entries: Vec::new(),
        }
    }

    /// Indexes one resource.
    pub fn push(&mut self, resource: &Value, targets: &[TargetPath]) {
        self.entries
            .push(Entry::from_resource(self.kind, resource, targets));
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::compare::Mapping;

    fn t(s: &str) -> TargetPath {
        s.parse().unwrap()
    }

    #[test]
    fn packs_values_with_absent_and_empty() {
        let v = Values::pack(&[Some("a"), None, Some("bc"), None]);
        assert_eq!(v.len(), 4);
        assert_eq!(v.get(0), Some("a"));
        assert_eq!(v.get(1), None);
        assert_eq!(v.get(2), Some("bc"));
        assert_eq!(v.get(3), None);
        assert_eq!(v.get(4), None);
        assert!(Values::pack::<&str>(&[]).is_empty());
    }

    #[test]
    fn extracts_entra_shaped_values() {
        let u = json!({
            "id": "1", "UserName": "bjensen@example.com", "active": "True",
            "emails": [{"type": "home", "value": "h@x"}, {"type": "Work", "value": "w@x"}],
            "name": {"givenName": "Barbara", "familyName": ""},
            "addresses": [{"type": "work", "locality": "Paris", "country": "FR"}],
            "phoneNumbers": [{"type": "mobile", "value": "1"}, {"type": "mobile", "value": "2"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "department": "R&D", "manager": {"value": "m-1", "displayName": "Boss"}
            }
        });
        let get = |s: &str| extract(&u, &t(s));
        assert_eq!(get("userName").as_deref(), Some("bjensen@example.com"));
        assert_eq!(get("active").as_deref(), Some("true"));
        assert_eq!(
            get(r#"emails[type eq "work"].value"#).as_deref(),
            Some("w@x")
        );
        assert_eq!(get("name.givenName").as_deref(), Some("Barbara"));
        assert_eq!(get("name.familyName"), None);
        assert_eq!(
            get(r#"addresses[type eq "work"].country"#).as_deref(),
            Some("FR")
        );
        assert_eq!(get(r#"addresses[type eq "work"].region"#), None);
        assert_eq!(
            get(r#"phoneNumbers[type eq "mobile"].value"#).as_deref(),
            Some("[1,2]")
        );
        assert_eq!(get(r#"phoneNumbers[type eq "fax"].value"#), None);
        assert_eq!(
            get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department").as_deref(),
            Some("R&D")
        );
        assert_eq!(
            get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager").as_deref(),
            Some("m-1")
        );
        assert_eq!(
            get("name").as_deref(),
            Some(r#"{"familyName":"","givenName":"Barbara"}"#)
        );
        let bare = json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
            {"manager": "m-2"}});
        assert_eq!(
            extract(
                &bare,
                &t("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
            )
            .as_deref(),
            Some("m-2")
        );
    }

    #[test]
    fn entries_keep_only_what_is_compared() {
        let m = Mapping::entra_default();
        let g = json!({"id": "g1", "displayName": "Eng", "externalId": "x",
            "members": [{"value": "u1", "$ref": null}, {"value": "u2"}, {"display": "no id"}]});
        let e = Entry::from_resource(Kind::Group, &g, &m.groups);
        assert_eq!(&*e.id, "g1");
        assert_eq!(e.name.as_deref(), Some("Eng"));
        assert_eq!(e.external_id.as_deref(), Some("x"));
        assert_eq!(e.members.len(), 2);
        assert_eq!(e.values.get(0), Some("Eng"));
        let u = Entry::from_resource(Kind::User, &json!({"id": "u"}), &m.users);
        assert_eq!(u.name, None);
        assert_eq!(u.values.len(), 22);
        assert!((0..22).all(|i| u.values.get(i).is_none()));
    }
}

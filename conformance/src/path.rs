//! Mapping target paths: the subset of RFC 7644 §3.5.2 `PATH` that Entra's attribute mappings
//! use as targets (docs/entra.md#default-mapping):
//!
//! ```text
//! target = [ URN ":" ] attr [ "[type eq " DQUOTE type DQUOTE "]" ] [ "." subAttr ]
//! ```
//!
//! A [`TargetPath`] reads a value from a resource and writes one into a request body the way
//! Entra builds its POST bodies (a typed element is created when missing). Attribute names
//! match case-insensitively (RFC 7643 §2.1).

use std::fmt;

use serde_json::{Map, Value};

pub use scim2_filter::select::get_ci;

/// Longest accepted path text.
const MAX_PATH_LEN: usize = 512;

/// A parsed mapping target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetPath {
    /// Extension schema URN, for `urn:…:attr` targets.
    pub urn: Option<String>,
    /// The attribute name.
    pub attr: String,
    /// The `type` selected by a `[type eq "…"]` filter.
    pub type_eq: Option<String>,
    /// The sub-attribute.
    pub sub: Option<String>,
}

/// A target path that does not fit the grammar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid target path {path:?} at byte {offset}: {reason}")]
pub struct PathError {
    /// The input.
    pub path: String,
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was wrong.
    pub reason: &'static str,
}

fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '$')
        && c.all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
}

impl TargetPath {
    /// Parses a target path.
    ///
    /// # Errors
    /// [`PathError`] with the offset of the first problem.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let err = |offset, reason| PathError {
            path: text.to_owned(),
            offset,
            reason,
        };
        if text.len() > MAX_PATH_LEN {
            return Err(err(MAX_PATH_LEN, "path too long"));
        }
        let (urn, rest, base) = if text.len() > 4 && text[..4].eq_ignore_ascii_case("urn:") {
            // The attribute follows the last ':' that precedes any '[' or '.'.
            let stop = text.find('[').unwrap_or(text.len());
            let colon = text[..stop]
                .rfind(':')
                .ok_or_else(|| err(0, "URN without attribute"))?;
            if text[..colon].matches(':').count() < 2 {
                return Err(err(0, "expected urn:<namespace>:<…>:<attribute>"));
            }
            (
                Some(text[..colon].to_owned()),
                &text[colon + 1..],
                colon + 1,
            )
        } else {
            (None, text, 0)
        };
        let (head, sub) = match rest.rfind('.') {
            Some(dot) if rest[dot..].find(']').is_none() => (&rest[..dot], Some(&rest[dot + 1..])),
            _ => (rest, None),
        };
        let (attr, type_eq) = match head.find('[') {
            Some(open) => {
                let inner = head[open + 1..]
                    .strip_suffix(']')
                    .ok_or_else(|| err(base + head.len(), "expected ']'"))?;
                let mut words = inner.splitn(3, ' ');
                let (a, op, v) = (words.next(), words.next(), words.next());
                if !a.is_some_and(|a| a.eq_ignore_ascii_case("type"))
                    || !op.is_some_and(|o| o.eq_ignore_ascii_case("eq"))
                {
                    return Err(err(
                        base + open + 1,
                        "only [type eq \"…\"] filters are supported",
                    ));
                }
                let v = v
                    .and_then(|v| v.strip_prefix('"'))
                    .and_then(|v| v.strip_suffix('"'))
                    .ok_or_else(|| err(base + open + 9, "expected a quoted type value"))?;
                (&head[..open], Some(v.to_owned()))
            }
            None => (head, None),
        };
        if !is_name(attr) {
            return Err(err(base, "expected an attribute name"));
        }
        if let Some(s) = sub
            && !is_name(s)
        {
            return Err(err(base + head.len() + 1, "expected a sub-attribute name"));
        }
        Ok(Self {
            urn,
            attr: attr.to_owned(),
            type_eq,
            sub: sub.map(str::to_owned),
        })
    }

    /// The same path without the type filter and sub-attribute (`emails`, `urn:…:manager`).
    #[must_use]
    pub fn top(&self) -> String {
        match &self.urn {
            Some(u) => format!("{u}:{}", self.attr),
            None => self.attr.clone(),
        }
    }

    /// The value at this path in `resource`, if present.
    #[must_use]
    pub fn get<'a>(&self, resource: &'a Value) -> Option<&'a Value> {
        let container = match &self.urn {
            Some(u) => get_ci(resource, u)?,
            None => resource,
        };
        let mut v = get_ci(container, &self.attr)?;
        if let Some(t) = &self.type_eq {
            v = v.as_array()?.iter().find(|e| type_is(e, t))?;
        }
        match &self.sub {
            Some(s) => get_ci(v, s),
            None => Some(v),
        }
    }

    /// Writes `value` at this path, creating objects and the typed element as needed.
    pub fn set(&self, resource: &mut Value, value: Value) {
        let container = match &self.urn {
            Some(u) => entry_ci(resource, u),
            None => resource,
        };
        let slot = entry_ci(container, &self.attr);
        let target = match &self.type_eq {
            Some(t) => {
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let Value::Array(items) = slot else { return };
                let pos = match items.iter().position(|e| type_is(e, t)) {
                    Some(p) => p,
                    None => {
                        let mut m = Map::new();
                        m.insert("type".into(), Value::String(t.clone()));
                        items.push(Value::Object(m));
                        items.len() - 1
                    }
                };
                &mut items[pos]
            }
            None => slot,
        };
        match &self.sub {
            Some(s) => *entry_ci(target, s) = value,
            None => *target = value,
        }
    }
}

impl fmt::Display for TargetPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.top())?;
        if let Some(t) = &self.type_eq {
            write!(f, "[type eq \"{t}\"]")?;
        }
        if let Some(s) = &self.sub {
            write!(f, ".{s}")?;
        }
        Ok(())
    }
}

fn type_is(element: &Value, t: &str) -> bool {
    get_ci(element, "type")
        .and_then(Value::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case(t))
}

fn entry_ci<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(o) => {
            let existing = o.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned();
            o.entry(existing.unwrap_or_else(|| key.to_owned()))
                .or_insert(Value::Null)
        }
        // Not reached: `v` was made an object above.
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_typed_element_is_created_on_a_miss() {
        let p = TargetPath::parse(r#"addresses[type eq "work"].locality"#).unwrap();
        let mut body = json!({});
        p.set(&mut body, "Zürich".into());
        assert_eq!(
            body,
            json!({"addresses": [{"type": "work", "locality": "Zürich"}]})
        );
        assert_eq!(p.to_string(), r#"addresses[type eq "work"].locality"#);
    }

    #[test]
    fn parse_forms() {
        let p = TargetPath::parse("emails[type eq \"work\"].value").unwrap();
        assert_eq!(
            (p.attr.as_str(), p.type_eq.as_deref(), p.sub.as_deref()),
            ("emails", Some("work"), Some("value"))
        );
        let p =
            TargetPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
                .unwrap();
        assert_eq!(
            p.urn.as_deref(),
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        );
        assert_eq!(p.attr, "manager");
        assert_eq!(
            p.to_string(),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
        );
        let p = TargetPath::parse("name.givenName").unwrap();
        assert_eq!(p.to_string(), "name.givenName");
        for bad in [
            "",
            "emails[value eq \"x\"].value",
            "emails[type eq work]",
            "1abc",
            "name.",
            "urn:x",
        ] {
            assert!(TargetPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn set_then_get_round_trips_and_shares_typed_elements() {
        let mut body = json!({});
        let loc = TargetPath::parse("addresses[type eq \"work\"].locality").unwrap();
        let reg = TargetPath::parse("addresses[type eq \"work\"].region").unwrap();
        loc.set(&mut body, json!("Zürich"));
        reg.set(&mut body, json!("ZH"));
        assert_eq!(
            body,
            json!({"addresses": [{"type": "work", "locality": "Zürich", "region": "ZH"}]})
        );
        assert_eq!(loc.get(&body), Some(&json!("Zürich")));
        let other = json!({"Addresses": [{"Type": "WORK", "Locality": "x"}]});
        assert_eq!(loc.get(&other), Some(&json!("x")));
    }
}

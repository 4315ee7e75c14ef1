//! A JSON document as `compare` reads it from a listing: objects are lists of members in
//! reading order, without the hash table `serde_json::Value` builds for each object, so that
//! decoding a page and extracting what the comparison keeps costs a fraction of a `Value`.
//!
//! Member names are looked up exactly first, then ignoring ASCII case (RFC 7643 §2.1). A
//! name given twice keeps the later value at the first position, as `serde_json::Value` does.
//! Where a SCIM rule needs a `Value` (an element filter, evaluated by `scim2_filter`), the
//! element is converted ([`Json::to_value`]).

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

/// One JSON value (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as `serde_json` reads it.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: its members in reading order, each name once.
    Object(Vec<(Name, Json)>),
}

/// A member name: the common SCIM names are shared, not allocated per object.
pub type Name = Cow<'static, str>;

/// The member names of users and groups (RFC 7643 §4) and of their complex attributes,
/// kept once for every resource read.
const NAMES: &[&str] = &[
    "schemas",
    "id",
    "externalId",
    "meta",
    "resourceType",
    "created",
    "lastModified",
    "location",
    "version",
    "userName",
    "name",
    "formatted",
    "familyName",
    "givenName",
    "middleName",
    "honorificPrefix",
    "honorificSuffix",
    "displayName",
    "nickName",
    "profileUrl",
    "title",
    "userType",
    "preferredLanguage",
    "locale",
    "timezone",
    "active",
    "emails",
    "phoneNumbers",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
    "value",
    "display",
    "type",
    "primary",
    "$ref",
    "streetAddress",
    "locality",
    "region",
    "postalCode",
    "country",
    "members",
    "employeeNumber",
    "costCenter",
    "organization",
    "division",
    "department",
    "manager",
    scim2_types::urn::ENTERPRISE_USER,
];

/// The shared name equal to `key`, else a copy.
fn name(key: &str) -> Name {
    static SORTED: OnceLock<Vec<&'static str>> = OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut v = NAMES.to_vec();
        v.sort_by_key(|n| (n.len(), *n));
        v
    });
    match sorted.binary_search_by(|n| (n.len(), *n).cmp(&(key.len(), key))) {
        Ok(i) => Cow::Borrowed(sorted[i]),
        Err(_) => Cow::Owned(key.to_owned()),
    }
}

impl Json {
    /// The member named exactly `name` of an object.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Self::Object(members) => members.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `name` of an object: the exact name first, else the first member whose
    /// name is equal ignoring ASCII case.
    #[must_use]
    pub fn get_ci(&self, name: &str) -> Option<&Json> {
        let Self::Object(members) = self else {
            return None;
        };
        members
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| members.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v)
    }

    /// The string, for a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The same document as a `serde_json::Value`.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(*b),
            Self::Number(n) => Value::Number(n.clone()),
            Self::String(s) => Value::String(s.clone()),
            Self::Array(items) => Value::Array(items.iter().map(Self::to_value).collect()),
            Self::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

impl From<&Value> for Json {
    fn from(v: &Value) -> Self {
        match v {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => Self::Number(n.clone()),
            Value::String(s) => Self::String(s.clone()),
            Value::Array(items) => Self::Array(items.iter().map(Self::from).collect()),
            Value::Object(map) => {
                Self::Object(map.iter().map(|(k, v)| (name(k), Self::from(v))).collect())
            }
        }
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => s.serialize_unit(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Number(n) => n.serialize(s),
            Self::String(x) => s.serialize_str(x),
            Self::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members: Vec<(Name, Json)> =
            Vec::with_capacity(map.size_hint().unwrap_or(8).min(64));
        while let Some(key) = map.next_key_seed(NameSeed)? {
            let value: Json = map.next_value()?;
            match members.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => members.push((key, value)),
            }
        }
        Ok(Json::Object(members))
    }
}

/// Reads a member name into a [`Name`] without copying a common one.
struct NameSeed;

impl<'de> de::DeserializeSeed<'de> for NameSeed {
    type Value = Name;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Name, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for NameSeed {
    type Value = Name;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Name, E> {
        Ok(name(v))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_and_writes_the_same_document_as_value() {
        let text = r#"{"a":1,"B":[true,null,"x",-2,1.5],"c":{"d":"e"},"a":2}"#;
        let j: Json = serde_json::from_str(text).unwrap();
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(j.to_value(), v, "a repeated name keeps the later value");
        assert_eq!(Json::from(&v), j);
        assert_eq!(serde_json::to_value(&j).unwrap(), v);
        assert_eq!(j.get_ci("a"), Some(&Json::Number(2.into())));
        assert_eq!(j.get_ci("b"), j.get_ci("B"));
        assert_eq!(
            j.get_ci("C")
                .and_then(|c| c.get_ci("D"))
                .and_then(Json::as_str),
            Some("e")
        );
        assert_eq!(j.get_ci("missing"), None);
        assert_eq!(Json::from(&json!("s")).get_ci("a"), None);
    }
}

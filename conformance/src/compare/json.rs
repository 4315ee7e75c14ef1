//! A JSON document as `compare` reads it from a listing: every node of one resource in one
//! flat list and every string (member names included) in one text buffer, so that decoding a
//! page costs two growing buffers per resource instead of an allocation per string, array and
//! object (as `serde_json::Value` makes), and extracting what the comparison keeps borrows
//! from the document.
//!
//! Member names are looked up exactly first, then ignoring ASCII case (RFC 7643 §2.1). A
//! name given twice reads as the later value at the first position, as `serde_json::Value`
//! does. Where a SCIM rule needs a `Value` (an element filter, evaluated by `scim2_filter`),
//! the element is converted ([`JsonRef::to_value`]).

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

/// One JSON document (see the module documentation).
#[derive(Clone, PartialEq, Default)]
pub struct Json {
    /// Every string and member name, one after another.
    text: String,
    /// The nodes in document order; the root is the first.
    nodes: Vec<Node>,
}

/// One node. Containers are followed by their children (an object's children are each
/// member's name, a `Str` node, then its value); `end` is the index after the last descendant.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Number(Number),
    /// A string or a member name: `text[start..end]`.
    Str(u32, u32),
    Array {
        len: u32,
        end: u32,
    },
    /// `repeated`: some member name is given twice (then lookups scan every member).
    Object {
        len: u32,
        end: u32,
        repeated: bool,
    },
}

/// A value inside a [`Json`] document.
#[derive(Clone, Copy)]
pub struct JsonRef<'a> {
    doc: &'a Json,
    at: u32,
}

/// What a [`JsonRef`] holds.
#[derive(Clone)]
pub enum Item<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as `serde_json` reads it.
    Number(&'a Number),
    /// A string.
    String(&'a str),
    /// An array: its elements.
    Array(Elements<'a>),
    /// An object: its members in reading order (a repeated name as described in the module
    /// documentation).
    Object(Members<'a>),
}

/// The elements of an array.
#[derive(Clone)]
pub struct Elements<'a> {
    doc: &'a Json,
    next: u32,
    left: u32,
}

/// The members of an object, each name once (see [`Item::Object`]).
#[derive(Clone)]
pub struct Members<'a> {
    raw: RawMembers<'a>,
    /// The object's first member, for the repeated-name check.
    first: RawMembers<'a>,
    /// Whether a name is given twice.
    repeated: bool,
}

/// Every member as written, repeated names included.
#[derive(Clone, Copy)]
struct RawMembers<'a> {
    doc: &'a Json,
    next: u32,
    left: u32,
}

impl Json {
    /// The document's root value.
    #[must_use]
    pub fn root(&self) -> JsonRef<'_> {
        JsonRef { doc: self, at: 0 }
    }

    fn node(&self, at: u32) -> &Node {
        static NULL: Node = Node::Null;
        self.nodes.get(at as usize).unwrap_or(&NULL)
    }

    fn str(&self, start: u32, end: u32) -> &str {
        self.text
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// The index after the node at `at` and its descendants.
    fn skip(&self, at: u32) -> u32 {
        match self.node(at) {
            Node::Array { end, .. } | Node::Object { end, .. } => *end,
            _ => at + 1,
        }
    }

    /// The bytes of the member name at `at` (empty for anything else).
    fn key(&self, at: u32) -> &[u8] {
        match self.node(at) {
            Node::Str(s, e) => self.text.as_bytes().get(*s as usize..*e as usize),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// Whether two of the `len` members of the object at `at` have the same name.
    fn repeated(&self, at: usize, len: usize) -> bool {
        let Ok(mut a) = u32::try_from(at + 1) else {
            return false;
        };
        // The names of a small object are gathered once, then compared pairwise.
        const SMALL: usize = 32;
        if len <= SMALL {
            let mut names: [&[u8]; SMALL] = [&[]; SMALL];
            for name in names.iter_mut().take(len) {
                *name = self.key(a);
                a = self.skip(a + 1);
            }
            let names = &names[..len];
            return names
                .iter()
                .enumerate()
                .any(|(i, n)| names[i + 1..].contains(n));
        }
        // A large object (rare in SCIM, but a page is untrusted input): a set keeps the
        // check linear instead of comparing every pair.
        let mut seen = std::collections::HashSet::with_capacity(len);
        for _ in 0..len {
            if !seen.insert(self.key(a)) {
                return true;
            }
            a = self.skip(a + 1);
        }
        false
    }

    fn push_str(&mut self, s: &str) -> Result<(), &'static str> {
        let start = offset(self.text.len())?;
        self.text.push_str(s);
        self.nodes.push(Node::Str(start, offset(self.text.len())?));
        Ok(())
    }

    fn push_value(&mut self, v: &Value) -> Result<(), &'static str> {
        match v {
            Value::Null => self.nodes.push(Node::Null),
            Value::Bool(b) => self.nodes.push(Node::Bool(*b)),
            Value::Number(n) => self.nodes.push(Node::Number(n.clone())),
            Value::String(s) => self.push_str(s)?,
            Value::Array(items) => {
                let at = self.nodes.len();
                self.nodes.push(Node::Null);
                for item in items {
                    self.push_value(item)?;
                }
                self.nodes[at] = Node::Array {
                    len: offset(items.len())?,
                    end: offset(self.nodes.len())?,
                };
            }
            Value::Object(map) => {
                let at = self.nodes.len();
                self.nodes.push(Node::Null);
                for (k, v) in map {
                    self.push_str(k)?;
                    self.push_value(v)?;
                }
                self.nodes[at] = Node::Object {
                    len: offset(map.len())?,
                    end: offset(self.nodes.len())?,
                    repeated: false,
                };
            }
        }
        Ok(())
    }
}

/// A position in a document, which must fit in 32 bits (a response body is far smaller).
fn offset(n: usize) -> Result<u32, &'static str> {
    u32::try_from(n).map_err(|_| "JSON document too large")
}

impl<'a> JsonRef<'a> {
    /// What this value is.
    #[must_use]
    pub fn item(self) -> Item<'a> {
        let doc = self.doc;
        match doc.node(self.at) {
            Node::Null => Item::Null,
            Node::Bool(b) => Item::Bool(*b),
            Node::Number(n) => Item::Number(n),
            Node::Str(s, e) => Item::String(doc.str(*s, *e)),
            Node::Array { len, .. } => Item::Array(Elements {
                doc,
                next: self.at + 1,
                left: *len,
            }),
            Node::Object { len, repeated, .. } => {
                let raw = RawMembers {
                    doc,
                    next: self.at + 1,
                    left: *len,
                };
                Item::Object(Members {
                    raw,
                    first: raw,
                    repeated: *repeated,
                })
            }
        }
    }

    /// The string, for a string.
    #[must_use]
    pub fn as_str(self) -> Option<&'a str> {
        match self.doc.node(self.at) {
            Node::Str(s, e) => Some(self.doc.str(*s, *e)),
            _ => None,
        }
    }

    /// Whether both are the same value of the same document.
    #[must_use]
    pub fn same(self, other: JsonRef<'_>) -> bool {
        std::ptr::eq(self.doc, other.doc) && self.at == other.at
    }

    /// Whether this is an object.
    #[must_use]
    pub fn is_object(self) -> bool {
        matches!(self.doc.node(self.at), Node::Object { .. })
    }

    /// The member count and whether a name is repeated, for an object.
    fn object(self) -> Option<(u32, bool)> {
        match self.doc.node(self.at) {
            Node::Object { len, repeated, .. } => Some((*len, *repeated)),
            _ => None,
        }
    }

    /// The first member whose name `matches`, with its name, from the one at `at` on.
    fn scan(
        self,
        mut at: u32,
        mut left: u32,
        mut matches: impl FnMut(&[u8]) -> bool,
    ) -> Option<(u32, JsonRef<'a>)> {
        let text = self.doc.text.as_bytes();
        while left > 0 {
            left -= 1;
            let value = at + 1;
            if let Node::Str(s, e) = self.doc.node(at)
                && text.get(*s as usize..*e as usize).is_some_and(&mut matches)
            {
                let v = JsonRef {
                    doc: self.doc,
                    at: value,
                };
                return Some((at, v));
            }
            at = self.doc.skip(value);
        }
        None
    }

    /// The member named exactly `name` of an object (the later one when repeated).
    #[must_use]
    pub fn get(self, name: &str) -> Option<JsonRef<'a>> {
        let (len, repeated) = self.object()?;
        let n = name.as_bytes();
        if !repeated {
            return self.scan(self.at + 1, len, |k| k == n).map(|(_, v)| v);
        }
        let mut last = None;
        let mut at = self.at + 1;
        for _ in 0..len {
            if self.doc.key(at) == n {
                last = Some(JsonRef {
                    doc: self.doc,
                    at: at + 1,
                });
            }
            at = self.doc.skip(at + 1);
        }
        last
    }

    /// The member `name` of an object: the exact name first, else the first member whose
    /// name is equal ignoring ASCII case.
    #[must_use]
    pub fn get_ci(self, name: &str) -> Option<JsonRef<'a>> {
        if let Some(v) = self.get(name) {
            return Some(v);
        }
        let (len, repeated) = self.object()?;
        let n = name.as_bytes();
        let (key, found) = self.scan(self.at + 1, len, |k| k.eq_ignore_ascii_case(n))?;
        if !repeated {
            return Some(found);
        }
        // A repeated name reads as its later value.
        let spelled = match self.doc.node(key) {
            Node::Str(s, e) => self.doc.str(*s, *e),
            _ => "",
        };
        self.get(spelled)
    }

    /// The same value as a `serde_json::Value`.
    #[must_use]
    pub fn to_value(self) -> Value {
        match self.item() {
            Item::Null => Value::Null,
            Item::Bool(b) => Value::Bool(b),
            Item::Number(n) => Value::Number(n.clone()),
            Item::String(s) => Value::String(s.to_owned()),
            Item::Array(items) => Value::Array(items.map(Self::to_value).collect()),
            Item::Object(members) => {
                Value::Object(members.map(|(k, v)| (k.to_owned(), v.to_value())).collect())
            }
        }
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = JsonRef<'a>;

    fn next(&mut self) -> Option<JsonRef<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let at = self.next;
        self.next = self.doc.skip(at);
        Some(JsonRef { doc: self.doc, at })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Elements<'_> {}

impl<'a> Iterator for RawMembers<'a> {
    type Item = (&'a str, JsonRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let name = match self.doc.node(self.next) {
            Node::Str(s, e) => self.doc.str(*s, *e),
            _ => "",
        };
        let at = self.next + 1;
        self.next = self.doc.skip(at);
        Some((name, JsonRef { doc: self.doc, at }))
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, JsonRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (k, v) = self.raw.next()?;
            if !self.repeated {
                return Some((k, v));
            }
            let seen = self.first.left - self.raw.left - 1;
            // A name seen before was given with the later value at its first position.
            if self.first.take(seen as usize).any(|(n, _)| n == k) {
                continue;
            }
            let later = self.raw.filter(|(n, _)| *n == k).last();
            return Some(later.map_or((k, v), |(_, v)| (k, v)));
        }
    }
}

impl From<&Value> for Json {
    fn from(v: &Value) -> Self {
        let mut doc = Self::default();
        if doc.push_value(v).is_err() {
            return Self::default();
        }
        doc
    }
}

impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.root().to_value())
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.root().serialize(s)
    }
}

impl Serialize for JsonRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.item() {
            Item::Null => s.serialize_unit(),
            Item::Bool(b) => s.serialize_bool(b),
            Item::Number(n) => n.serialize(s),
            Item::String(x) => s.serialize_str(x),
            Item::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&item)?;
                }
                seq.end()
            }
            Item::Object(members) => {
                let mut map = s.serialize_map(None)?;
                for (k, v) in members {
                    map.serialize_entry(k, &v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut doc = Json {
            text: String::with_capacity(1024),
            nodes: Vec::with_capacity(64),
        };
        Build(&mut doc).deserialize(d)?;
        Ok(doc)
    }
}

/// Appends one value to a document as it is read.
struct Build<'b>(&'b mut Json);

impl<'de> DeserializeSeed<'de> for Build<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.nodes.push(Node::Bool(v));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.nodes.push(Node::Number(v.into()));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.nodes.push(Node::Number(v.into()));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0
            .nodes
            .push(Number::from_f64(v).map_or(Node::Null, Node::Number));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push_str(v).map_err(E::custom)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.nodes.push(Node::Null);
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let doc = self.0;
        let at = doc.nodes.len();
        doc.nodes.push(Node::Null);
        let mut len = 0usize;
        while seq.next_element_seed(Build(doc))?.is_some() {
            len += 1;
        }
        doc.nodes[at] = Node::Array {
            len: offset(len).map_err(de::Error::custom)?,
            end: offset(doc.nodes.len()).map_err(de::Error::custom)?,
        };
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let doc = self.0;
        let at = doc.nodes.len();
        doc.nodes.push(Node::Null);
        let mut len = 0usize;
        while map.next_key_seed(Name(doc))?.is_some() {
            map.next_value_seed(Build(doc))?;
            len += 1;
        }
        doc.nodes[at] = Node::Object {
            len: offset(len).map_err(de::Error::custom)?,
            end: offset(doc.nodes.len()).map_err(de::Error::custom)?,
            repeated: false,
        };
        if len > 1 && doc.repeated(at, len) {
            doc.nodes[at] = Node::Object {
                len: offset(len).map_err(de::Error::custom)?,
                end: offset(doc.nodes.len()).map_err(de::Error::custom)?,
                repeated: true,
            };
        }
        Ok(())
    }
}

/// Appends a member name to a document.
struct Name<'b>(&'b mut Json);

impl<'de> DeserializeSeed<'de> for Name<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Name<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.0.push_str(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The module's reading rules in one example: exact names, then ASCII case ignored.
    #[test]
    fn reads_names_exactly_then_ignoring_case() {
        let doc: Json =
            serde_json::from_str(r#"{"id": "1", "Emails": [{"value": "a@x"}]}"#).unwrap();
        let root = doc.root();
        assert_eq!(root.get("id").and_then(JsonRef::as_str), Some("1"));
        let Some(Item::Array(mut emails)) = root.get_ci("emails").map(JsonRef::item) else {
            panic!("an array");
        };
        let first = emails.next().unwrap();
        assert_eq!(first.get_ci("VALUE").and_then(JsonRef::as_str), Some("a@x"));
    }

    #[test]
    fn reads_and_writes_the_same_document_as_value() {
        let text = r#"{"a":1,"B":[true,null,"x",-2,1.5],"c":{"d":"e"},"a":2,"A":3}"#;
        let j: Json = serde_json::from_str(text).unwrap();
        let v: Value = serde_json::from_str(text).unwrap();
        let root = j.root();
        assert_eq!(root.to_value(), v, "a repeated name keeps the later value");
        assert_eq!(Json::from(&v).root().to_value(), v);
        assert_eq!(serde_json::to_value(&j).unwrap(), v);
        assert_eq!(
            serde_json::to_string(&j).unwrap(),
            serde_json::to_string(&v).unwrap(),
            "members in the order of their first appearance"
        );
        let num = |r: Option<JsonRef<'_>>| r.map(JsonRef::to_value);
        assert_eq!(num(root.get_ci("a")), Some(json!(2)));
        assert_eq!(num(root.get("A")), Some(json!(3)));
        assert_eq!(num(root.get_ci("b")), num(root.get_ci("B")));
        assert_eq!(
            root.get_ci("C")
                .and_then(|c| c.get_ci("D"))
                .and_then(JsonRef::as_str),
            Some("e")
        );
        assert!(root.get_ci("missing").is_none());
        let s = Json::from(&json!("s"));
        assert!(s.root().get_ci("a").is_none());
        assert_eq!(s.root().as_str(), Some("s"));
        let Item::Array(items) = root.get("B").unwrap().item() else {
            panic!("an array");
        };
        assert_eq!(items.len(), 5);
    }

    #[test]
    fn a_large_object_with_a_repeated_name_reads_as_value_does() {
        for repeat in [false, true] {
            let mut text = String::from("{");
            for i in 0..40 {
                text.push_str(&format!("\"k{i}\":{i},"));
            }
            text.push_str(if repeat {
                "\"k7\":\"later\"}"
            } else {
                "\"k40\":40}"
            });
            let j: Json = serde_json::from_str(&text).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(j.root().to_value(), v);
            assert_eq!(
                serde_json::to_string(&j).unwrap(),
                serde_json::to_string(&v).unwrap()
            );
        }
    }

    #[test]
    fn a_folded_name_reads_the_later_value_of_its_spelling() {
        let j: Json = serde_json::from_str(r#"{"Id":"1","x":{},"Id":"2"}"#).unwrap();
        assert_eq!(j.root().get_ci("id").and_then(JsonRef::as_str), Some("2"));
        assert!(j.root().get("x").is_some_and(JsonRef::is_object));
    }
}

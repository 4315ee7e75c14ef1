//! The PATCH request message (RFC 7644 §3.5.2).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::urn;

/// The kind of a PATCH operation (RFC 7644 §3.5.2: `"add"`, `"remove"`, `"replace"`).
///
/// Read ASCII case-insensitively, because Entra ID sends `"Add"`, `"Replace"` and `"Remove"`
/// (docs/entra.md#patch-dialects); written in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "lowercase"))]
pub enum PatchOpKind {
    /// `add` (RFC 7644 §3.5.2.1).
    Add,
    /// `remove` (RFC 7644 §3.5.2.2).
    Remove,
    /// `replace` (RFC 7644 §3.5.2.3).
    Replace,
}

impl PatchOpKind {
    /// The canonical (lower-case) name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Replace => "replace",
        }
    }

    /// Parses an op name ASCII case-insensitively.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Add, Self::Remove, Self::Replace]
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for PatchOpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One operation of a PATCH request (RFC 7644 §3.5.2).
///
/// `path` is kept as text here; `scim2_filter::PatchPath` parses it. `op_spelling` records the
/// exact `op` text when it was not the canonical lower-case name (Entra's `"Replace"`), so a
/// strict server can reject it and a client can send Entra's exact wire form. When set, it is
/// what serialization writes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PatchOperation {
    /// The operation.
    pub op: PatchOpKind,
    /// The target path (`attrPath` or `valuePath [subAttr]`); `None` targets the resource.
    pub path: Option<String>,
    /// The value; absent for most removes.
    pub value: Option<Value>,
    /// The `op` text as read (or to be written) when it differs from [`PatchOpKind::as_str`].
    #[cfg_attr(feature = "schemars", schemars(skip))]
    pub op_spelling: Option<String>,
}

impl PatchOperation {
    /// An `add` operation.
    #[must_use]
    pub fn add(path: Option<&str>, value: Value) -> Self {
        Self::new(PatchOpKind::Add, path, Some(value))
    }

    /// A `replace` operation.
    #[must_use]
    pub fn replace(path: Option<&str>, value: Value) -> Self {
        Self::new(PatchOpKind::Replace, path, Some(value))
    }

    /// A `remove` operation without a value.
    #[must_use]
    pub fn remove(path: &str) -> Self {
        Self::new(PatchOpKind::Remove, Some(path), None)
    }

    /// An operation of any kind.
    #[must_use]
    pub fn new(op: PatchOpKind, path: Option<&str>, value: Option<Value>) -> Self {
        Self {
            op,
            path: path.map(str::to_owned),
            value,
            op_spelling: None,
        }
    }

    /// Sets the exact `op` text to write (for example Entra's `"Replace"`).
    #[must_use]
    pub fn with_op_spelling(mut self, spelling: &str) -> Self {
        self.op_spelling = (spelling != self.op.as_str()).then(|| spelling.to_owned());
        self
    }

    /// The `op` text as it was read or will be written.
    #[must_use]
    pub fn op_text(&self) -> &str {
        self.op_spelling.as_deref().unwrap_or(self.op.as_str())
    }
}

impl Serialize for PatchOperation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 1 + usize::from(self.path.is_some()) + usize::from(self.value.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("op", self.op_text())?;
        if let Some(path) = &self.path {
            map.serialize_entry("path", path)?;
        }
        if let Some(value) = &self.value {
            map.serialize_entry("value", value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PatchOperation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OpVisitor;
        impl<'de> Visitor<'de> for OpVisitor {
            type Value = PatchOperation;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a PATCH operation object with \"op\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PatchOperation, A::Error> {
                let mut op: Option<String> = None;
                let mut path: Option<Option<String>> = None;
                let mut value: Option<Value> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key.eq_ignore_ascii_case("op") {
                        if op.is_some() {
                            return Err(de::Error::duplicate_field("op"));
                        }
                        op = Some(map.next_value()?);
                    } else if key.eq_ignore_ascii_case("path") {
                        if path.is_some() {
                            return Err(de::Error::duplicate_field("path"));
                        }
                        path = Some(map.next_value()?);
                    } else if key.eq_ignore_ascii_case("value") {
                        if value.is_some() {
                            return Err(de::Error::duplicate_field("value"));
                        }
                        value = Some(map.next_value()?);
                    } else {
                        // Other members (the reference code's Postman collection sends "name")
                        // carry no meaning in RFC 7644 §3.5.2 and are ignored.
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                let text = op.ok_or_else(|| de::Error::missing_field("op"))?;
                let kind = PatchOpKind::parse(&text).ok_or_else(|| {
                    de::Error::invalid_value(
                        de::Unexpected::Str(&text),
                        &"\"add\", \"remove\" or \"replace\"",
                    )
                })?;
                Ok(PatchOperation::new(kind, path.flatten().as_deref(), value)
                    .with_op_spelling(&text))
            }
        }
        deserializer.deserialize_map(OpVisitor)
    }
}

/// A PATCH request body (RFC 7644 §3.5.2): `schemas` and `Operations`.
///
/// The `Operations` key is read case-insensitively. A missing `schemas` is accepted on read
/// (tolerant) and always written as the PatchOp URN.
///
/// ```
/// use scim2_types::{PatchOp, PatchOpKind};
/// let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
///   "Operations":[{"op":"Replace","path":"active","value":"False"}]}"#;
/// let patch: PatchOp = serde_json::from_str(body).unwrap();
/// assert_eq!(patch.operations[0].op, PatchOpKind::Replace);
/// assert_eq!(patch.operations[0].op_text(), "Replace");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct PatchOp {
    /// The message schemas; normally exactly [`urn::PATCH_OP`].
    pub schemas: Vec<String>,
    /// The operations, applied in order, all or none (RFC 7644 §3.5.2).
    #[cfg_attr(feature = "schemars", schemars(rename = "Operations"))]
    pub operations: Vec<PatchOperation>,
}

impl PatchOp {
    /// A PATCH request with the given operations and the PatchOp schema.
    #[must_use]
    pub fn new(operations: Vec<PatchOperation>) -> Self {
        Self {
            schemas: vec![urn::PATCH_OP.to_owned()],
            operations,
        }
    }
}

impl Serialize for PatchOp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        if self.schemas.is_empty() {
            map.serialize_entry("schemas", &[urn::PATCH_OP])?;
        } else {
            map.serialize_entry("schemas", &self.schemas)?;
        }
        map.serialize_entry("Operations", &self.operations)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for PatchOp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PatchVisitor;
        impl<'de> Visitor<'de> for PatchVisitor {
            type Value = PatchOp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a PatchOp object with \"Operations\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PatchOp, A::Error> {
                let mut schemas: Option<Vec<String>> = None;
                let mut operations: Option<Vec<PatchOperation>> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key.eq_ignore_ascii_case("schemas") {
                        if schemas.is_some() {
                            return Err(de::Error::duplicate_field("schemas"));
                        }
                        schemas = Some(map.next_value()?);
                    } else if key.eq_ignore_ascii_case("Operations") {
                        if operations.is_some() {
                            return Err(de::Error::duplicate_field("Operations"));
                        }
                        operations = Some(map.next_value()?);
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(PatchOp {
                    schemas: schemas.unwrap_or_else(|| vec![urn::PATCH_OP.to_owned()]),
                    operations: operations.ok_or_else(|| de::Error::missing_field("Operations"))?,
                })
            }
        }
        deserializer.deserialize_map(PatchVisitor)
    }
}

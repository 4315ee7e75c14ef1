//! Schema definitions (RFC 7643 §7) and the built-in definitions of User, Group and
//! EnterpriseUser (RFC 7643 §8.7.1), with case-insensitive attribute lookup.
//!
//! ```
//! use scim2_types::schema::{self, Mutability, ResourceSchemas};
//! let user = ResourceSchemas::user();
//! let given = user.attribute("Name.GivenName").unwrap();
//! assert!(!given.case_exact);
//! let manager = user
//!     .attribute("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value")
//!     .unwrap();
//! assert_eq!(manager.name, "value");
//! assert_eq!(user.attribute("id").unwrap().mutability, Mutability::ReadOnly);
//! assert_eq!(schema::user().id, scim2_types::urn::USER);
//! ```

mod definitions;
mod resource_type;
mod service_provider;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

pub use definitions::{common_attributes, enterprise_user, group, user};
pub use resource_type::{ResourceType, SchemaExtension};
pub use service_provider::{
    AuthenticationScheme, BulkConfig, FilterConfig, ServiceProviderConfig, Supported,
};

use crate::urn;

/// The data type of an attribute (RFC 7643 §2.3, §7 `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum AttributeType {
    /// `string` (§2.3.1), the default.
    #[default]
    #[serde(alias = "String")]
    String,
    /// `boolean` (§2.3.2).
    #[serde(alias = "Boolean")]
    Boolean,
    /// `decimal` (§2.3.3).
    #[serde(alias = "Decimal")]
    Decimal,
    /// `integer` (§2.3.4).
    #[serde(alias = "Integer")]
    Integer,
    /// `dateTime` (§2.3.5).
    #[serde(alias = "DateTime", alias = "datetime")]
    DateTime,
    /// `binary` (§2.3.6).
    #[serde(alias = "Binary")]
    Binary,
    /// `reference` (§2.3.7).
    #[serde(alias = "Reference")]
    Reference,
    /// `complex` (§2.3.8).
    #[serde(alias = "Complex")]
    Complex,
}

/// Whether and how an attribute may be modified (RFC 7643 §7 `mutability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Mutability {
    /// `readOnly`: SHALL NOT be modified.
    #[serde(alias = "ReadOnly", alias = "readonly")]
    ReadOnly,
    /// `readWrite`: may be updated and read (the default).
    #[default]
    #[serde(alias = "ReadWrite", alias = "readwrite")]
    ReadWrite,
    /// `immutable`: may be defined at creation or added, never changed.
    #[serde(alias = "Immutable")]
    Immutable,
    /// `writeOnly`: may be updated, never returned.
    #[serde(alias = "WriteOnly", alias = "writeonly")]
    WriteOnly,
}

/// When an attribute is returned (RFC 7643 §7 `returned`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Returned {
    /// `always`, even when excluded.
    #[serde(alias = "Always")]
    Always,
    /// `never`.
    #[serde(alias = "Never")]
    Never,
    /// `default`: returned unless excluded (the default).
    #[default]
    #[serde(alias = "Default")]
    Default,
    /// `request`: returned only when requested with `attributes`.
    #[serde(alias = "Request")]
    Request,
}

/// How the service provider enforces uniqueness (RFC 7643 §7 `uniqueness`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Uniqueness {
    /// `none` (the default).
    #[default]
    #[serde(alias = "None")]
    None,
    /// `server`: unique within the service provider's current resources.
    #[serde(alias = "Server")]
    Server,
    /// `global`: globally unique.
    #[serde(alias = "Global")]
    Global,
}

/// One attribute definition with every characteristic of RFC 7643 §7 (and §2.2 defaults for
/// those a definition leaves out).
///
/// Characteristics missing from the JSON read take their §2.2 default and are recorded in
/// [`SchemaAttribute::omitted`], so writing leaves them out again: a definition read from a
/// server (or from RFC 7643 §8.7, which omits `caseExact` and `uniqueness` in places)
/// round-trips unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaAttribute {
    /// The attribute's name.
    pub name: String,
    /// The data type (`type`).
    pub kind: AttributeType,
    /// Whether the attribute is multi-valued.
    pub multi_valued: bool,
    /// A human-readable description.
    pub description: Option<String>,
    /// Whether the attribute is required.
    pub required: bool,
    /// Suggested canonical values (for example `work`, `home`).
    pub canonical_values: Vec<String>,
    /// Whether string comparison is case-sensitive.
    pub case_exact: bool,
    /// The mutability.
    pub mutability: Mutability,
    /// When the attribute is returned.
    pub returned: Returned,
    /// The uniqueness.
    pub uniqueness: Uniqueness,
    /// For references: the resource types that may be referenced (`User`, `Group`, `external`, `uri`).
    pub reference_types: Vec<String>,
    /// For complex attributes: the sub-attributes.
    pub sub_attributes: Vec<SchemaAttribute>,
    /// Which characteristics the JSON read left out (written out again only if changed from
    /// the default). [`SchemaAttribute::new`] omits only the empty lists.
    pub omitted: Omitted,
}

/// The characteristics of a [`SchemaAttribute`] that were absent from the JSON it was read
/// from (RFC 7643 §2.2 defaults apply to them). A `true` field is left out on write while the
/// characteristic still has its default value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[allow(clippy::struct_excessive_bools)] // one flag per characteristic
pub struct Omitted {
    /// `type` was absent.
    pub kind: bool,
    /// `multiValued` was absent.
    pub multi_valued: bool,
    /// `required` was absent.
    pub required: bool,
    /// `caseExact` was absent.
    pub case_exact: bool,
    /// `mutability` was absent.
    pub mutability: bool,
    /// `returned` was absent.
    pub returned: bool,
    /// `uniqueness` was absent.
    pub uniqueness: bool,
    /// `canonicalValues` was absent (otherwise an empty list is written as `[]`).
    pub canonical_values: bool,
    /// `referenceTypes` was absent (otherwise an empty list is written as `[]`).
    pub reference_types: bool,
    /// `subAttributes` was absent (otherwise an empty list is written as `[]`).
    pub sub_attributes: bool,
}

impl Omitted {
    /// Only the list characteristics omitted: empty `canonicalValues`, `referenceTypes` and
    /// `subAttributes` are left out, every other characteristic is written. What
    /// [`SchemaAttribute::new`] uses.
    #[must_use]
    pub fn empty_lists() -> Self {
        Self {
            canonical_values: true,
            reference_types: true,
            sub_attributes: true,
            ..Self::default()
        }
    }
}

/// The wire form of a [`SchemaAttribute`]: every characteristic optional.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename = "SchemaAttribute"))]
#[serde(rename_all = "camelCase")]
struct AttributeWire<'a> {
    name: Cow<'a, str>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    kind: Option<AttributeType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    multi_valued: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    canonical_values: Option<Cow<'a, [String]>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    case_exact: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mutability: Option<Mutability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    returned: Option<Returned>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uniqueness: Option<Uniqueness>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reference_types: Option<Cow<'a, [String]>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sub_attributes: Option<Cow<'a, [SchemaAttribute]>>,
}

fn keep<T: PartialEq + Default>(value: T, omitted: bool) -> Option<T> {
    (!omitted || value != T::default()).then_some(value)
}

fn keep_list<T: Clone>(value: &[T], omitted: bool) -> Option<Cow<'_, [T]>> {
    (!omitted || !value.is_empty()).then_some(Cow::Borrowed(value))
}

impl Serialize for SchemaAttribute {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = &self.omitted;
        AttributeWire {
            name: Cow::Borrowed(&self.name),
            kind: keep(self.kind, o.kind),
            multi_valued: keep(self.multi_valued, o.multi_valued),
            description: self.description.as_deref().map(Cow::Borrowed),
            required: keep(self.required, o.required),
            canonical_values: keep_list(&self.canonical_values, o.canonical_values),
            case_exact: keep(self.case_exact, o.case_exact),
            mutability: keep(self.mutability, o.mutability),
            returned: keep(self.returned, o.returned),
            uniqueness: keep(self.uniqueness, o.uniqueness),
            reference_types: keep_list(&self.reference_types, o.reference_types),
            sub_attributes: keep_list(&self.sub_attributes, o.sub_attributes),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for SchemaAttribute {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = AttributeWire::deserialize(d)?;
        let omitted = Omitted {
            kind: w.kind.is_none(),
            multi_valued: w.multi_valued.is_none(),
            required: w.required.is_none(),
            case_exact: w.case_exact.is_none(),
            mutability: w.mutability.is_none(),
            returned: w.returned.is_none(),
            uniqueness: w.uniqueness.is_none(),
            canonical_values: w.canonical_values.is_none(),
            reference_types: w.reference_types.is_none(),
            sub_attributes: w.sub_attributes.is_none(),
        };
        Ok(Self {
            name: w.name.into_owned(),
            kind: w.kind.unwrap_or_default(),
            multi_valued: w.multi_valued.unwrap_or_default(),
            description: w.description.map(Cow::into_owned),
            required: w.required.unwrap_or_default(),
            canonical_values: w.canonical_values.map(Cow::into_owned).unwrap_or_default(),
            case_exact: w.case_exact.unwrap_or_default(),
            mutability: w.mutability.unwrap_or_default(),
            returned: w.returned.unwrap_or_default(),
            uniqueness: w.uniqueness.unwrap_or_default(),
            reference_types: w.reference_types.map(Cow::into_owned).unwrap_or_default(),
            sub_attributes: w.sub_attributes.map(Cow::into_owned).unwrap_or_default(),
            omitted,
        })
    }
}

#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl schemars::JsonSchema for SchemaAttribute {
    fn schema_name() -> Cow<'static, str> {
        "SchemaAttribute".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        AttributeWire::json_schema(generator)
    }
}

impl SchemaAttribute {
    /// A single-valued, optional, case-insensitive, readWrite `string` attribute (RFC 7643 §2.2
    /// defaults); adjust it with the builder methods.
    #[must_use]
    pub fn new(name: &str, kind: AttributeType) -> Self {
        Self {
            name: name.to_owned(),
            kind,
            multi_valued: false,
            description: None,
            required: false,
            canonical_values: Vec::new(),
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Uniqueness::None,
            reference_types: Vec::new(),
            sub_attributes: Vec::new(),
            omitted: Omitted::empty_lists(),
        }
    }

    /// The sub-attribute named `name` (ASCII case-insensitive, RFC 7643 §2.1).
    #[must_use]
    pub fn sub_attribute(&self, name: &str) -> Option<&SchemaAttribute> {
        self.sub_attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// A schema (RFC 7643 §7): an id (URN) and its attribute definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    /// The schema URN.
    pub id: String,
    /// The schema's human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The schema's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The attribute definitions.
    #[serde(default)]
    pub attributes: Vec<SchemaAttribute>,
    /// Other members (`schemas`, `meta`), kept as read.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Schema {
    /// The top-level attribute named `name` (ASCII case-insensitive).
    #[must_use]
    pub fn top_attribute(&self, name: &str) -> Option<&SchemaAttribute> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The attribute at `path` relative to this schema: `name` or `name.sub`
    /// (ASCII case-insensitive).
    #[must_use]
    pub fn attribute(&self, path: &str) -> Option<&SchemaAttribute> {
        let (top, sub) = match path.split_once('.') {
            Some((t, s)) => (t, Some(s)),
            None => (path, None),
        };
        let attr = self.top_attribute(top)?;
        match sub {
            None => Some(attr),
            Some(s) => attr.sub_attribute(s),
        }
    }
}

/// The schemas of one resource type: its core schema, its extensions and the common attributes
/// (`id`, `externalId`, `meta`; RFC 7643 §3.1). Attribute paths resolve against it the way RFC
/// 7644 §3.10 describes: a URN-qualified path against that schema, an unqualified one against
/// the core schema, then the common attributes, then the extensions.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSchemas {
    /// The core schema (for example User).
    pub core: Schema,
    /// The extension schemas (for example EnterpriseUser).
    pub extensions: Vec<Schema>,
}

impl ResourceSchemas {
    /// User with the Enterprise User extension (RFC 7643 §4.1, §4.3).
    #[must_use]
    pub fn user() -> Self {
        Self {
            core: user().clone(),
            extensions: vec![enterprise_user().clone()],
        }
    }

    /// Group (RFC 7643 §4.2).
    #[must_use]
    pub fn group() -> Self {
        Self {
            core: group().clone(),
            extensions: Vec::new(),
        }
    }

    /// The schema with this URN (core or extension), ASCII case-insensitive.
    #[must_use]
    pub fn schema(&self, id: &str) -> Option<&Schema> {
        std::iter::once(&self.core)
            .chain(&self.extensions)
            .find(|s| urn::eq(&s.id, id))
    }

    /// Resolves an attribute path (`userName`, `name.givenName`, `meta.created`,
    /// `urn:…:enterprise:2.0:User:manager.value`) to its definition.
    #[must_use]
    pub fn attribute(&self, path: &str) -> Option<&SchemaAttribute> {
        let ids: Vec<&str> = std::iter::once(self.core.id.as_str())
            .chain(self.extensions.iter().map(|s| s.id.as_str()))
            .collect();
        if let Some((id, rest)) = urn::split_qualified(path, &ids) {
            let schema = self.schema(id)?;
            return schema
                .attribute(rest)
                .or_else(|| common_attribute(rest).filter(|_| urn::eq(id, &self.core.id)));
        }
        self.core
            .attribute(path)
            .or_else(|| common_attribute(path))
            .or_else(|| self.extensions.iter().find_map(|s| s.attribute(path)))
    }

    /// Whether `name` is the URN of one of the extension schemas (an extension container key).
    #[must_use]
    pub fn is_extension(&self, name: &str) -> bool {
        self.extensions.iter().any(|s| urn::eq(&s.id, name))
    }
}

fn common_attribute(path: &str) -> Option<&'static SchemaAttribute> {
    let (top, sub) = match path.split_once('.') {
        Some((t, s)) => (t, Some(s)),
        None => (path, None),
    };
    let attr = common_attributes()
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(top))?;
    match sub {
        None => Some(attr),
        Some(s) => attr.sub_attribute(s),
    }
}

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

use serde::{Deserialize, Serialize};

pub use definitions::{common_attributes, enterprise_user, group, user};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SchemaAttribute {
    /// The attribute's name.
    pub name: String,
    /// The data type.
    #[serde(rename = "type", default)]
    pub kind: AttributeType,
    /// Whether the attribute is multi-valued.
    #[serde(default)]
    pub multi_valued: bool,
    /// A human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether the attribute is required.
    #[serde(default)]
    pub required: bool,
    /// Suggested canonical values (for example `work`, `home`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub canonical_values: Vec<String>,
    /// Whether string comparison is case-sensitive.
    #[serde(default)]
    pub case_exact: bool,
    /// The mutability.
    #[serde(default)]
    pub mutability: Mutability,
    /// When the attribute is returned.
    #[serde(default)]
    pub returned: Returned,
    /// The uniqueness.
    #[serde(default)]
    pub uniqueness: Uniqueness,
    /// For references: the resource types that may be referenced (`User`, `Group`, `external`, `uri`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_types: Vec<String>,
    /// For complex attributes: the sub-attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_attributes: Vec<SchemaAttribute>,
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

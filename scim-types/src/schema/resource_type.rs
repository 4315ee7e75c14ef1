//! The resource type resource (RFC 7643 §6), served at `/ResourceTypes` (RFC 7644 §4).

use serde_json::{Map, Value};

use crate::attr::complex_type;
use crate::{Meta, urn};

/// A resource type (RFC 7643 §6): its endpoint, core schema and schema extensions.
///
/// ```
/// use scim2_types::ResourceType;
/// let rt = ResourceType::new("User", "/Users", scim2_types::urn::USER)
///     .with_extension(scim2_types::urn::ENTERPRISE_USER, false);
/// let json = serde_json::to_value(&rt).unwrap();
/// assert_eq!(json["endpoint"], "/Users");
/// assert_eq!(json["schemaExtensions"][0]["required"], false);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct ResourceType {
    /// `schemas`: normally [`urn::RESOURCE_TYPE`].
    pub schemas: Option<Vec<String>>,
    /// `id`: the resource type's identifier (normally its name).
    pub id: Option<String>,
    /// `name`: the resource type's name (`User`), used in `meta.resourceType`.
    pub name: Option<String>,
    /// `description`: a human-readable description.
    pub description: Option<String>,
    /// `endpoint`: the endpoint path relative to the base URL (`/Users`).
    pub endpoint: Option<String>,
    /// `schema`: the core schema URN.
    pub schema: Option<String>,
    /// `schemaExtensions`: the schema extensions.
    pub schema_extensions: Option<Vec<SchemaExtension>>,
    /// `meta`: the resource metadata.
    pub meta: Option<Meta>,
    /// Attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(ResourceType, "a ResourceType object" {
    schemas: "schemas",
    id: "id",
    name: "name",
    endpoint: "endpoint",
    description: "description",
    schema: "schema",
    schema_extensions: "schemaExtensions",
    meta: "meta",
});

impl ResourceType {
    /// A resource type named `name` at `endpoint` with core schema `schema`; `id` is the name.
    #[must_use]
    pub fn new(name: &str, endpoint: &str, schema: &str) -> Self {
        Self {
            schemas: Some(vec![urn::RESOURCE_TYPE.to_owned()]),
            id: Some(name.to_owned()),
            name: Some(name.to_owned()),
            endpoint: Some(endpoint.to_owned()),
            schema: Some(schema.to_owned()),
            ..Self::default()
        }
    }

    /// Adds a schema extension.
    #[must_use]
    pub fn with_extension(mut self, schema: &str, required: bool) -> Self {
        self.schema_extensions
            .get_or_insert_with(Vec::new)
            .push(SchemaExtension {
                schema: Some(schema.to_owned()),
                required: Some(required),
                extra: Map::new(),
            });
        self
    }
}

/// An element of `schemaExtensions` (RFC 7643 §6).
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct SchemaExtension {
    /// `schema`: the extension schema URN.
    pub schema: Option<String>,
    /// `required`: whether resources of this type must include the extension.
    pub required: Option<bool>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(SchemaExtension, "a schema extension object" {
    schema: "schema",
    required: "required",
});

crate::read::read_methods!(ResourceType);

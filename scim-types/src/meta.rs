//! Resource metadata, the `meta` common attribute (RFC 7643 §3.1).

use serde_json::{Map, Value};

use crate::attr::complex_type;

/// The `meta` attribute of a resource (RFC 7643 §3.1): resource type, timestamps, location and
/// version. Timestamps are kept as the exact text read (`xsd:dateTime`, RFC 7643 §2.3.5), so a
/// resource round-trips byte for byte.
///
/// ```
/// use scim2_types::Meta;
/// let meta: Meta = serde_json::from_str(
///     r#"{"resourceType":"User","Created":"2010-01-23T04:56:22Z","version":"W/\"3694e05e9dff590\""}"#,
/// ).unwrap();
/// assert_eq!(meta.created.as_deref(), Some("2010-01-23T04:56:22Z"));
/// assert_eq!(meta.version.as_deref(), Some("W/\"3694e05e9dff590\""));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct Meta {
    /// `resourceType`: the name of the resource type (`User`, `Group`).
    pub resource_type: Option<String>,
    /// `created`: when the resource was added to the service provider.
    pub created: Option<String>,
    /// `lastModified`: when the resource was last updated.
    pub last_modified: Option<String>,
    /// `location`: the URI of the resource.
    pub location: Option<String>,
    /// `version`: the ETag of the resource (RFC 7644 §3.14).
    pub version: Option<String>,
    /// Members this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(Meta, "a meta object" {
    resource_type: "resourceType",
    created: "created",
    last_modified: "lastModified",
    location: "location",
    version: "version",
});

impl Meta {
    /// Metadata with only `resourceType` set.
    #[must_use]
    pub fn new(resource_type: &str) -> Self {
        Self {
            resource_type: Some(resource_type.to_owned()),
            ..Self::default()
        }
    }
}

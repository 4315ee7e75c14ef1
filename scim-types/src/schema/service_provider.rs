//! The service provider configuration resource (RFC 7643 §5), served at
//! `/ServiceProviderConfig` (RFC 7644 §4).

use serde_json::{Map, Value};

use crate::attr::complex_type;
use crate::{Meta, urn};

/// A service provider's configuration (RFC 7643 §5): which optional protocol features it
/// supports.
///
/// Every attribute is optional on read (servers in the field leave some out) and kept as read;
/// unknown attributes are kept in `extra`.
///
/// ```
/// use scim2_types::ServiceProviderConfig;
/// let spc: ServiceProviderConfig = serde_json::from_str(
///     r#"{"patch":{"supported":"True"},"filter":{"supported":true,"maxResults":200}}"#,
/// ).unwrap();
/// assert!(spc.patch_supported());
/// assert_eq!(spc.filter.unwrap().max_results, Some(200));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct ServiceProviderConfig {
    /// `schemas`: normally [`urn::SERVICE_PROVIDER_CONFIG`].
    pub schemas: Option<Vec<String>>,
    /// `documentationUri`: the service provider's help documentation.
    pub documentation_uri: Option<String>,
    /// `patch`: PATCH support (RFC 7644 §3.5.2).
    pub patch: Option<Supported>,
    /// `bulk`: bulk support (RFC 7644 §3.7).
    pub bulk: Option<BulkConfig>,
    /// `filter`: filter support (RFC 7644 §3.4.2.2).
    pub filter: Option<FilterConfig>,
    /// `changePassword`: password change support.
    pub change_password: Option<Supported>,
    /// `sort`: sorting support (RFC 7644 §3.4.2.3).
    pub sort: Option<Supported>,
    /// `etag`: ETag support (RFC 7644 §3.14).
    pub etag: Option<Supported>,
    /// `authenticationSchemes`: the supported authentication schemes.
    pub authentication_schemes: Option<Vec<AuthenticationScheme>>,
    /// `meta`: the resource metadata.
    pub meta: Option<Meta>,
    /// Attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(ServiceProviderConfig, "a ServiceProviderConfig object" {
    schemas: "schemas",
    documentation_uri: "documentationUri",
    patch: "patch",
    bulk: "bulk",
    filter: "filter",
    change_password: "changePassword",
    sort: "sort",
    etag: "etag",
    authentication_schemes: "authenticationSchemes",
    meta: "meta",
});

impl ServiceProviderConfig {
    /// A configuration with the schema URN and every feature marked unsupported.
    #[must_use]
    pub fn new() -> Self {
        Self {
            schemas: Some(vec![urn::SERVICE_PROVIDER_CONFIG.to_owned()]),
            patch: Some(Supported::new(false)),
            bulk: Some(BulkConfig {
                supported: Some(false),
                max_operations: Some(0),
                max_payload_size: Some(0),
                extra: Map::new(),
            }),
            filter: Some(FilterConfig {
                supported: Some(false),
                max_results: Some(0),
                extra: Map::new(),
            }),
            change_password: Some(Supported::new(false)),
            sort: Some(Supported::new(false)),
            etag: Some(Supported::new(false)),
            authentication_schemes: Some(Vec::new()),
            ..Self::default()
        }
    }

    /// Whether `patch.supported` is `true`.
    #[must_use]
    pub fn patch_supported(&self) -> bool {
        self.patch.as_ref().is_some_and(Supported::is_supported)
    }
}

/// A `{"supported": bool}` feature flag (RFC 7643 §5: `patch`, `changePassword`, `sort`, `etag`).
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Supported {
    /// `supported`: whether the feature is supported.
    pub supported: Option<bool>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(Supported, "a {\"supported\": boolean} object" {
    supported: "supported",
});

impl Supported {
    /// The flag with this value.
    #[must_use]
    pub fn new(supported: bool) -> Self {
        Self {
            supported: Some(supported),
            extra: Map::new(),
        }
    }

    /// Whether `supported` is `true`.
    #[must_use]
    pub fn is_supported(&self) -> bool {
        self.supported == Some(true)
    }
}

/// The `bulk` configuration (RFC 7643 §5).
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct BulkConfig {
    /// `supported`: whether `/Bulk` is supported.
    pub supported: Option<bool>,
    /// `maxOperations`: the maximum number of operations in one request.
    pub max_operations: Option<u64>,
    /// `maxPayloadSize`: the maximum request size in bytes.
    pub max_payload_size: Option<u64>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(BulkConfig, "a bulk configuration object" {
    supported: "supported",
    max_operations: "maxOperations",
    max_payload_size: "maxPayloadSize",
});

/// The `filter` configuration (RFC 7643 §5).
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct FilterConfig {
    /// `supported`: whether filtering is supported.
    pub supported: Option<bool>,
    /// `maxResults`: the maximum number of resources returned in a response.
    pub max_results: Option<u64>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(FilterConfig, "a filter configuration object" {
    supported: "supported",
    max_results: "maxResults",
});

/// An element of `authenticationSchemes` (RFC 7643 §5).
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct AuthenticationScheme {
    /// `type`: `oauth`, `oauth2`, `oauthbearertoken`, `httpbasic` or `httpdigest`.
    #[cfg_attr(feature = "schemars", schemars(rename = "type"))]
    pub kind: Option<String>,
    /// `name`: the scheme's common name ("HTTP Basic").
    pub name: Option<String>,
    /// `description`: a description of the scheme.
    pub description: Option<String>,
    /// `specUri`: the scheme's specification.
    pub spec_uri: Option<String>,
    /// `documentationUri`: the scheme's usage documentation.
    pub documentation_uri: Option<String>,
    /// `primary`: whether this is the preferred scheme.
    pub primary: Option<bool>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(AuthenticationScheme, "an authentication scheme object" {
    kind: "type",
    name: "name",
    description: "description",
    spec_uri: "specUri",
    documentation_uri: "documentationUri",
    primary: "primary",
});

crate::read::read_methods!(ServiceProviderConfig);

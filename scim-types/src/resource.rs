//! The [`Resource`] trait: what a typed SCIM resource declares about itself (RFC 7643 §3).

use serde::{Serialize, de::DeserializeOwned};

/// A SCIM resource type that has its own endpoint (RFC 7644 §3.2), such as `User` at `/Users`.
///
/// The client and the conformance runner are generic over this trait, so a custom resource
/// type only needs to implement it to get typed create/get/replace/patch/delete/list calls.
pub trait Resource: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The endpoint path relative to the SCIM base URL, with a leading slash (`/Users`).
    const ENDPOINT: &'static str;
    /// The core schema URN of the resource type.
    const SCHEMA: &'static str;
    /// The resource type name written in `meta.resourceType` (`User`).
    const RESOURCE_TYPE: &'static str;

    /// The service provider's identifier (`id`), when the resource has one.
    fn id(&self) -> Option<&str>;

    /// The ETag version (`meta.version`, RFC 7644 §3.14), when the resource has one.
    fn version(&self) -> Option<&str> {
        None
    }
}

/// The two resource types of the core schema, User (RFC 7643 §4.1) and Group (RFC 7643 §4.2),
/// as a value: what a store, a route or a journal of created resources is keyed by.
///
/// Serialized as its resource type name (`"User"`, `"Group"`, as in `meta.resourceType`,
/// RFC 7643 §3.1); [`Display`](std::fmt::Display) writes the same name.
///
/// Not `#[non_exhaustive]` on purpose: the set is the core schema's, and code that handles
/// each kind (a table per kind, a route per endpoint) should stop compiling when a kind is
/// added rather than fall into a catch-all arm. Resource types beyond the core schema are
/// described by [`ResourceType`](crate::ResourceType) and the [`Resource`] trait.
///
/// ```
/// use scim2_types::{Group, Resource, ResourceKind, urn};
///
/// let kind = ResourceKind::User;
/// assert_eq!(kind.endpoint(), "/Users"); // RFC 7644 §3.2
/// assert_eq!(kind.resource_type(), "User");
/// assert_eq!(kind.schema(), urn::USER);
/// assert_eq!(kind.to_string(), "User");
/// assert_eq!(ResourceKind::Group.endpoint(), Group::ENDPOINT);
/// assert_eq!(serde_json::to_string(&ResourceKind::Group)?, r#""Group""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ResourceKind {
    /// User (RFC 7643 §4.1), at `/Users`.
    User,
    /// Group (RFC 7643 §4.2), at `/Groups`.
    Group,
}

impl ResourceKind {
    /// Both kinds, users first.
    pub const ALL: [Self; 2] = [Self::User, Self::Group];

    /// The endpoint path relative to the SCIM base URL, with a leading slash: `/Users`,
    /// `/Groups` (RFC 7644 §3.2); the same as [`Resource::ENDPOINT`].
    #[must_use]
    pub fn endpoint(self) -> &'static str {
        match self {
            Self::User => <crate::User as Resource>::ENDPOINT,
            Self::Group => <crate::Group as Resource>::ENDPOINT,
        }
    }

    /// The resource type name written in `meta.resourceType` (RFC 7643 §3.1): `User`, `Group`.
    #[must_use]
    pub fn resource_type(self) -> &'static str {
        match self {
            Self::User => <crate::User as Resource>::RESOURCE_TYPE,
            Self::Group => <crate::Group as Resource>::RESOURCE_TYPE,
        }
    }

    /// The core schema URN ([`urn::USER`](crate::urn::USER), [`urn::GROUP`](crate::urn::GROUP)).
    #[must_use]
    pub fn schema(self) -> &'static str {
        match self {
            Self::User => <crate::User as Resource>::SCHEMA,
            Self::Group => <crate::Group as Resource>::SCHEMA,
        }
    }

    /// The attribute that names a resource of this kind: `userName` (RFC 7643 §4.1.1, unique
    /// across the service provider) and `displayName` (RFC 7643 §4.2, required). Clients such
    /// as Entra ID find existing users and groups by it.
    #[must_use]
    pub fn name_attribute(self) -> &'static str {
        match self {
            Self::User => "userName",
            Self::Group => "displayName",
        }
    }
}

impl std::fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.resource_type())
    }
}

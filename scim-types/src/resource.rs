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

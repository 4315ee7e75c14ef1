//! SCIM 2.0 resources, schemas and protocol messages as serde types.
//!
//! - RFC 7643 (core schema): [`User`] (with the [`EnterpriseUser`] extension), [`Group`],
//!   their multi-valued attribute types, [`Meta`], [`ServiceProviderConfig`],
//!   [`ResourceType`], and the schema definitions of §8.7 ([`schema`]) with their attribute
//!   characteristics.
//! - RFC 7644 (protocol): [`ListResponse`], [`SearchRequest`], [`PatchOp`], [`BulkRequest`],
//!   [`BulkResponse`], [`ScimError`].
//!
//! Reading is tolerant and writing is canonical:
//! - attribute and sub-attribute names and extension URNs match ASCII case-insensitively
//!   (RFC 7643 §2.1);
//! - booleans also read from `"True"`/`"False"` (Entra ID's non-compliant mode);
//! - `manager` reads from an object or a bare string and is written as an object;
//! - unknown attributes and unknown extensions are kept and written back unchanged;
//! - `schemas` keeps every URI read (Entra's legacy group URI included) and gains the core
//!   schema and every extension present; a missing `schemas` is inferred;
//! - [`read`] reports the JSON path of a bad value (`emails[1].primary: invalid type…`).
//!
//! ```
//! use scim2_types::{ListResponse, User, urn};
//!
//! let body = r#"{
//!   "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
//!   "totalResults": 1,
//!   "Resources": [{
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!     "id": "2441309d85324e7793ae",
//!     "userName": "Test_User@contoso.com",
//!     "active": "True",
//!     "emails": [{"value": "test@contoso.com", "type": "work", "primary": true}],
//!     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"},
//!     "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User": {"badge": "7"}
//!   }]
//! }"#;
//! let page: ListResponse<User> = scim2_types::read::from_str(body)?;
//! let user = &page.resources[0];
//! assert_eq!(user.active, Some(true));
//! assert_eq!(user.enterprise.as_ref().unwrap().department.as_deref(), Some("Sales"));
//!
//! // The custom extension survives, and its URN joins `schemas` on write.
//! let json = serde_json::to_value(user)?;
//! assert_eq!(json["urn:ietf:params:scim:schemas:extension:Contoso:2.0:User"]["badge"], "7");
//! assert_eq!(json["schemas"].as_array().unwrap().len(), 3);
//! assert_eq!(json["active"], true);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Features: `schemars` (a JSON Schema for every public type), `proptest` (the `arbitrary` module:
//! strategies for Entra-shaped users and groups).
//!
//! This crate does no I/O.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod address;
mod attr;
pub mod enterprise;
pub mod group;
pub mod message;
pub mod meta;
pub mod multi_valued;
pub mod read;
pub mod resource;
pub mod schema;
pub mod urn;
pub mod user;

#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod arbitrary;
#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
pub mod json_schema;

pub use enterprise::{EnterpriseUser, Manager};
pub use group::{Group, GroupMember};
pub use message::{
    BulkRequest, BulkResponse, ListResponse, PatchOp, PatchOpKind, PatchOperation, ScimError,
    ScimType, SearchRequest, SortOrder,
};
pub use meta::Meta;
pub use multi_valued::{
    Address, Email, Entitlement, Im, PhoneNumber, Photo, Role, UserGroup, X509Certificate,
};
pub use read::ReadError;
pub use resource::{Resource, ResourceKind};
pub use schema::{ResourceType, ServiceProviderConfig};
pub use user::{Name, User};

/// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

//! SCIM 2.0 resources, schemas and protocol messages as serde types.
//!
//! - RFC 7643 (core schema): resources, the schema definitions of §8.7 ([`schema`]) and their
//!   attribute characteristics.
//! - RFC 7644 (protocol): [`ListResponse`], [`SearchRequest`], [`PatchOp`], [`ScimError`].
//!
//! Reading is tolerant (attribute names case-insensitive, Entra ID's `"True"`/`"False"`
//! strings as booleans, unknown attributes kept); writing is canonical.
//!
//! This crate does no I/O.

pub mod message;
pub mod resource;
pub mod schema;
pub mod urn;

pub use message::{
    ListResponse, PatchOp, PatchOpKind, PatchOperation, ScimError, ScimType, SearchRequest,
    SortOrder,
};
pub use resource::Resource;

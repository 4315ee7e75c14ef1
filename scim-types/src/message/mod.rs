//! RFC 7644 protocol messages: list responses, search requests, PATCH, errors.

mod error;
mod list;
mod patch;

pub use error::{ScimError, ScimType};
pub use list::{ListResponse, SearchRequest, SortOrder};
pub use patch::{PatchOp, PatchOpKind, PatchOperation};

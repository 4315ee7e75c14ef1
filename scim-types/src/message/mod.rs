//! RFC 7644 protocol messages: list responses, search requests, PATCH, bulk, errors.

mod bulk;
mod error;
mod list;
mod patch;

pub use bulk::{BulkMethod, BulkOperation, BulkOperationResponse, BulkRequest, BulkResponse};
pub use error::{ScimError, ScimType};
pub use list::{ListResponse, SearchRequest, SortOrder};
pub use patch::{PatchOp, PatchOpKind, PatchOperation};

//! `DELETE /Users/{id}` (RFC 7644 §3.6), with `If-Match` (§3.14). The store removes a deleted
//! user from every group.

use http::StatusCode;
use scim2_types::ScimError;

use crate::error::not_found;
use crate::etag;
use crate::hooks::Hooks;
use crate::request::ScimRequest;
use crate::response::ScimResponse;
use crate::server::ScimServer;
use crate::store::{ResourceKind, Store};

impl<S: Store, H: Hooks> ScimServer<S, H> {
    pub(crate) async fn delete(
        &self,
        kind: ResourceKind,
        id: &str,
        request: &ScimRequest,
    ) -> Result<ScimResponse, ScimError> {
        if request.headers.contains_key(http::header::IF_MATCH) {
            let current = self
                .store
                .get(kind, id)
                .await?
                .ok_or_else(|| not_found(kind.resource_type(), id))?;
            etag::check_if_match(request, &current)?;
        }
        self.store.delete(kind, id).await?;
        Ok(ScimResponse::empty(StatusCode::NO_CONTENT))
    }
}

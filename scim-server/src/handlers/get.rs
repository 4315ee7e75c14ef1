//! `GET /Users/{id}` (RFC 7644 §3.4.1), with `If-None-Match` (§3.14).

use http::{StatusCode, header};
use scim2_types::ScimError;

use super::single;
use crate::error::not_found;
use crate::hooks::Hooks;
use crate::request::ScimRequest;
use crate::response::ScimResponse;
use crate::server::ScimServer;
use crate::store::{ResourceKind, Store};
use crate::{etag, params};

impl<S: Store, H: Hooks> ScimServer<S, H> {
    pub(crate) async fn get(
        &self,
        kind: ResourceKind,
        id: &str,
        request: &ScimRequest,
    ) -> Result<ScimResponse, ScimError> {
        let resource = self
            .store
            .get(kind, id)
            .await?
            .ok_or_else(|| not_found(kind.resource_type(), id))?;
        if let Some(current) = etag::not_modified(request, &resource) {
            return Ok(
                ScimResponse::empty(StatusCode::NOT_MODIFIED).with_header(header::ETAG, current)
            );
        }
        let projection = params::projection(request.query.as_deref());
        Ok(single(
            StatusCode::OK,
            kind,
            resource,
            &request.base_url,
            &projection,
            self.config.schemas(kind),
        ))
    }
}

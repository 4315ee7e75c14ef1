//! `PUT /Users/{id}` (RFC 7644 §3.5.1), with `If-Match` (§3.14): one atomic write.

use http::StatusCode;
use scim2_types::ScimError;
use serde_json::Value;

use super::members::Known;
use super::{next_version, parse_json, required, single};
use crate::hooks::{Hooks, Write, WriteKind};
use crate::request::ScimRequest;
use crate::resource::{ReadRules, normalize};
use crate::response::ScimResponse;
use crate::server::ScimServer;
use crate::store::{ResourceKind, Store};
use crate::{etag, params};

impl<S: Store, H: Hooks> ScimServer<S, H> {
    pub(crate) async fn replace(
        &self,
        kind: ResourceKind,
        id: &str,
        request: &ScimRequest,
    ) -> Result<ScimResponse, ScimError> {
        let schemas = self.config.schemas(kind);
        let json = parse_json(&request.body)?;
        let body = normalize(
            json.clone(),
            schemas,
            ReadRules::from_policy(self.config.policy()),
        )?;
        required(kind, &body)?;
        let known = match kind {
            ResourceKind::Group => {
                let candidates = body.get("members").cloned().unwrap_or(Value::Null);
                Known::look_up(&*self.store, &candidates).await?
            }
            ResourceKind::User => Known::default(),
        };
        let stored = self
            .store
            .modify(kind, id, |current| {
                etag::check_if_match(request, current)?;
                let write = Write {
                    kind,
                    write: WriteKind::Replace,
                    previous: Some(current),
                    body: &json,
                };
                next_version(&*self.hooks, &known, id, body.clone(), &write, current)
            })
            .await?;
        let projection = params::projection(request.query.as_deref());
        Ok(single(
            StatusCode::OK,
            kind,
            stored,
            &request.base_url,
            &projection,
            schemas,
        ))
    }
}

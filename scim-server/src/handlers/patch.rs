//! `PATCH /Users/{id}` (RFC 7644 §3.5.2), with `If-Match` (§3.14): the operations are applied
//! by `scim2_filter::patch::apply` under the server's [`Policy`](scim2_filter::policy::Policy),
//! all or nothing, inside one atomic write.

use http::{StatusCode, header};
use scim2_types::{PatchOp, ScimError};
use serde::Deserialize as _;
use serde_json::Value;

use super::members::Known;
use super::{next_version, parse_json, required, single};
use crate::error::invalid_syntax;
use crate::hooks::{Hooks, PatchContext, Write, WriteKind};
use crate::request::ScimRequest;
use crate::resource::{ReadRules, normalize};
use crate::response::ScimResponse;
use crate::server::ScimServer;
use crate::store::{ResourceKind, Store};
use crate::{etag, params};

impl<S: Store, H: Hooks> ScimServer<S, H> {
    pub(crate) async fn patch(
        &self,
        kind: ResourceKind,
        id: &str,
        request: &ScimRequest,
    ) -> Result<ScimResponse, ScimError> {
        let schemas = self.config.schemas(kind);
        let policy = *self.config.policy();
        let rules = ReadRules::from_policy(&policy);
        let json = parse_json(&request.body)?;
        let op = PatchOp::deserialize(&json)
            .map_err(|e| invalid_syntax(format!("not a PatchOp: {e}")))?;
        let known = match kind {
            ResourceKind::Group => {
                let values: Vec<Value> = op
                    .operations
                    .iter()
                    .filter_map(|o| o.value.clone())
                    .collect();
                Known::look_up(&*self.store, &Value::Array(values)).await?
            }
            ResourceKind::User => Known::default(),
        };
        let stored = self
            .store
            .modify(kind, id, |current| {
                etag::check_if_match(request, current)?;
                let mut patched = current.clone();
                let context = PatchContext {
                    kind,
                    id,
                    op: &op,
                    schemas,
                    policy: &policy,
                };
                self.hooks.apply_patch(&context, &mut patched)?;
                let body = normalize(patched, schemas, rules)?;
                required(kind, &body)?;
                let write = Write {
                    kind,
                    write: WriteKind::Patch,
                    previous: Some(current),
                    body: &json,
                };
                next_version(&*self.hooks, &known, id, body, &write, current)
            })
            .await?;
        let projection = params::projection(request.query.as_deref());
        // Users: 200 with the resource; groups: 204 (docs/entra.md#patch-dialects,
        // docs/entra.md#group-members-add), unless the request asks for attributes.
        if kind == ResourceKind::Group && !projection.is_requested() {
            let response = ScimResponse::empty(StatusCode::NO_CONTENT);
            return Ok(match crate::resource::version_of(&stored) {
                Some(v) => response.with_header(header::ETAG, v),
                None => response,
            });
        }
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

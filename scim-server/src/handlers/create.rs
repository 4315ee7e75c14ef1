//! `POST /Users`, `POST /Groups` (RFC 7644 §3.3).

use http::{StatusCode, header};
use scim2_types::ScimError;
use serde_json::Value;

use super::members::Known;
use super::{location, parse_json, required, single};
use crate::hooks::{Hooks, Write, WriteKind};
use crate::params;
use crate::request::ScimRequest;
use crate::resource::{ReadRules, normalize, with_server_fields};
use crate::response::ScimResponse;
use crate::server::ScimServer;
use crate::store::{ResourceKind, Store, meta};

impl<S: Store, H: Hooks> ScimServer<S, H> {
    pub(crate) async fn create(
        &self,
        kind: ResourceKind,
        request: &ScimRequest,
    ) -> Result<ScimResponse, ScimError> {
        let schemas = self.config.schemas(kind);
        let json = parse_json(&request.body)?;
        let mut body = normalize(
            json.clone(),
            schemas,
            ReadRules::from_policy(self.config.policy()),
        )?;
        required(kind, &body)?;
        if kind == ResourceKind::Group {
            let candidates = body.get("members").cloned().unwrap_or(Value::Null);
            Known::look_up(&*self.store, &candidates)
                .await?
                .check(&mut body, None)?;
        }
        let id = uuid::Uuid::new_v4().to_string();
        let now = meta::now();
        let mut resource = with_server_fields(body, kind, &id, &now, &now, 1);
        let write = Write {
            kind,
            write: WriteKind::Create,
            previous: None,
            body: &json,
        };
        self.hooks.before_store(&write, &mut resource)?;
        let stored = self.store.create(kind, resource).await?;
        let base = &request.base_url;
        let projection = params::projection(request.query.as_deref());
        Ok(single(
            StatusCode::CREATED,
            kind,
            stored,
            base,
            &projection,
            schemas,
        )
        .with_header(header::LOCATION, &location(base, kind, &id)))
    }
}

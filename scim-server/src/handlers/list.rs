//! `GET /Users?…` (RFC 7644 §3.4.2) and `POST /.search` (§3.4.3): filter, sort, page, project.

use http::StatusCode;
use scim2_filter::{AttrPath, Filter, eval};
use scim2_types::{ListResponse, ScimError, ScimType, SearchRequest};
use serde_json::Value;

use super::{parse_json, render};
use crate::error::{bad_request, invalid_syntax};
use crate::hooks::Hooks;
use crate::params::{self, ListParams};
use crate::request::ScimRequest;
use crate::response::ScimResponse;
use crate::server::ScimServer;
use crate::store::{Query, ResourceKind, Sort, Store, scan};

/// Parses and validates a filter against the kind's schemas (RFC 7644 §3.4.2.2).
fn parse_filter(
    text: &str,
    schemas: &scim2_types::schema::ResourceSchemas,
) -> Result<Filter, ScimError> {
    let filter = Filter::parse(text)
        .map_err(|e| bad_request(ScimType::InvalidFilter, format!("invalid filter: {e}")))?;
    eval::validate(&filter, schemas).map_err(|e| bad_request(e.scim_type(), e.to_string()))?;
    Ok(filter)
}

impl<S: Store, H: Hooks> ScimServer<S, H> {
    pub(crate) async fn list(
        &self,
        kind: ResourceKind,
        request: &ScimRequest,
    ) -> Result<ScimResponse, ScimError> {
        let params = params::from_query(request.query.as_deref())?;
        self.run_query(&[kind], &params, request).await
    }

    pub(crate) async fn search(
        &self,
        kind: Option<ResourceKind>,
        request: &ScimRequest,
    ) -> Result<ScimResponse, ScimError> {
        let json = parse_json(&request.body)?;
        let search: SearchRequest = serde_json::from_value(json)
            .map_err(|e| invalid_syntax(format!("not a SearchRequest: {e}")))?;
        let params = params::from_search(search);
        match kind {
            Some(kind) => self.run_query(&[kind], &params, request).await,
            None => self.run_query(&ResourceKind::ALL, &params, request).await,
        }
    }

    async fn run_query(
        &self,
        kinds: &[ResourceKind],
        params: &ListParams,
        request: &ScimRequest,
    ) -> Result<ScimResponse, ScimError> {
        let mut filters = Vec::with_capacity(kinds.len());
        for kind in kinds {
            filters.push(match &params.filter {
                Some(text) => Some(parse_filter(text, self.config.schemas(*kind))?),
                None => None,
            });
        }
        let sort = match &params.sort_by {
            Some(text) => Some(Sort {
                by: AttrPath::parse(text).map_err(|e| {
                    bad_request(ScimType::InvalidValue, format!("invalid sortBy: {e}"))
                })?,
                descending: params.descending,
            }),
            None => None,
        };
        let (start, count) = params::page(
            params.start_index,
            params.count,
            self.config.default_page_size(),
            self.config.max_page_size(),
        );
        let (total, page) = match (kinds, filters.as_slice()) {
            ([kind], [filter]) => {
                let schemas = self.config.schemas(*kind);
                let omitted = params.projection.omitted(schemas);
                let query = Query {
                    schemas,
                    filter: filter.as_ref(),
                    sort: sort.as_ref(),
                    start_index: start,
                    count,
                    omit: omitted.as_deref(),
                };
                let page = self.store.query(*kind, &query).await?;
                let resources = page.resources.into_iter().map(|r| (*kind, r)).collect();
                (page.total_results, resources)
            }
            _ => {
                self.query_all(kinds, &filters, sort.as_ref(), start, count)
                    .await?
            }
        };
        let base = &request.base_url;
        let rendered: Vec<Value> = page
            .into_iter()
            .map(|(kind, r)| render(kind, r, base, &params.projection, self.config.schemas(kind)))
            .collect();
        // `ListResponse` always writes `Resources`, also when empty
        // (docs/entra.md#test-connection).
        let list = ListResponse::new(rendered, total as u64, start as u64);
        Ok(ScimResponse::list(StatusCode::OK, &list))
    }

    /// A query over several kinds (`POST /.search` at the root): each kind's matches up to the
    /// end of the page, merged (users first, or by `sort`), then paged.
    async fn query_all(
        &self,
        kinds: &[ResourceKind],
        filters: &[Option<Filter>],
        sort: Option<&Sort>,
        start: usize,
        count: usize,
    ) -> Result<(usize, Vec<(ResourceKind, Value)>), ScimError> {
        let end = start.saturating_sub(1).saturating_add(count);
        let mut total = 0usize;
        let mut all = Vec::new();
        for (kind, filter) in kinds.iter().zip(filters) {
            let query = Query {
                schemas: self.config.schemas(*kind),
                filter: filter.as_ref(),
                sort,
                start_index: 1,
                count: end,
                omit: None,
            };
            let page = self.store.query(*kind, &query).await?;
            total = total.saturating_add(page.total_results);
            all.extend(page.resources.into_iter().map(|r| (*kind, r)));
        }
        if let (Some(sort), Some(first)) = (sort, kinds.first()) {
            let schemas = self.config.schemas(*first);
            all.sort_by(|a, b| scan::compare(&a.1, &b.1, sort, schemas));
        }
        let page = all.into_iter().skip(start - 1).take(count).collect();
        Ok((total, page))
    }
}

//! The one HTTP handler of the SCIM API: a request becomes a `scim2_server` request, the
//! faults that live on the wire change it on its way in and the answer on its way out, and
//! `scim2_server` answers it.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use scim2_filter::{CompValue, CompareOp, Filter, eval};
use scim2_server::store::{ResourceKind, Store};
use scim2_server::{ReadRules, ScimRequest, ScimResponse, normalize};
use scim2_types::{ScimType, SearchRequest};
use serde_json::Value;

use super::app::Reference;
use super::error::ApiError;
use super::{BASE_PATH, Fault};

/// How long a create stalls under [`Fault::StoredThenTimeout`].
pub(crate) const STALL: std::time::Duration = std::time::Duration::from_secs(2);

/// The largest request body (413 beyond).
const MAX_BODY: usize = 2 * 1024 * 1024;

/// The largest page (`filter.maxResults`); what `ignore-count` asks for.
const MAX_PAGE: usize = 1000;

/// The default page size.
const DEFAULT_PAGE: usize = 100;

/// `http://host:port/scim/v2` as the client addressed the endpoint (from `Host`).
fn base(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match host {
        Some(host) => format!("http://{host}{BASE_PATH}"),
        None => BASE_PATH.to_owned(),
    }
}

/// What a request path names, for the faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// `/Users`, `/Groups`.
    Collection(ResourceKind),
    /// `/Users/{id}`.
    Resource(ResourceKind),
    /// `/.search` (both kinds) or `/Users/.search`.
    Search(Option<ResourceKind>),
    /// Discovery.
    Other,
}

fn target(path: &str) -> Target {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let kind = |s: &str| match s {
        "Users" => Some(ResourceKind::User),
        "Groups" => Some(ResourceKind::Group),
        _ => None,
    };
    match parts.as_slice() {
        [".search"] => Target::Search(None),
        [k] => kind(k).map_or(Target::Other, Target::Collection),
        [k, ".search"] => kind(k).map_or(Target::Other, |k| Target::Search(Some(k))),
        [k, _] => kind(k).map_or(Target::Other, Target::Resource),
        _ => Target::Other,
    }
}

impl Target {
    fn kinds(self) -> Vec<ResourceKind> {
        match self {
            Self::Collection(k) | Self::Resource(k) | Self::Search(Some(k)) => vec![k],
            Self::Search(None) => ResourceKind::ALL.to_vec(),
            Self::Other => Vec::new(),
        }
    }

    fn returns_resources(self) -> bool {
        !matches!(self, Self::Other)
    }
}

/// The query parameters of a list or search, as the faults see them.
#[derive(Debug, Default)]
struct Params {
    filter: Option<String>,
    sort_by: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<String>,
    excluded: Option<String>,
}

/// Query-string pairs, decoded.
fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

fn encode(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Whether a quoted string of the filter text holds a space (the `space-in-value-rejected`
/// fault looks at the text, as the parser it mimics does).
fn space_in_quoted_value(text: &str) -> bool {
    let (mut quoted, mut escaped) = (false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ' ' if quoted => return true,
            _ => {}
        }
    }
    false
}

/// Whether the filter is only `attr eq value` comparisons joined with `and`.
fn eq_only(filter: &Filter) -> bool {
    let mut stack = vec![filter];
    while let Some(f) = stack.pop() {
        match f {
            Filter::Compare(_, CompareOp::Eq, _) => {}
            Filter::And(a, b) => {
                stack.push(a);
                stack.push(b);
            }
            _ => return false,
        }
    }
    true
}

/// The filter with every string `eq` turned into `sw` (outside value paths).
fn eq_as_prefix(f: Filter) -> Filter {
    match f {
        Filter::Compare(p, CompareOp::Eq, v @ CompValue::String(_)) => {
            Filter::Compare(p, CompareOp::Sw, v)
        }
        Filter::Not(inner) => Filter::Not(Box::new(eq_as_prefix(*inner))),
        Filter::And(a, b) => Filter::And(Box::new(eq_as_prefix(*a)), Box::new(eq_as_prefix(*b))),
        Filter::Or(a, b) => Filter::Or(Box::new(eq_as_prefix(*a)), Box::new(eq_as_prefix(*b))),
        other => other,
    }
}

/// Whether the filter names the attribute `name` anywhere (ASCII case-insensitive).
fn mentions(filter: &Filter, name: &str) -> bool {
    let mut stack = vec![filter];
    while let Some(f) = stack.pop() {
        match f {
            Filter::Present(p) | Filter::Compare(p, _, _) => {
                if p.name.eq_ignore_ascii_case(name) {
                    return true;
                }
            }
            Filter::ValuePath(vp) => {
                if vp.attr.name.eq_ignore_ascii_case(name) {
                    return true;
                }
                stack.push(&vp.filter);
            }
            Filter::Not(inner) => stack.push(inner),
            Filter::And(a, b) | Filter::Or(a, b) => {
                stack.push(a);
                stack.push(b);
            }
        }
    }
    false
}

impl Reference {
    /// The filter faults: refuse (`Err`), or the filter text to use (`None`: no filter).
    fn filter_faults(
        &self,
        kinds: &[ResourceKind],
        text: &str,
    ) -> Result<Option<String>, ApiError> {
        if self.has(Fault::EscapedQuoteRejected) && text.contains("\\\"") {
            return Err(ApiError::bad_request(
                ScimType::InvalidFilter,
                "invalid filter: unexpected text after the closing quote",
            ));
        }
        if self.has(Fault::SpaceInValueRejected) && space_in_quoted_value(text) {
            return Err(ApiError::bad_request(
                ScimType::InvalidFilter,
                "invalid filter: incorrectly formatted attribute expression",
            ));
        }
        let mut parsed = None;
        for kind in kinds {
            let checked = Filter::parse(text).ok().and_then(|f| {
                eval::validate(&f, self.server().config().schemas(*kind))
                    .ok()
                    .map(|()| f)
            });
            match checked {
                Some(f) => parsed = Some(f),
                None if self.has(Fault::InvalidFilter500) => {
                    return Err(ApiError::internal(
                        "unexpected error while reading the filter",
                    ));
                }
                // The server answers the invalid filter.
                None => return Ok(Some(text.to_owned())),
            }
        }
        let Some(filter) = parsed else {
            return Ok(Some(text.to_owned()));
        };
        if self.has(Fault::EqFiltersOnly) && !eq_only(&filter) {
            return Err(ApiError::bad_request(
                ScimType::InvalidFilter,
                "only `attribute eq \"value\"` comparisons joined with `and` are supported",
            ));
        }
        let filter = if self.has(Fault::EqMatchesPrefix) {
            eq_as_prefix(filter)
        } else {
            filter
        };
        if self.has(Fault::ExternalidFilterIgnored) && mentions(&filter, "externalId") {
            return Ok(None);
        }
        if self.has(Fault::EqMatchesPrefix) {
            return Ok(Some(filter.to_string()));
        }
        Ok(Some(text.to_owned()))
    }

    /// The faults on the parameters of a list or search, and the `transient-503` and
    /// `pagination-outage` faults for a page after the first.
    fn params_faults(&self, kinds: &[ResourceKind], params: &mut Params) -> Result<(), ApiError> {
        if let Some(text) = params.filter.take() {
            params.filter = self.filter_faults(kinds, &text)?;
        }
        if self.has(Fault::SortIgnored) {
            params.sort_by = None;
        }
        let start = usize::try_from(params.start_index.unwrap_or(1).max(1)).unwrap_or(usize::MAX);
        let count = params
            .count
            .map_or(DEFAULT_PAGE, |c| {
                usize::try_from(c.max(0)).unwrap_or(usize::MAX)
            })
            .min(MAX_PAGE);
        if start > 1 {
            self.unavailable(kinds, params, start, count)?;
        }
        if self.has(Fault::IgnoreStartIndex) {
            params.start_index = None;
        }
        if self.has(Fault::IgnoreCount) {
            params.count = Some(MAX_PAGE as i64);
        }
        Ok(())
    }

    /// The `transient-503` and `pagination-outage` faults.
    fn unavailable(
        &self,
        kinds: &[ResourceKind],
        params: &Params,
        start: usize,
        count: usize,
    ) -> Result<(), ApiError> {
        let refuse = || {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                "the service is busy; retry later",
            )
        };
        if self.has(Fault::PaginationOutage) {
            return Err(refuse());
        }
        if self.has(Fault::Transient503) {
            let key = format!(
                "{kinds:?} {start} {count} {:?} {:?}",
                params.filter, params.sort_by
            );
            let mut attempts = self
                .inner
                .attempts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let n = attempts.entry(key).or_insert(0);
            *n += 1;
            if *n <= 2 {
                return Err(refuse());
            }
        }
        Ok(())
    }

    /// The projection faults.
    fn projection_faults(&self, kinds: &[ResourceKind], params: &mut Params) {
        if self.has(Fault::AttributesIgnored) {
            params.attributes = None;
        }
        if kinds == [ResourceKind::Group] && self.has(Fault::MembersNotExcluded) {
            params.excluded = params.excluded.take().map(|e| {
                e.split(',')
                    .filter(|p| !p.trim().eq_ignore_ascii_case("members"))
                    .collect::<Vec<_>>()
                    .join(",")
            });
        }
    }

    /// Rewrites the query string of `request` (list parameters when `list`, projection always).
    fn rewrite_query(
        &self,
        request: &mut ScimRequest,
        kinds: &[ResourceKind],
        list: bool,
    ) -> Result<(), ApiError> {
        let mut all = pairs(request.query.as_deref());
        let get = |name: &str| {
            all.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let int = |name: &str| get(name).and_then(|v| v.trim().parse::<i64>().ok());
        let mut params = Params {
            filter: get("filter"),
            sort_by: get("sortBy"),
            start_index: int("startIndex"),
            count: int("count"),
            attributes: get("attributes"),
            excluded: get("excludedAttributes"),
        };
        let before = format!("{params:?}");
        if list {
            // A malformed startIndex or count is the server's to refuse.
            if get("startIndex").is_some() != params.start_index.is_some()
                || get("count").is_some() != params.count.is_some()
            {
                return Ok(());
            }
            self.params_faults(kinds, &mut params)?;
        }
        self.projection_faults(kinds, &mut params);
        if format!("{params:?}") == before {
            return Ok(());
        }
        let named = [
            ("filter", params.filter),
            ("sortBy", params.sort_by),
            ("startIndex", params.start_index.map(|v| v.to_string())),
            ("count", params.count.map(|v| v.to_string())),
            ("attributes", params.attributes),
            ("excludedAttributes", params.excluded),
        ];
        all.retain(|(k, _)| !named.iter().any(|(n, _)| k.eq_ignore_ascii_case(n)));
        for (name, value) in named {
            if let Some(v) = value {
                all.push((name.to_owned(), v));
            }
        }
        request.query = Some(encode(&all));
        Ok(())
    }

    /// Rewrites the body of a `.search` request.
    fn rewrite_search(
        &self,
        request: &mut ScimRequest,
        kinds: &[ResourceKind],
    ) -> Result<(), ApiError> {
        let Ok(mut search) = serde_json::from_slice::<SearchRequest>(&request.body) else {
            return Ok(());
        };
        let mut params = Params {
            filter: search.filter.take(),
            sort_by: search.sort_by.take(),
            start_index: search
                .start_index
                .map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            count: search.count.map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            attributes: search.attributes.take().map(|a| a.join(",")),
            excluded: search.excluded_attributes.take().map(|a| a.join(",")),
        };
        self.params_faults(kinds, &mut params)?;
        self.projection_faults(kinds, &mut params);
        let split = |s: String| -> Vec<String> {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        search.filter = params.filter;
        search.sort_by = params.sort_by;
        search.start_index = params
            .start_index
            .and_then(|v| u64::try_from(v.max(0)).ok());
        search.count = params.count.and_then(|v| u64::try_from(v.max(0)).ok());
        search.attributes = params.attributes.map(split);
        search.excluded_attributes = params.excluded.map(split);
        if let Ok(bytes) = serde_json::to_vec(&search) {
            request.body = bytes.into();
        }
        Ok(())
    }

    /// `put-merges`: the PUT body is merged over the stored resource.
    async fn merge_put(&self, request: &mut ScimRequest, kind: ResourceKind, id: &str) {
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return;
        };
        let Ok(Some(current)) = self.server().store().get(kind, id).await else {
            return;
        };
        let schemas = self.server().config().schemas(kind);
        let rules = ReadRules::from_policy(self.server().config().policy());
        if let (Ok(mut merged), Ok(body)) = (
            normalize(current, schemas, rules),
            normalize(body, schemas, rules),
        ) {
            merged.extend(body);
            if let Ok(bytes) = serde_json::to_vec(&Value::Object(merged)) {
                request.body = bytes.into();
            }
        }
    }

    /// `delete-fails`: a DELETE that would succeed answers 500.
    async fn delete_fails(
        &self,
        request: &ScimRequest,
        kind: ResourceKind,
        id: &str,
    ) -> Result<(), ApiError> {
        let Ok(Some(current)) = self.server().store().get(kind, id).await else {
            return Ok(());
        };
        if let Some(tags) = request
            .headers
            .get(header::IF_MATCH)
            .and_then(|v| v.to_str().ok())
        {
            let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
            let version = current
                .pointer("/meta/version")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !tags
                .split(',')
                .any(|t| t.trim() == "*" || strip(t) == strip(version))
            {
                return Ok(());
            }
        }
        Err(ApiError::internal("the delete failed"))
    }

    /// The faults before the server sees the request.
    async fn before(&self, request: &mut ScimRequest, target: Target) -> Result<(), ApiError> {
        let method = request.method.clone();
        if matches!(target, Target::Search(_)) && self.has(Fault::SearchNotSupported) {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                None,
                "no such endpoint",
            ));
        }
        if matches!(method, Method::POST | Method::PUT | Method::PATCH)
            && self.has(Fault::MalformedJson500)
            && serde_json::from_slice::<Value>(&request.body).is_err()
        {
            return Err(ApiError::internal(
                "Object reference not set to an instance of an object.",
            ));
        }
        if self.has(Fault::EtagIgnored) {
            request.headers.remove(header::IF_MATCH);
        }
        let kinds = target.kinds();
        let id = request
            .path
            .trim_matches('/')
            .split('/')
            .nth(1)
            .map(str::to_owned);
        match (target, &method, id) {
            (Target::Search(_), _, _) => self.rewrite_search(request, &kinds)?,
            (Target::Collection(_), &Method::GET, _) => {
                self.rewrite_query(request, &kinds, true)?;
            }
            (Target::Resource(kind), &Method::DELETE, Some(id)) if self.has(Fault::DeleteFails) => {
                self.delete_fails(request, kind, &id).await?;
            }
            (Target::Resource(kind), &Method::PUT, Some(id)) if self.has(Fault::PutMerges) => {
                self.merge_put(request, kind, &id).await;
                self.rewrite_query(request, &kinds, false)?;
            }
            (Target::Other, _, _) => {}
            _ => self.rewrite_query(request, &kinds, false)?,
        }
        Ok(())
    }

    /// The faults on the server's answer.
    async fn after(
        &self,
        request: &ScimRequest,
        target: Target,
        mut response: ScimResponse,
    ) -> Response {
        let status = response.status;
        if status == StatusCode::CREATED {
            if self.has(Fault::StoredThenTimeout) {
                // Stored; the answer comes too late for a client with a shorter timeout.
                tokio::time::sleep(STALL).await;
                return self.error_response(&ApiError::new(
                    StatusCode::GATEWAY_TIMEOUT,
                    None,
                    "the store did not answer in time",
                ));
            }
            if self.has(Fault::StoredThen500) {
                return self
                    .error_response(&ApiError::internal("the store did not answer in time"));
            }
        }
        if status.as_u16() >= 400 {
            let body = response.json_body().unwrap_or(Value::Null);
            let scim_type = body
                .get("scimType")
                .and_then(Value::as_str)
                .map(ScimType::parse);
            let detail = body
                .get("detail")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let mut out = self.error_response(&ApiError::new(status, scim_type, detail));
            if let Some(allow) = response.headers.get(header::ALLOW) {
                out.headers_mut().insert(header::ALLOW, allow.clone());
            }
            return out;
        }
        let is_list = matches!(target, Target::Search(_))
            || (matches!(target, Target::Collection(_)) && request.method == Method::GET);
        if let Some(mut body) = response.json_body()
            && target.returns_resources()
        {
            if is_list {
                let total = body
                    .get("totalResults")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                let filtered = filter_given(request, target);
                if total == 0 && filtered && self.has(Fault::NotFoundOnEmptyQuery) {
                    return self.error_response(&ApiError::new(
                        StatusCode::NOT_FOUND,
                        None,
                        "no resource matches the filter",
                    ));
                }
                if self.has(Fault::TotalResultsIsPageSize) {
                    let n = body["Resources"].as_array().map_or(0, Vec::len);
                    body["totalResults"] = n.into();
                }
                if let Some(Value::Array(items)) = body.get_mut("Resources") {
                    for item in items {
                        self.render_faults(item);
                    }
                }
            } else {
                self.render_faults(&mut body);
                if status == StatusCode::CREATED && self.has(Fault::CreatedWithoutId) {
                    if let Value::Object(o) = &mut body {
                        o.remove("id");
                        if let Some(Value::Object(meta)) = o.get_mut("meta") {
                            meta.remove("location");
                        }
                    }
                    response.headers.remove(header::LOCATION);
                }
            }
            if let Ok(bytes) = serde_json::to_vec(&body) {
                response.body = bytes.into();
            }
        }
        if self.has(Fault::MetaMissing) && target.returns_resources() {
            response.headers.remove(header::ETAG);
        }
        let mut out = Response::new(Body::from(response.body));
        *out.status_mut() = response.status;
        *out.headers_mut() = response.headers;
        out
    }

    /// `meta-missing` and `active-as-string` on one rendered resource.
    fn render_faults(&self, resource: &mut Value) {
        let Value::Object(map) = resource else {
            return;
        };
        if self.has(Fault::MetaMissing) {
            map.remove("meta");
        }
        if self.has(Fault::ActiveAsString)
            && let Some(Value::Bool(b)) = map.get("active")
        {
            let text = b.to_string();
            map.insert("active".to_owned(), Value::String(text));
        }
    }
}

/// Whether the list or search request had a filter.
fn filter_given(request: &ScimRequest, target: Target) -> bool {
    match target {
        Target::Search(_) => serde_json::from_slice::<SearchRequest>(&request.body)
            .ok()
            .is_some_and(|s| s.filter.is_some()),
        _ => pairs(request.query.as_deref())
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("filter")),
    }
}

/// Every SCIM request: the faults around `scim2_server`.
pub(crate) async fn api(State(app): State<Reference>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return app.error_response(&ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            "Payload Too Large",
        ));
    };
    let original = parts.uri.query().map(str::to_owned);
    let base_url = base(&parts.headers);
    let mut request = ScimRequest::new(parts.method, parts.uri.path())
        .with_headers(parts.headers)
        .with_body(bytes)
        .with_base_url(base_url);
    request.query = original;
    let target = target(&request.path);
    // The filter's presence decides `not-found-on-empty-query`; faults may drop the filter.
    let probe = request.clone();
    if let Err(e) = app.before(&mut request, target).await {
        return app.error_response(&e);
    }
    let response = app.server().handle(request).await;
    app.after(&probe, target, response).await
}

/// Anything else: 404 with a SCIM Error body.
pub(crate) async fn not_found(State(app): State<Reference>, uri: axum::http::Uri) -> Response {
    app.error_response(&ApiError::new(
        StatusCode::NOT_FOUND,
        None,
        format!("no SCIM endpoint at {}", uri.path()),
    ))
}

//! The HTTP handlers: one per SCIM operation (RFC 7644 §3.3–§3.6, §4).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scim2_types::{ListResponse, PatchOp, ScimType, SearchRequest};
use serde_json::{Map, Value};

use super::app::{Reference, SCIM_JSON};
use super::error::ApiError;
use super::kind::Kind;
use super::projection::{Projection, project};
use super::query::{self, ListParams};
use super::resource::{self, normalize, with_server_fields};
use super::semantics::{self, ParsedFilter};
use super::store::{Entry, Store, unique_key};
use super::{BASE_PATH, Fault, discovery, patching};

const fn kind_of<const GROUP: bool>() -> Kind {
    if GROUP { Kind::Group } else { Kind::User }
}

/// `http://host:port/scim/v2` as the client addressed the endpoint (from `Host`).
fn base(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match host {
        Some(host) => format!("http://{host}{BASE_PATH}"),
        None => BASE_PATH.to_owned(),
    }
}

fn location(base: &str, kind: Kind, id: &str) -> String {
    format!("{base}/{}/{id}", kind.endpoint())
}

/// A SCIM JSON response.
fn scim(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, SCIM_JSON)], bytes).into_response()
}

fn with_header(mut response: Response, name: header::HeaderName, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, v);
    }
    response
}

fn parse_json(app: &Reference, body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        if app.has(Fault::MalformedJson500) {
            ApiError::internal("Object reference not set to an instance of an object.")
        } else {
            ApiError::bad_request(ScimType::InvalidSyntax, format!("malformed JSON body: {e}"))
        }
    })
}

/// The resource as a client sees it: `meta.location` added, faults that change the output,
/// then the projection.
fn render(
    app: &Reference,
    kind: Kind,
    resource: &Value,
    base: &str,
    projection: &Projection,
) -> Value {
    let mut out = resource.clone();
    if let Value::Object(map) = &mut out {
        if app.has(Fault::MetaMissing) {
            map.remove("meta");
        } else if let (Some(Value::Object(meta)), Some(id)) = (
            map.get("meta").cloned(),
            map.get("id").and_then(Value::as_str),
        ) {
            let mut meta = meta;
            meta.insert(
                "location".to_owned(),
                Value::String(location(base, kind, id)),
            );
            map.insert("meta".to_owned(), Value::Object(meta));
        }
        if app.has(Fault::ActiveAsString)
            && let Some(Value::Bool(b)) = map.get("active")
        {
            {
                let text = b.to_string();
                map.insert("active".to_owned(), Value::String(text));
            }
        }
    }
    let mut projection = projection.clone();
    if app.has(Fault::AttributesIgnored) {
        projection.attributes.clear();
    }
    if kind == Kind::Group && app.has(Fault::MembersNotExcluded) {
        projection
            .excluded
            .retain(|p| !p.trim().eq_ignore_ascii_case("members"));
    }
    project(out, &projection, app.schemas(kind))
}

fn single(
    app: &Reference,
    status: StatusCode,
    kind: Kind,
    resource: &Value,
    base: &str,
    projection: &Projection,
) -> Response {
    let body = render(app, kind, resource, base, projection);
    let response = scim(status, &body);
    match resource::version_of(resource) {
        Some(v) if !app.has(Fault::MetaMissing) => with_header(response, header::ETAG, v),
        _ => response,
    }
}

fn strip_weak(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/")
}

/// `If-Match` (RFC 7644 §3.14; RFC 7232 §3.1, weak comparison).
fn check_if_match(app: &Reference, headers: &HeaderMap, resource: &Value) -> Result<(), ApiError> {
    if app.has(Fault::EtagIgnored) {
        return Ok(());
    }
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or("");
    let current = resource::version_of(resource).unwrap_or("");
    if text
        .split(',')
        .any(|t| t.trim() == "*" || strip_weak(t) == strip_weak(current))
    {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            None,
            format!("If-Match {text} does not match the current version {current}"),
        ))
    }
}

fn required(kind: Kind, body: &Map<String, Value>) -> Result<(), ApiError> {
    let name = kind.unique_attribute();
    match body.get(name).and_then(Value::as_str) {
        Some(v) if !v.trim().is_empty() => Ok(()),
        _ => Err(ApiError::invalid_value(format!(
            "`{name}` is required (RFC 7643 §{})",
            if kind == Kind::User { "4.1.1" } else { "4.2" }
        ))),
    }
}

fn check_unique(
    app: &Reference,
    store: &Store,
    kind: Kind,
    body: &Map<String, Value>,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let accepted = match kind {
        Kind::User => Fault::DuplicateUsernameAccepted,
        Kind::Group => Fault::DuplicateGroupAccepted,
    };
    if app.has(accepted) {
        return Ok(());
    }
    let Some(key) = unique_key(kind, &Value::Object(body.clone())) else {
        return Ok(());
    };
    let collection = store.collection(kind);
    let reserved = kind == Kind::User
        && app.has(Fault::DeletedUsernameReserved)
        && collection.deleted_names.contains(&key);
    if collection.holders(&key, except).next().is_some() || reserved {
        return Err(ApiError::uniqueness(format!(
            "{} `{}` is already in use",
            kind.unique_attribute(),
            body.get(kind.unique_attribute())
                .and_then(Value::as_str)
                .unwrap_or("")
        )));
    }
    Ok(())
}

/// Group members must be existing users (flat groups, docs/entra.md#flat-groups); each user once.
fn check_members(
    app: &Reference,
    store: &Store,
    body: &mut Map<String, Value>,
    previous: Option<&Value>,
) -> Result<(), ApiError> {
    let before: Vec<&str> = previous
        .and_then(|p| p.get("members"))
        .and_then(Value::as_array)
        .map(|m| {
            m.iter()
                .filter_map(|e| e.get("value").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let Some(Value::Array(members)) = body.get_mut("members") else {
        return Ok(());
    };
    let mut seen: Vec<String> = Vec::with_capacity(members.len());
    let mut kept = Vec::with_capacity(members.len());
    for member in members.drain(..) {
        let Some(value) = member
            .get("value")
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            return Err(ApiError::invalid_value(
                "every member needs a `value` (the member's id)",
            ));
        };
        if !before.contains(&value.as_str()) {
            if store.groups.contains(&value) {
                return Err(ApiError::invalid_value(format!(
                    "`{value}` is a group; groups hold users only (flat groups)"
                )));
            }
            if !store.users.contains(&value) {
                return Err(ApiError::invalid_value(format!(
                    "no user has the id `{value}`"
                )));
            }
        }
        if seen.contains(&value) && !app.has(Fault::DuplicateMembers) {
            continue;
        }
        seen.push(value);
        kept.push(member);
    }
    *members = kept;
    Ok(())
}

fn find<'s>(store: &'s Store, kind: Kind, id: &str) -> Result<&'s Entry, ApiError> {
    store
        .collection(kind)
        .get(id)
        .ok_or_else(|| ApiError::not_found(kind.resource_type(), id))
}

/// `POST /Users`, `POST /Groups` (RFC 7644 §3.3).
pub(crate) async fn create<const GROUP: bool>(
    State(app): State<Reference>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let created = create_impl(&app, kind_of::<GROUP>(), &headers, q.as_deref(), &body);
    if app.has(Fault::StoredThenTimeout) && created.is_ok() {
        // Stored; the answer comes too late for a client with a shorter timeout.
        tokio::time::sleep(STALL).await;
        return app.respond(Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            None,
            "the store did not answer in time",
        )));
    }
    app.respond(created)
}

/// How long a create stalls under [`Fault::StoredThenTimeout`].
pub(crate) const STALL: std::time::Duration = std::time::Duration::from_secs(2);

fn create_impl(
    app: &Reference,
    kind: Kind,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &[u8],
) -> Result<Response, ApiError> {
    let json = parse_json(app, body)?;
    let mut body = normalize(json, app.schemas(kind), kind, app.read_rules())?;
    required(kind, &body)?;
    let mut store = app.store();
    check_unique(app, &store, kind, &body, None)?;
    if kind == Kind::Group {
        check_members(app, &store, &mut body, None)?;
    }
    let id = uuid::Uuid::new_v4().to_string();
    let now = resource::now();
    let version = store.next_version();
    let seq = store.next_seq();
    let stored = with_server_fields(body, kind, &id, &now, &now, version);
    store.collection_mut(kind).insert(
        kind,
        seq,
        id.clone(),
        Entry {
            resource: stored.clone(),
            created: app
                .has(Fault::SecondPatchLosesFirst)
                .then(|| stored.clone()),
            indexed: app
                .has(Fault::FilterMissesPatchedValue)
                .then(|| stored.clone()),
            patches: 0,
            renamed: false,
        },
    );
    drop(store);
    if app.has(Fault::StoredThen500) {
        return Err(ApiError::internal("the store did not answer in time"));
    }
    let base = base(headers);
    let projection = query::projection(&query::pairs(q));
    let response = single(app, StatusCode::CREATED, kind, &stored, &base, &projection);
    if app.has(Fault::CreatedWithoutId) {
        let mut anonymous = stored.clone();
        if let Some(o) = anonymous.as_object_mut() {
            o.remove("id");
            if let Some(Value::Object(meta)) = o.get_mut("meta") {
                meta.remove("location");
            }
        }
        return Ok(single(
            app,
            StatusCode::CREATED,
            kind,
            &anonymous,
            &base,
            &projection,
        ));
    }
    Ok(with_header(
        response,
        header::LOCATION,
        &location(&base, kind, &id),
    ))
}

/// `GET /Users/{id}` (RFC 7644 §3.4.1).
pub(crate) async fn get_one<const GROUP: bool>(
    State(app): State<Reference>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    app.respond(get_impl(
        &app,
        kind_of::<GROUP>(),
        &id,
        &headers,
        q.as_deref(),
    ))
}

fn get_impl(
    app: &Reference,
    kind: Kind,
    id: &str,
    headers: &HeaderMap,
    q: Option<&str>,
) -> Result<Response, ApiError> {
    let store = app.store();
    let collection = store.collection(kind);
    let resource = match collection.get(id) {
        Some(e) => e.resource.clone(),
        None => match collection.tombstones.get(id) {
            Some(t) if app.has(Fault::No404AfterDelete) => t.clone(),
            _ => return Err(ApiError::not_found(kind.resource_type(), id)),
        },
    };
    drop(store);
    if let (Some(tags), Some(current)) = (
        headers.get(header::IF_NONE_MATCH),
        resource::version_of(&resource),
    ) {
        let tags = tags.to_str().unwrap_or("");
        if tags
            .split(',')
            .any(|t| t.trim() == "*" || strip_weak(t) == strip_weak(current))
        {
            let response = StatusCode::NOT_MODIFIED.into_response();
            return Ok(with_header(response, header::ETAG, current));
        }
    }
    let projection = query::projection(&query::pairs(q));
    Ok(single(
        app,
        StatusCode::OK,
        kind,
        &resource,
        &base(headers),
        &projection,
    ))
}

/// `GET /Users?…` (RFC 7644 §3.4.2).
pub(crate) async fn list<const GROUP: bool>(
    State(app): State<Reference>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let kind = kind_of::<GROUP>();
    let result = query::from_query(q.as_deref())
        .and_then(|params| run_query(&app, &[kind], &params, &headers));
    app.respond(result)
}

/// `POST /Users/.search` (RFC 7644 §3.4.3).
pub(crate) async fn search<const GROUP: bool>(
    State(app): State<Reference>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    app.respond(search_impl(&app, &[kind_of::<GROUP>()], &headers, &body))
}

/// `POST /.search` at the root: users and groups (RFC 7644 §3.4.3).
pub(crate) async fn search_all(
    State(app): State<Reference>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    app.respond(search_impl(
        &app,
        &[Kind::User, Kind::Group],
        &headers,
        &body,
    ))
}

fn search_impl(
    app: &Reference,
    kinds: &[Kind],
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, ApiError> {
    if app.has(Fault::SearchNotSupported) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            None,
            "no such endpoint",
        ));
    }
    let json = parse_json(app, body)?;
    let request: SearchRequest = serde_json::from_value(json).map_err(|e| {
        ApiError::bad_request(ScimType::InvalidSyntax, format!("not a SearchRequest: {e}"))
    })?;
    run_query(app, kinds, &query::from_search(request), headers)
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

fn parse_filter(app: &Reference, kind: Kind, text: &str) -> Result<Option<ParsedFilter>, ApiError> {
    if app.has(Fault::EscapedQuoteRejected) && text.contains("\\\"") {
        return Err(ApiError::bad_request(
            ScimType::InvalidFilter,
            "invalid filter: unexpected text after the closing quote",
        ));
    }
    if app.has(Fault::SpaceInValueRejected) && space_in_quoted_value(text) {
        return Err(ApiError::bad_request(
            ScimType::InvalidFilter,
            "invalid filter: incorrectly formatted attribute expression",
        ));
    }
    match semantics::parse_filter(text, app.schemas(kind)) {
        Ok(f) if app.has(Fault::EqFiltersOnly) && !f.eq_only() => Err(ApiError::bad_request(
            ScimType::InvalidFilter,
            "only `attribute eq \"value\"` comparisons joined with `and` are supported",
        )),
        Ok(f) => {
            let f = if app.has(Fault::EqMatchesPrefix) {
                f.eq_as_prefix()
            } else {
                f
            };
            if app.has(Fault::ExternalidFilterIgnored) && f.mentions("externalId") {
                Ok(None)
            } else {
                Ok(Some(f))
            }
        }
        Err(e) if e.is_invalid_input() && app.has(Fault::InvalidFilter500) => Err(
            ApiError::internal("unexpected error while reading the filter"),
        ),
        Err(e) => Err(e.into()),
    }
}

/// What a filter sees under the `filter-misses-patched-value` fault: the indexed copy, with the
/// attributes an index keys on (`id`, `userName`, `externalId`, `active`) read from the live
/// resource.
fn stale_view(indexed: &Value, live: &Value) -> Value {
    let mut seen = indexed.clone();
    if let (Value::Object(seen), Value::Object(live)) = (&mut seen, live) {
        for key in ["id", "userName", "externalId", "active"] {
            seen.remove(key);
            if let Some(v) = live.get(key) {
                seen.insert(key.to_owned(), v.clone());
            }
        }
    }
    seen
}

fn run_query(
    app: &Reference,
    kinds: &[Kind],
    params: &ListParams,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let mut filters = Vec::with_capacity(kinds.len());
    for kind in kinds {
        let filter = match &params.filter {
            Some(text) => parse_filter(app, *kind, text)?,
            None => None,
        };
        filters.push(filter);
    }
    let sort_key = match (&params.sort_by, app.has(Fault::SortIgnored)) {
        (Some(text), false) => Some(semantics::parse_sort_by(text, app.schemas(kinds[0]))?),
        _ => None,
    };
    let store = app.store();
    let mut matches: Vec<(Kind, &Value)> = Vec::new();
    for (kind, filter) in kinds.iter().zip(&filters) {
        let schemas = if app.has(Fault::CaseSensitiveFilter) {
            &Kind::case_exact_schemas(app.schemas(*kind))
        } else {
            app.schemas(*kind)
        };
        for entry in store.collection(*kind).iter() {
            let resource = &entry.resource;
            let stale = (*kind == Kind::User)
                .then(|| entry.indexed.as_ref().map(|i| stale_view(i, resource)))
                .flatten();
            let seen = stale.as_ref().unwrap_or(resource);
            if *kind == Kind::User
                && app.has(Fault::InactiveUsersHidden)
                && resource.get("active") == Some(&Value::Bool(false))
            {
                continue;
            }
            if filter.as_ref().is_none_or(|f| f.matches(seen, schemas)) {
                matches.push((*kind, resource));
            }
        }
    }
    if let Some(key) = &sort_key {
        let schemas = app.schemas(kinds[0]);
        matches.sort_by(|a, b| semantics::compare(a.1, b.1, key, schemas));
        if params.descending {
            matches.reverse();
        }
    }
    let total = matches.len();
    if total == 0 && params.filter.is_some() && app.has(Fault::NotFoundOnEmptyQuery) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            None,
            "no resource matches the filter",
        ));
    }
    let (mut start, mut count) = query::page(params.start_index, params.count);
    if start > 1 {
        unavailable(app, kinds, params, start, count)?;
    }
    if app.has(Fault::IgnoreStartIndex) {
        start = 1;
    }
    if app.has(Fault::IgnoreCount) {
        count = total;
    }
    let base = base(headers);
    let page: Vec<Value> = matches
        .iter()
        .skip(start - 1)
        .take(count)
        .map(|(kind, r)| render(app, *kind, r, &base, &params.projection))
        .collect();
    drop(store);
    let total = if app.has(Fault::TotalResultsIsPageSize) {
        page.len()
    } else {
        total
    };
    let list = ListResponse::new(page, total as u64, start as u64);
    let mut body = serde_json::to_value(&list).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut body {
        // Always write `Resources`, also when empty (docs/entra.md#test-connection).
        map.entry("Resources")
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    Ok(scim(StatusCode::OK, &body))
}

/// The `transient-503` and `pagination-outage` faults, for a page after the first.
fn unavailable(
    app: &Reference,
    kinds: &[Kind],
    params: &ListParams,
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
    if app.has(Fault::PaginationOutage) {
        return Err(refuse());
    }
    if app.has(Fault::Transient503) {
        let key = format!(
            "{kinds:?} {start} {count} {:?} {:?}",
            params.filter, params.sort_by
        );
        let mut attempts = app
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

/// `PUT /Users/{id}` (RFC 7644 §3.5.1).
pub(crate) async fn replace<const GROUP: bool>(
    State(app): State<Reference>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    app.respond(replace_impl(
        &app,
        kind_of::<GROUP>(),
        &id,
        &headers,
        q.as_deref(),
        &body,
    ))
}

fn replace_impl(
    app: &Reference,
    kind: Kind,
    id: &str,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &[u8],
) -> Result<Response, ApiError> {
    let json = parse_json(app, body)?;
    let mut body = normalize(json, app.schemas(kind), kind, app.read_rules())?;
    let mut store = app.store();
    let entry = find(&store, kind, id)?.clone();
    check_if_match(app, headers, &entry.resource)?;
    if app.has(Fault::PutMerges) {
        let mut merged = normalize(
            entry.resource.clone(),
            app.schemas(kind),
            kind,
            app.read_rules(),
        )?;
        merged.extend(body);
        body = merged;
    }
    let (stored, renamed, _) = revise(app, &mut store, kind, id, &entry.resource, body)?;
    store.collection_mut(kind).update(
        kind,
        id,
        Entry {
            resource: stored.clone(),
            renamed: entry.renamed || renamed,
            indexed: app
                .has(Fault::FilterMissesPatchedValue)
                .then(|| stored.clone()),
            ..entry
        },
    );
    drop(store);
    let projection = query::projection(&query::pairs(q));
    Ok(single(
        app,
        StatusCode::OK,
        kind,
        &stored,
        &base(headers),
        &projection,
    ))
}

/// The new state of an existing resource (PUT or PATCH, RFC 7644 §3.5): checks the required
/// attributes, uniqueness and (groups) the members, then adds the server's fields. Gives the
/// resource to store, whether it renames the resource, and its new version.
fn revise(
    app: &Reference,
    store: &mut Store,
    kind: Kind,
    id: &str,
    old: &Value,
    mut body: Map<String, Value>,
) -> Result<(Value, bool, u64), ApiError> {
    required(kind, &body)?;
    check_unique(app, store, kind, &body, Some(id))?;
    if kind == Kind::Group {
        check_members(app, store, &mut body, Some(old))?;
    }
    let renamed = renamed(kind, old, &body);
    let version = store.next_version();
    let stored = with_server_fields(
        body,
        kind,
        id,
        &resource::created_of(old),
        &resource::now(),
        version,
    );
    Ok((stored, renamed, version))
}

fn renamed(kind: Kind, old: &Value, new: &Map<String, Value>) -> bool {
    let name = kind.unique_attribute();
    old.get(name) != new.get(name)
}

/// `PATCH /Users/{id}` (RFC 7644 §3.5.2).
pub(crate) async fn patch<const GROUP: bool>(
    State(app): State<Reference>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    app.respond(patch_impl(
        &app,
        kind_of::<GROUP>(),
        &id,
        &headers,
        q.as_deref(),
        &body,
    ))
}

fn patch_impl(
    app: &Reference,
    kind: Kind,
    id: &str,
    headers: &HeaderMap,
    q: Option<&str>,
    body: &[u8],
) -> Result<Response, ApiError> {
    let json = parse_json(app, body)?;
    let op: PatchOp = serde_json::from_value(json).map_err(|e| {
        ApiError::bad_request(ScimType::InvalidSyntax, format!("not a PatchOp: {e}"))
    })?;
    let mut store = app.store();
    let entry = find(&store, kind, id)?.clone();
    check_if_match(app, headers, &entry.resource)?;
    let patched = patching::patch(app, kind, &entry, op)?;
    let body = normalize(patched, app.schemas(kind), kind, app.read_rules())?;
    let (stored, renamed, version) = revise(app, &mut store, kind, id, &entry.resource, body)?;
    if !app.has(Fault::PatchNotApplied) {
        store.collection_mut(kind).update(
            kind,
            id,
            Entry {
                resource: stored.clone(),
                patches: entry.patches + 1,
                renamed: entry.renamed || renamed,
                created: entry.created,
                indexed: entry.indexed,
            },
        );
    }
    drop(store);
    let projection = query::projection(&query::pairs(q));
    // Users: 200 with the resource; groups: 204 (docs/entra.md#patch-dialects, docs/entra.md#group-members-add), unless the
    // request asks for attributes.
    if kind == Kind::Group && !projection.is_requested() {
        let response = StatusCode::NO_CONTENT.into_response();
        return Ok(with_header(
            response,
            header::ETAG,
            &resource::etag(version),
        ));
    }
    Ok(single(
        app,
        StatusCode::OK,
        kind,
        &stored,
        &base(headers),
        &projection,
    ))
}

/// `DELETE /Users/{id}` (RFC 7644 §3.6). A deleted user leaves every group.
pub(crate) async fn delete<const GROUP: bool>(
    State(app): State<Reference>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    app.respond(delete_impl(&app, kind_of::<GROUP>(), &id, &headers))
}

fn delete_impl(
    app: &Reference,
    kind: Kind,
    id: &str,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let mut store = app.store();
    let entry = find(&store, kind, id)?.clone();
    check_if_match(app, headers, &entry.resource)?;
    if app.has(Fault::DeleteFails) {
        return Err(ApiError::internal("the delete failed"));
    }
    let collection = store.collection_mut(kind);
    collection.remove(kind, id);
    if let Some(key) = unique_key(kind, &entry.resource) {
        collection.deleted_names.insert(key);
    }
    collection.tombstones.insert(id.to_owned(), entry.resource);
    if kind == Kind::User && !app.has(Fault::DeletedUserStaysMember) {
        remove_from_groups(&mut store, id);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) fn remove_from_groups(store: &mut Store, user_id: &str) {
    let holds = |e: &Entry| {
        e.resource
            .get("members")
            .and_then(Value::as_array)
            .is_some_and(|m| {
                m.iter()
                    .any(|x| x.get("value").and_then(Value::as_str) == Some(user_id))
            })
    };
    let affected: Vec<(String, Entry)> = store
        .groups
        .iter()
        .filter(|e| holds(e))
        .filter_map(|e| {
            let id = e.resource.get("id").and_then(Value::as_str)?.to_owned();
            Some((id, e.clone()))
        })
        .collect();
    for (gid, mut entry) in affected {
        let version = store.next_version();
        if let Some(Value::Array(members)) = entry.resource.get_mut("members") {
            members.retain(|m| m.get("value").and_then(Value::as_str) != Some(user_id));
        }
        if let Some(Value::Object(meta)) = entry.resource.get_mut("meta") {
            meta.insert("lastModified".to_owned(), Value::String(resource::now()));
            meta.insert("version".to_owned(), Value::String(resource::etag(version)));
        }
        store.groups.update(Kind::Group, &gid, entry);
    }
}

/// `GET /ServiceProviderConfig` (RFC 7644 §4).
pub(crate) async fn service_provider_config(headers: HeaderMap) -> Response {
    scim(
        StatusCode::OK,
        &discovery::service_provider_config(&base(&headers)),
    )
}

fn list_of(resources: Vec<Value>) -> Response {
    let total = resources.len() as u64;
    let list = ListResponse::new(resources, total, 1);
    scim(
        StatusCode::OK,
        &serde_json::to_value(&list).unwrap_or(Value::Null),
    )
}

/// `GET /Schemas` (RFC 7644 §4).
pub(crate) async fn schemas(State(app): State<Reference>, headers: HeaderMap) -> Response {
    list_of(discovery::schemas(
        &base(&headers),
        &app.inner.config.extension_schemas,
    ))
}

/// `GET /Schemas/{id}`.
pub(crate) async fn schema(
    State(app): State<Reference>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let all = discovery::schemas(&base(&headers), &app.inner.config.extension_schemas);
    match discovery::by_id(all, &id) {
        Some(s) => scim(StatusCode::OK, &s),
        None => app.error_response(&ApiError::not_found("Schema", &id)),
    }
}

/// `GET /ResourceTypes` (RFC 7644 §4).
pub(crate) async fn resource_types(headers: HeaderMap) -> Response {
    list_of(discovery::resource_types(&base(&headers)))
}

/// `GET /ResourceTypes/{id}`.
pub(crate) async fn resource_type(
    State(app): State<Reference>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    match discovery::by_id(discovery::resource_types(&base(&headers)), &id) {
        Some(s) => scim(StatusCode::OK, &s),
        None => app.error_response(&ApiError::not_found("ResourceType", &id)),
    }
}

/// Anything else: 404 with a SCIM Error body.
pub(crate) async fn not_found(State(app): State<Reference>, uri: axum::http::Uri) -> Response {
    app.error_response(&ApiError::new(
        StatusCode::NOT_FOUND,
        None,
        format!("no SCIM endpoint at {}", uri.path()),
    ))
}

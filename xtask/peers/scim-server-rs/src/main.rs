//! scim-rs benchmark peer: the `scim-server` crate (0.5.3, crates.io) served over HTTP.
//!
//! The crate is a provider library without an HTTP layer. What it does here:
//! `StandardResourceProvider<InMemoryStorage>` creates (generates `id`, sets `meta`, refuses a
//! duplicate `userName`), reads, replaces (PUT: refuses a duplicate `userName`), deletes,
//! lists (`startIndex`/`count` only: `ListQuery.filter` and the attribute lists are ignored),
//! finds by one attribute (`find_resources_by_attribute`: exact, case-sensitive string match)
//! and PATCHes (`add`/`replace`/`remove` on plain or dotted paths, no value filters); optional
//! versions (`expected_version`) on PUT, PATCH and DELETE.
//!
//! What this file adds, and nothing else: HTTP routing, the bearer-token check, turning the
//! `ATTR eq "VALUE"` filter (the only filter form Microsoft Entra ID sends for lookups) into
//! `find_resources_by_attribute`, the ListResponse envelope with `totalResults` and
//! `startIndex`/`count` applied here (the crate paginates before counting), dropping the
//! top-level attributes named in `excludedAttributes`, ETag/If-Match mapped onto the crate's
//! versions, SCIM error bodies for the crate's errors (RFC 7644 §3.12) and a static
//! `/ServiceProviderConfig` (RFC 7643 §5).
//!
//! Behaviour of the crate left as it is (seen through this wrapper, so that benchmark figures
//! are read with it in mind):
//! - PATCH `add` with `path: "members"` replaces the member list instead of adding to it, and a
//!   value-filter path (`members[value eq "…"]`, `emails[type eq "work"].value`) is refused
//!   (400 invalidPath here); PATCH is a read then a write, not atomic under concurrency.
//! - PATCH does not touch `meta` (`lastModified` and the version, hence the ETag, stay as they
//!   were); PUT drops `meta` unless the body carries one.
//! - `userName` is neither required nor compared case-insensitively (RFC 7643 §4.1.1); a
//!   client-supplied `id` is kept; e-mail values are not checked.
//! - Deleting a user leaves it in its groups' `members`; group `displayName` is not unique.
//! - `meta.location` is `https://example.com/scim/v2/User/{id}`; unset sub-attributes are
//!   returned as `null`; list order is the storage's hash-map order.
//! - No `/Schemas`, `/ResourceTypes`, sorting, `attributes=` projection or `/Bulk` here.
//!
//! Environment: PORT (default 8087), SCIM_TOKEN (required bearer token; empty = open).
//! Base URL: http://127.0.0.1:PORT/scim/v2. Started by `cargo xtask peers start scim-server-rs`.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use scim_server::providers::{ProviderError, StandardResourceProvider};
use scim_server::resource::{HttpVersion, RawVersion, VersionedResource};
use scim_server::storage::InMemoryStorage;
use scim_server::{RequestContext, ResourceProvider};
use serde_json::{Value, json};

const BASE: &str = "/scim/v2";
const SCIM_JSON: &str = "application/scim+json";
const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

type Provider = StandardResourceProvider<InMemoryStorage>;
type Params = Query<HashMap<String, String>>;

#[derive(Clone)]
struct App {
    provider: Arc<Provider>,
    token: Arc<str>,
}

/// A SCIM error response (RFC 7644 §3.12).
struct ScimError {
    status: StatusCode,
    scim_type: Option<&'static str>,
    detail: String,
}

impl ScimError {
    fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    fn not_found(kind: Kind, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            None,
            format!("{} {id} not found", kind.name()),
        )
    }

    /// The crate's errors. Its PATCH helper reports a bad operation as `Internal` (through
    /// `From<String>`), so on PATCH the messages it is known to produce become 400s.
    fn from_provider(e: ProviderError, patch: bool) -> Self {
        use ProviderError as E;
        let detail = e.to_string();
        let (status, scim_type) = match &e {
            E::ResourceNotFound { .. } | E::NotFound { .. } => (StatusCode::NOT_FOUND, None),
            E::DuplicateAttribute { .. } | E::DuplicateUserName { .. } => {
                (StatusCode::CONFLICT, Some("uniqueness"))
            }
            E::InvalidData { .. } | E::InvalidInput { .. } => {
                (StatusCode::BAD_REQUEST, Some("invalidValue"))
            }
            E::QueryError { .. } => (StatusCode::BAD_REQUEST, Some("invalidFilter")),
            E::PreconditionFailed { .. } | E::VersionConflict { .. } => {
                (StatusCode::PRECONDITION_FAILED, None)
            }
            E::PatchOperationFailed { .. } => (StatusCode::BAD_REQUEST, Some("invalidValue")),
            E::Internal { message } if patch => patch_error_kind(message),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, None),
        };
        Self::new(status, scim_type, detail)
    }
}

/// The messages of the crate's `ScimPatchOperations` (providers/helpers/patch.rs).
fn patch_error_kind(message: &str) -> (StatusCode, Option<&'static str>) {
    if message.starts_with("Invalid SCIM path") {
        (StatusCode::BAD_REQUEST, Some("invalidPath"))
    } else if message.starts_with("Cannot modify readonly attribute") {
        (StatusCode::BAD_REQUEST, Some("mutability"))
    } else if message.starts_with("Unsupported PATCH operation")
        || message.starts_with("PATCH operation must have")
        || message.ends_with("operation requires a value")
    {
        (StatusCode::BAD_REQUEST, Some("invalidSyntax"))
    } else {
        (StatusCode::INTERNAL_SERVER_ERROR, None)
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [ERROR],
            "status": self.status.as_str(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        scim(self.status, &body)
    }
}

type Result<T> = std::result::Result<T, ScimError>;

fn scim(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, SCIM_JSON)],
        body.to_string(),
    )
        .into_response()
}

#[derive(Clone, Copy)]
enum Kind {
    User,
    Group,
}

impl Kind {
    /// The crate's resource type name.
    fn name(self) -> &'static str {
        match self {
            Kind::User => "User",
            Kind::Group => "Group",
        }
    }

    fn endpoint(self) -> &'static str {
        match self {
            Kind::User => "Users",
            Kind::Group => "Groups",
        }
    }
}

/// Attribute names are case-insensitive (RFC 7643 §2.1); the crate's lookup compares the JSON
/// key exactly, so the names Entra filters on are spelled as stored.
fn canonical_attribute(name: &str) -> &str {
    match name.to_ascii_lowercase().as_str() {
        "id" => "id",
        "username" => "userName",
        "externalid" => "externalId",
        "displayname" => "displayName",
        _ => name,
    }
}

/// `ATTR eq "VALUE"` (RFC 7644 §3.4.2.2); every other filter is refused with `invalidFilter`.
fn parse_eq_filter(filter: &str) -> Result<(&str, String)> {
    let refuse = || {
        ScimError::new(
            StatusCode::BAD_REQUEST,
            Some("invalidFilter"),
            format!("only `attribute eq \"value\"` filters are supported, got `{filter}`"),
        )
    };
    let mut parts = filter.trim().splitn(3, ' ');
    let (Some(attr), Some(op), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(refuse());
    };
    if !op.eq_ignore_ascii_case("eq")
        || attr.is_empty()
        || !attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
    {
        return Err(refuse());
    }
    match serde_json::from_str::<Value>(rest.trim()) {
        Ok(Value::String(value)) => Ok((canonical_attribute(attr), value)),
        _ => Err(refuse()),
    }
}

fn context() -> RequestContext {
    RequestContext::with_generated_id()
}

fn excluded(params: &HashMap<String, String>) -> Vec<String> {
    params
        .get("excludedAttributes")
        .map(|v| {
            v.split(',')
                .map(|a| a.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// The resource as JSON without the excluded top-level attributes (`id` and `schemas` are
/// always returned, RFC 7643 §7).
fn render(resource: &VersionedResource, excluded: &[String]) -> Result<Value> {
    let mut json = resource
        .resource()
        .to_json()
        .map_err(|e| ScimError::new(StatusCode::INTERNAL_SERVER_ERROR, None, e.to_string()))?;
    if let Some(obj) = json.as_object_mut() {
        obj.retain(|k, _| {
            k == "id" || k == "schemas" || !excluded.contains(&k.to_ascii_lowercase())
        });
    }
    Ok(json)
}

fn etag(resource: &VersionedResource) -> Option<HeaderValue> {
    HeaderValue::from_str(&HttpVersion::from(resource.version().clone()).to_string()).ok()
}

fn one(status: StatusCode, resource: &VersionedResource, excluded: &[String]) -> Result<Response> {
    let mut response = scim(status, &render(resource, excluded)?);
    if let Some(tag) = etag(resource) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
}

/// If-Match as the crate's expected version (`*` or no header: unconditional).
fn if_match(headers: &HeaderMap) -> Result<Option<RawVersion>> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    HttpVersion::from_str(text)
        .map(|v| Some(RawVersion::from(v)))
        .map_err(|e| {
            ScimError::new(
                StatusCode::BAD_REQUEST,
                Some("invalidSyntax"),
                e.to_string(),
            )
        })
}

fn body_json(body: &Bytes) -> Result<Value> {
    serde_json::from_slice(body).map_err(|e| {
        ScimError::new(
            StatusCode::BAD_REQUEST,
            Some("invalidSyntax"),
            format!("the body is not JSON: {e}"),
        )
    })
}

fn positive(params: &HashMap<String, String>, name: &str) -> Result<Option<usize>> {
    params
        .get(name)
        .map(|v| {
            v.parse::<usize>().map_err(|_| {
                ScimError::new(
                    StatusCode::BAD_REQUEST,
                    Some("invalidValue"),
                    format!("{name} must be a non-negative integer"),
                )
            })
        })
        .transpose()
}

async fn list(app: &App, kind: Kind, params: &HashMap<String, String>) -> Result<Response> {
    let ctx = context();
    let found = match params.get("filter") {
        Some(filter) => {
            let (attr, value) = parse_eq_filter(filter)?;
            app.provider
                .find_resources_by_attribute(kind.name(), attr, &value, &ctx)
                .await
        }
        None => app.provider.list_resources(kind.name(), None, &ctx).await,
    }
    .map_err(|e| ScimError::from_provider(e, false))?;
    let total = found.len();
    let start = positive(params, "startIndex")?.unwrap_or(1).max(1);
    let count = positive(params, "count")?.unwrap_or(usize::MAX);
    let excluded = excluded(params);
    let resources = found
        .iter()
        .skip(start - 1)
        .take(count)
        .map(|r| render(r, &excluded))
        .collect::<Result<Vec<_>>>()?;
    let body = json!({
        "schemas": [LIST_RESPONSE],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    });
    Ok(scim(StatusCode::OK, &body))
}

async fn create(app: &App, kind: Kind, headers: &HeaderMap, body: &Bytes) -> Result<Response> {
    let data = body_json(body)?;
    let created = app
        .provider
        .create_resource(kind.name(), data, &context())
        .await
        .map_err(|e| ScimError::from_provider(e, false))?;
    let mut response = one(StatusCode::CREATED, &created, &[])?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let (Some(host), Some(id)) = (host, created.get_id()) {
        let location = format!("http://{host}{BASE}/{}/{id}", kind.endpoint());
        if let Ok(location) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, location);
        }
    }
    Ok(response)
}

async fn read(
    app: &App,
    kind: Kind,
    id: &str,
    params: &HashMap<String, String>,
) -> Result<Response> {
    let found = app
        .provider
        .get_resource(kind.name(), id, &context())
        .await
        .map_err(|e| ScimError::from_provider(e, false))?
        .ok_or_else(|| ScimError::not_found(kind, id))?;
    one(StatusCode::OK, &found, &excluded(params))
}

async fn replace(
    app: &App,
    kind: Kind,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response> {
    let data = body_json(body)?;
    let version = if_match(headers)?;
    let updated = app
        .provider
        .update_resource(kind.name(), id, data, version.as_ref(), &context())
        .await
        .map_err(|e| ScimError::from_provider(e, false))?;
    one(StatusCode::OK, &updated, &[])
}

async fn patch(
    app: &App,
    kind: Kind,
    id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Response> {
    let request = body_json(body)?;
    let version = if_match(headers)?;
    let patched = app
        .provider
        .patch_resource(kind.name(), id, &request, version.as_ref(), &context())
        .await
        .map_err(|e| ScimError::from_provider(e, true))?;
    one(StatusCode::OK, &patched, &[])
}

async fn delete(app: &App, kind: Kind, id: &str, headers: &HeaderMap) -> Result<Response> {
    let version = if_match(headers)?;
    app.provider
        .delete_resource(kind.name(), id, version.as_ref(), &context())
        .await
        .map_err(|e| ScimError::from_provider(e, false))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn collection(kind: Kind) -> axum::routing::MethodRouter<App> {
    get(move |State(app): State<App>, Query(q): Params| async move { list(&app, kind, &q).await })
        .post(
            move |State(app): State<App>, h: HeaderMap, b: Bytes| async move {
                create(&app, kind, &h, &b).await
            },
        )
}

fn member(kind: Kind) -> axum::routing::MethodRouter<App> {
    get(
        move |State(app): State<App>, Path(id): Path<String>, Query(q): Params| async move {
            read(&app, kind, &id, &q).await
        },
    )
    .put(
        move |State(app): State<App>, Path(id): Path<String>, h: HeaderMap, b: Bytes| async move {
            replace(&app, kind, &id, &h, &b).await
        },
    )
    .patch(
        move |State(app): State<App>, Path(id): Path<String>, h: HeaderMap, b: Bytes| async move {
            patch(&app, kind, &id, &h, &b).await
        },
    )
    .delete(
        move |State(app): State<App>, Path(id): Path<String>, h: HeaderMap| async move {
            delete(&app, kind, &id, &h).await
        },
    )
}

/// RFC 7643 §5, describing what this wrapper and the crate do.
async fn service_provider_config() -> Response {
    scim(
        StatusCode::OK,
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": i32::MAX},
            "changePassword": {"supported": false},
            "sort": {"supported": false},
            "etag": {"supported": true},
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "OAuth Bearer Token",
                "description": "Authentication with a bearer token",
            }],
            "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{BASE}/ServiceProviderConfig")},
        }),
    )
}

async fn authorize(State(app): State<App>, request: Request, next: Next) -> Response {
    if !app.token.is_empty() {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given != Some(&*app.token) {
            let mut response = ScimError::new(
                StatusCode::UNAUTHORIZED,
                None,
                "a valid bearer token is required",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    next.run(request).await
}

async fn fallback() -> ScimError {
    ScimError::new(StatusCode::NOT_FOUND, None, "no such endpoint")
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> std::io::Result<()> {
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| std::io::Error::other(format!("PORT={p} is not a port")))?,
        Err(_) => 8087,
    };
    let app = App {
        provider: Arc::new(StandardResourceProvider::new(InMemoryStorage::new())),
        token: std::env::var("SCIM_TOKEN").unwrap_or_default().into(),
    };
    let scim_routes = Router::new()
        .route("/Users", collection(Kind::User))
        .route("/Users/{id}", member(Kind::User))
        .route("/Groups", collection(Kind::Group))
        .route("/Groups/{id}", member(Kind::Group))
        .route("/ServiceProviderConfig", get(service_provider_config));
    let router = Router::new()
        .nest(BASE, scim_routes)
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(app.clone(), authorize))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("scim-server 0.5.3 peer listening on http://127.0.0.1:{port}{BASE}");
    axum::serve(listener, router).await
}

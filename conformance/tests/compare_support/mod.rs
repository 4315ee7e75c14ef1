//! Shared by the compare tests and the compare bench: a generated Entra-shaped directory and
//! a tiny in-process SCIM endpoint (axum) that serves it read-only with paging, logs every
//! request, and can inject failures.
#![allow(dead_code, missing_docs, clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// A directory as an endpoint holds it.
#[derive(Debug, Clone, Default)]
pub struct Dir {
    pub users: Vec<Value>,
    pub groups: Vec<Value>,
}

pub fn user_name(i: usize) -> String {
    format!("user{i:06}@contoso.example")
}

/// The id of user `i` on the endpoint whose ids start with `prefix`.
pub fn user_id(prefix: &str, i: usize) -> String {
    format!("{prefix}-u-{i}")
}

/// Entra-shaped user `i` (its manager is user `i / 10`).
pub fn user(prefix: &str, i: usize) -> Value {
    let mut u = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "id": user_id(prefix, i),
        "userName": user_name(i),
        "externalId": format!("user{i}"),
        "active": true,
        "displayName": format!("User {i}"),
        "title": "Engineer",
        "preferredLanguage": "en-US",
        "emails": [{"type": "work", "value": format!("user{i}@contoso.example"), "primary": true}],
        "name": {"givenName": "User", "familyName": format!("N{i}"), "formatted": format!("User N{i}")},
        "addresses": [{"type": "work", "formatted": "Bldg 1", "streetAddress": "1 Main St",
            "locality": "Redmond", "region": "WA", "postalCode": "98052", "country": "US"}],
        "phoneNumbers": [{"type": "work", "value": "+1 555 0100"}, {"type": "mobile", "value": format!("+1 555 {i:04}")}],
        ENTERPRISE: {"employeeNumber": format!("{i}"), "department": format!("Dept {}", i % 20)},
        "meta": {"resourceType": "User"}
    });
    if i > 0 {
        u[ENTERPRISE]["manager"] = json!({"value": user_id(prefix, i / 10)});
    }
    u
}

/// Group `g` of a directory of `n_users` users, with `members` members.
pub fn group(prefix: &str, g: usize, n_users: usize, members: usize) -> Value {
    let m: Vec<Value> = (0..members.min(n_users))
        .map(|k| json!({"value": user_id(prefix, (g * 7 + k * 13) % n_users), "display": "x"}))
        .collect();
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": format!("{prefix}-g-{g}"),
        "displayName": format!("Group {g}"),
        "externalId": format!("00000000-0000-0000-0000-{g:012}"),
        "members": m,
        "meta": {"resourceType": "Group"}
    })
}

/// `n_users` Entra-shaped users and `n_groups` groups of `members` members each, ids prefixed
/// with `prefix` (so that two endpoints holding the same directory use different ids).
pub fn directory(prefix: &str, n_users: usize, n_groups: usize, members: usize) -> Dir {
    Dir {
        users: (0..n_users).map(|i| user(prefix, i)).collect(),
        groups: (0..n_groups)
            .map(|g| group(prefix, g, n_users, members))
            .collect(),
    }
}

/// One request seen by the test endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
}

/// Injected failures.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Requests (0-based, counted over all paths) answered 503 with `Retry-After: 0`.
    pub unavailable: std::ops::Range<usize>,
    /// Every request to a `/Users` page from this startIndex on answers 503.
    pub users_down_from_start: Option<u64>,
    /// Every request answers this status (401, 403...).
    pub status: Option<u16>,
    /// The bearer token required (401 otherwise).
    pub token: Option<String>,
    /// Cap the page size at this many resources, whatever `count` asks.
    pub max_page: Option<usize>,
    /// Serve the first page whatever `startIndex` asks (a paging bug seen in the wild).
    pub ignore_start_index: bool,
    /// `userName eq` compares case-sensitively (RFC 7643 §2.2 says it must not).
    pub case_sensitive_filter: bool,
    /// The filter value is form-decoded a second time (`+` becomes a space).
    pub plus_as_space: bool,
}

#[derive(Default)]
struct Inner {
    /// Each user and group serialised once, so that pages are cheap to serve.
    users: Vec<String>,
    groups: Vec<String>,
    user_values: Vec<Value>,
    group_values: Vec<Value>,
    faults: Faults,
    log: Mutex<Vec<Logged>>,
    seen: AtomicUsize,
}

/// A running test endpoint.
pub struct Server {
    pub url: String,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(dir: Dir, faults: Faults) -> Server {
        let ser = |v: Vec<Value>| {
            v.iter()
                .map(|x| serde_json::to_string(x).unwrap())
                .collect()
        };
        let inner = Arc::new(Inner {
            users: ser(dir.users.clone()),
            groups: ser(dir.groups.clone()),
            user_values: dir.users,
            group_values: dir.groups,
            faults,
            ..Inner::default()
        });
        let app = Router::new().fallback(handle).with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server {
            url: format!("http://{addr}/scim/v2"),
            inner,
            task,
        }
    }

    pub fn log(&self) -> Vec<Logged> {
        self.inner.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(
    State(st): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let n = st.seen.fetch_add(1, Ordering::SeqCst);
    let path = uri.path().to_owned();
    let param = |name: &str| {
        q.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let start: u64 = param("startIndex")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let count: usize = param("count").and_then(|s| s.parse().ok()).unwrap_or(100);
    let f = &st.faults;
    let error = |s: u16, detail: &str| {
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
            "status": s.to_string(), "detail": detail})
        .to_string()
    };
    let (status, body, retry) = if let Some(s) = f.status {
        (s, error(s, "refused"), false)
    } else if f.token.as_ref().is_some_and(|t| {
        headers.get("authorization").and_then(|h| h.to_str().ok()) != Some(&format!("Bearer {t}"))
    }) {
        (401, error(401, "bad token"), false)
    } else if f.unavailable.contains(&n)
        || (path.ends_with("/Users") && f.users_down_from_start.is_some_and(|s| start >= s))
    {
        (503, error(503, "busy"), true)
    } else if method != Method::GET {
        (405, error(405, "read-only test endpoint"), false)
    } else {
        let filtered;
        let all = if path.ends_with("/Users") && param("filter").is_some() {
            filtered = filter_users(&st, &param("filter").unwrap_or_default());
            Some(&filtered)
        } else if path.ends_with("/Users") {
            Some(&st.users)
        } else if path.ends_with("/Groups") {
            Some(&st.groups)
        } else {
            None
        };
        match all {
            None => match by_id(&st, &path) {
                Some(body) => (200, body, false),
                None => (404, error(404, "no such resource"), false),
            },
            Some(all) => {
                let per = f.max_page.map_or(count, |m| m.min(count));
                let start = if f.ignore_start_index { 1 } else { start };
                let from = usize::try_from(start - 1).unwrap().min(all.len());
                let to = (from + per).min(all.len());
                let body = format!(
                    "{{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\
                     \"totalResults\":{},\"startIndex\":{start},\"itemsPerPage\":{},\
                     \"Resources\":[{}]}}",
                    all.len(),
                    to - from,
                    all[from..to].join(",")
                );
                (200, body, false)
            }
        }
    };
    st.log.lock().unwrap().push(Logged {
        method: method.to_string(),
        path,
        query: uri.query().unwrap_or_default().to_owned(),
        status,
    });
    let mut resp = (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/scim+json")],
        body,
    )
        .into_response();
    if retry {
        resp.headers_mut()
            .insert("retry-after", "0".parse().unwrap());
    }
    resp
}

/// `GET …/Users/{id}` or `…/Groups/{id}`.
fn by_id(st: &Inner, path: &str) -> Option<String> {
    let (collection, id) = path.rsplit_once('/')?;
    let all = if collection.ends_with("/Users") {
        &st.user_values
    } else if collection.ends_with("/Groups") {
        &st.group_values
    } else {
        return None;
    };
    all.iter()
        .find(|v| v["id"] == id)
        .map(|v| serde_json::to_string(v).unwrap())
}

/// `attr eq "value"` on userName (case-insensitive unless the fault says otherwise) or
/// externalId (case-sensitive), as Entra ID's matching query asks.
fn filter_users(st: &Inner, filter: &str) -> Vec<String> {
    let Some((attr, rest)) = filter.split_once(" eq ") else {
        return Vec::new();
    };
    let Ok(mut value) = serde_json::from_str::<String>(rest.trim()) else {
        return Vec::new();
    };
    if st.faults.plus_as_space {
        value = value.replace('+', " ");
    }
    let field = if attr.eq_ignore_ascii_case("userName") {
        "userName"
    } else {
        "externalId"
    };
    st.user_values
        .iter()
        .filter(|u| {
            let v = u[field].as_str().unwrap_or_default();
            if field == "userName" && !st.faults.case_sensitive_filter {
                v.to_lowercase() == value.to_lowercase()
            } else {
                v == value
            }
        })
        .map(|u| serde_json::to_string(u).unwrap())
        .collect()
}

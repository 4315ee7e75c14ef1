//! What a running check works with: the [`Session`] shared by the whole run (transport,
//! journal, prefix, mapping, capabilities) and the per-check context [`Cx`] that records the
//! transcript and offers the SCIM operations the checks replay.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

use crate::check::Capability;
use crate::journal::Journal;
use crate::mapping::{Mapping, Person};
pub use crate::scim_json::{
    Listed, enc, enc_path, error_detail, get_ci, id_of, is_scim_error, listed, lit, member_ids,
};
use crate::transcript::Exchange;
use crate::transport::{Transport, TransportError, WireRequest, WireResponse, send_recorded};
use scim2_types::ResourceKind;

/// Why the whole run stops early (exit code 3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Abort {
    /// 401: the token was refused.
    #[error("401 from {url}: the token was refused; it may be wrong, or it may have expired{hint}")]
    Unauthorized {
        /// The URL.
        url: String,
        /// Extra text: the JWT's expiry, and where to fix the token (`SCIM_TOKEN`,
        /// `--token-env`, `--token-file`).
        hint: String,
    },
    /// 403: refused for this caller (the message depends on whether it was a read).
    #[error("{}", crate::diagnose::forbidden(method, url, body))]
    Forbidden {
        /// The request method.
        method: String,
        /// The URL.
        url: String,
        /// The start of the response body.
        body: String,
    },
    /// No response at all.
    #[error("{0}")]
    Unreachable(String),
    /// The URL does not serve SCIM: 404 or a non-SCIM page for the Test Connection query,
    /// `/Users` and `/ServiceProviderConfig` alike.
    #[error("{url} is not a SCIM base URL: {what}; {hint}")]
    NotScim {
        /// The base URL.
        url: String,
        /// What was answered.
        what: String,
        /// What to change.
        hint: String,
    },
}

/// How a check ends early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// The endpoint misbehaved.
    Fail(String),
    /// The check does not apply.
    Skip(String),
    /// No verdict could be reached.
    Error(String),
    /// The run must stop.
    Abort(Abort),
}

/// `Err(CheckError::Fail(format!(…)))`.
#[macro_export]
macro_rules! fail {
    ($($t:tt)*) => { return Err($crate::session::CheckError::Fail(format!($($t)*))) };
}

/// Fails with the message unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($t:tt)*) => { if !$cond { $crate::fail!($($t)*); } };
}

/// The result type of a check body.
pub type CheckBody = Result<(), CheckError>;

/// State shared by every check of a run.
pub struct Session {
    /// Sends requests.
    pub transport: Arc<dyn Transport>,
    /// Created-resources journal.
    pub journal: Arc<Journal>,
    /// The run-unique name prefix.
    pub prefix: String,
    /// The user mapping replayed.
    pub mapping: Arc<Mapping>,
    /// The seed of generated values.
    pub seed: u64,
    /// `/ServiceProviderConfig`, when the endpoint served one.
    pub spc: Option<Value>,
    /// Extra text for a 401 message (token expiry).
    pub auth_hint: String,
    counter: AtomicU64,
    requests: AtomicU64,
    writes: AtomicU64,
    header_refusal: Mutex<Option<String>>,
    schemas: tokio::sync::OnceCell<Option<Value>>,
    resource_types: tokio::sync::OnceCell<Option<Value>>,
}

impl Session {
    /// A session.
    #[must_use]
    pub fn new(
        transport: Arc<dyn Transport>,
        journal: Arc<Journal>,
        mapping: Arc<Mapping>,
        seed: u64,
        spc: Option<Value>,
        auth_hint: String,
    ) -> Self {
        let prefix = crate::journal::prefix_for(journal.run_id());
        Self {
            transport,
            journal,
            prefix,
            mapping,
            seed,
            spc,
            auth_hint,
            counter: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            header_refusal: Mutex::new(None),
            schemas: tokio::sync::OnceCell::new(),
            resource_types: tokio::sync::OnceCell::new(),
        }
    }

    /// A discovery document (`/Schemas`, `/ResourceTypes`, RFC 7644 §4), read once per run;
    /// `None` when the endpoint does not serve it as JSON.
    async fn discovery(
        &self,
        cell: &tokio::sync::OnceCell<Option<Value>>,
        path: &str,
    ) -> Option<Value> {
        cell.get_or_init(|| async {
            match self.transport.send(WireRequest::new("GET", path)).await {
                Ok(r) if r.status == 200 => r.json(),
                _ => None,
            }
        })
        .await
        .clone()
    }

    /// Whether the endpoint offers the core User attribute `attr` (RFC 7643 §4.1), as its
    /// `/Schemas` says. An endpoint without a readable `/Schemas`, or whose `/Schemas` does not
    /// describe the core User schema, is assumed to offer it.
    pub async fn offers_user_attr(&self, attr: &str) -> bool {
        let Some(doc) = self.discovery(&self.schemas, "/Schemas").await else {
            return true;
        };
        let items = listed(&doc).map_or_else(
            || doc.as_array().cloned().unwrap_or_default(),
            |l| l.resources,
        );
        let Some(user) = items
            .iter()
            .find(|s| id_of(s).as_deref() == Some(scim2_types::urn::USER))
        else {
            return true;
        };
        get_ci(user, "attributes")
            .and_then(Value::as_array)
            .is_none_or(|attrs| {
                attrs.iter().any(|a| {
                    get_ci(a, "name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case(attr))
                })
            })
    }

    /// Whether `/ResourceTypes` declares the schema extension `urn` for the User resource type
    /// (RFC 7643 §6 `schemaExtensions`); `None` when it cannot be read.
    pub async fn declares_user_extension(&self, urn: &str) -> Option<bool> {
        let doc = self
            .discovery(&self.resource_types, "/ResourceTypes")
            .await?;
        let items = listed(&doc).map_or_else(
            || doc.as_array().cloned().unwrap_or_default(),
            |l| l.resources,
        );
        let user = items.iter().find(|t| {
            get_ci(t, "name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case("User"))
        })?;
        Some(
            get_ci(user, "schemaExtensions")
                .and_then(Value::as_array)
                .is_some_and(|exts| {
                    exts.iter()
                        .any(|e| get_ci(e, "schema").and_then(Value::as_str) == Some(urn))
                }),
        )
    }

    /// Requests sent so far.
    #[must_use]
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Requests that change state (POST, PUT, PATCH, DELETE) sent so far.
    #[must_use]
    pub fn write_count(&self) -> u64 {
        self.writes.load(Ordering::Relaxed)
    }

    /// Records that the endpoint refuses requests without `Accept`/`User-Agent` (found by the
    /// Test Connection checks): later 403s are then that refusal, not a credentials problem.
    pub fn note_header_refusal(&self, what: String) {
        self.header_refusal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_or_insert(what);
    }

    /// Whether `/ServiceProviderConfig` says the capability is unsupported (`supported: false`).
    /// An endpoint without `/ServiceProviderConfig` is assumed capable.
    #[must_use]
    pub fn lacks(&self, cap: Capability) -> bool {
        self.spc
            .as_ref()
            .and_then(|s| get_ci(s, cap.member()))
            .and_then(|m| get_ci(m, "supported"))
            .is_some_and(|v| {
                v == &Value::Bool(false)
                    || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
            })
    }
}

/// The per-check context.
#[derive(Clone)]
pub struct Cx(Arc<CxInner>);

struct CxInner {
    session: Arc<Session>,
    transcript: Mutex<Vec<Exchange>>,
    notes: Mutex<Vec<String>>,
    rng: Mutex<StdRng>,
    /// The check's place in the run and the number of checks, when [`Cx::numbered`] made it.
    place: Option<(u64, u64)>,
    /// Names [`Cx::unique`] made so far (with `place`).
    names: AtomicU64,
}

/// A parsed response: status, JSON body when there is one.
#[derive(Debug, Clone)]
pub struct Resp {
    /// The raw response.
    pub wire: WireResponse,
    /// The body as JSON, if it parsed.
    pub json: Option<Value>,
    /// The URL (for messages).
    pub url: String,
    /// The request method (for messages).
    pub method: String,
}

impl Resp {
    /// Status code.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.wire.status
    }

    /// The JSON body or a failure naming what came instead.
    ///
    /// # Errors
    /// [`CheckError::Fail`] when the body is not JSON.
    pub fn body(&self) -> Result<&Value, CheckError> {
        self.json.as_ref().ok_or_else(|| {
            CheckError::Fail(format!(
                "{} answered {} without a JSON body (Content-Type {:?})",
                self.url,
                self.status(),
                self.wire.header("content-type").unwrap_or("none")
            ))
        })
    }

    /// Whether the Content-Type is a JSON media type (`application/scim+json` or
    /// `application/json`, any parameters): both are accepted (RFC 7644 §3.1, §8.1).
    #[must_use]
    pub fn is_json_type(&self) -> bool {
        self.wire.header("content-type").is_some_and(|ct| {
            let mt = ct.split(';').next().unwrap_or("").trim();
            mt.eq_ignore_ascii_case("application/scim+json")
                || mt.eq_ignore_ascii_case("application/json")
        })
    }
}

impl Cx {
    /// A context for check `check_id`; its random values depend only on the seed and the id.
    #[must_use]
    pub fn new(session: Arc<Session>, check_id: &'static str) -> Self {
        let mut h = DefaultHasher::new();
        check_id.hash(&mut h);
        let rng = StdRng::seed_from_u64(session.seed ^ h.finish());
        Self(Arc::new(CxInner {
            session,
            transcript: Mutex::new(Vec::new()),
            notes: Mutex::new(Vec::new()),
            rng: Mutex::new(rng),
            place: None,
            names: AtomicU64::new(0),
        }))
    }

    /// A context for check `check_id`, the `index`-th (0-based) of the `of` checks of a run:
    /// its names ([`Cx::unique`]) are numbered by the check's place, not by a run-wide counter,
    /// so they do not depend on the order in which checks running at the same time create
    /// them (`--concurrency`), and no two checks of the run share one.
    #[must_use]
    pub fn numbered(
        session: Arc<Session>,
        check_id: &'static str,
        index: usize,
        of: usize,
    ) -> Self {
        let mut cx = Self::new(session, check_id);
        if let Some(inner) = Arc::get_mut(&mut cx.0) {
            let of = of.max(index + 1);
            inner.place = Some((index as u64, of as u64));
        }
        cx
    }

    /// The session.
    #[must_use]
    pub fn session(&self) -> &Session {
        &self.0.session
    }

    /// Takes the transcript and notes recorded so far.
    #[must_use]
    pub fn finish(&self) -> (Vec<Exchange>, Vec<String>) {
        let t = std::mem::take(
            &mut *self
                .0
                .transcript
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let n = std::mem::take(&mut *self.0.notes.lock().unwrap_or_else(PoisonError::into_inner));
        (t, n)
    }

    /// Records an observation for the report.
    pub fn note(&self, text: impl Into<String>) {
        self.0
            .notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(text.into());
    }

    /// A run-unique name: `<prefix>-<slug><n>`. For a context made by [`Cx::numbered`] (check
    /// `index` of `of`), the `k`-th name has `n = k × of + index`; otherwise `n` comes from a
    /// run-wide counter.
    #[must_use]
    pub fn unique(&self, slug: &str) -> String {
        let n = match self.0.place {
            Some((index, of)) => self
                .0
                .names
                .fetch_add(1, Ordering::Relaxed)
                .saturating_mul(of)
                .saturating_add(index),
            None => self.0.session.counter.fetch_add(1, Ordering::Relaxed),
        };
        format!("{}-{slug}{n}", self.0.session.prefix)
    }

    /// A random GUID from the check's seeded generator.
    #[must_use]
    pub fn guid(&self) -> String {
        let mut rng = self.0.rng.lock().unwrap_or_else(PoisonError::into_inner);
        uuid::Builder::from_random_bytes(rand::RngExt::random(&mut *rng))
            .into_uuid()
            .to_string()
    }

    /// A person with a run-unique base name.
    #[must_use]
    pub fn person(&self, slug: &str) -> Person {
        let base = self.unique(slug);
        let mut rng = self.0.rng.lock().unwrap_or_else(PoisonError::into_inner);
        Person::generate(&base, &mut *rng)
    }

    /// Sends a request and records it, without interpreting the status.
    ///
    /// # Errors
    /// [`CheckError::Abort`] when no response arrived; [`CheckError::Error`] when refused locally.
    pub async fn send_raw(&self, req: WireRequest) -> Result<Resp, CheckError> {
        let s = &self.0.session;
        s.requests.fetch_add(1, Ordering::Relaxed);
        if req.is_write() {
            s.writes.fetch_add(1, Ordering::Relaxed);
        }
        let url = format!("{}{}", s.transport.base_url(), req.path);
        let method = req.method.clone();
        let (result, ex) = send_recorded(s.transport.as_ref(), req).await;
        self.0
            .transcript
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(ex);
        match result {
            Ok(wire) => {
                let json = wire.json();
                Ok(Resp {
                    wire,
                    json,
                    url,
                    method,
                })
            }
            Err(TransportError::Refused(r)) => Err(CheckError::Error(r)),
            Err(e) => Err(CheckError::Abort(Abort::Unreachable(
                crate::diagnose::with_advice(&e.to_string()),
            ))),
        }
    }

    /// Sends a request; 401 and 403 stop the run (exit 3).
    ///
    /// # Errors
    /// As [`Cx::send_raw`], and [`CheckError::Abort`] on 401/403.
    pub async fn send(&self, req: WireRequest) -> Result<Resp, CheckError> {
        let r = self.send_raw(req).await?;
        self.auth_gate(&r)?;
        Ok(r)
    }

    /// Turns 401/403 into the run-stopping error.
    ///
    /// # Errors
    /// [`CheckError::Abort`] for 401/403.
    pub fn auth_gate(&self, r: &Resp) -> Result<(), CheckError> {
        match r.status() {
            401 => Err(CheckError::Abort(Abort::Unauthorized {
                url: r.url.clone(),
                hint: self.0.session.auth_hint.clone(),
            })),
            403 => match self
                .0
                .session
                .header_refusal
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
            {
                Some(what) => Err(CheckError::Fail(format!("{} answered 403: {what}", r.url))),
                None => Err(CheckError::Abort(Abort::Forbidden {
                    method: r.method.clone(),
                    url: r.url.clone(),
                    body: crate::diagnose::excerpt(&r.wire.body),
                })),
            },
            _ => Ok(()),
        }
    }

    /// `GET path` with Entra's usual headers.
    ///
    /// # Errors
    /// As [`Cx::send`].
    pub async fn get(&self, path: &str) -> Result<Resp, CheckError> {
        self.send(WireRequest::new("GET", path)).await
    }

    /// A filtered list query, `GET /Users?filter=…[&extra]`, answered with a ListResponse.
    ///
    /// # Errors
    /// Fails unless the answer is 200 with a ListResponse.
    pub async fn query(
        &self,
        kind: ResourceKind,
        filter: &str,
        extra: &str,
    ) -> Result<Listed, CheckError> {
        let mut path = format!("{}?", kind.endpoint());
        if !extra.is_empty() {
            path.push_str(extra);
            path.push('&');
        }
        path.push_str("filter=");
        path.push_str(&enc(filter));
        let r = self.get(&path).await?;
        ensure!(
            r.status() == 200,
            "GET {} answered {} (expected 200 with a ListResponse)",
            r.url,
            r.status()
        );
        listed(r.body()?)
            .ok_or_else(|| CheckError::Fail(format!("GET {} did not return a ListResponse", r.url)))
    }

    /// `GET /Users/{id}` (or Groups); `None` on 404.
    ///
    /// # Errors
    /// Fails on a status other than 200/404 or a non-JSON 200.
    pub async fn read(
        &self,
        kind: ResourceKind,
        id: &str,
        query: &str,
    ) -> Result<Option<Value>, CheckError> {
        let q = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        let r = self
            .get(&format!("{}/{}{q}", kind.endpoint(), enc_path(id)))
            .await?;
        match r.status() {
            200 => Ok(Some(r.body()?.clone())),
            404 => Ok(None),
            s => fail!("GET {} answered {s}", r.url),
        }
    }

    /// `POST` a resource body; expects 201 (200 noted), journals the id, returns the resource.
    ///
    /// # Errors
    /// Fails unless the endpoint created the resource and returned its `id`.
    pub async fn create(
        &self,
        kind: ResourceKind,
        body: &Value,
        name: &str,
    ) -> Result<Value, CheckError> {
        let r = self
            .send(WireRequest::new("POST", kind.endpoint()).scim_json(body))
            .await?;
        ensure!(
            r.status() == 201 || r.status() == 200,
            "POST {} answered {} (expected 201 Created){}",
            r.url,
            r.status(),
            error_detail(r.json.as_ref())
        );
        let created = r.body()?.clone();
        let Some(id) = id_of(&created) else {
            fail!("POST {} answered {} without an id", r.url, r.status())
        };
        self.0.session.journal.created(kind, &id, name);
        if r.status() == 200 {
            self.note(format!(
                "POST {} answered 200; RFC 7644 §3.3 and Entra's validator expect 201",
                r.url
            ));
        }
        Ok(created)
    }

    /// Creates a user from the mapping (manager row filled when `manager` is given), as the
    /// check's subject: a refused create fails the check. Returns `(id, body sent, person)`.
    ///
    /// # Errors
    /// As [`Cx::create`].
    pub async fn create_user_subject(
        &self,
        slug: &str,
        manager: Option<&str>,
    ) -> Result<(String, Value, Person), CheckError> {
        let p = self.person(slug);
        let body = self.0.session.mapping.user_body(&p, manager);
        let created = self
            .create(ResourceKind::User, &body, &p.user_name())
            .await?;
        Ok((id_of(&created).unwrap_or_default(), body, p))
    }

    /// Creates a user from the mapping as a prerequisite of the check (the subject is what
    /// follows): a refused create ends the check as not reached (`entra.user.create` judges the
    /// create itself). Returns `(id, body sent, person)`.
    ///
    /// # Errors
    /// As [`Cx::create`], with failures turned into [`not_reached`] skips.
    pub async fn create_user(
        &self,
        slug: &str,
        manager: Option<&str>,
    ) -> Result<(String, Value, Person), CheckError> {
        self.create_user_subject(slug, manager)
            .await
            .map_err(|e| not_reached("creating a user with the mapping", e))
    }

    /// Creates a minimal user for group membership and manager references, as a prerequisite:
    /// userName, name (Entra's default mapping always sends givenName, familyName and
    /// formatted), active, externalId, displayName.
    ///
    /// # Errors
    /// As [`Cx::create`], with failures turned into [`not_reached`] skips.
    pub async fn create_plain_user(&self, slug: &str) -> Result<(String, String), CheckError> {
        let base = self.unique(slug);
        let user_name = format!("{base}@example.com");
        let body = serde_json::json!({
            "schemas": [scim2_types::urn::USER],
            "externalId": base,
            "userName": user_name,
            "name": {"givenName": "Test", "familyName": base, "formatted": format!("Test {base}")},
            "active": true,
            "displayName": base,
            "meta": {"resourceType": "User"},
        });
        let created = self
            .create(ResourceKind::User, &body, &user_name)
            .await
            .map_err(|e| not_reached("creating a helper user", e))?;
        Ok((id_of(&created).unwrap_or_default(), user_name))
    }

    /// Creates a group in Entra's shape (`members: []`) as a prerequisite; returns
    /// `(id, displayName)`.
    ///
    /// # Errors
    /// As [`Cx::create`], with failures turned into [`not_reached`] skips.
    pub async fn create_group(&self, slug: &str) -> Result<(String, String), CheckError> {
        self.create_group_subject(slug)
            .await
            .map_err(|e| not_reached("creating a group", e))
    }

    /// Creates a group in Entra's shape (`members: []`) as the check's subject; returns
    /// `(id, displayName)`.
    ///
    /// # Errors
    /// As [`Cx::create`].
    pub async fn create_group_subject(&self, slug: &str) -> Result<(String, String), CheckError> {
        let name = self.unique(slug);
        let body = serde_json::json!({
            "schemas": [scim2_types::urn::GROUP],
            "externalId": self.guid(),
            "displayName": name,
            "members": [],
            "meta": {"resourceType": "Group"},
        });
        let created = self.create(ResourceKind::Group, &body, &name).await?;
        Ok((id_of(&created).unwrap_or_default(), name))
    }

    /// `PATCH` with a PatchOp body; accepts 200 (with or without the resource) and 204.
    ///
    /// # Errors
    /// Fails on any other status.
    pub async fn patch(
        &self,
        kind: ResourceKind,
        id: &str,
        ops: Value,
    ) -> Result<Resp, CheckError> {
        let body = serde_json::json!({
            "schemas": [scim2_types::urn::PATCH_OP],
            "Operations": ops,
        });
        let r = self
            .send(
                WireRequest::new("PATCH", format!("{}/{}", kind.endpoint(), enc_path(id)))
                    .scim_json(&body),
            )
            .await?;
        ensure!(
            r.status() == 200 || r.status() == 204,
            "PATCH {} answered {} (expected 200 or 204){}",
            r.url,
            r.status(),
            error_detail(r.json.as_ref())
        );
        Ok(r)
    }

    /// `DELETE`; journals the deletion on 204/200/404; returns the response.
    ///
    /// # Errors
    /// As [`Cx::send`].
    pub async fn delete(&self, kind: ResourceKind, id: &str) -> Result<Resp, CheckError> {
        let r = self
            .send(WireRequest::new(
                "DELETE",
                format!("{}/{}", kind.endpoint(), enc_path(id)),
            ))
            .await?;
        if matches!(r.status(), 200 | 204 | 404) {
            self.0.session.journal.deleted(kind, id);
        }
        Ok(r)
    }
}

/// The prefix of the detail of a check whose prerequisite failed.
pub const NOT_REACHED: &str = "not reached: ";

/// Turns the failure of a prerequisite step into a skip that says so, so that the check's
/// subject is not reported as broken when something before it failed (the check that has that
/// step as its subject reports it). Other errors pass through.
#[must_use]
pub fn not_reached(step: &str, e: CheckError) -> CheckError {
    match e {
        CheckError::Fail(m) => CheckError::Skip(format!("{NOT_REACHED}{step} failed: {m}")),
        other => other,
    }
}

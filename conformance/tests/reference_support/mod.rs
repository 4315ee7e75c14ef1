//! Shared helpers of the reference endpoint's tests: in-process requests with
//! `tower::ServiceExt::oneshot`, and Entra-shaped bodies.
#![allow(dead_code, missing_docs, clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request};
use scim2_conformance::reference::{Fault, Reference, ReferenceConfig};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const BASE: &str = "/scim/v2";
pub const SCIM_JSON_CHARSET: &str = "application/scim+json; charset=utf-8";
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

#[derive(Clone)]
pub struct Api {
    pub reference: Reference,
    router: axum::Router,
    /// Headers sent on every request (none by default: Entra's Test Connection sends neither
    /// Accept nor User-Agent).
    pub defaults: Vec<(&'static str, &'static str)>,
    /// The Content-Type of JSON bodies.
    pub content_type: &'static str,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn is_scim_json(&self) -> bool {
        self.header("content-type")
            .is_some_and(|c| c.starts_with("application/scim+json"))
    }

    /// The `Resources` of a ListResponse.
    pub fn resources(&self) -> Vec<Value> {
        self.body["Resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn ids(&self) -> Vec<String> {
        self.resources()
            .iter()
            .map(|r| r["id"].as_str().unwrap_or("").to_owned())
            .collect()
    }
}

impl Api {
    pub fn new(faults: &[Fault]) -> Self {
        Self::with_config(ReferenceConfig::default().with_faults(faults.iter().copied()))
    }

    pub fn with_config(config: ReferenceConfig) -> Self {
        let reference = Reference::new(config);
        let router = reference.router();
        Self {
            reference,
            router,
            defaults: Vec::new(),
            content_type: SCIM_JSON_CHARSET,
        }
    }

    /// A client that sends Accept and User-Agent and a plain `application/scim+json`, so that
    /// only the request under test depends on those headers.
    #[must_use]
    pub fn polite(mut self) -> Self {
        self.defaults = vec![
            ("accept", "application/scim+json"),
            ("user-agent", "reference-tests"),
        ];
        self.content_type = "application/scim+json";
        self
    }

    /// Sends a request with the default headers and `headers`.
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let mut all: Vec<(&str, &str)> = self
            .defaults
            .iter()
            .filter(|(k, _)| !headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(k)))
            .copied()
            .collect();
        all.extend_from_slice(headers);
        self.send_bare(method, uri, &all, body).await
    }

    /// Sends a request with exactly the headers given.
    pub async fn send_bare(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(body.map_or_else(Body::empty, Body::from)).unwrap();
        let response = self.router.clone().oneshot(req).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            body,
        }
    }

    /// A request the way Entra sends it: JSON body as `application/scim+json; charset=utf-8`.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let uri = format!("{BASE}{path}");
        match body {
            Some(b) => {
                self.send(
                    method,
                    &uri,
                    &[("content-type", self.content_type)],
                    Some(serde_json::to_vec(&b).unwrap()),
                )
                .await
            }
            None => self.send(method, &uri, &[], None).await,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.call(Method::DELETE, path, None).await
    }

    /// Creates a user and returns its id (panics unless 201).
    pub async fn create_user(&self, body: Value) -> String {
        let r = self.post("/Users", body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_group(&self, body: Value) -> String {
        let r = self.post("/Groups", body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn simple_user(&self, user_name: &str) -> String {
        self.create_user(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": user_name,
            "active": true
        }))
        .await
    }

    pub async fn simple_group(&self, name: &str, members: &[&str]) -> String {
        let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
        self.create_group(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": name,
            "members": members
        }))
        .await
    }

    pub async fn member_ids(&self, group: &str) -> Vec<String> {
        let r = self.get(&format!("/Groups/{group}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["members"]
            .as_array()
            .map(|m| {
                m.iter()
                    .map(|e| e["value"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Entra's default user mapping (docs/entra.md#default-mapping, 22 rows) in its POST body shape.
pub fn entra_user(user_name: &str, manager: Option<&str>) -> Value {
    let mut enterprise = json!({
        "employeeNumber": "E-1001",
        "department": "Research & Development"
    });
    if let Some(m) = manager {
        enterprise["manager"] = json!({"value": m});
    }
    json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            ENTERPRISE
        ],
        "externalId": format!("nick-{user_name}"),
        "userName": user_name,
        "active": true,
        "displayName": "Ada Lovelace",
        "title": "Analyst",
        "preferredLanguage": "en-GB",
        "emails": [{"primary": true, "type": "work", "value": format!("ada.{user_name}")}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ada Lovelace", "familyName": "Lovelace", "givenName": "Ada"},
        "addresses": [{
            "type": "work",
            "formatted": "Building 7",
            "streetAddress": "12 St James's Square",
            "locality": "London",
            "region": "Greater London",
            "postalCode": "SW1Y 4JH",
            "country": "GB"
        }],
        "phoneNumbers": [
            {"type": "work", "value": "+44 20 7946 0000"},
            {"type": "mobile", "value": "+44 7700 900000"},
            {"type": "fax", "value": "+44 20 7946 0001"}
        ],
        "roles": [],
        ENTERPRISE: enterprise
    })
}

pub fn patch_op(ops: Value) -> Value {
    let mut body = serde_json::Map::new();
    body.insert(
        "schemas".to_owned(),
        json!(["urn:ietf:params:scim:api:messages:2.0:PatchOp"]),
    );
    body.insert("Operations".to_owned(), ops);
    Value::Object(body)
}

//! The raw escape hatch: requests in an exact wire form, responses as bytes.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::Error;
use crate::decode;

/// A request sent exactly as described, through the client's auth, retries, rate limit and
/// observer (see [`Client::send_raw`](crate::Client::send_raw)).
///
/// By default it carries the client's `Accept: application/scim+json, application/json`, its
/// `User-Agent` and, when there is a body, `Content-Type: application/scim+json`; each can be
/// replaced with [`RawRequest::header`] or left out entirely.
///
/// ```
/// use http::Method;
/// use scim2_client::RawRequest;
/// // Entra ID's first call: form-encoded filter, no Accept, no User-Agent.
/// let req = RawRequest::new(Method::GET, "/Users")
///     .query("filter=userName+eq+%22x%22")
///     .without_accept()
///     .without_user_agent();
/// assert_eq!(req.query.as_deref(), Some("filter=userName+eq+%22x%22"));
/// ```
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// The method.
    pub method: Method,
    /// The path relative to the base URL (`/Users/123`), used as percent-encoded text.
    pub path: String,
    /// The query string without `?`, sent verbatim (characters not allowed in a query are
    /// percent-encoded, nothing else is touched).
    pub query: Option<String>,
    /// The body bytes, sent as given.
    pub body: Option<Bytes>,
    /// Headers to add, replacing the client's defaults of the same name.
    pub headers: HeaderMap,
    /// Send no `Accept` header at all.
    pub omit_accept: bool,
    /// Send no `User-Agent` header at all.
    pub omit_user_agent: bool,
    /// Whether the request may be repeated safely; `None` decides from the method (GET, HEAD,
    /// PUT, DELETE and OPTIONS are; POST and PATCH are not).
    pub idempotent: Option<bool>,
}

impl RawRequest {
    /// A request with the given method and relative path.
    #[must_use]
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: None,
            body: None,
            headers: HeaderMap::new(),
            omit_accept: false,
            omit_user_agent: false,
            idempotent: None,
        }
    }

    /// Sets the raw query string (without `?`).
    #[must_use]
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    /// Sets the raw body bytes.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Adds a header, replacing a default of the same name (`Content-Type:
    /// application/scim+json; charset=utf-8`, say).
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Leaves out the `Accept` header.
    #[must_use]
    pub fn without_accept(mut self) -> Self {
        self.omit_accept = true;
        self
    }

    /// Leaves out the `User-Agent` header.
    #[must_use]
    pub fn without_user_agent(mut self) -> Self {
        self.omit_user_agent = true;
        self
    }

    /// Declares whether the request may be retried after it may have reached the server.
    #[must_use]
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = Some(yes);
        self
    }
}

/// A response of any status, with its body bytes (read up to the size limit).
///
/// Built by the client only; non-exhaustive so that fields can be added.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// The method of the request.
    pub method: Method,
    /// The URL of the request.
    pub url: Url,
    /// The status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The number of attempts made (1 when there was no retry).
    pub attempts: u32,
}

impl RawResponse {
    /// The body decoded as JSON into `T`.
    ///
    /// # Errors
    /// [`Error::Decode`] with the JSON path and an excerpt.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode::json(&self.method, &self.url, &self.body)
    }

    /// The body as text (invalid UTF-8 replaced).
    #[must_use]
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `Content-Type` header, if it is readable text.
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }
}

//! A SCIM request as the core sees it: no sockets, no framework types beyond `http`'s.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};

/// One HTTP request to the SCIM API (RFC 7644 §3), with its path relative to the SCIM base
/// (`/Users/2819c223`, not `/scim/v2/Users/2819c223`).
///
/// ```
/// use scim2_server::ScimRequest;
/// use http::{Method, header};
///
/// let req = ScimRequest::new(Method::GET, "/Users")
///     .with_query(r#"filter=userName eq "bjensen""#)
///     .with_header(header::ACCEPT, "application/scim+json".parse()?)
///     .with_base_url("https://example.com/scim/v2");
/// assert_eq!(req.path, "/Users");
/// # Ok::<(), http::header::InvalidHeaderValue>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ScimRequest {
    /// The method.
    pub method: Method,
    /// The path below the SCIM base, percent-encoded as received (`/Users/abc`).
    pub path: String,
    /// The raw query string without `?` (`filter=…&count=10`), if any.
    pub query: Option<String>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The body (empty when there is none).
    pub body: Bytes,
    /// The absolute SCIM base URL as the client addressed it (`https://host/scim/v2`), for
    /// `meta.location` and `Location`; empty for relative locations (`/Users/abc`).
    pub base_url: String,
}

impl ScimRequest {
    /// A request without query, headers or body.
    #[must_use]
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: None,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            base_url: String::new(),
        }
    }

    /// This request with the raw query string `query` (without `?`).
    #[must_use]
    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    /// This request with the header `name: value` (replacing an earlier one).
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// This request with `headers` (replacing all headers).
    #[must_use]
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// This request with a body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// This request with a JSON body (`Content-Type` is not set: both media types are read).
    #[must_use]
    pub fn with_json(self, body: &serde_json::Value) -> Self {
        self.with_body(body.to_string())
    }

    /// This request addressed at the SCIM base `base_url` (`https://host/scim/v2`).
    #[must_use]
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The value of header `name` as text, if present and visible ASCII.
    pub(crate) fn header(&self, name: &HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

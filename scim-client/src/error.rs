//! The client's error type.

use std::fmt;
use std::time::Duration;

use http::{Method, StatusCode};
use scim2_types::ScimType;

/// Everything that can go wrong in a client call. Messages are written for a person.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The base URL given to the builder is unusable.
    #[error("invalid SCIM base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The text given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A relative resource path or id cannot be joined onto the base URL.
    #[error("invalid resource path {0:?}")]
    InvalidPath(String),
    /// A builder setting or request header is invalid.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The OAuth token endpoint did not issue an access token (the message never contains
    /// the client secret or a token).
    #[error("could not get an access token from {url}: {detail}")]
    TokenEndpoint {
        /// The token endpoint.
        url: String,
        /// What went wrong (the endpoint's `error` and `error_description`, RFC 6749 §5.2).
        detail: String,
    },
    /// A secret could not be read (the message never contains the secret).
    #[error("could not read the secret from {source_name}: {reason}")]
    Secret {
        /// Where it was read from (`environment variable X`, `file Y`).
        source_name: String,
        /// Why it failed.
        reason: String,
    },
    /// The endpoint answered with an error status (anything but 2xx, other than 412).
    #[error("{0}")]
    Response(Box<ResponseError>),
    /// The endpoint answered 412 Precondition Failed: the `If-Match` version is stale
    /// (RFC 7644 §3.14).
    #[error("{0}")]
    PreconditionFailed(Box<ResponseError>),
    /// A success response could not be decoded into the expected type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// A success response came with a non-JSON content type.
    #[error(
        "{method} {url} answered {status} with Content-Type {content_type:?} instead of \
         application/scim+json; body starts: {excerpt}"
    )]
    UnexpectedContentType {
        /// The request method.
        method: Method,
        /// The request URL.
        url: String,
        /// The response status.
        status: StatusCode,
        /// The `Content-Type` received.
        content_type: String,
        /// The start of the body.
        excerpt: String,
    },
    /// The whole request (including reading the body) took longer than the timeout.
    #[error("{method} {url} timed out after {after:?} (the endpoint did not answer in time)")]
    Timeout {
        /// The request method.
        method: Method,
        /// The request URL.
        url: String,
        /// The timeout that elapsed.
        after: Duration,
    },
    /// No connection could be made; the request never reached the server.
    #[error("could not connect to {host}: {detail}")]
    Connect {
        /// The host (and port) named in the URL.
        host: String,
        /// The underlying cause, as text.
        detail: String,
    },
    /// The connection failed after it was made (reset, closed early, TLS failure...).
    #[error("the connection to {host} failed during {method} {url}: {detail}")]
    Transport {
        /// The host (and port) named in the URL.
        host: String,
        /// The request method.
        method: Method,
        /// The request URL.
        url: String,
        /// The underlying cause, as text.
        detail: String,
    },
    /// The response body exceeded the configured maximum size; reading stopped there.
    #[error(
        "the response body of {method} {url} is larger than the limit of {limit} bytes \
         (see ClientBuilder::max_body_bytes)"
    )]
    BodyTooLarge {
        /// The request method.
        method: Method,
        /// The request URL.
        url: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// Pagination stopped because the endpoint returned the same page again.
    #[error(
        "pagination loop at {url}: asked for startIndex={start_index} but got the page that \
         started at {previous_start} again; the endpoint probably ignores startIndex"
    )]
    PaginationLoop {
        /// The URL of the page that repeated.
        url: String,
        /// The startIndex requested.
        start_index: u64,
        /// The startIndex of the earlier, identical page.
        previous_start: u64,
    },
    /// A request body could not be serialized.
    #[error("could not encode the request body as JSON: {0}")]
    Encode(#[source] serde_json::Error),
    /// A look-up that expects at most one resource found several.
    #[error("{count} resources at {endpoint} match {filter}; expected at most one")]
    AmbiguousMatch {
        /// The endpoint searched (`/Users`).
        endpoint: &'static str,
        /// The filter, as SCIM text.
        filter: String,
        /// How many matched.
        count: u64,
    },
    /// A call needs the resource's `id`, and it has none.
    #[error("the {resource_type} has no id; it must be created (or read) before this call")]
    MissingId {
        /// The resource type name (`User`).
        resource_type: &'static str,
    },
    /// An `If-Match` call needs `meta.version`, and the resource has none.
    #[error("the {resource_type} has no meta.version to send as If-Match")]
    MissingVersion {
        /// The resource type name (`User`).
        resource_type: &'static str,
    },
}

impl Error {
    /// The HTTP status of an error response, if this is one.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    /// The error response, for [`Error::Response`] and [`Error::PreconditionFailed`].
    #[must_use]
    pub fn response(&self) -> Option<&ResponseError> {
        match self {
            Self::Response(r) | Self::PreconditionFailed(r) => Some(r),
            _ => None,
        }
    }

    /// The SCIM `scimType` of an error response, when the body carried one.
    #[must_use]
    pub fn scim_type(&self) -> Option<&ScimType> {
        self.response().and_then(|r| r.scim_type.as_ref())
    }
}

/// An error status from the endpoint (RFC 7644 §3.12), with what the body said.
///
/// Built by the client, or with [`ResponseError::new`]; non-exhaustive so that fields can be
/// added.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseError {
    /// The request method.
    pub method: Method,
    /// The request URL.
    pub url: String,
    /// The HTTP status.
    pub status: StatusCode,
    /// The `scimType` of a SCIM Error body.
    pub scim_type: Option<ScimType>,
    /// The `detail` of a SCIM Error body.
    pub detail: Option<String>,
    /// The start of the body when it was not a SCIM Error (an HTML error page...).
    pub body_excerpt: Option<String>,
    /// The `Retry-After` the endpoint asked for, if any.
    pub retry_after: Option<Duration>,
    /// The `Location` of a redirect (3xx), if any. Redirects are not followed.
    pub location: Option<String>,
    /// How many attempts were made.
    pub attempts: u32,
}

impl ResponseError {
    /// An error status with nothing else known: no SCIM body, one attempt. Custom
    /// [`Transport`](crate::Transport)s, observers and tests build one with this and the
    /// `with_*` methods; the client fills every field itself.
    ///
    /// ```
    /// use scim2_client::ResponseError;
    /// use scim2_client::http::{Method, StatusCode};
    ///
    /// let e = ResponseError::new(Method::GET, "https://scim.example.com/Users", StatusCode::FORBIDDEN)
    ///     .with_detail("Source IP 203.0.113.7 is not allowed");
    /// assert_eq!(e.detail.as_deref(), Some("Source IP 203.0.113.7 is not allowed"));
    /// assert!(e.to_string().starts_with("GET https://scim.example.com/Users answered 403"));
    /// ```
    #[must_use]
    pub fn new(method: Method, url: impl Into<String>, status: StatusCode) -> Self {
        Self {
            method,
            url: url.into(),
            status,
            scim_type: None,
            detail: None,
            body_excerpt: None,
            retry_after: None,
            location: None,
            attempts: 1,
        }
    }

    /// The same error with the SCIM Error body's `detail`.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The same error with the SCIM Error body's `scimType`.
    #[must_use]
    pub fn with_scim_type(mut self, scim_type: ScimType) -> Self {
        self.scim_type = Some(scim_type);
        self
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = self.status.canonical_reason().unwrap_or("");
        write!(
            f,
            "{} {} answered {} {reason}",
            self.method,
            self.url,
            self.status.as_u16()
        )?;
        let hint = match self.status.as_u16() {
            401 => Some(
                "the endpoint refused the credentials: the token may have expired, been revoked, \
                 or be meant for another endpoint",
            ),
            403 => Some(
                "the credentials were not allowed to do this: check the token's permissions, and \
                 whether the endpoint only admits callers from an IP allowlist",
            ),
            404 => Some("no such resource or endpoint (check the id and the base URL)"),
            412 => Some(
                "the resource changed since its version was read (the If-Match ETag is stale); \
                 read it again and retry",
            ),
            429 => Some("the endpoint is rate limiting this client"),
            _ => None,
        };
        if let Some(h) = hint {
            write!(f, ": {h}")?;
        }
        if self.status.is_redirection() {
            write!(
                f,
                ": the endpoint redirects, and redirects are not followed"
            )?;
            if let Some(l) = &self.location {
                write!(f, "; use {l} (the Location given) in the base URL")?;
            }
        }
        if let Some(t) = &self.scim_type {
            write!(f, "; scimType {t}")?;
        }
        if let Some(d) = &self.detail {
            write!(f, "; detail: {d}")?;
        }
        if let Some(b) = &self.body_excerpt {
            write!(f, "; body: {b}")?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

/// A success response whose body did not match the expected type.
///
/// Built by the client, or with [`ResponseError::new`]; non-exhaustive so that fields can be
/// added.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The request method.
    pub method: Method,
    /// The request URL.
    pub url: String,
    /// The JSON path of the failure (`Resources[3].emails[0].primary`), `.` for the root.
    pub path: String,
    /// What serde said.
    pub message: String,
    /// The body around the failure.
    pub excerpt: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not read the response of {} {} at {}: {}; near: {}",
            self.method, self.url, self.path, self.message, self.excerpt
        )
    }
}

/// At most this many characters of a body go into an error message.
pub(crate) const EXCERPT_CHARS: usize = 300;

/// A printable excerpt of `body` starting at byte `from`: lossy UTF-8, control characters as
/// spaces, cut at [`EXCERPT_CHARS`] with an ellipsis.
pub(crate) fn excerpt(body: &[u8], from: usize) -> String {
    let start = from.min(body.len());
    let end = body.len().min(start.saturating_add(EXCERPT_CHARS * 4));
    let text = String::from_utf8_lossy(&body[start..end]);
    let mut out: String = text
        .chars()
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if text.chars().count() > EXCERPT_CHARS || end < body.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16) -> ResponseError {
        ResponseError {
            method: Method::GET,
            url: "http://h/Users".into(),
            status: StatusCode::from_u16(status).unwrap(),
            scim_type: None,
            detail: None,
            body_excerpt: None,
            retry_after: None,
            location: None,
            attempts: 1,
        }
    }

    #[test]
    fn messages_for_people() {
        let m = Error::Response(Box::new(response(401))).to_string();
        assert!(m.contains("401") && m.contains("expired"), "{m}");
        let m = Error::Response(Box::new(response(403))).to_string();
        assert!(m.contains("IP allowlist"), "{m}");
        let m = Error::Connect {
            host: "scim.example.com:443".into(),
            detail: "connection refused".into(),
        }
        .to_string();
        assert!(m.contains("scim.example.com"), "{m}");
    }

    #[test]
    fn excerpts_are_bounded() {
        let body = "x".repeat(10_000);
        let e = excerpt(body.as_bytes(), 0);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"a\nb", 0), "a b");
        assert_eq!(excerpt(b"abcdef", 2), "…cdef");
    }
}

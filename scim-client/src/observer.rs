//! The exchange observer: sees every HTTP attempt the client makes, with secrets redacted.

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use url::Url;

/// One HTTP attempt as it went over the wire: what was sent and what came back.
///
/// The header that carries the credential (`Authorization`, or the custom auth header) is
/// redacted: `Bearer ***`, `Basic ***`, or `***`. A retried request produces one exchange per
/// attempt.
///
/// Built by the client only; non-exhaustive so that fields can be added.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Exchange {
    /// The request method.
    pub method: Method,
    /// The full request URL, query included.
    pub url: Url,
    /// The request headers exactly as sent, the credential redacted.
    pub request_headers: HeaderMap,
    /// The request body, byte for byte (empty when there was none).
    pub request_body: Bytes,
    /// The response status; `None` when no response arrived.
    pub status: Option<StatusCode>,
    /// The response headers (empty when no response arrived).
    pub response_headers: HeaderMap,
    /// The response body as read (empty when none; cut at the size limit when too large).
    pub response_body: Bytes,
    /// Time from sending the request to the end of the response body (or the failure).
    pub latency: Duration,
    /// The attempt number, starting at 1.
    pub attempt: u32,
    /// The failure of this attempt (timeout, transport error, body too large), as text.
    pub error: Option<String>,
}

/// Receives every [`Exchange`] the client makes, e.g. to record transcripts.
///
/// Called synchronously on the request's task, after the attempt ends: keep it quick.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use scim2_client::{Exchange, Observer};
///
/// #[derive(Default)]
/// struct Transcript(Mutex<Vec<String>>);
/// impl Observer for Transcript {
///     fn exchange(&self, ex: &Exchange) {
///         let status = ex.status.map(|s| s.as_u16()).unwrap_or(0);
///         self.0.lock().unwrap().push(format!("{} {} -> {status}", ex.method, ex.url));
///     }
/// }
/// let observer: Arc<dyn Observer> = Arc::new(Transcript::default());
/// # let _ = observer;
/// ```
pub trait Observer: Send + Sync {
    /// Called once per attempt.
    fn exchange(&self, ex: &Exchange);
}

impl<F: Fn(&Exchange) + Send + Sync> Observer for F {
    fn exchange(&self, ex: &Exchange) {
        self(ex);
    }
}

/// Query parameter names (compared ASCII case-insensitively, as substrings) whose values logs
/// never show: they may carry a credential (`access_token`, `api_key`, `client_secret`,
/// `sig`, an OAuth `code`, …).
const SECRET_QUERY_NAMES: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "key",
    "sig",
    "code",
    "auth",
    "session",
    "credential",
];

/// The URL as logs show it: without user name and password, and with the value of every query
/// parameter whose name may denote a credential replaced by `***` (other parameters, such as a
/// SCIM `filter`, are kept: they are what one needs to see when debugging).
pub(crate) fn url_for_log(url: &Url) -> String {
    let mut out = url.clone();
    let _ = out.set_username("");
    let _ = out.set_password(None);
    out.set_fragment(None);
    if let Some(query) = url.query() {
        let redacted: Vec<String> = query
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                let lower = name.to_ascii_lowercase();
                if !value.is_empty() && SECRET_QUERY_NAMES.iter().any(|s| lower.contains(s)) {
                    format!("{name}=***")
                } else {
                    pair.to_owned()
                }
            })
            .collect();
        out.set_query(Some(&redacted.join("&")));
    }
    out.to_string()
}

/// Copies `headers`, replacing the credential header's value (keeping a `Bearer`/`Basic`
/// scheme word so transcripts stay readable).
pub(crate) fn redact(headers: &HeaderMap, secret_header: Option<&http::HeaderName>) -> HeaderMap {
    let mut out = headers.clone();
    let names = [
        Some(&http::header::AUTHORIZATION),
        Some(&http::header::PROXY_AUTHORIZATION),
        secret_header,
    ];
    for name in names.into_iter().flatten() {
        if let http::header::Entry::Occupied(mut e) = out.entry(name) {
            for v in e.iter_mut() {
                *v = redacted_value(v);
            }
        }
    }
    out
}

fn redacted_value(v: &HeaderValue) -> HeaderValue {
    let scheme = v
        .to_str()
        .ok()
        .and_then(|s| s.split_once(' '))
        .map(|(scheme, _)| scheme)
        .filter(|s| s.eq_ignore_ascii_case("bearer") || s.eq_ignore_ascii_case("basic"));
    let mut out = match scheme {
        Some(s) => {
            HeaderValue::from_str(&format!("{s} ***")).unwrap_or(HeaderValue::from_static("***"))
        }
        None => HeaderValue::from_static("***"),
    };
    out.set_sensitive(true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_auth_and_custom_header() {
        let mut h = HeaderMap::new();
        h.insert("authorization", HeaderValue::from_static("Bearer tok"));
        h.insert("x-api-key", HeaderValue::from_static("k"));
        h.insert("accept", HeaderValue::from_static("application/scim+json"));
        let name = http::HeaderName::from_static("x-api-key");
        let r = redact(&h, Some(&name));
        assert_eq!(r["authorization"], "Bearer ***");
        assert_eq!(r["x-api-key"], "***");
        assert_eq!(r["accept"], "application/scim+json");
        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            HeaderValue::from_static("tok-without-scheme"),
        );
        assert_eq!(redact(&h, None)["authorization"], "***");
    }

    #[test]
    fn log_urls_hide_credentials_and_keep_filters() {
        let url = Url::parse(
            "https://u:pw@h.example/scim/Users?filter=userName+eq+%22a%22&access_token=abc&API_KEY=k&x=1#frag",
        )
        .unwrap();
        assert_eq!(
            url_for_log(&url),
            "https://h.example/scim/Users?filter=userName+eq+%22a%22&access_token=***&API_KEY=***&x=1"
        );
        let plain = Url::parse("http://127.0.0.1:8080/scim/v2/Users/1").unwrap();
        assert_eq!(url_for_log(&plain), "http://127.0.0.1:8080/scim/v2/Users/1");
    }
}

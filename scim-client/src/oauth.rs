//! OAuth 2.0 client credentials (RFC 6749 §4.4): the client fetches an access token from a
//! token endpoint with its client id and secret, caches it until shortly before it expires,
//! and fetches a new one once when the SCIM endpoint answers 401.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::{Error, Secret, Transport, TransportError};

/// How long before its stated expiry a cached token is replaced.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The largest token response read, in bytes.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

/// OAuth 2.0 client credentials for [`crate::ClientBuilder::oauth_client_credentials`].
///
/// `Debug` shows the token URL and client id, never the secret or a token.
///
/// ```
/// use scim2_client::{ClientCredentials, Secret};
/// let creds = ClientCredentials::new(
///     "https://login.example.com/oauth2/token",
///     "scim-provisioning",
///     Secret::new("s3cr3t".into()),
/// )
/// .scope("scim.read scim.write");
/// assert!(!format!("{creds:?}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    secret: Secret,
    scope: Option<String>,
    in_body: bool,
}

impl ClientCredentials {
    /// Credentials for the token endpoint at `token_url`. The client authenticates with HTTP
    /// Basic (RFC 6749 §2.3.1), which every authorization server must support.
    #[must_use]
    pub fn new(token_url: impl Into<String>, client_id: impl Into<String>, secret: Secret) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            secret,
            scope: None,
            in_body: false,
        }
    }

    /// The `scope` to ask for (space-separated, RFC 6749 §3.3).
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Sends the client id and secret in the request body (`client_secret_post`) instead of
    /// HTTP Basic, for token endpoints that only accept that.
    #[must_use]
    pub fn credentials_in_body(mut self) -> Self {
        self.in_body = true;
        self
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("secret", &self.secret)
            .field("scope", &self.scope)
            .finish()
    }
}

/// A cached access token.
struct Cached {
    token: Secret,
    /// When to stop using it (its expiry minus [`REFRESH_MARGIN`]); `None` when the
    /// endpoint gave no `expires_in`.
    renew_at: Option<Instant>,
}

/// The provider shared by clones of a client: credentials and the cached token.
pub(crate) struct OAuth {
    creds: ClientCredentials,
    uri: http::Uri,
    cache: Mutex<Option<Cached>>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.creds.fmt(f)
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl OAuth {
    pub(crate) fn new(creds: ClientCredentials) -> Result<Arc<Self>, Error> {
        let url = url::Url::parse(&creds.token_url).map_err(|e| {
            Error::Config(format!(
                "the token URL {:?} is not a URL: {e}",
                creds.token_url
            ))
        })?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(Error::Config(format!(
                "the token URL {} must be https",
                creds.token_url
            )));
        }
        let uri = url
            .as_str()
            .parse()
            .map_err(|_| Error::Config(format!("the token URL {url} is not usable")))?;
        Ok(Arc::new(Self {
            creds,
            uri,
            cache: Mutex::new(None),
        }))
    }

    /// The current access token, fetched when there is none or it is about to expire.
    pub(crate) async fn token(
        &self,
        transport: &dyn Transport,
        timeout: Duration,
    ) -> Result<Secret, Error> {
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref()
            && c.renew_at.is_none_or(|t| Instant::now() < t)
        {
            return Ok(c.token.clone());
        }
        let fresh = self.fetch(transport, timeout).await?;
        let token = fresh.token.clone();
        *cache = Some(fresh);
        Ok(token)
    }

    /// Drops the cached token if it is still `rejected` (a 401 came back with it), so that
    /// the next [`OAuth::token`] fetches a new one.
    pub(crate) async fn invalidate(&self, rejected: &Secret) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|c| &c.token == rejected) {
            *cache = None;
        }
    }

    /// The token request (RFC 6749 §4.4.2).
    fn request(&self, fail: &dyn Fn(String) -> Error) -> Result<http::Request<Bytes>, Error> {
        let c = &self.creds;
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        if let Some(s) = &c.scope {
            form.append_pair("scope", s);
        }
        let mut req = http::Request::builder()
            .method(http::Method::POST)
            .uri(self.uri.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json");
        if let Some(host) = self.uri.authority() {
            req = req.header(http::header::HOST, host.as_str());
        }
        if c.in_body {
            form.append_pair("client_id", &c.client_id);
            form.append_pair("client_secret", c.secret.expose());
        } else {
            // RFC 6749 §2.3.1: id and secret form-encoded, then HTTP Basic (RFC 7617).
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let pair = format!("{}:{}", enc(&c.client_id), enc(c.secret.expose()));
            let b64 = base64::engine::general_purpose::STANDARD.encode(pair);
            let mut v = HeaderValue::from_str(&format!("Basic {b64}"))
                .map_err(|_| fail("the client id cannot be sent in a header".to_owned()))?;
            v.set_sensitive(true);
            req = req.header(AUTHORIZATION, v);
        }
        let body = Bytes::from(form.finish());
        req.header(http::header::CONTENT_LENGTH, body.len())
            .body(body)
            .map_err(|e| fail(e.to_string()))
    }

    async fn fetch(&self, transport: &dyn Transport, timeout: Duration) -> Result<Cached, Error> {
        let c = &self.creds;
        let url = &c.token_url;
        let fail = |detail: String| Error::TokenEndpoint {
            url: url.clone(),
            detail,
        };
        let req = self.request(&fail)?;
        let started = Instant::now();
        let resp = tokio::time::timeout(timeout, transport.send(req, MAX_TOKEN_RESPONSE))
            .await
            .map_err(|_| fail(format!("no answer within {timeout:?}")))?
            .map_err(|e| match e {
                TransportError::TooLarge { .. } => fail("the answer is too large".to_owned()),
                other => fail(other.to_string()),
            })?;
        let status = resp.status();
        let body = resp.into_body();
        if !status.is_success() {
            let why = serde_json::from_slice::<TokenError>(&body).map_or_else(
                |_| crate::error::excerpt(&body, 0),
                |e| match e.error_description {
                    Some(d) => format!("{}: {d}", e.error),
                    None => e.error,
                },
            );
            return Err(fail(format!("answered {}: {why}", status.as_u16())));
        }
        let t: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| fail(format!("the answer is not a token response: {e}")))?;
        if let Some(kind) = &t.token_type
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(fail(format!(
                "the token type is {kind:?}; only bearer tokens (RFC 6750) are supported"
            )));
        }
        if t.access_token.is_empty() {
            return Err(fail("the access token is empty".to_owned()));
        }
        let secs = t.expires_in.as_ref().and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        });
        let renew_at = secs.map(|s| {
            let life = Duration::from_secs(s);
            started + life.saturating_sub(REFRESH_MARGIN.min(life / 2))
        });
        Ok(Cached {
            token: Secret::new(t.access_token),
            renew_at,
        })
    }
}

//! The transport seam: what the request loop (auth, rate limit, retries, observer) needs from
//! an HTTP stack, and the default implementation on hyper.
//!
//! hyper is used directly by default, rather than through a higher-level client, so that the
//! request on the wire is exactly the one built here: no header is added behind the caller's
//! back (an Entra ID replay must be able to send no `Accept` at all).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::PROXY_AUTHORIZATION;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioExecutor;

use crate::Error;
use crate::connect::ProxyConnector;
use crate::decode::content_length;
use crate::tls::TlsOptions;

/// A boxed, sendable future, as [`Transport::send`] returns it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one HTTP request and reads the whole response: the layer under the client's auth,
/// rate limit, retry policy and observer.
///
/// The default is the hyper transport, configured by the [`crate::ClientBuilder`] (proxy,
/// trust roots, CA files, client certificate, connect timeout). Give another with
/// [`crate::ClientBuilder::transport`] to use your own HTTP stack or middleware; with the
/// `reqwest` feature, `ReqwestTransport` wraps a configured `reqwest::Client`.
///
/// An implementation must send the request as given (method, absolute URI, headers, body)
/// and must not follow redirects. It classifies failures with [`TransportError`], which the
/// retry policy relies on: [`TransportError::Connect`] means the request provably never
/// left, so even a POST may be retried.
///
/// ```
/// use bytes::Bytes;
/// use scim2_client::{BoxFuture, Transport, TransportError};
///
/// /// Answers every request with 503, without touching the network.
/// #[derive(Debug)]
/// struct Unavailable;
///
/// impl Transport for Unavailable {
///     fn send(
///         &self,
///         _request: http::Request<Bytes>,
///         _max_body: usize,
///     ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
///         Box::pin(async {
///             let mut resp = http::Response::new(Bytes::new());
///             *resp.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
///             Ok(resp)
///         })
///     }
/// }
///
/// let client = scim2_client::Client::builder("https://scim.example.com/scim/v2")
///     .transport(std::sync::Arc::new(Unavailable))
///     .build()?;
/// # Ok::<(), scim2_client::Error>(())
/// ```
pub trait Transport: fmt::Debug + Send + Sync {
    /// Sends `request` (absolute URI) and reads the body, stopping with
    /// [`TransportError::TooLarge`] past `max_body` bytes.
    fn send(
        &self,
        request: http::Request<Bytes>,
        max_body: usize,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>>;
}

/// How a [`Transport`] failed below HTTP.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// No connection could be made (DNS, refused, TLS handshake, proxy): the request never
    /// left, so retrying it is safe whatever the method.
    #[error("{0}")]
    Connect(String),
    /// The connection failed after the request may have been sent (reset, closed early).
    #[error("{0}")]
    Io(String),
    /// The body went past the limit; `partial` is what was read.
    #[error("the response body is larger than the limit")]
    TooLarge {
        /// The bytes read before stopping.
        partial: Bytes,
    },
}

impl TransportError {
    /// A [`TransportError::Connect`] describing `e` and its causes in one line.
    #[must_use]
    pub fn connect(e: &(dyn std::error::Error + 'static)) -> Self {
        Self::Connect(chain(e))
    }

    /// A [`TransportError::Io`] describing `e` and its causes in one line.
    #[must_use]
    pub fn io(e: &(dyn std::error::Error + 'static)) -> Self {
        Self::Io(chain(e))
    }
}

#[cfg(feature = "native-tls")]
type Connector = hyper_tls::HttpsConnector<ProxyConnector>;
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
type Connector = hyper_rustls::HttpsConnector<ProxyConnector>;
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
type Connector = ProxyConnector;

/// Whether this build can speak HTTPS.
pub(crate) const HAS_TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// The default transport: a pooled HTTP/1.1 hyper client.
#[derive(Clone)]
pub(crate) struct HyperTransport {
    client: HyperClient<Connector, Full<Bytes>>,
    proxy: Option<Arc<Matcher>>,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("proxy", &self.proxy)
            .finish_non_exhaustive()
    }
}

impl HyperTransport {
    pub(crate) fn new(
        connect_timeout: Duration,
        proxy: Option<Arc<Matcher>>,
        tls: &TlsOptions,
        https: bool,
    ) -> Result<Self, Error> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_nodelay(true);
        let connector = connector(ProxyConnector::new(http, proxy.clone()), tls, https)?;
        let client = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .set_host(false)
            .build(connector);
        Ok(Self { client, proxy })
    }

    async fn send_inner(
        &self,
        request: http::Request<Bytes>,
        limit: usize,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let (mut parts, body) = request.into_parts();
        if parts.uri.scheme_str() == Some("http") {
            // A forwarding proxy reads its credentials from the request itself.
            let auth = self.proxy.as_ref().and_then(|m| m.intercept(&parts.uri));
            if let Some(value) = auth.as_ref().and_then(|i| i.basic_auth()) {
                let mut value = value.clone();
                value.set_sensitive(true);
                parts.headers.insert(PROXY_AUTHORIZATION, value);
            }
        }
        let request = http::Request::from_parts(parts, Full::new(body));
        let response = self.client.request(request).await.map_err(|e| {
            if e.is_connect() {
                TransportError::connect(&e)
            } else {
                TransportError::io(&e)
            }
        })?;
        let (parts, mut body) = response.into_parts();
        let declared = content_length(&parts.headers);
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(TransportError::TooLarge {
                partial: Bytes::new(),
            });
        }
        let initial = declared
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(8 * 1024)
            .min(1024 * 1024);
        let mut buf = BytesMut::with_capacity(initial);
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| TransportError::io(&e))?;
            if let Ok(data) = frame.into_data() {
                if buf.len() + data.len() > limit {
                    return Err(TransportError::TooLarge {
                        partial: buf.freeze(),
                    });
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(http::Response::from_parts(parts, buf.freeze()))
    }
}

impl Transport for HyperTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
        max_body: usize,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(self.send_inner(request, max_body))
    }
}

#[cfg(feature = "native-tls")]
fn connector(inner: ProxyConnector, tls: &TlsOptions, _https: bool) -> Result<Connector, Error> {
    let tls = crate::tls::connector(tls)?;
    Ok(hyper_tls::HttpsConnector::from((inner, tls.into())))
}

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
fn connector(inner: ProxyConnector, tls: &TlsOptions, https: bool) -> Result<Connector, Error> {
    let config = crate::tls::client_config(tls, https)?;
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(inner))
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
#[allow(clippy::unnecessary_wraps)]
fn connector(inner: ProxyConnector, _tls: &TlsOptions, _https: bool) -> Result<Connector, Error> {
    Ok(inner)
}

/// An error and its causes as one line, without repeats.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

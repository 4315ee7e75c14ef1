//! The HTTP/1.1 connection layer (hyper), TLS selection, and bounded body reading.
//!
//! hyper is used directly, rather than through a higher-level client, so that the request on
//! the wire is exactly the one built here: no header is added behind the caller's back (an
//! Entra ID replay must be able to send no `Accept` at all).

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::Error;
use crate::decode::content_length;

#[cfg(feature = "native-tls")]
type Connector = hyper_tls::HttpsConnector<HttpConnector>;
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
type Connector = HttpConnector;

/// Whether this build can speak HTTPS.
pub(crate) const HAS_TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// A pooled HTTP/1.1 client.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    client: HyperClient<Connector, Full<Bytes>>,
}

/// How one attempt failed below HTTP.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No connection could be made: the request never left.
    Connect(String),
    /// The connection failed after the request may have been sent.
    Transport(String),
    /// The body went past the limit; `partial` is what was read.
    TooLarge { partial: Bytes },
}

/// A complete response.
pub(crate) struct Received {
    pub(crate) parts: http::response::Parts,
    pub(crate) body: Bytes,
}

impl Transport {
    pub(crate) fn new(connect_timeout: Duration) -> Result<Self, Error> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_nodelay(true);
        let connector = connector(http)?;
        let client = HyperClient::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .set_host(false)
            .build(connector);
        Ok(Self { client })
    }

    /// Sends one request and reads the whole body, stopping at `limit` bytes.
    pub(crate) async fn send(
        &self,
        request: http::Request<Full<Bytes>>,
        limit: usize,
    ) -> Result<Received, Failure> {
        let response = self.client.request(request).await.map_err(|e| {
            if e.is_connect() {
                Failure::Connect(chain(&e))
            } else {
                Failure::Transport(chain(&e))
            }
        })?;
        let (parts, mut body) = response.into_parts();
        let declared = content_length(&parts.headers);
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(Failure::TooLarge {
                partial: Bytes::new(),
            });
        }
        let initial = declared
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(8 * 1024)
            .min(1024 * 1024);
        let mut buf = BytesMut::with_capacity(initial);
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| Failure::Transport(chain(&e)))?;
            if let Ok(data) = frame.into_data() {
                if buf.len() + data.len() > limit {
                    return Err(Failure::TooLarge {
                        partial: buf.freeze(),
                    });
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(Received {
            parts,
            body: buf.freeze(),
        })
    }
}

#[cfg(feature = "native-tls")]
fn connector(http: HttpConnector) -> Result<Connector, Error> {
    let tls = native_tls::TlsConnector::new()
        .map_err(|e| Error::Config(format!("could not set up native TLS: {e}")))?;
    Ok(hyper_tls::HttpsConnector::from((http, tls.into())))
}

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
fn connector(http: HttpConnector) -> Result<Connector, Error> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)
        .map_err(|e| Error::Config(format!("could not set up rustls: {e}")))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
#[allow(clippy::unnecessary_wraps)]
fn connector(http: HttpConnector) -> Result<Connector, Error> {
    Ok(http)
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

//! [`ReqwestTransport`]: the [`Transport`] seam implemented for a `reqwest::Client`.

use bytes::{Bytes, BytesMut};

use crate::{BoxFuture, Transport, TransportError};

/// Sends the client's requests through a `reqwest::Client` you configured (its proxy, TLS,
/// middleware-free connection pool), under the client's auth, retries, rate limit and
/// observer. Needs the `reqwest` feature.
///
/// Two differences from the default hyper transport:
/// - reqwest adds `Accept: */*` to a request without `Accept`, so
///   [`crate::RawRequest::without_accept`] cannot be honoured (the conformance replay of
///   Entra ID's requests keeps the default transport for that reason);
/// - reqwest follows redirects unless told not to: build the client with
///   `.redirect(reqwest::redirect::Policy::none())` so that a redirecting endpoint is
///   reported rather than silently followed.
///
/// ```
/// use std::sync::Arc;
/// use scim2_client::{Client, ReqwestTransport};
///
/// let http = reqwest::Client::builder()
///     .redirect(reqwest::redirect::Policy::none())
///     .build()
///     .expect("a reqwest client");
/// let client = Client::builder("https://scim.example.com/scim/v2")
///     .transport(Arc::new(ReqwestTransport::new(http)))
///     .build()?;
/// # Ok::<(), scim2_client::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Wraps a configured `reqwest::Client`.
    #[must_use]
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }

    async fn send_inner(
        &self,
        request: http::Request<Bytes>,
        limit: usize,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let request = reqwest::Request::try_from(request.map(reqwest::Body::from))
            .map_err(|e| TransportError::connect(&e))?;
        let mut response = self.client.execute(request).await.map_err(|e| {
            if e.is_connect() {
                TransportError::connect(&e)
            } else {
                TransportError::io(&e)
            }
        })?;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(TransportError::TooLarge {
                partial: Bytes::new(),
            });
        }
        let mut buf = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| TransportError::io(&e))? {
            if buf.len() + chunk.len() > limit {
                return Err(TransportError::TooLarge {
                    partial: buf.freeze(),
                });
            }
            buf.extend_from_slice(&chunk);
        }
        let mut out = http::Response::new(buf.freeze());
        *out.status_mut() = response.status();
        *out.version_mut() = response.version();
        *out.headers_mut() = std::mem::take(response.headers_mut());
        Ok(out)
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
        max_body: usize,
    ) -> BoxFuture<'_, Result<http::Response<Bytes>, TransportError>> {
        Box::pin(self.send_inner(request, max_body))
    }
}

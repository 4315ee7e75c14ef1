//! The TCP connector under TLS: straight to the endpoint, through an HTTP proxy (`http` URLs,
//! sent in absolute form), or through a `CONNECT` tunnel (`https` URLs, RFC 9110 §9.3.6).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use crate::proxy;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Connects to the endpoint or to its proxy.
#[derive(Clone, Debug)]
pub(crate) struct ProxyConnector {
    http: HttpConnector,
    proxy: Option<Arc<Matcher>>,
}

impl ProxyConnector {
    pub(crate) fn new(http: HttpConnector, proxy: Option<Arc<Matcher>>) -> Self {
        Self { http, proxy }
    }
}

/// A TCP connection, marked when it goes to a forwarding proxy (so that hyper sends the
/// request line in absolute form).
#[derive(Debug)]
pub(crate) struct Stream {
    io: TokioIo<TcpStream>,
    forwarding: bool,
}

/// A failure while connecting, naming the proxy it went through.
#[derive(Debug, thiserror::Error)]
#[error("through the proxy {proxy}: {source}")]
struct ViaProxy {
    proxy: String,
    #[source]
    source: BoxError,
}

impl Service<http::Uri> for ProxyConnector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: http::Uri) -> Self::Future {
        let mut http = self.http.clone();
        let intercept = self.proxy.as_ref().and_then(|m| m.intercept(&dst));
        Box::pin(async move {
            let Some(intercept) = intercept else {
                let io = http.call(dst).await?;
                return Ok(Stream {
                    io,
                    forwarding: false,
                });
            };
            let shown = proxy::shown(&intercept);
            let via = |source: BoxError| ViaProxy {
                proxy: shown.clone(),
                source,
            };
            if dst.scheme_str() == Some("https") {
                let mut tunnel = Tunnel::new(intercept.uri().clone(), http);
                if let Some(auth) = intercept.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                let io = tunnel.call(dst).await.map_err(|e| via(Box::new(e)))?;
                Ok(Stream {
                    io,
                    forwarding: false,
                })
            } else {
                let io = http
                    .call(intercept.uri().clone())
                    .await
                    .map_err(|e| via(Box::new(e)))?;
                Ok(Stream {
                    io,
                    forwarding: true,
                })
            }
        })
    }
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.forwarding)
    }
}

impl Read for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}

//! Serving a reference endpoint on a loopback TCP port.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::app::Reference;
use super::log::LoggedRequest;
use super::seed::{Seed, SeedError, Seeded};
use super::{BASE_PATH, ReferenceConfig};

/// A reference endpoint listening on a TCP port (127.0.0.1 unless [`start_on`] says otherwise).
///
/// Dropping it stops the server too; [`shutdown`] waits until it has stopped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use scim2_conformance::reference::{ReferenceConfig, ReferenceServer};
/// let server = ReferenceServer::start(ReferenceConfig::default()).await?;
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// assert!(server.base_url().ends_with("/scim/v2"));
/// server.shutdown().await;
/// # Ok(()) }
/// ```
///
/// [`start_on`]: ReferenceServer::start_on
/// [`shutdown`]: ReferenceServer::shutdown
#[derive(Debug)]
pub struct ReferenceServer {
    reference: Reference,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl ReferenceServer {
    /// Starts an empty endpoint on `127.0.0.1` and a free port.
    ///
    /// # Errors
    /// The I/O error of binding the port.
    pub async fn start(config: ReferenceConfig) -> io::Result<Self> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
    }

    /// Starts an empty endpoint on `addr` (port 0 picks a free port).
    ///
    /// # Errors
    /// The I/O error of binding `addr`.
    pub async fn start_on(addr: SocketAddr, config: ReferenceConfig) -> io::Result<Self> {
        Self::serve(Reference::new(config), addr).await
    }

    /// Serves an existing (for example pre-seeded) endpoint on `addr`.
    ///
    /// # Errors
    /// The I/O error of binding `addr`.
    pub async fn serve(reference: Reference, addr: SocketAddr) -> io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let router = reference.router();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(Self {
            reference,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The socket address the server listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The SCIM base URL, `http://127.0.0.1:PORT/scim/v2`.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    /// The endpoint served (its state, log and seed).
    #[must_use]
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// Every request answered so far, in order.
    #[must_use]
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.reference.request_log()
    }

    /// Preloads users and groups (see [`Reference::seed`]).
    ///
    /// # Errors
    /// See [`Reference::seed`].
    pub fn seed(&self, seed: Seed) -> Result<Seeded, SeedError> {
        self.reference.seed(seed)
    }

    /// Stops accepting connections and waits (at most a few seconds) for the server to stop.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for ReferenceServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

//! Stopping a run on Ctrl-C without losing track of what it created.
//!
//! Dropping a run at the interrupt would lose the answers of the creates in flight: the
//! endpoint stores the user, the runner never learns its id. Instead the run's transport goes
//! through a [`Gated`] wrapper; once the [`Interrupt`] is triggered it refuses every new
//! `POST`, `PUT` and `PATCH` (so nothing new is created or changed) while the requests in
//! flight complete and `GET`/`DELETE` still pass, so the run winds down quickly and its own
//! cleanup (journal deletes, then the sweep by name prefix) runs as usual.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::transport::{BoxFuture, Transport, TransportError, WireRequest, WireResponse};

/// A shared switch: off until [`Interrupt::trigger`].
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// Stops new writes through every transport gated by this switch.
    pub fn trigger(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`Interrupt::trigger`] was called.
    #[must_use]
    pub fn triggered(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `inner`, refusing new `POST`/`PUT`/`PATCH` requests once triggered.
    #[must_use]
    pub(crate) fn gate(&self, inner: Arc<dyn Transport>) -> Gated {
        Gated {
            inner,
            interrupt: self.clone(),
        }
    }
}

/// A transport that stops sending writes (other than `DELETE`) after an interrupt.
pub struct Gated {
    inner: Arc<dyn Transport>,
    interrupt: Interrupt,
}

impl Transport for Gated {
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    fn sends_auth(&self) -> bool {
        self.inner.sends_auth()
    }

    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, TransportError>> {
        if self.interrupt.triggered() && matches!(req.method.as_str(), "POST" | "PUT" | "PATCH") {
            let m = req.method.clone();
            return Box::pin(async move {
                Err(TransportError::Refused(format!(
                    "{m} not sent: the run was interrupted"
                )))
            });
        }
        self.inner.send(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Echo;
    impl Transport for Echo {
        fn base_url(&self) -> &str {
            "http://127.0.0.1:1"
        }
        fn send(&self, _: WireRequest) -> BoxFuture<'_, Result<WireResponse, TransportError>> {
            Box::pin(async {
                Ok(WireResponse {
                    status: 204,
                    headers: vec![],
                    body: vec![],
                })
            })
        }
    }

    #[tokio::test]
    async fn after_the_interrupt_only_reads_and_deletes_pass() {
        let i = Interrupt::default();
        let t = i.gate(Arc::new(Echo));
        assert!(t.send(WireRequest::new("POST", "/Users")).await.is_ok());
        i.trigger();
        for m in ["POST", "PUT", "PATCH"] {
            let e = t.send(WireRequest::new(m, "/Users")).await.unwrap_err();
            assert!(matches!(e, TransportError::Refused(_)), "{m}: {e}");
        }
        for m in ["GET", "DELETE"] {
            assert!(t.send(WireRequest::new(m, "/Users/1")).await.is_ok(), "{m}");
        }
    }
}

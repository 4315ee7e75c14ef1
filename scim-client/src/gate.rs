//! The back-off gate: when the endpoint asks the client to wait (429 or 503 with
//! `Retry-After`), no new request attempt starts before that time, whichever request was
//! answered so.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// A "not before" time shared by every request of a client and its clones (and of other clients
/// given the same gate with [`ClientBuilder::throttle_gate`](crate::ClientBuilder::throttle_gate)).
///
/// When a response is 429 Too Many Requests (RFC 6585 §4) or 503 Service Unavailable
/// (RFC 9110 §15.6.4) with a `Retry-After` (RFC 9110 §10.2.3) no longer than the retry policy's
/// [`max_total_wait`](crate::RetryPolicy::max_total_wait), no request attempt through the gate
/// starts before that time: not only the retry of the request that was answered so, but every
/// new request too. Requests already sent are not recalled. A later `Retry-After` can only push
/// the time further, never bring it closer.
///
/// ```
/// use scim2_client::{Client, ThrottleGate};
/// // Two clients of one endpoint (one of them without credentials) back off together.
/// let gate = ThrottleGate::new();
/// let a = Client::builder("https://scim.example.com/v2").throttle_gate(gate.clone()).build();
/// let b = Client::builder("https://scim.example.com/v2").throttle_gate(gate).build();
/// assert!(a.is_ok() && b.is_ok());
/// ```
#[derive(Debug, Clone, Default)]
pub struct ThrottleGate {
    until: Arc<Mutex<Option<Instant>>>,
}

impl ThrottleGate {
    /// An open gate.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds new attempts for `wait` from now (unless already held longer).
    pub(crate) fn hold(&self, wait: Duration) {
        let Some(t) = Instant::now().checked_add(wait) else {
            return;
        };
        let mut until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        *until = Some(until.map_or(t, |u| u.max(t)));
    }

    /// The time new attempts may start again, if that is in the future.
    #[must_use]
    pub fn held_until(&self) -> Option<Instant> {
        let until = *self.until.lock().unwrap_or_else(PoisonError::into_inner);
        until.filter(|t| *t > Instant::now())
    }

    /// Waits until the gate is open (it may be held again while waiting).
    pub(crate) async fn wait(&self) {
        while let Some(t) = self.held_until() {
            tracing::debug!(
                wait_ms = u64::try_from(t.saturating_duration_since(Instant::now()).as_millis())
                    .unwrap_or(u64::MAX),
                "waiting out the endpoint's Retry-After"
            );
            tokio::time::sleep_until(t).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn holds_until_the_latest_time_asked() {
        let g = ThrottleGate::new();
        assert!(g.held_until().is_none());
        let t0 = Instant::now();
        g.hold(Duration::from_secs(2));
        g.hold(Duration::from_secs(1));
        assert_eq!(g.held_until(), Some(t0 + Duration::from_secs(2)));
        g.wait().await;
        assert_eq!(Instant::now(), t0 + Duration::from_secs(2));
        assert!(g.held_until().is_none());
        g.hold(Duration::MAX);
        assert!(g.held_until().is_none());
    }
}

//! An optional requests-per-second limit shared by all clones of a client.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Spaces request starts at least `1 / per_second` apart.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter for `per_second` requests per second (must be positive and finite).
    pub(crate) fn new(per_second: f64) -> Self {
        Self {
            interval: Duration::from_secs_f64(1.0 / per_second),
            next: Mutex::new(None),
        }
    }

    /// Waits for this request's slot.
    pub(crate) async fn acquire(&self) {
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_requests() {
        let r = RateLimiter::new(10.0);
        let t0 = Instant::now();
        for _ in 0..5 {
            r.acquire().await;
        }
        // slots at 0, 100, 200, 300, 400 ms
        assert_eq!(t0.elapsed(), Duration::from_millis(400));
    }
}

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
    /// The longest interval accepted: one request per day.
    const MAX_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);

    /// A limiter for `per_second` requests per second; `None` unless that is finite and at
    /// least one request per day.
    pub(crate) fn new(per_second: f64) -> Option<Self> {
        if !per_second.is_finite() || per_second <= 0.0 {
            return None;
        }
        let interval = Duration::try_from_secs_f64(1.0 / per_second).ok()?;
        (interval <= Self::MAX_INTERVAL).then(|| Self {
            interval,
            next: Mutex::new(None),
        })
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
        let r = RateLimiter::new(10.0).unwrap();
        let t0 = Instant::now();
        for _ in 0..5 {
            r.acquire().await;
        }
        // slots at 0, 100, 200, 300, 400 ms
        assert_eq!(t0.elapsed(), Duration::from_millis(400));
    }

    #[test]
    fn refuses_unusable_rates() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-300, 1.0 / 100_000.0] {
            assert!(RateLimiter::new(bad).is_none(), "{bad}");
        }
        assert!(RateLimiter::new(1e12).is_some());
    }
}

//! The retry policy: which failures are retried, and how long to wait between attempts.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode, header::RETRY_AFTER};
use rand::RngExt;

/// When and how often a failed request is tried again.
///
/// Retried: HTTP 429, 502, 503 and 504, and transport failures such as connection resets.
/// The wait before attempt *n + 1* is the response's `Retry-After` (delay-seconds or an
/// HTTP-date, RFC 9110 §10.2.3) when present, otherwise exponential backoff
/// (`initial_backoff × 2^(n−1)`, capped at `max_backoff`) with full jitter. The client gives up
/// after `max_attempts` attempts, or when the next wait would take the total past
/// `max_total_wait`, and returns the last failure.
///
/// Requests that are not idempotent (POST other than `/.search`, PATCH) are retried only when
/// they provably never reached the server: when the connection could not be established.
///
/// A 429 or 503 with a `Retry-After` no longer than `max_total_wait` also holds every other
/// new request of the client until then (see [`ThrottleGate`](crate::ThrottleGate)), whether
/// or not the answered request is retried.
///
/// ```
/// use std::time::Duration;
/// use scim2_client::RetryPolicy;
/// let p = RetryPolicy::default().max_attempts(5).max_total_wait(Duration::from_secs(30));
/// assert_eq!(p.max_attempts, 5);
/// assert_eq!(RetryPolicy::none().max_attempts, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The maximum number of attempts, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The backoff before the first retry (doubled for each further retry).
    pub initial_backoff: Duration,
    /// The upper bound of one backoff.
    pub max_backoff: Duration,
    /// The upper bound of all waits of one request added up.
    pub max_total_wait: Duration,
    /// Whether a request that timed out is tried again (idempotent requests only).
    pub retry_timeouts: bool,
}

impl Default for RetryPolicy {
    /// 4 attempts, 500 ms initial backoff, 10 s maximum backoff, 60 s total wait, no retry on
    /// timeouts.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_total_wait: Duration::from_secs(60),
            retry_timeouts: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    #[must_use]
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets [`RetryPolicy::max_attempts`] (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets [`RetryPolicy::initial_backoff`] and [`RetryPolicy::max_backoff`].
    #[must_use]
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets [`RetryPolicy::max_total_wait`].
    #[must_use]
    pub fn max_total_wait(mut self, total: Duration) -> Self {
        self.max_total_wait = total;
        self
    }

    /// Sets [`RetryPolicy::retry_timeouts`].
    #[must_use]
    pub fn retry_timeouts(mut self, yes: bool) -> Self {
        self.retry_timeouts = yes;
        self
    }

    /// The jittered exponential backoff after failed attempt number `attempt` (1-based).
    pub(crate) fn backoff_after(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        // "Full jitter": uniform in [ceiling/2, ceiling], so waits still grow.
        Duration::from_nanos(rand::rng().random_range(nanos / 2..=nanos))
    }
}

/// Whether a response status is worth retrying (RFC 6585 §4, RFC 9110 §15.6).
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Reads `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. A date in the past
/// means "now"; anything unreadable is ignored.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, now), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&earlier).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..50 {
            let b1 = p.backoff_after(1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b3 = p.backoff_after(3);
            assert!(b3 >= Duration::from_millis(200) && b3 <= Duration::from_millis(400));
            let b30 = p.backoff_after(40);
            assert!(b30 >= Duration::from_millis(500) && b30 <= Duration::from_secs(1));
        }
    }

    #[test]
    fn retryable_statuses() {
        for s in [429, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
        for s in [200, 400, 401, 404, 409, 412, 500, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(s).unwrap()));
        }
    }
}

//! The request log: every request the endpoint answered, in order.

use std::sync::{Mutex, PoisonError};

/// One request as the endpoint saw it, with the status it answered.
///
/// Only the method, path, query string, status and arrival time are kept: never headers or
/// bodies, so the log cannot hold a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The HTTP method (`GET`, `POST`, …).
    pub method: String,
    /// The request path as received, including the base path (`/scim/v2/Users`).
    pub path: String,
    /// The raw query string, without the `?`, when there was one.
    pub query: Option<String>,
    /// The status code of the response.
    pub status: u16,
    /// When the request arrived (before any handler ran).
    pub arrived: std::time::Instant,
}

impl LoggedRequest {
    /// Whether the method can change state (anything but `GET`, `HEAD` and `OPTIONS`).
    ///
    /// `POST /.search` is a read but counts as a write here: a `--read-only` run sends only GET.
    #[must_use]
    pub fn is_write(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }
}

/// The shared, append-only request log.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: Mutex<Vec<LoggedRequest>>,
}

impl RequestLog {
    pub(crate) fn push(&self, entry: LoggedRequest) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

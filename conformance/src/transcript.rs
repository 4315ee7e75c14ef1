//! Transcripts: the exact exchanges a check made, with credentials redacted.

use std::time::Duration;

use serde::{Serialize, Serializer};
use serde_json::Value;

/// Longest body kept in a transcript; longer bodies are cut and marked.
pub const MAX_BODY_CHARS: usize = 16 * 1024;

/// Header names whose values are never recorded.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// One request and its response (or the transport error that replaced it).
///
/// Built by the runner only; non-exhaustive so that fields can be added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Exchange {
    /// HTTP method.
    pub method: String,
    /// Full URL as sent.
    pub url: String,
    /// Request headers as sent (secret values replaced by `***`).
    pub request_headers: Vec<(String, String)>,
    /// Request body (UTF-8, lossy), if any.
    pub request_body: Option<String>,
    /// Response status, or `None` when no response arrived.
    pub status: Option<u16>,
    /// Response headers.
    pub response_headers: Vec<(String, String)>,
    /// Response body (UTF-8, lossy), if any.
    pub response_body: Option<String>,
    /// The transport error, when no response arrived.
    pub error: Option<String>,
    /// Time from sending to the complete response.
    #[serde(serialize_with = "ser_duration_ms")]
    pub latency: Duration,
}

impl Exchange {
    /// The request line and headers, and the response status and body, as text for reports.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = format!("> {} {}\n", self.method, self.url);
        for (k, v) in &self.request_headers {
            out.push_str(&format!("> {k}: {v}\n"));
        }
        if let Some(b) = &self.request_body {
            out.push_str(&format!(">\n{b}\n"));
        }
        match (self.status, &self.error) {
            (Some(s), _) => {
                out.push_str(&format!("< {s}\n"));
                for (k, v) in &self.response_headers {
                    if k.eq_ignore_ascii_case("content-type") || k.eq_ignore_ascii_case("location")
                    {
                        out.push_str(&format!("< {k}: {v}\n"));
                    }
                }
                if let Some(b) = &self.response_body
                    && !b.is_empty()
                {
                    out.push_str(&format!("<\n{b}\n"));
                }
            }
            (None, Some(e)) => out.push_str(&format!("! {e}\n")),
            (None, None) => out.push_str("! no response\n"),
        }
        out
    }
}

/// Returns the header list with secret values replaced by `***`.
#[must_use]
pub fn redact_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(k, v)| {
            let secret = SECRET_HEADERS.iter().any(|s| k.eq_ignore_ascii_case(s));
            (
                k.to_owned(),
                if secret {
                    "***".to_owned()
                } else {
                    v.to_owned()
                },
            )
        })
        .collect()
}

/// Body bytes as transcript text: lossy UTF-8, cut at [`MAX_BODY_CHARS`].
#[must_use]
pub fn body_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() <= MAX_BODY_CHARS {
        return text.into_owned();
    }
    let cut: String = text.chars().take(MAX_BODY_CHARS).collect();
    format!("{cut}… [{} bytes in total]", bytes.len())
}

/// Serializes a duration as whole milliseconds.
///
/// # Errors
/// As the serializer.
pub fn ser_duration_ms<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    u64::try_from(d.as_millis())
        .unwrap_or(u64::MAX)
        .serialize(s)
}

impl Exchange {
    /// The exchange as the JSON report writes it (`latency` as `latency_ms`).
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Some(o) = v.as_object_mut()
            && let Some(l) = o.remove("latency")
        {
            o.insert("latency_ms".into(), l);
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_is_redacted() {
        let h = redact_headers([("Authorization", "Bearer abc.def"), ("Content-Type", "x")]);
        assert_eq!(h[0].1, "***");
        assert_eq!(h[1].1, "x");
    }

    #[test]
    fn long_bodies_are_cut() {
        let big = "a".repeat(MAX_BODY_CHARS + 10);
        let t = body_text(big.as_bytes());
        assert!(t.ends_with(&format!("[{} bytes in total]", MAX_BODY_CHARS + 10)));
    }
}

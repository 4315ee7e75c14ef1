//! Before any check: is the URL a SCIM base URL at all?
//!
//! Entra's Tenant URL is the SCIM base (`https://host/scim/v2`); Entra appends `/Users` and
//! `/Groups` itself. A URL that already ends in `/Users`, or a wrong prefix, answers 404 (or a
//! web page) to everything, and a run against it would report dozens of MUST failures, some
//! checks even passing on the 404s. So the run first sends Entra's Test Connection query
//! (`GET /Users?filter=userName eq "…"`, RFC 7644 §3.4.2) and, only when that does not give a
//! SCIM answer, two more reads (`GET /Users?count=1`, `GET /ServiceProviderConfig`, RFC 7644
//! §4). When none of the three gives a SCIM answer the run stops (exit 3) with a hint about the
//! Tenant URL. An endpoint that answers the empty query with 404 but serves `/Users` (a fault
//! the connection checks report) is not stopped here. 401 and 403 are left to the checks, which
//! stop the run with their own hints. Only GET requests are sent.

use serde_json::Value;

use crate::session::{Abort, enc, lit};
use crate::transport::{Transport, TransportError, WireRequest, WireResponse};

/// Path segments that name a SCIM resource endpoint, not the base (RFC 7644 §3.2).
const RESOURCE_SEGMENTS: [&str; 7] = [
    "users",
    "groups",
    "serviceproviderconfig",
    "schemas",
    "resourcetypes",
    "bulk",
    ".search",
];

/// What one preflight read gave.
enum Answer {
    /// A SCIM JSON answer (a ListResponse, a resource, an Error body) or a status the checks
    /// judge (400, 401, 403, 5xx, …).
    Scim,
    /// 404, or a 2xx whose body is not SCIM JSON (an HTML page, a login form).
    NotScim(String),
}

fn classify(path: &str, r: &WireResponse) -> Answer {
    let json = r.json();
    match r.status {
        404 => Answer::NotScim(format!("GET {path} answered 404")),
        200..=299 => match json {
            Some(Value::Object(_)) => Answer::Scim,
            _ => Answer::NotScim(format!(
                "GET {path} answered {} with a body that is not SCIM JSON (Content-Type {:?})",
                r.status,
                r.header("content-type").unwrap_or("none")
            )),
        },
        _ => Answer::Scim,
    }
}

/// A hint when the base URL ends in a resource endpoint: the URL without it.
#[must_use]
pub fn base_url_hint(base_url: &str) -> Option<String> {
    let trimmed = base_url.trim_end_matches('/');
    let (head, last) = trimmed.rsplit_once('/')?;
    RESOURCE_SEGMENTS
        .contains(&last.to_ascii_lowercase().as_str())
        .then(|| {
            format!(
                "the URL ends in /{last}: the Tenant URL is the SCIM base URL, without /{last} \
                 (try {head})"
            )
        })
}

/// Sends the preflight reads; `Some` stops the run before any check.
pub async fn preflight(transport: &dyn Transport, prefix: &str) -> Option<Abort> {
    let filter = format!(
        "userName eq {}",
        lit(&format!("{prefix}-preflight@example.com"))
    );
    let probes = [
        format!("/Users?filter={}", enc(&filter)),
        "/Users?count=1".to_owned(),
        "/ServiceProviderConfig".to_owned(),
    ];
    let mut first_problem = None;
    for path in probes {
        match transport.send(WireRequest::new("GET", path.clone())).await {
            Ok(r) => match classify(&path, &r) {
                Answer::Scim => return None,
                Answer::NotScim(what) => {
                    first_problem.get_or_insert(what);
                }
            },
            Err(TransportError::Refused(_)) => return None,
            Err(e) => {
                return Some(Abort::Unreachable(crate::diagnose::with_advice(
                    &e.to_string(),
                )));
            }
        }
    }
    let what = first_problem.unwrap_or_default();
    let base = transport.base_url();
    let hint = base_url_hint(base).unwrap_or_else(|| {
        "check the Tenant URL: it is the SCIM base URL under which /Users, /Groups and \
         /ServiceProviderConfig are served (for example https://host/scim/v2)"
            .to_owned()
    });
    Some(Abort::NotScim {
        url: base.to_owned(),
        what,
        hint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_suffixes_are_recognised() {
        assert_eq!(
            base_url_hint("https://h/scim/v2/Users").as_deref(),
            Some(
                "the URL ends in /Users: the Tenant URL is the SCIM base URL, without /Users \
                 (try https://h/scim/v2)"
            )
        );
        assert!(base_url_hint("https://h/scim/v2/groups/").is_some());
        assert!(base_url_hint("https://h/scim/v2").is_none());
        assert!(base_url_hint("https://h/api/v2/scim").is_none());
    }
}

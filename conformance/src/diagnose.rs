//! What a network failure or a refusal most likely means, for the person running the tool:
//! a 403 on a read (token scope or an IP allowlist), a certificate that does not verify
//! (a private CA, a TLS-inspecting proxy), a connection that times out or is cut (an
//! allowlist, a firewall, a missing proxy).
//!
//! Pure text functions over what the client reported, so that every command gives the same
//! advice and tests can pin it.

/// The advice appended to every verdict that the endpoint was reached: reachability from
/// this machine says nothing about Entra ID's own addresses.
pub const REACHABILITY_NOTE: &str = "this run reached the endpoint from this machine only; \
Entra ID provisioning connects from Microsoft's own outbound addresses (the \
AzureActiveDirectory service tag), which an IP allowlist on the endpoint must admit too";

/// Why a network failure happened, as far as its text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// The server's certificate did not verify.
    Certificate,
    /// The proxy failed or refused the tunnel.
    Proxy,
    /// No answer within the connect or request timeout.
    Timeout,
    /// The connection was reset or closed.
    Reset,
    /// Nothing listens at the address.
    Refused,
    /// The host name did not resolve.
    Dns,
}

/// The cause named by an error text (the client's one-line error chain), if recognisable.
#[must_use]
pub fn cause(detail: &str) -> Option<Cause> {
    let d = detail.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| d.contains(w));
    if has(&["through the proxy", "tunnel error"]) {
        Some(Cause::Proxy)
    } else if has(&[
        "certificate",
        "unknownissuer",
        "notvalidforname",
        "self signed",
        "self-signed",
    ]) {
        Some(Cause::Certificate)
    } else if has(&["timed out", "timeout", "deadline", "no response from"]) {
        Some(Cause::Timeout)
    } else if has(&[
        "reset",
        "connection closed",
        "broken pipe",
        "unexpected eof",
        "end of file",
        "incomplete message",
    ]) {
        Some(Cause::Reset)
    } else if has(&["refused"]) {
        Some(Cause::Refused)
    } else if has(&["dns", "lookup", "name or service not known", "no such host"]) {
        Some(Cause::Dns)
    } else {
        None
    }
}

/// The advice for a failure of `cause`.
#[must_use]
pub fn advice(cause: Cause) -> &'static str {
    match cause {
        Cause::Certificate => {
            "the endpoint's TLS certificate was not trusted: if it comes from a private CA, or \
             a TLS-inspecting proxy re-signs traffic, give that CA with --ca-file PEM; also \
             check that the URL's host name is one the certificate names"
        }
        Cause::Proxy => {
            "the proxy did not open the connection: check --proxy or HTTPS_PROXY, and its \
             credentials (--proxy-auth-env); --no-proxy connects directly"
        }
        Cause::Timeout => {
            "no answer in time: an IP allowlist or a firewall may be silently dropping this \
             machine's packets, or this network only reaches the internet through a proxy \
             (set HTTPS_PROXY or --proxy)"
        }
        Cause::Reset => {
            "the connection was cut: an IP allowlist, a firewall or a TLS-inspecting proxy may \
             be refusing this machine (check --proxy / HTTPS_PROXY and whether this machine's \
             address is allowlisted)"
        }
        Cause::Refused => "nothing accepts connections there: check the URL's host and port",
        Cause::Dns => {
            "the host name did not resolve: check the URL, and whether this network needs a \
             proxy for external names"
        }
    }
}

/// `detail` followed by the advice for its cause, if one is recognised.
#[must_use]
pub fn with_advice(detail: &str) -> String {
    match cause(detail) {
        Some(c) => format!("{detail}; hint: {}", advice(c)),
        None => detail.to_owned(),
    }
}

/// At most this many characters of a response body go into a message.
pub const BODY_EXCERPT_CHARS: usize = 300;

/// The start of a response body as one printable line.
#[must_use]
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .take(BODY_EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > BODY_EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// The explanation of a 403: on a read it cannot be a missing write permission.
#[must_use]
pub fn forbidden(method: &str, url: &str, body: &str) -> String {
    let why = if matches!(method, "GET" | "HEAD") {
        "the endpoint refused a read: the token's scope or role may not cover reading \
         Users/Groups, or the endpoint admits only callers from an IP allowlist that does not \
         include this machine"
    } else {
        "the endpoint refused the request: the token may lack write access to Users/Groups, \
         or the endpoint admits only callers from an IP allowlist that does not include this \
         machine"
    };
    let body = body.trim();
    if body.is_empty() {
        format!("403 from {method} {url}: {why} (the response body was empty)")
    } else {
        format!("403 from {method} {url}: {why}; the endpoint said: {body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_from_real_error_texts() {
        for (text, want) in [
            (
                "could not connect to 127.0.0.1:1: client error (Connect): invalid peer \
                 certificate: UnknownIssuer",
                Some(Cause::Certificate),
            ),
            (
                "could not connect to h:443: through the proxy http://p:3128: tunnel error: \
                 proxy authorization required",
                Some(Cause::Proxy),
            ),
            (
                "no response from https://h/Users within 30 s",
                Some(Cause::Timeout),
            ),
            (
                "could not connect to h:443: client error (Connect): tcp connect error: \
                 deadline has elapsed",
                Some(Cause::Timeout),
            ),
            (
                "connection reset by peer (os error 104)",
                Some(Cause::Reset),
            ),
            (
                "tcp connect error: Connection refused (os error 111)",
                Some(Cause::Refused),
            ),
            (
                "dns error: failed to lookup address information",
                Some(Cause::Dns),
            ),
        ] {
            assert_eq!(cause(text), want, "{text}");
        }
        assert!(with_advice("invalid peer certificate: UnknownIssuer").contains("--ca-file"));
    }

    #[test]
    fn a_403_on_a_read_is_not_about_write_access() {
        let m = forbidden(
            "GET",
            "https://h/Users",
            "{\"detail\":\"IP 1.2.3.4 denied\"}",
        );
        assert!(m.contains("scope") && m.contains("IP allowlist"), "{m}");
        assert!(!m.contains("write"), "{m}");
        assert!(m.contains("IP 1.2.3.4 denied"), "{m}");
        assert!(forbidden("PATCH", "https://h/Users/1", "").contains("write access"));
    }

    /// The messages that explain refusals and network failures, phase by phase, and the notes
    /// about a token's expiry. Reviewed text: a change here is a change users see.
    #[test]
    fn diagnostics_by_cause_and_phase() {
        use crate::compare::cli::hint;
        use crate::session::Abort;
        use crate::token::Token;
        use crate::transport::TransportError;
        use scim2_client::http::{Method, StatusCode};
        use scim2_client::{Error, ResponseError};
        use std::time::Duration;

        let url = "https://tenant.example.com/api/v2/scim/Users";
        let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"403","detail":"Source IP 203.0.113.7 is not allowed"}"#;
        let forbidden = |method: &str| {
            Abort::Forbidden {
                method: method.into(),
                url: url.into(),
                body: body.into(),
            }
            .to_string()
        };
        let timeout = TransportError::Timeout {
            url: url.into(),
            secs: 30,
        };
        let reset = TransportError::Unreachable {
            url: url.into(),
            reason:
                "the connection to tenant.example.com failed during GET …: connection reset by \
                     peer (os error 104)"
                    .into(),
        };
        let cert = TransportError::Unreachable {
            url: url.into(),
            reason:
                "could not connect to tenant.example.com: client error (Connect): invalid peer \
                     certificate: UnknownIssuer"
                    .into(),
        };
        let response = Error::Response(Box::new(
            ResponseError::new(Method::GET, url, StatusCode::FORBIDDEN)
                .with_detail("Source IP 203.0.113.7 is not allowed"),
        ));
        let compare_timeout = Error::Timeout {
            method: Method::GET,
            url: url.into(),
            after: Duration::from_secs(60),
        };
        let now = time::macros::datetime!(2026-12-01 12:00 UTC);
        let token = Token::new("opaque-rest-api-token");
        let text = [
            ("run --read-only, 403 on GET", forbidden("GET")),
            ("run, 403 on a write", forbidden("PATCH")),
            ("run, timeout", with_advice(&timeout.to_string())),
            ("run, connection reset", with_advice(&reset.to_string())),
            ("run, untrusted certificate", with_advice(&cert.to_string())),
            ("run, after a pass", REACHABILITY_NOTE.to_owned()),
            (
                "compare, 403",
                format!(
                    "{response}\n  hint: {}",
                    hint(&response, Some("$NEW_TOKEN")).unwrap()
                ),
            ),
            (
                "compare, timeout",
                format!(
                    "{compare_timeout}\n  hint: {}",
                    hint(&compare_timeout, Some("$NEW_TOKEN")).unwrap()
                ),
            ),
            (
                "opaque token, expiry unknown",
                token.inspect_declared(now, None).warning.unwrap(),
            ),
            (
                "opaque token, --token-expires in 6 hours",
                token
                    .inspect_declared(now, Some(now + time::Duration::hours(6)))
                    .warning
                    .unwrap(),
            ),
            (
                "opaque token, --token-expires in 12 days",
                token
                    .inspect_declared(now, Some(now + time::Duration::days(12)))
                    .warning
                    .unwrap(),
            ),
        ]
        .iter()
        .map(|(phase, m)| format!("## {phase}\n{m}\n"))
        .collect::<Vec<_>>()
        .join("\n");
        insta::assert_snapshot!(text);
    }
}

//! The bearer token: read from an environment variable or a file (never a command-line
//! argument), never printed, and inspected for a JWT expiry.
//!
//! Entra quarantines a provisioning job whose token expires (docs/entra.md#authentication,
//! MS-SCIM "Long-lived OAuth bearer tokens"), so the runner reports a JWT's `exp` and warns when
//! it is less than [`EXPIRY_WARNING_DAYS`] days away.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use scim2_client::Secret;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// Days before expiry from which the runner warns.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Largest token file read (bytes).
const MAX_TOKEN_FILE: u64 = 64 * 1024;

/// A bearer token: a [`scim2_client::Secret`] read by this tool's rules (from a variable or
/// the first line of a file, never an argument; a `Bearer ` prefix dropped) and inspected for
/// its expiry. `Debug` and `Display` print `***`.
///
/// The client is given the same shared secret ([`Token::secret`]): the token is held once, in
/// one type, from the moment it is read to the `Authorization` header.
///
/// ```
/// use scim2_conformance::Token;
/// let t = Token::new("s3cr3t");
/// assert_eq!(format!("{t:?} {t}"), "Token(***) ***");
/// assert_eq!(t.expose(), "s3cr3t");
/// assert_eq!(t.secret().expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Secret);

impl Token {
    /// Wraps a token (surrounding whitespace removed).
    #[must_use]
    pub fn new(text: &str) -> Self {
        Self(Secret::new(text.trim().to_owned()))
    }

    /// The secret text, for the `Authorization` header only.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The token as the client's bearer secret (a cheap clone shares it).
    #[must_use]
    pub fn secret(&self) -> &Secret {
        &self.0
    }

    /// Reads the token from environment variable `var`.
    ///
    /// # Errors
    /// [`TokenError::MissingEnv`] when unset, [`TokenError::Empty`] when blank.
    pub fn from_env(var: &str) -> Result<Self, TokenError> {
        let v = std::env::var(var).map_err(|_| TokenError::MissingEnv(var.to_owned()))?;
        Self::checked(&v, || format!("environment variable {var}"))
    }

    /// Reads the token from a file (first line is used; at most 64 KiB).
    ///
    /// # Errors
    /// [`TokenError::File`] when unreadable or too large, [`TokenError::Empty`] when blank.
    pub fn from_file(path: &Path) -> Result<Self, TokenError> {
        let file_err = |reason: String| TokenError::File {
            path: path.display().to_string(),
            reason,
        };
        let text = crate::capped::read_capped(path, MAX_TOKEN_FILE).map_err(|e| match e {
            crate::capped::CappedReadError::TooLarge(_) => {
                file_err(format!("{e}; a token file holds one token"))
            }
            e => file_err(e.to_string()),
        })?;
        let first = text.lines().next().unwrap_or("");
        Self::checked(first, || format!("file {}", path.display()))
    }

    fn checked(text: &str, what: impl Fn() -> String) -> Result<Self, TokenError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TokenError::Empty(what()));
        }
        Ok(Self::new(text.strip_prefix("Bearer ").unwrap_or(text)))
    }

    /// What can be told about the token without the issuer: JWT expiry, if it is a JWT.
    #[must_use]
    pub fn inspect(&self, now: OffsetDateTime) -> TokenInfo {
        let Some(exp) = jwt_expiry(self.expose()) else {
            return TokenInfo {
                jwt: looks_like_jwt(self.expose()),
                expires_at: None,
                warning: None,
            };
        };
        let warning = expiry_warning(exp, now, "the JWT's exp");
        TokenInfo {
            jwt: true,
            expires_at: Some(fmt_time(exp)),
            warning,
        }
    }
}

impl Token {
    /// Like [`Token::inspect`], with the expiry the user declared (`--token-expires`) for a
    /// token that does not carry one. A JWT's own `exp` wins. For an opaque token without a
    /// declared expiry, the warning says that its expiry is unknown.
    #[must_use]
    pub fn inspect_declared(
        &self,
        now: OffsetDateTime,
        declared: Option<OffsetDateTime>,
    ) -> TokenInfo {
        let info = self.inspect(now);
        if info.expires_at.is_some() {
            return info;
        }
        match declared {
            None => TokenInfo {
                warning: Some(OPAQUE_NOTE.to_owned()),
                ..info
            },
            Some(exp) => TokenInfo {
                expires_at: Some(fmt_time(exp)),
                warning: expiry_warning(exp, now, "as declared with --token-expires"),
                ..info
            },
        }
    }
}

/// What a run says about the expiry of a token that does not carry one (an opaque token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpaqueExpiry {
    /// Nothing (the built-in endpoint's throw-away token).
    #[default]
    Ignore,
    /// Its expiry is unknown: say so.
    Unknown,
    /// It expires at this time (`--token-expires`): warn when that is near.
    At(OffsetDateTime),
}

impl Token {
    /// [`Token::inspect`] or [`Token::inspect_declared`], as `opaque` asks.
    #[must_use]
    pub fn inspect_with(&self, now: OffsetDateTime, opaque: OpaqueExpiry) -> TokenInfo {
        match opaque {
            OpaqueExpiry::Ignore => self.inspect(now),
            OpaqueExpiry::Unknown => self.inspect_declared(now, None),
            OpaqueExpiry::At(t) => self.inspect_declared(now, Some(t)),
        }
    }
}

/// The note for a token whose expiry cannot be read.
pub const OPAQUE_NOTE: &str = "the token is opaque (not a JWT), so its expiry is unknown; Entra quarantines a provisioning job whose token expires: give --token-expires DATE to be warned before that happens";

/// The warning for a token expiring at `exp`, or `None` when it is far enough away.
fn expiry_warning(exp: OffsetDateTime, now: OffsetDateTime, how: &str) -> Option<String> {
    let left = exp - now;
    if left <= Duration::ZERO {
        Some(format!(
            "the token expired at {} ({how}); Entra would quarantine the provisioning job",
            fmt_time(exp)
        ))
    } else if left < Duration::days(1) {
        Some(format!(
            "the token expires at {} ({how}), in {} hours: before an initial provisioning \
             cycle of a large directory could finish; Entra quarantines the job when it \
             expires, so rotate it first",
            fmt_time(exp),
            left.whole_hours()
        ))
    } else if left < Duration::days(EXPIRY_WARNING_DAYS) {
        Some(format!(
            "the token expires at {} ({how}), in {} days; Entra quarantines a provisioning \
             job whose token expires: use a longer-lived token or plan the rotation",
            fmt_time(exp),
            left.whole_days()
        ))
    } else {
        None
    }
}

/// Reads a `--token-expires` value: an RFC 3339 time (`2026-12-31T18:00:00Z`) or a date
/// (`2026-12-31`, taken as its first instant in UTC, the earliest it could mean).
///
/// # Errors
/// A message showing the accepted forms.
pub fn parse_expiry(text: &str) -> Result<OffsetDateTime, String> {
    use time::format_description::well_known::Rfc3339;
    let t = text.trim();
    if let Ok(dt) = OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(dt);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(t, &fmt)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| format!("{text:?} is not a date: write 2026-12-31 or 2026-12-31T18:00:00Z"))
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What the report says about the token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// Whether the token has the shape of a JWT.
    pub jwt: bool,
    /// The JWT's `exp` (RFC 3339), when present.
    pub expires_at: Option<String>,
    /// A warning when it expires within 30 days or has expired.
    pub warning: Option<String>,
}

/// Why no token could be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// The variable is not set.
    #[error(
        "environment variable {0} is not set (put the bearer token there, or use --token-file PATH)"
    )]
    MissingEnv(String),
    /// The source holds no token.
    #[error("{0} is empty")]
    Empty(String),
    /// The file could not be read.
    #[error("cannot read token file {path}: {reason}")]
    File {
        /// The path.
        path: String,
        /// The reason.
        reason: String,
    },
}

fn looks_like_jwt(t: &str) -> bool {
    t.split('.').count() == 3 && t.starts_with("ey")
}

/// The `exp` claim of a JWT (RFC 7519 §4.1.4), without verifying the signature.
#[must_use]
pub fn jwt_expiry(token: &str) -> Option<OffsetDateTime> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || payload.len() > 16 * 1024 {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?;
    let secs = exp.as_i64().or_else(|| exp.as_f64().map(|f| f as i64))?;
    OffsetDateTime::from_unix_timestamp(secs).ok()
}

fn fmt_time(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(exp: i64) -> String {
        let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            e.encode(br#"{"alg":"RS256","typ":"JWT"}"#),
            e.encode(format!(r#"{{"sub":"x","exp":{exp}}}"#))
        )
    }

    #[test]
    fn debug_and_display_hide_the_token() {
        let t = Token::new("s3cr3t");
        assert!(!format!("{t:?}{t}").contains("s3cr3t"));
    }

    #[test]
    fn jwt_expiry_warnings() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let soon = Token::new(&jwt(1_800_000_000 + 5 * 86_400)).inspect(now);
        assert_eq!(soon.expires_at.as_deref(), Some("2027-01-20T08:00:00Z"));
        assert!(soon.warning.unwrap().contains("in 5 days"));
        let later = Token::new(&jwt(1_800_000_000 + 90 * 86_400)).inspect(now);
        assert!(later.jwt && later.warning.is_none() && later.expires_at.is_some());
        let past = Token::new(&jwt(1_700_000_000)).inspect(now);
        assert!(past.warning.unwrap().contains("expired"));
        let opaque = Token::new("abcdef").inspect(now);
        assert_eq!(
            opaque,
            TokenInfo {
                jwt: false,
                expires_at: None,
                warning: None
            }
        );
    }

    #[test]
    fn declared_expiry_of_opaque_tokens() {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let t = Token::new("opaque-rest-api-token");
        let unknown = t.inspect_declared(now, None);
        assert!(!unknown.jwt && unknown.expires_at.is_none());
        assert_eq!(unknown.warning.as_deref(), Some(OPAQUE_NOTE));
        let in_hours = t.inspect_declared(now, Some(now + Duration::hours(5)));
        let w = in_hours.warning.unwrap();
        assert!(
            w.contains("in 5 hours") && w.contains("--token-expires"),
            "{w}"
        );
        let later = t.inspect_declared(now, Some(now + Duration::days(200)));
        assert!(later.warning.is_none() && later.expires_at.is_some());
        // A JWT's own exp wins over a declared date.
        let j = Token::new(&jwt(1_800_000_000 + 90 * 86_400));
        assert!(j.inspect_declared(now, Some(now)).warning.is_none());
        assert_eq!(
            parse_expiry("2026-12-31").unwrap(),
            time::macros::datetime!(2026-12-31 0:00 UTC)
        );
        assert!(parse_expiry("2026-12-31T18:00:00+01:00").is_ok());
        assert!(
            parse_expiry("next week")
                .unwrap_err()
                .contains("2026-12-31")
        );
    }

    #[test]
    fn garbage_is_not_a_jwt() {
        assert!(jwt_expiry("a.b.c").is_none());
        assert!(jwt_expiry("").is_none());
        assert!(jwt_expiry("ey.!!!.x").is_none());
    }

    #[test]
    fn file_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t");
        std::fs::write(&p, "Bearer abc\n").unwrap();
        assert_eq!(Token::from_file(&p).unwrap().expose(), "abc");
        std::fs::write(&p, "\n").unwrap();
        assert!(matches!(Token::from_file(&p), Err(TokenError::Empty(_))));
        assert!(matches!(
            Token::from_file(&dir.path().join("none")),
            Err(TokenError::File { .. })
        ));
    }
}

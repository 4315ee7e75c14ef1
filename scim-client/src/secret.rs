//! Secrets (tokens, passwords) that never print.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::Error;

/// A secret value such as a bearer token or a password.
///
/// `Debug` and `Display` print `***`; the only way to read the value is [`Secret::expose`].
/// Cloning is cheap (the value is shared).
///
/// ```
/// use scim2_client::Secret;
/// let token = Secret::new("s3cr3t".to_owned());
/// assert_eq!(format!("{token} {token:?}"), "*** ***");
/// assert_eq!(token.expose(), "s3cr3t");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    #[must_use]
    pub fn new(value: String) -> Self {
        Self(Arc::from(value))
    }

    /// Reads a secret from the environment variable `var` (surrounding whitespace trimmed).
    ///
    /// # Errors
    /// [`Error::Secret`] when the variable is unset, not Unicode or empty. The message names the
    /// variable, never its value.
    pub fn from_env(var: &str) -> Result<Self, Error> {
        let value = std::env::var(var).map_err(|e| Error::Secret {
            source_name: format!("environment variable {var}"),
            reason: e.to_string(),
        })?;
        Self::non_empty(value.trim(), || format!("environment variable {var}"))
    }

    /// Reads a secret from a file (surrounding whitespace, such as a final newline, trimmed).
    ///
    /// # Errors
    /// [`Error::Secret`] when the file cannot be read or is empty.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Secret {
            source_name: format!("file {}", path.display()),
            reason: e.to_string(),
        })?;
        Self::non_empty(text.trim(), || format!("file {}", path.display()))
    }

    fn non_empty(value: &str, name: impl FnOnce() -> String) -> Result<Self, Error> {
        if value.is_empty() {
            return Err(Error::Secret {
                source_name: name(),
                reason: "it is empty".to_owned(),
            });
        }
        Ok(Self(Arc::from(value)))
    }

    /// The secret value. Do not log it.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(Arc::from(value))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_is_trimmed_and_empty_is_refused() {
        let dir = std::env::temp_dir().join(format!("scim2-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("token");
        std::fs::write(&p, "abc\n").unwrap();
        assert_eq!(Secret::from_file(&p).unwrap().expose(), "abc");
        std::fs::write(&p, " \n").unwrap();
        let e = Secret::from_file(&p).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = Secret::from_file(dir.join("missing"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn env_names_the_variable_only() {
        let e = Secret::from_env("SCIM2_CLIENT_TEST_SURELY_UNSET").unwrap_err();
        assert!(e.to_string().contains("SCIM2_CLIENT_TEST_SURELY_UNSET"));
    }
}

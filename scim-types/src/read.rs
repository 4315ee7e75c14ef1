//! Reading entry points that report the JSON path of a bad value.
//!
//! Plain `serde_json::from_str::<User>` works too; these functions add the path of the
//! offending value (`emails[1].primary`) to the error and bound the document size. The path
//! costs nothing when reading succeeds: a document is read once at `serde_json`'s speed, and
//! read a second time, tracking paths, only when it fails. Nesting is
//! bounded by `serde_json`'s recursion limit (128 levels), so deeply nested input is an error,
//! never a stack overflow.
//!
//! ```
//! use scim2_types::{User, read};
//! let err = User::from_json_str(
//!     r#"{"userName":"a","emails":[{"value":"a@x"},{"value":"b@x","primary":7}]}"#,
//! ).unwrap_err();
//! assert_eq!(err.path(), "emails[1].primary");
//! assert!(err.to_string().starts_with("emails[1].primary: invalid type"));
//! ```

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Size bounds applied by [`from_str_with`] and [`from_slice_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest document accepted, in bytes (default 64 MiB).
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The JSON was malformed, or a value had the wrong type or was missing.
    #[error("{path}: {source}")]
    Json {
        /// The JSON path of the offending value (`emails[1].primary`; `.` for the document).
        path: String,
        /// The underlying error, with line and column when reading text.
        #[source]
        source: serde_json::Error,
    },
    /// The document is larger than [`Limits::max_bytes`].
    #[error("document of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The document's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
}

impl ReadError {
    /// The JSON path of the offending value (`.` for the whole document or when the document
    /// was too large).
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Self::Json { path, .. } => path,
            Self::TooLarge { .. } => ".",
        }
    }

    /// The 1-based line of the error in the input text (0 when not reading text).
    #[must_use]
    pub fn line(&self) -> usize {
        match self {
            Self::Json { source, .. } => source.line(),
            Self::TooLarge { .. } => 0,
        }
    }

    /// The 1-based column of the error in the input text (0 when not reading text).
    #[must_use]
    pub fn column(&self) -> usize {
        match self {
            Self::Json { source, .. } => source.column(),
            Self::TooLarge { .. } => 0,
        }
    }

    fn from_path(e: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = e.path().to_string();
        Self::Json {
            path,
            source: e.into_inner(),
        }
    }
}

/// Reads a `T` from JSON text with the default [`Limits`].
///
/// # Errors
/// [`ReadError`] naming the JSON path of the offending value.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, ReadError> {
    from_str_with(text, &Limits::default())
}

/// Reads a `T` from JSON text within `limits`.
///
/// # Errors
/// [`ReadError`] naming the JSON path of the offending value, or [`ReadError::TooLarge`].
pub fn from_str_with<T: DeserializeOwned>(text: &str, limits: &Limits) -> Result<T, ReadError> {
    // Text is known to be UTF-8: the first pass need not check it again.
    read(text.as_bytes(), limits, || serde_json::from_str(text))
}

/// Reads a `T` from JSON bytes with the default [`Limits`].
///
/// # Errors
/// [`ReadError`] naming the JSON path of the offending value.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ReadError> {
    from_slice_with(bytes, &Limits::default())
}

/// Reads a `T` from JSON bytes within `limits`.
///
/// # Errors
/// [`ReadError`] naming the JSON path of the offending value, or [`ReadError::TooLarge`].
pub fn from_slice_with<T: DeserializeOwned>(bytes: &[u8], limits: &Limits) -> Result<T, ReadError> {
    read(bytes, limits, || serde_json::from_slice(bytes))
}

/// Reads `bytes` with `first_pass` (plain `serde_json`), and again with path tracking only
/// when that fails.
fn read<T: DeserializeOwned>(
    bytes: &[u8],
    limits: &Limits,
    first_pass: impl FnOnce() -> Result<T, serde_json::Error>,
) -> Result<T, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len(),
            limit: limits.max_bytes,
        });
    }
    // Read at full speed first; only a document that fails is read again, tracking the path
    // of each value, to name where it failed. Reading is deterministic, so the second pass
    // fails at the same value.
    if let Ok(value) = first_pass() {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(ReadError::from_path)?;
    // Trailing characters after the document are an error, as in `serde_json::from_slice`.
    de.end().map_err(|source| ReadError::Json {
        path: ".".to_owned(),
        source,
    })?;
    Ok(value)
}

/// Reads a `T` from an already parsed JSON value.
///
/// # Errors
/// [`ReadError`] naming the JSON path of the offending value.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, ReadError> {
    // As in `from_slice_with`: the path is tracked only when reading fails.
    if let Ok(read) = <T as serde::Deserialize>::deserialize(value) {
        return Ok(read);
    }
    serde_path_to_error::deserialize(value).map_err(ReadError::from_path)
}

/// Adds `from_json_str`, `from_json_slice` and `from_value` to a type.
macro_rules! read_methods {
    ($ty:ident) => {
        impl $ty {
            /// Reads one from JSON text; the error names the JSON path of a bad value
            /// (see [`crate::read`]).
            ///
            /// # Errors
            /// [`crate::read::ReadError`] with the path of the offending value.
            pub fn from_json_str(text: &str) -> Result<Self, $crate::read::ReadError> {
                $crate::read::from_str(text)
            }

            /// Reads one from JSON bytes; the error names the JSON path of a bad value.
            ///
            /// # Errors
            /// [`crate::read::ReadError`] with the path of the offending value.
            pub fn from_json_slice(bytes: &[u8]) -> Result<Self, $crate::read::ReadError> {
                $crate::read::from_slice(bytes)
            }

            /// Reads one from a parsed JSON value; the error names the JSON path of a bad value.
            ///
            /// # Errors
            /// [`crate::read::ReadError`] with the path of the offending value.
            pub fn from_value(
                value: &::serde_json::Value,
            ) -> Result<Self, $crate::read::ReadError> {
                $crate::read::from_value(value)
            }
        }
    };
}

pub(crate) use read_methods;

//! The SCIM error response (RFC 7644 §3.12).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::urn;

/// The `scimType` detail error keyword (RFC 7644 §3.12, Table 9).
///
/// Non-exhaustive: a later RFC or a common extension may get its own variant (until then it
/// reads as [`ScimType::Other`]); match with a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ScimType {
    /// `invalidFilter`: the filter syntax was invalid or the operator/attribute combination is not supported.
    InvalidFilter,
    /// `tooMany`: the filter yields too many results.
    TooMany,
    /// `uniqueness`: a value is already in use (409).
    Uniqueness,
    /// `mutability`: the attempted modification is not compatible with the attribute's mutability.
    Mutability,
    /// `invalidSyntax`: the request body structure was invalid.
    InvalidSyntax,
    /// `invalidPath`: the `path` attribute was invalid or malformed.
    InvalidPath,
    /// `noTarget`: the `path` did not yield an attribute that could be operated on.
    NoTarget,
    /// `invalidValue`: a required value was missing or the value is not compatible.
    InvalidValue,
    /// `invalidVers`: the specified SCIM protocol version is not supported.
    InvalidVers,
    /// `sensitive`: the request cannot be completed because of sensitive information in the URI.
    Sensitive,
    /// Any other keyword, kept as sent.
    Other(String),
}

impl ScimType {
    /// The keyword as written in `scimType`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidFilter => "invalidFilter",
            Self::TooMany => "tooMany",
            Self::Uniqueness => "uniqueness",
            Self::Mutability => "mutability",
            Self::InvalidSyntax => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::NoTarget => "noTarget",
            Self::InvalidValue => "invalidValue",
            Self::InvalidVers => "invalidVers",
            Self::Sensitive => "sensitive",
            Self::Other(s) => s,
        }
    }

    /// Reads a keyword (ASCII case-insensitively; unknown keywords become [`ScimType::Other`]).
    #[must_use]
    pub fn parse(text: &str) -> Self {
        [
            Self::InvalidFilter,
            Self::TooMany,
            Self::Uniqueness,
            Self::Mutability,
            Self::InvalidSyntax,
            Self::InvalidPath,
            Self::NoTarget,
            Self::InvalidValue,
            Self::InvalidVers,
            Self::Sensitive,
        ]
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(text))
        .unwrap_or_else(|| Self::Other(text.to_owned()))
    }
}

impl fmt::Display for ScimType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ScimType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ScimType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::parse(&String::deserialize(d)?))
    }
}

#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl schemars::JsonSchema for ScimType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ScimType".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// A SCIM error response body (RFC 7644 §3.12).
///
/// `status` is written as a string, as the RFC's examples do, and read from a string or a
/// number (servers send both).
///
/// ```
/// use scim2_types::{ScimError, ScimType};
/// let e: ScimError = serde_json::from_str(
///     r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],
///         "status":409,"scimType":"uniqueness","detail":"userName taken"}"#).unwrap();
/// assert_eq!(e.status, 409);
/// assert_eq!(e.scim_type, Some(ScimType::Uniqueness));
/// assert_eq!(serde_json::to_value(&e).unwrap()["status"], "409");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ScimError {
    /// The message schemas; [`urn::ERROR`].
    #[serde(default = "error_schemas")]
    pub schemas: Vec<String>,
    /// The HTTP status code.
    #[serde(
        serialize_with = "status_to_string",
        deserialize_with = "status_from_any"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub status: u16,
    /// The detail error keyword, for 400 and 409 (and a few others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_type: Option<ScimType>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

fn error_schemas() -> Vec<String> {
    vec![urn::ERROR.to_owned()]
}

impl ScimError {
    /// An error body with the given status, keyword and detail.
    #[must_use]
    pub fn new(status: u16, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        Self {
            schemas: error_schemas(),
            status,
            scim_type,
            detail: Some(detail.into()),
        }
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(t) = &self.scim_type {
            write!(f, " {t}")?;
        }
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's serialize_with signature
pub(crate) fn status_to_string<S: Serializer>(status: &u16, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&status.to_string())
}

pub(crate) fn status_from_any<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Status {
        Number(u16),
        Text(String),
    }
    match Status::deserialize(d)? {
        Status::Number(n) => Ok(n),
        Status::Text(t) => t.trim().parse().map_err(|_| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Str(&t), &"an HTTP status code")
        }),
    }
}

//! The configuration of a reference endpoint: its faults and its bearer token.

use std::collections::BTreeSet;
use std::fmt;

use scim2_types::schema::Schema;

use super::Fault;

/// What a reference endpoint does differently from the correct behaviour.
///
/// `Debug` never shows the token.
///
/// ```
/// use scim2_conformance::reference::{Fault, ReferenceConfig};
/// let config = ReferenceConfig::default()
///     .with_fault(Fault::IgnoreCount)
///     .with_token("s3cret");
/// assert!(config.has(Fault::IgnoreCount));
/// assert!(!format!("{config:?}").contains("s3cret"));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct ReferenceConfig {
    /// The faults switched on (none by default: the endpoint is correct).
    pub faults: BTreeSet<Fault>,
    /// When `Some`, every request must carry `Authorization: Bearer <token>` (401 otherwise).
    pub token: Option<String>,
    /// User extension schemas the endpoint declares (RFC 7643 §7), besides the Enterprise User
    /// one. When any is declared the endpoint checks strictly: attributes of other extensions
    /// and unknown sub-attributes are refused in POST, PUT and PATCH alike. With none (the
    /// default) it stores them as sent in all three (`Policy::undeclared_attributes`).
    pub extension_schemas: Vec<Schema>,
}

impl ReferenceConfig {
    /// A correct endpoint without authentication.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Switches `fault` on.
    #[must_use]
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.faults.insert(fault);
        self
    }

    /// Switches every fault of `faults` on.
    #[must_use]
    pub fn with_faults(mut self, faults: impl IntoIterator<Item = Fault>) -> Self {
        self.faults.extend(faults);
        self
    }

    /// Requires `Authorization: Bearer <token>`.
    #[must_use]
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Declares a User extension schema (and switches to strict checking of undeclared
    /// attributes).
    #[must_use]
    pub fn with_extension_schema(mut self, schema: Schema) -> Self {
        self.extension_schemas.push(schema);
        self
    }

    /// Whether `fault` is switched on.
    #[must_use]
    pub fn has(&self, fault: Fault) -> bool {
        self.faults.contains(&fault)
    }
}

/// A schema file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaFileError {
    /// Not a schema, a list of schemas, or a ListResponse of schemas (RFC 7643 §7).
    #[error("not a SCIM schema, an array of schemas or a ListResponse of schemas: {0}")]
    Json(String),
    /// The schema's id is not an extension URN this endpoint can declare.
    #[error("schema {id:?}: {reason}")]
    Id {
        /// The id.
        id: String,
        /// Why it cannot be declared.
        reason: &'static str,
    },
}

/// Reads User extension schemas (RFC 7643 §7) for [`ReferenceConfig::extension_schemas`]: one
/// schema object, an array of them, or a `ListResponse` as `GET /Schemas` answers.
///
/// ```
/// use scim2_conformance::reference::parse_extension_schemas;
/// let s = parse_extension_schemas(r#"{"id": "urn:ietf:params:scim:schemas:extension:Contoso:2.0:User",
///     "attributes": [{"name": "badge", "type": "string"}]}"#).unwrap();
/// assert_eq!(s[0].attributes[0].name, "badge");
/// ```
///
/// # Errors
/// [`SchemaFileError`] with the JSON position, or naming the schema that cannot be declared.
pub fn parse_extension_schemas(text: &str) -> Result<Vec<Schema>, SchemaFileError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| SchemaFileError::Json(e.to_string()))?;
    let items = match value {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(mut o) => match o.remove("Resources") {
            Some(serde_json::Value::Array(a)) => a,
            _ => vec![serde_json::Value::Object(o)],
        },
        _ => {
            return Err(SchemaFileError::Json(
                "expected a JSON object or array".into(),
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let s: Schema = serde_json::from_value(item)
            .map_err(|e| SchemaFileError::Json(format!("schema {i}: {e}")))?;
        let id = s.id.clone();
        let known = [
            scim2_types::urn::USER,
            scim2_types::urn::GROUP,
            scim2_types::urn::ENTERPRISE_USER,
        ];
        if !id.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
            return Err(SchemaFileError::Id {
                id,
                reason: "the id must be a URN (urn:…)",
            });
        }
        if known.iter().any(|k| k.eq_ignore_ascii_case(&id)) {
            return Err(SchemaFileError::Id {
                id,
                reason: "the endpoint declares this schema already",
            });
        }
        out.push(s);
    }
    Ok(out)
}

impl fmt::Debug for ReferenceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReferenceConfig")
            .field("faults", &self.faults)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field(
                "extension_schemas",
                &self
                    .extension_schemas
                    .iter()
                    .map(|s| &s.id)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

//! What [`apply`](super::apply) returns: the change report, or the error of the failing
//! operation (RFC 7644 §3.12).

use std::collections::BTreeSet;

use scim2_types::{ScimError, ScimType};

/// A PATCH request that could not be applied (RFC 7644 §3.5.2: "the entire request fails and
/// no updates are made"). The resource is unchanged.
///
/// ```
/// use scim2_filter::patch::PatchError;
/// use scim2_types::ScimType;
/// let e = PatchError::new(1, ScimType::NoTarget, "no element matches");
/// assert_eq!(e.to_string(), "PATCH operation 1: noTarget: no element matches");
/// assert_eq!(e.to_scim_error().status, 400);
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("PATCH operation {index}: {scim_type}: {detail}")]
pub struct PatchError {
    /// The index (from 0) of the failing operation in `Operations`.
    pub index: usize,
    /// The RFC 7644 §3.12 detail error keyword: `invalidPath`, `noTarget`, `invalidValue`,
    /// `mutability` or `invalidSyntax`.
    pub scim_type: ScimType,
    /// A human-readable explanation naming the path or value at fault.
    pub detail: String,
}

impl PatchError {
    /// An error of operation `index`.
    #[must_use]
    pub fn new(index: usize, scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self {
            index,
            scim_type,
            detail: detail.into(),
        }
    }

    /// The SCIM error response for this error: status 400 with the `scimType` (RFC 7644
    /// §3.12, Table 9 lists all five keywords used here under 400).
    #[must_use]
    pub fn to_scim_error(&self) -> ScimError {
        ScimError::new(400, Some(self.scim_type.clone()), self.to_string())
    }
}

/// An error of one operation before its index is known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OpError {
    pub(crate) scim_type: ScimType,
    pub(crate) detail: String,
}

impl OpError {
    pub(crate) fn new(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self {
            scim_type,
            detail: detail.into(),
        }
    }
    pub(crate) fn invalid_path(detail: impl Into<String>) -> Self {
        Self::new(ScimType::InvalidPath, detail)
    }
    pub(crate) fn invalid_value(detail: impl Into<String>) -> Self {
        Self::new(ScimType::InvalidValue, detail)
    }
    pub(crate) fn no_target(detail: impl Into<String>) -> Self {
        Self::new(ScimType::NoTarget, detail)
    }
    pub(crate) fn mutability(detail: impl Into<String>) -> Self {
        Self::new(ScimType::Mutability, detail)
    }
    pub(crate) fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::new(ScimType::InvalidSyntax, detail)
    }
    pub(crate) fn at(self, index: usize) -> PatchError {
        PatchError {
            index,
            scim_type: self.scim_type,
            detail: self.detail,
        }
    }
}

/// Which attributes the operations of a request changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeReport {
    /// One entry per operation, in request order.
    pub operations: Vec<OperationChanges>,
}

/// The attributes one operation changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationChanges {
    /// The index (from 0) of the operation in `Operations`.
    pub index: usize,
    /// The attribute paths whose value the operation changed, in canonical spelling
    /// (`name.givenName`, `emails.value`, `urn:…:enterprise:2.0:User:manager`). Empty when
    /// the operation was a no-op (for example adding a member that is already there,
    /// RFC 7644 §3.5.2.1).
    pub changed: Vec<String>,
}

impl ChangeReport {
    /// Whether any operation changed the resource (a server only bumps `meta.lastModified`
    /// and the ETag when it did, RFC 7644 §3.5.2.1).
    #[must_use]
    pub fn is_changed(&self) -> bool {
        self.operations.iter().any(|o| !o.changed.is_empty())
    }

    /// Every changed attribute path, deduplicated and sorted.
    #[must_use]
    pub fn changed_attributes(&self) -> BTreeSet<&str> {
        self.operations
            .iter()
            .flat_map(|o| o.changed.iter().map(String::as_str))
            .collect()
    }
}

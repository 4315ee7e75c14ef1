//! The configuration of a reference endpoint: its faults and its bearer token.

use std::collections::BTreeSet;
use std::fmt;

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
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ReferenceConfig {
    /// The faults switched on (none by default: the endpoint is correct).
    pub faults: BTreeSet<Fault>,
    /// When `Some`, every request must carry `Authorization: Bearer <token>` (401 otherwise).
    pub token: Option<String>,
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

    /// Whether `fault` is switched on.
    #[must_use]
    pub fn has(&self, fault: Fault) -> bool {
        self.faults.contains(&fault)
    }
}

impl fmt::Debug for ReferenceConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReferenceConfig")
            .field("faults", &self.faults)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

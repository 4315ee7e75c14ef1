//! The `rfc7644` profile: protocol checks Entra does not need (RFC 7644).

use super::Check;

/// The `rfc7644` checks (in addition to the `entra` ones).
#[must_use]
pub fn checks() -> Vec<Check> {
    Vec::new()
}

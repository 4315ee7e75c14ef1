//! Entra ID's two PATCH dialects (docs/entra.md#patch-dialects): the one type the checks, the
//! stateful phase, the command line and profile files use.

use std::fmt;

use serde::Serialize;

/// Which of Entra's PATCH dialects a check replays (docs/entra.md#patch-dialects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// The default non-gallery job: `"Replace"`/`"Add"`/`"Remove"`, one op per attribute,
    /// `"True"`/`"False"` strings, member removal with a value array.
    Legacy,
    /// With the `aadOptscim062020` flag: lower-case ops, booleans, path-less replace with dotted
    /// and URN keys, member removal with a `members[value eq "…"]` path.
    Flagged,
}

impl Dialect {
    /// Both dialects, in report order.
    pub const BOTH: &'static [Dialect] = &[Dialect::Legacy, Dialect::Flagged];
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Legacy => "legacy",
            Self::Flagged => "flagged",
        })
    }
}

impl From<Dialect> for scim2_filter::diff::Dialect {
    fn from(d: Dialect) -> Self {
        match d {
            Dialect::Legacy => Self::EntraLegacy,
            Dialect::Flagged => Self::EntraFlagged,
        }
    }
}

/// A choice of dialects to replay: `--dialect` and a profile file's `dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Dialects {
    /// Entra's default PATCH shapes only.
    Legacy,
    /// Only the shapes Entra sends with the `aadOptscim062020` feature flag.
    Flagged,
    /// Both dialects (default).
    Both,
}

impl Dialects {
    /// The dialects chosen, in report order.
    #[must_use]
    pub fn to_vec(self) -> Vec<Dialect> {
        match self {
            Self::Legacy => vec![Dialect::Legacy],
            Self::Flagged => vec![Dialect::Flagged],
            Self::Both => Dialect::BOTH.to_vec(),
        }
    }

    /// Reads a profile file's `dialect` (`legacy`, `flagged` or `both`, exact case).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(s, false).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_read_as_written() {
        assert_eq!(
            Dialects::parse("both").map(Dialects::to_vec),
            Some(Dialect::BOTH.to_vec())
        );
        assert_eq!(
            Dialects::parse("flagged").map(Dialects::to_vec),
            Some(vec![Dialect::Flagged])
        );
        assert_eq!(Dialects::parse("Legacy"), None);
        assert_eq!(
            scim2_filter::diff::Dialect::from(Dialect::Legacy),
            scim2_filter::diff::Dialect::EntraLegacy
        );
    }
}

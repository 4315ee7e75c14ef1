//! The evidence behind a check, and the level it allows.
//!
//! A check's level follows its evidence (the rule the catalogue in the README states):
//!
//! - under the `entra` profile a check is **MUST** only when Microsoft documents the behaviour
//!   (a Microsoft Learn page, or Microsoft's own SCIM reference code or validator), or when at
//!   least two independent public sources observed Entra doing it (two different owners);
//!   a behaviour Entra never triggers (it never sends the request the check replays) is
//!   **SHOULD** at most;
//! - under the `rfc7644` profile a check may also be **MUST** when the RFC section it rests on
//!   says MUST (SHALL, REQUIRED) for the behaviour, and **SHOULD** when the RFC says SHOULD.
//!
//! Every source is public (an `https://` address or an RFC section); `docs` names the section of
//! the repository's `docs/entra.md` that explains the Entra behaviour in prose.
//!
//! This module is plain data: it depends on [`Requirement`] only.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

/// How strongly a check's behaviour is required (RFC 2119 keywords as used by RFC 7644).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Requirement {
    /// A failure fails the run (exit code 1).
    Must,
    /// A failure is reported but does not fail the run.
    Should,
    /// Informational: the behaviour is recorded, never failed.
    May,
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Must => "MUST",
            Self::Should => "SHOULD",
            Self::May => "MAY",
        })
    }
}

/// One public source a check rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Source {
    /// Microsoft documents the behaviour: a Microsoft Learn page, or Microsoft's SCIM reference
    /// code or validator.
    Microsoft {
        /// The page's address.
        url: &'static str,
    },
    /// A public observation of Entra's traffic by a third party (a bug report, an SDK
    /// workaround). Observations by the same owner count once.
    Observed {
        /// The report's address (`https://github.com/<owner>/<repo>/…` or another site).
        url: &'static str,
    },
    /// An RFC section and the strongest requirement keyword it uses for the behaviour.
    Rfc {
        /// 7643 or 7644.
        rfc: u16,
        /// The section number, e.g. `3.5.2.1`.
        section: &'static str,
        /// MUST (also SHALL, REQUIRED), SHOULD or MAY.
        keyword: Requirement,
    },
}

impl Source {
    /// The owner behind an observation: the GitHub owner, else the host.
    fn owner(&self) -> Option<String> {
        let Self::Observed { url } = self else {
            return None;
        };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .unwrap_or(url);
        let mut parts = rest.split('/');
        let host = parts.next().unwrap_or_default().to_ascii_lowercase();
        Some(match host.as_str() {
            "github.com" => format!(
                "github.com/{}",
                parts.next().unwrap_or_default().to_ascii_lowercase()
            ),
            _ => host,
        })
    }

    /// The address of the source (RFC sections on rfc-editor.org).
    #[must_use]
    pub fn url(&self) -> String {
        match self {
            Self::Microsoft { url } | Self::Observed { url } => (*url).to_owned(),
            Self::Rfc { rfc, section, .. } => {
                format!("https://www.rfc-editor.org/rfc/rfc{rfc}#section-{section}")
            }
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Microsoft { url } => write!(f, "Microsoft: {url}"),
            Self::Observed { url } => write!(f, "observed: {url}"),
            Self::Rfc {
                rfc,
                section,
                keyword,
            } => write!(f, "RFC {rfc} §{section} ({keyword})"),
        }
    }
}

/// What a check rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The section of `docs/entra.md` that describes the Entra behaviour (its anchor), if any.
    pub docs: Option<&'static str>,
    /// Whether Entra sends the requests the check replays. A check of behaviour Entra never
    /// triggers is SHOULD at most under the `entra` profile.
    pub entra_sends: bool,
    /// The public sources.
    pub sources: &'static [Source],
}

impl Evidence {
    /// Whether Microsoft documents the behaviour.
    #[must_use]
    pub fn documented(&self) -> bool {
        self.sources
            .iter()
            .any(|s| matches!(s, Source::Microsoft { .. }))
    }

    /// The number of independent observers (distinct owners) of the behaviour.
    #[must_use]
    pub fn observers(&self) -> usize {
        self.sources
            .iter()
            .filter_map(Source::owner)
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// The strongest RFC keyword among the RFC sources, if any.
    #[must_use]
    pub fn rfc_keyword(&self) -> Option<Requirement> {
        self.sources
            .iter()
            .filter_map(|s| match s {
                Source::Rfc { keyword, .. } => Some(*keyword),
                _ => None,
            })
            .min()
    }

    /// The strongest level the evidence allows under the `entra` profile.
    ///
    /// ```
    /// use scim2_conformance::{Evidence, Requirement, Source};
    /// let one = Evidence { docs: None, entra_sends: true, sources: &[
    ///     Source::Observed { url: "https://github.com/a/x/issues/1" },
    ///     Source::Observed { url: "https://github.com/a/y/issues/2" },
    /// ]};
    /// assert_eq!(one.entra_max(), Requirement::Should); // one owner
    /// let two = Evidence { docs: None, entra_sends: true, sources: &[
    ///     Source::Observed { url: "https://github.com/a/x/issues/1" },
    ///     Source::Observed { url: "https://github.com/b/y/issues/2" },
    /// ]};
    /// assert_eq!(two.entra_max(), Requirement::Must);
    /// ```
    #[must_use]
    pub fn entra_max(&self) -> Requirement {
        if !self.entra_sends {
            return Requirement::Should;
        }
        if self.documented() || self.observers() >= 2 {
            Requirement::Must
        } else {
            Requirement::Should
        }
    }

    /// The strongest level the evidence allows under the `rfc7644` profile: the `entra` level
    /// or the RFC's keyword, whichever is stronger.
    #[must_use]
    pub fn rfc7644_max(&self) -> Requirement {
        let rfc = self.rfc_keyword().unwrap_or(Requirement::May);
        self.entra_max().min(rfc)
    }

    /// One line for catalogues and reports: the docs section, then every source.
    #[must_use]
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = self.docs {
            parts.push(format!("docs/entra.md#{d}"));
        }
        parts.extend(self.sources.iter().map(|s| match s {
            Source::Rfc { .. } => s.to_string(),
            Source::Microsoft { url } => format!("Microsoft {url}"),
            Source::Observed { url } => format!("observed {url}"),
        }));
        parts.join("; ")
    }
}

/// `Source::Microsoft { url }`.
#[must_use]
pub const fn ms(url: &'static str) -> Source {
    Source::Microsoft { url }
}

/// `Source::Observed { url }`.
#[must_use]
pub const fn obs(url: &'static str) -> Source {
    Source::Observed { url }
}

/// `Source::Rfc { rfc, section, keyword }`.
#[must_use]
pub const fn rfc(rfc: u16, section: &'static str, keyword: Requirement) -> Source {
    Source::Rfc {
        rfc,
        section,
        keyword,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Requirement::{May, Must, Should};

    #[test]
    fn levels_follow_the_evidence() {
        let ms_doc = Evidence {
            docs: Some("user-create"),
            entra_sends: true,
            sources: const { &[ms("https://learn.microsoft.com/x")] },
        };
        assert_eq!(ms_doc.entra_max(), Must);
        assert_eq!(ms_doc.rfc7644_max(), Must);
        let rfc_only = Evidence {
            docs: None,
            entra_sends: false,
            sources: const { &[rfc(7644, "3.12", Must)] },
        };
        assert_eq!(rfc_only.entra_max(), Should);
        assert_eq!(rfc_only.rfc7644_max(), Must);
        let not_sent = Evidence {
            docs: None,
            entra_sends: false,
            sources: const { &[ms("https://learn.microsoft.com/x")] },
        };
        assert_eq!(not_sent.entra_max(), Should);
        let rfc_may = Evidence {
            docs: None,
            entra_sends: true,
            sources: const {
                &[
                    obs("https://github.com/a/b/issues/1"),
                    rfc(7643, "2.3.7", May),
                ]
            },
        };
        assert_eq!(rfc_may.entra_max(), Should);
        assert_eq!(rfc_may.rfc7644_max(), Should);
        assert_eq!(rfc_may.observers(), 1);
    }

    #[test]
    fn observers_are_counted_by_owner() {
        let e = Evidence {
            docs: None,
            entra_sends: true,
            sources: const {
                &[
                    obs("https://github.com/Owner/a/issues/1"),
                    obs("https://github.com/owner/b/pull/2"),
                    obs("https://stackoverflow.com/q/1"),
                ]
            },
        };
        assert_eq!(e.observers(), 2);
        assert_eq!(
            rfc(7644, "3.5.2", Must).url(),
            "https://www.rfc-editor.org/rfc/rfc7644#section-3.5.2"
        );
    }
}

//! Profiles: the check lists of a client behaviour. `entra` (default) replays Entra ID's
//! provisioning traffic; `rfc7644` adds protocol checks Entra does not need. A profile file
//! ([`file::ProfileFile`]) builds a named profile on one of them: a selection of its checks,
//! changed requirement levels, a user mapping and a PATCH dialect.

use std::fmt;
use std::str::FromStr;

use crate::check::CheckMeta;
use crate::session::{CheckBody, Cx};
use crate::transport::BoxFuture;

pub mod entra;
pub mod entra_custom;
pub mod entra_names;
pub mod file;
pub mod rfc7644;
pub(crate) mod wire;

/// A check: metadata plus the function that runs it.
#[derive(Clone)]
pub struct Check {
    /// Static description.
    pub meta: CheckMeta,
    /// The body.
    pub(crate) run: fn(Cx) -> BoxFuture<'static, CheckBody>,
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check")
            .field("id", &self.meta.id)
            .finish_non_exhaustive()
    }
}

/// The built-in profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Entra ID's provisioning traffic (default).
    #[default]
    Entra,
    /// The `entra` checks plus strict RFC 7644 protocol checks.
    Rfc7644,
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Entra => "entra",
            Self::Rfc7644 => "rfc7644",
        })
    }
}

impl FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "entra" => Ok(Self::Entra),
            "rfc7644" => Ok(Self::Rfc7644),
            o => Err(format!("unknown profile {o:?} (expected entra or rfc7644)")),
        }
    }
}

impl Profile {
    /// The profile's checks, in report order, each at its level under this profile.
    #[must_use]
    pub fn checks(self) -> Vec<Check> {
        let mut c = entra::checks();
        c.extend(entra_names::checks());
        c.extend(entra_custom::checks());
        if self == Self::Rfc7644 {
            c.extend(rfc7644::checks());
            for check in &mut c {
                check.meta.requirement = check.meta.levels.rfc7644;
            }
        }
        c
    }
}

/// Builds a [`Check`] from its metadata and its body, an async function `fn(Cx) -> CheckBody`,
/// or `fn(Cx, Dialect) -> CheckBody` for a check of one PATCH dialect (`dialect: Legacy` passes
/// the dialect to the body). Usable in a `const`, so that each check is declared beside its body.
///
/// The level is written `Must` (the same under both profiles) or `Should / Must` (`entra` /
/// `rfc7644`); `docs` is the anchor of the behaviour's section in `docs/entra.md` (or `None`),
/// `sends` whether Entra sends the requests the check replays, `sources` the public evidence
/// ([`crate::evidence`]), `faults` the reference endpoint's [`Fault`](crate::reference::Fault)s
/// the check catches. A test checks that every level is one the evidence allows.
macro_rules! check {
    ($f:path, $id:literal, $area:literal, $req:ident $(/ $rfc:ident)?, $title:literal,
     docs: $docs:expr, sends: $sends:expr, sources: [$($src:expr),* $(,)?],
     faults: [$($fault:ident),* $(,)?], writes: $w:expr, dialect: None, needs: [$($cap:ident),*]) => {
        $crate::profile::check!(@build $id, $area, $req $(/ $rfc)?, $title, $docs, $sends,
            [$($src),*], [$($fault),*], $w, None, [$($cap),*], |cx| Box::pin($f(cx)))
    };
    ($f:path, $id:literal, $area:literal, $req:ident $(/ $rfc:ident)?, $title:literal,
     docs: $docs:expr, sends: $sends:expr, sources: [$($src:expr),* $(,)?],
     faults: [$($fault:ident),* $(,)?], writes: $w:expr, dialect: $d:ident, needs: [$($cap:ident),*]) => {
        $crate::profile::check!(@build $id, $area, $req $(/ $rfc)?, $title, $docs, $sends,
            [$($src),*], [$($fault),*], $w, Some($crate::dialect::Dialect::$d), [$($cap),*],
            |cx| Box::pin($f(cx, $crate::dialect::Dialect::$d)))
    };
    (@build $id:literal, $area:literal, $req:ident $(/ $rfc:ident)?, $title:literal, $docs:expr,
     $sends:expr, [$($src:expr),*], [$($fault:ident),*], $w:expr, $dialect:expr,
     [$($cap:ident),*], $run:expr) => {
        $crate::profile::Check {
            meta: $crate::check::CheckMeta {
                id: $id,
                title: $title,
                area: $area,
                requirement: $crate::check::Requirement::$req,
                levels: $crate::check::Levels {
                    entra: $crate::check::Requirement::$req,
                    rfc7644: $crate::profile::check!(@rfc $req $(, $rfc)?),
                },
                evidence: $crate::evidence::Evidence {
                    docs: $docs,
                    entra_sends: $sends,
                    sources: const { &[$($src),*] },
                },
                faults: &[$($crate::reference::Fault::$fault),*],
                writes: $w,
                dialect: $dialect,
                needs: &[$($crate::check::Capability::$cap),*],
            },
            run: $run,
        }
    };
    (@rfc $req:ident) => { $crate::check::Requirement::$req };
    (@rfc $req:ident, $rfc:ident) => { $crate::check::Requirement::$rfc };
}
pub(crate) use check;

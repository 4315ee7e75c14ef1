//! Profile files: a TOML description of a custom profile built on one of the built-in ones.
//!
//! ```toml
//! name = "acme-entra"             # shown in reports
//! base = "entra"                  # or "rfc7644": the built-in check list it starts from
//! include = ["entra.*"]           # optional: check-id patterns kept (syntax of --only)
//! exclude = ["entra.probe.*"]     # optional: check-id patterns removed (syntax of --skip)
//! mapping = "acme-mapping.toml"   # optional: user mapping file, relative to this file
//! dialect = "legacy"              # optional: legacy | flagged | both
//! [requirements]                  # optional: a check's requirement level (MUST|SHOULD|MAY)
//! "entra.user.patch.nickname.legacy" = "MAY"
//! ```
//!
//! Every problem is an error naming the file, the line and column and the key: unknown keys,
//! an unknown base, a pattern that matches no check of the base, an unknown check id or level
//! in `[requirements]`, a selection left empty, a file larger than [`MAX_PROFILE_FILE`] bytes.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use super::{Check, Profile};
use crate::check::{Requirement, id_matches};
use crate::dialect::{Dialect, Dialects};

/// The largest profile file accepted, in bytes.
pub const MAX_PROFILE_FILE: u64 = 64 * 1024;
/// The most patterns accepted in `include` plus `exclude`.
const MAX_PATTERNS: usize = 256;
/// The longest `name` accepted, in characters.
const MAX_NAME: usize = 64;

/// The example profile shipped in `data/example-profile.toml`.
#[cfg(test)]
pub(crate) const EXAMPLE_PROFILE_TOML: &str = include_str!("../../data/example-profile.toml");

/// The `--profile` argument: a built-in profile name or the path of a profile file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileChoice {
    /// `entra` or `rfc7644`.
    Builtin(Profile),
    /// Any other value: a profile file.
    File(PathBuf),
}

impl Default for ProfileChoice {
    fn default() -> Self {
        Self::Builtin(Profile::Entra)
    }
}

impl fmt::Display for ProfileChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builtin(p) => p.fmt(f),
            Self::File(p) => p.display().fmt(f),
        }
    }
}

impl FromStr for ProfileChoice {
    type Err = String;
    /// `entra` and `rfc7644` are the built-in profiles; anything else is a file path (write
    /// `./entra` for a file of that name).
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("expected entra, rfc7644 or the path of a profile file".into());
        }
        Ok(match s.parse::<Profile>() {
            Ok(p) => Self::Builtin(p),
            Err(_) => Self::File(PathBuf::from(s)),
        })
    }
}

/// A profile file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileFileError {
    /// The file could not be read or is too large.
    #[error("cannot read profile file {path}: {reason}")]
    Read {
        /// The path.
        path: String,
        /// The reason.
        reason: String,
    },
    /// The file is not valid TOML or breaks a rule of the format.
    #[error("profile file {path}, line {line}, column {column}: {message}")]
    Invalid {
        /// The path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What is wrong, naming the key.
        message: String,
    },
}

/// A loaded and validated profile file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileFile {
    /// The name shown in reports.
    pub name: String,
    /// The built-in profile the check list starts from.
    pub base: Profile,
    /// Patterns of the checks kept (empty = all of the base).
    pub include: Vec<String>,
    /// Patterns of the checks removed.
    pub exclude: Vec<String>,
    /// The user mapping file, resolved against the profile file's folder.
    pub mapping: Option<PathBuf>,
    /// The PATCH dialects replayed, when the file chooses.
    pub dialects: Option<Vec<Dialect>>,
    /// Requirement levels that replace the checks' own.
    pub requirements: BTreeMap<String, Requirement>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    name: Spanned<String>,
    base: Spanned<String>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    mapping: Option<Spanned<String>>,
    dialect: Option<Spanned<String>>,
    #[serde(default)]
    requirements: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// 1-based line and column of byte offset `at` in `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

impl ProfileFile {
    /// Reads and validates a profile file; a relative `mapping` is resolved against the
    /// file's folder.
    ///
    /// # Errors
    /// [`ProfileFileError`] naming the file, and for content problems the line, column and key.
    pub fn load(path: &Path) -> Result<Self, ProfileFileError> {
        let read = |reason: String| ProfileFileError::Read {
            path: path.display().to_string(),
            reason,
        };
        let text =
            crate::capped::read_capped(path, MAX_PROFILE_FILE).map_err(|e| read(e.to_string()))?;
        let folder = path.parent().unwrap_or_else(|| Path::new(""));
        Self::parse(&text, &path.display().to_string(), folder)
    }

    /// Parses and validates the text of a profile file. `origin` names the file in errors;
    /// a relative `mapping` is resolved against `folder`.
    ///
    /// ```
    /// use scim2_conformance::ProfileFile;
    /// let p = ProfileFile::parse(
    ///     "name = \"mine\"\nbase = \"entra\"\ninclude = [\"entra.group\"]\n",
    ///     "mine.toml",
    ///     std::path::Path::new("."),
    /// )
    /// .unwrap();
    /// assert!(p.checks().iter().all(|c| c.meta.id.starts_with("entra.group")));
    /// ```
    ///
    /// # Errors
    /// [`ProfileFileError::Invalid`] with the line, column and key.
    pub fn parse(text: &str, origin: &str, folder: &Path) -> Result<Self, ProfileFileError> {
        let invalid = |at: usize, message: String| {
            let (line, column) = line_column(text, at);
            ProfileFileError::Invalid {
                path: origin.to_owned(),
                line,
                column,
                message,
            }
        };
        let f: FileFormat = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().replace('\n', "; ");
            match e.span() {
                // A span inside the document: quote its line, which names the key.
                Some(s)
                    if !message.starts_with("missing field")
                        && !text.get(s.clone()).unwrap_or("\n").contains('\n') =>
                {
                    let line = text[..s.start.min(text.len())]
                        .rfind('\n')
                        .map_or(0, |i| i + 1);
                    let quoted: String = text[line..]
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .chars()
                        .take(80)
                        .collect();
                    if quoted.is_empty() {
                        invalid(s.start, message)
                    } else {
                        invalid(s.start, format!("{message} (in `{quoted}`)"))
                    }
                }
                s => invalid(s.map_or(0, |s| s.start), message),
            }
        })?;

        let name = f.name.get_ref().trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(invalid(
                f.name.span().start,
                format!("name: must be 1 to {MAX_NAME} printable characters"),
            ));
        }
        let base: Profile = f.base.get_ref().parse().map_err(|_| {
            invalid(
                f.base.span().start,
                format!(
                    "base: unknown profile {:?} (expected \"entra\" or \"rfc7644\")",
                    f.base.get_ref()
                ),
            )
        })?;
        let all = base.checks();
        if f.include.len() + f.exclude.len() > MAX_PATTERNS {
            return Err(invalid(
                0,
                format!("include/exclude: more than {MAX_PATTERNS} patterns"),
            ));
        }
        let patterns = |key: &str, list: Vec<Spanned<String>>| {
            list.into_iter()
                .map(|p| {
                    if !all.iter().any(|c| id_matches(p.get_ref(), c.meta.id)) {
                        return Err(invalid(
                            p.span().start,
                            format!(
                                "{key}: pattern {:?} matches no check of the {base} profile",
                                p.get_ref()
                            ),
                        ));
                    }
                    Ok(p.into_inner())
                })
                .collect::<Result<Vec<_>, _>>()
        };
        let include = patterns("include", f.include)?;
        let exclude = patterns("exclude", f.exclude)?;

        let mapping = match f.mapping {
            Some(m) if m.get_ref().trim().is_empty() => {
                return Err(invalid(m.span().start, "mapping: empty path".into()));
            }
            Some(m) => Some(folder.join(m.get_ref())),
            None => None,
        };
        let dialects = match f.dialect {
            None => None,
            Some(d) => match Dialects::parse(d.get_ref()) {
                Some(choice) => Some(choice.to_vec()),
                None => {
                    return Err(invalid(
                        d.span().start,
                        format!(
                            "dialect: unknown value {:?} (expected legacy, flagged or both)",
                            d.get_ref()
                        ),
                    ));
                }
            },
        };
        let mut requirements = BTreeMap::new();
        for (id, level) in f.requirements {
            if !all.iter().any(|c| c.meta.id == id.get_ref()) {
                return Err(invalid(
                    id.span().start,
                    format!(
                        "requirements: unknown check id {:?} in the {base} profile (see `scim-conformance checks --profile {base}`)",
                        id.get_ref()
                    ),
                ));
            }
            let req = match level.get_ref().as_str() {
                "MUST" => Requirement::Must,
                "SHOULD" => Requirement::Should,
                "MAY" => Requirement::May,
                o => {
                    return Err(invalid(
                        level.span().start,
                        format!(
                            "requirements.{:?}: unknown level {o:?} (expected MUST, SHOULD or MAY)",
                            id.get_ref()
                        ),
                    ));
                }
            };
            requirements.insert(id.into_inner(), req);
        }
        let profile = Self {
            name,
            base,
            include,
            exclude,
            mapping,
            dialects,
            requirements,
        };
        if profile.checks().is_empty() {
            return Err(invalid(
                0,
                "include/exclude: the profile selects no check".into(),
            ));
        }
        Ok(profile)
    }

    /// The selected checks, in report order, with the file's requirement levels applied.
    #[must_use]
    pub fn checks(&self) -> Vec<Check> {
        self.base
            .checks()
            .into_iter()
            .filter(|c| {
                self.include.is_empty() || self.include.iter().any(|p| id_matches(p, c.meta.id))
            })
            .filter(|c| !self.exclude.iter().any(|p| id_matches(p, c.meta.id)))
            .map(|mut c| {
                if let Some(r) = self.requirements.get(c.meta.id) {
                    c.meta.requirement = *r;
                }
                c
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("é\nx", 1), (1, 1));
        assert_eq!(line_column("x", 99), (1, 2));
    }

    #[test]
    fn the_example_is_valid() {
        let p = ProfileFile::parse(EXAMPLE_PROFILE_TOML, "example", Path::new("data")).unwrap();
        assert!(!p.checks().is_empty());
    }

    #[test]
    fn choice() {
        assert_eq!(
            "rfc7644".parse::<ProfileChoice>(),
            Ok(ProfileChoice::Builtin(Profile::Rfc7644))
        );
        assert_eq!(
            "p.toml".parse::<ProfileChoice>(),
            Ok(ProfileChoice::File("p.toml".into()))
        );
        assert_eq!(
            "./entra".parse::<ProfileChoice>(),
            Ok(ProfileChoice::File("./entra".into()))
        );
        assert!("".parse::<ProfileChoice>().is_err());
    }
}

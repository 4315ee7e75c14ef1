//! The mapping file: one TOML file read by `run` and `compare` (`--mapping FILE`), and the
//! shipped `data/entra-user-mapping.toml` with Entra's 22 default rows
//! (docs/entra.md#default-mapping).
//!
//! Two forms are accepted:
//!
//! - The **versioned** form (`version = 1`, one `[[attribute]]` table per user row with
//!   `source`, `target`, `generator`, `value`, `matching`, `primary`; the shipped file documents
//!   each key). Unknown keys are refused, every row needs a `generator` (how `run` invents its
//!   value), and a row's element filter must be `[type eq "…"]` (the element `run` creates when
//!   it is missing). This is the only form `run` reads.
//! - The **targets** form, for `compare` only: `[[user]]`, `[[attribute]]` (user rows too) and
//!   `[[group]]` tables, each naming a `target`; other keys are ignored. A section that is left
//!   out keeps Entra's default rows; `members` is always compared and need not be listed.
//!
//! [`Mapping::from_toml`](super::Mapping::from_toml) accepts either (what `run` and `compare`
//! each accepted), [`Mapping::from_run_toml`](super::Mapping::from_run_toml) only the first.

use std::path::Path;

use serde::Deserialize;

use super::target::{TargetError, TargetPath};
use super::{Generator, Mapping, Row};

/// The most rows a mapping may have per resource type.
pub const MAX_ROWS: usize = 256;
/// The largest mapping file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The group targets of Entra ID's default group mapping besides `members`
/// (docs/entra.md#default-mapping).
pub const ENTRA_GROUP_TARGETS: [&str; 2] = ["displayName", "externalId"];

/// A mapping file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MappingError {
    /// The file could not be read, or is larger than [`MAX_FILE_BYTES`].
    #[error("cannot read mapping file {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// The reason.
        reason: String,
    },
    /// Not valid TOML of the expected shape (the message includes line and column).
    #[error("mapping file is not valid: {0}")]
    Toml(String),
    /// Unsupported format version.
    #[error("mapping file version {0} is not supported (expected 1)")]
    Version(u32),
    /// A row's target path does not parse.
    #[error("{section} row {row}: {source}")]
    Target {
        /// `mapping` (a versioned file's rows), `user` or `group`.
        section: &'static str,
        /// The 1-based row.
        row: usize,
        /// The parse error, with its byte offset.
        #[source]
        source: TargetError,
    },
    /// A section lists the same target twice.
    #[error("{section} row {row}: target {target} is mapped twice")]
    Duplicate {
        /// `mapping`, `user` or `group`.
        section: &'static str,
        /// The 1-based row.
        row: usize,
        /// The target.
        target: String,
    },
    /// A section has more than [`MAX_ROWS`] rows, or (in the targets form) none.
    #[error("the {section} section must have between 1 and {MAX_ROWS} rows, not {rows}")]
    RowCount {
        /// `mapping`, `user` or `group`.
        section: &'static str,
        /// How many it had.
        rows: usize,
    },
    /// Another problem with a row of a versioned file (0: the whole file).
    #[error("mapping row {row}: {reason}")]
    Invalid {
        /// 1-based row number (0 for the whole file).
        row: usize,
        /// The reason.
        reason: String,
    },
}

/// Reads the text of a mapping file, refusing files over [`MAX_FILE_BYTES`].
pub(super) fn read(path: &Path) -> Result<String, MappingError> {
    let read = |reason: String| MappingError::Read {
        path: path.display().to_string(),
        reason,
    };
    crate::capped::read_capped(path, MAX_FILE_BYTES).map_err(|e| read(e.to_string()))
}

/// The versioned form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Versioned {
    version: u32,
    #[serde(default)]
    attribute: Vec<VersionedRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionedRow {
    #[serde(default)]
    source: String,
    target: String,
    generator: Generator,
    value: Option<String>,
    matching: Option<u32>,
    #[serde(default)]
    primary: bool,
}

/// The targets form.
#[derive(Deserialize)]
struct Targets {
    user: Option<Vec<TargetRow>>,
    /// The versioned form's user rows: the same file serves `run` and `compare`.
    attribute: Option<Vec<TargetRow>>,
    group: Option<Vec<TargetRow>>,
}

#[derive(Deserialize)]
struct TargetRow {
    target: String,
}

/// Parses the versioned form (what `run` reads).
pub(super) fn parse_versioned(text: &str) -> Result<Mapping, MappingError> {
    let file: Versioned = toml::from_str(text).map_err(|e| MappingError::Toml(e.to_string()))?;
    if file.version != 1 {
        return Err(MappingError::Version(file.version));
    }
    if file.attribute.len() > MAX_ROWS {
        return Err(MappingError::Invalid {
            row: 0,
            reason: format!("more than {MAX_ROWS} rows"),
        });
    }
    let mut rows: Vec<Row> = Vec::with_capacity(file.attribute.len());
    for (i, r) in file.attribute.into_iter().enumerate() {
        let row = i + 1;
        let target = TargetPath::parse(&r.target).map_err(|source| MappingError::Target {
            section: "mapping",
            row,
            source,
        })?;
        let invalid = |reason: String| MappingError::Invalid { row, reason };
        if target.filter.is_some() && target.type_eq().is_none() {
            return Err(invalid(format!(
                "target {target}: only [type eq \"…\"] filters are supported"
            )));
        }
        if r.generator == Generator::Literal && r.value.is_none() {
            return Err(invalid("generator \"literal\" needs a value".into()));
        }
        if super::is_custom(&target) && (target.filter.is_some() || target.sub_attr.is_some()) {
            return Err(invalid(format!(
                "target {target}: Entra maps only single-valued, simple attributes into a custom extension"
            )));
        }
        if let Some(d) = duplicate("mapping", row, &target, rows.iter().map(|r| &r.target)) {
            return Err(d);
        }
        let row = Row {
            source: r.source,
            target,
            generator: Some(r.generator),
            value: r.value,
            matching: r.matching,
            primary: r.primary,
        };
        row.writable().map_err(invalid)?;
        rows.push(row);
    }
    if !rows.iter().any(|r| r.target.is_plain("userName")) {
        return Err(MappingError::Invalid {
            row: 0,
            reason: "no row targets userName (RFC 7643 §4.1: userName is required)".into(),
        });
    }
    Ok(Mapping::new(rows, entra_groups()))
}

/// Parses the targets form (what `compare` reads besides the versioned form).
pub(super) fn parse_targets(text: &str) -> Result<Mapping, MappingError> {
    let file: Targets = toml::from_str(text).map_err(|e| MappingError::Toml(e.to_string()))?;
    let rows = match (file.user, file.attribute) {
        (None, None) => Mapping::entra_default().rows,
        (user, attribute) => {
            let rows: Vec<TargetRow> = user.into_iter().chain(attribute).flatten().collect();
            targets("user", &rows)?
                .into_iter()
                .map(|target| Row {
                    source: String::new(),
                    target,
                    generator: None,
                    value: None,
                    matching: None,
                    primary: false,
                })
                .collect()
        }
    };
    let groups = match file.group {
        Some(rows) => targets("group", &rows)?,
        None => entra_groups(),
    };
    Ok(Mapping::new(rows, groups))
}

/// The group targets of Entra's default group mapping besides `members`.
fn entra_groups() -> Vec<TargetPath> {
    ENTRA_GROUP_TARGETS
        .iter()
        .filter_map(|t| t.parse().ok())
        .collect()
}

/// The error for `target` at `row` when `earlier` holds it already (names compared
/// case-insensitively, RFC 7643 §2.1).
fn duplicate<'a>(
    section: &'static str,
    row: usize,
    target: &TargetPath,
    mut earlier: impl Iterator<Item = &'a TargetPath>,
) -> Option<MappingError> {
    let key = target.to_string().to_ascii_lowercase();
    earlier
        .any(|o| o.to_string().to_ascii_lowercase() == key)
        .then(|| MappingError::Duplicate {
            section,
            row,
            target: target.to_string(),
        })
}

fn targets(section: &'static str, rows: &[TargetRow]) -> Result<Vec<TargetPath>, MappingError> {
    if rows.is_empty() || rows.len() > MAX_ROWS {
        return Err(MappingError::RowCount {
            section,
            rows: rows.len(),
        });
    }
    let mut out: Vec<TargetPath> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let t: TargetPath = row
            .target
            .trim()
            .parse()
            .map_err(|source| MappingError::Target {
                section,
                row: i + 1,
                source,
            })?;
        if section == "group" && t.uri.is_none() && t.attr.eq_ignore_ascii_case("members") {
            continue;
        }
        if let Some(d) = duplicate(section, i + 1, &t, out.iter()) {
            return Err(d);
        }
        out.push(t);
    }
    Ok(out)
}

//! Which attributes are compared: Entra ID's default attribute mapping, or a mapping file.
//!
//! ## The mapping file (`--mapping FILE`)
//!
//! A TOML file with one `[[user]]` table per mapped user attribute and one `[[group]]` table
//! per mapped group attribute, each naming its SCIM `target` in the notation of Entra's
//! mapping screen. Other keys (`source`, a value generator, `matching`...) are allowed and
//! ignored here. The runner's mapping file (`run --mapping`, `[[attribute]]` tables, see
//! `conformance/data/entra-user-mapping.toml`) is read too: its rows are user attributes, so
//! one file describes a customised mapping for both `run` and `compare`.
//! A section that is left out keeps Entra's default rows; `members` is always compared
//! (through the members' userNames) and need not be listed.
//!
//! ```toml
//! [[user]]
//! target = "userName"
//! source = "userPrincipalName"
//!
//! [[user]]
//! target = 'emails[type eq "work"].value'
//!
//! [[user]]
//! target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"
//!
//! [[group]]
//! target = "displayName"
//! ```

use std::path::Path;

use serde::Deserialize;

use super::target::{TargetError, TargetPath};

/// The most rows a mapping may have per resource type.
pub const MAX_ROWS: usize = 256;
/// The largest mapping file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The group targets of Entra ID's default group mapping besides `members`
/// (docs/entra.md#default-mapping).
pub const ENTRA_GROUP_TARGETS: [&str; 2] = ["displayName", "externalId"];

/// The attributes compared for users and for groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// User targets, in mapping order.
    pub users: Vec<TargetPath>,
    /// Group targets besides `members`, in mapping order.
    pub groups: Vec<TargetPath>,
}

/// Why a mapping could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The file could not be read.
    #[error("could not read the mapping file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than the limit (1 MiB).
    #[error("the mapping file {path} is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge {
        /// The file.
        path: String,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("the mapping file is not valid: {0}")]
    Toml(#[from] toml::de::Error),
    /// A target could not be parsed.
    #[error("{section} row {row}: {source}")]
    Target {
        /// `user` or `group`.
        section: &'static str,
        /// The 1-based row.
        row: usize,
        /// The parse error.
        #[source]
        source: TargetError,
    },
    /// A section lists the same target twice.
    #[error("{section} row {row}: the target {target} is listed twice")]
    Duplicate {
        /// `user` or `group`.
        section: &'static str,
        /// The 1-based row.
        row: usize,
        /// The target.
        target: String,
    },
    /// A section has more rows than the limit, or none.
    #[error("the {section} section must have between 1 and {MAX_ROWS} rows, not {rows}")]
    RowCount {
        /// `user` or `group`.
        section: &'static str,
        /// How many it had.
        rows: usize,
    },
}

#[derive(Deserialize)]
struct File {
    user: Option<Vec<Row>>,
    /// The `[[attribute]]` rows of the runner's mapping file (`run --mapping`), which are user
    /// attributes: the same file serves `run` and `compare`.
    attribute: Option<Vec<Row>>,
    group: Option<Vec<Row>>,
}

#[derive(Deserialize)]
struct Row {
    target: String,
}

impl Default for Mapping {
    fn default() -> Self {
        Self::entra_default()
    }
}

impl Mapping {
    /// Entra ID's default mapping: the 22 user rows and the group `displayName` and
    /// `externalId`.
    ///
    /// ```
    /// let m = scim2_conformance::compare::Mapping::entra_default();
    /// assert_eq!(m.users.len(), 22);
    /// assert_eq!(m.users[4].to_string(), r#"emails[type eq "work"].value"#);
    /// ```
    #[must_use]
    pub fn entra_default() -> Self {
        Self {
            users: entra_default_users(),
            groups: ENTRA_GROUP_TARGETS
                .iter()
                .filter_map(|t| t.parse().ok())
                .collect(),
        }
    }

    /// Reads a mapping file (see the module documentation for the format).
    ///
    /// # Errors
    /// [`MappingError`] naming the file, row and position of the problem.
    pub fn load(path: &Path) -> Result<Self, MappingError> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|source| MappingError::Read {
            path: name.clone(),
            source,
        })?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(MappingError::TooLarge { path: name });
        }
        let text = std::fs::read_to_string(path)
            .map_err(|source| MappingError::Read { path: name, source })?;
        Self::from_toml(&text)
    }

    /// Parses the text of a mapping file.
    ///
    /// ```
    /// use scim2_conformance::compare::Mapping;
    /// let m = Mapping::from_toml(r#"
    /// [[user]]
    /// target = "userName"
    /// [[user]]
    /// target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"
    /// "#).unwrap();
    /// assert_eq!(m.users.len(), 2);
    /// assert_eq!(m.groups, Mapping::entra_default().groups);
    /// ```
    ///
    /// # Errors
    /// As [`Mapping::load`].
    pub fn from_toml(text: &str) -> Result<Self, MappingError> {
        let file: File = toml::from_str(text)?;
        let users = match (file.user, file.attribute) {
            (None, None) => entra_default_users(),
            (user, attribute) => {
                let rows: Vec<Row> = user.into_iter().chain(attribute).flatten().collect();
                rows_to_targets("user", &rows)?
            }
        };
        let groups = match file.group {
            Some(rows) => rows_to_targets("group", &rows)?,
            None => Self::entra_default().groups,
        };
        Ok(Self { users, groups })
    }
}

/// The user targets of Entra ID's default mapping, read from the one file that writes its
/// 22 rows (`data/entra-user-mapping.toml`, [`crate::mapping::ENTRA_DEFAULT_TOML`];
/// docs/entra.md#default-mapping). The file is part of the crate and a test reads all 22 rows,
/// so the empty fallback is never taken.
fn entra_default_users() -> Vec<TargetPath> {
    toml::from_str::<File>(crate::mapping::ENTRA_DEFAULT_TOML)
        .ok()
        .and_then(|f| f.attribute)
        .and_then(|rows| rows_to_targets("user", &rows).ok())
        .unwrap_or_default()
}

fn rows_to_targets(section: &'static str, rows: &[Row]) -> Result<Vec<TargetPath>, MappingError> {
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
        let key = t.to_string().to_ascii_lowercase();
        if out
            .iter()
            .any(|o| o.to_string().to_ascii_lowercase() == key)
        {
            return Err(MappingError::Duplicate {
                section,
                row: i + 1,
                target: t.to_string(),
            });
        }
        out.push(t);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_has_every_row() {
        let m = Mapping::entra_default();
        assert_eq!(m.users.len(), 22);
        assert_eq!(m.groups.len(), 2);
        let runner = crate::mapping::Mapping::entra_default().unwrap();
        let runner_targets: Vec<String> =
            runner.rows.iter().map(|r| r.target.to_string()).collect();
        let targets: Vec<String> = m.users.iter().map(ToString::to_string).collect();
        assert_eq!(targets, runner_targets);
        assert_eq!(targets[4], r#"emails[type eq "work"].value"#);
        assert!(m.users[21].is_manager());
    }

    #[test]
    fn files_replace_sections_and_ignore_other_keys() {
        let m = Mapping::from_toml(
            r#"
[[group]]
target = "displayName"
generator = "run-prefixed"
[[group]]
target = "members"
"#,
        )
        .unwrap();
        assert_eq!(m.users, Mapping::entra_default().users);
        assert_eq!(m.groups.len(), 1);
    }

    #[test]
    fn bad_files_are_named_errors() {
        let e = Mapping::from_toml("[[user]]\ntarget = \"emails[type eq\"\n").unwrap_err();
        assert!(matches!(e, MappingError::Target { row: 1, .. }), "{e}");
        let e =
            Mapping::from_toml("[[user]]\ntarget = \"a\"\n[[user]]\ntarget = \"A\"\n").unwrap_err();
        assert!(matches!(e, MappingError::Duplicate { row: 2, .. }), "{e}");
        let e = Mapping::from_toml("user = []\n").unwrap_err();
        assert!(matches!(e, MappingError::RowCount { rows: 0, .. }), "{e}");
        let e = Mapping::from_toml("[[user]]\nsource = \"x\"\n").unwrap_err();
        assert!(matches!(e, MappingError::Toml(_)), "{e}");
        let e = Mapping::load(Path::new("/nonexistent/mapping.toml")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/mapping.toml"), "{e}");
    }

    #[test]
    fn the_runner_mapping_file_serves_compare_too() {
        let text = include_str!("../../data/entra-user-mapping.toml");
        let m = Mapping::from_toml(text).unwrap();
        assert_eq!(m.users, Mapping::entra_default().users);
        assert_eq!(m.groups, Mapping::entra_default().groups);
    }
}

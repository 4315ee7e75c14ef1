//! The run's journal of created resources, written as the run goes (one JSON object per line)
//! so that an interrupted run can be cleaned up later with `scim-conformance cleanup`.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// Longest journal accepted by [`Journal::load`] (lines).
const MAX_LINES: usize = 1_000_000;

/// The resource type of a journal entry (RFC 7643 §4.1 User, §4.2 Group).
pub use scim2_types::ResourceKind;

/// Where `kind` comes in the order of deletion: groups first (their members are users), then
/// users.
#[must_use]
pub fn deletion_rank(kind: ResourceKind) -> u8 {
    match kind {
        ResourceKind::Group => 0,
        ResourceKind::User => 1,
    }
}

/// The spelling of a kind in the journal file and in the JSON report's cleanup lists:
/// `"Users"`, `"Groups"` (the endpoint without its slash), as the first journals wrote it.
mod plural {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::ResourceKind;

    fn name(kind: ResourceKind) -> &'static str {
        kind.endpoint().trim_start_matches('/')
    }

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` signature
    pub(super) fn serialize<S: Serializer>(kind: &ResourceKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(name(*kind))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ResourceKind, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ResourceKind::ALL
            .into_iter()
            .find(|k| name(*k) == text)
            .ok_or_else(|| serde::de::Error::unknown_variant(&text, &["Groups", "Users"]))
    }
}

/// One created resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    /// Users or Groups.
    #[serde(with = "plural")]
    pub kind: ResourceKind,
    /// The id the endpoint assigned.
    pub id: String,
    /// Its userName or displayName (carries the run prefix).
    pub name: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
enum Line {
    Start {
        run_id: String,
        endpoint: String,
    },
    Created(Created),
    Deleted {
        #[serde(with = "plural")]
        kind: ResourceKind,
        id: String,
    },
}

/// The journal: in memory, and appended to a file when it has one.
#[derive(Debug)]
pub struct Journal {
    run_id: String,
    path: Option<PathBuf>,
    file: Mutex<Option<File>>,
    live: Mutex<Vec<Created>>,
}

/// The journal file could not be written or read.
#[derive(Debug, thiserror::Error)]
#[error("journal {path}: {reason}")]
pub struct JournalError {
    /// The file.
    pub path: String,
    /// What failed.
    pub reason: String,
}

impl Journal {
    /// A journal kept in memory only (the built-in endpoint disappears with the run).
    #[must_use]
    pub fn in_memory(run_id: &str) -> Self {
        Self {
            run_id: run_id.to_owned(),
            path: None,
            file: Mutex::new(None),
            live: Mutex::new(Vec::new()),
        }
    }

    /// A journal at `dir/<run_id>.jsonl`.
    ///
    /// # Errors
    /// When the directory or file cannot be created.
    pub fn create(dir: &Path, run_id: &str, endpoint: &str) -> Result<Self, JournalError> {
        let path = Self::path_for(dir, run_id);
        let err = |e: std::io::Error| JournalError {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        std::fs::create_dir_all(dir).map_err(err)?;
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(err)?;
        let start = Line::Start {
            run_id: run_id.to_owned(),
            endpoint: endpoint.to_owned(),
        };
        writeln!(f, "{}", serde_json::to_string(&start).unwrap_or_default()).map_err(err)?;
        Ok(Self {
            run_id: run_id.to_owned(),
            path: Some(path),
            file: Mutex::new(Some(f)),
            live: Mutex::new(Vec::new()),
        })
    }

    /// Where the journal of `run_id` lives in `dir`.
    #[must_use]
    pub fn path_for(dir: &Path, run_id: &str) -> PathBuf {
        dir.join(format!("{run_id}.jsonl"))
    }

    /// Reads a journal written by an earlier run; further events are appended to it.
    ///
    /// # Errors
    /// When the file cannot be read or a line is not a journal event.
    pub fn load(dir: &Path, run_id: &str) -> Result<Self, JournalError> {
        let path = Self::path_for(dir, run_id);
        let err = |reason: String| JournalError {
            path: path.display().to_string(),
            reason,
        };
        let f = File::open(&path).map_err(|e| err(e.to_string()))?;
        let j = Self {
            run_id: run_id.to_owned(),
            path: None,
            file: Mutex::new(None),
            live: Mutex::new(Vec::new()),
        };
        for (n, line) in BufReader::new(f).lines().enumerate() {
            if n >= MAX_LINES {
                return Err(err(format!("more than {MAX_LINES} lines")));
            }
            let line = line.map_err(|e| err(e.to_string()))?;
            if line.trim().is_empty() {
                continue;
            }
            // A line cut by a crash (the last one) is ignored; any other bad line is an error.
            match serde_json::from_str::<Line>(&line) {
                Ok(Line::Created(c)) => j.lock_live().push(c),
                Ok(Line::Deleted { kind, id }) => {
                    j.lock_live().retain(|c| !(c.kind == kind && c.id == id));
                }
                Ok(Line::Start { .. }) => {}
                Err(e) => return Err(err(format!("line {}: {e}", n + 1))),
            }
        }
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| err(e.to_string()))?;
        Ok(Self {
            path: Some(path),
            file: Mutex::new(Some(file)),
            ..j
        })
    }

    /// The run id.
    #[must_use]
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The journal file, if any.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn lock_live(&self) -> std::sync::MutexGuard<'_, Vec<Created>> {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn append(&self, line: &Line) {
        let mut f = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(f) = f.as_mut() {
            // Best effort: a full disk must not abort the run; the in-memory list still drives cleanup.
            let _ = writeln!(f, "{}", serde_json::to_string(line).unwrap_or_default());
            let _ = f.flush();
        }
    }

    /// Records a created resource (before anything else is done with it).
    pub fn created(&self, kind: ResourceKind, id: &str, name: &str) {
        let c = Created {
            kind,
            id: id.to_owned(),
            name: name.to_owned(),
        };
        self.append(&Line::Created(c.clone()));
        self.lock_live().push(c);
    }

    /// Records a resource as gone.
    pub fn deleted(&self, kind: ResourceKind, id: &str) {
        self.append(&Line::Deleted {
            kind,
            id: id.to_owned(),
        });
        self.lock_live().retain(|c| !(c.kind == kind && c.id == id));
    }

    /// The resources created and not yet deleted: groups first, then users (newest first).
    #[must_use]
    pub fn pending(&self) -> Vec<Created> {
        let mut v: Vec<Created> = self.lock_live().iter().rev().cloned().collect();
        v.sort_by_key(|c| deletion_rank(c.kind));
        v
    }

    /// Removes the journal file (after a complete cleanup).
    pub fn remove_file(&self) {
        if let Some(p) = &self.path {
            *self
                .file
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
            let _ = std::fs::remove_file(p);
        }
    }
}

/// A fresh run id: 8 random lower-case alphanumerics (independent of `--seed`, so two runs with
/// the same seed never share names).
#[must_use]
pub fn new_run_id() -> String {
    use rand::RngExt;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..8)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Whether `s` is a run id this tool could have made.
#[must_use]
pub fn is_run_id(s: &str) -> bool {
    (4..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The prefix every name the run creates starts with.
#[must_use]
pub fn prefix_for(run_id: &str) -> String {
    format!("scimconf-{run_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_survives_a_reload_groups_first() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::create(dir.path(), "abcd1234", "http://x").unwrap();
        j.created(ResourceKind::User, "u1", "a");
        j.created(ResourceKind::Group, "g1", "g");
        j.created(ResourceKind::User, "u2", "b");
        j.deleted(ResourceKind::User, "u1");
        drop(j);
        let j = Journal::load(dir.path(), "abcd1234").unwrap();
        let ids: Vec<_> = j.pending().into_iter().map(|c| c.id).collect();
        assert_eq!(ids, ["g1", "u2"]);
        j.deleted(ResourceKind::Group, "g1");
        let j2 = Journal::load(dir.path(), "abcd1234").unwrap();
        assert_eq!(j2.pending().len(), 1);
    }

    #[test]
    fn the_file_spells_kinds_as_endpoints() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::create(dir.path(), "abcd1234", "http://x").unwrap();
        j.created(ResourceKind::User, "u1", "a");
        j.created(ResourceKind::Group, "g1", "g");
        j.deleted(ResourceKind::User, "u1");
        let text = std::fs::read_to_string(Journal::path_for(dir.path(), "abcd1234")).unwrap();
        assert_eq!(
            text,
            concat!(
                "{\"event\":\"start\",\"run_id\":\"abcd1234\",\"endpoint\":\"http://x\"}\n",
                "{\"event\":\"created\",\"kind\":\"Users\",\"id\":\"u1\",\"name\":\"a\"}\n",
                "{\"event\":\"created\",\"kind\":\"Groups\",\"id\":\"g1\",\"name\":\"g\"}\n",
                "{\"event\":\"deleted\",\"kind\":\"Users\",\"id\":\"u1\"}\n",
            )
        );
        let bad = "{\"event\":\"deleted\",\"kind\":\"User\",\"id\":\"u1\"}\n";
        std::fs::write(Journal::path_for(dir.path(), "zzzz"), bad).unwrap();
        let e = Journal::load(dir.path(), "zzzz").unwrap_err();
        assert!(e.reason.contains("unknown variant `User`"), "{e}");
    }

    #[test]
    fn run_ids_are_unique_and_valid() {
        let a = new_run_id();
        assert!(is_run_id(&a));
        assert_ne!(a, new_run_id());
        assert!(!is_run_id("../etc"));
        assert_eq!(prefix_for("abc"), "scimconf-abc");
    }

    #[test]
    fn corrupt_journal_is_an_error_with_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            Journal::path_for(dir.path(), "zzzz"),
            "{\"event\":\"start\",\"run_id\":\"zzzz\",\"endpoint\":\"x\"}\nnot json\n",
        )
        .unwrap();
        let e = Journal::load(dir.path(), "zzzz").unwrap_err();
        assert!(e.reason.contains("line 2"), "{e}");
    }
}

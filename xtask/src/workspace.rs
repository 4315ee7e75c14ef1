//! Where the workspace and its target directory are, from `cargo metadata`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::exec::Cmd;

/// The parts of `cargo metadata --no-deps` that xtask uses.
#[derive(Debug, Deserialize)]
pub struct Metadata {
    pub workspace_root: PathBuf,
    pub target_directory: PathBuf,
    pub packages: Vec<Package>,
}

/// One workspace member.
#[derive(Debug, Deserialize)]
pub struct Package {
    pub name: String,
    /// `None`: publishable anywhere; `Some([])`: `publish = false`.
    pub publish: Option<Vec<String>>,
    pub dependencies: Vec<Dependency>,
}

/// One dependency of a member.
#[derive(Debug, Deserialize)]
pub struct Dependency {
    pub name: String,
    /// `None` for normal dependencies, `"dev"` or `"build"` otherwise.
    pub kind: Option<String>,
    /// Set for path dependencies.
    pub path: Option<PathBuf>,
}

impl Package {
    pub fn publishable(&self) -> bool {
        self.publish.as_ref().is_none_or(|r| !r.is_empty())
    }
}

/// Reads the metadata of the workspace that contains `dir`.
pub fn metadata(dir: &Path) -> Result<Metadata> {
    let json = Cmd::cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .dir(dir)
        .output()?;
    serde_json::from_str(&json).context("could not read `cargo metadata` output")
}

/// The metadata of the workspace xtask is run in.
pub fn current() -> Result<Metadata> {
    let dir = std::env::current_dir().context("no current directory")?;
    metadata(&dir)
}

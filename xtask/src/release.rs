//! `cargo xtask release`.
use anyhow::Result;

/// Options of `cargo xtask release`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The new version.
    pub version: String,
    /// Commit, tag and publish.
    #[arg(long)]
    pub execute: bool,
}

pub fn run(_opts: &Options) -> Result<()> {
    anyhow::bail!("not yet")
}

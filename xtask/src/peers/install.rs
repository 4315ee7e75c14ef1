//! Installing peers: one Python venv per pinned requirements file, `npm ci` per npm peer,
//! `cargo build --release --locked` per Rust peer. A Python or npm installation is reused until
//! its pins change (a stamp file holds the pinned text); cargo decides itself what to rebuild.

use std::path::Path;

use anyhow::{Context, Result};

use super::catalog::{Peer, PythonEnv, Tool};
use crate::exec::{Cmd, Exec, System};

const STAMP: &str = ".xtask-pins";

/// Installs what `peer` needs under `dir` (the peers directory) unless it is already there
/// with the same pins, and writes the peer's own files into `dir/NAME/`.
pub fn ensure(peer: &Peer, dir: &Path) -> Result<()> {
    let home = dir.join(peer.name);
    write_files(peer, &home)?;
    match peer.tool {
        Tool::Python => {
            let env = peer
                .python_env()
                .context("a Python peer without a Python environment")?;
            ensure_venv(env, dir)
        }
        Tool::Npm => ensure_npm(peer, &home),
        Tool::Cargo => ensure_cargo(&home),
    }
}

fn write_files(peer: &Peer, home: &Path) -> Result<()> {
    for (rel, contents) in peer.files() {
        let path = home.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        if std::fs::read_to_string(&path).is_ok_and(|old| old == *contents) {
            continue;
        }
        std::fs::write(&path, contents).with_context(|| format!("writing {}", path.display()))?;
    }
    if peer.files().is_empty() {
        std::fs::create_dir_all(home).with_context(|| format!("creating {}", home.display()))?;
    }
    Ok(())
}

fn up_to_date(stamp: &Path, pins: &str) -> bool {
    std::fs::read_to_string(stamp).is_ok_and(|s| s == pins)
}

/// The venv's folder for `env` under the peers directory.
pub fn venv_dir(env: PythonEnv, dir: &Path) -> std::path::PathBuf {
    dir.join(env.dir)
}

fn ensure_venv(env: PythonEnv, dir: &Path) -> Result<()> {
    let venv = venv_dir(env, dir);
    let stamp = venv.join(STAMP);
    if up_to_date(&stamp, env.requirements) {
        return Ok(());
    }
    if venv.exists() {
        std::fs::remove_dir_all(&venv)
            .with_context(|| format!("removing the stale venv {}", venv.display()))?;
    }
    eprintln!(
        "xtask: installing the pinned Python peers into {}",
        venv.display()
    );
    System.run(
        "peers: python venv",
        &Cmd::new("python3").args(["-m", "venv"]).arg(&venv),
    )?;
    let requirements = venv.join("requirements.txt");
    std::fs::write(&requirements, env.requirements)?;
    System.run(
        "peers: pip install",
        &Cmd::new(venv.join("bin/pip").to_string_lossy())
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, env.requirements)?;
    Ok(())
}

/// The Rust peer's target directory (under its folder in the peers directory).
pub fn cargo_target_dir(home: &Path) -> std::path::PathBuf {
    home.join("target")
}

/// Builds the wrapper crate written into `home` with its own `Cargo.lock` (`--locked`: a pin
/// that no longer resolves fails instead of being updated). A no-op when it is up to date.
fn ensure_cargo(home: &Path) -> Result<()> {
    System.run(
        "peers: cargo build",
        &Cmd::cargo()
            .args(["build", "--release", "--locked", "--manifest-path"])
            .arg(home.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(cargo_target_dir(home))
            .dir(home),
    )
}

fn ensure_npm(peer: &Peer, home: &Path) -> Result<()> {
    let lock = peer
        .files()
        .iter()
        .find(|(path, _)| *path == "package-lock.json")
        .map(|(_, contents)| *contents)
        .context("an npm peer without a package-lock.json")?;
    let stamp = home.join("node_modules").join(STAMP);
    if up_to_date(&stamp, lock) {
        return Ok(());
    }
    eprintln!(
        "xtask: installing {} {} with npm ci into {}",
        peer.name,
        peer.version,
        home.display()
    );
    System.run(
        "peers: npm ci",
        &Cmd::new("npm")
            .args(["ci", "--no-fund", "--no-audit", "--loglevel=error"])
            .dir(home),
    )?;
    std::fs::write(&stamp, lock)?;
    Ok(())
}

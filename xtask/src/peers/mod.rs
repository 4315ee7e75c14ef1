//! `cargo xtask peers`: installs third-party SCIM servers at pinned versions under
//! `target/peers/` and runs them on 127.0.0.1.

pub mod catalog;
mod install;
mod process;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use catalog::{PEERS, Peer, Tool};
pub use process::Running;

use crate::workspace;

/// The local-only bearer token `peers start` uses when `SCIM_TOKEN` is unset.
pub const DEFAULT_TOKEN: &str = "scim-rs-peer";

/// Where peers are installed and where their logs and state files go.
pub fn peers_dir(target_dir: &Path) -> PathBuf {
    target_dir.join("peers")
}

/// Why a peer cannot run on this machine (`None`: it can).
pub fn missing_tool(tool: Tool) -> Option<&'static str> {
    match tool {
        Tool::Python => {
            let ok = crate::exec::Cmd::new("python3")
                .args(["-c", "import venv, ensurepip"])
                .output()
                .is_ok();
            (!ok).then_some("python3 with the venv module (Debian/Ubuntu: python3-venv)")
        }
        Tool::Npm => (!(crate::exec::available("node", "--version")
            && crate::exec::available("npm", "--version")))
        .then_some("node and npm"),
        // The cargo that runs xtask builds the Rust peers.
        Tool::Cargo => None,
    }
}

/// Installs `peer` if needed and starts it on `port`; returns once
/// `GET {base}/ServiceProviderConfig` answers with a 2xx status.
pub fn start(peer: &'static Peer, port: u16, token: &str, dir: &Path) -> Result<Running> {
    if let Some(what) = missing_tool(peer.tool) {
        bail!("{} needs {what}, which is not installed", peer.name);
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    install::ensure(peer, dir)?;
    process::start(peer, port, token, dir)
}

/// Stops a peer recorded under `key` by an earlier xtask process that could not stop it
/// (killed, or interrupted with Ctrl-C: peers run in their own process group).
pub fn stop_stale(dir: &Path, key: &str) -> Result<()> {
    if let Some(state) = process::State::read(dir, key)? {
        if process::alive(state.pid) {
            eprintln!("xtask: stopping a leftover {key} (pid {})", state.pid);
            process::stop_pid(state.pid);
        }
        process::State::remove(dir, key)?;
    }
    Ok(())
}

/// Picks a free port on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").context("no free port on 127.0.0.1")?;
    Ok(listener.local_addr()?.port())
}

/// The bearer token peers require: $SCIM_TOKEN, else [`DEFAULT_TOKEN`].
pub fn token_from_env() -> String {
    std::env::var("SCIM_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| DEFAULT_TOKEN.to_owned())
}

fn lookup(name: &str) -> Result<&'static Peer> {
    catalog::find(name).with_context(|| {
        let names: Vec<_> = PEERS.iter().map(|p| p.name).collect();
        format!("unknown peer `{name}`; known: {}", names.join(", "))
    })
}

/// `cargo xtask peers start NAME [--port N]`.
pub fn cli_start(name: &str, port: Option<u16>) -> Result<()> {
    let peer = lookup(name)?;
    let meta = workspace::current()?;
    let dir = peers_dir(&meta.target_directory);
    if let Some(state) = process::State::read(&dir, peer.name)? {
        if process::alive(state.pid) {
            bail!(
                "{name} is already running at {} (pid {}); stop it with `cargo xtask peers stop {name}`",
                state.base_url,
                state.pid,
            );
        }
        process::State::remove(&dir, peer.name)?;
    }
    let from_env = std::env::var("SCIM_TOKEN").is_ok_and(|t| !t.is_empty());
    let running = start(
        peer,
        port.unwrap_or(peer.default_port),
        &token_from_env(),
        &dir,
    )?;
    let running = running.detach(&dir)?;
    eprintln!(
        "xtask: {} {} is running (pid {}); log: {}",
        peer.name,
        peer.version,
        running.pid,
        running.log.display()
    );
    eprintln!(
        "xtask: bearer token: {}",
        if from_env {
            "the value of SCIM_TOKEN"
        } else {
            "the local default (SCIM_TOKEN was unset; see `cargo xtask peers start --help`)"
        }
    );
    println!("{}", running.base_url);
    Ok(())
}

/// `cargo xtask peers stop NAME`.
pub fn cli_stop(name: &str) -> Result<()> {
    let peer = lookup(name)?;
    let meta = workspace::current()?;
    let dir = peers_dir(&meta.target_directory);
    let Some(state) = process::State::read(&dir, peer.name)? else {
        bail!("{name} is not running (no state file in {})", dir.display());
    };
    process::stop_pid(state.pid);
    process::State::remove(&dir, peer.name)?;
    eprintln!("xtask: stopped {name} (pid {})", state.pid);
    Ok(())
}

/// `cargo xtask peers list`.
pub fn cli_list() -> Result<()> {
    let meta = workspace::current()?;
    let dir = peers_dir(&meta.target_directory);
    println!(
        "{:<20} {:<8} {:<30} {:<7} {:<8} status",
        "name", "version", "package", "port", "in test"
    );
    for peer in PEERS {
        let status = match process::State::read(&dir, peer.name)? {
            Some(s) if process::alive(s.pid) => {
                format!("running at {} (pid {})", s.base_url, s.pid)
            }
            _ => match missing_tool(peer.tool) {
                Some(what) => format!("cannot run here: needs {what}"),
                None => "stopped".to_owned(),
            },
        };
        println!(
            "{:<20} {:<8} {:<30} {:<7} {:<8} {status}",
            peer.name,
            peer.version,
            peer.package,
            peer.default_port,
            if peer.in_default_interop { "yes" } else { "no" }
        );
    }
    Ok(())
}

//! `cargo xtask test`: the whole test suite, the README's test command.
//!
//! Steps, in order, each named in its failure message:
//! 1. `fmt`: `cargo fmt --all -- --check`;
//! 2. `clippy`: `cargo clippy --workspace --all-targets --all-features -- -D warnings`;
//! 3. `test`: `cargo test --workspace --all-features` (unit, integration and doc tests);
//!    then `test-reqwest`: scim2-client's tests again through its `reqwest` transport
//!    (`SCIM2_CLIENT_TEST_TRANSPORT=reqwest`);
//! 4. `interop`: starts the pinned third-party SCIM servers on 127.0.0.1 (see
//!    `cargo xtask peers list`) and runs every `interop` test target of the workspace against
//!    them (`SCIM_INTEROP_PEERS=name=url,…`, token in `SCIM_INTEROP_TOKEN`), then stops them.
//!    A peer whose tool (python3 with venv, node and npm) is missing is skipped with a message.
//!
//! All steps share one target directory (`CARGO_TARGET_DIR` or the workspace's `target/`); the
//! interop step reuses the test binaries that step 3 built.

use std::fmt::Write as _;

use anyhow::{Result, bail};

use crate::exec::{Cmd, Exec, System};
use crate::peers::{self, PEERS, Peer, Running};
use crate::workspace;

/// The environment variable the interop tests read the peers from: `name=url,name=url`.
pub const PEERS_ENV: &str = "SCIM_INTEROP_PEERS";
/// The environment variable the interop tests read the bearer token from.
pub const TOKEN_ENV: &str = "SCIM_INTEROP_TOKEN";

/// Options of `cargo xtask test`.
#[derive(Debug, Default, clap::Args)]
pub struct Options {
    /// Skips the interop step (says so in the output).
    #[arg(long)]
    pub no_interop: bool,
    /// Runs only the interop step (for working on the interop tests).
    #[arg(long, conflicts_with = "no_interop")]
    pub interop_only: bool,
    /// The peers of the interop step, comma-separated (default: every peer marked "in test"
    /// by `cargo xtask peers list`).
    #[arg(long, value_delimiter = ',')]
    pub peers: Vec<String>,
}

/// The cargo steps before the interop step.
pub fn cargo_steps() -> Vec<(&'static str, Cmd)> {
    vec![
        ("fmt", Cmd::cargo().args(["fmt", "--all", "--", "--check"])),
        (
            "clippy",
            Cmd::cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        (
            "test",
            Cmd::cargo().args(["test", "--workspace", "--all-features"]),
        ),
        (
            "test-reqwest",
            Cmd::cargo()
                .args(["test", "-p", "scim2-client", "--all-features", "--tests"])
                .env("SCIM2_CLIENT_TEST_TRANSPORT", "reqwest"),
        ),
    ]
}

pub fn run(opts: &Options) -> Result<()> {
    run_with(opts, &mut System)
}

pub fn run_with(opts: &Options, exec: &mut dyn Exec) -> Result<()> {
    let meta = workspace::current()?;
    if opts.interop_only {
        banner("only the interop step (--interop-only): fmt, clippy and the tests were NOT run");
    } else {
        for (step, cmd) in cargo_steps() {
            exec.run(step, &cmd.dir(&meta.workspace_root))?;
        }
    }
    let complete = if opts.no_interop {
        banner("interop step SKIPPED (--no-interop): no third-party SCIM server was tested");
        false
    } else {
        interop(opts, exec, &meta)? && !opts.interop_only
    };
    if complete {
        eprintln!("xtask: test: all steps passed");
    } else {
        eprintln!("xtask: test: the steps that ran passed; some were SKIPPED (see above)");
    }
    Ok(())
}

fn banner(message: &str) {
    eprintln!("\n==== xtask: {message} ====\n");
}

fn select(opts: &Options) -> Result<Vec<&'static Peer>> {
    if opts.peers.is_empty() {
        return Ok(PEERS.iter().filter(|p| p.in_default_interop).collect());
    }
    opts.peers
        .iter()
        .map(|name| {
            peers::catalog::find(name).ok_or_else(|| anyhow::anyhow!("unknown peer `{name}`"))
        })
        .collect()
}

/// The value of [`PEERS_ENV`] for these peers.
pub fn peers_env(running: &[(&str, &str)]) -> String {
    running
        .iter()
        .map(|(name, url)| format!("{name}={url}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs the interop step; `Ok(false)` when a peer was skipped.
fn interop(opts: &Options, exec: &mut dyn Exec, meta: &workspace::Metadata) -> Result<bool> {
    let selected = select(opts)?;
    let dir = peers::peers_dir(&meta.target_directory);
    let token = uuid::Uuid::new_v4().simple().to_string();
    let mut skipped = String::new();
    let mut running: Vec<Running> = Vec::new();
    for peer in selected {
        if let Some(what) = peers::missing_tool(peer.tool) {
            let _ = writeln!(skipped, "  {} {}: needs {what}", peer.name, peer.version);
            continue;
        }
        let key = format!("interop-{}", peer.name);
        peers::stop_stale(&dir, &key)?;
        let port = peers::free_port()?;
        eprintln!("xtask [interop]: starting {} {}", peer.name, peer.version);
        match peers::start(peer, port, &token, &dir) {
            Ok(mut r) => {
                r.record(&dir, &key)?;
                eprintln!(
                    "xtask [interop]: {} {} at {}",
                    r.name, r.version, r.base_url
                );
                running.push(r);
            }
            Err(e) => bail!(
                "step `interop` failed: could not start {}: {e:#}",
                peer.name
            ),
        }
    }
    if !skipped.is_empty() {
        banner(&format!(
            "interop SKIPPED for these peers (tool missing):\n{}",
            skipped.trim_end()
        ));
    }
    if running.is_empty() {
        banner("interop step SKIPPED: no peer could run on this machine");
        return Ok(false);
    }
    let pairs: Vec<(&str, &str)> = running
        .iter()
        .map(|r| (r.name, r.base_url.as_str()))
        .collect();
    let cmd = Cmd::cargo()
        .args([
            "test",
            "--workspace",
            "--all-features",
            "--test",
            "interop",
            "--",
            "--include-ignored",
        ])
        .dir(&meta.workspace_root)
        .env(PEERS_ENV, peers_env(&pairs))
        .env(TOKEN_ENV, &token);
    let result = exec.run("interop", &cmd);
    for r in running {
        r.stop();
    }
    result.map(|()| skipped.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_fmt_clippy_test_in_order() {
        let lines: Vec<String> = cargo_steps()
            .iter()
            .map(|(step, cmd)| format!("{step}: {}", cmd.args.join(" ")))
            .collect();
        assert_eq!(
            lines,
            [
                "fmt: fmt --all -- --check",
                "clippy: clippy --workspace --all-targets --all-features -- -D warnings",
                "test: test --workspace --all-features",
                "test-reqwest: test -p scim2-client --all-features --tests",
            ]
        );
    }

    #[test]
    fn peers_env_lists_name_url_pairs() {
        assert_eq!(
            peers_env(&[
                ("a", "http://127.0.0.1:1"),
                ("b", "http://127.0.0.1:2/scim/v2")
            ]),
            "a=http://127.0.0.1:1,b=http://127.0.0.1:2/scim/v2"
        );
    }

    #[test]
    fn default_selection_includes_scim2_server_and_two_more() {
        let selected = select(&Options::default()).unwrap();
        assert!(selected.iter().any(|p| p.name == "scim2-server"));
        assert!(selected.len() >= 3);
        let err = select(&Options {
            peers: vec!["nope".into()],
            ..Options::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("nope"));
    }
}

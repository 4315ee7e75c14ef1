//! The load part of `cargo xtask bench`: starts every peer server this machine can run, then
//! runs scim2-server's `load` benchmark, which drives one Entra-shaped workload against them
//! and against scim2-server's own stores in the same run and writes `target/load.md`.

use anyhow::{Context, Result};

use crate::exec::{Cmd, Exec, System};
use crate::peers::{self, PEERS};
use crate::workspace;

/// Runs the load benchmark; `seconds` is the measured time per endpoint.
pub fn run(seconds: u32) -> Result<()> {
    let meta = workspace::current()?;
    let dir = peers::peers_dir(&meta.target_directory);
    let token = peers::token_from_env();
    let mut running = Vec::new();
    let mut targets = Vec::new();
    for peer in PEERS {
        if let Some(what) = peers::missing_tool(peer.tool) {
            eprintln!("xtask: load: {} skipped: needs {what}", peer.name);
            continue;
        }
        let port = peers::free_port()?;
        match peers::start(peer, port, &token, &dir) {
            Ok(r) => {
                targets.push(format!("{} {}={}", peer.name, peer.version, r.base_url));
                running.push(r);
            }
            Err(e) => eprintln!("xtask: load: {} not started: {e:#}", peer.name),
        }
    }
    let out = meta.target_directory.join("load.md");
    let cmd = Cmd::cargo()
        .args([
            "bench",
            "-p",
            "scim2-server",
            "--all-features",
            "--bench",
            "load",
        ])
        .dir(&meta.workspace_root)
        .env("SCIM_LOAD_PEERS", targets.join(";"))
        .env("SCIM_LOAD_TOKEN", &token)
        .env("SCIM_LOAD_SECONDS", seconds.to_string())
        .env("SCIM_LOAD_OUT", out.display().to_string())
        .redact(&token);
    let result = System.run("load", &cmd);
    for r in running {
        r.stop();
    }
    result?;
    let table =
        std::fs::read_to_string(&out).with_context(|| format!("reading {}", out.display()))?;
    println!("{table}");
    Ok(())
}

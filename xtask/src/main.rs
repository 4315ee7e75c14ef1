//! `cargo xtask`: developer automation for scim-rs.
//!
//! - `cargo xtask test`: the whole test suite (the README's test command): format check, clippy
//!   with warnings as errors on every target, every test and doctest of the workspace, then the
//!   interoperability tests against third-party SCIM servers started on 127.0.0.1.
//! - `cargo xtask schemas`: regenerates the checked-in JSON Schemas of `scim2-types`.
//! - `cargo xtask bench`: runs every benchmark and writes a Markdown table with peer ratios,
//!   then the load benchmark of scim2-server against the peer servers (`target/load.md`).
//! - `cargo xtask release VERSION [--execute]`: bumps, checks, packages and (with `--execute`)
//!   commits, tags and publishes a release.
//! - `cargo xtask peers start|stop|list`: installs and runs the pinned third-party SCIM servers.

mod bench;
mod cli;
mod exec;
mod hygiene;
mod load;
mod peers;
mod release;
mod schemas;
mod test;
mod tidy;
mod workspace;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

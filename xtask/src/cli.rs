//! The command line of `cargo xtask`.

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::{bench, peers, release, schemas, test};

/// Developer automation for scim-rs.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole test suite: fmt check, clippy -D warnings, every test and doctest, interop.
    Test(test::Options),
    /// Regenerates the JSON Schemas of scim2-types into scim-types/schemas.
    Schemas,
    /// Runs every benchmark and writes a Markdown table with the peer ratios.
    Bench(bench::Options),
    /// Prepares a release; only with --execute commits, tags and publishes.
    Release(release::Options),
    /// Third-party SCIM servers on 127.0.0.1, at pinned versions, for interop tests.
    Peers {
        #[command(subcommand)]
        command: PeersCommand,
    },
}

#[derive(Debug, Subcommand)]
enum PeersCommand {
    /// Installs (if needed) and starts a peer; prints its base URL.
    ///
    /// The peer requires the bearer token in $SCIM_TOKEN, or the local-only default token
    /// `scim-rs-peer` when SCIM_TOKEN is unset.
    Start {
        /// The peer's name (see `cargo xtask peers list`).
        name: String,
        /// The port on 127.0.0.1 (default: the peer's own default port).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Stops a peer that `peers start` started.
    Stop {
        /// The peer's name.
        name: String,
    },
    /// Lists the known peers, their pinned versions and whether they are running.
    List,
}

impl Cli {
    pub fn run(self) -> Result<()> {
        match self.command {
            Command::Test(opts) => test::run(&opts),
            Command::Schemas => schemas::run(),
            Command::Bench(opts) => bench::run(&opts),
            Command::Release(opts) => release::run(&opts),
            Command::Peers { command } => match command {
                PeersCommand::Start { name, port } => peers::cli_start(&name, port),
                PeersCommand::Stop { name } => peers::cli_stop(&name),
                PeersCommand::List => peers::cli_list(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}

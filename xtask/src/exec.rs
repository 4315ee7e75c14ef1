//! Running external commands (cargo, git, pip, npm) as named steps.
//!
//! Every command goes through an [`Exec`], so that the release logic can be tested with a
//! recorder instead of really committing, tagging or publishing.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// One external command: program, arguments, working directory and extra environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub program: String,
    pub args: Vec<String>,
    pub dir: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    /// Values (tokens) that [`Cmd::display`] shows as `***`.
    pub secrets: Vec<String>,
}

impl Cmd {
    pub fn new(program: impl Into<String>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
            dir: None,
            env: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// `cargo`, as the `CARGO` variable names it when running under cargo.
    pub fn cargo() -> Self {
        Self::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_string_lossy().into_owned());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Never shows `secret` in [`Cmd::display`] or in error messages.
    pub fn redact(mut self, secret: &str) -> Self {
        if !secret.is_empty() {
            self.secrets.push(secret.to_owned());
        }
        self
    }

    /// The command line as shown to the user (environment values are not shown: they may hold
    /// a token).
    pub fn display(&self) -> String {
        let program = Path::new(&self.program).file_name().map_or_else(
            || self.program.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut s = program;
        for a in &self.args {
            s.push(' ');
            if self
                .secrets
                .iter()
                .any(|secret| a.contains(secret.as_str()))
            {
                s.push_str("***");
            } else {
                s.push_str(a);
            }
        }
        s
    }

    pub fn to_command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.args);
        if let Some(dir) = &self.dir {
            c.current_dir(dir);
        }
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    /// Runs the command and returns its standard output; fails when it exits non-zero.
    pub fn output(&self) -> Result<String> {
        let out = self
            .to_command()
            .output()
            .with_context(|| format!("could not start `{}`", self.display()))?;
        if !out.status.success() {
            bail!(
                "`{}` failed ({}): {}",
                self.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// Runs commands whose effect matters (builds, commits, publishing), streaming their output.
pub trait Exec {
    /// Runs `cmd` as the step named `step`; an error names the step.
    fn run(&mut self, step: &str, cmd: &Cmd) -> Result<()>;
}

/// The real thing: runs the command with inherited standard streams.
pub struct System;

impl Exec for System {
    fn run(&mut self, step: &str, cmd: &Cmd) -> Result<()> {
        eprintln!("xtask [{step}]: {}", cmd.display());
        let status = cmd
            .to_command()
            .status()
            .with_context(|| format!("step `{step}`: could not start `{}`", cmd.display()))?;
        if !status.success() {
            bail!(
                "step `{step}` failed: `{}` exited with {status}",
                cmd.display()
            );
        }
        Ok(())
    }
}

/// Whether `program` can be started (it is on `PATH` and answers `--version`).
pub fn available(program: &str, version_arg: &str) -> bool {
    Command::new(program)
        .arg(version_arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[cfg(test)]
mod tests {
    use super::Cmd;

    #[test]
    fn display_hides_secrets_and_environment() {
        let cmd = Cmd::new("/usr/bin/tool")
            .args(["--token", "abc123", "--port", "1"])
            .env("SCIM_TOKEN", "abc123")
            .redact("abc123");
        assert_eq!(cmd.display(), "tool --token *** --port 1");
    }
}

#[cfg(test)]
pub mod testing {
    use super::{Cmd, Exec};
    use anyhow::Result;

    /// Records the commands instead of running them.
    #[derive(Default)]
    pub struct Recorder {
        pub runs: Vec<(String, Cmd)>,
    }

    impl Exec for Recorder {
        fn run(&mut self, step: &str, cmd: &Cmd) -> Result<()> {
            self.runs.push((step.to_owned(), cmd.clone()));
            Ok(())
        }
    }

    impl Recorder {
        pub fn lines(&self) -> Vec<String> {
            self.runs.iter().map(|(_, c)| c.display()).collect()
        }
    }
}

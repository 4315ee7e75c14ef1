//! What a release asks crates.io: the last published version of a crate (the baseline of the
//! API check) and whether a version is there already (to resume a half-done publication).
//!
//! [`CargoInfo`] asks through `cargo info`, so the registry configuration, mirrors and proxies
//! of cargo apply; tests use their own [`Registry`].

use std::path::PathBuf;

use anyhow::{Result, bail};
use semver::Version;

use crate::exec::Cmd;

/// The registry questions of a release.
pub trait Registry {
    /// The newest version of `name` on the registry; `None` when it was never published.
    fn latest(&self, name: &str) -> Result<Option<Version>>;
    /// Whether `name` `version` is on the registry.
    fn has(&self, name: &str, version: &Version) -> Result<bool>;
}

/// crates.io through `cargo info`, run outside the workspace (inside it, `cargo info` would
/// describe the local package instead).
pub struct CargoInfo {
    dir: PathBuf,
}

impl CargoInfo {
    pub fn new() -> Self {
        Self {
            dir: std::env::temp_dir(),
        }
    }

    /// `Ok(None)` when the registry does not know `spec`.
    fn info(&self, spec: &str) -> Result<Option<String>> {
        let cmd = Cmd::cargo()
            .args(["info", spec, "--registry", "crates-io"])
            .dir(&self.dir);
        let out = cmd.to_command().output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            return Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned()));
        }
        if stderr.contains("could not find") {
            return Ok(None);
        }
        bail!("`{}` failed: {}", cmd.display(), stderr.trim());
    }
}

/// Reads `version: 1.2.3 (latest 1.4.0)` of `cargo info` output: the version described and
/// the newest one (the same when there is no `(latest …)`).
pub fn version_line(info: &str) -> Option<(Version, Version)> {
    let line = info.lines().find_map(|l| l.strip_prefix("version: "))?;
    let shown = Version::parse(line.split_whitespace().next()?).ok()?;
    let latest = match line.split_once("(latest ") {
        Some((_, rest)) => Version::parse(rest.trim_end_matches(')').trim()).ok()?,
        None => shown.clone(),
    };
    Some((shown, latest))
}

impl Registry for CargoInfo {
    fn latest(&self, name: &str) -> Result<Option<Version>> {
        Ok(self
            .info(name)?
            .as_deref()
            .and_then(version_line)
            .map(|(_, latest)| latest))
    }

    fn has(&self, name: &str, version: &Version) -> Result<bool> {
        // `name@1.2.3` is a requirement: check that the version described is that one.
        let info = self.info(&format!("{name}@{version}"))?;
        Ok(info
            .as_deref()
            .and_then(version_line)
            .is_some_and(|(shown, _)| shown == *version))
    }
}

#[cfg(test)]
pub mod testing {
    use std::collections::BTreeMap;

    use super::*;

    /// A registry answering from a fixed list of published versions.
    #[derive(Default)]
    pub struct Fake(pub BTreeMap<String, Vec<Version>>);

    impl Fake {
        pub fn with(mut self, name: &str, versions: &[&str]) -> Self {
            self.0.insert(
                name.to_owned(),
                versions
                    .iter()
                    .map(|v| Version::parse(v).unwrap())
                    .collect(),
            );
            self
        }
    }

    impl Registry for Fake {
        fn latest(&self, name: &str) -> Result<Option<Version>> {
            Ok(self.0.get(name).and_then(|v| v.iter().max().cloned()))
        }

        fn has(&self, name: &str, version: &Version) -> Result<bool> {
            Ok(self.0.get(name).is_some_and(|v| v.contains(version)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_version_of_cargo_info() {
        let v = version_line(
            "serde #serde\nA framework\nversion: 1.0.0 (latest 1.0.229)\nlicense: MIT\n",
        );
        assert_eq!(v, Some((Version::new(1, 0, 0), Version::new(1, 0, 229))));
        let v = version_line("x\nversion: 0.18.6\nrust-version: 1.85\n");
        assert_eq!(v, Some((Version::new(0, 18, 6), Version::new(0, 18, 6))));
        assert_eq!(version_line("no version here"), None);
    }
}

//! `cargo xtask release VERSION [--execute]`.
//!
//! 1. checks that the git tree is clean, that `vVERSION` is not a tag yet and that VERSION is
//!    not below the current shared version, then runs the whole test suite (`cargo xtask test`);
//! 2. copies the tracked files into `target/xtask-release/vVERSION/` and there bumps the
//!    shared version (`[workspace.package]`) and every intra-workspace dependency version, and
//!    moves the `Unreleased` section of `CHANGELOG.md` under `## [VERSION] - today`;
//! 3. in that copy runs `cargo package`, then `cargo semver-checks` of each crate against its
//!    last version on crates.io (skipped, with a message, for a crate never published or when
//!    cargo-semver-checks is not installed), then `cargo publish --dry-run` (cargo orders the
//!    crates by their dependencies and resolves the unpublished ones locally);
//! 4. only with `--execute`: writes the changed files into the tree, commits them, tags
//!    `vVERSION` and runs `cargo publish`. Without it nothing outside `target/` changes.
//!
//! Before any of this it prints the plan: per crate, publish (with or without an API check)
//! or skip because the version is already on crates.io. A publication that failed half-way
//! resumes: when the tree is already at VERSION and tagged `vVERSION` at `HEAD`, a run only
//! publishes the crates crates.io does not have yet.

mod changelog;
mod manifest;
pub mod registry;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use semver::Version;

use crate::exec::{Cmd, Exec, System};
use crate::workspace;
use registry::{CargoInfo, Registry};

/// Options of `cargo xtask release`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The new version (semver), e.g. 0.2.0.
    pub version: String,
    /// Writes, commits, tags `vVERSION` and publishes; without it this is a dry run that
    /// changes nothing outside target/.
    #[arg(long)]
    pub execute: bool,
}

/// Everything one release run needs.
pub struct Release<'a> {
    pub root: &'a Path,
    pub target_dir: &'a Path,
    pub version: Version,
    pub execute: bool,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Runs `cargo xtask test` first (the tests of this module turn it off).
    pub run_tests: bool,
    /// Where the published versions are looked up.
    pub registry: &'a dyn Registry,
    /// Whether `cargo semver-checks` is installed.
    pub semver_checks: bool,
}

/// What the release does with one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The version is on the registry already (an earlier run published it).
    Skip,
    /// Publish it; `baseline` is the last published version (the API check's baseline).
    Publish { baseline: Option<Version> },
}

pub fn run(opts: &Options) -> Result<()> {
    let meta = workspace::current()?;
    let version = Version::parse(&opts.version)
        .with_context(|| format!("`{}` is not a semver version", opts.version))?;
    let date = time::OffsetDateTime::now_utc().date().to_string();
    let semver_checks = Cmd::cargo()
        .args(["semver-checks", "--version"])
        .output()
        .is_ok();
    Release {
        root: &meta.workspace_root,
        target_dir: &meta.target_directory,
        version,
        execute: opts.execute,
        date,
        run_tests: true,
        registry: &CargoInfo::new(),
        semver_checks,
    }
    .run(&mut System)
}

/// The crates of the plan that are to be published, in order.
fn to_publish(plan: &[(String, Step)]) -> Vec<String> {
    plan.iter()
        .filter(|(_, s)| matches!(s, Step::Publish { .. }))
        .map(|(n, _)| n.clone())
        .collect()
}

fn git(root: &Path) -> Cmd {
    Cmd::new("git").arg("-C").arg(root)
}

/// The publishable workspace packages of the workspace at `root`, dependencies first.
fn publish_order(root: &Path) -> Result<Vec<String>> {
    let meta = workspace::metadata(root)?;
    let names: BTreeSet<&str> = meta
        .packages
        .iter()
        .filter(|p| p.publishable())
        .map(|p| p.name.as_str())
        .collect();
    let mut order: Vec<String> = Vec::new();
    while order.len() < names.len() {
        let before = order.len();
        for p in meta
            .packages
            .iter()
            .filter(|p| names.contains(p.name.as_str()))
        {
            if order.contains(&p.name) {
                continue;
            }
            let ready = p
                .dependencies
                .iter()
                .filter(|d| d.kind.as_deref() != Some("dev") && d.path.is_some())
                .filter(|d| names.contains(d.name.as_str()))
                .all(|d| order.contains(&d.name));
            if ready {
                order.push(p.name.clone());
            }
        }
        if order.len() == before {
            bail!("the workspace crates depend on each other in a cycle");
        }
    }
    Ok(order)
}

impl Release<'_> {
    fn tag(&self) -> String {
        format!("v{}", self.version)
    }

    fn stage_dir(&self) -> PathBuf {
        self.target_dir.join("xtask-release").join(self.tag())
    }

    fn check_preconditions(&self) -> Result<()> {
        let status = git(self.root).args(["status", "--porcelain"]).output()?;
        if !status.trim().is_empty() {
            bail!("the git tree is not clean; commit or stash first:\n{status}");
        }
        let tags = git(self.root)
            .args(["tag", "--list", &self.tag()])
            .output()?;
        if !tags.trim().is_empty() {
            bail!("the tag {} exists already", self.tag());
        }
        let root_manifest = std::fs::read_to_string(self.root.join("Cargo.toml"))?;
        let current = manifest::workspace_version(&root_manifest)?;
        if self.version < current {
            bail!("{} is below the current version {current}", self.version);
        }
        Ok(())
    }

    /// Copies the tracked files into the staging folder; returns their relative paths.
    fn stage(&self) -> Result<Vec<String>> {
        let stage = self.stage_dir();
        if stage.exists() {
            std::fs::remove_dir_all(&stage)
                .with_context(|| format!("removing {}", stage.display()))?;
        }
        let files = git(self.root).args(["ls-files", "-z"]).output()?;
        let files: Vec<String> = files
            .split('\0')
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect();
        for rel in &files {
            let from = self.root.join(rel);
            if !from.is_file() {
                continue;
            }
            let to = stage.join(rel);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&from, &to).with_context(|| format!("copying {rel}"))?;
        }
        Ok(files)
    }

    /// Bumps the manifests and the changelog in the staging folder; returns the changed files.
    fn edit_stage(&self, files: &[String]) -> Result<Vec<String>> {
        let stage = self.stage_dir();
        let mut changed = Vec::new();
        for rel in files
            .iter()
            .filter(|f| Path::new(f).file_name().is_some_and(|n| n == "Cargo.toml"))
        {
            let path = stage.join(rel);
            let text = std::fs::read_to_string(&path)?;
            let (new, changes) =
                manifest::bump(&text, &self.version).with_context(|| format!("bumping {rel}"))?;
            if !changes.is_empty() {
                eprintln!(
                    "xtask [release]: {rel}: {} -> {}",
                    changes.join(", "),
                    self.version
                );
                std::fs::write(&path, new)?;
                changed.push(rel.clone());
            }
        }
        let path = stage.join("CHANGELOG.md");
        let text = std::fs::read_to_string(&path).context("reading CHANGELOG.md")?;
        let new = changelog::release(&text, &self.version.to_string(), &self.date)?;
        std::fs::write(&path, new)?;
        eprintln!(
            "xtask [release]: CHANGELOG.md: Unreleased -> [{}] - {}",
            self.version, self.date
        );
        changed.push("CHANGELOG.md".to_owned());
        Ok(changed)
    }

    /// Asks the registry what to do with each crate, in publish order.
    pub fn plan(&self, order: &[String]) -> Result<Vec<(String, Step)>> {
        order
            .iter()
            .map(|name| {
                let step = if self.registry.has(name, &self.version)? {
                    Step::Skip
                } else {
                    Step::Publish {
                        baseline: self.registry.latest(name)?,
                    }
                };
                Ok((name.clone(), step))
            })
            .collect()
    }

    /// The plan as printed before anything runs.
    pub fn plan_text(&self, plan: &[(String, Step)], resume: bool) -> String {
        let tag = self.tag();
        let mode = if self.execute { "--execute" } else { "dry run" };
        let mut out = format!("xtask [release]: plan for {tag} ({mode}):\n");
        for (name, step) in plan {
            let what = match step {
                Step::Skip => format!("skip: {} is already on crates.io", self.version),
                Step::Publish { baseline: None } => format!(
                    "publish {}; never published before, so no API check",
                    self.version
                ),
                Step::Publish { baseline: Some(b) } if self.semver_checks => format!(
                    "publish {}; API check against {b} (cargo semver-checks)",
                    self.version
                ),
                Step::Publish { baseline: Some(b) } => format!(
                    "publish {}; API check against {b} SKIPPED: cargo-semver-checks is not \
                     installed (cargo install cargo-semver-checks --locked)",
                    self.version
                ),
            };
            out.push_str(&format!("  {name:<20} {what}\n"));
        }
        let publish = to_publish(plan).join(", ");
        if publish.is_empty() {
            out.push_str("  nothing to publish: every crate is on crates.io at this version\n");
        } else if resume {
            out.push_str(&format!(
                "  resuming: the tree is at {} and tagged {tag}; only `cargo publish` of {publish} \
                 is left{}\n",
                self.version,
                if self.execute {
                    ""
                } else {
                    " (not run without --execute)"
                }
            ));
        } else {
            out.push_str(&format!(
                "  steps: {}stage and bump in {}, cargo package, API checks, cargo publish \
                 --dry-run{}\n",
                if self.run_tests {
                    "cargo xtask test, "
                } else {
                    ""
                },
                self.stage_dir().display(),
                if self.execute {
                    format!(", then write, commit, tag {tag} and cargo publish {publish}")
                } else {
                    String::new()
                }
            ));
        }
        out
    }

    /// True when an earlier run committed and tagged this version (its publication may have
    /// stopped half-way).
    fn released_at_head(&self) -> Result<bool> {
        let root_manifest = std::fs::read_to_string(self.root.join("Cargo.toml"))?;
        if manifest::workspace_version(&root_manifest)? != self.version {
            return Ok(false);
        }
        let tagged = git(self.root)
            .args([
                "rev-parse",
                "-q",
                "--verify",
                &format!("{}^{{commit}}", self.tag()),
            ])
            .output();
        let Ok(tagged) = tagged else {
            return Ok(false);
        };
        let head = git(self.root).args(["rev-parse", "HEAD"]).output()?;
        Ok(tagged.trim() == head.trim())
    }

    pub fn run(&self, exec: &mut dyn Exec) -> Result<()> {
        let order = publish_order(self.root)?;
        let plan = self.plan(&order)?;
        let resume = self.released_at_head()?;
        eprint!("{}", self.plan_text(&plan, resume));
        let publish = to_publish(&plan);
        if publish.is_empty() {
            return Ok(());
        }
        if resume {
            let status = git(self.root).args(["status", "--porcelain"]).output()?;
            if !status.trim().is_empty() {
                bail!("the git tree is not clean; commit or stash first:\n{status}");
            }
            if self.execute {
                let packages: Vec<String> = publish
                    .iter()
                    .flat_map(|p| ["-p".to_owned(), p.clone()])
                    .collect();
                exec.run(
                    "release: cargo publish (resume)",
                    &Cmd::cargo()
                        .arg("publish")
                        .args(&packages)
                        .dir(self.root)
                        .env("CARGO_TARGET_DIR", self.target_dir.to_string_lossy()),
                )?;
                eprintln!("xtask [release]: published the rest of {}", self.tag());
            }
            return Ok(());
        }
        self.check_preconditions()?;
        if self.run_tests {
            crate::test::run_with(&crate::test::Options::default(), exec)
                .context("the test suite must pass before a release")?;
        }
        let files = self.stage()?;
        let mut changed = self.edit_stage(&files)?;
        let stage = self.stage_dir();
        let order: Vec<String> = publish_order(&stage)?
            .into_iter()
            .filter(|p| publish.contains(p))
            .collect();
        eprintln!("xtask [release]: publish order: {}", order.join(", "));
        let packages: Vec<String> = order
            .iter()
            .flat_map(|p| ["-p".to_owned(), p.clone()])
            .collect();
        let target = self.target_dir.to_string_lossy().into_owned();
        exec.run(
            "release: cargo package",
            &Cmd::cargo()
                .arg("package")
                .args(&packages)
                .dir(&stage)
                .env("CARGO_TARGET_DIR", &target),
        )?;
        for (name, step) in &plan {
            let Step::Publish {
                baseline: Some(baseline),
            } = step
            else {
                continue;
            };
            if !self.semver_checks {
                eprintln!(
                    "xtask [release]: {name}: API check against {baseline} SKIPPED \
                     (cargo-semver-checks is not installed)"
                );
                continue;
            }
            exec.run(
                &format!("release: API check of {name}"),
                &Cmd::cargo()
                    .args(["semver-checks", "--package", name, "--baseline-version"])
                    .arg(baseline.to_string())
                    .dir(&stage)
                    .env("CARGO_TARGET_DIR", &target),
            )?;
        }
        exec.run(
            "release: cargo publish --dry-run",
            &Cmd::cargo()
                .args(["publish", "--dry-run", "--no-verify"])
                .args(&packages)
                .dir(&stage)
                .env("CARGO_TARGET_DIR", &target),
        )?;
        if files.iter().any(|f| f == "Cargo.lock") {
            changed.push("Cargo.lock".to_owned());
        }
        let tag = self.tag();
        let message = format!("Release {tag}");
        if !self.execute {
            eprintln!(
                "\nxtask [release]: dry run done; nothing changed outside {}.\n\
                 The prepared tree is {}. With --execute, xtask would:\n  \
                 1. write {} into the tree;\n  \
                 2. git commit -m \"{message}\";\n  \
                 3. git tag -a {tag} -m \"{message}\";\n  \
                 4. cargo publish {} (in this order).",
                self.target_dir.display(),
                stage.display(),
                changed.join(", "),
                order.join(", ")
            );
            return Ok(());
        }
        for rel in &changed {
            std::fs::copy(stage.join(rel), self.root.join(rel))
                .with_context(|| format!("writing {rel}"))?;
        }
        exec.run(
            "release: git add",
            &git(self.root).arg("add").arg("--").args(&changed),
        )?;
        exec.run(
            "release: git commit",
            &git(self.root).args(["commit", "-m", &message]),
        )?;
        exec.run(
            "release: git tag",
            &git(self.root).args(["tag", "-a", &tag, "-m", &message]),
        )?;
        exec.run(
            "release: cargo publish",
            &Cmd::cargo()
                .arg("publish")
                .args(&packages)
                .dir(self.root)
                .env("CARGO_TARGET_DIR", &target),
        )?;
        eprintln!("xtask [release]: published {tag}; push with `git push origin HEAD {tag}`");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::testing::Recorder;
    use registry::testing::Fake;
    use std::collections::BTreeMap;

    fn sh(dir: &Path, args: &[&str]) {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A small two-crate workspace under git, the way the real one is laid out.
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"a\", \"b\", \"tool\"]\n\n[workspace.package]\nversion = \"0.1.0\"\nedition = \"2024\"\nlicense = \"MIT\"\n\n[workspace.dependencies]\nfx-a = { path = \"a\", version = \"0.1.0\" }\nfx-b = { path = \"b\", version = \"0.1.0\" }\n",
        );
        write(
            "b/Cargo.toml",
            "[package]\nname = \"fx-b\"\ndescription = \"b\"\nversion.workspace = true\nedition.workspace = true\nlicense.workspace = true\n\n[dependencies]\nfx-a.workspace = true\n",
        );
        write("b/src/lib.rs", "//! b\n");
        write(
            "a/Cargo.toml",
            "[package]\nname = \"fx-a\"\ndescription = \"a\"\nversion.workspace = true\nedition.workspace = true\nlicense.workspace = true\n",
        );
        write("a/src/lib.rs", "//! a\n");
        write(
            "tool/Cargo.toml",
            "[package]\nname = \"tool\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nfx-b.workspace = true\n",
        );
        write("tool/src/main.rs", "fn main() {}\n");
        write(
            "CHANGELOG.md",
            "# Changelog\n\n## [Unreleased]\n\n### Added\n- Everything.\n\n[Unreleased]: https://example.org/r/commits/HEAD\n",
        );
        write(".gitignore", "/target\n");
        sh(root, &["init", "-q"]);
        sh(root, &["add", "-A"]);
        sh(root, &["commit", "-qm", "init"]);
        dir
    }

    fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                let rel = p.strip_prefix(root).unwrap().to_path_buf();
                if rel.starts_with("target") {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        out
    }

    static NOTHING_PUBLISHED: std::sync::LazyLock<Fake> = std::sync::LazyLock::new(Fake::default);

    fn release<'a>(root: &'a Path, target: &'a Path, version: &str, execute: bool) -> Release<'a> {
        Release {
            root,
            target_dir: target,
            version: Version::parse(version).unwrap(),
            execute,
            date: "2026-12-01".to_owned(),
            run_tests: false,
            registry: &*NOTHING_PUBLISHED,
            semver_checks: true,
        }
    }

    #[test]
    fn api_checks_run_against_the_last_published_version_only() {
        let dir = fixture();
        let root = dir.path();
        let target = root.join("target");
        let registry = Fake::default().with("fx-a", &["0.0.9", "0.1.0"]);
        let mut r = release(root, &target, "0.2.0", false);
        r.registry = &registry;
        let plan = r.plan(&publish_order(root).unwrap()).unwrap();
        let text = r.plan_text(&plan, false);
        assert!(
            text.contains("fx-a                 publish 0.2.0; API check against 0.1.0"),
            "{text}"
        );
        assert!(
            text.contains("fx-b                 publish 0.2.0; never published before"),
            "{text}"
        );
        let mut rec = Recorder::default();
        r.run(&mut rec).unwrap();
        assert_eq!(
            rec.lines(),
            [
                "cargo package -p fx-a -p fx-b",
                "cargo semver-checks --package fx-a --baseline-version 0.1.0",
                "cargo publish --dry-run --no-verify -p fx-a -p fx-b",
            ]
        );
        // Without cargo-semver-checks the check is skipped, and the plan says so.
        r.semver_checks = false;
        let text = r.plan_text(&plan, false);
        assert!(text.contains("API check against 0.1.0 SKIPPED"), "{text}");
        assert!(text.contains("cargo install cargo-semver-checks"), "{text}");
        let mut rec = Recorder::default();
        r.run(&mut rec).unwrap();
        assert!(!rec.lines().iter().any(|l| l.contains("semver-checks")));
    }

    /// The fixture as an earlier `--execute` left it: bumped, committed and tagged.
    fn released_fixture(version: &str) -> tempfile::TempDir {
        let dir = fixture();
        let root = dir.path();
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        std::fs::write(
            root.join("Cargo.toml"),
            manifest.replace("\"0.1.0\"", &format!("\"{version}\"")),
        )
        .unwrap();
        sh(root, &["commit", "-qam", "Release"]);
        sh(root, &["tag", &format!("v{version}")]);
        dir
    }

    #[test]
    fn a_half_done_publication_resumes_with_the_missing_crates() {
        let dir = released_fixture("0.2.0");
        let root = dir.path();
        let target = root.join("target");
        // fx-a went out, then the publication stopped.
        let registry = Fake::default().with("fx-a", &["0.1.0", "0.2.0"]);
        let mut r = release(root, &target, "0.2.0", true);
        r.registry = &registry;
        let plan = r.plan(&publish_order(root).unwrap()).unwrap();
        assert_eq!(
            plan,
            [
                ("fx-a".to_owned(), Step::Skip),
                ("fx-b".to_owned(), Step::Publish { baseline: None })
            ]
        );
        let text = r.plan_text(&plan, true);
        assert!(
            text.contains("skip: 0.2.0 is already on crates.io"),
            "{text}"
        );
        assert!(text.contains("resuming"), "{text}");
        let mut rec = Recorder::default();
        r.run(&mut rec).unwrap();
        assert_eq!(rec.lines(), ["cargo publish -p fx-b"]);
        // A dry run of the same state publishes nothing.
        r.execute = false;
        let mut rec = Recorder::default();
        r.run(&mut rec).unwrap();
        assert!(rec.runs.is_empty());
    }

    #[test]
    fn nothing_runs_when_every_crate_is_published() {
        let dir = released_fixture("0.2.0");
        let root = dir.path();
        let target = root.join("target");
        let registry = Fake::default()
            .with("fx-a", &["0.2.0"])
            .with("fx-b", &["0.2.0"]);
        let mut r = release(root, &target, "0.2.0", true);
        r.registry = &registry;
        let plan = r.plan(&publish_order(root).unwrap()).unwrap();
        assert!(r.plan_text(&plan, true).contains("nothing to publish"));
        let mut rec = Recorder::default();
        r.run(&mut rec).unwrap();
        assert!(rec.runs.is_empty());
    }

    #[test]
    fn dry_run_leaves_the_tree_unchanged_and_publishes_nothing() {
        let dir = fixture();
        let root = dir.path();
        let before = snapshot(root);
        let mut rec = Recorder::default();
        let target = root.join("target");
        release(root, &target, "0.2.0", false)
            .run(&mut rec)
            .unwrap();
        assert_eq!(snapshot(root), before, "a dry run changed the tree");
        let status = git(root).args(["status", "--porcelain"]).output().unwrap();
        assert_eq!(status, "");
        assert_eq!(
            rec.lines(),
            [
                "cargo package -p fx-a -p fx-b",
                "cargo publish --dry-run --no-verify -p fx-a -p fx-b",
            ]
        );
        let stage = root.join("target/xtask-release/v0.2.0");
        assert!(
            rec.runs
                .iter()
                .all(|(_, c)| c.dir.as_deref() == Some(stage.as_path()))
        );
        let manifest = std::fs::read_to_string(stage.join("Cargo.toml")).unwrap();
        assert_eq!(manifest.matches("\"0.2.0\"").count(), 3, "{manifest}");
        let log = std::fs::read_to_string(stage.join("CHANGELOG.md")).unwrap();
        assert!(
            log.contains("## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n### Added"),
            "{log}"
        );
    }

    #[test]
    fn execute_writes_commits_tags_and_publishes_in_dependency_order() {
        let dir = fixture();
        let root = dir.path();
        let mut rec = Recorder::default();
        let target = root.join("target");
        release(root, &target, "0.2.0", true).run(&mut rec).unwrap();
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("version = \"0.2.0\"\nedition"));
        assert!(manifest.contains("fx-b = { path = \"b\", version = \"0.2.0\" }"));
        let log = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
        assert!(log.contains("[0.2.0]: https://example.org/r/releases/tag/v0.2.0"));
        let lines = rec.lines();
        assert_eq!(
            &lines[2..],
            [
                format!("git -C {} add -- Cargo.toml CHANGELOG.md", root.display()),
                format!("git -C {} commit -m Release v0.2.0", root.display()),
                format!("git -C {} tag -a v0.2.0 -m Release v0.2.0", root.display()),
                "cargo publish -p fx-a -p fx-b".to_owned(),
            ]
        );
    }

    #[test]
    fn refuses_a_dirty_tree_an_existing_tag_and_a_lower_version() {
        let dir = fixture();
        let root = dir.path();
        let mut rec = Recorder::default();
        let target = root.join("target");
        let err = release(root, &target, "0.0.9", false)
            .run(&mut rec)
            .unwrap_err();
        assert!(
            err.to_string().contains("below the current version 0.1.0"),
            "{err}"
        );
        sh(root, &["tag", "v0.1.0"]);
        // (A tag at HEAD with the tree at that version would be a publication to resume.)
        sh(root, &["commit", "--allow-empty", "-qm", "later"]);
        let err = release(root, &target, "0.1.0", false)
            .run(&mut rec)
            .unwrap_err();
        assert!(err.to_string().contains("tag v0.1.0 exists"), "{err}");
        std::fs::write(root.join("a/src/lib.rs"), "//! changed\n").unwrap();
        let err = release(root, &target, "0.2.0", false)
            .run(&mut rec)
            .unwrap_err();
        assert!(err.to_string().contains("not clean"), "{err}");
        assert!(rec.runs.is_empty());
    }
}

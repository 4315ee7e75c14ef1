//! Bumping the one shared version in Cargo manifests, as text (comments and layout are kept).

use anyhow::{Context, Result};
use semver::Version;
use toml_edit::{DocumentMut, Item, TableLike};

/// The shared version: `[workspace.package] version` of the root manifest.
pub fn workspace_version(root_manifest: &str) -> Result<Version> {
    let doc: DocumentMut = root_manifest
        .parse()
        .context("root Cargo.toml is not TOML")?;
    let v = doc
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .context("root Cargo.toml has no [workspace.package] version")?;
    Version::parse(v).with_context(|| format!("[workspace.package] version `{v}` is not semver"))
}

fn set_version(item: &mut Item, new: &str) -> bool {
    match item.as_value_mut() {
        Some(value) if value.is_str() => {
            if value.as_str() == Some(new) {
                return false;
            }
            let decor = value.decor().clone();
            *value = toml_edit::Value::from(new);
            *value.decor_mut() = decor;
            true
        }
        _ => false,
    }
}

/// Every dependency of `table` that has both `path` and `version` (an intra-workspace
/// dependency published with a version) gets `version = new`.
fn bump_dependencies(table: &mut dyn TableLike, new: &str, what: &str, changes: &mut Vec<String>) {
    for (name, dep) in table.iter_mut() {
        if let Some(dep) = dep.as_table_like_mut()
            && dep.contains_key("path")
            && let Some(version) = dep.get_mut("version")
            && set_version(version, new)
        {
            changes.push(format!("{what}.{}", name.get()));
        }
    }
}

const DEPENDENCY_TABLES: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

/// Sets `new` as the shared version (`[workspace.package]`), as a member's own literal
/// `[package] version`, and as the version of every path dependency in every dependency table
/// (`[workspace.dependencies]`, `[dependencies]`, `[target.*.dependencies]`, …). Returns the new
/// text and the names of the changed keys.
pub fn bump(manifest: &str, new: &Version) -> Result<(String, Vec<String>)> {
    let mut doc: DocumentMut = manifest.parse().context("manifest is not TOML")?;
    let new = new.to_string();
    let mut changes = Vec::new();
    if let Some(ws) = doc.get_mut("workspace").and_then(Item::as_table_like_mut) {
        if let Some(v) = ws
            .get_mut("package")
            .and_then(Item::as_table_like_mut)
            .and_then(|p| p.get_mut("version"))
            && set_version(v, &new)
        {
            changes.push("workspace.package.version".to_owned());
        }
        if let Some(deps) = ws.get_mut("dependencies").and_then(Item::as_table_like_mut) {
            bump_dependencies(deps, &new, "workspace.dependencies", &mut changes);
        }
    }
    // A crate that is never published (`publish = false`) keeps its own version.
    let unpublished = doc
        .get("package")
        .and_then(|p| p.get("publish"))
        .and_then(Item::as_bool)
        == Some(false);
    if !unpublished
        && let Some(v) = doc
            .get_mut("package")
            .and_then(Item::as_table_like_mut)
            .and_then(|p| p.get_mut("version"))
        && set_version(v, &new)
    {
        changes.push("package.version".to_owned());
    }
    for key in DEPENDENCY_TABLES {
        if let Some(deps) = doc.get_mut(key).and_then(Item::as_table_like_mut) {
            bump_dependencies(deps, &new, key, &mut changes);
        }
    }
    if let Some(targets) = doc.get_mut("target").and_then(Item::as_table_like_mut) {
        for (cfg, target) in targets.iter_mut() {
            let Some(target) = target.as_table_like_mut() else {
                continue;
            };
            for key in DEPENDENCY_TABLES {
                if let Some(deps) = target.get_mut(key).and_then(Item::as_table_like_mut) {
                    let what = format!("target.{}.{key}", cfg.get());
                    bump_dependencies(deps, &new, &what, &mut changes);
                }
            }
        }
    }
    Ok((doc.to_string(), changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = r#"[workspace]
members = ["a", "b"]

[workspace.package]
version = "0.1.0" # the one shared version
edition = "2024"

[workspace.dependencies]
# Workspace crates.
scim2-types = { path = "scim-types", version = "0.1.0" }
scim2-filter = { path = "scim-filter", version = "0.1.0" }
serde = { version = "1", features = ["derive"] }
local-only = { path = "local" }
"#;

    #[test]
    fn bumps_the_shared_version_and_every_intra_workspace_dependency() {
        let (text, changes) = bump(ROOT, &Version::new(0, 2, 0)).unwrap();
        assert_eq!(
            changes,
            [
                "workspace.package.version",
                "workspace.dependencies.scim2-types",
                "workspace.dependencies.scim2-filter",
            ]
        );
        let expected = ROOT
            .replace("version = \"0.1.0\" #", "version = \"0.2.0\" #")
            .replace(
                "path = \"scim-types\", version = \"0.1.0\"",
                "path = \"scim-types\", version = \"0.2.0\"",
            )
            .replace(
                "path = \"scim-filter\", version = \"0.1.0\"",
                "path = \"scim-filter\", version = \"0.2.0\"",
            );
        // Only those three values change: comments, other dependencies and layout stay.
        assert_eq!(text, expected);
        assert_eq!(workspace_version(&text).unwrap(), Version::new(0, 2, 0));
    }

    #[test]
    fn member_manifests_with_literal_versions_are_bumped_too() {
        let member = r#"[package]
name = "b"
version = "0.1.0"

[dependencies]
a = { path = "../a", version = "0.1.0" }
serde.workspace = true

[target.'cfg(unix)'.dev-dependencies]
c = { path = "../c", version = "0.1.0" }

[dev-dependencies.d]
path = "../d"
version = "0.1.0"
"#;
        let (text, changes) = bump(member, &Version::parse("1.0.0-rc.1").unwrap()).unwrap();
        assert_eq!(
            changes,
            [
                "package.version",
                "dependencies.a",
                "dev-dependencies.d",
                "target.cfg(unix).dev-dependencies.c",
            ]
        );
        assert_eq!(text.matches("1.0.0-rc.1").count(), 4);
        assert!(!text.contains("0.1.0"));
    }

    #[test]
    fn unpublished_crates_keep_their_own_version() {
        let tool = "[package]\nname = \"tool\"\nversion = \"0.0.0\"\npublish = false\n\n[dependencies]\nb = { path = \"../b\", version = \"0.1.0\" }\n";
        let (text, changes) = bump(tool, &Version::new(0, 2, 0)).unwrap();
        assert_eq!(changes, ["dependencies.b"]);
        assert!(text.contains("version = \"0.0.0\""));
    }

    #[test]
    fn inherited_versions_are_left_alone() {
        let member = "[package]\nname = \"a\"\nversion.workspace = true\n\n[dependencies]\nb.workspace = true\n";
        let (text, changes) = bump(member, &Version::new(9, 9, 9)).unwrap();
        assert!(changes.is_empty());
        assert_eq!(text, member);
    }

    #[test]
    fn bad_manifests_are_errors() {
        assert!(bump("[package\n", &Version::new(1, 0, 0)).is_err());
        let err = workspace_version("[workspace]\n").unwrap_err();
        assert!(err.to_string().contains("[workspace.package] version"));
        let err = workspace_version("[workspace.package]\nversion = \"one\"\n").unwrap_err();
        assert!(err.to_string().contains("not semver"));
    }
}

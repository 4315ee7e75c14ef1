//! What every published crate must get right, checked by `cargo test -p xtask`:
//!
//! - its package (`cargo package --list`) carries both licence files, `LICENSE-MIT` and
//!   `LICENSE-APACHE` (Apache-2.0 §4 wants the text to travel with the code);
//! - the libraries' default features do not switch on tokio's `rt-multi-thread` (the runtime is
//!   the application's choice) or serde_json's `preserve_order` (it changes every dependent's
//!   maps; `scim2-types` offers it as its opt-in `preserve_order` feature), measured with
//!   `cargo tree -e features` on the normal (non-dev) dependency edges.
#![cfg(test)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::exec::Cmd;
use crate::workspace;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn published() -> Vec<String> {
    let meta = workspace::metadata(&root()).unwrap_or_else(|e| panic!("{e:#}"));
    meta.packages
        .iter()
        .filter(|p| p.publishable())
        .map(|p| p.name.clone())
        .collect()
}

/// The files `cargo package` would put into the crate of `package`.
fn package_files(package: &str) -> BTreeSet<String> {
    Cmd::cargo()
        .args(["package", "--list", "--allow-dirty", "-p", package])
        .dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{e:#}"))
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `crate/feature` for every feature enabled when `package` is built with its default
/// features, through normal dependencies only (what a dependent gets).
fn enabled_features(package: &str) -> BTreeSet<String> {
    let out = Cmd::cargo()
        .args([
            "tree",
            "-p",
            package,
            "-e",
            "features,normal",
            "--prefix",
            "none",
        ])
        .dir(root())
        .output()
        .unwrap_or_else(|e| panic!("{e:#}"));
    features_in_tree(&out)
}

/// Reads the `name feature "f"` nodes of a `cargo tree -e features` listing.
fn features_in_tree(tree: &str) -> BTreeSet<String> {
    tree.lines()
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once(" feature \"")?;
            let feature = rest.split('"').next()?;
            Some(format!("{name}/{feature}"))
        })
        .collect()
}

#[test]
fn every_published_crate_packages_both_licence_files() {
    let crates = published();
    assert!(crates.len() >= 4, "{crates:?}");
    for name in &crates {
        let files = package_files(name);
        for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
            assert!(
                files.contains(licence),
                "{name}: {licence} is not in the package: {files:?}"
            );
        }
        assert!(files.contains("README.md"), "{name}: {files:?}");
    }
}

#[test]
fn library_defaults_leave_the_runtime_and_map_order_to_the_application() {
    for library in ["scim2-types", "scim2-filter", "scim2-client"] {
        let features = enabled_features(library);
        assert!(
            features.iter().any(|f| f.starts_with("serde_json/")),
            "{library}: the listing was read: {features:?}"
        );
        for forbidden in ["tokio/rt-multi-thread", "serde_json/preserve_order"] {
            assert!(
                !features.contains(forbidden),
                "{library} enables {forbidden} by default"
            );
        }
    }
    // The client asks tokio for what it uses (time, sync), nothing for the application.
    let client = enabled_features("scim2-client");
    for feature in ["tokio/macros", "tokio/signal", "tokio/fs", "tokio/io-util"] {
        assert!(!client.contains(feature), "scim2-client enables {feature}");
    }
    // The command line does need the multi-threaded runtime and ordered JSON: the same
    // measurement sees them there.
    let cli = enabled_features("scim2-conformance");
    assert!(cli.contains("tokio/rt-multi-thread"), "{cli:?}");
    assert!(cli.contains("serde_json/preserve_order"), "{cli:?}");
}

#[test]
fn feature_nodes_are_read_from_the_tree_listing() {
    let tree = "scim2-client v0.1.0 (/w/scim-client)\ntokio feature \"time\"\ntokio v1.0.0\nserde_json feature \"default\" (*)\n";
    let got: Vec<String> = features_in_tree(tree).into_iter().collect();
    assert_eq!(got, ["serde_json/default", "tokio/time"]);
}

//! `cargo xtask schemas`: regenerates the checked-in JSON Schemas of `scim2-types`.

use anyhow::{Result, bail};

use crate::exec::{Cmd, Exec, System};
use crate::workspace;

/// The folder, relative to the workspace root, that holds the checked-in schemas.
pub const SCHEMAS_DIR: &str = "scim-types/schemas";

pub fn run() -> Result<()> {
    let meta = workspace::current()?;
    let example = meta
        .workspace_root
        .join("scim-types/examples/json_schemas.rs");
    if !example.is_file() {
        bail!(
            "{} does not exist yet: the `json_schemas` example of scim2-types (feature `schemars`) \
             writes the schemas; it is not in this tree",
            example.display()
        );
    }
    let cmd = Cmd::cargo()
        .args([
            "run",
            "-p",
            "scim2-types",
            "--features",
            "schemars",
            "--example",
            "json_schemas",
            "--",
            SCHEMAS_DIR,
        ])
        .dir(&meta.workspace_root);
    System.run("schemas", &cmd)?;
    eprintln!("xtask: wrote the JSON Schemas into {SCHEMAS_DIR}/ (commit them)");
    Ok(())
}

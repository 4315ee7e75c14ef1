//! Writes the JSON Schema of every public scim2-types type into the folder given as the first
//! argument, one `<Type>.json` file each:
//!
//! `cargo run -p scim2-types --features schemars --example json_schemas -- scim-types/schemas`

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: json_schemas <output folder>");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let all = scim2_types::json_schema::all();
    for (name, schema) in &all {
        let path = dir.join(format!("{name}.json"));
        if let Err(e) = std::fs::write(&path, scim2_types::json_schema::to_file_text(schema)) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {} schemas to {}", all.len(), dir.display());
    ExitCode::SUCCESS
}

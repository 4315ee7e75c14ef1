//! The checked-in JSON Schemas in `scim-types/schemas/` are current (feature `schemars`).
#![cfg(feature = "schemars")]
#![allow(clippy::unwrap_used)] // tests may unwrap (project guide)

use std::path::Path;

#[test]
fn checked_in_json_schemas_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let all = scim2_types::json_schema::all();
    let mut stale = Vec::new();
    for (name, schema) in &all {
        let path = dir.join(format!("{name}.json"));
        let expected = scim2_types::json_schema::to_file_text(schema);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(expected.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    let on_disk = std::fs::read_dir(&dir).map(Iterator::count).unwrap_or(0);
    assert!(
        stale.is_empty() && on_disk == all.len(),
        "stale or missing JSON Schemas ({on_disk} files for {} types): {stale:?}\n\
         regenerate with `cargo xtask schemas` (or `cargo run -p scim2-types --features schemars \
         --example json_schemas -- scim-types/schemas`)",
        all.len()
    );
}

/// The schemas describe the wire format: canonical names, `$ref`, extension keys.
#[test]
fn schemas_use_wire_names() {
    let all = scim2_types::json_schema::all();
    let get = |n: &str| {
        all.iter()
            .find(|(name, _)| *name == n)
            .unwrap()
            .1
            .as_value()
            .clone()
    };
    let user = get("User");
    let props = &user["properties"];
    for key in [
        "userName",
        "x509Certificates",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "meta",
    ] {
        assert!(props.get(key).is_some(), "User schema lacks {key}");
    }
    assert_eq!(user["required"], serde_json::json!(["userName"]));
    assert!(get("GroupMember")["properties"].get("$ref").is_some());
    assert!(get("PatchOp")["properties"].get("Operations").is_some());
    assert!(get("Email")["properties"].get("type").is_some());
}

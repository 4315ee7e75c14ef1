//! Every PATCH example of RFC 7644 §3.5.2 and every PATCH body Entra ID sends (reference
//! §2.6–2.15, both dialects), applied to a resource under both policy presets, gives the
//! documented result (`tests/fixtures/patch/*.json`).
//!
//! Each fixture holds the resource, the request, and for `entraCompatible` and `strict`
//! either the resulting resource or the error (`index`, `scimType`); `"strict": "same"` means
//! the strict result equals the Entra-compatible one. On error the resource must be unchanged.

#![allow(clippy::unwrap_used)] // test helpers

use std::path::Path;

use scim2_filter::patch;
use scim2_filter::policy::Policy;
use scim2_types::PatchOp;
use scim2_types::schema::ResourceSchemas;
use serde_json::Value;

fn fixtures() -> Vec<(String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patch");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Runs one fixture under one policy; returns a failure description.
fn check(name: &str, fx: &Value, policy: &Policy, expect: &Value) -> Option<String> {
    let schemas = match fx["resourceType"].as_str() {
        Some("Group") => ResourceSchemas::group(),
        _ => ResourceSchemas::user(),
    };
    let request: PatchOp = serde_json::from_value(fx["request"].clone()).unwrap();
    let mut resource = fx["resource"].clone();
    let outcome = patch::apply(&mut resource, &request, &schemas, policy);
    match (outcome, expect.get("result"), expect.get("error")) {
        (Ok(_), Some(want), None) if resource == *want => None,
        (Ok(_), Some(want), None) => Some(format!(
            "{name}: got\n{}\nwant\n{}",
            serde_json::to_string_pretty(&resource).unwrap(),
            serde_json::to_string_pretty(want).unwrap()
        )),
        (Err(e), None, Some(want)) => {
            let got = (e.index as u64, e.scim_type.as_str());
            let wanted = (
                want["index"].as_u64().unwrap(),
                want["scimType"].as_str().unwrap(),
            );
            if got != wanted {
                Some(format!("{name}: error {got:?} ({e}), want {wanted:?}"))
            } else if resource != fx["resource"] {
                Some(format!("{name}: resource changed on error"))
            } else {
                None
            }
        }
        (Ok(_), _, _) => Some(format!("{name}: succeeded, want {expect}")),
        (Err(e), _, _) => Some(format!("{name}: failed with {e}, want {expect}")),
    }
}

#[test]
fn every_fixture_gives_the_documented_result_under_both_presets() {
    let all = fixtures();
    assert!(all.len() >= 45, "{} fixtures", all.len());
    let mut failures = Vec::new();
    for (name, fx) in &all {
        let entra = &fx["entraCompatible"];
        let strict = if fx["strict"] == "same" {
            entra
        } else {
            &fx["strict"]
        };
        failures.extend(check(name, fx, &Policy::entra_compatible(), entra));
        failures.extend(check(
            &format!("{name} (strict)"),
            fx,
            &Policy::strict(),
            strict,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn fixtures_cover_every_rfc_example_and_both_entra_dialects() {
    let all = fixtures();
    let rfc = all
        .iter()
        .filter(|(n, _)| n.starts_with("rfc7644-3.5.2."))
        .count();
    // 11 examples in RFC 7644 §3.5.2.1–3 (two for add, five for remove, four for replace).
    assert!(rfc >= 11, "{rfc} RFC fixtures");
    let ops: Vec<String> = all
        .iter()
        .flat_map(|(_, fx)| {
            fx["request"]["Operations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["op"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    for op in ["Add", "Replace", "Remove", "add", "replace", "remove"] {
        assert!(ops.iter().any(|o| o == op), "no fixture sends {op:?}");
    }
    // Strict and EntraCompatible differ on every Entra-only form.
    let differing = all.iter().filter(|(_, fx)| fx["strict"] != "same").count();
    assert!(
        differing >= 20,
        "{differing} fixtures differ between presets"
    );
}

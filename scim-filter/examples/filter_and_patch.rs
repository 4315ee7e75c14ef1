//! Evaluating a filter on resources and applying a PATCH exactly as Microsoft Entra ID sends
//! it, with scim2-filter alone (no I/O): what a SCIM endpoint does for
//! `GET /Users?filter=…` and `PATCH /Users/{id}`.
//!
//! ```sh
//! cargo run -p scim2-filter --example filter_and_patch
//! ```

use scim2_filter::patch;
use scim2_filter::policy::Policy;
use scim2_filter::{Filter, PatchPath};
use scim2_types::PatchOp;
use scim2_types::schema::ResourceSchemas;
use serde_json::{Value, json};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut users = [
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "2819c223", "userName": "BJensen@contoso.example", "active": true,
            "externalId": "5c1c4f1e", "emails": [{"type": "work", "value": "bjensen@contoso.example"}]
        }),
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": "902c246b", "userName": "ann@contoso.example", "active": false
        }),
    ];

    // Entra's first request for a user: `userName eq "…"`; userName is caseExact=false
    // (RFC 7643 §4.1.1), so the match ignores case.
    let filter = Filter::parse(r#"userName eq "bjensen@contoso.example""#)?;
    let found: Vec<&Value> = users.iter().filter(|u| filter.matches(u)).collect();
    println!("{filter} -> {} match(es)", found.len());
    assert_eq!(found.len(), 1);

    // A richer filter with a value path.
    let filter = Filter::parse(
        r#"active eq true and emails[type eq "work" and value ew "@contoso.example"]"#,
    )?;
    println!(
        "{filter} -> {:?}",
        users
            .iter()
            .filter(|u| filter.matches(u))
            .map(|u| &u["id"])
            .collect::<Vec<_>>()
    );

    // Entra's PATCH in its default ("legacy") dialect: capitalised op names, booleans as
    // strings, a value-path target. RFC 7644 as written rejects it; the Entra policy reads it
    // the way Entra means it.
    let body: PatchOp = serde_json::from_value(json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "babs@contoso.example"},
            {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Finance"}
        ]
    }))?;
    let user = &mut users[0];
    let strict = patch::apply(
        &mut user.clone(),
        &body,
        &ResourceSchemas::user(),
        &Policy::strict(),
    );
    println!(
        "strict RFC 7644: {}",
        strict.map_or_else(|e| e.to_string(), |_| "applied".into())
    );
    let report = patch::apply(
        user,
        &body,
        &ResourceSchemas::user(),
        &Policy::entra_compatible(),
    )?;
    println!(
        "Entra-compatible: changed {:?}",
        report.changed_attributes().into_iter().collect::<Vec<_>>()
    );
    assert_eq!(user["active"], json!(false));

    // The path of an operation can be parsed and inspected on its own.
    let path: PatchPath = r#"emails[type eq "work"].value"#.parse()?;
    println!("{path}: attribute {}", path.attr().name);
    println!("{}", serde_json::to_string_pretty(user)?);
    Ok(())
}

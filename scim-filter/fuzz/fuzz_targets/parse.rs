//! Fuzzes the filter and PATCH-path parsers: parsing never panics, and every parsed value
//! prints to text that parses back to the same value. Evaluation of parsed filters on a
//! fixed resource must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim2_filter::parse::Limits;
use scim2_filter::{AttrPath, Filter, PatchPath};

/// Re-parsing printed text may need a little more room than the input had (the printer adds
/// the parentheses that Entra's `emails[…].value eq "x"` form implies, and normalises numbers).
fn roomy() -> Limits {
    Limits {
        max_depth: Limits::MAX_DEPTH_CAP,
        max_len: usize::MAX,
        max_terms: Limits::MAX_TERMS_CAP,
    }
}

fn resource() -> serde_json::Value {
    serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "userName": "bjensen@example.com",
        "active": true,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"type": "work", "value": "bjensen@example.com", "primary": true},
                   {"type": "home", "value": "babs@jensen.org"}],
        "meta": {"lastModified": "2011-05-13T04:42:34Z"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984", "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(f) = Filter::parse(text) {
        let printed = f.to_string();
        let again = Filter::parse_with(&printed, &roomy())
            .unwrap_or_else(|e| panic!("printed filter {printed:?} does not parse: {e}"));
        assert_eq!(again, f, "round trip of {printed:?}");
        let _ = f.matches(&resource());
    }
    if let Ok(p) = PatchPath::parse(text) {
        let printed = p.to_string();
        let again = PatchPath::parse_with(&printed, &roomy())
            .unwrap_or_else(|e| panic!("printed path {printed:?} does not parse: {e}"));
        assert_eq!(again, p, "round trip of {printed:?}");
    }
    if let Ok(a) = AttrPath::parse(text) {
        let printed = a.to_string();
        assert_eq!(
            AttrPath::parse(&printed).ok(),
            Some(a),
            "round trip of {printed:?}"
        );
    }
});

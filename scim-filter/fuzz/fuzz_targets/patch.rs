//! Fuzzes PATCH application (RFC 7644 §3.5.2): arbitrary bytes become a resource and a PATCH
//! request; `patch::apply` must never panic, must leave the resource unchanged on error, and
//! must leave it unchanged when it reports no change.
//!
//! Input layout: one flag byte (bit 0: Group schemas instead of User; bit 1: strict policy),
//! then the resource JSON, a NUL byte, and the PatchOp JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scim2_filter::patch;
use scim2_filter::policy::Policy;
use scim2_types::PatchOp;
use scim2_types::schema::ResourceSchemas;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(2, |&b| b == 0);
    let (Some(resource), Some(request)) = (parts.next(), parts.next()) else {
        return;
    };
    let Ok(resource) = serde_json::from_slice::<Value>(resource) else {
        return;
    };
    let Ok(request) = serde_json::from_slice::<PatchOp>(request) else {
        return;
    };
    let schemas = if flags & 1 == 0 {
        ResourceSchemas::user()
    } else {
        ResourceSchemas::group()
    };
    let policy = if flags & 2 == 0 {
        Policy::entra_compatible()
    } else {
        Policy::strict()
    };
    let mut patched = resource.clone();
    match patch::apply(&mut patched, &request, &schemas, &policy) {
        Err(_) => assert_eq!(patched, resource, "resource changed on error"),
        Ok(report) => {
            assert!(patched.is_object());
            if !report.is_changed() {
                assert_eq!(patched, resource, "unreported change");
            }
        }
    }
});

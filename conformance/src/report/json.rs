//! The JSON report, schema version [`SCHEMA_VERSION`].
//!
//! ```text
//! {
//!   "schema_version": "2",               // bumped on any incompatible change
//!   "tool": {"name": "scim-conformance", "version": "0.1.0"},
//!   "profile": "entra", "dialects": ["legacy", "flagged"],
//!   "seed": 42,                           // --seed to reproduce generated values
//!   "run_id": "k3x9…",                    // names created start with "scimconf-<run_id>-"
//!   "endpoint": "https://…/scim/v2",
//!   "started_at": "2026-12-01T19:30:00Z", // RFC 3339
//!   "duration_ms": 1234,
//!   "read_only": false,
//!   "requests": 412,                      // requests the checks sent (not discovery or cleanup)
//!   "token": {"jwt": true, "expires_at": "…", "warning": "…"} | null,
//!   "aborted": "401 from …: the token was refused; it may be wrong, or it may have expired…" | null,
//!   "summary": {"total", "passed", "failed", "skipped", "errors", "must_failed", "must_not_run"},
//!   "verdict": "ready" | "not-ready" | "incomplete" | "stopped",   // the exit code's meaning
//!   "checks": [{
//!     "id": "entra.user.create", "title": "…", "area": "users",
//!     "requirement": "MUST" | "SHOULD" | "MAY",
//!     "source": "docs/entra.md#user-create; Microsoft https://learn.microsoft.com/…; RFC 7644 §3.3 (MUST)",
//!     "evidence": {"docs": "user-create" | null, "entra_sends": true,
//!                  "sources": [{"kind": "microsoft" | "observed", "url"} | {"kind": "rfc", "rfc", "section", "keyword"}]},
//!     "faults": ["wrong-content-type"],  // reference-endpoint faults the check targets
//!     "outcome": "pass" | "fail" | "skip" | "error",
//!     "detail": "…" | null, "notes": ["…"], "duration_ms": 12,
//!     "transcript": [{"method", "url", "request_headers": [[name, value]…] (Authorization "***"),
//!                     "request_body", "status", "response_headers", "response_body", "error",
//!                     "latency_ms"}],
//!     "counterexample": null | {          // a failed stateful.* check
//!       "seed", "case", "original_len",
//!       "ops": […],                       // the minimal sequence; `replay` re-runs {seed, ops}
//!       "steps": [{"number", "op", "summary", "exchanges": [… as transcript]}],
//!       "divergence": {"step": 3 | null, "what", "expected", "actual"},
//!       "shrink_attempts", "shrink_time_ms", "script"   // script: curl commands, $SCIM_TOKEN
//!     }
//!   }],
//!   "cleanup": {"attempted", "deleted", "leftovers": [{"kind", "id", "name", "reason"}],
//!               "kept": [{"kind", "id", "name"}], "retry_command": "…" | null,
//!               "found_by_prefix": 3,     // when > 0: not in the journal, found by name prefix
//!               "sweep": ["/Users: userName sw filter", …]}  // how the final listing read each collection
//! }
//! ```

use serde_json::{Value, json};

use super::Report;
use crate::transcript::Exchange;

/// The JSON report's schema version.
pub const SCHEMA_VERSION: &str = "2";

/// The report as a JSON value.
#[must_use]
pub fn to_value(report: &Report) -> Value {
    let checks: Vec<Value> = report
        .outcome
        .results
        .iter()
        .map(|r| {
            json!({
                "id": r.meta.id,
                "title": r.meta.title,
                "area": r.meta.area,
                "requirement": r.meta.requirement,
                "source": r.meta.source(),
                "evidence": r.meta.evidence,
                "faults": r.meta.fault_names(),
                "outcome": r.outcome.status(),
                "detail": r.outcome.detail(),
                "notes": r.notes,
                "duration_ms": u64::try_from(r.duration.as_millis()).unwrap_or(u64::MAX),
                "transcript": r.transcript.iter().map(Exchange::to_json).collect::<Vec<_>>(),
                "counterexample": r.counterexample.as_ref().map(|c| &c.report),
            })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "scim-conformance", "version": report.tool_version},
        "profile": report.profile,
        "dialects": report.dialects,
        "seed": report.seed,
        "run_id": report.run_id,
        "endpoint": report.endpoint,
        "started_at": report.started_at,
        "duration_ms": u64::try_from(report.duration().as_millis()).unwrap_or(u64::MAX),
        "read_only": report.read_only,
        "requests": report.outcome.requests,
        "token": report.token,
        "aborted": report.outcome.abort.as_ref().map(ToString::to_string),
        "summary": report.summary(),
        "verdict": verdict_word(report),
        "checks": checks,
        "cleanup": report.cleanup(),
    })
}

fn verdict_word(report: &Report) -> &'static str {
    use crate::exit::ExitCode;
    match report.exit_code() {
        ExitCode::Ok => "ready",
        ExitCode::Incomplete => "incomplete",
        ExitCode::Unreachable | ExitCode::Interrupted | ExitCode::Usage => "stopped",
        ExitCode::MustFailed => "not-ready",
    }
}

/// The report as pretty-printed JSON.
#[must_use]
pub fn render(report: &Report) -> String {
    serde_json::to_string_pretty(&to_value(report)).unwrap_or_default() + "\n"
}

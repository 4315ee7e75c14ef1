//! Snapshot tests (insta) of the JSON and JUnit reports of a run with faults, volatile fields
//! (times, run id, port, Date header) redacted.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::sync::Arc;
use std::time::Duration;

use scim2_conformance::__internal as runner;
use scim2_conformance::__internal::Session;
use scim2_conformance::reference::{Fault, ReferenceConfig, ReferenceServer};
use scim2_conformance::{
    Format, HttpTransport, Journal, Mapping, Profile, Quiet, Report, RunOptions, Transport,
    new_run_id, render,
};
use serde_json::{Value, json};

async fn faulty_run() -> (Report, String) {
    let server = ReferenceServer::start(
        ReferenceConfig::default().with_faults([Fault::ErrorBodyNotScim, Fault::MalformedJson500]),
    )
    .await
    .unwrap();
    let base = server.base_url();
    let run_id = new_run_id();
    let t: Arc<dyn Transport> =
        Arc::new(HttpTransport::new(&base, None, Duration::from_secs(5), None).unwrap());
    // A fixed capability document, so that the PATCH check is skipped for a stable reason.
    let spc = json!({"patch": {"supported": false}});
    let session = Arc::new(Session::new(
        t,
        Arc::new(Journal::in_memory(&run_id)),
        Arc::new(Mapping::entra_default()),
        42,
        Some(spc),
        String::new(),
    ));
    let opts = RunOptions {
        only: vec![
            "entra.error.not-found".into(),
            "entra.error.malformed-json".into(),
            "entra.user.patch.nickname.legacy".into(),
        ],
        concurrency: 1,
        ..RunOptions::default()
    };
    let checks = runner::select(Profile::Entra.checks(), &opts);
    let outcome = runner::run(session, &checks, &opts, &Quiet).await;
    server.shutdown().await;
    let report = Report {
        tool_version: "0.0.0-test".into(),
        profile: "entra".into(),
        dialects: vec!["legacy".into(), "flagged".into()],
        seed: 42,
        run_id: run_id.clone(),
        endpoint: base.clone(),
        started_at: "2026-01-01T00:00:00Z".into(),
        read_only: false,
        token: None,
        outcome,
    };
    (report, format!("{base}|{run_id}"))
}

fn scrub(text: &str, volatile: &str) -> String {
    let (base, run_id) = volatile.split_once('|').unwrap();
    text.replace(base, "http://[endpoint]")
        .replace(run_id, "[run]")
}

/// Replaces the value of every `time="…"` attribute.
fn scrub_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("time=\"") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let end = rest.find('"').unwrap();
        out.push('T');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn json_report_snapshot() {
    let (report, volatile) = faulty_run().await;
    let text = scrub(&render(&report, Format::Json), &volatile);
    let mut v: Value = serde_json::from_str(&text).unwrap();
    for c in v["checks"].as_array_mut().unwrap() {
        for e in c["transcript"].as_array_mut().unwrap() {
            e["response_headers"]
                .as_array_mut()
                .unwrap()
                .retain(|h| h[0] != "date");
        }
    }
    insta::assert_json_snapshot!("json_report", v, {
        ".duration_ms" => "[ms]",
        ".checks[].duration_ms" => "[ms]",
        ".checks[].transcript[].latency_ms" => "[ms]",
    });
}

#[tokio::test]
async fn junit_report_snapshot() {
    let (report, volatile) = faulty_run().await;
    let xml = scrub_times(&scrub(&render(&report, Format::Junit), &volatile));
    let xml: String = xml
        .lines()
        .filter(|l| !l.trim_start().starts_with("< date:"))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("junit_report", xml);
}

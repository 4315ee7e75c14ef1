//! The stateful run through the command line: `--only stateful`, `--cases`, `--seed`, the JSON
//! report's counterexample, and `replay FILE`.

#![allow(clippy::unwrap_used)] // tests may unwrap

use scim2_conformance::{ExitCode, main_with};

async fn run(args: &[&str]) -> ExitCode {
    let mut v = vec!["scim-conformance".to_owned()];
    v.extend(args.iter().map(|s| (*s).to_owned()));
    main_with(v).await
}

fn checks(path: &std::path::Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["checks"].as_array().unwrap().clone()
}

#[tokio::test]
async fn stateful_only_finds_a_sequence_fault_and_replays_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let out_s = out.to_str().unwrap();
    let code = run(&[
        "run",
        "--builtin",
        "--fault",
        "deleted-username-reserved",
        "--only",
        "stateful",
        "--cases",
        "64",
        "--seed",
        "4",
        "--format",
        "json",
        "--output",
        out_s,
    ])
    .await;
    assert_eq!(code, ExitCode::MustFailed);
    let cs = checks(&out);
    let ids: Vec<&str> = cs.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["stateful.users", "stateful.groups", "stateful.filters"]
    );
    let users = &cs[0];
    let notes: Vec<&str> = users["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    let script = notes
        .iter()
        .find(|n| n.starts_with("replay script:"))
        .unwrap();
    assert!(script.contains("${SCIM_TOKEN}") && script.contains("curl"));
    let saved = notes
        .iter()
        .find(|n| n.starts_with("saved sequence:"))
        .unwrap();
    let file = dir.path().join("seq.json");
    std::fs::write(&file, saved).unwrap();
    let f = file.to_str().unwrap();
    // The saved sequence still fails against the faulty endpoint, and passes without the fault.
    assert_eq!(
        run(&[
            "replay",
            f,
            "--builtin",
            "--fault",
            "deleted-username-reserved",
            "--format",
            "json",
            "--output",
            out_s
        ])
        .await,
        ExitCode::MustFailed
    );
    let ids: Vec<String> = checks(&out)
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !ids.is_empty() && ids.iter().all(|i| i.starts_with("stateful.")),
        "replay runs the stateful checks its sequence exercises only: {ids:?}"
    );
    assert_eq!(
        run(&[
            "replay",
            f,
            "--builtin",
            "--format",
            "json",
            "--output",
            out_s
        ])
        .await,
        ExitCode::Ok
    );
    // Not a saved sequence: usage error.
    std::fs::write(&file, "{}").unwrap();
    assert_eq!(run(&["replay", f, "--builtin"]).await, ExitCode::Usage);
}

#[tokio::test]
async fn the_json_report_carries_the_counterexample_and_save_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let saved = dir.path().join("saved.json");
    let (out_s, saved_s) = (out.to_str().unwrap(), saved.to_str().unwrap());
    let args = |fault: Option<&'static str>| {
        // The rfc7644 profile: it queries users by the values PATCH set (Entra does not).
        let mut a = vec![
            "run",
            "--builtin",
            "--profile",
            "rfc7644",
            "--only",
            "stateful",
            "--seed",
            "11",
        ];
        if let Some(f) = fault {
            a.extend(["--fault", f]);
        }
        a.extend(["--format", "json", "--output", out_s, "--save", saved_s]);
        a
    };
    // No failure: nothing is saved, and no check carries a counterexample.
    assert_eq!(run(&args(None)).await, ExitCode::Ok);
    assert!(!saved.exists());
    assert!(checks(&out).iter().all(|c| c["counterexample"].is_null()));

    let fault = "filter-misses-patched-value";
    assert_eq!(run(&args(Some(fault))).await, ExitCode::MustFailed);
    let cs = checks(&out);
    let failed: Vec<&serde_json::Value> = cs
        .iter()
        .filter(|c| !c["counterexample"].is_null())
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["id"], "stateful.filters");
    assert_eq!(failed[0]["outcome"], "fail");
    let c = &failed[0]["counterexample"];
    assert_eq!(c["seed"], 11);
    let ops = c["ops"].as_array().unwrap();
    let steps = c["steps"].as_array().unwrap();
    assert!(!ops.is_empty() && ops.len() <= 3, "{c}");
    assert_eq!(steps.len(), ops.len());
    assert!(
        steps
            .iter()
            .all(|s| !s["exchanges"].as_array().unwrap().is_empty())
    );
    assert!(
        c["divergence"]["what"]
            .as_str()
            .unwrap()
            .contains("filter=")
    );
    assert!(c["script"].as_str().unwrap().contains("${SCIM_TOKEN}"));
    assert!(c["shrink_attempts"].as_u64().unwrap() > 0);
    // --save wrote the same minimal sequence, and it replays to the same failure.
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(file["seed"], 11);
    assert_eq!(&file["ops"], &c["ops"]);
    assert_eq!(
        run(&[
            "replay",
            saved_s,
            "--builtin",
            "--profile",
            "rfc7644",
            "--fault",
            fault,
            "--format",
            "json",
            "--output",
            out_s
        ])
        .await,
        ExitCode::MustFailed
    );
    assert_eq!(
        run(&[
            "replay",
            saved_s,
            "--builtin",
            "--format",
            "json",
            "--output",
            out_s
        ])
        .await,
        ExitCode::Ok
    );
}

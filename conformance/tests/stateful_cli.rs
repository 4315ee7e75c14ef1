//! The stateful run through the command line: `--only stateful`, `--cases`, `--seed`, the JSON
//! report's counterexample, and `replay FILE`.

#![allow(clippy::unwrap_used)] // tests may unwrap (GUIDE.md)

use scim2_conformance::cli::main_with;
use scim2_conformance::exit::ExitCode;

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
    assert_eq!(
        checks(&out).len(),
        3,
        "replay runs the stateful checks only"
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

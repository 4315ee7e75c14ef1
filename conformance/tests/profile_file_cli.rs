//! `run --profile FILE` and `checks --profile FILE`: the file selects the checks, sets their
//! levels, mapping and dialect; the command line overrides it; bad files exit 2.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::Path;
use std::process::Command;

use scim2_conformance::{ExitCode, main_with};
use serde_json::Value;

async fn run(args: &[&str]) -> ExitCode {
    main_with(
        std::iter::once("scim-conformance")
            .chain(args.iter().copied())
            .map(str::to_owned),
    )
    .await
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Runs the built-in endpoint with `profile` and `extra` arguments; the exit code and the JSON
/// report.
async fn run_builtin(dir: &Path, profile: &str, extra: &[&str]) -> (ExitCode, Value) {
    let out = dir.join("report.json");
    let _ = std::fs::remove_file(&out);
    let mut args = vec![
        "run",
        "--builtin",
        "--profile",
        profile,
        "--seed",
        "5",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let code = run(&args).await;
    let report = std::fs::read_to_string(&out)
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(Value::Null);
    (code, report)
}

fn check_ids(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

const TARGET: &str = "entra.group.members.remove.legacy";
const FAULT: &str = "legacy-member-remove-wipes-group";

#[tokio::test]
async fn a_requirement_lowered_to_may_no_longer_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let strict = write(
        dir.path(),
        "strict.toml",
        &format!(
            "name = \"strict\"\nbase = \"entra\"\ninclude = [\"entra.connection\", \"{TARGET}\"]\n"
        ),
    );
    let lenient = write(
        dir.path(),
        "lenient.toml",
        &format!(
            "name = \"lenient\"\nbase = \"entra\"\ninclude = [\"entra.connection\", \"{TARGET}\"]\n\
             [requirements]\n\"{TARGET}\" = \"MAY\"\n"
        ),
    );
    let expected = vec![
        "entra.connection.users".to_owned(),
        "entra.connection.externalid".to_owned(),
        "entra.connection.groups".to_owned(),
        TARGET.to_owned(),
    ];

    // Control: with the check's own MUST level the fault fails the run.
    let (code, report) = run_builtin(dir.path(), &strict, &["--fault", FAULT]).await;
    assert_eq!(code, ExitCode::MustFailed);
    assert_eq!(report["profile"], "strict");
    assert_eq!(check_ids(&report), expected);
    assert_eq!(check(&report, TARGET)["requirement"], "MUST");
    assert_eq!(check(&report, TARGET)["outcome"], "fail");

    // Lowered to MAY: the same misbehaviour is recorded as an observation, the run passes.
    let (code, report) = run_builtin(dir.path(), &lenient, &["--fault", FAULT]).await;
    assert_eq!(code, ExitCode::Ok);
    assert_eq!(report["profile"], "lenient");
    assert_eq!(check_ids(&report), expected);
    let c = check(&report, TARGET);
    assert_eq!(c["requirement"], "MAY");
    assert_eq!(c["outcome"], "pass");
    assert!(
        c["notes"].to_string().contains("observed:"),
        "the finding is kept as a note: {c}"
    );
    assert_eq!(report["summary"]["must_failed"], 0);
}

#[tokio::test]
async fn the_file_sets_dialect_and_mapping_and_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.toml",
        "version = 1\n\
         [[attribute]]\ntarget = \"userName\"\ngenerator = \"user-principal-name\"\nmatching = 1\n\
         [[attribute]]\ntarget = \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization\"\ngenerator = \"literal\"\nvalue = \"Profiled Ltd\"\n",
    );
    // The mapping path is relative to the profile file, not to the working directory.
    let profile = write(
        dir.path(),
        "p.toml",
        "name = \"acme\"\nbase = \"entra\"\ninclude = [\"entra.user\"]\n\
         exclude = [\"entra.user.delete\"]\nmapping = \"m.toml\"\ndialect = \"flagged\"\n",
    );

    let (code, report) = run_builtin(dir.path(), &profile, &[]).await;
    // The two-row mapping sends no externalId: the MUST checks that need one cannot run, so
    // the verdict is incomplete (exit 4), not ready.
    assert_eq!(code, ExitCode::Incomplete);
    assert_eq!(report["summary"]["must_failed"], 0);
    assert_eq!(report["dialects"], serde_json::json!(["flagged"]));
    let ids = check_ids(&report);
    assert!(ids.iter().all(|i| i.starts_with("entra.user.")), "{ids:?}");
    assert!(!ids.iter().any(|i| i.ends_with(".legacy")), "{ids:?}");
    assert!(ids.iter().any(|i| i.ends_with(".flagged")), "{ids:?}");
    assert!(!ids.contains(&"entra.user.delete".to_owned()));
    let create = check(&report, "entra.user.mapping");
    assert!(create["transcript"].to_string().contains("Profiled Ltd"));

    // --dialect replaces the file's; --skip removes more; --only narrows; --mapping replaces.
    let default_mapping =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/entra-user-mapping.toml");
    let (code, report) = run_builtin(
        dir.path(),
        &profile,
        &[
            "--dialect",
            "legacy",
            "--skip",
            "entra.user.rename",
            "--only",
            "entra.user.patch",
            "--only",
            "entra.user.mapping",
            "--mapping",
            default_mapping.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code, ExitCode::Ok);
    assert_eq!(report["dialects"], serde_json::json!(["legacy"]));
    let ids = check_ids(&report);
    assert!(ids.contains(&"entra.user.mapping".to_owned()), "{ids:?}");
    assert!(
        ids.iter().all(|i| i == "entra.user.mapping"
            || (i.starts_with("entra.user.patch.") && i.ends_with(".legacy"))),
        "{ids:?}"
    );
    let create = check(&report, "entra.user.mapping");
    assert!(!create["transcript"].to_string().contains("Profiled Ltd"));
}

#[tokio::test]
async fn bad_profile_files_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "unknown-key.toml",
            "name = \"x\"\nbase = \"entra\"\nfoo = 1\n",
        ),
        ("unknown-base.toml", "name = \"x\"\nbase = \"scim\"\n"),
        (
            "unknown-id.toml",
            "name = \"x\"\nbase = \"entra\"\n[requirements]\n\"entra.user.nope\" = \"MAY\"\n",
        ),
        (
            "no-match.toml",
            "name = \"x\"\nbase = \"entra\"\ninclude = [\"rfc7644.filter\"]\n",
        ),
        (
            "bad-mapping.toml",
            "name = \"x\"\nbase = \"entra\"\nmapping = \"absent-mapping.toml\"\n",
        ),
    ];
    for (name, text) in cases {
        let p = write(dir.path(), name, text);
        let (code, report) = run_builtin(dir.path(), &p, &[]).await;
        assert_eq!(code, ExitCode::Usage, "{name}");
        assert_eq!(report, Value::Null, "{name}: no run, no report");
    }
    let (code, _) = run_builtin(dir.path(), "no-such-profile", &[]).await;
    assert_eq!(code, ExitCode::Usage);
    let p = write(
        dir.path(),
        "unknown-key2.toml",
        "name = \"x\"\nbase = \"entra\"\nfoo = 1\n",
    );
    assert_eq!(run(&["checks", "--profile", &p]).await, ExitCode::Usage);
    assert_eq!(
        run(&["checks", "--profile", "entra", "--format", "text"]).await,
        ExitCode::Ok
    );
}

fn bin(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scim-conformance"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn checks_lists_the_files_selection_with_its_levels() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.toml",
        "name = \"groups-only\"\nbase = \"entra\"\ninclude = [\"entra.group.members\"]\n\
         exclude = [\"*.flagged\"]\n[requirements]\n\"entra.group.members.add-repeat\" = \"MUST\"\n\
         \"entra.group.members.remove.legacy\" = \"SHOULD\"\n",
    );
    let out = bin(&["checks", "--profile", &p, "--format", "markdown"]);
    assert!(out.status.success());
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.starts_with("# `groups-only` profile: 3 checks"), "{md}");
    assert!(
        md.contains("| `entra.group.members.add.legacy` | MUST |"),
        "{md}"
    );
    assert!(
        md.contains("| `entra.group.members.add-repeat` | MUST |"),
        "{md}"
    );
    assert!(
        md.contains("| `entra.group.members.remove.legacy` | SHOULD |"),
        "{md}"
    );
    assert!(!md.contains(".flagged"), "{md}");
    assert!(!md.contains("entra.group.create"), "{md}");

    let bad = write(
        dir.path(),
        "bad.toml",
        "name = \"x\"\nbase = \"entra\"\n[requirements]\n\"entra.group.members.add-repeat\" = \"OPTIONAL\"\n",
    );
    let out = bin(&["checks", "--profile", &bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&bad), "{err}");
    assert!(err.contains("line 4, column 36"), "{err}");
    assert!(err.contains("OPTIONAL"), "{err}");
}

#[test]
fn help_documents_the_profile_file() {
    let out = bin(&["run", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("entra|rfc7644|FILE"), "{help}");
    assert!(help.contains("[requirements]"), "{help}");
    assert!(help.contains("base = "), "{help}");
}

#[tokio::test]
async fn built_in_names_still_select_the_built_in_profiles() {
    let dir = tempfile::tempdir().unwrap();
    let (code, report) = run_builtin(
        dir.path(),
        "rfc7644",
        &["--only", "rfc7644.discovery", "--only", "entra.user.rename"],
    )
    .await;
    assert_eq!(code, ExitCode::Ok);
    assert_eq!(report["profile"], "rfc7644");
    assert_eq!(report["dialects"], serde_json::json!(["legacy", "flagged"]));
    let ids = check_ids(&report);
    assert!(
        ids.iter().any(|i| i.starts_with("rfc7644.discovery.")),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"entra.user.rename.flagged".to_owned()),
        "{ids:?}"
    );
    // A file that happens to be called like a built-in profile is reached with a path.
    let p = write(
        dir.path(),
        "entra",
        "name = \"file-entra\"\nbase = \"entra\"\ninclude = [\"entra.connection\"]\n",
    );
    let (code, report) = run_builtin(dir.path(), &p, &[]).await;
    assert_eq!(code, ExitCode::Ok);
    assert_eq!(report["profile"], "file-entra");
    assert_eq!(check_ids(&report).len(), 3);
}

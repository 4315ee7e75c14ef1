//! The CLI's exit codes and argument rules.

#![allow(clippy::unwrap_used)] // tests may unwrap (GUIDE.md)

use scim2_conformance::cli::main_with;
use scim2_conformance::exit::ExitCode;

async fn run(args: &[&str]) -> ExitCode {
    main_with(
        std::iter::once("scim-conformance")
            .chain(args.iter().copied())
            .map(str::to_owned),
    )
    .await
}

#[tokio::test]
async fn usage_errors_exit_2() {
    assert_eq!(run(&["run"]).await, ExitCode::Usage);
    assert_eq!(
        run(&["run", "--builtin", "--fault", "no-such-fault"]).await,
        ExitCode::Usage
    );
    assert_eq!(
        run(&["run", "--url", "http://scim.example.com/v2", "--no-auth"]).await,
        ExitCode::Usage
    );
    assert_eq!(
        run(&[
            "run",
            "--url",
            "https://x.example/?aadOptscim062020",
            "--no-auth"
        ])
        .await,
        ExitCode::Usage
    );
    assert_eq!(
        run(&[
            "run",
            "--url",
            "https://x.example/scim",
            "--token-env",
            "SCIM_CONFORMANCE_TEST_UNSET_VAR"
        ])
        .await,
        ExitCode::Usage
    );
    assert_eq!(
        run(&["run", "--builtin", "--mapping", "/nonexistent/mapping.toml"]).await,
        ExitCode::Usage
    );
    assert_eq!(
        run(&[
            "cleanup",
            "--url",
            "https://x.example",
            "--run",
            "../../etc",
            "--no-auth"
        ])
        .await,
        ExitCode::Usage
    );
}

#[tokio::test]
async fn unreachable_endpoint_exits_3() {
    // A port nobody listens on (bound, then released).
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/scim/v2");
    let code = run(&[
        "run",
        "--url",
        &url,
        "--no-auth",
        "--format",
        "json",
        "--output",
        dir.path().join("r.json").to_str().unwrap(),
        "--journal-dir",
        dir.path().to_str().unwrap(),
        "--timeout",
        "2",
    ])
    .await;
    assert_eq!(code, ExitCode::Unreachable);
}

#[tokio::test]
async fn builtin_run_exits_0_and_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for (fmt, needle) in [
        ("json", "\"schema_version\": \"2\""),
        ("junit", "<testsuites"),
        ("markdown", "# SCIM conformance"),
        ("human", "checks:"),
    ] {
        let out = dir.path().join(format!("r.{fmt}"));
        let code = run(&[
            "run",
            "--builtin",
            "--seed",
            "3",
            "--format",
            fmt,
            "--output",
            out.to_str().unwrap(),
        ])
        .await;
        assert_eq!(code, ExitCode::Ok, "{fmt}");
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains(needle), "{fmt}: {text}");
    }
}

#[tokio::test]
async fn a_fault_makes_the_run_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    // Entra never sends malformed JSON: under `entra` the check is a SHOULD, so its failure
    // does not fail the run; under `rfc7644` (RFC 7644 §3.12) it is a MUST.
    let entra = run(&[
        "run",
        "--builtin",
        "--fault",
        "malformed-json-500",
        "--only",
        "entra.error",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ])
    .await;
    assert_eq!(entra, ExitCode::Ok);
    let code = run(&[
        "run",
        "--builtin",
        "--profile",
        "rfc7644",
        "--fault",
        "malformed-json-500",
        "--only",
        "entra.error",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ])
    .await;
    assert_eq!(code, ExitCode::MustFailed);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let failed: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "fail")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["entra.error.malformed-json"]);
}

/// A pattern that matches no check is a typo, not an empty (and green) run.
#[tokio::test]
async fn a_pattern_that_matches_no_check_is_a_usage_error() {
    for args in [
        ["run", "--builtin", "--only", "entra.usr.create"],
        ["run", "--builtin", "--skip", "entra.nothing"],
    ] {
        assert_eq!(run(&args).await, ExitCode::Usage, "{args:?}");
    }
    // Stateful ids are patterns too.
    assert_ne!(
        run(&[
            "run",
            "--builtin",
            "--only",
            "stateful.users",
            "--cases",
            "1"
        ])
        .await,
        ExitCode::Usage
    );
}

#[tokio::test]
async fn token_from_the_command_line_is_impossible() {
    assert_eq!(
        run(&["run", "--builtin", "--token", "abc"]).await,
        ExitCode::Usage
    );
}

#[test]
fn checks_listing_names_ids_sources_and_faults() {
    let md = scim2_conformance::cli::list_checks(
        scim2_conformance::profile::Profile::Entra,
        scim2_conformance::cli::ListFormat::Markdown,
    );
    assert!(md.contains("| `entra.group.members.remove.legacy` | MUST |"));
    assert!(md.contains("`legacy-member-remove-wipes-group`"));
    let text = scim2_conformance::cli::list_checks(
        scim2_conformance::profile::Profile::Entra,
        scim2_conformance::cli::ListFormat::Text,
    );
    assert!(text.contains("source: "));
}

#[tokio::test]
async fn custom_mapping_and_dialect_selection() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = dir.path().join("m.toml");
    std::fs::write(
        &mapping,
        "version = 1\n\
         [[attribute]]\ntarget = \"userName\"\ngenerator = \"user-principal-name\"\nmatching = 1\n\
         [[attribute]]\ntarget = \"active\"\ngenerator = \"soft-deleted-switch\"\n\
         [[attribute]]\ntarget = \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization\"\ngenerator = \"literal\"\nvalue = \"Contoso Ltd\"\n",
    )
    .unwrap();
    let out = dir.path().join("r.json");
    let code = run(&[
        "run",
        "--builtin",
        "--mapping",
        mapping.to_str().unwrap(),
        "--dialect",
        "legacy",
        "--only",
        "entra.user",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
    ])
    .await;
    // The mapping sends no externalId and no phone numbers, so `entra.user.find.externalid` and
    // `entra.user.patch.typed-replace.legacy` (MUST) cannot run: the run passes nothing it did
    // not check, and says so with exit code 4.
    assert_eq!(code, ExitCode::Incomplete);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let skipped_must: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "skip" && c["requirement"] == "MUST")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        skipped_must,
        [
            "entra.user.find.externalid",
            "entra.user.patch.typed-replace.legacy"
        ]
    );
    assert_eq!(v["verdict"], "incomplete");
    let ids: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"entra.user.mapping") && ids.contains(&"entra.user.patch.nickname.legacy")
    );
    assert!(!ids.iter().any(|i| i.ends_with(".flagged")), "{ids:?}");
    assert!(ids.iter().all(|i| i.starts_with("entra.user.")));
    // The mapping's literal reached the endpoint: the create transcript carries it.
    let create = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "entra.user.mapping")
        .unwrap();
    assert!(create["transcript"].to_string().contains("Contoso Ltd"));
    // The token never appears; the Authorization header is redacted.
    assert!(create["transcript"].to_string().contains("\"***\""));
}

/// Ctrl-C at several moments of a run (creates in flight included): the run winds down,
/// cleans up, exits 130, and the endpoint holds nothing the run created.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_leaves_nothing_behind() {
    use scim2_conformance::reference::{ReferenceConfig, ReferenceServer};
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Interrupt once the run has started writing, then a little later.
    for delay_ms in [0u64, 50, 300] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scim-conformance"))
            .args([
                "run",
                "--url",
                &server.base_url(),
                "--no-auth",
                "--seed",
                "3",
            ])
            .arg("--journal-dir")
            .arg(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        for _ in 0..1000 {
            if server.reference().counts() != (0, 0) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        let written = server.reference().counts();
        assert!(
            written.0 + written.1 > 0,
            "{delay_ms} ms after its first write the run holds nothing"
        );
        let kill = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let out = tokio::task::spawn_blocking(move || {
            let status = child.wait().unwrap();
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            (status, err)
        })
        .await
        .unwrap();
        let (status, stderr) = out;
        assert_eq!(
            status.code(),
            Some(130),
            "{delay_ms} ms after the first write ({written:?} on the endpoint): {stderr}"
        );
        assert!(stderr.contains("cleanup:"), "{stderr}");
        assert_eq!(
            server.reference().counts(),
            (0, 0),
            "{delay_ms} ms after the first write: left behind; {stderr}"
        );
    }
    server.shutdown().await;
}

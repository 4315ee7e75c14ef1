//! The CLI's exit codes and argument rules.

#![allow(clippy::unwrap_used)] // tests may unwrap

use scim2_conformance::{ExitCode, main_with};

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
    // The message says where a token comes from, and does not take `abc` for a variable.
    for (args, flag) in [
        (
            &["run", "--url", "https://x.example/scim", "--token", "abc"][..],
            "--token-env NAME",
        ),
        (&["run", "--token=abc"][..], "--token-file PATH"),
        (
            &[
                "compare",
                "--from",
                "https://a.example",
                "--from-token",
                "abc",
            ][..],
            "--from-token-env NAME",
        ),
    ] {
        let out = binary(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("never from an argument"), "{err}");
        assert!(err.contains(flag), "{err}");
        assert!(!err.contains("abc"), "{err}");
        assert!(!err.contains("similar argument"), "{err}");
    }
}

/// Usage messages a new user meets: a URL without a scheme, token options with --builtin.
#[test]
fn usage_messages_say_what_to_type() {
    let out = binary(
        &["run", "--url", "tenant.example.com/scim/v2", "--no-auth"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--url needs a scheme: https://host/scim/v2"),
        "{err}"
    );
    assert!(!err.contains("relative URL"), "{err}");
    let out = binary(&["run", "--builtin", "--token-env", "X"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--builtin makes up its own token"), "{err}");
}

/// `run` and `compare` refuse the same base URLs, before sending anything, with exit code 2
/// and the same message naming each command's flag (`--url`, `--from`); a URL's password is
/// never echoed.
#[test]
fn run_and_compare_refuse_the_same_urls() {
    let cases: [(&str, &[&str]); 7] = [
        (
            "https://admin:hunter2@x.example/scim",
            &[
                "{flag}: the URL carries credentials; pass the token through {token} instead (URLs are printed in reports)",
            ],
        ),
        (
            "https://x.example/scim?aadOptscim062020",
            &["{flag} must not carry a query string (leave Entra's ?aadOptscim062020 flag out"],
        ),
        (
            "https://x.example/scim#top",
            &["{flag} must not carry a fragment (#…)"],
        ),
        (
            "http://x.example/scim",
            &[
                "refusing http:// for x.example: the bearer token would travel unencrypted; use https:// or pass --insecure-http",
            ],
        ),
        (
            "ftp://x.example/scim",
            &["{flag} must be http(s), not ftp:"],
        ),
        (
            "x.example/scim",
            &["{flag} needs a scheme: https://host/scim/v2 (got \"x.example/scim\")"],
        ),
        (
            "https://[::1",
            &["{flag} \"https://[::1\" is not a URL: invalid IPv6 address"],
        ),
    ];
    for (url, says) in cases {
        for (args, flag, token, prefix) in [
            (
                vec!["run", "--url", url, "--no-auth"],
                "--url",
                "--token-env",
                "scim-conformance: ",
            ),
            (
                vec![
                    "compare",
                    "--from",
                    url,
                    "--to",
                    "https://b.example/scim",
                    "--from-no-auth",
                    "--to-no-auth",
                ],
                "--from",
                "--from-token-env",
                "scim-conformance compare: ",
            ),
        ] {
            let out = binary(&args, &[]);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            for want in says {
                let want = want.replace("{flag}", flag).replace("{token}", token);
                assert!(
                    err.starts_with(&format!("{prefix}{want}")),
                    "{args:?}: {err}"
                );
            }
            assert!(!err.contains("hunter2"), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
        }
    }
    // Only `run` (and `cleanup`, `replay`) choose the PATCH dialect with --dialect.
    let out = binary(
        &[
            "run",
            "--url",
            "https://x.example/?aadOptscim062020",
            "--no-auth",
        ],
        &[],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("; choose the dialect with --dialect)"));
    let out = binary(
        &[
            "compare",
            "--from",
            "https://x.example/?a",
            "--to",
            "https://b.example/scim",
        ],
        &[],
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("--dialect"));
}

/// A token variable that is not set is refused by both commands alike, naming the flag and
/// the command's `--no-auth`.
#[test]
fn run_and_compare_refuse_an_unset_token_variable_alike() {
    for (args, says) in [
        (
            &[
                "run",
                "--url",
                "https://x.example/scim",
                "--token-env",
                "SCIM2_KINDS_SURELY_UNSET",
            ][..],
            "scim-conformance: --token-env: environment variable SCIM2_KINDS_SURELY_UNSET is not set (put the bearer token there, or use --token-file PATH) (or pass --no-auth for an endpoint without authentication)",
        ),
        (
            &[
                "compare",
                "--from",
                "https://a.example/scim",
                "--from-token-env",
                "SCIM2_KINDS_SURELY_UNSET",
                "--to",
                "https://b.example/scim",
            ][..],
            "scim-conformance compare: --from-token-env: environment variable SCIM2_KINDS_SURELY_UNSET is not set (put the bearer token there, or use --token-file PATH) (or pass --from-no-auth for an endpoint without authentication)",
        ),
    ] {
        let out = binary(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), says);
    }
}

/// Replaces what changes from run to run: the endpoint's address, the run id, generated ids.
fn scrub_console(text: &str, base: &str) -> String {
    let run_id = regex::Regex::new(r"\(run ([0-9a-z]{8}),")
        .unwrap()
        .captures(text)
        .map(|c| c[1].to_owned())
        .unwrap();
    let guid =
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    let text = text
        .replace(base, "http://[endpoint]")
        .replace(&run_id, "[run]");
    let text = guid.replace_all(&text, "[guid]");
    regex::Regex::new(r"\d+ ms|\d+\.\d\d s")
        .unwrap()
        .replace_all(&text, "[t]")
        .into_owned()
}

/// A run stopped by a refused token prints the cause once, naming the variable to fix, and
/// collapses the checks it did not run to one line (stderr, then stdout, as on a terminal).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_the_run_with_one_message() {
    use scim2_conformance::reference::{ReferenceConfig, ReferenceServer};
    let server = ReferenceServer::start(ReferenceConfig::default().with_token("right"))
        .await
        .unwrap();
    let url = server.base_url();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().to_str().unwrap().to_owned();
    let base = [
        "run",
        "--url",
        &url,
        "--journal-dir",
        &journal,
        "--seed",
        "1",
    ];
    let (code, out, err) = binary_clean_env(&base, &[("SCIM_TOKEN", "wrong")]).await;
    assert_eq!(code, 3, "{out}\n{err}");
    let all = format!("{err}{out}");
    assert_eq!(all.matches("401 from").count(), 1, "{all}");
    assert!(all.contains("set SCIM_TOKEN to a valid token"), "{all}");
    assert!(
        all.contains("--token-env NAME") && all.contains("--token-file PATH"),
        "{all}"
    );
    assert!(all.lines().count() < 40, "{all}");
    insta::assert_snapshot!(
        "refused_token_console",
        scrub_console(&format!("## stderr\n{err}## stdout\n{out}"), &url)
    );
    // The variable named with --token-env is the one the message names.
    let mut args = base.to_vec();
    args.extend(["--token-env", "ACME_SCIM_TOKEN"]);
    let (code, out, err) = binary_clean_env(&args, &[("ACME_SCIM_TOKEN", "wrong")]).await;
    assert_eq!(code, 3);
    assert!(
        out.contains("set ACME_SCIM_TOKEN (--token-env ACME_SCIM_TOKEN) to a valid token"),
        "{out}\n{err}"
    );
    server.shutdown().await;
}

/// On the console each check is printed once, as a progress line on stderr; the report on
/// stdout lists only the failures, skipped checks collapse to one line per cause, and the
/// stateful phase prints progress lines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_prints_each_check_once() {
    let (code, out, err) = binary_clean_env(
        &[
            "run",
            "--builtin",
            "--seed",
            "2",
            "--cases",
            "4",
            "--fault",
            "legacy-member-remove-wipes-group",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 1, "{out}\n{err}");
    for id in [
        "entra.user.create",
        "entra.group.members.remove.legacy",
        "stateful.users",
    ] {
        assert_eq!(err.matches(&format!(" {id} (")).count(), 1, "{id}: {err}");
    }
    assert!(!out.contains("PASS"), "{out}");
    assert_eq!(
        out.matches("entra.group.members.remove.legacy (").count(),
        1,
        "{out}"
    );
    assert!(
        out.contains(
            "fix: \"Remove\" on members with a value array must remove only the listed members"
        ),
        "{out}"
    );
    for n in 0..=4 {
        assert!(
            err.contains(&format!("stateful: sequence {n}/4\n")),
            "{err}"
        );
    }
    let (code, out, err) =
        binary_clean_env(&["run", "--builtin", "--read-only", "--seed", "2"], &[]).await;
    assert_eq!(code, 4, "{out}\n{err}");
    for text in [&out, &err] {
        let skips: Vec<&str> = text.lines().filter(|l| l.starts_with("SKIP")).collect();
        assert_eq!(
            skips,
            ["SKIP  42 checks (34 MUST) skipped: --read-only sends no writes"],
            "{text}"
        );
    }
}

#[test]
fn checks_listing_names_ids_sources_and_faults() {
    let md = scim2_conformance::list_checks(
        scim2_conformance::Profile::Entra,
        scim2_conformance::ListFormat::Markdown,
    );
    assert!(md.contains("| `entra.group.members.remove.legacy` | MUST |"));
    assert!(md.contains("`legacy-member-remove-wipes-group`"));
    let text = scim2_conformance::list_checks(
        scim2_conformance::Profile::Entra,
        scim2_conformance::ListFormat::Text,
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

#[tokio::test]
async fn repeated_report_writes_three_agreeing_files_from_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let (json, junit, md) = (path("r.json"), path("r.xml"), path("r.md"));
    let code = run(&[
        "run",
        "--builtin",
        "--fault",
        "error-body-not-scim",
        "--seed",
        "11",
        "--cases",
        "2",
        "--format",
        "json",
        "--output",
        path("stdout.json").to_str().unwrap(),
        "--report",
        &format!("json={}", json.display()),
        "--report",
        &format!("junit={}", junit.display()),
        "--report",
        &format!("markdown={}", md.display()),
    ])
    .await;
    assert_eq!(code, ExitCode::MustFailed);
    let json_text = std::fs::read_to_string(&json).unwrap();
    // --format/--output and --report json come from the same run: the same document.
    assert_eq!(
        json_text,
        std::fs::read_to_string(path("stdout.json")).unwrap()
    );
    let v: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(v["seed"], 11);
    let run_id = v["run_id"].as_str().unwrap();
    let checks = v["checks"].as_array().unwrap();
    let ids: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c["outcome"] == "fail")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(failed.contains(&"entra.error.not-found"), "{failed:?}");

    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(
        root.attribute("tests").unwrap(),
        v["summary"]["total"].to_string()
    );
    let cases: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| n.attribute("name").unwrap())
        .collect();
    let mut sorted_cases = cases.clone();
    sorted_cases.sort_unstable();
    let mut sorted_ids = ids.clone();
    sorted_ids.sort_unstable();
    assert_eq!(sorted_cases, sorted_ids);
    for id in &failed {
        let case = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(id))
            .unwrap();
        let must = checks
            .iter()
            .any(|c| c["id"] == *id && c["requirement"] == "MUST");
        assert_eq!(
            case.children().any(|n| n.has_tag_name("failure")),
            must,
            "{id}"
        );
    }

    let markdown = std::fs::read_to_string(&md).unwrap();
    assert!(
        markdown.contains(&format!("`{run_id}` (seed 11)")),
        "{markdown}"
    );
    for id in &ids {
        assert!(markdown.contains(&format!("| `{id}` ")), "{id} missing");
    }
    let s = &v["summary"];
    assert!(
        markdown.contains(&format!(
            "{} passed, {} failed, {} skipped, {} errors; {} MUST failures, {} MUST not run.",
            s["passed"],
            s["failed"],
            s["skipped"],
            s["errors"],
            s["must_failed"],
            s["must_not_run"]
        )),
        "{markdown}"
    );
}

#[tokio::test]
async fn report_option_rejects_unknown_formats() {
    assert_eq!(
        run(&["run", "--builtin", "--report", "xml=out.xml"]).await,
        ExitCode::Usage
    );
    assert_eq!(
        run(&["run", "--builtin", "--report", "out.xml"]).await,
        ExitCode::Usage
    );
}

#[test]
fn checks_as_json_lists_every_check() {
    let json = scim2_conformance::list_checks(
        scim2_conformance::Profile::Entra,
        scim2_conformance::ListFormat::Json,
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(v["count"], checks.len());
    // What a default run runs: the fixed checks (not the custom extension one, which needs a
    // mapping with custom extension rows), then the three stateful checks.
    assert_eq!(
        checks.len(),
        scim2_conformance::Profile::Entra.checks().len() - 1 + 3
    );
    assert_eq!(v["stateful"], 3);
    assert!(
        !checks
            .iter()
            .any(|c| c["id"] == "entra.user.custom-extension")
    );
    assert_eq!(checks.last().unwrap()["id"], "stateful.filters");
    assert_eq!(checks.last().unwrap()["stateful"], true);
    let remove = checks
        .iter()
        .find(|c| c["id"] == "entra.group.members.remove.legacy")
        .unwrap();
    assert_eq!(remove["requirement"], "MUST");
    assert!(
        remove["faults"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "legacy-member-remove-wipes-group")
    );
}

fn binary(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_scim-conformance"));
    cmd.args(args)
        .env_remove("RUST_LOG")
        .env_remove("SCIM_TOKEN");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, needle) in [
        ("bash", "complete -F _scim__conformance"),
        ("zsh", "#compdef scim-conformance"),
        ("fish", "complete -c scim-conformance"),
        ("powershell", "scim-conformance"),
        ("elvish", "scim-conformance"),
    ] {
        let out = binary(&["completions", shell], &[]);
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(needle), "{shell}: {text}");
        assert!(text.contains("--report"), "{shell}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_logs_show_attempts_and_retries_but_never_the_token() {
    use scim2_conformance::reference::{Fault, ReferenceConfig, ReferenceServer};
    const SECRET: &str = "tok-7Hq2-cli-log-secret";
    let server = ReferenceServer::start(
        ReferenceConfig::default()
            .with_faults([Fault::Transient503])
            .with_token(SECRET),
    )
    .await
    .unwrap();
    let url = server.base_url();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().to_str().unwrap().to_owned();
    let report = dir.path().join("r.json");
    let report_arg = format!("json={}", report.display());
    let run_at = |verbosity: &'static str| {
        let (url, journal, report_arg) = (url.clone(), journal.clone(), report_arg.clone());
        tokio::task::spawn_blocking(move || {
            binary(
                &[
                    verbosity,
                    "run",
                    "--url",
                    &url,
                    "--only",
                    "entra.pagination",
                    "--cases",
                    "0",
                    "--journal-dir",
                    &journal,
                    "--report",
                    &report_arg,
                ],
                &[("SCIM_TOKEN", SECRET)],
            )
        })
    };
    let verbose = run_at("-vvv").await.unwrap();
    let quiet = run_at("-q").await.unwrap();
    server.shutdown().await;
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    let stdout = String::from_utf8_lossy(&verbose.stdout);
    assert!(stderr.contains("scim_attempt{method=GET"), "{stderr}");
    assert!(stderr.contains("status=503"), "{stderr}");
    assert!(stderr.contains("retrying after a back-off"), "{stderr}");
    for text in [&stderr, &stdout] {
        assert!(!text.contains(SECRET), "token in the output: {text}");
        assert!(
            !text.contains("7Hq2"),
            "part of the token in the output: {text}"
        );
    }
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(!report.contains(SECRET));
    let quiet_err = String::from_utf8_lossy(&quiet.stderr);
    assert!(!quiet_err.contains("scim_attempt"), "{quiet_err}");
}

/// Runs the built binary with a clean proxy environment plus `env`.
async fn binary_clean_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_scim-conformance"));
        for var in [
            "SCIM_TOKEN",
            "RUST_LOG",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
        ] {
            cmd.env_remove(var);
        }
        let out = cmd.args(&args).envs(env).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_reaches_a_tls_endpoint_through_a_proxy_with_a_ca_file() {
    use scim2_conformance::reference::{ReferenceConfig, router};
    use scim2_interop_support::net::{TestPki, TestProxy, serve_tls};
    let pki = TestPki::new();
    let root = serve_tls(router(ReferenceConfig::default()), &pki, false).await;
    let base = format!("{root}/scim/v2");
    let authority = root.trim_start_matches("https://").to_owned();
    let proxy = TestProxy::start(None).await;
    let ca = pki.ca_file.display().to_string();
    let args = |extra: &[&'static str]| {
        let mut v: Vec<String> = [
            "run",
            "--url",
            &base,
            "--no-auth",
            "--read-only",
            "--only",
            "entra.connection.users",
            "--format",
            "json",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let with_ca = {
        let mut v = args(&[]);
        v.extend(["--ca-file".to_owned(), ca.clone()]);
        v
    };
    let refs = |v: &[String]| {
        v.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\u{1}")
    };
    let (w, a) = (refs(&with_ca), refs(&args(&[])));
    let with_ca: Vec<&str> = w.split('\u{1}').collect();
    let without_ca: Vec<&str> = a.split('\u{1}').collect();

    // HTTPS_PROXY is honoured: the run goes through a CONNECT tunnel.
    let (code, out, err) = binary_clean_env(&with_ca, &[("HTTPS_PROXY", &proxy.url)]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let seen = proxy.requests();
    assert!(!seen.is_empty(), "{err}");
    assert!(
        seen.iter()
            .all(|r| r.line == format!("CONNECT {authority} HTTP/1.1")),
        "{seen:?}"
    );

    // NO_PROXY bypasses it; so does --no-proxy.
    let before = proxy.requests().len();
    let (code, out, err) = binary_clean_env(
        &with_ca,
        &[("https_proxy", &proxy.url), ("no_proxy", "127.0.0.1")],
    )
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    let mut no_proxy = with_ca.clone();
    no_proxy.push("--no-proxy");
    let (code, out, err) = binary_clean_env(&no_proxy, &[("HTTPS_PROXY", &proxy.url)]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(proxy.requests().len(), before);

    // Without the CA, the message names the certificate problem.
    let (code, out, err) = binary_clean_env(&without_ca, &[("HTTPS_PROXY", &proxy.url)]).await;
    assert_eq!(code, 3, "{out}\n{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("certificate"), "{all}");
    assert!(all.contains("--ca-file"), "{all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_presents_a_client_certificate() {
    use scim2_conformance::reference::{ReferenceConfig, router};
    use scim2_interop_support::net::{TestPki, serve_tls};
    let pki = TestPki::new();
    let base = format!(
        "{}/scim/v2",
        serve_tls(router(ReferenceConfig::default()), &pki, true).await
    );
    let (ca, cert, key) = (
        pki.ca_file.display().to_string(),
        pki.client_cert.display().to_string(),
        pki.client_key.display().to_string(),
    );
    let mut args = vec![
        "run",
        "--url",
        &base,
        "--no-auth",
        "--read-only",
        "--only",
        "entra.connection.users",
        "--format",
        "json",
        "--ca-file",
        &ca,
    ];
    let (code, out, err) = binary_clean_env(&args, &[]).await;
    assert_eq!(code, 3, "{out}\n{err}");
    args.extend(["--client-cert", &cert, "--client-key", &key]);
    let (code, out, err) = binary_clean_env(&args, &[]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, _, err) = binary_clean_env(&args[..args.len() - 2], &[]).await;
    assert_eq!(
        code, 2,
        "--client-cert without --client-key is a usage error: {err}"
    );
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
        // Wait for a write, let `delay_ms` pass, then interrupt at a moment the endpoint
        // holds something of the run's (checks create and delete their own resources, so
        // there are moments in between when it holds nothing).
        let holding = || async {
            for _ in 0..1000 {
                if server.reference().counts() != (0, 0) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        };
        holding().await;
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        holding().await;
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

/// `compare` falls back to SCIM_TOKEN for a side that names no token, as `run` does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_falls_back_to_scim_token() {
    use scim2_conformance::reference::{ReferenceConfig, ReferenceServer};
    const SECRET: &str = "tok-compare-fallback-9f3";
    let (a, b) = (
        ReferenceServer::start(ReferenceConfig::default().with_token(SECRET))
            .await
            .unwrap(),
        ReferenceServer::start(ReferenceConfig::default().with_token(SECRET))
            .await
            .unwrap(),
    );
    let (from, to) = (a.base_url(), b.base_url());
    let args = ["compare", "--from", &from, "--to", &to];
    let (code, out, err) = binary_clean_env(&args, &[("SCIM_TOKEN", SECRET)]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    // Without it, no token is sent: 401, naming where a token would come from.
    let (code, _, err) = binary_clean_env(&args, &[]).await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("401"), "{err}");
    assert!(!err.contains(SECRET));
    a.shutdown().await;
    b.shutdown().await;
}

/// `checks` lists what `run` runs: the same count and ids, stateful checks included.
#[test]
fn checks_and_run_agree() {
    let dir = tempfile::tempdir().unwrap();
    for profile in ["entra", "rfc7644"] {
        let listed = binary(&["checks", "--profile", profile, "--format", "json"], &[]);
        let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
        let report = dir.path().join(format!("{profile}.json"));
        let out = binary(
            &[
                "run",
                "--builtin",
                "--profile",
                profile,
                "--seed",
                "1",
                "--cases",
                "8",
                "--format",
                "json",
                "--output",
                report.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(0), "{profile}");
        let ran: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        let ids = |v: &serde_json::Value| {
            let mut ids: Vec<String> = v["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&listed), ids(&ran), "{profile}");
        assert_eq!(listed["count"], ran["summary"]["total"], "{profile}");
    }
}

/// `serve --db PATH` keeps every user, group and membership across a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_from_a_database_file_survives_a_restart() {
    use scim2_client::Client;
    use scim2_types::{Group, User};
    use std::io::BufRead as _;

    /// Starts `serve --db` and returns the process and its base URL (from its first line).
    fn start(db: &std::path::Path) -> (std::process::Child, String) {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scim-conformance"))
            .args(["serve", "--port", "0", "--db"])
            .arg(db)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_owned();
        (child, url)
    }
    fn stop(mut child: std::process::Child) {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let _ = child.wait();
    }

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("scim.db");
    let (child, url) = start(&db);
    let client = Client::builder(&url).build().unwrap();
    let mut ids = Vec::new();
    for name in ["ada@example.com", "grace@example.com"] {
        let user: User = client.create(&User::new(name)).await.unwrap();
        ids.push(user.id.unwrap());
    }
    let group: Group = client.create(&Group::new("Engineering")).await.unwrap();
    let group_id = group.id.unwrap();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    client.add_members(&group_id, &id_refs).await.unwrap();
    stop(child);

    let (child, url) = start(&db);
    let client = Client::builder(&url).build().unwrap();
    for (id, name) in ids.iter().zip(["ada@example.com", "grace@example.com"]) {
        let user = client.find_user_by_user_name(name).await.unwrap().unwrap();
        assert_eq!(user.id.as_deref(), Some(id.as_str()));
    }
    let group = client
        .find_group_by_display_name("Engineering")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(group.id.as_deref(), Some(group_id.as_str()));
    let group: Group = client
        .get(&group_id, &scim2_client::Projection::default())
        .await
        .unwrap();
    let mut members: Vec<String> = group
        .members
        .iter()
        .flatten()
        .filter_map(|m| m.value.clone())
        .collect();
    members.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(members, expected);
    stop(child);
}

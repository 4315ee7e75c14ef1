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
        ("json", "\"schema_version\": \"1\""),
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
    let code = run(&[
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
    assert_eq!(code, ExitCode::Ok);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
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

/// Runs the built binary with a clean proxy environment plus `env`.
async fn binary(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_scim-conformance"));
        for var in [
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
    let (code, out, err) = binary(&with_ca, &[("HTTPS_PROXY", &proxy.url)]).await;
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
    let (code, out, err) = binary(
        &with_ca,
        &[("https_proxy", &proxy.url), ("no_proxy", "127.0.0.1")],
    )
    .await;
    assert_eq!(code, 0, "{out}\n{err}");
    let mut no_proxy = with_ca.clone();
    no_proxy.push("--no-proxy");
    let (code, out, err) = binary(&no_proxy, &[("HTTPS_PROXY", &proxy.url)]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(proxy.requests().len(), before);

    // Without the CA, the message names the certificate problem.
    let (code, out, err) = binary(&without_ca, &[("HTTPS_PROXY", &proxy.url)]).await;
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
    let (code, out, err) = binary(&args, &[]).await;
    assert_eq!(code, 3, "{out}\n{err}");
    args.extend(["--client-cert", &cert, "--client-key", &key]);
    let (code, out, err) = binary(&args, &[]).await;
    assert_eq!(code, 0, "{out}\n{err}");
    let (code, _, err) = binary(&args[..args.len() - 2], &[]).await;
    assert_eq!(
        code, 2,
        "--client-cert without --client-key is a usage error: {err}"
    );
}

/// The messages that explain refusals and network failures, phase by phase, and the notes
/// about a token's expiry. Reviewed text: a change here is a change users see.
#[test]
fn diagnostics_by_cause_and_phase() {
    use scim2_client::http::{Method, StatusCode};
    use scim2_client::{Error, ResponseError};
    use scim2_conformance::compare::cli::hint;
    use scim2_conformance::diagnose::{REACHABILITY_NOTE, with_advice};
    use scim2_conformance::session::Abort;
    use scim2_conformance::token::Token;
    use scim2_conformance::transport::TransportError;
    use std::time::Duration;

    let url = "https://tenant.example.com/api/v2/scim/Users";
    let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"403","detail":"Source IP 203.0.113.7 is not allowed"}"#;
    let forbidden = |method: &str| {
        Abort::Forbidden {
            method: method.into(),
            url: url.into(),
            body: body.into(),
        }
        .to_string()
    };
    let timeout = TransportError::Timeout {
        url: url.into(),
        secs: 30,
    };
    let reset = TransportError::Unreachable {
        url: url.into(),
        reason: "the connection to tenant.example.com failed during GET …: connection reset by \
                 peer (os error 104)"
            .into(),
    };
    let cert = TransportError::Unreachable {
        url: url.into(),
        reason: "could not connect to tenant.example.com: client error (Connect): invalid peer \
                 certificate: UnknownIssuer"
            .into(),
    };
    let response = Error::Response(Box::new(ResponseError {
        method: Method::GET,
        url: url.into(),
        status: StatusCode::FORBIDDEN,
        scim_type: None,
        detail: Some("Source IP 203.0.113.7 is not allowed".into()),
        body_excerpt: None,
        retry_after: None,
        location: None,
        attempts: 1,
    }));
    let compare_timeout = Error::Timeout {
        method: Method::GET,
        url: url.into(),
        after: Duration::from_secs(60),
    };
    let now = time::macros::datetime!(2026-12-01 12:00 UTC);
    let token = Token::new("opaque-rest-api-token");
    let text = [
        ("run --read-only, 403 on GET", forbidden("GET")),
        ("run, 403 on a write", forbidden("PATCH")),
        ("run, timeout", with_advice(&timeout.to_string())),
        ("run, connection reset", with_advice(&reset.to_string())),
        ("run, untrusted certificate", with_advice(&cert.to_string())),
        ("run, after a pass", REACHABILITY_NOTE.to_owned()),
        (
            "compare, 403",
            format!(
                "{response}\n  hint: {}",
                hint(&response, Some("$NEW_TOKEN")).unwrap()
            ),
        ),
        (
            "compare, timeout",
            format!(
                "{compare_timeout}\n  hint: {}",
                hint(&compare_timeout, Some("$NEW_TOKEN")).unwrap()
            ),
        ),
        (
            "opaque token, expiry unknown",
            token.inspect_declared(now, None).warning.unwrap(),
        ),
        (
            "opaque token, --token-expires in 6 hours",
            token
                .inspect_declared(now, Some(now + time::Duration::hours(6)))
                .warning
                .unwrap(),
        ),
        (
            "opaque token, --token-expires in 12 days",
            token
                .inspect_declared(now, Some(now + time::Duration::days(12)))
                .warning
                .unwrap(),
        ),
    ]
    .iter()
    .map(|(phase, m)| format!("## {phase}\n{m}\n"))
    .collect::<Vec<_>>()
    .join("\n");
    insta::assert_snapshot!(text);
}

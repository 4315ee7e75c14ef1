//! End-to-end runs of the `entra` profile against the built-in reference endpoint.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use scim2_conformance::__internal as runner;
use scim2_conformance::__internal::Session;
use scim2_conformance::reference::{Fault, ReferenceConfig, ReferenceServer};
use scim2_conformance::{
    BoxFuture, ExitCode, HttpTransport, Journal, Outcome, Profile, Quiet, RunConfig, Token,
    Transport, TransportError, WireRequest, WireResponse, new_run_id, run_endpoint,
};

fn cfg() -> RunConfig {
    let mut c = RunConfig::new(7).unwrap();
    c.timeout = Duration::from_secs(10);
    c
}

async fn run_builtin(
    faults: &[Fault],
    cfg: &RunConfig,
) -> (scim2_conformance::Report, ReferenceServer) {
    // With a token, so that the token checks run too.
    let config = ReferenceConfig::default()
        .with_faults(faults.iter().copied())
        .with_token("t0ken");
    let server = ReferenceServer::start(config).await.unwrap();
    let journal = Arc::new(Journal::in_memory(&new_run_id()));
    let report = run_endpoint(
        cfg,
        &server.base_url(),
        Some(Token::new("t0ken")),
        journal,
        &Quiet,
    )
    .await
    .unwrap();
    (report, server)
}

#[tokio::test]
async fn full_rfc7644_profile_passes_without_faults_and_leaves_nothing() {
    let mut c = cfg();
    c.profile = Profile::Rfc7644;
    let (report, server) = run_builtin(&[], &c).await;
    let problems: Vec<String> = report
        .outcome
        .results
        .iter()
        .filter(|r| r.outcome.is_problem())
        .map(|r| format!("{}: {:?}", r.meta.id, r.outcome))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        server.reference().counts(),
        (0, 0),
        "cleanup left resources behind"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn full_entra_profile_passes_without_faults_and_leaves_nothing() {
    let (report, server) = run_builtin(&[], &cfg()).await;
    let problems: Vec<String> = report
        .outcome
        .results
        .iter()
        .filter(|r| r.outcome.is_problem())
        .map(|r| format!("{}: {:?}", r.meta.id, r.outcome))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(report.exit_code(), ExitCode::Ok);
    assert!(report.cleanup().leftovers.is_empty());
    assert_eq!(
        server.reference().counts(),
        (0, 0),
        "cleanup left resources behind"
    );
    server.shutdown().await;
}

/// For every fault some check targets: the targeted checks fail with it, and a run with it
/// fails (exit 1). Checks that the endpoint's /ServiceProviderConfig rules out are skipped
/// (never failed), and are reported here.
#[tokio::test]
async fn every_targeted_fault_fails_its_checks() {
    let checks = Profile::Rfc7644.checks();
    let mut vacuous = Vec::new();
    let mut missed = Vec::new();
    for &fault in Fault::ALL {
        let targeting: Vec<&str> = checks
            .iter()
            .filter(|c| c.meta.faults.contains(&fault))
            .map(|c| c.meta.id)
            .collect();
        if targeting.is_empty() {
            continue;
        }
        let mut c = cfg();
        c.profile = Profile::Rfc7644;
        c.options.only = targeting.iter().map(|s| (*s).to_owned()).collect();
        let (report, server) = run_builtin(&[fault], &c).await;
        for r in &report.outcome.results {
            match &r.outcome {
                Outcome::Fail(_) | Outcome::Error(_) => {}
                Outcome::Skip(why) if why.contains("ServiceProviderConfig") => {
                    vacuous.push(format!("{fault} / {}", r.meta.id));
                }
                o => missed.push(format!(
                    "fault {fault}: check {} did not fail: {o:?}",
                    r.meta.id
                )),
            }
        }
        server.shutdown().await;
    }
    assert!(missed.is_empty(), "{missed:#?}");
    assert!(
        vacuous.is_empty(),
        "skipped for lack of an advertised capability: {vacuous:#?}"
    );
}

/// The faults of real-directory names fail exactly the checks listed here, and every other
/// `entra` check passes with them.
#[tokio::test]
async fn name_faults_fail_only_their_checks() {
    let names = [
        "entra.names.find.users",
        "entra.names.find.groups",
        "entra.names.rename.legacy",
        "entra.names.rename.flagged",
    ];
    let parse = [
        "entra.names.lookup-absent",
        "entra.names.find.groups",
        "entra.names.rename.legacy",
        "entra.names.rename.flagged",
    ];
    let cases: [(Fault, Vec<&str>); 3] = [
        (
            Fault::EqMatchesPrefix,
            names
                .iter()
                .copied()
                .chain(["entra.group.rename.legacy", "entra.group.rename.flagged"])
                .collect(),
        ),
        (Fault::EscapedQuoteRejected, parse.to_vec()),
        (Fault::SpaceInValueRejected, parse.to_vec()),
    ];
    for (fault, expected) in cases {
        let (report, server) = run_builtin(&[fault], &cfg()).await;
        let failed: BTreeSet<&str> = report
            .outcome
            .results
            .iter()
            .filter(|r| !matches!(r.outcome, Outcome::Pass))
            .map(|r| r.meta.id)
            .collect();
        let expected: BTreeSet<&str> = expected.into_iter().collect();
        assert_eq!(failed, expected, "fault {fault}");
        assert_eq!(
            server.reference().counts(),
            (0, 0),
            "fault {fault}: leftovers"
        );
        server.shutdown().await;
    }
}

/// With custom extension rows in the mapping, `entra.user.custom-extension` runs and passes on
/// the reference endpoint, and fails (alone) when PATCH refuses the custom extension.
#[tokio::test]
async fn custom_extension_rows_bring_their_check() {
    const C: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
    assert!(
        !cfg()
            .checks()
            .iter()
            .any(|c| c.meta.id == "entra.user.custom-extension"),
        "the default mapping has no custom extension rows"
    );
    let text = format!(
        "{}\n[[attribute]]\nsource = \"extensionAttribute1\"\ntarget = \"{C}:CustomAttribute\"\ngenerator = \"department\"\n\n[[attribute]]\nsource = \"extensionAttribute2\"\ntarget = \"{C}:CostCode\"\ngenerator = \"guid\"\n",
        scim2_conformance::ENTRA_DEFAULT_MAPPING_TOML
    );
    let mut c = cfg();
    c.mapping = scim2_conformance::Mapping::from_toml(&text).unwrap();
    for (faults, want_failed) in [
        (vec![], vec![]),
        (
            vec![Fault::CustomExtensionPatchRejected],
            vec!["entra.user.custom-extension"],
        ),
    ] {
        let (report, server) = run_builtin(&faults, &c).await;
        let outcome = report
            .outcome
            .results
            .iter()
            .find(|r| r.meta.id == "entra.user.custom-extension")
            .map(|r| r.outcome.clone());
        assert!(outcome.is_some(), "the check ran");
        let failed: Vec<&str> = report
            .outcome
            .results
            .iter()
            .filter(|r| !matches!(r.outcome, Outcome::Pass))
            .map(|r| r.meta.id)
            .collect();
        assert_eq!(failed, want_failed, "{faults:?}: {outcome:?}");
        assert_eq!(server.reference().counts(), (0, 0));
        server.shutdown().await;
    }
    // Against an endpoint that declares the extension (`serve --schema`): passes too.
    let schema = scim2_conformance::reference::parse_extension_schemas(&format!(
        r#"{{"id": "{C}", "attributes": [{{"name": "CustomAttribute", "type": "string"}},
            {{"name": "CostCode", "type": "string"}}]}}"#
    ))
    .unwrap();
    let server =
        ReferenceServer::start(ReferenceConfig::default().with_extension_schema(schema[0].clone()))
            .await
            .unwrap();
    c.options.only = vec!["entra.user.custom-extension".into()];
    let report = run_endpoint(
        &c,
        &server.base_url(),
        None,
        Arc::new(Journal::in_memory(&new_run_id())),
        &Quiet,
    )
    .await
    .unwrap();
    let r = &report.outcome.results;
    assert!(
        r.len() == 1 && r[0].outcome == Outcome::Pass,
        "{:?}",
        r.iter().map(|r| &r.outcome).collect::<Vec<_>>()
    );
    server.shutdown().await;
}

#[tokio::test]
async fn every_check_targets_a_fault() {
    // The faults are typed (`&[Fault]`): an unknown name no longer compiles.
    for c in Profile::Rfc7644.checks() {
        if c.meta.requirement != scim2_conformance::Requirement::May {
            assert!(!c.meta.faults.is_empty(), "{} targets no fault", c.meta.id);
        }
    }
}

#[tokio::test]
async fn read_only_sends_no_write() {
    let mut c = cfg();
    c.options.read_only = true;
    let (report, server) = run_builtin(&[], &c).await;
    let log = server.request_log();
    assert!(!log.is_empty());
    let writes: Vec<_> = log.iter().filter(|r| r.is_write()).collect();
    assert!(writes.is_empty(), "{writes:?}");
    assert!(
        report
            .outcome
            .results
            .iter()
            .any(|r| matches!(&r.outcome, Outcome::Skip(s) if s.contains("--read-only")))
    );
    // MUST checks were skipped: the run cannot say "ready".
    assert!(report.summary().must_not_run > 0);
    assert_eq!(report.exit_code(), ExitCode::Incomplete);
    assert!(
        report.verdict().starts_with("INCOMPLETE"),
        "{}",
        report.verdict()
    );
    server.shutdown().await;
}

/// A Tenant URL that ends in `/Users`, or has a wrong prefix, stops the run before any check
/// (exit 3) with a hint, and no check passes on the 404s.
#[tokio::test]
async fn wrong_base_url_stops_the_run_before_any_check() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    for (url, hint) in [
        (
            format!("{}/Users", server.base_url()),
            "without /Users (try ",
        ),
        (
            format!("{}/nope", server.base_url()),
            "check the Tenant URL",
        ),
    ] {
        let journal = Arc::new(Journal::in_memory(&new_run_id()));
        let report = run_endpoint(&cfg(), &url, None, journal, &Quiet)
            .await
            .unwrap();
        let abort = report
            .outcome
            .abort
            .as_ref()
            .expect("the run stops")
            .to_string();
        assert!(abort.contains("is not a SCIM base URL"), "{abort}");
        assert!(abort.contains(hint), "{abort}");
        assert_eq!(report.exit_code(), ExitCode::Unreachable);
        assert!(
            report
                .outcome
                .results
                .iter()
                .all(|r| matches!(r.outcome, Outcome::Skip(_))),
            "a check ran against a wrong base URL"
        );
    }
    assert!(server.request_log().iter().all(|r| !r.is_write()));
    assert_eq!(server.reference().counts(), (0, 0));
    server.shutdown().await;
}

/// Answers every POST /Users with 400, as an endpoint that rejects Entra's user body would.
struct UserCreateRefused(HttpTransport);

impl Transport for UserCreateRefused {
    fn base_url(&self) -> &str {
        self.0.base_url()
    }
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, TransportError>> {
        if req.method == "POST" && req.path == "/Users" {
            return Box::pin(async {
                Ok(WireResponse {
                    status: 400,
                    headers: vec![],
                    body: br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"no"}"#.to_vec(),
                })
            });
        }
        self.0.send(req)
    }
}

/// When the create fails, `entra.user.create` fails and every check that needed a user first
/// says "not reached" (a skip, which keeps the run from exiting 0) instead of failing as if
/// its own subject were broken.
#[tokio::test]
async fn a_refused_create_fails_the_create_check_and_the_rest_are_not_reached() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let t: Arc<dyn Transport> = Arc::new(UserCreateRefused(
        HttpTransport::new(&server.base_url(), None, Duration::from_secs(5), None).unwrap(),
    ));
    let session = Arc::new(Session::new(
        t,
        Arc::new(Journal::in_memory(&new_run_id())),
        Arc::new(cfg().mapping),
        1,
        None,
        String::new(),
    ));
    let checks = runner::select(
        Profile::Entra.checks(),
        &scim2_conformance::RunOptions {
            only: vec!["entra.user".into()],
            ..Default::default()
        },
    );
    let out = runner::run(session, &checks, &Default::default(), &Quiet).await;
    let outcome = |id: &str| {
        out.results
            .iter()
            .find(|r| r.meta.id == id)
            .map(|r| r.outcome.clone())
            .unwrap()
    };
    assert!(matches!(outcome("entra.user.create"), Outcome::Fail(_)));
    for id in [
        "entra.user.mapping",
        "entra.user.find.username",
        "entra.user.patch.replace.legacy",
        "entra.user.manager.flagged",
        "entra.user.disable.legacy",
    ] {
        match outcome(id) {
            Outcome::Skip(d) => assert!(d.starts_with("not reached: "), "{id}: {d}"),
            o => panic!("{id}: {o:?}"),
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_token_stops_the_run_with_the_expiry_hint() {
    let server = ReferenceServer::start(ReferenceConfig::default().with_token("right"))
        .await
        .unwrap();
    let journal = Arc::new(Journal::in_memory(&new_run_id()));
    // A JWT-shaped token that expired: the 401 message names its expiry.
    let jwt = "eyJhbGciOiJub25lIn0.eyJleHAiOjE3MDAwMDAwMDB9.x";
    let report = run_endpoint(
        &cfg(),
        &server.base_url(),
        Some(Token::new(jwt)),
        journal,
        &Quiet,
    )
    .await
    .unwrap();
    let abort = report
        .outcome
        .abort
        .as_ref()
        .expect("the run stops")
        .to_string();
    assert!(abort.starts_with("401 from http://127.0.0.1:"), "{abort}");
    assert!(abort.contains("it may have expired"), "{abort}");
    assert!(abort.contains("2023-11-14T22:13:20Z"), "{abort}");
    assert_eq!(report.exit_code(), ExitCode::Unreachable);
    assert!(
        report
            .token
            .as_ref()
            .unwrap()
            .warning
            .as_ref()
            .unwrap()
            .contains("expired")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn interrupted_run_is_cleaned_up_by_the_cleanup_command() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run_id = new_run_id();
    let journal = Arc::new(Journal::create(dir.path(), &run_id, &server.base_url()).unwrap());
    // Simulate an interruption: the run stops before its cleanup (--keep-data), leaving the
    // journal on disk.
    let mut c = cfg();
    c.options.keep_data = true;
    let report = run_endpoint(&c, &server.base_url(), None, journal, &Quiet)
        .await
        .unwrap();
    assert!(!report.cleanup().kept.is_empty());
    let (users, groups) = server.reference().counts();
    assert!(users + groups > 0);
    let code = scim2_conformance::main_with(
        [
            "scim-conformance",
            "cleanup",
            "--url",
            &server.base_url(),
            "--run",
            &run_id,
            "--no-auth",
            "--journal-dir",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain([dir.path().display().to_string()]),
    )
    .await;
    assert_eq!(code, ExitCode::Ok);
    assert_eq!(server.reference().counts(), (0, 0));
    server.shutdown().await;
}

/// Passes everything through, but answers every DELETE with 500.
struct DeleteFails(HttpTransport);

impl Transport for DeleteFails {
    fn base_url(&self) -> &str {
        self.0.base_url()
    }
    fn sends_auth(&self) -> bool {
        self.0.sends_auth()
    }
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, TransportError>> {
        if req.method == "DELETE" {
            return Box::pin(async {
                Ok(WireResponse {
                    status: 500,
                    headers: vec![],
                    body: b"boom".to_vec(),
                })
            });
        }
        self.0.send(req)
    }
}

#[tokio::test]
async fn failing_delete_reports_leftovers_and_fails_the_run() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run_id = new_run_id();
    let journal = Arc::new(Journal::create(dir.path(), &run_id, &server.base_url()).unwrap());
    let t: Arc<dyn Transport> = Arc::new(DeleteFails(
        HttpTransport::new(&server.base_url(), None, Duration::from_secs(5), None).unwrap(),
    ));
    let session = Arc::new(Session::new(
        t,
        journal,
        Arc::new(cfg().mapping),
        1,
        None,
        String::new(),
    ));
    let checks = runner::select(
        Profile::Entra.checks(),
        &scim2_conformance::RunOptions {
            only: vec!["entra.user.create".into(), "entra.group.create".into()],
            ..Default::default()
        },
    );
    let out = runner::run(session, &checks, &Default::default(), &Quiet).await;
    assert_eq!(out.cleanup.leftovers.len(), 2, "{:?}", out.cleanup);
    assert!(
        out.cleanup
            .leftovers
            .iter()
            .all(|l| l.reason.contains("500"))
    );
    let cmd = out.cleanup.retry_command.clone().unwrap();
    assert!(cmd.contains(&format!("--run {run_id}")), "{cmd}");
    let kinds: BTreeSet<_> = out
        .cleanup
        .leftovers
        .iter()
        .map(|l| l.resource.kind)
        .collect();
    assert_eq!(kinds.len(), 2);
    let report = scim2_conformance::Report {
        tool_version: "t".into(),
        profile: "entra".into(),
        dialects: vec![],
        seed: 1,
        run_id,
        endpoint: server.base_url(),
        started_at: String::new(),
        read_only: false,
        token: None,
        outcome: out,
    };
    assert_eq!(report.exit_code(), ExitCode::MustFailed);
    server.shutdown().await;
}

/// Rewrites the reference endpoint's answers into other forms that RFC 7644 and Entra both
/// accept: `application/json`, no `Location`, extra attributes on every resource, and PATCH
/// answered alternately 204 without a body and 200 with the resource.
struct Variations {
    inner: HttpTransport,
    patches: std::sync::atomic::AtomicU64,
}

fn decorate(v: &mut serde_json::Value) {
    if let Some(o) = v.as_object_mut() {
        if o.contains_key("id") {
            o.insert(
                "vendorExtra".into(),
                serde_json::json!({"note": "extra attribute"}),
            );
        }
        if let Some(serde_json::Value::Array(items)) = o.get_mut("Resources") {
            items.iter_mut().for_each(decorate);
        }
    }
}

impl Variations {
    async fn vary(&self, req: WireRequest) -> Result<WireResponse, TransportError> {
        let is_patch = req.method == "PATCH";
        let path = req.path.clone();
        let get_path = path.clone();
        let mut r = self.inner.send(req).await?;
        if is_patch && (200..300).contains(&r.status) {
            let n = self
                .patches
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if n.is_multiple_of(2) {
                r = WireResponse {
                    status: 204,
                    headers: vec![],
                    body: vec![],
                };
            } else {
                let g = self.inner.send(WireRequest::new("GET", get_path)).await?;
                r = WireResponse { status: 200, ..g };
            }
        }
        r.headers.retain(|(k, _)| {
            !k.eq_ignore_ascii_case("location") && !k.eq_ignore_ascii_case("content-length")
        });
        let projected = path.contains("?attributes=") || path.contains("&attributes=");
        if let Some(mut v) = r.json() {
            if !projected {
                decorate(&mut v);
            }
            r.body = serde_json::to_vec(&v).unwrap();
            for h in &mut r.headers {
                if h.0.eq_ignore_ascii_case("content-type") {
                    h.1 = "application/json".into();
                }
            }
        }
        Ok(r)
    }
}

impl Transport for Variations {
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }
    fn sends_auth(&self) -> bool {
        self.inner.sends_auth()
    }
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, TransportError>> {
        Box::pin(self.vary(req))
    }
}

#[tokio::test]
async fn accepted_variations_cause_no_false_failures() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let t: Arc<dyn Transport> = Arc::new(Variations {
        inner: HttpTransport::new(&server.base_url(), None, Duration::from_secs(5), None).unwrap(),
        patches: std::sync::atomic::AtomicU64::new(0),
    });
    let spc = t
        .send(WireRequest::new("GET", "/ServiceProviderConfig"))
        .await
        .unwrap()
        .json();
    let session = Arc::new(Session::new(
        t,
        Arc::new(Journal::in_memory(&new_run_id())),
        Arc::new(cfg().mapping),
        5,
        spc,
        String::new(),
    ));
    let checks = Profile::Rfc7644.checks();
    let out = runner::run(session, &checks, &Default::default(), &Quiet).await;
    let problems: Vec<String> = out
        .results
        .iter()
        .filter(|r| r.outcome.is_problem())
        .map(|r| format!("{}: {:?}", r.meta.id, r.outcome))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        out.results
            .iter()
            .filter(|r| r.outcome == Outcome::Pass)
            .count()
            > 40
    );
    server.shutdown().await;
}

#[tokio::test]
async fn cleanup_without_a_journal_finds_leftovers_by_prefix() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let run_id = new_run_id();
    // The journal is lost (in memory only); the data stays (--keep-data).
    let mut c = cfg();
    c.options.keep_data = true;
    c.options.only = vec!["entra.group.members".into(), "entra.user.create".into()];
    let journal = Arc::new(Journal::in_memory(&run_id));
    let report = run_endpoint(&c, &server.base_url(), None, journal, &Quiet)
        .await
        .unwrap();
    assert!(!report.cleanup().kept.is_empty());
    // Something the run did not create, with a similar name, must survive.
    let other = serde_json::json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "scimconf-other@example.com"});
    let http = HttpTransport::new(&server.base_url(), None, Duration::from_secs(5), None).unwrap();
    let r = http
        .send(WireRequest::new("POST", "/Users").scim_json(&other))
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let dir = tempfile::tempdir().unwrap();
    let code = scim2_conformance::main_with(
        [
            "scim-conformance",
            "cleanup",
            "--url",
            &server.base_url(),
            "--run",
            &run_id,
            "--no-auth",
            "--journal-dir",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain([dir.path().display().to_string()]),
    )
    .await;
    assert_eq!(code, ExitCode::Ok);
    assert_eq!(
        server.reference().counts(),
        (1, 0),
        "only the foreign user is left"
    );
    server.shutdown().await;
}

/// The ids of every user and group on the endpoint (read over HTTP, unfiltered).
async fn ids_on(server: &ReferenceServer) -> Vec<String> {
    let http = HttpTransport::new(&server.base_url(), None, Duration::from_secs(5), None).unwrap();
    let mut ids = Vec::new();
    for path in [
        "/Users?count=1000",
        "/Groups?count=1000&excludedAttributes=members",
    ] {
        let r = http.send(WireRequest::new("GET", path)).await.unwrap();
        let body = r.json().unwrap();
        for res in body["Resources"].as_array().cloned().unwrap_or_default() {
            ids.push(res["id"].as_str().unwrap().to_owned());
        }
    }
    ids.sort();
    ids
}

/// A create whose answer is lost after the write (201 without an id, or 500) leaves nothing:
/// the cleanup finds it by the run's name prefix, with the `sw` filter or, where the endpoint
/// refuses `sw`, by paging through the collection. Fixed checks and stateful sequences both.
#[tokio::test]
async fn lost_create_answers_leave_nothing_behind() {
    for faults in [
        vec![Fault::CreatedWithoutId],
        vec![Fault::StoredThen500],
        vec![Fault::CreatedWithoutId, Fault::EqFiltersOnly],
        vec![Fault::StoredThen500, Fault::EqFiltersOnly],
    ] {
        let mut c = cfg();
        c.stateful = Some(scim2_conformance::StatefulOptions {
            cases: 4,
            max_shrink: 8,
            ..Default::default()
        });
        let (report, server) = run_builtin(&faults, &c).await;
        let cleanup = report.cleanup();
        assert!(cleanup.attempted, "{faults:?}");
        assert!(cleanup.found_by_prefix > 10, "{faults:?}: {cleanup:?}");
        assert!(cleanup.leftovers.is_empty(), "{faults:?}: {cleanup:?}");
        assert_eq!(
            server.reference().counts(),
            (0, 0),
            "{faults:?}: the run left resources behind"
        );
        let scanned = cleanup.sweep.iter().any(|n| n.contains("paging"));
        assert_eq!(
            scanned,
            faults.contains(&Fault::EqFiltersOnly),
            "{faults:?}: {:?}",
            cleanup.sweep
        );
        assert!(
            report
                .outcome
                .results
                .iter()
                .any(|r| r.meta.id == "stateful.users" && r.outcome.is_problem()),
            "{faults:?}: the stateful phase ran and saw the fault"
        );
        assert_eq!(report.exit_code(), ExitCode::MustFailed);
        server.shutdown().await;
    }
}

/// What the endpoint refuses to delete is reported with its id, and the run exits 1; the
/// printed `cleanup` command reports the same and exits 1 too.
#[tokio::test]
async fn undeletable_leftovers_are_reported_with_their_ids() {
    let server = ReferenceServer::start(ReferenceConfig::default().with_fault(Fault::DeleteFails))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let code = scim2_conformance::main_with(
        [
            "scim-conformance",
            "run",
            "--url",
            &server.base_url(),
            "--no-auth",
            "--only",
            "entra.user.create",
            "--only",
            "entra.group.create",
            "--cases",
            "0",
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
            "--journal-dir",
            dir.path().to_str().unwrap(),
        ]
        .into_iter()
        .map(str::to_owned),
    )
    .await;
    assert_eq!(code, ExitCode::MustFailed);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let cleanup = &report["cleanup"];
    assert_eq!(cleanup["attempted"], true);
    let mut reported: Vec<String> = cleanup["leftovers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            assert!(l["reason"].as_str().unwrap().contains("500"), "{l}");
            l["id"].as_str().unwrap().to_owned()
        })
        .collect();
    reported.sort();
    let on_server = ids_on(&server).await;
    assert!(!on_server.is_empty());
    assert_eq!(
        reported, on_server,
        "the leftovers are what is really there"
    );
    let retry = cleanup["retry_command"].as_str().unwrap();
    let run_id = report["run_id"].as_str().unwrap();
    assert!(retry.ends_with(&format!("--run {run_id}")), "{retry}");
    let code = scim2_conformance::main_with(
        [
            "scim-conformance",
            "cleanup",
            "--url",
            &server.base_url(),
            "--run",
            run_id,
            "--no-auth",
            "--journal-dir",
            dir.path().to_str().unwrap(),
        ]
        .into_iter()
        .map(str::to_owned),
    )
    .await;
    assert_eq!(code, ExitCode::MustFailed);
    assert_eq!(ids_on(&server).await, on_server);
    server.shutdown().await;
}

/// `entra.pagination` on an endpoint that refuses its `sw` filter checks the paging
/// invariants over the unfiltered collection instead of skipping: it passes on a correct
/// endpoint and fails on each paging fault.
#[tokio::test]
async fn pagination_without_sw_pages_the_unfiltered_collection() {
    let mut c = cfg();
    c.options.only = vec!["entra.pagination".into()];
    for (extra, passes) in [
        (None, true),
        (Some(Fault::IgnoreStartIndex), false),
        (Some(Fault::IgnoreCount), false),
        (Some(Fault::TotalResultsIsPageSize), false),
    ] {
        let faults: Vec<Fault> = std::iter::once(Fault::EqFiltersOnly).chain(extra).collect();
        let (report, server) = run_builtin(&faults, &c).await;
        let r = &report.outcome.results[0];
        assert_eq!(r.meta.id, "entra.pagination");
        match (&r.outcome, passes) {
            (Outcome::Pass, true) => assert!(
                r.notes.iter().any(|n| n.contains("unfiltered collection")),
                "{:?}",
                r.notes
            ),
            (Outcome::Fail(_), false) => {}
            (o, _) => panic!("{faults:?}: {o:?} {:?}", r.notes),
        }
        assert_eq!(server.reference().counts(), (0, 0));
        server.shutdown().await;
    }
}

/// Through the command line against an endpoint whose create answers are lost: the run fails
/// (exit 1) but leaves nothing, needs no `cleanup` command, and removes its journal.
#[tokio::test]
async fn a_run_with_lost_create_answers_needs_no_cleanup_command() {
    let server =
        ReferenceServer::start(ReferenceConfig::default().with_fault(Fault::StoredThen500))
            .await
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let code = scim2_conformance::main_with(
        [
            "scim-conformance",
            "run",
            "--url",
            &server.base_url(),
            "--no-auth",
            "--cases",
            "4",
            "--format",
            "json",
            "--output",
            out.to_str().unwrap(),
            "--journal-dir",
            dir.path().to_str().unwrap(),
        ]
        .into_iter()
        .map(str::to_owned),
    )
    .await;
    assert_eq!(code, ExitCode::MustFailed);
    assert_eq!(server.reference().counts(), (0, 0));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(report["cleanup"]["found_by_prefix"].as_u64().unwrap() > 10);
    assert!(report["cleanup"]["retry_command"].is_null());
    let journals = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "jsonl")
        })
        .count();
    assert_eq!(journals, 0, "a complete cleanup removes the journal");
    server.shutdown().await;
}

/// A create whose answer times out (stored, answered after the client gave up): the run stops
/// (exit 3, the endpoint did not answer) and still leaves nothing.
#[tokio::test]
async fn a_create_that_times_out_after_storing_leaves_nothing() {
    let server =
        ReferenceServer::start(ReferenceConfig::default().with_fault(Fault::StoredThenTimeout))
            .await
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let code = scim2_conformance::main_with(
        [
            "scim-conformance",
            "run",
            "--url",
            &server.base_url(),
            "--no-auth",
            "--timeout",
            "1",
            "--only",
            "entra.user.create",
            "--only",
            "entra.group.create",
            "--cases",
            "0",
            "--journal-dir",
            dir.path().to_str().unwrap(),
            "--output",
            dir.path().join("report.txt").to_str().unwrap(),
        ]
        .into_iter()
        .map(str::to_owned),
    )
    .await;
    assert_eq!(code, ExitCode::Unreachable);
    // The endpoint stored the creates before stalling; the sweep found and deleted them.
    let report = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(
        report.contains("found by the run's name prefix"),
        "{report}"
    );
    assert_eq!(server.reference().counts(), (0, 0));
    server.shutdown().await;
}

/// Users whose UPNs differ only in the domain (`…@example.com`, `…@example.com.au`) get
/// different work e-mails, as in a directory: an endpoint that keeps e-mails unique (Better Auth
/// answers 409 to a second user with the same address) must not fail `entra.names.find.users`
/// at its create step.
#[tokio::test]
async fn name_checks_give_each_user_its_own_mail() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let mut c = RunConfig::new(5).unwrap();
    c.stateful = None;
    c.options.only = vec!["entra.names.find.users".into()];
    let report = run_endpoint(
        &c,
        &server.base_url(),
        None,
        Arc::new(Journal::in_memory(&new_run_id())),
        &Quiet,
    )
    .await
    .unwrap();
    let r = &report.outcome.results[0];
    assert_eq!(r.outcome, Outcome::Pass);
    let mut mails = Vec::new();
    for x in r.transcript.iter().filter(|x| x.method == "POST") {
        let body: serde_json::Value =
            serde_json::from_str(x.request_body.as_deref().unwrap()).unwrap();
        let mail = body["emails"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["type"] == "work"))
            .map(|e| e["value"].as_str().unwrap().to_owned())
            .unwrap();
        assert_eq!(mail, body["userName"].as_str().unwrap());
        mails.push(mail);
    }
    assert_eq!(mails.len(), 3);
    mails.sort();
    mails.dedup();
    assert_eq!(mails.len(), 3, "{mails:?}");
    server.shutdown().await;
}

/// An endpoint that throttles (`throttle-429`: 429 with `Retry-After: 1` to every 50th GET,
/// PUT or DELETE) holds the whole run, not only the throttled request: once the 429 is back,
/// no check or sequence sends anything until the `Retry-After` has passed. Requests already on
/// their way when the 429 left the endpoint still arrive at its start (at most one per check or
/// sequence in flight, within moments), so the second half of every window must see no request
/// at all, where a run that only delayed the throttled request would send dozens. The throttled
/// requests are sent again after their window, and the run passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttling_endpoint_holds_the_whole_run() {
    let mut c = cfg();
    c.options.only = vec!["entra.user".into(), "stateful".into()];
    c.stateful = Some(scim2_conformance::StatefulOptions {
        cases: 16,
        ..scim2_conformance::StatefulOptions::default()
    });
    let (report, server) = run_builtin(&[Fault::Throttle429], &c).await;
    let problems: Vec<String> = report
        .outcome
        .results
        .iter()
        .filter(|r| r.outcome.is_problem())
        .map(|r| format!("{}: {:?}", r.meta.id, r.outcome))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(report.exit_code(), ExitCode::Ok);
    let log = server.request_log();
    let throttled: Vec<_> = log.iter().filter(|r| r.status == 429).collect();
    assert!(
        throttled.len() >= 2,
        "{} throttled of {}",
        throttled.len(),
        log.len()
    );
    for t in &throttled {
        let (half, until) = (
            t.arrived + Duration::from_millis(500),
            t.arrived + Duration::from_secs(1),
        );
        let late: Vec<String> = log
            .iter()
            .filter(|r| r.arrived >= half && r.arrived < until)
            .map(|r| format!("{} {} {}", r.method, r.path, r.status))
            .collect();
        assert!(
            late.is_empty(),
            "sent during the Retry-After of {} {}: {late:#?}",
            t.method,
            t.path
        );
        // The throttled request itself is sent again, after its window.
        assert!(
            log.iter().any(|r| r.arrived >= until
                && r.method == t.method
                && r.path == t.path
                && r.query == t.query
                && r.status != 429),
            "{} {} was not retried after its window",
            t.method,
            t.path
        );
    }
    assert_eq!(server.reference().counts(), (0, 0));
    server.shutdown().await;
}

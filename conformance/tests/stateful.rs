//! Stateful runs against the built-in reference endpoint.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::sync::Arc;
use std::time::Duration;

use scim2_conformance::__internal::Session;
use scim2_conformance::__internal::stateful::{self, Options, Saved, StatefulOutcome};
use scim2_conformance::reference::{Fault, ReferenceConfig, ReferenceServer};
use scim2_conformance::{
    Dialect, HttpTransport, Journal, Mapping, Profile, Quiet, RunConfig, Transport, new_run_id,
    run_endpoint,
};

fn session(server: &ReferenceServer, seed: u64) -> Arc<Session> {
    let t: Arc<dyn Transport> = Arc::new(
        HttpTransport::new(&server.base_url(), None, Duration::from_secs(10), None).unwrap(),
    );
    let journal = Arc::new(Journal::in_memory(&new_run_id()));
    Arc::new(Session::new(
        t,
        journal,
        Arc::new(Mapping::entra_default()),
        seed,
        None,
        String::new(),
    ))
}

fn opts(cases: u32) -> Options {
    Options {
        cases,
        // Keeps the suite fast; the bounds below hold with it.
        max_shrink: 96,
        ..Options::default()
    }
}

async fn run(faults: &[Fault], seed: u64, cases: u32) -> (StatefulOutcome, ReferenceServer) {
    let server =
        ReferenceServer::start(ReferenceConfig::default().with_faults(faults.iter().copied()))
            .await
            .unwrap();
    let out = stateful::run(session(&server, seed), &opts(cases)).await;
    (out, server)
}

#[tokio::test]
async fn passes_without_faults_and_cleans_up() {
    for seed in [1, 2, 3, 4] {
        let (out, server) = run(&[], seed, 16).await;
        assert!(out.error.is_none(), "seed {seed}: {:?}", out.error);
        assert!(
            out.counterexample().is_none(),
            "seed {seed}: {}",
            out.counterexample().unwrap().render()
        );
        assert_eq!(out.cases_run, 16);
        assert!(out.steps_run > 16);
        assert_eq!(
            server.reference().counts(),
            (0, 0),
            "seed {seed}: leftovers"
        );
        assert!(out.results().iter().all(|r| !r.outcome.is_problem()));
        server.shutdown().await;
    }
}

/// Each reachable fault, the check that must report it, and the most steps its minimal sequence
/// may have.
const FAULTS: &[(Fault, &[&str], usize)] = &[
    (Fault::MemberDroppedAfterRename, &["stateful.groups"], 5),
    (Fault::SecondPatchLosesFirst, &["stateful.users"], 3),
    (Fault::DeletedUsernameReserved, &["stateful.users"], 3),
    (Fault::CaseSensitiveFilter, &["stateful.filters"], 3),
    (Fault::MembersNotRemoved, &["stateful.groups"], 4),
    (
        Fault::PatchNotApplied,
        &["stateful.users", "stateful.groups"],
        2,
    ),
    (
        Fault::RenameNotApplied,
        &["stateful.users", "stateful.groups"],
        2,
    ),
    (
        Fault::IgnoreValuePathPatch,
        &["stateful.users", "stateful.groups"],
        4,
    ),
    (Fault::InactiveUsersHidden, &["stateful.filters"], 3),
    (Fault::LegacyMemberRemoveWipesGroup, &["stateful.groups"], 7),
    (Fault::FilterMissesPatchedValue, &["stateful.filters"], 3),
    (
        Fault::No404AfterDelete,
        &["stateful.users", "stateful.groups"],
        2,
    ),
    (Fault::NotFoundOnEmptyQuery, &["stateful.filters"], 2),
    (Fault::ExternalidFilterIgnored, &["stateful.filters"], 4),
    (Fault::TypedReplaceDropsOthers, &["stateful.users"], 2),
    (Fault::ActiveAsString, &["stateful.users"], 1),
    (Fault::RejectStringBooleans, &["stateful.users"], 2),
    // A legacy member add is found in 3 steps (user, group, add), a user PATCH in 2.
    (
        Fault::RejectCapitalizedOps,
        &["stateful.users", "stateful.groups"],
        3,
    ),
    (Fault::RejectManagerString, &["stateful.users"], 5),
    // Found by a lookup step (filters) or by the final state check's lookups (users).
    (
        Fault::EqMatchesPrefix,
        &["stateful.filters", "stateful.users", "stateful.groups"],
        3,
    ),
    (
        Fault::EscapedQuoteRejected,
        &["stateful.filters", "stateful.users", "stateful.groups"],
        2,
    ),
    (
        Fault::SpaceInValueRejected,
        &["stateful.filters", "stateful.users", "stateful.groups"],
        2,
    ),
];

#[test]
fn each_listed_fault_is_shown_to_be_found_by_its_check() {
    let outcome = StatefulOutcome::empty(0);
    for r in outcome.results() {
        for name in r.meta.faults {
            let fault: Fault = *name;
            assert!(
                FAULTS
                    .iter()
                    .any(|(f, checks, _)| *f == fault && checks.contains(&r.meta.id)),
                "{} lists {name}, which FAULTS does not show it finds",
                r.meta.id
            );
        }
    }
    // And every sequence-only fault is among them.
    for f in Fault::ALL.iter().filter(|f| f.sequence_only()) {
        assert!(FAULTS.iter().any(|(g, _, _)| g == f), "{f}");
    }
}

/// Runs up to three fixed seeds of 64 cases each until one finds the fault.
async fn find(fault: Fault) -> (StatefulOutcome, ReferenceServer, u64) {
    let mut tried = 0;
    for seed in [11, 12, 13] {
        let (out, server) = run(&[fault], seed, 64).await;
        if out.counterexample().is_some() {
            return (out, server, seed);
        }
        tried += out.cases_run;
        server.shutdown().await;
    }
    panic!("{fault}: not found in {tried} cases");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_and_shrinks_each_reachable_fault() {
    for &(fault, check, bound) in FAULTS {
        let (out, server, seed) = find(fault).await;
        let c = out.counterexample().unwrap();
        assert!(
            c.ops.len() <= bound,
            "{fault}: {} steps > {bound}\n{}",
            c.ops.len(),
            c.render()
        );
        let failing: Vec<&str> = out
            .results()
            .iter()
            .filter(|r| r.outcome.is_problem())
            .map(|r| r.meta.id)
            .collect();
        // Every sequence runs: the fault may show in more than one area, never outside the
        // checks it belongs to.
        assert!(
            !failing.is_empty() && failing.iter().all(|f| check.contains(f)),
            "{fault}: {failing:?}\n{}",
            c.render()
        );
        // Each failure carries its first divergence's comparison next to the text the reports
        // print (one failure type for fixed checks and sequences).
        for c in &out.counterexamples {
            let d = c.divergence().unwrap();
            let f = out
                .results()
                .into_iter()
                .find_map(|r| match r.outcome {
                    scim2_conformance::Outcome::Fail(f) if f.detail == c.render() => Some(f),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{fault}: no failure renders\n{}", c.render()));
            assert_eq!(
                (f.what, f.expected, f.observed, f.step),
                (
                    Some(d.what.clone()),
                    Some(d.expected.clone()),
                    Some(d.actual.clone()),
                    d.step
                ),
                "{fault}"
            );
        }
        // Each check that lists the fault reports it.
        for r in out.results() {
            if r.meta.faults.contains(&fault) {
                assert!(
                    r.outcome.is_problem(),
                    "{fault}: {} lists it but passed",
                    r.meta.id
                );
            }
        }
        assert!(c.attempt.divergence.is_some());
        // The token only ever appears as the variable, and the script cleans up after itself.
        assert!(c.script.contains("Bearer ${SCIM_TOKEN}"));
        assert_eq!(
            c.script.matches("Bearer ").count(),
            c.script.matches("Bearer ${SCIM_TOKEN}").count()
        );
        // (A minimal sequence may create nothing: a generated query alone.)
        assert!(
            !c.script.contains("=$(curl") || c.script.contains("-X DELETE"),
            "{fault}: {}",
            c.script
        );
        assert_eq!(server.reference().counts(), (0, 0), "{fault}: leftovers");
        // The saved sequence replays to the same divergence.
        let saved: Saved =
            serde_json::from_value(serde_json::json!({"seed": seed, "ops": c.ops})).unwrap();
        let again = stateful::replay(session(&server, seed), &saved).await;
        let d = again.counterexample().expect("replay fails too");
        assert_eq!(
            d.attempt.divergence.as_ref().unwrap().step,
            c.attempt.divergence.as_ref().unwrap().step
        );
        server.shutdown().await;
    }
}

#[tokio::test]
async fn sequence_only_faults_escape_the_fixed_checks() {
    let only: Vec<Fault> = Fault::ALL
        .iter()
        .copied()
        .filter(|f| f.sequence_only())
        .collect();
    assert!(only.len() >= 4, "{only:?}");
    for fault in only {
        let server = ReferenceServer::start(ReferenceConfig::default().with_fault(fault))
            .await
            .unwrap();
        for profile in [Profile::Entra, Profile::Rfc7644] {
            let mut cfg = RunConfig::new(5).unwrap();
            cfg.profile = profile;
            let journal = Arc::new(Journal::in_memory(&new_run_id()));
            let report = run_endpoint(&cfg, &server.base_url(), None, journal, &Quiet)
                .await
                .unwrap();
            let problems: Vec<String> = report
                .outcome
                .results
                .iter()
                .filter(|r| r.outcome.is_problem())
                .map(|r| r.meta.id.to_owned())
                .collect();
            assert!(
                problems.is_empty(),
                "{fault} caught by fixed {profile:?} checks {problems:?}"
            );
        }
        let out = stateful::run(session(&server, 11), &opts(64)).await;
        assert!(
            out.counterexample().is_some(),
            "{fault}: the stateful run misses it"
        );
        server.shutdown().await;
    }
}

/// The report with what legitimately differs between two runs replaced: the run id, the
/// port, ids (each distinct id by its order of first appearance, so which id is reused where
/// is still compared), timestamps, timings and the body lengths that follow from timestamps.
fn normalized(text: &str, run_id: &str) -> String {
    let mut ids: Vec<String> = Vec::new();
    let uuid =
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    // (Also upper-cased: a check's detail may show a name as it queried it.)
    let text = regex::Regex::new(&format!("(?i){}", regex::escape(run_id)))
        .unwrap()
        .replace_all(text, "RUN");
    let text = uuid.replace_all(&text, |c: &regex::Captures| {
        let id = c[0].to_owned();
        let n = ids.iter().position(|i| *i == id).unwrap_or_else(|| {
            ids.push(id);
            ids.len() - 1
        });
        format!("ID{n}")
    });
    let rules = [
        (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "TIME"),
        (
            r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
            "DATE",
        ),
        (r#""([a-z_]+_ms|latency_ms)": ?\d+"#, r#""$1": 0"#),
        (r"\d+ ms\b", "N ms"),
        // Timestamps print with as many fractional digits as they have.
        (r#"("content-length",\s*)"\d+""#, r#"$1"N""#),
        (r"(?i)(content-length: )\d+", "${1}N"),
        (r"\d+(\.\d+)? ?s\b", "N s"),
    ];
    // Versions (ETags) come from a counter of the endpoint's that every write advances, so
    // they depend on how writes interleave: each distinct version by its order of first
    // appearance, like ids.
    let mut versions: Vec<String> = Vec::new();
    let version = regex::Regex::new(r#"W/(\\*)"(\d+)\\*""#).unwrap();
    let text = version.replace_all(&text, |c: &regex::Captures| {
        let v = c[2].to_owned();
        let n = versions.iter().position(|i| *i == v).unwrap_or_else(|| {
            versions.push(v);
            versions.len() - 1
        });
        format!("W/{q}\"V{n}{q}\"", q = &c[1])
    });
    let mut text = text.into_owned();
    for (re, with) in rules {
        text = regex::Regex::new(re)
            .unwrap()
            .replace_all(&text, with)
            .into_owned();
    }
    text
}

/// One `--only stateful --seed 42` run against a fresh endpoint with `fault`: the JSON and the
/// human report, normalised.
async fn report_of(fault: Fault) -> (String, String) {
    let server = ReferenceServer::start(ReferenceConfig::default().with_fault(fault))
        .await
        .unwrap();
    let mut cfg = RunConfig::new(42).unwrap();
    cfg.options.only = vec!["stateful".into()];
    cfg.stateful = Some(opts(64));
    let run_id = new_run_id();
    let journal = Arc::new(Journal::in_memory(&run_id));
    let report = run_endpoint(&cfg, &server.base_url(), None, journal, &Quiet)
        .await
        .unwrap();
    server.shutdown().await;
    let json = scim2_conformance::render(&report, scim2_conformance::Format::Json);
    let human = scim2_conformance::render(&report, scim2_conformance::Format::Human);
    (normalized(&json, &run_id), normalized(&human, &run_id))
}

#[tokio::test]
async fn same_seed_same_report_byte_for_byte() {
    let (json_a, human_a) = report_of(Fault::SecondPatchLosesFirst).await;
    let (json_b, human_b) = report_of(Fault::SecondPatchLosesFirst).await;
    // The report holds the counterexample (so there is something to compare) …
    let v: serde_json::Value = serde_json::from_str(&json_a).unwrap();
    let failed: Vec<&serde_json::Value> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["counterexample"].is_null())
        .collect();
    assert_eq!(failed.len(), 1, "{json_a}");
    assert!(
        failed[0]["counterexample"]["steps"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    // … and is the same, byte for byte, once ids, ports and timings are set aside.
    for (a, b) in [(&json_a, &json_b), (&human_a, &human_b)] {
        let first = a.lines().zip(b.lines()).position(|(x, y)| x != y);
        assert!(
            a == b,
            "reports differ at line {first:?}: {:?} vs {:?}",
            first.and_then(|n| a.lines().nth(n)),
            first.and_then(|n| b.lines().nth(n))
        );
    }
}

/// A step's number and its requests' methods and statuses.
type Shape = (usize, Vec<(String, Option<u16>)>);

#[tokio::test]
async fn same_seed_same_sequences_and_same_report() {
    assert_eq!(
        stateful::generate(42, &opts(8)),
        stateful::generate(42, &opts(8))
    );
    assert_ne!(
        stateful::generate(42, &opts(8)),
        stateful::generate(43, &opts(8))
    );
    let (a, s1) = run(&[Fault::SecondPatchLosesFirst], 42, 64).await;
    let (b, s2) = run(&[Fault::SecondPatchLosesFirst], 42, 64).await;
    assert_eq!(a.sequences, b.sequences);
    let (ca, cb) = (a.counterexample().unwrap(), b.counterexample().unwrap());
    assert_eq!(ca.ops, cb.ops);
    assert_eq!(ca.case, cb.case);
    assert_eq!(ca.shrink_attempts, cb.shrink_attempts);
    let shape = |c: &stateful::Counterexample| -> Vec<Shape> {
        c.attempt
            .steps
            .iter()
            .map(|s| {
                (
                    s.number,
                    s.exchanges
                        .iter()
                        .map(|e| (e.method.clone(), e.status))
                        .collect(),
                )
            })
            .collect()
    };
    assert_eq!(shape(ca), shape(cb));
    s1.shutdown().await;
    s2.shutdown().await;
}

fn entra_opts(dialects: &[Dialect]) -> Options {
    Options {
        cases: 16,
        max_shrink: 16,
        shape: stateful::Shape {
            entra: true,
            dialects: dialects.to_vec(),
            ..stateful::Shape::default()
        },
        ..Options::default()
    }
}

/// Under the `entra` profile the stateful phase sends only Entra's queries (`attr eq "value"`
/// on userName, externalId, displayName, id; `excludedAttributes=members` for groups), picks
/// the run's own resources out by id (no `sw`), and sends every PATCH in the dialect asked for.
/// So its verdict on a deterministic endpoint does not depend on the seed: an endpoint with no
/// fault, or one that implements only Entra's filters, passes for every seed; one with a
/// fault Entra's requests hit fails for every seed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entra_profile_verdicts_do_not_depend_on_the_seed() {
    use Dialect::{Flagged, Legacy};
    let both = [Legacy, Flagged];
    let passing: &[(&[Fault], &[Dialect])] = &[
        (&[], &both),
        (&[Fault::EqFiltersOnly], &both),
        // Each dialect alone, for every operation kind.
        (&[Fault::RejectCapitalizedOps], &[Flagged]),
        (&[Fault::RejectStringBooleans], &[Flagged]),
        (&[Fault::PathlessReplaceIgnored], &[Legacy]),
        (&[Fault::LegacyMemberRemoveWipesGroup], &[Flagged]),
    ];
    let failing: &[(&[Fault], &[Dialect])] = &[
        (&[Fault::RejectCapitalizedOps], &[Legacy]),
        (&[Fault::PathlessReplaceIgnored], &[Flagged]),
        (&[Fault::RejectStringBooleans], &[Legacy]),
        (&[Fault::MembersNotRemoved, Fault::EqFiltersOnly], &both),
        (&[Fault::CaseSensitiveFilter], &both),
    ];
    for seed in [1, 2, 3] {
        for (faults, dialects) in passing {
            let server = ReferenceServer::start(
                ReferenceConfig::default().with_faults(faults.iter().copied()),
            )
            .await
            .unwrap();
            let out = stateful::run(session(&server, seed), &entra_opts(dialects)).await;
            assert!(
                out.error.is_none(),
                "{faults:?} seed {seed}: {:?}",
                out.error
            );
            assert!(
                out.counterexample().is_none(),
                "{faults:?} {dialects:?} seed {seed}: {}",
                out.counterexample().unwrap().render()
            );
            assert_eq!(out.cases_run, 16);
            for r in server.request_log() {
                let Some(q) = r.query.as_deref().filter(|q| q.contains("filter=")) else {
                    continue;
                };
                let filter = q
                    .split('&')
                    .find_map(|p| p.strip_prefix("filter="))
                    .map(|f| f.replace('+', " ").replace("%22", "\""))
                    .unwrap();
                let entra = [
                    "userName eq ",
                    "externalId eq ",
                    "displayName eq ",
                    "id eq ",
                ]
                .iter()
                .any(|p| filter.starts_with(p))
                    && !filter.contains(" and ")
                    && !filter.contains(" or ");
                assert!(entra, "seed {seed}: not a filter Entra sends: {q}");
                if r.path.ends_with("/Groups") {
                    assert!(q.contains("excludedAttributes=members"), "{q}");
                }
            }
            assert_eq!(server.reference().counts(), (0, 0));
            server.shutdown().await;
        }
        for (faults, dialects) in failing {
            let server = ReferenceServer::start(
                ReferenceConfig::default().with_faults(faults.iter().copied()),
            )
            .await
            .unwrap();
            let out = stateful::run(session(&server, seed), &entra_opts(dialects)).await;
            assert!(
                out.counterexample().is_some(),
                "{faults:?} {dialects:?} seed {seed}: not found in {} sequences",
                out.cases_run
            );
            server.shutdown().await;
        }
    }
}

/// `--budget` bounds the whole phase: when it cuts the sequences, a stateful check without
/// enough evidence is skipped with the reason (never passed), and every check says that the
/// budget stopped the phase.
#[tokio::test]
async fn a_budget_cut_never_passes_an_unexercised_check() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let o = Options {
        cases: 64,
        budget: Some(Duration::from_millis(1)),
        ..Options::default()
    };
    let out = stateful::run(session(&server, 5), &o).await;
    assert!(out.budget_cut, "{} sequences ran", out.cases_run);
    assert!(out.cases_run < 64);
    for r in out.results() {
        match &r.outcome {
            scim2_conformance::Outcome::Skip(why) => {
                assert!(why.contains("not exercised"), "{}: {why}", r.meta.id);
                assert!(why.contains("of 64 sequence"), "{}: {why}", r.meta.id);
            }
            o => panic!("{}: {o:?} after {} sequences", r.meta.id, out.cases_run),
        }
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("the budget stopped the phase")),
            "{:?}",
            r.notes
        );
    }
    assert_eq!(server.reference().counts(), (0, 0));
    server.shutdown().await;
}

/// The budget also stops the shrinking: the failure is reported as shrunk so far, and says so.
#[tokio::test]
async fn the_budget_bounds_shrinking_too() {
    let server =
        ReferenceServer::start(ReferenceConfig::default().with_fault(Fault::StoredThen500))
            .await
            .unwrap();
    let o = Options {
        cases: 64,
        budget: Some(Duration::from_millis(30)),
        max_shrink: 100_000,
        ..Options::default()
    };
    let out = stateful::run(session(&server, 11), &o).await;
    let c = out.counterexample().expect("the first sequence fails");
    assert!(out.shrink_cut);
    assert!(c.shrink_attempts < 100_000);
    let failing = out
        .results()
        .into_iter()
        .find(|r| r.outcome.is_problem())
        .unwrap();
    assert!(
        failing
            .notes
            .iter()
            .any(|n| n.contains("stopped the shrinking")),
        "{:?}",
        failing.notes
    );
    server.shutdown().await;
}

/// Without a budget, exactly the sequences asked for run, and a check with no operation of
/// its own in them is skipped, not passed.
#[tokio::test]
async fn cases_are_honoured_exactly_without_a_budget() {
    let server = ReferenceServer::start(ReferenceConfig::default())
        .await
        .unwrap();
    let o = Options {
        cases: 40,
        budget: None,
        ..Options::default()
    };
    let out = stateful::run(session(&server, 2), &o).await;
    assert_eq!(out.cases_run, 40);
    assert!(!out.budget_cut);
    assert!(
        out.results()
            .iter()
            .all(|r| r.outcome == scim2_conformance::Outcome::Pass)
    );
    // A saved sequence with user operations only exercises stateful.users alone.
    let saved: Saved = serde_json::from_value(serde_json::json!({"seed": 1, "ops": [
        {"op": "createUser", "seed": 1, "names": ["Ann", "Lee"], "domain": "example.com", "omit": 0, "reuse": null}
    ]}))
    .unwrap();
    let out = stateful::replay(session(&server, 1), &saved).await;
    let outcomes: Vec<String> = out
        .results()
        .iter()
        .map(|r| format!("{} {}", r.meta.id, r.outcome.status()))
        .collect();
    // A replay speaks only for the checks its operations belong to: no skips for the others.
    assert_eq!(outcomes, ["stateful.users pass"]);
    server.shutdown().await;
}

/// Every sequence runs whatever failed before it: two faults in two areas fail both checks, each
/// with its own shrunk counterexample, on every seed (a phase that stopped at its first failure
/// passed whichever area the seed happened to reach second).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_in_one_area_does_not_hide_another() {
    for seed in [1, 2, 3] {
        let (out, server) = run(
            &[Fault::SecondPatchLosesFirst, Fault::CaseSensitiveFilter],
            seed,
            64,
        )
        .await;
        let failing: Vec<&str> = out
            .results()
            .iter()
            .filter(|r| r.outcome.is_problem())
            .map(|r| r.meta.id)
            .collect();
        assert_eq!(
            failing,
            ["stateful.users", "stateful.filters"],
            "seed {seed}"
        );
        assert_eq!(out.counterexamples.len(), 2, "seed {seed}");
        assert_eq!(out.cases_run, 64, "seed {seed}: every sequence runs");
        assert!(
            out.failures[0] >= 1 && out.failures[2] >= 1,
            "{:?}",
            out.failures
        );
        assert_eq!(
            server.reference().counts(),
            (0, 0),
            "seed {seed}: leftovers"
        );
        server.shutdown().await;
    }
}

/// A deleted user left listed in its groups, and a member listed twice after a repeated add,
/// are graded SHOULD (`entra.group.deleted-user`, `entra.group.members.add-repeat`); the MUST
/// stateful checks do not fail on them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn should_level_membership_faults_are_not_stateful_failures() {
    let (out, server) = run(
        &[Fault::DeletedUserStaysMember, Fault::DuplicateMembers],
        1,
        32,
    )
    .await;
    assert!(
        out.counterexample().is_none(),
        "{}",
        out.counterexample().unwrap().render()
    );
    // The sequences did delete members of groups.
    assert!(out.sequences.iter().any(|ops| {
        ops.iter()
            .any(|o| matches!(o, stateful::Op::DeleteUser { .. }))
            && ops
                .iter()
                .any(|o| matches!(o, stateful::Op::AddMembers { .. }))
    }));
    server.shutdown().await;
}

/// A fault that makes most sequences diverge at their first step (every user reads back with
/// `active` as a string) does not hide a group fault: the rest of each divergent sequence is
/// run again without the divergent step, so both checks fail on every seed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_divergence_does_not_mask_the_other_areas() {
    for seed in [1, 2, 3, 4] {
        let (out, server) = run(&[Fault::ActiveAsString, Fault::MembersNotRemoved], seed, 16).await;
        let failing: Vec<&str> = out
            .results()
            .iter()
            .filter(|r| r.outcome.is_problem())
            .map(|r| r.meta.id)
            .collect();
        assert_eq!(
            failing,
            ["stateful.users", "stateful.groups"],
            "seed {seed}"
        );
        assert_eq!(
            server.reference().counts(),
            (0, 0),
            "seed {seed}: leftovers"
        );
        server.shutdown().await;
    }
}

/// The human report names each step in words, its users and groups by creation order (an
/// index 0 means "the live user written last"), while the JSON keeps the replayable ops.
#[tokio::test]
async fn counterexample_steps_read_as_sentences() {
    let server = ReferenceServer::start(
        ReferenceConfig::default().with_faults([Fault::RejectManagerString]),
    )
    .await
    .unwrap();
    let saved: Saved = serde_json::from_value(serde_json::json!({
        "seed": 1,
        "ops": [
            {"op": "createUser", "seed": 0, "names": ["Ann", "Lee"], "domain": "a.com", "omit": 0, "reuse": null},
            {"op": "createUser", "seed": 1, "names": ["Bo", "Ek"], "domain": "a.com", "omit": 0, "reuse": null},
            {"op": "createGroup"},
            {"op": "addMembers", "group": 0, "users": [0, 1], "flagged": true},
            {"op": "setActive", "user": 1, "active": false, "flagged": false},
            {"op": "setManager", "user": 1, "manager": 0, "flagged": false},
        ]
    }))
    .unwrap();
    let out = stateful::replay(session(&server, 1), &saved).await;
    server.shutdown().await;
    let c = out.counterexample().expect("the manager PATCH is refused");
    let text = c.render();
    for step in [
        "  1. POST the 1st user -> ",
        "  2. POST the 2nd user -> ",
        "  3. POST the 1st group -> ",
        "  4. PATCH the 1st group: add the 2nd and 1st users as members (flagged dialect) -> ",
        // The 2nd user was written last (step 4 touched the group, not the users), so index 1
        // names the 1st user.
        "  5. PATCH the 1st user: set active to false (legacy dialect) -> ",
        // Index 1 is now the 2nd user; the manager index 0 is the user written last, the 1st.
        "  6. PATCH the 2nd user: set manager to the 1st (legacy dialect) -> diverged",
    ] {
        assert!(text.contains(step), "{step:?} in\n{text}");
    }
    assert!(!text.contains("{\"op\""), "{text}");
    // The JSON form is unchanged: the ops as saved.
    assert_eq!(
        c.to_json()["ops"],
        serde_json::to_value(&saved).unwrap()["ops"]
    );
    assert_eq!(c.to_json()["steps"][5]["op"]["op"], "setManager");
}

/// An endpoint that advertises `filter.supported = false` is sent no query: the users and groups
/// are compared by id only (a case-sensitive filter cannot fail them), and the filters check
/// has nothing to pass on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_queries_when_filtering_is_not_offered() {
    let server = ReferenceServer::start(
        ReferenceConfig::default().with_faults([Fault::CaseSensitiveFilter]),
    )
    .await
    .unwrap();
    let mut o = opts(16);
    o.shape.filter = false;
    let out = stateful::run(session(&server, 3), &o).await;
    let outcomes: Vec<String> = out
        .results()
        .iter()
        .map(|r| format!("{} {}", r.meta.id, r.outcome.status()))
        .collect();
    assert_eq!(
        outcomes,
        [
            "stateful.users pass",
            "stateful.groups pass",
            "stateful.filters skip"
        ]
    );
    assert_eq!(server.reference().counts(), (0, 0));
    server.shutdown().await;
}

/// A default run (the fixed checks, then 64 stateful sequences) with `seed` against a fresh
/// endpoint with `faults`, at `concurrency`: the JSON and human reports, normalised.
async fn report_at(faults: &[Fault], seed: u64, concurrency: usize) -> (String, String) {
    let server =
        ReferenceServer::start(ReferenceConfig::default().with_faults(faults.iter().copied()))
            .await
            .unwrap();
    let mut cfg = RunConfig::new(seed).unwrap();
    cfg.options.concurrency = concurrency;
    cfg.stateful = Some(opts(64));
    let run_id = new_run_id();
    let journal = Arc::new(Journal::in_memory(&run_id));
    let report = run_endpoint(&cfg, &server.base_url(), None, journal, &Quiet)
        .await
        .unwrap();
    assert_eq!(server.reference().counts(), (0, 0), "leftovers");
    server.shutdown().await;
    let json = scim2_conformance::render(&report, scim2_conformance::Format::Json);
    let human = scim2_conformance::render(&report, scim2_conformance::Format::Human);
    (normalized(&json, &run_id), normalized(&human, &run_id))
}

/// `--concurrency 8` runs checks and stateful sequences 8 at a time, and its report is the one
/// `--concurrency 1` writes, byte for byte (ids, ports, timings and server-assigned versions set
/// aside): with no fault, and with faults that fail fixed checks and two stateful checks (so
/// transcripts, counterexamples, failure counts and shrinking are compared too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_does_not_change_the_report() {
    let two = [Fault::SecondPatchLosesFirst, Fault::CaseSensitiveFilter];
    for faults in [&[][..], &two[..]] {
        let (json_1, human_1) = report_at(faults, 7, 1).await;
        let (json_8, human_8) = report_at(faults, 7, 8).await;
        let v: serde_json::Value = serde_json::from_str(&json_1).unwrap();
        let failed: Vec<&str> = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| !c["counterexample"].is_null())
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        let expected: &[&str] = if faults.is_empty() {
            &[]
        } else {
            &["stateful.users", "stateful.filters"]
        };
        assert_eq!(failed, expected, "{faults:?}");
        for (a, b) in [(&json_1, &json_8), (&human_1, &human_8)] {
            let first = a.lines().zip(b.lines()).position(|(x, y)| x != y);
            assert!(
                a == b,
                "{faults:?}: reports differ at line {first:?}: {:?} vs {:?}",
                first.and_then(|n| a.lines().nth(n)),
                first.and_then(|n| b.lines().nth(n))
            );
        }
    }
}

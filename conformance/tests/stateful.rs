//! Stateful runs (issue 6) against the built-in reference endpoint.

#![allow(clippy::unwrap_used)] // tests may unwrap (GUIDE.md)

use std::sync::Arc;
use std::time::Duration;

use scim2_conformance::cli::{RunConfig, run_endpoint};
use scim2_conformance::journal::{Journal, new_run_id};
use scim2_conformance::mapping::Mapping;
use scim2_conformance::reference::{Fault, ReferenceConfig, ReferenceServer};
use scim2_conformance::runner::Quiet;
use scim2_conformance::session::Session;
use scim2_conformance::stateful::{self, Options, Saved, StatefulOutcome};
use scim2_conformance::transport::{HttpTransport, Transport};

fn session(server: &ReferenceServer, seed: u64) -> Arc<Session> {
    let t: Arc<dyn Transport> = Arc::new(
        HttpTransport::new(&server.base_url(), None, Duration::from_secs(10), None).unwrap(),
    );
    let journal = Arc::new(Journal::in_memory(&new_run_id()));
    Arc::new(Session::new(
        t,
        journal,
        Arc::new(Mapping::entra_default().unwrap()),
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
            out.counterexample.is_none(),
            "seed {seed}: {}",
            out.counterexample.unwrap().render()
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
    (Fault::CaseSensitiveFilter, &["stateful.filters"], 2),
    (Fault::MembersNotRemoved, &["stateful.groups"], 4),
    (Fault::DeletedUserStaysMember, &["stateful.groups"], 5),
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
    (Fault::IgnoreValuePathPatch, &["stateful.users"], 2),
    (Fault::DuplicateMembers, &["stateful.groups"], 4),
    (Fault::InactiveUsersHidden, &["stateful.filters"], 3),
];

/// Runs up to three fixed seeds of 64 cases each until one finds the fault.
async fn find(fault: Fault) -> (StatefulOutcome, ReferenceServer, u64) {
    let mut tried = 0;
    for seed in [11, 12, 13] {
        let (out, server) = run(&[fault], seed, 64).await;
        if out.counterexample.is_some() {
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
        let c = out.counterexample.as_ref().unwrap();
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
        assert!(
            failing.len() == 1 && check.contains(&failing[0]),
            "{fault}: {failing:?}\n{}",
            c.render()
        );
        assert!(c.attempt.divergence.is_some());
        // The token only ever appears as the variable, and the script cleans up after itself.
        assert!(c.script.contains("Bearer ${SCIM_TOKEN}"));
        assert_eq!(
            c.script.matches("Bearer ").count(),
            c.script.matches("Bearer ${SCIM_TOKEN}").count()
        );
        assert!(c.script.contains("-X DELETE"));
        assert_eq!(server.reference().counts(), (0, 0), "{fault}: leftovers");
        // The saved sequence replays to the same divergence.
        let saved: Saved =
            serde_json::from_value(serde_json::json!({"seed": seed, "ops": c.ops})).unwrap();
        let again = stateful::replay(session(&server, seed), &saved).await;
        let d = again.counterexample.expect("replay fails too");
        assert_eq!(
            d.attempt.divergence.as_ref().unwrap().step,
            c.attempt.divergence.as_ref().unwrap().step
        );
        server.shutdown().await;
    }
}

#[tokio::test]
async fn sequence_only_faults_escape_the_fixed_checks() {
    for &fault in Fault::ALL.iter().filter(|f| f.sequence_only()) {
        let server = ReferenceServer::start(ReferenceConfig::default().with_fault(fault))
            .await
            .unwrap();
        let cfg = RunConfig::new(5).unwrap();
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
            "{fault} caught by fixed checks {problems:?}"
        );
        let out = stateful::run(session(&server, 11), &opts(64)).await;
        assert!(
            out.counterexample.is_some(),
            "{fault}: the stateful run misses it"
        );
        server.shutdown().await;
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
    let (ca, cb) = (a.counterexample.unwrap(), b.counterexample.unwrap());
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
    assert_eq!(shape(&ca), shape(&cb));
    s1.shutdown().await;
    s2.shutdown().await;
}

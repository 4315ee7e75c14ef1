//! The full `entra` and `rfc7644` profiles against third-party SCIM servers.
//!
//! `cargo xtask test` (its `interop` step) installs and starts the pinned peers on 127.0.0.1
//! and runs every `interop` test target with `SCIM_INTEROP_PEERS=name=url,…` and the bearer
//! token in `SCIM_INTEROP_TOKEN`. This target runs both profiles, fixed checks and the
//! stateful phase ([`CASES`] sequences), against each peer with each of [`SEEDS`]: a verdict
//! that changes with the seed fails the test. The verdicts, check id → outcome and
//! requirement, are compared with the peer's reviewed insta snapshot
//! (`tests/snapshots/interop__<peer>.snap`): a change in any verdict fails the test. Every MUST
//! failure in a snapshot is explained, one line each, in `tests/interop-deviations.md`.
//!
//! Peers whose verdicts are not stable from run to run are left out (see [`UNSTABLE`]).
//!
//! Run by hand against peers started with `cargo xtask peers start`:
//! `SCIM_INTEROP_PEERS=scim2-server=http://127.0.0.1:8081 SCIM_INTEROP_TOKEN=… \
//!  cargo test -p scim2-conformance --test interop -- --include-ignored`

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use scim2_conformance::{
    Journal, Profile, Quiet, Requirement, RunConfig, StatefulOptions, Token, new_run_id,
    run_endpoint, stateful_checks,
};

/// Peers left out of the comparison because their verdicts changed between identical runs,
/// with the reason.
const UNSTABLE: &[(&str, &str)] = &[];

/// The reviewed explanations of the MUST failures.
const DEVIATIONS: &str = include_str!("interop-deviations.md");

/// Profile → check id → `"<outcome> (<requirement>)"`.
type Verdicts = BTreeMap<String, BTreeMap<String, String>>;

/// The seeds every peer is run with: a verdict must not depend on the seed.
const SEEDS: [u64; 3] = [1, 2, 3];

/// Stateful sequences per run (the CLI's default is 64; fewer keep the suite's time in bounds
/// while still reaching every operation kind).
const CASES: u32 = 16;

/// Shrink attempts per counterexample (the CLI's default is 512).
const MAX_SHRINK: u32 = 32;

/// Runs both profiles, fixed checks and stateful phase, against one peer with each seed, one
/// run after the other. Returns the verdicts (identical for every seed, or the check is listed
/// as unstable), the checks whose verdict changed with the seed, and the detail of each check
/// that did not pass (for the log, not the snapshot).
async fn verdicts(url: String, token: Option<Token>) -> (Verdicts, Vec<String>, Vec<String>) {
    let mut details = Vec::new();
    let mut all = Verdicts::new();
    let mut unstable = Vec::new();
    for profile in [Profile::Entra, Profile::Rfc7644] {
        let mut by_seed: Vec<BTreeMap<String, String>> = Vec::new();
        for seed in SEEDS {
            let mut cfg = RunConfig::new(seed).unwrap();
            cfg.profile = profile;
            cfg.timeout = Duration::from_secs(20);
            // One check at a time: the SQLite-backed peers answer concurrent writes differently
            // from run to run.
            cfg.options.concurrency = 1;
            cfg.stateful = Some(StatefulOptions {
                cases: CASES,
                ..StatefulOptions::default()
            });
            // The verdicts do not depend on how far a counterexample is shrunk (a candidate is
            // kept only if it fails in the same check); a short shrink keeps slow peers fast.
            if let Some(s) = cfg.stateful.as_mut() {
                s.max_shrink = MAX_SHRINK;
            }
            let journal = Arc::new(Journal::in_memory(&new_run_id()));
            let report = run_endpoint(&cfg, &url, token.clone(), journal, &Quiet)
                .await
                .unwrap();
            for r in &report.outcome.results {
                if let Some(d) = r.outcome.detail() {
                    let d: String = d.chars().take(300).collect();
                    details.push(format!(
                        "{profile} seed {seed} {} {}: {d}",
                        r.meta.id,
                        r.outcome.status()
                    ));
                }
            }
            // For the review of every failure against its transcript: the human report with
            // every exchange, one file per peer, profile and seed, when asked for.
            if let Some(dir) = std::env::var_os("SCIM_INTEROP_TRANSCRIPTS") {
                let dir = std::path::PathBuf::from(dir);
                let _ = std::fs::create_dir_all(&dir);
                let host = url.replace(['/', ':'], "_");
                let _ = std::fs::write(
                    dir.join(format!("{host}-{profile}-seed{seed}.txt")),
                    scim2_conformance::render(&report, scim2_conformance::Format::Human),
                );
            }
            by_seed.push(
                report
                    .outcome
                    .results
                    .iter()
                    .map(|r| {
                        (
                            r.meta.id.to_string(),
                            format!("{} ({})", r.outcome.status(), r.meta.requirement),
                        )
                    })
                    .collect(),
            );
        }
        let first = by_seed[0].clone();
        for (i, other) in by_seed.iter().enumerate().skip(1) {
            for (id, v) in &first {
                if other.get(id) != Some(v) {
                    unstable.push(format!(
                        "{profile} {id}: seed {} gave {v}, seed {} gave {:?}",
                        SEEDS[0],
                        SEEDS[i],
                        other.get(id)
                    ));
                }
            }
        }
        all.insert(profile.to_string(), first);
    }
    (all, unstable, details)
}

/// The MUST checks that did not pass (fail or error) in any profile.
fn must_failures(v: &Verdicts) -> BTreeSet<String> {
    let must = format!("({})", Requirement::Must);
    v.values()
        .flat_map(|checks| checks.iter())
        .filter(|(_, o)| o.ends_with(&must) && (o.starts_with("fail") || o.starts_with("error")))
        .map(|(id, _)| id.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs third-party SCIM servers: run by `cargo xtask test` (interop step)"]
async fn profiles_against_peers_match_their_reviewed_verdicts() {
    let token = scim2_interop_support::token_from_env().map(|t| Token::new(&t));
    let started = Instant::now();
    let mut runs = Vec::new();
    for (name, url) in scim2_interop_support::peers_from_env() {
        if let Some((_, why)) = UNSTABLE.iter().find(|(n, _)| *n == name) {
            eprintln!("interop: {name} LEFT OUT (verdicts not stable across runs: {why})");
            continue;
        }
        let token = token.clone();
        runs.push(async move { (name, verdicts(url, token).await) });
    }
    // The peers are separate servers: run them side by side.
    let results = futures::future::join_all(runs).await;
    eprintln!(
        "interop: both profiles against {} peer(s) in {:.1?}",
        results.len(),
        started.elapsed()
    );
    let mut changed = Vec::new();
    let mut unstable_peers = Vec::new();
    for (name, (v, unstable, details)) in results {
        eprintln!("interop: {name}:");
        for d in &details {
            eprintln!("  {}", d.replace('\n', " "));
        }
        if !unstable.is_empty() {
            eprintln!("interop: {name}: verdicts that depend on the seed:");
            for u in &unstable {
                eprintln!("  {u}");
            }
            unstable_peers.push(name.clone());
        }
        let unexplained: Vec<String> = must_failures(&v)
            .difference(&scim2_interop_support::explained(DEVIATIONS, &name))
            .cloned()
            .collect();
        // Check every peer before failing, so one run shows every changed verdict.
        let compared = std::panic::catch_unwind(|| {
            insta::assert_yaml_snapshot!(name.as_str(), v);
        });
        if compared.is_err() || !unexplained.is_empty() {
            if !unexplained.is_empty() {
                eprintln!(
                    "interop: {name}: MUST failures without a reason in \
                     tests/interop-deviations.md: {}",
                    unexplained.join(", ")
                );
            }
            changed.push(name);
        }
    }
    assert!(
        unstable_peers.is_empty(),
        "verdicts changed with the seed (a conformance verdict must be stable) for: {}",
        unstable_peers.join(", ")
    );
    assert!(
        changed.is_empty(),
        "verdicts differ from the reviewed snapshots, or a MUST failure is unexplained, for: {} \
         (review with `cargo insta review`, and explain every MUST failure in \
         conformance/tests/interop-deviations.md)",
        changed.join(", ")
    );
}

#[test]
fn explained_reads_the_ids_under_a_peer_heading() {
    // Every explained id is a real check id of the rfc7644 profile (which holds the entra ones).
    let known: BTreeSet<String> = Profile::Rfc7644
        .checks()
        .iter()
        .map(|c| c.meta.id.to_string())
        .chain(stateful_checks().iter().map(|m| m.id.to_string()))
        .collect();
    for peer in [
        "scim2-server",
        "django-scim2",
        "django-scim2-server",
        "scimmy",
        "better-auth-scim",
        "canaille",
    ] {
        for id in scim2_interop_support::explained(DEVIATIONS, peer) {
            assert!(
                known.contains(&id),
                "interop-deviations.md names unknown check `{id}`"
            );
        }
    }
}

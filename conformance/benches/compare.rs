//! `compare` at directory scale: 100,000 users and 5,000 groups of 20 members per side.
//!
//! Part 1 (one shot, printed): both directories are served by two in-process loopback
//! endpoints; the wall time and peak memory (VmHWM, reset through `/proc/self/clear_refs`
//! before each phase) of `compare_endpoints` are measured against a naive peer that streams
//! the same pages with scim2-client and keeps every resource as JSON (what a comparison
//! without the compact index would hold). Part 2 (criterion): the pure comparison of two
//! indexed directories, and indexing itself.
//!
//! Run: `cargo bench -p scim2-conformance --bench compare`
//! (`COMPARE_BENCH_USERS=N` scales the directory down for a quick look).
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../tests/compare_support/mod.rs"]
mod compare_support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use compare_support::{Dir, Faults, Server, directory};
use criterion::Criterion;
use futures::TryStreamExt;
use scim2_client::{Client, Query};
use scim2_conformance::compare::fetch::{WireGroup, WireUser};
use scim2_conformance::compare::{
    Directory, Mapping, ReadOptions, Side, SideProgress, compare, compare_endpoints,
};
use serde_json::Value;

fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets VmHWM to the current RSS (Linux `clear_refs` value 5); false when not possible.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

struct Phase {
    wall: Duration,
    rss_before_kib: u64,
    peak_kib: u64,
}

impl Phase {
    fn growth_mib(&self) -> f64 {
        mib(self.peak_kib.saturating_sub(self.rss_before_kib))
    }
}

async fn measured<T>(f: impl std::future::Future<Output = T>) -> (T, Phase) {
    let reset = reset_peak();
    let rss_before_kib = status_kib("VmRSS:").unwrap_or(0);
    let t0 = Instant::now();
    let out = f.await;
    let wall = t0.elapsed();
    let peak_kib = status_kib("VmHWM:").unwrap_or(0);
    if !reset {
        eprintln!("note: /proc/self/clear_refs not writable; peak is for the whole process");
    }
    (
        out,
        Phase {
            wall,
            rss_before_kib,
            peak_kib,
        },
    )
}

/// The naive peer: every resource of both endpoints kept as JSON.
async fn naive(a: &Client, b: &Client) -> usize {
    let read = |c: Client| async move {
        let users: Vec<WireUser> = c
            .stream::<WireUser>(Query::new().count(100))
            .try_collect()
            .await
            .unwrap();
        let groups: Vec<WireGroup> = c
            .stream::<WireGroup>(Query::new().count(100))
            .try_collect()
            .await
            .unwrap();
        (users, groups)
    };
    let ((ua, ga), (ub, gb)) = tokio::join!(read(a.clone()), read(b.clone()));
    let n = ua.len() + ga.len() + ub.len() + gb.len();
    black_box((ua, ga, ub, gb));
    n
}

fn index(url: &str, d: &Dir, m: &Mapping) -> Directory {
    let mut out = Directory::new(url);
    for u in &d.users {
        out.users.push(u, &m.users);
    }
    for g in &d.groups {
        out.groups.push(g, &m.groups);
    }
    out
}

fn main() {
    let users: usize = std::env::var("COMPARE_BENCH_USERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let groups = (users / 20).max(1);
    let members = 20;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mapping = Mapping::entra_default();

    rt.block_on(async {
        let a = Server::start(directory("old", users, groups, members), Faults::default()).await;
        let b = Server::start(directory("new", users, groups, members), Faults::default()).await;
        let client = |url: &str| Client::builder(url).build().unwrap();
        let (ca, cb) = (client(&a.url), client(&b.url));
        println!(
            "compare bench: {users} users, {groups} groups x {members} members per side, \
             2 loopback endpoints in process, page size 100"
        );
        let (n, peer) = measured(naive(&ca, &cb)).await;
        assert_eq!(n, 2 * (users + groups));
        println!(
            "  peer (scim2-client stream, whole resources kept): {:>7.2} s, peak growth {:>8.1} MiB",
            peer.wall.as_secs_f64(),
            peer.growth_mib()
        );
        for concurrency in [1, 4] {
            let requests_before = a.log().len() + b.log().len();
            let opts = ReadOptions {
                page_size: 100,
                concurrency,
            };
            let progress = [
                Arc::new(SideProgress::new(Side::From)),
                Arc::new(SideProgress::new(Side::To)),
            ];
            let (c, phase) =
                measured(compare_endpoints(&ca, &cb, &mapping, opts, progress)).await;
            let c = c.unwrap();
            assert!(c.identical(), "{:?}", c.totals);
            assert_eq!(c.totals.matched_users, users);
            assert_eq!(c.totals.matched_groups, groups);
            assert_eq!(c.from.memberships, groups * members.min(users));
            let requests = a.log().len() + b.log().len() - requests_before;
            println!(
                "  compare --concurrency {concurrency}:                     {:>7.2} s, peak growth {:>8.1} MiB \
                 (process VmHWM {:.1} MiB), {requests} GET requests; time x{:.2}, memory x{:.2} of the peer",
                phase.wall.as_secs_f64(),
                phase.growth_mib(),
                mib(phase.peak_kib),
                phase.wall.as_secs_f64() / peer.wall.as_secs_f64(),
                phase.growth_mib() / peer.growth_mib().max(0.1),
            );
        }
    });
    drop(rt);

    // Part 2: the pure core.
    let da = directory("old", users, groups, members);
    let db = directory("new", users, groups, members);
    let mut crit = Criterion::default().configure_from_args().sample_size(10);
    let (ia, ib) = (index("o", &da, &mapping), index("n", &db, &mapping));
    crit.bench_function("compare/core (pair + classify, both directories indexed)", |bch| {
        bch.iter(|| black_box(compare(&ia, &ib, &mapping)));
    });
    let sample: Vec<Value> = da.users.iter().take(1000).cloned().collect();
    crit.bench_function("compare/index 1000 users (22 mapped attributes)", |bch| {
        bch.iter(|| {
            let mut d = Directory::new("x");
            for u in &sample {
                d.users.push(u, &mapping.users);
            }
            black_box(d)
        });
    });
    crit.final_summary();
}

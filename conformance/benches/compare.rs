//! `compare` at directory scale: 100,000 users and 5,000 groups of 20 members per side.
//!
//! Part 1 (one shot, printed): a child process serves both directories on loopback; each
//! phase runs in a process of its own, which reports its wall time and peak memory (VmHWM
//! from /proc/self/status): `compare_endpoints` at concurrency 1 and 4, against a naive
//! peer that streams the same pages with scim2-client and keeps every resource as JSON
//! (what a comparison without the compact index would hold), and a baseline process that
//! only builds the runtime and clients. Part 2 (criterion): the pure comparison of two
//! indexed directories, and indexing itself.
//!
//! Run: `cargo bench -p scim2-conformance --bench compare`
//! (`COMPARE_BENCH_USERS=N` scales the directory down for a quick look).
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../tests/compare_support/mod.rs"]
mod compare_support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

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

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
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

const ROLE: &str = "COMPARE_BENCH_ROLE";

fn sizes() -> (usize, usize, usize) {
    let users: usize = std::env::var("COMPARE_BENCH_USERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    ((users), (users / 20).max(1), 20)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Child process: serves both directories until its stdin closes.
fn serve() {
    let (users, groups, members) = sizes();
    runtime().block_on(async {
        let a = Server::start(directory("old", users, groups, members), Faults::default()).await;
        let b = Server::start(directory("new", users, groups, members), Faults::default()).await;
        println!("{} {}", a.url, b.url);
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut sink);
        })
        .await
        .unwrap();
    });
}

/// Child process: one measured phase against the served directories; prints
/// `wall_seconds vmhwm_kib requests`.
fn phase(name: &str, urls: &str) {
    let (users, groups, members) = sizes();
    let (ua, ub) = urls.split_once(' ').unwrap();
    let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = requests.clone();
    let observer = move |_: &scim2_client::Exchange| {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    let observer: Arc<dyn scim2_client::Observer> = Arc::new(observer);
    let client = |url: &str| {
        Client::builder(url)
            .observer(observer.clone())
            .build()
            .unwrap()
    };
    let (ca, cb) = (client(ua), client(ub));
    let mapping = Mapping::entra_default();
    let t0 = Instant::now();
    runtime().block_on(async {
        match name {
            "baseline" => {}
            "peer" => assert_eq!(naive(&ca, &cb).await, 2 * (users + groups)),
            _ => {
                let concurrency = name.trim_start_matches("compare").parse().unwrap();
                let opts = ReadOptions {
                    page_size: 100,
                    concurrency,
                };
                let progress = [
                    Arc::new(SideProgress::new(Side::From)),
                    Arc::new(SideProgress::new(Side::To)),
                ];
                let c = compare_endpoints(&ca, &cb, &mapping, opts, progress)
                    .await
                    .unwrap();
                assert!(c.identical(), "{:?}", c.totals);
                assert_eq!(c.totals.matched_users, users);
                assert_eq!(c.totals.matched_groups, groups);
                assert_eq!(c.from.memberships, groups * members.min(users));
                black_box(c);
            }
        }
    });
    let wall = t0.elapsed().as_secs_f64();
    println!(
        "{wall} {} {}",
        status_kib("VmHWM:").unwrap_or(0),
        requests.load(std::sync::atomic::Ordering::Relaxed)
    );
}

fn run_phase(exe: &std::path::Path, name: &str, urls: &str) -> (f64, u64, usize) {
    let out = std::process::Command::new(exe)
        .env(ROLE, format!("phase:{name}"))
        .env("COMPARE_BENCH_URLS", urls)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut f = text.split_whitespace();
    (
        f.next().unwrap().parse().unwrap(),
        f.next().unwrap().parse().unwrap(),
        f.next().unwrap().parse().unwrap(),
    )
}

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("serve") => return serve(),
        Ok(p) if p.starts_with("phase:") => {
            let urls = std::env::var("COMPARE_BENCH_URLS").unwrap();
            return phase(&p["phase:".len()..], &urls);
        }
        _ => {}
    }
    let (users, groups, members) = sizes();
    let mapping = Mapping::entra_default();
    let exe = std::env::current_exe().unwrap();
    let mut server = std::process::Command::new(&exe)
        .env(ROLE, "serve")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let urls = line.trim().to_owned();
    println!(
        "compare bench: {users} users, {groups} groups x {members} members per side; both \
         endpoints served by a child process on loopback; each phase in its own process; \
         page size 100"
    );
    let (_, base_kib, _) = run_phase(&exe, "baseline", &urls);
    println!(
        "  baseline process (runtime + clients, no reading): VmHWM {:.1} MiB",
        mib(base_kib)
    );
    let (peer_s, peer_kib, peer_req) = run_phase(&exe, "peer", &urls);
    println!(
        "  peer: scim2-client stream, whole resources kept: {peer_s:>6.2} s, VmHWM {:>7.1} MiB, {peer_req} GET",
        mib(peer_kib)
    );
    for c in [1, 4] {
        let (s, kib, req) = run_phase(&exe, &format!("compare{c}"), &urls);
        println!(
            "  compare_endpoints --concurrency {c}:               {s:>6.2} s, VmHWM {:>7.1} MiB, {req} GET; \
             time x{:.2}, peak memory x{:.2} of the peer",
            mib(kib),
            s / peer_s,
            kib as f64 / peer_kib as f64
        );
    }
    drop(server.stdin.take());
    let _ = server.wait();

    // Part 2: the pure core.
    let da = directory("old", users, groups, members);
    let db = directory("new", users, groups, members);
    let mut crit = Criterion::default().configure_from_args().sample_size(10);
    let (ia, ib) = (index("o", &da, &mapping), index("n", &db, &mapping));
    crit.bench_function(
        "compare/core (pair + classify, both directories indexed)",
        |bch| {
            bch.iter(|| black_box(compare(&ia, &ib, &mapping)));
        },
    );
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

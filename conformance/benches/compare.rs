//! `compare` at directory scale: 100,000 users and 5,000 groups of 20 members per side.
//!
//! Part 1 (one shot, printed): a child process serves both directories on loopback; each
//! phase runs in a process of its own, which reports its wall time and peak memory (VmHWM
//! from /proc/self/status): `compare_endpoints` at concurrency 1 and 4, against a naive
//! peer that streams the same pages with scim2-client and keeps every resource as JSON
//! (what a comparison without the compact index would hold), and a baseline process that
//! only builds the runtime and clients. The wall times of the peer and of concurrency 4 are
//! written where criterion writes its results (as the latency bench does), so that
//! `cargo xtask bench` shows their ratio. Part 2 (criterion): the pure comparison of two
//! indexed directories, and indexing itself.
//!
//! Run: `cargo bench -p scim2-conformance --bench compare`
//! (`COMPARE_BENCH_USERS=N` scales the directory; `COMPARE_BENCH_MILLION=1` runs the
//! 1,000,000-user case instead: 1,000,000 users and 50,000 groups per side, generated page by
//! page by the serving process, compared at concurrency 4 only, with its peak memory
//! against the 1 GiB budget).
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
use scim2_conformance::compare::{
    Directory, Mapping, ReadOptions, Side, SideProgress, compare, compare_endpoints,
};
use scim2_conformance::compare::{Extractor, ResourceKind};
use serde_json::Value;

fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// A user as the naive peer keeps it: the whole JSON document.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct WireUser(Value);

/// A group as the naive peer keeps it.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct WireGroup(Value);

impl scim2_types::Resource for WireUser {
    const ENDPOINT: &'static str = "/Users";
    const SCHEMA: &'static str = scim2_types::urn::USER;
    const RESOURCE_TYPE: &'static str = "User";
    fn id(&self) -> Option<&str> {
        self.0.get("id").and_then(Value::as_str)
    }
}

impl scim2_types::Resource for WireGroup {
    const ENDPOINT: &'static str = "/Groups";
    const SCHEMA: &'static str = scim2_types::urn::GROUP;
    const RESOURCE_TYPE: &'static str = "Group";
    fn id(&self) -> Option<&str> {
        self.0.get("id").and_then(Value::as_str)
    }
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
    let (users, groups) = (
        Extractor::new(ResourceKind::User, &m.users),
        Extractor::new(ResourceKind::Group, &m.groups),
    );
    let mut out = Directory::new(url);
    out.users.entries = d.users.iter().map(|u| users.entry(u)).collect();
    out.groups.entries = d.groups.iter().map(|g| groups.entry(g)).collect();
    out
}

/// Where criterion keeps its results: `CRITERION_HOME`, else `<target>/criterion` (the bench
/// runs from `<target>/release/deps/`).
fn criterion_dir() -> std::path::PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return std::path::PathBuf::from(target).join("criterion");
    }
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map_or_else(|| "target".into(), std::path::Path::to_path_buf)
        .join("criterion")
}

/// Writes one one-shot wall time in criterion's layout (`benchmark.json`, `estimates.json`),
/// with resources read per second as the throughput, for `cargo xtask bench`'s table.
fn write_result(group: &str, function: &str, seconds: f64, resources: usize) {
    let dir = criterion_dir().join(group).join(function).join("new");
    std::fs::create_dir_all(&dir).unwrap();
    let full = format!("{group}/{function}");
    let benchmark = serde_json::json!({
        "group_id": group, "function_id": function, "value_str": null,
        "throughput": {"Elements": resources},
        "full_id": full, "directory_name": full, "title": full,
    });
    let ns = seconds * 1e9;
    let estimate = serde_json::json!({
        "confidence_interval": {"confidence_level": 0.95, "lower_bound": ns, "upper_bound": ns},
        "point_estimate": ns, "standard_error": 0.0,
    });
    let estimates = serde_json::json!({
        "mean": estimate, "median": estimate, "median_abs_dev": estimate,
        "slope": null, "std_dev": estimate,
    });
    std::fs::write(dir.join("benchmark.json"), benchmark.to_string()).unwrap();
    std::fs::write(dir.join("estimates.json"), estimates.to_string()).unwrap();
}

const ROLE: &str = "COMPARE_BENCH_ROLE";

fn million() -> bool {
    std::env::var_os("COMPARE_BENCH_MILLION").is_some_and(|v| v != "0")
}

fn sizes() -> (usize, usize, usize) {
    let default = if million() { 1_000_000 } else { 100_000 };
    let users: usize = std::env::var("COMPARE_BENCH_USERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    ((users), (users / 20).max(1), 20)
}

/// Serves `prefix`'s directory of `users` users and `groups` groups, each page generated
/// when asked (a million users held as JSON would not fit the serving process).
async fn generating_server(
    prefix: &'static str,
    users: usize,
    groups: usize,
    members: usize,
) -> String {
    use axum::extract::RawQuery;
    use axum::response::IntoResponse;
    let page = move |kind: ResourceKind, q: Option<String>| {
        let q = q.unwrap_or_default();
        let (mut start, mut count) = (1usize, 100usize);
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            match &*k {
                "startIndex" => start = v.parse().unwrap_or(1),
                "count" => count = v.parse().unwrap_or(100),
                _ => {}
            }
        }
        let total = match kind {
            ResourceKind::User => users,
            ResourceKind::Group => groups,
        };
        let from = start.max(1) - 1;
        let to = (from + count).min(total);
        let resources: Vec<String> = (from.min(to)..to)
            .map(|i| {
                let v = match kind {
                    ResourceKind::User => compare_support::user(prefix, i),
                    ResourceKind::Group => compare_support::group(prefix, i, users, members),
                };
                serde_json::to_string(&v).unwrap()
            })
            .collect();
        let body = format!(
            "{{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:ListResponse\"],\
             \"totalResults\":{total},\"startIndex\":{start},\"itemsPerPage\":{},\
             \"Resources\":[{}]}}",
            resources.len(),
            resources.join(",")
        );
        ([("content-type", "application/scim+json")], body).into_response()
    };
    let app = axum::Router::new()
        .route(
            "/scim/v2/Users",
            axum::routing::get(
                move |RawQuery(q): RawQuery| async move { page(ResourceKind::User, q) },
            ),
        )
        .route(
            "/scim/v2/Groups",
            axum::routing::get(
                move |RawQuery(q): RawQuery| async move { page(ResourceKind::Group, q) },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/scim/v2")
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
        let mut held = Vec::new();
        if million() {
            let a = generating_server("old", users, groups, members).await;
            let b = generating_server("new", users, groups, members).await;
            println!("{a} {b}");
        } else {
            let a =
                Server::start(directory("old", users, groups, members), Faults::default()).await;
            let b =
                Server::start(directory("new", users, groups, members), Faults::default()).await;
            println!("{} {}", a.url, b.url);
            held.push(a);
            held.push(b);
        }
        tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut sink);
        })
        .await
        .unwrap();
        drop(held);
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
        // For a profile (`valgrind --tool=callgrind`): extracting 2,000 users, nothing else.
        Ok("profile:index") => {
            let m = Mapping::entra_default();
            let rows = Extractor::new(ResourceKind::User, &m.users);
            let d = directory("p", 2000, 1, 1);
            for u in &d.users {
                black_box(rows.entry(u));
            }
            return;
        }
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
    if million() {
        let (s, kib, req) = run_phase(&exe, "compare4", &urls);
        println!(
            "  compare_endpoints --concurrency 4: {s:>6.2} s, VmHWM {:>7.1} MiB ({:.0} % of the \
             1 GiB budget), {req} GET",
            mib(kib),
            kib as f64 / (1024.0 * 1024.0) * 100.0
        );
        drop(server.stdin.take());
        let _ = server.wait();
        return;
    }
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
        if c == 4 {
            let group = format!("compare_{users}_users_{groups}_groups");
            write_result(&group, "scim2-conformance-c4", s, 2 * (users + groups));
            write_result(&group, "whole-resources-peer", peer_s, 2 * (users + groups));
        }
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
    let rows = Extractor::new(ResourceKind::User, &mapping.users);
    crit.bench_function("compare/index 1000 users (22 mapped attributes)", |bch| {
        bch.iter(|| {
            let mut d = Directory::new("x");
            for u in &sample {
                d.users.entries.push(rows.entry(u));
            }
            black_box(d)
        });
    });
    crit.final_summary();
}

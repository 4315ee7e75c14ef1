//! Wall time of a default `scim-conformance run` against an endpoint 50 ms away, at
//! `--concurrency 1` and at the default concurrency (8).
//!
//! The built-in reference endpoint (`ReferenceServer`, no faults) is served on loopback behind
//! a small TCP proxy that holds every chunk a client sends for 50 ms before passing it on (the
//! answers pass at once): each request arrives 50 ms late, as over a long network path, while
//! requests on different connections still overlap. Each concurrency runs once, in full: the
//! fixed checks of the `entra` profile, then 64 stateful sequences with seed 1 (no `--budget`,
//! so that both runs do the same work; the default 120 s budget would cut the sequential one).
//!
//! One run per setting takes minutes, far more than criterion's minimum of ten samples allows,
//! so this bench measures once and writes its figures where criterion writes its own
//! (`target/criterion/<group>/<function>/new/{benchmark,estimates}.json`, the two files
//! `cargo xtask bench` reads): the table shows the concurrent run as ours and the sequential
//! one as its peer, with the ratio sequential ÷ concurrent, and requests per second as the
//! throughput.
//!
//! Run: `cargo bench -p scim2-conformance --bench latency` (release build), then
//! `cargo xtask bench --report-only` for the table; or `cargo xtask bench -p scim2-conformance`.
#![allow(clippy::unwrap_used, missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use scim2_conformance::reference::{ReferenceConfig, ReferenceServer};
use scim2_conformance::{Journal, Quiet, RunConfig, new_run_id, run_endpoint};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The latency the proxy adds to every request.
const DELAY: Duration = Duration::from_millis(50);
/// The criterion group the figures are written under.
const GROUP: &str = "conformance_run_50ms_latency";
/// The case: a default run, seed 1.
const CASE: &str = "default-run-seed-1";

/// Copies `from` to `to`, each chunk sent `DELAY` after it was read (order kept).
async fn delayed_copy(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let read = async move {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = from.read(&mut buf).await {
            if n == 0
                || tx
                    .send((tokio::time::Instant::now() + DELAY, buf[..n].to_vec()))
                    .is_err()
            {
                break;
            }
        }
    };
    let write = async move {
        while let Some((at, chunk)) = rx.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&chunk).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(read, write);
}

/// Serves a delaying proxy to `upstream` on a loopback port; returns its address.
async fn delaying_proxy(upstream: SocketAddr) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (client_read, mut client_write) = client.into_split();
                let (mut server_read, server_write) = server.into_split();
                let up = delayed_copy(client_read, server_write);
                let down = async move {
                    let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                    let _ = client_write.shutdown().await;
                };
                tokio::join!(up, down);
            });
        }
    });
    addr
}

/// One default run at `concurrency` through the proxy: wall time, requests, the outcomes.
/// (Outcomes as `id status`; a failed or errored check stops the bench.)
async fn run(base_url: &str, concurrency: usize) -> (Duration, u64, Vec<String>) {
    let mut cfg = RunConfig::new(1).unwrap();
    cfg.options.concurrency = concurrency;
    cfg.stateful = Some(scim2_conformance::StatefulOptions {
        cases: 64,
        ..scim2_conformance::StatefulOptions::default()
    });
    let journal = Arc::new(Journal::in_memory(&new_run_id()));
    let started = Instant::now();
    let report = run_endpoint(&cfg, base_url, None, journal, &Quiet)
        .await
        .unwrap();
    let took = started.elapsed();
    let outcomes = report
        .outcome
        .results
        .iter()
        .map(|r| format!("{} {}", r.meta.id, r.outcome.status()))
        .collect();
    let problems: Vec<String> = report
        .outcome
        .results
        .iter()
        .filter(|r| r.outcome.is_problem())
        .map(|r| format!("{}: {:?}", r.meta.id, r.outcome))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    (took, report.outcome.requests, outcomes)
}

/// Where criterion keeps its results: `CRITERION_HOME`, else `<target>/criterion` (the bench
/// runs from `<target>/release/deps/`).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map_or_else(|| PathBuf::from("target"), std::path::Path::to_path_buf)
        .join("criterion")
}

/// Writes one measurement in criterion's layout.
fn write_result(function: &str, took: Duration, requests: u64) {
    let dir = criterion_dir()
        .join(GROUP)
        .join(function.replace('/', "_"))
        .join("new");
    std::fs::create_dir_all(&dir).unwrap();
    let full = format!("{GROUP}/{function}");
    let benchmark = serde_json::json!({
        "group_id": GROUP,
        "function_id": function,
        "value_str": null,
        "throughput": {"Elements": requests},
        "full_id": full,
        "directory_name": full,
        "title": full,
    });
    let ns = took.as_nanos() as f64;
    let estimate = serde_json::json!({
        "confidence_interval": {"confidence_level": 0.95, "lower_bound": ns, "upper_bound": ns},
        "point_estimate": ns,
        "standard_error": 0.0,
    });
    let estimates = serde_json::json!({
        "mean": estimate, "median": estimate, "median_abs_dev": estimate,
        "slope": null, "std_dev": estimate,
    });
    std::fs::write(dir.join("benchmark.json"), benchmark.to_string()).unwrap();
    std::fs::write(dir.join("estimates.json"), estimates.to_string()).unwrap();
}

fn main() {
    // `cargo test --benches` runs bench targets without `--bench`: nothing to measure then.
    if !std::env::args().any(|a| a == "--bench") {
        println!("latency bench: run with `cargo bench -p scim2-conformance --bench latency`");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = ReferenceServer::start(ReferenceConfig::default())
            .await
            .unwrap();
        let url = url::Url::parse(&server.base_url()).unwrap();
        let upstream = SocketAddr::from(([127, 0, 0, 1], url.port().unwrap()));
        let proxy = delaying_proxy(upstream).await;
        let base = format!("http://{proxy}{}", url.path());
        println!(
            "latency bench: default run (entra fixed checks + 64 stateful sequences, seed 1) \
             against the reference endpoint behind a proxy adding {} ms per request",
            DELAY.as_millis()
        );
        let (t1, r1, o1) = run(&base, 1).await;
        println!(
            "  --concurrency 1: {:>7.2} s, {r1} requests",
            t1.as_secs_f64()
        );
        let (t8, r8, o8) = run(&base, 8).await;
        println!(
            "  --concurrency 8: {:>7.2} s, {r8} requests",
            t8.as_secs_f64()
        );
        println!(
            "  ratio (1 ÷ 8): {:.2}×",
            t1.as_secs_f64() / t8.as_secs_f64()
        );
        assert_eq!((r1, &o1), (r8, &o8), "the two runs differ");
        write_result(&format!("scim2-conformance-c8/{CASE}"), t8, r8);
        write_result(&format!("sequential-c1/{CASE}"), t1, r1);
        server.shutdown().await;
    });
}

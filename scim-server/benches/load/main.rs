//! The load benchmark: one Entra-shaped workload (see `workload.rs`, sent by `driver.rs`)
//! against scim2-server with each of its stores (memory, an SQLite file, PostgreSQL), against
//! two ceilings (`ceiling.rs`: a bare hyper server and an axum router that answer a fixed body
//! without doing any SCIM work) and, in the same run, against the peer servers that
//! `cargo xtask peers` runs; requests per second and latency percentiles for each, each of ours
//! as a ratio of the fastest peer's throughput and as a share of the bare hyper ceiling.
//!
//! Run it through `cargo xtask bench` (which starts the peers and passes them in
//! `SCIM_LOAD_PEERS`). By hand: `SCIM_LOAD_OUT=target/load.md cargo bench -p scim2-server
//! --all-features --bench load` measures the ceilings and scim2-server only.
//! `SCIM_LOAD_SECONDS` sets the measured time per endpoint (default 10),
//! `SCIM_LOAD_CONCURRENCY` the requests in flight (default 16), `SCIM_LOAD_ONLY` which rows to
//! run (comma-separated parts of their names: `bare,memory`), `SCIM_LOAD_ONE_RUNTIME` (any
//! value) puts the servers on the driver's runtime (no CPU split), `SCIM_TEST_POSTGRES_URL` the
//! PostgreSQL database (default `postgres://postgres@127.0.0.1:5432/test`; skipped with a note
//! when unreachable).
//!
//! Who uses the CPU: the driver runs in this process, and so do the ceilings and scim2-server
//! (the peers run in their own processes). Driver and servers share the machine's cores: on a
//! 2-core machine the driver takes a large part of them, so no server here gets the whole
//! machine. They run on two tokio runtimes (threads `load-driver-*` and `load-server-*`), and
//! the table reports the CPU time of each side while measuring (per thread, from
//! `/proc/self/task/*/schedstat`), and how busy the whole machine was (`/proc/stat`, other
//! processes included), so that a reader can tell what share of the machine a server had.

mod ceiling;
mod cpu;
mod driver;
mod workload;

use std::fmt::Write as _;
use std::str::FromStr;
use std::time::Duration;

use scim2_server::router::ScimRouter;
use scim2_server::store::sql::sqlx;
use scim2_server::store::sql::{PostgresStore, SqliteStore};
use scim2_server::store::{MemoryStore, Store};
use scim2_server::{ScimServer, ServerConfig};
use sqlx::postgres::PgConnectOptions;

/// One endpoint measured.
struct Row {
    name: String,
    kind: Kind,
    outcome: Result<driver::Outcome, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A peer server, in its own process.
    Peer,
    /// A server that answers every request with a fixed body, in this process.
    Ceiling,
    /// scim2-server, in this process.
    Ours,
}

const BARE_HYPER: &str = "bare hyper (fixed response)";

/// Serves scim2-server over `store` on a free port (on the current runtime); its base URL.
async fn serve<S: Store>(store: S, token: String) -> Result<String, String> {
    let server = ScimServer::new(store, ServerConfig::new());
    let router = ScimRouter::with_token(server, token).into_router();
    ceiling::listen(axum::Router::new().nest("/scim/v2", router)).await
}

/// A PostgreSQL store in a fresh schema of its own (dropped at the end by the caller).
async fn postgres(url: &str, schema: &str) -> Result<PostgresStore, String> {
    let admin = sqlx::PgPool::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::query(&format!("CREATE SCHEMA \"{schema}\""))
        .execute(&admin)
        .await
        .map_err(|e| e.to_string())?;
    admin.close().await;
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| e.to_string())?
        .options([("search_path", schema)]);
    PostgresStore::connect_with(options)
        .await
        .map_err(|e| e.to_string())
}

async fn drop_schema(url: &str, schema: &str) {
    if let Ok(admin) = sqlx::PgPool::connect(url).await {
        let _ = sqlx::query(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
            .execute(&admin)
            .await;
        admin.close().await;
    }
}

/// `url` without its user name and password (the table is a report: no credentials in it).
fn without_credentials(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "the configured PostgreSQL URL".to_owned(),
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let Ok(out) = std::env::var("SCIM_LOAD_OUT") else {
        println!(
            "load: skipped (run it with `cargo xtask bench`, or set SCIM_LOAD_OUT to a file for the table)"
        );
        return;
    };
    // Two runtimes, so that the CPU each side uses can be told apart (see the header).
    let server = tokio::runtime::Builder::new_multi_thread()
        .thread_name("load-server")
        .enable_all()
        .build()
        .expect("the server runtime");
    let driver = tokio::runtime::Builder::new_multi_thread()
        .thread_name(cpu::DRIVER_THREADS)
        .enable_all()
        .build()
        .expect("the driver runtime");
    // `SCIM_LOAD_ONE_RUNTIME` runs the servers on the driver's runtime instead (how this
    // benchmark ran before the split): no CPU split then.
    let one_runtime = std::env::var_os("SCIM_LOAD_ONE_RUNTIME").is_some();
    let servers = if one_runtime {
        driver.handle()
    } else {
        server.handle()
    };
    let table = driver.block_on(run(servers, one_runtime));
    print!("{table}");
    if let Err(e) = std::fs::write(&out, &table) {
        eprintln!("load: cannot write {out}: {e}");
        std::process::exit(1);
    }
}

/// Whether the row `name` is wanted (`SCIM_LOAD_ONLY`: comma-separated parts of row names).
fn wanted(name: &str) -> bool {
    match std::env::var("SCIM_LOAD_ONLY") {
        Ok(only) if !only.trim().is_empty() => only
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .any(|w| name.to_lowercase().contains(&w.to_lowercase())),
        _ => true,
    }
}

async fn run(server: &tokio::runtime::Handle, one_runtime: bool) -> String {
    let shape = driver::Shape {
        concurrency: usize::try_from(env_number("SCIM_LOAD_CONCURRENCY", 16)).unwrap_or(16),
        users: 200,
        groups: 4,
        duration: Duration::from_secs(env_number("SCIM_LOAD_SECONDS", 10)),
    };
    let token = std::env::var("SCIM_LOAD_TOKEN").unwrap_or_else(|_| "load-bench".to_owned());
    let run = uuid::Uuid::new_v4().simple().to_string();
    let prefix = format!("load{}-", &run[..8]);
    let mut rows = Vec::new();

    // Peers first, each alone on the machine.
    for entry in std::env::var("SCIM_LOAD_PEERS")
        .unwrap_or_default()
        .split(';')
        .filter(|e| !e.is_empty())
    {
        let Some((name, url)) = entry.split_once('=') else {
            continue;
        };
        if !wanted(name) {
            continue;
        }
        eprintln!("load: {name} at {url}");
        let outcome = driver::drive(url, Some(token.clone()), &prefix, shape).await;
        rows.push(Row {
            name: name.to_owned(),
            kind: Kind::Peer,
            outcome,
        });
    }

    // The ceilings: what any server on this HTTP stack reaches with this driver.
    let ceilings: [(&str, Result<String, String>); 2] = [
        (BARE_HYPER, on(server, ceiling::bare_hyper()).await),
        (
            "axum router (fixed response)",
            on(server, ceiling::axum_fixed()).await,
        ),
    ];
    for (name, url) in ceilings {
        if !wanted(name) {
            continue;
        }
        eprintln!("load: {name}");
        let outcome = match url {
            Ok(url) => driver::drive(&url, None, &prefix, shape).await,
            Err(e) => Err(e),
        };
        rows.push(Row {
            name: name.to_owned(),
            kind: Kind::Ceiling,
            outcome,
        });
    }

    // Ours.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("scim.db");
    let ours: [(&str, Result<String, String>); 2] = [
        ("scim2-server (memory)", {
            let token = token.clone();
            on(
                server,
                async move { serve(MemoryStore::new(), token).await },
            )
            .await
        }),
        ("scim2-server (SQLite file)", {
            let token = token.clone();
            on(server, async move {
                let store = SqliteStore::open(db).await.map_err(|e| e.to_string())?;
                serve(store, token).await
            })
            .await
        }),
    ];
    for (name, url) in ours {
        if !wanted(name) {
            continue;
        }
        eprintln!("load: {name}");
        let outcome = match url {
            Ok(url) => driver::drive(&url, Some(token.clone()), &prefix, shape).await,
            Err(e) => Err(e),
        };
        rows.push(Row {
            name: name.to_owned(),
            kind: Kind::Ours,
            outcome,
        });
    }
    let pg_name = "scim2-server (PostgreSQL)";
    if wanted(pg_name) {
        let pg_url = std::env::var("SCIM_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let schema = format!("load_{}", &run[..12]);
        let url = {
            let (pg_url, schema, token) = (pg_url.clone(), schema.clone(), token.clone());
            on(server, async move {
                let store = postgres(&pg_url, &schema).await.map_err(|e| {
                    format!(
                        "PostgreSQL not reachable at {}: {e}",
                        without_credentials(&pg_url)
                    )
                })?;
                serve(store, token).await
            })
            .await
        };
        let outcome = match url {
            Ok(url) => {
                eprintln!("load: {pg_name}");
                driver::drive(&url, Some(token.clone()), &prefix, shape).await
            }
            Err(e) => Err(e),
        };
        drop_schema(&pg_url, &schema).await;
        rows.push(Row {
            name: pg_name.to_owned(),
            kind: Kind::Ours,
            outcome,
        });
    }
    table(&rows, shape, one_runtime)
}

/// Runs `task` (which starts a server) on the server runtime, so that the server's tasks,
/// sockets and store connections live there.
async fn on<F>(server: &tokio::runtime::Handle, task: F) -> Result<String, String>
where
    F: Future<Output = Result<String, String>> + Send + 'static,
{
    server
        .spawn(task)
        .await
        .unwrap_or_else(|e| Err(e.to_string()))
}

fn table(rows: &[Row], shape: driver::Shape, one_runtime: bool) -> String {
    let best = |kind: Kind| {
        rows.iter()
            .filter(|r| r.kind == kind)
            .filter_map(|r| {
                r.outcome
                    .as_ref()
                    .ok()
                    .map(|o| (r.name.as_str(), o.per_second()))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
    };
    let fastest_peer = best(Kind::Peer);
    let bare = rows
        .iter()
        .find(|r| r.name == BARE_HYPER)
        .and_then(|r| r.outcome.as_ref().ok())
        .map(driver::Outcome::per_second);
    let mut s = format!(
        "Entra-shaped load: {} requests in flight, {} s per endpoint, {} users and {} groups \
         seeded; 35% userName lookups, 15% externalId lookups, 10% lookup miss + create, 20% \
         user PATCH replace, 8% group lookups, 12% group member adds. \"vs fastest peer\": \
         throughput over that of the fastest peer with at most 1% unexpected answers; \"of \
         bare hyper\": throughput over that of a hyper server answering a fixed body. CPU in \
         cores (CPU seconds per second): \"driver\" is the load driver's threads, \"server \
         (in process)\" the other threads of the benchmark's process (the in-process servers \
         and their stores; not PostgreSQL's own processes, not the peers), \"machine busy\" the \
         whole machine's ({} cores) busy share, other processes included.\n\n\
         | endpoint | requests/s | p50 | p99 | unexpected answers | vs fastest peer | of bare \
         hyper | driver CPU | server CPU (in process) | server CPU µs/request | machine busy |\n\
         |---|---|---|---|---|---|---|---|---|---|---|\n",
        shape.concurrency,
        shape.duration.as_secs(),
        shape.users,
        shape.groups,
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
    );
    for r in rows {
        match &r.outcome {
            Ok(o) => {
                let ratio = match (r.kind, fastest_peer) {
                    (Kind::Peer, _) => "peer".to_owned(),
                    (_, Some((name, rps))) => format!("{:.1}× {name}", o.per_second() / rps),
                    (_, None) => "no peer measured".to_owned(),
                };
                let of_bare = match bare {
                    Some(b) if r.kind != Kind::Peer => {
                        format!("{:.0}%", 100.0 * o.per_second() / b)
                    }
                    _ => String::new(),
                };
                let errors = match &o.first_error {
                    Some(first) if o.errors > 0 => format!(
                        "{} (first: {})",
                        o.errors,
                        first.replace('|', "\\|").replace('\n', " ")
                    ),
                    _ => o.errors.to_string(),
                };
                let (server_cpu, per_request) = if r.kind == Kind::Peer {
                    ("out of process".to_owned(), String::new())
                } else if one_runtime {
                    ("in the driver's".to_owned(), String::new())
                } else {
                    (
                        format!("{:.2}", o.cpu.in_process_server / o.seconds),
                        format!(
                            "{:.0}",
                            1e6 * o.cpu.in_process_server / o.requests.max(1) as f64
                        ),
                    )
                };
                let busy = if o.cpu.machine_total > 0.0 {
                    format!("{:.0}%", 100.0 * o.cpu.machine_busy / o.cpu.machine_total)
                } else {
                    "unknown".to_owned()
                };
                let _ = writeln!(
                    s,
                    "| {} | {:.0} | {:.2} ms | {:.2} ms | {} | {} | {} | {:.2} | {} | {} | {} |",
                    r.name,
                    o.per_second(),
                    o.p50.as_secs_f64() * 1e3,
                    o.p99.as_secs_f64() * 1e3,
                    errors,
                    ratio,
                    of_bare,
                    o.cpu.driver / o.seconds,
                    server_cpu,
                    per_request,
                    busy
                );
            }
            Err(e) => {
                let _ = writeln!(
                    s,
                    "| {} | not measured: {} | | | | | | | | | |",
                    r.name,
                    e.replace('|', "\\|")
                );
            }
        }
    }
    s
}

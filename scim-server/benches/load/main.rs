//! The load benchmark: one Entra-shaped workload (see `driver.rs`) against scim2-server with
//! each of its stores (memory, an SQLite file, PostgreSQL) and, in the same run, against the
//! peer servers that `cargo xtask peers` runs; requests per second and latency percentiles for
//! each, and each of ours as a ratio of the fastest peer's throughput.
//!
//! Run it through `cargo xtask bench` (which starts the peers and passes them in
//! `SCIM_LOAD_PEERS`). By hand: `SCIM_LOAD_OUT=target/load.md cargo bench -p scim2-server
//! --all-features --bench load` measures only scim2-server. `SCIM_LOAD_SECONDS` sets the
//! measured time per endpoint (default 10), `SCIM_LOAD_CONCURRENCY` the requests in flight
//! (default 16), `SCIM_TEST_POSTGRES_URL` the PostgreSQL database (default
//! `postgres://postgres@127.0.0.1:5432/test`; skipped with a note when unreachable).

mod driver;

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
    ours: bool,
    outcome: Result<driver::Outcome, String>,
}

async fn serve<S: Store>(store: S, token: String) -> std::io::Result<String> {
    let server = ScimServer::new(store, ServerConfig::new());
    let router = ScimRouter::with_token(server, token).into_router();
    let app = axum::Router::new().nest("/scim/v2", router);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}/scim/v2"))
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

#[tokio::main]
async fn main() {
    let Ok(out) = std::env::var("SCIM_LOAD_OUT") else {
        println!(
            "load: skipped (run it with `cargo xtask bench`, or set SCIM_LOAD_OUT to a file for the table)"
        );
        return;
    };
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
        eprintln!("load: {name} at {url}");
        let outcome = driver::drive(url, Some(token.clone()), &prefix, shape).await;
        rows.push(Row {
            name: name.to_owned(),
            ours: false,
            outcome,
        });
    }

    // Ours.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ours: Vec<(&str, Result<String, String>)> = vec![
        (
            "scim2-server (memory)",
            serve(MemoryStore::new(), token.clone())
                .await
                .map_err(|e| e.to_string()),
        ),
        ("scim2-server (SQLite file)", {
            match SqliteStore::open(dir.path().join("scim.db")).await {
                Ok(store) => serve(store, token.clone()).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            }
        }),
    ];
    for (name, url) in ours {
        eprintln!("load: {name}");
        let outcome = match url {
            Ok(url) => driver::drive(&url, Some(token.clone()), &prefix, shape).await,
            Err(e) => Err(e),
        };
        rows.push(Row {
            name: name.to_owned(),
            ours: true,
            outcome,
        });
    }
    let pg_url = std::env::var("SCIM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let schema = format!("load_{}", &run[..12]);
    let outcome = match postgres(&pg_url, &schema).await {
        Ok(store) => match serve(store, token.clone()).await {
            Ok(url) => {
                eprintln!("load: scim2-server (PostgreSQL)");
                driver::drive(&url, Some(token.clone()), &prefix, shape).await
            }
            Err(e) => Err(e.to_string()),
        },
        Err(e) => Err(format!(
            "PostgreSQL not reachable at {}: {e}",
            without_credentials(&pg_url)
        )),
    };
    drop_schema(&pg_url, &schema).await;
    rows.push(Row {
        name: "scim2-server (PostgreSQL)".to_owned(),
        ours: true,
        outcome,
    });

    let table = table(&rows, shape);
    print!("{table}");
    if let Err(e) = std::fs::write(&out, &table) {
        eprintln!("load: cannot write {out}: {e}");
        std::process::exit(1);
    }
}

fn table(rows: &[Row], shape: driver::Shape) -> String {
    let fastest_peer = rows
        .iter()
        .filter(|r| !r.ours)
        .filter_map(|r| {
            r.outcome
                .as_ref()
                .ok()
                .map(|o| (r.name.as_str(), o.per_second()))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let mut s = format!(
        "Entra-shaped load: {} requests in flight, {} s per endpoint, {} users and {} groups \
         seeded; 35% userName lookups, 15% externalId lookups, 10% lookup miss + create, 20% \
         user PATCH replace, 8% group lookups, 12% group member adds. \"vs fastest peer\": \
         throughput over that of the fastest peer with at most 1% unexpected answers.\n\n\
         | endpoint | requests/s | p50 | p99 | unexpected answers | vs fastest peer |\n\
         |---|---|---|---|---|---|\n",
        shape.concurrency,
        shape.duration.as_secs(),
        shape.users,
        shape.groups
    );
    for r in rows {
        match &r.outcome {
            Ok(o) => {
                let ratio = match (r.ours, fastest_peer) {
                    (true, Some((name, rps))) => format!("{:.1}× {name}", o.per_second() / rps),
                    (true, None) => "no peer measured".to_owned(),
                    (false, _) => "peer".to_owned(),
                };
                let errors = match &o.first_error {
                    Some(first) if o.errors > 0 => format!(
                        "{} (first: {})",
                        o.errors,
                        first.replace('|', "\\|").replace('\n', " ")
                    ),
                    _ => o.errors.to_string(),
                };
                let _ = writeln!(
                    s,
                    "| {} | {:.0} | {:.2} ms | {:.2} ms | {} | {} |",
                    r.name,
                    o.per_second(),
                    o.p50.as_secs_f64() * 1e3,
                    o.p99.as_secs_f64() * 1e3,
                    errors,
                    ratio
                );
            }
            Err(e) => {
                let _ = writeln!(
                    s,
                    "| {} | not measured: {} | | | | |",
                    r.name,
                    e.replace('|', "\\|")
                );
            }
        }
    }
    s
}

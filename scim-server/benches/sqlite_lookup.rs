//! Entra ID's `userName eq "…"` lookup (RFC 7644 §3.4.2.2) through `Store::query` on a
//! `SqliteStore` holding a directory-sized population (1,000,000 users by default), and the
//! database file's size on disk.
//!
//! The database is built once per size under the target directory (an import of 20,000 users
//! per transaction) and reused by later runs. Besides criterion's figures, the benchmark
//! prints the p50 and p99 of 20,000 separately timed lookups.
//!
//! `cargo bench -p scim2-server --features sqlite --bench sqlite_lookup`
//! (`SCIM_BENCH_USERS=100000` for a quicker run).

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use scim2_filter::Filter;
use scim2_server::store::sql::SqliteStore;
use scim2_server::store::{Query, ResourceKind, Store};
use scim2_types::schema::ResourceSchemas;
use serde_json::{Value, json};

const DEFAULT_USERS: usize = 1_000_000;
const BATCH: usize = 20_000;
const TITLES: [&str; 4] = ["Engineer", "Manager", "Sales", "Support"];
const DEPARTMENTS: [&str; 3] = ["R&D", "Ops", "Sales"];

fn users_wanted() -> usize {
    std::env::var("SCIM_BENCH_USERS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(DEFAULT_USERS)
}

fn user_name(i: usize) -> String {
    format!("user{i:07}.Surname@Contoso.example")
}

/// An Entra-shaped user (core and Enterprise attributes), as the server core stores it.
fn user(i: usize) -> Value {
    let name = user_name(i);
    json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ],
        "id": format!("{:08x}-0000-4000-8000-{i:012x}", i.wrapping_mul(2_654_435_761) as u32),
        "externalId": format!("ext-{i}"),
        "userName": name,
        "active": !i.is_multiple_of(7),
        "displayName": format!("User {i} Surname"),
        "name": {"givenName": format!("User{i}"), "familyName": "Surname",
                 "formatted": format!("User{i} Surname")},
        "emails": [{"value": name, "type": "work", "primary": true}],
        "title": TITLES[i % TITLES.len()],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": format!("{i}"), "department": DEPARTMENTS[i % DEPARTMENTS.len()]
        },
        "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z",
                 "lastModified": "2024-01-01T00:00:00Z", "version": "W/\"1\""}
    })
}

/// The database file with `n` users, built if missing or incomplete.
async fn database(path: &Path, n: usize) -> SqliteStore {
    if path.exists() {
        let store = SqliteStore::open(path)
            .await
            .expect("open the bench database");
        let schemas = ResourceSchemas::user();
        let page = store
            .query(ResourceKind::User, &Query::all(&schemas, 0))
            .await
            .expect("count users");
        if page.total_results == n {
            return store;
        }
        store.close().await;
        remove(path);
    }
    let store = SqliteStore::open(path)
        .await
        .expect("create the bench database");
    let started = Instant::now();
    for start in (0..n).step_by(BATCH) {
        let batch: Vec<Value> = (start..(start + BATCH).min(n)).map(user).collect();
        store
            .create_many(ResourceKind::User, &batch)
            .await
            .expect("import users");
    }
    sqlx_checkpoint(&store).await;
    println!(
        "sqlite_lookup: imported {n} users in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    store
}

/// Folds the write-ahead log into the database file, so that its size is the store's.
async fn sqlx_checkpoint(store: &SqliteStore) {
    use scim2_server::store::sql::sqlx;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(store.pool())
        .await
        .expect("checkpoint");
}

fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

fn size_on_disk(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            std::fs::metadata(PathBuf::from(p)).ok().map(|m| m.len())
        })
        .sum()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn bench(c: &mut Criterion) {
    let n = users_wanted();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sqlite-lookup-{n}.db"));
    let store = rt.block_on(database(&path, n));
    let schemas = ResourceSchemas::user();
    // Entra sends the userName as the directory holds it; the store compares without case.
    let filters: Vec<Filter> = (0..1000)
        .map(|k| {
            let i = (k * 7919 + 13) % n;
            format!(r#"userName eq "{}""#, user_name(i).to_uppercase())
                .parse()
                .expect("a valid filter")
        })
        .collect();
    let lookup = |f: &Filter| {
        let page = rt
            .block_on(store.query(
                ResourceKind::User,
                &Query::all(&schemas, 100).with_filter(f),
            ))
            .expect("lookup");
        assert_eq!(page.total_results, 1);
        page
    };

    let mut times: Vec<Duration> = (0..20_000)
        .map(|k| {
            let f = &filters[k % filters.len()];
            let started = Instant::now();
            black_box(lookup(f));
            started.elapsed()
        })
        .collect();
    times.sort_unstable();
    println!(
        "sqlite_lookup: {n} users, file {:.1} MiB ({} bytes) at {}; userName eq through \
         Store::query: p50 {:.1} µs, p99 {:.1} µs (20,000 lookups)",
        size_on_disk(&path) as f64 / (1024.0 * 1024.0),
        size_on_disk(&path),
        path.display(),
        percentile(&times, 0.50).as_secs_f64() * 1e6,
        percentile(&times, 0.99).as_secs_f64() * 1e6,
    );

    let mut group = c.benchmark_group("sqlite_store");
    group.throughput(Throughput::Elements(1));
    let mut k = 0;
    group.bench_with_input(
        BenchmarkId::new("scim2-server-sqlite/userName-eq", n),
        &n,
        |b, _| {
            b.iter(|| {
                k = (k + 1) % filters.len();
                black_box(lookup(&filters[k]))
            });
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

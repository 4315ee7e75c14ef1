//! `scim2-server` passes our own runner: the full `entra` and `rfc7644` profiles, fixed checks
//! and the stateful phase, at three seeds, served through its axum router on a loopback port.
//!
//! The runs are generic over how the SCIM router is built ([`passes_every_profile`] takes a
//! function that makes a fresh one), so every store is proven by the same test.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use scim2_conformance::{
    ExitCode, Journal, Profile, Quiet, RunConfig, Token, new_run_id, run_endpoint,
};
use scim2_server::router::ScimRouter;
use scim2_server::store::{MemoryStore, Store};
use scim2_server::{ScimServer, ServerConfig};

const TOKEN: &str = "t0ken";
const BASE: &str = "/scim/v2";

/// The SCIM router of a server over `store`, requiring the test token.
fn scim_router<S: Store>(store: S) -> axum::Router {
    let server = ScimServer::new(store, ServerConfig::new());
    ScimRouter::new(server, |given: &str| given == TOKEN).into_router()
}

/// Serves `router` under [`BASE`] on a free loopback port; the base URL and the server task.
async fn serve(router: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new().nest(BASE, router);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}{BASE}"), task)
}

/// Runs `profile` with its stateful phase at `seed` against a fresh router from `build`, and
/// asserts that every check passes and nothing is left behind.
async fn passes<F, Fut>(build: &F, profile: Profile, seed: u64)
where
    F: Fn() -> Fut,
    Fut: Future<Output = axum::Router>,
{
    let (base_url, task) = serve(build().await).await;
    let mut cfg = RunConfig::new(seed).unwrap();
    cfg.profile = profile;
    cfg.timeout = Duration::from_secs(10);
    cfg.stateful = Some(scim2_conformance::StatefulOptions {
        cases: 16,
        ..scim2_conformance::StatefulOptions::default()
    });
    let journal = Arc::new(Journal::in_memory(&new_run_id()));
    let report = run_endpoint(&cfg, &base_url, Some(Token::new(TOKEN)), journal, &Quiet)
        .await
        .unwrap();
    task.abort();
    let results = &report.outcome.results;
    let problems: Vec<String> = results
        .iter()
        .filter(|r| r.outcome.is_problem())
        .map(|r| format!("{}: {:?}", r.meta.id, r.outcome))
        .collect();
    assert!(
        problems.is_empty(),
        "{profile:?} seed {seed}: {problems:#?}"
    );
    assert!(
        results.iter().any(|r| r.meta.id.starts_with("stateful")),
        "{profile:?} seed {seed}: the stateful phase did not run"
    );
    assert_eq!(report.exit_code(), ExitCode::Ok, "{profile:?} seed {seed}");
    assert!(
        report.cleanup().leftovers.is_empty(),
        "{profile:?} seed {seed}: {:?}",
        report.cleanup().leftovers
    );
}

/// Both profiles at seeds 1, 2, 3 against routers from `build`.
async fn passes_every_profile<F, Fut>(build: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = axum::Router>,
{
    for profile in [Profile::Entra, Profile::Rfc7644] {
        for seed in [1, 2, 3] {
            passes(&build, profile, seed).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_store_passes_entra_and_rfc7644() {
    passes_every_profile(|| async { scim_router(MemoryStore::new()) }).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_passes_entra_and_rfc7644() {
    use scim2_server::store::sql::SqliteStore;
    let dir = tempfile::tempdir().unwrap();
    let n = std::sync::atomic::AtomicUsize::new(0);
    passes_every_profile(|| async {
        // A fresh file per run, as a fresh endpoint.
        let i = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.path().join(format!("scim-{i}.db"));
        scim_router(SqliteStore::open(path).await.unwrap())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_passes_entra_and_rfc7644() {
    use scim2_interop_support::postgres::TestSchema;
    use scim2_server::store::sql::PostgresStore;
    let mut schemas = Vec::new();
    for _ in 0..6 {
        match TestSchema::new("postgres_store_passes_entra_and_rfc7644").await {
            Some(s) => schemas.push(s),
            None => return,
        }
    }
    let next = std::sync::Mutex::new(schemas.iter().map(TestSchema::options).collect::<Vec<_>>());
    passes_every_profile(|| async {
        // A fresh schema per run, as a fresh endpoint.
        let options = next.lock().unwrap().pop().unwrap();
        scim_router(PostgresStore::connect_with(options).await.unwrap())
    })
    .await;
    for s in schemas {
        s.drop().await;
    }
}

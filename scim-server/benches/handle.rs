//! The cost of one request of the load benchmark's Entra-shaped workload (`load/workload.rs`)
//! inside the process, without sockets: through [`ScimServer::handle`] directly (`core`), and
//! through the axum router with its authentication, body limit and media-type checks (`router`),
//! both over a [`MemoryStore`] seeded with 200 users and 4 groups, on a current-thread runtime.
//!
//! All requests are built before the measured loop, which runs in the function `measured`
//! alone, so that an instruction count can be limited to it:
//!
//! ```text
//! cargo bench -p scim2-server --all-features --bench handle --no-run
//! SCIM_HANDLE_VIA=core SCIM_HANDLE_REQUESTS=2000 valgrind --tool=callgrind \
//!     --collect-atstart=no --toggle-collect='*handle::measured*' target/release/deps/handle-…
//! ```
//!
//! and instructions per request are callgrind's total over `SCIM_HANDLE_REQUESTS`. Run without
//! valgrind it prints requests per second of one thread. Every answer must have the status the
//! workload expects; the benchmark fails otherwise.

#![allow(clippy::cast_precision_loss)] // measurements

#[path = "load/workload.rs"]
mod workload;

use std::time::Instant;

use axum::body::Body;
use http::header;
use scim2_server::router::ScimRouter;
use scim2_server::store::MemoryStore;
use scim2_server::{ScimRequest, ScimResponse, ScimServer, ServerConfig};
use tower::ServiceExt;
use workload::{Seeded, Step, Worker, group_body, user_body};

const TOKEN: &str = "handle-bench";
const BASE: &str = "/scim/v2";
/// Workers whose sequences are interleaved, like the load driver's requests in flight.
const WORKERS: usize = 16;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn core_request(step: &Step) -> ScimRequest {
    let (path, query) = match step.path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (step.path.as_str(), None),
    };
    let mut r = ScimRequest::new(step.method.clone(), path)
        .with_header(
            header::ACCEPT,
            http::HeaderValue::from_static("application/scim+json"),
        )
        .with_base_url("http://127.0.0.1:8080/scim/v2");
    if let Some(q) = query {
        r = r.with_query(q);
    }
    if let Some(body) = &step.body {
        r = r
            .with_header(
                header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/scim+json"),
            )
            .with_json(body);
    }
    r
}

/// The request as the load driver sends it over HTTP.
fn http_request(step: &Step) -> http::Request<Body> {
    let mut b = http::Request::builder()
        .method(step.method.clone())
        .uri(format!("{BASE}{}", step.path))
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ACCEPT, "application/scim+json")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    let body = match &step.body {
        Some(v) => {
            b = b.header(header::CONTENT_TYPE, "application/scim+json");
            Body::from(serde_json::to_vec(v).expect("JSON"))
        }
        None => Body::empty(),
    };
    b.body(body).expect("a request")
}

fn id_of(response: &ScimResponse) -> String {
    response.json_body().expect("JSON")["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// The load benchmark's seeding, through the core.
async fn seed(server: &ScimServer<MemoryStore>, prefix: &str) -> Seeded {
    let mut users = Vec::new();
    for i in 0..200 {
        let body = user_body(prefix, i);
        let r = server
            .handle(ScimRequest::new(http::Method::POST, "/Users").with_json(&body))
            .await;
        assert_eq!(r.status, 201, "seeding");
        users.push((
            body["userName"].as_str().expect("a name").to_owned(),
            body["externalId"].as_str().expect("an id").to_owned(),
            id_of(&r),
        ));
    }
    let mut groups = Vec::new();
    for g in 0..4 {
        let body = group_body(prefix, g);
        let r = server
            .handle(ScimRequest::new(http::Method::POST, "/Groups").with_json(&body))
            .await;
        assert_eq!(r.status, 201, "seeding");
        groups.push((
            body["displayName"].as_str().expect("a name").to_owned(),
            id_of(&r),
        ));
    }
    Seeded { users, groups }
}

enum Requests {
    Core(Vec<(ScimRequest, &'static [u16])>),
    Router(Vec<(http::Request<Body>, &'static [u16])>),
}

/// Answers every request; the number of answers with an unexpected status.
#[inline(never)]
fn measured(
    rt: &tokio::runtime::Runtime,
    server: &ScimServer<MemoryStore>,
    app: &axum::Router,
    requests: Requests,
) -> usize {
    rt.block_on(async move {
        let mut bad = 0;
        match requests {
            Requests::Core(requests) => {
                for (request, ok) in requests {
                    let r = server.handle(request).await;
                    bad += usize::from(!ok.contains(&r.status.as_u16()));
                }
            }
            Requests::Router(requests) => {
                for (request, ok) in requests {
                    let r = app.clone().oneshot(request).await.expect("infallible");
                    let status = r.status().as_u16();
                    let body = axum::body::to_bytes(r.into_body(), usize::MAX).await;
                    bad += usize::from(!ok.contains(&status) || body.is_err());
                }
            }
        }
        bad
    })
}

fn main() {
    let n = env_number("SCIM_HANDLE_REQUESTS", 20_000);
    let via = std::env::var("SCIM_HANDLE_VIA").unwrap_or_else(|_| "core,router".to_owned());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    for via in via.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        let server = ScimServer::new(MemoryStore::new(), ServerConfig::new());
        let prefix = "handle-";
        let seeded = rt.block_on(seed(&server, prefix));
        let mut workers: Vec<Worker> = (0..WORKERS).map(Worker::new).collect();
        let mut steps = Vec::with_capacity(n);
        let mut w = 0;
        while steps.len() < n {
            steps.extend(workers[w % WORKERS].next(&seeded, prefix));
            w += 1;
        }
        steps.truncate(n);
        let app = axum::Router::new().nest(
            BASE,
            ScimRouter::with_token(server.clone(), TOKEN).into_router(),
        );
        let requests = match via {
            "core" => Requests::Core(steps.iter().map(|s| (core_request(s), s.ok)).collect()),
            "router" => Requests::Router(steps.iter().map(|s| (http_request(s), s.ok)).collect()),
            other => {
                eprintln!("handle: unknown SCIM_HANDLE_VIA `{other}` (core, router)");
                std::process::exit(2);
            }
        };
        let start = Instant::now();
        let bad = measured(&rt, &server, &app, requests);
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "handle ({via}): {n} requests in {seconds:.3} s, {:.0} requests/s on one thread, {bad} unexpected answers",
            n as f64 / seconds
        );
        if bad > 0 {
            std::process::exit(1);
        }
    }
}

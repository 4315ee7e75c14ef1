//! Lists 100,000 users through the pagination stream from an in-process endpoint, and
//! compares with a bare hyper loop fetching and decoding the same pages (the peer).
//!
//! Also reports the peak resident memory (Linux `VmHWM`, reset through `clear_refs`) of a full
//! stream, against collecting the same users into a `Vec`: streaming memory is bounded by a
//! page, not by the result set.
//!
//! `cargo bench -p scim2-client --bench stream`
//!
//! For a profile, `STREAM_BENCH_PROFILE=client` (or `hyper`) streams the users once at 100 per
//! page and exits, so that `valgrind --tool=callgrind` counts the instructions of one side:
//! `STREAM_BENCH_PROFILE=client valgrind --tool=callgrind target/release/deps/stream-…`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use axum::Router;
use axum::extract::RawQuery;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use criterion::{Criterion, Throughput};
use futures::TryStreamExt;
use http_body_util::{BodyExt, Full};
use scim2_client::{Client, Query};
use scim2_types::Resource;
use serde::{Deserialize, Serialize};

const TOTAL: u64 = 100_000;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Name {
    given_name: String,
    family_name: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Email {
    value: String,
    #[serde(rename = "type")]
    kind: String,
    primary: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BenchUser {
    id: Option<String>,
    external_id: Option<String>,
    user_name: String,
    name: Name,
    emails: Vec<Email>,
    active: bool,
    meta: serde_json::Value,
}

impl Resource for BenchUser {
    const ENDPOINT: &'static str = "/Users";
    const SCHEMA: &'static str = "urn:ietf:params:scim:schemas:core:2.0:User";
    const RESOURCE_TYPE: &'static str = "User";
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// Appends an Entra-shaped user, about 450 bytes of JSON (written directly: the endpoint
/// should cost little next to the client being measured).
fn write_user(out: &mut String, i: u64) {
    use std::fmt::Write;
    let _ = write!(
        out,
        r#"{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"6c5bb468-14b2-4183-baf2-{i:012}","externalId":"ext-{i}","userName":"user{i}@contoso.example.com","name":{{"givenName":"Given{i}","familyName":"Family{i}"}},"emails":[{{"value":"user{i}@contoso.example.com","type":"work","primary":true}}],"active":true,"meta":{{"resourceType":"User","created":"2026-01-01T00:00:00Z","lastModified":"2026-01-01T00:00:00Z","version":"W/\"{i}\""}}}}"#
    );
}

async fn list(RawQuery(q): RawQuery) -> Response {
    let q = q.unwrap_or_default();
    let mut start = 1;
    let mut count = 100;
    for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
        match &*k {
            "startIndex" => start = v.parse().unwrap_or(1),
            "count" => count = v.parse().unwrap_or(100),
            _ => {}
        }
    }
    let end = TOTAL.min(start + count - 1);
    let n = (start..=end).count();
    let mut body = String::with_capacity(n * 480 + 200);
    body.push_str(&format!(
        r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":{TOTAL},"startIndex":{start},"itemsPerPage":{n},"Resources":["#
    ));
    for i in start..=end {
        if i > start {
            body.push(',');
        }
        write_user(&mut body, i);
    }
    body.push_str("]}");
    ([("content-type", "application/scim+json")], body).into_response()
}

async fn start_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, Router::new().route("/scim/Users", get(list)))
            .await
            .unwrap();
    });
    format!("http://{addr}/scim")
}

async fn stream_all(client: &Client, page: u64) -> u64 {
    let mut n = 0;
    let mut users = std::pin::pin!(client.stream::<BenchUser>(Query::new().count(page)));
    while let Some(u) = users.try_next().await.unwrap() {
        std::hint::black_box(&u);
        n += 1;
    }
    n
}

/// The peer's page type (the same fields the client reads).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Page {
    total_results: u64,
    #[serde(rename = "Resources", default)]
    resources: Vec<BenchUser>,
}

/// The peer: a bare hyper client looping over the same pages and decoding them.
async fn bare_hyper(base: &str, page: u64) -> u64 {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let mut n = 0;
    let mut start = 1;
    while start <= TOTAL {
        let uri: http::Uri = format!("{base}/Users?startIndex={start}&count={page}")
            .parse()
            .unwrap();
        let resp = client.get(uri).await.unwrap();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let list: Page = serde_json::from_slice(&body).unwrap();
        n += list.resources.len() as u64;
        start += list.resources.len() as u64;
        std::hint::black_box(list);
    }
    n
}

fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Runs `f` and returns the peak resident set during it, in KiB (Linux only).
fn peak_rss_kib(
    rt: &tokio::runtime::Runtime,
    f: impl std::future::Future<Output = u64>,
) -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    let n = rt.block_on(f);
    assert_eq!(n, TOTAL);
    status_kib("VmHWM:")
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let base = rt.block_on(start_server());
    let client = Client::builder(&base).build().unwrap();
    match std::env::var("STREAM_BENCH_PROFILE").as_deref() {
        Ok("client") => return assert_eq!(rt.block_on(stream_all(&client, 100)), TOTAL),
        Ok("hyper") => return assert_eq!(rt.block_on(bare_hyper(&base, 100)), TOTAL),
        _ => {}
    }

    // Warm up once, then memory figures.
    assert_eq!(rt.block_on(stream_all(&client, 100)), TOTAL);
    let before = status_kib("VmRSS:").unwrap_or(0);
    let streamed = peak_rss_kib(&rt, stream_all(&client, 100));
    let streamed_1000 = peak_rss_kib(&rt, stream_all(&client, 1000));
    let collected = peak_rss_kib(&rt, async {
        let all: Vec<BenchUser> = client
            .stream(Query::new().count(100))
            .try_collect()
            .await
            .unwrap();
        let n = all.len() as u64;
        std::hint::black_box(all);
        n
    });
    println!("memory: resident before {before} KiB");
    println!("memory: peak while streaming 100k users, count=100:  {streamed:?} KiB");
    println!("memory: peak while streaming 100k users, count=1000: {streamed_1000:?} KiB");
    println!("memory: peak while collecting 100k users into a Vec: {collected:?} KiB");

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .configure_from_args();
    let mut g = c.benchmark_group("list_100k_users");
    g.throughput(Throughput::Elements(TOTAL));
    for page in [100, 1000] {
        // The peer first, then the client: with the opposite order of the earlier run, so a
        // drifting machine load shows up as a spread between runs rather than a bias.
        g.bench_function(format!("bare_hyper_loop/count={page}"), |b| {
            b.iter(|| rt.block_on(bare_hyper(&base, page)));
        });
        g.bench_function(format!("scim2_client_stream/count={page}"), |b| {
            b.iter(|| rt.block_on(stream_all(&client, page)));
        });
    }
    g.finish();
    c.final_summary();
}

#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)] // measurements

//! The load driver: sends the Entra-shaped workload of [`workload`](crate::workload) from many
//! connections at once to any SCIM base URL over HTTP/1.1 (hyper's client, one connection per
//! request in flight), and measures throughput, latency and who used the CPU meanwhile.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use crate::cpu;
use crate::workload::{Seeded, Worker, group_body, user_body};

/// What the driver measured on one endpoint.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub requests: u64,
    /// Answers other than the expected 2xx (or the 404/empty list of a lookup miss).
    pub errors: u64,
    pub seconds: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// The first unexpected answer, for the report.
    pub first_error: Option<String>,
    /// CPU used while measuring (seeding excluded).
    pub cpu: cpu::Usage,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// The load's shape.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Requests in flight at once (Entra runs several provisioning threads per job).
    pub concurrency: usize,
    /// Users and groups created before measuring.
    pub users: usize,
    pub groups: usize,
    /// How long to measure.
    pub duration: Duration,
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct Endpoint {
    client: HttpClient,
    base: String,
    token: Option<String>,
}

impl Endpoint {
    async fn send(
        &self,
        method: http::Method,
        path_and_query: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Bytes), String> {
        let mut b = http::Request::builder()
            .method(method)
            .uri(format!("{}{path_and_query}", self.base))
            .header(http::header::ACCEPT, "application/scim+json");
        if let Some(t) = &self.token {
            b = b.header(http::header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(v) => {
                b = b.header(http::header::CONTENT_TYPE, "application/scim+json");
                Full::new(Bytes::from(
                    serde_json::to_vec(v).map_err(|e| e.to_string())?,
                ))
            }
            None => Full::new(Bytes::new()),
        };
        let req = b.body(body).map_err(|e| e.to_string())?;
        let res = self.client.request(req).await.map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let bytes = res
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, bytes))
    }
}

fn id_of(bytes: &[u8]) -> Option<String> {
    serde_json::from_slice::<Value>(bytes)
        .ok()?
        .get("id")?
        .as_str()
        .map(str::to_owned)
}

async fn seed(ep: &Endpoint, prefix: &str, shape: Shape) -> Result<Seeded, String> {
    let mut users = Vec::new();
    for i in 0..shape.users {
        let body = user_body(prefix, i);
        let (status, bytes) = ep.send(http::Method::POST, "/Users", Some(&body)).await?;
        let id = id_of(&bytes).filter(|_| status == 201).ok_or_else(|| {
            format!(
                "seeding user {i}: {status} {}",
                String::from_utf8_lossy(&bytes)
            )
        })?;
        users.push((
            body["userName"].as_str().unwrap_or_default().to_owned(),
            body["externalId"].as_str().unwrap_or_default().to_owned(),
            id,
        ));
    }
    let mut groups = Vec::new();
    for g in 0..shape.groups {
        let body = group_body(prefix, g);
        let name = body["displayName"].as_str().unwrap_or_default().to_owned();
        let (status, bytes) = ep.send(http::Method::POST, "/Groups", Some(&body)).await?;
        let id = id_of(&bytes).filter(|_| status == 201).ok_or_else(|| {
            format!(
                "seeding group {g}: {status} {}",
                String::from_utf8_lossy(&bytes)
            )
        })?;
        groups.push((name, id));
    }
    Ok(Seeded { users, groups })
}

/// Runs the Entra-shaped load against `base` (the SCIM base URL, without a trailing `/`) and
/// measures it. Resources are named with `prefix`.
pub async fn drive(
    base: &str,
    token: Option<String>,
    prefix: &str,
    shape: Shape,
) -> Result<Outcome, String> {
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(shape.concurrency)
        .build_http();
    let ep = Arc::new(Endpoint {
        client,
        base: base.trim_end_matches('/').to_owned(),
        token,
    });
    let seeded = Arc::new(seed(&ep, prefix, shape).await?);
    let cpu_before = cpu::Snapshot::now();
    let start = Instant::now();
    let deadline = start + shape.duration;
    let mut tasks = Vec::new();
    for w in 0..shape.concurrency {
        let ep = Arc::clone(&ep);
        let seeded = Arc::clone(&seeded);
        let prefix = prefix.to_owned();
        tasks.push(tokio::spawn(async move {
            worker(&ep, &seeded, &prefix, w, deadline).await
        }));
    }
    let mut latencies: Vec<u32> = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for t in tasks {
        let r = t.await.map_err(|e| e.to_string())?;
        latencies.extend(r.latencies);
        errors += r.errors;
        if first_error.is_none() {
            first_error = r.first_error;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_before.until(&cpu::Snapshot::now());
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        Duration::from_micros(u64::from(latencies.get(i).copied().unwrap_or(0)))
    };
    Ok(Outcome {
        requests: latencies.len() as u64,
        errors,
        seconds,
        p50: pct(0.50),
        p99: pct(0.99),
        first_error,
        cpu,
    })
}

#[derive(Default)]
struct WorkerResult {
    latencies: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

async fn worker(
    ep: &Endpoint,
    seeded: &Seeded,
    prefix: &str,
    w: usize,
    deadline: Instant,
) -> WorkerResult {
    let mut workload = Worker::new(w);
    let mut out = WorkerResult::default();
    while Instant::now() < deadline {
        for step in workload.next(seeded, prefix) {
            record(
                &mut out,
                ep,
                step.method,
                &step.path,
                step.body.as_ref(),
                step.ok,
            )
            .await;
        }
    }
    out
}

async fn record(
    out: &mut WorkerResult,
    ep: &Endpoint,
    method: http::Method,
    path: &str,
    body: Option<&Value>,
    ok: &[u16],
) {
    let t = Instant::now();
    let r = ep.send(method.clone(), path, body).await;
    out.latencies
        .push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
    let bad = match &r {
        Ok((status, _)) => !ok.contains(status),
        Err(_) => true,
    };
    if bad {
        out.errors += 1;
        if out.first_error.is_none() {
            out.first_error = Some(match r {
                Ok((status, bytes)) => format!(
                    "{method} {path} → {status} {}",
                    String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
                ),
                Err(e) => format!("{method} {path} → {e}"),
            });
        }
    }
}

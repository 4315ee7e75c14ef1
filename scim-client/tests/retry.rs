//! The retry policy, timeouts and the rate limit against misbehaving local endpoints.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use common::{Canned, Recorder, Script, TestUser, builder, fast_retry};
use http::StatusCode;
use scim2_client::{Client, Error, Projection, Query, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const USER: &str = r#"{"id":"1","userName":"bjensen"}"#;

#[tokio::test]
async fn too_many_requests_with_retry_after_then_success() {
    let script = Script::new(vec![
        Canned::new(429, "").header("retry-after", "1"),
        Canned::new(200, USER),
    ]);
    let base = script.serve().await;
    let recorder = Arc::new(Recorder::default());
    let client = builder(&base).observer(recorder.clone()).build().unwrap();
    let t0 = Instant::now();
    let u: TestUser = client.get("1", &Projection::all()).await.unwrap();
    assert_eq!(u.user_name, "bjensen");
    assert_eq!(script.hits(), 2);
    // Retry-After: 1 was honoured rather than the 5–20 ms backoff.
    assert!(
        t0.elapsed() >= Duration::from_millis(950),
        "{:?}",
        t0.elapsed()
    );
    let attempts: Vec<(u32, Option<u16>)> = recorder
        .all()
        .iter()
        .map(|e| (e.attempt, e.status.map(|s| s.as_u16())))
        .collect();
    assert_eq!(attempts, vec![(1, Some(429)), (2, Some(200))]);
}

#[tokio::test]
async fn retry_after_as_http_date() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
    let script = Script::new(vec![
        Canned::new(503, "").header("retry-after", &past),
        Canned::new(200, USER),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let u: TestUser = client.get("1", &Projection::all()).await.unwrap();
    assert_eq!(u.id.as_deref(), Some("1"));
    assert_eq!(script.hits(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_total_wait_gives_up_at_once() {
    let script = Script::new(vec![Canned::new(429, "").header("retry-after", "120")]);
    let client = builder(&script.serve().await).build().unwrap();
    let e = client
        .get::<TestUser>("1", &Projection::all())
        .await
        .unwrap_err();
    assert_eq!(script.hits(), 1);
    assert_eq!(e.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(
        e.response().unwrap().retry_after,
        Some(Duration::from_secs(120))
    );
    assert!(e.to_string().contains("rate limiting"), "{e}");
}

#[tokio::test]
async fn service_unavailable_storm_exhausts_the_policy() {
    let script = Script::new(vec![
        Canned::new(503, "<html>busy</html>").header("content-type", "text/html"),
    ]);
    let recorder = Arc::new(Recorder::default());
    let client = Client::builder(script.serve().await)
        .retry(fast_retry(4))
        .observer(recorder.clone())
        .build()
        .unwrap();
    let e = client.list::<TestUser>(&Query::new()).await.unwrap_err();
    assert_eq!(script.hits(), 4);
    let r = e.response().unwrap();
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.attempts, 4);
    assert_eq!(r.body_excerpt.as_deref(), Some("<html>busy</html>"));
    assert!(e.to_string().contains("after 4 attempts"), "{e}");
    let attempts: Vec<u32> = recorder.all().iter().map(|x| x.attempt).collect();
    assert_eq!(attempts, vec![1, 2, 3, 4]);

    // The total-wait bound stops earlier than the attempt bound.
    let script = Script::new(vec![Canned::new(502, "")]);
    let policy = RetryPolicy::default()
        .max_attempts(50)
        .backoff(Duration::from_millis(40), Duration::from_millis(40))
        .max_total_wait(Duration::from_millis(100));
    let client = Client::builder(script.serve().await)
        .retry(policy)
        .build()
        .unwrap();
    let e = client.list::<TestUser>(&Query::new()).await.unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::BAD_GATEWAY));
    // Waits are 20–40 ms each: 2 to 5 of them fit in 100 ms.
    assert!((3..=6).contains(&script.hits()), "{}", script.hits());
}

#[tokio::test]
async fn post_that_reached_the_server_is_not_retried() {
    for status in [503, 429, 502, 504] {
        let script = Script::new(vec![
            Canned::new(status, "").header("retry-after", "0"),
            Canned::new(201, USER),
        ]);
        let client = builder(&script.serve().await).build().unwrap();
        let e = client.create(&TestUser::new("bjensen")).await.unwrap_err();
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(script.hits(), 1, "POST retried after {status}");
    }
    // PATCH is not idempotent either.
    let script = Script::new(vec![Canned::new(503, ""), Canned::new(204, "")]);
    let client = builder(&script.serve().await).build().unwrap();
    let op = scim2_types::PatchOp::new(vec![]);
    assert!(client.patch::<TestUser>("1", &op).await.is_err());
    assert_eq!(script.hits(), 1);
    // A POST /.search only reads, so it is retried.
    let script = Script::new(vec![
        Canned::new(503, ""),
        Canned::new(200, r#"{"totalResults":0,"Resources":[]}"#),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let page = client.search::<TestUser>(&Query::new()).await.unwrap();
    assert_eq!(page.total_results, 0);
    assert_eq!(script.hits(), 2);
}

#[tokio::test]
async fn post_is_retried_when_the_connection_was_refused() {
    // A port with nothing listening: the request provably never reached a server.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let recorder = Arc::new(Recorder::default());
    let client = builder(&format!("http://{addr}/scim"))
        .observer(recorder.clone())
        .build()
        .unwrap();
    let e = client.create(&TestUser::new("x")).await.unwrap_err();
    let Error::Connect { host, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(host, &addr.to_string());
    assert!(
        e.to_string()
            .contains(&format!("could not connect to {addr}")),
        "{e}"
    );
    let seen = recorder.all();
    assert_eq!(seen.len(), 3, "3 attempts");
    assert!(seen.iter().all(|x| x.status.is_none() && x.error.is_some()));
}

/// A raw TCP server: the first `resets` connections are dropped after the request arrives;
/// later ones get `200` with `body`.
async fn flaky_server(resets: usize, body: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let conns = Arc::new(AtomicUsize::new(0));
    let counter = conns.clone();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let n = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    let k = sock.read(&mut buf).await.unwrap_or(0);
                    if k == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..k]);
                }
                if n < resets {
                    drop(sock);
                    return;
                }
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/scim+json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                sock.write_all(resp.as_bytes()).await.unwrap();
            });
        }
    });
    (format!("http://{addr}"), conns)
}

#[tokio::test]
async fn connection_reset_is_retried_for_get_but_not_for_post() {
    let (base, conns) = flaky_server(1, USER).await;
    let client = builder(&base).build().unwrap();
    let u: TestUser = client.get("1", &Projection::all()).await.unwrap();
    assert_eq!(u.user_name, "bjensen");
    assert_eq!(conns.load(Ordering::SeqCst), 2);

    let (base, conns) = flaky_server(1, USER).await;
    let client = builder(&base).build().unwrap();
    let e = client.create(&TestUser::new("bjensen")).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(e.to_string().contains("127.0.0.1"), "{e}");
    assert_eq!(conns.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn slow_endpoint_hits_the_timeout() {
    let script = Script::new(vec![Canned::new(200, USER).delay(Duration::from_secs(10))]);
    let client = builder(&script.serve().await)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let t0 = Instant::now();
    let e = client
        .get::<TestUser>("1", &Projection::all())
        .await
        .unwrap_err();
    assert!(
        t0.elapsed() < Duration::from_secs(5),
        "the timeout did not fire"
    );
    let Error::Timeout { after, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*after, Duration::from_millis(200));
    assert!(e.to_string().contains("timed out"), "{e}");
    assert_eq!(script.hits(), 1, "timeouts are not retried by default");
}

#[tokio::test]
async fn rate_limit_spaces_requests() {
    let script = Script::new(vec![Canned::new(200, USER)]);
    let client = builder(&script.serve().await)
        .rate_limit(20.0)
        .build()
        .unwrap();
    let t0 = Instant::now();
    for _ in 0..5 {
        let _: TestUser = client.get("1", &Projection::all()).await.unwrap();
    }
    // Slots at 0, 50, 100, 150, 200 ms.
    assert!(
        t0.elapsed() >= Duration::from_millis(195),
        "{:?}",
        t0.elapsed()
    );
    assert!(Client::builder("http://h").rate_limit(0.0).build().is_err());
}

/// A transport that answers `/Users/slow` 429 with `Retry-After: 1` the first time and
/// everything else 200, recording the path and the (virtual) time of each attempt.
#[derive(Debug, Default)]
struct Throttling {
    sent: std::sync::Mutex<Vec<(String, tokio::time::Instant)>>,
}

impl Throttling {
    fn sent(&self) -> Vec<(String, tokio::time::Instant)> {
        self.sent.lock().unwrap().clone()
    }
}

impl scim2_client::Transport for Throttling {
    fn send(
        &self,
        request: http::Request<scim2_client::Bytes>,
        _max_body: usize,
    ) -> scim2_client::BoxFuture<
        '_,
        Result<http::Response<scim2_client::Bytes>, scim2_client::TransportError>,
    > {
        let path = request.uri().path().to_owned();
        let mut sent = self.sent.lock().unwrap();
        let throttle = path.ends_with("/slow") && !sent.iter().any(|(p, _)| *p == path);
        sent.push((path, tokio::time::Instant::now()));
        let response = if throttle {
            http::Response::builder()
                .status(429)
                .header("retry-after", "1")
                .body(scim2_client::Bytes::new())
        } else {
            http::Response::builder()
                .status(200)
                .header("content-type", "application/scim+json")
                .body(scim2_client::Bytes::from_static(USER.as_bytes()))
        };
        Box::pin(async move { Ok(response.unwrap()) })
    }
}

/// A `Retry-After` on one request holds every request of the client (and of the clients given
/// the same gate) until that time, not only the retry of the throttled request; a client with
/// its own gate is not held. Virtual time: what is compared is when attempts were sent.
#[tokio::test(start_paused = true)]
async fn retry_after_holds_every_request_sharing_the_gate() {
    let transport = Arc::new(Throttling::default());
    let gate = scim2_client::ThrottleGate::new();
    let build = |gate: scim2_client::ThrottleGate| {
        Client::builder("http://scim.test/v2")
            .transport(transport.clone())
            .throttle_gate(gate)
            .build()
            .unwrap()
    };
    let (client, other) = (build(gate.clone()), build(gate.clone()));
    let alone = build(scim2_client::ThrottleGate::new());
    let slow = tokio::spawn({
        let c = client.clone();
        async move { c.get::<TestUser>("slow", &Projection::all()).await }
    });
    // Until the 429 is in and holds the gate.
    while gate.held_until().is_none() {
        tokio::task::yield_now().await;
    }
    let until = gate.held_until().unwrap();
    let alone_done = alone.get::<TestUser>("alone", &Projection::all()).await;
    let (all, copy) = (Projection::all(), client.clone());
    let (clone_done, other_done) = tokio::join!(
        copy.get::<TestUser>("clone", &all),
        other.get::<TestUser>("other", &all),
    );
    assert!(alone_done.is_ok() && clone_done.is_ok() && other_done.is_ok());
    assert!(slow.await.unwrap().is_ok());
    let sent = transport.sent();
    let at = |p: &str| -> Vec<tokio::time::Instant> {
        sent.iter()
            .filter(|(q, _)| q.ends_with(p))
            .map(|(_, t)| *t)
            .collect()
    };
    let throttled = at("/slow")[0];
    assert_eq!(until, throttled + Duration::from_secs(1));
    // Sent while the gate was held: only the request of the client with its own gate.
    assert!(at("/alone")[0] < until, "{sent:?}");
    for p in ["/clone", "/other"] {
        assert!(
            at(p)[0] >= until,
            "{p} sent inside the Retry-After window: {sent:?}"
        );
    }
    assert_eq!(at("/slow").len(), 2);
    assert!(at("/slow")[1] >= until);
}

//! Connections are reused across requests (keep-alive), including pagination.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{TestUser, builder};
use scim2_client::Projection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A keep-alive HTTP/1.1 server that counts connections and answers every GET with a user.
async fn counting_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let conns = Arc::new(AtomicUsize::new(0));
    let counter = conns.clone();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut pending = Vec::new();
                loop {
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        let body = r#"{"id":"1","userName":"a"}"#;
                        let resp = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/scim+json\r\n\
                             content-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if sock.write_all(resp.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => pending.extend_from_slice(&buf[..k]),
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), conns)
}

#[tokio::test]
async fn sequential_requests_share_one_connection() {
    let (base, conns) = counting_server().await;
    let client = builder(&base).build().unwrap();
    for _ in 0..20 {
        let u: TestUser = client.get("1", &Projection::all()).await.unwrap();
        assert_eq!(u.user_name, "a");
    }
    assert_eq!(conns.load(Ordering::SeqCst), 1);
}

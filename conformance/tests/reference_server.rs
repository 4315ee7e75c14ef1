//! The reference endpoint served on a loopback port, spoken to with raw HTTP/1.1 so that the
//! exact headers are under the test's control (Entra's Test Connection sends only
//! `Authorization`).

#![allow(clippy::unwrap_used, clippy::cloned_ref_to_slice_refs)] // tests may unwrap; `[x.clone()]` reads best in asserts

use scim2_conformance::reference::{Fault, ReferenceConfig, ReferenceServer, Seed};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Raw {
    status: u16,
    head: String,
    body: Value,
}

impl Raw {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

async fn raw(
    server: &ReferenceServer,
    method: &str,
    target: &str,
    headers: &[&str],
    body: Option<&Value>,
) -> Raw {
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    let payload = body
        .map(|b| serde_json::to_vec(b).unwrap())
        .unwrap_or_default();
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        server.addr()
    );
    for h in headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    if body.is_some() {
        request.push_str(&format!(
            "Content-Type: application/scim+json; charset=utf-8\r\nContent-Length: {}\r\n",
            payload.len()
        ));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(&payload).await.unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).await.unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body_text = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Raw {
        status,
        head: head.to_owned(),
        body: serde_json::from_str(&body_text).unwrap_or(Value::Null),
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&tail[..n]);
        rest = &tail[n + 2..];
    }
    out
}

#[tokio::test]
async fn serves_on_loopback_with_a_bearer_token() {
    let server = ReferenceServer::start(ReferenceConfig::default().with_token("s3cret"))
        .await
        .unwrap();
    let base = server.base_url();
    assert_eq!(base, format!("http://{}/scim/v2", server.addr()));
    assert!(server.addr().ip().is_loopback());

    // Only Authorization: no Accept, no User-Agent.
    let r = raw(
        &server,
        "GET",
        "/scim/v2/Users?startIndex=1&count=5",
        &["Authorization: Bearer s3cret"],
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/scim+json")
    );
    assert_eq!(r.body["totalResults"], 0);
    assert_eq!(r.body["Resources"], json!([]));
    assert_eq!(r.body["startIndex"], 1);

    // Entra's Test Connection, exactly as observed (docs/entra.md#test-connection).
    let probe = "/scim/v2/Users?filter=userName+eq+%227d420df3-9995-4831-a406-ecf8166f5f6a%22";
    let r = raw(
        &server,
        "GET",
        probe,
        &["Authorization: Bearer s3cret"],
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["totalResults"], 0);
    assert_eq!(r.body["Resources"], json!([]));

    let r = raw(&server, "GET", "/scim/v2/Users", &[], None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["status"], "401");

    let r = raw(
        &server,
        "POST",
        "/scim/v2/Users",
        &["Authorization: Bearer s3cret"],
        Some(&json!({"userName": "tcp@contoso.example"})),
    )
    .await;
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.header("location").unwrap(), format!("{base}/Users/{id}"));
    assert_eq!(r.body["meta"]["location"], format!("{base}/Users/{id}"));

    let log = server.request_log();
    let seen: Vec<(&str, &str, Option<&str>, u16)> = log
        .iter()
        .map(|l| {
            (
                l.method.as_str(),
                l.path.as_str(),
                l.query.as_deref(),
                l.status,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/scim/v2/Users", Some("startIndex=1&count=5"), 200),
            (
                "GET",
                "/scim/v2/Users",
                Some("filter=userName+eq+%227d420df3-9995-4831-a406-ecf8166f5f6a%22"),
                200,
            ),
            ("GET", "/scim/v2/Users", None, 401),
            ("POST", "/scim/v2/Users", None, 201),
        ]
    );
    let addr = server.addr();
    server.shutdown().await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "still listening after shutdown"
    );
}

#[tokio::test]
async fn serves_a_seeded_directory_and_faults() {
    let server =
        ReferenceServer::start(ReferenceConfig::default().with_fault(Fault::RequireUserAgent))
            .await
            .unwrap();
    server
        .seed(Seed {
            users: (0..7)
                .map(|i| json!({"userName": format!("u{i}@contoso.example")}))
                .collect(),
            ..Seed::default()
        })
        .unwrap();
    let r = raw(
        &server,
        "GET",
        "/scim/v2/Users?startIndex=6&count=5",
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let r = raw(
        &server,
        "GET",
        "/scim/v2/Users?startIndex=6&count=5",
        &["User-Agent: test"],
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["totalResults"], 7);
    assert_eq!(r.body["itemsPerPage"], 2);
    server.shutdown().await;
}

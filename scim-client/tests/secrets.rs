//! The token never appears in logs, observer output, errors or Debug output.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Canned, Recorder, Script, TestUser, builder};
use scim2_client::{Projection, Query, RawRequest, Secret};

const TOKEN: &str = "tok-Zq9X-very-secret-value";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn token_never_leaks() {
    let logs = Capture::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let script = Script::new(vec![
        Canned::new(200, r#"{"id":"1","userName":"a"}"#),
        Canned::new(401, r#"{"status":"401","detail":"token expired"}"#),
        Canned::new(503, "busy"),
        Canned::new(503, "busy"),
        Canned::new(503, "busy"),
        Canned::new(200, "{}").delay(Duration::from_secs(5)),
    ]);
    let recorder = Arc::new(Recorder::default());
    let secret = Secret::new(TOKEN.to_owned());
    let builder = builder(&script.serve().await)
        .bearer(secret.clone())
        .timeout(Duration::from_millis(300))
        .observer(recorder.clone());
    let mut outputs = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    outputs.push(format!("{client:?}"));
    outputs.push(format!("{secret} {secret:?}"));

    let ok: TestUser = client.get("1", &Projection::all()).await.unwrap();
    outputs.push(format!("{ok:?}"));
    for _ in 0..3 {
        // 401, then a 503 storm (3 attempts), then a timeout.
        let e = client.list::<TestUser>(&Query::new()).await.unwrap_err();
        outputs.push(format!("{e} {e:?}"));
    }
    let raw = client
        .send_raw(RawRequest::new(http::Method::GET, "/x"))
        .await
        .unwrap_err();
    outputs.push(format!("{raw} {raw:?}"));

    // The server did get the token: the redaction is not an absence.
    let received = script.received();
    assert!(received.len() >= 6);
    assert!(
        received
            .iter()
            .all(|r| r.headers["authorization"] == format!("Bearer {TOKEN}").as_str())
    );

    let exchanges = recorder.all();
    assert!(exchanges.len() >= 6);
    for ex in &exchanges {
        assert_eq!(ex.request_headers["authorization"], "Bearer ***");
        outputs.push(format!("{ex:?}"));
    }
    // A credential in the query string (some endpoints take `?access_token=`): the observer
    // sees the URL as sent, logs do not.
    let _ = client
        .send_raw(
            RawRequest::new(http::Method::GET, "/Users")
                .query(format!("filter=userName+eq+%22a%22&access_token={TOKEN}")),
        )
        .await;
    drop(_guard);
    let log_text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        log_text.contains("retrying"),
        "logs were captured: {log_text}"
    );
    assert!(log_text.contains("SCIM exchange"), "{log_text}");
    // One span per attempt, with the status and the attempt number.
    assert!(
        log_text.contains("scim_attempt{method=GET url=http://127.0.0.1:"),
        "{log_text}"
    );
    assert!(log_text.contains("attempt=3 status=503"), "{log_text}");
    assert!(
        log_text.contains("access_token=***"),
        "the query-token request was logged: {log_text}"
    );
    outputs.push(log_text);

    for out in &outputs {
        assert!(!out.contains(TOKEN), "token leaked in: {out}");
        assert!(!out.contains("Zq9X"), "part of the token leaked in: {out}");
    }
}

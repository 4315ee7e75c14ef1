//! The ceilings: servers that do no SCIM work at all. They read each request's body and answer
//! a small fixed SCIM body (a `ListResponse` of one user, or the user itself with 201 to a
//! POST, which is what the driver's seeding and its creates expect), so the driver counts
//! every answer as right. What they reach is the most any server on this HTTP stack can reach
//! with this driver on this machine.

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

const USER: &str = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com","active":true,"meta":{"resourceType":"User","version":"W/\"1\""}}"#;
const LIST: &str = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"startIndex":1,"itemsPerPage":1,"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com","active":true,"meta":{"resourceType":"User","version":"W/\"1\""}}]}"#;

/// The fixed answer to a request with `method`.
fn answer(method: &Method) -> (StatusCode, &'static str) {
    if method == Method::POST {
        (StatusCode::CREATED, USER)
    } else {
        (StatusCode::OK, LIST)
    }
}

fn response<B: From<&'static str>>(method: &Method) -> Response<B> {
    let (status, body) = answer(method);
    let mut r = Response::new(B::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/scim+json"),
    );
    r
}

/// hyper's HTTP/1.1 server and nothing else: no router, no tower stack.
pub async fn bare_hyper() -> Result<String, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = service_fn(|req: Request<Incoming>| async move {
                    let method = req.method().clone();
                    req.into_body().collect().await?;
                    Ok::<_, hyper::Error>(response::<Full<Bytes>>(&method))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(format!("http://{addr}/scim/v2"))
}

/// `axum::serve` with a router whose every route answers the fixed body: what the HTTP stack
/// scim2-server's router runs on costs without any SCIM work.
pub async fn axum_fixed() -> Result<String, String> {
    async fn fixed(method: Method, body: axum::body::Bytes) -> Response<axum::body::Body> {
        drop(body);
        response(&method)
    }
    let app = axum::Router::new().nest(
        "/scim/v2",
        axum::Router::new()
            .route("/", axum::routing::any(fixed))
            .route("/{*rest}", axum::routing::any(fixed)),
    );
    listen(app).await
}

/// Serves `app` (its SCIM API nested under `/scim/v2`) on a free loopback port, on the current
/// runtime; the base URL.
pub async fn listen(app: axum::Router) -> Result<String, String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}/scim/v2"))
}

//! A SaaS-style SCIM endpoint for Microsoft Entra ID provisioning, in one file: users and
//! groups in an SQLite file, a bearer token from the environment, served under `/scim/v2`.
//!
//! ```text
//! SCIM_TOKEN=$(openssl rand -hex 32) SCIM_DB=scim.db \
//!   cargo run -p scim2-server --features axum,sqlite --example saas
//! ```
//!
//! In Entra's provisioning settings, the Tenant URL is `https://<your host>/scim/v2` and the
//! Secret Token is the value of `SCIM_TOKEN`. Put TLS in front (a reverse proxy or a load
//! balancer): Entra only calls `https://` URLs.

use std::net::SocketAddr;

use scim2_server::router::ScimRouter;
use scim2_server::store::sql::SqliteStore;
use scim2_server::{ScimServer, ServerConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The token Entra sends as `Authorization: Bearer …`: from the environment, never a flag,
    // never logged.
    let token = std::env::var("SCIM_TOKEN")
        .ok()
        .filter(|t| t.len() >= 16)
        .ok_or("set SCIM_TOKEN to a secret of at least 16 characters")?;
    let db = std::env::var("SCIM_DB").unwrap_or_else(|_| "scim.db".to_owned());
    let addr: SocketAddr = std::env::var("SCIM_LISTEN")
        .unwrap_or_else(|_| "127.0.0.1:8080".to_owned())
        .parse()?;

    // Users and groups persist in one SQLite file (created and migrated on first start).
    let store = SqliteStore::open(&db).await?;

    // The core User and Group schemas with the Enterprise User extension, and the policy
    // that accepts what Entra sends (`"True"` strings, its PATCH dialects, …). Add your own
    // extension with `.with_user_extension(schema)`.
    let server = ScimServer::new(store, ServerConfig::new());

    // Bearer authentication (compared in constant time), body limit, SCIM media types.
    let scim = ScimRouter::with_token(server, token).into_router();
    let app = axum::Router::new().nest("/scim/v2", scim);

    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "SCIM endpoint at http://{}/scim/v2 (data in {db})",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}

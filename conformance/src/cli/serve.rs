//! `scim-conformance serve`: the built-in reference endpoint on a local port.

#[allow(clippy::wildcard_imports)] // the command line's types and imports
use super::*;

pub(super) async fn serve_cmd(a: ServeArgs) -> Result<ExitCode, UsageError> {
    let mut config = ReferenceConfig::default().with_faults(a.faults.iter().copied());
    if let Some(var) = &a.require_token_env {
        let t = Token::from_env(var).map_err(|e| UsageError(e.to_string()))?;
        config = config.with_token(t.expose());
    }
    let mut declared = Vec::new();
    for path in &a.schemas {
        const MAX_SCHEMA_FILE: u64 = 1024 * 1024;
        let what = |e: String| UsageError(format!("--schema {}: {e}", path.display()));
        let text =
            crate::capped::read_capped(path, MAX_SCHEMA_FILE).map_err(|e| what(e.to_string()))?;
        for s in
            crate::reference::parse_extension_schemas(&text).map_err(|e| what(e.to_string()))?
        {
            declared.push(s.id.clone());
            config = config.with_extension_schema(s);
        }
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, a.port));
    if let Some(path) = &a.db {
        return serve_sqlite(path, addr, config, &declared).await;
    }
    let server = ReferenceServer::start_on(addr, config)
        .await
        .map_err(|e| UsageError(format!("cannot listen on {addr}: {e}")))?;
    println!("serving the reference endpoint at {}", server.base_url());
    if !declared.is_empty() {
        println!(
            "declared extension schemas (undeclared attributes are refused): {}",
            declared.join(", ")
        );
    }
    if !a.faults.is_empty() {
        println!(
            "faults: {}",
            a.faults
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    Ok(ExitCode::Ok)
}

/// `serve --db PATH`: scim2-server over an SQLite file, with the reference endpoint's
/// configuration (token, declared schemas, Entra-compatible policy) and no faults.
async fn serve_sqlite(
    path: &std::path::Path,
    addr: SocketAddr,
    config: ReferenceConfig,
    declared: &[String],
) -> Result<ExitCode, UsageError> {
    use scim2_server::router::ScimRouter;
    use scim2_server::store::sql::SqliteStore;
    use scim2_server::{ScimServer, ServerConfig};

    let store = SqliteStore::open(path)
        .await
        .map_err(|e| UsageError(format!("--db {}: {e}", path.display())))?;
    let mut server_config = ServerConfig::new().with_policy(crate::reference::policy(&config));
    for schema in &config.extension_schemas {
        server_config = server_config.with_user_extension(schema.clone());
    }
    let server = ScimServer::new(store, server_config);
    let router = match config.token.clone() {
        Some(token) => ScimRouter::with_token(server, token),
        None => ScimRouter::unauthenticated(server),
    };
    let app = axum::Router::new().nest(crate::reference::BASE_PATH, router.into_router());
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| UsageError(format!("cannot listen on {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| UsageError(format!("cannot listen on {addr}: {e}")))?;
    println!(
        "serving scim2-server from {} at http://{bound}{}",
        path.display(),
        crate::reference::BASE_PATH
    );
    if !declared.is_empty() {
        println!(
            "declared extension schemas (undeclared attributes are refused): {}",
            declared.join(", ")
        );
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| UsageError(format!("serving on {bound}: {e}")))?;
    Ok(ExitCode::Ok)
}

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
        let len = std::fs::metadata(path)
            .map_err(|e| what(e.to_string()))?
            .len();
        if len > MAX_SCHEMA_FILE {
            return Err(what(format!("{len} bytes is larger than the 1 MiB limit")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| what(e.to_string()))?;
        for s in
            crate::reference::parse_extension_schemas(&text).map_err(|e| what(e.to_string()))?
        {
            declared.push(s.id.clone());
            config = config.with_extension_schema(s);
        }
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, a.port));
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

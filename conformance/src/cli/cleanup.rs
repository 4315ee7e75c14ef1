//! `scim-conformance cleanup`: deletes what an interrupted run left, from its journal and by
//! name prefix.

#[allow(clippy::wildcard_imports)] // the command line's types and imports
use super::*;

pub(super) async fn cleanup_cmd(a: CleanupArgs) -> Result<ExitCode, UsageError> {
    if !is_run_id(&a.run_id) {
        return Err(UsageError(format!(
            "{:?} is not a run id (8 lower-case letters and digits)",
            a.run_id
        )));
    }
    let spec = a.endpoint.spec();
    let Endpoint {
        url,
        token,
        network,
        ..
    } = load_endpoint(&spec)?;
    let dir = a.journal_dir.clone().unwrap_or_else(default_journal_dir);
    let journal = if Journal::path_for(&dir, &a.run_id).exists() {
        Journal::load(&dir, &a.run_id).map_err(|e| UsageError(e.to_string()))?
    } else {
        Journal::create(&dir, &a.run_id, &url).map_err(|e| UsageError(e.to_string()))?
    };
    let timeout = spec.timeout_or(Duration::from_secs(30));
    let http = HttpTransport::with_network(&url, token.as_ref(), timeout, None, &network)
        .map_err(|e| UsageError(e.to_string()))?;
    let pending = journal.pending().len();
    eprintln!(
        "run {}: {pending} resources in the journal; then sweeping for names starting with {}-",
        a.run_id,
        crate::journal::prefix_for(&a.run_id)
    );
    let c = runner::cleanup(&http, &journal).await;
    print_cleanup(&c);
    if c.leftovers.iter().any(|l| {
        l.reason.contains("answered 401")
            || l.reason.contains("answered 403")
            || l.reason.contains("cannot reach")
    }) {
        return Ok(ExitCode::Unreachable);
    }
    Ok(if c.leftovers.is_empty() {
        ExitCode::Ok
    } else {
        ExitCode::MustFailed
    })
}

/// The cleanup's result on stderr: counts, what the sweep found by name prefix, each leftover
/// with its id and reason, and an incomplete listing.
pub(super) fn print_cleanup(c: &runner::CleanupReport) {
    eprintln!(
        "cleanup: {} deleted ({} found by name prefix only), {} left",
        c.deleted,
        c.found_by_prefix,
        c.leftovers.len()
    );
    for l in &c.leftovers {
        eprintln!(
            "  left: {} {} ({}): {}",
            l.resource.kind.endpoint(),
            l.resource.id,
            l.resource.name,
            l.reason
        );
    }
    for n in c
        .sweep
        .iter()
        .filter(|n| n.contains("incomplete") || n.contains("not listed"))
    {
        eprintln!("  {n}");
    }
}

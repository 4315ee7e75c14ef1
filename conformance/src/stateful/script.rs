//! The failure report's shell script: the minimal sequence's requests as `curl` commands.
//!
//! The token is read from `$SCIM_TOKEN` and the endpoint from `$SCIM_BASE_URL` when the script
//! runs; neither is written into it. Ids the endpoint assigned in the original run are captured
//! from the replayed `POST` responses (with `jq`) and substituted into later requests.

use std::fmt::Write as _;

use super::exec::Attempt;
use crate::session::id_of;

/// Quotes `s` for a POSIX shell.
fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Escapes text for an unquoted here-document (`$`, `` ` `` and `\` are literal afterwards).
fn heredoc(s: &str) -> String {
    s.replace('\\', r"\\")
        .replace('$', r"\$")
        .replace('`', r"\`")
}

/// The `curl` script that replays every request of `attempt`'s steps, in order.
#[must_use]
pub fn curl_script(attempt: &Attempt) -> String {
    let mut s = String::from(
        "#!/bin/sh\n# Replays a scim-conformance stateful counterexample. Needs curl and jq.\n\
         # Usage: SCIM_BASE_URL=https://host/scim SCIM_TOKEN=... sh replay.sh\n\
         set -u\n: \"${SCIM_BASE_URL:?set SCIM_BASE_URL}\"\n: \"${SCIM_TOKEN:?set SCIM_TOKEN}\"\n",
    );
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut kinds: Vec<&str> = Vec::new();
    let base = attempt
        .steps
        .iter()
        .flat_map(|st| st.exchanges.iter())
        .find_map(|ex| {
            ex.url
                .find("/Users")
                .or_else(|| ex.url.find("/Groups"))
                .map(|i| ex.url[..i].to_owned())
        })
        .unwrap_or_default();
    for st in &attempt.steps {
        let _ = writeln!(
            s,
            "\n# step {}: {}",
            st.number,
            serde_json::to_string(&st.op).unwrap_or_default()
        );
        for ex in &st.exchanges {
            let raw = ex.url.strip_prefix(&base).unwrap_or(&ex.url);
            let mut path = heredoc(raw).replace('"', "\\\"");
            let mut body = ex.request_body.clone().unwrap_or_default();
            for (id, var) in &ids {
                path = path.replace(id, &format!("${{{var}}}"));
            }
            let mut b = heredoc(&body);
            for (id, var) in &ids {
                b = b.replace(id, &format!("${{{var}}}"));
            }
            body = b;
            let created = if ex.method == "POST" && matches!(ex.status, Some(200 | 201)) {
                ex.response_body
                    .as_deref()
                    .and_then(|r| serde_json::from_str(r).ok())
                    .and_then(|v| id_of(&v))
            } else {
                None
            };
            let var = created.as_ref().map(|_| format!("ID{}", ids.len() + 1));
            let assign = var.as_ref().map_or(String::new(), |v| format!("{v}=$("));
            let _ = write!(
                s,
                "{assign}curl -sS -X {} \"${{SCIM_BASE_URL}}{path}\" -H \"Authorization: Bearer ${{SCIM_TOKEN}}\"",
                ex.method
            );
            for (k, v) in &ex.request_headers {
                if !k.eq_ignore_ascii_case("authorization") {
                    let _ = write!(s, " -H {}", single_quote(&format!("{k}: {v}")));
                }
            }
            if ex.request_body.is_some() {
                let _ = write!(s, " --data-binary @- <<EOF");
            } else {
                s.push_str(" -w '\\n%{http_code}\\n'");
            }
            if var.is_some() {
                s.push_str(" | jq -r .id");
            }
            s.push('\n');
            if ex.request_body.is_some() {
                let _ = writeln!(s, "{body}\nEOF");
            }
            if var.is_some() {
                s.push_str(")\n");
            }
            let _ = writeln!(
                s,
                "# original answer: {}",
                ex.status
                    .map_or_else(|| "no response".to_owned(), |c| c.to_string())
            );
            if let (Some(id), Some(v)) = (created, var) {
                let _ = writeln!(s, "echo \"{v}=${{{v}}}\"");
                let kind = if raw.starts_with("/Groups") {
                    "Groups"
                } else {
                    "Users"
                };
                ids.push((id, v));
                kinds.push(kind);
            }
        }
    }
    s.push_str("\n# cleanup: delete what the script created (groups first)\n");
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| kinds[i] != "Groups");
    for i in order {
        let _ = writeln!(
            s,
            "curl -sS -o /dev/null -X DELETE \"${{SCIM_BASE_URL}}/{}/${{{}}}\" -H \"Authorization: Bearer ${{SCIM_TOKEN}}\" || true",
            kinds[i], ids[i].1
        );
    }
    s
}

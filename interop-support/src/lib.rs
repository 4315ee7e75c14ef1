//! What the test targets of the workspace share: a PostgreSQL schema per test (`postgres`,
//! behind the feature of that name),
//! and for the `interop` targets: reading the peers that
//! `cargo xtask test` started from the environment, and reading the reviewed reasons for each
//! peer's deviations from a Markdown file.
//!
//! `cargo xtask test` (its `interop` step) starts the pinned third-party SCIM servers on
//! 127.0.0.1 and runs every `interop` test target with [`PEERS_ENV`] = `name=url,name=url` and
//! the bearer token in [`TOKEN_ENV`].
//!
//! ```
//! let reasons = "## scimmy 1.3.5\n\n- `entra.user.find`: userName eq is case-sensitive here\n";
//! let ids = scim2_interop_support::explained(reasons, "scimmy");
//! assert!(ids.contains("entra.user.find"));
//! assert!(scim2_interop_support::explained(reasons, "canaille").is_empty());
//! ```

use std::collections::BTreeSet;

#[cfg(feature = "postgres")]
pub mod postgres;

/// The environment variable naming the peers: `name=url,name=url`.
pub const PEERS_ENV: &str = "SCIM_INTEROP_PEERS";
/// The environment variable holding the peers' bearer token.
pub const TOKEN_ENV: &str = "SCIM_INTEROP_TOKEN";

/// The peers named in [`PEERS_ENV`], as `(name, base URL without a trailing slash)`.
///
/// # Panics
/// When the variable is unset or empty (the message says how to run the interop tests), when a
/// pair is not `name=url`, or when a URL is not on loopback (`http://127.0.0.1:`): the interop
/// tests write, so they only ever run against servers started for them.
#[must_use]
pub fn peers_from_env() -> Vec<(String, String)> {
    let spec = std::env::var(PEERS_ENV).unwrap_or_default();
    assert!(
        !spec.is_empty(),
        "{PEERS_ENV} is not set: run the interop tests with `cargo xtask test`, or set \
         {PEERS_ENV}=name=url,… and {TOKEN_ENV} for peers started with `cargo xtask peers start`"
    );
    spec.split(',')
        .map(|pair| {
            let (name, url) = pair
                .split_once('=')
                .unwrap_or_else(|| panic!("`{pair}` in {PEERS_ENV} is not name=url"));
            assert!(
                url.starts_with("http://127.0.0.1:"),
                "{name}: only loopback peers are tested, not {url}"
            );
            (name.to_owned(), url.trim_end_matches('/').to_owned())
        })
        .collect()
}

/// The bearer token in [`TOKEN_ENV`], if set.
#[must_use]
pub fn token_from_env() -> Option<String> {
    std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty())
}

/// The ids that `deviations` (Markdown) explains for `peer`: the lines "- `id`: reason" under
/// a heading "## peer …".
///
/// # Panics
/// When an explained id under the peer's heading has no reason (ten characters at least).
#[must_use]
pub fn explained(deviations: &str, peer: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut inside = false;
    for line in deviations.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            inside = h.split_whitespace().next() == Some(peer);
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(rest) = line.strip_prefix("- `") {
            let (id, reason) = rest.split_once('`').unwrap_or((rest, ""));
            assert!(
                reason.trim_start_matches(':').trim().len() > 10,
                "deviations: `{id}` under {peer} has no reason"
            );
            out.insert(id.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "has no reason")]
    fn an_explanation_needs_a_reason() {
        let _ = explained("## p\n- `x`:\n", "p");
    }

    #[test]
    fn headings_scope_the_ids() {
        let md = "## a 1.0\n- `one`: a reason long enough\n## b\n- `two`: another long reason\n";
        assert_eq!(explained(md, "a"), BTreeSet::from(["one".to_owned()]));
        assert_eq!(explained(md, "b"), BTreeSet::from(["two".to_owned()]));
    }
}

pub mod net;

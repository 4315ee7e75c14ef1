//! The check catalogue: the Markdown table of both built-in profiles (the README's), and the
//! check listings of `scim-conformance checks` (text, Markdown, JSON).

use super::{ChecksArgs, ListFormat, RunConfig, UsageError, load_profile};
use crate::exit::ExitCode;
use crate::mapping::Mapping;
use crate::profile::{Check, Profile};
use crate::reference::Fault;

/// The Markdown catalogue of both built-in profiles in one table: each check's level under
/// `entra` and under `rfc7644` (`—` where the profile does not list it), its evidence and the
/// reference-endpoint faults it is shown to catch.
#[must_use]
pub fn catalogue_markdown() -> String {
    let stateful = crate::stateful::check_metas();
    let entra: Vec<crate::check::CheckMeta> = Profile::Entra
        .checks()
        .into_iter()
        .map(|c| c.meta)
        .chain(stateful.iter().cloned())
        .collect();
    let rfc: Vec<crate::check::CheckMeta> = Profile::Rfc7644
        .checks()
        .into_iter()
        .map(|c| c.meta)
        .chain(stateful.iter().cloned())
        .collect();
    let by_default = |n: usize| n - crate::profile::entra_custom::checks().len();
    let mut out = format!(
        "{} checks: {} in `entra`, {} in `rfc7644` (`rfc7644` runs every `entra` check too), \
         each counting the {} `stateful.*` checks that run after the fixed ones. \
         `entra.user.custom-extension` runs only with a mapping that has custom extension rows, \
         so a `run` with Entra's default mapping reports {} checks under `entra` and {} under \
         `rfc7644`; `scim-conformance checks --profile P [--mapping FILE]` lists exactly what \
         `run` runs.\n\n\
         | Id | entra | rfc7644 | Title | Evidence | Faults caught |\n|---|---|---|---|---|---|\n",
        rfc.len(),
        entra.len(),
        rfc.len(),
        stateful.len(),
        by_default(entra.len()),
        by_default(rfc.len()),
    );
    for m in &rfc {
        let in_entra = entra.iter().find(|e| e.id == m.id);
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            m.id,
            in_entra.map_or_else(|| "—".to_owned(), |e| e.requirement.to_string()),
            m.requirement,
            m.title.replace('|', "\\|"),
            evidence_markdown(&m.evidence),
            faults_markdown(m.faults),
        ));
    }
    out
}

fn faults_markdown(faults: &[Fault]) -> String {
    if faults.is_empty() {
        return "(informational)".into();
    }
    faults
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Evidence as Markdown links: the docs section, Microsoft pages, observations (by owner and
/// repository), RFC sections with their keyword.
fn evidence_markdown(e: &crate::evidence::Evidence) -> String {
    use crate::evidence::Source;
    let mut parts = Vec::new();
    if let Some(d) = e.docs {
        parts.push(format!("[entra.md](docs/entra.md#{d})"));
    }
    for s in e.sources {
        parts.push(match s {
            Source::Microsoft { url } => format!("[Microsoft]({url})"),
            Source::Observed { url } => {
                let label = url.strip_prefix("https://github.com/").map_or_else(
                    || {
                        url.trim_start_matches("https://")
                            .split('/')
                            .next()
                            .unwrap_or_default()
                            .to_owned()
                    },
                    |rest| {
                        let p: Vec<&str> = rest.split('/').collect();
                        match p.as_slice() {
                            [o, r, _, n, ..] => format!("{o}/{r}#{n}"),
                            _ => rest.to_owned(),
                        }
                    },
                );
                format!("[{label}]({url})")
            }
            Source::Rfc {
                rfc,
                section,
                keyword,
                ..
            } => format!("[RFC {rfc} §{section}]({}) {keyword}", s.url()),
        });
    }
    parts.join("; ")
}

/// `checks`: what `run` runs for the profile and mapping; the stateful checks run after the
/// fixed ones by default, and with a profile file only when asked for (`--cases`, `--only`).
pub(super) fn checks_cmd(a: &ChecksArgs) -> Result<ExitCode, UsageError> {
    let (profile, profile_file) = load_profile(&a.profile)?;
    let mut cfg = RunConfig::new(0)?;
    let file_mapping = profile_file.as_ref().and_then(|f| f.mapping.clone());
    if let Some(p) = a.mapping.as_ref().or(file_mapping.as_ref()) {
        cfg.mapping = Mapping::load_run(p).map_err(|e| UsageError(e.to_string()))?;
    }
    let stateful = profile_file.is_none();
    cfg.profile = profile;
    cfg.profile_file = profile_file;
    print!(
        "{}",
        list_check_list(&cfg.profile_name(), &cfg.checks(), stateful, a.format)
    );
    Ok(ExitCode::Ok)
}

/// The checks a `run` of a built-in profile with Entra's default mapping runs, as text, a
/// Markdown table or JSON: the fixed checks, then the stateful ones.
#[must_use]
pub fn list_checks(profile: Profile, format: ListFormat) -> String {
    let checks = RunConfig::new(0).map_or_else(
        |_| profile.checks(),
        |mut cfg| {
            cfg.profile = profile;
            cfg.checks()
        },
    );
    list_check_list(&profile.to_string(), &checks, true, format)
}

/// The check list `checks` of the profile called `profile` as text, a Markdown table or JSON:
/// `checks` (the fixed checks), then the stateful checks when `stateful`.
#[must_use]
pub fn list_check_list(
    profile: &str,
    checks: &[Check],
    stateful: bool,
    format: ListFormat,
) -> String {
    let fixed: Vec<&crate::check::CheckMeta> = checks.iter().map(|c| &c.meta).collect();
    let extra = if stateful {
        crate::stateful::check_metas()
    } else {
        Vec::new()
    };
    let all: Vec<(&crate::check::CheckMeta, bool)> = fixed
        .iter()
        .map(|m| (*m, false))
        .chain(extra.iter().map(|m| (m, true)))
        .collect();
    let count = format!(
        "{} checks: {} fixed, {} stateful (run after the fixed ones{})",
        all.len(),
        fixed.len(),
        extra.len(),
        if stateful {
            "; `--cases 0` leaves them out"
        } else {
            "; with a profile file only when asked for with --cases N or --only stateful"
        }
    );
    let mut out = String::new();
    match format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = all
                .iter()
                .map(|(m, stateful)| {
                    serde_json::json!({
                        "stateful": stateful,
                        "id": m.id,
                        "title": m.title,
                        "area": m.area,
                        "requirement": m.requirement,
                        "levels": m.levels,
                        "source": m.source(),
                        "evidence": m.evidence,
                        "faults": m.fault_names(),
                        "writes": m.writes,
                        "dialect": m.dialect.map(|d| d.to_string()),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "profile": profile,
                "count": all.len(),
                "fixed": fixed.len(),
                "stateful": extra.len(),
                "checks": list,
            });
            out.push_str(&serde_json::to_string_pretty(&doc).unwrap_or_default());
            out.push('\n');
        }
        ListFormat::Markdown => {
            out.push_str(&format!("# `{profile}` profile: {count}\n\n"));
            out.push_str(
                "| Id | Level | Title | Evidence | Faults caught |\n|---|---|---|---|---|\n",
            );
            for (m, _) in &all {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} |\n",
                    m.id,
                    m.requirement,
                    m.title.replace('|', "\\|"),
                    evidence_markdown(&m.evidence),
                    faults_markdown(m.faults),
                ));
            }
        }
        ListFormat::Text => {
            out.push_str(&format!("{profile} profile: {count}\n"));
            for (m, _) in &all {
                out.push_str(&format!(
                    "{:<40} {:<6} {}\n",
                    m.id,
                    m.requirement.to_string(),
                    m.title
                ));
                out.push_str(&format!("{:<47} source: {}\n", "", m.source()));
                if !m.faults.is_empty() {
                    out.push_str(&format!(
                        "{:<47} faults: {}\n",
                        "",
                        m.fault_names().join(", ")
                    ));
                }
            }
        }
    }
    out
}

//! Rendering a [`Comparison`]: human text (summary first), JSON, Markdown.

use scim2_types::ResourceKind;
use std::fmt::Write as _;

use super::diff::{Comparison, Duplicate, Side};
use super::index::kind_word;

/// The report formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Text for a terminal: a summary, then the details (at most 100 lines per section).
    #[default]
    Human,
    /// The whole comparison as JSON (schema `scim-conformance/compare/v1`).
    Json,
    /// A Markdown report for a ticket or a pull request, with every finding.
    Markdown,
}

/// The most lines the human format prints per section; the rest is counted.
pub const HUMAN_LIMIT: usize = 100;

/// Renders a comparison.
#[must_use]
pub fn render(c: &Comparison, format: Format) -> String {
    match format {
        Format::Human => human(c),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(c).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Markdown => markdown(c),
    }
}

fn value(v: Option<&String>) -> String {
    v.map_or_else(
        || "(absent)".to_owned(),
        |s| serde_json::to_string(s).unwrap_or_default(),
    )
}

/// A value of `attribute` as the report shows it: booleans (`active`, `….primary`, read as
/// booleans whether sent as `true` or `"True"`) unquoted, other values as JSON strings.
fn value_of(attribute: &str, v: Option<&String>) -> String {
    let last = attribute.rsplit(['.', ':']).next().unwrap_or(attribute);
    let boolean = last.eq_ignore_ascii_case("active") || last.eq_ignore_ascii_case("primary");
    match v {
        Some(s) if boolean && (s == "true" || s == "false") => s.clone(),
        _ => value(v),
    }
}

fn verdict(c: &Comparison) -> String {
    if c.identical() {
        "identical for the mapped attributes".to_owned()
    } else {
        let n = c.totals.differences;
        format!("{n} difference{} found", if n == 1 { "" } else { "s" })
    }
}

fn summary_lines(c: &Comparison) -> Vec<String> {
    let t = &c.totals;
    vec![
        format!(
            "from {}: {} users, {} groups, {} memberships",
            c.from.url, c.from.users, c.from.groups, c.from.memberships
        ),
        format!(
            "to   {}: {} users, {} groups, {} memberships",
            c.to.url, c.to.users, c.to.groups, c.to.memberships
        ),
        format!(
            "matched: {} users, {} groups ({} user and {} group attributes compared, and members)",
            t.matched_users,
            t.matched_groups,
            c.user_attributes.len(),
            c.group_attributes.len()
        ),
        format!(
            "users missing on to: {}, extra on to: {}; groups missing on to: {}, extra on to: {}",
            t.users_missing_on_to,
            t.users_extra_on_to,
            t.groups_missing_on_to,
            t.groups_extra_on_to
        ),
        format!(
            "attribute differences: {}; memberships missing on to: {}, extra on to: {}; \
             duplicate names: {}",
            t.attribute_differences,
            t.memberships_missing_on_to,
            t.memberships_extra_on_to,
            t.duplicates
        ),
    ]
}

fn only_title(kind: ResourceKind, side: Side) -> &'static str {
    match (kind, side) {
        (ResourceKind::User, Side::From) => "Users missing on to (only on from)",
        (ResourceKind::User, Side::To) => "Users extra on to (only on to)",
        (ResourceKind::Group, Side::From) => "Groups missing on to (only on from)",
        (ResourceKind::Group, Side::To) => "Groups extra on to (only on to)",
    }
}

fn duplicate_line(d: &Duplicate) -> String {
    let names: Vec<String> = d
        .names
        .iter()
        .zip(&d.ids)
        .map(|(n, id)| format!("{} (id {id})", serde_json::to_string(n).unwrap_or_default()))
        .collect();
    format!(
        "{} {}s: {}",
        d.side.as_str(),
        kind_word(d.kind),
        names.join(", ")
    )
}

struct Section {
    title: String,
    lines: Vec<String>,
}

fn sections(c: &Comparison) -> Vec<Section> {
    let mut out = Vec::new();
    for kind in [ResourceKind::User, ResourceKind::Group] {
        for side in [Side::From, Side::To] {
            let lines: Vec<String> = c
                .only_on_one_side
                .iter()
                .filter(|o| o.kind == kind && o.side == side)
                .map(|o| {
                    let mut s = o.name.clone().unwrap_or_else(|| "(no name)".to_owned());
                    if let Some(x) = &o.external_id {
                        let _ = write!(s, " (externalId {x}, id {})", o.id);
                    } else {
                        let _ = write!(s, " (id {})", o.id);
                    }
                    s
                })
                .collect();
            out.push(Section {
                title: only_title(kind, side).to_owned(),
                lines,
            });
        }
    }
    out.push(Section {
        title: "Attribute differences (from → to)".to_owned(),
        lines: c
            .attribute_differences
            .iter()
            .map(|d| {
                format!(
                    "{} {}: {}: {} → {}{}",
                    kind_word(d.kind),
                    d.resource,
                    d.attribute,
                    value_of(&d.attribute, d.from.as_ref()),
                    value_of(&d.attribute, d.to.as_ref()),
                    if d.case_only {
                        " (letter case only)"
                    } else {
                        ""
                    }
                )
            })
            .collect(),
    });
    out.push(Section {
        title: "Membership differences".to_owned(),
        lines: c
            .membership_differences
            .iter()
            .map(|m| {
                let mut parts = Vec::new();
                if !m.missing_on_to.is_empty() {
                    parts.push(format!("missing on to: {}", m.missing_on_to.join(", ")));
                }
                if !m.extra_on_to.is_empty() {
                    parts.push(format!("extra on to: {}", m.extra_on_to.join(", ")));
                }
                format!("group {}: {}", m.group, parts.join("; "))
            })
            .collect(),
    });
    out.push(Section {
        title: "Duplicate names (equal ignoring letter case)".to_owned(),
        lines: c.duplicates.iter().map(duplicate_line).collect(),
    });
    if let Some(m) = &c.migration {
        let (ids, matching) = m.problem_lines();
        out.push(Section {
            title: "Old ids not served as the same resource on to (Entra ID's cached ids)"
                .to_owned(),
            lines: ids,
        });
        out.push(Section {
            title: "Users Entra ID's matching query does not find exactly once on to".to_owned(),
            lines: matching,
        });
    }
    out
}

fn human(c: &Comparison) -> String {
    let mut s = format!("compare: {}\n", verdict(c));
    for l in summary_lines(c) {
        let _ = writeln!(s, "  {l}");
    }
    if let Some(m) = &c.migration {
        for l in m.verdicts() {
            let _ = writeln!(s, "  {l}");
        }
        let _ = writeln!(s, "  ticket: {}", m.summary);
    }
    for sec in sections(c) {
        if sec.lines.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{} ({}):", sec.title, sec.lines.len());
        for l in sec.lines.iter().take(HUMAN_LIMIT) {
            let _ = writeln!(s, "  - {l}");
        }
        if sec.lines.len() > HUMAN_LIMIT {
            let _ = writeln!(
                s,
                "  … and {} more (--format json or markdown lists all)",
                sec.lines.len() - HUMAN_LIMIT
            );
        }
    }
    s
}

/// Escapes text for a Markdown table cell or list item.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' | '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn markdown(c: &Comparison) -> String {
    let t = &c.totals;
    let mut s = format!("# SCIM migration compare: {}\n\n", verdict(c));
    s.push_str("| | from | to |\n|---|---|---|\n");
    let _ = writeln!(s, "| endpoint | {} | {} |", md(&c.from.url), md(&c.to.url));
    let _ = writeln!(s, "| users | {} | {} |", c.from.users, c.to.users);
    let _ = writeln!(s, "| groups | {} | {} |", c.from.groups, c.to.groups);
    let _ = writeln!(
        s,
        "| memberships | {} | {} |",
        c.from.memberships, c.to.memberships
    );
    s.push_str("\n| finding | count |\n|---|---|\n");
    for (name, n) in [
        ("matched users", t.matched_users),
        ("matched groups", t.matched_groups),
        ("users missing on to", t.users_missing_on_to),
        ("users extra on to", t.users_extra_on_to),
        ("groups missing on to", t.groups_missing_on_to),
        ("groups extra on to", t.groups_extra_on_to),
        ("attribute differences", t.attribute_differences),
        ("memberships missing on to", t.memberships_missing_on_to),
        ("memberships extra on to", t.memberships_extra_on_to),
        ("duplicate names", t.duplicates),
        ("**differences in all**", t.differences),
    ] {
        let _ = writeln!(s, "| {name} | {n} |");
    }
    if let Some(m) = &c.migration {
        s.push_str("\n## After the switch: what Entra ID will do\n\n");
        for l in m.verdicts() {
            let _ = writeln!(s, "- {}", md(&l));
        }
        let _ = writeln!(s, "\nFor the change ticket:\n\n```text\n{}\n```", m.summary);
    }
    if !c.attribute_differences.is_empty() {
        s.push_str("\n## Attribute differences\n\n| resource | attribute | from | to | note |\n|---|---|---|---|---|\n");
        for d in &c.attribute_differences {
            let _ = writeln!(
                s,
                "| {} {} | `{}` | {} | {} | {} |",
                kind_word(d.kind),
                md(&d.resource),
                d.attribute.replace('`', "'"),
                md(&value_of(&d.attribute, d.from.as_ref())),
                md(&value_of(&d.attribute, d.to.as_ref())),
                if d.case_only { "letter case only" } else { "" }
            );
        }
    }
    for sec in sections(c) {
        if sec.lines.is_empty() || sec.title.starts_with("Attribute") {
            continue;
        }
        let _ = writeln!(s, "\n## {} ({})\n", sec.title, sec.lines.len());
        for l in &sec.lines {
            let _ = writeln!(s, "- {}", md(l));
        }
    }
    let _ = writeln!(
        s,
        "\nCompared user attributes: {}.",
        c.user_attributes
            .iter()
            .map(|a| format!("`{}`", a.replace('`', "'")))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s
}

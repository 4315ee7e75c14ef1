//! A Markdown report fit for a ticket or a pull request: summary table, failures with their
//! proof, then every check.

use super::Report;
use crate::check::Outcome;

fn icon(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pass => "✅ pass",
        Outcome::Fail(_) => "❌ fail",
        Outcome::Skip(_) => "⏭ skip",
        Outcome::Error(_) => "⚠️ error",
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A code fence longer than every run of backticks in `body`, so that no line of the body can
/// close it (CommonMark §4.5: the closing fence must be at least as long as the opening one).
#[must_use]
pub fn fence_for(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// Renders the report as Markdown.
#[must_use]
pub fn render(report: &Report) -> String {
    let s = report.summary();
    let mut out = String::new();
    out.push_str(&format!(
        "# SCIM conformance: `{}` profile\n\n",
        report.profile
    ));
    out.push_str(&format!(
        "- Endpoint: `{}`\n- Run: `{}` (seed {}), started {}, {:.1} s, {} requests\n- Dialects: {}\n",
        report.endpoint,
        report.run_id,
        report.seed,
        report.started_at,
        report.duration().as_secs_f64(),
        report.outcome.requests,
        report.dialects.join(", ")
    ));
    if let Some(t) = &report.token {
        if let Some(e) = &t.expires_at {
            out.push_str(&format!("- Token expires: {e}\n"));
        }
        if let Some(w) = &t.warning {
            out.push_str(&format!("- **Warning:** {w}\n"));
        }
    }
    if let Some(a) = &report.outcome.abort {
        out.push_str(&format!("- **Stopped early:** {a}\n"));
    }
    out.push_str(&format!(
        "\n**{}**\n\n{} passed, {} failed, {} skipped, {} errors; {} MUST failures, {} MUST not run.\n\n",
        report.verdict(),
        s.passed,
        s.failed,
        s.skipped,
        s.errors,
        s.must_failed,
        s.must_not_run
    ));
    out.push_str("| Check | Requirement | Outcome | Detail |\n|---|---|---|---|\n");
    for (_, results) in report.grouped() {
        for r in results {
            out.push_str(&format!(
                "| `{}` {} | {} | {} | {} |\n",
                r.meta.id,
                cell(r.meta.title),
                r.meta.requirement,
                icon(&r.outcome),
                cell(r.outcome.detail().unwrap_or(""))
            ));
        }
    }
    let problems: Vec<_> = report
        .outcome
        .results
        .iter()
        .filter(|r| r.outcome.is_problem())
        .collect();
    if !problems.is_empty() {
        out.push_str("\n## Failures\n");
        for r in problems {
            out.push_str(&format!(
                "\n### `{}` ({})\n\n{}\n\nSource: {}\n\n",
                r.meta.id,
                r.meta.requirement,
                r.outcome.detail().unwrap_or(""),
                r.meta.source()
            ));
            let mut transcript = String::new();
            for e in &r.transcript {
                transcript.push_str(&e.render());
                transcript.push('\n');
            }
            let fence = fence_for(&transcript);
            out.push_str(&format!(
                "<details><summary>Transcript</summary>\n\n{fence}http\n{transcript}{fence}\n\n</details>\n"
            ));
        }
    }
    let noted: Vec<_> = report
        .outcome
        .results
        .iter()
        .filter(|r| !r.notes.is_empty())
        .collect();
    if !noted.is_empty() {
        out.push_str("\n## Notes\n\n");
        for r in noted {
            for n in &r.notes {
                out.push_str(&format!("- `{}`: {}\n", r.meta.id, n));
            }
        }
    }
    let c = report.cleanup();
    out.push_str(&format!("\n## Cleanup\n\n{} resources deleted", c.deleted));
    if c.leftovers.is_empty() {
        out.push_str(", nothing left behind.\n");
    } else {
        out.push_str(&format!(", **{} left behind**:\n\n", c.leftovers.len()));
        for l in &c.leftovers {
            out.push_str(&format!(
                "- {} `{}` ({}): {}\n",
                l.resource.kind.endpoint(),
                l.resource.id,
                l.resource.name,
                l.reason
            ));
        }
        if let Some(cmd) = &c.retry_command {
            out.push_str(&format!("\nRetry with `{cmd}`.\n"));
        }
    }
    if !c.kept.is_empty() {
        out.push_str(&format!(
            "\n{} resources kept (--keep-data).\n",
            c.kept.len()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fence_is_longer_than_any_backtick_run() {
        assert_eq!(fence_for("no ticks"), "```");
        assert_eq!(fence_for("a ``` b"), "````");
        assert_eq!(fence_for("``````\n`"), "```````");
    }

    #[test]
    fn a_body_full_of_backticks_stays_inside_its_fence() {
        let body = "```\n````` closing?\n```http\n# not a heading\n``````````";
        let md = render(&crate::report::tests::sample_report(body));
        let start = md.find("<details>").expect("transcript block");
        let block = &md[start..];
        let end = block.find("</details>").expect("end of the block");
        let block = &block[..end];
        let fence_line = block
            .lines()
            .find(|l| l.starts_with('`'))
            .expect("opening fence");
        let fence: String = fence_line.chars().take_while(|c| *c == '`').collect();
        assert_eq!(fence.len(), 11, "{block}");
        // The only lines starting with the fence are the opening and the closing one.
        let fences = block.lines().filter(|l| l.starts_with(&fence)).count();
        assert_eq!(fences, 2, "{block}");
        assert!(block.contains("# not a heading"));
        // After the block, the document goes on as Markdown.
        assert!(md[start + end..].contains("## Cleanup"), "{md}");
    }
}

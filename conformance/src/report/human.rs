//! Console output: one line per check as it finishes (under a progress bar on a terminal),
//! then a summary grouped by area with the failing checks first, each with its proof.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::Report;
use crate::check::{CheckResult, Outcome};
use crate::runner::Progress;

fn tag(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pass => "PASS ",
        Outcome::Fail(_) => "FAIL ",
        Outcome::Skip(_) => "SKIP ",
        Outcome::Error(_) => "ERROR",
    }
}

fn line(r: &CheckResult) -> String {
    let mut s = format!(
        "{} {:<8} {} ({} ms)",
        tag(&r.outcome),
        r.meta.requirement.to_string(),
        r.meta.id,
        r.duration.as_millis()
    );
    if let Some(d) = r.outcome.detail() {
        s.push_str(&format!("\n       {d}"));
    }
    s
}

/// Progress on stderr: a bar on a terminal, plain lines otherwise.
pub struct ConsoleProgress {
    bar: Option<ProgressBar>,
}

impl ConsoleProgress {
    /// Progress for the current stderr.
    #[must_use]
    pub fn new() -> Self {
        Self {
            bar: std::io::stderr().is_terminal().then(ProgressBar::hidden),
        }
    }
}

impl Default for ConsoleProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for ConsoleProgress {
    fn start(&self, total: usize) {
        if let Some(b) = &self.bar {
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            b.set_length(total as u64);
            if let Ok(st) = ProgressStyle::with_template("{bar:30} {pos}/{len} checks {msg}") {
                b.set_style(st);
            }
        }
    }

    fn finished(&self, r: &CheckResult) {
        match &self.bar {
            Some(b) => {
                b.println(line(r));
                b.inc(1);
            }
            None => eprintln!("{}", line(r)),
        }
    }

    fn cleaning(&self, pending: usize) {
        match &self.bar {
            Some(b) => {
                b.finish_and_clear();
                if pending > 0 {
                    eprintln!("cleaning up {pending} resources…");
                }
            }
            None if pending > 0 => eprintln!("cleaning up {pending} resources…"),
            None => {}
        }
    }
}

/// The end-of-run summary; `with_transcripts_of_passes` adds every transcript.
#[must_use]
pub fn summary(report: &Report, with_transcripts_of_passes: bool) -> String {
    let s = report.summary();
    let mut out = format!(
        "\nscim-conformance {} · profile {} · {}\nrun {} · seed {} · {:.2} s · {} requests\n",
        report.tool_version,
        report.profile,
        report.endpoint,
        report.run_id,
        report.seed,
        report.duration().as_secs_f64(),
        report.outcome.requests
    );
    if let Some(t) = &report.token {
        if let Some(e) = &t.expires_at {
            out.push_str(&format!("token expires {e}\n"));
        }
        if let Some(w) = &t.warning {
            out.push_str(&format!("WARNING: {w}\n"));
        }
    }
    for (area, results) in report.grouped() {
        out.push_str(&format!("\n== {area}\n"));
        for r in results {
            out.push_str(&format!("{}\n", line(r)));
            for n in &r.notes {
                out.push_str(&format!("       note: {n}\n"));
            }
            if r.outcome.is_problem() || with_transcripts_of_passes {
                for e in &r.transcript {
                    for l in e.render().lines() {
                        out.push_str(&format!("       {l}\n"));
                    }
                }
            }
        }
    }
    out.push_str(&format!(
        "\n{} checks: {} passed, {} failed, {} skipped, {} errors; {} MUST failures, {} MUST not run\n",
        s.total, s.passed, s.failed, s.skipped, s.errors, s.must_failed, s.must_not_run
    ));
    let c = report.cleanup();
    if c.attempted || !c.leftovers.is_empty() {
        out.push_str(&format!(
            "cleanup: {} deleted, {} left\n",
            c.deleted,
            c.leftovers.len()
        ));
    }
    if c.found_by_prefix > 0 {
        out.push_str(&format!(
            "  {} of them were not in the journal (a create's answer was lost or had no id) and were found by the run's name prefix\n",
            c.found_by_prefix
        ));
    }
    for n in c
        .sweep
        .iter()
        .filter(|n| n.contains("incomplete") || n.contains("not listed"))
    {
        out.push_str(&format!("  {n}\n"));
    }
    for l in &c.leftovers {
        out.push_str(&format!(
            "  left: {} {} ({}): {}\n",
            l.resource.kind.path(),
            l.resource.id,
            l.resource.name,
            l.reason
        ));
    }
    if let Some(cmd) = &c.retry_command {
        out.push_str(&format!("  retry: {cmd}\n"));
    }
    if !c.kept.is_empty() {
        out.push_str(&format!("kept {} resources (--keep-data)\n", c.kept.len()));
    }
    if let Some(a) = &report.outcome.abort {
        out.push_str(&format!("\nSTOPPED: {a}\n"));
    }
    out.push_str(&format!("{}\n", report.verdict()));
    out
}

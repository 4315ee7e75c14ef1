//! Console output: one line per check as it finishes (under a progress bar on a terminal),
//! skipped checks collapsed to one line per cause, a progress line during the stateful phase,
//! then a summary of the failing checks, each with its title, what to fix and its proof.
//!
//! On the console (the human report on stdout) the summary lists only the failures and errors,
//! since the progress lines already named every check; a human report written to a file
//! (`--output`, `--report human=PATH`) lists every check.

use std::io::IsTerminal;
use std::sync::{Mutex, PoisonError};

use indicatif::{ProgressBar, ProgressStyle};

use super::Report;
use crate::check::{CheckResult, Outcome, Requirement};
use crate::runner::Progress;

/// The indentation of the lines under a check's line.
const INDENT: &str = "       ";

fn tag(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pass => "PASS ",
        Outcome::Fail(_) => "FAIL ",
        Outcome::Skip(_) => "SKIP ",
        Outcome::Error(_) => "ERROR",
    }
}

/// `PASS  MUST     entra.user.create (13 ms)`.
fn head(r: &CheckResult) -> String {
    format!(
        "{} {:<8} {} ({} ms)",
        tag(&r.outcome),
        r.meta.requirement.to_string(),
        r.meta.id,
        r.duration.as_millis()
    )
}

/// Appends `text` under a check, every line indented (multi-line server errors and
/// counterexamples keep their shape), with `label` before the first line.
fn indented(out: &mut String, label: &str, text: &str) {
    let mut lines = text.lines();
    if let Some(first) = lines.next() {
        out.push_str(&format!("{INDENT}{label}{first}\n"));
    }
    let pad = " ".repeat(label.chars().count());
    for l in lines {
        if l.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{INDENT}{pad}{l}\n"));
        }
    }
}

/// A failing (or erroring) check as the summary shows it: its line, title, detail and what to
/// fix. `stopped` is the run's stop cause: the check that hit it points to the end of the
/// report instead of repeating it.
fn problem(r: &CheckResult, stopped: Option<&str>) -> String {
    let mut out = format!("{}  {}\n", head(r), r.meta.title);
    match r.outcome.detail() {
        Some(d) if Some(d) == stopped => {
            out.push_str(&format!(
                "{INDENT}the run stopped here (the cause is at the end)\n"
            ));
        }
        Some(d) => indented(&mut out, "", d),
        None => {}
    }
    if matches!(r.outcome, Outcome::Fail(_))
        && let Some(f) = super::fix::line(&r.meta)
    {
        indented(&mut out, "fix: ", &f);
    }
    out
}

/// One collapsed line per skip cause: `SKIP  37 checks (29 MUST) skipped: --read-only sends no
/// writes`, naming the checks when there are at most three.
fn skipped_lines<'a>(results: impl IntoIterator<Item = &'a CheckResult>) -> Vec<String> {
    let mut causes: Vec<(&str, Vec<&CheckResult>)> = Vec::new();
    for r in results {
        if let Outcome::Skip(why) = &r.outcome {
            match causes.iter_mut().find(|(c, _)| c == why) {
                Some((_, v)) => v.push(r),
                None => causes.push((why, vec![r])),
            }
        }
    }
    causes
        .into_iter()
        .map(|(why, rs)| skip_line(why, &rs))
        .collect()
}

fn skip_line(why: &str, rs: &[&CheckResult]) -> String {
    let must = rs
        .iter()
        .filter(|r| r.meta.requirement == Requirement::Must)
        .count();
    let n = rs.len();
    let what = match (n, must) {
        (1, 1) => "1 MUST check".to_owned(),
        (1, _) => "1 check".to_owned(),
        (n, 0) => format!("{n} checks"),
        (n, m) => format!("{n} checks ({m} MUST)"),
    };
    let names = if n <= 3 {
        format!(
            " [{}]",
            rs.iter().map(|r| r.meta.id).collect::<Vec<_>>().join(", ")
        )
    } else {
        String::new()
    };
    let mut lines = why.lines();
    let mut s = format!(
        "SKIP  {what} skipped: {}{names}",
        lines.next().unwrap_or_default()
    );
    for l in lines {
        s.push_str(&format!("\n{INDENT}{l}"));
    }
    s
}

/// The progress line of a finished check: passes and problems at once (a problem with the
/// first line of its detail); skips are collected and printed collapsed by cause when the
/// phase ends.
fn progress_line(r: &CheckResult) -> String {
    let mut s = head(r);
    if r.outcome.is_problem()
        && let Some(first) = r.outcome.detail().and_then(|d| d.lines().next())
    {
        s.push_str(&format!("\n{INDENT}{first}"));
    }
    s
}

/// Progress on stderr: a bar on a terminal, plain lines otherwise.
pub struct ConsoleProgress {
    bar: Option<ProgressBar>,
    terminal: bool,
    skipped: Mutex<Vec<CheckResult>>,
    stateful: Mutex<Option<ProgressBar>>,
}

impl ConsoleProgress {
    /// Progress for the current stderr.
    #[must_use]
    pub fn new() -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self {
            bar: terminal.then(ProgressBar::hidden),
            terminal,
            skipped: Mutex::new(Vec::new()),
            stateful: Mutex::new(None),
        }
    }

    fn print(&self, text: &str) {
        match &self.bar {
            Some(b) if !b.is_finished() => b.println(text),
            _ => eprintln!("{text}"),
        }
    }

    fn inc(&self) {
        if let Some(b) = self.bar.as_ref().filter(|b| !b.is_finished()) {
            b.inc(1);
        }
    }

    fn end_stateful_bar(&self) {
        if let Some(b) = self
            .stateful
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            b.finish_and_clear();
        }
    }
}

impl Default for ConsoleProgress {
    fn default() -> Self {
        Self::new()
    }
}

/// How many sequences pass between two stateful progress lines when stderr is not a terminal.
fn stateful_step(planned: u32) -> u32 {
    (planned / 8).max(1)
}

/// The stateful progress text: `stateful: sequence 12/64 (1 diverged)`.
#[must_use]
pub fn stateful_line(done: u32, planned: u32, diverged: u32) -> String {
    let mut s = format!("stateful: sequence {done}/{planned}");
    if diverged > 0 {
        s.push_str(&format!(" ({diverged} diverged)"));
    }
    s
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
        self.end_stateful_bar();
        if matches!(r.outcome, Outcome::Skip(_)) {
            self.skipped
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(r.clone());
        } else {
            self.print(&progress_line(r));
        }
        self.inc();
    }

    fn stopped(&self, r: &CheckResult) {
        self.print(&format!(
            "{}\n{INDENT}the run stopped (the cause is printed at the end)",
            head(r)
        ));
        self.inc();
    }

    fn checks_done(&self) {
        let skipped =
            std::mem::take(&mut *self.skipped.lock().unwrap_or_else(PoisonError::into_inner));
        for l in skipped_lines(&skipped) {
            self.print(&l);
        }
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }

    fn cleaning(&self, pending: usize) {
        if pending > 0 {
            eprintln!("cleaning up {pending} resources…");
        }
    }

    fn sequence_done(&self, done: u32, planned: u32, diverged: u32) {
        let text = stateful_line(done, planned, diverged);
        if self.terminal {
            let mut bar = self.stateful.lock().unwrap_or_else(PoisonError::into_inner);
            let b = bar.get_or_insert_with(|| {
                let b = ProgressBar::new(u64::from(planned));
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                if let Ok(st) = ProgressStyle::with_template("{bar:30} {msg}") {
                    b.set_style(st);
                }
                b
            });
            b.set_message(text);
            b.set_position(u64::from(done));
        } else if done.is_multiple_of(stateful_step(planned)) || done == planned {
            eprintln!("{text}");
        }
    }
}

/// Which checks the summary lists besides the problems.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Passes {
    /// None: the console already showed them as progress lines.
    Omit,
    /// One line each.
    List,
    /// One line each, with their transcripts.
    ListWithTranscripts,
}

/// The end-of-run summary listing every check (for a human report written to a file);
/// `with_transcripts_of_passes` adds every transcript.
#[must_use]
pub fn summary(report: &Report, with_transcripts_of_passes: bool) -> String {
    render(
        report,
        if with_transcripts_of_passes {
            Passes::ListWithTranscripts
        } else {
            Passes::List
        },
    )
}

/// The end-of-run summary on the console, after the progress lines: the failing checks with
/// their proof, skipped checks collapsed by cause, notes, counts, cleanup and verdict; passing
/// checks are counted, not listed again.
#[must_use]
pub fn console_summary(report: &Report) -> String {
    render(report, Passes::Omit)
}

fn render(report: &Report, passes: Passes) -> String {
    let s = report.summary();
    let stopped = report.outcome.abort.as_ref().map(ToString::to_string);
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
        let shown: Vec<&&CheckResult> = results
            .iter()
            .filter(|r| {
                r.outcome.is_problem() || (passes != Passes::Omit && r.outcome == Outcome::Pass)
            })
            .collect();
        if shown.is_empty() {
            continue;
        }
        out.push_str(&format!("\n== {area}\n"));
        for r in shown {
            if r.outcome.is_problem() {
                out.push_str(&problem(r, stopped.as_deref()));
            } else {
                out.push_str(&format!("{}\n", head(r)));
            }
            if passes != Passes::Omit || r.outcome.is_problem() {
                for n in &r.notes {
                    indented(&mut out, "note: ", n);
                }
            }
            if r.outcome.is_problem() || passes == Passes::ListWithTranscripts {
                for e in &r.transcript {
                    indented(&mut out, "", &e.render());
                }
            }
        }
    }
    if passes == Passes::Omit {
        notes_of_passes(report, &mut out);
    }
    let skipped = skipped_lines(&report.outcome.results);
    if !skipped.is_empty() {
        out.push('\n');
        for l in skipped {
            out.push_str(&l);
            out.push('\n');
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
            l.resource.kind.endpoint(),
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
    match &stopped {
        Some(a) => out.push_str(&format!("\nSTOPPED: {a}\n")),
        None => out.push_str(&format!("{}\n", report.verdict())),
    }
    out
}

/// The notes of passing checks, for the console summary that does not list them: MAY probes'
/// observations, SHOULD deviations, the stateful phase's figures (a note several checks share
/// is printed once, with their ids).
fn notes_of_passes(report: &Report, out: &mut String) {
    let mut notes: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in report
        .outcome
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Pass)
    {
        for n in &r.notes {
            match notes.iter_mut().find(|(t, _)| t == n) {
                Some((_, ids)) => ids.push(r.meta.id),
                None => notes.push((n, vec![r.meta.id])),
            }
        }
    }
    if notes.is_empty() {
        return;
    }
    out.push_str("\n== notes\n");
    for (n, ids) in notes {
        out.push_str(&format!("{}:\n", ids.join(", ")));
        indented(out, "", n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_details_stay_indented() {
        let report = super::super::tests::sample_report("line one\n  line two\nline three");
        let text = console_summary(&report);
        assert!(
            text.contains(&format!(
                "{INDENT}answered 500: line one\n{INDENT}  line two\n{INDENT}line three\n"
            )),
            "{text}"
        );
        assert!(!text.contains("\nline three"), "{text}");
    }

    #[test]
    fn a_failure_shows_its_title_and_what_to_fix() {
        let report = super::super::tests::sample_report("oops");
        let text = console_summary(&report);
        assert!(
            text.contains("entra.error.malformed-json (3 ms)  An error answer is a SCIM error"),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "{INDENT}fix: answer a body that is not JSON with 400 and scimType invalidSyntax, not 500 (see RFC 7644 §3.12)"
            )),
            "{text}"
        );
    }

    #[test]
    fn skips_collapse_by_cause() {
        let mut report = super::super::tests::sample_report("x");
        let template = report.outcome.results[0].clone();
        report.outcome.results.clear();
        for (i, id) in ["a.one", "a.two", "a.three", "a.four"].iter().enumerate() {
            let mut r = template.clone();
            r.meta.id = id;
            r.meta.requirement = if i == 0 {
                Requirement::Should
            } else {
                Requirement::Must
            };
            r.outcome = Outcome::Skip("--read-only sends no writes".into());
            report.outcome.results.push(r);
        }
        let mut other = template.clone();
        other.meta.id = "a.five";
        other.outcome = Outcome::Skip("the mapping sends no externalId".into());
        report.outcome.results.push(other);
        let text = console_summary(&report);
        assert!(
            text.contains("SKIP  4 checks (3 MUST) skipped: --read-only sends no writes\n"),
            "{text}"
        );
        assert!(
            text.contains("SKIP  1 MUST check skipped: the mapping sends no externalId [a.five]\n"),
            "{text}"
        );
        assert_eq!(text.matches("SKIP").count(), 2, "{text}");
    }

    #[test]
    fn the_stateful_line_counts_sequences() {
        assert_eq!(stateful_line(12, 64, 0), "stateful: sequence 12/64");
        assert_eq!(
            stateful_line(64, 64, 2),
            "stateful: sequence 64/64 (2 diverged)"
        );
        assert_eq!(stateful_step(64), 8);
        assert_eq!(stateful_step(3), 1);
    }
}

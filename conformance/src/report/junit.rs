//! JUnit XML: one `<testsuite>` per area, one `<testcase>` per check (`classname` = area,
//! `name` = check id); failures and errors carry the detail and the transcript, skips their
//! reason; MAY/SHOULD problems are reported as passing test cases with `<system-out>` notes so
//! that CI fails only on MUST.

use std::io::Cursor;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::Report;
use crate::check::{Outcome, Requirement};

fn secs(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// Renders the report as JUnit XML.
#[must_use]
pub fn render(report: &Report) -> String {
    let mut w = Writer::new_with_indent(Cursor::new(Vec::new()), b' ', 2);
    let _ = write(report, &mut w);
    String::from_utf8(w.into_inner().into_inner()).unwrap_or_default() + "\n"
}

fn write(report: &Report, w: &mut Writer<Cursor<Vec<u8>>>) -> std::io::Result<()> {
    let s = report.summary();
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let total = s.total.to_string();
    let failures = (s.failed).to_string();
    let errors = s.errors.to_string();
    let skipped = s.skipped.to_string();
    let time = secs(report.duration());
    let name = format!("scim-conformance {} {}", report.profile, report.endpoint);
    w.write_event(Event::Start(BytesStart::new("testsuites").with_attributes(
        [
            ("name", name.as_str()),
            ("tests", total.as_str()),
            ("failures", failures.as_str()),
            ("errors", errors.as_str()),
            ("skipped", skipped.as_str()),
            ("time", time.as_str()),
        ],
    )))?;
    for (area, results) in report.grouped() {
        let count = |f: fn(&Outcome) -> bool| {
            results
                .iter()
                .filter(|r| f(&r.outcome) && r.meta.requirement != Requirement::May)
                .count()
                .to_string()
        };
        let tests = results.len().to_string();
        let fails = count(|o| matches!(o, Outcome::Fail(_)));
        let errs = count(|o| matches!(o, Outcome::Error(_)));
        let skips = results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Skip(_)))
            .count()
            .to_string();
        let t = secs(results.iter().map(|r| r.duration).sum());
        w.write_event(Event::Start(BytesStart::new("testsuite").with_attributes(
            [
                ("name", area),
                ("tests", tests.as_str()),
                ("failures", fails.as_str()),
                ("errors", errs.as_str()),
                ("skipped", skips.as_str()),
                ("time", t.as_str()),
            ],
        )))?;
        for r in results {
            let t = secs(r.duration);
            w.write_event(Event::Start(BytesStart::new("testcase").with_attributes([
                ("classname", area),
                ("name", r.meta.id),
                ("time", t.as_str()),
            ])))?;
            let transcript: String = r
                .transcript
                .iter()
                .map(crate::transcript::Exchange::render)
                .collect::<Vec<_>>()
                .join("\n");
            let counts = r.meta.requirement == Requirement::Must;
            match &r.outcome {
                Outcome::Fail(d) if counts => element(w, "failure", d, &transcript)?,
                Outcome::Error(d) if counts => element(w, "error", d, &transcript)?,
                Outcome::Skip(d) => {
                    w.write_event(Event::Empty(
                        BytesStart::new("skipped").with_attributes([("message", d.as_str())]),
                    ))?;
                }
                _ => {}
            }
            let mut out = format!(
                "{} [{}] {}\nsource: {}\n",
                r.meta.title,
                r.meta.requirement,
                r.meta.id,
                r.meta.source()
            );
            if let (false, true, Some(d)) = (counts, r.outcome.is_problem(), r.outcome.detail()) {
                out.push_str(&format!(
                    "{} (not counted: {}): {d}\n",
                    r.outcome.status(),
                    r.meta.requirement
                ));
            }
            for n in &r.notes {
                out.push_str(&format!("note: {n}\n"));
            }
            w.write_event(Event::Start(BytesStart::new("system-out")))?;
            w.write_event(Event::Text(BytesText::new(&out)))?;
            w.write_event(Event::End(BytesEnd::new("system-out")))?;
            w.write_event(Event::End(BytesEnd::new("testcase")))?;
        }
        w.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    w.write_event(Event::End(BytesEnd::new("testsuites")))?;
    Ok(())
}

fn element(
    w: &mut Writer<Cursor<Vec<u8>>>,
    tag: &str,
    message: &str,
    body: &str,
) -> std::io::Result<()> {
    w.write_event(Event::Start(
        BytesStart::new(tag).with_attributes([("message", message)]),
    ))?;
    w.write_event(Event::Text(BytesText::new(body)))?;
    w.write_event(Event::End(BytesEnd::new(tag)))?;
    Ok(())
}

//! JUnit XML: one `<testsuite>` per area, one `<testcase>` per check (`classname` = area,
//! `name` = check id); failures and errors carry the detail and the transcript, skips their
//! reason; MAY/SHOULD problems are reported as passing test cases with `<system-out>` notes so
//! that CI fails only on MUST.
//!
//! The document is valid XML 1.0 whatever bytes an endpoint sent: characters that XML 1.0 does
//! not allow anywhere, not even escaped (NUL, the other C0 controls except tab, line feed and
//! carriage return, U+FFFE and U+FFFF; XML 1.0 §2.2 `Char`), are written as the visible text
//! `\u{1b}` instead. Invalid UTF-8 has already become U+FFFD in the transcript.

use std::io::Cursor;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::Report;
use crate::check::{Outcome, Requirement};

/// Whether XML 1.0 allows `c` in a document (the `Char` production of XML 1.0 §2.2).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` with every character XML 1.0 forbids written as `\u{…}` (other text unchanged).
#[must_use]
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_xml_char(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    std::borrow::Cow::Owned(out)
}

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
    let name = xml_safe(&name);
    w.write_event(Event::Start(BytesStart::new("testsuites").with_attributes(
        [
            ("name", name.as_ref()),
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
                Outcome::Fail(f) if counts => element(w, "failure", &f.detail, &transcript)?,
                Outcome::Error(d) if counts => element(w, "error", d, &transcript)?,
                Outcome::Skip(d) => {
                    w.write_event(Event::Empty(
                        BytesStart::new("skipped")
                            .with_attributes([("message", xml_safe(d).as_ref())]),
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
            w.write_event(Event::Text(BytesText::new(&xml_safe(&out))))?;
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
        BytesStart::new(tag).with_attributes([("message", xml_safe(message).as_ref())]),
    ))?;
    w.write_event(Event::Text(BytesText::new(&xml_safe(body))))?;
    w.write_event(Event::End(BytesEnd::new(tag)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte 0x00–0xFF, as an endpoint could send it (read lossily, as transcripts are).
    fn every_byte() -> String {
        let bytes: Vec<u8> = (0..=255u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn the_strict_parser_rejects_control_characters() {
        // What makes the next test meaningful: the parser does check XML 1.0 `Char`.
        assert!(roxmltree::Document::parse("<a>\u{1b}\u{0}</a>").is_err());
        assert!(roxmltree::Document::parse("<a>&#27;</a>").is_err());
    }

    #[test]
    fn junit_parses_for_a_body_holding_every_byte() {
        let body = every_byte();
        let report = crate::report::tests::sample_report(&body);
        let xml = render(&report);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .expect("a <failure> element");
        let text = failure.text().unwrap_or_default();
        // Forbidden characters are shown, allowed ones kept as they were.
        assert!(text.contains("\\u{0}\\u{1}"), "{text}");
        assert!(text.contains("\\u{1b}"), "{text}");
        assert!(text.contains("\t\n"), "{text}");
        assert!(
            text.contains(" !\"#$%&'()*+,-./0123456789:;<=>?@ABC"),
            "{text}"
        );
        assert!(text.contains('\u{FFFD}'), "{text}");
        let message = failure.attribute("message").unwrap_or_default();
        assert!(message.contains("\\u{1b}"), "{message}");
        // quick-xml reads it to the end too.
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("quick-xml: {e}"),
            }
        }
    }

    #[test]
    fn xml_safe_keeps_allowed_text_borrowed() {
        assert!(matches!(
            xml_safe("a\tb\u{e9}\u{1F600}"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(xml_safe("a\u{0}b\u{FFFF}"), "a\\u{0}b\\u{ffff}");
    }
}

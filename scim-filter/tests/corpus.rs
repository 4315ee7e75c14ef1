//! Runs the filter corpus in `tests/corpus/filters.txt`: every valid filter prints as its
//! expected canonical text (which parses back to the same tree), every invalid one is rejected
//! at its expected byte offset.

#![allow(clippy::unwrap_used)] // tests may unwrap

use scim2_filter::Filter;

const CORPUS: &str = include_str!("corpus/filters.txt");

enum Expect<'a> {
    Canonical(&'a str),
    ErrorAt(usize),
}

fn cases() -> Vec<(usize, &'static str, Expect<'static>)> {
    let mut out = Vec::new();
    for (i, line) in CORPUS.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let ok = line.rfind(" => ");
        let err = line.rfind(" !! ");
        let case = match (ok, err) {
            (Some(o), e) if e.is_none_or(|e| o > e) => {
                let input = &line[..o];
                let want = &line[o + 4..];
                (
                    input,
                    Expect::Canonical(if want == "=" { input } else { want }),
                )
            }
            (_, Some(e)) => {
                let offset = line[e + 4..]
                    .parse()
                    .unwrap_or_else(|_| panic!("line {}: bad offset", i + 1));
                (&line[..e], Expect::ErrorAt(offset))
            }
            _ => panic!("line {}: no ` => ` or ` !! `", i + 1),
        };
        out.push((i + 1, case.0, case.1));
    }
    out
}

#[test]
fn corpus_has_at_least_200_cases_valid_and_invalid() {
    let cases = cases();
    let valid = cases
        .iter()
        .filter(|c| matches!(c.2, Expect::Canonical(_)))
        .count();
    assert!(cases.len() >= 200, "{} cases", cases.len());
    assert!(
        valid >= 100 && cases.len() - valid >= 80,
        "{valid} valid of {}",
        cases.len()
    );
}

#[test]
fn corpus() {
    let mut failures = Vec::new();
    for (line, input, expect) in cases() {
        match (Filter::parse(input), expect) {
            (Ok(f), Expect::Canonical(want)) => {
                let printed = f.to_string();
                if printed != want {
                    failures.push(format!(
                        "line {line}: {input:?} printed {printed:?}, want {want:?}"
                    ));
                }
                match Filter::parse(&printed) {
                    Ok(again) if again == f => {}
                    other => {
                        failures.push(format!("line {line}: {printed:?} reparsed as {other:?}"));
                    }
                }
            }
            (Ok(f), Expect::ErrorAt(at)) => {
                failures.push(format!(
                    "line {line}: {input:?} parsed as `{f}`, want error at {at}"
                ));
            }
            (Err(e), Expect::Canonical(_)) => {
                failures.push(format!("line {line}: {input:?} rejected:\n{e}"));
            }
            (Err(e), Expect::ErrorAt(at)) => {
                if e.offset() != at {
                    failures.push(format!(
                        "line {line}: {input:?} error at {} (want {at}):\n{e}",
                        e.offset()
                    ));
                }
                // The message names what was expected and what was found.
                assert!(!e.expected().is_empty() && !e.found().is_empty());
                assert!(e.to_string().contains('^'));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

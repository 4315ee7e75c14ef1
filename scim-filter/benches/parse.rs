//! Parsing throughput over the corpus (`tests/corpus/filters.txt`), for scim2-filter and the
//! two crates.io peers measured in the same run:
//!
//! - `parse/<parser>/common`: the valid corpus filters that all three parsers accept;
//! - `parse/scim2-filter/corpus`: every valid corpus filter;
//! - `parse/<parser>/entra-lookup`: the filter Entra ID sends before every create.
//!
//! Throughput is reported in filters per second. Before measuring, the bench prints what each
//! parser makes of inputs that are easy to get wrong (`not(` without a space, escaped quotes,
//! `and` over `or` precedence).
//!
//! `cargo bench -p scim2-filter --bench parse -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;
use std::str::FromStr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CORPUS: &str = include_str!("../tests/corpus/filters.txt");
const ENTRA_LOOKUP: &str = r#"userName eq "ann.lee@contoso.onmicrosoft.com""#;

fn corpus_valid() -> Vec<&'static str> {
    CORPUS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rfind(" => ").map(|i| &l[..i]))
        .collect()
}

fn ours(input: &str) -> bool {
    scim2_filter::Filter::parse(input).is_ok()
}

fn scim_v2(input: &str) -> bool {
    scim_v2_peer::filter::Filter::from_str(input).is_ok()
}

/// scim-filter 0.2.3 has no public parse function; its matcher calls the nom parser this way
/// (and rejects trailing input).
fn scim_filter_023(input: &str) -> bool {
    matches!(scim_filter_peer::parser::filter(input), Ok((rest, _)) if rest.is_empty())
}

/// What each parser makes of inputs that are easy to get wrong, printed once.
fn report_tricky_inputs() {
    let inputs = [
        // `not(` without a space (the ABNF has none; RFC 7644's example has one).
        r#"not(userName eq "x")"#,
        // Escaped quotes and backslashes in a JSON string.
        r#"displayName eq "say \"hi\" \\ bye""#,
        // `and` binds tighter than `or`.
        r#"userName eq "a" or userName eq "b" and active eq true"#,
        r#"userName eq "a" and userName eq "b" or active eq true"#,
        // Case-insensitive keywords, Entra's value-path filter, a URN path.
        r#"userName EQ "x" AND active Eq TRUE"#,
        r#"emails[type eq "work"].value eq "ann@example.com""#,
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x""#,
        // Invalid: must be rejected.
        r#"userName eq"x""#,
        r#"emails[type[value eq "x"]]"#,
    ];
    eprintln!("How each parser reads inputs that are easy to get wrong:");
    for input in inputs {
        eprintln!("  input: {input}");
        match scim2_filter::Filter::parse(input) {
            Ok(f) => eprintln!("    scim2-filter:       {f}    {f:?}"),
            Err(e) => eprintln!("    scim2-filter:       rejected at byte {}", e.offset()),
        }
        match scim_v2_peer::filter::Filter::from_str(input) {
            Ok(f) => eprintln!("    scim_v2 1.0.0:      {f}    {f:?}"),
            Err(e) => eprintln!("    scim_v2 1.0.0:      rejected: {e}"),
        }
        match scim_filter_peer::parser::filter(input) {
            Ok(("", f)) => eprintln!("    scim-filter 0.2.3:  {f:?}"),
            Ok((rest, _)) => eprintln!("    scim-filter 0.2.3:  rejected (unparsed rest {rest:?})"),
            Err(e) => eprintln!("    scim-filter 0.2.3:  rejected: {e}"),
        }
    }
}

fn bench_parse(c: &mut Criterion) {
    report_tricky_inputs();
    let valid = corpus_valid();
    let common: Vec<&str> = valid
        .iter()
        .copied()
        .filter(|f| ours(f) && scim_v2(f) && scim_filter_023(f))
        .collect();
    eprintln!(
        "corpus: {} valid filters; {} accepted by all three parsers; scim_v2 accepts {}, scim-filter 0.2.3 accepts {}",
        valid.len(),
        common.len(),
        valid.iter().filter(|f| scim_v2(f)).count(),
        valid.iter().filter(|f| scim_filter_023(f)).count(),
    );

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(common.len() as u64));
    g.bench_function("scim2-filter/common", |b| {
        b.iter(|| common.iter().filter(|f| ours(black_box(f))).count());
    });
    g.bench_function("scim_v2/common", |b| {
        b.iter(|| common.iter().filter(|f| scim_v2(black_box(f))).count());
    });
    g.bench_function("scim-filter-0.2.3/common", |b| {
        b.iter(|| {
            common
                .iter()
                .filter(|f| scim_filter_023(black_box(f)))
                .count()
        });
    });
    g.throughput(Throughput::Elements(valid.len() as u64));
    g.bench_function("scim2-filter/corpus", |b| {
        b.iter(|| valid.iter().filter(|f| ours(black_box(f))).count());
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("scim2-filter/entra-lookup", |b| {
        b.iter(|| ours(black_box(ENTRA_LOOKUP)));
    });
    g.bench_function("scim_v2/entra-lookup", |b| {
        b.iter(|| scim_v2(black_box(ENTRA_LOOKUP)));
    });
    g.bench_function("scim-filter-0.2.3/entra-lookup", |b| {
        b.iter(|| scim_filter_023(black_box(ENTRA_LOOKUP)));
    });
    g.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);

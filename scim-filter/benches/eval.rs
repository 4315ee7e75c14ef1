//! Evaluating filters over 100,000 generated users, for scim2-filter and scim-filter 0.2.3
//! (scim_v2 has no evaluator), in the same run. Each filter is parsed once; the measured
//! work is matching every user. Throughput is in users per second.
//!
//! `scim2-filter` is the simple `Filter::matches` (schemas chosen per resource);
//! `scim2-filter-compiled` is the filter prepared once with `Filter::compile` for the User
//! schemas and then evaluated per user.
//!
//! `cargo bench -p scim2-filter --bench eval -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

const USERS: usize = 100_000;

/// Entra-shaped users from a fixed-seed generator (so every run measures the same data).
fn users() -> Vec<Value> {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let titles = ["Engineer", "Manager", "Sales", "Support", "Intern"];
    let domains = ["example.com", "contoso.com", "fabrikam.org"];
    (0..USERS)
        .map(|i| {
            let domain = domains[i % domains.len()];
            json!({
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
                ],
                "id": format!("{:08x}-0000-4000-8000-{:012x}", next(), i),
                "externalId": format!("ext-{i}"),
                "userName": format!("user{i}@{domain}"),
                "active": next() % 4 != 0,
                "displayName": format!("User {i}"),
                "title": titles[next() % titles.len()],
                "name": {"givenName": format!("Given{}", i % 1000), "familyName": format!("Family{}", i % 777)},
                "emails": [
                    {"type": "work", "value": format!("user{i}@{domain}"), "primary": true},
                    {"type": "home", "value": format!("u{i}@home.example.net")}
                ],
                "meta": {
                    "resourceType": "User",
                    "lastModified": format!("20{:02}-{:02}-{:02}T10:00:00Z", 10 + next() % 15, 1 + next() % 12, 1 + next() % 28)
                },
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                    "employeeNumber": format!("{}", 100000 + i),
                    "department": titles[next() % titles.len()]
                }
            })
        })
        .collect()
}

const FILTERS: [(&str, &str); 4] = [
    ("username-eq", r#"userName eq "USER50000@fabrikam.org""#),
    (
        "emails-value-path",
        r#"emails[type eq "work" and value ew "@contoso.com"] and active eq true"#,
    ),
    (
        "or-not",
        r#"title eq "Intern" or not (title sw "Eng") and displayName co "99""#,
    ),
    (
        "enterprise-urn",
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "150000""#,
    ),
];

fn bench_eval(c: &mut Criterion) {
    let users = users();
    let schemas = scim2_types::schema::ResourceSchemas::user();
    let mut g = c.benchmark_group("eval");
    g.sample_size(10);
    g.throughput(Throughput::Elements(USERS as u64));
    for (name, text) in FILTERS {
        let ours = scim2_filter::Filter::parse(text).expect("valid filter");
        let ours_count = users.iter().filter(|u| ours.matches(u)).count();
        g.bench_function(format!("scim2-filter/{name}"), |b| {
            b.iter(|| users.iter().filter(|u| ours.matches(black_box(u))).count());
        });
        let compiled = ours.compile(&schemas);
        assert_eq!(
            users.iter().filter(|u| compiled.matches(u)).count(),
            ours_count,
            "{name}: compiled and simple evaluation disagree"
        );
        g.bench_function(format!("scim2-filter-compiled/{name}"), |b| {
            b.iter(|| {
                users
                    .iter()
                    .filter(|u| compiled.matches(black_box(u)))
                    .count()
            });
        });
        match scim_filter_peer::parser::filter(text) {
            Ok(("", peer)) => {
                let peer_count = users
                    .iter()
                    .filter(|u| peer.r#match(u).unwrap_or(false))
                    .count();
                eprintln!(
                    "{name}: scim2-filter matches {ours_count} users, scim-filter 0.2.3 matches {peer_count}"
                );
                g.bench_function(format!("scim-filter-0.2.3/{name}"), |b| {
                    b.iter(|| {
                        users
                            .iter()
                            .filter(|u| peer.r#match(black_box(u)).unwrap_or(false))
                            .count()
                    });
                });
            }
            _ => eprintln!(
                "{name}: scim2-filter matches {ours_count} users; scim-filter 0.2.3 cannot parse {text}"
            ),
        }
    }
    g.finish();
}

criterion_group!(benches, bench_eval);
criterion_main!(benches);

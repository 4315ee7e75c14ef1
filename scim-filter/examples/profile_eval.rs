//! Profiling aid: evaluates one compiled filter over N generated users R times.
#![allow(missing_docs)]
use serde_json::{Value, json};
use std::hint::black_box;

/// Entra-shaped users from a fixed-seed generator (so every run measures the same data).
fn users(n: usize) -> Vec<Value> {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let titles = ["Engineer", "Manager", "Sales", "Support", "Intern"];
    let domains = ["example.com", "contoso.com", "fabrikam.org"];
    (0..n)
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

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(1000, |a| a.parse().expect("n"));
    let r: usize = args.next().map_or(1, |a| a.parse().expect("r"));
    let text = args
        .next()
        .unwrap_or_else(|| r#"userName eq "USER50000@fabrikam.org""#.to_owned());
    let users = users(n);
    let compiled = scim2_filter::Filter::parse(&text)
        .expect("filter")
        .compile(&scim2_types::schema::ResourceSchemas::user());
    let cpu0 = cpu_ns();
    let t = std::time::Instant::now();
    let mut hits = 0;
    for _ in 0..r {
        hits += users
            .iter()
            .filter(|u| compiled.matches(black_box(u)))
            .count();
    }
    let el = t.elapsed();
    let cpu = cpu_ns() - cpu0;
    println!(
        "{hits} hits, {:.1} ns/user wall, {:.1} ns/user on CPU",
        el.as_nanos() as f64 / (n * r) as f64,
        cpu as f64 / (n * r) as f64
    );
}

/// Nanoseconds this thread has run on a CPU (Linux), so that time spent waiting for a CPU on a
/// loaded machine is not counted.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

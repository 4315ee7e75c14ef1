//! Profiling aid: reads a `ListResponse<User>` of N Entra-shaped users R times, typed or as a
//! `serde_json::Value` (`cargo run --release -p scim2-types --example profile_read -- N R typed|value`).
#![allow(missing_docs)]
use std::hint::black_box;

use scim2_types::{
    Address, Email, EnterpriseUser, ListResponse, Manager, Meta, Name, PhoneNumber, User, urn,
};
use serde_json::Value;

/// A user like Entra's default mappings produce (docs/entra.md#user-create, docs/entra.md#default-mapping),
/// as a server returns it.
fn entra_user(i: usize) -> User {
    let given = [
        "Barbara",
        "Jürgen",
        "Åsa",
        "Дмитрий",
        "美咲",
        "Siobhán",
        "Olu",
    ][i % 7];
    let family = [
        "Jensen",
        "Müller",
        "Ødegård",
        "Иванов",
        "佐藤",
        "O'Neill",
        "Adeyemi",
    ][i % 5];
    let upn = format!("user{i}.{}@contoso.onmicrosoft.com", i % 97);
    let mut user = User::new(upn.clone());
    user.schemas.push(urn::ENTERPRISE_USER.to_owned());
    user.id = Some(format!("{i:08x}-2e1c-4c1a-9f3b-{:012x}", i * 7919));
    user.external_id = Some(format!("user{i}"));
    user.active = Some(!i.is_multiple_of(10));
    user.display_name = Some(format!("{given} {family}"));
    user.title = Some("Tour Guide".to_owned());
    user.preferred_language = Some("en-US".to_owned());
    user.name = Some(Name {
        formatted: Some(format!("{given} {family}")),
        given_name: Some(given.to_owned()),
        family_name: Some(family.to_owned()),
        ..Name::default()
    });
    user.emails = Some(vec![Email::new(upn).with_type("work").with_primary(true)]);
    user.addresses = Some(vec![Address {
        kind: Some("work".to_owned()),
        street_address: Some(format!("{} Universal City Plaza", i % 500)),
        locality: Some("Hollywood".to_owned()),
        region: Some("CA".to_owned()),
        postal_code: Some("91608".to_owned()),
        country: Some("US".to_owned()),
        ..Address::default()
    }]);
    user.phone_numbers = Some(vec![
        PhoneNumber::new(format!("+1 555 {i:07}")).with_type("work"),
        PhoneNumber::new(format!("+1 555 {:07}", i + 1)).with_type("mobile"),
    ]);
    user.enterprise = Some(EnterpriseUser {
        employee_number: Some(format!("{}", 100_000 + i)),
        department: Some("Tour Operations".to_owned()),
        manager: (i > 0).then(|| {
            Manager::new(format!(
                "{:08x}-2e1c-4c1a-9f3b-{:012x}",
                i / 10,
                i / 10 * 7919
            ))
        }),
        ..EnterpriseUser::default()
    });
    user.meta = Some(Meta {
        resource_type: Some("User".to_owned()),
        created: Some("2024-03-27T19:59:26.000Z".to_owned()),
        last_modified: Some("2024-03-27T19:59:26.000Z".to_owned()),
        version: Some(format!("W/\"{i:x}\"")),
        location: Some(format!("https://scim.example.com/scim/v2/Users/{i}")),
        ..Meta::default()
    });
    user
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(1000, |a| a.parse().expect("n"));
    let r: usize = args.next().map_or(1, |a| a.parse().expect("r"));
    let how = args.next().unwrap_or_else(|| "typed".to_owned());
    let page = ListResponse::new((0..n).map(entra_user).collect(), n as u64, 1);
    let doc = serde_json::to_string(&page).expect("serialize");
    let cpu0 = cpu_ns();
    for _ in 0..r {
        if how == "typed" {
            black_box(read_typed(black_box(&doc)));
        } else {
            black_box(read_value(black_box(&doc)));
        }
    }
    let cpu = cpu_ns() - cpu0;
    println!("{how}: {:.1} ns/user on CPU", cpu as f64 / (n * r) as f64);
}

#[inline(never)]
fn read_typed(doc: &str) -> ListResponse<User> {
    serde_json::from_str(doc).expect("read")
}

#[inline(never)]
fn read_value(doc: &str) -> Value {
    serde_json::from_str(doc).expect("parse")
}

/// Nanoseconds this thread has run on a CPU (Linux).
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

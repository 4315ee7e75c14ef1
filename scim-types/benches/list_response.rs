//! Reading and writing a `ListResponse<User>` of 10,000 Entra-shaped users, against the same
//! document through `serde_json::Value` in the same run.
//!
//! `cargo bench -p scim2-types --bench list_response -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs)] // criterion_group! generates an undocumented function

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scim2_types::{
    Address, Email, EnterpriseUser, ListResponse, Manager, Meta, Name, PhoneNumber, User, urn,
};
use serde_json::Value;

const USERS: usize = 10_000;

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

fn list_response(c: &mut Criterion) {
    let page = ListResponse::new((0..USERS).map(entra_user).collect(), USERS as u64, 1);
    let doc = serde_json::to_string(&page).expect("serialize");
    let value: Value = serde_json::from_str(&doc).expect("parse");
    let typed: ListResponse<User> = serde_json::from_str(&doc).expect("read");
    assert_eq!(typed, page);

    let mut group = c.benchmark_group("list_response_10k_users");
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.sample_size(20);
    group.bench_function("scim2-types/deserialize", |b| {
        b.iter(|| serde_json::from_str::<ListResponse<User>>(black_box(&doc)).expect("read"));
    });
    group.bench_function("scim2-types-with-paths/deserialize", |b| {
        b.iter(|| {
            scim2_types::read::from_str::<ListResponse<User>>(black_box(&doc)).expect("read")
        });
    });
    group.bench_function("serde_json-Value/deserialize", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&doc)).expect("parse"));
    });
    let mut out = Vec::with_capacity(doc.len() + 1024);
    group.bench_function("scim2-types/serialize", |b| {
        b.iter(|| {
            out.clear();
            serde_json::to_writer(&mut out, black_box(&typed)).expect("write");
        });
    });
    group.bench_function("serde_json-Value/serialize", |b| {
        b.iter(|| {
            out.clear();
            serde_json::to_writer(&mut out, black_box(&value)).expect("write");
        });
    });
    group.finish();
}

criterion_group!(benches, list_response);
criterion_main!(benches);

//! proptest strategies for valid users and groups shaped like what Microsoft Entra ID sends
//! (feature `proptest`).
//!
//! The shapes follow Entra's default attribute mappings (docs/entra.md#default-mapping,
//! §4.2) and its create bodies (§2.4, §2.11): a UPN-style `userName`, a `work` e-mail marked
//! primary, `name` parts with `formatted` = "given family", `externalId` from the mail
//! nickname, `active`, work address and phone numbers, the enterprise `employeeNumber`,
//! `department` and `manager`, and Unicode names. Optional attributes are present or absent.
//! Generated values are canonical: serializing then reading one gives it back unchanged.
//!
//! ```
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//! let mut runner = TestRunner::deterministic();
//! let user = scim2_types::arbitrary::user().new_tree(&mut runner).unwrap().current();
//! assert!(user.user_name.contains('@'));
//! ```

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use crate::{
    Address, Email, EnterpriseUser, Group, GroupMember, Manager, Meta, Name, PhoneNumber, User, urn,
};

/// A lower-case UUID, like Entra's object ids and many servers' resource ids.
pub fn uuid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
}

/// A given or family name: ASCII, Latin-1 accented, Cyrillic, Greek or CJK.
pub fn person_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Z][a-z]{1,10}",
        1 => "[A-ZÀ-Ö][a-zà-öø-ÿ]{1,9}",
        1 => "[А-Я][а-я]{1,9}",
        1 => "[Α-Ω][α-ω]{1,8}",
        1 => "[\u{4e00}-\u{4fff}]{1,3}",
        1 => "O'[A-Z][a-z]{2,8}",
    ]
}

/// A user principal name (`alias@domain`), as Entra maps `userPrincipalName` to `userName`:
/// only the characters Entra allows in a UPN (`A–Z a–z 0–9 ' . - _ ! # ^ ~`, no period first or
/// before the `@`), and a domain of LDH labels. Every value passes
/// [`address::validate_upn`](crate::address::validate_upn) and is a valid e-mail address.
pub fn upn() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            4 => "[a-z][a-z0-9]{0,10}(\\.[a-z][a-z0-9]{0,10})?",
            1 => "[a-z]{1,8}(['_-][a-z]{1,8})?\\.[A-Za-z][a-z0-9_]{0,8}",
            1 => "_?[a-z][a-z0-9]{0,6}[!#^~_][a-z0-9]{1,6}",
        ],
        domain_label(),
        // Literal suffixes: a string strategy would read `.` as a regex wildcard.
        prop::sample::select(&["com", "onmicrosoft.com", "org", "co.uk"][..]),
    )
        .prop_map(|(alias, domain, tld)| format!("{alias}@{domain}.{tld}"))
}

/// One DNS label (RFC 1035 §2.3.1): letters, digits and inner hyphens.
fn domain_label() -> impl Strategy<Value = String> {
    "[a-z]([a-z0-9-]{0,11}[a-z0-9])?"
}

fn meta(resource_type: &'static str) -> impl Strategy<Value = Meta> {
    (
        "20[12][0-9]-(0[1-9]|1[0-2])-[0-2][0-9]T[01][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{3})?Z",
        option::of("W/\"[0-9a-f]{8}\""),
    )
        .prop_map(move |(created, version)| Meta {
            resource_type: Some(resource_type.to_owned()),
            last_modified: Some(created.clone()),
            created: Some(created),
            version,
            ..Meta::default()
        })
}

fn work_address() -> impl Strategy<Value = Address> {
    (
        option::of("[1-9][0-9]{0,3} [A-Z][a-z]{2,10} (St|Ave|Blvd)"),
        option::of(person_name()),
        option::of("[A-Z]{2}"),
        option::of("[0-9]{5}"),
        option::of(prop_oneof!["US", "DE", "FR", "JP", "GB"]),
    )
        .prop_map(|(street, locality, region, postal, country)| Address {
            street_address: street,
            locality,
            region,
            postal_code: postal,
            country,
            kind: Some("work".to_owned()),
            ..Address::default()
        })
}

fn phone_numbers() -> impl Strategy<Value = Vec<PhoneNumber>> {
    (
        option::of("\\+1 [2-9][0-9]{2} [0-9]{3} [0-9]{4}"),
        option::of("\\+49 1[5-7][0-9] [0-9]{7}"),
        option::of("\\+1 [2-9][0-9]{2} [0-9]{3} [0-9]{4}"),
    )
        .prop_map(|(work, mobile, fax)| {
            [(work, "work"), (mobile, "mobile"), (fax, "fax")]
                .into_iter()
                .filter_map(|(v, t)| v.map(|v| PhoneNumber::new(v).with_type(t)))
                .collect()
        })
}

fn enterprise() -> impl Strategy<Value = EnterpriseUser> {
    (
        option::of("[0-9]{4,8}"),
        option::of(prop_oneof![
            "Sales",
            "Engineering",
            "Tour Operations",
            "Финансы",
            "営業"
        ]),
        option::of(uuid().prop_map(Manager::new)),
        option::of("[0-9]{4}"),
    )
        .prop_map(
            |(employee_number, department, manager, cost_center)| EnterpriseUser {
                employee_number,
                department,
                manager,
                cost_center,
                ..EnterpriseUser::default()
            },
        )
}

/// A valid User shaped like an Entra ID create or a server's response to one.
pub fn user() -> impl Strategy<Value = User> {
    let identity = (
        upn(),
        person_name(),
        person_name(),
        any::<bool>(),
        option::of("[a-z][a-z0-9]{2,11}"),
        option::of(uuid()),
    );
    let optional = (
        any::<bool>(),
        any::<bool>(),
        option::of(prop_oneof![
            "Tour Guide",
            "Engineer",
            "Vice President",
            "Ingénieure"
        ]),
        option::of(prop_oneof!["en-US", "de-DE", "fr-FR", "ja-JP"]),
        option::of(any::<bool>()),
        any::<bool>(),
    );
    let complex = (
        option::of(vec(work_address(), 1..=1)),
        phone_numbers(),
        option::of(enterprise()),
        option::of(meta("User")),
        any::<bool>(),
    );
    (identity, optional, complex).prop_map(
        |(
            (user_name, given, family, with_name, external_id, id),
            (with_display, with_email, title, language, active, empty_roles),
            (addresses, phones, enterprise, meta, with_formatted),
        )| {
            let mut schemas = vec![urn::USER.to_owned()];
            if enterprise.is_some() {
                schemas.push(urn::ENTERPRISE_USER.to_owned());
            }
            let name = with_name.then(|| Name {
                formatted: with_formatted.then(|| format!("{given} {family}")),
                family_name: Some(family.clone()),
                given_name: Some(given.clone()),
                ..Name::default()
            });
            User {
                schemas,
                id,
                external_id,
                emails: with_email.then(|| {
                    vec![
                        Email::new(user_name.clone())
                            .with_type("work")
                            .with_primary(true),
                    ]
                }),
                user_name,
                name,
                display_name: with_display.then(|| format!("{given} {family}")),
                title,
                preferred_language: language,
                active,
                addresses,
                phone_numbers: (!phones.is_empty()).then_some(phones),
                roles: empty_roles.then(Vec::new),
                enterprise,
                meta,
                ..User::default()
            }
        },
    )
}

/// A valid Group shaped like an Entra ID group: `displayName`, `externalId` from the object
/// id, members by id (or an empty list, or absent as with `excludedAttributes=members`), and
/// sometimes Entra's legacy ADSCIM schema URI.
pub fn group() -> impl Strategy<Value = Group> {
    (
        prop_oneof![
            3 => "[A-Z][A-Za-z0-9 _-]{0,24}",
            1 => "[А-Яа-я ]{1,12}",
            1 => "[\u{4e00}-\u{4fff}]{1,6}",
        ],
        option::of(uuid()),
        option::of(uuid()),
        option::of(vec(uuid(), 0..6)),
        any::<bool>(),
        option::of(meta("Group")),
    )
        .prop_map(|(display_name, external_id, id, members, legacy, meta)| {
            let mut schemas = vec![urn::GROUP.to_owned()];
            if legacy {
                schemas.push(urn::ENTRA_LEGACY_GROUP.to_owned());
            }
            Group {
                schemas,
                id,
                external_id,
                display_name,
                members: members.map(|m| m.into_iter().map(GroupMember::new).collect()),
                meta,
                ..Group::default()
            }
        })
}

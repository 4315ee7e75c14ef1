//! The comparison core on in-memory directories: each kind of difference, reported once.
#![allow(clippy::unwrap_used, missing_docs)]

mod compare_support;

use compare_support::{Dir, ENTERPRISE, directory, user_name};
use scim2_conformance::compare::{
    Comparison, Directory, Format, Mapping, MatchedBy, ResourceKind, Side, compare, render,
};
use serde_json::{Value, json};

fn index(url: &str, d: &Dir, m: &Mapping) -> Directory {
    let mut out = Directory::new(url);
    for u in &d.users {
        out.users.push(u, &m.users);
    }
    for g in &d.groups {
        out.groups.push(g, &m.groups);
    }
    out
}

fn run(a: &Dir, b: &Dir) -> Comparison {
    let m = Mapping::entra_default();
    compare(
        &index("https://old", a, &m),
        &index("https://new", b, &m),
        &m,
    )
}

fn pair() -> (Dir, Dir) {
    (directory("old", 60, 5, 8), directory("new", 60, 5, 8))
}

fn find_user(d: &mut Dir, i: usize) -> &mut Value {
    let name = user_name(i);
    d.users.iter_mut().find(|u| u["userName"] == name).unwrap()
}

/// The id on side `d` of the user with index `i`.
fn id_of(d: &Dir, i: usize) -> Value {
    d.users
        .iter()
        .find(|u| u["userName"] == user_name(i))
        .unwrap()["id"]
        .clone()
}

#[test]
fn the_same_directory_with_other_ids_compares_equal() {
    let (a, mut b) = pair();
    b.users.reverse();
    b.groups.reverse();
    let c = run(&a, &b);
    assert!(c.identical(), "{}", render(&c, Format::Human));
    assert_eq!(c.totals.matched_users, 60);
    assert_eq!(c.totals.matched_groups, 5);
    assert_eq!(c.from.memberships, 40);
    assert_eq!(c.to.memberships, 40);
    assert!(c.attribute_differences.is_empty() && c.membership_differences.is_empty());
}

#[test]
fn a_missing_user_is_reported_once() {
    let (a, mut b) = pair();
    // user 58 is in no group and manages nobody
    b.users.retain(|u| u["userName"] != user_name(58));
    let c = run(&a, &b);
    assert_eq!(c.totals.differences, 1, "{}", render(&c, Format::Human));
    assert_eq!(c.totals.users_missing_on_to, 1);
    let o = &c.only_on_one_side[0];
    assert_eq!((o.kind, o.side), (ResourceKind::User, Side::From));
    assert_eq!(o.name.as_deref(), Some(user_name(58).as_str()));
}

#[test]
fn an_extra_group_is_reported_once() {
    let (a, mut b) = pair();
    b.groups
        .push(json!({"id": "new-g-x", "displayName": "Only new", "members": []}));
    let c = run(&a, &b);
    assert_eq!(c.totals.differences, 1);
    assert_eq!(c.totals.groups_extra_on_to, 1);
    assert_eq!(c.only_on_one_side[0].name.as_deref(), Some("Only new"));
    assert_eq!(c.only_on_one_side[0].side, Side::To);
}

#[test]
fn a_changed_attribute_is_reported_once_with_both_values() {
    let (a, mut b) = pair();
    find_user(&mut b, 7)["addresses"][0]["locality"] = json!("Seattle");
    let c = run(&a, &b);
    assert_eq!(c.totals.differences, 1);
    let d = &c.attribute_differences[0];
    assert_eq!(d.attribute, r#"addresses[type eq "work"].locality"#);
    assert_eq!(d.from.as_deref(), Some("Redmond"));
    assert_eq!(d.to.as_deref(), Some("Seattle"));
    assert_eq!(d.resource, user_name(7));
    assert!(!d.case_only);
}

#[test]
fn a_case_only_user_name_difference_is_reported_once() {
    let (a, mut b) = pair();
    find_user(&mut b, 3)["userName"] = json!(user_name(3).to_uppercase());
    let c = run(&a, &b);
    assert_eq!(c.totals.differences, 1, "{}", render(&c, Format::Human));
    let d = &c.attribute_differences[0];
    assert_eq!(d.attribute, "userName");
    assert!(d.case_only);
    assert_eq!(d.matched_by, MatchedBy::NameIgnoringCase);
    // memberships and manager references still line up through the pairing
    assert!(c.membership_differences.is_empty());
}

#[test]
fn a_missing_membership_is_reported_once() {
    let (a, mut b) = pair();
    let removed = b.groups[2]["members"].as_array_mut().unwrap().remove(0);
    let c = run(&a, &b);
    assert_eq!(c.totals.differences, 1);
    assert_eq!(c.totals.memberships_missing_on_to, 1);
    let m = &c.membership_differences[0];
    assert_eq!(m.group, "Group 2");
    let who = b
        .users
        .iter()
        .find(|u| u["id"] == removed["value"])
        .unwrap();
    assert_eq!(
        m.missing_on_to,
        vec![who["userName"].as_str().unwrap().to_owned()]
    );
    assert!(m.extra_on_to.is_empty());
}

#[test]
fn an_extra_membership_is_reported_once() {
    let (a, mut b) = pair();
    let extra = id_of(&b, 57);
    b.groups[4]["members"]
        .as_array_mut()
        .unwrap()
        .push(json!({"value": extra}));
    let c = run(&a, &b);
    assert_eq!(c.totals.differences, 1);
    assert_eq!(c.membership_differences[0].extra_on_to, vec![user_name(57)]);
    assert_eq!(c.membership_differences[0].group, "Group 4");
}

#[test]
fn duplicates_differing_in_case_are_reported_per_side() {
    let (mut a, b) = pair();
    let mut dup = a.users[10].clone();
    dup["id"] = json!("old-dup");
    dup["userName"] = json!(user_name(10).to_uppercase());
    a.users.push(dup);
    let c = run(&a, &b);
    assert_eq!(c.totals.duplicates, 1);
    assert_eq!(c.duplicates[0].side, Side::From);
    assert_eq!(
        c.duplicates[0].ids,
        vec!["old-u-10".to_owned(), "old-dup".to_owned()]
    );
    // the exact-case twin is paired; the other one is only on the old side
    assert_eq!(c.totals.users_missing_on_to, 1);
    assert_eq!(c.totals.differences, 2);
    assert!(!c.identical());
}

#[test]
fn managers_are_compared_through_their_user_names() {
    let (a, mut b) = pair();
    let other = id_of(&b, 2);
    // user 35's manager is user 3; user 26's is user 2
    find_user(&mut b, 35)[ENTERPRISE]["manager"] = json!({"value": other});
    find_user(&mut b, 26)[ENTERPRISE]["manager"] = json!("new-u-nobody");
    let c = run(&a, &b);
    assert_eq!(c.totals.differences, 2, "{}", render(&c, Format::Human));
    let by = |who: usize| {
        c.attribute_differences
            .iter()
            .find(|d| d.resource == user_name(who))
            .unwrap()
    };
    let d = by(35);
    assert!(d.attribute.ends_with("enterprise:2.0:User:manager"));
    assert_eq!(d.from.as_deref(), Some(user_name(3).as_str()));
    assert_eq!(d.to.as_deref(), Some(user_name(2).as_str()));
    let d = by(26);
    assert_eq!(d.from.as_deref(), Some(user_name(2).as_str()));
    assert!(
        d.to.as_deref().unwrap().contains("unknown id new-u-nobody"),
        "{d:?}"
    );
}

#[test]
fn users_renamed_entirely_pair_by_external_id() {
    let (a, mut b) = pair();
    find_user(&mut b, 40)["userName"] = json!("renamed@contoso.example");
    let c = run(&a, &b);
    assert_eq!(c.totals.differences, 1);
    let d = &c.attribute_differences[0];
    assert_eq!(d.matched_by, MatchedBy::ExternalId);
    assert_eq!(d.to.as_deref(), Some("renamed@contoso.example"));
}

#[test]
fn normalisation_ignores_representation_only() {
    let (a, mut b) = pair();
    // Entra's legacy string boolean, attribute names in other letter case, extra attributes
    let u = find_user(&mut b, 5);
    u["active"] = json!("True");
    let title = u.as_object_mut().unwrap().remove("title").unwrap();
    u["TITLE"] = title;
    u["nickName"] = json!("not mapped");
    u["emails"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!({"type": "home", "value": "h@x"}));
    let c = run(&a, &b);
    assert!(c.identical(), "{}", render(&c, Format::Human));
}

#[test]
fn a_custom_mapping_limits_what_is_compared() {
    let (a, mut b) = pair();
    find_user(&mut b, 9)["title"] = json!("Boss");
    find_user(&mut b, 9)["displayName"] = json!("Other");
    let m = Mapping::from_toml("[[user]]\ntarget = \"title\"\n").unwrap();
    let c = compare(&index("o", &a, &m), &index("n", &b, &m), &m);
    assert_eq!(c.totals.differences, 1);
    assert_eq!(c.attribute_differences[0].attribute, "title");
}

#[test]
fn reports_show_the_summary_first_and_every_finding() {
    let (a, mut b) = pair();
    b.users.retain(|u| u["userName"] != user_name(58));
    find_user(&mut b, 7)["title"] = json!("A | B");
    let c = run(&a, &b);
    let h = render(&c, Format::Human);
    assert!(h.starts_with("compare: 2 differences found\n"), "{h}");
    assert!(
        h.find("users missing on to: 1").unwrap()
            < h.find("Users missing on to (only on from)").unwrap()
    );
    assert!(h.contains(r#"title: "Engineer" → "A | B""#), "{h}");
    let md = render(&c, Format::Markdown);
    assert!(
        md.starts_with("# SCIM migration compare: 2 differences found"),
        "{md}"
    );
    assert!(
        md.contains(r#"| user user000007@contoso.example | `title` | "Engineer" | "A \| B" |"#),
        "{md}"
    );
    assert!(md.contains(&format!("- {}", user_name(58))), "{md}");
    let j: Value = serde_json::from_str(&render(&c, Format::Json)).unwrap();
    assert_eq!(j["schema"], "scim-conformance/compare/v1");
    assert_eq!(j["totals"]["differences"], 2);
    assert_eq!(j["attributeDifferences"][0]["to"], "A | B");
    assert_eq!(j["onlyOnOneSide"][0]["side"], "from");
    // Kinds are written in lower case, as before they were one type with scim2-types.
    assert_eq!(j["onlyOnOneSide"][0]["kind"], "user");
    assert_eq!(j["attributeDifferences"][0]["kind"], "user");
    let same = run(&a, &a);
    assert!(
        render(&same, Format::Human).starts_with("compare: identical for the mapped attributes")
    );
}

#[test]
fn the_human_report_is_bounded_and_says_so() {
    let a = directory("old", 300, 0, 0);
    let b = directory("new", 0, 0, 0);
    let c = run(&a, &b);
    let h = render(&c, Format::Human);
    assert!(h.contains("… and 200 more"), "{h}");
    assert_eq!(
        render(&c, Format::Markdown).matches("\n- user").count(),
        300
    );
}

#[test]
fn booleans_show_unquoted() {
    let (a, mut b) = pair();
    find_user(&mut b, 3)["active"] = json!("False");
    let c = run(&a, &b);
    let h = render(&c, Format::Human);
    assert!(h.contains(": active: true → false"), "{h}");
    assert!(!h.contains("\"false\""), "{h}");
    let md = render(&c, Format::Markdown);
    assert!(md.contains("| `active` | true | false |"), "{md}");
}

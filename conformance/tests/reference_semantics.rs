//! The reference endpoint's filters, sorting and PATCH (through scim2-filter), with the
//! request shapes Entra ID sends (docs/entra.md#patch-dialects, docs/entra.md#flat-groups).

#![allow(clippy::unwrap_used, clippy::cloned_ref_to_slice_refs)] // tests may unwrap; `[x.clone()]` reads best in asserts

mod reference_support;

use axum::http::Method;
use reference_support::{Api, BASE, ENTERPRISE, entra_user, patch_op};
use serde_json::{Value, json};

async fn filter_ids(api: &Api, resource: &str, filter: &str) -> Vec<String> {
    let q: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let r = api.get(&format!("/{resource}?filter={q}")).await;
    assert_eq!(r.status, 200, "{filter}: {}", r.text);
    r.ids()
}

#[tokio::test]
async fn test_connection_finds_nothing_with_200_and_an_empty_list() {
    let api = Api::new(&[]);
    api.simple_user("someone@contoso.example").await;
    for uri in [
        "/Users?filter=userName+eq+%227d420df3-9995-4831-a406-ecf8166f5f6a%22",
        "/Users?filter=externalId+eq+%227d420df3-9995-4831-a406-ecf8166f5f6a%22",
        "/Groups?excludedAttributes=members&filter=displayName+eq+%227d420df3-9995-4831-a406-ecf8166f5f6a%22",
    ] {
        // Only the path: no Accept, no User-Agent, no Content-Type.
        let r = api
            .send_bare(Method::GET, &format!("{BASE}{uri}"), &[], None)
            .await;
        assert_eq!(r.status, 200, "{uri}: {}", r.text);
        assert!(r.is_scim_json());
        assert_eq!(r.body["totalResults"], 0);
        assert_eq!(r.body["Resources"], json!([]));
        assert_eq!(
            r.body["schemas"],
            json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
        );
    }
    // A trailing slash (the Microsoft reference collection's `/Users/?filter=…`) is the same.
    let r = api
        .get("/Users/?filter=userName+eq+%22someone%40contoso.example%22")
        .await;
    assert_eq!(r.body["totalResults"], 1, "{}", r.text);
    let id = r.ids()[0].clone();
    assert_eq!(
        api.get(&format!("/Users/{id}/")).await.body["id"],
        id.as_str()
    );
    // Entra's feature flag may ride along in the query string: it is ignored.
    let r = api
        .get("/Users?aadOptscim062020&filter=userName+eq+%22SOMEONE%40contoso.example%22")
        .await;
    assert_eq!(r.body["totalResults"], 1, "{}", r.text);
    let spc = api.get("/ServiceProviderConfig").await;
    assert_eq!(spc.body["filter"]["supported"], true);
    assert_eq!(spc.body["patch"]["supported"], true);
    assert_eq!(spc.body["sort"]["supported"], true);
}

#[tokio::test]
async fn users_are_found_by_user_name_in_any_case_and_by_external_id() {
    let api = Api::new(&[]);
    let id = api
        .create_user(entra_user("Ada.Lovelace@Contoso.example", None))
        .await;
    api.simple_user("other@contoso.example").await;
    assert_eq!(
        filter_ids(
            &api,
            "Users",
            r#"userName eq "ada.lovelace@contoso.EXAMPLE""#
        )
        .await,
        [id.clone()]
    );
    assert_eq!(
        filter_ids(
            &api,
            "Users",
            r#"externalId eq "nick-Ada.Lovelace@Contoso.example""#
        )
        .await,
        [id.clone()]
    );
    assert_eq!(
        filter_ids(
            &api,
            "Users",
            r#"emails[type eq "work"].value eq "ada.Ada.Lovelace@Contoso.example""#
        )
        .await,
        [id.clone()]
    );
    // Entra's lookups with excludedAttributes / attributes still filter.
    let r = api
        .get("/Users?attributes=id&filter=userName+eq+%22ADA.LOVELACE%40contoso.example%22")
        .await;
    assert_eq!(
        r.resources(),
        [json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE], "id": id})]
    );
}

#[tokio::test]
async fn every_filter_operator_works() {
    let api = Api::new(&[]);
    let a = api.create_user(json!({"userName": "alice", "title": "Engineer", "nickName": "Al", "emails": [{"type": "work", "value": "alice@x.org", "primary": true}], "active": true})).await;
    let b = api.create_user(json!({"userName": "bob", "title": "Manager", "emails": [{"type": "home", "value": "bob@y.org"}], "active": false})).await;
    let c = api
        .create_user(
            json!({"userName": "carol", "active": true, ENTERPRISE: {"employeeNumber": "42"}}),
        )
        .await;
    let urn_filter = format!("{ENTERPRISE}:employeeNumber eq \"42\"");
    let id_filter = format!("id eq \"{b}\"");
    let cases: Vec<(&str, Vec<&String>)> = vec![
        (r#"userName eq "ALICE""#, vec![&a]),
        (r#"userName ne "alice""#, vec![&b, &c]),
        (r#"userName co "o""#, vec![&b, &c]),
        (r#"userName sw "AL""#, vec![&a]),
        (r#"userName ew "ol""#, vec![&c]),
        (r#"userName gt "bob""#, vec![&c]),
        (r#"userName ge "bob""#, vec![&b, &c]),
        (r#"userName lt "bob""#, vec![&a]),
        (r#"userName le "bob""#, vec![&a, &b]),
        ("nickName pr", vec![&a]),
        ("active eq false", vec![&b]),
        (r#"title eq "Engineer" or title eq "Manager""#, vec![&a, &b]),
        (r#"active eq true and not (userName eq "carol")"#, vec![&a]),
        (r#"emails[type eq "work" and value co "@x.org"]"#, vec![&a]),
        (r#"emails.value ew ".org""#, vec![&a, &b]),
        (r#"employeeNumber eq "42""#, vec![&c]),
        (&urn_filter, vec![&c]),
        (
            r#"meta.created gt "2000-01-01T00:00:00Z""#,
            vec![&a, &b, &c],
        ),
        (&id_filter, vec![&b]),
        (r#"noSuchAttribute eq "x""#, vec![]),
    ];
    for (filter, expected) in cases {
        let got = filter_ids(&api, "Users", filter).await;
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(got, expected, "filter {filter}");
    }
    for bad in [
        "userName eq",
        "userName zz \"a\"",
        "(userName eq \"a\"",
        "active gt true",
        "name eq \"x\"",
    ] {
        let q: String = url::form_urlencoded::byte_serialize(bad.as_bytes()).collect();
        let r = api.get(&format!("/Users?filter={q}")).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert_eq!(r.body["scimType"], "invalidFilter", "{bad}");
    }
    // POST /.search takes the same filter.
    let r = api
        .post(
            "/Users/.search",
            json!({"filter": "userName sw \"b\"", "attributes": ["userName"]}),
        )
        .await;
    assert_eq!(r.ids(), [b.clone()]);
    let r = api
        .post("/.search", json!({"filter": "userName pr", "count": 0}))
        .await;
    assert_eq!(r.body["totalResults"], 3);
}

#[tokio::test]
async fn sorting_orders_by_any_attribute_missing_values_last() {
    let api = Api::new(&[]);
    let b = api.create_user(json!({"userName": "b", "name": {"familyName": "Zed"}, "emails": [{"value": "z@x", "primary": true}, {"value": "a@x"}]})).await;
    let a = api
        .create_user(json!({"userName": "A", "emails": [{"value": "m@x"}]}))
        .await;
    let c = api
        .create_user(json!({"userName": "c", "name": {"familyName": "Adams"}}))
        .await;
    assert_eq!(
        api.get("/Users?sortBy=userName").await.ids(),
        [a.clone(), b.clone(), c.clone()]
    );
    assert_eq!(
        api.get("/Users?sortBy=userName&sortOrder=descending")
            .await
            .ids(),
        [c.clone(), b.clone(), a.clone()]
    );
    assert_eq!(
        api.get("/Users?sortBy=name.familyName").await.ids(),
        [c.clone(), b.clone(), a.clone()]
    );
    // The primary email sorts, not the first listed.
    assert_eq!(
        api.get("/Users?sortBy=emails.value").await.ids(),
        [a.clone(), b.clone(), c.clone()]
    );
    assert_eq!(
        api.get("/Users?sortBy=userName&startIndex=2&count=1")
            .await
            .ids(),
        [b.clone()]
    );
    assert_eq!(
        api.get("/Users?sortBy=userName&sortOrder=sideways")
            .await
            .status,
        400
    );
}

async fn get_user(api: &Api, id: &str) -> Value {
    let r = api.get(&format!("/Users/{id}")).await;
    assert_eq!(r.status, 200);
    r.body
}

#[tokio::test]
async fn legacy_dialect_patch_is_applied() {
    let api = Api::new(&[]);
    let id = api
        .create_user(entra_user("legacy@contoso.example", None))
        .await;
    let r = api
        .patch(
            &format!("/Users/{id}"),
            patch_op(json!([
                {"op": "Replace", "path": "displayName", "value": "Pvlo"},
                {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "TestBcwqnm@test.microsoft.com"},
                {"op": "Replace", "path": "name.givenName", "value": "Gtfd"},
                {"op": "Replace", "path": "name.familyName", "value": "Pkqf"},
                {"op": "Replace", "path": "externalId", "value": "Eqpj"},
                {"op": "Replace", "path": format!("{ENTERPRISE}:employeeNumber"), "value": "Eqpj"},
                {"op": "Add", "path": "nickName", "value": "Babs"}
            ])),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["displayName"], "Pvlo");
    let u = get_user(&api, &id).await;
    assert_eq!(u["displayName"], "Pvlo");
    assert_eq!(
        u["emails"],
        json!([{"primary": true, "type": "work", "value": "TestBcwqnm@test.microsoft.com"}])
    );
    assert_eq!(u["name"]["givenName"], "Gtfd");
    assert_eq!(u["name"]["familyName"], "Pkqf");
    assert_eq!(u["name"]["formatted"], "Ada Lovelace");
    assert_eq!(u["externalId"], "Eqpj");
    assert_eq!(u[ENTERPRISE]["employeeNumber"], "Eqpj");
    assert_eq!(u[ENTERPRISE]["department"], "Research & Development");
    assert_eq!(u["nickName"], "Babs");
    assert_ne!(u["meta"]["lastModified"], Value::Null);
}

#[tokio::test]
async fn flagged_dialect_pathless_replace_with_dotted_and_urn_keys() {
    let api = Api::new(&[]);
    let id = api
        .create_user(entra_user("flagged@contoso.example", None))
        .await;
    let r = api
        .patch(
            &format!("/Users/{id}"),
            patch_op(json!([
                {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "TestMhvaes@test.microsoft.com"},
                {"op": "replace", "value": {
                    "displayName": "Bjfe",
                    "name.givenName": "Kkom",
                    "name.familyName": "Unua",
                    format!("{ENTERPRISE}:employeeNumber"): "Aklq"
                }},
                {"op": "add", "path": "nickName", "value": "Babs"}
            ])),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let u = get_user(&api, &id).await;
    assert_eq!(u["displayName"], "Bjfe");
    assert_eq!(u["name"]["givenName"], "Kkom");
    assert_eq!(u["name"]["familyName"], "Unua");
    assert_eq!(u[ENTERPRISE]["employeeNumber"], "Aklq");
    assert_eq!(u["emails"][0]["value"], "TestMhvaes@test.microsoft.com");
    assert_eq!(u["nickName"], "Babs");
}

#[tokio::test]
async fn value_paths_create_one_element_and_keep_other_types() {
    let api = Api::new(&[]);
    let id = api
        .create_user(json!({"userName": "vp@contoso.example", "phoneNumbers": [{"type": "work", "value": "1"}, {"type": "mobile", "value": "2"}]}))
        .await;
    let r = api
        .patch(
            &format!("/Users/{id}"),
            patch_op(json!([
                {"op": "add", "path": "addresses[type eq \"work\"].formatted", "value": "Building 7"},
                {"op": "add", "path": "addresses[type eq \"work\"].locality", "value": "London"},
                {"op": "add", "path": "addresses[type eq \"work\"].region", "value": "Greater London"},
                {"op": "Replace", "path": "phoneNumbers[type eq \"work\"].value", "value": "9"},
                {"op": "Add", "path": "phoneNumbers[type eq \"fax\"].value", "value": "3"}
            ])),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let u = get_user(&api, &id).await;
    assert_eq!(
        u["addresses"],
        json!([{"type": "work", "formatted": "Building 7", "locality": "London", "region": "Greater London"}])
    );
    let phones = u["phoneNumbers"].as_array().unwrap();
    assert_eq!(phones.len(), 3, "{phones:?}");
    assert!(phones.contains(&json!({"type": "work", "value": "9"})));
    assert!(phones.contains(&json!({"type": "mobile", "value": "2"})));
    assert!(phones.contains(&json!({"type": "fax", "value": "3"})));
}

#[tokio::test]
async fn manager_is_set_changed_and_removed() {
    let api = Api::new(&[]);
    let m1 = api.simple_user("m1@contoso.example").await;
    let m2 = api.simple_user("m2@contoso.example").await;
    let id = api
        .create_user(entra_user("report@contoso.example", None))
        .await;
    let path = format!("/Users/{id}");
    let urn_path = format!("{ENTERPRISE}:manager");
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "Add", "path": urn_path, "value": m1}])),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        get_user(&api, &id).await[ENTERPRISE]["manager"]["value"],
        m1.as_str()
    );
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "replace", "path": urn_path, "value": m2}])),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let u = get_user(&api, &id).await;
    assert_eq!(u[ENTERPRISE]["manager"], json!({"value": m2}));
    assert_eq!(u[ENTERPRISE]["department"], "Research & Development");
    // Entra's observed removal: a value filter on the single-valued manager.
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "remove", "path": format!("manager[value eq \"{m2}\"]")}])),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        get_user(&api, &id).await[ENTERPRISE]
            .get("manager")
            .is_none()
    );
    api.patch(
        &path,
        patch_op(json!([{"op": "add", "path": urn_path, "value": m1}])),
    )
    .await;
    let r = api
        .patch(&path, patch_op(json!([{"op": "Remove", "path": urn_path}])))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        get_user(&api, &id).await[ENTERPRISE]
            .get("manager")
            .is_none()
    );
}

#[tokio::test]
async fn disable_and_enable_in_both_dialects_keep_the_user_findable() {
    let api = Api::new(&[]);
    let id = api
        .create_user(entra_user("dis@contoso.example", None))
        .await;
    let path = format!("/Users/{id}");
    for (op, value, expected) in [
        ("Replace", json!("False"), false),
        ("Replace", json!("True"), true),
        ("replace", json!(false), false),
        ("replace", json!(true), true),
    ] {
        let r = api
            .patch(
                &path,
                patch_op(json!([{"op": op, "path": "active", "value": value}])),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let found = api
            .get("/Users?filter=userName+eq+%22dis%40contoso.example%22")
            .await;
        assert_eq!(found.resources().len(), 1);
        assert_eq!(found.resources()[0]["active"], Value::Bool(expected));
    }
}

#[tokio::test]
async fn rename_moves_the_user_name() {
    let api = Api::new(&[]);
    let id = api
        .create_user(entra_user("old@contoso.example", None))
        .await;
    let other = api.simple_user("taken@contoso.example").await;
    let r = api
        .patch(
            &format!("/Users/{id}"),
            patch_op(
                json!([{"op": "Replace", "path": "userName", "value": "new@contoso.example"}]),
            ),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        filter_ids(&api, "Users", r#"userName eq "NEW@contoso.example""#).await,
        [id.clone()]
    );
    assert!(
        filter_ids(&api, "Users", r#"userName eq "old@contoso.example""#)
            .await
            .is_empty()
    );
    // Renaming onto a taken name is 409, and nothing changes.
    let r = api
        .patch(
            &format!("/Users/{id}"),
            patch_op(
                json!([{"op": "replace", "path": "userName", "value": "Taken@contoso.example"}]),
            ),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(get_user(&api, &id).await["userName"], "new@contoso.example");
    let _ = other;
}

#[tokio::test]
async fn patch_errors_are_400_with_scim_type_and_change_nothing() {
    let api = Api::new(&[]);
    let id = api
        .create_user(json!({"userName": "err@contoso.example", "title": "T"}))
        .await;
    let path = format!("/Users/{id}");
    let before = get_user(&api, &id).await;
    let r = api
        .patch(&path, patch_op(json!([{"op": "replace", "path": "title", "value": "changed"}, {"op": "replace", "path": "emails[type eq", "value": "x"}])))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.body["scimType"], "invalidPath");
    assert_eq!(get_user(&api, &id).await, before);
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "jump", "path": "title", "value": "x"}])),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "replace", "path": "id", "value": "x"}])),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["scimType"], "mutability");
    assert_eq!(
        api.patch("/Users/nope", patch_op(json!([]))).await.status,
        404
    );
    // A stale If-Match is 412.
    let uri = format!("{BASE}{path}");
    let body = serde_json::to_vec(&patch_op(
        json!([{"op": "replace", "path": "title", "value": "x"}]),
    ))
    .unwrap();
    let r = api
        .send(
            Method::PATCH,
            &uri,
            &[
                ("content-type", "application/scim+json"),
                ("if-match", "W/\"0\""),
            ],
            Some(body),
        )
        .await;
    assert_eq!(r.status, 412);
}

#[tokio::test]
async fn group_members_are_added_and_removed_in_every_entra_shape() {
    let api = Api::new(&[]);
    let u: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..5 {
            v.push(api.simple_user(&format!("gm{i}@contoso.example")).await);
        }
        v
    };
    let g = api.create_group(json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "externalId": "e", "displayName": "Staff", "members": []})).await;
    let path = format!("/Groups/{g}");
    // One member per op, several per op, several ops per request; $ref null.
    let r = api
        .patch(
            &path,
            patch_op(
                json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": u[0]}]}]),
            ),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(r.text.is_empty());
    api.patch(&path, patch_op(json!([{"op": "Add", "path": "members", "value": [{"$ref": null, "value": u[1]}, {"$ref": null, "value": u[2]}]}]))).await;
    api.patch(&path, patch_op(json!([{"op": "add", "path": "members", "value": [{"value": u[3]}]}, {"op": "add", "path": "members", "value": [{"value": u[4]}]}]))).await;
    assert_eq!(api.member_ids(&g).await, u);
    // Re-adding does not duplicate.
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "Add", "path": "members", "value": [{"value": u[0]}]}])),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(api.member_ids(&g).await, u);
    // Legacy removal with a value list removes only the listed member.
    api.patch(
        &path,
        patch_op(
            json!([{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": u[1]}]}]),
        ),
    )
    .await;
    assert_eq!(
        api.member_ids(&g).await,
        [&u[0], &u[2], &u[3], &u[4]].map(String::clone)
    );
    // Flagged removal with a value filter.
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "remove", "path": format!("members[value eq \"{}\"]", u[3])}])),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        api.member_ids(&g).await,
        [&u[0], &u[2], &u[4]].map(String::clone)
    );
    // Rename: 204, found under the new name with members excluded.
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "Replace", "path": "displayName", "value": "Staff renamed"}])),
        )
        .await;
    assert_eq!(r.status, 204);
    let found = api
        .get("/Groups?excludedAttributes=members&filter=displayName+eq+%22staff+RENAMED%22")
        .await;
    assert_eq!(found.ids(), [g.clone()]);
    assert!(found.resources()[0].get("members").is_none());
    // A group is not a member; an unknown id is not a member.
    let other = api.simple_group("Other", &[]).await;
    let r = api
        .patch(
            &path,
            patch_op(json!([{"op": "add", "path": "members", "value": [{"value": other}]}])),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(api.member_ids(&g).await.len(), 3);
    // PATCH with attributes answers 200 with the group.
    let r = api
        .patch(
            &format!("{path}?attributes=displayName"),
            patch_op(json!([{"op": "replace", "path": "displayName", "value": "Staff 2"}])),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["displayName"], "Staff 2");
    assert!(r.body.get("members").is_none());
    // Replace on members with a partial list replaces all (RFC 7644 §3.5.2.3).
    api.patch(
        &path,
        patch_op(json!([{"op": "replace", "path": "members", "value": [{"value": u[2]}]}])),
    )
    .await;
    assert_eq!(api.member_ids(&g).await, [u[2].clone()]);
    // Membership queries (docs/entra.md#manager: the 2017 reference-check form).
    let q = format!("members[value eq \"{}\"]", u[2]);
    assert_eq!(filter_ids(&api, "Groups", &q).await, [g.clone()]);
    let q = format!(
        "displayName eq \"Staff 2\" and members.value eq \"{}\"",
        u[0]
    );
    assert!(filter_ids(&api, "Groups", &q).await.is_empty());
    // Remove without a filter removes every member.
    api.patch(
        &path,
        patch_op(json!([{"op": "remove", "path": "members"}])),
    )
    .await;
    assert!(api.member_ids(&g).await.is_empty());
}

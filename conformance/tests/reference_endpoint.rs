//! The reference endpoint's correct behaviours, in process (no faults).

#![allow(clippy::unwrap_used, clippy::cloned_ref_to_slice_refs)] // tests may unwrap; `[x.clone()]` reads best in asserts

mod reference_support;

use axum::http::Method;
use reference_support::{Api, BASE, ENTERPRISE, entra_user};
use scim2_conformance::reference::{Fault, ReferenceConfig, Seed};
use serde_json::{Value, json};

#[tokio::test]
async fn entra_user_create_round_trips_every_mapped_attribute() {
    let api = Api::new(&[]);
    let boss = api.simple_user("boss@contoso.example").await;
    let sent = entra_user("ada@contoso.example", Some(&boss));
    let r = api.post("/Users", sent.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.is_scim_json(), "{:?}", r.header("content-type"));
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert!(!id.is_empty());
    assert_eq!(r.header("location").unwrap(), format!("{BASE}/Users/{id}"));
    let got = api.get(&format!("/Users/{id}")).await;
    assert_eq!(got.status, 200);
    for key in [
        "userName",
        "externalId",
        "active",
        "displayName",
        "title",
        "preferredLanguage",
        "emails",
        "name",
        "addresses",
        "phoneNumbers",
    ] {
        assert_eq!(got.body[key], sent[key], "{key} did not round-trip");
    }
    assert_eq!(got.body[ENTERPRISE], sent[ENTERPRISE]);
    assert_eq!(got.body["active"], Value::Bool(true));
    assert_eq!(
        got.body["schemas"],
        json!(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE])
    );
    let meta = &got.body["meta"];
    assert_eq!(meta["resourceType"], "User");
    assert!(meta["created"].as_str().is_some_and(|c| c.contains('T')));
    assert_eq!(meta["created"], meta["lastModified"]);
    assert_eq!(meta["location"], format!("{BASE}/Users/{id}"));
    assert_eq!(got.header("etag"), meta["version"].as_str());
    // What the endpoint returns is a valid scim2-types User that writes back the same JSON.
    let typed: scim2_types::User = serde_json::from_value(got.body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), got.body);
}

#[tokio::test]
async fn entra_string_booleans_and_manager_string_are_read_as_rfc_values() {
    let api = Api::new(&[]);
    let boss = api.simple_user("boss@contoso.example").await;
    let id = api
        .create_user(json!({
            "userName": "worker@contoso.example",
            "active": "False",
            ENTERPRISE: {"manager": boss.clone()}
        }))
        .await;
    let got = api.get(&format!("/Users/{id}")).await;
    assert_eq!(got.body["active"], Value::Bool(false));
    assert_eq!(got.body[ENTERPRISE]["manager"], json!({"value": boss}));
    // Attribute names are matched case-insensitively and stored in the schema's spelling.
    let id = api
        .create_user(json!({"UserName": "caps@contoso.example", "Name": {"GivenName": "C"}}))
        .await;
    let got = api.get(&format!("/Users/{id}")).await;
    assert_eq!(got.body["userName"], "caps@contoso.example");
    assert_eq!(got.body["name"]["givenName"], "C");
}

#[tokio::test]
async fn invalid_bodies_get_400_with_scim_type() {
    let api = Api::new(&[]);
    let r = api
        .send(
            Method::POST,
            &format!("{BASE}/Users"),
            &[("content-type", "application/scim+json")],
            Some(b"{\"userName\": ".to_vec()),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["scimType"], "invalidSyntax");
    assert_eq!(r.body["status"], "400");
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    let r = api
        .post("/Users", json!({"displayName": "no userName"}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["scimType"], "invalidValue");
    let r = api
        .post("/Users", json!({"userName": "x", "active": "maybe"}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["scimType"], "invalidValue");
    let r = api
        .post(
            "/Users",
            json!({"userName": "x", "emails": {"value": "not-an-array"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["detail"].as_str().unwrap().contains("emails"));
    let r = api.post("/Users", json!(["not", "an", "object"])).await;
    assert_eq!(r.status, 400);
    let two_primaries = json!({"userName": "x", "emails": [{"value": "a", "primary": true}, {"value": "b", "primary": "True"}]});
    let r = api.post("/Users", two_primaries).await;
    assert_eq!(r.status, 400);
    assert!(r.body["detail"].as_str().unwrap().contains("primary"));
}

#[tokio::test]
async fn duplicate_user_name_in_any_case_is_409_uniqueness() {
    let api = Api::new(&[]);
    api.simple_user("Dup@Contoso.example").await;
    let r = api
        .post("/Users", json!({"userName": "dup@contoso.EXAMPLE"}))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.body["scimType"], "uniqueness");
    assert!(r.is_scim_json());
    api.simple_group("Team", &[]).await;
    let r = api.post("/Groups", json!({"displayName": "TEAM"})).await;
    assert_eq!(r.status, 409);
    assert_eq!(api.reference.counts(), (1, 1));
}

#[tokio::test]
async fn groups_are_flat_and_exclude_members_on_request() {
    let api = Api::new(&[]);
    let gid = api
        .create_group(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
            "externalId": "8aa1a0c0",
            "displayName": "Engineering",
            "members": [],
            "meta": {"resourceType": "Group"}
        }))
        .await;
    let got = api.get(&format!("/Groups/{gid}")).await;
    assert_eq!(got.body["members"], json!([]));
    let typed: scim2_types::Group = serde_json::from_value(got.body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), got.body);
    assert_eq!(
        got.body["schemas"][1],
        "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"
    );
    let got = api
        .get(&format!("/Groups/{gid}?excludedAttributes=members"))
        .await;
    assert_eq!(got.status, 200);
    assert!(got.body.get("members").is_none(), "{}", got.text);
    assert_eq!(got.body["displayName"], "Engineering");
    let list = api.get("/Groups?excludedAttributes=members").await;
    assert!(list.resources().iter().all(|g| g.get("members").is_none()));
    // Members must be users.
    let r = api
        .post(
            "/Groups",
            json!({"displayName": "Nested", "members": [{"value": gid}]}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.body["detail"].as_str().unwrap().contains("users only"));
    let r = api
        .post(
            "/Groups",
            json!({"displayName": "Ghost", "members": [{"value": "no-such-user"}]}),
        )
        .await;
    assert_eq!(r.status, 400);
    // A member listed twice is stored once.
    let u = api.simple_user("u@contoso.example").await;
    let g = api
        .create_group(
            json!({"displayName": "Twice", "members": [{"value": u}, {"value": u, "$ref": null}]}),
        )
        .await;
    assert_eq!(api.member_ids(&g).await, std::slice::from_ref(&u));
}

#[tokio::test]
async fn deleting_a_user_gives_404_and_removes_it_from_groups() {
    let api = Api::new(&[]);
    let a = api.simple_user("a@contoso.example").await;
    let b = api.simple_user("b@contoso.example").await;
    let g = api.simple_group("G", &[&a, &b]).await;
    let before = api.get(&format!("/Groups/{g}")).await;
    let r = api.delete(&format!("/Users/{a}")).await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    let r = api.get(&format!("/Users/{a}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["status"], "404");
    assert!(r.is_scim_json());
    assert_eq!(api.member_ids(&g).await, std::slice::from_ref(&b));
    let after = api.get(&format!("/Groups/{g}")).await;
    assert_ne!(
        before.body["meta"]["version"],
        after.body["meta"]["version"]
    );
    assert_eq!(api.delete(&format!("/Users/{a}")).await.status, 404);
    assert_eq!(api.delete(&format!("/Groups/{g}")).await.status, 204);
    assert_eq!(api.get(&format!("/Groups/{g}")).await.status, 404);
    assert_eq!(api.get("/Users/unknown-id").await.status, 404);
    // A deleted userName can be used again.
    api.simple_user("a@contoso.example").await;
}

#[tokio::test]
async fn pagination_pages_without_gaps_or_repeats() {
    let api = Api::new(&[]);
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(api.simple_user(&format!("page{i}@contoso.example")).await);
    }
    let p1 = api.get("/Users?startIndex=1&count=5").await;
    assert_eq!(p1.body["totalResults"], 12);
    assert_eq!(p1.body["startIndex"], 1);
    assert_eq!(p1.body["itemsPerPage"], 5);
    let p2 = api.get("/Users?startIndex=6&count=5").await;
    assert_eq!(p2.body["startIndex"], 6);
    let p3 = api.get("/Users?startIndex=11&count=5").await;
    assert_eq!(p3.body["itemsPerPage"], 2);
    let all: Vec<String> = [p1.ids(), p2.ids(), p3.ids()].concat();
    assert_eq!(all, ids);
    let zero = api.get("/Users?count=0").await;
    assert_eq!(zero.body["totalResults"], 12);
    assert_eq!(zero.body["Resources"], json!([]));
    let past = api.get("/Users?startIndex=40").await;
    assert_eq!(past.body["totalResults"], 12);
    assert!(past.resources().is_empty());
    let r = api.get("/Users?startIndex=abc").await;
    assert_eq!(r.status, 400);
    // startIndex below 1 counts as 1 (RFC 7644 §3.4.2.4).
    assert_eq!(api.get("/Users?startIndex=0&count=1").await.ids(), ids[..1]);
}

#[tokio::test]
async fn search_without_filter_pages_like_get() {
    let api = Api::new(&[]);
    for i in 0..3 {
        api.simple_user(&format!("s{i}@contoso.example")).await;
    }
    let r = api
        .post("/Users/.search", json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "startIndex": 2, "count": 1, "attributes": ["userName"]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totalResults"], 3);
    assert_eq!(r.resources()[0]["userName"], "s1@contoso.example");
    assert!(r.resources()[0].get("active").is_none());
    let r = api.post("/.search", json!({"count": 10})).await;
    assert_eq!(r.body["totalResults"], 3);
}

#[tokio::test]
async fn projection_honours_returned_characteristics() {
    let api = Api::new(&[]);
    let id = api
        .create_user(json!({"userName": "p@contoso.example", "password": "hunter2", "displayName": "P", ENTERPRISE: {"department": "D", "employeeNumber": "1"}}))
        .await;
    let full = api.get(&format!("/Users/{id}")).await;
    assert!(
        full.body.get("password").is_none(),
        "password is returned: never"
    );
    assert!(!full.text.contains("hunter2"));
    let r = api
        .get(&format!(
            "/Users/{id}?attributes=displayName,{ENTERPRISE}:department"
        ))
        .await;
    assert_eq!(
        r.body,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
            "id": id,
            "displayName": "P",
            ENTERPRISE: {"department": "D"}
        })
    );
    let r = api
        .get(&format!(
            "/Users/{id}?excludedAttributes=id,displayName,meta"
        ))
        .await;
    assert_eq!(r.body["id"], id.as_str());
    assert!(r.body.get("displayName").is_none());
    assert!(r.body.get("meta").is_none());
    let list = api.get("/Users?attributes=userName").await;
    assert_eq!(
        list.resources()[0],
        json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE], "id": id, "userName": "p@contoso.example"})
    );
}

#[tokio::test]
async fn put_replaces_and_etags_guard_writes() {
    let api = Api::new(&[]);
    let r = api
        .post(
            "/Users",
            json!({"userName": "put@contoso.example", "title": "Old", "nickName": "N"}),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let v1 = r.header("etag").unwrap().to_owned();
    let r = api.put(&format!("/Users/{id}"), json!({"userName": "put@contoso.example", "title": "New", "id": "ignored", "meta": {"created": "1999-01-01T00:00:00Z"}})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["title"], "New");
    assert!(
        r.body.get("nickName").is_none(),
        "PUT replaces: nickName was left out"
    );
    assert_eq!(r.body["id"], id.as_str());
    assert_ne!(r.body["meta"]["created"], "1999-01-01T00:00:00Z");
    let v2 = r.header("etag").unwrap().to_owned();
    assert_ne!(v1, v2);
    // A stale If-Match gives 412 and changes nothing; the current one succeeds.
    let uri = format!("{BASE}/Users/{id}");
    let body =
        serde_json::to_vec(&json!({"userName": "put@contoso.example", "title": "Stale"})).unwrap();
    let r = api
        .send(
            Method::PUT,
            &uri,
            &[("content-type", "application/json"), ("if-match", &v1)],
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, 412, "{}", r.text);
    assert_eq!(api.get(&format!("/Users/{id}")).await.body["title"], "New");
    let r = api
        .send(
            Method::PUT,
            &uri,
            &[("content-type", "application/json"), ("if-match", &v2)],
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = api
        .send(Method::DELETE, &uri, &[("if-match", &v2)], None)
        .await;
    assert_eq!(r.status, 412);
    // If-None-Match with the current version: 304.
    let v3 = api
        .get(&format!("/Users/{id}"))
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let r = api
        .send(Method::GET, &uri, &[("if-none-match", &v3)], None)
        .await;
    assert_eq!(r.status, 304);
    // PUT without userName, or to an unknown id.
    assert_eq!(
        api.put(&format!("/Users/{id}"), json!({"title": "x"}))
            .await
            .status,
        400
    );
    assert_eq!(
        api.put("/Users/nope", json!({"userName": "n"}))
            .await
            .status,
        404
    );
    // PUT may not take another user's userName.
    api.simple_user("other@contoso.example").await;
    let r = api
        .put(
            &format!("/Users/{id}"),
            json!({"userName": "OTHER@contoso.example"}),
        )
        .await;
    assert_eq!(r.status, 409);
}

#[tokio::test]
async fn discovery_endpoints_describe_the_server() {
    let api = Api::new(&[]);
    let spc = api.get("/ServiceProviderConfig").await;
    assert_eq!(spc.status, 200);
    assert!(spc.is_scim_json());
    assert_eq!(spc.body["etag"]["supported"], true);
    assert_eq!(spc.body["bulk"]["supported"], false);
    assert_eq!(
        spc.body["authenticationSchemes"][0]["type"],
        "oauthbearertoken"
    );
    let schemas = api.get("/Schemas").await;
    assert_eq!(schemas.body["totalResults"], 3);
    let ids: Vec<&str> = schemas.body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:core:2.0:Group",
            ENTERPRISE
        ]
    );
    let user = api
        .get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")
        .await;
    assert_eq!(user.status, 200);
    assert_eq!(user.body["name"], "User");
    let user_name = user.body["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "userName")
        .unwrap();
    assert_eq!(user_name["uniqueness"], "server");
    assert_eq!(user.body["meta"]["resourceType"], "Schema");
    assert_eq!(api.get("/Schemas/urn:nope").await.status, 404);
    let types = api.get("/ResourceTypes").await;
    assert_eq!(types.body["Resources"][0]["endpoint"], "/Users");
    assert_eq!(
        types.body["Resources"][0]["schemaExtensions"][0]["schema"],
        ENTERPRISE
    );
    assert_eq!(
        api.get("/ResourceTypes/Group").await.body["endpoint"],
        "/Groups"
    );
    assert_eq!(api.get("/ResourceTypes/Nope").await.status, 404);
    // The documents read as scim2-types' typed discovery resources.
    let spc: scim2_types::ServiceProviderConfig = serde_json::from_value(spc.body).unwrap();
    assert_eq!(spc.etag.and_then(|e| e.supported), Some(true));
    for t in types.body["Resources"].as_array().unwrap() {
        let t: scim2_types::ResourceType = serde_json::from_value(t.clone()).unwrap();
        assert!(
            t.endpoint.as_deref().is_some_and(|e| e.starts_with('/')),
            "{t:?}"
        );
    }
    let user: scim2_types::schema::Schema = serde_json::from_value(user.body).unwrap();
    assert!(user.attribute("name.givenName").is_some());
}

#[tokio::test]
async fn transport_accepts_what_entra_sends() {
    let api = Api::new(&[]);
    // No Accept, no User-Agent: fine. Accept that allows JSON: fine. Anything else: 406.
    assert_eq!(
        api.send(Method::GET, &format!("{BASE}/Users"), &[], None)
            .await
            .status,
        200
    );
    assert_eq!(
        api.send(
            Method::GET,
            &format!("{BASE}/Users"),
            &[("accept", "application/json, text/plain")],
            None
        )
        .await
        .status,
        200
    );
    let r = api
        .send(
            Method::GET,
            &format!("{BASE}/Users"),
            &[("accept", "text/html")],
            None,
        )
        .await;
    assert_eq!(r.status, 406);
    assert!(r.is_scim_json());
    // Bodies in scim+json with a charset, or plain JSON; other media types are 415.
    let body = serde_json::to_vec(&json!({"userName": "ct@contoso.example"})).unwrap();
    let r = api
        .send(
            Method::POST,
            &format!("{BASE}/Users"),
            &[("content-type", "application/json")],
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, 201);
    let r = api
        .send(
            Method::POST,
            &format!("{BASE}/Users"),
            &[("content-type", "text/plain")],
            Some(body),
        )
        .await;
    assert_eq!(r.status, 415);
    // Unknown paths: 404 with a SCIM Error.
    let r = api.send(Method::GET, "/scim/v2/Nope", &[], None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["status"], "404");
    let r = api.send(Method::GET, "/other", &[], None).await;
    assert_eq!(r.status, 404);
    // Errors axum answers itself are SCIM Errors too.
    let r = api
        .send(Method::DELETE, &format!("{BASE}/Users"), &[], None)
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.body["status"], "405");
    assert!(r.header("allow").is_some());
    let huge = vec![b' '; 3 << 20];
    let r = api
        .send(
            Method::POST,
            &format!("{BASE}/Users"),
            &[("content-type", "application/json")],
            Some(huge),
        )
        .await;
    assert_eq!(r.status, 413);
    assert_eq!(r.body["status"], "413");
}

#[tokio::test]
async fn bearer_token_is_required_when_configured() {
    let api = Api::with_config(ReferenceConfig::default().with_token("t0ken"));
    let uri = format!("{BASE}/Users");
    let r = api.send(Method::GET, &uri, &[], None).await;
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    assert_eq!(r.body["status"], "401");
    assert_eq!(
        api.send(
            Method::GET,
            &uri,
            &[("authorization", "Bearer wrong")],
            None
        )
        .await
        .status,
        401
    );
    assert_eq!(
        api.send(Method::GET, &uri, &[("authorization", "Basic t0ken")], None)
            .await
            .status,
        401
    );
    assert_eq!(
        api.send(
            Method::GET,
            &uri,
            &[("authorization", "Bearer t0ken")],
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        api.send(
            Method::GET,
            &uri,
            &[("authorization", "bearer t0ken")],
            None
        )
        .await
        .status,
        200
    );
    let log = api.reference.request_log();
    assert_eq!(
        log.iter().map(|l| l.status).collect::<Vec<_>>(),
        [401, 401, 401, 200, 200]
    );
    assert!(!format!("{:?}", api.reference).contains("t0ken"));
}

#[tokio::test]
async fn request_log_records_method_path_query_and_status() {
    let api = Api::new(&[]);
    api.send(
        Method::GET,
        &format!("{BASE}/Users?startIndex=1&count=5"),
        &[],
        None,
    )
    .await;
    api.post("/Users", json!({"userName": "log@contoso.example"}))
        .await;
    api.get("/Users/missing").await;
    api.send(Method::GET, "/elsewhere?x=1", &[], None).await;
    let log = api.reference.request_log();
    assert_eq!(log.len(), 4);
    assert_eq!(
        (log[3].path.as_str(), log[3].query.as_deref(), log[3].status),
        ("/elsewhere", Some("x=1"), 404)
    );
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/scim/v2/Users");
    assert_eq!(log[0].query.as_deref(), Some("startIndex=1&count=5"));
    assert_eq!(log[0].status, 200);
    assert!(!log[0].is_write());
    assert_eq!(
        (log[1].method.as_str(), log[1].status, log[1].is_write()),
        ("POST", 201, true)
    );
    assert_eq!(
        (log[2].path.as_str(), log[2].query.as_deref(), log[2].status),
        ("/scim/v2/Users/missing", None, 404)
    );
    api.reference.clear_request_log();
    assert!(api.reference.request_log().is_empty());
}

#[tokio::test]
async fn seed_preloads_users_and_groups() {
    let api = Api::new(&[]);
    let users: Vec<Value> = (0..50)
        .map(|i| json!({"id": format!("u{i}"), "userName": format!("seed{i}@contoso.example")}))
        .collect();
    let seeded = api
        .reference
        .seed(Seed {
            users,
            groups: vec![
                json!({"displayName": "Seeded", "members": [{"value": "u1"}, {"value": "u2"}]}),
            ],
            ..Seed::default()
        })
        .unwrap();
    assert_eq!(seeded.user_ids.len(), 50);
    assert_eq!(api.get("/Users?count=0").await.body["totalResults"], 50);
    assert_eq!(api.member_ids(&seeded.group_ids[0]).await, ["u1", "u2"]);
    // Duplicates are refused unless asked for; bad members are named.
    let err = api
        .reference
        .seed(Seed {
            users: vec![json!({"userName": "SEED1@contoso.example"})],
            ..Seed::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("seed user #0"), "{err}");
    let dup = api
        .reference
        .seed(Seed {
            users: vec![json!({"userName": "SEED1@contoso.example"})],
            allow_duplicates: true,
            ..Seed::default()
        })
        .unwrap();
    assert_eq!(dup.user_ids.len(), 1);
    let err = api
        .reference
        .seed(Seed {
            groups: vec![json!({"displayName": "Bad", "members": [{"value": "nobody"}]})],
            ..Seed::default()
        })
        .unwrap_err();
    assert!(err.to_string().contains("nobody"));
    // Seeding bypasses no HTTP rule: the seeded users are served like created ones.
    assert_eq!(
        api.get("/Users/u3").await.body["userName"],
        "seed3@contoso.example"
    );
}

#[test]
fn faults_are_documented() {
    for f in Fault::ALL {
        assert!(f.description().len() > 20, "{f}");
    }
    assert_eq!("ignore-count".parse::<Fault>().unwrap(), Fault::IgnoreCount);
}

const CUSTOM: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";

/// Attributes of an undeclared custom extension, and unknown sub-attributes, are handled the
/// same way by POST, PUT and PATCH (both of Entra's PATCH forms): stored and read back.
#[tokio::test]
async fn custom_extension_and_unknown_sub_attributes_alike_in_post_put_and_patch() {
    let api = Api::new(&[]);
    // As Entra sends it: the custom URN is not in `schemas`.
    let post = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "cx@contoso.example", "name": {"givenName": "Ada", "pronunciation": "AY-da"},
        CUSTOM: {"CustomAttribute": "post", "Badge": "7"}});
    let r = api.post("/Users", post).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let read = |api: &Api| {
        let path = format!("/Users/{id}");
        let api = api.clone();
        async move { api.get(&path).await.body }
    };
    let u = read(&api).await;
    assert_eq!(u[CUSTOM]["CustomAttribute"], "post");
    assert_eq!(u["name"]["pronunciation"], "AY-da");

    let put = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "cx@contoso.example", "name": {"givenName": "Ada", "pronunciation": "put"},
        CUSTOM: {"CustomAttribute": "put"}});
    let r = api.put(&format!("/Users/{id}"), put).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let u = read(&api).await;
    assert_eq!(u[CUSTOM]["CustomAttribute"], "put");
    assert_eq!(u["name"]["pronunciation"], "put");

    let path = format!("{CUSTOM}:CustomAttribute");
    for (ops, want) in [
        (
            json!([{"op": "Replace", "path": path, "value": "legacy"},
                {"op": "Replace", "path": "name.pronunciation", "value": "legacy"}]),
            "legacy",
        ),
        (
            json!([{"op": "replace", "value": {path.clone(): "flagged", "name.pronunciation": "flagged"}}]),
            "flagged",
        ),
        (
            json!([{"op": "add", "value": {CUSTOM: {"CustomAttribute": "object"}, "name": {"pronunciation": "object"}}}]),
            "object",
        ),
    ] {
        let r = api
            .patch(
                &format!("/Users/{id}"),
                reference_support::patch_op(ops.clone()),
            )
            .await;
        assert!(
            matches!(r.status, 200 | 204),
            "{ops}: {} {}",
            r.status,
            r.text
        );
        let u = read(&api).await;
        assert_eq!(u[CUSTOM]["CustomAttribute"], want, "{ops}");
        assert_eq!(u["name"]["pronunciation"], want, "{ops}");
    }
}

/// With a declared extension schema (`serve --schema FILE`), the endpoint checks strictly and
/// alike in POST, PUT and PATCH: declared attributes are stored, others refused with 400.
#[tokio::test]
async fn declared_schemas_make_post_put_and_patch_equally_strict() {
    let schemas = scim2_conformance::reference::parse_extension_schemas(&format!(
        r#"{{"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 1,
            "Resources": [{{"id": "{CUSTOM}", "name": "Custom",
            "attributes": [{{"name": "CustomAttribute", "type": "string"}}]}}]}}"#
    ))
    .unwrap();
    let config = ReferenceConfig::default().with_extension_schema(schemas[0].clone());
    let api = Api::with_config(config);
    const OTHER: &str = "urn:ietf:params:scim:schemas:extension:Other:2.0:User";
    let ok = json!({"userName": "s@contoso.example", CUSTOM: {"CustomAttribute": "a"}});
    let r = api.post("/Users", ok.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("{CUSTOM}:CustomAttribute");
    for ops in [
        json!([{"op": "Replace", "path": path, "value": "b"}]),
        json!([{"op": "replace", "value": {path.clone(): "c"}}]),
    ] {
        let r = api
            .patch(&format!("/Users/{id}"), reference_support::patch_op(ops))
            .await;
        assert!(matches!(r.status, 200 | 204), "{} {}", r.status, r.text);
    }
    assert_eq!(
        api.get(&format!("/Users/{id}")).await.body[CUSTOM]["CustomAttribute"],
        "c"
    );
    // Undeclared: another extension, an unknown attribute of the declared one, an unknown
    // sub-attribute. Each is refused by POST, PUT and PATCH.
    let undeclared = [
        (
            json!({OTHER: {"x": "1"}}),
            json!([{"op": "add", "path": format!("{OTHER}:x"), "value": "1"}]),
        ),
        (
            json!({CUSTOM: {"Nope": "1"}}),
            json!([{"op": "add", "path": format!("{CUSTOM}:Nope"), "value": "1"}]),
        ),
        (
            json!({"name": {"pronunciation": "1"}}),
            json!([{"op": "add", "path": "name.pronunciation", "value": "1"}]),
        ),
    ];
    for (extra, ops) in undeclared {
        let mut body = json!({"userName": "t@contoso.example"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = api.post("/Users", body.clone()).await;
        assert_eq!(r.status, 400, "POST {body}: {}", r.text);
        body["userName"] = json!("s@contoso.example");
        let r = api.put(&format!("/Users/{id}"), body.clone()).await;
        assert_eq!(r.status, 400, "PUT {body}: {}", r.text);
        let r = api
            .patch(
                &format!("/Users/{id}"),
                reference_support::patch_op(ops.clone()),
            )
            .await;
        assert_eq!(r.status, 400, "PATCH {ops}: {}", r.text);
    }
    let listed = api.get("/Schemas").await;
    assert!(listed.text.contains(CUSTOM), "{}", listed.text);
    assert!(
        scim2_conformance::reference::parse_extension_schemas(&format!(
            r#"{{"id": "{}"}}"#,
            scim2_types::urn::USER
        ))
        .is_err()
    );
}

//! Every fault of the reference endpoint breaks the behaviour it names, and only that one.
//!
//! Each probe checks one behaviour and lists the faults that break it. The matrix test runs
//! every probe against the endpoint with no fault (all must pass) and with each single fault
//! (a probe must fail exactly when the fault is in its list), and checks that every fault is
//! caught by at least one probe.

#![allow(clippy::unwrap_used, clippy::cloned_ref_to_slice_refs)] // tests may unwrap; `[x.clone()]` reads best in asserts

mod reference_support;

use axum::http::Method;
use futures::future::BoxFuture;
use reference_support::{Api, BASE, ENTERPRISE, patch_op};
use scim2_conformance::reference::{Fault, ReferenceConfig, Seed};
use serde_json::{Value, json};

type Outcome = Result<(), String>;

struct Probe {
    name: &'static str,
    broken_by: &'static [Fault],
    /// The endpoint requires this bearer token.
    token: bool,
    run: fn(Api) -> BoxFuture<'static, Outcome>,
}

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

const TOKEN: &str = "probe-token";

fn seed_users(api: &Api, names: &[&str]) -> Vec<String> {
    let users = names
        .iter()
        .map(|n| json!({"userName": n, "active": true, "externalId": format!("ext-{n}")}))
        .collect();
    api.reference
        .seed(Seed {
            users,
            ..Seed::default()
        })
        .unwrap()
        .user_ids
}

fn seed_group(api: &Api, name: &str, members: &[&str]) -> String {
    let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
    let seeded = api
        .reference
        .seed(Seed {
            groups: vec![json!({"displayName": name, "members": members})],
            ..Seed::default()
        })
        .unwrap();
    seeded.group_ids[0].clone()
}

fn p_string_booleans(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let r = api
            .post(
                "/Users",
                json!({"userName": "sb@x.example", "active": "False"}),
            )
            .await;
        ensure!(
            r.status == 201,
            "POST with active \"False\": {} {}",
            r.status,
            r.text
        );
        Ok(())
    })
}

fn p_manager_string(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let boss = seed_users(&api, &["boss@x.example"]).remove(0);
        let r = api
            .post(
                "/Users",
                json!({"userName": "w@x.example", ENTERPRISE: {"manager": boss}}),
            )
            .await;
        ensure!(
            r.status == 201,
            "POST with a manager string: {} {}",
            r.status,
            r.text
        );
        Ok(())
    })
}

fn p_duplicate_user(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        seed_users(&api, &["Taken@X.example"]);
        let r = api
            .post("/Users", json!({"userName": "taken@x.EXAMPLE"}))
            .await;
        ensure!(r.status == 409, "duplicate userName: {}", r.status);
        Ok(())
    })
}

fn p_duplicate_group(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        seed_group(&api, "Team", &[]);
        let r = api.post("/Groups", json!({"displayName": "TEAM"})).await;
        ensure!(r.status == 409, "duplicate displayName: {}", r.status);
        Ok(())
    })
}

fn p_start_index(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let ids = seed_users(&api, &["a@x.example", "b@x.example", "c@x.example"]);
        let r = api.get("/Users?startIndex=2&count=1").await;
        ensure!(
            r.ids().first() == Some(&ids[1]),
            "page at startIndex=2: {:?}",
            r.ids()
        );
        ensure!(
            r.body["startIndex"] == 2,
            "startIndex echoed: {}",
            r.body["startIndex"]
        );
        Ok(())
    })
}

fn p_count(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        seed_users(&api, &["a@x.example", "b@x.example", "c@x.example"]);
        let r = api.get("/Users?count=1").await;
        ensure!(
            r.resources().len() == 1,
            "count=1 gave {}",
            r.resources().len()
        );
        Ok(())
    })
}

fn p_total_results(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        seed_users(&api, &["a@x.example", "b@x.example", "c@x.example"]);
        let r = api.get("/Users?count=1").await;
        ensure!(
            r.body["totalResults"] == 3,
            "totalResults {}",
            r.body["totalResults"]
        );
        Ok(())
    })
}

fn p_content_type(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let r = api.get("/Users").await;
        ensure!(
            r.is_scim_json(),
            "Content-Type {:?}",
            r.header("content-type")
        );
        Ok(())
    })
}

fn p_404_after_delete(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["d@x.example"]).remove(0);
        let r = api.delete(&format!("/Users/{id}")).await;
        ensure!(r.status == 204, "DELETE {}", r.status);
        let r = api.get(&format!("/Users/{id}")).await;
        ensure!(r.status == 404, "GET after DELETE: {}", r.status);
        Ok(())
    })
}

fn p_members_excluded(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let u = seed_users(&api, &["m@x.example"]);
        let g = seed_group(&api, "G", &[&u[0]]);
        let r = api
            .get(&format!("/Groups/{g}?excludedAttributes=members"))
            .await;
        ensure!(
            r.body.get("members").is_none(),
            "members returned: {}",
            r.text
        );
        let r = api.get("/Groups?excludedAttributes=members").await;
        ensure!(
            r.resources().iter().all(|g| g.get("members").is_none()),
            "members in list"
        );
        Ok(())
    })
}

/// Twice as many reads as `throttle-429` lets through in a row: each is answered at once.
fn p_reads_answered(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        for n in 1..=2 * scim2_conformance::reference::THROTTLE_EVERY {
            let r = api.get("/ServiceProviderConfig").await;
            ensure!(
                r.status == 200,
                "read {n} of /ServiceProviderConfig: {}",
                r.status
            );
        }
        Ok(())
    })
}

fn p_no_accept(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let r = api
            .send_bare(
                Method::GET,
                &format!("{BASE}/Users"),
                &[("user-agent", "x")],
                None,
            )
            .await;
        ensure!(r.status == 200, "GET without Accept: {}", r.status);
        Ok(())
    })
}

fn p_no_user_agent(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let r = api
            .send_bare(
                Method::GET,
                &format!("{BASE}/Users"),
                &[("accept", "application/scim+json")],
                None,
            )
            .await;
        ensure!(r.status == 200, "GET without User-Agent: {}", r.status);
        Ok(())
    })
}

fn p_active_boolean(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["ab@x.example"]).remove(0);
        let r = api.get(&format!("/Users/{id}")).await;
        ensure!(
            r.body["active"] == Value::Bool(true),
            "active = {}",
            r.body["active"]
        );
        Ok(())
    })
}

fn p_malformed_json(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let r = api
            .send(
                Method::POST,
                &format!("{BASE}/Users"),
                &[("content-type", "application/scim+json")],
                Some(b"{\"userName\":".to_vec()),
            )
            .await;
        ensure!(r.status == 400, "malformed JSON: {}", r.status);
        Ok(())
    })
}

fn p_error_body(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let r = api.get("/Users/no-such-id").await;
        ensure!(r.status == 404, "status {}", r.status);
        ensure!(
            r.body["schemas"] == json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
                && r.body["status"] == "404",
            "not a SCIM Error: {}",
            r.text
        );
        Ok(())
    })
}

fn p_charset(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let body = serde_json::to_vec(&json!({"userName": "cs@x.example"})).unwrap();
        let r = api
            .send(
                Method::POST,
                &format!("{BASE}/Users"),
                &[("content-type", "application/scim+json; charset=utf-8")],
                Some(body),
            )
            .await;
        ensure!(r.status == 201, "POST with charset: {}", r.status);
        Ok(())
    })
}

fn p_etag(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["e@x.example"]).remove(0);
        let v1 = api
            .get(&format!("/Users/{id}"))
            .await
            .header("etag")
            .unwrap_or("")
            .to_owned();
        let r = api
            .put(
                &format!("/Users/{id}"),
                json!({"userName": "e@x.example", "title": "1"}),
            )
            .await;
        ensure!(r.status == 200, "PUT {}", r.status);
        let body = serde_json::to_vec(&json!({"userName": "e@x.example", "title": "2"})).unwrap();
        let r = api
            .send(
                Method::PUT,
                &format!("{BASE}/Users/{id}"),
                &[("content-type", "application/scim+json"), ("if-match", &v1)],
                Some(body),
            )
            .await;
        ensure!(r.status == 412, "stale If-Match: {}", r.status);
        Ok(())
    })
}

fn p_attributes(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["at@x.example"]).remove(0);
        let r = api.get(&format!("/Users/{id}?attributes=userName")).await;
        ensure!(
            r.body.get("active").is_none() && r.body["userName"] == "at@x.example",
            "attributes=userName: {}",
            r.text
        );
        Ok(())
    })
}

fn p_put_replaces(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["pr@x.example"]).remove(0);
        let r = api
            .put(&format!("/Users/{id}"), json!({"userName": "pr@x.example"}))
            .await;
        ensure!(r.status == 200, "PUT {}", r.status);
        let r = api.get(&format!("/Users/{id}")).await;
        ensure!(
            r.body.get("externalId").is_none(),
            "PUT kept externalId: {}",
            r.text
        );
        Ok(())
    })
}

fn p_search(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        seed_users(&api, &["s@x.example"]);
        let r = api
            .post(
                "/Users/.search",
                json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}),
            )
            .await;
        ensure!(
            r.status == 200 && r.body["totalResults"] == 1,
            "POST /.search: {} {}",
            r.status,
            r.text
        );
        Ok(())
    })
}

fn p_meta(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["me@x.example"]).remove(0);
        let r = api.get(&format!("/Users/{id}")).await;
        let meta = &r.body["meta"];
        ensure!(
            meta["created"].is_string()
                && meta["lastModified"].is_string()
                && meta["location"].is_string()
                && meta["version"].is_string(),
            "meta: {meta}"
        );
        Ok(())
    })
}

fn p_wrong_token(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let uri = format!("{BASE}/Users");
        let ok = api
            .send(
                Method::GET,
                &uri,
                &[("authorization", &format!("Bearer {TOKEN}"))],
                None,
            )
            .await;
        ensure!(ok.status == 200, "right token: {}", ok.status);
        let r = api
            .send(
                Method::GET,
                &uri,
                &[("authorization", "Bearer expired")],
                None,
            )
            .await;
        ensure!(r.status == 401, "wrong token: {}", r.status);
        Ok(())
    })
}

fn p_deleted_user_leaves_group(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let u = seed_users(&api, &["a@x.example", "b@x.example"]);
        let g = seed_group(&api, "G", &[&u[0], &u[1]]);
        api.delete(&format!("/Users/{}", u[0])).await;
        let members = api.member_ids(&g).await;
        ensure!(
            members == [u[1].clone()],
            "members after delete: {members:?}"
        );
        Ok(())
    })
}

fn p_reuse_deleted_name(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["again@x.example"]).remove(0);
        api.delete(&format!("/Users/{id}")).await;
        let r = api
            .post("/Users", json!({"userName": "again@x.example"}))
            .await;
        ensure!(r.status == 201, "re-create after delete: {}", r.status);
        Ok(())
    })
}

fn p_filter_sees_patched_value(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["indexed@x.example"]).remove(0);
        patch_ok(
            &api,
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": "title", "value": "Patched-Title"}]),
        )
        .await?;
        let found = filter_ids(&api, "Users", "title eq \"Patched-Title\"").await?;
        ensure!(
            found == [id.clone()],
            "title filter after PATCH found {found:?}"
        );
        // userName is keyed on the live resource even under the fault.
        let by_name = filter_ids(&api, "Users", "userName eq \"indexed@x.example\"").await?;
        ensure!(by_name == [id], "userName filter found {by_name:?}");
        Ok(())
    })
}

fn p_members_once(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let u = seed_users(&api, &["once@x.example"]);
        let r = api
            .post(
                "/Groups",
                json!({"displayName": "Once", "members": [{"value": u[0]}, {"value": u[0]}]}),
            )
            .await;
        ensure!(r.status == 201, "POST group {}", r.status);
        let members = r.body["members"].as_array().map_or(0, Vec::len);
        ensure!(members == 1, "{members} members stored");
        Ok(())
    })
}

async fn filter_ids(api: &Api, resource: &str, filter: &str) -> Result<Vec<String>, String> {
    let q: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let r = api.get(&format!("/{resource}?filter={q}")).await;
    ensure!(r.status == 200, "filter {filter}: {} {}", r.status, r.text);
    Ok(r.ids())
}

async fn patch_ok(api: &Api, path: &str, ops: Value) -> Outcome {
    let r = api.patch(path, patch_op(ops)).await;
    ensure!(
        r.status == 200 || r.status == 204,
        "PATCH {path}: {} {}",
        r.status,
        r.text
    );
    Ok(())
}

async fn user_json(api: &Api, id: &str) -> Value {
    api.get(&format!("/Users/{id}")).await.body
}

fn p_case_insensitive_filter(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["Mixed.Case@X.example"]).remove(0);
        let ids = filter_ids(&api, "Users", r#"userName eq "mixed.case@x.example""#).await?;
        ensure!(ids == [id], "userName in another case: {ids:?}");
        Ok(())
    })
}

fn p_eq_is_exact(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        // The longer names first, so that a prefix match cannot pass by returning the first.
        let ids = seed_users(&api, &["sales@x.example.au", "sales@x.example"]);
        let got = filter_ids(&api, "Users", r#"userName eq "sales@x.example""#).await?;
        ensure!(got == [ids[1].clone()], "userName eq: {got:?}");
        seed_group(&api, "group-app-test", &[]);
        let g = seed_group(&api, "group-app", &[]);
        let got = filter_ids(&api, "Groups", r#"displayName eq "group-app""#).await?;
        ensure!(got == [g], "displayName eq: {got:?}");
        Ok(())
    })
}

fn p_escaped_quote(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let g = seed_group(&api, r#""Nord"/Ops"#, &[]);
        let got = filter_ids(&api, "Groups", r#"displayName eq "\"Nord\"/Ops""#).await?;
        ensure!(got == [g], "displayName with quotes: {got:?}");
        Ok(())
    })
}

fn p_space_in_value(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let g = seed_group(&api, "EDU All personal", &[]);
        let got = filter_ids(&api, "Groups", r#"displayName eq "EDU All personal""#).await?;
        ensure!(got == [g], "displayName with spaces: {got:?}");
        Ok(())
    })
}

fn p_custom_extension_patch(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        const CUSTOM: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
        let r = api
            .post(
                "/Users",
                json!({"userName": "cx@x.example", CUSTOM: {"CustomAttribute": "a"}}),
            )
            .await;
        ensure!(r.status == 201, "POST: {} {}", r.status, r.text);
        let id = r.body["id"].as_str().unwrap_or_default().to_owned();
        let path = format!("{CUSTOM}:CustomAttribute");
        patch_ok(
            &api,
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": path, "value": "b"}]),
        )
        .await?;
        let got = user_json(&api, &id).await[CUSTOM]["CustomAttribute"].clone();
        ensure!(got == "b", "after a PATCH on the URN path: {got}");
        Ok(())
    })
}

fn p_empty_query(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let ids = filter_ids(
            &api,
            "Users",
            r#"userName eq "7d420df3-9995-4831-a406-ecf8166f5f6a""#,
        )
        .await?;
        ensure!(ids.is_empty(), "{ids:?}");
        Ok(())
    })
}

fn p_inactive_found(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let users = vec![json!({"userName": "off@x.example", "active": false})];
        let id = api
            .reference
            .seed(Seed {
                users,
                ..Seed::default()
            })
            .unwrap()
            .user_ids
            .remove(0);
        let ids = filter_ids(&api, "Users", r#"userName eq "off@x.example""#).await?;
        ensure!(ids == [id], "inactive user: {ids:?}");
        Ok(())
    })
}

fn p_external_id_filter(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let ids = seed_users(&api, &["e1@x.example", "e2@x.example"]);
        let got = filter_ids(&api, "Users", r#"externalId eq "ext-e2@x.example""#).await?;
        ensure!(got == [ids[1].clone()], "externalId filter: {got:?}");
        Ok(())
    })
}

fn p_invalid_filter(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let r = api.get("/Users?filter=userName+eq").await;
        ensure!(r.status == 400, "invalid filter: {}", r.status);
        Ok(())
    })
}

fn p_sort(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let ids = seed_users(&api, &["b@x.example", "c@x.example", "a@x.example"]);
        let got = api.get("/Users?sortBy=userName").await.ids();
        ensure!(
            got == [ids[2].clone(), ids[0].clone(), ids[1].clone()],
            "sorted: {got:?}"
        );
        Ok(())
    })
}

fn p_patch_applied(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["pa@x.example"]).remove(0);
        patch_ok(
            &api,
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": "title", "value": "Boss"}]),
        )
        .await?;
        let u = user_json(&api, &id).await;
        ensure!(u["title"] == "Boss", "title after PATCH: {}", u["title"]);
        Ok(())
    })
}

fn p_capitalized_ops(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["co@x.example"]).remove(0);
        let r = api
            .patch(
                &format!("/Users/{id}"),
                patch_op(json!([{"op": "Replace", "path": "title", "value": "T"}])),
            )
            .await;
        ensure!(
            r.status == 200 || r.status == 204,
            "op \"Replace\": {}",
            r.status
        );
        Ok(())
    })
}

fn p_string_boolean_patch(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["sbp@x.example"]).remove(0);
        let r = api
            .patch(
                &format!("/Users/{id}"),
                patch_op(json!([{"op": "replace", "path": "active", "value": "False"}])),
            )
            .await;
        ensure!(
            r.status == 200 || r.status == 204,
            "active \"False\": {}",
            r.status
        );
        Ok(())
    })
}

fn p_manager_string_patch(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let ids = seed_users(&api, &["boss@x.example", "emp@x.example"]);
        let path = format!("{ENTERPRISE}:manager");
        let r = api
            .patch(
                &format!("/Users/{}", ids[1]),
                patch_op(json!([{"op": "add", "path": path, "value": ids[0]}])),
            )
            .await;
        ensure!(
            r.status == 200 || r.status == 204,
            "manager string: {}",
            r.status
        );
        Ok(())
    })
}

fn p_manager_value_filter_remove(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let ids = seed_users(&api, &["boss2@x.example", "emp2@x.example"]);
        let path = format!("{ENTERPRISE}:manager");
        let r = api
            .patch(
                &format!("/Users/{}", ids[1]),
                patch_op(json!([{"op": "add", "path": path, "value": {"value": ids[0]}}])),
            )
            .await;
        ensure!(
            r.status == 200 || r.status == 204,
            "set manager: {}",
            r.status
        );
        let filter = format!("manager[value eq \"{}\"]", ids[0]);
        let r = api
            .patch(
                &format!("/Users/{}", ids[1]),
                patch_op(json!([{"op": "remove", "path": filter}])),
            )
            .await;
        ensure!(
            r.status == 200 || r.status == 204,
            "remove manager[value eq …]: {}",
            r.status
        );
        let u = api.get(&format!("/Users/{}", ids[1])).await;
        ensure!(
            u.body[ENTERPRISE].get("manager").is_none(),
            "manager still set: {}",
            u.text
        );
        Ok(())
    })
}

fn p_value_path_patch(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let users = vec![
            json!({"userName": "vp@x.example", "emails": [{"type": "work", "value": "old@x"}]}),
        ];
        let id = api
            .reference
            .seed(Seed {
                users,
                ..Seed::default()
            })
            .unwrap()
            .user_ids
            .remove(0);
        patch_ok(
            &api,
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "new@x"}]),
        )
        .await?;
        let u = user_json(&api, &id).await;
        ensure!(
            u["emails"] == json!([{"type": "work", "value": "new@x"}]),
            "emails: {}",
            u["emails"]
        );
        Ok(())
    })
}

fn p_address_one_element(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["ad@x.example"]).remove(0);
        patch_ok(
            &api,
            &format!("/Users/{id}"),
            json!([
                {"op": "add", "path": "addresses[type eq \"work\"].locality", "value": "L"},
                {"op": "add", "path": "addresses[type eq \"work\"].region", "value": "R"}
            ]),
        )
        .await?;
        let u = user_json(&api, &id).await;
        ensure!(
            u["addresses"] == json!([{"type": "work", "locality": "L", "region": "R"}]),
            "addresses: {}",
            u["addresses"]
        );
        Ok(())
    })
}

fn p_typed_replace_keeps_others(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let users = vec![
            json!({"userName": "ph@x.example", "phoneNumbers": [{"type": "work", "value": "1"}, {"type": "mobile", "value": "2"}]}),
        ];
        let id = api
            .reference
            .seed(Seed {
                users,
                ..Seed::default()
            })
            .unwrap()
            .user_ids
            .remove(0);
        patch_ok(&api, &format!("/Users/{id}"), json!([{"op": "replace", "path": "phoneNumbers[type eq \"work\"].value", "value": "9"}])).await?;
        let u = user_json(&api, &id).await;
        ensure!(
            u["phoneNumbers"]
                == json!([{"type": "work", "value": "9"}, {"type": "mobile", "value": "2"}]),
            "phoneNumbers: {}",
            u["phoneNumbers"]
        );
        Ok(())
    })
}

fn p_rename_user(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["before@x.example"]).remove(0);
        patch_ok(
            &api,
            &format!("/Users/{id}"),
            json!([{"op": "replace", "path": "userName", "value": "after@x.example"}]),
        )
        .await?;
        let u = user_json(&api, &id).await;
        ensure!(
            u["userName"] == "after@x.example",
            "userName: {}",
            u["userName"]
        );
        Ok(())
    })
}

fn p_rename_group(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let g = seed_group(&api, "Before", &[]);
        patch_ok(
            &api,
            &format!("/Groups/{g}"),
            json!([{"op": "replace", "path": "displayName", "value": "After"}]),
        )
        .await?;
        let got = api.get(&format!("/Groups/{g}")).await;
        ensure!(
            got.body["displayName"] == "After",
            "displayName: {}",
            got.body["displayName"]
        );
        Ok(())
    })
}

fn p_pathless_replace(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["pl@x.example"]).remove(0);
        patch_ok(
            &api,
            &format!("/Users/{id}"),
            json!([{"op": "replace", "value": {"name.givenName": "K", "title": "T"}}]),
        )
        .await?;
        let u = user_json(&api, &id).await;
        ensure!(
            u["name"]["givenName"] == "K" && u["title"] == "T",
            "after path-less replace: {u}"
        );
        Ok(())
    })
}

fn p_two_patches(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["tp@x.example"]).remove(0);
        let path = format!("/Users/{id}");
        patch_ok(
            &api,
            &path,
            json!([{"op": "add", "path": "nickName", "value": "N"}]),
        )
        .await?;
        patch_ok(
            &api,
            &path,
            json!([{"op": "add", "path": "title", "value": "T"}]),
        )
        .await?;
        let u = user_json(&api, &id).await;
        ensure!(
            u["nickName"] == "N" && u["title"] == "T",
            "after two PATCHes: {u}"
        );
        Ok(())
    })
}

fn p_member_add(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let u = seed_users(&api, &["a@x.example", "b@x.example"]);
        let g = seed_group(&api, "G", &[]);
        patch_ok(
            &api,
            &format!("/Groups/{g}"),
            json!([{"op": "add", "path": "members", "value": [{"$ref": null, "value": u[0]}, {"$ref": null, "value": u[1]}]}]),
        )
        .await?;
        let members = api.member_ids(&g).await;
        ensure!(members == u, "members: {members:?}");
        Ok(())
    })
}

fn p_member_add_once(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let u = seed_users(&api, &["a@x.example"]);
        let g = seed_group(&api, "G", &[&u[0]]);
        patch_ok(
            &api,
            &format!("/Groups/{g}"),
            json!([{"op": "add", "path": "members", "value": [{"value": u[0]}]}]),
        )
        .await?;
        let members = api.member_ids(&g).await;
        ensure!(members == u, "members after re-add: {members:?}");
        Ok(())
    })
}

fn p_legacy_member_remove(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let u = seed_users(&api, &["a@x.example", "b@x.example"]);
        let g = seed_group(&api, "G", &[&u[0], &u[1]]);
        patch_ok(
            &api,
            &format!("/Groups/{g}"),
            json!([{"op": "remove", "path": "members", "value": [{"value": u[0]}]}]),
        )
        .await?;
        let members = api.member_ids(&g).await;
        ensure!(
            members == [u[1].clone()],
            "members after legacy remove: {members:?}"
        );
        Ok(())
    })
}

fn p_filtered_member_remove(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let u = seed_users(&api, &["a@x.example", "b@x.example"]);
        let g = seed_group(&api, "G", &[&u[0], &u[1]]);
        let path = format!("members[value eq \"{}\"]", u[0]);
        patch_ok(
            &api,
            &format!("/Groups/{g}"),
            json!([{"op": "remove", "path": path}]),
        )
        .await?;
        let members = api.member_ids(&g).await;
        ensure!(
            members == [u[1].clone()],
            "members after filtered remove: {members:?}"
        );
        Ok(())
    })
}

fn p_member_after_rename(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let u = seed_users(&api, &["a@x.example"]);
        let g = seed_group(&api, "G", &[]);
        let path = format!("/Groups/{g}");
        patch_ok(
            &api,
            &path,
            json!([{"op": "replace", "path": "displayName", "value": "G2"}]),
        )
        .await?;
        patch_ok(
            &api,
            &path,
            json!([{"op": "add", "path": "members", "value": [{"value": u[0]}]}]),
        )
        .await?;
        let members = api.member_ids(&g).await;
        ensure!(members == u, "members after rename + add: {members:?}");
        Ok(())
    })
}

fn p_second_page(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        seed_users(&api, &["a@x.example", "b@x.example", "c@x.example"]);
        let r = api.get("/Users?startIndex=2&count=2").await;
        ensure!(r.status == 200, "second page: {}", r.status);
        Ok(())
    })
}

fn p_second_page_after_retries(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        seed_users(&api, &["a@x.example", "b@x.example", "c@x.example"]);
        for _ in 0..3 {
            let r = api.get("/Users?startIndex=3&count=2").await;
            if r.status == 200 {
                return Ok(());
            }
            ensure!(
                r.status == 503 && r.header("retry-after").is_some(),
                "not a retryable answer: {}",
                r.status
            );
        }
        Err("page 3 never recovered in 3 attempts".to_owned())
    })
}

fn p_create_answers_id(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let r = api
            .post("/Users", json!({"userName": "new@x.example"}))
            .await;
        ensure!(r.status == 201, "POST /Users: {} {}", r.status, r.text);
        let id = r.body["id"].as_str().unwrap_or_default().to_owned();
        ensure!(
            !id.is_empty(),
            "POST /Users answered without an id: {}",
            r.text
        );
        let g = api.post("/Groups", json!({"displayName": "New"})).await;
        ensure!(
            g.status == 201 && g.body["id"].is_string(),
            "POST /Groups: {} {}",
            g.status,
            g.text
        );
        Ok(())
    })
}

fn p_delete_removes(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let id = seed_users(&api, &["gone@x.example"]).remove(0);
        let g = seed_group(&api, "Gone", &[]);
        for path in [format!("/Users/{id}"), format!("/Groups/{g}")] {
            let r = api.delete(&path).await;
            ensure!(r.status == 204, "DELETE {path}: {}", r.status);
        }
        ensure!(
            api.reference.counts() == (0, 0),
            "still stored after DELETE"
        );
        Ok(())
    })
}

fn p_sw_filter(api: Api) -> BoxFuture<'static, Outcome> {
    Box::pin(async move {
        let ids = seed_users(&api, &["abc@x.example", "abd@x.example", "xyz@x.example"]);
        let r = api.get("/Users?filter=userName%20sw%20%22ab%22").await;
        ensure!(r.status == 200, "userName sw: {} {}", r.status, r.text);
        ensure!(r.ids() == ids[..2], "userName sw found {:?}", r.ids());
        Ok(())
    })
}

fn probes() -> Vec<Probe> {
    use Fault as F;
    let p = |name, broken_by, run| Probe {
        name,
        broken_by,
        token: false,
        run,
    };
    vec![
        p(
            "a create answers 201 with its id",
            &[F::StoredThenTimeout, F::CreatedWithoutId, F::StoredThen500],
            p_create_answers_id,
        ),
        p("DELETE removes", &[F::DeleteFails], p_delete_removes),
        p("sw filter", &[F::EqFiltersOnly], p_sw_filter),
        p(
            "second page answers at once",
            &[F::Transient503, F::PaginationOutage],
            p_second_page,
        ),
        p(
            "second page after retries",
            &[F::PaginationOutage],
            p_second_page_after_retries,
        ),
        p(
            "string booleans on POST",
            &[
                F::StoredThenTimeout,
                F::StoredThen500,
                F::RejectStringBooleans,
            ],
            p_string_booleans,
        ),
        p(
            "manager string on POST",
            &[
                F::StoredThenTimeout,
                F::StoredThen500,
                F::RejectManagerString,
            ],
            p_manager_string,
        ),
        p(
            "409 for a duplicate userName",
            &[F::DuplicateUsernameAccepted],
            p_duplicate_user,
        ),
        p(
            "409 for a duplicate group",
            &[F::DuplicateGroupAccepted],
            p_duplicate_group,
        ),
        p(
            "startIndex honoured",
            &[F::IgnoreStartIndex, F::Transient503, F::PaginationOutage],
            p_start_index,
        ),
        p("count honoured", &[F::IgnoreCount], p_count),
        p(
            "totalResults counts all matches",
            &[F::TotalResultsIsPageSize],
            p_total_results,
        ),
        p(
            "application/scim+json responses",
            &[F::WrongContentType],
            p_content_type,
        ),
        p(
            "404 after delete",
            &[F::DeleteFails, F::No404AfterDelete],
            p_404_after_delete,
        ),
        p(
            "excludedAttributes=members",
            &[F::MembersNotExcluded],
            p_members_excluded,
        ),
        p(
            "reads answered at once",
            &[F::Throttle429],
            p_reads_answered,
        ),
        p("no Accept needed", &[F::RequireAcceptHeader], p_no_accept),
        p(
            "no User-Agent needed",
            &[F::RequireUserAgent],
            p_no_user_agent,
        ),
        p(
            "active is a boolean",
            &[F::ActiveAsString],
            p_active_boolean,
        ),
        p(
            "400 for malformed JSON",
            &[F::MalformedJson500],
            p_malformed_json,
        ),
        p("SCIM Error bodies", &[F::ErrorBodyNotScim], p_error_body),
        p(
            "charset parameter accepted",
            &[
                F::StoredThenTimeout,
                F::StoredThen500,
                F::RejectCharsetContentType,
            ],
            p_charset,
        ),
        p("412 for a stale If-Match", &[F::EtagIgnored], p_etag),
        p(
            "attributes projection",
            &[F::AttributesIgnored],
            p_attributes,
        ),
        p("PUT replaces", &[F::PutMerges], p_put_replaces),
        p("POST /.search", &[F::SearchNotSupported], p_search),
        p("meta present", &[F::MetaMissing], p_meta),
        Probe {
            name: "wrong token refused",
            broken_by: &[F::TokenNotChecked],
            token: true,
            run: p_wrong_token,
        },
        p(
            "deleted user leaves groups",
            &[F::DeleteFails, F::DeletedUserStaysMember],
            p_deleted_user_leaves_group,
        ),
        p(
            "deleted userName reusable",
            &[
                F::StoredThenTimeout,
                F::DeleteFails,
                F::StoredThen500,
                F::DeletedUsernameReserved,
            ],
            p_reuse_deleted_name,
        ),
        p(
            "a filter finds a value set by PATCH",
            &[F::FilterMissesPatchedValue, F::PatchNotApplied],
            p_filter_sees_patched_value,
        ),
        p(
            "a member is stored once",
            &[F::StoredThenTimeout, F::StoredThen500, F::DuplicateMembers],
            p_members_once,
        ),
        p(
            "userName filter is case-insensitive",
            &[F::CaseSensitiveFilter],
            p_case_insensitive_filter,
        ),
        p(
            "eq is exact, not a prefix",
            &[F::EqMatchesPrefix],
            p_eq_is_exact,
        ),
        p(
            "PATCH on a custom extension attribute",
            &[
                F::CreatedWithoutId,
                F::StoredThen500,
                F::StoredThenTimeout,
                F::CustomExtensionPatchRejected,
                F::PatchNotApplied,
            ],
            p_custom_extension_patch,
        ),
        p(
            "escaped quote in a filter value",
            &[F::EscapedQuoteRejected],
            p_escaped_quote,
        ),
        p(
            "space in a filter value",
            &[F::SpaceInValueRejected],
            p_space_in_value,
        ),
        p(
            "empty query is 200",
            &[F::NotFoundOnEmptyQuery],
            p_empty_query,
        ),
        p(
            "inactive users are found",
            &[F::InactiveUsersHidden],
            p_inactive_found,
        ),
        p(
            "externalId filter",
            &[F::ExternalidFilterIgnored],
            p_external_id_filter,
        ),
        p(
            "400 for an invalid filter",
            &[F::InvalidFilter500],
            p_invalid_filter,
        ),
        p("sortBy", &[F::SortIgnored], p_sort),
        p("PATCH is applied", &[F::PatchNotApplied], p_patch_applied),
        p(
            "capitalised ops",
            &[F::RejectCapitalizedOps],
            p_capitalized_ops,
        ),
        p(
            "string booleans in PATCH",
            &[F::RejectStringBooleans],
            p_string_boolean_patch,
        ),
        p(
            "manager string in PATCH",
            &[F::RejectManagerString],
            p_manager_string_patch,
        ),
        p(
            "manager removal with manager[value eq …]",
            &[F::RejectManagerValueFilter, F::IgnoreValuePathPatch],
            p_manager_value_filter_remove,
        ),
        p(
            "value-path PATCH",
            &[F::IgnoreValuePathPatch, F::PatchNotApplied],
            p_value_path_patch,
        ),
        p(
            "sub-attribute ops land in one element",
            &[
                F::AddressOpsSplitElements,
                F::IgnoreValuePathPatch,
                F::PatchNotApplied,
            ],
            p_address_one_element,
        ),
        p(
            "typed replace keeps other types",
            &[
                F::TypedReplaceDropsOthers,
                F::IgnoreValuePathPatch,
                F::PatchNotApplied,
            ],
            p_typed_replace_keeps_others,
        ),
        p(
            "user rename",
            &[F::RenameNotApplied, F::PatchNotApplied],
            p_rename_user,
        ),
        p(
            "group rename",
            &[F::RenameNotApplied, F::PatchNotApplied],
            p_rename_group,
        ),
        p(
            "path-less replace",
            &[F::PathlessReplaceIgnored, F::PatchNotApplied],
            p_pathless_replace,
        ),
        p(
            "two PATCHes both apply",
            &[F::SecondPatchLosesFirst, F::PatchNotApplied],
            p_two_patches,
        ),
        p("members added", &[F::PatchNotApplied], p_member_add),
        p(
            "re-added member stays single",
            &[F::DuplicateMembers],
            p_member_add_once,
        ),
        p(
            "legacy member removal",
            &[
                F::LegacyMemberRemoveWipesGroup,
                F::MembersNotRemoved,
                F::PatchNotApplied,
            ],
            p_legacy_member_remove,
        ),
        p(
            "filtered member removal",
            &[
                F::MembersNotRemoved,
                F::IgnoreValuePathPatch,
                F::PatchNotApplied,
            ],
            p_filtered_member_remove,
        ),
        p(
            "member added after a rename",
            &[F::MemberDroppedAfterRename, F::PatchNotApplied],
            p_member_after_rename,
        ),
    ]
}

async fn run(probe: &Probe, faults: &[Fault]) -> Outcome {
    let mut config = ReferenceConfig::default().with_faults(faults.iter().copied());
    let mut api = Api::with_config(config.clone()).polite();
    if probe.token {
        config = config.with_token(TOKEN);
        api = Api::with_config(config).polite();
    }
    (probe.run)(api).await
}

#[tokio::test]
async fn every_probe_passes_without_faults() {
    for probe in probes() {
        if let Err(why) = run(&probe, &[]).await {
            panic!(
                "probe `{}` fails on the correct endpoint: {why}",
                probe.name
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_breaks_exactly_the_behaviours_it_names() {
    let tasks: Vec<_> = Fault::ALL
        .iter()
        .map(|fault| {
            let fault = *fault;
            tokio::spawn(async move {
                let mut problems = Vec::new();
                for probe in &probes() {
                    let expected_broken = probe.broken_by.contains(&fault);
                    match (expected_broken, run(probe, &[fault]).await) {
                        (true, Ok(())) => {
                            problems.push(format!("{fault}: probe `{}` still passes", probe.name));
                        }
                        (false, Err(why)) => problems.push(format!(
                            "{fault}: unrelated probe `{}` fails: {why}",
                            probe.name
                        )),
                        _ => {}
                    }
                }
                problems
            })
        })
        .collect();
    let mut problems = Vec::new();
    for task in tasks {
        problems.extend(task.await.unwrap());
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fault_is_targeted_by_a_probe() {
    let probes = probes();
    let missing: Vec<String> = Fault::ALL
        .iter()
        .filter(|f| !probes.iter().any(|p| p.broken_by.contains(f)))
        .map(ToString::to_string)
        .collect();
    assert!(missing.is_empty(), "faults no probe catches: {missing:?}");
}

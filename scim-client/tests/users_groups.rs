//! The `User`/`Group` conveniences, against a scripted endpoint that records requests.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{Canned, Script, builder};
use scim2_client::Error;
use scim2_types::{Group, User};
use serde_json::{Value, json};

const ONE_USER: &str = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  "totalResults":1,"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id":"u1","userName":"bjensen@example.com","active":"True"}]}"#;

#[tokio::test]
async fn find_by_user_name_external_id_and_display_name() {
    let script = Script::new(vec![
        Canned::new(200, ONE_USER),
        Canned::new(200, r#"{"totalResults":0,"Resources":[]}"#),
        Canned::new(
            200,
            r#"{"totalResults":2,"Resources":[{"id":"g1","displayName":"Sales"},{"id":"g2","displayName":"Sales"}]}"#,
        ),
    ]);
    let client = builder(&script.serve().await).build().unwrap();
    let u: User = client
        .find_user_by_user_name("bjensen@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.id.as_deref(), Some("u1"));
    assert_eq!(
        u.active,
        Some(true),
        "Entra's string boolean read tolerantly"
    );
    assert!(
        client
            .find_user_by_external_id("e-1")
            .await
            .unwrap()
            .is_none()
    );
    let e = client
        .find_group_by_display_name("Sales")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::AmbiguousMatch { count: 2, .. }), "{e:?}");

    let got = script.received();
    assert_eq!(got[0].uri.path(), "/Users");
    assert_eq!(
        got[0].uri.query(),
        Some("filter=userName+eq+%22bjensen%40example.com%22&count=2")
    );
    assert_eq!(
        got[1].uri.query(),
        Some("filter=externalId+eq+%22e-1%22&count=2")
    );
    assert_eq!(got[2].uri.path(), "/Groups");
}

#[tokio::test]
async fn patch_conveniences_send_rfc_operations() {
    let script = Script::new(vec![Canned::new(204, "")]);
    let client = builder(&script.serve().await).build().unwrap();
    assert!(client.set_active("u1", false).await.unwrap().is_none());
    let none: Option<Group> = client.add_members("g1", &["u1", "u2"]).await.unwrap();
    assert!(none.is_none());
    client.remove_members("g1", &["u1"]).await.unwrap();

    let got = script.received();
    let bodies: Vec<Value> = got
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(got[0].uri.path(), "/Users/u1");
    assert_eq!(
        bodies[0]["Operations"],
        json!([{"op":"replace","path":"active","value":false}])
    );
    assert_eq!(got[1].uri.path(), "/Groups/g1");
    assert_eq!(
        bodies[1]["Operations"],
        json!([{"op":"add","path":"members","value":[{"value":"u1"},{"value":"u2"}]}])
    );
    assert_eq!(
        bodies[2]["Operations"],
        json!([{"op":"remove","path":"members[value eq \"u1\"]"}])
    );
    assert!(got.iter().all(|r| r.method == http::Method::PATCH));
}

#[tokio::test]
async fn typed_user_round_trip_through_create() {
    let script = Script::new(vec![Canned::new(
        201,
        r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u9",
            "userName":"new@example.com","meta":{"resourceType":"User","version":"W/\"1\""}}"#,
    )]);
    let client = builder(&script.serve().await).build().unwrap();
    let created = client.create(&User::new("new@example.com")).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("u9"));
    assert_eq!(scim2_types::Resource::version(&created), Some("W/\"1\""));
    let sent: Value = serde_json::from_slice(&script.received()[0].body).unwrap();
    assert_eq!(sent["userName"], "new@example.com");
    assert_eq!(
        sent["schemas"][0],
        "urn:ietf:params:scim:schemas:core:2.0:User"
    );
}

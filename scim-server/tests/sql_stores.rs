//! The stores (memory, SQLite, PostgreSQL) against the store contract (`support/contract.rs`), concurrency through two
//! instances on one database, restarts and bad data.
//!
//! PostgreSQL: `SCIM_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`);
//! each test works in a fresh schema and drops it. Unreachable, the PostgreSQL tests print
//! that they are skipped, except with `CI=true`, where they fail.
#![allow(clippy::unwrap_used, missing_docs)] // test helpers panic on failure by design

mod support;

use scim2_server::store::sql::sqlx;
use scim2_server::store::sql::{OpenError, PostgresStore, SqliteStore};
use scim2_server::store::{Query, ResourceKind, Store, StoreError};
use scim2_types::schema::ResourceSchemas;
use support::contract::{self, group, user};

/// A fresh PostgreSQL schema for one test (skipped without PostgreSQL outside CI).
struct PgSchema(scim2_interop_support::postgres::TestSchema);

impl PgSchema {
    async fn new(test: &str) -> Option<Self> {
        scim2_interop_support::postgres::TestSchema::new(test)
            .await
            .map(Self)
    }

    async fn store(&self) -> PostgresStore {
        PostgresStore::connect_with(self.0.options())
            .await
            .expect("connect to PostgreSQL")
    }

    async fn drop(self) {
        self.0.drop().await;
    }
}

#[tokio::test]
async fn sqlite_file_keeps_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("scim.db")).await.unwrap();
    contract::contract(store).await;
}

#[tokio::test]
async fn memory_store_keeps_the_contract() {
    contract::contract(scim2_server::store::MemoryStore::new()).await;
}

#[tokio::test]
async fn sqlite_in_memory_keeps_the_contract() {
    contract::contract(SqliteStore::open_in_memory().await.unwrap()).await;
}

#[tokio::test]
async fn postgres_keeps_the_contract() {
    let Some(schema) = PgSchema::new("postgres_keeps_the_contract").await else {
        return;
    };
    contract::contract(schema.store().await).await;
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_two_instances_lose_no_member_addition() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scim.db");
    let a = SqliteStore::open(&path).await.unwrap();
    let b = SqliteStore::open(&path).await.unwrap();
    contract::concurrent_member_additions(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_two_instances_lose_no_member_addition() {
    let Some(schema) = PgSchema::new("postgres_two_instances_lose_no_member_addition").await else {
        return;
    };
    contract::concurrent_member_additions(schema.store().await, schema.store().await).await;
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_creates_of_one_user_name_give_one_success() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scim.db");
    let a = SqliteStore::open(&path).await.unwrap();
    let b = SqliteStore::open(&path).await.unwrap();
    contract::concurrent_creates(a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_creates_of_one_user_name_give_one_success() {
    let Some(schema) =
        PgSchema::new("postgres_concurrent_creates_of_one_user_name_give_one_success").await
    else {
        return;
    };
    contract::concurrent_creates(schema.store().await, schema.store().await).await;
    schema.drop().await;
}

#[tokio::test]
async fn sqlite_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scim.db");
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 1);
    let (alice, bob) = (user("u1", "alice", "E1"), user("u2", "bob", "E2"));
    let staff = group("g1", "Staff", &["u1", "u2"]);
    store
        .create(ResourceKind::User, alice.clone())
        .await
        .unwrap();
    store.create(ResourceKind::User, bob.clone()).await.unwrap();
    store
        .create(ResourceKind::Group, staff.clone())
        .await
        .unwrap();
    store.close().await;
    drop(store);

    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 1, "migrated once");
    let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(migrations, 1);
    assert_eq!(
        store.get(ResourceKind::User, "u1").await.unwrap(),
        Some(alice)
    );
    assert_eq!(
        store.get(ResourceKind::User, "u2").await.unwrap(),
        Some(bob)
    );
    assert_eq!(
        store.get(ResourceKind::Group, "g1").await.unwrap(),
        Some(staff)
    );
    let schemas = ResourceSchemas::group();
    let f = r#"members.value eq "u2""#.parse().unwrap();
    let page = store
        .query(
            ResourceKind::Group,
            &Query::all(&schemas, 10).with_filter(&f),
        )
        .await
        .unwrap();
    assert_eq!(page.total_results, 1);
    // Uniqueness and membership upkeep still hold after the restart.
    let again = store
        .create(ResourceKind::User, user("u3", "ALICE", "E3"))
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    store.delete(ResourceKind::User, "u1").await.unwrap();
    let g = store.get(ResourceKind::Group, "g1").await.unwrap().unwrap();
    assert_eq!(g["members"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn postgres_records_the_schema_version() {
    let Some(schema) = PgSchema::new("postgres_records_the_schema_version").await else {
        return;
    };
    let store = schema.store().await;
    assert_eq!(store.schema_version().await.unwrap(), 1);
    store
        .create(ResourceKind::User, user("u1", "alice", "E1"))
        .await
        .unwrap();
    store.close().await;
    let store = schema.store().await;
    assert_eq!(store.schema_version().await.unwrap(), 1);
    assert!(store.get(ResourceKind::User, "u1").await.unwrap().is_some());
    schema.drop().await;
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scim.db");
    let store = SqliteStore::open(&path).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', TRUE, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    let reopened = SqliteStore::open(&path).await;
    assert!(
        matches!(reopened, Err(OpenError::Migrate(_))),
        "{reopened:?}"
    );
}

#[tokio::test]
async fn a_file_that_is_no_database_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scim.db");
    std::fs::write(
        &path,
        "this is not an SQLite database, just text.".repeat(100),
    )
    .unwrap();
    let opened = SqliteStore::open(&path).await;
    assert!(opened.is_err(), "{opened:?}");
    let missing_dir = SqliteStore::open(dir.path().join("no/such/dir/scim.db")).await;
    assert!(
        matches!(&missing_dir, Err(OpenError::Connect { target, .. }) if target.contains("no/such")),
        "{missing_dir:?}"
    );
}

#[tokio::test]
async fn corrupt_rows_are_errors_not_panics() {
    let store = SqliteStore::open_in_memory().await.unwrap();
    store
        .create(ResourceKind::User, user("u1", "alice", "E1"))
        .await
        .unwrap();
    sqlx::query("UPDATE scim_resources SET body = '{\"id\": \"u1\", broken' WHERE id = 'u1'")
        .execute(store.pool())
        .await
        .unwrap();
    let got = store.get(ResourceKind::User, "u1").await;
    assert!(
        matches!(&got, Err(StoreError::Corrupt { id, .. }) if id == "u1"),
        "{got:?}"
    );
    let schemas = ResourceSchemas::user();
    let f = r#"userName eq "alice""#.parse().unwrap();
    let queried = store
        .query(
            ResourceKind::User,
            &Query::all(&schemas, 10).with_filter(&f),
        )
        .await;
    assert!(
        matches!(queried, Err(StoreError::Corrupt { .. })),
        "{queried:?}"
    );
    let listed = store
        .query(ResourceKind::User, &Query::all(&schemas, 10))
        .await;
    assert!(
        matches!(listed, Err(StoreError::Corrupt { .. })),
        "{listed:?}"
    );
    let modified = store
        .modify(ResourceKind::User, "u1", |c| Ok(c.clone()))
        .await;
    assert!(
        matches!(modified, Err(StoreError::Corrupt { .. })),
        "{modified:?}"
    );
    // A resource without an id is refused before anything is written.
    let no_id = store
        .create(ResourceKind::User, serde_json::json!({"userName": "x"}))
        .await;
    assert!(
        matches!(no_id, Err(StoreError::Corrupt { .. })),
        "{no_id:?}"
    );
}

/// `create_many` of 1,000 users then of a batch holding a taken userName: the second stores
/// nothing.
macro_rules! import_check {
    ($store:expr) => {{
        let store = $store;
        let users: Vec<_> = (0..1000)
            .map(|i| user(&format!("i{i}"), &format!("imported{i}"), &format!("E-i{i}")))
            .collect();
        store.create_many(ResourceKind::User, &users).await.unwrap();
        let schemas = ResourceSchemas::user();
        let all = store
            .query(ResourceKind::User, &Query::all(&schemas, 0))
            .await
            .unwrap();
        assert_eq!(all.total_results, 1000);
        let batch = [user("j1", "fresh", "E-j1"), user("j2", "IMPORTED7", "E-j2")];
        let refused = store.create_many(ResourceKind::User, &batch).await;
        assert!(
            matches!(&refused, Err(StoreError::Conflict { value, .. }) if value == "IMPORTED7"),
            "{refused:?}"
        );
        assert_eq!(store.get(ResourceKind::User, "j1").await.unwrap(), None);
        let f = r#"userName eq "Imported999""#.parse().unwrap();
        let page = store
            .query(ResourceKind::User, &Query::all(&schemas, 10).with_filter(&f))
            .await
            .unwrap();
        assert_eq!(page.resources, [users[999].clone()]);
    }};
}

#[tokio::test]
async fn sqlite_import_is_all_or_none() {
    import_check!(SqliteStore::open_in_memory().await.unwrap());
}

#[tokio::test]
async fn postgres_import_is_all_or_none() {
    let Some(schema) = PgSchema::new("postgres_import_is_all_or_none").await else {
        return;
    };
    import_check!(schema.store().await);
    schema.drop().await;
}

/// Entra's member additions and creates as HTTP-level requests, through two server instances
/// (each with its own store and pool) on one database: 16 concurrent PATCH requests adding
/// distinct members to one group end with all 16 members; 16 concurrent creates of one
/// userName give one 201 and fifteen 409 `uniqueness` (RFC 7644 §3.3).
async fn two_servers_on_one_database<S: Store>(a: S, b: S) {
    use http::{Method, StatusCode, header};
    use scim2_server::{ScimRequest, ScimServer, ServerConfig};
    use serde_json::json;

    let servers = [
        std::sync::Arc::new(ScimServer::new(a, ServerConfig::new())),
        std::sync::Arc::new(ScimServer::new(b, ServerConfig::new())),
    ];
    let post = |path: &str, body: serde_json::Value| {
        ScimRequest::new(Method::POST, path)
            .with_header(
                header::CONTENT_TYPE,
                "application/scim+json".parse().unwrap(),
            )
            .with_json(&body)
    };
    let mut users = Vec::new();
    for i in 0..16 {
        let r = servers[i % 2]
            .handle(post(
                "/Users",
                json!({"userName": format!("member{i}@example.com")}),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        users.push(r.json_body().unwrap()["id"].as_str().unwrap().to_owned());
    }
    let r = servers[0]
        .handle(post("/Groups", json!({"displayName": "Batch"})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let group = r.json_body().unwrap()["id"].as_str().unwrap().to_owned();

    let mut tasks = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let server = std::sync::Arc::clone(&servers[i % 2]);
        let request = ScimRequest::new(Method::PATCH, format!("/Groups/{group}"))
            .with_header(
                header::CONTENT_TYPE,
                "application/scim+json".parse().unwrap(),
            )
            .with_json(&json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                "Operations": [{"op": "Add", "path": "members", "value": [{"value": user}]}]
            }));
        tasks.push(tokio::spawn(
            async move { server.handle(request).await.status },
        ));
    }
    for t in tasks {
        assert!(t.await.unwrap().is_success());
    }
    let r = servers[1]
        .handle(ScimRequest::new(Method::GET, format!("/Groups/{group}")))
        .await;
    let mut members: Vec<String> = r.json_body().unwrap()["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["value"].as_str().unwrap().to_owned())
        .collect();
    members.sort();
    let mut expected = users.clone();
    expected.sort();
    assert_eq!(members, expected, "a member addition was lost");

    let mut tasks = Vec::new();
    for i in 0..16 {
        let server = std::sync::Arc::clone(&servers[i % 2]);
        let request = post("/Users", json!({"userName": "Same.Name@example.com"}));
        tasks.push(tokio::spawn(async move {
            let r = server.handle(request).await;
            let scim_type = r
                .json_body()
                .and_then(|b| b["scimType"].as_str().map(str::to_owned));
            (r.status, scim_type)
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            (StatusCode::CREATED, _) => created += 1,
            (StatusCode::CONFLICT, Some(t)) if t == "uniqueness" => {}
            other => panic!("a concurrent create answered {other:?}"),
        }
    }
    assert_eq!(created, 1, "exactly one create of a userName succeeds");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_two_servers_lose_no_member_and_keep_user_names_unique() {
    let Some(schema) =
        PgSchema::new("postgres_two_servers_lose_no_member_and_keep_user_names_unique").await
    else {
        return;
    };
    two_servers_on_one_database(schema.store().await, schema.store().await).await;
    schema.drop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_two_servers_lose_no_member_and_keep_user_names_unique() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scim.db");
    let a = SqliteStore::open(&path).await.unwrap();
    let b = SqliteStore::open(&path).await.unwrap();
    two_servers_on_one_database(a, b).await;
}

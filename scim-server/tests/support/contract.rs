//! The contract every [`Store`] keeps, written against the trait only, so that any store
//! (memory, SQLite, PostgreSQL) runs the same checks: `contract(store).await`.

use scim2_filter::{AttrPath, Filter};
use scim2_server::store::{Page, Query, ResourceKind, Sort, Store, StoreError};
use scim2_types::ScimError;
use scim2_types::schema::ResourceSchemas;
use serde_json::{Value, json};

const USER: ResourceKind = ResourceKind::User;
const GROUP: ResourceKind = ResourceKind::Group;

/// A user as the server core hands it to a store.
pub fn user(id: &str, user_name: &str, external_id: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": id,
        "externalId": external_id,
        "userName": user_name,
        "displayName": format!("{user_name} Display"),
        "active": true,
        "meta": {"resourceType": "User", "created": "2024-01-01T00:00:00Z",
                 "lastModified": "2024-01-01T00:00:00Z", "version": "W/\"1\""}
    })
}

/// A group with `members`.
pub fn group(id: &str, display_name: &str, members: &[&str]) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": id,
        "displayName": display_name,
        "members": members.iter().map(|m| json!({"value": m, "type": "User"})).collect::<Vec<_>>(),
        "meta": {"resourceType": "Group", "created": "2024-01-01T00:00:00Z",
                 "lastModified": "2024-01-01T00:00:00Z", "version": "W/\"1\""}
    })
}

/// `resource` with `member_id` added to its `members` and a new version.
pub fn add_member(resource: &Value, member_id: &str) -> Value {
    let mut out = resource.clone();
    out["members"]
        .as_array_mut()
        .expect("a group has members")
        .push(json!({"value": member_id, "type": "User"}));
    out["meta"]["version"] = json!(format!("W/\"{member_id}\""));
    out
}

fn filter(text: &str) -> Filter {
    text.parse().expect("a valid filter")
}

fn schemas(kind: ResourceKind) -> ResourceSchemas {
    match kind {
        ResourceKind::User => ResourceSchemas::user(),
        ResourceKind::Group => ResourceSchemas::group(),
    }
}

fn ids(page: &Page) -> Vec<&str> {
    page.resources
        .iter()
        .map(|r| r["id"].as_str().expect("an id"))
        .collect()
}

/// The ids of the resources of `kind` matching `text`, and the total.
async fn find<S: Store>(store: &S, kind: ResourceKind, text: &str) -> (usize, Vec<String>) {
    let schemas = schemas(kind);
    let f = filter(text);
    let page = store
        .query(kind, &Query::all(&schemas, 100).with_filter(&f))
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    let found = ids(&page).into_iter().map(str::to_owned).collect();
    (page.total_results, found)
}

fn assert_conflict(result: Result<Value, StoreError>, attribute: &str) {
    match result {
        Err(StoreError::Conflict { attribute: a, .. }) => assert_eq!(a, attribute),
        other => panic!("expected a conflict on {attribute}, got {other:?}"),
    }
}

/// Runs every check of the contract on an empty `store`.
pub async fn contract<S: Store>(store: S) {
    create_and_get(&store).await;
    uniqueness(&store).await;
    modify(&store).await;
    queries(&store).await;
    paging_and_sorting(&store).await;
    existing(&store).await;
    deleting_a_user_leaves_its_groups(&store).await;
}

async fn create_and_get<S: Store>(store: &S) {
    let alice = user("u-alice", "Alice", "E-alice");
    assert_eq!(store.create(USER, alice.clone()).await.unwrap(), alice);
    assert_eq!(store.get(USER, "u-alice").await.unwrap(), Some(alice));
    assert_eq!(store.get(USER, "u-nobody").await.unwrap(), None);
    assert_eq!(
        store.get(GROUP, "u-alice").await.unwrap(),
        None,
        "kinds are apart"
    );
    let admins = group("g-admins", "Admins", &["u-alice"]);
    assert_eq!(store.create(GROUP, admins.clone()).await.unwrap(), admins);
    assert_eq!(store.get(GROUP, "g-admins").await.unwrap(), Some(admins));
}

async fn uniqueness<S: Store>(store: &S) {
    // userName is unique case-insensitively (RFC 7643 §4.1.1), also beyond ASCII.
    assert_conflict(
        store.create(USER, user("u-2", "ALICE", "E-2")).await,
        "userName",
    );
    assert_conflict(
        store.create(USER, user("u-2", "alice", "E-2")).await,
        "userName",
    );
    store
        .create(USER, user("u-åsa", "Åsa", "E-åsa"))
        .await
        .unwrap();
    assert_conflict(
        store.create(USER, user("u-2", "ÅSA", "E-2")).await,
        "userName",
    );
    assert_eq!(
        store.get(USER, "u-2").await.unwrap(),
        None,
        "nothing written"
    );
    // Groups by displayName; a user and a group may share a name.
    assert_conflict(
        store.create(GROUP, group("g-2", "ADMINS", &[])).await,
        "displayName",
    );
    store
        .create(GROUP, group("g-alice", "Alice", &[]))
        .await
        .unwrap();
    store.delete(GROUP, "g-alice").await.unwrap();
}

async fn modify<S: Store>(store: &S) {
    let before = store.get(USER, "u-alice").await.unwrap().unwrap();
    let renamed = store
        .modify(USER, "u-alice", |current| {
            let mut next = current.clone();
            next["displayName"] = json!("Alice Liddell");
            next["meta"]["version"] = json!("W/\"2\"");
            Ok(next)
        })
        .await
        .unwrap();
    assert_eq!(renamed["displayName"], "Alice Liddell");
    assert_eq!(
        store.get(USER, "u-alice").await.unwrap(),
        Some(renamed.clone())
    );
    assert_ne!(renamed, before);

    // A refused change writes nothing.
    let refused = store
        .modify(USER, "u-alice", |_| {
            Err(ScimError::new(412, None, "version mismatch"))
        })
        .await;
    assert!(matches!(refused, Err(StoreError::Rejected(e)) if e.status == 412));
    assert_eq!(
        store.get(USER, "u-alice").await.unwrap(),
        Some(renamed.clone())
    );

    // A change to a taken unique value is a conflict and writes nothing.
    let taken = store
        .modify(USER, "u-alice", |current| {
            let mut next = current.clone();
            next["userName"] = json!("åSA");
            Ok(next)
        })
        .await;
    assert_conflict(taken, "userName");
    assert_eq!(
        store.get(USER, "u-alice").await.unwrap(),
        Some(renamed.clone())
    );

    // Changing the case of one's own userName is no conflict.
    let recased = store
        .modify(USER, "u-alice", |current| {
            let mut next = current.clone();
            next["userName"] = json!("alice");
            Ok(next)
        })
        .await
        .unwrap();
    assert_eq!(recased["userName"], "alice");
    let (_, found) = find(store, USER, r#"userName eq "ALICE""#).await;
    assert_eq!(found, ["u-alice"]);

    let missing = store.modify(USER, "u-nobody", |c| Ok(c.clone())).await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
}

async fn queries<S: Store>(store: &S) {
    store
        .create(USER, user("u-bob", "Bob", "E-bob"))
        .await
        .unwrap();
    store
        .create(GROUP, group("g-staff", "Staff", &["u-bob", "u-alice"]))
        .await
        .unwrap();
    let cases: &[(ResourceKind, &str, &[&str])] = &[
        // Indexed: Entra's lookups.
        (USER, r#"userName eq "BOB""#, &["u-bob"]),
        (USER, r#"userName eq "ÅSA""#, &["u-åsa"]),
        (
            USER,
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bob""#,
            &["u-bob"],
        ),
        (USER, r#"externalId eq "E-bob""#, &["u-bob"]),
        (USER, r#"externalId eq "e-bob""#, &[]),
        (USER, r#"displayName eq "bob display""#, &["u-bob"]),
        (USER, r#"id eq "u-bob""#, &["u-bob"]),
        (USER, r#"id eq "U-BOB""#, &[]),
        (USER, r#"userName eq "nobody""#, &[]),
        (GROUP, r#"displayName eq "staff""#, &["g-staff"]),
        (
            GROUP,
            r#"members.value eq "u-alice""#,
            &["g-admins", "g-staff"],
        ),
        (GROUP, r#"members[value eq "u-bob"]"#, &["g-staff"]),
        (GROUP, r#"members.value eq "u-nobody""#, &[]),
        (USER, r#"userName eq "bob" and active eq true"#, &["u-bob"]),
        (USER, r#"userName eq "bob" and active eq false"#, &[]),
        (
            USER,
            r#"userName eq "bob" or externalId eq "E-åsa""#,
            &["u-åsa", "u-bob"],
        ),
        // Scanned.
        (USER, r#"userName sw "b""#, &["u-bob"]),
        (USER, r#"userName ne "bob""#, &["u-alice", "u-åsa"]),
        (USER, "externalId pr", &["u-alice", "u-åsa", "u-bob"]),
        (USER, r#"not (userName eq "bob")"#, &["u-alice", "u-åsa"]),
        (GROUP, r#"displayName co "a""#, &["g-admins", "g-staff"]),
    ];
    for (kind, text, expected) in cases {
        let (total, found) = find(store, *kind, text).await;
        assert_eq!(found, *expected, "{kind} {text}");
        assert_eq!(total, expected.len(), "{kind} {text}");
    }
}

async fn paging_and_sorting<S: Store>(store: &S) {
    // Users so far, in creation order: u-alice, u-åsa, u-bob.
    for i in 0..3 {
        let id = format!("u-p{i}");
        store
            .create(USER, user(&id, &format!("p{i}"), &format!("E-p{i}")))
            .await
            .unwrap();
    }
    let order = ["u-alice", "u-åsa", "u-bob", "u-p0", "u-p1", "u-p2"];
    let s = schemas(USER);
    for (start, count) in [(1, 100), (1, 2), (3, 2), (6, 5), (7, 5), (2, 0)] {
        let page = store
            .query(USER, &Query::all(&s, count).starting_at(start))
            .await
            .unwrap();
        assert_eq!(page.total_results, 6, "start {start} count {count}");
        let expected: Vec<&str> = order.iter().skip(start - 1).take(count).copied().collect();
        assert_eq!(ids(&page), expected, "start {start} count {count}");
    }
    // Paging a filtered query.
    let f = filter(r#"userName sw "p""#);
    let page = store
        .query(USER, &Query::all(&s, 1).with_filter(&f).starting_at(2))
        .await
        .unwrap();
    assert_eq!((page.total_results, ids(&page)), (3, vec!["u-p1"]));
    // Sorting (RFC 7644 §3.4.2.3): userName is caseExact=false.
    let mut sort = Sort::ascending(AttrPath::new("userName", None));
    let page = store
        .query(USER, &Query::all(&s, 100).with_sort(&sort))
        .await
        .unwrap();
    assert_eq!(
        ids(&page),
        ["u-alice", "u-bob", "u-p0", "u-p1", "u-p2", "u-åsa"]
    );
    sort.descending = true;
    let page = store
        .query(USER, &Query::all(&s, 2).with_sort(&sort).with_filter(&f))
        .await
        .unwrap();
    assert_eq!((page.total_results, ids(&page)), (3, vec!["u-p2", "u-p1"]));
}

async fn existing<S: Store>(store: &S) {
    let found = store
        .existing(USER, &["u-bob", "u-nobody", "g-staff", "u-bob", "u-alice"])
        .await
        .unwrap();
    assert_eq!(found, ["u-bob", "u-alice"]);
    assert_eq!(
        store.existing(GROUP, &[]).await.unwrap(),
        Vec::<String>::new()
    );
    let many: Vec<String> = (0..1200).map(|i| format!("u-p{}", i % 4)).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        store.existing(USER, &many).await.unwrap(),
        ["u-p0", "u-p1", "u-p2"]
    );
}

async fn deleting_a_user_leaves_its_groups<S: Store>(store: &S) {
    let staff_before = store.get(GROUP, "g-staff").await.unwrap().unwrap();
    store.delete(USER, "u-alice").await.unwrap();
    assert_eq!(store.get(USER, "u-alice").await.unwrap(), None);
    let staff = store.get(GROUP, "g-staff").await.unwrap().unwrap();
    assert_eq!(
        staff["members"],
        json!([{"value": "u-bob", "type": "User"}])
    );
    assert_ne!(staff["meta"]["version"], staff_before["meta"]["version"]);
    assert_ne!(
        staff["meta"]["lastModified"],
        staff_before["meta"]["lastModified"]
    );
    assert_eq!(staff["meta"]["created"], staff_before["meta"]["created"]);
    let admins = store.get(GROUP, "g-admins").await.unwrap().unwrap();
    assert_eq!(admins["members"], json!([]));
    let (total, _) = find(store, GROUP, r#"members.value eq "u-alice""#).await;
    assert_eq!(total, 0);
    let (_, found) = find(store, GROUP, r#"members.value eq "u-bob""#).await;
    assert_eq!(found, ["g-staff"]);
    // The name is free again.
    store
        .create(USER, user("u-alice2", "Alice", "E-alice"))
        .await
        .unwrap();

    let missing = store.delete(USER, "u-alice").await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );
    store.delete(GROUP, "g-admins").await.unwrap();
    assert_eq!(store.get(GROUP, "g-admins").await.unwrap(), None);
    // A deleted group's membership goes with it.
    let (_, found) = find(store, GROUP, r#"members.value eq "u-bob""#).await;
    assert_eq!(found, ["g-staff"]);
    // Users' displayName does not collide with groups' names.
    let (_, found) = find(store, USER, r#"displayName eq "STAFF""#).await;
    assert!(found.is_empty());
}

/// 16 tasks add one distinct member each to one group at once, alternating between `a` and
/// `b` (two instances on one database): every addition survives.
pub async fn concurrent_member_additions<S: Store + Clone>(a: S, b: S) {
    for i in 0..16 {
        a.create(
            USER,
            user(&format!("m{i}"), &format!("member{i}"), &format!("E-m{i}")),
        )
        .await
        .unwrap();
    }
    a.create(GROUP, group("g-batch", "Batch", &[]))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move {
                let member = format!("m{i}");
                store
                    .modify(GROUP, "g-batch", move |current| {
                        Ok(add_member(current, &member))
                    })
                    .await
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task").expect("modify");
    }
    for store in [&a, &b] {
        let g = store.get(GROUP, "g-batch").await.unwrap().unwrap();
        let mut members: Vec<&str> = g["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_str().unwrap())
            .collect();
        members.sort_unstable();
        let mut expected: Vec<String> = (0..16).map(|i| format!("m{i}")).collect();
        expected.sort_unstable();
        assert_eq!(members, expected);
        let (total, _) = find(store, GROUP, r#"members.value eq "m7""#).await;
        assert_eq!(total, 1);
    }
}

/// 16 creates of one userName (in different cases) at once through `a` and `b`: exactly one
/// succeeds, fifteen are conflicts.
pub async fn concurrent_creates<S: Store + Clone>(a: S, b: S) {
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = if i % 2 == 0 { a.clone() } else { b.clone() };
            let name = if i % 3 == 0 { "Racer" } else { "racer" };
            let u = user(&format!("r{i}"), name, &format!("E-r{i}"));
            tokio::spawn(async move { store.create(USER, u).await })
        })
        .collect();
    let (mut ok, mut conflicts) = (0, 0);
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict { attribute, .. }) => {
                assert_eq!(attribute, "userName");
                conflicts += 1;
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!((ok, conflicts), (1, 15));
    let (total, _) = find(&a, USER, r#"userName eq "RACER""#).await;
    assert_eq!(total, 1);
}

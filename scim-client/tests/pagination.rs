//! Pagination streams: many pages, short pages, an endpoint that ignores startIndex, and a
//! totalResults that changes mid-way.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use common::{TestUser, builder, serve};
use futures::TryStreamExt;
use scim2_client::{Error, Query};
use scim2_filter::Filter;
use serde_json::{Value, json};

/// How the fake endpoint pages.
#[derive(Clone)]
struct Pager {
    /// How many users exist now.
    total: Arc<AtomicU64>,
    /// At most this many per page, whatever `count` says (0 = no cap).
    max_page: u64,
    /// Always answer the first page.
    ignore_start_index: bool,
    /// Serve only the first this many users, then start over (0 = never).
    wrap_after: u64,
    /// Added to `total` after each page served (may be negative).
    grow_per_page: i64,
    /// startIndex values requested.
    requested: Arc<Mutex<Vec<u64>>>,
    requests: Arc<AtomicUsize>,
    /// Query strings (GET) or bodies (POST) received.
    seen: Arc<Mutex<Vec<String>>>,
}

impl Pager {
    fn new(total: u64) -> Self {
        Self {
            total: Arc::new(AtomicU64::new(total)),
            max_page: 0,
            ignore_start_index: false,
            wrap_after: 0,
            grow_per_page: 0,
            requested: Arc::default(),
            requests: Arc::default(),
            seen: Arc::default(),
        }
    }

    fn page(&self, start: u64, count: Option<u64>) -> Response {
        self.requests.fetch_add(1, Ordering::SeqCst);
        self.requested.lock().unwrap().push(start);
        let total = self.total.load(Ordering::SeqCst);
        let start = if self.ignore_start_index {
            1
        } else if self.wrap_after > 0 {
            (start.max(1) - 1) % self.wrap_after + 1
        } else {
            start.max(1)
        };
        let mut n = count.unwrap_or(50);
        if self.max_page > 0 {
            n = n.min(self.max_page);
        }
        let end = total.min(start - 1 + n);
        let users: Vec<Value> = (start..=end)
            .map(|i| json!({"id": format!("u{i}"), "userName": format!("user{i}")}))
            .collect();
        let after = (total as i64 + self.grow_per_page).max(0) as u64;
        self.total.store(after, Ordering::SeqCst);
        (
            [("content-type", "application/scim+json")],
            json!({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                   "totalResults": total, "startIndex": start,
                   "itemsPerPage": users.len(), "Resources": users})
            .to_string(),
        )
            .into_response()
    }
}

async fn list(State(p): State<Pager>, RawQuery(q): RawQuery) -> Response {
    let q = q.unwrap_or_default();
    p.seen.lock().unwrap().push(q.clone());
    let pairs: BTreeMap<String, String> = url::form_urlencoded::parse(q.as_bytes())
        .into_owned()
        .collect();
    let start = pairs.get("startIndex").map_or(1, |s| s.parse().unwrap());
    let count = pairs.get("count").map(|s| s.parse().unwrap());
    p.page(start, count)
}

async fn search(State(p): State<Pager>, body: String) -> Response {
    p.seen.lock().unwrap().push(body.clone());
    let v: Value = serde_json::from_str(&body).unwrap();
    p.page(v["startIndex"].as_u64().unwrap_or(1), v["count"].as_u64())
}

async fn start(p: &Pager) -> String {
    let router = Router::new()
        .route("/scim/Users", get(list))
        .route("/scim/Users/.search", post(search))
        .with_state(p.clone());
    format!("{}/scim", serve(router).await)
}

fn names(users: &[TestUser]) -> Vec<String> {
    users.iter().map(|u| u.user_name.clone()).collect()
}

fn expected(range: std::ops::RangeInclusive<u64>) -> Vec<String> {
    range.map(|i| format!("user{i}")).collect()
}

#[tokio::test]
async fn many_pages_in_order() {
    let p = Pager::new(1234);
    let client = builder(&start(&p).await).build().unwrap();
    let users: Vec<TestUser> = client
        .stream(Query::new().filter(Filter::present("userName")).count(100))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names(&users), expected(1..=1234));
    // 13 pages, and no request past the end.
    assert_eq!(p.requests.load(Ordering::SeqCst), 13);
    assert_eq!(
        *p.requested.lock().unwrap(),
        (0..13).map(|i| 1 + i * 100).collect::<Vec<_>>()
    );
    let first = p.seen.lock().unwrap()[0].clone();
    assert_eq!(first, "filter=userName+pr&startIndex=1&count=100");
}

#[tokio::test]
async fn short_pages_advance_by_what_was_returned() {
    let mut p = Pager::new(95);
    p.max_page = 10; // asked for 40, gets 10
    let client = builder(&start(&p).await).build().unwrap();
    let users: Vec<TestUser> = client
        .stream(Query::new().count(40))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names(&users), expected(1..=95));
    assert_eq!(p.requested.lock().unwrap()[..3], [1, 11, 21]);
}

#[tokio::test]
async fn endpoint_ignoring_start_index_is_an_error_not_a_loop() {
    let mut p = Pager::new(500);
    p.ignore_start_index = true;
    let client = builder(&start(&p).await).build().unwrap();
    let mut stream = std::pin::pin!(client.stream::<TestUser>(Query::new().count(50)));
    let mut got = 0;
    let err = loop {
        match stream.try_next().await {
            Ok(Some(_)) => got += 1,
            Ok(None) => panic!("stream ended without noticing the loop"),
            Err(e) => break e,
        }
    };
    assert_eq!(got, 50, "the first page is delivered once");
    let Error::PaginationLoop {
        start_index,
        previous_start,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*start_index, *previous_start), (51, 1));
    assert!(err.to_string().contains("ignores startIndex"), "{err}");
    assert_eq!(p.requests.load(Ordering::SeqCst), 2);
    assert!(
        stream.try_next().await.unwrap().is_none(),
        "ends after the error"
    );
}

/// An endpoint that starts over after some pages (here: from startIndex 101 on it serves the
/// first page again) is caught when an earlier page, not only the previous one, comes back;
/// the stream never delivers the same users twice.
#[tokio::test]
async fn endpoint_starting_over_is_an_error_not_duplicates() {
    let mut p = Pager::new(500);
    p.wrap_after = 100;
    let client = builder(&start(&p).await).build().unwrap();
    let mut stream = std::pin::pin!(client.stream::<TestUser>(Query::new().count(50)));
    let mut users = Vec::new();
    let err = loop {
        match stream.try_next().await {
            Ok(Some(u)) => users.push(u),
            Ok(None) => panic!("stream ended after {} users without noticing", users.len()),
            Err(e) => break e,
        }
    };
    assert_eq!(names(&users), expected(1..=100));
    let Error::PaginationLoop {
        start_index,
        previous_start,
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!((*start_index, *previous_start), (101, 1));
    assert_eq!(p.requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn total_results_growing_mid_way_is_followed() {
    let mut p = Pager::new(100);
    p.grow_per_page = 15; // users are being added while we page
    let client = builder(&start(&p).await).build().unwrap();
    let users: Vec<TestUser> = client
        .stream(Query::new().count(50))
        .try_collect()
        .await
        .unwrap();
    // Pages at 1 (total 100), 51 (total 115), 101 (total 130, 30 users): the latest
    // totalResults is reached, so no fourth request.
    assert_eq!(names(&users), expected(1..=130));
    assert_eq!(*p.requested.lock().unwrap(), vec![1, 51, 101]);
}

#[tokio::test]
async fn total_results_shrinking_mid_way_stops_without_error() {
    let mut p = Pager::new(200);
    p.grow_per_page = -70;
    let client = builder(&start(&p).await).build().unwrap();
    let users: Vec<TestUser> = client
        .stream(Query::new().count(50))
        .try_collect()
        .await
        .unwrap();
    // Page 1: total 200 → 1..=50; page 2: total 130 → 51..=100; page 3: total 60 → empty.
    assert_eq!(names(&users), expected(1..=100));
    assert_eq!(*p.requested.lock().unwrap(), vec![1, 51, 101]);
}

#[tokio::test]
async fn empty_result_and_start_index_offset() {
    let p = Pager::new(0);
    let client = builder(&start(&p).await).build().unwrap();
    let users: Vec<TestUser> = client.stream(Query::new()).try_collect().await.unwrap();
    assert!(users.is_empty());
    assert_eq!(p.requests.load(Ordering::SeqCst), 1);

    let p = Pager::new(30);
    let client = builder(&start(&p).await).build().unwrap();
    let users: Vec<TestUser> = client
        .stream(Query::new().start_index(21).count(4))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names(&users), expected(21..=30));
}

#[tokio::test]
async fn search_stream_pages_with_post() {
    let p = Pager::new(120);
    let client = builder(&start(&p).await).build().unwrap();
    let users: Vec<TestUser> = client
        .search_stream(Query::new().filter(Filter::eq("active", true)).count(50))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names(&users), expected(1..=120));
    let bodies = p.seen.lock().unwrap().clone();
    assert_eq!(bodies.len(), 3);
    let last: Value = serde_json::from_str(&bodies[2]).unwrap();
    assert_eq!(last["startIndex"], 101);
    assert_eq!(last["filter"], "active eq true");
    assert_eq!(
        last["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    );
}

#[tokio::test]
async fn pages_stream_yields_list_responses() {
    let p = Pager::new(25);
    let client = builder(&start(&p).await).build().unwrap();
    let pages: Vec<scim2_types::ListResponse<TestUser>> = client
        .pages(Query::new().count(10))
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.resources.len()).collect();
    assert_eq!(sizes, vec![10, 10, 5]);
    assert_eq!(pages[2].start_index, Some(21));
    assert_eq!(pages[0].total_results, 25);
}

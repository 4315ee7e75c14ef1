//! Reading every user and group of an endpoint into an [`Index`], page by page, with GET
//! only (RFC 7644 §3.4.2: `startIndex` and `count`, §3.4.2.4).
//!
//! With a concurrency of 1 the pages come from scim2-client's pagination stream
//! ([`Client::pages`]), one after another. With more, the first page gives `totalResults`
//! and the page size the endpoint really uses; the remaining ranges are then read in
//! parallel (each range re-asked from where a short page stopped), at most `concurrency`
//! requests in flight per endpoint. Either way the client's retry policy and rate limit
//! apply to every request, and only one page per request in flight is held in memory.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::{StreamExt, TryStreamExt, stream};
use scim2_client::{Client, Error, Query};
use scim2_filter::AttrPath;
use scim2_types::ResourceKind;
use scim2_types::{ListResponse, Resource};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Semaphore;

use super::diff::{Comparer, Comparison, Directory, Side};
use super::index::{Entry, Extractor};
use super::json::{Json, JsonRef};
use crate::mapping::{Mapping, TargetPath};

/// A user as read from the wire (kept as JSON until indexed).
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WireUser(pub Value);

/// A group as read from the wire.
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WireGroup(pub Value);

impl Resource for WireUser {
    const ENDPOINT: &'static str = "/Users";
    const SCHEMA: &'static str = scim2_types::urn::USER;
    const RESOURCE_TYPE: &'static str = "User";
    fn id(&self) -> Option<&str> {
        self.0.get("id").and_then(Value::as_str)
    }
}

impl Resource for WireGroup {
    const ENDPOINT: &'static str = "/Groups";
    const SCHEMA: &'static str = scim2_types::urn::GROUP;
    const RESOURCE_TYPE: &'static str = "Group";
    fn id(&self) -> Option<&str> {
        self.0.get("id").and_then(Value::as_str)
    }
}

/// A user as listed for the comparison (a lighter document than [`WireUser`]).
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ListedUser(pub Json);

/// A group as listed for the comparison.
#[derive(Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ListedGroup(pub Json);

impl Resource for ListedUser {
    const ENDPOINT: &'static str = "/Users";
    const SCHEMA: &'static str = scim2_types::urn::USER;
    const RESOURCE_TYPE: &'static str = "User";
    fn id(&self) -> Option<&str> {
        self.0.root().get("id").and_then(JsonRef::as_str)
    }
}

impl Resource for ListedGroup {
    const ENDPOINT: &'static str = "/Groups";
    const SCHEMA: &'static str = scim2_types::urn::GROUP;
    const RESOURCE_TYPE: &'static str = "Group";
    fn id(&self) -> Option<&str> {
        self.0.root().get("id").and_then(JsonRef::as_str)
    }
}

trait Wire: Resource {
    const KIND: ResourceKind;
    fn json(&self) -> &Json;
}

impl Wire for ListedUser {
    const KIND: ResourceKind = ResourceKind::User;
    fn json(&self) -> &Json {
        &self.0
    }
}

impl Wire for ListedGroup {
    const KIND: ResourceKind = ResourceKind::Group;
    fn json(&self) -> &Json {
        &self.0
    }
}

/// How to read an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// The `count` asked for per page.
    pub page_size: u64,
    /// The most requests in flight per endpoint (users and groups together).
    pub concurrency: usize,
}

impl Default for ReadOptions {
    /// 100 per page, 4 requests in flight.
    fn default() -> Self {
        Self {
            page_size: 100,
            concurrency: 4,
        }
    }
}

/// How far the reading of one resource type of one endpoint got.
#[derive(Debug, Default)]
pub struct Counter {
    read: AtomicU64,
    /// `totalResults` of the latest page; `u64::MAX` until the first page.
    total: AtomicU64,
}

impl Counter {
    fn new() -> Self {
        Self {
            read: AtomicU64::new(0),
            total: AtomicU64::new(u64::MAX),
        }
    }

    /// Resources read so far.
    #[must_use]
    pub fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// The `totalResults` the endpoint announced, once a page has arrived.
    #[must_use]
    pub fn total(&self) -> Option<u64> {
        Some(self.total.load(Ordering::Relaxed)).filter(|t| *t != u64::MAX)
    }

    fn page(&self, n: usize, total: u64) {
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
}

/// The progress of reading one endpoint, shared with progress bars and error messages.
#[derive(Debug)]
pub struct SideProgress {
    /// Which endpoint.
    pub side: Side,
    /// Users.
    pub users: Counter,
    /// Groups.
    pub groups: Counter,
}

impl SideProgress {
    /// Nothing read yet.
    #[must_use]
    pub fn new(side: Side) -> Self {
        Self {
            side,
            users: Counter::new(),
            groups: Counter::new(),
        }
    }

    /// `300 of 1000 users and 5 of 5 groups`.
    #[must_use]
    pub fn describe(&self) -> String {
        let one = |c: &Counter, what: &str| match c.total() {
            Some(t) => format!("{} of {t} {what}", c.read()),
            None => format!("{} {what} (no page received yet)", c.read()),
        };
        format!(
            "{} and {}",
            one(&self.users, "users"),
            one(&self.groups, "groups")
        )
    }
}

/// Reading an endpoint failed.
#[derive(Debug, thiserror::Error)]
#[error("could not read the {side} endpoint {url}: {source}", side = .side.as_str())]
pub struct ReadError {
    /// Which endpoint.
    pub side: Side,
    /// Its base URL.
    pub url: String,
    /// What it was reading.
    pub kind: ResourceKind,
    /// How far it got, in words (`300 of 1000 users and 5 of 5 groups`).
    pub progress: String,
    /// The client error that stopped it.
    #[source]
    pub source: Error,
}

/// The attributes asked for (RFC 7644 §3.4.2.5): every mapped attribute, the matching
/// attributes and, for groups, `members` (which some endpoints leave out by default).
fn projection(kind: ResourceKind, targets: &[TargetPath]) -> Vec<AttrPath> {
    let mut names: Vec<String> = match kind {
        ResourceKind::User => vec!["userName".into(), "externalId".into()],
        ResourceKind::Group => vec!["displayName".into(), "externalId".into(), "members".into()],
    };
    for t in targets {
        let b = t.base();
        if !names.iter().any(|n| n.eq_ignore_ascii_case(&b)) {
            names.push(b);
        }
    }
    names
        .iter()
        .map(|n| match n.rfind(':') {
            Some(c) if n.starts_with("urn:") => AttrPath::with_uri(&n[..c], &n[c + 1..], None),
            _ => AttrPath::new(n, None),
        })
        .collect()
}

/// Reads both endpoints at the same time (users and groups of each in parallel) and
/// compares them as the pages arrive ([`Comparer`]): the pages of both sides are in flight
/// together, so that a resource usually meets its partner soon after it is read and only its
/// compact keys are kept. Returns the comparison and the `from` directory's compact entries.
///
/// Memory: the compact keys of every resource (about 150 bytes a user), plus the values of
/// the resources still waiting for their partner: a few pages' worth when both endpoints
/// list in the same order, up to one side's values when their orders differ.
///
/// # Errors
/// The first [`ReadError`] of either side.
pub async fn read_and_compare(
    from: &Client,
    to: &Client,
    mapping: &Mapping,
    opts: ReadOptions,
    progress: [Arc<SideProgress>; 2],
) -> Result<(Comparison, Directory), ReadError> {
    let url = |c: &Client| {
        c.base_url()
            .as_url()
            .as_str()
            .trim_end_matches('/')
            .to_owned()
    };
    let comparer = Mutex::new(Comparer::new(mapping, &url(from), &url(to)));
    let sink = |side: Side| {
        let comparer = &comparer;
        move |kind: ResourceKind, batch: Vec<Entry>| {
            let mut c = comparer.lock().unwrap_or_else(PoisonError::into_inner);
            for e in batch {
                c.push(side, kind, e);
            }
        }
    };
    let (sink_from, sink_to) = (sink(Side::From), sink(Side::To));
    let [pf, pt] = progress;
    tokio::try_join!(
        read_side(from, mapping, opts, &pf, &sink_from),
        read_side(to, mapping, opts, &pt, &sink_to),
    )?;
    Ok(comparer
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .finish())
}

/// Where the entries of each page go, in reading order per kind.
type Sink<'a> = dyn Fn(ResourceKind, Vec<Entry>) + Sync + 'a;

async fn read_side(
    client: &Client,
    mapping: &Mapping,
    opts: ReadOptions,
    progress: &SideProgress,
    sink: &Sink<'_>,
) -> Result<(), ReadError> {
    let permits = Semaphore::new(opts.concurrency.max(1));
    let users = read_all::<ListedUser>(
        client,
        &mapping.users,
        opts,
        &permits,
        &progress.users,
        sink,
    );
    let groups = read_all::<ListedGroup>(
        client,
        &mapping.groups,
        opts,
        &permits,
        &progress.groups,
        sink,
    );
    let url = client.base_url().as_url().to_string();
    let fail = |kind: ResourceKind, source: Error| ReadError {
        side: progress.side,
        url: url.clone(),
        kind,
        progress: progress.describe(),
        source,
    };
    tokio::try_join!(
        async { users.await.map_err(|e| fail(ResourceKind::User, e)) },
        async { groups.await.map_err(|e| fail(ResourceKind::Group, e)) },
    )?;
    Ok(())
}

fn entries<R: Wire>(resources: &[R], rows: &Extractor<'_>) -> Vec<Entry> {
    resources.iter().map(|r| rows.read(r.json())).collect()
}

async fn read_all<R: Wire>(
    client: &Client,
    targets: &[TargetPath],
    opts: ReadOptions,
    permits: &Semaphore,
    counter: &Counter,
    sink: &Sink<'_>,
) -> Result<(), Error> {
    let rows = Extractor::new(R::KIND, targets);
    let base = Query::new()
        .attributes(projection(R::KIND, targets))
        .count(opts.page_size.max(1));
    if opts.concurrency <= 1 {
        let mut pages = std::pin::pin!(client.pages::<R>(base));
        loop {
            let page = {
                let _permit = permits.acquire().await;
                pages.try_next().await?
            };
            let Some(page) = page else { break };
            counter.page(page.resources.len(), page.total_results);
            sink(R::KIND, entries(&page.resources, &rows));
        }
        return Ok(());
    }
    let first: ListResponse<R> = {
        let _permit = permits.acquire().await;
        client.list(&base.clone().start_index(1)).await?
    };
    let step = first.resources.len() as u64;
    let total = first.total_results;
    counter.page(first.resources.len(), total);
    sink(R::KIND, entries(&first.resources, &rows));
    let first_id = first
        .resources
        .first()
        .and_then(Resource::id)
        .map(str::to_owned);
    drop(first);
    if step == 0 || step >= total {
        return Ok(());
    }
    let starts = (1..).map(|k| 1 + k * step).take_while(|s| *s <= total);
    let rows = &rows;
    let ranges =
        stream::iter(starts.map(|start| {
            let base = base.clone();
            let first_id = first_id.clone();
            async move {
                read_range::<R>(client, base, start, step, permits, counter, rows, first_id).await
            }
        }))
        .buffered(opts.concurrency);
    let mut ranges = std::pin::pin!(ranges);
    while let Some(batch) = ranges.try_next().await? {
        sink(R::KIND, batch);
    }
    Ok(())
}

/// Reads `[start, start + len)`, asking again from where a short page stopped; stops early at
/// an empty page or at `totalResults`.
#[allow(clippy::too_many_arguments)]
async fn read_range<R: Wire>(
    client: &Client,
    base: Query,
    start: u64,
    len: u64,
    permits: &Semaphore,
    counter: &Counter,
    rows: &Extractor<'_>,
    first_id: Option<String>,
) -> Result<Vec<Entry>, Error> {
    let mut out = Vec::new();
    let mut next = start;
    let end = start + len;
    while next < end {
        let q = base.clone().start_index(next).count(end - next);
        let page: ListResponse<R> = {
            let _permit = permits.acquire().await;
            client.list(&q).await?
        };
        let n = page.resources.len() as u64;
        if n == 0 {
            break;
        }
        let page_first = page.resources.first().and_then(Resource::id);
        if next > 1 && first_id.is_some() && page_first == first_id.as_deref() {
            let mut url = client.base_url().join(R::ENDPOINT)?;
            url.set_query(Some(&q.to_query_string()));
            return Err(Error::PaginationLoop {
                url: url.to_string(),
                start_index: next,
                previous_start: 1,
            });
        }
        let take = usize::try_from(n.min(end - next)).unwrap_or(usize::MAX);
        counter.page(take, page.total_results);
        out.extend(
            page.resources
                .iter()
                .take(take)
                .map(|r| rows.read(r.json())),
        );
        next += n;
        if next > page.total_results {
            break;
        }
    }
    Ok(out)
}

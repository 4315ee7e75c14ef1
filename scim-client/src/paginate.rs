//! Pagination streams (RFC 7644 §3.4.2.4): every page of a query, one after another.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use futures::{Stream, TryStreamExt, stream};
use scim2_types::{ListResponse, Resource};

use crate::{Client, Error, Query};

/// Fetches pages by GET or by POST `/.search`.
#[derive(Debug, Clone, Copy)]
enum Via {
    Get,
    Search,
}

struct State {
    client: Client,
    query: Query,
    via: Via,
    /// The 1-based index to ask for next.
    next: u64,
    /// The fingerprint of every page delivered, with its start index (16 bytes a page), so
    /// that an endpoint serving an earlier page again, not only the previous one, is caught.
    seen: HashMap<u64, u64>,
    done: bool,
}

impl Client {
    /// All pages of a query, fetched by GET one after another, starting at
    /// `query.start_index` (default 1) with `query.count` per page.
    ///
    /// Each next `startIndex` is the previous one plus the number of resources actually
    /// returned, so short pages are fine. The stream ends on an empty page or once
    /// `totalResults` (as reported by the latest page) is reached. A page identical to the
    /// previous one (an endpoint that ignores `startIndex`) ends it with
    /// [`Error::PaginationLoop`]. Only one page is held at a time.
    pub fn pages<R: Resource>(
        &self,
        query: Query,
    ) -> impl Stream<Item = Result<ListResponse<R>, Error>> + Send + 'static {
        self.page_stream(query, Via::Get)
    }

    /// Every resource matching a query, across all pages (see [`Client::pages`]).
    ///
    /// ```no_run
    /// # use scim2_types::Resource;
    /// # async fn demo<User: Resource>(client: scim2_client::Client) -> Result<(), scim2_client::Error> {
    /// use futures::TryStreamExt;
    /// use scim2_client::Query;
    /// use scim2_filter::Filter;
    /// let mut users = std::pin::pin!(client.stream::<User>(
    ///     Query::new().filter(Filter::eq("active", true)).count(200),
    /// ));
    /// while let Some(user) = users.try_next().await? {
    ///     println!("{:?}", user.id());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stream<R: Resource>(
        &self,
        query: Query,
    ) -> impl Stream<Item = Result<R, Error>> + Send + 'static {
        flatten(self.page_stream(query, Via::Get))
    }

    /// Like [`Client::stream`], with each page fetched by POST `/.search` (RFC 7644 §3.4.3).
    pub fn search_stream<R: Resource>(
        &self,
        query: Query,
    ) -> impl Stream<Item = Result<R, Error>> + Send + 'static {
        flatten(self.page_stream(query, Via::Search))
    }

    fn page_stream<R: Resource>(
        &self,
        query: Query,
        via: Via,
    ) -> impl Stream<Item = Result<ListResponse<R>, Error>> + Send + 'static {
        let state = State {
            client: self.clone(),
            next: query.start_index.unwrap_or(1).max(1),
            query,
            via,
            seen: HashMap::new(),
            done: false,
        };
        stream::try_unfold(state, next_page::<R>)
    }
}

fn flatten<R: Send + 'static>(
    pages: impl Stream<Item = Result<ListResponse<R>, Error>> + Send + 'static,
) -> impl Stream<Item = Result<R, Error>> + Send + 'static {
    pages
        .map_ok(|page| stream::iter(page.resources.into_iter().map(Ok)))
        .try_flatten()
}

async fn next_page<R: Resource>(mut st: State) -> Result<Option<(ListResponse<R>, State)>, Error> {
    if st.done {
        return Ok(None);
    }
    let mut q = st.query.clone();
    q.start_index = Some(st.next);
    let page: ListResponse<R> = match st.via {
        Via::Get => st.client.list(&q).await?,
        Via::Search => st.client.search(&q).await?,
    };
    let n = page.resources.len() as u64;
    if n == 0 {
        return Ok(None);
    }
    let fp = fingerprint(&page.resources);
    if let Some(&previous_start) = st.seen.get(&fp) {
        let mut url = st.client.inner.base.join(R::ENDPOINT)?;
        url.set_query(Some(&q.to_query_string()));
        return Err(Error::PaginationLoop {
            url: url.to_string(),
            start_index: st.next,
            previous_start,
        });
    }
    st.seen.insert(fp, st.next);
    st.next = st.next.saturating_add(n);
    if st.next > page.total_results {
        st.done = true;
    }
    tracing::trace!(
        endpoint = R::ENDPOINT,
        next = st.next,
        total = page.total_results,
        "page"
    );
    Ok(Some((page, st)))
}

/// Identifies a page by its resources' ids (or their JSON, for resources without ids).
fn fingerprint<R: Resource>(resources: &[R]) -> u64 {
    let mut h = DefaultHasher::new();
    resources.len().hash(&mut h);
    for r in resources {
        match r.id() {
            Some(id) => id.hash(&mut h),
            None => serde_json::to_vec(r).unwrap_or_default().hash(&mut h),
        }
    }
    h.finish()
}

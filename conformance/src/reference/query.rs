//! Query parameters of list and search requests (RFC 7644 §3.4.2, §3.4.3) and pagination.

use scim2_types::{ScimType, SearchRequest, SortOrder};

use super::error::ApiError;
use super::projection::{Projection, split_list};

/// The page size when a query gives no `count`.
pub(crate) const DEFAULT_PAGE: usize = 100;
/// The largest page the endpoint returns (advertised as `filter.maxResults`).
pub(crate) const MAX_PAGE: usize = 1000;

/// The parameters of one query.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListParams {
    pub(crate) filter: Option<String>,
    pub(crate) projection: Projection,
    pub(crate) sort_by: Option<String>,
    pub(crate) descending: bool,
    pub(crate) start_index: Option<i64>,
    pub(crate) count: Option<i64>,
}

/// Query-string pairs, decoded (`+` as space, percent-escapes), names as sent.
pub(crate) fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    })
    .unwrap_or_default()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `attributes` / `excludedAttributes` of any request (RFC 7644 §3.9).
pub(crate) fn projection(pairs: &[(String, String)]) -> Projection {
    Projection {
        attributes: param(pairs, "attributes")
            .map(split_list)
            .unwrap_or_default(),
        excluded: param(pairs, "excludedAttributes")
            .map(split_list)
            .unwrap_or_default(),
    }
}

fn integer(pairs: &[(String, String)], name: &str) -> Result<Option<i64>, ApiError> {
    param(pairs, name)
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                ApiError::bad_request(
                    ScimType::InvalidValue,
                    format!("`{name}` must be an integer, got `{v}`"),
                )
            })
        })
        .transpose()
}

fn descending(order: Option<&str>) -> Result<bool, ApiError> {
    match order {
        None => Ok(false),
        Some(o) if o.eq_ignore_ascii_case("ascending") => Ok(false),
        Some(o) if o.eq_ignore_ascii_case("descending") => Ok(true),
        Some(o) => Err(ApiError::invalid_value(format!(
            "`sortOrder` must be `ascending` or `descending`, got `{o}`"
        ))),
    }
}

/// The parameters of `GET /Users?…` (RFC 7644 §3.4.2).
pub(crate) fn from_query(raw: Option<&str>) -> Result<ListParams, ApiError> {
    let pairs = pairs(raw);
    Ok(ListParams {
        filter: param(&pairs, "filter").map(str::to_owned),
        projection: projection(&pairs),
        sort_by: param(&pairs, "sortBy").map(str::to_owned),
        descending: descending(param(&pairs, "sortOrder"))?,
        start_index: integer(&pairs, "startIndex")?,
        count: integer(&pairs, "count")?,
    })
}

/// The parameters of `POST /.search` (RFC 7644 §3.4.3).
pub(crate) fn from_search(req: SearchRequest) -> ListParams {
    ListParams {
        filter: req.filter,
        projection: Projection {
            attributes: req.attributes.unwrap_or_default(),
            excluded: req.excluded_attributes.unwrap_or_default(),
        },
        sort_by: req.sort_by,
        descending: req.sort_order == Some(SortOrder::Descending),
        start_index: req
            .start_index
            .map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
        count: req.count.map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
    }
}

/// The 1-based start and the page length (RFC 7644 §3.4.2.4: `startIndex` below 1 is 1, a
/// negative `count` is 0; `count` is capped at [`MAX_PAGE`]).
pub(crate) fn page(start_index: Option<i64>, count: Option<i64>) -> (usize, usize) {
    let start = usize::try_from(start_index.unwrap_or(1).max(1)).unwrap_or(usize::MAX);
    let count = count.map_or(DEFAULT_PAGE, |c| {
        usize::try_from(c.max(0)).unwrap_or(usize::MAX)
    });
    (start, count.min(MAX_PAGE))
}

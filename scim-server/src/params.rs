//! Query parameters of list and search requests (RFC 7644 §3.4.2, §3.4.3) and of any request
//! that returns resources (`attributes`, `excludedAttributes`, §3.9).

use scim2_types::{ScimError, ScimType, SearchRequest, SortOrder};

use crate::error::{bad_request, invalid_value};
use crate::projection::{Projection, split_list};

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
pub(crate) fn projection(raw: Option<&str>) -> Projection {
    let pairs = pairs(raw);
    projection_of(&pairs)
}

fn projection_of(pairs: &[(String, String)]) -> Projection {
    Projection {
        attributes: param(pairs, "attributes")
            .map(split_list)
            .unwrap_or_default(),
        excluded: param(pairs, "excludedAttributes")
            .map(split_list)
            .unwrap_or_default(),
    }
}

fn integer(pairs: &[(String, String)], name: &str) -> Result<Option<i64>, ScimError> {
    param(pairs, name)
        .map(|v| {
            v.trim().parse::<i64>().map_err(|_| {
                bad_request(
                    ScimType::InvalidValue,
                    format!("`{name}` must be an integer, got `{v}`"),
                )
            })
        })
        .transpose()
}

fn descending(order: Option<&str>) -> Result<bool, ScimError> {
    match order {
        None => Ok(false),
        Some(o) if o.eq_ignore_ascii_case("ascending") => Ok(false),
        Some(o) if o.eq_ignore_ascii_case("descending") => Ok(true),
        Some(o) => Err(invalid_value(format!(
            "`sortOrder` must be `ascending` or `descending`, got `{o}`"
        ))),
    }
}

/// The parameters of `GET /Users?…` (RFC 7644 §3.4.2).
pub(crate) fn from_query(raw: Option<&str>) -> Result<ListParams, ScimError> {
    let pairs = pairs(raw);
    Ok(ListParams {
        filter: param(&pairs, "filter").map(str::to_owned),
        projection: projection_of(&pairs),
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
/// negative `count` is 0; `count` is capped at `max`).
pub(crate) fn page(
    start_index: Option<i64>,
    count: Option<i64>,
    default: usize,
    max: usize,
) -> (usize, usize) {
    let start = usize::try_from(start_index.unwrap_or(1).max(1)).unwrap_or(usize::MAX);
    let count = count.map_or(default, |c| usize::try_from(c.max(0)).unwrap_or(usize::MAX));
    (start, count.min(max))
}

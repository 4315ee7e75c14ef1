//! Query results and search requests (RFC 7644 §3.4.2, §3.4.3).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Serialize};

use crate::attr::KeySeed;
use crate::urn;

/// A query response (RFC 7644 §3.4.2): one page of resources plus paging information.
///
/// ```
/// use scim2_types::ListResponse;
/// let page: ListResponse<serde_json::Value> = serde_json::from_str(
///     r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
///         "totalResults":0,"Resources":[],"startIndex":1,"itemsPerPage":0}"#,
/// ).unwrap();
/// assert_eq!(page.total_results, 0);
/// ```
///
/// Reading matches member names ASCII case-insensitively (RFC 7643 §2.1) and, when
/// `totalResults` or `itemsPerPage` comes before `Resources` (as servers write them), reserves
/// room for the page's resources once instead of growing the list as it is read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    /// The message schemas; [`urn::LIST_RESPONSE`].
    #[serde(default = "list_schemas")]
    pub schemas: Vec<String>,
    /// The total number of results the query matched (REQUIRED).
    pub total_results: u64,
    /// The resources of this page (REQUIRED when `totalResults` is not zero). Always written,
    /// as `[]` when empty: Entra ID's Test Connection expects `"Resources": []` for no match
    /// (docs/entra.md#test-connection).
    #[serde(rename = "Resources", default)]
    pub resources: Vec<T>,
    /// The 1-based index of the first result of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    /// The number of results on this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_per_page: Option<u64>,
}

fn list_schemas() -> Vec<String> {
    vec![urn::LIST_RESPONSE.to_owned()]
}

impl<T> ListResponse<T> {
    /// A page of `resources` out of `total_results`, starting at the 1-based `start_index`.
    #[must_use]
    pub fn new(resources: Vec<T>, total_results: u64, start_index: u64) -> Self {
        Self {
            schemas: list_schemas(),
            total_results,
            items_per_page: Some(resources.len() as u64),
            resources,
            start_index: Some(start_index),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for ListResponse<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ListVisitor(PhantomData))
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for ListVisitor<T> {
    type Value = ListResponse<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ListResponse object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut schemas: Option<Vec<String>> = None;
        let mut total_results: Option<u64> = None;
        let mut resources: Option<Vec<T>> = None;
        let mut start_index: Option<Option<u64>> = None;
        let mut items_per_page: Option<Option<u64>> = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if key.eq_ignore_ascii_case("Resources") {
                once(&resources, "Resources")?;
                let expected = items_per_page.flatten().or_else(|| {
                    let skipped = start_index.flatten().unwrap_or(1).saturating_sub(1);
                    total_results.map(|t| t.saturating_sub(skipped))
                });
                resources = Some(map.next_value_seed(ResourcesSeed {
                    expected,
                    resource: PhantomData,
                })?);
            } else if key.eq_ignore_ascii_case("totalResults") {
                once(&total_results, "totalResults")?;
                total_results = Some(map.next_value()?);
            } else if key.eq_ignore_ascii_case("schemas") {
                once(&schemas, "schemas")?;
                schemas = Some(map.next_value()?);
            } else if key.eq_ignore_ascii_case("startIndex") {
                once(&start_index, "startIndex")?;
                start_index = Some(map.next_value()?);
            } else if key.eq_ignore_ascii_case("itemsPerPage") {
                once(&items_per_page, "itemsPerPage")?;
                items_per_page = Some(map.next_value()?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(ListResponse {
            schemas: schemas.unwrap_or_else(list_schemas),
            total_results: total_results.ok_or_else(|| de::Error::missing_field("totalResults"))?,
            resources: resources.unwrap_or_default(),
            start_index: start_index.flatten(),
            items_per_page: items_per_page.flatten(),
        })
    }
}

fn once<T, E: de::Error>(slot: &Option<T>, name: &'static str) -> Result<(), E> {
    match slot {
        Some(_) => Err(E::duplicate_field(name)),
        None => Ok(()),
    }
}

/// The largest room reserved ahead for a page's resources: the count comes from the input, so
/// it only sizes the first allocation, within this bound.
const MAX_RESERVED_BYTES: usize = 16 * 1024 * 1024;

/// Reads `Resources`, reserving room for `expected` resources first.
struct ResourcesSeed<T> {
    expected: Option<u64>,
    resource: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ResourcesSeed<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ResourcesSeed<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of resources")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<T>, S::Error> {
        let bound = MAX_RESERVED_BYTES / std::mem::size_of::<T>().max(1);
        let expected = self
            .expected
            .or(seq.size_hint().map(|n| n as u64))
            .unwrap_or(0);
        let reserve = usize::try_from(expected).unwrap_or(usize::MAX).min(bound);
        let mut out = Vec::with_capacity(reserve);
        while let Some(resource) = seq.next_element()? {
            out.push(resource);
        }
        // Give back what an overstated count reserved.
        if out.len() < out.capacity() / 2 {
            out.shrink_to_fit();
        }
        Ok(out)
    }
}

/// Ascending or descending order (RFC 7644 §3.4.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// `ascending` (the default).
    #[serde(alias = "Ascending")]
    Ascending,
    /// `descending`.
    #[serde(alias = "Descending")]
    Descending,
}

/// A query sent with HTTP POST to `/.search` (RFC 7644 §3.4.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    /// The message schemas; [`urn::SEARCH_REQUEST`].
    #[serde(default = "search_schemas")]
    pub schemas: Vec<String>,
    /// Attributes to return (RFC 7644 §3.4.2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<String>>,
    /// Attributes to leave out (RFC 7644 §3.4.2.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded_attributes: Option<Vec<String>>,
    /// The filter, as SCIM filter text (RFC 7644 §3.4.2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// The attribute to sort by (RFC 7644 §3.4.2.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<String>,
    /// The sort order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<SortOrder>,
    /// The 1-based index of the first result (RFC 7644 §3.4.2.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
    /// The maximum number of results per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

fn search_schemas() -> Vec<String> {
    vec![urn::SEARCH_REQUEST.to_owned()]
}

impl SearchRequest {
    /// An empty search request with the SearchRequest schema.
    #[must_use]
    pub fn new() -> Self {
        Self {
            schemas: search_schemas(),
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ListResponse;

    /// A resource type without `Default` still reads as a page (`Resources` may be absent when
    /// `totalResults` is zero, RFC 7644 §3.4.2).
    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct NoDefault {
        id: String,
    }

    #[test]
    fn resources_need_no_default() {
        let page: ListResponse<NoDefault> = serde_json::from_str(
            r#"{"totalResults":1,"Resources":[{"id":"a"}],"startIndex":1,"itemsPerPage":1}"#,
        )
        .unwrap();
        assert_eq!(page.resources, vec![NoDefault { id: "a".into() }]);
        let empty: ListResponse<NoDefault> = serde_json::from_str(r#"{"totalResults":0}"#).unwrap();
        assert!(empty.resources.is_empty());
    }

    #[test]
    fn member_names_match_in_any_case_and_unknown_members_are_skipped() {
        let page: ListResponse<NoDefault> = serde_json::from_str(
            r#"{"TOTALRESULTS":2,"startindex":3,"ItemsPerPage":1,"x":{"y":[1]},"resources":[{"id":"a"}]}"#,
        )
        .unwrap();
        assert_eq!(page.total_results, 2);
        assert_eq!(page.start_index, Some(3));
        assert_eq!(page.items_per_page, Some(1));
        assert_eq!(page.resources, vec![NoDefault { id: "a".into() }]);
        assert_eq!(page.schemas, [crate::urn::LIST_RESPONSE]);
    }

    #[test]
    fn a_huge_stated_count_reserves_within_the_bound() {
        // The count only sizes the first allocation, within a bound, and what is not used is
        // given back.
        let page: ListResponse<NoDefault> = serde_json::from_str(&format!(
            r#"{{"totalResults":{},"Resources":[{{"id":"a"}}]}}"#,
            u64::MAX
        ))
        .unwrap();
        assert_eq!(page.resources.len(), 1);
        assert!(
            page.resources.capacity() < 4,
            "{}",
            page.resources.capacity()
        );
    }

    #[test]
    fn duplicates_and_missing_total_are_errors_with_paths() {
        let dup = crate::read::from_str::<ListResponse<NoDefault>>(
            r#"{"totalResults":1,"Resources":[],"resources":[]}"#,
        )
        .unwrap_err();
        assert!(
            dup.to_string().contains("duplicate field `Resources`"),
            "{dup}"
        );
        let missing =
            crate::read::from_str::<ListResponse<NoDefault>>(r#"{"Resources":[]}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `totalResults`"),
            "{missing}"
        );
        let bad = crate::read::from_str::<ListResponse<NoDefault>>(
            r#"{"totalResults":2,"Resources":[{"id":"a"},{"id":7}]}"#,
        )
        .unwrap_err();
        assert_eq!(bad.path(), "Resources[1].id");
    }
}

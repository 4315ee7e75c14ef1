//! Query results and search requests (RFC 7644 §3.4.2, §3.4.3).

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListResponse<T> {
    /// The message schemas; [`urn::LIST_RESPONSE`].
    #[serde(default = "list_schemas")]
    pub schemas: Vec<String>,
    /// The total number of results the query matched (REQUIRED).
    #[serde(alias = "TotalResults", alias = "totalresults")]
    pub total_results: u64,
    /// The resources of this page (REQUIRED when `totalResults` is not zero). Always written,
    /// as `[]` when empty: Entra ID's Test Connection expects `"Resources": []` for no match
    /// (entra-provisioning reference §2.1).
    #[serde(rename = "Resources", alias = "resources", default)]
    pub resources: Vec<T>,
    /// The 1-based index of the first result of this page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "StartIndex",
        alias = "startindex"
    )]
    pub start_index: Option<u64>,
    /// The number of results on this page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "ItemsPerPage",
        alias = "itemsperpage"
    )]
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

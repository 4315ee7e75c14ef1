//! Query options (RFC 7644 §3.4.2) and attribute projections (§3.4.2.5, §3.9).

use scim2_filter::{AttrPath, Filter};
use scim2_types::{SearchRequest, SortOrder};

/// Which attributes to return: `attributes` and `excludedAttributes` (RFC 7644 §3.9).
///
/// ```
/// use scim2_client::Projection;
/// use scim2_filter::AttrPath;
/// let p = Projection::attributes([AttrPath::new("userName", None)]);
/// assert_eq!(p.to_query_string(), "attributes=userName");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    /// Attributes to return (besides those `returned: always`).
    pub attributes: Vec<AttrPath>,
    /// Attributes to leave out.
    pub excluded_attributes: Vec<AttrPath>,
}

impl Projection {
    /// No projection: the endpoint's default attribute set.
    #[must_use]
    pub fn all() -> Self {
        Self::default()
    }

    /// Only these attributes (plus those always returned).
    #[must_use]
    pub fn attributes(attrs: impl IntoIterator<Item = AttrPath>) -> Self {
        Self {
            attributes: attrs.into_iter().collect(),
            excluded_attributes: Vec::new(),
        }
    }

    /// The default set without these attributes.
    #[must_use]
    pub fn excluding(attrs: impl IntoIterator<Item = AttrPath>) -> Self {
        Self {
            attributes: Vec::new(),
            excluded_attributes: attrs.into_iter().collect(),
        }
    }

    /// The projection as a form-encoded query string (empty when there is none).
    #[must_use]
    pub fn to_query_string(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        self.append(&mut q);
        q.finish()
    }

    fn append(&self, q: &mut url::form_urlencoded::Serializer<'_, String>) {
        if !self.attributes.is_empty() {
            q.append_pair("attributes", &join(&self.attributes));
        }
        if !self.excluded_attributes.is_empty() {
            q.append_pair("excludedAttributes", &join(&self.excluded_attributes));
        }
    }
}

/// Query options for `list`, `search` and `stream` (RFC 7644 §3.4.2).
///
/// The filter is a typed [`Filter`], printed in canonical SCIM text; GET queries are
/// form-encoded (spaces as `+`), as Entra ID sends them.
///
/// ```
/// use scim2_client::Query;
/// use scim2_filter::Filter;
/// let q = Query::new().filter(Filter::eq("userName", "bjensen")).count(10);
/// assert_eq!(q.to_query_string(), "filter=userName+eq+%22bjensen%22&count=10");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// The filter (RFC 7644 §3.4.2.2).
    pub filter: Option<Filter>,
    /// Attributes to return (RFC 7644 §3.4.2.5).
    pub attributes: Vec<AttrPath>,
    /// Attributes to leave out (RFC 7644 §3.4.2.5).
    pub excluded_attributes: Vec<AttrPath>,
    /// The attribute to sort by (RFC 7644 §3.4.2.3).
    pub sort_by: Option<AttrPath>,
    /// The sort order (RFC 7644 §3.4.2.3).
    pub sort_order: Option<SortOrder>,
    /// The 1-based index of the first result (RFC 7644 §3.4.2.4).
    pub start_index: Option<u64>,
    /// The page size (RFC 7644 §3.4.2.4).
    pub count: Option<u64>,
}

impl Query {
    /// A query for everything, with the endpoint's default paging.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the filter.
    #[must_use]
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Sets the attributes to return.
    #[must_use]
    pub fn attributes(mut self, attrs: impl IntoIterator<Item = AttrPath>) -> Self {
        self.attributes = attrs.into_iter().collect();
        self
    }

    /// Sets the attributes to leave out.
    #[must_use]
    pub fn excluded_attributes(mut self, attrs: impl IntoIterator<Item = AttrPath>) -> Self {
        self.excluded_attributes = attrs.into_iter().collect();
        self
    }

    /// Sets the sort attribute and order.
    #[must_use]
    pub fn sort(mut self, by: AttrPath, order: SortOrder) -> Self {
        self.sort_by = Some(by);
        self.sort_order = Some(order);
        self
    }

    /// Sets the 1-based start index.
    #[must_use]
    pub fn start_index(mut self, start: u64) -> Self {
        self.start_index = Some(start);
        self
    }

    /// Sets the page size.
    #[must_use]
    pub fn count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    /// The query as a form-encoded query string for GET (empty when there are no options).
    #[must_use]
    pub fn to_query_string(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(f) = &self.filter {
            q.append_pair("filter", &f.to_string());
        }
        Projection {
            attributes: self.attributes.clone(),
            excluded_attributes: self.excluded_attributes.clone(),
        }
        .append(&mut q);
        if let Some(s) = &self.sort_by {
            q.append_pair("sortBy", &s.to_string());
        }
        if let Some(o) = self.sort_order {
            q.append_pair("sortOrder", sort_order_text(o));
        }
        if let Some(s) = self.start_index {
            q.append_pair("startIndex", &s.to_string());
        }
        if let Some(c) = self.count {
            q.append_pair("count", &c.to_string());
        }
        q.finish()
    }

    /// The query as a `/.search` request body (RFC 7644 §3.4.3).
    #[must_use]
    pub fn to_search_request(&self) -> SearchRequest {
        let list =
            |v: &[AttrPath]| (!v.is_empty()).then(|| v.iter().map(ToString::to_string).collect());
        SearchRequest {
            attributes: list(&self.attributes),
            excluded_attributes: list(&self.excluded_attributes),
            filter: self.filter.as_ref().map(ToString::to_string),
            sort_by: self.sort_by.as_ref().map(ToString::to_string),
            sort_order: self.sort_order,
            start_index: self.start_index,
            count: self.count,
            ..SearchRequest::new()
        }
    }
}

fn join(attrs: &[AttrPath]) -> String {
    attrs
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn sort_order_text(o: SortOrder) -> &'static str {
    match o {
        SortOrder::Ascending => "ascending",
        SortOrder::Descending => "descending",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_query_string() {
        let q = Query::new()
            .filter(Filter::and(
                Filter::eq("userName", "a b"),
                Filter::present("title"),
            ))
            .attributes([
                AttrPath::new("userName", None),
                AttrPath::new("name", Some("givenName")),
            ])
            .excluded_attributes([AttrPath::new("groups", None)])
            .sort(AttrPath::new("userName", None), SortOrder::Descending)
            .start_index(11)
            .count(5);
        assert_eq!(
            q.to_query_string(),
            "filter=userName+eq+%22a+b%22+and+title+pr&attributes=userName%2Cname.givenName\
             &excludedAttributes=groups&sortBy=userName&sortOrder=descending&startIndex=11&count=5"
        );
        let s = serde_json::to_value(q.to_search_request()).unwrap();
        assert_eq!(s["filter"], "userName eq \"a b\" and title pr");
        assert_eq!(
            s["attributes"],
            serde_json::json!(["userName", "name.givenName"])
        );
        assert_eq!(s["startIndex"], 11);
        assert_eq!(s["schemas"][0], scim2_types::urn::SEARCH_REQUEST);
        assert_eq!(Query::new().to_query_string(), "");
    }
}

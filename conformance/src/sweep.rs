//! Finding what a run left on the endpoint by the run-unique prefix its names carry.
//!
//! The journal names what the run knows it created. A create whose answer was lost (a 5xx or a
//! timeout after the write, a 201 without `id`, a request in flight at Ctrl-C) is not in it, so
//! after the journal's deletes the cleanup lists each collection for resources whose
//! `userName`, `displayName` or `externalId` starts with `<prefix>-`:
//!
//! 1. with `filter=userName sw "<prefix>-"` (`displayName` for groups; RFC 7644 §3.4.2.2)
//!    where the endpoint answers it with a ListResponse;
//! 2. otherwise (an endpoint that implements only the `eq` filters Entra sends) by paging
//!    through the whole collection, at most [`MAX_SCAN`] resources per collection.
//!
//! Either way every resource is matched on the client side: a filter the endpoint ignores, or
//! answers loosely, never makes the sweep touch a resource without the prefix. Paging stops
//! on an empty page, at `totalResults`, at a page that brings no new id (an endpoint that
//! ignores `startIndex`), or at the bound.

use serde_json::Value;

use crate::journal::Created;
use crate::session::{enc, id_of, listed, lit};
use crate::transport::{Transport, WireRequest};
use scim2_filter::select::get_ci;
use scim2_types::ResourceKind;

/// Resources asked for per page.
pub const PAGE: u64 = 100;

/// Most resources read per collection when paging through it without a filter.
pub const MAX_SCAN: u64 = 20_000;

/// What a listing found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Resources carrying the prefix (groups first).
    pub found: Vec<Created>,
    /// Whether every collection was read to its end.
    pub complete: bool,
    /// How each collection was read, and why a listing stopped early.
    pub notes: Vec<String>,
}

/// The attributes a resource of `kind` is matched on, the one the filter uses first.
fn attrs(kind: ResourceKind) -> &'static [&'static str] {
    match kind {
        ResourceKind::User => &["userName", "externalId", "displayName"],
        ResourceKind::Group => &["displayName", "externalId"],
    }
}

/// The resource's `(id, matching name)` when one of its names starts with `stem`.
fn matching(kind: ResourceKind, res: &Value, stem: &str) -> Option<(String, String)> {
    let id = id_of(res)?;
    attrs(kind).iter().find_map(|a| {
        get_ci(res, a)
            .and_then(Value::as_str)
            .filter(|v| v.starts_with(stem))
            .map(|v| (id.clone(), v.to_owned()))
    })
}

enum Pages {
    /// Read to the end.
    Done,
    /// The first page was refused (the caller tries the next way).
    Refused(String),
    /// Stopped before the end.
    Stopped(String),
}

/// Reads every page of `query` (a query string without `startIndex`/`count`), adding what
/// matches `stem` to `found`.
async fn pages(
    transport: &dyn Transport,
    kind: ResourceKind,
    query: &str,
    stem: &str,
    found: &mut Vec<Created>,
) -> Pages {
    let mut start = 1u64;
    let mut read = 0u64;
    let mut seen: Vec<String> = Vec::new();
    loop {
        let sep = if query.is_empty() { "" } else { "&" };
        let path = format!(
            "{}?{query}{sep}startIndex={start}&count={PAGE}",
            kind.endpoint()
        );
        let what = match transport.send(WireRequest::new("GET", path.clone())).await {
            Ok(r) if r.status == 200 => match r.json().as_ref().and_then(listed) {
                Some(l) => Ok(l),
                None => Err(format!("GET {path} did not answer a ListResponse")),
            },
            Ok(r) => Err(format!("GET {path} answered {}", r.status)),
            Err(e) => Err(e.to_string()),
        };
        let l = match what {
            Ok(l) => l,
            Err(e) if start == 1 => return Pages::Refused(e),
            Err(e) => return Pages::Stopped(e),
        };
        let mut fresh = 0usize;
        for res in &l.resources {
            let Some(id) = id_of(res) else { continue };
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            fresh += 1;
            if let Some((id, name)) = matching(kind, res, stem)
                && !found.iter().any(|c| c.kind == kind && c.id == id)
            {
                found.push(Created { kind, id, name });
            }
        }
        read += l.resources.len() as u64;
        start += l.resources.len() as u64;
        if l.resources.is_empty() || fresh == 0 || l.total.is_some_and(|t| start > t) {
            return Pages::Done;
        }
        if read >= MAX_SCAN {
            return Pages::Stopped(format!(
                "stopped after {read} {} (the bound of the sweep)",
                kind.endpoint()
            ));
        }
    }
}

/// Lists the resources of both collections whose names start with `<prefix>-`.
pub async fn find(transport: &dyn Transport, prefix: &str) -> Listing {
    let stem = format!("{prefix}-");
    let mut listing = Listing {
        complete: true,
        ..Listing::default()
    };
    for kind in [ResourceKind::Group, ResourceKind::User] {
        let attr = attrs(kind)[0];
        let filter = format!("filter={}", enc(&format!("{attr} sw {}", lit(&stem))));
        let excluded = "excludedAttributes=members";
        let ways: Vec<(String, String)> = match kind {
            ResourceKind::User => vec![
                (filter, format!("{attr} sw filter")),
                (String::new(), "paging through the collection".to_owned()),
            ],
            ResourceKind::Group => vec![
                (format!("{excluded}&{filter}"), format!("{attr} sw filter")),
                (
                    excluded.to_owned(),
                    "paging through the collection".to_owned(),
                ),
                (String::new(), "paging through the collection".to_owned()),
            ],
        };
        let mut refusals = Vec::new();
        let mut read = false;
        for (query, how) in ways {
            match pages(transport, kind, &query, &stem, &mut listing.found).await {
                Pages::Done => {
                    listing.notes.push(format!("{}: {how}", kind.endpoint()));
                    read = true;
                    break;
                }
                Pages::Stopped(why) => {
                    listing.complete = false;
                    listing
                        .notes
                        .push(format!("{}: {how} incomplete: {why}", kind.endpoint()));
                    read = true;
                    break;
                }
                Pages::Refused(why) => refusals.push(why),
            }
        }
        if !read {
            listing.complete = false;
            listing.notes.push(format!(
                "{}: not listed ({})",
                kind.endpoint(),
                refusals.join("; ")
            ));
        }
    }
    listing
        .found
        .sort_by_key(|c| crate::journal::deletion_rank(c.kind));
    listing
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_names_with_the_prefix_and_dash_match() {
        let stem = "scimconf-abcd2345-";
        let user = json!({"id": "1", "userName": "scimconf-abcd2345-u1@example.com"});
        assert_eq!(
            matching(ResourceKind::User, &user, stem),
            Some(("1".into(), "scimconf-abcd2345-u1@example.com".into()))
        );
        let other_run = json!({"id": "2", "userName": "scimconf-abcd23456-u1@example.com"});
        assert_eq!(matching(ResourceKind::User, &other_run, stem), None);
        let by_external_id =
            json!({"id": "3", "userName": "x@y", "externalId": "scimconf-abcd2345-u3"});
        assert_eq!(
            matching(ResourceKind::User, &by_external_id, stem).map(|m| m.0),
            Some("3".into())
        );
        let group = json!({"id": "4", "displayName": "scimconf-abcd2345-g1"});
        assert!(matching(ResourceKind::Group, &group, stem).is_some());
        let no_id = json!({"displayName": "scimconf-abcd2345-g1"});
        assert_eq!(matching(ResourceKind::Group, &no_id, stem), None);
    }
}

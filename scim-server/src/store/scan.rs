//! Answering a [`Query`] by evaluation: filter every resource with `scim2_filter`, sort,
//! page. The fallback of every store for filters it cannot index, and the whole query
//! engine of [`MemoryStore`](super).

use std::cmp::Ordering;

use scim2_filter::{AttrPath, eval};
use scim2_types::schema::ResourceSchemas;
use serde_json::{Map, Value};

use super::{Page, Query, Sort};

/// Answers `query` over `resources` (in the store's stable order) with the comparison rules
/// of `query.schemas` (RFC 7644 §3.4.2.2 filtering, §3.4.2.3 sorting, §3.4.2.4 paging).
///
/// ```
/// use scim2_server::store::{Query, scan};
/// use scim2_types::schema::ResourceSchemas;
/// use serde_json::json;
///
/// let users = [json!({"userName": "bjensen"}), json!({"userName": "jsmith"})];
/// let filter = r#"userName eq "BJENSEN""#.parse()?;
/// let schemas = ResourceSchemas::user();
/// let page = scan::answer(users.iter(), &Query::all(&schemas, 10).with_filter(&filter));
/// assert_eq!(page.total_results, 1);
/// assert_eq!(page.resources, [json!({"userName": "bjensen"})]);
/// # Ok::<(), scim2_filter::ParseError>(())
/// ```
pub fn answer<'a>(resources: impl Iterator<Item = &'a Value>, query: &Query<'_>) -> Page {
    let schemas = query.schemas;
    let compiled = query.filter.map(|f| f.compile(schemas));
    let mut hits: Vec<&Value> = resources
        .filter(|r| compiled.as_ref().is_none_or(|f| f.matches(r)))
        .collect();
    if let Some(sort) = query.sort {
        sort_by(&mut hits, sort, schemas);
    }
    let total_results = hits.len();
    let resources = hits
        .into_iter()
        .skip(query.start_index.max(1) - 1)
        .take(query.count)
        .map(|r| match query.omit {
            Some(name) => copy_without(r, name),
            None => r.clone(),
        })
        .collect();
    Page {
        total_results,
        resources,
    }
}

/// A copy of `resource` without its first top-level member named `name` (ASCII
/// case-insensitively), in the order `serde_json::Map::remove` leaves (the last member takes
/// the removed one's place), without copying the removed value.
fn copy_without(resource: &Value, name: &str) -> Value {
    let Value::Object(map) = resource else {
        return resource.clone();
    };
    // Only when `meta` is last (as the server stores resources): the attributes the projection
    // strips later then never change which member is last.
    let Some(at) = map
        .keys()
        .position(|k| k.eq_ignore_ascii_case(name))
        .filter(|_| map.keys().next_back().is_some_and(|k| k == "meta"))
    else {
        return resource.clone();
    };
    let last = map.len() - 1;
    let mut out = Map::with_capacity(last);
    for (i, (k, v)) in map.iter().enumerate() {
        if i == at {
            if at != last
                && let Some((lk, lv)) = map.iter().next_back()
            {
                out.insert(lk.clone(), lv.clone());
            }
        } else if i != last || at == last {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(out)
}

/// Sorts `resources` by `sort` (stable; resources without a value last in ascending order).
pub fn sort_by(resources: &mut [&Value], sort: &Sort, schemas: &ResourceSchemas) {
    let attr = schemas.attribute(&sort.by.to_string());
    let null = Value::Null;
    resources.sort_by(|a, b| {
        let va = sort_value(a, &sort.by, schemas).unwrap_or(&null);
        let vb = sort_value(b, &sort.by, schemas).unwrap_or(&null);
        let o = eval::compare_for_sort(va, vb, attr);
        if sort.descending { o.reverse() } else { o }
    });
}

/// The value a resource sorts by: for a multi-valued attribute, the primary element's value,
/// else the first (RFC 7644 §3.4.2.3).
pub fn sort_value<'a>(
    resource: &'a Value,
    path: &AttrPath,
    schemas: &ResourceSchemas,
) -> Option<&'a Value> {
    let Some(sub) = &path.sub_attr else {
        return eval::values_at(resource, path, schemas).into_iter().next();
    };
    let parent = AttrPath {
        uri: path.uri.clone(),
        name: path.name.clone(),
        sub_attr: None,
    };
    let elements = eval::values_at(resource, &parent, schemas);
    let field = |e: &'a Value| {
        e.as_object().and_then(|m| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(sub))
                .map(|(_, v)| v)
        })
    };
    elements
        .iter()
        .find(|e| e.get("primary") == Some(&Value::Bool(true)))
        .and_then(|e| field(e))
        .or_else(|| elements.iter().find_map(|e| field(e)))
}

/// Orders two resources by `sort`.
#[must_use]
pub fn compare(a: &Value, b: &Value, sort: &Sort, schemas: &ResourceSchemas) -> Ordering {
    let attr = schemas.attribute(&sort.by.to_string());
    let null = Value::Null;
    let va = sort_value(a, &sort.by, schemas).unwrap_or(&null);
    let vb = sort_value(b, &sort.by, schemas).unwrap_or(&null);
    let o = eval::compare_for_sort(va, vb, attr);
    if sort.descending { o.reverse() } else { o }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Leaving a member out while copying gives what copying and removing it gives.
    #[test]
    fn copying_without_a_member_is_copying_then_removing_it() {
        let group = json!({"schemas": ["s"], "id": "g", "members": [{"value": "u"}],
            "displayName": "G", "externalId": "e", "meta": {"version": "W/\"1\""}});
        let mut removed = group.clone();
        if let Value::Object(m) = &mut removed {
            m.remove("members");
        }
        let copied = copy_without(&group, "MEMBERS");
        assert_eq!(copied, removed);
        assert_eq!(copied.to_string(), removed.to_string(), "the same order");
        // Not the server's layout (`meta` not last), or no such member: a plain copy.
        let other = json!({"members": [], "meta": {}, "x": 1});
        assert_eq!(copy_without(&other, "members"), other);
        assert_eq!(copy_without(&group, "emails"), group);
    }
}

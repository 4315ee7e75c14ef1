//! The compact per-resource index: for each user or group read, only what the comparison
//! needs (id, userName/displayName, externalId, the normalised mapped values, member ids).
//!
//! Memory is one [`Entry`] per resource; whole resources are dropped as soon as they are
//! indexed.

use std::borrow::Cow;
use std::sync::OnceLock;

pub(crate) use scim2_filter::select::get_ci;
use scim2_filter::{CompValue, CompareOp, Filter};
use scim2_types::ResourceKind;
use scim2_types::schema::{AttributeType, ResourceSchemas};
use serde_json::Value;

use super::json::{Item, Json, JsonRef};
use crate::mapping::TargetPath;

/// `user` or `group`: a resource kind as the comparison's reports write it (text and JSON).
#[must_use]
pub fn kind_word(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::User => "user",
        ResourceKind::Group => "group",
    }
}

/// Serializes a kind as [`kind_word`] (`"user"`, `"group"`), the JSON report's spelling.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` signature
pub(crate) fn serialize_kind<S: serde::Serializer>(
    kind: &ResourceKind,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind_word(*kind))
}

/// A list of optional strings packed in one allocation: the row count, the end offset of
/// each row (a marker value for a missing one), then the text of every row.
///
/// One entry keeps three of them (its keys, its mapped values, its members), so that a
/// directory of a million users costs a few allocations per user, not dozens.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Values {
    buf: Box<[u8]>,
}

const ABSENT: u32 = 1 << 31;
/// Bytes of the row count.
const HEAD: usize = 4;

fn word(buf: &[u8], at: usize) -> u32 {
    buf.get(at..at + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes)
}

impl Values {
    /// Packs values (at most 2 GiB of text in all; a value past that is kept as absent,
    /// which a 16 MiB response limit makes impossible).
    #[must_use]
    pub fn pack<S: AsRef<str>>(values: &[Option<S>]) -> Self {
        Self::pack_strs(values.iter().map(|v| v.as_ref().map(AsRef::as_ref)))
    }

    /// Packs values from an iterator that can be walked twice (once to size the buffer).
    fn pack_strs<'a, I>(values: I) -> Self
    where
        I: Iterator<Item = Option<&'a str>> + Clone,
    {
        let rows = values.clone().count();
        if rows == 0 {
            return Self::default();
        }
        let text: usize = values.clone().map(|v| v.map_or(0, str::len)).sum();
        let rows32 = u32::try_from(rows).unwrap_or(u32::MAX);
        let mut buf = Vec::with_capacity(HEAD + 4 * rows + text.min(ABSENT as usize));
        buf.extend_from_slice(&rows32.to_le_bytes());
        let mut len: u32 = 0;
        for v in values.clone().take(rows32 as usize) {
            let end = match v {
                Some(s) if (len as usize) + s.len() < ABSENT as usize => {
                    len += u32::try_from(s.len()).unwrap_or(0);
                    len
                }
                _ => len | ABSENT,
            };
            buf.extend_from_slice(&end.to_le_bytes());
        }
        let mut len = 0usize;
        for s in values.take(rows32 as usize).flatten() {
            if len + s.len() < ABSENT as usize {
                buf.extend_from_slice(s.as_bytes());
                len += s.len();
            }
        }
        Self {
            buf: buf.into_boxed_slice(),
        }
    }

    /// The value of row `i`, `None` when absent.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&str> {
        self.bytes(i).and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The UTF-8 bytes of row `i`, `None` when absent (equal bytes, equal values).
    #[must_use]
    pub(crate) fn bytes(&self, i: usize) -> Option<&[u8]> {
        let rows = self.len();
        if i >= rows {
            return None;
        }
        let end = word(&self.buf, HEAD + 4 * i);
        if end & ABSENT != 0 {
            return None;
        }
        let start = if i == 0 {
            0
        } else {
            word(&self.buf, HEAD + 4 * (i - 1)) & !ABSENT
        };
        let base = HEAD + 4 * rows;
        self.buf.get(base + start as usize..base + end as usize)
    }

    /// Every row in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        word(&self.buf, 0) as usize
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// What is kept of one resource: its keys (`id`, `userName`/`displayName`, `externalId`
/// and the values of reference rows such as the enterprise `manager`, which are compared at
/// the end through the pairing), its normalised mapped values (dropped once the resource is
/// paired and compared) and, for a group, its member ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    keys: Values,
    values: Values,
    members: Values,
}

/// The positions in [`Entry::keys`].
const ID: usize = 0;
const NAME: usize = 1;
const EXTERNAL_ID: usize = 2;
const REFERENCES: usize = 3;

impl Entry {
    /// Extracts the entry of a resource read from an endpoint (see [`Extractor`], which
    /// prepares the targets once for many resources).
    #[must_use]
    pub fn from_resource(kind: ResourceKind, resource: &Value, targets: &[TargetPath]) -> Self {
        Extractor::new(kind, targets).entry(resource)
    }

    /// The endpoint's `id` (empty when the resource had none).
    #[must_use]
    pub fn id(&self) -> &str {
        self.keys.get(ID).unwrap_or_default()
    }

    /// `userName` for users, `displayName` for groups.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.keys.get(NAME)
    }

    /// `externalId`.
    #[must_use]
    pub fn external_id(&self) -> Option<&str> {
        self.keys.get(EXTERNAL_ID)
    }

    /// The normalised mapped values, one per mapping row (reference rows are absent here:
    /// see [`Entry::reference`]); empty once the entry has been compared with its partner.
    #[must_use]
    pub fn values(&self) -> &Values {
        &self.values
    }

    /// The value of the `k`-th reference row (the enterprise `manager`: a user id).
    #[must_use]
    pub fn reference(&self, k: usize) -> Option<&str> {
        self.keys.get(REFERENCES + k)
    }

    /// The `value` (id) of each member, for groups.
    pub fn members(&self) -> impl Iterator<Item = &str> + '_ {
        self.members.iter().flatten()
    }

    /// The number of members.
    #[must_use]
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    /// Drops the mapped values (once compared).
    pub(crate) fn forget_values(&mut self) {
        self.values = Values::default();
    }
}

/// The targets of one resource type prepared once for many resources: which rows hold
/// booleans (from the attribute's type in the schema, RFC 7643 §2.3.2, so that Entra's
/// `"True"` reads as `true`), which are references compared through the pairing, and which
/// rows share an element filter (evaluated once per element and resource).
#[derive(Debug, Clone)]
pub struct Extractor<'t> {
    kind: ResourceKind,
    targets: &'t [TargetPath],
    boolean: Vec<bool>,
    reference: Vec<bool>,
    /// Which rows pick the enterprise `manager` (its `value`).
    manager: Vec<bool>,
    /// The index of each row's element filter among the distinct filters.
    filter: Vec<Option<usize>>,
    /// The member names each distinct filter reads (`None`: it may read any).
    reads: Vec<Option<Vec<String>>>,
}

impl<'t> Extractor<'t> {
    /// Prepares `targets` for resources of `kind`.
    #[must_use]
    pub fn new(kind: ResourceKind, targets: &'t [TargetPath]) -> Self {
        let schemas = schemas(kind);
        let mut distinct: Vec<String> = Vec::new();
        let mut reads = Vec::new();
        let filter = targets
            .iter()
            .map(|t| {
                let f = t.filter.as_ref()?;
                let text = f.to_string();
                Some(match distinct.iter().position(|d| *d == text) {
                    Some(i) => i,
                    None => {
                        distinct.push(text);
                        let mut names = Some(Vec::new());
                        read_names(f, &mut names);
                        reads.push(names);
                        distinct.len() - 1
                    }
                })
            })
            .collect();
        Self {
            kind,
            targets,
            boolean: targets.iter().map(|t| is_boolean(schemas, t)).collect(),
            reference: targets
                .iter()
                .map(|t| kind == ResourceKind::User && t.is_manager())
                .collect(),
            manager: targets.iter().map(TargetPath::is_manager).collect(),
            filter,
            reads,
        }
    }

    /// Whether row `row` is a reference (compared through the pairing at the end).
    #[must_use]
    pub fn is_reference(&self, row: usize) -> bool {
        self.reference.get(row).copied().unwrap_or(false)
    }

    /// Extracts the entry of one resource given as a `serde_json::Value`.
    #[must_use]
    pub fn entry(&self, resource: &Value) -> Entry {
        self.read(&Json::from(resource))
    }

    /// Extracts the entry of one resource as read from a listing.
    #[must_use]
    pub fn read(&self, resource: &Json) -> Entry {
        let resource = resource.root();
        let string = |name: &str| {
            resource
                .get_ci(name)
                .and_then(JsonRef::as_str)
                .filter(|s| !s.is_empty())
        };
        let mut filters = Filters::default();
        let mut values: Vec<Option<Cow<'_, str>>> = Vec::with_capacity(self.targets.len());
        let mut references: Vec<Option<Cow<'_, str>>> = Vec::new();
        for (row, t) in self.targets.iter().enumerate() {
            let filter = self.filter[row]
                .zip(t.filter.as_ref())
                .map(|(id, f)| Element {
                    id,
                    filter: f,
                    reads: self.reads.get(id).and_then(Option::as_deref),
                });
            let v = extract_json(
                resource,
                t,
                self.boolean[row],
                self.manager[row],
                filter,
                &mut filters,
            );
            if self.reference[row] {
                references.push(v);
                values.push(None);
            } else {
                values.push(v);
            }
        }
        let keys = [
            string("id"),
            string(self.kind.name_attribute()),
            string("externalId"),
        ];
        let keys = Values::pack_strs(
            keys.iter()
                .copied()
                .chain(references.iter().map(Option::as_deref)),
        );
        let members = match self.kind {
            ResourceKind::User => Values::default(),
            ResourceKind::Group => member_ids(resource),
        };
        Entry {
            keys,
            values: Values::pack_strs(values.iter().map(Option::as_deref)),
            members,
        }
    }
}

/// The member names (ASCII case aside) an element filter reads: the attribute of each of
/// its paths; `None` when a path names a schema URN (then the whole element is given).
fn read_names(f: &Filter, out: &mut Option<Vec<String>>) {
    let mut path = |p: &scim2_filter::AttrPath| match (out.as_mut(), &p.uri) {
        (Some(names), None) => names.push(p.name.to_ascii_lowercase()),
        _ => *out = None,
    };
    match f {
        Filter::Present(p) | Filter::Compare(p, _, _) => path(p),
        Filter::ValuePath(vp) => path(&vp.attr),
        Filter::Not(inner) => read_names(inner, out),
        Filter::And(a, b) | Filter::Or(a, b) => {
            read_names(a, out);
            read_names(b, out);
        }
    }
}

/// One row's element filter: its index among the extractor's distinct filters, and the
/// member names it reads.
#[derive(Clone, Copy)]
struct Element<'f> {
    id: usize,
    filter: &'f Filter,
    reads: Option<&'f [String]>,
}

/// The element filters evaluated so far for one resource: `(filter, element, result)`.
#[derive(Default)]
struct Filters<'a> {
    results: Vec<(usize, JsonRef<'a>, bool)>,
}

impl<'a> Filters<'a> {
    /// Whether `element` matches, through `scim2_filter` on a `Value` holding the members
    /// the filter reads (once per filter and element).
    fn matches(&mut self, f: Element<'_>, element: JsonRef<'a>) -> bool {
        if let Some(&(_, _, r)) = self
            .results
            .iter()
            .find(|(i, e, _)| *i == f.id && e.same(element))
        {
            return r;
        }
        if let Some(r) = quick_match(f.filter, element) {
            self.results.push((f.id, element, r));
            return r;
        }
        let value = match (f.reads, element.item()) {
            (Some(names), Item::Object(members)) => Value::Object(
                members
                    .filter(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
                    .map(|(k, v)| (k.to_owned(), v.to_value()))
                    .collect(),
            ),
            _ => element.to_value(),
        };
        let r = scim2_filter::eval::matches_element(f.filter, &value, None);
        self.results.push((f.id, element, r));
        r
    }
}

/// `attr eq "text"` on an element whose `attr` is a string, both ASCII: the answer of
/// `scim2_filter::eval::matches_element` without a schema (no `caseExact`, so letter case is
/// ignored, RFC 7644 §3.4.2.2) without building a `Value`. `None` for anything else.
fn quick_match(filter: &Filter, element: JsonRef<'_>) -> Option<bool> {
    let Filter::Compare(path, CompareOp::Eq, CompValue::String(expected)) = filter else {
        return None;
    };
    if path.uri.is_some() || path.sub_attr.is_some() || !element.is_object() {
        return None;
    }
    let Some(member) = element.get_ci(&path.name) else {
        // Nothing selected: no value compares equal.
        return Some(false);
    };
    let actual = member.as_str()?;
    (actual.is_ascii() && expected.is_ascii()).then(|| actual.eq_ignore_ascii_case(expected))
}

/// The schemas of each kind, with the Enterprise User extension (RFC 7643 §4.3).
fn schemas(kind: ResourceKind) -> &'static ResourceSchemas {
    static USER: OnceLock<ResourceSchemas> = OnceLock::new();
    static GROUP: OnceLock<ResourceSchemas> = OnceLock::new();
    match kind {
        ResourceKind::User => USER.get_or_init(ResourceSchemas::user),
        ResourceKind::Group => GROUP.get_or_init(ResourceSchemas::group),
    }
}

/// Whether the schema types the attribute a target picks as a boolean.
fn is_boolean(schemas: &ResourceSchemas, t: &TargetPath) -> bool {
    let path = match &t.sub_attr {
        Some(sub) => format!("{}.{sub}", t.base()),
        None => t.base(),
    };
    schemas
        .attribute(&path)
        .is_some_and(|a| a.kind == AttributeType::Boolean)
}

/// The member ids of a group (`members[].value`, RFC 7643 §4.2).
fn member_ids(group: JsonRef<'_>) -> Values {
    let Some(Item::Array(members)) = group.get_ci("members").map(JsonRef::item) else {
        return Values::default();
    };
    let ids = members
        .filter_map(|m| match m.item() {
            Item::Object(_) => m.get_ci("value").and_then(JsonRef::as_str),
            Item::String(s) => Some(s),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .map(Some);
    Values::pack_strs(ids)
}

/// The normalised value of one mapping target in a resource, `None` when absent.
///
/// Normalisation: `null`, `""` and `[]` are absent; booleans (and, for an attribute the User
/// schema types as boolean, such as `active` or `emails.primary`, Entra's `"True"`/`"False"`
/// strings) print as `true`/`false`; numbers as JSON; objects as JSON with sorted keys;
/// several values (a filter matching several elements) as a sorted JSON array. The
/// enterprise `manager` yields the manager's id (its `value`). [`Extractor`] does the same
/// for many resources, with the types looked up once.
#[must_use]
#[cfg(test)]
pub(crate) fn extract(resource: &Value, t: &TargetPath) -> Option<String> {
    let boolean = is_boolean(schemas(ResourceKind::User), t);
    let json = Json::from(resource);
    let filter = t.filter.as_ref().map(|filter| Element {
        id: 0,
        filter,
        reads: None,
    });
    extract_json(
        json.root(),
        t,
        boolean,
        t.is_manager(),
        filter,
        &mut Filters::default(),
    )
    .map(Cow::into_owned)
}

/// [`extract`] on a listed resource; `boolean` tells whether the schema types the picked
/// attribute as a boolean, `manager` whether the target is the enterprise `manager`,
/// `filter` is the element filter with its index among the extractor's distinct filters.
fn extract_json<'a>(
    resource: JsonRef<'a>,
    t: &TargetPath,
    boolean: bool,
    manager: bool,
    filter: Option<Element<'_>>,
    filters: &mut Filters<'a>,
) -> Option<Cow<'a, str>> {
    let container = match &t.uri {
        Some(uri) => match resource.get_ci(uri) {
            Some(ext) => ext.get_ci(&t.attr),
            None => resource.get_ci(&t.base()),
        },
        None => resource.get_ci(&t.attr),
    }?;
    let mut first: Option<Cow<'a, str>> = None;
    let mut more: Vec<Cow<'a, str>> = Vec::new();
    let mut keep = |v: JsonRef<'a>| {
        if let Some(text) = canonical(v, boolean) {
            if first.is_none() {
                first = Some(text);
            } else {
                more.push(text);
            }
        }
    };
    let mut visit = |el: JsonRef<'a>| {
        if let Some(f) = filter
            && !filters.matches(f, el)
        {
            return;
        }
        let picked = match (&t.sub_attr, manager) {
            (Some(sub), _) => el.get_ci(sub),
            (None, true) => match el.item() {
                Item::Object(_) => el.get_ci("value"),
                _ => Some(el),
            },
            (None, false) => Some(el),
        };
        if let Some(p) = picked {
            match p.item() {
                Item::Array(items) => items.for_each(&mut keep),
                _ => keep(p),
            }
        }
    };
    match container.item() {
        Item::Array(items) => items.for_each(&mut visit),
        _ => visit(container),
    }
    let first = first?;
    if more.is_empty() {
        return Some(first);
    }
    more.push(first);
    more.sort();
    Some(Cow::Owned(format!("[{}]", more.join(","))))
}

/// The canonical text of one value; `None` for null, `""` and `[]`.
fn canonical(v: JsonRef<'_>, boolean: bool) -> Option<Cow<'_, str>> {
    match v.item() {
        Item::Null => None,
        Item::String("") => None,
        Item::String(s) if boolean && s.eq_ignore_ascii_case("true") => Some("true".into()),
        Item::String(s) if boolean && s.eq_ignore_ascii_case("false") => Some("false".into()),
        Item::String(s) => Some(Cow::Borrowed(s)),
        Item::Array(a) if a.len() == 0 => None,
        Item::Bool(b) => Some(if b { "true" } else { "false" }.into()),
        Item::Number(n) => Some(n.to_string().into()),
        _ => {
            let mut out = String::new();
            write_json(v, &mut out);
            Some(out.into())
        }
    }
}

/// JSON with object keys sorted and array elements in order.
fn write_json(v: JsonRef<'_>, out: &mut String) {
    let string = |s: &str, out: &mut String| {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    };
    match v.item() {
        Item::Object(members) => {
            let mut sorted: Vec<(&str, JsonRef<'_>)> = members.collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, x)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                write_json(x, out);
            }
            out.push('}');
        }
        Item::Array(items) => {
            out.push('[');
            for (i, x) in items.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out);
            }
            out.push(']');
        }
        Item::Null => out.push_str("null"),
        Item::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Item::Number(n) => out.push_str(&n.to_string()),
        Item::String(s) => string(s, out),
    }
}

/// Every entry of one resource type read from one endpoint.
#[derive(Debug, Clone)]
pub struct Index {
    /// Users or groups.
    pub kind: ResourceKind,
    /// The entries in the order they were read.
    pub entries: Vec<Entry>,
}

impl Index {
    /// An empty index.
    #[must_use]
    pub fn new(kind: ResourceKind) -> Self {
        Self {
            kind,
            entries: Vec::new(),
        }
    }

    /// Indexes one resource.
    pub fn push(&mut self, resource: &Value, targets: &[TargetPath]) {
        self.entries
            .push(Entry::from_resource(self.kind, resource, targets));
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the index is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::compare::Mapping;

    const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    fn t(s: &str) -> TargetPath {
        s.parse().unwrap()
    }

    #[test]
    fn packs_values_with_absent_and_empty() {
        let v = Values::pack(&[Some("a"), None, Some("bc"), None]);
        assert_eq!(v.len(), 4);
        assert_eq!(v.get(0), Some("a"));
        assert_eq!(v.get(1), None);
        assert_eq!(v.get(2), Some("bc"));
        assert_eq!(v.get(3), None);
        assert_eq!(v.get(4), None);
        assert!(Values::pack::<&str>(&[]).is_empty());
        assert_eq!(
            Values::pack(&[Some("é"), Some("")])
                .iter()
                .collect::<Vec<_>>(),
            [Some("é"), Some("")]
        );
    }

    #[test]
    fn extracts_entra_shaped_values() {
        let u = json!({
            "id": "1", "UserName": "bjensen@example.com", "active": "True",
            "emails": [{"type": "home", "value": "h@x"}, {"type": "Work", "value": "w@x"}],
            "name": {"givenName": "Barbara", "familyName": ""},
            "addresses": [{"type": "work", "locality": "Paris", "country": "FR"}],
            "phoneNumbers": [{"type": "mobile", "value": "1"}, {"type": "mobile", "value": "2"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "department": "R&D", "manager": {"value": "m-1", "displayName": "Boss"}
            }
        });
        let get = |s: &str| extract(&u, &t(s));
        assert_eq!(get("userName").as_deref(), Some("bjensen@example.com"));
        assert_eq!(get("active").as_deref(), Some("true"));
        assert_eq!(
            get(r#"emails[type eq "work"].value"#).as_deref(),
            Some("w@x")
        );
        assert_eq!(get("name.givenName").as_deref(), Some("Barbara"));
        assert_eq!(get("name.familyName"), None);
        assert_eq!(
            get(r#"addresses[type eq "work"].country"#).as_deref(),
            Some("FR")
        );
        assert_eq!(get(r#"addresses[type eq "work"].region"#), None);
        assert_eq!(
            get(r#"phoneNumbers[type eq "mobile"].value"#).as_deref(),
            Some("[1,2]")
        );
        assert_eq!(get(r#"phoneNumbers[type eq "fax"].value"#), None);
        assert_eq!(
            get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department").as_deref(),
            Some("R&D")
        );
        assert_eq!(
            get("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager").as_deref(),
            Some("m-1")
        );
        assert_eq!(
            get("name").as_deref(),
            Some(r#"{"familyName":"","givenName":"Barbara"}"#)
        );
        let bare = json!({"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
            {"manager": "m-2"}});
        assert_eq!(
            extract(
                &bare,
                &t("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
            )
            .as_deref(),
            Some("m-2")
        );
    }

    #[test]
    fn entries_keep_only_what_is_compared() {
        let m = Mapping::entra_default();
        let g = json!({"id": "g1", "displayName": "Eng", "externalId": "x",
            "members": [{"value": "u1", "$ref": null}, {"value": "u2"}, {"display": "no id"}]});
        let e = Entry::from_resource(ResourceKind::Group, &g, &m.groups);
        assert_eq!(e.id(), "g1");
        assert_eq!(e.name(), Some("Eng"));
        assert_eq!(e.external_id(), Some("x"));
        assert_eq!(e.members().collect::<Vec<_>>(), ["u1", "u2"]);
        assert_eq!(e.values().get(0), Some("Eng"));
        let u = Entry::from_resource(ResourceKind::User, &json!({"id": "u"}), &m.users);
        assert_eq!(u.name(), None);
        assert_eq!(u.values().len(), 22);
        assert!((0..22).all(|i| u.values().get(i).is_none()));
        let u = Entry::from_resource(
            ResourceKind::User,
            &json!({"id": "u", "userName": "a", ENTERPRISE: {"manager": {"value": "m"}}}),
            &m.users,
        );
        assert_eq!(
            (u.id(), u.name(), u.reference(0)),
            ("u", Some("a"), Some("m"))
        );
        assert_eq!(
            u.values().get(21),
            None,
            "a reference is kept with the keys"
        );
    }

    #[test]
    fn booleans_are_the_schema_typed_attributes() {
        let targets: Vec<TargetPath> = ["active", "emails[type eq \"work\"].primary", "title"]
            .iter()
            .map(|s| t(s))
            .collect();
        let u = json!({"active": "True", "title": "True",
            "emails": [{"type": "work", "primary": "FALSE"}]});
        let e = Extractor::new(ResourceKind::User, &targets).entry(&u);
        assert_eq!(e.values().get(0), Some("true"));
        assert_eq!(e.values().get(1), Some("false"));
        assert_eq!(
            e.values().get(2),
            Some("True"),
            "title is a string in the schema"
        );
        let g = Extractor::new(ResourceKind::Group, &targets).entry(&u);
        assert_eq!(
            g.values().get(0),
            Some("True"),
            "groups have no active attribute"
        );
    }
}

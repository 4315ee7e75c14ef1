//! Classifying the differences between two endpoints' directories.

use std::collections::{HashMap, HashSet};

use scim2_types::ResourceKind;
use serde::Serialize;

use super::index::{Entry, Extractor, Index};
use super::matching::{self, MatchedBy, Matching, Pairing};
use crate::mapping::Mapping;

/// The version of the comparison's JSON form (`--format json`).
pub const REPORT_SCHEMA: &str = "scim-conformance/compare/v1";

/// One side of the comparison: the directory read from one endpoint.
#[derive(Debug, Clone)]
pub struct Directory {
    /// The endpoint's base URL (for the report).
    pub url: String,
    /// Every user read.
    pub users: Index,
    /// Every group read.
    pub groups: Index,
}

impl Directory {
    /// An empty directory for `url`.
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            users: Index::new(ResourceKind::User),
            groups: Index::new(ResourceKind::Group),
        }
    }
}

/// Which endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The old endpoint (`--from`).
    From,
    /// The new endpoint (`--to`).
    To,
}

impl Side {
    /// `from` or `to`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::From => "from",
            Self::To => "to",
        }
    }
}

/// The counts of one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SideCounts {
    /// The endpoint's base URL.
    pub url: String,
    /// Users read.
    pub users: usize,
    /// Groups read.
    pub groups: usize,
    /// Group memberships read (members of all groups added up).
    pub memberships: usize,
}

/// A resource found on one side only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OnlyOnOneSide {
    /// User or group (`"user"`, `"group"`).
    #[serde(serialize_with = "super::index::serialize_kind")]
    pub kind: ResourceKind,
    /// The side that has it.
    pub side: Side,
    /// Its userName or displayName.
    pub name: Option<String>,
    /// Its externalId.
    pub external_id: Option<String>,
    /// Its id on that side.
    pub id: String,
}

/// A mapped attribute whose values differ between the two sides of a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeDifference {
    /// User or group (`"user"`, `"group"`).
    #[serde(serialize_with = "super::index::serialize_kind")]
    pub kind: ResourceKind,
    /// The resource's userName/displayName on the `from` side (or its externalId).
    pub resource: String,
    /// How the two resources were paired.
    pub matched_by: MatchedBy,
    /// The mapping target (`emails[type eq "work"].value`).
    pub attribute: String,
    /// The normalised value on the `from` side (`None`: absent).
    pub from: Option<String>,
    /// The normalised value on the `to` side.
    pub to: Option<String>,
    /// Whether the values differ only in letter case.
    pub case_only: bool,
}

/// The members that differ in one group present on both sides, named by userName (users)
/// or displayName (groups), since ids differ between endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipDifference {
    /// The group's displayName on the `from` side.
    pub group: String,
    /// Members on `from` that `to` lacks.
    pub missing_on_to: Vec<String>,
    /// Members on `to` that `from` lacks.
    pub extra_on_to: Vec<String>,
}

/// Resources of one side whose names collide ignoring case (or are equal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Duplicate {
    /// User or group (`"user"`, `"group"`).
    #[serde(serialize_with = "super::index::serialize_kind")]
    pub kind: ResourceKind,
    /// The side that has them.
    pub side: Side,
    /// Their names, in reading order.
    pub names: Vec<String>,
    /// Their ids, in the same order.
    pub ids: Vec<String>,
}

/// The number of findings of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// Users and groups matched on both sides.
    pub matched_users: usize,
    /// Groups matched on both sides.
    pub matched_groups: usize,
    /// Users only on `from` (missing on `to`).
    pub users_missing_on_to: usize,
    /// Users only on `to`.
    pub users_extra_on_to: usize,
    /// Groups only on `from`.
    pub groups_missing_on_to: usize,
    /// Groups only on `to`.
    pub groups_extra_on_to: usize,
    /// Attribute differences (one per attribute of a pair).
    pub attribute_differences: usize,
    /// Memberships on `from` that `to` lacks.
    pub memberships_missing_on_to: usize,
    /// Memberships on `to` that `from` lacks.
    pub memberships_extra_on_to: usize,
    /// Sets of colliding names on either side.
    pub duplicates: usize,
    /// Everything above except the matched counts.
    pub differences: usize,
}

/// The whole result of comparing two directories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// [`REPORT_SCHEMA`].
    pub schema: &'static str,
    /// The tool version.
    pub tool_version: &'static str,
    /// The old endpoint's counts.
    pub from: SideCounts,
    /// The new endpoint's counts.
    pub to: SideCounts,
    /// The user targets compared.
    pub user_attributes: Vec<String>,
    /// The group targets compared (members are always compared).
    pub group_attributes: Vec<String>,
    /// The totals.
    pub totals: Totals,
    /// Users and groups found on one side only.
    pub only_on_one_side: Vec<OnlyOnOneSide>,
    /// Attribute differences of paired resources.
    pub attribute_differences: Vec<AttributeDifference>,
    /// Membership differences of paired groups.
    pub membership_differences: Vec<MembershipDifference>,
    /// Colliding names on either side.
    pub duplicates: Vec<Duplicate>,
    /// What Entra ID will do after the switch (id continuity, its matching query), when
    /// checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<super::migration::Migration>,
}

impl Comparison {
    /// Whether the two directories are the same for the mapped attributes.
    #[must_use]
    pub fn identical(&self) -> bool {
        self.totals.differences == 0
    }
}

/// One side's id lookups.
struct Ids<'a> {
    users: HashMap<&'a str, u32>,
    groups: HashMap<&'a str, u32>,
}

impl<'a> Ids<'a> {
    fn new(d: &'a Directory) -> Self {
        let map = |ix: &'a Index| {
            ix.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| !e.id().is_empty())
                .filter_map(|(i, e)| Some((e.id(), u32::try_from(i).ok()?)))
                .collect()
        };
        Self {
            users: map(&d.users),
            groups: map(&d.groups),
        }
    }
}

/// A member (or manager) as both sides can agree on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Ref<'a> {
    /// A user paired across the sides, by its `from` index.
    User(u32),
    /// A group paired across the sides, by its `from` index.
    Group(u32),
    /// A user or group on this side only, or an id that names nothing.
    Unpaired(Side, &'a str),
}

struct Ctx<'a> {
    from: &'a Directory,
    to: &'a Directory,
    from_ids: Ids<'a>,
    to_ids: Ids<'a>,
    users: &'a Matching,
    groups: &'a Matching,
}

impl<'a> Ctx<'a> {
    /// Resolves an id of `side` to a [`Ref`].
    fn resolve(&self, side: Side, id: &'a str) -> Ref<'a> {
        let (ids, users_from_index, groups_from_index) = match side {
            Side::From => (&self.from_ids, None, None),
            Side::To => (
                &self.to_ids,
                Some(&self.users.to_partner),
                Some(&self.groups.to_partner),
            ),
        };
        if let Some(&i) = ids.users.get(id) {
            let from_i = match users_from_index {
                None => self.users.from_partner[i as usize].map(|_| i),
                Some(p) => p[i as usize],
            };
            return from_i.map_or(Ref::Unpaired(side, id), Ref::User);
        }
        if let Some(&i) = ids.groups.get(id) {
            let from_i = match groups_from_index {
                None => self.groups.from_partner[i as usize].map(|_| i),
                Some(p) => p[i as usize],
            };
            return from_i.map_or(Ref::Unpaired(side, id), Ref::Group);
        }
        Ref::Unpaired(side, id)
    }

    /// How a [`Ref`] is shown: the userName or displayName.
    fn describe(&self, r: &Ref<'_>) -> String {
        match r {
            Ref::User(i) => name_of(&self.from.users.entries[*i as usize]),
            Ref::Group(i) => format!("group {}", name_of(&self.from.groups.entries[*i as usize])),
            Ref::Unpaired(side, id) => {
                let (ids, d) = match side {
                    Side::From => (&self.from_ids, self.from),
                    Side::To => (&self.to_ids, self.to),
                };
                if let Some(&i) = ids.users.get(id) {
                    name_of(&d.users.entries[i as usize])
                } else if let Some(&i) = ids.groups.get(id) {
                    format!("group {}", name_of(&d.groups.entries[i as usize]))
                } else {
                    format!(
                        "unknown id {id} (no such user or group on the {} side)",
                        side.as_str()
                    )
                }
            }
        }
    }
}

/// The name shown for an entry: its name, else its externalId, else its id.
fn name_of(e: &Entry) -> String {
    e.name()
        .or(e.external_id())
        .map_or_else(|| format!("id {}", e.id()), str::to_owned)
}

fn counts(d: &Directory) -> SideCounts {
    SideCounts {
        url: d.url.clone(),
        users: d.users.len(),
        groups: d.groups.len(),
        memberships: d.groups.entries.iter().map(Entry::member_count).sum(),
    }
}

/// Compares two directories read with `mapping`.
///
/// Pairs users and groups (by name, then by `externalId`), then reports what is on one side only,
/// every mapped attribute that differs in a pair (the manager through the manager's
/// pairing), every membership that differs in a paired group (members through their
/// pairing), and names that collide on either side. The name attribute is always
/// compared, even when the mapping does not list it. This is [`Comparer`] fed with both
/// directories.
#[must_use]
pub fn compare(from: &Directory, to: &Directory, mapping: &Mapping) -> Comparison {
    let mut c = Comparer::new(mapping, &from.url, &to.url);
    for (side, d) in [(Side::From, from), (Side::To, to)] {
        for (kind, ix) in [
            (ResourceKind::User, &d.users),
            (ResourceKind::Group, &d.groups),
        ] {
            for e in &ix.entries {
                c.push(side, kind, e.clone());
            }
        }
    }
    c.finish().0
}

/// An attribute difference with where it goes in the report: by kind, by the `from` index
/// of the pair, then by mapping row (the name first).
struct Found {
    kind: ResourceKind,
    from: u32,
    order: usize,
    difference: AttributeDifference,
}

/// Compares two directories as their entries arrive, in any interleaving of the sides
/// (each side's entries of one kind in reading order): a pair found by exact name is
/// compared at once and its mapped values dropped, so that memory holds the compact keys of
/// every resource (id, name, externalId, manager, member ids) but the values only of
/// resources still waiting for a partner. [`Comparer::finish`] pairs the rest (name ignoring
/// case, externalId) and gives the same [`Comparison`] as [`compare`].
///
/// ```
/// use scim2_conformance::compare::{Comparer, Extractor, ResourceKind, Mapping, Side};
/// use serde_json::json;
///
/// let mapping = Mapping::entra_default();
/// let users = Extractor::new(ResourceKind::User, &mapping.users);
/// let mut c = Comparer::new(&mapping, "https://old.example.com", "https://new.example.com");
/// c.push(Side::From, ResourceKind::User, users.entry(&json!({"id": "1", "userName": "ann", "title": "CEO"})));
/// assert_eq!(c.waiting(), 1);
/// c.push(Side::To, ResourceKind::User, users.entry(&json!({"id": "a", "userName": "ann", "title": "CTO"})));
/// assert_eq!(c.waiting(), 0);
/// let (comparison, _from) = c.finish();
/// assert_eq!(comparison.attribute_differences[0].attribute, "title");
/// ```
#[derive(Debug)]
pub struct Comparer<'m> {
    mapping: &'m Mapping,
    /// Which user rows are references (compared through the pairing at the end).
    references: Vec<usize>,
    from: Directory,
    to: Directory,
    users: Pairing,
    groups: Pairing,
    found: Vec<Found>,
    waiting: usize,
}

impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.difference.fmt(f)
    }
}

impl<'m> Comparer<'m> {
    /// An empty comparison of the endpoints at `from_url` and `to_url` (for the report).
    #[must_use]
    pub fn new(mapping: &'m Mapping, from_url: &str, to_url: &str) -> Self {
        let rows = Extractor::new(ResourceKind::User, &mapping.users);
        Self {
            mapping,
            references: (0..mapping.users.len())
                .filter(|r| rows.is_reference(*r))
                .collect(),
            from: Directory::new(from_url),
            to: Directory::new(to_url),
            users: Pairing::default(),
            groups: Pairing::default(),
            found: Vec::new(),
            waiting: 0,
        }
    }

    /// Reserves room for `n` more entries of `kind` on `side` (an endpoint's `totalResults`,
    /// capped by the caller).
    pub fn reserve(&mut self, side: Side, kind: ResourceKind, n: usize) {
        self.index_mut(side, kind).entries.reserve(n);
    }

    fn index_mut(&mut self, side: Side, kind: ResourceKind) -> &mut Index {
        let d = match side {
            Side::From => &mut self.from,
            Side::To => &mut self.to,
        };
        match kind {
            ResourceKind::User => &mut d.users,
            ResourceKind::Group => &mut d.groups,
        }
    }

    /// Adds the next entry of `kind` read from `side` (extracted with the same mapping).
    pub fn push(&mut self, side: Side, kind: ResourceKind, entry: Entry) {
        let pairing = match kind {
            ResourceKind::User => &mut self.users,
            ResourceKind::Group => &mut self.groups,
        };
        let paired = pairing.add(side, entry.name());
        // An entry paired at once needs its values only for the comparison below.
        self.index_mut(side, kind).entries.push(entry);
        match paired {
            Some((i, j)) => {
                self.waiting = self.waiting.saturating_sub(1);
                self.compare_pair(kind, i, j, MatchedBy::Name);
            }
            None => self.waiting += 1,
        }
    }

    /// The entries read so far that wait for a partner (and so keep their values).
    #[must_use]
    pub fn waiting(&self) -> usize {
        self.waiting
    }

    /// Records the differing mapped values of a pair (references aside) and drops the values.
    fn compare_pair(&mut self, kind: ResourceKind, i: u32, j: u32, how: MatchedBy) {
        let (fi, ti, targets) = match kind {
            ResourceKind::User => (
                &mut self.from.users,
                &mut self.to.users,
                &self.mapping.users,
            ),
            ResourceKind::Group => (
                &mut self.from.groups,
                &mut self.to.groups,
                &self.mapping.groups,
            ),
        };
        let (Some(a), Some(b)) = (fi.entries.get(i as usize), ti.entries.get(j as usize)) else {
            return;
        };
        let name_mapped = targets.iter().any(|t| t.is_plain(kind.name_attribute()));
        let mut push = |order: usize, attribute: String, from: Option<&str>, to: Option<&str>| {
            self.found.push(Found {
                kind,
                from: i,
                order,
                difference: difference(kind, name_of(a), how, attribute, from, to),
            });
        };
        if !name_mapped && a.name() != b.name() {
            push(0, kind.name_attribute().to_owned(), a.name(), b.name());
        }
        for (row, t) in targets.iter().enumerate() {
            if kind == ResourceKind::User && self.references.contains(&row) {
                continue;
            }
            // Bytes first: decoding both only to find them equal is most of the work.
            if a.values().bytes(row) != b.values().bytes(row) {
                let (va, vb) = (a.values().get(row), b.values().get(row));
                push(row + 1, t.to_string(), va, vb);
            }
        }
        fi.entries[i as usize].forget_values();
        ti.entries[j as usize].forget_values();
    }

    /// Pairs what is left, compares references and memberships through the pairing, and
    /// returns the comparison with the `from` directory (its compact entries, for the checks
    /// after the switch).
    #[must_use]
    pub fn finish(mut self) -> (Comparison, Directory) {
        let users = std::mem::take(&mut self.users);
        let (users, late) = users.finish(&self.from.users, &self.to.users);
        for (i, j, how) in late {
            self.compare_pair(ResourceKind::User, i, j, how);
        }
        let groups = std::mem::take(&mut self.groups);
        let (groups, late) = groups.finish(&self.from.groups, &self.to.groups);
        for (i, j, how) in late {
            self.compare_pair(ResourceKind::Group, i, j, how);
        }
        let Self {
            mapping,
            references,
            from,
            to,
            mut found,
            ..
        } = self;
        let comparison = report(
            mapping,
            &references,
            &from,
            &to,
            &users,
            &groups,
            &mut found,
        );
        (comparison, from)
    }
}

fn difference(
    kind: ResourceKind,
    resource: String,
    matched_by: MatchedBy,
    attribute: String,
    from: Option<&str>,
    to: Option<&str>,
) -> AttributeDifference {
    let case_only =
        matches!((from, to), (Some(x), Some(y)) if x.to_lowercase() == y.to_lowercase());
    AttributeDifference {
        kind,
        resource,
        matched_by,
        attribute,
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        case_only,
    }
}

fn report(
    mapping: &Mapping,
    references: &[usize],
    from: &Directory,
    to: &Directory,
    users: &Matching,
    groups: &Matching,
    found: &mut Vec<Found>,
) -> Comparison {
    let ctx = Ctx {
        from,
        to,
        from_ids: Ids::new(from),
        to_ids: Ids::new(to),
        users,
        groups,
    };
    let mut only = Vec::new();
    for (kind, m, fi, ti) in [
        (ResourceKind::User, users, &from.users, &to.users),
        (ResourceKind::Group, groups, &from.groups, &to.groups),
    ] {
        for (side, ix, list) in [
            (Side::From, fi, m.only_from().collect::<Vec<_>>()),
            (Side::To, ti, m.only_to().collect::<Vec<_>>()),
        ] {
            for i in list {
                let e = &ix.entries[i as usize];
                only.push(OnlyOnOneSide {
                    kind,
                    side,
                    name: e.name().map(str::to_owned),
                    external_id: e.external_id().map(str::to_owned),
                    id: e.id().to_owned(),
                });
            }
        }
    }
    only.sort_by(|a, b| {
        (
            a.kind as u8,
            a.side as u8,
            a.name.as_ref().map(|n| n.to_lowercase()),
        )
            .cmp(&(
                b.kind as u8,
                b.side as u8,
                b.name.as_ref().map(|n| n.to_lowercase()),
            ))
    });

    reference_differences(&ctx, mapping, references, found);
    found.sort_by_key(|f| (f.kind, f.from, f.order));
    let attrs: Vec<AttributeDifference> = found.drain(..).map(|f| f.difference).collect();

    let members = membership_differences(&ctx);

    let mut dups = Vec::new();
    for (side, d) in [(Side::From, from), (Side::To, to)] {
        for (kind, ix) in [
            (ResourceKind::User, &d.users),
            (ResourceKind::Group, &d.groups),
        ] {
            for set in matching::duplicates(ix) {
                let es: Vec<&Entry> = set.iter().map(|i| &ix.entries[*i as usize]).collect();
                dups.push(Duplicate {
                    kind,
                    side,
                    names: es.iter().map(|e| name_of(e)).collect(),
                    ids: es.iter().map(|e| e.id().to_owned()).collect(),
                });
            }
        }
    }

    let count = |kind: ResourceKind, side: Side| {
        only.iter()
            .filter(|o| o.kind == kind && o.side == side)
            .count()
    };
    let mut totals = Totals {
        matched_users: users.pairs.len(),
        matched_groups: groups.pairs.len(),
        users_missing_on_to: count(ResourceKind::User, Side::From),
        users_extra_on_to: count(ResourceKind::User, Side::To),
        groups_missing_on_to: count(ResourceKind::Group, Side::From),
        groups_extra_on_to: count(ResourceKind::Group, Side::To),
        attribute_differences: attrs.len(),
        memberships_missing_on_to: members.iter().map(|m| m.missing_on_to.len()).sum(),
        memberships_extra_on_to: members.iter().map(|m| m.extra_on_to.len()).sum(),
        duplicates: dups.len(),
        differences: 0,
    };
    totals.differences = only.len()
        + totals.attribute_differences
        + totals.memberships_missing_on_to
        + totals.memberships_extra_on_to
        + totals.duplicates;
    Comparison {
        schema: REPORT_SCHEMA,
        tool_version: env!("CARGO_PKG_VERSION"),
        from: counts(from),
        to: counts(to),
        user_attributes: mapping.users.iter().map(ToString::to_string).collect(),
        group_attributes: mapping.groups.iter().map(ToString::to_string).collect(),
        totals,
        only_on_one_side: only,
        attribute_differences: attrs,
        membership_differences: members,
        duplicates: dups,
        migration: None,
    }
}

/// The reference rows (the manager) of every user pair, compared through the pairing: the
/// same when both name the same paired user (or both are absent).
fn reference_differences(
    ctx: &Ctx<'_>,
    mapping: &Mapping,
    references: &[usize],
    out: &mut Vec<Found>,
) {
    if references.is_empty() {
        return;
    }
    for &(i, j, how) in &ctx.users.pairs {
        let (a, b) = (
            &ctx.from.users.entries[i as usize],
            &ctx.to.users.entries[j as usize],
        );
        for (k, &row) in references.iter().enumerate() {
            let ra = a.reference(k).map(|id| ctx.resolve(Side::From, id));
            let rb = b.reference(k).map(|id| ctx.resolve(Side::To, id));
            let same = match (&ra, &rb) {
                (None, None) => true,
                (Some(x @ Ref::User(_)), Some(y)) => x == y,
                _ => false,
            };
            if !same {
                let (da, db) = (ra.map(|r| ctx.describe(&r)), rb.map(|r| ctx.describe(&r)));
                out.push(Found {
                    kind: ResourceKind::User,
                    from: i,
                    order: row + 1,
                    difference: difference(
                        ResourceKind::User,
                        name_of(a),
                        how,
                        mapping.users[row].to_string(),
                        da.as_deref(),
                        db.as_deref(),
                    ),
                });
            }
        }
    }
}

fn membership_differences(ctx: &Ctx<'_>) -> Vec<MembershipDifference> {
    let mut out = Vec::new();
    for &(i, j, _) in &ctx.groups.pairs {
        let a = &ctx.from.groups.entries[i as usize];
        let b = &ctx.to.groups.entries[j as usize];
        let ra: HashSet<Ref<'_>> = a.members().map(|id| ctx.resolve(Side::From, id)).collect();
        let rb: HashSet<Ref<'_>> = b.members().map(|id| ctx.resolve(Side::To, id)).collect();
        let names = |set: &HashSet<Ref<'_>>, other: &HashSet<Ref<'_>>| {
            let mut v: Vec<String> = set
                .iter()
                .filter(|r| !other.contains(*r))
                .map(|r| ctx.describe(r))
                .collect();
            v.sort_by_key(|s| s.to_lowercase());
            v
        };
        let missing = names(&ra, &rb);
        let extra = names(&rb, &ra);
        if !missing.is_empty() || !extra.is_empty() {
            out.push(MembershipDifference {
                group: name_of(a),
                missing_on_to: missing,
                extra_on_to: extra,
            });
        }
    }
    out.sort_by_key(|m| m.group.to_lowercase());
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Two small directories with one of each kind of difference.
    fn directories(m: &Mapping) -> (Directory, Directory) {
        let mut a = Directory::new("https://old");
        let mut b = Directory::new("https://new");
        for i in 0..6 {
            let manager = json!({"value": format!("o{}", i / 2)});
            a.users.push(
                &json!({"id": format!("o{i}"), "userName": format!("u{i}"), "title": "t",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": manager}}),
                &m.users,
            );
        }
        for i in (0..6).rev() {
            let name = if i == 1 {
                "U1".to_owned()
            } else {
                format!("u{i}")
            };
            let title = if i == 2 { "other" } else { "t" };
            let manager = json!({"value": format!("n{}", if i == 5 { 0 } else { i / 2 })});
            if i != 4 {
                b.users.push(
                    &json!({"id": format!("n{i}"), "userName": name, "title": title,
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": manager}}),
                    &m.users,
                );
            }
        }
        a.groups.push(
            &json!({"id": "g", "displayName": "G", "members": [{"value": "o1"}, {"value": "o4"}]}),
            &m.groups,
        );
        b.groups.push(
            &json!({"id": "h", "displayName": "G", "members": [{"value": "n1"}, {"value": "n3"}]}),
            &m.groups,
        );
        (a, b)
    }

    #[test]
    fn any_interleaving_of_the_sides_gives_the_same_comparison() {
        let m = Mapping::entra_default();
        let (a, b) = directories(&m);
        let whole = compare(&a, &b, &m);
        assert_eq!(whole.totals.matched_users, 5);
        assert_eq!(whole.totals.users_missing_on_to, 1);
        let attributes: Vec<(&str, &str)> = whole
            .attribute_differences
            .iter()
            .map(|d| (d.resource.as_str(), d.attribute.as_str()))
            .collect();
        assert_eq!(
            attributes,
            [
                ("u1", "userName"),
                ("u2", "title"),
                (
                    "u5",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
                ),
            ]
        );
        assert_eq!(whole.membership_differences.len(), 1);
        // Alternate the sides, the `to` side first.
        let mut c = Comparer::new(&m, &a.url, &b.url);
        let (mut ia, mut ib) = (a.users.entries.iter(), b.users.entries.iter());
        loop {
            let (x, y) = (ib.next(), ia.next());
            if let Some(e) = x {
                c.push(Side::To, ResourceKind::User, e.clone());
            }
            if let Some(e) = y {
                c.push(Side::From, ResourceKind::User, e.clone());
            }
            if x.is_none() && y.is_none() {
                break;
            }
        }
        c.push(Side::To, ResourceKind::Group, b.groups.entries[0].clone());
        c.push(Side::From, ResourceKind::Group, a.groups.entries[0].clone());
        assert_eq!(
            c.waiting(),
            3,
            "u1, U1 and u4 wait for the passes at the end"
        );
        let (streamed, from) = c.finish();
        assert_eq!(streamed, whole);
        assert_eq!(from.users.len(), 6);
        assert!(
            from.users
                .entries
                .iter()
                .all(|e| e.values().is_empty() || e.name() == Some("u1") || e.name() == Some("u4")),
            "values are dropped once compared"
        );
    }
}

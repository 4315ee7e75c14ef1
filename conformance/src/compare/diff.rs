//! Classifying the differences between two endpoints' directories.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::index::{Entry, Index, Kind};
use super::mapping::Mapping;
use super::matching::{self, MatchedBy, Matching};
use super::target::TargetPath;

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
            users: Index::new(Kind::User),
            groups: Index::new(Kind::Group),
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
    /// User or group.
    pub kind: Kind,
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
    /// User or group.
    pub kind: Kind,
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
    /// User or group.
    pub kind: Kind,
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
                .filter(|(_, e)| !e.id.is_empty())
                .filter_map(|(i, e)| Some((&*e.id, u32::try_from(i).ok()?)))
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
    e.name
        .as_deref()
        .or(e.external_id.as_deref())
        .map_or_else(|| format!("id {}", e.id), str::to_owned)
}

fn counts(d: &Directory) -> SideCounts {
    SideCounts {
        url: d.url.clone(),
        users: d.users.len(),
        groups: d.groups.len(),
        memberships: d.groups.entries.iter().map(|g| g.members.len()).sum(),
    }
}

/// Compares two directories read with `mapping`.
///
/// Pairs users and groups (see [`matching`]), then reports what is on one side only,
/// every mapped attribute that differs in a pair (the manager through the manager's
/// pairing), every membership that differs in a paired group (members through their
/// pairing), and names that collide on either side. The name attribute is always
/// compared, even when the mapping does not list it.
#[must_use]
pub fn compare(from: &Directory, to: &Directory, mapping: &Mapping) -> Comparison {
    let users = matching::pair(&from.users, &to.users);
    let groups = matching::pair(&from.groups, &to.groups);
    let ctx = Ctx {
        from,
        to,
        from_ids: Ids::new(from),
        to_ids: Ids::new(to),
        users: &users,
        groups: &groups,
    };
    let mut only = Vec::new();
    for (kind, m, fi, ti) in [
        (Kind::User, &users, &from.users, &to.users),
        (Kind::Group, &groups, &from.groups, &to.groups),
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
                    name: e.name.as_deref().map(str::to_owned),
                    external_id: e.external_id.as_deref().map(str::to_owned),
                    id: e.id.to_string(),
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

    let mut attrs = Vec::new();
    attribute_differences(&ctx, Kind::User, &users, &mapping.users, &mut attrs);
    attribute_differences(&ctx, Kind::Group, &groups, &mapping.groups, &mut attrs);

    let members = membership_differences(&ctx);

    let mut dups = Vec::new();
    for (side, d) in [(Side::From, from), (Side::To, to)] {
        for (kind, ix) in [(Kind::User, &d.users), (Kind::Group, &d.groups)] {
            for set in matching::duplicates(ix) {
                let es: Vec<&Entry> = set.iter().map(|i| &ix.entries[*i as usize]).collect();
                dups.push(Duplicate {
                    kind,
                    side,
                    names: es.iter().map(|e| name_of(e)).collect(),
                    ids: es.iter().map(|e| e.id.to_string()).collect(),
                });
            }
        }
    }

    let count = |kind: Kind, side: Side| {
        only.iter()
            .filter(|o| o.kind == kind && o.side == side)
            .count()
    };
    let mut totals = Totals {
        matched_users: users.pairs.len(),
        matched_groups: groups.pairs.len(),
        users_missing_on_to: count(Kind::User, Side::From),
        users_extra_on_to: count(Kind::User, Side::To),
        groups_missing_on_to: count(Kind::Group, Side::From),
        groups_extra_on_to: count(Kind::Group, Side::To),
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

fn attribute_differences(
    ctx: &Ctx<'_>,
    kind: Kind,
    m: &Matching,
    targets: &[TargetPath],
    out: &mut Vec<AttributeDifference>,
) {
    let (fi, ti) = match kind {
        Kind::User => (&ctx.from.users, &ctx.to.users),
        Kind::Group => (&ctx.from.groups, &ctx.to.groups),
    };
    let name_mapped = targets.iter().any(|t| t.is_plain(kind.name_attr()));
    for &(i, j, how) in &m.pairs {
        let (a, b) = (&fi.entries[i as usize], &ti.entries[j as usize]);
        let resource = name_of(a);
        let mut push = |attribute: String, from: Option<String>, to: Option<String>| {
            let case_only =
                matches!((&from, &to), (Some(x), Some(y)) if x.to_lowercase() == y.to_lowercase());
            out.push(AttributeDifference {
                kind,
                resource: resource.clone(),
                matched_by: how,
                attribute,
                from,
                to,
                case_only,
            });
        };
        if !name_mapped && a.name != b.name {
            push(
                kind.name_attr().to_owned(),
                a.name.as_deref().map(str::to_owned),
                b.name.as_deref().map(str::to_owned),
            );
        }
        for (row, t) in targets.iter().enumerate() {
            let (va, vb) = (a.values.get(row), b.values.get(row));
            if kind == Kind::User && t.is_manager() {
                let ra = va.map(|id| ctx.resolve(Side::From, id));
                let rb = vb.map(|id| ctx.resolve(Side::To, id));
                let same = match (&ra, &rb) {
                    (None, None) => true,
                    (Some(x @ Ref::User(_)), Some(y)) => x == y,
                    _ => false,
                };
                if !same {
                    push(
                        t.to_string(),
                        ra.map(|r| ctx.describe(&r)),
                        rb.map(|r| ctx.describe(&r)),
                    );
                }
            } else if va != vb {
                push(t.to_string(), va.map(str::to_owned), vb.map(str::to_owned));
            }
        }
    }
}

fn membership_differences(ctx: &Ctx<'_>) -> Vec<MembershipDifference> {
    let mut out = Vec::new();
    for &(i, j, _) in &ctx.groups.pairs {
        let a = &ctx.from.groups.entries[i as usize];
        let b = &ctx.to.groups.entries[j as usize];
        let ra: HashSet<Ref<'_>> = a
            .members
            .iter()
            .map(|id| ctx.resolve(Side::From, id))
            .collect();
        let rb: HashSet<Ref<'_>> = b
            .members
            .iter()
            .map(|id| ctx.resolve(Side::To, id))
            .collect();
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

//! The operations a stateful run draws from: Entra ID's provisioning operations on users and
//! groups (docs/entra.md#patch-dialects), and generated queries over the run's own users.
//!
//! An [`Op`] is abstract: it names users and groups by small indices into the run's live (or
//! deleted) resources, resolved when the sequence runs, so that shrinking a sequence (dropping
//! steps, lowering indices) always leaves a sequence that can run.

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use scim2_filter::{CompareOp, Filter};
use scim2_types::arbitrary;
use serde::{Deserialize, Serialize};

/// A generated query over the attributes of the run's users (RFC 7644 §3.4.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Query {
    /// `userName eq "<userName in other letter case>"`.
    UserNameEq {
        /// The user.
        user: u8,
        /// Which letters change case.
        case: u64,
    },
    /// `userName sw "<a prefix of userName>"`.
    UserNameSw {
        /// The user.
        user: u8,
    },
    /// `displayName co "<part of displayName>"`.
    DisplayNameCo {
        /// The user.
        user: u8,
    },
    /// `emails[type eq "work" and value eq "<work email>"]` (a value path).
    WorkEmail {
        /// The user.
        user: u8,
    },
    /// `title eq "<title>" and active eq true`.
    TitleAndActive {
        /// The user.
        user: u8,
    },
    /// `not (active eq false)`.
    NotInactive,
    /// `externalId eq "<a>" or userName eq "<b>"`.
    ExternalIdOrUserName {
        /// The first user.
        a: u8,
        /// The second user.
        b: u8,
    },
    /// `urn:…:enterprise:2.0:User:department eq "<department>"`.
    Department {
        /// The user.
        user: u8,
    },
    /// A generated filter: every comparison operator, `pr`, `and`/`or`/`not` and value paths,
    /// nested, with values taken from the run's users.
    Generated {
        /// The filter.
        filter: Generated,
    },
}

/// An attribute a generated comparison reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FilterAttr {
    /// `userName` (always present, ASCII, case-insensitive).
    UserName,
    /// `displayName` (always present; Unicode).
    DisplayName,
    /// `externalId` (always present; case-exact, RFC 7643 §3.1).
    ExternalId,
    /// `emails.value` (always present).
    Email,
    /// `title` (optional).
    Title,
    /// `urn:…:enterprise:2.0:User:department` (optional).
    Department,
    /// `urn:…:enterprise:2.0:User:employeeNumber` (optional).
    EmployeeNumber,
}

impl FilterAttr {
    /// Whether every user of a run holds the attribute (so `ne` and `not` over it mean the
    /// same on every endpoint: RFC 7644 §3.4.2.2 leaves comparisons with an absent attribute
    /// to the server).
    #[must_use]
    pub fn always_present(self) -> bool {
        matches!(
            self,
            Self::UserName | Self::DisplayName | Self::ExternalId | Self::Email
        )
    }

    /// Whether the attribute's values are ASCII, so that ordering (`gt`, `ge`, `lt`, `le`)
    /// does not depend on a server's collation.
    #[must_use]
    pub fn ascii(self) -> bool {
        matches!(
            self,
            Self::UserName | Self::ExternalId | Self::Email | Self::EmployeeNumber
        )
    }
}

/// A comparison operator of a generated filter (RFC 7644 §3.4.2.2, Table 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FilterOp {
    /// `eq`.
    Eq,
    /// `ne`.
    Ne,
    /// `co`.
    Co,
    /// `sw`.
    Sw,
    /// `ew`.
    Ew,
    /// `gt`.
    Gt,
    /// `ge`.
    Ge,
    /// `lt`.
    Lt,
    /// `le`.
    Le,
    /// `pr`.
    Pr,
}

impl FilterOp {
    /// The comparison operator of the filter AST; `None` for `pr`, which is not a comparison.
    #[must_use]
    pub fn compare_op(self) -> Option<CompareOp> {
        Some(match self {
            Self::Eq => CompareOp::Eq,
            Self::Ne => CompareOp::Ne,
            Self::Co => CompareOp::Co,
            Self::Sw => CompareOp::Sw,
            Self::Ew => CompareOp::Ew,
            Self::Gt => CompareOp::Gt,
            Self::Ge => CompareOp::Ge,
            Self::Lt => CompareOp::Lt,
            Self::Le => CompareOp::Le,
            Self::Pr => return None,
        })
    }

    fn ordering(self) -> bool {
        self.compare_op().is_some_and(CompareOp::is_ordering)
    }
}

/// A generated filter expression (RFC 7644 §3.4.2.2), resolved against the run's users when it
/// runs: comparison values are taken from (parts of) a user's current values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Generated {
    /// `<attr> <op> "<a value of the user, or a part of it>"`, or `<attr> pr`.
    Compare {
        /// The attribute.
        attr: FilterAttr,
        /// The operator.
        op: FilterOp,
        /// The user whose value is compared with.
        user: u8,
        /// Which letters change case (case-insensitive attributes only).
        case: u64,
    },
    /// `active eq <value>`.
    Active {
        /// The value.
        value: bool,
    },
    /// `emails[type eq "work" and value <op> "<the user's work email or a part of it>"]`.
    WorkEmail {
        /// The operator.
        op: FilterOp,
        /// The user.
        user: u8,
    },
    /// `not (<filter>)`, over attributes every user holds.
    Not {
        /// The negated filter.
        filter: Box<Generated>,
    },
    /// `(<a>) and (<b>)`.
    And {
        /// The left operand.
        a: Box<Generated>,
        /// The right operand.
        b: Box<Generated>,
    },
    /// `(<a>) or (<b>)`.
    Or {
        /// The left operand.
        a: Box<Generated>,
        /// The right operand.
        b: Box<Generated>,
    },
}

/// A user attribute a PATCH sets (docs/entra.md#patch-dialects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UserAttr {
    /// `displayName` (single-valued).
    DisplayName,
    /// `title` (single-valued).
    Title,
    /// `urn:…:enterprise:2.0:User:department` (extension attribute).
    Department,
    /// `emails[type eq "work"].value` (value path).
    WorkEmail,
    /// `phoneNumbers[type eq "mobile"].value` (value path).
    MobilePhone,
    /// `addresses[type eq "work"].locality` (value path).
    WorkLocality,
}

impl UserAttr {
    /// The PATCH path Entra uses for the attribute.
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            Self::DisplayName => "displayName",
            Self::Title => "title",
            Self::Department => scim2_types::urn::ENTERPRISE_DEPARTMENT,
            Self::WorkEmail => "emails[type eq \"work\"].value",
            Self::MobilePhone => "phoneNumbers[type eq \"mobile\"].value",
            Self::WorkLocality => "addresses[type eq \"work\"].locality",
        }
    }

    /// A filter that holds when the attribute has `value` (for the value-path attributes, on
    /// the element of that type: `emails[type eq "work" and value eq "…"]`).
    #[must_use]
    pub fn filter_eq(self, value: &str) -> Filter {
        let typed = |attr: &str, kind: &str, sub: &str| {
            Filter::value_path(
                attr,
                Filter::and(Filter::eq("type", kind), Filter::eq(sub, value)),
            )
        };
        match self {
            Self::WorkEmail => typed("emails", "work", "value"),
            Self::MobilePhone => typed("phoneNumbers", "mobile", "value"),
            Self::WorkLocality => typed("addresses", "work", "locality"),
            other => Filter::eq(other.path(), value),
        }
    }
}

/// One operation of a stateful sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "op")]
pub enum Op {
    /// `POST /Users` with the mapping's Entra-shaped body (§2.4); `reuse` re-creates the
    /// `userName` of a deleted user of the run instead of a fresh one.
    CreateUser {
        /// Seeds the invented person's values.
        seed: u32,
        /// Given and family name (`scim2_types::arbitrary::person_name`: Unicode scripts).
        names: (String, String),
        /// The UPN's domain part (`scim2_types::arbitrary::upn`); the local part is run-unique.
        domain: String,
        /// Optional attributes left out (bit 0 title, 1 preferredLanguage, 2 addresses,
        /// 3 phoneNumbers, 4 the enterprise extension).
        omit: u8,
        /// Index of a deleted user whose `userName` is reused.
        reuse: Option<u8>,
    },
    /// `GET /Users?filter=userName eq "…"` in another letter case, or `externalId eq "…"` (§2.3).
    FindUser {
        /// The user.
        user: u8,
        /// Look up by externalId instead of userName.
        by_external_id: bool,
        /// Which letters of the userName change case.
        case: u64,
    },
    /// PATCH one attribute (§2.6).
    PatchUser {
        /// The user.
        user: u8,
        /// The attribute.
        attr: UserAttr,
        /// Seeds the new value.
        value: u16,
        /// Flagged dialect (lower-case ops) instead of the legacy one.
        flagged: bool,
    },
    /// PATCH the manager to another user's id (bare id string, §2.8).
    SetManager {
        /// The user.
        user: u8,
        /// The manager.
        manager: u8,
        /// Flagged dialect (absent in sequences saved before the field existed: legacy).
        #[serde(default)]
        flagged: bool,
    },
    /// PATCH `remove` of the manager (§2.8).
    ClearManager {
        /// The user.
        user: u8,
        /// Flagged dialect (absent in sequences saved before the field existed: legacy).
        #[serde(default)]
        flagged: bool,
    },
    /// PATCH `active` (`"False"`/`"True"` in the legacy dialect, booleans when flagged; §2.7).
    SetActive {
        /// The user.
        user: u8,
        /// The new value.
        active: bool,
        /// Flagged dialect.
        flagged: bool,
    },
    /// PATCH `userName` to a new run-unique name (§2.6).
    RenameUser {
        /// The user.
        user: u8,
        /// Flagged dialect (absent in sequences saved before the field existed: legacy).
        #[serde(default)]
        flagged: bool,
    },
    /// `DELETE /Users/{id}` (§2.9).
    DeleteUser {
        /// The user.
        user: u8,
    },
    /// `POST /Groups` with `members: []` (§2.11).
    CreateGroup,
    /// `GET /Groups?excludedAttributes=members&filter=displayName eq "…"` (§2.10).
    FindGroup {
        /// The group.
        group: u8,
        /// Which letters change case.
        case: u64,
    },
    /// PATCH `Add` on `members` with a batch of users (§2.14).
    AddMembers {
        /// The group.
        group: u8,
        /// The users.
        users: Vec<u8>,
        /// Flagged dialect (absent in sequences saved before the field existed: legacy).
        #[serde(default)]
        flagged: bool,
    },
    /// PATCH removal of members: legacy value array, or flagged `members[value eq "…"]` (§2.15).
    RemoveMembers {
        /// The group.
        group: u8,
        /// The members removed: indices into the group's current members (in the order their
        /// users were created).
        users: Vec<u8>,
        /// Flagged dialect.
        flagged: bool,
    },
    /// PATCH `displayName` of a group (§2.13).
    RenameGroup {
        /// The group.
        group: u8,
        /// Flagged dialect (absent in sequences saved before the field existed: legacy).
        #[serde(default)]
        flagged: bool,
    },
    /// `DELETE /Groups/{id}`.
    DeleteGroup {
        /// The group.
        group: u8,
    },
    /// A generated query over the run's users.
    Query(Query),
}

impl Op {
    /// The stateful check the operation belongs to (`stateful.users`, `.groups`, `.filters`).
    #[must_use]
    pub fn area(&self) -> super::Area {
        use super::Area;
        match self {
            Self::CreateGroup
            | Self::AddMembers { .. }
            | Self::RemoveMembers { .. }
            | Self::RenameGroup { .. }
            | Self::DeleteGroup { .. } => Area::Groups,
            Self::Query(_) | Self::FindUser { .. } | Self::FindGroup { .. } => Area::Filters,
            _ => Area::Users,
        }
    }
}

/// A user or group index; 0 (the most recently written one) half of the time, so that
/// later steps tend to act on what earlier steps changed.
fn ix() -> impl Strategy<Value = u8> {
    prop_oneof![Just(0u8), 0u8..8]
}

const ALL_OPS: [FilterOp; 10] = [
    FilterOp::Eq,
    FilterOp::Ne,
    FilterOp::Co,
    FilterOp::Sw,
    FilterOp::Ew,
    FilterOp::Gt,
    FilterOp::Ge,
    FilterOp::Lt,
    FilterOp::Le,
    FilterOp::Pr,
];

/// A comparison over `attrs` with an operator that means the same on every endpoint:
/// ordering only on ASCII attributes, `ne` only on attributes every user holds.
fn compare(attrs: &'static [FilterAttr]) -> impl Strategy<Value = Generated> {
    (
        prop::sample::select(attrs),
        prop::sample::select(&ALL_OPS[..]),
        ix(),
        any::<u64>(),
    )
        .prop_map(|(attr, op, user, case)| {
            let op = match op {
                o if o.ordering() && !attr.ascii() => FilterOp::Eq,
                FilterOp::Ne if !attr.always_present() => FilterOp::Eq,
                o => o,
            };
            Generated::Compare {
                attr,
                op,
                user,
                case,
            }
        })
}

const PRESENT: &[FilterAttr] = &[
    FilterAttr::UserName,
    FilterAttr::DisplayName,
    FilterAttr::ExternalId,
    FilterAttr::Email,
];
const ANY: &[FilterAttr] = &[
    FilterAttr::UserName,
    FilterAttr::DisplayName,
    FilterAttr::ExternalId,
    FilterAttr::Email,
    FilterAttr::Title,
    FilterAttr::Department,
    FilterAttr::EmployeeNumber,
];

/// Generated filters over attributes every user holds (the only ones `not` may wrap).
fn present_filter() -> impl Strategy<Value = Generated> {
    let leaf = prop_oneof![
        4 => compare(PRESENT),
        1 => any::<bool>().prop_map(|value| Generated::Active { value }),
        1 => (prop::sample::select(&ALL_OPS[..8]), ix())
            .prop_map(|(op, user)| Generated::WorkEmail { op, user }),
    ];
    leaf.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Generated::And {
                a: Box::new(a),
                b: Box::new(b)
            }),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Generated::Or {
                a: Box::new(a),
                b: Box::new(b)
            }),
            inner.prop_map(|f| Generated::Not {
                filter: Box::new(f)
            }),
        ]
    })
}

/// Generated filters: comparisons with every operator, `pr`, value paths, and `and`/`or`/`not`
/// nested up to three levels.
pub fn generated() -> impl Strategy<Value = Generated> {
    let leaf = prop_oneof![3 => compare(ANY), 2 => present_filter()];
    leaf.prop_recursive(2, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Generated::And {
                a: Box::new(a),
                b: Box::new(b)
            }),
            (inner.clone(), inner).prop_map(|(a, b)| Generated::Or {
                a: Box::new(a),
                b: Box::new(b)
            }),
            present_filter().prop_map(|f| Generated::Not {
                filter: Box::new(f)
            }),
        ]
    })
}

fn user_attr() -> impl Strategy<Value = UserAttr> {
    prop_oneof![
        Just(UserAttr::DisplayName),
        Just(UserAttr::Title),
        Just(UserAttr::Department),
        Just(UserAttr::WorkEmail),
        Just(UserAttr::MobilePhone),
        Just(UserAttr::WorkLocality),
    ]
}

fn query() -> impl Strategy<Value = Query> {
    prop_oneof![
        1 => (ix(), any::<u64>()).prop_map(|(user, case)| Query::UserNameEq { user, case }),
        1 => ix().prop_map(|user| Query::UserNameSw { user }),
        1 => ix().prop_map(|user| Query::DisplayNameCo { user }),
        1 => ix().prop_map(|user| Query::WorkEmail { user }),
        1 => ix().prop_map(|user| Query::TitleAndActive { user }),
        1 => Just(Query::NotInactive),
        1 => (ix(), ix()).prop_map(|(a, b)| Query::ExternalIdOrUserName { a, b }),
        1 => ix().prop_map(|user| Query::Department { user }),
        8 => generated().prop_map(|filter| Query::Generated { filter }),
    ]
}

/// The operation kinds with their weights.
fn kinds() -> Vec<(u32, BoxedStrategy<Op>)> {
    // Members are picked uniformly (not by recency), so a batch names several users; a removal
    // names fewer than an addition, so it tends to leave some members in place.
    let batch = |n| prop::collection::vec(0u8..8, 1..n);
    vec![
        (
            6,
            (
                any::<u32>(),
                (arbitrary::person_name(), arbitrary::person_name()),
                arbitrary::upn(),
                0u8..32,
                prop::option::weighted(0.15, ix()),
            )
                .prop_map(|(seed, names, upn, omit, reuse)| Op::CreateUser {
                    seed,
                    names,
                    domain: upn
                        .split_once('@')
                        .map_or("example.com", |(_, d)| d)
                        .to_owned(),
                    omit,
                    reuse,
                })
                .boxed(),
        ),
        (3, Just(Op::CreateGroup).boxed()),
        (
            2,
            (ix(), any::<bool>(), any::<u64>())
                .prop_map(|(user, by_external_id, case)| Op::FindUser {
                    user,
                    by_external_id,
                    case,
                })
                .boxed(),
        ),
        (
            4,
            (ix(), user_attr(), any::<u16>(), any::<bool>())
                .prop_map(|(user, attr, value, flagged)| Op::PatchUser {
                    user,
                    attr,
                    value,
                    flagged,
                })
                .boxed(),
        ),
        (
            1,
            (ix(), ix(), any::<bool>())
                .prop_map(|(user, manager, flagged)| Op::SetManager {
                    user,
                    manager,
                    flagged,
                })
                .boxed(),
        ),
        (
            1,
            (ix(), any::<bool>())
                .prop_map(|(user, flagged)| Op::ClearManager { user, flagged })
                .boxed(),
        ),
        (
            2,
            (ix(), any::<bool>(), any::<bool>())
                .prop_map(|(user, active, flagged)| Op::SetActive {
                    user,
                    active,
                    flagged,
                })
                .boxed(),
        ),
        (
            1,
            (ix(), any::<bool>())
                .prop_map(|(user, flagged)| Op::RenameUser { user, flagged })
                .boxed(),
        ),
        (2, ix().prop_map(|user| Op::DeleteUser { user }).boxed()),
        (
            1,
            (ix(), any::<u64>())
                .prop_map(|(group, case)| Op::FindGroup { group, case })
                .boxed(),
        ),
        (
            5,
            (ix(), batch(6), any::<bool>())
                .prop_map(|(group, users, flagged)| Op::AddMembers {
                    group,
                    users,
                    flagged,
                })
                .boxed(),
        ),
        (
            4,
            (ix(), batch(3), any::<bool>())
                .prop_map(|(group, users, flagged)| Op::RemoveMembers {
                    group,
                    users,
                    flagged,
                })
                .boxed(),
        ),
        (
            3,
            (ix(), any::<bool>())
                .prop_map(|(group, flagged)| Op::RenameGroup { group, flagged })
                .boxed(),
        ),
        (1, ix().prop_map(|group| Op::DeleteGroup { group }).boxed()),
        (4, query().prop_map(Op::Query).boxed()),
    ]
}

/// One operation of any kind, weighted towards creating resources so that later steps have
/// targets.
pub fn op() -> impl Strategy<Value = Op> {
    Union::new_weighted(kinds())
}

/// A sequence of up to `max_len` operations: usually a few users and a group to start with
/// (as a provisioning cycle starts from the users and groups in scope), then operations of any
/// kind.
pub fn sequence(max_len: usize) -> impl Strategy<Value = Vec<Op>> {
    let max_len = max_len.max(1);
    let setup = max_len.min(4) - 1;
    let creates = || kinds().swap_remove(0).1;
    (
        prop::collection::vec(creates(), 0..=setup),
        prop::option::weighted(0.6, Just(Op::CreateGroup)),
        prop::collection::vec(op(), 1..=max_len - setup),
    )
        .prop_map(|(mut users, group, rest)| {
            users.extend(group);
            users.extend(rest);
            users
        })
}

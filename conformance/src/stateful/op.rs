//! The operations a stateful run draws from: Entra ID's provisioning operations on users and
//! groups (entra-provisioning §2), and generated queries over the run's own users.
//!
//! An [`Op`] is abstract: it names users and groups by small indices into the run's live (or
//! deleted) resources, resolved when the sequence runs, so that shrinking a sequence (dropping
//! steps, lowering indices) always leaves a sequence that can run.

use proptest::prelude::*;
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
}

/// A user attribute a PATCH sets (entra-provisioning §2.6).
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
    },
    /// PATCH `remove` of the manager (§2.8).
    ClearManager {
        /// The user.
        user: u8,
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
    },
    /// PATCH removal of members: legacy value array, or flagged `members[value eq "…"]` (§2.15).
    RemoveMembers {
        /// The group.
        group: u8,
        /// The users.
        users: Vec<u8>,
        /// Flagged dialect.
        flagged: bool,
    },
    /// PATCH `displayName` of a group (§2.13).
    RenameGroup {
        /// The group.
        group: u8,
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

fn ix() -> impl Strategy<Value = u8> {
    0u8..8
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
        (ix(), any::<u64>()).prop_map(|(user, case)| Query::UserNameEq { user, case }),
        ix().prop_map(|user| Query::UserNameSw { user }),
        ix().prop_map(|user| Query::DisplayNameCo { user }),
        ix().prop_map(|user| Query::WorkEmail { user }),
        ix().prop_map(|user| Query::TitleAndActive { user }),
        Just(Query::NotInactive),
        (ix(), ix()).prop_map(|(a, b)| Query::ExternalIdOrUserName { a, b }),
        ix().prop_map(|user| Query::Department { user }),
    ]
}

/// One operation, weighted towards creating resources so that later steps have targets.
pub fn op() -> impl Strategy<Value = Op> {
    let batch = || prop::collection::vec(ix(), 1..4);
    prop_oneof![
        6 => (
            any::<u32>(),
            (arbitrary::person_name(), arbitrary::person_name()),
            arbitrary::upn(),
            0u8..32,
            prop::option::weighted(0.15, ix()),
        )
            .prop_map(|(seed, names, upn, omit, reuse)| Op::CreateUser {
                seed,
                names,
                domain: upn.split_once('@').map_or("example.com", |(_, d)| d).to_owned(),
                omit,
                reuse,
            }),
        2 => (ix(), any::<bool>(), any::<u64>())
            .prop_map(|(user, by_external_id, case)| Op::FindUser { user, by_external_id, case }),
        4 => (ix(), user_attr(), any::<u16>(), any::<bool>())
            .prop_map(|(user, attr, value, flagged)| Op::PatchUser { user, attr, value, flagged }),
        1 => (ix(), ix()).prop_map(|(user, manager)| Op::SetManager { user, manager }),
        1 => ix().prop_map(|user| Op::ClearManager { user }),
        2 => (ix(), any::<bool>(), any::<bool>())
            .prop_map(|(user, active, flagged)| Op::SetActive { user, active, flagged }),
        1 => ix().prop_map(|user| Op::RenameUser { user }),
        2 => ix().prop_map(|user| Op::DeleteUser { user }),
        3 => Just(Op::CreateGroup),
        1 => (ix(), any::<u64>()).prop_map(|(group, case)| Op::FindGroup { group, case }),
        4 => (ix(), batch()).prop_map(|(group, users)| Op::AddMembers { group, users }),
        2 => (ix(), batch(), any::<bool>())
            .prop_map(|(group, users, flagged)| Op::RemoveMembers { group, users, flagged }),
        3 => ix().prop_map(|group| Op::RenameGroup { group }),
        1 => ix().prop_map(|group| Op::DeleteGroup { group }),
        3 => query().prop_map(Op::Query),
    ]
}

/// A sequence of up to `max_len` operations.
pub fn sequence(max_len: usize) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(op(), 1..=max_len.max(1))
}

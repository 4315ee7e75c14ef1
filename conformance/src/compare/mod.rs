//! `scim-conformance compare`: prove that a new SCIM endpoint serves the same directory as
//! the old one, without writing anything (GET only).
//!
//! The situation: a vendor retires its old provisioning endpoint for a new one; the
//! administrator switches Entra ID's Tenant URL and Secret Token and wants to know, before
//! and after, whether both endpoints hold the same users, groups and memberships.
//!
//! The library side, I/O separate from logic:
//! - [`Mapping`]: which attributes are compared (Entra ID's default mapping or a TOML file);
//! - [`Directory`] and [`Index`]: the compact, normalised entry kept per resource;
//! - [`compare`] two directories, or [`Comparer`] as entries arrive from both endpoints at
//!   once, so that a resource's values are dropped as soon as it meets its partner; users pair
//!   by `userName` and groups by `displayName` (case-insensitive), then by `externalId`
//!   ([`MatchedBy`]);
//! - [`Comparison`]: the differences: only on one side, attribute values, memberships
//!   (through the members' pairing, since ids differ between endpoints), duplicate names,
//!   totals; [`render`] it as human text, JSON or Markdown;
//! - [`compare_endpoints`]: read two endpoints page by page with scim2-client and compare
//!   them;
//! - [`Continuity`], [`MatchingProbe`] and [`Migration`]: what Entra ID does right after the
//!   switch: whether the ids it cached still lead to the same resources on the new side, and
//!   whether its matching query (`filter=userName eq "…"`) finds every old user exactly once;
//! - [`CompareArgs`] and [`run`]: the command's arguments and exit codes ([`Exit`]).
//!
//! ```
//! use scim2_conformance::compare::{Directory, Mapping, compare};
//! use serde_json::json;
//!
//! let mapping = Mapping::entra_default();
//! let mut old = Directory::new("https://addon-t.example.com/SCIM/v2");
//! let mut new = Directory::new("https://t.example.com/api/v2/scim");
//! old.users.push(&json!({"id": "1", "userName": "ann@example.com", "title": "CEO"}), &mapping.users);
//! new.users.push(&json!({"id": "a", "userName": "Ann@example.com", "title": "CEO"}), &mapping.users);
//! let c = compare(&old, &new, &mapping);
//! assert_eq!(c.totals.matched_users, 1);
//! assert_eq!(c.attribute_differences.len(), 1); // userName, letter case only
//! assert!(c.attribute_differences[0].case_only);
//! ```

pub(crate) mod cli;
pub(crate) mod continuity;
pub(crate) mod diff;
pub(crate) mod fetch;
pub(crate) mod index;
pub(crate) mod json;
pub(crate) mod matching;
pub(crate) mod migration;
pub(crate) mod probe;
pub(crate) mod progress;
pub(crate) mod render;

pub use crate::mapping::{Mapping, MappingError, TargetError, TargetPath};
pub use cli::{CompareArgs, CompareError, Exit, compare_endpoints, run};
pub use continuity::{Continuity, IdOutcome, IdProblem};
pub use diff::{
    AttributeDifference, Comparer, Comparison, Directory, Duplicate, MembershipDifference,
    OnlyOnOneSide, REPORT_SCHEMA, Side, SideCounts, Totals, compare,
};
pub use fetch::{ReadError, ReadOptions, SideProgress};
pub use index::{Entry, Extractor, Index, Values, kind_word};
pub use matching::{MatchedBy, Pairing};
pub use migration::{Migration, ticket_line};
pub use probe::{MatchAttr, MatchingProbe, ProbeOutcome, ProbeProblem};
pub use render::{Format, render};
pub use scim2_types::ResourceKind;

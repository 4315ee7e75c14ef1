//! Where resources live: the [`Store`] trait (RFC 7644 §3.3–§3.6 persistence), the query a
//! store answers, and [`scan`], the evaluation every store may fall back to.
//!
//! A store keeps whole resources as JSON objects, exactly as the server core hands them over:
//! with `id`, `schemas` and `meta` (`resourceType`, `created`, `lastModified`, `version`;
//! `location` is added by the core when it answers). The core owns every SCIM rule (reading
//! bodies, PATCH, projection, ETags); a store owns persistence, atomicity and the two
//! invariants that need it:
//!
//! - **Uniqueness** (RFC 7643 §4.1.1 `uniqueness: server`): no two users share a `userName`,
//!   no two groups a `displayName`, compared case-insensitively (by [`ResourceKind::name_attribute`]).
//! - **Membership** (RFC 7643 §4.2): deleting a user removes it from the `members` of every
//!   group in the same transaction.
//!
//! Writes are atomic per resource: [`Store::modify`] runs its closure on the current resource
//! while no other write to that resource can interleave (a row lock, a write transaction or a
//! mutex), so concurrent PATCH requests to one group never lose an update.

use std::future::Future;

use scim2_filter::{AttrPath, Filter};
use scim2_types::schema::ResourceSchemas;
use serde_json::Value;

mod columns;
mod lookup;
pub mod memory;
pub mod meta;
pub mod scan;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub mod sql;

pub use memory::MemoryStore;

/// The resource types a store holds (RFC 7643 §4.1 User, §4.2 Group): `scim2_types`'
/// [`ResourceKind`](scim2_types::ResourceKind), re-exported here.
pub use scim2_types::ResourceKind;

/// The order of a query (RFC 7644 §3.4.2.3).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Sort {
    /// `sortBy`.
    pub by: AttrPath,
    /// `sortOrder=descending`.
    pub descending: bool,
}

impl Sort {
    /// Ascending by `by`.
    #[must_use]
    pub fn ascending(by: AttrPath) -> Self {
        Self {
            by,
            descending: false,
        }
    }
}

/// One query (RFC 7644 §3.4.2): a validated filter, an order and a page, with the schemas
/// that give attributes their types and case rules.
///
/// Resources without a sort are returned in a stable order (creation order for the stores of
/// this crate), so that paging visits each resource once.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Query<'a> {
    /// The schemas of the kind queried (core, extensions), as the server is configured.
    pub schemas: &'a ResourceSchemas,
    /// The filter, already validated against the kind's schemas.
    pub filter: Option<&'a Filter>,
    /// The order.
    pub sort: Option<&'a Sort>,
    /// The 1-based index of the first result (RFC 7644 §3.4.2.4; at least 1).
    pub start_index: usize,
    /// The largest number of resources to return (0 asks only for `totalResults`).
    pub count: usize,
    /// A top-level attribute the server drops from every result (`excludedAttributes=members`,
    /// RFC 7644 §3.9), which [`scan::answer`] then does not copy. The result is the same as
    /// copying it and dropping it after.
    pub(crate) omit: Option<&'a str>,
}

impl<'a> Query<'a> {
    /// A query for everything, from the first resource, at most `count` of them.
    #[must_use]
    pub fn all(schemas: &'a ResourceSchemas, count: usize) -> Self {
        Self {
            schemas,
            filter: None,
            sort: None,
            start_index: 1,
            count,
            omit: None,
        }
    }

    /// This query with `filter`.
    #[must_use]
    pub fn with_filter(mut self, filter: &'a Filter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// This query with `sort`.
    #[must_use]
    pub fn with_sort(mut self, sort: &'a Sort) -> Self {
        self.sort = Some(sort);
        self
    }

    /// This query starting at the 1-based `start_index` (values below 1 count as 1).
    #[must_use]
    pub fn starting_at(mut self, start_index: usize) -> Self {
        self.start_index = start_index.max(1);
        self
    }
}

/// One page of a query's results.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Page {
    /// How many resources match the filter in all (`totalResults`).
    pub total_results: usize,
    /// The resources of this page, in order.
    pub resources: Vec<Value>,
}

impl Page {
    /// A page.
    #[must_use]
    pub fn new(total_results: usize, resources: Vec<Value>) -> Self {
        Self {
            total_results,
            resources,
        }
    }
}

/// Why a store refused or failed an operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No resource of this kind has this id (404).
    #[error("no {kind} with id `{id}`")]
    NotFound {
        /// The kind asked for.
        kind: ResourceKind,
        /// The id asked for.
        id: String,
    },
    /// Another resource holds the unique value (409 `uniqueness`).
    #[error("another {kind} already has the {attribute} `{value}`")]
    Conflict {
        /// The kind written.
        kind: ResourceKind,
        /// The unique attribute ([`ResourceKind::name_attribute`]).
        attribute: &'static str,
        /// The value as sent.
        value: String,
    },
    /// The closure of [`Store::modify`] refused the change; nothing was written.
    #[error("refused ({}): {}", .0.status, .0.detail.as_deref().unwrap_or("no detail"))]
    Rejected(scim2_types::ScimError),
    /// The stored data could not be read back as a resource.
    #[error("stored {kind} `{id}` is not a valid resource: {reason}")]
    Corrupt {
        /// The kind read.
        kind: ResourceKind,
        /// The id read.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The backend failed (I/O, connection, database error): 500, or 503 when transient.
    #[error("storage backend error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// Wraps a backend error.
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(e))
    }
}

/// Persistence for users and groups.
///
/// Every method takes and returns whole resources (see the [module docs](self)). The futures
/// are `Send` so that a store can be shared by the tasks of a multi-threaded server.
pub trait Store: Send + Sync + 'static {
    /// The resource of `kind` with `id`, if any.
    fn get(
        &self,
        kind: ResourceKind,
        id: &str,
    ) -> impl Future<Output = Result<Option<Value>, StoreError>> + Send;

    /// Stores a new resource (which carries its `id` and `meta`) and returns it as stored.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when another resource of `kind` holds its unique value.
    fn create(
        &self,
        kind: ResourceKind,
        resource: Value,
    ) -> impl Future<Output = Result<Value, StoreError>> + Send;

    /// Replaces the resource `id` with what `change` makes of it, atomically: no other write
    /// to `id` happens between the read that `change` sees and the write of its result.
    ///
    /// `change` gets the current resource and returns the new one (with `id` unchanged and a
    /// new `meta.version`), or a SCIM error that aborts the write (a PATCH that cannot apply,
    /// an `If-Match` that does not match). It may be called more than once if the store
    /// retries; it must not have side effects.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Rejected`] with `change`'s error, or
    /// [`StoreError::Conflict`] when the new resource's unique value is taken by another.
    fn modify<F>(
        &self,
        kind: ResourceKind,
        id: &str,
        change: F,
    ) -> impl Future<Output = Result<Value, StoreError>> + Send
    where
        F: Fn(&Value) -> Result<Value, scim2_types::ScimError> + Send + Sync;

    /// Deletes the resource `id`; deleting a user also removes it from every group's
    /// `members` (bumping those groups' `meta.version` and `meta.lastModified`).
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    fn delete(
        &self,
        kind: ResourceKind,
        id: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The page of resources of `kind` that `query` asks for.
    ///
    /// A store answers the filters it can index (Entra's `userName eq`, `externalId eq`,
    /// `displayName eq`, `id eq`) without a scan and may fall back to [`scan`] for the rest.
    fn query(
        &self,
        kind: ResourceKind,
        query: &Query<'_>,
    ) -> impl Future<Output = Result<Page, StoreError>> + Send;

    /// Which of `ids` name existing resources of `kind` (to check that group members
    /// reference existing users), in the order given, without duplicates.
    fn existing(
        &self,
        kind: ResourceKind,
        ids: &[&str],
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
}

//! SQL stores: `SqliteStore` (feature `sqlite`, the embedded default: one file, SQLite is
//! compiled in) and `PostgresStore` (feature `postgres`), sharing one SQL layer.
//!
//! # Why sqlx
//! [sqlx](https://docs.rs/sqlx) gives both databases one async API (queries, rows,
//! transactions) and one connection pool on tokio, versioned migrations (`_sqlx_migrations`,
//! with a checksum per migration and, on PostgreSQL, an advisory lock so that two servers
//! starting at once do not both migrate), and it is actively maintained. Only its run-time
//! API is used (no compile-time checked `query!` macros), so building this crate needs no
//! database and no offline query data; no TLS feature is enabled.
//!
//! # Schema
//! One table holds every resource as JSON text, with columns for what Entra ID matches on
//! (see `migrations/` of this crate): `kind`, `id`, a creation sequence (the stable order of
//! unsorted queries), `userName` and `displayName` case-folded, `externalId` as sent (it is
//! `caseExact`, RFC 7643 §3.1), `meta.version`. Folding happens in Rust, exactly as
//! `scim2_filter` folds `caseExact: false` text (SQLite's `lower()` only folds ASCII). A unique
//! index on the folded `userName` (users) and `displayName` (groups) enforces uniqueness
//! (RFC 7643 §4.1.1) under concurrent creates. A second table, `scim_group_members`, mirrors
//! every group's `members[].value`; it is written in the transaction that writes the group,
//! and answers `members.value eq` and "which groups hold this user" when a user is deleted.
//!
//! # Queries
//! `eq` on `userName`, `displayName`, `externalId`, `id` and `members.value` (and `and`/`or`
//! of them) are answered from the indexes (RFC 7644 §3.4.2.2): the index yields the candidate
//! rows, and [`scan::answer`](crate::store::scan::answer) applies the exact filter, order
//! and page to those only. Any other filter loads the kind's resources in creation order and
//! scans them; a query without filter and sort is counted and paged by the database.
//!
//! # Dialects
//! Both dialects number parameters `$1, $2, …` and share every statement. They differ in:
//! - the schema: `seq` is `INTEGER PRIMARY KEY AUTOINCREMENT` on SQLite and an identity
//!   column on PostgreSQL (one migrations directory per backend);
//! - write transactions: SQLite opens them with `BEGIN IMMEDIATE` (the database's single
//!   write lock, waited for up to the busy timeout) in WAL mode, so readers are not
//!   blocked; PostgreSQL opens a plain transaction and locks the changed row with
//!   `SELECT … FOR UPDATE`. Either way a [`Store::modify`](crate::store::Store::modify)
//!   reads, changes and writes with no other write to the resource in between, also across
//!   processes and pools sharing the database.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;

use sqlx::migrate::{MigrateError, Migration, MigrationSource, MigrationType, Migrator};

mod layer;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use sqlite::SqliteStore;
/// The sqlx this crate is built with: its pools and connect options for `from_pool` and
/// `connect_with`.
pub use sqlx;

/// Why a SQL store could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The database could not be opened or reached.
    #[error("cannot open the database {target}: {source}")]
    Connect {
        /// The file or the server (without credentials).
        target: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be brought to this version (or the database was migrated by a
    /// newer version of this crate).
    #[error("cannot migrate the database schema: {0}")]
    Migrate(#[from] MigrateError),
    /// A query of the store failed after opening (reading the schema version).
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// A backend's migrations, compiled into the binary.
#[derive(Debug, Clone, Copy)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl MigrationSource<'static> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 'static>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The migrator of `migrations`.
async fn migrator(
    migrations: &'static [(i64, &'static str, &'static str)],
) -> Result<Migrator, MigrateError> {
    Migrator::new(Embedded(migrations)).await
}

/// The number of the newest migration applied (`_sqlx_migrations`).
const SCHEMA_VERSION_SQL: &str =
    "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";

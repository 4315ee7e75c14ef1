//! [`SqliteStore`]: the SQL layer on an SQLite file (WAL mode, `BEGIN IMMEDIATE` writes).

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use serde_json::Value;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::layer::{Backend, Layer};
use super::{OpenError, SCHEMA_VERSION_SQL, migrator};
use crate::store::{Page, Query, ResourceKind, Store, StoreError};

impl Backend for sqlx::Sqlite {
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const LOCK_ROW: &'static str = "";
}

/// The SQLite schema's migrations, oldest first.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "resources",
    include_str!("../../../migrations/sqlite/0001_resources.sql"),
)];

/// How long a write waits for another connection's write transaction to end (SQLite's busy
/// timeout) before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Connections per pool: one writer at a time, the rest read (WAL mode).
const MAX_CONNECTIONS: u32 = 8;

/// A [`Store`] in an SQLite database file: resources survive restarts, several processes (or
/// pools) may share the file, and writes are serialized by SQLite's write lock (see the
/// [module docs](super)).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use scim2_server::store::{ResourceKind, Store, sql::SqliteStore};
/// use serde_json::json;
///
/// let dir = tempfile::tempdir()?;
/// let store = SqliteStore::open(dir.path().join("scim.db")).await?;
/// let user = json!({"id": "2819c223", "userName": "bjensen"});
/// store.create(ResourceKind::User, user.clone()).await?;
/// assert_eq!(store.get(ResourceKind::User, "2819c223").await?, Some(user));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct SqliteStore {
    layer: Layer<sqlx::Sqlite>,
}

impl SqliteStore {
    /// Opens the database file at `path`, creating it if it does not exist, and brings its
    /// schema to the current version.
    ///
    /// The file is in WAL mode with `synchronous=NORMAL`, SQLite's recommended setting for
    /// WAL: a committed write survives a crash of the process; after a power loss or an OS
    /// crash the last commits may be rolled back (never a corrupt file). Entra's next sync
    /// cycle sends those changes again. For fsync on every commit, build the pool yourself
    /// with `synchronous(SqliteSynchronous::Full)` and use [`SqliteStore::from_pool`].
    ///
    /// # Errors
    /// [`OpenError`] when the file cannot be opened or created, or is not a database of this
    /// store.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, OpenError> {
        let path = path.as_ref();
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(|source| OpenError::Connect {
                target: path.display().to_string(),
                source,
            })?;
        Self::from_pool(pool).await
    }

    /// A fresh database in memory (one connection; gone when the store is dropped).
    ///
    /// # Errors
    /// [`OpenError`] when SQLite cannot create it.
    pub async fn open_in_memory() -> Result<Self, OpenError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|source| OpenError::Connect {
                target: ":memory:".to_owned(),
                source,
            })?;
        Self::from_pool(pool).await
    }

    /// A store on `pool` (configured as you need: file, busy timeout, pool size), after
    /// bringing its schema to the current version.
    ///
    /// # Errors
    /// [`OpenError::Migrate`] when the schema cannot be migrated.
    pub async fn from_pool(pool: SqlitePool) -> Result<Self, OpenError> {
        migrator(MIGRATIONS).await?.run(&pool).await?;
        Ok(Self {
            layer: Layer { pool },
        })
    }

    /// The version of the database's schema: the newest migration applied.
    ///
    /// # Errors
    /// [`OpenError::Database`] when the database cannot be read.
    pub async fn schema_version(&self) -> Result<i64, OpenError> {
        Ok(sqlx::query_scalar(SCHEMA_VERSION_SQL)
            .fetch_one(&self.layer.pool)
            .await?)
    }

    /// Stores many new resources of `kind` (each with its `id` and `meta`, as for
    /// [`Store::create`]) in one transaction, all or none: an import, much faster than one
    /// `create` each.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a unique value is taken (by a stored resource or by
    /// another of `resources`); nothing is stored then.
    pub async fn create_many(
        &self,
        kind: ResourceKind,
        resources: &[Value],
    ) -> Result<(), StoreError> {
        self.layer.create_many(kind, resources).await
    }

    /// The connection pool.
    #[must_use]
    pub fn pool(&self) -> &SqlitePool {
        &self.layer.pool
    }

    /// Closes every connection (waiting for those in use to be returned).
    pub async fn close(&self) {
        self.layer.pool.close().await;
    }
}

impl Store for SqliteStore {
    async fn get(&self, kind: ResourceKind, id: &str) -> Result<Option<Value>, StoreError> {
        self.layer.get(kind, id).await
    }

    async fn create(&self, kind: ResourceKind, resource: Value) -> Result<Value, StoreError> {
        self.layer.create(kind, resource).await
    }

    async fn modify<F>(&self, kind: ResourceKind, id: &str, change: F) -> Result<Value, StoreError>
    where
        F: Fn(&Value) -> Result<Value, scim2_types::ScimError> + Send + Sync,
    {
        self.layer.modify(kind, id, change).await
    }

    async fn delete(&self, kind: ResourceKind, id: &str) -> Result<(), StoreError> {
        self.layer.delete(kind, id).await
    }

    async fn query(&self, kind: ResourceKind, query: &Query<'_>) -> Result<Page, StoreError> {
        self.layer.query(kind, query).await
    }

    async fn existing(&self, kind: ResourceKind, ids: &[&str]) -> Result<Vec<String>, StoreError> {
        self.layer.existing(kind, ids).await
    }
}

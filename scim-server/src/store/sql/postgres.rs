//! [`PostgresStore`]: the SQL layer on PostgreSQL (`SELECT … FOR UPDATE` writes).

use std::str::FromStr;

use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::layer::{Backend, Layer};
use super::{OpenError, SCHEMA_VERSION_SQL, migrator};
use crate::store::{Page, Query, ResourceKind, Store, StoreError};

impl Backend for sqlx::Postgres {
    const BEGIN_WRITE: &'static str = "BEGIN";
    const LOCK_ROW: &'static str = " FOR UPDATE";
}

/// The PostgreSQL schema's migrations, oldest first.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "resources",
    include_str!("../../../migrations/postgres/0001_resources.sql"),
)];

/// A [`Store`] in a PostgreSQL database, in the schema that the connections' `search_path`
/// names first. Several servers may share the database: a change locks its row
/// (`SELECT … FOR UPDATE`) and uniqueness is a unique index (see the [module docs](super)).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use scim2_server::store::{ResourceKind, Store, sql::PostgresStore};
///
/// let url = std::env::var("DATABASE_URL")?;
/// let store = PostgresStore::connect(&url).await?;
/// let user = store.get(ResourceKind::User, "2819c223").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct PostgresStore {
    layer: Layer<sqlx::Postgres>,
}

/// Where `options` connect, without credentials.
fn target(options: &PgConnectOptions) -> String {
    format!(
        "postgres://{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    )
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`; see
    /// [`PgConnectOptions`]) and brings its schema to the current version.
    ///
    /// # Errors
    /// [`OpenError`] when the URL is invalid, the server cannot be reached or the schema
    /// cannot be migrated.
    pub async fn connect(url: &str) -> Result<Self, OpenError> {
        let options = PgConnectOptions::from_str(url).map_err(|source| OpenError::Connect {
            target: "(the PostgreSQL URL given)".to_owned(),
            source,
        })?;
        Self::connect_with(options).await
    }

    /// Connects with `options` (host, credentials, `search_path`, …) and brings the schema
    /// to the current version.
    ///
    /// # Errors
    /// [`OpenError`] when the server cannot be reached or the schema cannot be migrated.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, OpenError> {
        let target = target(&options);
        let pool = PgPoolOptions::new()
            .connect_with(options)
            .await
            .map_err(|source| OpenError::Connect { target, source })?;
        Self::from_pool(pool).await
    }

    /// A store on `pool`, after bringing its schema to the current version.
    ///
    /// # Errors
    /// [`OpenError::Migrate`] when the schema cannot be migrated.
    pub async fn from_pool(pool: PgPool) -> Result<Self, OpenError> {
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
    pub fn pool(&self) -> &PgPool {
        &self.layer.pool
    }

    /// Closes every connection (waiting for those in use to be returned).
    pub async fn close(&self) {
        self.layer.pool.close().await;
    }
}

impl Store for PostgresStore {
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

//! A PostgreSQL schema of its own for one test, on the database the machine and CI run
//! (`SCIM_TEST_POSTGRES_URL`, default [`DEFAULT_URL`]).
//!
//! Unreachable, a test is skipped with a printed reason, except under `CI=true`, where the
//! database is required and [`TestSchema::new`] panics with the cause.

use std::str::FromStr;

use sqlx::ConnectOptions as _;
use sqlx::Executor as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

/// The database the tests use without `SCIM_TEST_POSTGRES_URL`.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh schema; [`TestSchema::drop`] removes it.
#[derive(Debug)]
pub struct TestSchema {
    admin: PgPool,
    name: String,
    options: PgConnectOptions,
}

impl TestSchema {
    /// A new schema for the test `test`, or `None` (after saying so) when PostgreSQL cannot
    /// be reached outside CI.
    ///
    /// # Panics
    /// Under `CI=true` when PostgreSQL cannot be reached; when the URL is invalid or the
    /// schema cannot be created.
    pub async fn new(test: &str) -> Option<Self> {
        let url = std::env::var("SCIM_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_URL.into());
        let base = PgConnectOptions::from_str(&url)
            .unwrap_or_else(|e| panic!("SCIM_TEST_POSTGRES_URL is not a valid URL: {e}"));
        // One direct connection first: its error names the cause (refused, unknown role, …).
        if let Err(e) = base.connect().await {
            let host = format!("{}:{}", base.get_host(), base.get_port());
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PostgreSQL not reachable at {host} ({e}); CI needs it: start it, or set \
                 SCIM_TEST_POSTGRES_URL"
            );
            eprintln!("{test}: skipped: PostgreSQL not reachable at {host} ({e})");
            return None;
        }
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone())
            .await
            .unwrap_or_else(|e| panic!("connecting to PostgreSQL: {e}"));
        let name = format!("scim_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute(format!("CREATE SCHEMA {name}").as_str())
            .await
            .unwrap_or_else(|e| panic!("creating the test schema: {e}"));
        let options = base.options([("search_path", name.as_str())]);
        Some(Self {
            admin,
            name,
            options,
        })
    }

    /// Connection options that work inside the schema.
    #[must_use]
    pub fn options(&self) -> PgConnectOptions {
        self.options.clone()
    }

    /// Drops the schema and everything in it.
    ///
    /// # Panics
    /// When the schema cannot be dropped.
    pub async fn drop(self) {
        self.admin
            .execute(format!("DROP SCHEMA {} CASCADE", self.name).as_str())
            .await
            .unwrap_or_else(|e| panic!("dropping the test schema: {e}"));
    }
}

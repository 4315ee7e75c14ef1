//! The SQL shared by both backends: every statement of the [`Store`](crate::store::Store)
//! operations, written once over `sqlx::Database` and specialised by [`Backend`].

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use crate::store::columns::{self, Columns};
use crate::store::lookup::{self, Condition, fold};
use crate::store::meta;
use crate::store::{Page, Query, ResourceKind, StoreError, scan};

/// Bind parameters per statement when a list is expanded (`IN (…)`, multi-row `VALUES`):
/// far below SQLite's 32,766 and PostgreSQL's 65,535.
const CHUNK: usize = 500;

/// What differs between the dialects at run time (the schemas differ in their migrations).
pub(crate) trait Backend: Database {
    /// The statement that opens a write transaction. SQLite: `BEGIN IMMEDIATE` takes the
    /// database's write lock at once (a deferred transaction that reads and then writes can
    /// fail with `SQLITE_BUSY` instead of waiting); PostgreSQL: `BEGIN`, rows are locked.
    const BEGIN_WRITE: &'static str;
    /// What locks the row read for a change until the transaction ends: `FOR UPDATE` on
    /// PostgreSQL; nothing on SQLite, whose write transaction already excludes other writers.
    const LOCK_ROW: &'static str;
}

/// The statements, over a pool of `DB`.
#[derive(Debug)]
pub(crate) struct Layer<DB: Database> {
    pub(crate) pool: Pool<DB>,
}

impl<DB: Database> Clone for Layer<DB> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
        }
    }
}

fn backend(e: sqlx::Error) -> StoreError {
    StoreError::backend(e)
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(sqlx::error::DatabaseError::is_unique_violation)
}

/// `$first, $first+1, …` for `n` parameters (both dialects number their parameters `$N`).
fn params(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse(kind: ResourceKind, id: &str, body: &str) -> Result<Value, StoreError> {
    match serde_json::from_str::<Value>(body) {
        Ok(v) if v.is_object() => Ok(v),
        Ok(_) => Err(StoreError::Corrupt {
            kind,
            id: id.to_owned(),
            reason: "the stored JSON is not an object".to_owned(),
        }),
        Err(e) => Err(StoreError::Corrupt {
            kind,
            id: id.to_owned(),
            reason: e.to_string(),
        }),
    }
}

fn to_json(resource: &Value) -> Result<String, StoreError> {
    serde_json::to_string(resource).map_err(StoreError::backend)
}

fn total(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl<DB> Layer<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// `SELECT`s one resource.
    pub(crate) async fn get(
        &self,
        kind: ResourceKind,
        id: &str,
    ) -> Result<Option<Value>, StoreError> {
        let row = sqlx::query("SELECT body FROM scim_resources WHERE kind = $1 AND id = $2")
            .bind(kind.resource_type())
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        match row {
            Some(row) => {
                let body: String = row.try_get(0).map_err(backend)?;
                parse(kind, id, &body).map(Some)
            }
            None => Ok(None),
        }
    }

    /// The conflict a unique violation on writing `cols` stands for.
    async fn conflict(&self, kind: ResourceKind, cols: &Columns) -> StoreError {
        // A taken id (the core's ids are random, so hardly ever) or, else, the unique name.
        if let Ok(Some(_)) = self.get(kind, &cols.id).await {
            return StoreError::Conflict {
                kind,
                attribute: "id",
                value: cols.id.clone(),
            };
        }
        StoreError::Conflict {
            kind,
            attribute: kind.name_attribute(),
            value: cols.unique_value.clone().unwrap_or_default(),
        }
    }

    pub(crate) async fn create(
        &self,
        kind: ResourceKind,
        resource: Value,
    ) -> Result<Value, StoreError> {
        self.create_many(kind, std::slice::from_ref(&resource))
            .await?;
        Ok(resource)
    }

    /// Inserts `resources` in one write transaction: all or none.
    pub(crate) async fn create_many(
        &self,
        kind: ResourceKind,
        resources: &[Value],
    ) -> Result<(), StoreError> {
        let mut tx = self
            .pool
            .begin_with(DB::BEGIN_WRITE)
            .await
            .map_err(backend)?;
        for resource in resources {
            let cols = Columns::of(kind, resource)?;
            let body = to_json(resource)?;
            let inserted = sqlx::query(
                "INSERT INTO scim_resources \
                 (kind, id, user_name, external_id, display_name, version, body) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(kind.resource_type())
            .bind(cols.id.as_str())
            .bind(cols.user_name.as_deref())
            .bind(cols.external_id.as_deref())
            .bind(cols.display_name.as_deref())
            .bind(cols.version.as_deref())
            .bind(body.as_str())
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    drop(tx);
                    return Err(self.conflict(kind, &cols).await);
                }
                Err(e) => return Err(backend(e)),
            }
            if kind == ResourceKind::Group {
                let members: Vec<&String> = cols.members.iter().collect();
                Self::add_members(&mut tx, &cols.id, &members).await?;
            }
        }
        tx.commit().await.map_err(backend)
    }

    async fn add_members(
        tx: &mut DB::Connection,
        group_id: &str,
        members: &[&String],
    ) -> Result<(), StoreError> {
        for chunk in members.chunks(CHUNK / 2) {
            let values = (0..chunk.len())
                .map(|i| format!("($1, ${}, ${})", 2 + 2 * i, 3 + 2 * i))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO scim_group_members (group_id, member_id, member_key) VALUES {values}"
            );
            let keys: Vec<String> = chunk.iter().map(|m| fold(m)).collect();
            let mut q = sqlx::query(&sql).bind(group_id);
            for (m, k) in chunk.iter().zip(&keys) {
                q = q.bind(m.as_str()).bind(k.as_str());
            }
            q.execute(&mut *tx).await.map_err(backend)?;
        }
        Ok(())
    }

    async fn remove_members(
        tx: &mut DB::Connection,
        group_id: &str,
        members: &[&String],
    ) -> Result<(), StoreError> {
        for chunk in members.chunks(CHUNK) {
            let sql = format!(
                "DELETE FROM scim_group_members WHERE group_id = $1 AND member_id IN ({})",
                params(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(group_id);
            for m in chunk {
                q = q.bind(m.as_str());
            }
            q.execute(&mut *tx).await.map_err(backend)?;
        }
        Ok(())
    }

    pub(crate) async fn modify<F>(
        &self,
        kind: ResourceKind,
        id: &str,
        change: F,
    ) -> Result<Value, StoreError>
    where
        F: Fn(&Value) -> Result<Value, scim2_types::ScimError> + Send + Sync,
    {
        let mut tx = self
            .pool
            .begin_with(DB::BEGIN_WRITE)
            .await
            .map_err(backend)?;
        let select = format!(
            "SELECT body FROM scim_resources WHERE kind = $1 AND id = $2{}",
            DB::LOCK_ROW
        );
        let row = sqlx::query(&select)
            .bind(kind.resource_type())
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(backend)?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        };
        let body: String = row.try_get(0).map_err(backend)?;
        let current = parse(kind, id, &body)?;
        // An error drops the transaction, which rolls back: nothing was written.
        let changed = change(&current).map_err(StoreError::Rejected)?;
        let cols = Columns::of(kind, &changed)?;
        if cols.id != id {
            return Err(StoreError::Corrupt {
                kind,
                id: id.to_owned(),
                reason: format!("a change may not alter `id` (to `{}`)", cols.id),
            });
        }
        let body = to_json(&changed)?;
        let updated = sqlx::query(
            "UPDATE scim_resources SET user_name = $3, external_id = $4, display_name = $5, \
             version = $6, body = $7 WHERE kind = $1 AND id = $2",
        )
        .bind(kind.resource_type())
        .bind(id)
        .bind(cols.user_name.as_deref())
        .bind(cols.external_id.as_deref())
        .bind(cols.display_name.as_deref())
        .bind(cols.version.as_deref())
        .bind(body.as_str())
        .execute(&mut *tx)
        .await;
        match updated {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    kind,
                    attribute: kind.name_attribute(),
                    value: cols.unique_value.unwrap_or_default(),
                });
            }
            Err(e) => return Err(backend(e)),
        }
        if kind == ResourceKind::Group {
            let before = columns::members_of(&current);
            let removed: Vec<&String> = before.difference(&cols.members).collect();
            let added: Vec<&String> = cols.members.difference(&before).collect();
            Self::remove_members(&mut tx, id, &removed).await?;
            Self::add_members(&mut tx, id, &added).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(changed)
    }

    pub(crate) async fn delete(&self, kind: ResourceKind, id: &str) -> Result<(), StoreError> {
        let mut tx = self
            .pool
            .begin_with(DB::BEGIN_WRITE)
            .await
            .map_err(backend)?;
        // `RETURNING` (SQLite 3.35, PostgreSQL) tells whether a row was deleted.
        let deleted =
            sqlx::query("DELETE FROM scim_resources WHERE kind = $1 AND id = $2 RETURNING seq")
                .bind(kind.resource_type())
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
        if deleted.is_none() {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        }
        match kind {
            ResourceKind::Group => {
                sqlx::query("DELETE FROM scim_group_members WHERE group_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(backend)?;
            }
            ResourceKind::User => self.leave_groups(&mut tx, id).await?,
        }
        tx.commit().await.map_err(backend)
    }

    /// Removes the user `user_id` from every group's `members` (RFC 7643 §4.2), inside the
    /// deleting transaction; groups are locked in id order so two deletions cannot deadlock.
    async fn leave_groups(&self, tx: &mut DB::Connection, user_id: &str) -> Result<(), StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT group_id FROM scim_group_members WHERE member_id = $1 ORDER BY group_id",
        )
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let select = format!(
            "SELECT body FROM scim_resources WHERE kind = $1 AND id = $2{}",
            DB::LOCK_ROW
        );
        let group = ResourceKind::Group;
        for row in rows {
            let group_id: String = row.try_get(0).map_err(backend)?;
            let row = sqlx::query(&select)
                .bind(group.resource_type())
                .bind(group_id.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(backend)?;
            let Some(row) = row else { continue };
            let body: String = row.try_get(0).map_err(backend)?;
            let mut changed = parse(group, &group_id, &body)?;
            // The one rule for a deleted member (RFC 7643 §4.2): gone, and the group touched.
            meta::remove_member(&mut changed, user_id);
            let version = changed
                .pointer("/meta/version")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            sqlx::query(
                "UPDATE scim_resources SET version = $3, body = $4 WHERE kind = $1 AND id = $2",
            )
            .bind(group.resource_type())
            .bind(group_id.as_str())
            .bind(version.as_str())
            .bind(to_json(&changed)?.as_str())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        sqlx::query("DELETE FROM scim_group_members WHERE member_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// Loads the resources of `kind` that satisfy any condition of `lookup` (all of them
    /// without one), in creation order.
    async fn load(
        &self,
        kind: ResourceKind,
        lookup: Option<&[Condition]>,
    ) -> Result<Vec<Value>, StoreError> {
        let mut sql = "SELECT id, body FROM scim_resources WHERE kind = $1".to_owned();
        let mut values: Vec<&str> = Vec::new();
        if let Some(lookup) = lookup {
            let terms: Vec<String> = lookup
                .iter()
                .map(|c| {
                    let (term, value) = match c {
                        Condition::UserName(v) => ("user_name = ", v),
                        Condition::DisplayName(v) => ("display_name = ", v),
                        Condition::ExternalId(v) => ("external_id = ", v),
                        Condition::Id(v) => ("id = ", v),
                        Condition::Member(v) => (
                            "id IN (SELECT group_id FROM scim_group_members WHERE member_key = ",
                            v,
                        ),
                    };
                    values.push(value);
                    let close = if matches!(c, Condition::Member(_)) {
                        ")"
                    } else {
                        ""
                    };
                    format!("{term}${}{close}", values.len() + 1)
                })
                .collect();
            sql.push_str(" AND (");
            sql.push_str(&terms.join(" OR "));
            sql.push(')');
        }
        sql.push_str(" ORDER BY seq");
        let mut q = sqlx::query(&sql).bind(kind.resource_type());
        for v in values {
            q = q.bind(v);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(backend)?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get(0).map_err(backend)?;
                let body: String = row.try_get(1).map_err(backend)?;
                parse(kind, &id, &body)
            })
            .collect()
    }

    pub(crate) async fn query(
        &self,
        kind: ResourceKind,
        query: &Query<'_>,
    ) -> Result<Page, StoreError> {
        let Some(filter) = query.filter else {
            if query.sort.is_none() {
                return self.page(kind, query).await;
            }
            let all = self.load(kind, None).await?;
            return Ok(scan::answer(all.iter(), query));
        };
        let lookup = lookup::plan(kind, filter, query.schemas);
        let candidates = self.load(kind, lookup.as_deref()).await?;
        Ok(scan::answer(candidates.iter(), query))
    }

    /// An unfiltered, unsorted page: counted and cut by the database.
    async fn page(&self, kind: ResourceKind, query: &Query<'_>) -> Result<Page, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM scim_resources WHERE kind = $1")
            .bind(kind.resource_type())
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        let total_results = total(row.try_get(0).map_err(backend)?);
        if query.count == 0 {
            return Ok(Page::new(total_results, Vec::new()));
        }
        let rows = sqlx::query(
            "SELECT id, body FROM scim_resources WHERE kind = $1 ORDER BY seq LIMIT $2 OFFSET $3",
        )
        .bind(kind.resource_type())
        .bind(i64::try_from(query.count).unwrap_or(i64::MAX))
        .bind(i64::try_from(query.start_index.max(1) - 1).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        let resources = rows
            .iter()
            .map(|row| {
                let id: String = row.try_get(0).map_err(backend)?;
                let body: String = row.try_get(1).map_err(backend)?;
                parse(kind, &id, &body)
            })
            .collect::<Result<_, _>>()?;
        Ok(Page::new(total_results, resources))
    }

    pub(crate) async fn existing(
        &self,
        kind: ResourceKind,
        ids: &[&str],
    ) -> Result<Vec<String>, StoreError> {
        let mut found: HashSet<String> = HashSet::new();
        let unique: Vec<&str> = ids
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for chunk in unique.chunks(CHUNK) {
            let sql = format!(
                "SELECT id FROM scim_resources WHERE kind = $1 AND id IN ({})",
                params(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(kind.resource_type());
            for id in chunk {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&self.pool).await.map_err(backend)? {
                found.insert(row.try_get(0).map_err(backend)?);
            }
        }
        let mut seen = HashSet::new();
        Ok(ids
            .iter()
            .filter(|id| found.contains(**id) && seen.insert(**id))
            .map(|id| (*id).to_owned())
            .collect())
    }
}

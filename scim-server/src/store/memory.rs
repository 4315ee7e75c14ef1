//! [`MemoryStore`]: users and groups in memory, in creation order, with a case-insensitive
//! index of the unique attribute and an index of the attributes Entra ID looks resources up
//! by (the same as the SQL stores', see [`lookup`](super::lookup)); queries answered by
//! [`scan`](super::scan) over the candidates the index names, or over all resources.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::Value;

use super::columns::conditions_of;
use super::lookup::{self, Condition};
use super::{Page, Query, ResourceKind, Store, StoreError, meta, scan};

/// An in-memory [`Store`]: fast, lost when the process ends. Writes hold one lock, so every
/// write is atomic and uniqueness holds under concurrency.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), scim2_server::store::StoreError> {
/// use scim2_server::store::{MemoryStore, ResourceKind, Store};
/// let store = MemoryStore::new();
/// store.create(ResourceKind::User, serde_json::json!({"id": "1", "userName": "bjensen"})).await?;
/// let taken = store.create(ResourceKind::User, serde_json::json!({"id": "2", "userName": "BJensen"})).await;
/// assert!(taken.is_err());
/// assert_eq!(store.len(ResourceKind::User), 1);
/// # Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    users: Collection,
    groups: Collection,
    next_seq: u64,
}

#[derive(Debug)]
struct Entry {
    seq: u64,
    resource: Value,
    /// The indexed values the resource holds ([`conditions_of`]), sorted, without duplicates:
    /// what to take out of the index when it changes or goes.
    conditions: Vec<Condition>,
}

#[derive(Debug, Default)]
struct Collection {
    order: BTreeMap<u64, String>,
    entries: HashMap<String, Entry>,
    /// Lower-cased unique attribute value → the id holding it.
    names: HashMap<String, String>,
    /// Each indexed value ([`conditions_of`]) → the sequence numbers of the resources holding it.
    index: HashMap<Condition, BTreeSet<u64>>,
}

impl Inner {
    fn collection(&self, kind: ResourceKind) -> &Collection {
        match kind {
            ResourceKind::User => &self.users,
            ResourceKind::Group => &self.groups,
        }
    }

    fn collection_mut(&mut self, kind: ResourceKind) -> &mut Collection {
        match kind {
            ResourceKind::User => &mut self.users,
            ResourceKind::Group => &mut self.groups,
        }
    }
}

/// The lower-cased unique value of a resource (`userName`, group `displayName`).
fn unique_key(kind: ResourceKind, resource: &Value) -> Option<String> {
    resource
        .get(kind.name_attribute())
        .and_then(Value::as_str)
        .map(str::to_lowercase)
}

fn conflict(kind: ResourceKind, resource: &Value) -> StoreError {
    StoreError::Conflict {
        kind,
        attribute: kind.name_attribute(),
        value: resource
            .get(kind.name_attribute())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// Removes resource `seq` from the holders of `condition`.
fn forget(index: &mut HashMap<Condition, BTreeSet<u64>>, condition: &Condition, seq: u64) {
    if let Some(held) = index.get_mut(condition) {
        held.remove(&seq);
        if held.is_empty() {
            index.remove(condition);
        }
    }
}

impl Collection {
    fn iter(&self) -> impl Iterator<Item = &Value> + '_ {
        self.order
            .values()
            .filter_map(|id| self.entries.get(id).map(|e| &e.resource))
    }

    /// Whether the unique value of `resource` is held by a resource other than `except`.
    fn taken(&self, kind: ResourceKind, resource: &Value, except: Option<&str>) -> bool {
        unique_key(kind, resource)
            .and_then(|k| self.names.get(&k))
            .is_some_and(|holder| Some(holder.as_str()) != except)
    }

    /// The resources, in the store's order, that may satisfy one of the conditions of
    /// `lookup` (a superset of the filter's matches, see [`lookup::plan`]).
    fn candidates(&self, lookup: &[Condition]) -> impl Iterator<Item = &Value> + '_ {
        let mut seqs = BTreeSet::new();
        for condition in lookup {
            if let Condition::Id(id) = condition {
                seqs.extend(self.entries.get(id).map(|e| e.seq));
            } else if let Some(held) = self.index.get(condition) {
                seqs.extend(held.iter().copied());
            }
        }
        seqs.into_iter().filter_map(move |seq| {
            self.order
                .get(&seq)
                .and_then(|id| self.entries.get(id))
                .map(|e| &e.resource)
        })
    }

    fn unname(&mut self, kind: ResourceKind, id: &str, resource: &Value) {
        if let Some(key) = unique_key(kind, resource)
            && self.names.get(&key).is_some_and(|h| h == id)
        {
            self.names.remove(&key);
        }
    }

    fn name(&mut self, kind: ResourceKind, id: &str, resource: &Value) {
        if let Some(key) = unique_key(kind, resource) {
            self.names.insert(key, id.to_owned());
        }
    }

    fn reindex(&mut self, seq: u64, old: &[Condition], new: &[Condition]) {
        reindex(&mut self.index, seq, old, new);
    }
}

/// Moves resource `seq` in `index` from the conditions `old` to `new` (both sorted, without
/// duplicates), touching only those that differ: a group that gains one member costs one
/// index insertion, not one per member.
fn reindex(
    index: &mut HashMap<Condition, BTreeSet<u64>>,
    seq: u64,
    old: &[Condition],
    new: &[Condition],
) {
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.get(i), new.get(j)) {
            (Some(o), Some(n)) if o == n => {
                i += 1;
                j += 1;
            }
            (Some(o), Some(n)) if o < n => {
                forget(index, o, seq);
                i += 1;
            }
            (Some(o), None) => {
                forget(index, o, seq);
                i += 1;
            }
            (_, Some(n)) => {
                index.entry(n.clone()).or_default().insert(seq);
                j += 1;
            }
            (None, None) => break,
        }
    }
}

/// The indexed values of `resource`, sorted, without duplicates.
fn sorted_conditions(kind: ResourceKind, resource: &Value) -> Vec<Condition> {
    let mut conditions = conditions_of(kind, resource);
    conditions.sort_unstable();
    conditions.dedup();
    conditions
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many resources of `kind` it holds.
    #[must_use]
    pub fn len(&self, kind: ResourceKind) -> usize {
        self.read().collection(kind).entries.len()
    }

    /// Whether it holds no users and no groups.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        let inner = self.read();
        inner.users.entries.is_empty() && inner.groups.entries.is_empty()
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn create_now(&self, kind: ResourceKind, resource: Value) -> Result<Value, StoreError> {
        let Some(id) = meta::id(&resource).map(str::to_owned) else {
            return Err(StoreError::Corrupt {
                kind,
                id: String::new(),
                reason: "a new resource needs an `id`".to_owned(),
            });
        };
        let mut inner = self.write();
        if inner.users.entries.contains_key(&id) || inner.groups.entries.contains_key(&id) {
            return Err(StoreError::Conflict {
                kind,
                attribute: "id",
                value: id,
            });
        }
        if inner.collection(kind).taken(kind, &resource, None) {
            return Err(conflict(kind, &resource));
        }
        inner.next_seq += 1;
        let seq = inner.next_seq;
        let collection = inner.collection_mut(kind);
        let conditions = sorted_conditions(kind, &resource);
        collection.name(kind, &id, &resource);
        collection.reindex(seq, &[], &conditions);
        collection.order.insert(seq, id.clone());
        collection.entries.insert(
            id,
            Entry {
                seq,
                resource: resource.clone(),
                conditions,
            },
        );
        Ok(resource)
    }

    fn modify_now<F>(&self, kind: ResourceKind, id: &str, change: F) -> Result<Value, StoreError>
    where
        F: Fn(&Value) -> Result<Value, scim2_types::ScimError>,
    {
        let mut inner = self.write();
        let collection = inner.collection_mut(kind);
        let Some(entry) = collection.entries.get(id) else {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        };
        let new = change(&entry.resource).map_err(StoreError::Rejected)?;
        if collection.taken(kind, &new, Some(id)) {
            return Err(conflict(kind, &new));
        }
        let conditions = sorted_conditions(kind, &new);
        let Some(entry) = collection.entries.get_mut(id) else {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        };
        let old = std::mem::replace(&mut entry.resource, new.clone());
        let old_conditions = std::mem::replace(&mut entry.conditions, conditions);
        reindex(
            &mut collection.index,
            entry.seq,
            &old_conditions,
            &entry.conditions,
        );
        collection.unname(kind, id, &old);
        collection.name(kind, id, &new);
        Ok(new)
    }

    fn delete_now(&self, kind: ResourceKind, id: &str) -> Result<(), StoreError> {
        let mut inner = self.write();
        let collection = inner.collection_mut(kind);
        let Some(old) = collection.entries.remove(id) else {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        };
        collection.order.remove(&old.seq);
        collection.unname(kind, id, &old.resource);
        collection.reindex(old.seq, &old.conditions, &[]);
        if kind == ResourceKind::User {
            let groups = &mut inner.groups;
            let mut changed = Vec::new();
            for entry in groups.entries.values_mut() {
                if meta::remove_member(&mut entry.resource, id) {
                    let conditions = sorted_conditions(ResourceKind::Group, &entry.resource);
                    let old = std::mem::replace(&mut entry.conditions, conditions.clone());
                    changed.push((entry.seq, old, conditions));
                }
            }
            for (seq, old, new) in changed {
                groups.reindex(seq, &old, &new);
            }
        }
        Ok(())
    }
}

impl Store for MemoryStore {
    async fn get(&self, kind: ResourceKind, id: &str) -> Result<Option<Value>, StoreError> {
        Ok(self
            .read()
            .collection(kind)
            .entries
            .get(id)
            .map(|e| e.resource.clone()))
    }

    async fn create(&self, kind: ResourceKind, resource: Value) -> Result<Value, StoreError> {
        self.create_now(kind, resource)
    }

    async fn modify<F>(&self, kind: ResourceKind, id: &str, change: F) -> Result<Value, StoreError>
    where
        F: Fn(&Value) -> Result<Value, scim2_types::ScimError> + Send + Sync,
    {
        self.modify_now(kind, id, change)
    }

    async fn delete(&self, kind: ResourceKind, id: &str) -> Result<(), StoreError> {
        self.delete_now(kind, id)
    }

    async fn query(&self, kind: ResourceKind, query: &Query<'_>) -> Result<Page, StoreError> {
        let inner = self.read();
        let collection = inner.collection(kind);
        if let Some(filter) = query.filter
            && let Some(conditions) = lookup::plan(kind, filter, query.schemas)
        {
            return Ok(scan::answer(collection.candidates(&conditions), query));
        }
        Ok(scan::answer(collection.iter(), query))
    }

    async fn existing(&self, kind: ResourceKind, ids: &[&str]) -> Result<Vec<String>, StoreError> {
        let inner = self.read();
        let entries = &inner.collection(kind).entries;
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            if entries.contains_key(*id) && !out.iter().any(|o| o == id) {
                out.push((*id).to_owned());
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use scim2_filter::Filter;
    use scim2_types::schema::ResourceSchemas;
    use serde_json::json;

    use super::*;

    async fn ids(store: &MemoryStore, kind: ResourceKind, filter: &str) -> Vec<String> {
        let schemas = match kind {
            ResourceKind::User => ResourceSchemas::user(),
            ResourceKind::Group => ResourceSchemas::group(),
        };
        let filter: Filter = filter.parse().expect("valid filter");
        let page = store
            .query(kind, &Query::all(&schemas, 100).with_filter(&filter))
            .await
            .expect("a page");
        page.resources
            .iter()
            .map(|r| r["id"].as_str().expect("an id").to_owned())
            .collect()
    }

    #[tokio::test]
    async fn the_index_follows_changes_and_deletes() {
        use ResourceKind::{Group, User};
        let store = MemoryStore::new();
        for (id, name) in [("u1", "Ann"), ("u2", "Bo")] {
            store
                .create(
                    User,
                    json!({"id": id, "userName": name, "externalId": name}),
                )
                .await
                .unwrap();
        }
        store
            .create(
                Group,
                json!({"id": "g", "displayName": "G", "members": [{"value": "U1"}]}),
            )
            .await
            .unwrap();
        store
            .modify(User, "u1", |c| {
                let mut next = c.clone();
                next["userName"] = json!("Cy");
                next["externalId"] = json!("x-Cy");
                Ok(next)
            })
            .await
            .unwrap();
        assert_eq!(ids(&store, User, r#"userName eq "cy""#).await, ["u1"]);
        assert!(ids(&store, User, r#"userName eq "ann""#).await.is_empty());
        assert_eq!(ids(&store, User, r#"externalId eq "x-Cy""#).await, ["u1"]);
        assert_eq!(
            ids(&store, User, r#"userName eq "bo" or id eq "u1""#).await,
            ["u1", "u2"]
        );
        store
            .modify(Group, "g", |c| {
                let mut next = c.clone();
                next["members"] = json!([{"value": "U1"}, {"value": "u1"}, {"value": "u2"}]);
                Ok(next)
            })
            .await
            .unwrap();
        assert_eq!(ids(&store, Group, r#"members.value eq "u2""#).await, ["g"]);
        store.delete(User, "u1").await.unwrap();
        // Only the member with exactly the deleted id goes; `U1` folds to the same key.
        assert_eq!(ids(&store, Group, r#"members.value eq "U1""#).await, ["g"]);
        store.delete(User, "u2").await.unwrap();
        assert!(
            ids(&store, Group, r#"members.value eq "u2""#)
                .await
                .is_empty()
        );
        let inner = store.read();
        assert!(
            !inner
                .groups
                .index
                .contains_key(&Condition::Member("u2".into()))
        );
        assert!(inner.users.index.is_empty(), "{:?}", inner.users.index);
    }
}

//! [`MemoryStore`]: users and groups in memory, in creation order, with a case-insensitive
//! index of the unique attribute; queries answered by [`scan`](super::scan).

use std::collections::{BTreeMap, HashMap};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::Value;

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

#[derive(Debug, Default)]
struct Collection {
    order: BTreeMap<u64, String>,
    entries: HashMap<String, (u64, Value)>,
    /// Lower-cased unique attribute value → the id holding it.
    names: HashMap<String, String>,
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
        .get(kind.unique_attribute())
        .and_then(Value::as_str)
        .map(str::to_lowercase)
}

fn conflict(kind: ResourceKind, resource: &Value) -> StoreError {
    StoreError::Conflict {
        kind,
        attribute: kind.unique_attribute(),
        value: resource
            .get(kind.unique_attribute())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    }
}

impl Collection {
    fn iter(&self) -> impl Iterator<Item = &Value> + '_ {
        self.order
            .values()
            .filter_map(|id| self.entries.get(id).map(|(_, r)| r))
    }

    /// Whether the unique value of `resource` is held by a resource other than `except`.
    fn taken(&self, kind: ResourceKind, resource: &Value, except: Option<&str>) -> bool {
        unique_key(kind, resource)
            .and_then(|k| self.names.get(&k))
            .is_some_and(|holder| Some(holder.as_str()) != except)
    }

    fn unindex(&mut self, kind: ResourceKind, id: &str, resource: &Value) {
        if let Some(key) = unique_key(kind, resource)
            && self.names.get(&key).is_some_and(|h| h == id)
        {
            self.names.remove(&key);
        }
    }

    fn index(&mut self, kind: ResourceKind, id: &str, resource: &Value) {
        if let Some(key) = unique_key(kind, resource) {
            self.names.insert(key, id.to_owned());
        }
    }
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
        collection.index(kind, &id, &resource);
        collection.order.insert(seq, id.clone());
        collection.entries.insert(id, (seq, resource.clone()));
        Ok(resource)
    }

    fn modify_now<F>(&self, kind: ResourceKind, id: &str, change: F) -> Result<Value, StoreError>
    where
        F: Fn(&Value) -> Result<Value, scim2_types::ScimError>,
    {
        let mut inner = self.write();
        let collection = inner.collection_mut(kind);
        let Some((_, current)) = collection.entries.get(id) else {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        };
        let new = change(current).map_err(StoreError::Rejected)?;
        if collection.taken(kind, &new, Some(id)) {
            return Err(conflict(kind, &new));
        }
        if let Some((_, old)) = collection.entries.get(id).cloned() {
            collection.unindex(kind, id, &old);
        }
        collection.index(kind, id, &new);
        if let Some(entry) = collection.entries.get_mut(id) {
            entry.1 = new.clone();
        }
        Ok(new)
    }

    fn delete_now(&self, kind: ResourceKind, id: &str) -> Result<(), StoreError> {
        let mut inner = self.write();
        let collection = inner.collection_mut(kind);
        let Some((seq, old)) = collection.entries.remove(id) else {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        };
        collection.order.remove(&seq);
        collection.unindex(kind, id, &old);
        if kind == ResourceKind::User {
            for (_, group) in inner.groups.entries.values_mut() {
                meta::remove_member(group, id);
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
            .map(|(_, r)| r.clone()))
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
        Ok(scan::answer(self.read().collection(kind).iter(), query))
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

//! The reference endpoint's store: a [`Store`] in memory (users and groups in creation order,
//! a case-insensitive name index) with the faults that live in persistence: uniqueness not
//! enforced, deleted names kept reserved, tombstones served, deleted users kept in groups,
//! case-sensitive or stale filtering, inactive users hidden.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use scim2_server::store::{Page, Query, ResourceKind, Store, StoreError, meta, scan};
use scim2_types::schema::ResourceSchemas;
use serde_json::Value;

use super::Fault;
use super::config::ReferenceConfig;

/// The marker a PUT leaves on the resource it stores (removed by the store), so that the
/// `filter-misses-patched-value` index is refreshed by PUT and not by PATCH.
pub(crate) const REPLACED: &str = "\u{0}reference:replaced";

/// One stored resource.
#[derive(Debug, Clone)]
struct Entry {
    resource: Value,
    /// What filters see, kept only under the `filter-misses-patched-value` fault: the
    /// resource as created or last replaced by PUT.
    indexed: Option<Value>,
}

/// The resources of one type.
#[derive(Debug, Default)]
struct Collection {
    order: BTreeMap<u64, String>,
    entries: HashMap<String, (u64, Entry)>,
    /// Lower-cased unique attribute value → ids holding it.
    names: HashMap<String, Vec<String>>,
    /// Deleted resources (served by the `no-404-after-delete` fault).
    tombstones: HashMap<String, Value>,
    /// Lower-cased names of deleted resources (for the `deleted-username-reserved` fault).
    deleted_names: HashSet<String>,
}

/// The lower-cased unique name of a resource (`userName` or `displayName`), if any.
pub(crate) fn unique_key(kind: ResourceKind, resource: &Value) -> Option<String> {
    resource
        .get(kind.name_attribute())
        .and_then(Value::as_str)
        .map(str::to_lowercase)
}

impl Collection {
    fn holders<'a>(
        &'a self,
        key: &str,
        except: Option<&'a str>,
    ) -> impl Iterator<Item = &'a String> + 'a {
        self.names
            .get(key)
            .into_iter()
            .flatten()
            .filter(move |id| Some(id.as_str()) != except)
    }

    fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.order
            .values()
            .filter_map(|id| self.entries.get(id).map(|(_, e)| e))
    }

    fn insert(&mut self, kind: ResourceKind, seq: u64, id: String, entry: Entry) {
        if let Some(key) = unique_key(kind, &entry.resource) {
            self.names.entry(key).or_default().push(id.clone());
        }
        self.order.insert(seq, id.clone());
        self.entries.insert(id, (seq, entry));
    }

    fn update(&mut self, kind: ResourceKind, id: &str, entry: Entry) {
        let Some((seq, old)) = self.entries.remove(id) else {
            return;
        };
        self.unindex(kind, id, &old.resource);
        self.insert(kind, seq, id.to_owned(), entry);
    }

    fn remove(&mut self, kind: ResourceKind, id: &str) -> Option<Entry> {
        let (seq, entry) = self.entries.remove(id)?;
        self.order.remove(&seq);
        self.unindex(kind, id, &entry.resource);
        Some(entry)
    }

    fn unindex(&mut self, kind: ResourceKind, id: &str, resource: &Value) {
        if let Some(key) = unique_key(kind, resource)
            && let Some(ids) = self.names.get_mut(&key)
        {
            ids.retain(|i| i != id);
            if ids.is_empty() {
                self.names.remove(&key);
            }
        }
    }
}

#[derive(Debug, Default)]
struct Data {
    users: Collection,
    groups: Collection,
    next_seq: u64,
}

impl Data {
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

/// The reference endpoint's [`Store`].
#[derive(Debug)]
pub(crate) struct FaultStore {
    config: ReferenceConfig,
    data: Mutex<Data>,
}

/// What a filter sees under the `filter-misses-patched-value` fault: the indexed copy, with the
/// attributes an index keys on (`id`, `userName`, `externalId`, `active`) read from the live
/// resource.
fn stale_view(indexed: &Value, live: &Value) -> Value {
    let mut seen = indexed.clone();
    if let (Value::Object(seen), Value::Object(live)) = (&mut seen, live) {
        for key in ["id", "userName", "externalId", "active"] {
            seen.remove(key);
            if let Some(v) = live.get(key) {
                seen.insert(key.to_owned(), v.clone());
            }
        }
    }
    seen
}

/// `schemas` with every attribute `caseExact` (for the `case-sensitive-filter` fault).
fn case_exact(schemas: &ResourceSchemas) -> ResourceSchemas {
    let mut s = schemas.clone();
    for schema in std::iter::once(&mut s.core).chain(s.extensions.iter_mut()) {
        for a in &mut schema.attributes {
            a.case_exact = true;
            for sub in &mut a.sub_attributes {
                sub.case_exact = true;
            }
        }
    }
    s
}

impl FaultStore {
    pub(crate) fn new(config: ReferenceConfig) -> Self {
        Self {
            config,
            data: Mutex::default(),
        }
    }

    fn has(&self, fault: Fault) -> bool {
        self.config.has(fault)
    }

    fn data(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The number of users and groups stored.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let data = self.data();
        (data.users.entries.len(), data.groups.entries.len())
    }

    /// Whether a resource of either kind has `id`.
    pub(crate) fn id_taken(&self, id: &str) -> bool {
        let data = self.data();
        data.users.entries.contains_key(id) || data.groups.entries.contains_key(id)
    }

    /// Whether a user has `id`.
    pub(crate) fn is_user(&self, id: &str) -> bool {
        self.data().users.entries.contains_key(id)
    }

    /// Whether the unique name `key` is held.
    pub(crate) fn name_taken(&self, kind: ResourceKind, key: &str) -> bool {
        self.data()
            .collection(kind)
            .holders(key, None)
            .next()
            .is_some()
    }

    fn conflict(
        &self,
        data: &Data,
        kind: ResourceKind,
        resource: &Value,
        except: Option<&str>,
    ) -> Option<StoreError> {
        let accepted = match kind {
            ResourceKind::User => Fault::DuplicateUsernameAccepted,
            ResourceKind::Group => Fault::DuplicateGroupAccepted,
        };
        if self.has(accepted) {
            return None;
        }
        let key = unique_key(kind, resource)?;
        let collection = data.collection(kind);
        let reserved = kind == ResourceKind::User
            && self.has(Fault::DeletedUsernameReserved)
            && collection.deleted_names.contains(&key);
        (collection.holders(&key, except).next().is_some() || reserved).then(|| {
            StoreError::Conflict {
                kind,
                attribute: kind.name_attribute(),
                value: resource
                    .get(kind.name_attribute())
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            }
        })
    }

    /// Stores a new resource, with or without the uniqueness check (seeds may allow
    /// duplicates).
    pub(crate) fn insert(
        &self,
        kind: ResourceKind,
        resource: Value,
        unique: bool,
    ) -> Result<Value, StoreError> {
        let Some(id) = meta::id(&resource).map(str::to_owned) else {
            return Err(StoreError::Corrupt {
                kind,
                id: String::new(),
                reason: "a new resource needs an `id`".to_owned(),
            });
        };
        let mut data = self.data();
        if data.users.entries.contains_key(&id) || data.groups.entries.contains_key(&id) {
            return Err(StoreError::Conflict {
                kind,
                attribute: "id",
                value: id,
            });
        }
        if unique && let Some(conflict) = self.conflict(&data, kind, &resource, None) {
            return Err(conflict);
        }
        data.next_seq += 1;
        let seq = data.next_seq;
        let indexed = self
            .has(Fault::FilterMissesPatchedValue)
            .then(|| resource.clone());
        data.collection_mut(kind).insert(
            kind,
            seq,
            id,
            Entry {
                resource: resource.clone(),
                indexed,
            },
        );
        Ok(resource)
    }
}

impl Store for FaultStore {
    async fn get(&self, kind: ResourceKind, id: &str) -> Result<Option<Value>, StoreError> {
        let data = self.data();
        let collection = data.collection(kind);
        Ok(match collection.entries.get(id) {
            Some((_, e)) => Some(e.resource.clone()),
            None if self.has(Fault::No404AfterDelete) => collection.tombstones.get(id).cloned(),
            None => None,
        })
    }

    async fn create(&self, kind: ResourceKind, resource: Value) -> Result<Value, StoreError> {
        self.insert(kind, resource, true)
    }

    async fn modify<F>(&self, kind: ResourceKind, id: &str, change: F) -> Result<Value, StoreError>
    where
        F: Fn(&Value) -> Result<Value, scim2_types::ScimError> + Send + Sync,
    {
        let mut data = self.data();
        let Some((_, entry)) = data.collection(kind).entries.get(id).cloned() else {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        };
        let mut new = change(&entry.resource).map_err(StoreError::Rejected)?;
        let replaced = new
            .as_object_mut()
            .and_then(|m| m.remove(REPLACED))
            .is_some();
        if let Some(conflict) = self.conflict(&data, kind, &new, Some(id)) {
            return Err(conflict);
        }
        let indexed = if replaced && self.has(Fault::FilterMissesPatchedValue) {
            Some(new.clone())
        } else {
            entry.indexed
        };
        data.collection_mut(kind).update(
            kind,
            id,
            Entry {
                resource: new.clone(),
                indexed,
            },
        );
        Ok(new)
    }

    async fn delete(&self, kind: ResourceKind, id: &str) -> Result<(), StoreError> {
        let mut data = self.data();
        let collection = data.collection_mut(kind);
        let Some(entry) = collection.remove(kind, id) else {
            return Err(StoreError::NotFound {
                kind,
                id: id.to_owned(),
            });
        };
        if let Some(key) = unique_key(kind, &entry.resource) {
            collection.deleted_names.insert(key);
        }
        collection.tombstones.insert(id.to_owned(), entry.resource);
        if kind == ResourceKind::User && !self.has(Fault::DeletedUserStaysMember) {
            for (_, group) in data.groups.entries.values_mut() {
                meta::remove_member(&mut group.resource, id);
            }
        }
        Ok(())
    }

    async fn query(&self, kind: ResourceKind, query: &Query<'_>) -> Result<Page, StoreError> {
        let data = self.data();
        let collection = data.collection(kind);
        let hide_inactive = kind == ResourceKind::User && self.has(Fault::InactiveUsersHidden);
        let entries: Vec<&Entry> = collection
            .iter()
            .filter(|e| !(hide_inactive && e.resource.get("active") == Some(&Value::Bool(false))))
            .collect();
        let views: Vec<Value> = entries
            .iter()
            .map(|e| match (&e.indexed, kind) {
                (Some(indexed), ResourceKind::User) => stale_view(indexed, &e.resource),
                _ => e.resource.clone(),
            })
            .collect();
        let exact;
        let mut q = *query;
        if self.has(Fault::CaseSensitiveFilter) {
            exact = case_exact(query.schemas);
            q.schemas = &exact;
        }
        let page = scan::answer(views.iter(), &q);
        let live = page
            .resources
            .iter()
            .filter_map(|v| meta::id(v))
            .filter_map(|id| collection.entries.get(id).map(|(_, e)| e.resource.clone()))
            .collect();
        Ok(Page::new(page.total_results, live))
    }

    async fn existing(&self, kind: ResourceKind, ids: &[&str]) -> Result<Vec<String>, StoreError> {
        let data = self.data();
        let entries = &data.collection(kind).entries;
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            if entries.contains_key(*id) && !out.iter().any(|o| o == id) {
                out.push((*id).to_owned());
            }
        }
        Ok(out)
    }
}

//! The in-memory store: users and groups in creation order, with a unique-name index.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::kind::Kind;

/// One stored resource: the full JSON (with `id`, `schemas` and `meta` except `location`).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) resource: Value,
    /// The resource as created, kept only under the `second-patch-loses-first` fault.
    pub(crate) created: Option<Value>,
    /// What filters see, kept only under the `filter-misses-patched-value` fault: the
    /// resource as created or last replaced by PUT.
    pub(crate) indexed: Option<Value>,
    /// How many PATCH requests have been applied.
    pub(crate) patches: u32,
    /// Whether the group has been renamed (for the `member-dropped-after-rename` fault).
    pub(crate) renamed: bool,
}

/// The resources of one type.
#[derive(Debug, Default)]
pub(crate) struct Collection {
    order: BTreeMap<u64, String>,
    entries: HashMap<String, (u64, Entry)>,
    /// Lower-cased unique attribute value → ids holding it.
    names: HashMap<String, Vec<String>>,
    /// Deleted resources (served by the `no-404-after-delete` fault).
    pub(crate) tombstones: HashMap<String, Value>,
    /// Lower-cased names of deleted resources (for the `deleted-username-reserved` fault).
    pub(crate) deleted_names: HashSet<String>,
}

/// The lower-cased unique name of a resource (`userName` or `displayName`), if any.
pub(crate) fn unique_key(kind: Kind, resource: &Value) -> Option<String> {
    resource
        .get(kind.unique_attribute())
        .and_then(Value::as_str)
        .map(str::to_lowercase)
}

impl Collection {
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id).map(|(_, e)| e)
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    /// Ids other than `except` holding the lower-cased unique name `key`.
    pub(crate) fn holders<'a>(
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

    /// The entries in creation order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.order
            .values()
            .filter_map(|id| self.entries.get(id).map(|(_, e)| e))
    }

    pub(crate) fn insert(&mut self, kind: Kind, seq: u64, id: String, entry: Entry) {
        if let Some(key) = unique_key(kind, &entry.resource) {
            self.names.entry(key).or_default().push(id.clone());
        }
        self.order.insert(seq, id.clone());
        self.entries.insert(id, (seq, entry));
    }

    /// Replaces the stored entry of `id` (which must exist), keeping its position.
    pub(crate) fn update(&mut self, kind: Kind, id: &str, entry: Entry) {
        let Some((seq, old)) = self.entries.remove(id) else {
            return;
        };
        self.unindex(kind, id, &old.resource);
        self.insert(kind, seq, id.to_owned(), entry);
    }

    pub(crate) fn remove(&mut self, kind: Kind, id: &str) -> Option<Entry> {
        let (seq, entry) = self.entries.remove(id)?;
        self.order.remove(&seq);
        self.unindex(kind, id, &entry.resource);
        Some(entry)
    }

    fn unindex(&mut self, kind: Kind, id: &str, resource: &Value) {
        if let Some(key) = unique_key(kind, resource)
            && let Some(ids) = self.names.get_mut(&key)
        {
            {
                ids.retain(|i| i != id);
                if ids.is_empty() {
                    self.names.remove(&key);
                }
            }
        }
    }
}

/// Users and groups, and the counters for sequence numbers and versions.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) users: Collection,
    pub(crate) groups: Collection,
    next_seq: u64,
    next_version: u64,
}

impl Store {
    pub(crate) fn collection(&self, kind: Kind) -> &Collection {
        match kind {
            Kind::User => &self.users,
            Kind::Group => &self.groups,
        }
    }

    pub(crate) fn collection_mut(&mut self, kind: Kind) -> &mut Collection {
        match kind {
            Kind::User => &mut self.users,
            Kind::Group => &mut self.groups,
        }
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// A fresh version number (unique across the store, so an ETag never repeats).
    pub(crate) fn next_version(&mut self) -> u64 {
        self.next_version += 1;
        self.next_version
    }
}

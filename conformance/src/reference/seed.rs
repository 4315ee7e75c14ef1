//! Preloading users and groups without HTTP (for demos, comparisons and large tests).

use serde_json::Value;

use super::Fault;
use super::app::Reference;
use super::kind::Kind;
use super::resource::{self, ReadRules, normalize, with_server_fields};
use super::store::{Entry, unique_key};

/// Users and groups to preload.
///
/// A user or group may carry its own `id` (kept when non-empty and unused); otherwise one is
/// generated. Group `members` refer to user ids, so a seed can give users ids and list them in
/// groups. Bodies are read like POST bodies (the same tolerance and checks).
#[derive(Debug, Clone, Default)]
pub struct Seed {
    /// User bodies (RFC 7643 §4.1).
    pub users: Vec<Value>,
    /// Group bodies (RFC 7643 §4.2); members must be users of this seed or already stored.
    pub groups: Vec<Value>,
    /// Allow a `userName` or group `displayName` that is already used (in another letter
    /// case, say), to build a directory with duplicates on purpose.
    pub allow_duplicates: bool,
}

/// The ids the seeded resources got, in the order of the seed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seeded {
    /// One id per seeded user.
    pub user_ids: Vec<String>,
    /// One id per seeded group.
    pub group_ids: Vec<String>,
}

/// Why a seed was refused. Resources before the failing one stay stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    /// A user body was refused.
    #[error("seed user #{index}: {detail}")]
    User {
        /// The position in [`Seed::users`].
        index: usize,
        /// What was wrong.
        detail: String,
    },
    /// A group body was refused.
    #[error("seed group #{index}: {detail}")]
    Group {
        /// The position in [`Seed::groups`].
        index: usize,
        /// What was wrong.
        detail: String,
    },
}

impl Reference {
    /// Stores the users, then the groups, of `seed`.
    ///
    /// ```
    /// use scim2_conformance::reference::{Reference, ReferenceConfig, Seed};
    /// use serde_json::json;
    /// let reference = Reference::new(ReferenceConfig::default());
    /// let seeded = reference.seed(Seed {
    ///     users: vec![json!({"id": "u1", "userName": "alice@example.com"})],
    ///     groups: vec![json!({"displayName": "Staff", "members": [{"value": "u1"}]})],
    ///     ..Seed::default()
    /// }).unwrap();
    /// assert_eq!(seeded.user_ids, ["u1"]);
    /// assert_eq!(reference.counts(), (1, 1));
    /// ```
    ///
    /// # Errors
    /// [`SeedError`] names the first body that is not a valid resource, lacks `userName` /
    /// `displayName`, reuses a name (unless [`Seed::allow_duplicates`]) or an id, or lists a
    /// member that is not a user.
    pub fn seed(&self, seed: Seed) -> Result<Seeded, SeedError> {
        let rules = ReadRules {
            string_booleans: true,
            manager_string: true,
            undeclared: true,
        };
        let mut out = Seeded::default();
        let mut store = self.store();
        for (kind, bodies) in [(Kind::User, seed.users), (Kind::Group, seed.groups)] {
            for (index, body) in bodies.into_iter().enumerate() {
                let fail = |detail: String| match kind {
                    Kind::User => SeedError::User { index, detail },
                    Kind::Group => SeedError::Group { index, detail },
                };
                let wanted_id = body
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                let map =
                    normalize(body, self.schemas(kind), kind, rules).map_err(|e| fail(e.detail))?;
                let Some(key) = unique_key(kind, &Value::Object(map.clone())) else {
                    return Err(fail(format!("`{}` is required", kind.unique_attribute())));
                };
                if !seed.allow_duplicates
                    && store.collection(kind).holders(&key, None).next().is_some()
                {
                    return Err(fail(format!(
                        "{} `{key}` is already in use",
                        kind.unique_attribute()
                    )));
                }
                if let Some(Value::Array(members)) = map.get("members") {
                    for m in members {
                        let v = m.get("value").and_then(Value::as_str).unwrap_or("");
                        if !store.users.contains(v) {
                            return Err(fail(format!("member `{v}` is not a user")));
                        }
                    }
                }
                let id = wanted_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                if store.users.contains(&id) || store.groups.contains(&id) {
                    return Err(fail(format!("the id `{id}` is already in use")));
                }
                let now = resource::now();
                let version = store.next_version();
                let seq = store.next_seq();
                let stored = with_server_fields(map, kind, &id, &now, &now, version);
                store.collection_mut(kind).insert(
                    kind,
                    seq,
                    id.clone(),
                    Entry {
                        created: self
                            .has(Fault::SecondPatchLosesFirst)
                            .then(|| stored.clone()),
                        indexed: self
                            .has(Fault::FilterMissesPatchedValue)
                            .then(|| stored.clone()),
                        resource: stored,
                        patches: 0,
                        renamed: false,
                    },
                );
                match kind {
                    Kind::User => out.user_ids.push(id),
                    Kind::Group => out.group_ids.push(id),
                }
            }
        }
        Ok(out)
    }
}

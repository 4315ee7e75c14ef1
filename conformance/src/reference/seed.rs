//! Preloading users and groups without HTTP (for demos, comparisons and large tests).

use scim2_server::store::{ResourceKind, meta};
use scim2_server::{ReadRules, normalize};
use serde_json::{Map, Value};

use super::app::Reference;
use super::store::unique_key;

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
        let server = self.server();
        let store = server.store();
        let mut out = Seeded::default();
        for (kind, bodies) in [
            (ResourceKind::User, seed.users),
            (ResourceKind::Group, seed.groups),
        ] {
            for (index, body) in bodies.into_iter().enumerate() {
                let fail = |detail: String| match kind {
                    ResourceKind::User => SeedError::User { index, detail },
                    ResourceKind::Group => SeedError::Group { index, detail },
                };
                let wanted_id = body
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
                let map = normalize(body, server.config().schemas(kind), rules)
                    .map_err(|e| fail(e.detail.unwrap_or_default()))?;
                let Some(key) = unique_key(kind, &Value::Object(map.clone())) else {
                    return Err(fail(format!("`{}` is required", kind.name_attribute())));
                };
                if !seed.allow_duplicates && store.name_taken(kind, &key) {
                    return Err(fail(format!(
                        "{} `{key}` is already in use",
                        kind.name_attribute()
                    )));
                }
                if let Some(Value::Array(members)) = map.get("members") {
                    for m in members {
                        let v = m.get("value").and_then(Value::as_str).unwrap_or("");
                        if !store.is_user(v) {
                            return Err(fail(format!("member `{v}` is not a user")));
                        }
                    }
                }
                let id = wanted_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
                if store.id_taken(&id) {
                    return Err(fail(format!("the id `{id}` is already in use")));
                }
                let resource = stored(map, kind, &id);
                store
                    .insert(kind, resource.clone(), false)
                    .map_err(|e| fail(e.to_string()))?;
                server.hooks().seeded(&resource);
                match kind {
                    ResourceKind::User => out.user_ids.push(id),
                    ResourceKind::Group => out.group_ids.push(id),
                }
            }
        }
        Ok(out)
    }
}

/// A normalized body with `id` and `meta`, as the server stores a created resource.
fn stored(mut body: Map<String, Value>, kind: ResourceKind, id: &str) -> Value {
    let mut out = Map::new();
    if let Some(schemas) = body.remove("schemas") {
        out.insert("schemas".to_owned(), schemas);
    }
    out.insert("id".to_owned(), Value::String(id.to_owned()));
    out.extend(body);
    let now = meta::now();
    out.insert(
        "meta".to_owned(),
        serde_json::json!({
            "resourceType": kind.resource_type(),
            "created": now,
            "lastModified": now,
            "version": meta::etag(1),
        }),
    );
    Value::Object(out)
}

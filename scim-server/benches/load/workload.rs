#![allow(clippy::cast_possible_truncation)] // a random index

//! The Entra-shaped workload as a sequence of requests, independent of how they are sent: what
//! Microsoft Entra ID's provisioning service sends during a sync cycle (docs/entra.md: lookups
//! by `userName eq` and `externalId eq`, creates after a miss, PATCH `replace` of changed
//! attributes, group lookups by `displayName eq` with `excludedAttributes=members`, member
//! additions in batches). The load driver sends it over HTTP; the `handle` benchmark feeds it
//! to the core directly.

use serde_json::{Value, json};

/// One request of the workload and the statuses that count as a right answer.
pub struct Step {
    pub method: http::Method,
    /// Path and query below the SCIM base (`/Users?filter=…`).
    pub path: String,
    pub body: Option<Value>,
    pub ok: &'static [u16],
}

/// The resources created before measuring.
pub struct Seeded {
    /// (userName, externalId, id)
    pub users: Vec<(String, String, String)>,
    /// (displayName, id)
    pub groups: Vec<(String, String)>,
}

fn enc(filter: &str) -> String {
    url::form_urlencoded::byte_serialize(filter.as_bytes()).collect()
}

/// The body of the `i`th user of a run whose resources are named with `prefix`.
pub fn user_body(prefix: &str, i: usize) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": format!("{prefix}{i}@example.com"),
        "externalId": format!("{prefix}ext-{i}"),
        "active": true,
        "displayName": format!("Load User {i}"),
        "name": {"givenName": "Load", "familyName": format!("User {i}")},
        "emails": [{"type": "work", "value": format!("{prefix}{i}@example.com"), "primary": true}]
    })
}

/// The body of the `g`th group.
pub fn group_body(prefix: &str, g: usize) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": format!("{prefix}group-{g}"),
        "externalId": format!("{prefix}gext-{g}"),
        "members": []
    })
}

fn patch(op: &str, path: Option<&str>, value: Value) -> Value {
    let mut o = json!({"op": op});
    o["value"] = value;
    if let Some(p) = path {
        o["path"] = json!(p);
    }
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [o]
    })
}

/// A small deterministic generator (xorshift64*), one per worker.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One client of the workload (Entra runs several provisioning threads per job): a
/// deterministic sequence of requests per worker number.
pub struct Worker {
    rng: Rng,
    w: usize,
    created: usize,
}

impl Worker {
    pub fn new(w: usize) -> Self {
        Self {
            rng: Rng(0x9E37_79B9_7F4A_7C15 ^ (w as u64 + 1).wrapping_mul(0xD6E8_FEB8_6659_FD93)),
            w,
            created: 0,
        }
    }

    /// The next requests: one, or a lookup miss followed by the create Entra sends after it.
    /// 35% userName lookups, 15% externalId lookups, 10% lookup miss + create, 20% user PATCH
    /// replace, 8% group lookups, 12% group member adds.
    pub fn next(&mut self, seeded: &Seeded, prefix: &str) -> Vec<Step> {
        let roll = self.rng.below(100);
        let (name, ext, id) = &seeded.users[self.rng.below(seeded.users.len())];
        let get = |path: String| Step {
            method: http::Method::GET,
            path,
            body: None,
            ok: &[200],
        };
        if roll < 35 {
            vec![get(format!(
                "/Users?filter={}",
                enc(&format!("userName eq \"{name}\""))
            ))]
        } else if roll < 50 {
            vec![get(format!(
                "/Users?filter={}",
                enc(&format!("externalId eq \"{ext}\""))
            ))]
        } else if roll < 60 {
            let i = 1_000_000 + self.w * 100_000 + self.created;
            self.created += 1;
            let body = user_body(prefix, i);
            let f = enc(&format!(
                "userName eq \"{}\"",
                body["userName"].as_str().unwrap_or_default()
            ));
            vec![
                get(format!("/Users?filter={f}")),
                Step {
                    method: http::Method::POST,
                    path: "/Users".to_owned(),
                    body: Some(body),
                    ok: &[201],
                },
            ]
        } else if roll < 80 {
            let body = patch(
                "replace",
                Some("displayName"),
                json!(format!("Renamed {}", self.rng.next() % 1000)),
            );
            vec![Step {
                method: http::Method::PATCH,
                path: format!("/Users/{id}"),
                body: Some(body),
                ok: &[200, 204],
            }]
        } else if roll < 88 {
            let (gname, _) = &seeded.groups[self.rng.below(seeded.groups.len())];
            let f = enc(&format!("displayName eq \"{gname}\""));
            vec![get(format!(
                "/Groups?excludedAttributes=members&filter={f}"
            ))]
        } else {
            let (_, gid) = &seeded.groups[self.rng.below(seeded.groups.len())];
            let body = patch("add", Some("members"), json!([{"value": id}]));
            vec![Step {
                method: http::Method::PATCH,
                path: format!("/Groups/{gid}"),
                body: Some(body),
                ok: &[200, 204],
            }]
        }
    }
}

//! Interoperability tests against third-party SCIM servers.
//!
//! `cargo xtask test` (its `interop` step) installs and starts the pinned peers on 127.0.0.1
//! and runs this target with `SCIM_INTEROP_PEERS=name=url,…` and the bearer token in
//! `SCIM_INTEROP_TOKEN`. Every peer gets the same basic SCIM sequence (discovery, create, get,
//! filter, pagination, PATCH, uniqueness, delete) over plain HTTP, with run-unique user names;
//! each check's verdict is compared with the peer's reviewed insta snapshot
//! (`tests/snapshots/interop__<peer>.snap`), so a change in any verdict fails the test. Why
//! each peer deviates is written down in `tests/snapshots/DEVIATIONS.md`.
//!
//! Run by hand against peers you started with `cargo xtask peers start`:
//! `SCIM_INTEROP_PEERS=scim2-server=http://127.0.0.1:8081 SCIM_INTEROP_TOKEN=… \
//!  cargo test -p xtask --test interop -- --include-ignored`

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// A minimal SCIM-over-HTTP client: status and JSON body of each exchange.
struct Peer {
    base: String,
    token: String,
    agent: ureq::Agent,
}

struct Answer {
    status: u16,
    body: Value,
}

impl Peer {
    fn new(base: String, token: String) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Self { base, token, agent }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        let url = format!("{}{path}", self.base);
        let auth = format!("Bearer {}", self.token);
        let result = match (method, body) {
            ("GET", _) => self
                .agent
                .get(&url)
                .query_pairs(query.iter().copied())
                .header("Authorization", &auth)
                .header("Accept", "application/scim+json")
                .call(),
            ("DELETE", _) => self
                .agent
                .delete(&url)
                .header("Authorization", &auth)
                .header("Accept", "application/scim+json")
                .call(),
            (m, Some(body)) => {
                let builder = if m == "POST" {
                    self.agent.post(&url)
                } else {
                    self.agent.patch(&url)
                };
                builder
                    .header("Authorization", &auth)
                    .header("Accept", "application/scim+json")
                    .header("Content-Type", "application/scim+json")
                    .send(body.to_string())
            }
            (m, None) => panic!("{m} without a body"),
        };
        match result {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let text = resp.body_mut().read_to_string().unwrap_or_default();
                let body = serde_json::from_str(&text).unwrap_or(Value::Null);
                Answer { status, body }
            }
            Err(e) => Answer {
                status: 0,
                body: json!({ "transport error": e.to_string() }),
            },
        }
    }

    fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        self.send("GET", path, query, None)
    }

    fn create_user(&self, user_name: &str) -> Answer {
        self.send(
            "POST",
            "/Users",
            &[],
            Some(&json!({
                "schemas": [USER_SCHEMA],
                "userName": user_name,
                "active": true,
                "name": { "formatted": "Interop Test", "givenName": "Interop", "familyName": "Test" },
                "emails": [{ "value": user_name, "type": "work", "primary": true }],
            })),
        )
    }
}

type Verdict = Result<(), String>;

fn expect_status(a: &Answer, expected: &[u16]) -> Verdict {
    if expected.contains(&a.status) {
        Ok(())
    } else {
        Err(format!("HTTP {} (expected {expected:?})", a.status))
    }
}

fn resources(a: &Answer) -> Vec<&Value> {
    a.body["Resources"]
        .as_array()
        .map(|r| r.iter().collect())
        .unwrap_or_default()
}

fn total(a: &Answer) -> Option<u64> {
    a.body["totalResults"].as_u64()
}

/// Runs the sequence against one peer; returns check id → verdict text.
fn run_checks(peer: &Peer, prefix: &str) -> BTreeMap<&'static str, String> {
    let mut out = BTreeMap::new();
    let mut record = |id: &'static str, v: Verdict| {
        out.insert(
            id,
            match v {
                Ok(()) => "pass".to_owned(),
                Err(why) => format!("FAIL: {why}"),
            },
        );
    };

    let spc = peer.get("/ServiceProviderConfig", &[]);
    record(
        "01 discovery: GET /ServiceProviderConfig",
        expect_status(&spc, &[200]).and_then(|()| {
            let ok = spc.body["schemas"]
                .as_array()
                .is_some_and(|s| s.iter().any(|u| u == SPC_SCHEMA));
            if ok {
                Ok(())
            } else {
                Err("schemas lacks the ServiceProviderConfig URN".into())
            }
        }),
    );

    let names: Vec<String> = (1..=3)
        .map(|n| format!("{prefix}-{n}@example.com"))
        .collect();
    let created: Vec<Answer> = names.iter().map(|n| peer.create_user(n)).collect();
    let ids: Vec<Option<String>> = created
        .iter()
        .map(|a| {
            (a.status == 201)
                .then(|| a.body["id"].as_str().map(str::to_owned))
                .flatten()
        })
        .collect();
    record(
        "02 create: POST /Users answers 201 with id and userName",
        expect_status(&created[0], &[201]).and_then(|()| {
            if ids[0].as_deref().is_none_or(str::is_empty) {
                Err("no id in the body".into())
            } else if created[0].body["userName"] != names[0].as_str() {
                Err("userName differs from the one sent".into())
            } else {
                Ok(())
            }
        }),
    );
    let Some(id) = ids[0].clone() else {
        return out;
    };

    let got = peer.get(&format!("/Users/{id}"), &[]);
    record(
        "03 get: GET /Users/{id} returns the user",
        expect_status(&got, &[200]).and_then(|()| {
            if got.body["userName"] == names[0].as_str() && got.body["id"] == id.as_str() {
                Ok(())
            } else {
                Err("id or userName differs".into())
            }
        }),
    );

    let eq = |user_name: &str| {
        peer.get(
            "/Users",
            &[("filter", &format!("userName eq \"{user_name}\""))],
        )
    };
    let found = eq(&names[0]);
    record(
        "04 filter: userName eq finds exactly the user",
        expect_status(&found, &[200]).and_then(|()| {
            let r = resources(&found);
            if total(&found) == Some(1) && r.len() == 1 && r[0]["id"] == id.as_str() {
                Ok(())
            } else {
                Err(format!(
                    "totalResults {:?}, {} resources",
                    total(&found),
                    r.len()
                ))
            }
        }),
    );

    let upper = eq(&names[0].to_uppercase());
    record(
        "05 filter: userName eq ignores case (caseExact false)",
        expect_status(&upper, &[200]).and_then(|()| {
            let r = resources(&upper);
            if r.len() == 1 && r[0]["id"] == id.as_str() {
                Ok(())
            } else {
                Err(format!("{} resources", r.len()))
            }
        }),
    );

    let none = eq(&format!("{prefix}-nobody@example.com"));
    record(
        "06 filter: no match answers 200 with totalResults 0",
        expect_status(&none, &[200]).and_then(|()| {
            if total(&none) == Some(0) && resources(&none).is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "totalResults {:?}, {} resources",
                    total(&none),
                    resources(&none).len()
                ))
            }
        }),
    );

    let page1 = peer.get("/Users", &[("startIndex", "1"), ("count", "2")]);
    let page2 = peer.get("/Users", &[("startIndex", "3"), ("count", "2")]);
    record(
        "07 pagination: count and startIndex page through the users",
        if ids.iter().any(Option::is_none) {
            Err("could not create three users".into())
        } else {
            expect_status(&page1, &[200])
                .and_then(|()| expect_status(&page2, &[200]))
                .and_then(|()| {
                    let (r1, r2) = (resources(&page1), resources(&page2));
                    let overlap = r1.iter().any(|a| r2.iter().any(|b| a["id"] == b["id"]));
                    if r1.len() != 2 {
                        Err(format!("count=2 gave {} resources", r1.len()))
                    } else if total(&page1).is_none_or(|t| t < 3) {
                        Err(format!("totalResults {:?} with 3 users", total(&page1)))
                    } else if r2.is_empty() || overlap {
                        Err("startIndex=3 did not give the next page".into())
                    } else {
                        Ok(())
                    }
                })
        },
    );

    let patch = peer.send(
        "PATCH",
        &format!("/Users/{id}"),
        &[],
        Some(&json!({
            "schemas": [PATCH_SCHEMA],
            "Operations": [{ "op": "replace", "path": "active", "value": false }],
        })),
    );
    let after = peer.get(&format!("/Users/{id}"), &[]);
    record(
        "08 patch: replace active=false is applied",
        expect_status(&patch, &[200, 204]).and_then(|()| {
            if after.body["active"] == false {
                Ok(())
            } else {
                Err(format!(
                    "active is {} after the PATCH",
                    after.body["active"]
                ))
            }
        }),
    );

    let duplicate = peer.create_user(&names[0]);
    record(
        "09 uniqueness: a duplicate userName answers 409",
        expect_status(&duplicate, &[409]),
    );
    if let Some(dup_id) = duplicate.body["id"]
        .as_str()
        .filter(|_| duplicate.status == 201)
    {
        peer.send("DELETE", &format!("/Users/{dup_id}"), &[], None);
    }

    let deleted = peer.send("DELETE", &format!("/Users/{id}"), &[], None);
    record(
        "10 delete: DELETE /Users/{id} answers 204",
        expect_status(&deleted, &[204]),
    );
    let gone = peer.get(&format!("/Users/{id}"), &[]);
    record(
        "11 delete: GET after DELETE answers 404",
        expect_status(&gone, &[404]),
    );

    for other in ids.iter().skip(1).flatten() {
        peer.send("DELETE", &format!("/Users/{other}"), &[], None);
    }
    out
}

#[test]
#[ignore = "needs third-party SCIM servers: run by `cargo xtask test` (interop step)"]
fn peers_match_their_reviewed_verdicts() {
    let token = scim2_interop_support::token_from_env().unwrap_or_default();
    let run = uuid::Uuid::new_v4().simple().to_string();
    let mut changed = Vec::new();
    for (name, url) in scim2_interop_support::peers_from_env() {
        let peer = Peer::new(url, token.clone());
        let prefix = format!("scimrs-{}", &run[..12]);
        let verdicts = run_checks(&peer, &prefix);
        eprintln!("interop: {name}:");
        for (id, v) in &verdicts {
            eprintln!("  {id}: {v}");
        }
        // Check every peer before failing, so one run shows every changed verdict.
        let compared = std::panic::catch_unwind(|| {
            insta::assert_yaml_snapshot!(name.as_str(), verdicts);
        });
        if compared.is_err() {
            changed.push(name);
        }
    }
    assert!(
        changed.is_empty(),
        "verdicts differ from the reviewed snapshots for: {} (review with `cargo insta review`, \
         and explain every deviation in tests/snapshots/DEVIATIONS.md)",
        changed.join(", ")
    );
}

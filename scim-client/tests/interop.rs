//! The typed [`Client`] against third-party SCIM servers (discovery, CRUD, look-ups, filters,
//! paging, streams, projections, groups, errors).
//!
//! `cargo xtask test` (its `interop` step) installs and starts the pinned peers on 127.0.0.1
//! and runs every `interop` test target with `SCIM_INTEROP_PEERS=name=url,…` and the bearer
//! token in `SCIM_INTEROP_TOKEN`. This target drives [`scim2_client::Client`] with
//! [`scim2_types::User`] and [`scim2_types::Group`] through the same sequence against each peer,
//! twice, with run-unique names (`scimrs-client-<uuid8>-…`), and compares step → verdict with
//! the peer's reviewed insta snapshot (`tests/snapshots/interop__<peer>.snap`). A verdict is
//! `ok`, `ok (note)`, `fail: <what the peer did wrong>`, `skip: <why>` or
//! `error: <Error variant> [<status> <scimType>]`; none holds an id, a time or a run-unique
//! name. Every verdict other than `ok` is explained, one line each, in
//! `tests/interop-deviations.md`. Whatever a step does, everything the run created is deleted
//! at the end (the ids collected on the way, then a sweep by the run's prefix).
//!
//! The CRUD steps run on the Entra-like user; when a peer refuses to create it, they run on the
//! first plain user instead, so that the rest of the sequence is still exercised.
//!
//! Run by hand against peers started with `cargo xtask peers start`:
//! `SCIM_INTEROP_PEERS=scim2-server=http://127.0.0.1:8081 SCIM_INTEROP_TOKEN=… \
//!  cargo test -p scim2-client --test interop -- --include-ignored`

#![allow(missing_docs, clippy::unwrap_used)] // tests may unwrap

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use scim2_client::{Client, Error, Projection, Query, RetryPolicy, Secret};
use scim2_filter::{AttrPath, CompareOp, Filter};
use scim2_types::{Email, EnterpriseUser, Group, Name, PatchOp, PatchOperation, ScimType, User};
use serde_json::json;

/// Steps whose verdict changed between identical runs against a peer: `(peer, step, reason)`.
/// Their verdict is replaced by `excluded: <reason>` before the comparison.
const FLAKY: &[(&str, &str, &str)] = &[];

/// The reviewed explanations of every verdict other than `ok`.
const DEVIATIONS: &str = include_str!("interop-deviations.md");

/// How many users a run creates (the Entra-like one, the enterprise one and the plain ones):
/// enough for three pages of three.
const USERS: usize = 7;
/// The page size of the paging and stream steps.
const PAGE: u64 = 3;

/// Every step, in order.
const STEPS: &[&str] = &[
    "01 discovery.service-provider-config",
    "02 discovery.schemas",
    "03 discovery.resource-types",
    "04 users.create.entra",
    "05 users.create.enterprise",
    "06 users.create.plain",
    "07 users.get",
    "08 users.replace",
    "09 users.patch.display-name",
    "10 users.set-active-false",
    "11 find.user-name",
    "12 find.user-name.other-case",
    "13 find.external-id",
    "14 list.filter-sw",
    "15 list.paging",
    "16 list.stream",
    "17 projection.attributes",
    "18 projection.excluded-attributes",
    "19 groups.create",
    "20 groups.find-by-display-name",
    "21 groups.add-members",
    "22 groups.get.after-add",
    "23 groups.remove-members",
    "24 groups.get.after-remove",
    "25 groups.delete",
    "26 errors.duplicate-user-name",
    "27 users.delete",
    "28 users.get.after-delete",
];

/// Why a step did not pass.
enum Bad {
    /// The client call returned an error.
    Client(Error),
    /// The call succeeded but the peer's answer is wrong.
    Wrong(String),
    /// The step could not run.
    Skip(String),
}

impl From<Error> for Bad {
    fn from(e: Error) -> Self {
        Self::Client(e)
    }
}

/// A step's result: an optional note when it passed.
type Step = Result<Option<String>, Bad>;

fn wrong<T>(why: impl Into<String>) -> Result<T, Bad> {
    Err(Bad::Wrong(why.into()))
}

/// The name of an [`Error`] variant (`Response`, `Decode`…).
fn variant(e: &Error) -> String {
    format!("{e:?}")
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// The deterministic verdict of a client error: variant, status and `scimType` for error
/// responses, the JSON path for decode errors.
fn error_verdict(e: &Error) -> String {
    if let Some(r) = e.response() {
        let scim_type = r
            .scim_type
            .as_ref()
            .map_or("(no scimType)", ScimType::as_str);
        return format!("error: {} {} {scim_type}", variant(e), r.status.as_u16());
    }
    match e {
        Error::Decode(d) => format!("error: Decode at {}", d.path),
        Error::UnexpectedContentType {
            status,
            content_type,
            ..
        } => {
            let essence = content_type.split(';').next().unwrap_or_default().trim();
            format!("error: UnexpectedContentType {} {essence}", status.as_u16())
        }
        other => format!("error: {}", variant(other)),
    }
}

/// A resource's id, or a wrong-answer error naming what had none.
fn id_of(id: Option<&str>, what: &str) -> Result<String, Bad> {
    match id {
        Some(id) if !id.is_empty() => Ok(id.to_owned()),
        _ => wrong(format!("the {what} has no id")),
    }
}

/// One run of the sequence against one peer.
struct Run {
    client: Client,
    /// `scimrs-client-<uuid8>-`: the start of every name the run creates.
    prefix: String,
    verdicts: BTreeMap<&'static str, String>,
    /// The full text of every error and wrong answer (for the log, not the snapshot).
    details: Vec<String>,
    users: Vec<String>,
    groups: Vec<String>,
}

impl Run {
    fn record(&mut self, step: &'static str, result: Step) {
        assert!(STEPS.contains(&step), "unknown step {step}");
        let verdict = match result {
            Ok(None) => "ok".to_owned(),
            Ok(Some(note)) => format!("ok ({note})"),
            Err(Bad::Client(e)) => {
                self.details.push(format!("{step}: {e}"));
                error_verdict(&e)
            }
            Err(Bad::Wrong(why)) => {
                self.details.push(format!("{step}: {why}"));
                format!("fail: {why}")
            }
            Err(Bad::Skip(why)) => format!("skip: {why}"),
        };
        self.verdicts.insert(step, verdict);
    }

    fn user_name(&self, tag: &str) -> String {
        format!("{}{tag}@example.com", self.prefix)
    }

    /// An Entra-like user (Entra's default attribute mapping, RFC 7643 §4.1).
    fn entra_user(&self) -> User {
        let user_name = self.user_name("jdoe");
        let mut u = User::new(&user_name);
        u.external_id = Some(format!("{}ext-jdoe", self.prefix));
        u.name = Some(Name {
            formatted: Some("Jane Doe".into()),
            given_name: Some("Jane".into()),
            family_name: Some("Doe".into()),
            ..Name::default()
        });
        u.display_name = Some("Jane Doe".into());
        u.emails = Some(vec![
            Email::new(&user_name).with_type("work").with_primary(true),
        ]);
        u.active = Some(true);
        u
    }

    /// A user with only single-valued attributes, which every peer should accept.
    fn plain_user(&self, n: usize) -> User {
        let mut u = User::new(self.user_name(&format!("user{n}")));
        u.external_id = Some(format!("{}ext-{n}", self.prefix));
        u.name = Some(Name {
            formatted: Some(format!("Plain User{n}")),
            given_name: Some("Plain".into()),
            family_name: Some(format!("User{n}")),
            ..Name::default()
        });
        u.display_name = Some(format!("Plain User{n}"));
        u.active = Some(true);
        u
    }

    /// The filter matching every user (or group) of this run.
    fn prefix_filter(&self, attr: &str) -> Filter {
        Filter::compare(attr, CompareOp::Sw, self.prefix.as_str())
    }

    async fn create_user(&mut self, user: &User) -> Result<User, Bad> {
        let created = self.client.create(user).await?;
        let id = id_of(created.id.as_deref(), "created user")?;
        self.users.push(id);
        if created.user_name != user.user_name {
            return wrong("the created user has another userName");
        }
        Ok(created)
    }

    /// Runs every step, then deletes what the run created.
    async fn sequence(&mut self) {
        self.discovery().await;
        let (subject, other) = self.create_users().await;
        match &subject {
            Some(id) => self.crud(id).await,
            None => {
                for step in &STEPS[6..10] {
                    self.record(step, Err(Bad::Skip("no user could be created".into())));
                }
            }
        }
        self.find(subject.as_deref()).await;
        self.lists(subject.as_deref()).await;
        self.groups(subject.as_deref(), other.as_deref()).await;
        self.duplicate().await;
        self.delete(subject.as_deref()).await;
        self.cleanup().await;
    }

    async fn discovery(&mut self) {
        let r = match self.client.service_provider_config().await {
            Ok(spc) => {
                let flag = |s: Option<bool>| if s == Some(true) { "yes" } else { "no" };
                Ok(Some(format!(
                    "patch {}, filter {}, sort {}, etag {}",
                    flag(
                        spc.patch
                            .as_ref()
                            .map(scim2_types::schema::Supported::is_supported)
                    ),
                    flag(spc.filter.as_ref().and_then(|f| f.supported)),
                    flag(
                        spc.sort
                            .as_ref()
                            .map(scim2_types::schema::Supported::is_supported)
                    ),
                    flag(
                        spc.etag
                            .as_ref()
                            .map(scim2_types::schema::Supported::is_supported)
                    ),
                )))
            }
            Err(e) => Err(e.into()),
        };
        self.record("01 discovery.service-provider-config", r);

        let r = match self.client.schemas().await {
            Ok(list) => {
                let ids: BTreeSet<&str> = list.resources.iter().map(|s| s.id.as_str()).collect();
                if ids.contains(scim2_types::urn::USER) {
                    Ok(Some(format!("{} schemas", list.resources.len())))
                } else {
                    wrong(format!(
                        "{} schemas, none is the core User schema",
                        list.resources.len()
                    ))
                }
            }
            Err(e) => Err(e.into()),
        };
        self.record("02 discovery.schemas", r);

        let r = match self.client.resource_types().await {
            Ok(list) => {
                // RFC 7643 §6: the endpoint is relative to the base URL ("/Users"); some
                // peers send the path from the host or an absolute URL, which a client can
                // still use.
                let endpoint = list
                    .resources
                    .iter()
                    .find_map(|t| t.endpoint.as_deref().filter(|e| e.ends_with("/Users")));
                match endpoint {
                    Some("/Users") => Ok(Some(format!("{} resource types", list.resources.len()))),
                    Some(_) => Ok(Some(format!(
                        "{} resource types, endpoint not relative to the base URL",
                        list.resources.len()
                    ))),
                    None => wrong("no resource type has the endpoint /Users"),
                }
            }
            Err(e) => Err(e.into()),
        };
        self.record("03 discovery.resource-types", r);
    }

    /// Creates the run's users; returns the subject of the CRUD steps (the Entra-like user, or
    /// the first plain one) and another user for the group steps.
    async fn create_users(&mut self) -> (Option<String>, Option<String>) {
        let entra = self.entra_user();
        let r = match self.create_user(&entra).await {
            Ok(got) => check_entra_read_back(&entra, &got).map(|()| None),
            Err(e) => Err(e),
        };
        let entra_ok = r.is_ok() || matches!(r, Err(Bad::Wrong(_)));
        let entra_id = entra_ok.then(|| self.users.first().cloned()).flatten();
        self.record("04 users.create.entra", r);

        let mut ent = self.plain_user(0);
        ent.user_name = self.user_name("enterprise");
        ent.enterprise = Some(EnterpriseUser {
            employee_number: Some("701984".into()),
            department: Some("Tour Operations".into()),
            cost_center: Some("4130".into()),
            ..EnterpriseUser::default()
        });
        let r = match self.create_user(&ent).await {
            Ok(got) => {
                let department = got
                    .enterprise
                    .as_ref()
                    .and_then(|e| e.department.as_deref());
                if department == Some("Tour Operations") {
                    Ok(None)
                } else {
                    wrong("the enterprise extension does not read back")
                }
            }
            Err(e) => Err(e),
        };
        self.record("05 users.create.enterprise", r);

        let wanted = USERS - self.users.len();
        let mut plain = Vec::new();
        let mut first_error = None;
        for n in 1..=wanted {
            let u = self.plain_user(n);
            match self.create_user(&u).await {
                Ok(got) => plain.extend(got.id),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        let r = match first_error {
            None => Ok(Some(format!("{wanted} users"))),
            Some(e) => Err(e),
        };
        self.record("06 users.create.plain", r);
        let subject = entra_id.or_else(|| plain.first().cloned());
        let other = plain.into_iter().find(|id| Some(id) != subject.as_ref());
        (subject, other)
    }

    async fn crud(&mut self, id: &str) {
        let r = self.get_user(id).await.map(|_| None);
        self.record("07 users.get", r);

        let r = self.replace(id).await;
        self.record("08 users.replace", r);

        let r = self.patch_display_name(id).await;
        self.record("09 users.patch.display-name", r);

        let r = async {
            let answered = self.client.set_active(id, false).await?;
            let got = self.get_user(id).await?;
            match got.active {
                Some(false) => Ok(answered.is_none().then(|| "no body".to_owned())),
                other => wrong(format!("active is {other:?} after the PATCH")),
            }
        }
        .await;
        self.record("10 users.set-active-false", r);
    }

    async fn get_user(&self, id: &str) -> Result<User, Bad> {
        let got: User = self.client.get(id, &Projection::all()).await?;
        if got.id.as_deref() != Some(id) {
            return wrong("GET answered another id");
        }
        if !got.user_name.starts_with(&self.prefix) {
            return wrong("GET answered another userName");
        }
        Ok(got)
    }

    async fn replace(&self, id: &str) -> Step {
        let mut user = self.get_user(id).await?;
        // A client replaces with what it manages: leave out the read-only attributes.
        user.meta = None;
        user.groups = None;
        user.display_name = Some("Jane Q. Doe".into());
        user.title = Some("Tour Guide".into());
        let answered = self.client.replace(&user).await?;
        if answered.display_name.as_deref() != Some("Jane Q. Doe") {
            return wrong("the PUT answer has the old displayName");
        }
        let got = self.get_user(id).await?;
        if got.display_name.as_deref() != Some("Jane Q. Doe")
            || got.title.as_deref() != Some("Tour Guide")
        {
            return wrong("displayName or title not replaced");
        }
        Ok(None)
    }

    async fn patch_display_name(&self, id: &str) -> Step {
        let op = PatchOp::new(vec![PatchOperation::replace(
            Some("displayName"),
            json!("Jane Patched"),
        )]);
        let answered = self.client.patch::<User>(id, &op).await?;
        if let Some(a) = &answered
            && a.display_name.as_deref() != Some("Jane Patched")
        {
            return wrong("the PATCH answer has the old displayName");
        }
        let got = self.get_user(id).await?;
        if got.display_name.as_deref() != Some("Jane Patched") {
            return wrong("displayName not replaced");
        }
        Ok(answered.is_none().then(|| "no body".to_owned()))
    }

    async fn find(&mut self, subject: Option<&str>) {
        let Some(id) = subject else {
            for step in &STEPS[10..13] {
                self.record(step, Err(Bad::Skip("no user could be created".into())));
            }
            return;
        };
        let user = self.get_user(id).await.ok();
        let (user_name, external_id) = match &user {
            Some(u) => (u.user_name.clone(), u.external_id.clone()),
            None => (String::new(), None),
        };
        let same = |found: Result<Option<User>, Error>| -> Step {
            match found? {
                Some(u) if u.id.as_deref() == Some(id) => Ok(None),
                Some(_) => wrong("found another user"),
                None => wrong("not found"),
            }
        };
        let r = same(self.client.find_user_by_user_name(&user_name).await);
        self.record("11 find.user-name", r);
        let r = same(
            self.client
                .find_user_by_user_name(&user_name.to_uppercase())
                .await,
        );
        self.record("12 find.user-name.other-case", r);
        let r = match external_id {
            Some(ext) => same(self.client.find_user_by_external_id(&ext).await),
            None => wrong("the user reads back without its externalId"),
        };
        self.record("13 find.external-id", r);
    }

    async fn lists(&mut self, subject: Option<&str>) {
        let created: BTreeSet<String> = self.users.iter().cloned().collect();
        let filter = self.prefix_filter("userName");
        if created.is_empty() {
            for step in &STEPS[13..18] {
                self.record(step, Err(Bad::Skip("no user could be created".into())));
            }
            return;
        }

        let r = async {
            let page = self
                .client
                .list::<User>(&Query::new().filter(filter.clone()))
                .await?;
            let ids: BTreeSet<String> =
                page.resources.iter().filter_map(|u| u.id.clone()).collect();
            let foreign = page
                .resources
                .iter()
                .filter(|u| !u.user_name.to_ascii_lowercase().starts_with(&self.prefix))
                .count();
            if foreign > 0 {
                wrong(format!("{foreign} users without the prefix"))
            } else if ids != created || page.total_results != created.len() as u64 {
                wrong(format!(
                    "totalResults {} and {} of the {} users",
                    page.total_results,
                    ids.intersection(&created).count(),
                    created.len()
                ))
            } else {
                Ok(None)
            }
        }
        .await;
        self.record("14 list.filter-sw", r);

        let r = async {
            let mut seen = Vec::new();
            let mut sizes = Vec::new();
            let mut start = 1;
            while start <= created.len() as u64 {
                let q = Query::new()
                    .filter(filter.clone())
                    .start_index(start)
                    .count(PAGE);
                let page = self.client.list::<User>(&q).await?;
                if page.total_results != created.len() as u64 {
                    return wrong(format!(
                        "totalResults {} with {} users",
                        page.total_results,
                        created.len()
                    ));
                }
                sizes.push(page.resources.len());
                seen.extend(page.resources.into_iter().filter_map(|u| u.id));
                start += PAGE;
            }
            let distinct: BTreeSet<String> = seen.iter().cloned().collect();
            let expected: Vec<usize> = (0..created.len())
                .step_by(PAGE as usize)
                .map(|from| (created.len() - from).min(PAGE as usize))
                .collect();
            if sizes != expected {
                wrong(format!("page sizes {sizes:?}, expected {expected:?}"))
            } else if distinct.len() != seen.len() || distinct != created {
                wrong("the pages overlap or miss users")
            } else {
                Ok(None)
            }
        }
        .await;
        self.record("15 list.paging", r);

        let r = async {
            let q = Query::new().filter(filter.clone()).count(PAGE);
            let all: Vec<User> = self.client.stream::<User>(q).try_collect().await?;
            let ids: Vec<String> = all.into_iter().filter_map(|u| u.id).collect();
            let distinct: BTreeSet<String> = ids.iter().cloned().collect();
            if distinct.len() != ids.len() {
                wrong(format!(
                    "{} users streamed, {} distinct",
                    ids.len(),
                    distinct.len()
                ))
            } else if distinct != created {
                wrong(format!(
                    "{} of the {} users streamed, {} others",
                    distinct.intersection(&created).count(),
                    created.len(),
                    distinct.difference(&created).count()
                ))
            } else {
                Ok(Some(format!("{} users", ids.len())))
            }
        }
        .await;
        self.record("16 list.stream", r);

        let Some(id) = subject else {
            for step in &STEPS[16..18] {
                self.record(step, Err(Bad::Skip("no user could be created".into())));
            }
            return;
        };
        let r = async {
            let p = Projection::attributes([AttrPath::new("userName", None)]);
            let got: User = self.client.get(id, &p).await?;
            let mut extra = Vec::new();
            if got.display_name.is_some() {
                extra.push("displayName");
            }
            if got.name.is_some() {
                extra.push("name");
            }
            if got.external_id.is_some() {
                extra.push("externalId");
            }
            if got.active.is_some() {
                extra.push("active");
            }
            if got.id.as_deref() != Some(id) || !got.user_name.starts_with(&self.prefix) {
                wrong("id or userName missing")
            } else if !extra.is_empty() {
                wrong(format!("also returned {}", extra.join(", ")))
            } else {
                Ok(None)
            }
        }
        .await;
        self.record("17 projection.attributes", r);

        let r = async {
            let p = Projection::excluding([AttrPath::new("name", None)]);
            let got: User = self.client.get(id, &p).await?;
            if got.name.is_some() {
                wrong("name still returned")
            } else if got.display_name.is_none() || got.user_name.is_empty() {
                wrong("displayName or userName left out too")
            } else {
                Ok(None)
            }
        }
        .await;
        self.record("18 projection.excluded-attributes", r);
    }

    async fn groups(&mut self, a: Option<&str>, b: Option<&str>) {
        let display_name = format!("{}group", self.prefix);
        let r = async {
            // Entra creates a group with an empty member list (docs/entra.md#group-create).
            let mut group = Group::new(&display_name);
            group.members = Some(Vec::new());
            let created = self.client.create(&group).await?;
            let id = id_of(created.id.as_deref(), "created group")?;
            self.groups.push(id.clone());
            if created.display_name == display_name {
                Ok(id)
            } else {
                wrong("the created group has another displayName")
            }
        }
        .await;
        let group = match r {
            Ok(id) => {
                self.record("19 groups.create", Ok(None));
                id
            }
            Err(e) => {
                // A group created with a wrong answer is still used (and deleted).
                self.record("19 groups.create", Err(e));
                match self.groups.first().cloned() {
                    Some(id) => id,
                    None => {
                        for step in &STEPS[19..25] {
                            self.record(step, Err(Bad::Skip("no group could be created".into())));
                        }
                        return;
                    }
                }
            }
        };

        let r = match self.client.find_group_by_display_name(&display_name).await {
            Ok(Some(g)) if g.id.as_deref() == Some(group.as_str()) => Ok(None),
            Ok(Some(_)) => wrong("found another group"),
            Ok(None) => wrong("not found"),
            Err(e) => Err(e.into()),
        };
        self.record("20 groups.find-by-display-name", r);

        let (Some(a), Some(b)) = (a, b) else {
            for step in &STEPS[20..24] {
                self.record(step, Err(Bad::Skip("fewer than two users".into())));
            }
            self.delete_group(&group).await;
            return;
        };
        let r = self
            .client
            .add_members(&group, &[a, b])
            .await
            .map(|g| g.is_none().then(|| "no body".to_owned()))
            .map_err(Bad::from);
        self.record("21 groups.add-members", r);
        let r = self.members_are(&group, &[a, b]).await;
        self.record("22 groups.get.after-add", r);

        let r = self
            .client
            .remove_members(&group, &[b])
            .await
            .map(|g| g.is_none().then(|| "no body".to_owned()))
            .map_err(Bad::from);
        self.record("23 groups.remove-members", r);
        let r = self.members_are(&group, &[a]).await;
        self.record("24 groups.get.after-remove", r);

        self.delete_group(&group).await;
    }

    async fn members_are(&self, group: &str, expected: &[&str]) -> Step {
        let got: Group = self.client.get(group, &Projection::all()).await?;
        let members: BTreeSet<&str> = got
            .members
            .iter()
            .flatten()
            .filter_map(|m| m.value.as_deref())
            .collect();
        let expected: BTreeSet<&str> = expected.iter().copied().collect();
        if members == expected {
            Ok(None)
        } else {
            eprintln!("interop: group members {members:?}, expected {expected:?}");
            wrong(format!(
                "{} members, {} of the {} expected",
                members.len(),
                members.intersection(&expected).count(),
                expected.len()
            ))
        }
    }

    async fn delete_group(&mut self, group: &str) {
        let r = async {
            self.client.delete::<Group>(group).await?;
            self.groups.retain(|g| g != group);
            match self.client.get::<Group>(group, &Projection::all()).await {
                Err(e) if e.status() == Some(scim2_client::http::StatusCode::NOT_FOUND) => Ok(None),
                Err(e) => Err(Bad::Client(e)),
                Ok(_) => wrong("the group is still readable after DELETE"),
            }
        }
        .await;
        self.record("25 groups.delete", r);
    }

    async fn duplicate(&mut self) {
        let r = async {
            let Some(first) = self.users.first().cloned() else {
                return Err(Bad::Skip("no user could be created".into()));
            };
            let existing = self.get_user(&first).await?;
            let mut again = self.plain_user(99);
            again.user_name = existing.user_name;
            match self.client.create(&again).await {
                Ok(created) => {
                    self.users.extend(created.id);
                    wrong("a second user with the same userName was created")
                }
                Err(e)
                    if e.status() == Some(scim2_client::http::StatusCode::CONFLICT)
                        && e.scim_type() == Some(&ScimType::Uniqueness) =>
                {
                    Ok(None)
                }
                Err(e) => Err(e.into()),
            }
        }
        .await;
        self.record("26 errors.duplicate-user-name", r);
    }

    async fn delete(&mut self, subject: Option<&str>) {
        let Some(id) = subject else {
            for step in &STEPS[26..28] {
                self.record(step, Err(Bad::Skip("no user could be created".into())));
            }
            return;
        };
        let r = async {
            self.client.delete::<User>(id).await?;
            self.users.retain(|u| u != id);
            Ok(None)
        }
        .await;
        self.record("27 users.delete", r);
        let r = match self.client.get::<User>(id, &Projection::all()).await {
            Err(e) if e.status() == Some(scim2_client::http::StatusCode::NOT_FOUND) => Ok(None),
            Err(e) => Err(e.into()),
            Ok(_) => wrong("the user is still readable after DELETE"),
        };
        self.record("28 users.get.after-delete", r);
    }

    /// Deletes everything the run created: the ids collected, then whatever the prefix filter
    /// still finds.
    async fn cleanup(&mut self) {
        for id in std::mem::take(&mut self.groups) {
            let _ = self.client.delete::<Group>(&id).await;
        }
        for id in std::mem::take(&mut self.users) {
            let _ = self.client.delete::<User>(&id).await;
        }
        let q = Query::new()
            .filter(self.prefix_filter("displayName"))
            .count(100);
        if let Ok(page) = self.client.list::<Group>(&q).await {
            for g in page
                .resources
                .into_iter()
                .filter(|g| g.display_name.starts_with(&self.prefix))
            {
                if let Some(id) = g.id {
                    self.details.push("cleanup: swept a group".into());
                    let _ = self.client.delete::<Group>(&id).await;
                }
            }
        }
        let q = Query::new()
            .filter(self.prefix_filter("userName"))
            .count(100);
        if let Ok(page) = self.client.list::<User>(&q).await {
            for u in page
                .resources
                .into_iter()
                .filter(|u| u.user_name.to_ascii_lowercase().starts_with(&self.prefix))
            {
                if let Some(id) = u.id {
                    self.details.push("cleanup: swept a user".into());
                    let _ = self.client.delete::<User>(&id).await;
                }
            }
        }
    }
}

/// Whether the created Entra-like user reads back as sent.
fn check_entra_read_back(sent: &User, got: &User) -> Result<(), Bad> {
    let mut lost = Vec::new();
    if got.external_id != sent.external_id {
        lost.push("externalId");
    }
    if got.display_name != sent.display_name {
        lost.push("displayName");
    }
    let name = |u: &User| {
        u.name
            .as_ref()
            .map(|n| (n.given_name.clone(), n.family_name.clone()))
    };
    if name(got) != name(sent) {
        lost.push("name");
    }
    let email = |u: &User| {
        u.primary_email()
            .map(|e| (e.value.clone(), e.kind.clone(), e.is_primary()))
    };
    if email(got) != email(sent) {
        lost.push("emails");
    }
    if got.active != Some(true) {
        lost.push("active");
    }
    if lost.is_empty() {
        Ok(())
    } else {
        wrong(format!("{} do not read back as sent", lost.join(", ")))
    }
}

/// The verdicts of one run against one peer, and the details for the log.
async fn run_once(url: &str, token: Option<&str>, round: usize) -> (Verdicts, Vec<String>) {
    let mut builder = Client::builder(url)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(10));
    if let Some(t) = token {
        builder = builder.bearer(Secret::new(t.to_owned()));
    }
    let uuid = uuid::Uuid::new_v4().simple().to_string();
    let mut run = Run {
        client: builder.build().unwrap(),
        prefix: format!("scimrs-client-{}-", &uuid[..8]),
        verdicts: BTreeMap::new(),
        details: Vec::new(),
        users: Vec::new(),
        groups: Vec::new(),
    };
    run.sequence().await;
    let details = run
        .details
        .iter()
        .map(|d| format!("round {round}: {}", d.replace(&run.prefix, "<prefix>")))
        .collect();
    (run.verdicts, details)
}

/// Step → verdict.
type Verdicts = BTreeMap<&'static str, String>;

/// Runs the sequence twice against a peer; returns the verdicts (flaky steps excluded), the
/// steps whose verdicts differ between the two runs, and the log.
async fn verdicts(
    name: &str,
    url: &str,
    token: Option<&str>,
) -> (Verdicts, Vec<String>, Vec<String>) {
    let started = Instant::now();
    let (mut first, mut log) = run_once(url, token, 1).await;
    let (mut second, log2) = run_once(url, token, 2).await;
    log.extend(log2);
    for (peer, step, why) in FLAKY {
        if *peer == name {
            for v in [&mut first, &mut second] {
                v.insert(step, format!("excluded: {why}"));
            }
        }
    }
    let flapping = STEPS
        .iter()
        .filter(|s| first.get(*s) != second.get(*s))
        .map(|s| {
            format!(
                "{s}: {:?} then {:?}",
                first.get(s).map(String::as_str).unwrap_or("-"),
                second.get(s).map(String::as_str).unwrap_or("-")
            )
        })
        .collect();
    log.push(format!("two runs in {:.1?}", started.elapsed()));
    (first, flapping, log)
}

fn is_ok(verdict: &str) -> bool {
    verdict == "ok" || verdict.starts_with("ok (")
}

/// The steps whose verdict is not `ok`.
fn not_ok<'v>(v: impl IntoIterator<Item = (&'v str, &'v str)>) -> BTreeSet<String> {
    v.into_iter()
        .filter(|(_, verdict)| !is_ok(verdict))
        .map(|(step, _)| step.to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs third-party SCIM servers: run by `cargo xtask test` (interop step)"]
async fn client_against_peers_matches_the_reviewed_verdicts() {
    let token = scim2_interop_support::token_from_env();
    let peers = scim2_interop_support::peers_from_env();
    // The peers are separate servers: run them side by side.
    let runs = peers.iter().map(|(name, url)| {
        let token = token.as_deref();
        async move { (name.clone(), verdicts(name, url, token).await) }
    });
    let results = futures::future::join_all(runs).await;
    let mut changed = Vec::new();
    for (name, (v, flapping, log)) in results {
        eprintln!("interop: {name}:");
        for line in &log {
            eprintln!("  {line}");
        }
        for (step, verdict) in &v {
            eprintln!("  {step}: {verdict}");
        }
        let unexplained: Vec<String> = not_ok(v.iter().map(|(s, v)| (*s, v.as_str())))
            .difference(&scim2_interop_support::explained(DEVIATIONS, &name))
            .cloned()
            .collect();
        // Check every peer before failing, so one run shows every changed verdict.
        let compared = std::panic::catch_unwind(|| {
            insta::assert_yaml_snapshot!(name.as_str(), v);
        });
        if !flapping.is_empty() {
            eprintln!(
                "interop: {name}: verdicts differ between two identical runs (add them to \
                 FLAKY with a reason): {}",
                flapping.join("; ")
            );
        }
        if !unexplained.is_empty() {
            eprintln!(
                "interop: {name}: verdicts without a reason in tests/interop-deviations.md: {}",
                unexplained.join(", ")
            );
        }
        if compared.is_err() || !unexplained.is_empty() || !flapping.is_empty() {
            changed.push(name);
        }
    }
    assert!(
        changed.is_empty(),
        "verdicts differ from the reviewed snapshots, flap, or are unexplained, for: {} \
         (review with `cargo insta review`, and explain every verdict other than ok in \
         scim-client/tests/interop-deviations.md)",
        changed.join(", ")
    );
}

/// The step → verdict map of a reviewed snapshot file.
fn snapshot_verdicts(text: &str) -> Vec<(String, String)> {
    let body = text.splitn(3, "---").nth(2).unwrap_or_default();
    body.lines()
        .filter_map(|line| line.split_once(": "))
        .map(|(k, v)| {
            (
                k.trim_matches('"').to_owned(),
                v.trim().trim_matches('"').to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_deviation_in_a_reviewed_snapshot_is_explained() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut peers = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(peer) = file
            .strip_prefix("interop__")
            .and_then(|f| f.strip_suffix(".snap"))
        else {
            continue;
        };
        peers += 1;
        let verdicts = snapshot_verdicts(&std::fs::read_to_string(&path).unwrap());
        let steps: BTreeSet<&str> = verdicts.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            steps,
            STEPS.iter().copied().collect(),
            "{file} does not have a verdict for every step"
        );
        let missing: Vec<String> = not_ok(verdicts.iter().map(|(s, v)| (s.as_str(), v.as_str())))
            .difference(&scim2_interop_support::explained(DEVIATIONS, peer))
            .cloned()
            .collect();
        assert!(
            missing.is_empty(),
            "{file}: no reason in interop-deviations.md for {}",
            missing.join(", ")
        );
        for id in scim2_interop_support::explained(DEVIATIONS, peer) {
            assert!(
                steps.contains(id.as_str()),
                "interop-deviations.md names unknown step `{id}` under {peer}"
            );
        }
    }
    assert!(
        peers >= 5,
        "only {peers} reviewed snapshots in {}",
        dir.display()
    );
}

#[test]
fn error_verdicts_name_variant_status_and_scim_type() {
    let e: Error = serde_json::from_str::<User>("{")
        .map_err(Error::Encode)
        .unwrap_err();
    assert_eq!(error_verdict(&e), "error: Encode");
    assert!(is_ok("ok") && is_ok("ok (2 schemas)") && !is_ok("okay") && !is_ok("fail: x"));
    let snap = "---\nsource: x\n---\n\"01 a\": ok\n02 b: \"error: Response 409 uniqueness\"\n";
    assert_eq!(
        snapshot_verdicts(snap),
        [
            ("01 a".to_owned(), "ok".to_owned()),
            (
                "02 b".to_owned(),
                "error: Response 409 uniqueness".to_owned()
            )
        ]
    );
}

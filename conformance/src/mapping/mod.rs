//! The attribute mapping, one module for `run` and `compare`: Entra's 22 default user rows
//! (shipped as `data/entra-user-mapping.toml`, docs/entra.md#default-mapping) and its default
//! group rows, or a file given with `--mapping FILE` ([`file`] describes its forms).
//!
//! `run` replays the user rows: [`Mapping::user_body`] builds the POST body Entra would send
//! for an invented [`Person`]. `compare` reads the user and group targets
//! ([`Mapping::users`], [`Mapping::groups`]) from both sides of a migration.

mod file;
mod person;
mod target;

use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

pub use file::MappingError;
pub use person::Person;
pub use target::{TargetError, TargetPath};

/// The default mapping file's text.
pub const ENTRA_DEFAULT_TOML: &str = include_str!("../../data/entra-user-mapping.toml");

/// How the runner invents a value for a mapping row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generator {
    /// `<prefix>-<tag>@example.com` (carries the run prefix).
    UserPrincipalName,
    /// The boolean `true` (a provisioned user is not soft-deleted).
    SoftDeletedSwitch,
    /// `<prefix>-<tag> <given> <family>`.
    DisplayName,
    /// A job title.
    JobTitle,
    /// `<given>.<family>.<prefix>-<tag>@example.com`: the names folded to ASCII (accents
    /// dropped, other scripts left out), never an empty dot-separated part (RFC 5321).
    Mail,
    /// A BCP 47 language tag.
    PreferredLanguage,
    /// A given name (may contain non-ASCII letters).
    GivenName,
    /// A family name (may contain non-ASCII letters).
    FamilyName,
    /// `Join(" ", [givenName], [surname])`.
    JoinGivenFamily,
    /// An office name.
    Office,
    /// A street address.
    StreetAddress,
    /// A city.
    City,
    /// A state or region.
    State,
    /// A postal code.
    PostalCode,
    /// An ISO 3166 country code.
    Country,
    /// A work phone number.
    Telephone,
    /// A mobile phone number.
    Mobile,
    /// A fax number.
    Fax,
    /// `<prefix>-<tag>` (carries the run prefix).
    MailNickname,
    /// A numeric employee id.
    EmployeeId,
    /// A department.
    Department,
    /// `{"value": <id of a manager user created by the run>}`.
    Manager,
    /// A random GUID.
    Guid,
    /// The row's `value`.
    Literal,
}

/// One user mapping row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The Entra source (documentation only).
    pub source: String,
    /// The SCIM target.
    pub target: TargetPath,
    /// The value generator; `None` for a row of a targets-only file (`compare`'s form), which
    /// `run` never reads.
    pub generator: Option<Generator>,
    /// The literal value for [`Generator::Literal`].
    pub value: Option<String>,
    /// Matching precedence, for matching attributes.
    pub matching: Option<u32>,
    /// Send `"primary": true` on the typed element.
    pub primary: bool,
}

/// An attribute mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// The user rows, in order.
    pub(crate) rows: Vec<Row>,
    /// The user targets, in mapping order (the targets of [`Mapping::rows`]).
    pub users: Vec<TargetPath>,
    /// The group targets besides `members`, in mapping order.
    pub groups: Vec<TargetPath>,
}

impl Default for Mapping {
    fn default() -> Self {
        Self::entra_default()
    }
}

impl Row {
    /// A value of the type this row's generator produces (the literal for a literal row).
    fn sample(&self) -> Value {
        match (self.generator, &self.value) {
            (Some(Generator::SoftDeletedSwitch), _) => Value::Bool(true),
            (Some(Generator::Manager), _) => json!({"value": "x"}),
            (Some(Generator::Literal), Some(v)) => Value::String(v.clone()),
            _ => Value::String("x".into()),
        }
    }

    /// Writes `value` (and `"primary": true` when the row asks for it) into `body`.
    fn write(&self, body: &mut Value, value: Value) -> Result<(), String> {
        let failed = |e: scim2_filter::patch::PatchError| {
            format!("target {}: PATCH cannot write it: {e}", self.target)
        };
        self.target.set(body, value).map_err(failed)?;
        if self.primary
            && let Some(primary) = self.target.sibling("primary")
        {
            primary.set(body, Value::Bool(true)).map_err(failed)?;
        }
        Ok(())
    }

    /// Whether the run can write this row into a user (checked when the file is read, so
    /// that [`Mapping::user_body`] never drops a row).
    fn writable(&self) -> Result<(), String> {
        let mut scratch = json!({"schemas": [scim2_types::urn::USER]});
        self.write(&mut scratch, self.sample())
    }
}

impl Mapping {
    fn new(rows: Vec<Row>, groups: Vec<TargetPath>) -> Self {
        Self {
            users: rows.iter().map(|r| r.target.clone()).collect(),
            rows,
            groups,
        }
    }

    /// Entra ID's default mapping: the 22 user rows of [`ENTRA_DEFAULT_TOML`] and the group
    /// `displayName` and `externalId`.
    ///
    /// ```
    /// let m = scim2_conformance::Mapping::entra_default();
    /// assert_eq!(m.users.len(), 22);
    /// assert_eq!(m.users[4].to_string(), r#"emails[type eq "work"].value"#);
    /// assert_eq!(m.groups.len(), 2);
    /// ```
    #[must_use]
    pub fn entra_default() -> Self {
        // The file is part of the crate and a unit test reads its 22 rows, so the empty
        // fallback is never taken.
        file::parse_versioned(ENTRA_DEFAULT_TOML)
            .unwrap_or_else(|_| Self::new(Vec::new(), Vec::new()))
    }

    /// Reads a mapping file in either form ([`Mapping::from_toml`]).
    ///
    /// # Errors
    /// [`MappingError`] naming the file, row or TOML position.
    pub fn load(path: &Path) -> Result<Self, MappingError> {
        Self::from_toml(&file::read(path)?)
    }

    /// Reads a mapping file in the versioned form `run` replays ([`Mapping::from_run_toml`]).
    ///
    /// # Errors
    /// [`MappingError`] naming the file, row or TOML position.
    pub fn load_run(path: &Path) -> Result<Self, MappingError> {
        Self::from_run_toml(&file::read(path)?)
    }

    /// Parses a mapping in either form: the versioned form when it is valid, else the
    /// targets form. A text that is neither is refused with the versioned form's error when
    /// it has a `version` key, else with the targets form's.
    ///
    /// ```
    /// use scim2_conformance::Mapping;
    /// let m = Mapping::from_toml(r#"
    /// [[user]]
    /// target = "userName"
    /// [[user]]
    /// target = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter"
    /// "#).unwrap();
    /// assert_eq!(m.users.len(), 2);
    /// assert_eq!(m.groups, Mapping::entra_default().groups);
    /// ```
    ///
    /// # Errors
    /// [`MappingError`] naming the row or TOML position.
    pub fn from_toml(text: &str) -> Result<Self, MappingError> {
        match file::parse_versioned(text) {
            Ok(m) => Ok(m),
            Err(versioned) => file::parse_targets(text).map_err(|targets| {
                let has_version =
                    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key("version"));
                if has_version { versioned } else { targets }
            }),
        }
    }

    /// Parses the versioned form (`version = 1`, `[[attribute]]` rows with generators), the
    /// only one `run` replays.
    ///
    /// # Errors
    /// [`MappingError`] naming the row or TOML position.
    pub fn from_run_toml(text: &str) -> Result<Self, MappingError> {
        file::parse_versioned(text)
    }

    /// The rows with a matching precedence, in precedence order.
    #[must_use]
    pub(crate) fn matching_rows(&self) -> Vec<&Row> {
        let mut m: Vec<&Row> = self.rows.iter().filter(|r| r.matching.is_some()).collect();
        m.sort_by_key(|r| r.matching);
        m
    }

    /// Whether a row uses the manager generator.
    #[must_use]
    pub(crate) fn maps_manager(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.generator == Some(Generator::Manager))
    }

    /// The rows that map into a custom extension (`urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>`):
    /// every extension but the Enterprise User one.
    #[must_use]
    pub(crate) fn custom_extension_rows(&self) -> Vec<&Row> {
        self.rows.iter().filter(|r| is_custom(&r.target)).collect()
    }

    /// The schema URNs the user body lists: the core User schema and the Enterprise User
    /// extension when a row maps into it. Custom extension URNs are left out, as Entra leaves
    /// them out ("The custom extension schema header is omitted … because it isn't sent in
    /// requests from the Microsoft Entra SCIM client",
    /// <https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes>).
    fn schemas(&self) -> Vec<String> {
        let mut s = vec![scim2_types::urn::USER.to_owned()];
        for r in &self.rows {
            if let Some(u) = &r.target.uri
                && !is_custom(&r.target)
                && !s.iter().any(|x| x.eq_ignore_ascii_case(u))
            {
                s.push(u.clone());
            }
        }
        s
    }

    /// Builds a POST body in Entra's shape for `person` (docs/entra.md#user-create):
    /// `schemas`, every mapped attribute, `meta.resourceType` and an empty `roles` array.
    /// The manager row is filled only when `manager_id` is given.
    ///
    /// Each row is written with [`TargetPath::set`] (a PATCH `replace`), in row order, so the
    /// members appear in the order Entra sends them; the loader refused the rows that PATCH
    /// cannot write, so none is dropped here.
    #[must_use]
    pub(crate) fn user_body(&self, person: &Person, manager_id: Option<&str>) -> Value {
        let schemas = json!(self.schemas());
        let mut body = json!({ "schemas": schemas });
        for row in &self.rows {
            if let Some(v) = person.value(row, manager_id) {
                let _ = row.write(&mut body, v);
            }
        }
        // PATCH lists every extension it writes in `schemas`; Entra leaves custom ones out.
        body["schemas"] = schemas;
        if let Some(o) = body.as_object_mut() {
            o.insert("meta".into(), json!({"resourceType": "User"}));
            o.insert("roles".into(), json!([]));
        }
        body
    }
}

impl Mapping {
    /// Checks that `body` is a create body Entra could send under this mapping: only the
    /// mapped attributes (plus `schemas`, `meta` and `roles: []`), each of the type its row
    /// produces (`active` a boolean, `manager` an object with a string `value`, everything
    /// else a string), `userName` a user principal name Entra allows and every generated
    /// e-mail address valid (RFC 5321).
    ///
    /// # Errors
    /// The first attribute that Entra could not have sent, and why.
    #[cfg(test)]
    pub(crate) fn check_body(&self, body: &Value) -> Result<(), String> {
        use scim2_types::address::{validate_email, validate_upn};
        let Some(obj) = body.as_object() else {
            return Err("the body is not a JSON object".into());
        };
        let allowed = self.schemas();
        let schemas = obj.get("schemas").and_then(Value::as_array);
        let schemas = schemas.ok_or("no schemas array")?;
        for s in schemas {
            let s = s.as_str().unwrap_or_default();
            if !allowed.iter().any(|a| a.eq_ignore_ascii_case(s)) {
                return Err(format!("schemas holds {s:?}, which no mapping row targets"));
            }
        }
        // Rebuild the body from the rows' values: what is left over was not mapped.
        let mut rebuilt = json!({"schemas": obj.get("schemas").cloned()});
        for row in &self.rows {
            let Some(v) = row.target.get(body) else {
                continue;
            };
            let ok = match row.generator {
                Some(Generator::SoftDeletedSwitch) => v.is_boolean(),
                Some(Generator::Manager) => v.get("value").is_some_and(Value::is_string),
                _ => v.is_string(),
            };
            if !ok {
                return Err(format!("{}: {v} is not of the mapped type", row.target));
            }
            let text = v.as_str().unwrap_or_default();
            if row.target.is_plain("userName") {
                validate_upn(text).map_err(|e| format!("userName: {e}"))?;
            }
            if matches!(
                row.generator,
                Some(Generator::Mail | Generator::UserPrincipalName)
            ) {
                validate_email(text).map_err(|e| format!("{}: {e}", row.target))?;
            }
            row.write(&mut rebuilt, v.clone())?;
        }
        rebuilt["schemas"] = obj.get("schemas").cloned().unwrap_or_default();
        if let Some(o) = rebuilt.as_object_mut() {
            for key in ["meta", "roles"] {
                if let Some(v) = obj.get(key) {
                    o.insert(key.into(), v.clone());
                }
            }
        }
        if obj
            .get("meta")
            .is_some_and(|m| m != &json!({"resourceType": "User"}))
        {
            return Err(format!("meta is {}", obj["meta"]));
        }
        if obj.get("roles").is_some_and(|r| r != &json!([])) {
            return Err(format!("roles is {}", obj["roles"]));
        }
        if &rebuilt != body {
            return Err(format!(
                "the body holds attributes no mapping row produces: sent {body}, mapped part {rebuilt}"
            ));
        }
        Ok(())
    }
}

/// Whether `t` names an attribute of an extension other than the Enterprise User one.
fn is_custom(t: &TargetPath) -> bool {
    t.uri.as_deref().is_some_and(|u| {
        !u.eq_ignore_ascii_case(scim2_types::urn::ENTERPRISE_USER)
            && !u.eq_ignore_ascii_case(scim2_types::urn::USER)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The users of a generated sequence (any UPN domain, any names) have valid UPNs and
        /// create bodies Entra could send under the default mapping.
        #[test]
        fn sequence_users_stay_inside_entra_domains(
            upns in proptest::collection::vec(scim2_types::arbitrary::upn(), 1..8),
            given in scim2_types::arbitrary::person_name(),
            family in scim2_types::arbitrary::person_name(),
        ) {
            use rand::SeedableRng;
            let m = Mapping::entra_default();
            let mut prev: Option<(String, String)> = None;
            for (k, u) in upns.iter().enumerate() {
                let domain = u.split_once('@').map_or("example.com", |(_, d)| d);
                let base = format!("scimconf-ab12cd34-s12-u{}", k + 1);
                let mut rng = rand::rngs::StdRng::seed_from_u64(k as u64);
                let mut p = Person::generate(&base, &mut rng);
                p.given.clone_from(&given);
                p.family.clone_from(&family);
                let (user_name, ext) = crate::names::sequence_user(
                    &base,
                    k,
                    domain,
                    prev.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
                    &p.guid(),
                );
                let mut body = m.user_body(&p, None);
                body["userName"] = serde_json::json!(user_name);
                body["externalId"] = serde_json::json!(ext);
                proptest::prop_assert_eq!(m.check_body(&body), Ok(()));
                prev = Some((user_name, ext));
            }
        }
    }

    use rand::SeedableRng;

    #[test]
    fn default_mapping_has_the_22_rows() {
        let m = Mapping::entra_default();
        assert_eq!(m.rows.len(), 22);
        assert_eq!(m.matching_rows()[0].target.to_string(), "userName");
        assert!(m.maps_manager());
    }

    #[test]
    fn body_has_entra_shape() {
        let m = Mapping::entra_default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let p = Person::generate("scimconf-ab12-u1", &mut rng);
        let b = m.user_body(&p, Some("mgr-1"));
        assert_eq!(b["userName"], "scimconf-ab12-u1@example.com");
        assert_eq!(b["active"], true);
        assert_eq!(b["emails"][0]["type"], "work");
        assert_eq!(b["emails"][0]["primary"], true);
        assert_eq!(b["addresses"].as_array().unwrap().len(), 1);
        assert_eq!(b["phoneNumbers"].as_array().unwrap().len(), 3);
        let ent = &b[scim2_types::urn::ENTERPRISE_USER];
        assert_eq!(ent["manager"], json!({"value": "mgr-1"}));
        assert_eq!(b["schemas"].as_array().unwrap().len(), 2);
        assert_eq!(b["roles"], json!([]));
        // Every row reads back from the body it built.
        for r in &m.rows {
            assert_eq!(
                r.target.get(&b),
                p.value(r, Some("mgr-1")).as_ref(),
                "{}",
                r.target
            );
        }
        // Same seed, same person.
        let mut rng2 = rand::rngs::StdRng::seed_from_u64(7);
        assert_eq!(Person::generate("scimconf-ab12-u1", &mut rng2), p);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(256))]

        /// Every generated user (names in any script, any run-unique base) is a body Entra could
        /// send under the default mapping: mapped attributes only, typed as mapped, a valid UPN
        /// and a valid work e-mail address.
        #[test]
        fn generated_bodies_stay_inside_entra_domains(
            seed in proptest::prelude::any::<u64>(),
            given in scim2_types::arbitrary::person_name(),
            family in scim2_types::arbitrary::person_name(),
            n in 1u32..100_000,
            manager in proptest::prelude::any::<bool>(),
        ) {
            let m = Mapping::entra_default();
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let mut p = Person::generate(&format!("scimconf-ab12-u{n}"), &mut rng);
            p.given = given;
            p.family = family;
            let b = m.user_body(&p, manager.then_some("mgr-1"));
            proptest::prop_assert_eq!(m.check_body(&b), Ok(()));
        }
    }

    #[test]
    fn check_body_refuses_what_entra_cannot_send() {
        let m = Mapping::entra_default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut p = Person::generate("scimconf-ab12-u1", &mut rng);
        p.given = "Aa".into();
        p.family = "Жанна".into();
        let good = m.user_body(&p, None);
        assert_eq!(m.check_body(&good), Ok(()));
        assert!(
            good["emails"][0]["value"]
                .as_str()
                .unwrap()
                .starts_with("aa.scimconf-ab12-u1@")
        );
        let bad = |f: &dyn Fn(&mut Value)| {
            let mut b = good.clone();
            f(&mut b);
            m.check_body(&b).unwrap_err()
        };
        // The address the ASCII folding used to build from a Cyrillic family name.
        assert!(
            bad(&|b| b["emails"][0]["value"] = json!("aa..scimconf-ab12-u1@example.com"))
                .contains("empty")
        );
        assert!(bad(&|b| b["userName"] = json!("zoë@example.com")).contains("userName"));
        assert!(bad(&|b| b["nickName"] = json!("Babs")).contains("no mapping row"));
        assert!(bad(&|b| b["active"] = json!("True")).contains("mapped type"));
        assert!(
            bad(&|b| b["schemas"] = json!([scim2_types::urn::USER, "urn:x"])).contains("urn:x")
        );
        assert!(bad(&|b| b["emails"][0]["display"] = json!("x")).contains("no mapping row"));
    }

    #[test]
    fn custom_extension_rows_are_sent_without_their_urn_in_schemas() {
        const C: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
        let text = format!(
            "{ENTRA_DEFAULT_TOML}\n[[attribute]]\nsource = \"extensionAttribute1\"\ntarget = \"{C}:CustomAttribute\"\ngenerator = \"guid\"\n"
        );
        let m = Mapping::from_run_toml(&text).unwrap();
        assert_eq!(m.custom_extension_rows().len(), 1);
        assert!(Mapping::entra_default().custom_extension_rows().is_empty());
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let p = Person::generate("scimconf-ab12-u1", &mut rng);
        let b = m.user_body(&p, None);
        assert_eq!(b[C]["CustomAttribute"], json!(p.guid()));
        assert!(!b["schemas"].to_string().contains("CustomExtensionName"));
        assert_eq!(m.check_body(&b), Ok(()));
        let bad = format!(
            "{ENTRA_DEFAULT_TOML}\n[[attribute]]\ntarget = \"{C}:Codes.value\"\ngenerator = \"guid\"\n"
        );
        assert!(
            Mapping::from_run_toml(&bad)
                .unwrap_err()
                .to_string()
                .contains("custom extension")
        );
    }

    #[test]
    fn bad_files_are_rejected_with_context() {
        let e = Mapping::from_run_toml("version = 2").unwrap_err();
        assert!(matches!(e, MappingError::Version(2)));
        let e = Mapping::from_run_toml(
            "version = 1\n[[attribute]]\ntarget = \"displayName\"\ngenerator = \"display-name\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("userName"));
        let e = Mapping::from_run_toml(
            "version = 1\n[[attribute]]\ntarget = \"userName\"\ngenerator = \"nope\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("line"), "{e}");
        let e = Mapping::from_run_toml(
            "version = 1\n[[attribute]]\ntarget = \"emails[x]\"\ngenerator = \"mail\"\n",
        )
        .unwrap_err();
        assert!(matches!(e, MappingError::Target { row: 1, .. }), "{e}");
        // `run` creates a missing element from a `[type eq "…"]` filter only.
        let e = Mapping::from_run_toml(
            "version = 1\n[[attribute]]\ntarget = \"userName\"\ngenerator = \"user-principal-name\"\n[[attribute]]\ntarget = 'emails[value eq \"x\"].display'\ngenerator = \"mail\"\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("mapping row 2: target emails[value eq \"x\"].display: only [type eq \"…\"] filters are supported"),
            "{e}"
        );
        // …and writes only what PATCH can write.
        let e = Mapping::from_run_toml(
            "version = 1\n[[attribute]]\ntarget = \"userName\"\ngenerator = \"user-principal-name\"\n[[attribute]]\ntarget = \"meta.created\"\ngenerator = \"guid\"\n",
        )
        .unwrap_err();
        assert!(matches!(e, MappingError::Invalid { row: 2, .. }), "{e}");
    }

    #[test]
    fn the_default_has_every_row() {
        let m = Mapping::entra_default();
        assert_eq!(m.users.len(), 22);
        assert_eq!(m.groups.len(), 2);
        let targets: Vec<String> = m.users.iter().map(ToString::to_string).collect();
        let rows: Vec<String> = m.rows.iter().map(|r| r.target.to_string()).collect();
        assert_eq!(targets, rows);
        assert_eq!(targets[4], r#"emails[type eq "work"].value"#);
        assert!(m.users[21].is_manager());
    }

    #[test]
    fn target_files_replace_sections_and_ignore_other_keys() {
        let m = Mapping::from_toml(
            r#"
[[group]]
target = "displayName"
generator = "run-prefixed"
[[group]]
target = "members"
"#,
        )
        .unwrap();
        assert_eq!(m.users, Mapping::entra_default().users);
        assert_eq!(m.groups.len(), 1);
        // The targets form is compare's: run refuses it.
        let e = Mapping::from_run_toml("[[user]]\ntarget = \"userName\"\n").unwrap_err();
        assert!(e.to_string().contains("version"), "{e}");
        assert!(Mapping::from_toml("[[user]]\ntarget = \"userName\"\n").is_ok());
    }

    #[test]
    fn bad_target_files_are_named_errors() {
        let e = Mapping::from_toml("[[user]]\ntarget = \"emails[type eq\"\n").unwrap_err();
        assert!(matches!(e, MappingError::Target { row: 1, .. }), "{e}");
        assert!(e.to_string().starts_with("user row 1: "), "{e}");
        let e =
            Mapping::from_toml("[[user]]\ntarget = \"a\"\n[[user]]\ntarget = \"A\"\n").unwrap_err();
        assert!(matches!(e, MappingError::Duplicate { row: 2, .. }), "{e}");
        let e = Mapping::from_toml("user = []\n").unwrap_err();
        assert!(matches!(e, MappingError::RowCount { rows: 0, .. }), "{e}");
        let e = Mapping::from_toml("[[user]]\nsource = \"x\"\n").unwrap_err();
        assert!(matches!(e, MappingError::Toml(_)), "{e}");
        let e = Mapping::load(Path::new("/nonexistent/mapping.toml")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/mapping.toml"), "{e}");
        // A versioned file that is valid in neither form is refused with the versioned
        // form's error; `compare` ignored the key of a file that is otherwise valid for it.
        let e = Mapping::from_toml("version = 2\n[[user]]\n").unwrap_err();
        assert!(e.to_string().contains("version"), "{e}");
        assert!(Mapping::from_toml("version = 2\n").is_ok());
    }

    #[test]
    fn the_run_mapping_file_serves_compare_too() {
        let m = Mapping::from_toml(ENTRA_DEFAULT_TOML).unwrap();
        assert_eq!(m, Mapping::entra_default());
        assert_eq!(m.users.len(), 22);
    }
}

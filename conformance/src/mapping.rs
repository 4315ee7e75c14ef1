//! The user attribute mapping the runner replays: Entra's 22 default rows (shipped as
//! `data/entra-user-mapping.toml`, docs/entra.md#default-mapping), or a file given with
//! `--mapping FILE` in the same documented TOML format.

use std::path::Path;

use rand::seq::IndexedRandom;
use rand::{Rng, RngExt};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::path::{PathError, TargetPath};

/// Entra ID's default user attribute mappings as a mapping file (TOML), a start for a custom one.
pub const ENTRA_DEFAULT_TOML: &str = include_str!("../data/entra-user-mapping.toml");

/// Largest mapping file read.
const MAX_MAPPING_FILE: u64 = 1024 * 1024;
/// Most rows accepted.
const MAX_ROWS: usize = 256;

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

/// One mapping row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The Entra source (documentation only).
    pub source: String,
    /// The SCIM target.
    pub target: TargetPath,
    /// The value generator.
    pub generator: Generator,
    /// The literal value for [`Generator::Literal`].
    pub value: Option<String>,
    /// Matching precedence, for matching attributes.
    pub matching: Option<u32>,
    /// Send `"primary": true` on the typed element.
    pub primary: bool,
}

/// A user attribute mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The rows, in order.
    pub(crate) rows: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    version: u32,
    #[serde(default)]
    attribute: Vec<RowFormat>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowFormat {
    #[serde(default)]
    source: String,
    target: String,
    generator: Generator,
    value: Option<String>,
    matching: Option<u32>,
    #[serde(default)]
    primary: bool,
}

/// A mapping file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The file could not be read.
    #[error("cannot read mapping file {path}: {reason}")]
    Read {
        /// The path.
        path: String,
        /// The reason.
        reason: String,
    },
    /// Not valid TOML for the format (the message includes line and column).
    #[error("mapping file is not valid: {0}")]
    Toml(String),
    /// Unsupported format version.
    #[error("mapping file version {0} is not supported (expected 1)")]
    Version(u32),
    /// A row's target path is invalid.
    #[error("mapping row {row}: {source}")]
    Path {
        /// 1-based row number.
        row: usize,
        /// The path error.
        source: PathError,
    },
    /// Semantic problem (no userName row, literal without value, too many rows…).
    #[error("mapping row {row}: {reason}")]
    Invalid {
        /// 1-based row number (0 for the whole file).
        row: usize,
        /// The reason.
        reason: String,
    },
}

impl Mapping {
    /// Entra's 22 default rows.
    ///
    /// # Errors
    /// Never for the shipped file (a unit test parses it).
    pub fn entra_default() -> Result<Self, MappingError> {
        Self::from_toml(ENTRA_DEFAULT_TOML)
    }

    /// Reads a mapping file.
    ///
    /// # Errors
    /// [`MappingError`] naming the file, row or TOML position.
    pub fn load(path: &Path) -> Result<Self, MappingError> {
        let read = |reason: String| MappingError::Read {
            path: path.display().to_string(),
            reason,
        };
        let len = std::fs::metadata(path)
            .map_err(|e| read(e.to_string()))?
            .len();
        if len > MAX_MAPPING_FILE {
            return Err(read(format!("{len} bytes is larger than the 1 MiB limit")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| read(e.to_string()))?;
        Self::from_toml(&text)
    }

    /// Parses the TOML format.
    ///
    /// # Errors
    /// [`MappingError`] naming the row or TOML position.
    pub fn from_toml(text: &str) -> Result<Self, MappingError> {
        let file: FileFormat =
            toml::from_str(text).map_err(|e| MappingError::Toml(e.to_string()))?;
        if file.version != 1 {
            return Err(MappingError::Version(file.version));
        }
        if file.attribute.len() > MAX_ROWS {
            return Err(MappingError::Invalid {
                row: 0,
                reason: format!("more than {MAX_ROWS} rows"),
            });
        }
        let mut rows = Vec::with_capacity(file.attribute.len());
        for (i, r) in file.attribute.into_iter().enumerate() {
            let row = i + 1;
            let target = TargetPath::parse(&r.target)
                .map_err(|source| MappingError::Path { row, source })?;
            if r.generator == Generator::Literal && r.value.is_none() {
                return Err(MappingError::Invalid {
                    row,
                    reason: "generator \"literal\" needs a value".into(),
                });
            }
            if is_custom(&target) && (target.type_eq.is_some() || target.sub.is_some()) {
                return Err(MappingError::Invalid {
                    row,
                    reason: format!(
                        "target {target}: Entra maps only single-valued, simple attributes into a custom extension"
                    ),
                });
            }
            if rows.iter().any(|x: &Row| x.target == target) {
                return Err(MappingError::Invalid {
                    row,
                    reason: format!("target {target} is mapped twice"),
                });
            }
            rows.push(Row {
                source: r.source,
                target,
                generator: r.generator,
                value: r.value,
                matching: r.matching,
                primary: r.primary,
            });
        }
        let has_username = rows.iter().any(|r| {
            r.target.urn.is_none()
                && r.target.attr.eq_ignore_ascii_case("userName")
                && r.target.sub.is_none()
        });
        if !has_username {
            return Err(MappingError::Invalid {
                row: 0,
                reason: "no row targets userName (RFC 7643 §4.1: userName is required)".into(),
            });
        }
        Ok(Self { rows })
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
        self.rows.iter().any(|r| r.generator == Generator::Manager)
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
            if let Some(u) = &r.target.urn
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
    #[must_use]
    pub(crate) fn user_body(&self, person: &Person, manager_id: Option<&str>) -> Value {
        let mut body = json!({ "schemas": self.schemas() });
        for row in &self.rows {
            let Some(v) = person.value(row, manager_id) else {
                continue;
            };
            row.target.set(&mut body, v);
            if row.primary
                && let Some(el) = primary_slot(&mut body, &row.target)
            {
                el.insert("primary".into(), Value::Bool(true));
            }
        }
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
                Generator::SoftDeletedSwitch => v.is_boolean(),
                Generator::Manager => v.get("value").is_some_and(Value::is_string),
                _ => v.is_string(),
            };
            if !ok {
                return Err(format!("{}: {v} is not of the mapped type", row.target));
            }
            let text = v.as_str().unwrap_or_default();
            if row.target.urn.is_none()
                && row.target.attr.eq_ignore_ascii_case("userName")
                && row.target.sub.is_none()
            {
                validate_upn(text).map_err(|e| format!("userName: {e}"))?;
            }
            if row.generator == Generator::Mail || row.generator == Generator::UserPrincipalName {
                validate_email(text).map_err(|e| format!("{}: {e}", row.target))?;
            }
            row.target.set(&mut rebuilt, v.clone());
            if row.primary
                && let Some(el) = primary_slot(&mut rebuilt, &row.target)
            {
                el.insert("primary".into(), Value::Bool(true));
            }
        }
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
    t.urn.as_deref().is_some_and(|u| {
        !u.eq_ignore_ascii_case(scim2_types::urn::ENTERPRISE_USER)
            && !u.eq_ignore_ascii_case(scim2_types::urn::USER)
    })
}

fn primary_slot<'a>(
    body: &'a mut Value,
    t: &TargetPath,
) -> Option<&'a mut serde_json::Map<String, Value>> {
    let ty = t.type_eq.as_deref()?;
    let container = match &t.urn {
        Some(u) => body.get_mut(u.as_str())?,
        None => body,
    };
    container
        .get_mut(t.attr.as_str())?
        .as_array_mut()?
        .iter_mut()
        .find(|e| e.get("type").and_then(Value::as_str) == Some(ty))?
        .as_object_mut()
}

const GIVEN: &[&str] = &[
    "Zoë", "José", "Åsa", "Liam", "Mei", "Søren", "Amélie", "Noah", "Chloé", "Björn",
];
const FAMILY: &[&str] = &[
    "Müller",
    "García",
    "O'Brien",
    "Nakamura",
    "Øvergaard",
    "Smith",
    "Dvořák",
    "Kowalski",
];
const TITLES: &[&str] = &[
    "Engineer",
    "Sales Manager",
    "Chief Tea Taster",
    "Analyst II",
    "Directrice R&D",
];
const LANGS: &[&str] = &["en-US", "de-CH", "fr-FR", "ja-JP", "nb-NO"];
const CITIES: &[(&str, &str, &str, &str)] = &[
    ("Zürich", "ZH", "8001", "CH"),
    ("Redmond", "WA", "98052", "US"),
    ("Montréal", "QC", "H2X 1Y4", "CA"),
    ("München", "BY", "80331", "DE"),
];
const DEPTS: &[&str] = &["Research & Development", "Finance", "Ventes", "IT / Ops"];

/// The invented source values of one user; every mapped value is derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Run-unique base name (`<prefix>-<tag>`), used in userName, externalId and displayName.
    pub base: String,
    /// Given name.
    pub given: String,
    /// Family name.
    pub family: String,
    title: String,
    lang: String,
    city: (String, String, String, String),
    street: String,
    dept: String,
    employee_id: String,
    phones: [String; 3],
    guid: String,
}

impl Person {
    /// Invents a person named `base` from `rng`.
    pub fn generate(base: &str, rng: &mut impl Rng) -> Self {
        let pick = |rng: &mut _, list: &[&str]| -> String {
            list.choose(rng).copied().unwrap_or("x").to_owned()
        };
        let c = CITIES.choose(rng).copied().unwrap_or(CITIES[0]);
        let phone = |rng: &mut dyn rand::Rng| {
            format!(
                "+1 425-555-{:04}",
                rand::RngExt::random_range(rng, 0..10_000u32)
            )
        };
        Self {
            base: base.to_owned(),
            given: pick(rng, GIVEN),
            family: pick(rng, FAMILY),
            title: pick(rng, TITLES),
            lang: pick(rng, LANGS),
            city: (c.0.into(), c.1.into(), c.2.into(), c.3.into()),
            street: format!("{} Rue de l'Église", rng.random_range(1..999u32)),
            dept: pick(rng, DEPTS),
            employee_id: format!("{:06}", rng.random_range(0..1_000_000u32)),
            phones: [phone(rng), phone(rng), phone(rng)],
            guid: uuid::Builder::from_random_bytes(rng.random())
                .into_uuid()
                .to_string(),
        }
    }

    /// The random GUID this person carries (the value of a `guid` mapping row).
    #[must_use]
    pub fn guid(&self) -> String {
        self.guid.clone()
    }

    /// The userName this person is provisioned with.
    #[must_use]
    pub fn user_name(&self) -> String {
        format!("{}@example.com", self.base)
    }

    /// The value of one mapping row, or `None` (manager row without a manager).
    #[must_use]
    pub fn value(&self, row: &Row, manager_id: Option<&str>) -> Option<Value> {
        use Generator as G;
        let s = |t: String| Some(Value::String(t));
        match row.generator {
            G::UserPrincipalName => s(self.user_name()),
            G::SoftDeletedSwitch => Some(Value::Bool(true)),
            G::DisplayName => s(format!("{} {} {}", self.base, self.given, self.family)),
            G::JobTitle => s(self.title.clone()),
            G::Mail => s(format!(
                "{}@example.com",
                crate::names::mail_local(&[&self.given, &self.family, &self.base])
            )),
            G::PreferredLanguage => s(self.lang.clone()),
            G::GivenName => s(self.given.clone()),
            G::FamilyName => s(self.family.clone()),
            G::JoinGivenFamily => s(format!("{} {}", self.given, self.family)),
            G::Office => s(format!("{} Office", self.city.0)),
            G::StreetAddress => s(self.street.clone()),
            G::City => s(self.city.0.clone()),
            G::State => s(self.city.1.clone()),
            G::PostalCode => s(self.city.2.clone()),
            G::Country => s(self.city.3.clone()),
            G::Telephone => s(self.phones[0].clone()),
            G::Mobile => s(self.phones[1].clone()),
            G::Fax => s(self.phones[2].clone()),
            G::MailNickname => s(self.base.clone()),
            G::EmployeeId => s(self.employee_id.clone()),
            G::Department => s(self.dept.clone()),
            G::Manager => manager_id.map(|id| json!({ "value": id })),
            G::Guid => s(self.guid.clone()),
            G::Literal => row.value.clone().map(Value::String),
        }
    }
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
            let m = Mapping::entra_default().unwrap();
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
        let m = Mapping::entra_default().unwrap();
        assert_eq!(m.rows.len(), 22);
        assert_eq!(m.matching_rows()[0].target.to_string(), "userName");
        assert!(m.maps_manager());
    }

    #[test]
    fn body_has_entra_shape() {
        let m = Mapping::entra_default().unwrap();
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
            let m = Mapping::entra_default().unwrap();
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
        let m = Mapping::entra_default().unwrap();
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
        let m = Mapping::from_toml(&text).unwrap();
        assert_eq!(m.custom_extension_rows().len(), 1);
        assert!(
            Mapping::entra_default()
                .unwrap()
                .custom_extension_rows()
                .is_empty()
        );
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
            Mapping::from_toml(&bad)
                .unwrap_err()
                .to_string()
                .contains("custom extension")
        );
    }

    #[test]
    fn bad_files_are_rejected_with_context() {
        let e = Mapping::from_toml("version = 2").unwrap_err();
        assert!(matches!(e, MappingError::Version(2)));
        let e = Mapping::from_toml(
            "version = 1\n[[attribute]]\ntarget = \"displayName\"\ngenerator = \"display-name\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("userName"));
        let e = Mapping::from_toml(
            "version = 1\n[[attribute]]\ntarget = \"userName\"\ngenerator = \"nope\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("line"), "{e}");
        let e = Mapping::from_toml(
            "version = 1\n[[attribute]]\ntarget = \"emails[x]\"\ngenerator = \"mail\"\n",
        )
        .unwrap_err();
        assert!(matches!(e, MappingError::Path { row: 1, .. }));
    }
}

//! The invented users the runner provisions: every mapped value of one user derives from a
//! [`Person`] drawn from the run's seeded random source, so a seed replays the same users.

use rand::seq::IndexedRandom;
use rand::{Rng, RngExt};
use serde_json::{Value, json};

use super::{Generator, Row};

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
        match row.generator? {
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

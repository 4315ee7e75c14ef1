//! The Enterprise User extension (RFC 7643 §4.3),
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::attr::{FromMap, attributes, complex_type};

/// The Enterprise User extension attributes (RFC 7643 §4.3), carried by a [`crate::User`] under
/// the key [`crate::urn::ENTERPRISE_USER`].
///
/// ```
/// use scim2_types::EnterpriseUser;
/// let e: EnterpriseUser = serde_json::from_str(
///     r#"{"employeeNumber":"701984","Department":"Tour Operations","manager":"26118915"}"#,
/// ).unwrap();
/// assert_eq!(e.department.as_deref(), Some("Tour Operations"));
/// assert_eq!(e.manager.unwrap().value.as_deref(), Some("26118915"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct EnterpriseUser {
    /// `employeeNumber`: an identifier assigned by the organization (order of hire...).
    pub employee_number: Option<String>,
    /// `costCenter`: the name of a cost center.
    pub cost_center: Option<String>,
    /// `organization`: the name of an organization.
    pub organization: Option<String>,
    /// `division`: the name of a division.
    pub division: Option<String>,
    /// `department`: the name of a department.
    pub department: Option<String>,
    /// `manager`: the user's manager.
    pub manager: Option<Manager>,
    /// Attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(EnterpriseUser, "an enterprise user extension object" {
    employee_number: "employeeNumber",
    cost_center: "costCenter",
    organization: "organization",
    division: "division",
    department: "department",
    manager: "manager",
});

impl EnterpriseUser {
    /// Whether no attribute is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The `manager` attribute of the Enterprise User extension (RFC 7643 §4.3).
///
/// Read from an object (`{"value": "…"}`, names case-insensitive) or from a bare string, the
/// manager's id: Entra ID has been seen sending `"manager": "myuser"` (the
/// repository's docs/entra.md#manager). Always written as an object.
///
/// ```
/// use scim2_types::Manager;
/// let m: Manager = serde_json::from_str(r#""26118915""#).unwrap();
/// assert_eq!(m, Manager::new("26118915"));
/// assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"value":"26118915"}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct Manager {
    /// `value`: the `id` of the manager's User resource.
    pub value: Option<String>,
    /// `$ref`: the URI of the manager's User resource.
    #[cfg_attr(feature = "schemars", schemars(rename = "$ref"))]
    pub reference: Option<String>,
    /// `displayName`: the manager's display name (read-only).
    pub display_name: Option<String>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

attributes!(Manager {
    value: "value",
    reference: "$ref",
    display_name: "displayName",
});

impl Manager {
    /// A manager reference by id.
    #[must_use]
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            value: Some(id.into()),
            ..Self::default()
        }
    }
}

impl FromMap for Manager {
    const EXPECTING: &'static str = "a manager object or the manager's id as a string";
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut this = Self::default();
        while let Some(key) = map.next_key_seed(crate::attr::KeySeed)? {
            if !this.read_known(&key, &mut map)? {
                let value: Value = map.next_value()?;
                this.extra.insert(key.into_owned(), value);
            }
        }
        Ok(this)
    }
}

impl<'de> serde::Deserialize<'de> for Manager {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ManagerVisitor;
        impl<'de> Visitor<'de> for ManagerVisitor {
            type Value = Manager;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(Manager::EXPECTING)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Manager, E> {
                Ok(Manager::new(v))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Manager, E> {
                Ok(Manager::new(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Manager, A::Error> {
                Manager::from_map(map)
            }
        }
        d.deserialize_any(ManagerVisitor)
    }
}

impl<'de> crate::attr::Attr<'de> for Manager {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Self as serde::Deserialize>::deserialize(d)
    }
}

impl serde::Serialize for Manager {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        self.write_known(&mut map)?;
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

//! The Group resource (RFC 7643 §4.2).

use serde::de::{self, Deserializer, MapAccess};
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::attr::{
    CommonMembers, FromMap, KeySeed, MapVisitor, attributes, complex_type, read_once, write_head,
    write_kept,
};
use crate::{Meta, Resource, urn};

/// An element of a group's `members` (RFC 7643 §4.2).
///
/// Entra ID sends `{"$ref": null, "value": "<id>"}` (docs/entra.md#group-members-add); a
/// `null` reads as absent.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct GroupMember {
    /// `value`: the member's `id`.
    pub value: Option<String>,
    /// `$ref`: the member's URI.
    #[cfg_attr(feature = "schemars", schemars(rename = "$ref"))]
    pub reference: Option<String>,
    /// `display`: the member's display name.
    pub display: Option<String>,
    /// `type`: `User` or `Group`.
    #[cfg_attr(feature = "schemars", schemars(rename = "type"))]
    pub kind: Option<String>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(GroupMember, "a group member object" {
    value: "value",
    reference: "$ref",
    display: "display",
    kind: "type",
});

impl GroupMember {
    /// A member by id.
    #[must_use]
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            value: Some(id.into()),
            ..Self::default()
        }
    }
}

/// A Group resource (RFC 7643 §4.2): `displayName`, `members`, the common attributes and
/// anything else kept as JSON.
///
/// Read and written by the same rules as [`crate::User`]. `members` distinguishes absent
/// (`None`, for example after `excludedAttributes=members`) from empty (`Some(vec![])`, as in
/// Entra's group creation). Unknown schema URIs in `schemas`, such as Entra's legacy
/// [`urn::ENTRA_LEGACY_GROUP`], are kept.
///
/// ```
/// use scim2_types::{Group, urn};
/// let g = Group::from_json_str(r#"{
///     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
///                 "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
///     "displayName": "Tour Guides", "members": []
/// }"#).unwrap();
/// assert_eq!(g.schemas[1], urn::ENTRA_LEGACY_GROUP);
/// assert_eq!(g.members, Some(vec![]));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct Group {
    /// `schemas`: the schema URIs, as read plus any that were missing.
    #[cfg_attr(feature = "schemars", schemars(default))]
    pub schemas: Vec<String>,
    /// `id`: the service provider's identifier.
    pub id: Option<String>,
    /// `externalId`: the provisioning client's identifier.
    pub external_id: Option<String>,
    /// `displayName`: the group's name (REQUIRED).
    pub display_name: String,
    /// `members`: the members of the group.
    pub members: Option<Vec<GroupMember>>,
    /// Extension objects (keys that are URNs), kept as read.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extensions: Map<String, Value>,
    /// Attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
    /// `meta`: the resource metadata.
    pub meta: Option<Meta>,
}

attributes!(Group {
    members: "members",
    meta: "meta",
});

impl Group {
    /// A group with this `displayName` and the core Group schema.
    #[must_use]
    pub fn new(display_name: impl Into<String>) -> Self {
        Self {
            schemas: vec![urn::GROUP.to_owned()],
            display_name: display_name.into(),
            ..Self::default()
        }
    }

    /// The `schemas` list that serialization writes.
    #[must_use]
    pub fn canonical_schemas(&self) -> Vec<String> {
        self.schemas_to_write().into_owned()
    }

    fn schemas_to_write(&self) -> std::borrow::Cow<'_, [String]> {
        crate::attr::schemas_with(
            &self.schemas,
            urn::GROUP,
            self.extensions.keys().map(String::as_str),
        )
    }
}

impl Group {
    /// The members read like every resource's, with `schemas` held aside until the end.
    fn common<'r>(&'r mut self, schemas: &'r mut Option<Vec<String>>) -> CommonMembers<'r> {
        CommonMembers {
            schemas,
            id: &mut self.id,
            external_id: &mut self.external_id,
            extensions: &mut self.extensions,
            extra: &mut self.extra,
        }
    }
}

impl FromMap for Group {
    const EXPECTING: &'static str = "a Group resource object";
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut this = Self::default();
        let mut schemas: Option<Vec<String>> = None;
        let mut display_name: Option<String> = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if key.eq_ignore_ascii_case("displayName") {
                read_once(&mut display_name, "displayName", &mut map)?;
            } else if this.common(&mut schemas).read(&key, &mut map)?
                || this.read_known(&key, &mut map)?
            {
            } else {
                this.common(&mut schemas).keep(key, &mut map)?;
            }
        }
        this.display_name = display_name.ok_or_else(|| de::Error::missing_field("displayName"))?;
        this.schemas = schemas.unwrap_or_default();
        if let std::borrow::Cow::Owned(full) = this.schemas_to_write() {
            this.schemas = full;
        }
        Ok(this)
    }
}

impl<'de> serde::Deserialize<'de> for Group {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MapVisitor::<Self>::new())
    }
}

impl<'de> crate::attr::Attr<'de> for Group {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Self as serde::Deserialize>::deserialize(d)
    }
}

impl serde::Serialize for Group {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        write_head(
            &mut map,
            &self.schemas_to_write(),
            self.id.as_ref(),
            self.external_id.as_ref(),
        )?;
        map.serialize_entry("displayName", &self.display_name)?;
        self.write_known(&mut map)?;
        write_kept(&mut map, &self.extensions, &self.extra)?;
        map.end()
    }
}

impl Resource for Group {
    const ENDPOINT: &'static str = "/Groups";
    const SCHEMA: &'static str = urn::GROUP;
    const RESOURCE_TYPE: &'static str = "Group";

    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    fn version(&self) -> Option<&str> {
        self.meta.as_ref()?.version.as_deref()
    }
}

crate::read::read_methods!(Group);

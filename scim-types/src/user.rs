//! The User resource (RFC 7643 §4.1) with the Enterprise User extension (§4.3).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess};
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::attr::{
    CommonMembers, FromMap, KeySeed, MapVisitor, Seed, attributes, complex_type, read_once,
    write_head, write_kept,
};
use crate::multi_valued::{
    Address, Email, Entitlement, Im, PhoneNumber, Photo, Role, UserGroup, X509Certificate,
};
use crate::{EnterpriseUser, Meta, Resource, urn};

/// The components of a user's real name, the `name` attribute (RFC 7643 §4.1.1).
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct Name {
    /// `formatted`: the full name, formatted for display (`Ms. Barbara J Jensen, III`).
    pub formatted: Option<String>,
    /// `familyName`: the family (last) name.
    pub family_name: Option<String>,
    /// `givenName`: the given (first) name.
    pub given_name: Option<String>,
    /// `middleName`: the middle name(s).
    pub middle_name: Option<String>,
    /// `honorificPrefix`: the honorific prefix(es) (`Ms.`).
    pub honorific_prefix: Option<String>,
    /// `honorificSuffix`: the honorific suffix(es) (`III`).
    pub honorific_suffix: Option<String>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(Name, "a name object" {
    formatted: "formatted",
    family_name: "familyName",
    given_name: "givenName",
    middle_name: "middleName",
    honorific_prefix: "honorificPrefix",
    honorific_suffix: "honorificSuffix",
});

/// A User resource (RFC 7643 §4.1): the common attributes (§3.1), every core User attribute,
/// the Enterprise User extension (§4.3) as a typed field, and everything else kept as JSON.
///
/// Reading is tolerant: attribute and sub-attribute names and extension URNs match ASCII
/// case-insensitively, booleans also read from `"True"`/`"False"`, `manager` also from a bare
/// string, a missing `schemas` is inferred, and unknown attributes and extensions are kept.
/// Writing is canonical: RFC spellings, booleans as JSON booleans, `manager` as an object, and
/// `schemas` listing the core schema, every extension present and any other URI read.
///
/// ```
/// use scim2_types::{User, urn};
/// let user = User::from_json_str(r#"{
///     "USERNAME": "bjensen@example.com",
///     "Name": {"GivenName": "Barbara"},
///     "active": "False",
///     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": "42"}
/// }"#).unwrap();
/// assert_eq!(user.user_name, "bjensen@example.com");
/// assert_eq!(user.name.as_ref().unwrap().given_name.as_deref(), Some("Barbara"));
/// assert_eq!(user.active, Some(false));
/// assert_eq!(user.schemas, [urn::USER, urn::ENTERPRISE_USER]);
///
/// let json = serde_json::to_value(&user).unwrap();
/// assert_eq!(json["name"]["givenName"], "Barbara");
/// assert_eq!(json["active"], false);
/// assert_eq!(json[urn::ENTERPRISE_USER]["manager"]["value"], "42");
/// ```
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct User {
    /// `schemas`: the schema URIs, as read plus any that were missing (the core schema, the
    /// extensions present). Writing adds any that are still missing.
    #[cfg_attr(feature = "schemars", schemars(default))]
    pub schemas: Vec<String>,
    /// `id`: the service provider's identifier (RFC 7643 §3.1).
    pub id: Option<String>,
    /// `externalId`: the provisioning client's identifier (RFC 7643 §3.1).
    pub external_id: Option<String>,
    /// `userName`: the unique identifier the user authenticates with (REQUIRED).
    pub user_name: String,
    /// `name`: the components of the user's real name.
    pub name: Option<Name>,
    /// `displayName`: the name to display.
    pub display_name: Option<String>,
    /// `nickName`: the casual name.
    pub nick_name: Option<String>,
    /// `profileUrl`: the URL of the user's online profile.
    pub profile_url: Option<String>,
    /// `title`: the user's title ("Vice President").
    pub title: Option<String>,
    /// `userType`: the relationship to the organization ("Employee").
    pub user_type: Option<String>,
    /// `preferredLanguage`: the preferred language (RFC 7231 `Accept-Language` syntax).
    pub preferred_language: Option<String>,
    /// `locale`: the default location for localization (`en-US`).
    pub locale: Option<String>,
    /// `timezone`: the time zone in IANA database format (`America/Los_Angeles`).
    pub timezone: Option<String>,
    /// `active`: the administrative status.
    pub active: Option<bool>,
    /// `password`: the cleartext password (write-only; never shown by `Debug`).
    pub password: Option<String>,
    /// `emails`: e-mail addresses.
    pub emails: Option<Vec<Email>>,
    /// `phoneNumbers`: phone numbers.
    pub phone_numbers: Option<Vec<PhoneNumber>>,
    /// `ims`: instant messaging addresses.
    pub ims: Option<Vec<Im>>,
    /// `photos`: URLs of photos.
    pub photos: Option<Vec<Photo>>,
    /// `addresses`: physical mailing addresses.
    pub addresses: Option<Vec<Address>>,
    /// `groups`: the groups the user belongs to (read-only).
    pub groups: Option<Vec<UserGroup>>,
    /// `entitlements`: the user's entitlements.
    pub entitlements: Option<Vec<Entitlement>>,
    /// `roles`: the user's roles.
    pub roles: Option<Vec<Role>>,
    /// `x509Certificates`: the user's certificates.
    pub x509_certificates: Option<Vec<X509Certificate>>,
    /// The Enterprise User extension (RFC 7643 §4.3), under [`urn::ENTERPRISE_USER`].
    #[cfg_attr(
        feature = "schemars",
        schemars(rename = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
    )]
    pub enterprise: Option<EnterpriseUser>,
    /// Other extension objects (keys that are URNs, such as Entra's custom
    /// `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User`), kept as read.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extensions: Map<String, Value>,
    /// Attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
    /// `meta`: the resource metadata (RFC 7643 §3.1).
    pub meta: Option<Meta>,
}

attributes!(User {
    name: "name",
    display_name: "displayName",
    nick_name: "nickName",
    profile_url: "profileUrl",
    title: "title",
    user_type: "userType",
    preferred_language: "preferredLanguage",
    locale: "locale",
    timezone: "timezone",
    active: "active",
    password: "password",
    emails: "emails",
    phone_numbers: "phoneNumbers",
    ims: "ims",
    photos: "photos",
    addresses: "addresses",
    groups: "groups",
    entitlements: "entitlements",
    roles: "roles",
    x509_certificates: "x509Certificates",
    meta: "meta",
});

impl User {
    /// A user with this `userName` and the core User schema.
    #[must_use]
    pub fn new(user_name: impl Into<String>) -> Self {
        Self {
            schemas: vec![urn::USER.to_owned()],
            user_name: user_name.into(),
            ..Self::default()
        }
    }

    /// The `schemas` list that serialization writes: [`User::schemas`] plus the core schema and
    /// the URN of every extension present, when missing.
    #[must_use]
    pub fn canonical_schemas(&self) -> Vec<String> {
        self.schemas_to_write().into_owned()
    }

    fn schemas_to_write(&self) -> std::borrow::Cow<'_, [String]> {
        let enterprise = self.enterprise.as_ref().map(|_| urn::ENTERPRISE_USER);
        crate::attr::schemas_with(
            &self.schemas,
            urn::USER,
            enterprise
                .into_iter()
                .chain(self.extensions.keys().map(String::as_str)),
        )
    }

    /// The e-mail marked primary, else the first `work` e-mail, else the first one.
    #[must_use]
    pub fn primary_email(&self) -> Option<&Email> {
        let emails = self.emails.as_deref()?;
        emails
            .iter()
            .find(|e| e.is_primary())
            .or_else(|| {
                emails.iter().find(|e| {
                    e.kind
                        .as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case("work"))
                })
            })
            .or_else(|| emails.first())
    }
}

impl User {
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

impl FromMap for User {
    const EXPECTING: &'static str = "a User resource object";
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let mut this = Self::default();
        let mut schemas: Option<Vec<String>> = None;
        let mut user_name: Option<String> = None;
        let mut seen_enterprise = false;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if key.eq_ignore_ascii_case("userName") {
                read_once(&mut user_name, "userName", &mut map)?;
            } else if this.common(&mut schemas).read(&key, &mut map)?
                || this.read_known(&key, &mut map)?
            {
            } else if urn::eq(&key, urn::ENTERPRISE_USER) {
                if seen_enterprise {
                    return Err(de::Error::duplicate_field(urn::ENTERPRISE_USER));
                }
                seen_enterprise = true;
                this.enterprise = map.next_value_seed(Seed::new())?;
            } else {
                this.common(&mut schemas).keep(key, &mut map)?;
            }
        }
        this.user_name = user_name.ok_or_else(|| de::Error::missing_field("userName"))?;
        this.schemas = schemas.unwrap_or_default();
        if let std::borrow::Cow::Owned(full) = this.schemas_to_write() {
            this.schemas = full;
        }
        Ok(this)
    }
}

impl<'de> serde::Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MapVisitor::<Self>::new())
    }
}

impl<'de> crate::attr::Attr<'de> for User {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Self as serde::Deserialize>::deserialize(d)
    }
}

impl serde::Serialize for User {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        write_head(
            &mut map,
            &self.schemas_to_write(),
            self.id.as_ref(),
            self.external_id.as_ref(),
        )?;
        map.serialize_entry("userName", &self.user_name)?;
        self.write_known(&mut map)?;
        if let Some(e) = &self.enterprise {
            map.serialize_entry(urn::ENTERPRISE_USER, e)?;
        }
        write_kept(&mut map, &self.extensions, &self.extra)?;
        map.end()
    }
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("schemas", &self.schemas)
            .field("id", &self.id)
            .field("external_id", &self.external_id)
            .field("user_name", &self.user_name)
            .field("name", &self.name)
            .field("display_name", &self.display_name)
            .field("nick_name", &self.nick_name)
            .field("profile_url", &self.profile_url)
            .field("title", &self.title)
            .field("user_type", &self.user_type)
            .field("preferred_language", &self.preferred_language)
            .field("locale", &self.locale)
            .field("timezone", &self.timezone)
            .field("active", &self.active)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("emails", &self.emails)
            .field("phone_numbers", &self.phone_numbers)
            .field("ims", &self.ims)
            .field("photos", &self.photos)
            .field("addresses", &self.addresses)
            .field("groups", &self.groups)
            .field("entitlements", &self.entitlements)
            .field("roles", &self.roles)
            .field("x509_certificates", &self.x509_certificates)
            .field("enterprise", &self.enterprise)
            .field("extensions", &self.extensions)
            .field("extra", &self.extra)
            .field("meta", &self.meta)
            .finish()
    }
}

impl Resource for User {
    const ENDPOINT: &'static str = "/Users";
    const SCHEMA: &'static str = urn::USER;
    const RESOURCE_TYPE: &'static str = "User";

    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    fn version(&self) -> Option<&str> {
        self.meta.as_ref()?.version.as_deref()
    }
}

crate::read::read_methods!(User);

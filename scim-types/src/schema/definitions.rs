//! The schema definitions of RFC 7643 §8.7.1 (User, Group, EnterpriseUser) and the common
//! attributes of §3.1, built once and shared.
//!
//! The characteristics follow the RFC's definitions attribute by attribute; where §8.7.1 and the
//! prose of §4 disagree, the prose wins and the line says so.

use std::sync::OnceLock;

use super::{AttributeType as T, Mutability, Returned, Schema, SchemaAttribute, Uniqueness};
use crate::urn;

fn a(name: &str, kind: T) -> SchemaAttribute {
    SchemaAttribute::new(name, kind)
}

fn s(name: &str) -> SchemaAttribute {
    a(name, T::String)
}

trait Builder {
    fn multi(self) -> Self;
    fn required(self) -> Self;
    fn case_exact(self) -> Self;
    fn mutability(self, m: Mutability) -> Self;
    fn returned(self, r: Returned) -> Self;
    fn unique(self, u: Uniqueness) -> Self;
    fn canonical(self, values: &[&str]) -> Self;
    fn refs(self, types: &[&str]) -> Self;
    fn subs(self, subs: Vec<SchemaAttribute>) -> Self;
    fn doc(self, text: &str) -> Self;
}

impl Builder for SchemaAttribute {
    fn multi(mut self) -> Self {
        self.multi_valued = true;
        self
    }
    fn required(mut self) -> Self {
        self.required = true;
        self
    }
    fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }
    fn mutability(mut self, m: Mutability) -> Self {
        self.mutability = m;
        self
    }
    fn returned(mut self, r: Returned) -> Self {
        self.returned = r;
        self
    }
    fn unique(mut self, u: Uniqueness) -> Self {
        self.uniqueness = u;
        self
    }
    fn canonical(mut self, values: &[&str]) -> Self {
        self.canonical_values = values.iter().map(|v| (*v).to_owned()).collect();
        self
    }
    fn refs(mut self, types: &[&str]) -> Self {
        self.reference_types = types.iter().map(|v| (*v).to_owned()).collect();
        self
    }
    fn subs(mut self, subs: Vec<SchemaAttribute>) -> Self {
        self.kind = T::Complex;
        self.sub_attributes = subs;
        self
    }
    fn doc(mut self, text: &str) -> Self {
        self.description = Some(text.to_owned());
        self
    }
}

/// The `value`/`display`/`type`/`primary` sub-attributes of a plural attribute (RFC 7643 §2.4).
fn plural(name: &str, value: SchemaAttribute, types: &[&str], doc: &str) -> SchemaAttribute {
    a(name, T::Complex).multi().doc(doc).subs(vec![
        value,
        s("display"),
        s("type").canonical(types),
        a("primary", T::Boolean),
    ])
}

fn schema(id: &str, name: &str, description: &str, attributes: Vec<SchemaAttribute>) -> Schema {
    Schema {
        id: id.to_owned(),
        name: Some(name.to_owned()),
        description: Some(description.to_owned()),
        attributes,
        other: serde_json::Map::new(),
    }
}

/// The common attributes of every resource (RFC 7643 §3.1): `id`, `externalId`, `meta`.
pub fn common_attributes() -> &'static [SchemaAttribute] {
    static ATTRS: OnceLock<Vec<SchemaAttribute>> = OnceLock::new();
    ATTRS.get_or_init(|| {
        use Mutability::ReadOnly;
        vec![
            s("id")
                .case_exact()
                .mutability(ReadOnly)
                .returned(Returned::Always)
                .unique(Uniqueness::Server)
                .doc("Unique identifier assigned by the service provider."),
            s("externalId")
                .case_exact()
                .doc("Identifier defined by the provisioning client."),
            a("meta", T::Complex)
                .mutability(ReadOnly)
                .doc("Resource metadata.")
                .subs(vec![
                    s("resourceType").case_exact().mutability(ReadOnly),
                    a("created", T::DateTime).mutability(ReadOnly),
                    a("lastModified", T::DateTime).mutability(ReadOnly),
                    a("location", T::Reference)
                        .case_exact()
                        .mutability(ReadOnly)
                        .refs(&["uri"]),
                    s("version").case_exact().mutability(ReadOnly),
                ]),
        ]
    })
}

/// The User schema, `urn:ietf:params:scim:schemas:core:2.0:User` (RFC 7643 §4.1, §8.7.1).
pub fn user() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        use Mutability::{ReadOnly, WriteOnly};
        schema(
            urn::USER,
            "User",
            "User Account",
            vec![
                s("userName")
                    .required()
                    .unique(Uniqueness::Server)
                    .doc("Unique identifier for the User, typically used to authenticate."),
                a("name", T::Complex).doc("The components of the user's real name.").subs(vec![
                    s("formatted"),
                    s("familyName"),
                    s("givenName"),
                    s("middleName"),
                    s("honorificPrefix"),
                    s("honorificSuffix"),
                ]),
                s("displayName"),
                s("nickName"),
                a("profileUrl", T::Reference).refs(&["external"]),
                s("title"),
                s("userType"),
                s("preferredLanguage"),
                s("locale"),
                s("timezone"),
                a("active", T::Boolean),
                s("password").mutability(WriteOnly).returned(Returned::Never),
                plural("emails", s("value"), &["work", "home", "other"], "Email addresses."),
                plural(
                    "phoneNumbers",
                    s("value"),
                    &["work", "home", "mobile", "fax", "pager", "other"],
                    "Phone numbers.",
                ),
                plural(
                    "ims",
                    s("value"),
                    &["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
                    "Instant messaging addresses.",
                ),
                plural(
                    "photos",
                    a("value", T::Reference).refs(&["external"]),
                    &["photo", "thumbnail"],
                    "URLs of photos.",
                ),
                a("addresses", T::Complex)
                    .multi()
                    .doc("Physical mailing addresses.")
                    .subs(vec![
                        s("formatted"),
                        s("streetAddress"),
                        s("locality"),
                        s("region"),
                        s("postalCode"),
                        s("country"),
                        s("type").canonical(&["work", "home", "other"]),
                        // §4.1.2 gives addresses a primary flag although §8.7.1 omits it.
                        a("primary", T::Boolean),
                    ]),
                a("groups", T::Complex)
                    .multi()
                    .mutability(ReadOnly)
                    .doc("Groups the user belongs to, direct or indirect.")
                    .subs(vec![
                        s("value").mutability(ReadOnly),
                        a("$ref", T::Reference)
                            .mutability(ReadOnly)
                            .refs(&["User", "Group"]),
                        s("display").mutability(ReadOnly),
                        s("type")
                            .mutability(ReadOnly)
                            .canonical(&["direct", "indirect"]),
                    ]),
                plural("entitlements", s("value"), &[], "Entitlements."),
                plural("roles", s("value"), &[], "Roles."),
                plural(
                    "x509Certificates",
                    a("value", T::Binary),
                    &[],
                    "DER-encoded X.509 certificates.",
                ),
            ],
        )
    })
}

/// The Group schema, `urn:ietf:params:scim:schemas:core:2.0:Group` (RFC 7643 §4.2, §8.7.1).
pub fn group() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        use Mutability::Immutable;
        schema(
            urn::GROUP,
            "Group",
            "Group",
            vec![
                // §4.2 calls displayName REQUIRED; §8.7.1's listing says required false.
                s("displayName")
                    .required()
                    .doc("A human-readable name for the Group."),
                a("members", T::Complex)
                    .multi()
                    .doc("A list of members of the Group.")
                    .subs(vec![
                        s("value").mutability(Immutable),
                        a("$ref", T::Reference)
                            .mutability(Immutable)
                            .refs(&["User", "Group"]),
                        s("display"),
                        s("type")
                            .mutability(Immutable)
                            .canonical(&["User", "Group"]),
                    ]),
            ],
        )
    })
}

/// The Enterprise User extension, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`
/// (RFC 7643 §4.3, §8.7.1).
pub fn enterprise_user() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        schema(
            urn::ENTERPRISE_USER,
            "EnterpriseUser",
            "Enterprise User",
            vec![
                s("employeeNumber"),
                s("costCenter"),
                s("organization"),
                s("division"),
                s("department"),
                a("manager", T::Complex).doc("The user's manager.").subs(vec![
                    s("value"),
                    a("$ref", T::Reference).refs(&["User"]),
                    s("displayName").mutability(Mutability::ReadOnly),
                ]),
            ],
        )
    })
}

//! The multi-valued attribute types of the User resource (RFC 7643 §2.4, §4.1.2).
//!
//! Each element has the `value`, `display`, `type` and `primary` sub-attributes of §2.4 (the
//! address and group elements have their own, §4.1.2); sub-attribute names are read
//! case-insensitively, `primary` also from `"True"`/`"False"`, and unknown sub-attributes are
//! kept in `extra`.

use serde_json::{Map, Value};

use crate::attr::complex_type;

macro_rules! plural {
    ($(#[$doc:meta])* $ty:ident, $expecting:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
        pub struct $ty {
            /// `value`: the attribute's significant value.
            pub value: Option<String>,
            /// `display`: a human-readable name, for display only.
            pub display: Option<String>,
            /// `type`: a label for the value's function (`work`, `home`...).
            #[cfg_attr(feature = "schemars", schemars(rename = "type"))]
            pub kind: Option<String>,
            /// `primary`: whether this is the preferred value (at most one `true`).
            pub primary: Option<bool>,
            /// Sub-attributes this crate does not know, kept as read and written back.
            #[cfg_attr(feature = "schemars", schemars(flatten))]
            pub extra: Map<String, Value>,
        }

        complex_type!($ty, $expecting {
            value: "value",
            display: "display",
            kind: "type",
            primary: "primary",
        });

        impl $ty {
            /// An element with this `value` and no other sub-attribute.
            #[must_use]
            pub fn new(value: impl Into<String>) -> Self {
                Self { value: Some(value.into()), ..Self::default() }
            }

            /// Sets `type`.
            #[must_use]
            pub fn with_type(mut self, kind: impl Into<String>) -> Self {
                self.kind = Some(kind.into());
                self
            }

            /// Sets `primary`.
            #[must_use]
            pub fn with_primary(mut self, primary: bool) -> Self {
                self.primary = Some(primary);
                self
            }

            /// Whether `primary` is `true`.
            #[must_use]
            pub fn is_primary(&self) -> bool {
                self.primary == Some(true)
            }
        }
    };
}

plural!(
    /// An element of `emails` (RFC 7643 §4.1.2); canonical types `work`, `home`, `other`.
    ///
    /// ```
    /// use scim2_types::Email;
    /// let e: Email = serde_json::from_str(r#"{"Value":"a@example.com","type":"work","primary":"True"}"#).unwrap();
    /// assert_eq!(e, Email::new("a@example.com").with_type("work").with_primary(true));
    /// ```
    Email,
    "an email object"
);
plural!(
    /// An element of `phoneNumbers` (RFC 7643 §4.1.2); canonical types `work`, `home`,
    /// `mobile`, `fax`, `pager`, `other`.
    PhoneNumber,
    "a phone number object"
);
plural!(
    /// An element of `ims` (RFC 7643 §4.1.2); canonical types `aim`, `gtalk`, `icq`, `xmpp`,
    /// `msn`, `skype`, `qq`, `yahoo`.
    Im,
    "an instant messaging address object"
);
plural!(
    /// An element of `photos` (RFC 7643 §4.1.2): a URL; canonical types `photo`, `thumbnail`.
    Photo,
    "a photo object"
);
plural!(
    /// An element of `entitlements` (RFC 7643 §4.1.2).
    Entitlement,
    "an entitlement object"
);
plural!(
    /// An element of `roles` (RFC 7643 §4.1.2).
    Role,
    "a role object"
);
plural!(
    /// An element of `x509Certificates` (RFC 7643 §4.1.2): `value` is a base64-encoded DER
    /// certificate, kept as the exact text read.
    X509Certificate,
    "an X.509 certificate object"
);

/// An element of `addresses` (RFC 7643 §4.1.2); canonical types `work`, `home`, `other`.
///
/// ```
/// use scim2_types::Address;
/// let a: Address = serde_json::from_str(r#"{"type":"work","locality":"Hollywood","Region":"CA"}"#).unwrap();
/// assert_eq!(a.region.as_deref(), Some("CA"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "camelCase"))]
pub struct Address {
    /// `formatted`: the full mailing address, for display or a mailing label.
    pub formatted: Option<String>,
    /// `streetAddress`: street, house number, P.O. box.
    pub street_address: Option<String>,
    /// `locality`: the city.
    pub locality: Option<String>,
    /// `region`: the state or region.
    pub region: Option<String>,
    /// `postalCode`: the zip or postal code.
    pub postal_code: Option<String>,
    /// `country`: the country (ISO 3166-1 alpha-2 code per the RFC).
    pub country: Option<String>,
    /// `type`: `work`, `home` or `other`.
    #[cfg_attr(feature = "schemars", schemars(rename = "type"))]
    pub kind: Option<String>,
    /// `primary`: whether this is the preferred address.
    pub primary: Option<bool>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(Address, "an address object" {
    formatted: "formatted",
    street_address: "streetAddress",
    locality: "locality",
    region: "region",
    postal_code: "postalCode",
    country: "country",
    kind: "type",
    primary: "primary",
});

/// An element of the read-only `groups` attribute of a User (RFC 7643 §4.1.2): a group the user
/// belongs to, directly or indirectly.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct UserGroup {
    /// `value`: the group's `id`.
    pub value: Option<String>,
    /// `$ref`: the group's URI.
    #[cfg_attr(feature = "schemars", schemars(rename = "$ref"))]
    pub reference: Option<String>,
    /// `display`: the group's display name.
    pub display: Option<String>,
    /// `type`: `direct` or `indirect`.
    #[cfg_attr(feature = "schemars", schemars(rename = "type"))]
    pub kind: Option<String>,
    /// Sub-attributes this crate does not know, kept as read and written back.
    #[cfg_attr(feature = "schemars", schemars(flatten))]
    pub extra: Map<String, Value>,
}

complex_type!(UserGroup, "a group membership object" {
    value: "value",
    reference: "$ref",
    display: "display",
    kind: "type",
});

//! The two resource types the endpoint serves (RFC 7643 §4.1 User, §4.2 Group).

use std::sync::OnceLock;

use scim2_types::schema::ResourceSchemas;
use scim2_types::urn;

/// User or Group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// `/Users`, with the Enterprise User extension.
    User,
    /// `/Groups`.
    Group,
}

impl Kind {
    /// The endpoint segment (`Users`).
    pub(crate) fn endpoint(self) -> &'static str {
        match self {
            Self::User => "Users",
            Self::Group => "Groups",
        }
    }

    /// `meta.resourceType` (`User`).
    pub(crate) fn resource_type(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
        }
    }

    /// The core schema URN.
    pub(crate) fn core_urn(self) -> &'static str {
        match self {
            Self::User => urn::USER,
            Self::Group => urn::GROUP,
        }
    }

    /// The attribute that must be unique (`userName`; Entra also requires unique group
    /// `displayName`, docs/entra.md#group-matching).
    pub(crate) fn unique_attribute(self) -> &'static str {
        match self {
            Self::User => "userName",
            Self::Group => "displayName",
        }
    }

    /// The schemas of the resource type (core, extensions, common attributes).
    pub(crate) fn schemas(self) -> &'static ResourceSchemas {
        static USER: OnceLock<ResourceSchemas> = OnceLock::new();
        static GROUP: OnceLock<ResourceSchemas> = OnceLock::new();
        match self {
            Self::User => USER.get_or_init(ResourceSchemas::user),
            Self::Group => GROUP.get_or_init(ResourceSchemas::group),
        }
    }

    /// `schemas` with every attribute `caseExact` (for the `case-sensitive-filter` fault).
    pub(crate) fn case_exact_schemas(schemas: &ResourceSchemas) -> ResourceSchemas {
        let mut s = schemas.clone();
        for schema in std::iter::once(&mut s.core).chain(s.extensions.iter_mut()) {
            for a in &mut schema.attributes {
                a.case_exact = true;
                for sub in &mut a.sub_attributes {
                    sub.case_exact = true;
                }
            }
        }
        s
    }
}

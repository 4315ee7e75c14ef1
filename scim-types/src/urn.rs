//! Schema URNs (RFC 7643 §3, §8.7; RFC 7644 §3).

/// Core User schema (RFC 7643 §4.1).
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// Core Group schema (RFC 7643 §4.2).
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// Enterprise User extension (RFC 7643 §4.3).
pub const ENTERPRISE_USER: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The Enterprise User `employeeNumber`, URN-qualified as Entra ID addresses it in PATCH
/// paths and mapping targets (RFC 7643 §4.3, RFC 7644 §3.10).
pub const ENTERPRISE_EMPLOYEE_NUMBER: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber";
/// The Enterprise User `department`, URN-qualified (RFC 7643 §4.3, RFC 7644 §3.10).
pub const ENTERPRISE_DEPARTMENT: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department";
/// The Enterprise User `manager`, URN-qualified (RFC 7643 §4.3, RFC 7644 §3.10).
pub const ENTERPRISE_MANAGER: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager";
/// Service provider configuration schema (RFC 7643 §5).
pub const SERVICE_PROVIDER_CONFIG: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
/// Resource type schema (RFC 7643 §6).
pub const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
/// Schema definition schema (RFC 7643 §7).
pub const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
/// List response message (RFC 7644 §3.4.2).
pub const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// Search request message (RFC 7644 §3.4.3).
pub const SEARCH_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
/// PATCH operation message (RFC 7644 §3.5.2).
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// Bulk request message (RFC 7644 §3.7).
pub const BULK_REQUEST: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
/// Bulk response message (RFC 7644 §3.7).
pub const BULK_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
/// Error message (RFC 7644 §3.12).
pub const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// The legacy group schema URI that Entra ID's provisioning service has sent on group creation
/// (docs/entra.md#flat-groups). Kept, never rejected.
pub const ENTRA_LEGACY_GROUP: &str =
    "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

/// Compares two schema URNs the way RFC 7643 §2.1 compares names: ASCII case-insensitively.
#[must_use]
pub fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Splits a fully qualified attribute path (`urn:…:User:name.givenName`) into the schema URN
/// and the rest, if `path` starts with one of `known` URNs (compared case-insensitively,
/// RFC 7644 §3.10). Returns `None` when no known URN prefixes the path.
///
/// ```
/// use scim2_types::urn;
/// let (schema, rest) = urn::split_qualified(
///     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
///     &[urn::USER, urn::ENTERPRISE_USER],
/// ).unwrap();
/// assert_eq!(schema, urn::ENTERPRISE_USER);
/// assert_eq!(rest, "manager.value");
/// ```
#[must_use]
pub fn split_qualified<'p, 'k>(path: &'p str, known: &[&'k str]) -> Option<(&'k str, &'p str)> {
    known
        .iter()
        .filter(|k| {
            path.len() > k.len()
                && path.is_char_boundary(k.len())
                && path[..k.len()].eq_ignore_ascii_case(k)
                && path.as_bytes()[k.len()] == b':'
        })
        // The longest URN wins, so `…:User` never shadows a longer extension URN.
        .max_by_key(|k| k.len())
        .map(|k| (*k, &path[k.len() + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_attributes_extend_the_enterprise_urn() {
        for (path, attr) in [
            (ENTERPRISE_EMPLOYEE_NUMBER, "employeeNumber"),
            (ENTERPRISE_DEPARTMENT, "department"),
            (ENTERPRISE_MANAGER, "manager"),
        ] {
            assert_eq!(
                split_qualified(path, &[ENTERPRISE_USER]),
                Some((ENTERPRISE_USER, attr))
            );
        }
    }
}

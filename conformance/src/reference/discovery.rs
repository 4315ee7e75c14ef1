//! The discovery endpoints (RFC 7644 §4; RFC 7643 §5, §6, §7).

use scim2_types::schema::{self, Schema};
use scim2_types::urn;
use serde_json::{Value, json};

use super::query::MAX_PAGE;
use super::semantics;

/// `GET /ServiceProviderConfig` (RFC 7643 §5).
pub(crate) fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": [urn::SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://github.com/scim-rs/scim-rs",
        "patch": {"supported": semantics::AVAILABLE},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": semantics::AVAILABLE, "maxResults": MAX_PAGE},
        "changePassword": {"supported": false},
        "sort": {"supported": semantics::AVAILABLE},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "Authentication with a bearer token in the Authorization header (RFC 6750)",
            "primary": true
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig")
        }
    })
}

/// The resource types (RFC 7643 §6): User (with the Enterprise extension) and Group.
pub(crate) fn resource_types(base: &str) -> Vec<Value> {
    vec![
        json!({
            "schemas": [urn::RESOURCE_TYPE],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "User Account",
            "schema": urn::USER,
            "schemaExtensions": [{"schema": urn::ENTERPRISE_USER, "required": false}],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")}
        }),
        json!({
            "schemas": [urn::RESOURCE_TYPE],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "Group",
            "schema": urn::GROUP,
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group")}
        }),
    ]
}

/// The schema definitions (RFC 7643 §7): User, Group, EnterpriseUser and the declared User
/// extensions.
pub(crate) fn schemas(base: &str, declared: &[Schema]) -> Vec<Value> {
    [schema::user(), schema::group(), schema::enterprise_user()]
        .into_iter()
        .chain(declared)
        .map(|s| schema_resource(s, base))
        .collect()
}

fn schema_resource(schema: &Schema, base: &str) -> Value {
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.retain(|k, _| k != "schemas" && k != "meta");
        let mut out = serde_json::Map::new();
        out.insert("schemas".to_owned(), json!([urn::SCHEMA]));
        out.extend(std::mem::take(map));
        out.insert(
            "meta".to_owned(),
            json!({"resourceType": "Schema", "location": format!("{base}/Schemas/{}", schema.id)}),
        );
        *map = out;
    }
    value
}

/// One discovery resource by id (ASCII case-insensitive), from `list`.
pub(crate) fn by_id(list: Vec<Value>, id: &str) -> Option<Value> {
    list.into_iter().find(|r| {
        r.get("id")
            .and_then(Value::as_str)
            .is_some_and(|i| i.eq_ignore_ascii_case(id))
    })
}

//! The discovery endpoints, generated from the [`ServerConfig`] (RFC 7644 §4; RFC 7643 §5
//! ServiceProviderConfig, §6 ResourceType, §7 Schema).

use scim2_types::schema::{ResourceSchemas, Schema};
use scim2_types::urn;
use serde_json::{Value, json};

use crate::config::ServerConfig;
use crate::store::ResourceKind;

/// `GET /ServiceProviderConfig` (RFC 7643 §5): PATCH, filter, sort and ETags supported; bulk
/// and password change not.
pub(crate) fn service_provider_config(config: &ServerConfig, base: &str) -> Value {
    json!({
        "schemas": [urn::SERVICE_PROVIDER_CONFIG],
        "documentationUri": "https://github.com/scim-rs/scim-rs",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": config.max_page_size()},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
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

fn resource_type(kind: ResourceKind, schemas: &ResourceSchemas, base: &str) -> Value {
    let name = kind.resource_type();
    let mut rt = json!({
        "schemas": [urn::RESOURCE_TYPE],
        "id": name,
        "name": name,
        "endpoint": kind.endpoint(),
        "description": match kind {
            ResourceKind::User => "User Account",
            ResourceKind::Group => "Group",
        },
        "schema": schemas.core.id,
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{name}")}
    });
    if !schemas.extensions.is_empty()
        && let Value::Object(map) = &mut rt
    {
        let extensions: Vec<Value> = schemas
            .extensions
            .iter()
            .map(|s| json!({"schema": s.id, "required": false}))
            .collect();
        map.insert("schemaExtensions".to_owned(), Value::Array(extensions));
    }
    rt
}

/// The resource types (RFC 7643 §6): User and Group with their extensions.
pub(crate) fn resource_types(config: &ServerConfig, base: &str) -> Vec<Value> {
    ResourceKind::ALL
        .iter()
        .map(|k| resource_type(*k, config.schemas(*k), base))
        .collect()
}

/// The schema definitions (RFC 7643 §7): User, Group, then the extensions of each.
pub(crate) fn schemas(config: &ServerConfig, base: &str) -> Vec<Value> {
    let (users, groups) = (config.user_schemas(), config.group_schemas());
    [&users.core, &groups.core]
        .into_iter()
        .chain(&users.extensions)
        .chain(&groups.extensions)
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

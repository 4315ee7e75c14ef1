//! JSON Schemas of every public serde type (feature `schemars`).
//!
//! `examples/json_schemas.rs` writes them into a folder (`cargo xtask schemas` keeps
//! `scim-types/schemas/` current); a test fails when the checked-in files are stale.
//!
//! ```
//! let all = scim2_types::json_schema::all();
//! let (name, schema) = all.iter().find(|(n, _)| *n == "User").unwrap();
//! assert_eq!(*name, "User");
//! assert!(schema.as_value()["properties"]["userName"].is_object());
//! ```

use schemars::{JsonSchema, Schema, schema_for};

use crate::message::{BulkMethod, BulkOperation, BulkOperationResponse};
use crate::schema::{
    AttributeType, AuthenticationScheme, BulkConfig, FilterConfig, Mutability, Returned,
    SchemaAttribute, SchemaExtension, Supported, Uniqueness,
};
use crate::*;

fn one<T: JsonSchema>(name: &'static str) -> (&'static str, Schema) {
    (name, schema_for!(T))
}

/// Every public serde type's name (the file stem) and JSON Schema, in a stable order.
#[must_use]
pub fn all() -> Vec<(&'static str, Schema)> {
    vec![
        one::<User>("User"),
        one::<Name>("Name"),
        one::<Email>("Email"),
        one::<PhoneNumber>("PhoneNumber"),
        one::<Im>("Im"),
        one::<Photo>("Photo"),
        one::<Address>("Address"),
        one::<UserGroup>("UserGroup"),
        one::<Entitlement>("Entitlement"),
        one::<Role>("Role"),
        one::<X509Certificate>("X509Certificate"),
        one::<EnterpriseUser>("EnterpriseUser"),
        one::<Manager>("Manager"),
        one::<Group>("Group"),
        one::<GroupMember>("GroupMember"),
        one::<Meta>("Meta"),
        one::<ServiceProviderConfig>("ServiceProviderConfig"),
        one::<Supported>("Supported"),
        one::<BulkConfig>("BulkConfig"),
        one::<FilterConfig>("FilterConfig"),
        one::<AuthenticationScheme>("AuthenticationScheme"),
        one::<ResourceType>("ResourceType"),
        one::<SchemaExtension>("SchemaExtension"),
        one::<schema::Schema>("Schema"),
        one::<SchemaAttribute>("SchemaAttribute"),
        one::<AttributeType>("AttributeType"),
        one::<Mutability>("Mutability"),
        one::<Returned>("Returned"),
        one::<Uniqueness>("Uniqueness"),
        one::<ListResponse<User>>("ListResponse_User"),
        one::<ListResponse<Group>>("ListResponse_Group"),
        one::<SearchRequest>("SearchRequest"),
        one::<SortOrder>("SortOrder"),
        one::<PatchOp>("PatchOp"),
        one::<PatchOperation>("PatchOperation"),
        one::<PatchOpKind>("PatchOpKind"),
        one::<ScimError>("ScimError"),
        one::<ScimType>("ScimType"),
        one::<BulkRequest>("BulkRequest"),
        one::<BulkOperation>("BulkOperation"),
        one::<BulkMethod>("BulkMethod"),
        one::<BulkResponse>("BulkResponse"),
        one::<BulkOperationResponse>("BulkOperationResponse"),
    ]
}

/// The file text written for a schema: pretty JSON and a final newline.
#[must_use]
pub fn to_file_text(schema: &Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

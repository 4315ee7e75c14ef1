//! Bulk requests and responses (RFC 7644 §3.7).

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::urn;

/// The HTTP method of one bulk operation (RFC 7644 §3.7: `POST`, `PUT`, `PATCH`, `DELETE`).
///
/// Read ASCII case-insensitively; written in upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schemars", schemars(rename_all = "UPPERCASE"))]
pub enum BulkMethod {
    /// `POST`: create.
    Post,
    /// `PUT`: replace.
    Put,
    /// `PATCH`: modify.
    Patch,
    /// `DELETE`: delete.
    Delete,
}

impl BulkMethod {
    /// The method name in upper case.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

impl fmt::Display for BulkMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for BulkMethod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for BulkMethod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        [Self::Post, Self::Put, Self::Patch, Self::Delete]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(&text))
            .ok_or_else(|| {
                de::Error::invalid_value(
                    de::Unexpected::Str(&text),
                    &"\"POST\", \"PUT\", \"PATCH\" or \"DELETE\"",
                )
            })
    }
}

/// A bulk request body (RFC 7644 §3.7.1), sent to `/Bulk`.
///
/// ```
/// use scim2_types::{BulkRequest, message::BulkMethod};
/// let req: BulkRequest = serde_json::from_str(r#"{
///   "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
///   "failOnErrors": 1,
///   "Operations": [{"method": "POST", "path": "/Users", "bulkId": "qwerty",
///                   "data": {"userName": "Alice"}}]
/// }"#).unwrap();
/// assert_eq!(req.operations[0].method, BulkMethod::Post);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct BulkRequest {
    /// The message schemas; [`urn::BULK_REQUEST`].
    #[serde(default = "bulk_request_schemas")]
    pub schemas: Vec<String>,
    /// `failOnErrors`: the number of errors after which the server stops processing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "FailOnErrors",
        alias = "failonerrors"
    )]
    pub fail_on_errors: Option<u64>,
    /// `Operations`: the operations, processed in order.
    #[serde(rename = "Operations", alias = "operations")]
    pub operations: Vec<BulkOperation>,
}

fn bulk_request_schemas() -> Vec<String> {
    vec![urn::BULK_REQUEST.to_owned()]
}

impl BulkRequest {
    /// A bulk request with these operations and the BulkRequest schema.
    #[must_use]
    pub fn new(operations: Vec<BulkOperation>) -> Self {
        Self {
            schemas: bulk_request_schemas(),
            fail_on_errors: None,
            operations,
        }
    }
}

/// One operation of a [`BulkRequest`] (RFC 7644 §3.7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct BulkOperation {
    /// `method`: the HTTP method.
    pub method: BulkMethod,
    /// `bulkId`: the client's transient identifier of a created resource (REQUIRED for POST),
    /// referenced by other operations as `bulkId:<id>`.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "bulkid")]
    pub bulk_id: Option<String>,
    /// `version`: the ETag the resource must have (RFC 7644 §3.14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `path`: the resource path relative to the base URL (`/Users`, `/Groups/<id>`).
    pub path: String,
    /// `data`: the request body (a resource for POST/PUT, a PatchOp for PATCH).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// A bulk response body (RFC 7644 §3.7.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct BulkResponse {
    /// The message schemas; [`urn::BULK_RESPONSE`].
    #[serde(default = "bulk_response_schemas")]
    pub schemas: Vec<String>,
    /// `Operations`: the result of each operation processed.
    #[serde(rename = "Operations", alias = "operations")]
    pub operations: Vec<BulkOperationResponse>,
}

fn bulk_response_schemas() -> Vec<String> {
    vec![urn::BULK_RESPONSE.to_owned()]
}

impl BulkResponse {
    /// A bulk response with these results and the BulkResponse schema.
    #[must_use]
    pub fn new(operations: Vec<BulkOperationResponse>) -> Self {
        Self {
            schemas: bulk_response_schemas(),
            operations,
        }
    }
}

/// The result of one bulk operation (RFC 7644 §3.7.3).
///
/// `status` is written as a string, as the RFC's examples do, and read from a string or a
/// number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct BulkOperationResponse {
    /// `location`: the URI of the resource the operation created or targeted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// `method`: the HTTP method of the operation.
    pub method: BulkMethod,
    /// `bulkId`: the client's identifier from the request.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "bulkid")]
    pub bulk_id: Option<String>,
    /// `version`: the resource's ETag after the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `status`: the HTTP status code of the operation.
    #[serde(
        serialize_with = "super::error::status_to_string",
        deserialize_with = "super::error::status_from_any"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    pub status: u16,
    /// `response`: the response body (a SCIM error for failed operations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
}

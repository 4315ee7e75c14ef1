//! Bulk requests and responses (RFC 7644 §3.7).
#![allow(clippy::unwrap_used)] // tests may unwrap (project guide)

use scim2_types::message::{BulkMethod, BulkOperation, BulkOperationResponse};
use scim2_types::{BulkRequest, BulkResponse, urn};
use serde_json::{Value, json};

#[test]
fn bulk_request_reads_and_writes_back() {
    let body = json!({
        "schemas": [urn::BULK_REQUEST],
        "failOnErrors": 1,
        "Operations": [
            {"method": "POST", "path": "/Users", "bulkId": "qwerty",
             "data": {"schemas": [urn::USER], "userName": "Alice"}},
            {"method": "PUT", "path": "/Users/b7c14771-226c-4d05-8860-134711653041",
             "version": "W/\"3694e05e9dff591\"",
             "data": {"schemas": [urn::USER], "id": "b7c14771-226c-4d05-8860-134711653041", "userName": "Bob"}},
            {"method": "PATCH", "path": "/Groups/e9e30dba", "data": {"schemas": [urn::PATCH_OP],
             "Operations": [{"op": "add", "path": "members", "value": [{"value": "bulkId:qwerty"}]}]}},
            {"method": "DELETE", "path": "/Users/e9025315-6bea-44e1-899c-1e07454e468b"}
        ]
    });
    let req: BulkRequest = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(req.fail_on_errors, Some(1));
    let methods: Vec<BulkMethod> = req.operations.iter().map(|o| o.method).collect();
    assert_eq!(
        methods,
        [
            BulkMethod::Post,
            BulkMethod::Put,
            BulkMethod::Patch,
            BulkMethod::Delete
        ]
    );
    assert_eq!(req.operations[0].bulk_id.as_deref(), Some("qwerty"));
    assert_eq!(serde_json::to_value(&req).unwrap(), body);

    // Methods read case-insensitively, written in upper case; a missing `schemas` is inferred.
    let req: BulkRequest =
        serde_json::from_value(json!({"Operations": [{"method": "post", "path": "/Users"}]}))
            .unwrap();
    assert_eq!(req.schemas, [urn::BULK_REQUEST]);
    assert_eq!(
        serde_json::to_value(&req).unwrap()["Operations"][0]["method"],
        "POST"
    );
    assert!(
        serde_json::from_value::<BulkRequest>(
            json!({"Operations": [{"method": "GET", "path": "/"}]})
        )
        .is_err()
    );
}

#[test]
fn bulk_response_status_is_written_as_a_string() {
    let body = json!({
        "schemas": [urn::BULK_RESPONSE],
        "Operations": [
            {"location": "https://example.com/v2/Users/92b725cd", "method": "POST", "bulkId": "qwerty",
             "version": "W/\"oY4m4wn58tkVjJxK\"", "status": "201"},
            {"method": "POST", "bulkId": "ytrewq", "status": "400",
             "response": {"schemas": [urn::ERROR], "scimType": "invalidSyntax",
                          "detail": "Request is unparsable.", "status": "400"}}
        ]
    });
    let resp: BulkResponse = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(resp.operations[0].status, 201);
    assert_eq!(resp.operations[1].status, 400);
    assert_eq!(serde_json::to_value(&resp).unwrap(), body);
    let numeric: BulkOperationResponse =
        serde_json::from_value(json!({"method": "DELETE", "status": 204})).unwrap();
    assert_eq!(
        serde_json::to_value(&numeric).unwrap()["status"],
        Value::from("204")
    );
    let built = BulkRequest::new(vec![BulkOperation {
        method: BulkMethod::Delete,
        bulk_id: None,
        version: None,
        path: "/Users/1".into(),
        data: None,
    }]);
    assert_eq!(
        serde_json::to_value(&built).unwrap()["schemas"],
        json!([urn::BULK_REQUEST])
    );
}

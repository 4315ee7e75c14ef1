//! Applying a PATCH request (RFC 7644 §3.5.2) to a JSON resource.
//!
//! [`apply`] runs the operations of a [`PatchOp`] in order on a working copy of the resource
//! and stores the result only when all of them succeed ("the entire request fails and no
//! updates are made", RFC 7644 §3.5.2). What it does:
//!
//! - `add` (§3.5.2.1), `remove` (§3.5.2.2) and `replace` (§3.5.2.3), with and without `path`;
//!   sub-attribute targets (`name.givenName`); extension targets
//!   (`urn:…:enterprise:2.0:User:employeeNumber`, or the extension URN itself).
//! - Value paths (`emails[type eq "work"].value`, `members[value eq "id"]`) change only the
//!   matching values; the filter is evaluated with
//!   [`eval::matches_element`](crate::eval::matches_element).
//! - `add` to a multi-valued attribute appends the values not already present (`members`
//!   compared by `value`); `primary: true` on one value clears it on the others
//!   (RFC 7643 §2.4); a multi-valued or complex attribute left empty becomes unassigned.
//! - Values are checked against the attribute's type (`invalidValue`) and mutability
//!   (`mutability`: `id`, `meta`, `groups` and every other readOnly attribute can never be
//!   changed; immutable ones only added). Removing a required attribute is `invalidValue`.
//! - Attribute names match case-insensitively (RFC 7643 §2.1); an existing key keeps its
//!   spelling, a new key gets the schema's spelling. An extension object is created with its
//!   URN added to `schemas`, and removed with it when it becomes empty.
//! - Everything RFC 7644 does not define but Entra ID sends is decided by the
//!   [`Policy`]: see [`crate::policy`] for the list and the `Strict` behaviour of each.
//!
//! ```
//! use scim2_filter::patch::{self, PatchError};
//! use scim2_filter::policy::Policy;
//! use scim2_types::{PatchOp, ScimType, schema::ResourceSchemas};
//! use serde_json::json;
//!
//! let mut user = json!({
//!     "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
//!     "id": "2819c223", "userName": "bjensen", "active": true,
//!     "emails": [{"type": "home", "value": "babs@jensen.org"}]
//! });
//! // Entra's legacy dialect (capitalised ops, a string boolean, a value path with no match).
//! let body: PatchOp = serde_json::from_value(json!({
//!     "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
//!     "Operations": [
//!         {"op": "Replace", "path": "active", "value": "False"},
//!         {"op": "Add", "path": "emails[type eq \"work\"].value", "value": "bjensen@example.com"}
//!     ]
//! })).unwrap();
//! let report = patch::apply(&mut user, &body, &ResourceSchemas::user(), &Policy::entra_compatible())?;
//! assert_eq!(user["active"], json!(false));
//! assert_eq!(user["emails"][1], json!({"type": "work", "value": "bjensen@example.com"}));
//! assert_eq!(report.changed_attributes().into_iter().collect::<Vec<_>>(), ["active", "emails.value"]);
//!
//! // The same request under RFC 7644 as written fails at operation 0, and changes nothing.
//! let before = user.clone();
//! let err = patch::apply(&mut user, &body, &ResourceSchemas::user(), &Policy::strict()).unwrap_err();
//! assert_eq!((err.index, err.scim_type), (0, ScimType::InvalidSyntax));
//! assert_eq!(user, before);
//! # Ok::<(), PatchError>(())
//! ```

mod coerce;
pub(crate) mod json;
mod ops;
mod report;
mod target;
mod undeclared;

use scim2_types::{PatchOp, ScimType, schema::ResourceSchemas};
use serde_json::Value;

pub use report::{ChangeReport, OperationChanges, PatchError};

use crate::policy::Policy;

/// The most operations one request may carry; more is `invalidSyntax` at the first operation
/// past the limit. (Entra sends one to a few dozen; the bound keeps the work per request
/// finite.)
pub const MAX_OPERATIONS: usize = 10_000;

/// Applies the operations of `op`, in order, to `resource` (RFC 7644 §3.5.2), using the
/// attribute definitions in `schemas` and the tolerated deviations in `policy`.
///
/// All or nothing: on `Err`, `resource` is exactly as it was. The error names the failing
/// operation's index and its RFC 7644 §3.12 `scimType`:
/// - `invalidSyntax`: an op name the policy does not accept, a resource that is not an
///   object, too many operations;
/// - `invalidPath`: a path that does not parse or names no attribute of the schemas;
/// - `noTarget`: a `remove` without path, a value filter that matches nothing where that is
///   an error (RFC 7644 §3.5.2.3);
/// - `invalidValue`: a missing value, or a value of the wrong type or shape;
/// - `mutability`: a change to a readOnly attribute (`id`, `meta`, …) or to an immutable one
///   that has a value.
///
/// # Errors
/// [`PatchError`] as above.
pub fn apply(
    resource: &mut Value,
    op: &PatchOp,
    schemas: &ResourceSchemas,
    policy: &Policy,
) -> Result<ChangeReport, PatchError> {
    let mut work = resource.clone();
    let report = apply_in_place(&mut work, op, schemas, policy)?;
    *resource = work;
    Ok(report)
}

/// [`apply`] without its working copy: the operations change `resource` directly, so on `Err`
/// it may hold the changes of the operations before the failing one. For a caller that
/// patches a copy it throws away on error (a server patching a copy of the stored resource),
/// which saves copying the resource a second time.
///
/// ```
/// use scim2_filter::patch;
/// use scim2_filter::policy::Policy;
/// use scim2_types::{PatchOp, PatchOperation, schema::ResourceSchemas};
/// use serde_json::json;
///
/// let stored = json!({"id": "g1", "displayName": "Admins", "members": [{"value": "u1"}]});
/// let op = PatchOp::new(vec![PatchOperation::add(Some("members"), json!([{"value": "u2"}]))]);
/// let mut next = stored.clone();
/// patch::apply_in_place(&mut next, &op, &ResourceSchemas::group(), &Policy::entra_compatible())?;
/// assert_eq!(next["members"], json!([{"value": "u1"}, {"value": "u2"}]));
/// # Ok::<(), patch::PatchError>(())
/// ```
///
/// # Errors
/// As [`apply`].
pub fn apply_in_place(
    resource: &mut Value,
    op: &PatchOp,
    schemas: &ResourceSchemas,
    policy: &Policy,
) -> Result<ChangeReport, PatchError> {
    if op.operations.len() > MAX_OPERATIONS {
        return Err(too_many(op));
    }
    let Some(root) = resource.as_object_mut() else {
        return Err(not_an_object());
    };
    apply_operations(root, op, schemas, policy)
}

fn too_many(op: &PatchOp) -> PatchError {
    PatchError::new(
        MAX_OPERATIONS,
        ScimType::InvalidSyntax,
        format!(
            "{} operations; at most {MAX_OPERATIONS} are accepted",
            op.operations.len()
        ),
    )
}

fn not_an_object() -> PatchError {
    PatchError::new(
        0,
        ScimType::InvalidSyntax,
        "the resource is not a JSON object",
    )
}

/// Runs the operations on `work`, stopping at the first that fails.
fn apply_operations(
    work: &mut serde_json::Map<String, Value>,
    op: &PatchOp,
    schemas: &ResourceSchemas,
    policy: &Policy,
) -> Result<ChangeReport, PatchError> {
    let declared;
    let schemas = match policy
        .undeclared_attributes
        .then(|| undeclared::declared_for(schemas, &op.operations))
        .flatten()
    {
        Some(s) => {
            declared = s;
            &declared
        }
        None => schemas,
    };
    let ctx = target::Ctx { schemas, policy };
    let mut report = ChangeReport::default();
    for (index, operation) in op.operations.iter().enumerate() {
        let changed = ops::apply_operation(work, operation, ctx).map_err(|e| e.at(index))?;
        report.operations.push(OperationChanges { index, changed });
    }
    Ok(report)
}

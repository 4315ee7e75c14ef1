//! [`Hooks`]: the few points where an application changes what the server does — how a PATCH
//! is applied, and the resource about to be stored. Every method has a default that is the
//! server's own behaviour; [`NoHooks`] keeps all of them.
//!
//! Hooks run inside the store's atomic write ([`Store::modify`](crate::store::Store::modify)),
//! so they must be quick, must not block, and may run more than once for one request when a
//! store retries.

use scim2_filter::policy::Policy;
use scim2_types::schema::ResourceSchemas;
use scim2_types::{PatchOp, ScimError};
use serde_json::Value;

use crate::error::bad_request;
use crate::store::ResourceKind;

/// One PATCH request being applied (RFC 7644 §3.5.2).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PatchContext<'a> {
    /// The kind patched.
    pub kind: ResourceKind,
    /// The id patched.
    pub id: &'a str,
    /// The request's operations.
    pub op: &'a PatchOp,
    /// The kind's schemas.
    pub schemas: &'a ResourceSchemas,
    /// The server's policy.
    pub policy: &'a Policy,
}

impl PatchContext<'_> {
    /// Applies `op` to `resource` the server's way: `scim2_filter::patch::apply` under the
    /// server's policy, all or nothing; errors name the failing operation.
    ///
    /// # Errors
    /// 400 with the operation's `scimType` (`invalidPath`, `noTarget`, `invalidValue`,
    /// `mutability`, `invalidSyntax`).
    pub fn apply(&self, resource: &mut Value, op: &PatchOp) -> Result<(), ScimError> {
        scim2_filter::patch::apply(resource, op, self.schemas, self.policy)
            .map(|_| ())
            .map_err(|e| {
                bad_request(
                    e.scim_type.clone(),
                    format!("operation {}: {}", e.index, e.detail),
                )
            })
    }
}

impl PatchContext<'_> {
    /// [`apply`](Self::apply) without its own working copy, for `resource` that is already a
    /// copy thrown away on error (what [`Hooks::apply_patch`] is given): on error it may hold
    /// part of the changes.
    fn apply_to_copy(&self, resource: &mut Value, op: &PatchOp) -> Result<(), ScimError> {
        scim2_filter::patch::apply_in_place(resource, op, self.schemas, self.policy)
            .map(|_| ())
            .map_err(|e| {
                bad_request(
                    e.scim_type.clone(),
                    format!("operation {}: {}", e.index, e.detail),
                )
            })
    }
}

/// Which write is about to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteKind {
    /// `POST` (RFC 7644 §3.3).
    Create,
    /// `PUT` (§3.5.1).
    Replace,
    /// `PATCH` (§3.5.2).
    Patch,
}

/// A write about to be stored.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Write<'a> {
    /// The kind written.
    pub kind: ResourceKind,
    /// Create, replace or patch.
    pub write: WriteKind,
    /// The stored resource the write replaces (`None` for a create).
    pub previous: Option<&'a Value>,
    /// The request body as the client sent it (a resource, or a `PatchOp`).
    pub body: &'a Value,
}

/// Points where an application changes the server's behaviour (see the [module docs](self)).
///
/// ```
/// use scim2_server::hooks::{Hooks, Write};
/// use scim2_types::ScimError;
/// use serde_json::Value;
///
/// /// Stamps every stored resource with the number of its writes.
/// struct Audit;
/// impl Hooks for Audit {
///     fn before_store(&self, write: &Write<'_>, resource: &mut Value) -> Result<(), ScimError> {
///         let n = write.previous.and_then(|p| p.get("writes")).and_then(Value::as_u64).unwrap_or(0);
///         resource["writes"] = (n + 1).into();
///         Ok(())
///     }
/// }
/// ```
pub trait Hooks: Send + Sync + 'static {
    /// Applies a PATCH request to a copy of the stored resource; the result is then read like
    /// a PUT body (normalized, checked) and stored. The default applies the request's
    /// operations as [`PatchContext::apply`] does (without its working copy: `resource` is a
    /// copy already).
    ///
    /// # Errors
    /// A SCIM error refuses the request; nothing is stored.
    fn apply_patch(&self, patch: &PatchContext<'_>, resource: &mut Value) -> Result<(), ScimError> {
        patch.apply_to_copy(resource, patch.op)
    }

    /// The resource about to be stored (with `id` and `meta`), after every check of the
    /// server; may change it. The default keeps it.
    ///
    /// # Errors
    /// A SCIM error refuses the request; nothing is stored.
    fn before_store(&self, write: &Write<'_>, resource: &mut Value) -> Result<(), ScimError> {
        let _ = (write, resource);
        Ok(())
    }
}

/// The server's own behaviour at every hook.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

impl Hooks for NoHooks {}

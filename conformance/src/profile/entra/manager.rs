//! The manager reference: set, change and remove in both dialects (docs/entra.md#patch-dialects).

use super::{patch_user, verify_user};
use crate::check::Requirement::Must;
use crate::dialect::Dialect::{self, Legacy};
use crate::evidence::{ms, obs, rfc};
use crate::model::UserModel;
use crate::profile::wire::{self, SetManager};
use crate::profile::{Check, check};
use crate::session::{CheckBody, Cx};

/// `entra.user.manager.legacy`.
pub(super) const MANAGER_LEGACY: Check = check!(manager, "entra.user.manager.legacy", "patch", Must,
    "Manager set with a bare id on the URN path, changed, removed; read back as an object",
    docs: Some("manager"), sends: true,
    sources: [
        ms("https://github.com/AzureAD/SCIMReferenceCode/pull/156"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
        obs("https://github.com/imulab/go-scim/issues/75"),
        obs("https://github.com/MicrosoftDocs/azure-docs/issues/73842"),
        obs("https://github.com/apache/directory-scimple/pull/1244"),
        obs("https://github.com/Budibase/budibase/issues/15369"),
        obs("https://github.com/MicrosoftDocs/azure-docs/issues/11784"),
        rfc(7644, "3.5.2.2", Must),
    ],
    faults: [RejectManagerString, RejectCapitalizedOps],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.user.manager.flagged`.
pub(super) const MANAGER_FLAGGED: Check = check!(manager, "entra.user.manager.flagged", "patch", Must,
    "Manager set and changed with a bare id on the URN path (lower-case ops); read back as an object",
    docs: Some("manager"), sends: true,
    sources: [
        ms("https://github.com/AzureAD/SCIMReferenceCode/pull/156"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/686"),
        obs("https://github.com/apache/directory-scimple/pull/1244"),
        obs("https://github.com/Budibase/budibase/issues/15369"),
    ],
    faults: [RejectManagerString],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn manager(cx: Cx, d: Dialect) -> CheckBody {
    let (m1, _) = cx.create_plain_user("boss").await?;
    let (m2, _) = cx.create_plain_user("boss").await?;
    let (id, body, _) = cx.create_user("emp", None).await?;
    let mut model = UserModel::from_sent(&body);
    patch_user(
        &cx,
        &id,
        &mut model,
        wire::set_manager(d, SetManager::Add, &m1),
    )
    .await?;
    verify_user(&cx, &id, &model, "setting the manager with a bare id").await?;
    patch_user(
        &cx,
        &id,
        &mut model,
        wire::set_manager(d, SetManager::Replace, &m2),
    )
    .await?;
    verify_user(&cx, &id, &model, "changing the manager").await?;
    if d == Legacy {
        patch_user(&cx, &id, &mut model, wire::remove_manager(d)).await?;
        verify_user(&cx, &id, &model, "removing the manager").await?;
    }
    Ok(())
}

/// `entra.user.manager.remove-filter`.
pub(super) const MANAGER_REMOVE_FILTER: Check = check!(manager_remove_filter, "entra.user.manager.remove-filter", "patch", Should,
    "Manager removal with the path manager[value eq …] (flagged dialect)",
    docs: Some("manager"), sends: true,
    sources: [
        obs("https://github.com/thomaspoignant/scim-patch/issues/453"),
    ],
    faults: [RejectManagerValueFilter, IgnoreValuePathPatch],
    writes: true, dialect: Flagged, needs: [Patch]);

/// The flagged dialect's manager removal with a value filter on the single-valued `manager`
/// (`remove` with path `manager[value eq "…"]`): reported once, and RFC 7644 §3.5.2 defines
/// value filters for multi-valued attributes only, so a server may refuse it.
async fn manager_remove_filter(cx: Cx, d: Dialect) -> CheckBody {
    let (m1, _) = cx.create_plain_user("boss").await?;
    let (id, body, _) = cx.create_user("emp", None).await?;
    let mut model = UserModel::from_sent(&body);
    patch_user(
        &cx,
        &id,
        &mut model,
        wire::set_manager(d, SetManager::Add, &m1),
    )
    .await
    .map_err(|e| crate::session::not_reached("setting the manager", e))?;
    let remove = wire::remove_manager_filtered(&m1);
    patch_user(&cx, &id, &mut model, remove).await?;
    verify_user(
        &cx,
        &id,
        &model,
        "removing the manager with manager[value eq …]",
    )
    .await
}

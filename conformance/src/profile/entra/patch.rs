//! User PATCH in both dialects: replace, value paths, nickName, disable, rename (docs/entra.md#patch-dialects).

use serde_json::{Value, json};

use super::{expect_found, patch_user, read_user, tp, verify_user};
use crate::check::Requirement::Must;
use crate::dialect::Dialect::{self};
use crate::evidence::{ms, obs, rfc};
use crate::model::UserModel;
use crate::profile::wire::{self};
use crate::profile::{Check, check};
use crate::session::{CheckBody, CheckError, Cx, lit};
use crate::{ensure, fail};
use scim2_filter::select::get_ci;
use scim2_types::ResourceKind::User;

/// `entra.user.patch.replace.legacy`.
pub(super) const PATCH_REPLACE_LEGACY: Check = check!(patch_replace, "entra.user.patch.replace.legacy", "patch", Must,
    "Legacy PATCH: one \"Replace\" op per attribute, value path and URN path",
    docs: Some("patch-dialects"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        obs("https://learn.microsoft.com/en-us/answers/questions/1684621"),
    ],
    faults: [RejectCapitalizedOps, IgnoreValuePathPatch, PatchNotApplied],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.user.patch.replace.flagged`.
pub(super) const PATCH_REPLACE_FLAGGED: Check = check!(patch_replace, "entra.user.patch.replace.flagged", "patch", Must,
    "Flagged PATCH: value path op plus one path-less replace with dotted and URN keys",
    docs: Some("patch-dialects"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        obs("https://github.com/pingidentity/scim2/issues/224"),
        obs("https://github.com/pond/scimitar/issues/123"),
        obs("https://github.com/thomaspoignant/scim-patch/issues/132"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/267"),
        rfc(7644, "3.5.2.1", Must),
    ],
    faults: [PathlessReplaceIgnored, PatchNotApplied],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn patch_replace(cx: Cx, d: Dialect) -> CheckBody {
    let (id, body, _) = cx.create_user("pr", None).await?;
    let mut model = UserModel::from_sent(&body);
    let fresh = cx.person("pr");
    let changes: Vec<(&str, Value)> = vec![
        ("displayName", json!(format!("{} Renamed", fresh.base))),
        (
            "emails[type eq \"work\"].value",
            json!(format!("changed.{}@example.com", fresh.base)),
        ),
        ("name.givenName", json!(fresh.given)),
        ("name.familyName", json!(format!("{}-Neu", fresh.family))),
        (
            scim2_types::urn::ENTERPRISE_EMPLOYEE_NUMBER,
            json!("E-0042"),
        ),
    ];
    let ops = wire::replace(d, &changes);
    model.apply(&ops).map_err(CheckError::Error)?;
    cx.patch(User, &id, ops).await?;
    verify_user(&cx, &id, &model, &format!("the {d} replace")).await
}

/// `entra.user.patch.value-path-new.legacy`.
pub(super) const PATCH_NEW_ELEMENT_LEGACY: Check = check!(patch_new_element, "entra.user.patch.value-path-new.legacy", "patch", Must,
    "Value-path adds create the missing typed element; sub-attribute ops land in one element",
    docs: Some("patch-value-paths"), sends: true,
    sources: [
        obs("https://learn.microsoft.com/en-us/answers/questions/1684621"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/680"),
        obs("https://github.com/sourcegraph/sourcegraph-public-snapshot/pull/49119"),
    ],
    faults: [IgnoreValuePathPatch, AddressOpsSplitElements, RejectCapitalizedOps],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.user.patch.value-path-new.flagged`.
pub(super) const PATCH_NEW_ELEMENT_FLAGGED: Check = check!(patch_new_element, "entra.user.patch.value-path-new.flagged", "patch", Must,
    "Value-path adds (lower-case ops) create one typed element",
    docs: Some("patch-value-paths"), sends: true,
    sources: [
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/680"),
        obs("https://github.com/sourcegraph/sourcegraph-public-snapshot/pull/49119"),
    ],
    faults: [IgnoreValuePathPatch, AddressOpsSplitElements],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn patch_new_element(cx: Cx, d: Dialect) -> CheckBody {
    let (id, _) = cx.create_plain_user("vp").await?;
    let Some(sent) = cx.read(User, &id, "").await? else {
        fail!("GET /Users/{id} answered 404 after the create")
    };
    let mut model = UserModel::from_sent(&sent);
    let changes = [
        ("addresses[type eq \"work\"].locality", json!("Genève")),
        ("addresses[type eq \"work\"].region", json!("GE")),
        ("addresses[type eq \"work\"].postalCode", json!("1204")),
        (
            "phoneNumbers[type eq \"mobile\"].value",
            json!("+41 79 555 01 23"),
        ),
    ];
    patch_user(&cx, &id, &mut model, wire::add(d, &changes)).await?;
    let actual = read_user(&cx, &id).await?;
    let mm = model.mismatches_touched(&actual);
    if !mm.is_empty() {
        // A capability gap answered as success is its own defect: RFC 7644 §3.5.2 says the
        // server SHALL return an error for an attribute it does not support, and Entra would
        // take the 200 as applied and never send the values again.
        let mut missing = Vec::new();
        for a in ["addresses", "phoneNumbers"] {
            if !cx.session().offers_user_attr(a).await {
                missing.push(a);
            }
        }
        if !missing.is_empty() {
            fail!(
                "the endpoint does not offer {} (its /Schemas leaves them out), yet it answered \
                 the value-path adds with success and dropped the values (RFC 7644 §3.5.2: an \
                 unsupported attribute SHALL be answered with an error): {}",
                missing.join(" and "),
                mm.join("; ")
            );
        }
    }
    ensure!(
        mm.is_empty(),
        "after the value-path adds: {}",
        mm.join("; ")
    );
    let works = get_ci(&actual, "addresses")
        .and_then(Value::as_array)
        .map_or(0, |a| {
            a.iter()
                .filter(|e| get_ci(e, "type").and_then(Value::as_str) == Some("work"))
                .count()
        });
    ensure!(
        works == 1,
        "the three sub-attribute ops on addresses[type eq \"work\"] produced {works} work addresses (expected one element)"
    );
    Ok(())
}

/// `entra.user.patch.typed-replace.legacy`.
pub(super) const PATCH_TYPED_REPLACE_LEGACY: Check = check!(patch_typed_replace, "entra.user.patch.typed-replace.legacy", "patch", Must,
    "Replacing the work phone keeps the mobile and fax numbers",
    docs: Some("patch-value-paths"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/668"),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [TypedReplaceDropsOthers, IgnoreValuePathPatch],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.user.patch.typed-replace.flagged`.
pub(super) const PATCH_TYPED_REPLACE_FLAGGED: Check = check!(patch_typed_replace, "entra.user.patch.typed-replace.flagged", "patch", Must,
    "Replacing the work phone (lower-case op) keeps the other types",
    docs: Some("patch-value-paths"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/668"),
        obs("https://github.com/sourcegraph/sourcegraph-public-snapshot/pull/49119"),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [TypedReplaceDropsOthers, IgnoreValuePathPatch],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn patch_typed_replace(cx: Cx, d: Dialect) -> CheckBody {
    let (id, body, _) = cx.create_user("tr", None).await?;
    let mut model = UserModel::from_sent(&body);
    let p = "phoneNumbers[type eq \"work\"].value";
    if model.expected(&tp(p)).is_none() {
        return Err(CheckError::Skip("the mapping sends no work phone".into()));
    }
    let before = get_ci(&body, "phoneNumbers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    patch_user(
        &cx,
        &id,
        &mut model,
        wire::replace(d, &[(p, json!("+1 206-555-0199"))]),
    )
    .await?;
    let actual = read_user(&cx, &id).await?;
    let mm = model.mismatches_touched(&actual);
    ensure!(mm.is_empty(), "after replacing {p}: {}", mm.join("; "));
    let after = get_ci(&actual, "phoneNumbers")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    ensure!(
        after == before,
        "after replacing {p}: {after} phone numbers, expected {before}"
    );
    Ok(())
}

/// `entra.user.patch.nickname.legacy`.
pub(super) const NICKNAME_LEGACY: Check = check!(nickname, "entra.user.patch.nickname.legacy", "patch", Should,
    "\"Add\" nickName",
    docs: Some("patch-dialects"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
    ],
    faults: [RejectCapitalizedOps, PatchNotApplied],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.user.patch.nickname.flagged`.
pub(super) const NICKNAME_FLAGGED: Check = check!(nickname, "entra.user.patch.nickname.flagged", "patch", Should,
    "\"add\" nickName",
    docs: Some("patch-dialects"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
    ],
    faults: [PatchNotApplied],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn nickname(cx: Cx, d: Dialect) -> CheckBody {
    let (id, body, _) = cx.create_user("nick", None).await?;
    let mut model = UserModel::from_sent(&body);
    patch_user(
        &cx,
        &id,
        &mut model,
        wire::add(d, &[("nickName", json!("Babs"))]),
    )
    .await?;
    verify_user(&cx, &id, &model, "the nickName add").await
}

/// `entra.user.disable.legacy`.
pub(super) const DISABLE_LEGACY: Check = check!(disable, "entra.user.disable.legacy", "patch", Must,
    "Disable with \"False\", still found by filter, re-enable with \"True\"",
    docs: Some("disable"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
        obs("https://github.com/getsentry/sentry/pull/45091"),
        obs("https://github.com/thomaspoignant/scim-patch/issues/872"),
    ],
    faults: [RejectStringBooleans, InactiveUsersHidden, ActiveAsString, RejectCapitalizedOps],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.user.disable.flagged`.
pub(super) const DISABLE_FLAGGED: Check = check!(disable, "entra.user.disable.flagged", "patch", Must,
    "Disable with false, still found by filter, re-enable with true",
    docs: Some("disable"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
    ],
    faults: [InactiveUsersHidden, PatchNotApplied],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn disable(cx: Cx, d: Dialect) -> CheckBody {
    let (id, body, p) = cx.create_user("off", None).await?;
    let mut model = UserModel::from_sent(&body);
    let (off, on) = (wire::set_active(d, false), wire::set_active(d, true));
    let (off_text, on_text) = (off[0]["value"].to_string(), on[0]["value"].to_string());
    patch_user(&cx, &id, &mut model, off).await?;
    verify_user(&cx, &id, &model, &format!("disabling with {off_text}")).await?;
    let found = expect_found(
        &cx,
        User,
        &format!("userName eq {}", lit(&p.user_name())),
        "",
        &[&id],
    )
    .await
    .map_err(|e| match e {
        CheckError::Fail(m) => CheckError::Fail(format!(
            "a disabled user must still be found (MS-SCIM): {m}"
        )),
        o => o,
    })?;
    let active = found.first().and_then(|u| get_ci(u, "active")).cloned();
    ensure!(
        active == Some(json!(false)),
        "the disabled user is listed with active = {active:?}; expected the boolean false"
    );
    patch_user(&cx, &id, &mut model, on).await?;
    verify_user(&cx, &id, &model, &format!("re-enabling with {on_text}")).await
}

/// `entra.user.rename.legacy`.
pub(super) const RENAME_LEGACY: Check = check!(rename, "entra.user.rename.legacy", "patch", Must,
    "Rename userName (\"Replace\") and find the user under the new name only",
    docs: Some("user-rename"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [RenameNotApplied, RejectCapitalizedOps],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.user.rename.flagged`.
pub(super) const RENAME_FLAGGED: Check = check!(rename, "entra.user.rename.flagged", "patch", Must,
    "Rename userName (\"replace\") and find the user under the new name only",
    docs: Some("user-rename"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [RenameNotApplied],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn rename(cx: Cx, d: Dialect) -> CheckBody {
    let (id, body, p) = cx.create_user("ren", None).await?;
    let mut model = UserModel::from_sent(&body);
    let new_name = format!("{}-renamed@example.com", cx.unique("ren"));
    patch_user(&cx, &id, &mut model, wire::rename(d, "userName", &new_name)).await?;
    verify_user(&cx, &id, &model, "the rename").await?;
    expect_found(
        &cx,
        User,
        &format!("userName eq {}", lit(&new_name)),
        "",
        &[&id],
    )
    .await?;
    expect_found(
        &cx,
        User,
        &format!("userName eq {}", lit(&p.user_name())),
        "",
        &[],
    )
    .await?;
    Ok(())
}

//! Groups: create, find, members added and removed in both dialects, rename, deleted members (docs/entra.md#group-matching to #group-delete).

use serde_json::{Value, json};

use super::{expect_found, patch_group, verify_members};
use crate::check::Requirement::{May, Must, Should};
use crate::dialect::Dialect::{self, Legacy};
use crate::evidence::{ms, obs, rfc};
use crate::model::GroupModel;
use crate::profile::wire::{self};
use crate::profile::{Check, check};
use crate::session::{CheckBody, Cx, id_of, lit};
use crate::transport::WireRequest;
use crate::{ensure, fail};
use scim2_filter::select::get_ci;
use scim2_types::ResourceKind::{Group, User};

/// `entra.group.create`.
pub(super) const GROUP_CREATE: Check = check!(group_create, "entra.group.create", "groups", Must,
    "Create a group with members: [] (201 with an id)",
    docs: Some("group-create"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        rfc(7644, "3.3", Must),
    ],
    faults: [WrongContentType],
    writes: true, dialect: None, needs: []);

async fn group_create(cx: Cx) -> CheckBody {
    let name = cx.unique("g");
    let body = json!({
        "schemas": [scim2_types::urn::GROUP],
        "externalId": cx.guid(),
        "displayName": name,
        "members": [],
        "meta": {"resourceType": "Group"},
    });
    let r = cx
        .send(WireRequest::new("POST", "/Groups").scim_json(&body))
        .await?;
    let created = r.json.clone().unwrap_or(Value::Null);
    if let Some(id) = id_of(&created) {
        cx.session().journal.created(Group, &id, &name);
    }
    ensure!(
        r.status() == 201,
        "POST {} answered {} (expected 201 Created){}",
        r.url,
        r.status(),
        crate::session::error_detail(r.json.as_ref())
    );
    ensure!(
        r.is_json_type(),
        "POST {} answered Content-Type {:?}",
        r.url,
        r.wire.header("content-type").unwrap_or("none")
    );
    let Some(id) = id_of(&created) else {
        fail!("POST {} answered 201 without an id", r.url)
    };
    let Some(g) = cx.read(Group, &id, "excludedAttributes=members").await? else {
        fail!("GET /Groups/{id} answered 404 right after the create")
    };
    let dn = get_ci(&g, "displayName").and_then(Value::as_str);
    ensure!(
        dn == Some(name.as_str()),
        "GET /Groups/{id}: displayName {dn:?}, sent {name:?}"
    );
    Ok(())
}

/// `entra.group.duplicate`.
pub(super) const GROUP_DUPLICATE: Check = check!(group_duplicate, "entra.group.duplicate", "groups", Must,
    "A second group with the same displayName gives 409",
    docs: Some("group-matching"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        rfc(7644, "3.3", Must),
    ],
    faults: [DuplicateGroupAccepted],
    writes: true, dialect: None, needs: []);

async fn group_duplicate(cx: Cx) -> CheckBody {
    let (_, name) = cx.create_group("gdup").await?;
    let body = json!({"schemas": [scim2_types::urn::GROUP], "displayName": name, "members": [], "meta": {"resourceType": "Group"}});
    let r = cx
        .send(WireRequest::new("POST", "/Groups").scim_json(&body))
        .await?;
    if let (true, Some(id)) = (
        (200..300).contains(&r.status()),
        r.json.as_ref().and_then(id_of),
    ) {
        cx.session().journal.created(Group, &id, &name);
    }
    ensure!(
        r.status() == 409,
        "a second POST /Groups with displayName {name:?} answered {} (expected 409 Conflict)",
        r.status()
    );
    Ok(())
}

/// `entra.group.find`.
pub(super) const GROUP_FIND: Check = check!(group_find, "entra.group.find", "groups", Must,
    "Find the group by displayName eq with excludedAttributes=members: no members key",
    docs: Some("group-matching"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        rfc(7644, "3.4.2.5", Must),
    ],
    faults: [MembersNotExcluded],
    writes: true, dialect: None, needs: [Filter, Patch]);

async fn group_find(cx: Cx) -> CheckBody {
    let (gid, name) = cx.create_group("gf").await?;
    let (uid, _) = cx.create_plain_user("gfm").await?;
    cx.patch(Group, &gid, wire::add_members(Legacy, &[&uid]))
        .await?;
    let found = expect_found(
        &cx,
        Group,
        &format!("displayName eq {}", lit(&name)),
        "excludedAttributes=members",
        &[&gid],
    )
    .await?;
    let has = found
        .first()
        .is_some_and(|g| get_ci(g, "members").is_some());
    ensure!(
        !has,
        "GET /Groups?excludedAttributes=members&filter=… returned the group with a members attribute (Entra fails with MultipleEntriesInResponse)"
    );
    Ok(())
}

/// `entra.group.get`.
pub(super) const GROUP_GET: Check = check!(group_get, "entra.group.get", "groups", Must,
    "GET /Groups/{id}?excludedAttributes=members has no members key",
    docs: Some("group-matching"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        rfc(7644, "3.4.2.5", Must),
    ],
    faults: [MembersNotExcluded],
    writes: true, dialect: None, needs: [Patch]);

async fn group_get(cx: Cx) -> CheckBody {
    let (gid, _) = cx.create_group("gg").await?;
    let (uid, _) = cx.create_plain_user("ggm").await?;
    cx.patch(Group, &gid, wire::add_members(Legacy, &[&uid]))
        .await?;
    let Some(g) = cx.read(Group, &gid, "excludedAttributes=members").await? else {
        fail!("GET /Groups/{gid} answered 404")
    };
    ensure!(
        get_ci(&g, "members").is_none(),
        "GET /Groups/{gid}?excludedAttributes=members returned a members attribute"
    );
    Ok(())
}

/// `entra.group.members.add.legacy`.
pub(super) const MEMBERS_ADD_LEGACY: Check = check!(members_add, "entra.group.members.add.legacy", "groups", Must,
    "\"Add\" members with {\"$ref\": null, \"value\": id}: one, several per op, several ops",
    docs: Some("group-members-add"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/app-gallery-user-provisioning-requirements"),
        obs("https://github.com/ssoready/ssoready/pull/182"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/167"),
    ],
    faults: [RejectCapitalizedOps, PatchNotApplied],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.group.members.add.flagged`.
pub(super) const MEMBERS_ADD_FLAGGED: Check = check!(members_add, "entra.group.members.add.flagged", "groups", Must,
    "\"add\" members: one, several per op, several ops",
    docs: Some("group-members-add"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        ms("https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/app-gallery-user-provisioning-requirements"),
        rfc(7644, "3.5.2.1", Must),
    ],
    faults: [PatchNotApplied],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn members_add(cx: Cx, d: Dialect) -> CheckBody {
    let (gid, _) = cx.create_group("ga").await?;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(cx.create_plain_user("gam").await?.0);
    }
    let mut model = GroupModel::default();
    patch_group(&cx, &gid, &mut model, wire::add_members(d, &[&ids[0]])).await?;
    verify_members(&cx, &gid, &model, "adding one member").await?;
    patch_group(
        &cx,
        &gid,
        &mut model,
        wire::add_members(d, &[&ids[1], &ids[2]]),
    )
    .await?;
    verify_members(&cx, &gid, &model, "adding two members in one operation").await?;
    patch_group(
        &cx,
        &gid,
        &mut model,
        json!([
            wire::add_members(d, &[&ids[3]])[0],
            wire::add_members(d, &[&ids[4]])[0],
        ]),
    )
    .await?;
    verify_members(&cx, &gid, &model, "two add operations in one request").await
}

/// `entra.group.members.add-repeat`.
pub(super) const MEMBERS_REPEAT: Check = check!(members_repeat, "entra.group.members.add-repeat", "groups", Should,
    "Adding a member twice keeps one membership",
    docs: Some("group-members-add"), sends: true,
    sources: [
        rfc(7644, "3.5.2.1", Should),
    ],
    faults: [DuplicateMembers],
    writes: true, dialect: None, needs: [Patch]);

async fn members_repeat(cx: Cx) -> CheckBody {
    let (gid, _) = cx.create_group("gr").await?;
    let (u1, _) = cx.create_plain_user("grm").await?;
    let (u2, _) = cx.create_plain_user("grm").await?;
    let mut model = GroupModel::default();
    patch_group(&cx, &gid, &mut model, wire::add_members(Legacy, &[&u1])).await?;
    patch_group(
        &cx,
        &gid,
        &mut model,
        wire::add_members(Legacy, &[&u1, &u2]),
    )
    .await?;
    verify_members(&cx, &gid, &model, "adding a member a second time").await
}

/// `entra.group.members.remove.legacy`.
pub(super) const MEMBERS_REMOVE_LEGACY: Check = check!(members_remove, "entra.group.members.remove.legacy", "groups", Must,
    "\"Remove\" on members with a value array removes only the listed member",
    docs: Some("group-members-remove"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        obs("https://github.com/MicrosoftDocs/azure-docs/issues/30826"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/167"),
        obs("https://github.com/thomaspoignant/scim-patch/issues/959"),
        obs("https://github.com/ssoready/ssoready/pull/182"),
        obs("https://github.com/apache/directory-scimple/pull/447"),
    ],
    faults: [LegacyMemberRemoveWipesGroup, MembersNotRemoved, RejectCapitalizedOps],
    writes: true, dialect: Legacy, needs: [Patch]);

/// `entra.group.members.remove.flagged`.
pub(super) const MEMBERS_REMOVE_FLAGGED: Check = check!(members_remove, "entra.group.members.remove.flagged", "groups", Must,
    "remove with members[value eq \"…\"] removes only that member",
    docs: Some("group-members-remove"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/Microsoft.SystemForCrossDomainIdentityManagement/Protocol/PatchOperation2Combined.cs"),
        rfc(7644, "3.5.2.2", Must),
    ],
    faults: [MembersNotRemoved],
    writes: true, dialect: Flagged, needs: [Patch]);

async fn members_remove(cx: Cx, d: Dialect) -> CheckBody {
    let (gid, _) = cx.create_group("gx").await?;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(cx.create_plain_user("gxm").await?.0);
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut model = GroupModel::default();
    patch_group(&cx, &gid, &mut model, wire::add_members(d, &refs)).await?;
    verify_members(&cx, &gid, &model, "adding three members").await?;
    let ops = wire::remove_members(d, &[&ids[1]]);
    patch_group(&cx, &gid, &mut model, ops).await?;
    verify_members(&cx, &gid, &model, &format!("the {d} removal of one member")).await
}

/// `entra.group.rename.legacy`.
pub(super) const GROUP_RENAME_LEGACY: Check = check!(group_rename, "entra.group.rename.legacy", "groups", Must,
    "Rename a group (\"Replace\" displayName) and find it under the new name",
    docs: Some("group-rename"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [RenameNotApplied, RejectCapitalizedOps, EqMatchesPrefix],
    writes: true, dialect: Legacy, needs: [Patch, Filter]);

/// `entra.group.rename.flagged`.
pub(super) const GROUP_RENAME_FLAGGED: Check = check!(group_rename, "entra.group.rename.flagged", "groups", Must,
    "Rename a group (\"replace\" displayName) and find it under the new name",
    docs: Some("group-rename"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [RenameNotApplied, EqMatchesPrefix],
    writes: true, dialect: Flagged, needs: [Patch, Filter]);

async fn group_rename(cx: Cx, d: Dialect) -> CheckBody {
    let (gid, old) = cx.create_group("gn").await?;
    // The old name is a prefix of the new one: `displayName eq "<old>"` must find nothing
    // afterwards (an `eq` read as "starts with" still finds the renamed group).
    let new = format!("{old}-renamed");
    cx.patch(Group, &gid, wire::rename(d, "displayName", &new))
        .await?;
    let Some(g) = cx.read(Group, &gid, "excludedAttributes=members").await? else {
        fail!("GET /Groups/{gid} answered 404 after the rename")
    };
    let dn = get_ci(&g, "displayName").and_then(Value::as_str);
    ensure!(
        dn == Some(new.as_str()),
        "after the rename, GET /Groups/{gid} has displayName {dn:?}; expected {new:?}"
    );
    expect_found(
        &cx,
        Group,
        &format!("displayName eq {}", lit(&new)),
        "excludedAttributes=members",
        &[&gid],
    )
    .await?;
    expect_found(
        &cx,
        Group,
        &format!("displayName eq {}", lit(&old)),
        "excludedAttributes=members",
        &[],
    )
    .await?;
    Ok(())
}

/// `entra.group.deleted-user`.
pub(super) const DELETED_USER_LEAVES: Check = check!(deleted_user_leaves, "entra.group.deleted-user", "groups", Should,
    "A deleted user does not stay a member of its groups",
    docs: Some("user-delete"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        rfc(7643, "2.3.7", May),
    ],
    faults: [DeletedUserStaysMember],
    writes: true, dialect: None, needs: [Patch]);

async fn deleted_user_leaves(cx: Cx) -> CheckBody {
    let (gid, _) = cx.create_group("gd").await?;
    let (u1, _) = cx.create_plain_user("gdm").await?;
    let (u2, _) = cx.create_plain_user("gdm").await?;
    let mut model = GroupModel::default();
    patch_group(
        &cx,
        &gid,
        &mut model,
        wire::add_members(Legacy, &[&u1, &u2]),
    )
    .await?;
    let r = cx.delete(User, &u1).await?;
    ensure!(
        matches!(r.status(), 200 | 204),
        "DELETE /Users/{u1} answered {}",
        r.status()
    );
    model.remove([u1.as_str()]);
    verify_members(&cx, &gid, &model, "deleting a member user").await
}

//! The `entra` profile: Entra ID's provisioning requests in their own wire form
//! (docs/entra.md#headers–§6, the cases of §9), each confirmed by a follow-up read.
//!
//! Every check creates its own users and groups (run-unique names), so checks share no state
//! and run concurrently.

use serde_json::{Value, json};

use super::wire::{self, member_values, op};
use super::{Check, check};
use crate::check::Dialect::{self, Flagged, Legacy};
use crate::check::Requirement::{May, Must, Should};
use crate::evidence::{ms, obs, rfc};
use crate::journal::ResourceKind::{Groups, Users};
use crate::model::{GroupModel, UserModel};
use crate::path::{TargetPath, get_ci};
use crate::session::{
    CheckBody, CheckError, Cx, enc, enc_path, id_of, is_scim_error, listed, lit, member_ids,
};
use crate::transport::WireRequest;
use crate::{ensure, fail};

/// The `entra` checks.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn checks() -> Vec<Check> {
    vec![
        check!(conn_users, "entra.connection.users", "connection", Must,
            "Test Connection: filter on a random userName gives 200 and an empty ListResponse",
            docs: Some("test-connection"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/app-gallery-user-provisioning-requirements"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status"),
                obs("https://github.com/MicrosoftDocs/azure-docs/issues/94189"),
                rfc(7644, "3.4.2", Must),
            ],
            faults: ["not-found-on-empty-query", "require-accept-header", "require-user-agent", "wrong-content-type"],
            writes: false, dialect: None, needs: [Filter]),
        check!(conn_external_id, "entra.connection.externalid", "connection", Must,
            "Test Connection on externalId gives 200 and an empty ListResponse",
            docs: Some("test-connection"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes"),
                obs("https://github.com/OctopusDeploy/Issues/issues/9841"),
                obs("https://github.com/langwatch/langwatch/issues/6973"),
                rfc(7644, "3.4.2", Must),
            ],
            faults: ["not-found-on-empty-query"],
            writes: false, dialect: None, needs: [Filter]),
        check!(conn_groups, "entra.connection.groups", "connection", Must,
            "Group probe: displayName filter with excludedAttributes=members gives an empty ListResponse",
            docs: Some("test-connection"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                obs("https://stackoverflow.com/questions/42662303"),
                rfc(7644, "3.4.2", Must),
                rfc(7644, "3.4.2.5", Must),
            ],
            faults: ["not-found-on-empty-query"],
            writes: false, dialect: None, needs: [Filter]),
        check!(user_create, "entra.user.create", "users", Must,
            "Create a user with Entra's default mapping: 201 with an id",
            docs: Some("user-create"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
                obs("https://github.com/MicrosoftDocs/azure-docs/issues/12728"),
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416"),
                obs("https://github.com/pond/scimitar/issues/123"),
                rfc(7644, "3.3", Must),
            ],
            faults: ["wrong-content-type", "reject-charset-content-type"],
            writes: true, dialect: None, needs: []),
        check!(user_mapping, "entra.user.mapping", "users", Must,
            "Every mapped attribute reads back exactly as sent",
            docs: Some("read-back"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes"),
                obs("https://github.com/MicrosoftDocs/azure-docs/issues/11784"),
                obs("https://github.com/Budibase/budibase/issues/15369"),
            ],
            faults: ["active-as-string"],
            writes: true, dialect: None, needs: []),
        check!(user_find_username, "entra.user.find.username", "users", Must,
            "Find the user by userName eq in another letter case",
            docs: Some("user-matching"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes"),
                ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/Microsoft.SCIM.WebHostSample/Provider/InMemoryUserProvider.cs"),
                rfc(7644, "3.4.2.2", Must),
            ],
            faults: ["case-sensitive-filter"],
            writes: true, dialect: None, needs: [Filter]),
        check!(user_find_external_id, "entra.user.find.externalid", "users", Must,
            "Find the user by externalId eq",
            docs: Some("user-matching"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                obs("https://github.com/OctopusDeploy/Issues/issues/9841"),
                obs("https://github.com/langwatch/langwatch/issues/6973"),
                rfc(7644, "3.4.2", Must),
            ],
            faults: ["externalid-filter-ignored"],
            writes: true, dialect: None, needs: [Filter]),
        check!(user_duplicate, "entra.user.duplicate", "users", Must,
            "A second POST with the same userName gives 409",
            docs: Some("user-create"), sends: true,
            sources: [
                ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/PostmanCollection.json"),
                ms("https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs"),
                rfc(7644, "3.3", Must),
            ],
            faults: ["duplicate-username-accepted"],
            writes: true, dialect: None, needs: []),
        check!(patch_replace_legacy, "entra.user.patch.replace.legacy", "patch", Must,
            "Legacy PATCH: one \"Replace\" op per attribute, value path and URN path",
            docs: Some("patch-dialects"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                obs("https://learn.microsoft.com/en-us/answers/questions/1684621"),
            ],
            faults: ["reject-capitalized-ops", "ignore-value-path-patch", "patch-not-applied"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(patch_replace_flagged, "entra.user.patch.replace.flagged", "patch", Must,
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
            faults: ["pathless-replace-ignored", "patch-not-applied"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(patch_new_element_legacy, "entra.user.patch.value-path-new.legacy", "patch", Must,
            "Value-path adds create the missing typed element; sub-attribute ops land in one element",
            docs: Some("patch-value-paths"), sends: true,
            sources: [
                obs("https://learn.microsoft.com/en-us/answers/questions/1684621"),
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416"),
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/680"),
                obs("https://github.com/sourcegraph/sourcegraph-public-snapshot/pull/49119"),
            ],
            faults: ["ignore-value-path-patch", "address-ops-split-elements", "reject-capitalized-ops"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(patch_new_element_flagged, "entra.user.patch.value-path-new.flagged", "patch", Must,
            "Value-path adds (lower-case ops) create one typed element",
            docs: Some("patch-value-paths"), sends: true,
            sources: [
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416"),
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/680"),
                obs("https://github.com/sourcegraph/sourcegraph-public-snapshot/pull/49119"),
            ],
            faults: ["ignore-value-path-patch", "address-ops-split-elements"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(patch_typed_replace_legacy, "entra.user.patch.typed-replace.legacy", "patch", Must,
            "Replacing the work phone keeps the mobile and fax numbers",
            docs: Some("patch-value-paths"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/668"),
                rfc(7644, "3.5.2.3", Must),
            ],
            faults: ["typed-replace-drops-others", "ignore-value-path-patch"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(patch_typed_replace_flagged, "entra.user.patch.typed-replace.flagged", "patch", Must,
            "Replacing the work phone (lower-case op) keeps the other types",
            docs: Some("patch-value-paths"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/668"),
                obs("https://github.com/sourcegraph/sourcegraph-public-snapshot/pull/49119"),
                rfc(7644, "3.5.2.3", Must),
            ],
            faults: ["typed-replace-drops-others", "ignore-value-path-patch"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(nickname_legacy, "entra.user.patch.nickname.legacy", "patch", Should,
            "\"Add\" nickName",
            docs: Some("patch-dialects"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
            ],
            faults: ["reject-capitalized-ops", "patch-not-applied"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(nickname_flagged, "entra.user.patch.nickname.flagged", "patch", Should,
            "\"add\" nickName",
            docs: Some("patch-dialects"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
            ],
            faults: ["patch-not-applied"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(manager_legacy, "entra.user.manager.legacy", "patch", Must,
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
            faults: ["reject-manager-string", "reject-capitalized-ops"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(manager_flagged, "entra.user.manager.flagged", "patch", Must,
            "Manager set and changed with a bare id on the URN path (lower-case ops); read back as an object",
            docs: Some("manager"), sends: true,
            sources: [
                ms("https://github.com/AzureAD/SCIMReferenceCode/pull/156"),
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/686"),
                obs("https://github.com/apache/directory-scimple/pull/1244"),
                obs("https://github.com/Budibase/budibase/issues/15369"),
            ],
            faults: ["reject-manager-string"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(manager_remove_filter, "entra.user.manager.remove-filter", "patch", Should,
            "Manager removal with the path manager[value eq …] (flagged dialect)",
            docs: Some("manager"), sends: true,
            sources: [
                obs("https://github.com/thomaspoignant/scim-patch/issues/453"),
            ],
            faults: ["reject-manager-value-filter", "ignore-value-path-patch"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(disable_legacy, "entra.user.disable.legacy", "patch", Must,
            "Disable with \"False\", still found by filter, re-enable with \"True\"",
            docs: Some("disable"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
                obs("https://github.com/getsentry/sentry/pull/45091"),
                obs("https://github.com/thomaspoignant/scim-patch/issues/872"),
            ],
            faults: ["reject-string-booleans", "inactive-users-hidden", "active-as-string", "reject-capitalized-ops"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(disable_flagged, "entra.user.disable.flagged", "patch", Must,
            "Disable with false, still found by filter, re-enable with true",
            docs: Some("disable"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
            ],
            faults: ["inactive-users-hidden", "patch-not-applied"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(rename_legacy, "entra.user.rename.legacy", "patch", Must,
            "Rename userName (\"Replace\") and find the user under the new name only",
            docs: Some("user-rename"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                rfc(7644, "3.5.2.3", Must),
            ],
            faults: ["rename-not-applied", "reject-capitalized-ops"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(rename_flagged, "entra.user.rename.flagged", "patch", Must,
            "Rename userName (\"replace\") and find the user under the new name only",
            docs: Some("user-rename"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                rfc(7644, "3.5.2.3", Must),
            ],
            faults: ["rename-not-applied"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(group_create, "entra.group.create", "groups", Must,
            "Create a group with members: [] (201 with an id)",
            docs: Some("group-create"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                rfc(7644, "3.3", Must),
            ],
            faults: ["wrong-content-type"],
            writes: true, dialect: None, needs: []),
        check!(group_duplicate, "entra.group.duplicate", "groups", Must,
            "A second group with the same displayName gives 409",
            docs: Some("group-matching"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                rfc(7644, "3.3", Must),
            ],
            faults: ["duplicate-group-accepted"],
            writes: true, dialect: None, needs: []),
        check!(group_find, "entra.group.find", "groups", Must,
            "Find the group by displayName eq with excludedAttributes=members: no members key",
            docs: Some("group-matching"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                rfc(7644, "3.4.2.5", Must),
            ],
            faults: ["members-not-excluded"],
            writes: true, dialect: None, needs: [Filter, Patch]),
        check!(group_get, "entra.group.get", "groups", Must,
            "GET /Groups/{id}?excludedAttributes=members has no members key",
            docs: Some("group-matching"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                rfc(7644, "3.4.2.5", Must),
            ],
            faults: ["members-not-excluded"],
            writes: true, dialect: None, needs: [Patch]),
        check!(members_add_legacy, "entra.group.members.add.legacy", "groups", Must,
            "\"Add\" members with {\"$ref\": null, \"value\": id}: one, several per op, several ops",
            docs: Some("group-members-add"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/app-gallery-user-provisioning-requirements"),
                obs("https://github.com/ssoready/ssoready/pull/182"),
                obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/167"),
            ],
            faults: ["reject-capitalized-ops", "patch-not-applied"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(members_add_flagged, "entra.group.members.add.flagged", "groups", Must,
            "\"add\" members: one, several per op, several ops",
            docs: Some("group-members-add"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                ms("https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/app-gallery-user-provisioning-requirements"),
                rfc(7644, "3.5.2.1", Must),
            ],
            faults: ["patch-not-applied"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(members_repeat, "entra.group.members.add-repeat", "groups", Should,
            "Adding a member twice keeps one membership",
            docs: Some("group-members-add"), sends: true,
            sources: [
                rfc(7644, "3.5.2.1", Should),
            ],
            faults: ["duplicate-members"],
            writes: true, dialect: None, needs: [Patch]),
        check!(members_remove_legacy, "entra.group.members.remove.legacy", "groups", Must,
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
            faults: ["legacy-member-remove-wipes-group", "members-not-removed", "reject-capitalized-ops"],
            writes: true, dialect: Some(Legacy), needs: [Patch]),
        check!(members_remove_flagged, "entra.group.members.remove.flagged", "groups", Must,
            "remove with members[value eq \"…\"] removes only that member",
            docs: Some("group-members-remove"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/Microsoft.SystemForCrossDomainIdentityManagement/Protocol/PatchOperation2Combined.cs"),
                rfc(7644, "3.5.2.2", Must),
            ],
            faults: ["members-not-removed"],
            writes: true, dialect: Some(Flagged), needs: [Patch]),
        check!(group_rename_legacy, "entra.group.rename.legacy", "groups", Must,
            "Rename a group (\"Replace\" displayName) and find it under the new name",
            docs: Some("group-rename"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                rfc(7644, "3.5.2.3", Must),
            ],
            faults: ["rename-not-applied", "reject-capitalized-ops", "eq-matches-prefix"],
            writes: true, dialect: Some(Legacy), needs: [Patch, Filter]),
        check!(group_rename_flagged, "entra.group.rename.flagged", "groups", Must,
            "Rename a group (\"replace\" displayName) and find it under the new name",
            docs: Some("group-rename"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
                rfc(7644, "3.5.2.3", Must),
            ],
            faults: ["rename-not-applied", "eq-matches-prefix"],
            writes: true, dialect: Some(Flagged), needs: [Patch, Filter]),
        check!(deleted_user_leaves, "entra.group.deleted-user", "groups", Should,
            "A deleted user does not stay a member of its groups",
            docs: Some("user-delete"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                rfc(7643, "2.3.7", May),
            ],
            faults: ["deleted-user-stays-member"],
            writes: true, dialect: None, needs: [Patch]),
        check!(pagination, "entra.pagination", "pagination", Must,
            "Paging with startIndex=1&count=5 then startIndex=6: startIndex echoed, no gaps or repeats",
            docs: Some("pagination"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/Microsoft.SCIM.LogicAppValidationTemplate/StandardLogicApp/SCIM-Validation-Test-Overview.md"),
                rfc(7644, "3.4.2.4", Must),
            ],
            faults: ["ignore-start-index", "ignore-count"],
            writes: true, dialect: None, needs: [Filter]),
        check!(user_delete, "entra.user.delete", "delete", Must,
            "DELETE a user: 204, then GET gives 404 with a SCIM Error body",
            docs: Some("user-delete"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
                rfc(7644, "3.6", Must),
                rfc(7644, "3.12", Must),
            ],
            faults: ["no-404-after-delete", "error-body-not-scim"],
            writes: true, dialect: None, needs: []),
        check!(group_delete, "entra.group.delete", "delete", Must,
            "DELETE a group: 204, then GET gives 404",
            docs: Some("group-delete"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                rfc(7644, "3.6", Must),
            ],
            faults: ["no-404-after-delete"],
            writes: true, dialect: None, needs: []),
        check!(error_not_found, "entra.error.not-found", "errors", Must,
            "GET of an unknown id gives 404 with a SCIM Error body",
            docs: Some("errors"), sends: true,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                ms("https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs"),
                rfc(7644, "3.12", Must),
            ],
            faults: ["error-body-not-scim"],
            writes: false, dialect: None, needs: []),
        check!(error_malformed_json, "entra.error.malformed-json", "errors", Should / Must,
            "Malformed JSON gives 400 (scimType invalidSyntax)",
            docs: Some("errors"), sends: false,
            sources: [
                ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/PostmanCollection.json"),
                rfc(7644, "3.12", Must),
            ],
            faults: ["malformed-json-500"],
            writes: true, dialect: None, needs: []),
        check!(error_invalid_filter, "entra.error.invalid-filter", "errors", Should / Must,
            "An invalid filter gives 400 with scimType invalidFilter",
            docs: Some("errors"), sends: false,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
                rfc(7644, "3.4.2.2", Must),
                rfc(7644, "3.12", Must),
            ],
            faults: ["invalid-filter-500"],
            writes: false, dialect: None, needs: [Filter]),
        check!(probe_replace_members, "entra.probe.replace-members", "probes", May,
            "Probe: replace on members with a partial list (Entra has been reported to send it)",
            docs: Some("replace-members"), sends: true,
            sources: [
                obs("https://github.com/PostHog/posthog/pull/47336"),
                obs("https://github.com/grokability/snipe-it/issues/19096"),
                rfc(7644, "3.5.2.3", Must),
            ],
            faults: [],
            writes: true, dialect: None, needs: [Patch]),
        check!(probe_nested_group, "entra.probe.nested-group", "probes", May,
            "Probe: a group id added as a member (Entra provisions flat groups only)",
            docs: Some("flat-groups"), sends: false,
            sources: [
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
                ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/known-issues"),
            ],
            faults: [],
            writes: true, dialect: None, needs: [Patch]),
    ]
}

// ---------------------------------------------------------------------------------------------
// Helpers

pub(super) fn tp(p: &str) -> TargetPath {
    // Paths in this file are literals of the mapping grammar (unit-tested below).
    TargetPath::parse(p).unwrap_or_else(|_| TargetPath {
        urn: None,
        attr: p.to_owned(),
        type_eq: None,
        sub: None,
    })
}

pub(super) async fn read_user(cx: &Cx, id: &str) -> Result<Value, CheckError> {
    match cx.read(Users, id, "").await? {
        Some(u) => Ok(u),
        None => fail!("GET /Users/{id} answered 404 for a user the run created"),
    }
}

async fn verify_user(cx: &Cx, id: &str, model: &UserModel, after: &str) -> CheckBody {
    let actual = read_user(cx, id).await?;
    let mm = model.mismatches_touched(&actual);
    ensure!(
        mm.is_empty(),
        "after {after}, GET /Users/{id} differs from the model: {}",
        mm.join("; ")
    );
    Ok(())
}

/// The group's members, read with a plain GET (and `attributes=members` when the endpoint
/// leaves members out by default).
/// Applies `ops` to the model, then sends them.
async fn patch_user(
    cx: &Cx,
    id: &str,
    model: &mut UserModel,
    ops: Value,
) -> Result<(), CheckError> {
    model.apply(&ops).map_err(CheckError::Error)?;
    cx.patch(Users, id, ops).await.map(|_| ())
}

/// Applies `ops` to the group model, then sends them.
async fn patch_group(
    cx: &Cx,
    gid: &str,
    model: &mut GroupModel,
    ops: Value,
) -> Result<(), CheckError> {
    model.apply(&ops).map_err(CheckError::Error)?;
    cx.patch(Groups, gid, ops).await.map(|_| ())
}

async fn read_members(cx: &Cx, gid: &str) -> Result<Vec<String>, CheckError> {
    let Some(g) = cx.read(Groups, gid, "").await? else {
        fail!("GET /Groups/{gid} answered 404 for a group the run created")
    };
    if get_ci(&g, "members").is_some() {
        return Ok(member_ids(&g));
    }
    match cx.read(Groups, gid, "attributes=members").await? {
        Some(g) => Ok(member_ids(&g)),
        None => fail!("GET /Groups/{gid}?attributes=members answered 404"),
    }
}

async fn verify_members(cx: &Cx, gid: &str, model: &GroupModel, after: &str) -> CheckBody {
    let got = read_members(cx, gid).await?;
    let mm = model.mismatches(&got);
    ensure!(
        mm.is_empty(),
        "after {after}, group {gid}: {}",
        mm.join("; ")
    );
    Ok(())
}

/// An Entra query that must find exactly `want` (ids).
pub(super) async fn expect_found(
    cx: &Cx,
    kind: crate::journal::ResourceKind,
    filter: &str,
    extra: &str,
    want: &[&str],
) -> Result<Vec<Value>, CheckError> {
    let l = cx.query(kind, filter, extra).await?;
    let ids: Vec<String> = l.resources.iter().filter_map(id_of).collect();
    let mut got = ids.clone();
    got.sort();
    let mut exp: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
    exp.sort();
    ensure!(
        got == exp,
        "filter {filter} found {} resource(s) {:?}; expected {:?}",
        ids.len(),
        ids,
        exp
    );
    if let Some(t) = l.total {
        ensure!(
            t == want.len() as u64,
            "filter {filter}: totalResults is {t}, expected {}",
            want.len()
        );
    }
    Ok(l.resources)
}

// ---------------------------------------------------------------------------------------------
// Test connection

async fn empty_query(
    cx: &Cx,
    kind: crate::journal::ResourceKind,
    attr: &str,
    extra: &str,
) -> CheckBody {
    let guid = cx.guid();
    let filter = format!("{attr} eq {}", lit(&guid));
    let mut path = format!("{}?", kind.path());
    if !extra.is_empty() {
        path.push_str(extra);
        path.push('&');
    }
    path.push_str(&format!("filter={}", enc(&filter)));
    // Exactly what Entra sends: the Authorization header and nothing else.
    let r = cx.send_raw(WireRequest::new("GET", path.clone())).await?;
    if r.status() == 401 {
        cx.auth_gate(&r)?;
    }
    if r.status() != 200 {
        let retry = cx
            .send_raw(
                WireRequest::new("GET", path)
                    .header("Accept", "application/scim+json")
                    .header(
                        "User-Agent",
                        concat!("scim-conformance/", env!("CARGO_PKG_VERSION")),
                    ),
            )
            .await?;
        cx.auth_gate(&retry)?;
        if retry.status() == 200 {
            cx.session().note_header_refusal(format!(
                "the endpoint refuses requests without Accept and User-Agent headers ({} without them); Entra sends neither",
                r.status()
            ));
            fail!(
                "GET {} without Accept and User-Agent headers answered {}; with them it answered 200. Entra sends neither header (docs/entra.md#headers)",
                r.url,
                r.status()
            );
        }
        fail!(
            "GET {} answered {} (expected 200 with an empty ListResponse; Entra treats this as a failed Test Connection)",
            r.url,
            r.status()
        );
    }
    ensure!(
        r.is_json_type(),
        "GET {} answered Content-Type {:?}; expected application/scim+json (or application/json)",
        r.url,
        r.wire.header("content-type").unwrap_or("none")
    );
    let Some(l) = listed(r.body()?) else {
        fail!("GET {} did not return a ListResponse", r.url)
    };
    ensure!(
        l.resources.is_empty() && l.total.unwrap_or(0) == 0,
        "GET {} for a random {attr} returned {} resource(s) (totalResults {:?}); expected none",
        r.url,
        l.resources.len(),
        l.total
    );
    ensure!(
        l.total.is_some(),
        "GET {}: the ListResponse has no totalResults (RFC 7644 §3.4.2 REQUIRED)",
        r.url
    );
    Ok(())
}

async fn conn_users(cx: Cx) -> CheckBody {
    let attr = cx
        .session()
        .mapping
        .matching_rows()
        .first()
        .map_or_else(|| "userName".to_owned(), |r| r.target.to_string());
    empty_query(&cx, Users, &attr, "").await
}

async fn conn_external_id(cx: Cx) -> CheckBody {
    empty_query(&cx, Users, "externalId", "").await
}

async fn conn_groups(cx: Cx) -> CheckBody {
    empty_query(&cx, Groups, "displayName", "excludedAttributes=members").await
}

// ---------------------------------------------------------------------------------------------
// Users

async fn user_create(cx: Cx) -> CheckBody {
    let p = cx.person("u");
    let body = cx.session().mapping.user_body(&p, None);
    let r = cx
        .send(WireRequest::new("POST", "/Users").scim_json(&body))
        .await?;
    let created = r.json.clone().unwrap_or(Value::Null);
    if let Some(id) = id_of(&created) {
        cx.session().journal.created(Users, &id, &p.user_name());
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
        "POST {} answered Content-Type {:?}; expected application/scim+json (or application/json)",
        r.url,
        r.wire.header("content-type").unwrap_or("none")
    );
    let Some(id) = id_of(&created) else {
        fail!(
            "POST {} answered 201 without an id (Entra caches the id for every later call)",
            r.url
        )
    };
    let echoed = get_ci(&created, "userName").and_then(Value::as_str);
    ensure!(
        echoed == Some(p.user_name().as_str()),
        "POST {}: the response has userName {echoed:?}, sent {:?}",
        r.url,
        p.user_name()
    );
    let Some(_) = cx.read(Users, &id, "").await? else {
        fail!("GET /Users/{id} answered 404 right after the create")
    };
    Ok(())
}

async fn user_mapping(cx: Cx) -> CheckBody {
    let mgr = if cx.session().mapping.maps_manager() {
        Some(cx.create_plain_user("mgr").await?.0)
    } else {
        None
    };
    let (id, body, _) = cx.create_user_subject("map", mgr.as_deref()).await?;
    let model = UserModel::from_sent(&body);
    let actual = read_user(&cx, &id).await?;
    let mm = model.mismatches(&actual);
    ensure!(
        mm.is_empty(),
        "GET /Users/{id} does not read back what was sent (Entra would re-send a PATCH every cycle): {}",
        mm.join("; ")
    );
    Ok(())
}

fn swap_case(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_uppercase() {
                c.to_lowercase().collect::<String>()
            } else {
                c.to_uppercase().collect()
            }
        })
        .collect()
}

async fn user_find_username(cx: Cx) -> CheckBody {
    let (id, _, p) = cx.create_user("find", None).await?;
    let other_case = swap_case(&p.user_name());
    expect_found(
        &cx,
        Users,
        &format!("userName eq {}", lit(&other_case)),
        "",
        &[&id],
    )
    .await?;
    Ok(())
}

async fn user_find_external_id(cx: Cx) -> CheckBody {
    // A second user, so that a filter that selects nothing cannot pass.
    cx.create_user("ext", None).await?;
    let (id, body, _) = cx.create_user("ext", None).await?;
    let ext = get_ci(&body, "externalId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if ext.is_empty() {
        return Err(CheckError::Skip("the mapping sends no externalId".into()));
    }
    expect_found(
        &cx,
        Users,
        &format!("externalId eq {}", lit(&ext)),
        "",
        &[&id],
    )
    .await?;
    Ok(())
}

async fn user_duplicate(cx: Cx) -> CheckBody {
    let (_, body, p) = cx.create_user("dup", None).await?;
    let r = cx
        .send(WireRequest::new("POST", "/Users").scim_json(&body))
        .await?;
    if let (true, Some(id)) = (
        (200..300).contains(&r.status()),
        r.json.as_ref().and_then(id_of),
    ) {
        cx.session().journal.created(Users, &id, &p.user_name());
    }
    ensure!(
        r.status() == 409,
        "a second POST with userName {:?} answered {} (expected 409 Conflict)",
        p.user_name(),
        r.status()
    );
    let st = r
        .json
        .as_ref()
        .and_then(|v| get_ci(v, "scimType"))
        .and_then(Value::as_str);
    if !st.is_some_and(|s| s.eq_ignore_ascii_case("uniqueness")) {
        cx.note(format!(
            "409 without scimType \"uniqueness\" (got {st:?}); RFC 7644 §3.3 recommends it"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// PATCH

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
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
            json!("E-0042"),
        ),
    ];
    let ops = wire::replace(d, &changes);
    model.apply(&ops).map_err(CheckError::Error)?;
    cx.patch(Users, &id, ops).await?;
    verify_user(&cx, &id, &model, &format!("the {d} replace")).await
}

async fn patch_replace_legacy(cx: Cx) -> CheckBody {
    patch_replace(cx, Legacy).await
}
async fn patch_replace_flagged(cx: Cx) -> CheckBody {
    patch_replace(cx, Flagged).await
}

async fn patch_new_element(cx: Cx, d: Dialect) -> CheckBody {
    let (id, _) = cx.create_plain_user("vp").await?;
    let Some(sent) = cx.read(Users, &id, "").await? else {
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
    let ops: Vec<Value> = changes
        .iter()
        .map(|(p, v)| json!({"op": op(d, "add"), "path": p, "value": v}))
        .collect();
    patch_user(&cx, &id, &mut model, Value::Array(ops)).await?;
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

async fn patch_new_element_legacy(cx: Cx) -> CheckBody {
    patch_new_element(cx, Legacy).await
}
async fn patch_new_element_flagged(cx: Cx) -> CheckBody {
    patch_new_element(cx, Flagged).await
}

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
        json!([{"op": op(d, "replace"), "path": p, "value": "+1 206-555-0199"}]),
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

async fn patch_typed_replace_legacy(cx: Cx) -> CheckBody {
    patch_typed_replace(cx, Legacy).await
}
async fn patch_typed_replace_flagged(cx: Cx) -> CheckBody {
    patch_typed_replace(cx, Flagged).await
}

async fn nickname(cx: Cx, d: Dialect) -> CheckBody {
    let (id, body, _) = cx.create_user("nick", None).await?;
    let mut model = UserModel::from_sent(&body);
    patch_user(
        &cx,
        &id,
        &mut model,
        json!([{"op": op(d, "add"), "path": "nickName", "value": "Babs"}]),
    )
    .await?;
    verify_user(&cx, &id, &model, "the nickName add").await
}

async fn nickname_legacy(cx: Cx) -> CheckBody {
    nickname(cx, Legacy).await
}
async fn nickname_flagged(cx: Cx) -> CheckBody {
    nickname(cx, Flagged).await
}

async fn manager(cx: Cx, d: Dialect) -> CheckBody {
    let (m1, _) = cx.create_plain_user("boss").await?;
    let (m2, _) = cx.create_plain_user("boss").await?;
    let (id, body, _) = cx.create_user("emp", None).await?;
    let mut model = UserModel::from_sent(&body);
    patch_user(&cx, &id, &mut model, wire::set_manager(d, "add", &m1)).await?;
    verify_user(&cx, &id, &model, "setting the manager with a bare id").await?;
    patch_user(&cx, &id, &mut model, wire::set_manager(d, "replace", &m2)).await?;
    verify_user(&cx, &id, &model, "changing the manager").await?;
    if d == Legacy {
        patch_user(&cx, &id, &mut model, wire::remove_manager(d)).await?;
        verify_user(&cx, &id, &model, "removing the manager").await?;
    }
    Ok(())
}

/// The flagged dialect's manager removal with a value filter on the single-valued `manager`
/// (`remove` with path `manager[value eq "…"]`): reported once, and RFC 7644 §3.5.2 defines
/// value filters for multi-valued attributes only, so a server may refuse it.
async fn manager_remove_filter(cx: Cx) -> CheckBody {
    let (m1, _) = cx.create_plain_user("boss").await?;
    let (id, body, _) = cx.create_user("emp", None).await?;
    let mut model = UserModel::from_sent(&body);
    patch_user(&cx, &id, &mut model, wire::set_manager(Flagged, "add", &m1))
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

async fn manager_legacy(cx: Cx) -> CheckBody {
    manager(cx, Legacy).await
}
async fn manager_flagged(cx: Cx) -> CheckBody {
    manager(cx, Flagged).await
}

async fn disable(cx: Cx, d: Dialect) -> CheckBody {
    let (id, body, p) = cx.create_user("off", None).await?;
    let mut model = UserModel::from_sent(&body);
    let (off, on) = (wire::set_active(d, false), wire::set_active(d, true));
    let (off_text, on_text) = (off[0]["value"].to_string(), on[0]["value"].to_string());
    patch_user(&cx, &id, &mut model, off).await?;
    verify_user(&cx, &id, &model, &format!("disabling with {off_text}")).await?;
    let found = expect_found(
        &cx,
        Users,
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

async fn disable_legacy(cx: Cx) -> CheckBody {
    disable(cx, Legacy).await
}
async fn disable_flagged(cx: Cx) -> CheckBody {
    disable(cx, Flagged).await
}

async fn rename(cx: Cx, d: Dialect) -> CheckBody {
    let (id, body, p) = cx.create_user("ren", None).await?;
    let mut model = UserModel::from_sent(&body);
    let new_name = format!("{}-renamed@example.com", cx.unique("ren"));
    patch_user(&cx, &id, &mut model, wire::rename(d, "userName", &new_name)).await?;
    verify_user(&cx, &id, &model, "the rename").await?;
    expect_found(
        &cx,
        Users,
        &format!("userName eq {}", lit(&new_name)),
        "",
        &[&id],
    )
    .await?;
    expect_found(
        &cx,
        Users,
        &format!("userName eq {}", lit(&p.user_name())),
        "",
        &[],
    )
    .await?;
    Ok(())
}

async fn rename_legacy(cx: Cx) -> CheckBody {
    rename(cx, Legacy).await
}
async fn rename_flagged(cx: Cx) -> CheckBody {
    rename(cx, Flagged).await
}

// ---------------------------------------------------------------------------------------------
// Groups

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
        cx.session().journal.created(Groups, &id, &name);
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
    let Some(g) = cx.read(Groups, &id, "excludedAttributes=members").await? else {
        fail!("GET /Groups/{id} answered 404 right after the create")
    };
    let dn = get_ci(&g, "displayName").and_then(Value::as_str);
    ensure!(
        dn == Some(name.as_str()),
        "GET /Groups/{id}: displayName {dn:?}, sent {name:?}"
    );
    Ok(())
}

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
        cx.session().journal.created(Groups, &id, &name);
    }
    ensure!(
        r.status() == 409,
        "a second POST /Groups with displayName {name:?} answered {} (expected 409 Conflict)",
        r.status()
    );
    Ok(())
}

async fn group_find(cx: Cx) -> CheckBody {
    let (gid, name) = cx.create_group("gf").await?;
    let (uid, _) = cx.create_plain_user("gfm").await?;
    cx.patch(Groups, &gid, wire::add_members(Legacy, &[&uid]))
        .await?;
    let found = expect_found(
        &cx,
        Groups,
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

async fn group_get(cx: Cx) -> CheckBody {
    let (gid, _) = cx.create_group("gg").await?;
    let (uid, _) = cx.create_plain_user("ggm").await?;
    cx.patch(Groups, &gid, wire::add_members(Legacy, &[&uid]))
        .await?;
    let Some(g) = cx.read(Groups, &gid, "excludedAttributes=members").await? else {
        fail!("GET /Groups/{gid} answered 404")
    };
    ensure!(
        get_ci(&g, "members").is_none(),
        "GET /Groups/{gid}?excludedAttributes=members returned a members attribute"
    );
    Ok(())
}

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

async fn members_add_legacy(cx: Cx) -> CheckBody {
    members_add(cx, Legacy).await
}
async fn members_add_flagged(cx: Cx) -> CheckBody {
    members_add(cx, Flagged).await
}

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

async fn members_remove_legacy(cx: Cx) -> CheckBody {
    members_remove(cx, Legacy).await
}
async fn members_remove_flagged(cx: Cx) -> CheckBody {
    members_remove(cx, Flagged).await
}

async fn group_rename(cx: Cx, d: Dialect) -> CheckBody {
    let (gid, old) = cx.create_group("gn").await?;
    // The old name is a prefix of the new one: `displayName eq "<old>"` must find nothing
    // afterwards (an `eq` read as "starts with" still finds the renamed group).
    let new = format!("{old}-renamed");
    cx.patch(Groups, &gid, wire::rename(d, "displayName", &new))
        .await?;
    let Some(g) = cx.read(Groups, &gid, "excludedAttributes=members").await? else {
        fail!("GET /Groups/{gid} answered 404 after the rename")
    };
    let dn = get_ci(&g, "displayName").and_then(Value::as_str);
    ensure!(
        dn == Some(new.as_str()),
        "after the rename, GET /Groups/{gid} has displayName {dn:?}; expected {new:?}"
    );
    expect_found(
        &cx,
        Groups,
        &format!("displayName eq {}", lit(&new)),
        "excludedAttributes=members",
        &[&gid],
    )
    .await?;
    expect_found(
        &cx,
        Groups,
        &format!("displayName eq {}", lit(&old)),
        "excludedAttributes=members",
        &[],
    )
    .await?;
    Ok(())
}

async fn group_rename_legacy(cx: Cx) -> CheckBody {
    group_rename(cx, Legacy).await
}
async fn group_rename_flagged(cx: Cx) -> CheckBody {
    group_rename(cx, Flagged).await
}

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
    let r = cx.delete(Users, &u1).await?;
    ensure!(
        matches!(r.status(), 200 | 204),
        "DELETE /Users/{u1} answered {}",
        r.status()
    );
    model.remove([u1.as_str()]);
    verify_members(&cx, &gid, &model, "deleting a member user").await
}

// ---------------------------------------------------------------------------------------------
// Pagination

async fn pagination(cx: Cx) -> CheckBody {
    const N: usize = 7;
    let stem = cx.unique("pg");
    let mut ids = Vec::new();
    for i in 0..N {
        let base = format!("{stem}x{i}");
        let user_name = format!("{base}@example.com");
        let body = json!({"schemas": [scim2_types::urn::USER], "userName": user_name, "externalId": base, "active": true});
        let created = cx.create(Users, &body, &user_name).await?;
        ids.push(id_of(&created).unwrap_or_default());
    }
    // Only the run's own users are read: the pages are filtered on the run's userName stem.
    let filter = format!("userName sw {}", lit(&format!("{stem}x")));
    let mut seen: Vec<String> = Vec::new();
    for (start, want) in [(1u64, 5usize), (6, N - 5)] {
        let path = format!("/Users?startIndex={start}&count=5&filter={}", enc(&filter));
        let r = cx.get(&path).await?;
        if start == 1 && matches!(r.status(), 400 | 501) {
            // Entra never sends `sw`: page through the whole collection instead.
            cx.note(format!(
                "GET {} answered {}: the paging invariants are checked over the unfiltered collection",
                r.url,
                r.status()
            ));
            return pagination_unfiltered(&cx, &ids).await;
        }
        ensure!(r.status() == 200, "GET {} answered {}", r.url, r.status());
        let Some(l) = listed(r.body()?) else {
            fail!("GET {} did not return a ListResponse", r.url)
        };
        ensure!(
            l.total == Some(N as u64),
            "GET {}: totalResults {:?}, expected {N}",
            r.url,
            l.total
        );
        ensure!(
            l.start_index == Some(start),
            "GET {}: startIndex {:?}, expected {start} (Entra's validation checks it is echoed)",
            r.url,
            l.start_index
        );
        ensure!(
            l.resources.len() == want,
            "GET {}: {} resources on the page, expected {want}",
            r.url,
            l.resources.len()
        );
        seen.extend(l.resources.iter().filter_map(id_of));
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    ensure!(
        sorted.len() == seen.len(),
        "the two pages repeat a user: {seen:?}"
    );
    let mut exp = ids.clone();
    exp.sort();
    ensure!(
        sorted == exp,
        "the two pages hold {sorted:?}; expected exactly the {N} users created ({exp:?})"
    );
    Ok(())
}

/// How one walk over the unfiltered collection ended.
enum Walk {
    /// Every invariant held.
    Clean,
    /// An invariant was broken.
    Broken(String),
    /// `totalResults` changed during the walk (other checks write concurrently).
    Moved,
}

/// Pages of 5 through the unfiltered `/Users` (at most [`UNFILTERED_PAGES`] pages): each
/// answer echoes `startIndex`, holds `min(5, rest)` users, states the same `totalResults`;
/// no user is listed twice; and, when the walk reaches the end, it lists `totalResults` users
/// including every one `ids` names (no gaps). Other checks write concurrently, so a walk
/// whose `totalResults` moves, or that breaks an invariant, is repeated (3 walks): the check
/// fails only when every walk breaks one, and is skipped when none could be completed.
async fn pagination_unfiltered(cx: &Cx, ids: &[String]) -> CheckBody {
    let mut last = None;
    for _ in 0..3 {
        match walk_users(cx, ids).await? {
            Walk::Clean => return Ok(()),
            Walk::Broken(why) => last = Some(why),
            Walk::Moved => {}
        }
    }
    match last {
        Some(why) => fail!("{why} (in each of 3 walks over the unfiltered collection)"),
        None => Err(CheckError::Skip(
            "totalResults changed during each of 3 walks over the unfiltered collection (other writers); the paging invariants could not be checked".into(),
        )),
    }
}

/// Most pages one unfiltered walk reads.
const UNFILTERED_PAGES: u64 = 40;

async fn walk_users(cx: &Cx, ids: &[String]) -> Result<Walk, CheckError> {
    const PAGE: u64 = 5;
    let mut seen: Vec<String> = Vec::new();
    let mut total_first = None;
    let mut start = 1u64;
    let mut pages = 0;
    let complete = loop {
        let r = cx
            .get(&format!("/Users?startIndex={start}&count={PAGE}"))
            .await?;
        ensure!(r.status() == 200, "GET {} answered {}", r.url, r.status());
        let Some(l) = listed(r.body()?) else {
            fail!("GET {} did not return a ListResponse", r.url)
        };
        let Some(total) = l.total else {
            fail!("GET {}: no totalResults", r.url)
        };
        match total_first {
            None => total_first = Some(total),
            Some(t) if t != total => return Ok(Walk::Moved),
            Some(_) => {}
        }
        if l.start_index != Some(start) {
            return Ok(Walk::Broken(format!(
                "GET {}: startIndex {:?}, expected {start} (Entra's validation checks it is echoed)",
                r.url, l.start_index
            )));
        }
        let want = PAGE.min(total.saturating_sub(start - 1));
        if l.resources.len() as u64 != want {
            return Ok(Walk::Broken(format!(
                "GET {}: {} users on the page, expected {want} (count {PAGE}, totalResults {total})",
                r.url,
                l.resources.len()
            )));
        }
        seen.extend(l.resources.iter().filter_map(id_of));
        start += PAGE;
        pages += 1;
        if start > total {
            break true;
        }
        if pages >= UNFILTERED_PAGES {
            break false;
        }
    };
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != seen.len() {
        return Ok(Walk::Broken(format!(
            "paging through /Users lists a user twice ({} ids, {} distinct)",
            seen.len(),
            sorted.len()
        )));
    }
    if complete {
        let missing: Vec<&String> = ids.iter().filter(|i| !sorted.contains(i)).collect();
        if !missing.is_empty() || Some(seen.len() as u64) != total_first {
            return Ok(Walk::Broken(format!(
                "paging through /Users to totalResults {:?} listed {} users and missed the run's {missing:?}",
                total_first,
                seen.len()
            )));
        }
    } else {
        cx.note(format!(
            "the collection holds {total_first:?} users: the first {UNFILTERED_PAGES} pages were checked, gaps only within them"
        ));
    }
    Ok(Walk::Clean)
}

// ---------------------------------------------------------------------------------------------
// Delete and errors

async fn deleted_then_404(
    cx: &Cx,
    kind: crate::journal::ResourceKind,
    id: &str,
    body_must_be_scim: bool,
) -> CheckBody {
    let r = cx.delete(kind, id).await?;
    ensure!(
        r.status() == 204,
        "DELETE {} answered {} (expected 204 No Content)",
        r.url,
        r.status()
    );
    let g = cx.get(&format!("{}/{}", kind.path(), enc_path(id))).await?;
    ensure!(
        g.status() == 404,
        "GET {} after DELETE answered {} (expected 404)",
        g.url,
        g.status()
    );
    if body_must_be_scim {
        ensure!(
            is_scim_error(g.json.as_ref(), 404),
            "GET {} answered 404 without a SCIM Error body (RFC 7644 §3.12: schemas Error, status \"404\")",
            g.url
        );
    }
    Ok(())
}

async fn user_delete(cx: Cx) -> CheckBody {
    let (id, _) = cx.create_plain_user("del").await?;
    deleted_then_404(&cx, Users, &id, true).await
}

async fn group_delete(cx: Cx) -> CheckBody {
    let (id, _) = cx.create_group("gdel").await?;
    deleted_then_404(&cx, Groups, &id, false).await
}

async fn error_not_found(cx: Cx) -> CheckBody {
    let id = cx.guid();
    let r = cx.get(&format!("/Users/{id}")).await?;
    ensure!(
        r.status() == 404,
        "GET {} for an unknown id answered {} (expected 404)",
        r.url,
        r.status()
    );
    ensure!(
        is_scim_error(r.json.as_ref(), 404),
        "GET {} answered 404 without a SCIM Error body (schemas Error, status \"404\")",
        r.url
    );
    Ok(())
}

async fn error_malformed_json(cx: Cx) -> CheckBody {
    let bad = format!(
        "{{\"schemas\": [\"{}\"], \"userName\": \"{}\",",
        scim2_types::urn::USER,
        cx.unique("bad")
    );
    let r = cx
        .send(
            WireRequest::new("POST", "/Users")
                .raw_body("application/scim+json; charset=utf-8", bad.into_bytes()),
        )
        .await?;
    if let (true, Some(id)) = (
        (200..300).contains(&r.status()),
        r.json.as_ref().and_then(id_of),
    ) {
        cx.session().journal.created(Users, &id, "malformed");
    }
    ensure!(
        r.status() == 400,
        "POST {} with malformed JSON answered {} (expected 400)",
        r.url,
        r.status()
    );
    ensure!(
        is_scim_error(r.json.as_ref(), 400),
        "POST {} answered 400 without a SCIM Error body",
        r.url
    );
    let st = r
        .json
        .as_ref()
        .and_then(|v| get_ci(v, "scimType"))
        .and_then(Value::as_str);
    if st != Some("invalidSyntax") {
        cx.note(format!(
            "400 with scimType {st:?}; RFC 7644 §3.12 names invalidSyntax"
        ));
    }
    Ok(())
}

async fn error_invalid_filter(cx: Cx) -> CheckBody {
    let r = cx
        .get(&format!("/Users?filter={}", enc("userName eq")))
        .await?;
    ensure!(
        r.status() == 400,
        "GET {} with an invalid filter answered {} (expected 400)",
        r.url,
        r.status()
    );
    let st = r
        .json
        .as_ref()
        .and_then(|v| get_ci(v, "scimType"))
        .and_then(Value::as_str);
    ensure!(
        st == Some("invalidFilter"),
        "GET {} answered 400 with scimType {st:?} (expected invalidFilter)",
        r.url
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Probes (MAY: recorded, never failed)

async fn probe_replace_members(cx: Cx) -> CheckBody {
    let (gid, _) = cx.create_group("pm").await?;
    let (u1, _) = cx.create_plain_user("pmm").await?;
    let (u2, _) = cx.create_plain_user("pmm").await?;
    let (u3, _) = cx.create_plain_user("pmm").await?;
    cx.patch(
        Groups,
        &gid,
        json!([{"op": "add", "path": "members", "value": member_values(&[&u1, &u2])}]),
    )
    .await?;
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "members", "value": [{"value": u3}]}]});
    let r = cx
        .send(WireRequest::new("PATCH", format!("/Groups/{}", enc_path(&gid))).scim_json(&body))
        .await?;
    let got = read_members(&cx, &gid).await?;
    let set: std::collections::BTreeSet<&str> = got.iter().map(String::as_str).collect();
    let what = if set == [u3.as_str()].into() {
        "replaced all members with the list (RFC 7644 §3.5.2.3 semantics; a partial list from Entra would drop members)"
    } else if set == [u1.as_str(), u2.as_str(), u3.as_str()].into() {
        "merged the list into the members (Entra-tolerant; not RFC replace semantics)"
    } else {
        "left the members in another state"
    };
    cx.note(format!(
        "replace on members answered {} and {what}: members now {got:?}",
        r.status()
    ));
    Ok(())
}

async fn probe_nested_group(cx: Cx) -> CheckBody {
    let (outer, _) = cx.create_group("pn").await?;
    let (inner, _) = cx.create_group("pn").await?;
    let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": inner}]}]});
    let r = cx
        .send(WireRequest::new("PATCH", format!("/Groups/{}", enc_path(&outer))).scim_json(&body))
        .await?;
    let got = read_members(&cx, &outer).await?;
    let accepted = got.contains(&inner);
    cx.note(format!(
        "adding a group as a member answered {}; the group {} a member (Entra provisions flat groups only)",
        r.status(),
        if accepted { "became" } else { "did not become" }
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_paths_parse() {
        let c = checks();
        let mut ids: Vec<_> = c.iter().map(|c| c.meta.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        for p in [
            "displayName",
            "emails[type eq \"work\"].value",
            "name.givenName",
            "nickName",
            "active",
            "userName",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
            "addresses[type eq \"work\"].locality",
            "phoneNumbers[type eq \"mobile\"].value",
        ] {
            assert!(TargetPath::parse(p).is_ok(), "{p}");
        }
    }

    #[test]
    fn legacy_ops_are_capitalised() {
        assert_eq!(op(Legacy, "replace"), "Replace");
        assert_eq!(op(Flagged, "replace"), "replace");
        assert_eq!(swap_case("Ab@x.COM"), "aB@X.com");
    }
}

//! The request and response bodies Entra ID sends and expects (docs/entra.md
//! #user-matching–#group-members-remove, #patch-dialects) read into the typed messages, and write back to equal JSON.
#![allow(clippy::unwrap_used)] // tests may unwrap (project guide)

use scim2_types::{Group, ListResponse, PatchOp, PatchOpKind, ScimError, User, urn};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn read<T: DeserializeOwned>(text: &str) -> T {
    scim2_types::read::from_str(text).unwrap()
}

fn assert_round_trip<T: Serialize>(typed: &T, text: &str) {
    let original: Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(typed).unwrap(), original);
}

#[test]
fn user_create_2_4() {
    let text = include_str!("fixtures/entra/user-create.json");
    let user: User = read(text);
    assert_eq!(
        user.user_name,
        "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"
    );
    assert_eq!(
        user.external_id.as_deref(),
        Some("0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")
    );
    assert_eq!(user.active, Some(true));
    assert_eq!(
        user.name.as_ref().unwrap().formatted.as_deref(),
        Some("givenName familyName")
    );
    assert_eq!(user.primary_email().unwrap().kind.as_deref(), Some("work"));
    assert_eq!(
        user.meta.as_ref().unwrap().resource_type.as_deref(),
        Some("User")
    );
    assert_eq!(
        user.roles,
        Some(vec![]),
        "an empty roles array is kept, not dropped"
    );
    // The enterprise URN is listed although no extension object is sent: kept.
    assert!(user.enterprise.is_none());
    assert_eq!(user.schemas, [urn::USER, urn::ENTERPRISE_USER]);
    assert_round_trip(&user, text);
}

#[test]
fn user_create_response_and_queries_2_3_2_4() {
    let text = include_str!("fixtures/entra/user-create-response.json");
    let user: User = read(text);
    assert_eq!(user.id.as_deref(), Some("48af03ac28ad4fb88478"));
    assert_round_trip(&user, text);

    let text = include_str!("fixtures/entra/user-list-one.json");
    let page: ListResponse<User> = read(text);
    assert_eq!(page.total_results, 1);
    assert_eq!(
        page.resources[0].id.as_deref(),
        Some("2441309d85324e7793ae")
    );
    assert_round_trip(&page, text);

    let text = include_str!("fixtures/entra/user-list-empty.json");
    let page: ListResponse<User> = read(text);
    assert_eq!(page.total_results, 0);
    assert_eq!(page.items_per_page, Some(20));
    assert_round_trip(&page, text);
}

/// Roles in a create (Microsoft's attribute table), the enterprise `manager` as a bare string (observed), a string
/// boolean, and a custom extension whose URN is missing from `schemas` (Microsoft's attribute table).
#[test]
fn user_create_with_entra_deviations() {
    let user: User = read(include_str!(
        "fixtures/entra/user-create-roles-manager-string.json"
    ));
    assert_eq!(user.active, Some(true));
    let roles = user.roles.as_ref().unwrap();
    assert_eq!(
        roles[0].kind.as_deref(),
        Some("WindowsAzureActiveDirectoryRole")
    );
    assert_eq!(roles[0].primary, Some(true));
    let manager = user.enterprise.as_ref().unwrap().manager.as_ref().unwrap();
    assert_eq!(manager.value.as_deref(), Some("myuser"));
    let custom = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
    assert_eq!(user.extensions[custom], json!({"CustomAttribute": "x"}));

    let written = serde_json::to_value(&user).unwrap();
    assert_eq!(written["active"], json!(true));
    assert_eq!(
        written[urn::ENTERPRISE_USER]["manager"],
        json!({"value": "myuser"})
    );
    assert_eq!(written[custom], json!({"CustomAttribute": "x"}));
    assert_eq!(
        written["schemas"],
        json!([urn::USER, urn::ENTERPRISE_USER, custom])
    );
    // What was written reads back to the same value.
    assert_eq!(User::from_value(&written).unwrap(), user);
}

#[test]
fn group_create_2_11_keeps_legacy_schema() {
    let text = include_str!("fixtures/entra/group-create.json");
    let group: Group = read(text);
    assert_eq!(group.display_name, "displayName");
    assert_eq!(group.schemas, [urn::GROUP, urn::ENTRA_LEGACY_GROUP]);
    assert!(group.members.is_none());
    assert_round_trip(&group, text);

    let text = include_str!("fixtures/entra/group-create-2021.json");
    let group: Group = read(text);
    assert_eq!(group.members, Some(vec![]));
    assert_round_trip(&group, text);
}

#[test]
fn group_query_2_10() {
    let text = include_str!("fixtures/entra/group-list-one.json");
    let page: ListResponse<Group> = read(text);
    assert_eq!(
        page.resources[0].external_id.as_deref(),
        Some("0db508eb-91e2-46e4-809c-30dcbda0c685")
    );
    assert!(page.resources[0].members.is_none());
    assert_round_trip(&page, text);
}

#[test]
fn not_found_error_2_5() {
    let e: ScimError = read(include_str!("fixtures/entra/error-404.json"));
    assert_eq!(e.status, 404);
    assert!(e.scim_type.is_none());
}

/// The operations a PATCH body should read as: (op, path).
type Expected = &'static [(PatchOpKind, Option<&'static str>)];

/// Every PATCH body of #patch-value-paths–#manager, #group-members-add–#group-members-remove and #patch-dialects reads, and writes back exactly (the
/// capitalised `op` spellings included).
#[test]
fn patch_bodies_2_6_to_2_15() {
    let cases: &[(&str, &str, Expected)] = &[
        (
            "user-replace-username",
            include_str!("fixtures/entra/patch-user-replace-username.json"),
            &[(PatchOpKind::Replace, Some("userName"))],
        ),
        (
            "user-replace-multivalued",
            include_str!("fixtures/entra/patch-user-replace-multivalued.json"),
            &[
                (PatchOpKind::Replace, Some("emails[type eq \"work\"].value")),
                (PatchOpKind::Replace, Some("name.familyName")),
            ],
        ),
        (
            "user-add-nickname",
            include_str!("fixtures/entra/patch-user-add-nickname.json"),
            &[(PatchOpKind::Add, Some("nickName"))],
        ),
        (
            "user-legacy-multi-replace",
            include_str!("fixtures/entra/patch-user-legacy-multi-replace.json"),
            &[
                (PatchOpKind::Replace, Some("displayName")),
                (PatchOpKind::Replace, Some("emails[type eq \"work\"].value")),
                (PatchOpKind::Replace, Some("name.givenName")),
                (PatchOpKind::Replace, Some("name.familyName")),
                (PatchOpKind::Replace, Some("externalId")),
                (
                    PatchOpKind::Replace,
                    Some(
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                    ),
                ),
            ],
        ),
        (
            "user-flagged-multi-replace",
            include_str!("fixtures/entra/patch-user-flagged-multi-replace.json"),
            &[
                (PatchOpKind::Replace, Some("emails[type eq \"work\"].value")),
                (PatchOpKind::Replace, None),
            ],
        ),
        (
            "user-disable-legacy",
            include_str!("fixtures/entra/patch-user-disable-legacy.json"),
            &[(PatchOpKind::Replace, Some("active"))],
        ),
        (
            "user-disable-flagged",
            include_str!("fixtures/entra/patch-user-disable-flagged.json"),
            &[(PatchOpKind::Replace, Some("active"))],
        ),
        (
            "user-disable-tutorial",
            include_str!("fixtures/entra/patch-user-disable-tutorial.json"),
            &[(PatchOpKind::Replace, Some("active"))],
        ),
        (
            "user-manager-add-documented",
            include_str!("fixtures/entra/patch-user-manager-add-documented.json"),
            &[(PatchOpKind::Add, Some("manager"))],
        ),
        (
            "user-manager-add-observed",
            include_str!("fixtures/entra/patch-user-manager-add-observed.json"),
            &[(
                PatchOpKind::Add,
                Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"),
            )],
        ),
        (
            "user-manager-remove-observed",
            include_str!("fixtures/entra/patch-user-manager-remove-observed.json"),
            &[(
                PatchOpKind::Remove,
                Some("manager[value eq \"manager-id\"]"),
            )],
        ),
        (
            "user-roles-legacy",
            include_str!("fixtures/entra/patch-user-roles-legacy.json"),
            &[(PatchOpKind::Add, Some("roles"))],
        ),
        (
            "group-rename",
            include_str!("fixtures/entra/patch-group-rename.json"),
            &[(PatchOpKind::Replace, Some("displayName"))],
        ),
        (
            "group-add-member",
            include_str!("fixtures/entra/patch-group-add-member.json"),
            &[(PatchOpKind::Add, Some("members"))],
        ),
        (
            "group-remove-member-legacy",
            include_str!("fixtures/entra/patch-group-remove-member-legacy.json"),
            &[(PatchOpKind::Remove, Some("members"))],
        ),
        (
            "group-remove-member-flagged",
            include_str!("fixtures/entra/patch-group-remove-member-flagged.json"),
            &[(
                PatchOpKind::Remove,
                Some("members[value eq \"7f4bc1a3-285e-48ae-8202-5accb43efb0e\"]"),
            )],
        ),
        (
            "group-replace-members-reported",
            include_str!("fixtures/entra/patch-group-replace-members-reported.json"),
            &[(PatchOpKind::Replace, Some("members"))],
        ),
    ];
    for (name, text, expected) in cases {
        let patch: PatchOp = read(text);
        let got: Vec<(PatchOpKind, Option<&str>)> = patch
            .operations
            .iter()
            .map(|o| (o.op, o.path.as_deref()))
            .collect();
        assert_eq!(&got, expected, "{name}");
        assert_eq!(patch.schemas, [urn::PATCH_OP], "{name}");
        assert_round_trip(&patch, text);
    }
}

/// The group member value `{"$ref": null, "value": …}` (#group-members-add) reads as a typed member.
#[test]
fn member_with_null_ref_reads_as_group_member() {
    let patch: PatchOp = read(include_str!("fixtures/entra/patch-group-add-member.json"));
    let value = patch.operations[0].value.as_ref().unwrap();
    let members: Vec<scim2_types::GroupMember> = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(
        members,
        [scim2_types::GroupMember::new("f648f8d5ea4e4cd38e9c")]
    );
}

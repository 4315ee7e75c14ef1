//! The `entra` profile: Entra ID's provisioning requests in their own wire form
//! (docs/entra.md, from #headers to #flat-groups), each confirmed by a follow-up read.
//!
//! Every check creates its own users and groups (run-unique names), so checks share no state
//! and run concurrently.

use scim2_filter::select::get_ci;
use serde_json::Value;

use super::Check;
use crate::mapping::TargetPath;
use crate::model::{GroupModel, UserModel};
use crate::session::{CheckBody, CheckError, Cx, id_of, member_ids};
use crate::{ensure, fail};
use scim2_types::ResourceKind::{Group, User};

mod connection;
mod errors;
mod groups;
mod manager;
mod pagination;
mod patch;
mod probes;
mod users;

/// The `entra` checks, in report order (each declared beside its body).
#[must_use]
pub fn checks() -> Vec<Check> {
    vec![
        connection::CONN_USERS,
        connection::CONN_EXTERNAL_ID,
        connection::CONN_GROUPS,
        users::USER_CREATE,
        users::USER_MAPPING,
        users::USER_FIND_USERNAME,
        users::USER_FIND_EXTERNAL_ID,
        users::USER_DUPLICATE,
        patch::PATCH_REPLACE_LEGACY,
        patch::PATCH_REPLACE_FLAGGED,
        patch::PATCH_NEW_ELEMENT_LEGACY,
        patch::PATCH_NEW_ELEMENT_FLAGGED,
        patch::PATCH_TYPED_REPLACE_LEGACY,
        patch::PATCH_TYPED_REPLACE_FLAGGED,
        patch::NICKNAME_LEGACY,
        patch::NICKNAME_FLAGGED,
        manager::MANAGER_LEGACY,
        manager::MANAGER_FLAGGED,
        manager::MANAGER_REMOVE_FILTER,
        patch::DISABLE_LEGACY,
        patch::DISABLE_FLAGGED,
        patch::RENAME_LEGACY,
        patch::RENAME_FLAGGED,
        groups::GROUP_CREATE,
        groups::GROUP_DUPLICATE,
        groups::GROUP_FIND,
        groups::GROUP_GET,
        groups::MEMBERS_ADD_LEGACY,
        groups::MEMBERS_ADD_FLAGGED,
        groups::MEMBERS_REPEAT,
        groups::MEMBERS_REMOVE_LEGACY,
        groups::MEMBERS_REMOVE_FLAGGED,
        groups::GROUP_RENAME_LEGACY,
        groups::GROUP_RENAME_FLAGGED,
        groups::DELETED_USER_LEAVES,
        pagination::PAGINATION,
        errors::USER_DELETE,
        errors::GROUP_DELETE,
        errors::ERROR_NOT_FOUND,
        errors::ERROR_MALFORMED_JSON,
        errors::ERROR_INVALID_FILTER,
        probes::PROBE_REPLACE_MEMBERS,
        probes::PROBE_NESTED_GROUP,
    ]
}

// ---------------------------------------------------------------------------------------------
// Helpers

pub(super) fn tp(p: &str) -> TargetPath {
    // Paths in this file are literals of the mapping grammar (unit-tested below).
    TargetPath::parse(p).unwrap_or_else(|_| {
        TargetPath::from(scim2_filter::PatchPath::Attr(scim2_filter::AttrPath::new(
            p, None,
        )))
    })
}

pub(super) async fn read_user(cx: &Cx, id: &str) -> Result<Value, CheckError> {
    match cx.read(User, id, "").await? {
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
    cx.patch(User, id, ops).await.map(|_| ())
}

/// Applies `ops` to the group model, then sends them.
async fn patch_group(
    cx: &Cx,
    gid: &str,
    model: &mut GroupModel,
    ops: Value,
) -> Result<(), CheckError> {
    model.apply(&ops).map_err(CheckError::Error)?;
    cx.patch(Group, gid, ops).await.map(|_| ())
}

async fn read_members(cx: &Cx, gid: &str) -> Result<Vec<String>, CheckError> {
    let Some(g) = cx.read(Group, gid, "").await? else {
        fail!("GET /Groups/{gid} answered 404 for a group the run created")
    };
    if get_ci(&g, "members").is_some() {
        return Ok(member_ids(&g));
    }
    match cx.read(Group, gid, "attributes=members").await? {
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
    kind: scim2_types::ResourceKind,
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
}

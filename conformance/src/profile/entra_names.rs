//! Matching with names shaped like real directories: Entra ID finds users and groups with
//! `filter=<attr> eq "<value>"` on values taken from the directory as they are, and a wrong
//! answer either makes it create a duplicate (no match found) or stop with "Multiple entries
//! were found" (more than one match).
//!
//! The values come from [`crate::names`]: group names with spaces, apostrophes, double quotes
//! (escaped as `\"` in the filter), `&`, `/`, parentheses and non-ASCII letters; user principal
//! names with `'`, `-`, `_` and dots; external ids as GUIDs and as mail nicknames; and pairs
//! of values where one is a prefix of the other, created in the same check, with the
//! assertion that `eq` finds exactly the one resource. Every value starts with the run-unique
//! prefix.

use scim2_filter::select::get_ci;
use serde_json::{Value, json};

use super::entra::{expect_found, read_user};
use super::wire;
use super::{Check, check};
use crate::check::Requirement::Must;
use crate::dialect::Dialect::{self};
use crate::evidence::{ms, obs, rfc};
use crate::mapping::TargetPath;
use crate::names;
use crate::session::{CheckBody, CheckError, Cx, id_of, lit};
use crate::{ensure, fail};
use scim2_types::ResourceKind::{self, Group, User};

/// The checks on real-directory names.
#[must_use]
pub fn checks() -> Vec<Check> {
    vec![
        NAMES_LOOKUP_ABSENT,
        NAMES_FIND_USERS,
        NAMES_FIND_GROUPS,
        NAMES_RENAME_LEGACY,
        NAMES_RENAME_FLAGGED,
    ]
}

const GROUP_EXTRA: &str = "excludedAttributes=members";

/// Whether the mapping in use sends `attr` (a plain core attribute).
fn maps(cx: &Cx, attr: &str) -> bool {
    cx.session().mapping.rows.iter().any(|r| {
        r.target.uri.is_none()
            && r.target.sub_attr.is_none()
            && r.target.attr.eq_ignore_ascii_case(attr)
    })
}

/// Creates a user from the mapping with the given `userName` and (when mapped) `externalId`
/// and a plus-addressed work e-mail; returns its id.
async fn create_named_user(
    cx: &Cx,
    slug: &str,
    user_name: &str,
    external_id: &str,
) -> Result<String, CheckError> {
    let p = cx.person(slug);
    let mut body = cx.session().mapping.user_body(&p, None);
    body["userName"] = json!(user_name);
    if get_ci(&body, "externalId").is_some() {
        body["externalId"] = json!(external_id);
    }
    let work = TargetPath::parse("emails[type eq \"work\"].value")
        .map_err(|e| CheckError::Error(e.to_string()))?;
    if work.get(&body).is_some() {
        // The user's mail is its UPN, as in most directories: two users whose UPNs differ only
        // in the domain (`…@example.com`, `…@example.com.au`) have different mails too, so an
        // endpoint that keeps e-mail addresses unique accepts both.
        work.set(&mut body, json!(user_name))
            .map_err(|e| CheckError::Error(e.to_string()))?;
    }
    match cx.create(User, &body, user_name).await {
        Ok(created) => Ok(id_of(&created).unwrap_or_default()),
        // Is the name the cause, or does the endpoint refuse the mapping's users whatever
        // their name (then `entra.user.create` reports it, and this check is not reached)?
        Err(CheckError::Fail(m)) => match cx.create_user_subject(slug, None).await {
            Ok((id, _, _)) => {
                let _ = cx.delete(User, &id).await;
                Err(CheckError::Fail(m))
            }
            Err(e) => Err(crate::session::not_reached(
                "creating a user with the mapping",
                e,
            )),
        },
        Err(e) => Err(e),
    }
}

async fn create_named_group(cx: &Cx, name: &str) -> Result<String, CheckError> {
    let body = json!({
        "schemas": [scim2_types::urn::GROUP],
        "externalId": cx.guid(),
        "displayName": name,
        "members": [],
        "meta": {"resourceType": "Group"},
    });
    let created = cx.create(Group, &body, name).await?;
    Ok(id_of(&created).unwrap_or_default())
}

async fn find(
    cx: &Cx,
    kind: ResourceKind,
    attr: &str,
    value: &str,
    want: &[&str],
) -> Result<Vec<Value>, CheckError> {
    let extra = if kind == Group { GROUP_EXTRA } else { "" };
    expect_found(cx, kind, &format!("{attr} eq {}", lit(value)), extra, want).await
}

/// `entra.names.lookup-absent`.
const NAMES_LOOKUP_ABSENT: Check = check!(lookup_absent, "entra.names.lookup-absent", "connection", Must,
    "Looking up real-directory names not yet provisioned (spaces, quotes, &, /, parentheses, non-ASCII) gives 200 and an empty ListResponse",
    docs: Some("matching-values"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        obs("https://github.com/audriga/scim-server-php/issues/1"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/913"),
        rfc(7644, "3.4.2.2", Must),
    ],
    faults: [EscapedQuoteRejected, SpaceInValueRejected],
    writes: false, dialect: None, needs: [Filter]);

async fn lookup_absent(cx: Cx) -> CheckBody {
    let base = cx.unique("absent");
    let mut queries: Vec<(ResourceKind, &str, String)> = vec![
        (User, "userName", names::upn(&base, 0, "example.com")),
        (User, "externalId", names::mail_nickname(&base, 1)),
        (User, "externalId", cx.guid()),
    ];
    for k in 0..names::GROUP_SUFFIXES.len() {
        queries.push((Group, "displayName", names::group_name(&base, k)));
    }
    for (kind, attr, value) in queries {
        let filter = format!("{attr} eq {}", lit(&value));
        let extra = if kind == Group { GROUP_EXTRA } else { "" };
        let l = cx.query(kind, &filter, extra).await.map_err(|e| match e {
            CheckError::Fail(m) => CheckError::Fail(format!(
                "{m}; Entra looks {attr} {value:?} up before creating it and cannot go on"
            )),
            o => o,
        })?;
        ensure!(
            l.resources.is_empty() && l.total.unwrap_or(0) == 0,
            "filter {filter} for a value nothing holds returned {} resource(s)",
            l.resources.len()
        );
    }
    Ok(())
}

/// `entra.names.find.users`.
const NAMES_FIND_USERS: Check = check!(find_users, "entra.names.find.users", "users", Must,
    "userName and externalId eq find exactly one user when another user's value starts with it",
    docs: Some("matching-values"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        obs("https://github.com/FusionAuth/fusionauth-issues/issues/3111"),
        rfc(7644, "3.4.2.2", Must),
    ],
    faults: [EqMatchesPrefix],
    writes: true, dialect: None, needs: [Filter]);

async fn find_users(cx: Cx) -> CheckBody {
    let base = cx.unique("nu");
    // `a` is a prefix of `b` in userName and in externalId; `b` is created first, so that an
    // endpoint returning the first match by accident cannot pass.
    let a_name = names::upn(&base, 1, "example.com");
    let b_name = names::upn(&base, 1, "example.com.au");
    let a_ext = names::mail_nickname(&base, 1);
    let b_ext = format!("{a_ext}{}", names::LONGER_SUFFIX);
    let c_name = names::upn(&base, 0, "example.com");
    let c_ext = cx.guid();
    let b = create_named_user(&cx, "nu", &b_name, &b_ext).await?;
    let a = create_named_user(&cx, "nu", &a_name, &a_ext).await?;
    let c = create_named_user(&cx, "nu", &c_name, &c_ext).await?;
    find(&cx, User, "userName", &a_name, &[&a]).await?;
    find(&cx, User, "userName", &b_name, &[&b]).await?;
    find(&cx, User, "userName", &c_name, &[&c]).await?;
    if maps(&cx, "externalId") {
        find(&cx, User, "externalId", &a_ext, &[&a]).await?;
        find(&cx, User, "externalId", &c_ext, &[&c]).await?;
    }
    let got = read_user(&cx, &c).await?;
    let un = get_ci(&got, "userName").and_then(Value::as_str);
    ensure!(
        un == Some(c_name.as_str()),
        "GET /Users/{c}: userName {un:?}, sent {c_name:?}"
    );
    Ok(())
}

/// `entra.names.find.groups`.
const NAMES_FIND_GROUPS: Check = check!(find_groups, "entra.names.find.groups", "groups", Must,
    "displayName eq finds exactly one group for real-directory names and for a name that another group's name starts with",
    docs: Some("matching-values"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        obs("https://github.com/FusionAuth/fusionauth-issues/issues/3111"),
        obs("https://github.com/audriga/scim-server-php/issues/1"),
        obs("https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/913"),
        rfc(7644, "3.4.2.2", Must),
    ],
    faults: [EqMatchesPrefix, EscapedQuoteRejected, SpaceInValueRejected],
    writes: true, dialect: None, needs: [Filter]);

async fn find_groups(cx: Cx) -> CheckBody {
    let base = cx.unique("ng");
    let short = format!("{base}-sales");
    let long = format!("{short}{}", names::LONGER_SUFFIX);
    let long_id = create_named_group(&cx, &long).await?;
    let short_id = create_named_group(&cx, &short).await?;
    let mut made = vec![(short, short_id), (long, long_id)];
    for k in 0..names::GROUP_SUFFIXES.len() {
        let name = names::group_name(&base, k);
        let id = create_named_group(&cx, &name).await?;
        made.push((name, id));
    }
    for (name, id) in &made {
        let found = find(&cx, Group, "displayName", name, &[id]).await?;
        let dn = found
            .first()
            .and_then(|g| get_ci(g, "displayName"))
            .and_then(Value::as_str);
        ensure!(
            dn == Some(name.as_str()),
            "the group found by displayName eq {} has displayName {dn:?}",
            lit(name)
        );
    }
    Ok(())
}

/// `entra.names.rename.legacy`.
const NAMES_RENAME_LEGACY: Check = check!(rename, "entra.names.rename.legacy", "groups", Must,
    "\"Replace\" renames into real-directory names: found under the new name only, also when names are prefixes of each other",
    docs: Some("matching-values"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        obs("https://github.com/FusionAuth/fusionauth-issues/issues/3111"),
        rfc(7644, "3.4.2.2", Must),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [EqMatchesPrefix, EscapedQuoteRejected, SpaceInValueRejected, RenameNotApplied, RejectCapitalizedOps],
    writes: true, dialect: Legacy, needs: [Filter, Patch]);

/// `entra.names.rename.flagged`.
const NAMES_RENAME_FLAGGED: Check = check!(rename, "entra.names.rename.flagged", "groups", Must,
    "\"replace\" renames into real-directory names: found under the new name only, also when names are prefixes of each other",
    docs: Some("matching-values"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility"),
        obs("https://github.com/FusionAuth/fusionauth-issues/issues/3111"),
        rfc(7644, "3.4.2.2", Must),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [EqMatchesPrefix, EscapedQuoteRejected, SpaceInValueRejected, RenameNotApplied],
    writes: true, dialect: Flagged, needs: [Filter, Patch]);

async fn rename(cx: Cx, d: Dialect) -> CheckBody {
    // Groups: `old` is a prefix of the new name and of another group's name.
    let base = cx.unique("nr");
    let old = format!("{base}-sales");
    let other = format!("{old}{}", names::LONGER_SUFFIX);
    let new = format!("{old} R&D \"Nord\" / Ops (Zürich)");
    let other_id = create_named_group(&cx, &other).await?;
    let gid = create_named_group(&cx, &old).await?;
    cx.patch(Group, &gid, wire::rename(d, "displayName", &new))
        .await?;
    let Some(g) = cx.read(Group, &gid, GROUP_EXTRA).await? else {
        fail!("GET /Groups/{gid} answered 404 after the rename")
    };
    let dn = get_ci(&g, "displayName").and_then(Value::as_str);
    ensure!(
        dn == Some(new.as_str()),
        "after the rename, GET /Groups/{gid} has displayName {dn:?}; expected {new:?}"
    );
    find(&cx, Group, "displayName", &new, &[&gid]).await?;
    find(&cx, Group, "displayName", &old, &[]).await?;
    find(&cx, Group, "displayName", &other, &[&other_id]).await?;
    // Users: renamed to a UPN with `'` and `_` that another user's userName starts with.
    let ubase = cx.unique("nr");
    let new_name = names::upn(&ubase, 0, "example.com");
    let other_user = names::upn(&ubase, 0, "example.com.au");
    let old_name = format!("{ubase}@example.com");
    let v = create_named_user(&cx, "nr", &other_user, &names::mail_nickname(&ubase, 2)).await?;
    let u = create_named_user(&cx, "nr", &old_name, &ubase).await?;
    cx.patch(User, &u, wire::rename(d, "userName", &new_name))
        .await?;
    find(&cx, User, "userName", &new_name, &[&u]).await?;
    find(&cx, User, "userName", &old_name, &[]).await?;
    find(&cx, User, "userName", &other_user, &[&v]).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_escape_quotes_as_json() {
        let f = format!("displayName eq {}", lit(&names::group_name("p-g1", 3)));
        assert_eq!(f, r#"displayName eq "p-g1 \"Quality\" Support""#);
        assert!(scim2_filter::Filter::parse(&f).is_ok());
        assert_eq!(checks().len(), 5);
    }
}

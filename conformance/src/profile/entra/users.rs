//! Users: create with the default mapping, read back, find by userName and externalId, duplicates (docs/entra.md#user-create).

use serde_json::Value;

use super::{expect_found, read_user};
use crate::check::Requirement::Must;
use crate::evidence::{ms, obs, rfc};
use crate::model::UserModel;
use crate::profile::{Check, check};
use crate::session::{CheckBody, CheckError, Cx, id_of, lit};
use crate::transport::WireRequest;
use crate::{ensure, fail};
use scim2_filter::select::get_ci;
use scim2_types::ResourceKind::User;

/// `entra.user.create`.
pub(super) const USER_CREATE: Check = check!(user_create, "entra.user.create", "users", Must,
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
    faults: [WrongContentType, RejectCharsetContentType],
    writes: true, dialect: None, needs: []);

async fn user_create(cx: Cx) -> CheckBody {
    let p = cx.person("u");
    let body = cx.session().mapping.user_body(&p, None);
    let r = cx
        .send(WireRequest::new("POST", "/Users").scim_json(&body))
        .await?;
    let created = r.json.clone().unwrap_or(Value::Null);
    if let Some(id) = id_of(&created) {
        cx.session().journal.created(User, &id, &p.user_name());
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
    let Some(_) = cx.read(User, &id, "").await? else {
        fail!("GET /Users/{id} answered 404 right after the create")
    };
    Ok(())
}

/// `entra.user.mapping`.
pub(super) const USER_MAPPING: Check = check!(user_mapping, "entra.user.mapping", "users", Must,
    "Every mapped attribute reads back exactly as sent",
    docs: Some("read-back"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes"),
        obs("https://github.com/MicrosoftDocs/azure-docs/issues/11784"),
        obs("https://github.com/Budibase/budibase/issues/15369"),
    ],
    faults: [ActiveAsString],
    writes: true, dialect: None, needs: []);

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

/// `entra.user.find.username`.
pub(super) const USER_FIND_USERNAME: Check = check!(user_find_username, "entra.user.find.username", "users", Must,
    "Find the user by userName eq in another letter case",
    docs: Some("user-matching"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes"),
        ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/Microsoft.SCIM.WebHostSample/Provider/InMemoryUserProvider.cs"),
        rfc(7644, "3.4.2.2", Must),
    ],
    faults: [CaseSensitiveFilter],
    writes: true, dialect: None, needs: [Filter]);

async fn user_find_username(cx: Cx) -> CheckBody {
    let (id, _, p) = cx.create_user("find", None).await?;
    let other_case = swap_case(&p.user_name());
    expect_found(
        &cx,
        User,
        &format!("userName eq {}", lit(&other_case)),
        "",
        &[&id],
    )
    .await?;
    Ok(())
}

/// `entra.user.find.externalid`.
pub(super) const USER_FIND_EXTERNAL_ID: Check = check!(user_find_external_id, "entra.user.find.externalid", "users", Must,
    "Find the user by externalId eq",
    docs: Some("user-matching"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        obs("https://github.com/OctopusDeploy/Issues/issues/9841"),
        obs("https://github.com/langwatch/langwatch/issues/6973"),
        rfc(7644, "3.4.2", Must),
    ],
    faults: [ExternalidFilterIgnored],
    writes: true, dialect: None, needs: [Filter]);

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
        User,
        &format!("externalId eq {}", lit(&ext)),
        "",
        &[&id],
    )
    .await?;
    Ok(())
}

/// `entra.user.duplicate`.
pub(super) const USER_DUPLICATE: Check = check!(user_duplicate, "entra.user.duplicate", "users", Must,
    "A second POST with the same userName gives 409",
    docs: Some("user-create"), sends: true,
    sources: [
        ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/PostmanCollection.json"),
        ms("https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs"),
        rfc(7644, "3.3", Must),
    ],
    faults: [DuplicateUsernameAccepted],
    writes: true, dialect: None, needs: []);

async fn user_duplicate(cx: Cx) -> CheckBody {
    let (_, body, p) = cx.create_user("dup", None).await?;
    let r = cx
        .send(WireRequest::new("POST", "/Users").scim_json(&body))
        .await?;
    if let (true, Some(id)) = (
        (200..300).contains(&r.status()),
        r.json.as_ref().and_then(id_of),
    ) {
        cx.session().journal.created(User, &id, &p.user_name());
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

#[cfg(test)]
mod tests {
    use super::swap_case;

    #[test]
    fn swap_case_swaps_every_letter() {
        assert_eq!(swap_case("Ab@x.COM"), "aB@X.com");
    }
}

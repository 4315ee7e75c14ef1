//! Deletes and error responses: 404 after delete, SCIM error bodies (RFC 7644 §3.12).

use serde_json::Value;

use crate::check::Requirement::Must;
use crate::ensure;
use crate::evidence::{ms, rfc};
use crate::profile::{Check, check};
use crate::session::{CheckBody, Cx, enc, enc_path, id_of, is_scim_error};
use crate::transport::WireRequest;
use scim2_filter::select::get_ci;
use scim2_types::ResourceKind::{Group, User};

async fn deleted_then_404(
    cx: &Cx,
    kind: scim2_types::ResourceKind,
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
    let g = cx
        .get(&format!("{}/{}", kind.endpoint(), enc_path(id)))
        .await?;
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

/// `entra.user.delete`.
pub(super) const USER_DELETE: Check = check!(user_delete, "entra.user.delete", "delete", Must,
    "DELETE a user: 204, then GET gives 404 with a SCIM Error body",
    docs: Some("user-delete"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
        rfc(7644, "3.6", Must),
        rfc(7644, "3.12", Must),
    ],
    faults: [No404AfterDelete, ErrorBodyNotScim],
    writes: true, dialect: None, needs: []);

async fn user_delete(cx: Cx) -> CheckBody {
    let (id, _) = cx.create_plain_user("del").await?;
    deleted_then_404(&cx, User, &id, true).await
}

/// `entra.group.delete`.
pub(super) const GROUP_DELETE: Check = check!(group_delete, "entra.group.delete", "delete", Must,
    "DELETE a group: 204, then GET gives 404",
    docs: Some("group-delete"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        rfc(7644, "3.6", Must),
    ],
    faults: [No404AfterDelete],
    writes: true, dialect: None, needs: []);

async fn group_delete(cx: Cx) -> CheckBody {
    let (id, _) = cx.create_group("gdel").await?;
    deleted_then_404(&cx, Group, &id, false).await
}

/// `entra.error.not-found`.
pub(super) const ERROR_NOT_FOUND: Check = check!(error_not_found, "entra.error.not-found", "errors", Must,
    "GET of an unknown id gives 404 with a SCIM Error body",
    docs: Some("errors"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs"),
        rfc(7644, "3.12", Must),
    ],
    faults: [ErrorBodyNotScim],
    writes: false, dialect: None, needs: []);

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

/// `entra.error.malformed-json`.
pub(super) const ERROR_MALFORMED_JSON: Check = check!(error_malformed_json, "entra.error.malformed-json", "errors", Should / Must,
    "Malformed JSON gives 400 (scimType invalidSyntax)",
    docs: Some("errors"), sends: false,
    sources: [
        ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/PostmanCollection.json"),
        rfc(7644, "3.12", Must),
    ],
    faults: [MalformedJson500],
    writes: true, dialect: None, needs: []);

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
        cx.session().journal.created(User, &id, "malformed");
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

/// `entra.error.invalid-filter`.
pub(super) const ERROR_INVALID_FILTER: Check = check!(error_invalid_filter, "entra.error.invalid-filter", "errors", Should / Must,
    "An invalid filter gives 400 with scimType invalidFilter",
    docs: Some("errors"), sends: false,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        rfc(7644, "3.4.2.2", Must),
        rfc(7644, "3.12", Must),
    ],
    faults: [InvalidFilter500],
    writes: false, dialect: None, needs: [Filter]);

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

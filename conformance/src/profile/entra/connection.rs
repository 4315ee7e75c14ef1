//! Test Connection: the queries Entra sends before provisioning (docs/entra.md#test-connection).

use crate::check::Requirement::Must;
use crate::evidence::{ms, obs, rfc};
use crate::profile::{Check, check};
use crate::session::{CheckBody, Cx, enc, listed, lit};
use crate::transport::WireRequest;
use crate::{ensure, fail};
use scim2_types::ResourceKind::{Group, User};

async fn empty_query(
    cx: &Cx,
    kind: scim2_types::ResourceKind,
    attr: &str,
    extra: &str,
) -> CheckBody {
    let guid = cx.guid();
    let filter = format!("{attr} eq {}", lit(&guid));
    let mut path = format!("{}?", kind.endpoint());
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

/// `entra.connection.users`.
pub(super) const CONN_USERS: Check = check!(conn_users, "entra.connection.users", "connection", Must,
    "Test Connection: filter on a random userName gives 200 and an empty ListResponse",
    docs: Some("test-connection"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/app-gallery-user-provisioning-requirements"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status"),
        obs("https://github.com/MicrosoftDocs/azure-docs/issues/94189"),
        rfc(7644, "3.4.2", Must),
    ],
    faults: [NotFoundOnEmptyQuery, RequireAcceptHeader, RequireUserAgent, WrongContentType],
    writes: false, dialect: None, needs: [Filter]);

async fn conn_users(cx: Cx) -> CheckBody {
    let attr = cx
        .session()
        .mapping
        .matching_rows()
        .first()
        .map_or_else(|| "userName".to_owned(), |r| r.target.to_string());
    empty_query(&cx, User, &attr, "").await
}

/// `entra.connection.externalid`.
pub(super) const CONN_EXTERNAL_ID: Check = check!(conn_external_id, "entra.connection.externalid", "connection", Must,
    "Test Connection on externalId gives 200 and an empty ListResponse",
    docs: Some("test-connection"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes"),
        obs("https://github.com/OctopusDeploy/Issues/issues/9841"),
        obs("https://github.com/langwatch/langwatch/issues/6973"),
        rfc(7644, "3.4.2", Must),
    ],
    faults: [NotFoundOnEmptyQuery],
    writes: false, dialect: None, needs: [Filter]);

async fn conn_external_id(cx: Cx) -> CheckBody {
    empty_query(&cx, User, "externalId", "").await
}

/// `entra.connection.groups`.
pub(super) const CONN_GROUPS: Check = check!(conn_groups, "entra.connection.groups", "connection", Must,
    "Group probe: displayName filter with excludedAttributes=members gives an empty ListResponse",
    docs: Some("test-connection"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        obs("https://stackoverflow.com/questions/42662303"),
        rfc(7644, "3.4.2", Must),
        rfc(7644, "3.4.2.5", Must),
    ],
    faults: [NotFoundOnEmptyQuery],
    writes: false, dialect: None, needs: [Filter]);

async fn conn_groups(cx: Cx) -> CheckBody {
    empty_query(&cx, Group, "displayName", "excludedAttributes=members").await
}

//! The `rfc7644` profile: protocol checks Entra does not need (RFC 7644): discovery, filter
//! operators, pagination invariants, sorting, projection, PUT, `/.search`, `meta`, ETags and
//! token checking.

use serde_json::{Value, json};

use super::entra::{expect_found, read_user};
use super::{Check, check};
use crate::check::Requirement::{May, Must};
use crate::evidence::{ms, rfc};
use crate::session::{CheckBody, CheckError, Cx, enc, enc_path, id_of, listed, lit, not_reached};
use crate::transport::WireRequest;
use crate::{ensure, fail};
use scim2_filter::select::get_ci;
use scim2_types::ResourceKind::{Group, User};

/// The `rfc7644` checks (in addition to the `entra` ones).
#[must_use]
pub fn checks() -> Vec<Check> {
    vec![
        DISCOVERY_SERVICE_PROVIDER_CONFIG,
        DISCOVERY_RESOURCE_TYPES,
        DISCOVERY_SCHEMAS,
        FILTER_EQ_CASE_INSENSITIVE,
        FILTER_OPERATORS,
        PAGINATION_INVARIANTS,
        SORT,
        PROJECTION,
        PUT,
        SEARCH,
        META,
        ETAG,
        AUTH_WRONG_TOKEN,
    ]
}

fn json_type(r: &crate::session::Resp) -> CheckBody {
    ensure!(
        r.is_json_type(),
        "GET {} answered Content-Type {:?}; expected application/scim+json (RFC 7644 §3.1, §8.1)",
        r.url,
        r.wire.header("content-type").unwrap_or("none")
    );
    Ok(())
}

fn schemas_has(v: &Value, urn: &str) -> bool {
    get_ci(v, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|s| s.as_str() == Some(urn)))
}

/// `rfc7644.discovery.service-provider-config`.
const DISCOVERY_SERVICE_PROVIDER_CONFIG: Check = check!(discovery_spc, "rfc7644.discovery.service-provider-config", "discovery", Must,
    "GET /ServiceProviderConfig describes patch, bulk, filter, changePassword, sort, etag and authenticationSchemes",
    docs: None, sends: false,
    sources: [
        rfc(7644, "4", Must),
    ],
    faults: [WrongContentType],
    writes: false, dialect: None, needs: []);

async fn discovery_spc(cx: Cx) -> CheckBody {
    let r = cx.get("/ServiceProviderConfig").await?;
    ensure!(r.status() == 200, "GET {} answered {}", r.url, r.status());
    json_type(&r)?;
    let b = r.body()?;
    ensure!(
        schemas_has(b, scim2_types::urn::SERVICE_PROVIDER_CONFIG),
        "GET {}: schemas lacks {}",
        r.url,
        scim2_types::urn::SERVICE_PROVIDER_CONFIG
    );
    let missing: Vec<&str> = [
        "patch",
        "bulk",
        "filter",
        "changePassword",
        "sort",
        "etag",
        "authenticationSchemes",
    ]
    .into_iter()
    .filter(|k| get_ci(b, k).is_none())
    .collect();
    ensure!(
        missing.is_empty(),
        "GET {}: missing REQUIRED members {missing:?} (RFC 7643 §5)",
        r.url
    );
    Ok(())
}

async fn list_ids(cx: &Cx, path: &str) -> Result<Vec<String>, CheckError> {
    let r = cx.get(path).await?;
    ensure!(r.status() == 200, "GET {} answered {}", r.url, r.status());
    json_type(&r)?;
    let Some(l) = listed(r.body()?) else {
        fail!("GET {} did not return a ListResponse", r.url)
    };
    Ok(l.resources.iter().filter_map(id_of).collect())
}

/// `rfc7644.discovery.resource-types`.
const DISCOVERY_RESOURCE_TYPES: Check = check!(discovery_resource_types, "rfc7644.discovery.resource-types", "discovery", Must,
    "GET /ResourceTypes lists User and Group",
    docs: None, sends: false,
    sources: [
        rfc(7644, "4", Must),
    ],
    faults: [WrongContentType],
    writes: false, dialect: None, needs: []);

async fn discovery_resource_types(cx: Cx) -> CheckBody {
    let r = cx.get("/ResourceTypes").await?;
    ensure!(r.status() == 200, "GET {} answered {}", r.url, r.status());
    json_type(&r)?;
    let b = r.body()?;
    let items: Vec<Value> = match listed(b) {
        Some(l) => l.resources,
        None => b.as_array().cloned().unwrap_or_default(),
    };
    for want in ["User", "Group"] {
        ensure!(
            items
                .iter()
                .any(|t| get_ci(t, "name").and_then(Value::as_str) == Some(want)),
            "GET {}: no resource type named {want}",
            r.url
        );
    }
    Ok(())
}

/// `rfc7644.discovery.schemas`.
const DISCOVERY_SCHEMAS: Check = check!(discovery_schemas, "rfc7644.discovery.schemas", "discovery", Must,
    "GET /Schemas lists the core User and Group schemas and the enterprise extension",
    docs: Some("discovery"), sends: false,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/app-gallery-user-provisioning-requirements"),
        ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/Microsoft.SCIM.LogicAppValidationTemplate/StandardLogicApp/SCIM-Validation-Test-Overview.md"),
        rfc(7644, "4", Must),
    ],
    faults: [WrongContentType],
    writes: false, dialect: None, needs: []);

async fn discovery_schemas(cx: Cx) -> CheckBody {
    let ids = list_ids(&cx, "/Schemas").await?;
    // /Schemas lists the schemas the endpoint supports (RFC 7644 §4): the Enterprise User
    // extension only when /ResourceTypes declares it for User (RFC 7643 §6).
    let mut wanted = vec![scim2_types::urn::USER, scim2_types::urn::GROUP];
    if cx
        .session()
        .declares_user_extension(scim2_types::urn::ENTERPRISE_USER)
        .await
        == Some(true)
    {
        wanted.push(scim2_types::urn::ENTERPRISE_USER);
    }
    for urn in wanted {
        ensure!(
            ids.iter().any(|i| i == urn),
            "GET /Schemas does not list {urn} (it lists {ids:?})"
        );
    }
    Ok(())
}

/// A user with core attributes only (RFC 7643 §4.1: userName, name, displayName, active,
/// externalId, a work e-mail, and `title` when the endpoint's /Schemas offers it), created as a
/// prerequisite. RFC checks do not depend on Entra's mapping or the Enterprise extension, which
/// an endpoint may leave out (RFC 7643 §3). Returns `(id, body sent, userName)`.
async fn core_user(cx: &Cx, slug: &str) -> Result<(String, Value, String), CheckError> {
    let base = cx.unique(slug);
    let user_name = format!("{base}@example.com");
    let mut body = json!({
        "schemas": [scim2_types::urn::USER],
        "userName": user_name,
        "externalId": base,
        "name": {"givenName": "Test", "familyName": base, "formatted": format!("Test {base}")},
        "displayName": format!("{base} Test"),
        "active": true,
        "emails": [{"type": "work", "value": user_name, "primary": true}],
    });
    if cx.session().offers_user_attr("title").await {
        body["title"] = json!("Senior Engineer");
    }
    let created = cx
        .create(User, &body, &user_name)
        .await
        .map_err(|e| not_reached("creating a user with core attributes", e))?;
    Ok((id_of(&created).unwrap_or_default(), body, user_name))
}

/// Skips (never fails) when the endpoint's /Schemas does not offer a core User attribute the
/// check needs: filtering on an attribute the endpoint does not have may answer 400
/// invalidFilter (RFC 7644 §3.4.2.2, Table 9).
async fn require_attrs(cx: &Cx, attrs: &[&str]) -> CheckBody {
    for a in attrs {
        if !cx.session().offers_user_attr(a).await {
            return Err(CheckError::Skip(format!(
                "the endpoint's /Schemas does not offer the User attribute {a}, which this check filters on"
            )));
        }
    }
    Ok(())
}

/// `rfc7644.filter.eq.case-insensitive`.
const FILTER_EQ_CASE_INSENSITIVE: Check = check!(filter_eq_case, "rfc7644.filter.eq.case-insensitive", "filter", Must,
    "eq on a caseExact=false attribute (title) matches in another letter case",
    docs: None, sends: false,
    sources: [
        rfc(7644, "3.4.2.2", Must),
    ],
    faults: [CaseSensitiveFilter],
    writes: true, dialect: None, needs: [Filter]);

async fn filter_eq_case(cx: Cx) -> CheckBody {
    require_attrs(&cx, &["title"]).await?;
    let (id, body, user_name) = core_user(&cx, "fc").await?;
    let Some(title) = get_ci(&body, "title").and_then(Value::as_str) else {
        return Err(CheckError::Error("the created user has no title".into()));
    };
    let flipped: String = title
        .chars()
        .map(|c| {
            if c.is_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let f = format!(
        "userName eq {} and title eq {}",
        lit(&user_name),
        lit(&flipped)
    );
    expect_found(&cx, User, &f, "", &[&id]).await?;
    Ok(())
}

/// `rfc7644.filter.operators`.
const FILTER_OPERATORS: Check = check!(filter_operators, "rfc7644.filter.operators", "filter", Must,
    "Every filter operator (eq ne co sw ew pr gt ge lt le, and/or/not, value paths) selects what the model selects",
    docs: None, sends: false,
    sources: [
        rfc(7644, "3.4.2.2", Must),
    ],
    faults: [CaseSensitiveFilter],
    writes: true, dialect: None, needs: [Filter]);

async fn filter_operators(cx: Cx) -> CheckBody {
    require_attrs(&cx, &["title", "nickName", "emails"]).await?;
    let stem = cx.unique("fo");
    let people = [
        ("a", "Alpha Engineer", true, Some("zoe.a@example.com"), None),
        (
            "b",
            "Beta Manager",
            false,
            Some("b.b@contoso.example.com"),
            Some("Bee"),
        ),
        ("c", "Gamma engineer", true, None, Some("Cee")),
    ];
    let mut docs = Vec::new();
    for (tag, title, active, email, nick) in people {
        let user_name = format!("{stem}{tag}@example.com");
        let mut body = json!({"schemas": [scim2_types::urn::USER], "userName": user_name, "externalId": format!("{stem}{tag}"),
            "name": {"givenName": "Test", "familyName": format!("{stem}{tag}"), "formatted": format!("Test {stem}{tag}")},
            "title": title, "active": active, "displayName": format!("{stem}{tag} Zoë")});
        if let Some(e) = email {
            body["emails"] = json!([{"type": "work", "value": e}]);
        }
        if let Some(n) = nick {
            body["nickName"] = json!(n);
        }
        let created = cx
            .create(User, &body, &user_name)
            .await
            .map_err(|e| not_reached("creating the three users", e))?;
        body["id"] = json!(id_of(&created).unwrap_or_default());
        docs.push(body);
    }
    // Scope every filter to the run's three users, so that the operator under test is the only
    // thing that can fail: `userName sw` when the endpoint supports it, else eq/or with grouping.
    let mut all: Vec<String> = docs.iter().filter_map(id_of).collect();
    all.sort();
    let either = docs
        .iter()
        .filter_map(|d| get_ci(d, "userName").and_then(Value::as_str))
        .map(|u| format!("userName eq {}", lit(u)))
        .collect::<Vec<_>>()
        .join(" or ");
    let mut scope = None;
    let mut tried = Vec::new();
    for candidate in [format!("userName sw {}", lit(&stem)), format!("({either})")] {
        let probe = format!("{candidate} and (userName pr)");
        let r = cx.get(&format!("/Users?filter={}", enc(&probe))).await?;
        let mut got: Vec<String> = match (r.status(), r.json.as_ref().and_then(listed)) {
            (200, Some(l)) => l.resources.iter().filter_map(id_of).collect(),
            _ => Vec::new(),
        };
        got.sort();
        if got == all {
            scope = Some(candidate);
            break;
        }
        tried.push(format!("{probe} answered {} with {got:?}", r.status()));
    }
    let Some(scope) = scope else {
        fail!(
            "no filter restricts a query to the run's three users {all:?} (RFC 7644 §3.4.2.2 sw, or, and grouping): {}",
            tried.join("; ")
        )
    };
    let filters = [
        "title eq \"alpha engineer\"".to_owned(),
        "title ne \"Beta Manager\"".to_owned(),
        "title co \"ENGINEER\"".to_owned(),
        "title sw \"gam\"".to_owned(),
        "title ew \"MANAGER\"".to_owned(),
        "nickName pr".to_owned(),
        format!("userName gt {}", lit(&format!("{stem}b"))),
        format!("userName ge {}", lit(&format!("{stem}b@example.com"))),
        format!("userName lt {}", lit(&format!("{stem}b"))),
        format!("userName le {}", lit(&format!("{stem}b@example.com"))),
        "active eq false".to_owned(),
        "title co \"engineer\" and active eq true".to_owned(),
        "title ew \"manager\" or nickName eq \"cee\"".to_owned(),
        "not (title co \"engineer\")".to_owned(),
        "emails[type eq \"work\" and value co \"CONTOSO\"]".to_owned(),
        "emails.value ew \"@example.com\"".to_owned(),
    ];
    let mut wrong = Vec::new();
    for f in &filters {
        let full = format!("{scope} and ({f})");
        let parsed = scim2_filter::Filter::parse(&full)
            .map_err(|e| CheckError::Error(format!("the model cannot parse {full}: {e}")))?;
        let mut want: Vec<String> = docs
            .iter()
            .filter(|d| parsed.matches(d))
            .filter_map(id_of)
            .collect();
        want.sort();
        let r = cx.get(&format!("/Users?filter={}", enc(&full))).await?;
        if r.status() != 200 {
            wrong.push(format!(
                "{f}: answered {}{}",
                r.status(),
                crate::session::error_detail(r.json.as_ref())
            ));
            continue;
        }
        let Some(l) = listed(r.body()?) else {
            fail!("GET {} did not return a ListResponse", r.url)
        };
        let mut got: Vec<String> = l.resources.iter().filter_map(id_of).collect();
        got.sort();
        if got != want {
            wrong.push(format!("{f}: found {got:?}, expected {want:?}"));
        }
    }
    ensure!(
        wrong.is_empty(),
        "{} of {} filters select the wrong users: {}",
        wrong.len(),
        filters.len(),
        wrong.join("; ")
    );
    Ok(())
}

async fn create_batch(cx: &Cx, n: usize) -> Result<(String, Vec<(String, String)>), CheckError> {
    let stem = cx.unique("pb");
    let mut out = Vec::new();
    for i in 0..n {
        let base = format!(
            "{stem}x{}",
            (b'a' + u8::try_from(i % 26).unwrap_or(0)) as char
        );
        let user_name = format!("{base}@example.com");
        let body = json!({"schemas": [scim2_types::urn::USER], "userName": user_name, "externalId": base,
            "name": {"givenName": "Test", "familyName": base, "formatted": format!("Test {base}")}, "active": true});
        let created = cx
            .create(User, &body, &user_name)
            .await
            .map_err(|e| not_reached("creating the users to page over", e))?;
        out.push((id_of(&created).unwrap_or_default(), user_name));
    }
    Ok((format!("userName sw {}", lit(&format!("{stem}x"))), out))
}

/// `rfc7644.pagination.invariants`.
const PAGINATION_INVARIANTS: Check = check!(pagination_invariants, "rfc7644.pagination.invariants", "pagination", Must,
    "Pages of count=3 concatenate to the full result; totalResults is the match count; count=0 gives no resources",
    docs: None, sends: false,
    sources: [
        rfc(7644, "3.4.2.4", Must),
    ],
    faults: [IgnoreStartIndex, IgnoreCount, TotalResultsIsPageSize],
    writes: true, dialect: None, needs: [Filter]);

async fn pagination_invariants(cx: Cx) -> CheckBody {
    const N: usize = 7;
    let (filter, users) = create_batch(&cx, N).await?;
    let mut seen = Vec::new();
    let mut start = 1;
    while start <= N {
        let path = format!("/Users?filter={}&startIndex={start}&count=3", enc(&filter));
        let r = cx.get(&path).await?;
        if r.status() == 400 && start == 1 {
            return Err(CheckError::Skip(format!(
                "the endpoint rejects the `sw` filter used to page over the run's own users only ({})",
                r.url
            )));
        }
        ensure!(r.status() == 200, "GET {} answered {}", r.url, r.status());
        let Some(l) = listed(r.body()?) else {
            fail!("GET {} did not return a ListResponse", r.url)
        };
        ensure!(
            l.total == Some(N as u64),
            "GET {}: totalResults {:?}, expected {N} (the number of matches, not the page size)",
            r.url,
            l.total
        );
        let want = N.saturating_sub(start - 1).min(3);
        ensure!(
            l.resources.len() == want,
            "GET {}: {} resources, expected {want}",
            r.url,
            l.resources.len()
        );
        if l.resources.is_empty() {
            break;
        }
        seen.extend(l.resources.iter().filter_map(id_of));
        start += l.resources.len();
    }
    let mut got = seen.clone();
    got.sort();
    got.dedup();
    ensure!(got.len() == seen.len(), "pages repeat resources: {seen:?}");
    let mut exp: Vec<String> = users.iter().map(|(i, _)| i.clone()).collect();
    exp.sort();
    ensure!(got == exp, "pages concatenate to {got:?}, expected {exp:?}");
    let r = cx
        .get(&format!("/Users?filter={}&count=0", enc(&filter)))
        .await?;
    ensure!(r.status() == 200, "GET {} answered {}", r.url, r.status());
    let Some(l) = listed(r.body()?) else {
        fail!("GET {} did not return a ListResponse", r.url)
    };
    ensure!(
        l.resources.is_empty() && l.total == Some(N as u64),
        "GET {} (count=0): {} resources, totalResults {:?}; expected none and {N}",
        r.url,
        l.resources.len(),
        l.total
    );
    Ok(())
}

/// `rfc7644.sort`.
const SORT: Check = check!(sorting, "rfc7644.sort", "sorting", Must,
    "sortBy=userName with ascending and descending sortOrder",
    docs: None, sends: false,
    sources: [
        rfc(7644, "3.4.2.3", Must),
    ],
    faults: [SortIgnored],
    writes: true, dialect: None, needs: [Filter, Sort]);

async fn sorting(cx: Cx) -> CheckBody {
    let (filter, users) = create_batch(&cx, 4).await?;
    let mut expected: Vec<(String, String)> = users
        .iter()
        .map(|(i, u)| (u.to_lowercase(), i.clone()))
        .collect();
    expected.sort();
    let asc: Vec<String> = expected.iter().map(|(_, i)| i.clone()).collect();
    for (order, want) in [
        ("ascending", asc.clone()),
        ("descending", asc.iter().rev().cloned().collect()),
    ] {
        let ids = list_ids(
            &cx,
            &format!(
                "/Users?filter={}&sortBy=userName&sortOrder={order}",
                enc(&filter)
            ),
        )
        .await?;
        ensure!(
            ids == want,
            "sortBy=userName&sortOrder={order} gave {ids:?}, expected {want:?}"
        );
    }
    Ok(())
}

/// `rfc7644.projection`.
const PROJECTION: Check = check!(projection, "rfc7644.projection", "projection", Must,
    "attributes=userName returns id and userName only; excludedAttributes=emails drops emails",
    docs: None, sends: false,
    sources: [
        rfc(7644, "3.4.2.5", Must),
        rfc(7644, "3.9", Must),
    ],
    faults: [AttributesIgnored],
    writes: true, dialect: None, needs: []);

async fn projection(cx: Cx) -> CheckBody {
    let (id, _, _) = core_user(&cx, "pj").await?;
    let Some(u) = cx.read(User, &id, "attributes=userName").await? else {
        fail!("GET /Users/{id} answered 404")
    };
    ensure!(
        id_of(&u).as_deref() == Some(id.as_str()),
        "attributes=userName dropped id (returned: always, RFC 7643 §2.4)"
    );
    ensure!(
        get_ci(&u, "userName").is_some(),
        "attributes=userName dropped userName"
    );
    let extra: Vec<&String> = u
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| {
                    !["id", "userName", "schemas", "meta"]
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(k))
                })
                .collect()
        })
        .unwrap_or_default();
    ensure!(
        extra.is_empty(),
        "attributes=userName also returned {extra:?}"
    );
    let Some(u) = cx.read(User, &id, "excludedAttributes=emails").await? else {
        fail!("GET /Users/{id} answered 404")
    };
    ensure!(
        get_ci(&u, "emails").is_none(),
        "excludedAttributes=emails still returned emails"
    );
    ensure!(
        get_ci(&u, "userName").is_some(),
        "excludedAttributes=emails dropped userName"
    );
    Ok(())
}

/// `rfc7644.put`.
const PUT: Check = check!(put_replaces, "rfc7644.put", "put", Should,
    "PUT replaces the resource: attributes left out of the body are cleared",
    docs: None, sends: false,
    sources: [
        rfc(7644, "3.5.1", May),
    ],
    faults: [PutMerges],
    writes: true, dialect: None, needs: []);

async fn put_replaces(cx: Cx) -> CheckBody {
    let (id, body, user_name) = core_user(&cx, "put").await?;
    let new_body = json!({
        "schemas": [scim2_types::urn::USER],
        "id": id,
        "userName": user_name,
        "externalId": get_ci(&body, "externalId").cloned().unwrap_or(Value::Null),
        // name stays: an endpoint may require it (RFC 7643 §7 `required`).
        "name": get_ci(&body, "name").cloned().unwrap_or(Value::Null),
        "active": true,
        "displayName": "Replaced by PUT",
    });
    let r = cx
        .send(WireRequest::new("PUT", format!("/Users/{}", enc_path(&id))).scim_json(&new_body))
        .await?;
    ensure!(
        r.status() == 200,
        "PUT {} answered {} (expected 200)",
        r.url,
        r.status()
    );
    let u = read_user(&cx, &id).await?;
    ensure!(
        get_ci(&u, "displayName").and_then(Value::as_str) == Some("Replaced by PUT"),
        "after PUT, displayName is {:?}",
        get_ci(&u, "displayName")
    );
    let kept: Vec<&str> = ["title", "emails", "addresses", "phoneNumbers"]
        .into_iter()
        .filter(|k| get_ci(&u, k).is_some())
        .collect();
    ensure!(
        kept.is_empty(),
        "after a PUT without them, the user still has {kept:?} (PUT replaces, RFC 7644 §3.5.1)"
    );
    Ok(())
}

/// `rfc7644.search`.
const SEARCH: Check = check!(search, "rfc7644.search", "filter", Should,
    "POST /Users/.search with a SearchRequest finds the user",
    docs: None, sends: false,
    sources: [
        rfc(7644, "3.4.3", May),
    ],
    faults: [SearchNotSupported],
    writes: true, dialect: None, needs: [Filter]);

async fn search(cx: Cx) -> CheckBody {
    let (id, _, user_name) = core_user(&cx, "srch").await?;
    let body = json!({"schemas": [scim2_types::urn::SEARCH_REQUEST], "filter": format!("userName eq {}", lit(&user_name))});
    let r = cx
        .send(WireRequest::new("POST", "/Users/.search").scim_json(&body))
        .await?;
    ensure!(
        r.status() == 200,
        "POST {} answered {} (expected 200 with a ListResponse)",
        r.url,
        r.status()
    );
    let Some(l) = listed(r.body()?) else {
        fail!("POST {} did not return a ListResponse", r.url)
    };
    let ids: Vec<String> = l.resources.iter().filter_map(id_of).collect();
    ensure!(
        ids == [id.clone()],
        "POST {} found {ids:?}, expected [{id:?}]",
        r.url
    );
    Ok(())
}

/// `rfc7644.meta`.
const META: Check = check!(meta, "rfc7644.meta", "users", Must,
    "Resources carry meta.resourceType, created, lastModified and location",
    docs: None, sends: false,
    sources: [
        rfc(7643, "3.1", Must),
    ],
    faults: [MetaMissing],
    writes: true, dialect: None, needs: []);

async fn meta(cx: Cx) -> CheckBody {
    let (id, _) = cx.create_plain_user("meta").await?;
    let u = read_user(&cx, &id).await?;
    let Some(m) = get_ci(&u, "meta") else {
        fail!("GET /Users/{id} has no meta")
    };
    let missing: Vec<&str> = ["resourceType", "created", "lastModified", "location"]
        .into_iter()
        .filter(|k| get_ci(m, k).is_none())
        .collect();
    ensure!(
        missing.is_empty(),
        "GET /Users/{id}: meta lacks {missing:?}"
    );
    ensure!(
        get_ci(m, "resourceType").and_then(Value::as_str) == Some("User"),
        "meta.resourceType is {:?}",
        get_ci(m, "resourceType")
    );
    let (gid, _) = cx.create_group("meta").await?;
    let Some(g) = cx.read(Group, &gid, "").await? else {
        fail!("GET /Groups/{gid} answered 404")
    };
    ensure!(
        get_ci(&g, "meta")
            .and_then(|m| get_ci(m, "resourceType"))
            .and_then(Value::as_str)
            == Some("Group"),
        "GET /Groups/{gid}: meta.resourceType is not Group"
    );
    Ok(())
}

/// `rfc7644.etag`.
const ETAG: Check = check!(etag, "rfc7644.etag", "etag", Must,
    "When ETags are advertised, a stale If-Match gives 412",
    docs: None, sends: false,
    sources: [
        rfc(7644, "3.14", Must),
    ],
    faults: [EtagIgnored],
    writes: true, dialect: None, needs: [Etag]);

async fn etag(cx: Cx) -> CheckBody {
    let advertised = cx
        .session()
        .spc
        .as_ref()
        .and_then(|s| get_ci(s, "etag"))
        .and_then(|e| get_ci(e, "supported"))
        .is_some_and(|v| v == &Value::Bool(true));
    if !advertised {
        return Err(CheckError::Skip(
            "/ServiceProviderConfig does not advertise etag.supported = true".into(),
        ));
    }
    let (id, user_name) = cx.create_plain_user("etag").await?;
    let r = cx.get(&format!("/Users/{}", enc_path(&id))).await?;
    let Some(tag) = r.wire.header("etag").map(str::to_owned).or_else(|| {
        r.json
            .as_ref()
            .and_then(|u| get_ci(u, "meta"))
            .and_then(|m| get_ci(m, "version"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    }) else {
        fail!(
            "GET {} has neither an ETag header nor meta.version although ETags are advertised",
            r.url
        )
    };
    // A PUT replaces the whole resource (RFC 7644 §3.5.1): send what was read, without its
    // read-only `meta`, with another displayName, so that attributes the endpoint requires
    // (for example `name`) are kept.
    let read = r.json.clone().filter(Value::is_object).unwrap_or_else(
        || json!({"schemas": [scim2_types::urn::USER], "id": id, "userName": user_name, "active": true}),
    );
    let put = |name: &str| {
        let mut body = read.clone();
        if let Some(o) = body.as_object_mut() {
            o.retain(|k, _| !k.eq_ignore_ascii_case("meta"));
            o.retain(|k, _| !k.eq_ignore_ascii_case("displayName"));
            o.insert("displayName".into(), json!(name));
        }
        body
    };
    let path = format!("/Users/{}", enc_path(&id));
    let r = cx
        .send(WireRequest::new("PUT", path.clone()).scim_json(&put("changed")))
        .await?;
    ensure!(
        r.status() == 200,
        "PUT {} answered {} (expected 200)",
        r.url,
        r.status()
    );
    let r = cx
        .send(
            WireRequest::new("PUT", path)
                .header("If-Match", &tag)
                .scim_json(&put("stale")),
        )
        .await?;
    ensure!(
        r.status() == 412,
        "PUT {} with the stale If-Match {tag} answered {} (expected 412 Precondition Failed)",
        r.url,
        r.status()
    );
    Ok(())
}

/// `rfc7644.auth.wrong-token`.
const AUTH_WRONG_TOKEN: Check = check!(wrong_token, "rfc7644.auth.wrong-token", "auth", Must,
    "A wrong bearer token gives 401",
    docs: Some("authentication"), sends: false,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status"),
        rfc(7644, "2", Must),
        rfc(7644, "3.12", Must),
    ],
    faults: [TokenNotChecked],
    writes: false, dialect: None, needs: []);

async fn wrong_token(cx: Cx) -> CheckBody {
    if !cx.session().transport.sends_auth() {
        return Err(CheckError::Skip(
            "the run sends no token (--no-auth)".into(),
        ));
    }
    let r = cx
        .send_raw(
            WireRequest::new(
                "GET",
                format!("/Users?filter={}", enc("userName eq \"nobody\"")),
            )
            .header("Authorization", "Bearer scim-conformance-wrong-token"),
        )
        .await?;
    ensure!(
        r.status() == 401,
        "GET {} with a wrong bearer token answered {} (expected 401)",
        r.url,
        r.status()
    );
    Ok(())
}

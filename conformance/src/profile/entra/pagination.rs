//! Pagination: walking a filtered and an unfiltered ListResponse (RFC 7644 §3.4.2.4).

use serde_json::json;

use crate::check::Requirement::Must;
use crate::evidence::{ms, rfc};
use crate::profile::{Check, check};
use crate::session::{CheckBody, CheckError, Cx, enc, id_of, listed, lit};
use crate::{ensure, fail};
use scim2_types::ResourceKind::User;

/// `entra.pagination`.
pub(super) const PAGINATION: Check = check!(pagination, "entra.pagination", "pagination", Must,
    "Paging with startIndex=1&count=5 then startIndex=6: startIndex echoed, no gaps or repeats",
    docs: Some("pagination"), sends: true,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups"),
        ms("https://github.com/AzureAD/SCIMReferenceCode/blob/master/Microsoft.SCIM.LogicAppValidationTemplate/StandardLogicApp/SCIM-Validation-Test-Overview.md"),
        rfc(7644, "3.4.2.4", Must),
    ],
    faults: [IgnoreStartIndex, IgnoreCount],
    writes: true, dialect: None, needs: [Filter]);

async fn pagination(cx: Cx) -> CheckBody {
    const N: usize = 7;
    let stem = cx.unique("pg");
    let mut ids = Vec::new();
    for i in 0..N {
        let base = format!("{stem}x{i}");
        let user_name = format!("{base}@example.com");
        let body = json!({"schemas": [scim2_types::urn::USER], "userName": user_name, "externalId": base, "active": true});
        let created = cx.create(User, &body, &user_name).await?;
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

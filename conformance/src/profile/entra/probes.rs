//! Probes (MAY: recorded, never failed): behaviour Entra never triggers but a server's answer tells about.

use super::read_members;
use crate::check::Requirement::Must;
use crate::dialect::Dialect::Flagged;
use crate::evidence::{ms, obs, rfc};
use crate::profile::wire::{self};
use crate::profile::{Check, check};
use crate::session::{CheckBody, Cx, enc_path};
use crate::transport::WireRequest;
use scim2_types::ResourceKind::Group;

/// `entra.probe.replace-members`.
pub(super) const PROBE_REPLACE_MEMBERS: Check = check!(probe_replace_members, "entra.probe.replace-members", "probes", May,
    "Probe: replace on members with a partial list (Entra has been reported to send it)",
    docs: Some("replace-members"), sends: true,
    sources: [
        obs("https://github.com/PostHog/posthog/pull/47336"),
        obs("https://github.com/grokability/snipe-it/issues/19096"),
        rfc(7644, "3.5.2.3", Must),
    ],
    faults: [],
    writes: true, dialect: None, needs: [Patch]);

async fn probe_replace_members(cx: Cx) -> CheckBody {
    let (gid, _) = cx.create_group("pm").await?;
    let (u1, _) = cx.create_plain_user("pmm").await?;
    let (u2, _) = cx.create_plain_user("pmm").await?;
    let (u3, _) = cx.create_plain_user("pmm").await?;
    cx.patch(Group, &gid, wire::add_members(Flagged, &[&u1, &u2]))
        .await?;
    let body = wire::replace_members_body(&[&u3]);
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

/// `entra.probe.nested-group`.
pub(super) const PROBE_NESTED_GROUP: Check = check!(probe_nested_group, "entra.probe.nested-group", "probes", May,
    "Probe: a group id added as a member (Entra provisions flat groups only)",
    docs: Some("flat-groups"), sends: false,
    sources: [
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works"),
        ms("https://learn.microsoft.com/en-us/entra/identity/app-provisioning/known-issues"),
    ],
    faults: [],
    writes: true, dialect: None, needs: [Patch]);

async fn probe_nested_group(cx: Cx) -> CheckBody {
    let (outer, _) = cx.create_group("pn").await?;
    let (inner, _) = cx.create_group("pn").await?;
    let body = wire::add_members_body(&[&inner]);
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

//! The one-line "what to fix" of a failing check, shown under it in the human report: a short
//! hint per check where one can be given honestly, and the section of `docs/entra.md` that
//! explains the behaviour.

use crate::check::CheckMeta;

/// Hints by check id: what the endpoint must do for the check to pass (the behaviour, not a
/// guess at the bug).
const HINTS: &[(&str, &str)] = &[
    (
        "entra.connection.users",
        "answer GET /Users?filter=userName eq \"…\" for an unknown name with 200 and an empty ListResponse (not 404)",
    ),
    (
        "entra.connection.externalid",
        "answer an externalId eq filter that matches nothing with 200 and an empty ListResponse",
    ),
    (
        "entra.connection.groups",
        "answer GET /Groups?filter=displayName eq \"…\"&excludedAttributes=members with 200 and an empty ListResponse",
    ),
    (
        "entra.user.create",
        "accept Entra's POST /Users body (core and enterprise schemas) and answer 201 with the resource and its id",
    ),
    (
        "entra.user.mapping",
        "store every attribute of the POST body and return it unchanged on GET",
    ),
    (
        "entra.user.find.username",
        "match userName eq case-insensitively (RFC 7643 §4.1.1: userName is caseExact=false)",
    ),
    (
        "entra.user.find.externalid",
        "support filter=externalId eq \"…\" and return exactly the user holding it",
    ),
    (
        "entra.user.duplicate",
        "answer 409 (scimType uniqueness) to a POST whose userName already exists",
    ),
    (
        "entra.user.patch.replace.legacy",
        "apply \"Replace\" (capitalised) ops with value-path and URN paths, one op per attribute",
    ),
    (
        "entra.user.patch.replace.flagged",
        "apply a path-less replace whose value has dotted keys (name.givenName) and URN-prefixed keys",
    ),
    (
        "entra.user.patch.value-path-new.legacy",
        "create the typed element (emails[type eq \"work\"]) when a value-path add finds none, and keep its sub-attributes in one element",
    ),
    (
        "entra.user.patch.value-path-new.flagged",
        "create the typed element when a value-path add (lower-case op) finds none",
    ),
    (
        "entra.user.patch.typed-replace.legacy",
        "replace only the element the value path selects; keep the other phoneNumbers",
    ),
    (
        "entra.user.patch.typed-replace.flagged",
        "replace only the element the value path selects; keep the other phoneNumbers",
    ),
    (
        "entra.user.patch.nickname.legacy",
        "apply \"Add\" of nickName and return it on GET",
    ),
    (
        "entra.user.patch.nickname.flagged",
        "apply add of nickName and return it on GET",
    ),
    (
        "entra.user.manager.legacy",
        "accept the manager as a bare id string on the enterprise URN path, and return it as {\"value\": id}",
    ),
    (
        "entra.user.manager.flagged",
        "accept the manager as a bare id string on the enterprise URN path, and return it as {\"value\": id}",
    ),
    (
        "entra.user.manager.remove-filter",
        "accept remove with the path manager[value eq \"…\"] and clear the manager",
    ),
    (
        "entra.user.disable.legacy",
        "accept active as the strings \"False\"/\"True\", store a boolean, and keep finding inactive users by filter",
    ),
    (
        "entra.user.disable.flagged",
        "accept active as a boolean and keep finding inactive users by filter",
    ),
    (
        "entra.user.rename.legacy",
        "apply a userName \"Replace\" and match filters on the new name only",
    ),
    (
        "entra.user.rename.flagged",
        "apply a userName replace and match filters on the new name only",
    ),
    (
        "entra.group.create",
        "accept POST /Groups with \"members\": [] and answer 201 with an id",
    ),
    (
        "entra.group.duplicate",
        "answer 409 to a POST /Groups whose displayName already exists",
    ),
    (
        "entra.group.find",
        "support displayName eq on /Groups and leave members out when excludedAttributes=members",
    ),
    (
        "entra.group.get",
        "leave the members key out of GET /Groups/{id}?excludedAttributes=members",
    ),
    (
        "entra.group.members.add.legacy",
        "accept \"Add\" on members with [{\"$ref\": null, \"value\": id}, …], several values and several ops per request",
    ),
    (
        "entra.group.members.add.flagged",
        "accept add on members with several values and several ops per request",
    ),
    (
        "entra.group.members.add-repeat",
        "ignore the add of a member already in the group (no duplicate membership)",
    ),
    (
        "entra.group.members.remove.legacy",
        "\"Remove\" on members with a value array must remove only the listed members, never the whole list",
    ),
    (
        "entra.group.members.remove.flagged",
        "accept remove with the path members[value eq \"…\"] and remove only that member",
    ),
    (
        "entra.group.rename.legacy",
        "apply a displayName \"Replace\" on the group and match filters on the new name",
    ),
    (
        "entra.group.rename.flagged",
        "apply a displayName replace on the group and match filters on the new name",
    ),
    (
        "entra.group.deleted-user",
        "remove a deleted user from the members of its groups",
    ),
    (
        "entra.pagination",
        "honour startIndex and count (1-based) and echo startIndex in the ListResponse",
    ),
    (
        "entra.user.delete",
        "answer DELETE /Users/{id} with 204, then GET with 404 and a SCIM Error body",
    ),
    (
        "entra.group.delete",
        "answer DELETE /Groups/{id} with 204, then GET with 404",
    ),
    (
        "entra.error.not-found",
        "answer an unknown id with 404 and a body of schema urn:ietf:params:scim:api:messages:2.0:Error",
    ),
    (
        "entra.error.malformed-json",
        "answer a body that is not JSON with 400 and scimType invalidSyntax, not 500",
    ),
    (
        "entra.error.invalid-filter",
        "answer a filter that does not parse with 400 and scimType invalidFilter",
    ),
    (
        "entra.names.lookup-absent",
        "URL-decode the filter and accept quotes (\\\"), spaces, &, / and non-ASCII in values",
    ),
    (
        "entra.names.find.users",
        "make eq an exact (case-insensitive) match, not a prefix match",
    ),
    (
        "entra.names.find.groups",
        "make eq on displayName an exact match, not a prefix match",
    ),
    (
        "entra.names.rename.legacy",
        "match filters on the new name only after a rename, also for names that are prefixes of others",
    ),
    (
        "entra.names.rename.flagged",
        "match filters on the new name only after a rename, also for names that are prefixes of others",
    ),
    (
        "entra.user.custom-extension",
        "store custom extension attributes sent on the URN path and as URN keys, and return them on GET",
    ),
    (
        "rfc7644.auth.wrong-token",
        "answer a request with a wrong bearer token with 401",
    ),
    (
        "rfc7644.etag",
        "answer a PATCH or PUT whose If-Match is stale with 412",
    ),
    (
        "rfc7644.put",
        "treat PUT as a replacement: clear attributes the body leaves out",
    ),
    (
        "stateful.users",
        "fix what the first divergent step above shows; --save FILE keeps the sequence, `scim-conformance replay FILE` re-runs it",
    ),
    (
        "stateful.groups",
        "fix what the first divergent step above shows; --save FILE keeps the sequence, `scim-conformance replay FILE` re-runs it",
    ),
    (
        "stateful.filters",
        "fix what the first divergent step above shows; --save FILE keeps the sequence, `scim-conformance replay FILE` re-runs it",
    ),
];

/// The hint for a check, if one is written.
#[must_use]
pub fn hint(id: &str) -> Option<&'static str> {
    HINTS.iter().find(|(i, _)| *i == id).map(|(_, h)| *h)
}

/// The ids that have a hint (for the test that keeps the table in step with the checks).
#[cfg(test)]
pub(crate) fn hinted_ids() -> impl Iterator<Item = &'static str> {
    HINTS.iter().map(|(i, _)| *i)
}

/// The "what to fix" line of a failing check: its hint and the section of `docs/entra.md`
/// (or the RFC section its evidence cites), or `None` when there is neither.
#[must_use]
pub fn line(meta: &CheckMeta) -> Option<String> {
    use crate::evidence::Source;
    let see = meta
        .evidence
        .docs
        .map(|d| format!("docs/entra.md#{d}"))
        .or_else(|| {
            meta.evidence.sources.iter().find_map(|s| match s {
                Source::Rfc { rfc, section, .. } => Some(format!("RFC {rfc} §{section}")),
                _ => None,
            })
        });
    match (hint(meta.id), see) {
        (Some(h), Some(s)) => Some(format!("{h} (see {s})")),
        (Some(h), None) => Some(h.to_owned()),
        (None, Some(s)) => Some(format!("see {s}")),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    #[test]
    fn every_hint_names_a_check_and_every_failure_has_a_line() {
        let checks = Profile::Rfc7644.checks();
        for id in hinted_ids() {
            assert!(
                id.starts_with("stateful.") || checks.iter().any(|c| c.meta.id == id),
                "hint for unknown check {id}"
            );
        }
        for c in &checks {
            assert!(line(&c.meta).is_some(), "{} has no fix line", c.meta.id);
        }
    }
}

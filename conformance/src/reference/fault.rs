//! Named, switchable faults of the reference endpoint.
//!
//! Each fault breaks exactly one behaviour that the `entra` or `rfc7644` profile checks, the
//! way a real SCIM server has been seen to break it. Faults are off by default; a
//! [`ReferenceConfig`](super::ReferenceConfig) switches any set of them on.

use std::fmt;
use std::str::FromStr;

/// One deliberate defect of the reference endpoint.
///
/// Written and read in kebab-case (`case-sensitive-filter`); [`Fault::ALL`] lists every fault
/// and [`Fault::description`] says what it breaks and which real-world behaviour it mimics.
///
/// ```
/// use scim2_conformance::reference::Fault;
/// let f: Fault = "members-not-removed".parse().unwrap();
/// assert_eq!(f, Fault::MembersNotRemoved);
/// assert_eq!(f.to_string(), "members-not-removed");
/// assert!(Fault::ALL.contains(&f));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// Filters compare strings case-sensitively, even for `caseExact: false` attributes such as
    /// `userName` (RFC 7643 §2.1, §7; docs/entra.md#user-matching: Entra looks users up by UPN in
    /// whatever case the directory holds).
    CaseSensitiveFilter,
    /// PATCH operations whose `path` is a value path (`emails[type eq "work"].value`) are
    /// silently skipped (RFC 7644 §3.5.2; servers without value-path support).
    IgnoreValuePathPatch,
    /// PATCH operations spelled `"Add"`, `"Replace"`, `"Remove"` are rejected with 400 (Entra's
    /// legacy dialect, docs/entra.md#patch-dialects).
    RejectCapitalizedOps,
    /// The strings `"True"`/`"False"` for a boolean attribute are rejected with 400 (Entra's
    /// legacy `active` mapping, docs/entra.md#disable).
    RejectStringBooleans,
    /// A legacy member removal (`"Remove"` on `members` with a value list) removes every member,
    /// as a naive reading of RFC 7644 §3.5.2.2 does (docs/entra.md#group-members-remove).
    LegacyMemberRemoveWipesGroup,
    /// PATCH `remove` operations on `members` are answered with success and do nothing.
    MembersNotRemoved,
    /// Deleting a user leaves it in the `members` of its groups.
    DeletedUserStaysMember,
    /// A second user with an existing `userName` (in any letter case) is created instead of 409
    /// (RFC 7643 §4.1.1 `uniqueness: server`; RFC 7644 §3.3).
    DuplicateUsernameAccepted,
    /// Adding a member that is already in the group adds it a second time.
    DuplicateMembers,
    /// `startIndex` is ignored: every page starts at the first result (RFC 7644 §3.4.2.4; Entra's
    /// pagination validation, docs/entra.md#pagination).
    IgnoreStartIndex,
    /// `count` is ignored: every page holds all results.
    IgnoreCount,
    /// PATCH is answered 200/204 as if applied, but nothing is stored.
    PatchNotApplied,
    /// Responses carry `Content-Type: text/plain` instead of `application/scim+json`
    /// (docs/entra.md#headers: the validator fails such responses).
    WrongContentType,
    /// After DELETE, GET by id still answers 200 with the deleted resource (a soft-delete store
    /// that keeps serving tombstones).
    No404AfterDelete,
    /// `excludedAttributes=members` is ignored on groups: `members` is returned anyway
    /// (docs/entra.md#group-matching).
    MembersNotExcluded,
    /// A query that matches nothing is answered 404 instead of 200 with an empty ListResponse
    /// (docs/entra.md#test-connection: breaks Entra's Test Connection).
    NotFoundOnEmptyQuery,
    /// A request without an `Accept` header is refused with 406 (a framework that negotiates on
    /// `Accept`; docs/entra.md#headers, Test Connection sends none).
    RequireAcceptHeader,
    /// A request without a `User-Agent` header is refused with an HTML 403 (a WAF rule;
    /// docs/entra.md#headers).
    RequireUserAgent,
    /// A manager given as a bare id string (`"manager": "<id>"` on POST, or the URN path with a
    /// string value in PATCH) is rejected with 400 (docs/entra.md#manager).
    RejectManagerString,
    /// `active` is returned as the string `"true"`/`"false"` instead of a boolean, so
    /// it never round-trips (docs/entra.md#read-back).
    ActiveAsString,
    /// Several PATCH operations on sub-attributes of the same typed element
    /// (`addresses[type eq "work"].locality`, `.region`) create one element each.
    AddressOpsSplitElements,
    /// A `replace` on a typed element (`phoneNumbers[type eq "work"].value`) drops the elements
    /// of the other types.
    TypedReplaceDropsOthers,
    /// Users with `active: false` are left out of query results (docs/entra.md#user-matching:
    /// inactive users must still be found).
    InactiveUsersHidden,
    /// A filter on `externalId` is ignored and every resource is returned.
    ExternalidFilterIgnored,
    /// A malformed JSON body is answered 500 instead of 400 `invalidSyntax`.
    MalformedJson500,
    /// An invalid filter is answered 500 instead of 400 `invalidFilter`.
    InvalidFilter500,
    /// Error responses carry a plain-text body instead of a SCIM Error (RFC 7644 §3.12).
    ErrorBodyNotScim,
    /// PATCH operations that rename (`userName` on users, `displayName` on groups) are skipped.
    RenameNotApplied,
    /// Path-less `replace`/`add` operations (Entra's flagged dialect, docs/entra.md#patch-dialects) are
    /// skipped, as the Microsoft reference code does.
    PathlessReplaceIgnored,
    /// `Content-Type: application/scim+json; charset=utf-8` request bodies are refused with 415
    /// (docs/entra.md#headers: Entra sends the charset parameter).
    RejectCharsetContentType,
    /// A duplicate group `displayName` is created instead of 409 (docs/entra.md#group-matching).
    DuplicateGroupAccepted,
    /// `If-Match` is ignored: a stale ETag does not give 412 (RFC 7644 §3.14).
    EtagIgnored,
    /// `sortBy` is ignored: results come in creation order (RFC 7644 §3.4.2.3).
    SortIgnored,
    /// The `attributes` parameter is ignored: full resources are returned (RFC 7644 §3.4.2.5).
    AttributesIgnored,
    /// `totalResults` is the size of the page instead of the number of matches (RFC 7644
    /// §3.4.2.4).
    TotalResultsIsPageSize,
    /// PUT keeps attributes the new body leaves out instead of replacing the resource (RFC 7644
    /// §3.5.1).
    PutMerges,
    /// `POST /.search` is not supported (404) (RFC 7644 §3.4.3).
    SearchNotSupported,
    /// `meta` (created, lastModified, location, version) is left out of resources (RFC 7643 §3.1).
    MetaMissing,
    /// A wrong bearer token is accepted (only its absence is refused).
    TokenNotChecked,
    /// After a group is renamed, members added to it are dropped (a sequence-only defect).
    MemberDroppedAfterRename,
    /// The second PATCH to a user is applied to the resource as it was created, losing the
    /// first PATCH (a sequence-only defect: a stale cache).
    SecondPatchLosesFirst,
    /// The `userName` of a deleted user stays reserved: re-creating it gives 409 (a
    /// sequence-only defect: a soft-deleted row still holds a unique index).
    DeletedUsernameReserved,
    /// Filters see a user's searchable attributes (everything but `id`, `userName`,
    /// `externalId` and `active`) as they were at creation or the last PUT: a value set by
    /// PATCH is not found by a filter (a sequence-only defect: a search index that PATCH does
    /// not refresh).
    FilterMissesPatchedValue,
    /// Every list page after the first (`startIndex` > 1) answers 503 with `Retry-After: 0`
    /// to its first two attempts, then succeeds: an overloaded endpoint that recovers
    /// (docs/entra.md#errors: Entra retries).
    Transient503,
    /// Every list page after the first answers 503 with `Retry-After: 0`, always: an endpoint
    /// that goes down in the middle of a paginated read.
    PaginationOutage,
    /// A PATCH path with a value filter on the single-valued `manager`
    /// (`manager[value eq "…"]`, the flagged dialect's manager removal) is rejected with 400
    /// invalidPath, as some RFC-strict servers do (RFC 7644 §3.5.2 defines value filters for
    /// multi-valued attributes only).
    RejectManagerValueFilter,
    /// A string `eq` in a filter is compared as `sw` (starts with), so `displayName eq
    /// "group-app"` also finds `group-app-test` and Entra stops with "Multiple entries were
    /// found" (<https://github.com/FusionAuth/fusionauth-issues/issues/3111>).
    EqMatchesPrefix,
    /// A filter whose string value holds an escaped double quote (`\"`) is answered 400
    /// invalidFilter: a parser that ends the string at the first quote
    /// (<https://github.com/Captain-P-Goldfish/SCIM-SDK/pull/927>).
    EscapedQuoteRejected,
    /// A filter whose string value holds a space (`displayName eq "EDU All personal"`) is
    /// answered 400 invalidFilter: a parser that splits the filter on spaces
    /// (<https://github.com/audriga/scim-server-php/issues/1>).
    SpaceInValueRejected,
    /// A PATCH on an attribute of an extension the endpoint does not declare (Entra's custom
    /// extension attributes, `urn:…:CustomExtensionName:2.0:User:CustomAttribute`, as a path
    /// or as a path-less value key) is answered 400 invalidPath "unknown schema", although POST
    /// and PUT store the same attributes.
    CustomExtensionPatchRejected,
    /// `POST /Users` and `POST /Groups` store the resource but answer 201 with a body that has
    /// no `id` (and no `Location` or `meta.location` to recover it from): the client cannot
    /// know the id of what it created.
    CreatedWithoutId,
    /// `POST /Users` and `POST /Groups` store the resource, then answer 500: the answer to a
    /// create is lost after the write (as when a gateway times out in front of a slow store).
    StoredThen500,
    /// `DELETE` answers 500 and keeps the resource.
    DeleteFails,
    /// Filters other than `attr eq "value"` comparisons (joined with `and`) are refused with
    /// 400 `invalidFilter`: an endpoint that implements only what Entra sends (RFC 7644
    /// §3.4.2.2 makes the other operators part of the protocol, Entra uses `eq` and `and`).
    EqFiltersOnly,
    /// `POST /Users` and `POST /Groups` store the resource, then stall for 2 s and answer 504:
    /// a client whose timeout is shorter never learns that the create succeeded.
    StoredThenTimeout,
    /// Every [`THROTTLE_EVERY`]th idempotent request (GET, PUT, DELETE) is answered 429 Too Many
    /// Requests with `Retry-After: 1` and not processed (RFC 6585 §4): a throttling endpoint,
    /// as Entra's own rate limits and many SaaS SCIM APIs are. POST and PATCH are never
    /// throttled, so a client that waits out `Retry-After` and retries completes every
    /// operation.
    Throttle429,
}

/// How often the [`Fault::Throttle429`] fault throttles: every this many idempotent requests.
pub const THROTTLE_EVERY: u64 = 50;

impl Fault {
    /// Every fault, in declaration order.
    pub const ALL: &'static [Fault] = &[
        Self::CaseSensitiveFilter,
        Self::IgnoreValuePathPatch,
        Self::RejectCapitalizedOps,
        Self::RejectStringBooleans,
        Self::LegacyMemberRemoveWipesGroup,
        Self::MembersNotRemoved,
        Self::DeletedUserStaysMember,
        Self::DuplicateUsernameAccepted,
        Self::DuplicateMembers,
        Self::IgnoreStartIndex,
        Self::IgnoreCount,
        Self::PatchNotApplied,
        Self::WrongContentType,
        Self::No404AfterDelete,
        Self::MembersNotExcluded,
        Self::NotFoundOnEmptyQuery,
        Self::RequireAcceptHeader,
        Self::RequireUserAgent,
        Self::RejectManagerString,
        Self::ActiveAsString,
        Self::AddressOpsSplitElements,
        Self::TypedReplaceDropsOthers,
        Self::InactiveUsersHidden,
        Self::ExternalidFilterIgnored,
        Self::MalformedJson500,
        Self::InvalidFilter500,
        Self::ErrorBodyNotScim,
        Self::RenameNotApplied,
        Self::PathlessReplaceIgnored,
        Self::RejectCharsetContentType,
        Self::DuplicateGroupAccepted,
        Self::EtagIgnored,
        Self::SortIgnored,
        Self::AttributesIgnored,
        Self::TotalResultsIsPageSize,
        Self::PutMerges,
        Self::SearchNotSupported,
        Self::MetaMissing,
        Self::TokenNotChecked,
        Self::MemberDroppedAfterRename,
        Self::SecondPatchLosesFirst,
        Self::DeletedUsernameReserved,
        Self::FilterMissesPatchedValue,
        Self::Transient503,
        Self::PaginationOutage,
        Self::RejectManagerValueFilter,
        Self::EqMatchesPrefix,
        Self::EscapedQuoteRejected,
        Self::SpaceInValueRejected,
        Self::CustomExtensionPatchRejected,
        Self::CreatedWithoutId,
        Self::StoredThen500,
        Self::DeleteFails,
        Self::EqFiltersOnly,
        Self::StoredThenTimeout,
        Self::Throttle429,
    ];

    /// The stable kebab-case name (`case-sensitive-filter`).
    #[must_use]
    pub fn name(self) -> &'static str {
        self.info().0
    }

    /// What the fault breaks, and which real-world behaviour it mimics.
    #[must_use]
    pub fn description(&self) -> &'static str {
        self.info().1
    }

    /// Whether the fault only shows up in a sequence of operations (no single fixed check is
    /// expected to catch it; the stateful runs are).
    #[must_use]
    pub fn sequence_only(self) -> bool {
        matches!(
            self,
            Self::MemberDroppedAfterRename
                | Self::SecondPatchLosesFirst
                | Self::DeletedUsernameReserved
                | Self::FilterMissesPatchedValue
        )
    }

    fn info(self) -> (&'static str, &'static str) {
        match self {
            Self::CaseSensitiveFilter => (
                "case-sensitive-filter",
                "filters compare caseExact=false attributes (userName, displayName) case-sensitively; \
                 Entra's lookup of a user in another letter case finds nothing",
            ),
            Self::IgnoreValuePathPatch => (
                "ignore-value-path-patch",
                "PATCH operations with a value path (emails[type eq \"work\"].value) are skipped \
                 silently; Entra's multi-valued updates are lost",
            ),
            Self::RejectCapitalizedOps => (
                "reject-capitalized-ops",
                "PATCH op names Add/Replace/Remove (Entra's legacy dialect) are rejected with 400",
            ),
            Self::RejectStringBooleans => (
                "reject-string-booleans",
                "\"True\"/\"False\" strings for booleans (Entra's legacy active mapping) are \
                 rejected with 400",
            ),
            Self::LegacyMemberRemoveWipesGroup => (
                "legacy-member-remove-wipes-group",
                "a legacy member removal (Remove on members with a value list) removes every \
                 member instead of only the listed ones",
            ),
            Self::MembersNotRemoved => (
                "members-not-removed",
                "PATCH remove on members succeeds without removing anything",
            ),
            Self::DeletedUserStaysMember => (
                "deleted-user-stays-member",
                "deleting a user leaves it in its groups' members",
            ),
            Self::DuplicateUsernameAccepted => (
                "duplicate-username-accepted",
                "a duplicate userName (in any letter case) is created instead of 409 uniqueness",
            ),
            Self::DuplicateMembers => (
                "duplicate-members",
                "adding an existing member again duplicates it in members",
            ),
            Self::IgnoreStartIndex => (
                "ignore-start-index",
                "startIndex is ignored: every page starts at the first result (Entra's \
                 pagination validation sees repeats)",
            ),
            Self::IgnoreCount => (
                "ignore-count",
                "count is ignored: every page holds all results",
            ),
            Self::PatchNotApplied => (
                "patch-not-applied",
                "PATCH is answered with success but nothing is stored",
            ),
            Self::WrongContentType => (
                "wrong-content-type",
                "responses carry Content-Type text/plain instead of application/scim+json",
            ),
            Self::No404AfterDelete => (
                "no-404-after-delete",
                "GET by id of a deleted resource still answers 200 (tombstones served)",
            ),
            Self::MembersNotExcluded => (
                "members-not-excluded",
                "excludedAttributes=members is ignored on groups; Entra's group lookups get \
                 members anyway",
            ),
            Self::NotFoundOnEmptyQuery => (
                "not-found-on-empty-query",
                "a query with no match is answered 404 instead of an empty ListResponse (breaks \
                 Entra's Test Connection)",
            ),
            Self::RequireAcceptHeader => (
                "require-accept-header",
                "a request without Accept is refused with 406 (Entra's Test Connection sends none)",
            ),
            Self::RequireUserAgent => (
                "require-user-agent",
                "a request without User-Agent is refused with an HTML 403, as a WAF rule does \
                 (Entra has sent none)",
            ),
            Self::RejectManagerString => (
                "reject-manager-string",
                "a manager given as a bare id string (Entra's URN-path PATCH, or POST) is \
                 rejected with 400",
            ),
            Self::ActiveAsString => (
                "active-as-string",
                "active is returned as a string (\"true\") instead of a boolean, so it never \
                 round-trips",
            ),
            Self::AddressOpsSplitElements => (
                "address-ops-split-elements",
                "several PATCH ops on sub-attributes of one typed element \
                 (addresses[type eq \"work\"].locality, .region) create one element each",
            ),
            Self::TypedReplaceDropsOthers => (
                "typed-replace-drops-others",
                "a replace on one typed element (phoneNumbers[type eq \"work\"].value) drops the \
                 elements of the other types",
            ),
            Self::InactiveUsersHidden => (
                "inactive-users-hidden",
                "users with active=false are left out of query results (Entra must still find \
                 disabled users)",
            ),
            Self::ExternalidFilterIgnored => (
                "externalid-filter-ignored",
                "a filter on externalId is ignored and every resource is returned",
            ),
            Self::MalformedJson500 => (
                "malformed-json-500",
                "a malformed JSON body is answered 500 instead of 400 invalidSyntax",
            ),
            Self::InvalidFilter500 => (
                "invalid-filter-500",
                "an invalid filter is answered 500 instead of 400 invalidFilter",
            ),
            Self::ErrorBodyNotScim => (
                "error-body-not-scim",
                "error responses carry a plain-text body instead of a SCIM Error",
            ),
            Self::RenameNotApplied => (
                "rename-not-applied",
                "PATCH renames (userName of a user, displayName of a group) are skipped",
            ),
            Self::PathlessReplaceIgnored => (
                "pathless-replace-ignored",
                "path-less PATCH replace/add ops (Entra's flagged dialect) are skipped, as the \
                 Microsoft reference code does",
            ),
            Self::RejectCharsetContentType => (
                "reject-charset-content-type",
                "request bodies with Content-Type application/scim+json; charset=utf-8 (what \
                 Entra sends) are refused with 415",
            ),
            Self::DuplicateGroupAccepted => (
                "duplicate-group-accepted",
                "a duplicate group displayName is created instead of 409",
            ),
            Self::EtagIgnored => (
                "etag-ignored",
                "If-Match is ignored: a stale ETag does not give 412",
            ),
            Self::SortIgnored => (
                "sort-ignored",
                "sortBy is ignored: results come in creation order",
            ),
            Self::AttributesIgnored => (
                "attributes-ignored",
                "the attributes parameter is ignored: full resources are returned",
            ),
            Self::TotalResultsIsPageSize => (
                "total-results-is-page-size",
                "totalResults is the size of the page instead of the number of matches",
            ),
            Self::PutMerges => (
                "put-merges",
                "PUT keeps attributes the new body leaves out instead of replacing the resource",
            ),
            Self::SearchNotSupported => ("search-not-supported", "POST /.search is answered 404"),
            Self::MetaMissing => (
                "meta-missing",
                "meta (created, lastModified, location, version) is left out of resources",
            ),
            Self::TokenNotChecked => (
                "token-not-checked",
                "a wrong bearer token is accepted (only a missing one is refused)",
            ),
            Self::MemberDroppedAfterRename => (
                "member-dropped-after-rename",
                "after a group is renamed, members added to it are dropped (sequence-only)",
            ),
            Self::SecondPatchLosesFirst => (
                "second-patch-loses-first",
                "the second PATCH to a user is applied to the resource as created, losing the \
                 first (sequence-only)",
            ),
            Self::DeletedUsernameReserved => (
                "deleted-username-reserved",
                "the userName of a deleted user stays reserved: re-creating it gives 409 \
                 (sequence-only)",
            ),
            Self::FilterMissesPatchedValue => (
                "filter-misses-patched-value",
                "filters read a user's attributes as created (or last PUT): a value set by PATCH \
                 (title, displayName, emails, department) is not found by a filter (sequence-only)",
            ),
            Self::Transient503 => (
                "transient-503",
                "list pages after the first answer 503 (Retry-After: 0) to their first two \
                 attempts, then succeed: a client that retries reads everything",
            ),
            Self::PaginationOutage => (
                "pagination-outage",
                "list pages after the first always answer 503 (Retry-After: 0): the endpoint \
                 goes down in the middle of pagination",
            ),
            Self::RejectManagerValueFilter => (
                "reject-manager-value-filter",
                "a PATCH path manager[value eq \"…\"] (the flagged dialect's manager removal) is \
                 rejected with 400 invalidPath",
            ),
            Self::EqMatchesPrefix => (
                "eq-matches-prefix",
                "a string eq in a filter matches every value that starts with it: displayName eq \
                 \"…-sales\" also finds \"…-sales-EMEA\" and Entra stops with \"Multiple entries \
                 were found\"",
            ),
            Self::EscapedQuoteRejected => (
                "escaped-quote-rejected",
                "a filter value with an escaped double quote (\\\") is answered 400 invalidFilter: \
                 groups named with quotes are never found, so Entra cannot match them",
            ),
            Self::SpaceInValueRejected => (
                "space-in-value-rejected",
                "a filter value with a space (displayName eq \"EDU All personal\") is answered 400 \
                 invalidFilter: a parser that splits the filter on spaces",
            ),
            Self::CustomExtensionPatchRejected => (
                "custom-extension-patch-rejected",
                "PATCH on a custom extension attribute (URN path or path-less URN key) is \
                 answered 400 invalidPath \"unknown schema\", although POST and PUT store it: \
                 Entra's updates of custom attribute mappings fail",
            ),
            Self::CreatedWithoutId => (
                "created-without-id",
                "POST stores the user or group but answers 201 without an id (no Location, no \
                 meta.location): the client cannot address, or delete, what it created",
            ),
            Self::StoredThen500 => (
                "stored-then-500",
                "POST stores the user or group, then answers 500: the create's answer is lost \
                 after the write",
            ),
            Self::DeleteFails => ("delete-fails", "DELETE answers 500 and the resource stays"),
            Self::EqFiltersOnly => (
                "eq-filters-only",
                "filters other than `attr eq \"value\"` (joined with `and`) are refused with 400 \
                 invalidFilter: sw, co, or, not, value paths and the rest are unsupported",
            ),
            Self::StoredThenTimeout => (
                "stored-then-timeout",
                "POST stores the user or group, then stalls 2 s and answers 504: a client with a \
                 shorter timeout never sees the create's answer",
            ),
            Self::Throttle429 => (
                "throttle-429",
                "every 50th GET, PUT or DELETE answers 429 with Retry-After: 1 without processing \
                 it: a throttling endpoint; a client that waits and retries completes everything",
            ),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown fault name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault `{name}` (known faults: {known})")]
pub struct UnknownFault {
    /// The name that was given.
    pub name: String,
    known: String,
}

impl FromStr for Fault {
    type Err = UnknownFault;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownFault {
                name: s.to_owned(),
                known: Self::ALL
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for f in Fault::ALL {
            assert!(seen.insert(f.name()), "duplicate name {f}");
            assert_eq!(f.to_string().parse::<Fault>().unwrap(), *f);
            assert!(!f.description().is_empty());
        }
        assert_eq!(seen.len(), Fault::ALL.len());
    }

    #[test]
    fn unknown_name_lists_known_ones() {
        let err = "no-such-fault".parse::<Fault>().unwrap_err();
        assert!(err.to_string().contains("members-not-removed"));
    }
}

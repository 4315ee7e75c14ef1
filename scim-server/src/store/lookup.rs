//! Which filters an index answers: the `eq` comparisons Entra ID sends (RFC 7644 §3.4.2.2;
//! `userName`, `externalId`, `displayName`, `id`, `members.value`), and `and`/`or` of them.
//!
//! A [`Lookup`] names a superset of the resources the filter matches (the candidates); the
//! store then runs [`scan::answer`](crate::store::scan::answer) over the candidates only, so
//! the filter's exact semantics (`caseExact`, extensions, sorting, paging) stay those of
//! `scim2_filter` and the index only decides how many resources are read.

use scim2_filter::{AttrPath, CompValue, CompareOp, Filter};
use scim2_types::schema::ResourceSchemas;

use crate::store::ResourceKind;

/// One indexed condition; a resource is a candidate when any condition of the lookup holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Condition {
    /// `user_name = fold(value)`.
    UserName(String),
    /// `display_name = fold(value)`.
    DisplayName(String),
    /// `external_id = value`.
    ExternalId(String),
    /// `id = value`.
    Id(String),
    /// The group has a member whose folded `value` is `fold(value)`.
    Member(String),
}

/// The conditions whose union holds every resource the filter matches.
pub(crate) type Lookup = Vec<Condition>;

/// Text case-folded as `scim2_filter` compares `caseExact: false` strings: each character's
/// Unicode lower case (`char::to_lowercase`), with final `ς` as `σ`. Folded columns and
/// folded lookups use it, so an index lookup never misses what the filter matches.
pub(crate) fn fold(s: &str) -> String {
    // ASCII text (the usual id, userName, externalId) folds byte by byte to the same result.
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .collect()
}

/// The lookup that answers `filter` on `kind`, or `None` when it needs a scan.
pub(crate) fn plan(
    kind: ResourceKind,
    filter: &Filter,
    schemas: &ResourceSchemas,
) -> Option<Lookup> {
    match filter {
        Filter::Compare(path, CompareOp::Eq, CompValue::String(value)) => {
            condition(kind, path, value, schemas).map(|c| vec![c])
        }
        Filter::ValuePath(vp) => match &*vp.filter {
            Filter::Compare(sub, CompareOp::Eq, CompValue::String(value))
                if sub.uri.is_none() && sub.sub_attr.is_none() && vp.attr.sub_attr.is_none() =>
            {
                let path = AttrPath {
                    uri: vp.attr.uri.clone(),
                    name: vp.attr.name.clone(),
                    sub_attr: Some(sub.name.clone()),
                };
                condition(kind, &path, value, schemas).map(|c| vec![c])
            }
            _ => None,
        },
        // Either side's candidates hold every match of the conjunction.
        Filter::And(a, b) => plan(kind, a, schemas).or_else(|| plan(kind, b, schemas)),
        Filter::Or(a, b) => {
            let mut lookup = plan(kind, a, schemas)?;
            lookup.extend(plan(kind, b, schemas)?);
            Some(lookup)
        }
        _ => None,
    }
}

/// The condition for `path eq value`, when `path` names an indexed core attribute.
fn condition(
    kind: ResourceKind,
    path: &AttrPath,
    value: &str,
    schemas: &ResourceSchemas,
) -> Option<Condition> {
    // Only the core schema's attributes (unqualified names resolve to the core first).
    if let Some(uri) = &path.uri
        && !uri.eq_ignore_ascii_case(&schemas.core.id)
    {
        return None;
    }
    let name = path.name.as_str();
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    // Exact columns are a superset only when the schema compares the attribute exactly.
    let case_exact = |p: &str| schemas.attribute(p).is_some_and(|a| a.case_exact);
    match (&path.sub_attr, kind) {
        (None, ResourceKind::User) if is("userName") => Some(Condition::UserName(fold(value))),
        (None, _) if is("displayName") => Some(Condition::DisplayName(fold(value))),
        (None, _) if is("externalId") && case_exact("externalId") => {
            Some(Condition::ExternalId(value.to_owned()))
        }
        (None, _) if is("id") && case_exact("id") => Some(Condition::Id(value.to_owned())),
        (Some(sub), ResourceKind::Group) if is("members") && sub.eq_ignore_ascii_case("value") => {
            Some(Condition::Member(fold(value)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(kind: ResourceKind, filter: &str) -> Option<Lookup> {
        let schemas = match kind {
            ResourceKind::User => ResourceSchemas::user(),
            ResourceKind::Group => ResourceSchemas::group(),
        };
        let filter: Filter = filter.parse().expect("valid filter");
        plan(kind, &filter, &schemas)
    }

    #[test]
    fn entra_lookups_use_an_index() {
        use Condition::*;
        let user = ResourceKind::User;
        let group = ResourceKind::Group;
        assert_eq!(
            plan_of(user, r#"userName eq "BJensen@Example.COM""#),
            Some(vec![UserName("bjensen@example.com".into())])
        );
        assert_eq!(
            plan_of(
                user,
                r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "A""#
            ),
            Some(vec![UserName("a".into())])
        );
        assert_eq!(
            plan_of(user, r#"externalId eq "AbC""#),
            Some(vec![ExternalId("AbC".into())])
        );
        assert_eq!(plan_of(user, r#"id eq "X1""#), Some(vec![Id("X1".into())]));
        assert_eq!(
            plan_of(group, r#"displayName eq "Ops""#),
            Some(vec![DisplayName("ops".into())])
        );
        assert_eq!(
            plan_of(group, r#"members.value eq "U1""#),
            Some(vec![Member("u1".into())])
        );
        assert_eq!(
            plan_of(group, r#"members[value eq "U1"]"#),
            Some(vec![Member("u1".into())])
        );
        assert_eq!(
            plan_of(user, r#"userName eq "a" and active eq true"#),
            Some(vec![UserName("a".into())])
        );
        assert_eq!(
            plan_of(user, r#"active eq true and externalId eq "e""#),
            Some(vec![ExternalId("e".into())])
        );
        assert_eq!(
            plan_of(user, r#"userName eq "a" or externalId eq "e""#),
            Some(vec![UserName("a".into()), ExternalId("e".into())])
        );
    }

    #[test]
    fn other_filters_need_a_scan() {
        let user = ResourceKind::User;
        for f in [
            r#"userName sw "a""#,
            r#"userName ne "a""#,
            r#"title eq "a""#,
            r#"userName eq "a" or title eq "b""#,
            r#"not (userName eq "a")"#,
            "userName pr",
            r#"emails.value eq "a@b.c""#,
            r#"members.value eq "u1""#,
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1""#,
        ] {
            assert_eq!(plan_of(user, f), None, "{f}");
        }
    }

    #[test]
    fn folding_matches_the_filter_engine() {
        assert_eq!(fold("ÅSA"), "åsa");
        assert_eq!(fold("BJensen@Example.COM"), "bjensen@example.com");
        assert_eq!(fold("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold("οδος"), "οδοσ");
        assert_eq!(fold("İ"), "i\u{307}");
    }
}

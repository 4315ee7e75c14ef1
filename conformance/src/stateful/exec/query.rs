//! Queries: the step that finds users by filter (Entra's lookups, generated filters) and
//! compares the ids found with the model's.

#[allow(clippy::wildcard_imports)] // the rest of the executor
use super::*;

impl Exec {
    pub(super) async fn expect_query(&mut self, filter: &str, expected: Vec<String>) -> StepResult {
        self.expect_ids(ResourceKind::User, filter, "", expected)
            .await
    }

    pub(super) async fn expect_group_query(
        &mut self,
        filter: &str,
        expected: Vec<String>,
    ) -> StepResult {
        self.expect_ids(
            ResourceKind::Group,
            filter,
            "excludedAttributes=members",
            expected,
        )
        .await
    }

    /// Queries `kind` with `filter` (and the extra query parameters `extra`) and compares the
    /// ids found with `expected`, in any order.
    pub(super) async fn expect_ids(
        &mut self,
        kind: ResourceKind,
        filter: &str,
        extra: &str,
        mut expected: Vec<String>,
    ) -> StepResult {
        if !self.shape.filter {
            return Ok(Flow::Done("no query: filter.supported = false".into()));
        }
        let listed = self.cx.query(kind, filter, extra).await?;
        let mut got: Vec<String> = listed.resources.iter().filter_map(id_of).collect();
        got.sort();
        expected.sort();
        if got != expected {
            let params = if extra.is_empty() {
                String::new()
            } else {
                format!("{extra}&")
            };
            return diverge(
                format!("GET {}?{params}filter={filter}", kind.endpoint()),
                format!("ids {expected:?}"),
                format!("ids {got:?}"),
            );
        }
        Ok(Flow::Done(format!("{} found", got.len())))
    }

    /// Queries users with `filter` (`attr eq "value"`, as Entra sends) and compares the ids
    /// found with the live users the model says match. With `scoped` (a value other resources
    /// may share, such as a `displayName`), results that are not this attempt's users are left
    /// out first: the run's own resources are picked out by id, never by an extra filter.
    pub(super) async fn expect_model(&mut self, filter: &Filter, scoped: bool) -> StepResult {
        if !self.shape.filter {
            return Ok(Flow::Done("no query: filter.supported = false".into()));
        }
        let mut expected: Vec<String> = self
            .live_users()
            .into_iter()
            .filter(|&u| filter.matches(&self.model_doc(u)))
            .map(|u| self.users[u].id.clone())
            .collect();
        let text = filter.to_string();
        let listed = self.cx.query(ResourceKind::User, &text, "").await?;
        let mut got: Vec<String> = listed.resources.iter().filter_map(id_of).collect();
        if scoped {
            got.retain(|id| self.users.iter().any(|u| &u.id == id));
        }
        got.sort();
        expected.sort();
        if got != expected {
            let mine = if scoped {
                " (this attempt's users)"
            } else {
                ""
            };
            return diverge(
                format!("GET /Users?filter={text}{mine}"),
                format!("ids {expected:?}"),
                format!("ids {got:?}"),
            );
        }
        Ok(Flow::Done(format!("{} found", got.len())))
    }

    /// A query as Entra sends it, in place of a generated one: `userName` (in any letter case)
    /// or `externalId` `eq` a value of one of the attempt's users, the user matching attributes
    /// Entra queries (its default `userName`, or `externalId`); Entra does not look users up by
    /// `displayName` or `id`.
    pub(super) async fn entra_query(&mut self, q: &Query) -> StepResult {
        let (ix, form, case) = match q {
            Query::UserNameEq { user, case } => (*user, 0, *case),
            Query::UserNameSw { user } | Query::TitleAndActive { user } => (*user, 1, 0),
            Query::DisplayNameCo { user } | Query::Department { user } => (*user, 2, 0),
            Query::WorkEmail { user } => (*user, 3, 0),
            Query::ExternalIdOrUserName { a, .. } => (*a, 1, 0),
            Query::NotInactive => (0, 3, 0),
            Query::Generated { filter } => generated_seed(filter),
        };
        let Some(u) = self.live_user(ix) else {
            return Ok(Flow::Done("skipped: no live user".into()));
        };
        let external_id = self.users[u].external_id.as_str();
        let filter = if form % 2 == 1 && !external_id.is_empty() {
            Filter::eq("externalId", external_id)
        } else {
            Filter::eq("userName", recase(&self.users[u].user_name, case))
        };
        self.expect_model(&filter, false).await
    }

    /// The model's view of a user, restricted to the attributes the generated filters read.
    pub(super) fn model_doc(&self, u: usize) -> Value {
        let mut doc = json!({
            "schemas": [scim2_types::urn::USER, scim2_types::urn::ENTERPRISE_USER],
            "id": self.users[u].id,
        });
        for a in FILTERED {
            if let Ok(p) = TargetPath::parse(a)
                && let Some(v) = self.users[u].model.expected(&p)
            {
                doc[*a] = v.clone();
            }
        }
        let ext = scim2_types::urn::ENTERPRISE_USER;
        for a in FILTERED_EXT {
            if let Ok(p) = TargetPath::parse(&format!("{ext}:{a}"))
                && let Some(v) = self.users[u].model.expected(&p)
            {
                doc[ext][*a] = v.clone();
            }
        }
        doc
    }

    pub(super) fn attr_of(&self, u: usize, path: &str) -> String {
        TargetPath::parse(path)
            .ok()
            .and_then(|p| self.users[u].model.expected(&p).cloned())
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    pub(super) async fn query(&mut self, q: &Query) -> StepResult {
        let user = |ix: &u8| self.live_user(*ix);
        let body = match q {
            Query::NotInactive => "not (active eq false)".to_owned(),
            Query::UserNameEq { user: ix, case } => {
                let Some(u) = user(ix) else {
                    return Ok(Flow::Done("skipped: no live user".into()));
                };
                format!(
                    "userName eq {}",
                    lit(&recase(&self.users[u].user_name, *case))
                )
            }
            Query::UserNameSw { user: ix } => {
                let Some(u) = user(ix) else {
                    return Ok(Flow::Done("skipped: no live user".into()));
                };
                let n = &self.users[u].user_name;
                let cut = n
                    .char_indices()
                    .nth(n.chars().count().saturating_sub(14))
                    .map_or(0, |(i, _)| i);
                format!("userName sw {}", lit(&n[..cut.max(1).min(n.len())]))
            }
            Query::DisplayNameCo { user: ix } => {
                let Some(u) = user(ix) else {
                    return Ok(Flow::Done("skipped: no live user".into()));
                };
                let d = self.attr_of(u, "displayName");
                let part: String = d.chars().skip(d.chars().count() / 3).take(6).collect();
                format!("displayName co {}", lit(&part))
            }
            Query::WorkEmail { user: ix } => {
                let Some(u) = user(ix) else {
                    return Ok(Flow::Done("skipped: no live user".into()));
                };
                let e = self.attr_of(u, "emails[type eq \"work\"].value");
                format!("emails[type eq \"work\" and value eq {}]", lit(&e))
            }
            Query::TitleAndActive { user: ix } => {
                let Some(u) = user(ix) else {
                    return Ok(Flow::Done("skipped: no live user".into()));
                };
                format!(
                    "title eq {} and active eq true",
                    lit(&self.attr_of(u, "title"))
                )
            }
            Query::ExternalIdOrUserName { a, b } => {
                let (Some(a), Some(b)) = (user(a), user(b)) else {
                    return Ok(Flow::Done("skipped: no live user".into()));
                };
                format!(
                    "externalId eq {} or userName eq {}",
                    lit(&self.users[a].external_id),
                    lit(&self.users[b].user_name)
                )
            }
            Query::Department { user: ix } => {
                let Some(u) = user(ix) else {
                    return Ok(Flow::Done("skipped: no live user".into()));
                };
                format!("{DEPARTMENT} eq {}", lit(&self.attr_of(u, DEPARTMENT)))
            }
            Query::Generated { filter } => self.render(filter).to_string(),
        };
        // Scoped to this attempt's users: the endpoint may hold anything else.
        let filter = format!(
            "({body}) and userName sw {}",
            lit(&format!("{}-", self.tag))
        );
        let parsed = Filter::parse(&filter)
            .map_err(|e| CheckError::Error(format!("generated filter {filter}: {e}")))?;
        let expected: Vec<String> = self
            .live_users()
            .into_iter()
            .filter(|&u| parsed.matches(&self.model_doc(u)))
            .map(|u| self.users[u].id.clone())
            .collect();
        self.expect_query(&filter, expected).await
    }

    /// A filter on the user's current value of a PATCHed attribute (`None` when the model holds
    /// no value for it).
    pub(super) fn filter_on(&self, u: usize, attr: UserAttr) -> Option<Filter> {
        let v = self.attr_of(u, attr.path());
        (!v.is_empty()).then(|| attr.filter_eq(&v))
    }

    /// The current value a generated comparison reads, or `none` when there is no live user or
    /// the user does not hold the attribute.
    pub(super) fn value_for(&self, attr: FilterAttr, ix: u8) -> String {
        let Some(u) = self.live_user(ix) else {
            return "none".to_owned();
        };
        let v = match attr {
            FilterAttr::UserName => self.users[u].user_name.clone(),
            FilterAttr::ExternalId => self.users[u].external_id.clone(),
            FilterAttr::DisplayName => self.attr_of(u, "displayName"),
            FilterAttr::Email => self.attr_of(u, WORK_EMAIL),
            FilterAttr::Title => self.attr_of(u, "title"),
            FilterAttr::Department => self.attr_of(u, DEPARTMENT),
            FilterAttr::EmployeeNumber => self.attr_of(u, EMPLOYEE_NUMBER),
        };
        if v.is_empty() { "none".to_owned() } else { v }
    }

    /// A generated filter with values of the run's users (RFC 7644 §3.4.2.2).
    pub(super) fn render(&self, g: &Generated) -> Filter {
        match g {
            Generated::Compare {
                attr,
                op,
                user,
                case,
            } => {
                let name = match attr {
                    FilterAttr::UserName => "userName",
                    FilterAttr::DisplayName => "displayName",
                    FilterAttr::ExternalId => "externalId",
                    FilterAttr::Email => "emails.value",
                    FilterAttr::Title => "title",
                    FilterAttr::Department => DEPARTMENT,
                    FilterAttr::EmployeeNumber => EMPLOYEE_NUMBER,
                };
                let Some(cmp) = op.compare_op() else {
                    return Filter::present(name);
                };
                let mut v = operand(&self.value_for(*attr, *user), *op);
                // externalId is case-exact (RFC 7643 §3.1); the others are not.
                if *attr != FilterAttr::ExternalId {
                    v = recase(&v, *case);
                }
                Filter::compare(name, cmp, v)
            }
            Generated::Active { value } => Filter::eq("active", *value),
            Generated::WorkEmail { op, user } => {
                let v = operand(&self.value_for(FilterAttr::Email, *user), *op);
                let value = match op.compare_op() {
                    Some(cmp) => Filter::compare("value", cmp, v),
                    None => Filter::present("value"),
                };
                Filter::value_path("emails", Filter::and(Filter::eq("type", "work"), value))
            }
            Generated::Not { filter } => Filter::not(self.render(filter)),
            Generated::And { a, b } => Filter::and(self.render(a), self.render(b)),
            Generated::Or { a, b } => Filter::or(self.render(a), self.render(b)),
        }
    }

    /// After the last step: every user and group of the attempt, by id and by filter.
    pub(super) async fn full_state(&mut self) -> StepResult {
        for u in 0..self.users.len() {
            let id = self.users[u].id.clone();
            if self.users[u].live {
                // A user that reads back other than predicted is reported once; the queries on
                // the users' values are then left out (they would diverge for the same reason)
                // and the groups are still compared.
                match self.check_user(u).await? {
                    Flow::Diverged(d) if d.soft => {
                        if !self.users_diverged {
                            self.users_diverged = true;
                            self.soft_final = Some(d);
                        }
                    }
                    Flow::Diverged(d) => return Ok(Flow::Diverged(d)),
                    Flow::Done(_) => {}
                }
                if self.users_diverged {
                    continue;
                }
                let f = format!("userName eq {}", lit(&self.users[u].user_name));
                if let Flow::Diverged(d) = self.expect_query(&f, vec![id.clone()]).await? {
                    return Ok(Flow::Diverged(d));
                }
                // A value set by PATCH is found by a filter on it (RFC 7644 §3.4.2.2); Entra
                // queries users by userName and externalId only, which PATCH does not change.
                if self.shape.entra {
                    let external_id = self.users[u].external_id.clone();
                    if !external_id.is_empty() {
                        let f = format!("externalId eq {}", lit(&external_id));
                        if let Flow::Diverged(d) = self.expect_query(&f, vec![id.clone()]).await? {
                            return Ok(Flow::Diverged(d));
                        }
                    }
                    continue;
                }
                for attr in self.users[u].patched.clone() {
                    let Some(by) = self.filter_on(u, attr) else {
                        continue;
                    };
                    let f = format!("userName eq {} and {by}", lit(&self.users[u].user_name));
                    if let Flow::Diverged(d) = self.expect_query(&f, vec![id.clone()]).await? {
                        return Ok(Flow::Diverged(d));
                    }
                }
            } else if self.cx.read(ResourceKind::User, &id, "").await?.is_some() {
                return diverge(format!("GET /Users/{id} (deleted)"), "404", "200");
            }
        }
        for g in 0..self.groups.len() {
            let id = self.groups[g].id.clone();
            if self.groups[g].live {
                if let Flow::Diverged(d) = self.check_group(g).await? {
                    return Ok(Flow::Diverged(d));
                }
                let f = format!("displayName eq {}", lit(&self.groups[g].name));
                if let Flow::Diverged(d) = self.expect_group_query(&f, vec![id]).await? {
                    return Ok(Flow::Diverged(d));
                }
            } else if self.cx.read(ResourceKind::Group, &id, "").await?.is_some() {
                return diverge(format!("GET /Groups/{id} (deleted)"), "404", "200");
            }
        }
        Ok(Flow::Done("full state matches the model".into()))
    }
}

/// The user, the Entra query form (0 `userName`, 1 `externalId`, 2 `displayName`, 3 `id`) and
/// the letter case an Entra-profile run uses in place of a generated filter: taken from the
/// filter's first comparison, so that it stays put while the sequence shrinks.
fn generated_seed(g: &Generated) -> (u8, u8, u64) {
    match g {
        Generated::Compare {
            attr, user, case, ..
        } => {
            let form = match attr {
                FilterAttr::UserName => 0,
                FilterAttr::ExternalId => 1,
                FilterAttr::DisplayName => 2,
                _ => 3,
            };
            (*user, form, *case)
        }
        Generated::WorkEmail { user, .. } => (*user, 3, 0),
        Generated::Active { value } => (0, u8::from(*value), 0),
        Generated::Not { filter } => generated_seed(filter),
        Generated::And { a, .. } | Generated::Or { a, .. } => generated_seed(a),
    }
}

/// The comparison value for `op` taken from `v`: a prefix for `sw`, a suffix for `ew`, a middle
/// part for `co`, the whole value otherwise (at least one character).
fn operand(v: &str, op: FilterOp) -> String {
    let chars: Vec<char> = v.chars().collect();
    let n = chars.len();
    let half = (n / 2).max(1).min(n);
    match op {
        FilterOp::Sw => chars[..half].iter().collect(),
        FilterOp::Ew => chars[n - half..].iter().collect(),
        FilterOp::Co => chars.iter().skip(n / 3).take((n / 3).max(1)).collect(),
        _ => v.to_owned(),
    }
}

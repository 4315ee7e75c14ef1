//! Each operation of a sequence as a sentence, for the counterexample's steps.

#[allow(clippy::wildcard_imports)] // the rest of the executor
use super::*;

impl Exec {
    /// The operation as a sentence, resolved against the state before it runs: users and
    /// groups are named by their creation order in the sequence ("the 2nd user"), which is
    /// what an index means once resolved (index 0 is the live one written last, see
    /// [`Self::live_user`]).
    pub(super) fn describe(&self, op: &Op) -> String {
        let user = |ix: u8| {
            self.live_user(ix).map_or_else(
                || "a user (none live)".to_owned(),
                |u| format!("the {} user", ordinal(u + 1)),
            )
        };
        let group = |ix: u8| {
            self.live_group(ix).map_or_else(
                || "a group (none live)".to_owned(),
                |g| format!("the {} group", ordinal(g + 1)),
            )
        };
        let dialect = |flagged: bool| format!("{} dialect", self.dialect(flagged));
        match op {
            Op::CreateUser { reuse, .. } => {
                let n = ordinal(self.users.len() + 1);
                match reuse.and_then(|r| self.reusable(r)) {
                    Some(d) => format!(
                        "POST the {n} user, reusing the userName of the deleted {} user",
                        ordinal(d + 1)
                    ),
                    None => format!("POST the {n} user"),
                }
            }
            Op::FindUser {
                user: u,
                by_external_id,
                ..
            } => {
                if *by_external_id {
                    format!("find {} by externalId", user(*u))
                } else {
                    format!("find {} by userName in another letter case", user(*u))
                }
            }
            Op::PatchUser {
                user: u,
                attr,
                flagged,
                ..
            } => format!(
                "PATCH {}: set {} ({})",
                user(*u),
                attr.path(),
                dialect(*flagged)
            ),
            Op::SetManager {
                user: u,
                manager,
                flagged,
            } => {
                let target = self.live_user(*u);
                let mut m = self.live_user(*manager);
                if m.is_some() && m == target {
                    m = self
                        .live_user(manager.wrapping_add(1))
                        .filter(|n| Some(*n) != target);
                }
                let m = m.map_or_else(
                    || "another user (none live)".to_owned(),
                    |m| format!("the {}", ordinal(m + 1)),
                );
                format!(
                    "PATCH {}: set manager to {m} ({})",
                    user(*u),
                    dialect(*flagged)
                )
            }
            Op::ClearManager { user: u, flagged } => {
                format!("PATCH {}: remove manager ({})", user(*u), dialect(*flagged))
            }
            Op::SetActive {
                user: u,
                active,
                flagged,
            } => format!(
                "PATCH {}: set active to {active} ({})",
                user(*u),
                dialect(*flagged)
            ),
            Op::RenameUser { user: u, flagged } => {
                format!(
                    "PATCH {}: rename userName ({})",
                    user(*u),
                    dialect(*flagged)
                )
            }
            Op::DeleteUser { user: u } => format!("DELETE {}", user(*u)),
            Op::CreateGroup => format!("POST the {} group", ordinal(self.groups.len() + 1)),
            Op::FindGroup { group: g, .. } => {
                format!("find {} by displayName in another letter case", group(*g))
            }
            Op::AddMembers {
                group: g,
                users,
                flagged,
            } => {
                let mut picked: Vec<usize> = Vec::new();
                for u in users {
                    if let Some(i) = self.live_user(*u)
                        && !picked.contains(&i)
                    {
                        picked.push(i);
                    }
                }
                format!(
                    "PATCH {}: add {} as members ({})",
                    group(*g),
                    users_list(&picked),
                    dialect(*flagged)
                )
            }
            Op::RemoveMembers {
                group: g,
                users,
                flagged,
            } => {
                let ids = self
                    .live_group(*g)
                    .map(|gi| self.current_members(gi, users))
                    .unwrap_or_default();
                let picked: Vec<usize> = ids
                    .iter()
                    .filter_map(|id| self.users.iter().position(|u| &u.id == id))
                    .collect();
                format!(
                    "PATCH {}: remove {} from its members ({})",
                    group(*g),
                    users_list(&picked),
                    dialect(*flagged)
                )
            }
            Op::RenameGroup { group: g, flagged } => {
                format!(
                    "PATCH {}: rename displayName ({})",
                    group(*g),
                    dialect(*flagged)
                )
            }
            Op::DeleteGroup { group: g } => format!("DELETE {}", group(*g)),
            Op::Query(_) => "query /Users with a filter (shown in the request)".to_owned(),
        }
    }
}

//! Pairing the resources of two endpoints: users by `userName`, groups by `displayName`
//! (exact first, then ignoring letter case, as RFC 7643 §4.1.1 makes `userName`
//! case-insensitive), then by `externalId` (case-exact, RFC 7643 §3.1) for the rest.

use std::collections::{HashMap, VecDeque};

use super::index::Index;

/// How a pair was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchedBy {
    /// The same `userName`/`displayName`, letter for letter.
    Name,
    /// The same `userName`/`displayName` in another letter case.
    NameIgnoringCase,
    /// The same `externalId` (the names differ or are missing).
    ExternalId,
}

/// The pairs and the unpaired entries of two indexes of the same kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching {
    /// `(from index, to index, how)`, in the order of the `from` entries.
    pub pairs: Vec<(u32, u32, MatchedBy)>,
    /// The partner in `to` of each `from` entry.
    pub from_partner: Vec<Option<u32>>,
    /// The partner in `from` of each `to` entry.
    pub to_partner: Vec<Option<u32>>,
}

impl Matching {
    /// `from` entries without a partner.
    pub fn only_from(&self) -> impl Iterator<Item = u32> + '_ {
        unpaired(&self.from_partner)
    }

    /// `to` entries without a partner.
    pub fn only_to(&self) -> impl Iterator<Item = u32> + '_ {
        unpaired(&self.to_partner)
    }
}

fn unpaired(partners: &[Option<u32>]) -> impl Iterator<Item = u32> + '_ {
    partners
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .filter_map(|(i, _)| u32::try_from(i).ok())
}

/// Pairs the entries of `from` and `to` (see the module documentation). When a side has
/// duplicates, they are paired in reading order and the rest stay unpaired.
#[must_use]
pub fn pair(from: &Index, to: &Index) -> Matching {
    let mut m = Matching {
        pairs: Vec::new(),
        from_partner: vec![None; from.len()],
        to_partner: vec![None; to.len()],
    };
    // Pass 1 and 2: by name, exact then folded.
    let key_exact = |s: &str| s.to_owned();
    let key_folded = |s: &str| s.to_lowercase();
    for (how, key) in [
        (MatchedBy::Name, &key_exact as &dyn Fn(&str) -> String),
        (MatchedBy::NameIgnoringCase, &key_folded),
    ] {
        let mut queue: HashMap<String, VecDeque<u32>> = HashMap::new();
        for (j, e) in to.entries.iter().enumerate() {
            if m.to_partner[j].is_some() {
                continue;
            }
            if let (Some(name), Ok(j)) = (&e.name, u32::try_from(j)) {
                queue.entry(key(name)).or_default().push_back(j);
            }
        }
        for (i, e) in from.entries.iter().enumerate() {
            if m.from_partner[i].is_some() {
                continue;
            }
            let Some(name) = &e.name else { continue };
            if let Some(j) = queue.get_mut(&key(name)).and_then(VecDeque::pop_front) {
                link(&mut m, i, j, how);
            }
        }
    }
    // Pass 3: by externalId among the unpaired.
    let mut queue: HashMap<&str, VecDeque<u32>> = HashMap::new();
    for (j, e) in to.entries.iter().enumerate() {
        if m.to_partner[j].is_some() {
            continue;
        }
        if let (Some(x), Ok(j)) = (&e.external_id, u32::try_from(j)) {
            queue.entry(x).or_default().push_back(j);
        }
    }
    for (i, e) in from.entries.iter().enumerate() {
        if m.from_partner[i].is_some() {
            continue;
        }
        let Some(x) = &e.external_id else { continue };
        if let Some(j) = queue.get_mut(&**x).and_then(VecDeque::pop_front) {
            link(&mut m, i, j, MatchedBy::ExternalId);
        }
    }
    m.pairs.sort_by_key(|p| p.0);
    m
}

fn link(m: &mut Matching, i: usize, j: u32, how: MatchedBy) {
    if let Ok(i32) = u32::try_from(i) {
        m.from_partner[i] = Some(j);
        m.to_partner[j as usize] = Some(i32);
        m.pairs.push((i32, j, how));
    }
}

/// Groups of entries of one index whose names are equal ignoring letter case (RFC 7643
/// §4.1.1: such userNames collide), each in reading order; groups sorted by first entry.
#[must_use]
pub fn duplicates(index: &Index) -> Vec<Vec<u32>> {
    let mut by_name: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, e) in index.entries.iter().enumerate() {
        if let (Some(name), Ok(i)) = (&e.name, u32::try_from(i)) {
            by_name.entry(name.to_lowercase()).or_default().push(i);
        }
    }
    let mut out: Vec<Vec<u32>> = by_name.into_values().filter(|v| v.len() > 1).collect();
    out.sort_by_key(|v| v[0]);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::compare::index::Kind;

    fn users(list: &[(&str, Option<&str>)]) -> Index {
        let mut ix = Index::new(Kind::User);
        for (i, (name, ext)) in list.iter().enumerate() {
            let mut u = json!({"id": format!("id{i}"), "userName": name});
            if let Some(x) = ext {
                u["externalId"] = json!(x);
            }
            if name.is_empty() {
                u.as_object_mut().unwrap().remove("userName");
            }
            ix.push(&u, &[]);
        }
        ix
    }

    #[test]
    fn exact_then_case_then_external_id() {
        let from = users(&[
            ("alice", None),
            ("BOB", None),
            ("carol", Some("c")),
            ("dave", None),
        ]);
        let to = users(&[
            ("bob", None),
            ("carol2", Some("c")),
            ("alice", None),
            ("erin", None),
        ]);
        let m = pair(&from, &to);
        assert_eq!(
            m.pairs,
            vec![
                (0, 2, MatchedBy::Name),
                (1, 0, MatchedBy::NameIgnoringCase),
                (2, 1, MatchedBy::ExternalId)
            ]
        );
        assert_eq!(m.only_from().collect::<Vec<_>>(), vec![3]);
        assert_eq!(m.only_to().collect::<Vec<_>>(), vec![3]);
    }

    #[test]
    fn exact_case_wins_over_folded_case_with_duplicates() {
        let from = users(&[("Alice", None), ("alice", None)]);
        let to = users(&[("alice", None), ("ALICE", None)]);
        let m = pair(&from, &to);
        assert_eq!(
            m.pairs,
            vec![(0, 1, MatchedBy::NameIgnoringCase), (1, 0, MatchedBy::Name)]
        );
        assert_eq!(duplicates(&from), vec![vec![0, 1]]);
        assert_eq!(duplicates(&to), vec![vec![0, 1]]);
        assert!(duplicates(&users(&[("a", None), ("b", None)])).is_empty());
    }

    #[test]
    fn nameless_entries_pair_by_external_id_only() {
        let from = users(&[("", Some("x")), ("", None)]);
        let to = users(&[("", None), ("", Some("x"))]);
        let m = pair(&from, &to);
        assert_eq!(m.pairs, vec![(0, 1, MatchedBy::ExternalId)]);
        assert_eq!(m.only_from().count(), 1);
        assert_eq!(m.only_to().count(), 1);
    }
}

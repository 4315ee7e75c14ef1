//! Pairing the resources of two endpoints: users by `userName`, groups by `displayName`
//! (exact first, then ignoring letter case, as RFC 7643 §4.1.1 makes `userName`
//! case-insensitive), then by `externalId` (case-exact, RFC 7643 §3.1) for the rest.

use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;

use super::diff::Side;
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
#[cfg(test)]
pub(crate) fn pair(from: &Index, to: &Index) -> Matching {
    let mut p = Pairing::default();
    for e in &from.entries {
        p.add(Side::From, e.name());
    }
    for e in &to.entries {
        p.add(Side::To, e.name());
    }
    p.finish(from, to).0
}

/// Pairing as entries arrive, side by side in any interleaving: an entry pairs at once with
/// the first waiting entry of the other side that has exactly its name (the k-th `alice` of
/// one side with the k-th `alice` of the other), so that only
/// entries still waiting for a partner need their values kept. [`Pairing::finish`] then runs
/// the other passes over the rest.
#[derive(Debug, Default)]
pub struct Pairing {
    m: Matching,
    /// The entries of each side (`from`, `to`) waiting for a partner, by exact name.
    waiting: [HashMap<Box<str>, VecDeque<u32>>; 2],
}

impl Pairing {
    /// Adds the next entry of `side` (its index is the number added before on that side);
    /// returns the pair `(from index, to index)` it completes, if any.
    pub fn add(&mut self, side: Side, name: Option<&str>) -> Option<(u32, u32)> {
        let (mine, other) = match side {
            Side::From => (0, 1),
            Side::To => (1, 0),
        };
        let index = match side {
            Side::From => self.m.from_partner.len(),
            Side::To => self.m.to_partner.len(),
        };
        let partners = match side {
            Side::From => &mut self.m.from_partner,
            Side::To => &mut self.m.to_partner,
        };
        partners.push(None);
        let (Some(name), Ok(index)) = (name, u32::try_from(index)) else {
            return None;
        };
        let found = match self.waiting[other].get_mut(name) {
            Some(q) => {
                let found = q.pop_front();
                if q.is_empty() {
                    self.waiting[other].remove(name);
                }
                found
            }
            None => None,
        };
        match found {
            Some(partner) => {
                let (i, j) = match side {
                    Side::From => (index, partner),
                    Side::To => (partner, index),
                };
                link(&mut self.m, i as usize, j, MatchedBy::Name);
                Some((i, j))
            }
            None => {
                self.waiting[mine]
                    .entry(Box::from(name))
                    .or_default()
                    .push_back(index);
                None
            }
        }
    }

    /// Whether the `from` entry `i` has a partner.
    #[must_use]
    pub fn from_paired(&self, i: u32) -> bool {
        self.m
            .from_partner
            .get(i as usize)
            .is_some_and(Option::is_some)
    }

    /// Whether the `to` entry `j` has a partner.
    #[must_use]
    pub fn to_paired(&self, j: u32) -> bool {
        self.m
            .to_partner
            .get(j as usize)
            .is_some_and(Option::is_some)
    }

    /// Runs the passes by name ignoring case, then by `externalId`, over the entries left
    /// (every entry added must be in `from` and `to`); returns the matching and the pairs
    /// those passes made.
    #[must_use]
    pub fn finish(self, from: &Index, to: &Index) -> (Matching, Vec<(u32, u32, MatchedBy)>) {
        let mut m = self.m;
        let first = m.pairs.len();
        // Pass 2: by name, ignoring letter case.
        let mut queue: HashMap<String, VecDeque<u32>> = HashMap::new();
        for (j, e) in to.entries.iter().enumerate() {
            if m.to_partner[j].is_some() {
                continue;
            }
            if let (Some(name), Ok(j)) = (e.name(), u32::try_from(j)) {
                queue.entry(name.to_lowercase()).or_default().push_back(j);
            }
        }
        if !queue.is_empty() {
            for (i, e) in from.entries.iter().enumerate() {
                if m.from_partner[i].is_some() {
                    continue;
                }
                let Some(name) = e.name() else { continue };
                if let Some(j) = queue
                    .get_mut(&name.to_lowercase())
                    .and_then(VecDeque::pop_front)
                {
                    link(&mut m, i, j, MatchedBy::NameIgnoringCase);
                }
            }
        }
        // Pass 3: by externalId among the unpaired.
        let mut queue: HashMap<&str, VecDeque<u32>> = HashMap::new();
        for (j, e) in to.entries.iter().enumerate() {
            if m.to_partner[j].is_some() {
                continue;
            }
            if let (Some(x), Ok(j)) = (e.external_id(), u32::try_from(j)) {
                queue.entry(x).or_default().push_back(j);
            }
        }
        if !queue.is_empty() {
            for (i, e) in from.entries.iter().enumerate() {
                if m.from_partner[i].is_some() {
                    continue;
                }
                let Some(x) = e.external_id() else { continue };
                if let Some(j) = queue.get_mut(x).and_then(VecDeque::pop_front) {
                    link(&mut m, i, j, MatchedBy::ExternalId);
                }
            }
        }
        let late = m.pairs[first..].to_vec();
        m.pairs.sort_by_key(|p| p.0);
        (m, late)
    }
}

fn link(m: &mut Matching, i: usize, j: u32, how: MatchedBy) {
    if let Ok(i32) = u32::try_from(i) {
        m.from_partner[i] = Some(j);
        m.to_partner[j as usize] = Some(i32);
        m.pairs.push((i32, j, how));
    }
}

/// A name folded for comparison ignoring letter case, as `str::to_lowercase` compares it
/// (the final sigma, which `to_lowercase` writes `ς`, is folded to `σ` too).
fn fold(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l })
}

/// The hash of a name folded as [`fold`] does; `buf` is room for the folded text.
fn folded_hash(name: &str, buf: &mut String) -> u64 {
    buf.clear();
    if name.is_ascii() {
        buf.extend(name.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        buf.extend(name.chars().flat_map(fold));
    }
    let mut h = std::hash::DefaultHasher::new();
    h.write(buf.as_bytes());
    h.finish()
}

/// Groups of entries of one index whose names are equal ignoring letter case (RFC 7643
/// §4.1.1: such userNames collide), each in reading order; groups sorted by first entry.
///
/// Memory: 16 bytes per entry (a hash of the folded name and the index), whatever the
/// names' length.
#[must_use]
pub fn duplicates(index: &Index) -> Vec<Vec<u32>> {
    let mut buf = String::new();
    let mut hashed: Vec<(u64, u32)> = Vec::with_capacity(index.entries.len());
    for (i, e) in index.entries.iter().enumerate() {
        if let (Some(name), Ok(i)) = (e.name(), u32::try_from(i)) {
            hashed.push((folded_hash(name, &mut buf), i));
        }
    }
    hashed.sort_unstable();
    let mut out: Vec<Vec<u32>> = Vec::new();
    for run in hashed.chunk_by(|a, b| a.0 == b.0).filter(|r| r.len() > 1) {
        // Equal hashes: split by the folded name itself (a hash collision is not a duplicate).
        let mut by_name: Vec<(String, Vec<u32>)> = Vec::new();
        for &(_, i) in run {
            let name = index.entries[i as usize]
                .name()
                .unwrap_or_default()
                .to_lowercase();
            match by_name.iter_mut().find(|(n, _)| *n == name) {
                Some((_, v)) => v.push(i),
                None => by_name.push((name, vec![i])),
            }
        }
        out.extend(by_name.into_iter().map(|(_, v)| v).filter(|v| v.len() > 1));
    }
    out.sort_by_key(|v| v[0]);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use scim2_types::ResourceKind;

    fn users(list: &[(&str, Option<&str>)]) -> Index {
        let mut ix = Index::new(ResourceKind::User);
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

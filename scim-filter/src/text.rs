//! String comparison for filters (RFC 7644 §3.4.2.2): case-exact, or case-insensitive (RFC 7643
//! §2.3.1 `caseExact: false`).
//!
//! Case-insensitive comparison takes an ASCII fast path when both strings are ASCII and
//! otherwise compares the strings' Unicode lower-case forms character by character, with the
//! final sigma `ς` read as `σ` (so `ΟΔΟΣ`, `οδος` and `οδοσ` are all equal). Nothing is
//! allocated: the folded forms are iterated, never collected.

use std::cmp::Ordering;

use crate::ast::CompareOp;

/// The case-folded characters of `s`: each character's Unicode lower case, with `ς` as `σ`.
pub(crate) fn fold(s: &str) -> impl DoubleEndedIterator<Item = char> + Clone + '_ {
    s.chars().flat_map(char::to_lowercase).map(fold_sigma)
}

fn fold_sigma(c: char) -> char {
    if c == 'ς' { 'σ' } else { c }
}

/// `s` case-folded, for constants folded once ahead of many comparisons.
pub(crate) fn folded(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        fold(s).collect()
    }
}

/// Whether an ordering satisfies `op` (`eq`, `ne`, `gt`, `ge`, `lt`, `le`); false for the
/// substring operators.
pub(crate) fn ordered(op: CompareOp, o: Ordering) -> bool {
    match op {
        CompareOp::Eq => o == Ordering::Equal,
        CompareOp::Ne => o != Ordering::Equal,
        CompareOp::Gt => o == Ordering::Greater,
        CompareOp::Ge => o != Ordering::Less,
        CompareOp::Lt => o == Ordering::Less,
        CompareOp::Le => o != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

/// Compares the attribute value `a` with the filter value `e` by `op`; `e_ascii` must be
/// `e.is_ascii()` (passed in so that a constant is scanned once).
pub(crate) fn compare(a: &str, e: &str, e_ascii: bool, op: CompareOp, case_exact: bool) -> bool {
    if case_exact {
        return match op {
            CompareOp::Co => a.contains(e),
            CompareOp::Sw => a.starts_with(e),
            CompareOp::Ew => a.ends_with(e),
            _ => ordered(op, a.cmp(e)),
        };
    }
    if matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return eq_folded(a, e, e_ascii) == (op == CompareOp::Eq);
    }
    let (ab, eb) = (a.as_bytes(), e.as_bytes());
    if e_ascii && a.is_ascii() {
        return match op {
            CompareOp::Sw => ab.len() >= eb.len() && ab[..eb.len()].eq_ignore_ascii_case(eb),
            CompareOp::Ew => {
                ab.len() >= eb.len() && ab[ab.len() - eb.len()..].eq_ignore_ascii_case(eb)
            }
            CompareOp::Co => {
                eb.is_empty() || ab.windows(eb.len()).any(|w| w.eq_ignore_ascii_case(eb))
            }
            _ => ordered(
                op,
                ab.iter()
                    .map(u8::to_ascii_lowercase)
                    .cmp(eb.iter().map(u8::to_ascii_lowercase)),
            ),
        };
    }
    match op {
        CompareOp::Sw => starts_with(fold(a), fold(e)),
        CompareOp::Ew => starts_with(fold(a).rev(), fold(e).rev()),
        CompareOp::Co => contains_folded(a, e),
        _ => ordered(op, fold(a).cmp(fold(e))),
    }
}

/// Whether `a` and `e` are equal after folding; `e_ascii` must be `e.is_ascii()`.
///
/// Equal up to the case of ASCII letters implies equal after folding, whatever else the
/// strings hold (the bytes of non-ASCII characters are then identical). When `e` is ASCII, the
/// answer is mostly known from the lengths: a non-ASCII character folds to ASCII only by
/// getting shorter (KELVIN SIGN, three bytes, folds to `k`), so text no longer than `e` folds
/// to it only when it equals `e` up to ASCII case, and longer text only when it is not ASCII.
/// Text of another length is then rejected without reading it.
#[inline]
pub(crate) fn eq_folded(a: &str, e: &str, e_ascii: bool) -> bool {
    let (ab, eb) = (a.as_bytes(), e.as_bytes());
    if ab.len() == eb.len() && ab.eq_ignore_ascii_case(eb) {
        return true;
    }
    if e_ascii && (ab.len() <= eb.len() || a.is_ascii()) {
        return false;
    }
    eq_unicode_folded(a, e)
}

#[inline(never)]
fn eq_unicode_folded(a: &str, e: &str) -> bool {
    fold(a).eq(fold(e))
}

/// Orders two strings case-insensitively (for `sortBy`).
pub(crate) fn cmp_folded(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    } else {
        fold(a).cmp(fold(b))
    }
}

fn starts_with(mut a: impl Iterator<Item = char>, e: impl Iterator<Item = char>) -> bool {
    for c in e {
        if a.next() != Some(c) {
            return false;
        }
    }
    true
}

/// Whether the folded `e` occurs in the folded `a`, trying every start in the folded form of
/// `a` (including inside a character whose lower case is several characters).
fn contains_folded(a: &str, e: &str) -> bool {
    if e.is_empty() {
        return true;
    }
    a.char_indices().any(|(i, c)| {
        (0..c.to_lowercase().count()).any(|skip| starts_with(fold(&a[i..]).skip(skip), fold(e)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded_eq(a: &str, e: &str) -> bool {
        compare(a, e, e.is_ascii(), CompareOp::Eq, false)
    }

    #[test]
    fn folding_is_idempotent_for_every_character() {
        // Constants are folded once, ahead of comparisons that fold the other side: that is
        // only sound when folding twice changes nothing.
        let mut buf = [0u8; 4];
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let once = folded(c.encode_utf8(&mut buf));
            assert_eq!(folded(&once), once, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn non_ascii_characters_fold_to_ascii_only_by_getting_shorter() {
        // `eq_folded` rejects text by length against an ASCII constant on this ground.
        let mut buf = [0u8; 4];
        for c in (0x80..=0x10_FFFF).filter_map(char::from_u32) {
            let once = folded(c.encode_utf8(&mut buf));
            if once.is_ascii() {
                assert!(once.len() < c.len_utf8(), "U+{:04X}", c as u32);
            }
        }
    }

    proptest::proptest! {
        /// `eq_folded`, which mostly decides by lengths, answers as comparing the folded
        /// characters, with the constant folded ahead (as compiled filters do) or not.
        #[test]
        fn eq_folded_agrees_with_comparing_folded_text(
            a in "[aAkKsSß\u{212A}\u{130}iİσςΣ.]{0,6}",
            e in "[aAkKsSß\u{212A}\u{130}iİσςΣ.]{0,6}",
        ) {
            let expected = fold(&a).eq(fold(&e));
            proptest::prop_assert_eq!(eq_folded(&a, &e, e.is_ascii()), expected);
            let f = folded(&e);
            proptest::prop_assert_eq!(eq_folded(&a, &f, f.is_ascii()), expected);
            for op in [CompareOp::Eq, CompareOp::Ne] {
                proptest::prop_assert_eq!(
                    compare(&a, &e, e.is_ascii(), op, false),
                    expected == (op == CompareOp::Eq)
                );
            }
        }
    }

    #[test]
    fn unicode_case_insensitive_operators() {
        assert!(folded_eq("Jürgen", "JÜRGEN"));
        assert!(folded_eq("ΟΔΟΣ", "οδος"));
        assert!(folded_eq("οδοσ", "οδος"));
        assert!(folded_eq("\u{212A}", "k")); // KELVIN SIGN lower-cases to ASCII `k`
        assert!(!folded_eq("Jürgen", "Jurgen"));
        assert!(compare("Ödegård", "ÖDE", false, CompareOp::Sw, false));
        assert!(compare("Ödegård", "GÅRD", false, CompareOp::Ew, false));
        assert!(compare("Ödegård", "EGÅ", false, CompareOp::Co, false));
        assert!(!compare("Ödegård", "EGA", true, CompareOp::Co, false));
        // A match may start inside a character whose lower case is two characters.
        assert!(compare("İx", "\u{307}X", false, CompareOp::Co, false));
        assert!(compare("b", "Ä", false, CompareOp::Lt, false));
        assert!(compare("Ä", "ä", false, CompareOp::Ge, false));
    }

    #[test]
    fn case_exact_and_ascii_operators() {
        assert!(!compare("Alice", "alice", true, CompareOp::Eq, true));
        assert!(compare("Alice", "alice", true, CompareOp::Ne, true));
        assert!(compare("Alice", "ALICE", true, CompareOp::Eq, false));
        assert!(compare("alice", "ALI", true, CompareOp::Sw, false));
        assert!(compare("alice", "ICE", true, CompareOp::Ew, false));
        assert!(compare("alice", "LIC", true, CompareOp::Co, false));
        assert!(compare("alice", "", true, CompareOp::Co, false));
        assert!(compare("alice", "BOB", true, CompareOp::Lt, false));
        assert!(!compare("alice", "BOB", true, CompareOp::Lt, true));
    }
}

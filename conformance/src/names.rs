//! Values shaped like real directories for the attributes Entra ID matches on (`userName`,
//! `externalId`, group `displayName`) and for the derived e-mail addresses.
//!
//! Entra looks users and groups up with `filter=<attr> eq "<value>"`, taking the value from the
//! directory as it is. Real directories hold group names with spaces, apostrophes, double
//! quotes, `&`, `/`, parentheses and non-ASCII letters, and user principal names with `'`,
//! `-`, `_` and dots; endpoints have been seen to fail on each
//! (<https://github.com/audriga/scim-server-php/issues/1>: a space in a group name;
//! <https://github.com/Captain-P-Goldfish/SCIM-SDK/pull/927>: escaped quotes;
//! <https://github.com/FusionAuth/fusionauth-issues/issues/3111>: `eq` matching a prefix,
//! which made Entra stop with "Multiple entries were found").
//!
//! Every value starts with the run-unique base it is given, so that the run can find and
//! delete what it created by that prefix. User principal names stay inside the characters
//! Entra allows (ASCII, checked with [`scim2_types::address::validate_upn`]); Unicode goes
//! only into display names.

/// Group display-name suffixes, each with a character real directories hold and weak filter
/// parsers fail on. The run-unique base comes first: `<base> R&D / Ops (Zürich)`.
pub const GROUP_SUFFIXES: &[&str] = &[
    " R&D \"Nord\" / Ops (Zürich)",
    " Sales EMEA",
    " O'Brien's team",
    " \"Quality\" Support",
    " Økonomi – Ålesund",
    " Ventes & Marketing (Île-de-France)",
];

/// The suffix that turns a group name into a longer one it is a prefix of
/// (`… Sales` and `… Sales-EMEA`, as in `group-app` and `group-app-test`).
pub const LONGER_SUFFIX: &str = "-EMEA";

/// User principal name local-part suffixes with the punctuation Entra allows in a UPN
/// (`'`, `.`, `-`, `_`); appended to the run-unique base: `<base>.o'brien_j`.
pub const UPN_SUFFIXES: &[&str] = &[".o'brien_j", "_ann-marie.lee", ".d'arcy-smith", "_x.y_z"];

/// A group name of the `k`-th shape: `<base><suffix>`.
#[must_use]
pub fn group_name(base: &str, k: usize) -> String {
    format!("{base}{}", GROUP_SUFFIXES[k % GROUP_SUFFIXES.len()])
}

/// A UPN of the `k`-th shape: `<base><suffix>@<domain>`.
#[must_use]
pub fn upn(base: &str, k: usize, domain: &str) -> String {
    format!("{base}{}@{domain}", UPN_SUFFIXES[k % UPN_SUFFIXES.len()])
}

/// A mail nickname (Entra's default `externalId` source) for `base`: the UPN's local part.
#[must_use]
pub fn mail_nickname(base: &str, k: usize) -> String {
    format!("{base}{}", UPN_SUFFIXES[k % UPN_SUFFIXES.len()])
}

/// The `userName` and mail nickname (`externalId`) of the `k`-th user a generated sequence
/// creates, with the run-unique `base` and the UPN `domain`. Every second user extends the
/// previous one's values (`prev`: its userName and externalId), so that one is a prefix of the
/// other: `<prev userName>.au` and `<prev externalId>-EMEA`; every fourth external id is a GUID
/// (`guid`), as when an admin maps `objectId` to `externalId`.
#[must_use]
pub fn sequence_user(
    base: &str,
    k: usize,
    domain: &str,
    prev: Option<(&str, &str)>,
    guid: &str,
) -> (String, String) {
    match prev {
        Some((user_name, external_id))
            if k % 2 == 1 && user_name.len() + 3 <= 113 && !user_name.ends_with(".au") =>
        {
            (
                format!("{user_name}.au"),
                format!("{external_id}{LONGER_SUFFIX}"),
            )
        }
        _ if k % 4 == 2 => (upn(base, k / 2, domain), guid.to_owned()),
        _ => (upn(base, k / 2, domain), mail_nickname(base, k / 2)),
    }
}

/// The display name of the `k`-th group a generated sequence creates: every second group
/// extends the previous one's name (`prev`) with [`LONGER_SUFFIX`], the others are
/// `<base><suffix>` with the suffixes of [`GROUP_SUFFIXES`] in turn.
#[must_use]
pub fn sequence_group(base: &str, k: usize, prev: Option<&str>) -> String {
    match prev {
        Some(p) if k % 2 == 1 && !p.ends_with(LONGER_SUFFIX) => format!("{p}{LONGER_SUFFIX}"),
        _ => group_name(base, k / 2),
    }
}

/// `s` folded to the ASCII letters, digits, `'` and `-` an e-mail local part or UPN can carry:
/// Latin letters lose their accents (`Zoë` → `zoe`, `Øvergaard` → `overgaard`, `ß` → `ss`),
/// other characters (Cyrillic, Greek, CJK, spaces) are dropped, and the result is
/// lower-case, with no `'` or `-` first or last. May be empty.
#[must_use]
pub fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '\'' || c == '-' {
            out.push(c);
        } else if let Some(f) = fold_latin(c) {
            out.push_str(f);
        }
    }
    out.trim_matches(|c| c == '\'' || c == '-').to_owned()
}

fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// An e-mail local part from name parts: the parts folded with [`fold_ascii`], empty ones left
/// out, joined with `.`; at most 64 octets (RFC 5321 §4.5.3.1.1), cutting the leading parts
/// first so that the last (run-unique) part is kept whole.
#[must_use]
pub fn mail_local(parts: &[&str]) -> String {
    let mut kept: Vec<String> = parts
        .iter()
        .map(|p| fold_ascii(p))
        .filter(|p| !p.is_empty())
        .collect();
    while kept.len() > 1 && kept.iter().map(|p| p.len() + 1).sum::<usize>() > 65 {
        kept.remove(0);
    }
    let mut local = kept.join(".");
    local.truncate(64);
    local
}

#[cfg(test)]
mod tests {
    use super::*;
    use scim2_types::address::{validate_email, validate_upn};

    #[test]
    fn folding_keeps_what_it_can_and_never_leaves_empty_parts() {
        assert_eq!(fold_ascii("Zoë"), "zoe");
        assert_eq!(fold_ascii("Øvergaard"), "overgaard");
        assert_eq!(fold_ascii("O'Brien"), "o'brien");
        assert_eq!(fold_ascii("Жанна"), "");
        assert_eq!(fold_ascii("Straße"), "strasse");
        assert_eq!(mail_local(&["Aa", "Жанна", "p-u1"]), "aa.p-u1");
        assert_eq!(mail_local(&["", "", "p-u1"]), "p-u1");
        let long = "x".repeat(60);
        assert_eq!(mail_local(&["Ann", "Lee", &long]), format!("lee.{long}"));
        assert_eq!(mail_local(&["Ann", "Lee", &"y".repeat(70)]), "y".repeat(64));
        for local in [
            mail_local(&["Aa", "Жанна", "p-u1"]),
            mail_local(&["'", "-", "b"]),
        ] {
            assert_eq!(validate_email(&format!("{local}@example.com")), Ok(()));
        }
    }

    #[test]
    fn sequences_hold_prefix_pairs() {
        let (u0, e0) = sequence_user("t-u1", 0, "example.com", None, "g");
        let (u1, e1) = sequence_user("t-u2", 1, "example.com", Some((&u0, &e0)), "g");
        assert_eq!(u1, format!("{u0}.au"));
        assert_eq!(e1, format!("{e0}-EMEA"));
        let (u2, e2) = sequence_user("t-u3", 2, "x.co.uk", Some((&u1, &e1)), "guid");
        assert_eq!(e2, "guid");
        assert!(u2.starts_with("t-u3"));
        for u in [&u0, &u1, &u2] {
            assert_eq!(validate_upn(u), Ok(()), "{u}");
        }
        let g0 = sequence_group("t-g1", 0, None);
        let g1 = sequence_group("t-g2", 1, Some(&g0));
        assert_eq!(g1, format!("{g0}-EMEA"));
        assert!(sequence_group("t-g3", 2, Some(&g1)).starts_with("t-g3 "));
    }

    #[test]
    fn shapes_are_valid_and_carry_the_base() {
        for k in 0..UPN_SUFFIXES.len() {
            let u = upn("scimconf-ab12-u1", k, "example.com");
            assert_eq!(validate_upn(&u), Ok(()), "{u}");
            assert!(u.starts_with("scimconf-ab12-u1"));
        }
        for k in 0..GROUP_SUFFIXES.len() {
            assert!(group_name("scimconf-ab12-g1", k).starts_with("scimconf-ab12-g1 "));
        }
        let all: String = GROUP_SUFFIXES.concat();
        for c in [' ', '\'', '"', '&', '/', '(', ')', 'ü'] {
            assert!(all.contains(c), "no group name carries {c:?}");
        }
    }
}

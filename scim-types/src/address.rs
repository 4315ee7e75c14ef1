//! Strict validators for the two address-shaped values an identity provider sends: a user
//! principal name (the usual source of `userName`) and an e-mail address (`emails.value`).
//!
//! - [`validate_email`]: an RFC 5321 §4.1.2 `Mailbox` in its common form: a dot-atom local
//!   part (RFC 5322 §3.2.3 `atext` separated by single dots, no leading, trailing or double
//!   dot) and a domain of LDH labels (RFC 1035 §2.3.1, RFC 5321 §4.1.2 `Domain`); at most 64
//!   octets before the `@`, 255 after it and 254 in all (RFC 5321 §4.5.3.1; RFC 3696 errata
//!   1690). Quoted local parts and address literals are valid RFC 5321 but no directory
//!   produces them, so they are refused here.
//! - [`validate_upn`]: a Microsoft Entra ID user principal name: the characters
//!   `A–Z a–z 0–9 ' . - _ ! # ^ ~` before the `@`, at most 64 of them, no period first or
//!   immediately before the `@`, a domain of at most 48 characters, 113 in all
//!   (<https://learn.microsoft.com/en-us/office/troubleshoot/office-suite-issues/username-contains-special-character>).
//!   Every valid UPN is also a valid e-mail address.
//!
//! ```
//! use scim2_types::address::{validate_email, validate_upn};
//! assert!(validate_upn("o'brien_j.smith@contoso.com").is_ok());
//! assert!(validate_upn("ann+sales@contoso.com").is_err()); // `+` is not allowed in a UPN
//! assert!(validate_email("ann+sales@contoso.com").is_ok());
//! let e = validate_email("aa..x@example.com").unwrap_err();
//! assert_eq!(e.to_string(), "aa..x@example.com: empty dot-separated part in the local part at byte 3");
//! ```

/// Why a value is not a valid address; `Display` names the value and the byte position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// No `@`, or more than one outside the local part's allowed characters.
    #[error("{value}: expected exactly one `@` separating the local part from the domain")]
    At {
        /// The value.
        value: String,
    },
    /// A character that is not allowed at this place.
    #[error("{value}: character {ch:?} is not allowed in the {part} at byte {at}")]
    Char {
        /// The value.
        value: String,
        /// The character.
        ch: char,
        /// `local part` or `domain`.
        part: &'static str,
        /// Byte offset in `value`.
        at: usize,
    },
    /// An empty dot-separated part: a leading, trailing or double dot.
    #[error("{value}: empty dot-separated part in the {part} at byte {at}")]
    EmptyPart {
        /// The value.
        value: String,
        /// `local part` or `domain`.
        part: &'static str,
        /// Byte offset in `value`.
        at: usize,
    },
    /// A domain label that starts or ends with `-`.
    #[error("{value}: domain label {label:?} starts or ends with `-`")]
    Hyphen {
        /// The value.
        value: String,
        /// The label.
        label: String,
    },
    /// A part is longer than its limit.
    #[error("{value}: the {part} is {len} octets long (at most {max})")]
    Length {
        /// The value.
        value: String,
        /// `local part`, `domain`, `domain label` or `address`.
        part: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The domain has a single label (`user@localhost`), which no directory uses for a
    /// routable address.
    #[error("{value}: the domain has no dot")]
    BareDomain {
        /// The value.
        value: String,
    },
}

/// RFC 5322 §3.2.3 `atext`.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// The characters Entra ID allows before the `@` of a UPN.
fn is_upn_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "'.-_!#^~".contains(c)
}

struct Limits {
    local: usize,
    domain: usize,
    total: usize,
}

fn check(value: &str, limits: &Limits, allowed: fn(char) -> bool) -> Result<(), AddressError> {
    let v = || value.to_owned();
    let (local, domain) = match value.split_once('@') {
        Some((l, d)) if !d.contains('@') => (l, d),
        _ => return Err(AddressError::At { value: v() }),
    };
    for (part, text, base, max) in [
        ("local part", local, 0, limits.local),
        ("domain", domain, local.len() + 1, limits.domain),
    ] {
        if text.len() > max {
            return Err(AddressError::Length {
                value: v(),
                part,
                len: text.len(),
                max,
            });
        }
        let mut start = 0;
        for (i, c) in text.char_indices() {
            let ok = c == '.'
                || if part == "domain" {
                    c.is_ascii_alphanumeric() || c == '-'
                } else {
                    allowed(c)
                };
            if !ok {
                return Err(AddressError::Char {
                    value: v(),
                    ch: c,
                    part,
                    at: base + i,
                });
            }
            if c == '.' {
                if i == start {
                    return Err(AddressError::EmptyPart {
                        value: v(),
                        part,
                        at: base + i,
                    });
                }
                start = i + 1;
            }
        }
        if start == text.len() {
            return Err(AddressError::EmptyPart {
                value: v(),
                part,
                at: base + text.len(),
            });
        }
    }
    if value.len() > limits.total {
        return Err(AddressError::Length {
            value: v(),
            part: "address",
            len: value.len(),
            max: limits.total,
        });
    }
    if !domain.contains('.') {
        return Err(AddressError::BareDomain { value: v() });
    }
    for label in domain.split('.') {
        if label.len() > 63 {
            return Err(AddressError::Length {
                value: v(),
                part: "domain label",
                len: label.len(),
                max: 63,
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(AddressError::Hyphen {
                value: v(),
                label: label.to_owned(),
            });
        }
    }
    Ok(())
}

/// Checks that `value` is an e-mail address as RFC 5321 §4.1.2 accepts it in its dot-atom form.
///
/// # Errors
/// [`AddressError`] naming the first problem and its byte position.
pub fn validate_email(value: &str) -> Result<(), AddressError> {
    check(
        value,
        &Limits {
            local: 64,
            domain: 255,
            total: 254,
        },
        is_atext,
    )
}

/// Checks that `value` is a user principal name Microsoft Entra ID accepts.
///
/// # Errors
/// [`AddressError`] naming the first problem and its byte position.
pub fn validate_upn(value: &str) -> Result<(), AddressError> {
    check(
        value,
        &Limits {
            local: 64,
            domain: 48,
            total: 113,
        },
        is_upn_char,
    )?;
    // Entra also refuses a hyphen first or last before the `@`.
    let local = value.split_once('@').map_or("", |(l, _)| l);
    if local.starts_with('-') || local.ends_with('-') {
        return Err(AddressError::Char {
            value: value.to_owned(),
            ch: '-',
            part: "local part",
            at: if local.starts_with('-') {
                0
            } else {
                local.len() - 1
            },
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_values() {
        for ok in [
            "a@b.co",
            "o'brien@contoso.com",
            "j.smith_x-y@sub.contoso.co.uk",
            "a!#^~@x.org",
        ] {
            assert_eq!(validate_upn(ok), Ok(()), "{ok}");
            assert_eq!(validate_email(ok), Ok(()), "{ok}");
        }
        assert_eq!(validate_email("ann+tag@x.org"), Ok(()));
    }

    #[test]
    fn invalid_values_name_the_problem() {
        let cases = [
            ("aa..x@example.com", "byte 3"),
            (".a@example.com", "byte 0"),
            ("a.@example.com", "byte 2"),
            ("a@example..com", "byte 10"),
            ("a@example.com.", "byte 14"),
            ("a@@example.com", "exactly one"),
            ("noat", "exactly one"),
            ("a b@example.com", "' '"),
            ("zoë@example.com", "'ë'"),
            ("a@-x.com", "starts or ends"),
            ("a@x-.com", "starts or ends"),
            ("a@localhost", "no dot"),
            ("a@ex_ample.com", "'_'"),
        ];
        for (bad, why) in cases {
            let e = validate_email(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(validate_upn(bad).is_err(), "{bad}");
        }
        let long = format!("{}@x.org", "a".repeat(65));
        assert!(
            validate_email(&long)
                .unwrap_err()
                .to_string()
                .contains("65 octets")
        );
        let upn_domain = format!("a@{}.com", "d".repeat(45));
        assert!(validate_email(&upn_domain).is_ok());
        assert!(validate_upn(&upn_domain).is_err());
        assert!(validate_upn("a+b@x.org").is_err());
        assert!(validate_upn("a&b@x.org").is_err());
        assert!(validate_upn("-ab@x.org").is_err());
        assert!(validate_upn("ab-@x.org").is_err());
    }
}

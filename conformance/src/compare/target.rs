//! Mapping target paths: the attribute a mapping row writes, in the notation of Entra's
//! attribute-mapping screen (`emails[type eq "work"].value`, `urn:…:User:department`).
//!
//! This is the PATCH `PATH` subset of RFC 7644 §3.5.2 that mappings use: an optional
//! schema URN, an attribute, an optional value filter made of one `eq` comparison on a
//! sub-attribute (`type eq "work"`, `primary eq true`), and an optional sub-attribute.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

/// The longest target path accepted, in bytes.
pub const MAX_TARGET_LEN: usize = 512;

/// One mapping target (RFC 7644 §3.5.2 `PATH`, restricted to an `eq` value filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetPath {
    /// The schema URN prefix of an extension attribute (`urn:…:enterprise:2.0:User`).
    pub uri: Option<String>,
    /// The attribute name (`emails`).
    pub attr: String,
    /// The element filter of a multi-valued attribute: `[sub eq value]`.
    pub filter: Option<ElementFilter>,
    /// The sub-attribute (`value`).
    pub sub_attr: Option<String>,
}

/// The value filter of a target path: `[attr eq value]` (RFC 7644 §3.4.2.2 `valFilter`,
/// restricted to one `eq` comparison).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementFilter {
    /// The sub-attribute compared (`type`).
    pub attr: String,
    /// The value it must equal (strings compare case-insensitively, as `type` is not
    /// `caseExact` in RFC 7643 §8.7.1).
    pub value: Value,
}

/// Why a target path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid mapping target {input:?} at byte {offset}: {reason}")]
pub struct TargetError {
    /// The text given.
    pub input: String,
    /// The byte offset of the problem.
    pub offset: usize,
    /// What was wrong.
    pub reason: String,
}

impl TargetPath {
    /// The attribute with its URN, as an `attributes=` query entry (RFC 7644 §3.4.2.5)
    /// names it: `emails`, `urn:…:User:manager`.
    #[must_use]
    pub fn base(&self) -> String {
        match &self.uri {
            Some(u) => format!("{u}:{}", self.attr),
            None => self.attr.clone(),
        }
    }

    /// Whether this target is the enterprise `manager` reference (RFC 7643 §4.3), whose
    /// value is a user id and so is compared through the manager's userName.
    #[must_use]
    pub fn is_manager(&self) -> bool {
        self.uri.is_some()
            && self.attr.eq_ignore_ascii_case("manager")
            && self
                .sub_attr
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("value"))
    }

    /// Whether this target is `userName`.
    #[must_use]
    pub fn is_user_name(&self) -> bool {
        self.uri.is_none()
            && self.attr.eq_ignore_ascii_case("userName")
            && self.sub_attr.is_none()
            && self.filter.is_none()
    }
}

impl fmt::Display for TargetPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base())?;
        if let Some(flt) = &self.filter {
            write!(f, "[{} eq {}]", flt.attr, flt.value)?;
        }
        if let Some(s) = &self.sub_attr {
            write!(f, ".{s}")?;
        }
        Ok(())
    }
}

impl FromStr for TargetPath {
    type Err = TargetError;

    fn from_str(input: &str) -> Result<Self, TargetError> {
        let err = |offset: usize, reason: &str| TargetError {
            input: input.chars().take(MAX_TARGET_LEN).collect(),
            offset,
            reason: reason.to_owned(),
        };
        if input.len() > MAX_TARGET_LEN {
            return Err(err(MAX_TARGET_LEN, "the path is too long"));
        }
        let (head, filter_part, tail_at) = match input.find('[') {
            Some(open) => {
                let close = input[open..]
                    .find(']')
                    .map(|c| open + c)
                    .ok_or_else(|| err(open, "'[' without a closing ']'"))?;
                (
                    &input[..open],
                    Some((open + 1, &input[open + 1..close])),
                    close + 1,
                )
            }
            None => (input, None, input.len()),
        };
        // An extension URN ends at the last ':' of the head (RFC 7644 §3.10).
        let (uri, rest, rest_at) = if head.len() >= 4 && head[..4].eq_ignore_ascii_case("urn:") {
            let colon = head
                .rfind(':')
                .filter(|c| *c > 4)
                .ok_or_else(|| err(0, "a URN path needs ':' before the attribute name"))?;
            (
                Some(head[..colon].to_owned()),
                &head[colon + 1..],
                colon + 1,
            )
        } else {
            (None, head, 0)
        };
        let (attr, mut sub_attr) = match rest.split_once('.') {
            Some((a, s)) if filter_part.is_none() => (a, Some(s)),
            Some(_) => return Err(err(rest_at, "a sub-attribute must follow the ']'")),
            None => (rest, None),
        };
        check_name(attr).map_err(|r| err(rest_at, r))?;
        let filter = match filter_part {
            Some((at, text)) => Some(parse_filter(text).map_err(|r| err(at, r))?),
            None => None,
        };
        let tail = &input[tail_at..];
        if !tail.is_empty() {
            let s = tail
                .strip_prefix('.')
                .ok_or_else(|| err(tail_at, "expected '.' and a sub-attribute after ']'"))?;
            sub_attr = Some(s);
        }
        if let Some(s) = sub_attr {
            check_name(s).map_err(|r| err(tail_at, r))?;
        }
        Ok(Self {
            uri,
            attr: attr.to_owned(),
            filter,
            sub_attr: sub_attr.map(str::to_owned),
        })
    }
}

/// `ATTRNAME = ALPHA *(nameChar)` (RFC 7644 §3.10).
fn check_name(name: &str) -> Result<(), &'static str> {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '$' => {}
        Some(_) => return Err("an attribute name starts with a letter"),
        None => return Err("an attribute name is missing"),
    }
    if chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        Ok(())
    } else {
        Err("an attribute name holds only letters, digits, '_' and '-'")
    }
}

/// `sub eq value` with a JSON string, boolean, number or null value.
fn parse_filter(text: &str) -> Result<ElementFilter, &'static str> {
    let mut parts = text.trim().splitn(3, char::is_whitespace);
    let attr = parts.next().unwrap_or_default();
    let op = parts.next().unwrap_or_default();
    let value = parts.next().unwrap_or_default().trim();
    check_name(attr)?;
    if !op.eq_ignore_ascii_case("eq") {
        return Err("only `eq` value filters are supported in mapping targets");
    }
    let value: Value = serde_json::from_str(value)
        .map_err(|_| "the compared value must be a JSON string, number, boolean or null")?;
    if value.is_array() || value.is_object() {
        return Err("the compared value must be a JSON string, number, boolean or null");
    }
    Ok(ElementFilter {
        attr: attr.to_owned(),
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> TargetPath {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_entra_default_targets() {
        let t = p("userName");
        assert_eq!(
            (t.uri, t.attr.as_str(), t.sub_attr),
            (None, "userName", None)
        );
        let t = p("name.givenName");
        assert_eq!(t.sub_attr.as_deref(), Some("givenName"));
        let t = p(r#"emails[type eq "work"].value"#);
        assert_eq!(t.attr, "emails");
        assert_eq!(t.filter.as_ref().unwrap().value, Value::from("work"));
        assert_eq!(t.sub_attr.as_deref(), Some("value"));
        let t = p("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department");
        assert_eq!(
            t.uri.as_deref(),
            Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        );
        assert_eq!(t.attr, "department");
        assert!(
            p("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager").is_manager()
        );
        assert!(!p("manager").is_manager());
        let t = p("roles[primary eq true].value");
        assert_eq!(t.filter.unwrap().value, Value::Bool(true));
    }

    #[test]
    fn prints_what_it_parsed() {
        for s in [
            "userName",
            "name.formatted",
            r#"phoneNumbers[type eq "mobile"].value"#,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
        ] {
            assert_eq!(p(s).to_string(), s);
        }
        assert_eq!(
            p("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber").base(),
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"
        );
        assert_eq!(p(r#"emails[type eq "work"].value"#).base(), "emails");
    }

    #[test]
    fn refuses_bad_paths_with_a_position() {
        for (s, at) in [
            ("", 0),
            ("1abc", 0),
            (r#"emails[type eq "work""#, 6),
            (r#"emails[type co "work"].value"#, 7),
            (r#"emails[type eq work].value"#, 7),
            (r#"emails[type eq "work"]value"#, 22),
            ("urn:x", 0),
            ("na me", 0),
        ] {
            let e = s.parse::<TargetPath>().unwrap_err();
            assert_eq!(e.offset, at, "{s}: {e}");
        }
        let long = "a".repeat(MAX_TARGET_LEN + 1);
        assert!(long.parse::<TargetPath>().is_err());
    }
}

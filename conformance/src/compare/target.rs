//! Mapping target paths: the attribute a mapping row writes, in the notation of Entra's
//! attribute-mapping screen (`emails[type eq "work"].value`, `urn:…:User:department`).
//!
//! A target is a PATCH `PATH` (RFC 7644 §3.5.2), parsed by scim2-filter; this type keeps its
//! parts in the shape the comparison reads them.

use std::fmt;
use std::str::FromStr;

use scim2_filter::{Filter, PatchPath};

/// The longest target path accepted, in bytes.
pub const MAX_TARGET_LEN: usize = 512;

/// One mapping target (RFC 7644 §3.5.2 `PATH`).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetPath {
    /// The schema URN prefix of an extension attribute (`urn:…:enterprise:2.0:User`).
    pub uri: Option<String>,
    /// The attribute name (`emails`).
    pub attr: String,
    /// The element filter of a multi-valued attribute (`type eq "work"`).
    pub filter: Option<Filter>,
    /// The sub-attribute (`value`).
    pub sub_attr: Option<String>,
    path: PatchPath,
}

/// Why a target path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid mapping target {input:?} at byte {offset}: {reason}")]
pub struct TargetError {
    /// The text given (cut at a length limit).
    pub input: String,
    /// The byte offset of the problem.
    pub offset: usize,
    /// What was wrong (the parser's message, with a caret under the input).
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

    /// The parsed PATCH path.
    #[must_use]
    pub fn path(&self) -> &PatchPath {
        &self.path
    }

    /// Whether this target is the enterprise `manager` reference (RFC 7643 §4.3), whose
    /// value is a user id and so is compared through the manager's userName.
    #[must_use]
    pub fn is_manager(&self) -> bool {
        self.uri.is_some()
            && self.attr.eq_ignore_ascii_case("manager")
            && self.filter.is_none()
            && self
                .sub_attr
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("value"))
    }

    /// Whether this target is the plain attribute `name` (no URN, filter or sub-attribute).
    #[must_use]
    pub fn is_plain(&self, name: &str) -> bool {
        self.uri.is_none()
            && self.filter.is_none()
            && self.sub_attr.is_none()
            && self.attr.eq_ignore_ascii_case(name)
    }
}

impl fmt::Display for TargetPath {
    /// The canonical SCIM text of the path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)
    }
}

impl From<PatchPath> for TargetPath {
    fn from(path: PatchPath) -> Self {
        match &path {
            PatchPath::Attr(a) => Self {
                uri: a.uri.clone(),
                attr: a.name.clone(),
                filter: None,
                sub_attr: a.sub_attr.clone(),
                path,
            },
            PatchPath::Value {
                value_path,
                sub_attr,
            } => Self {
                uri: value_path.attr.uri.clone(),
                attr: value_path.attr.name.clone(),
                filter: Some((*value_path.filter).clone()),
                sub_attr: sub_attr.clone(),
                path,
            },
        }
    }
}

impl FromStr for TargetPath {
    type Err = TargetError;

    fn from_str(input: &str) -> Result<Self, TargetError> {
        let cut: String = input.chars().take(MAX_TARGET_LEN).collect();
        if input.len() > MAX_TARGET_LEN {
            return Err(TargetError {
                input: cut,
                offset: MAX_TARGET_LEN,
                reason: format!("the path is longer than {MAX_TARGET_LEN} bytes"),
            });
        }
        PatchPath::parse(input)
            .map(Self::from)
            .map_err(|e| TargetError {
                input: cut,
                offset: e.offset(),
                reason: e.to_string(),
            })
    }
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
        assert!(t.filter.is_some());
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
        assert!(p("userName").is_plain("username"));
        assert!(!p("name.formatted").is_plain("name"));
        assert!(p("roles[primary eq true].value").filter.is_some());
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
        for s in [
            "",
            "1abc",
            r#"emails[type eq "work""#,
            r#"emails[type zz "work"].value"#,
            r#"emails[type eq work].value"#,
            r#"emails[type eq "work"]value"#,
            "na me",
        ] {
            let e = s.parse::<TargetPath>().unwrap_err();
            assert!(e.offset <= s.len(), "{s}: {e}");
            assert!(e.to_string().contains("invalid mapping target"), "{e}");
        }
        let long = "a".repeat(MAX_TARGET_LEN + 1);
        assert_eq!(
            long.parse::<TargetPath>().unwrap_err().offset,
            MAX_TARGET_LEN
        );
    }
}

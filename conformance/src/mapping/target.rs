//! Mapping target paths: the attribute a mapping row writes, in the notation of Entra's
//! attribute-mapping screen (`emails[type eq "work"].value`, `urn:…:User:department`;
//! docs/entra.md#default-mapping).
//!
//! A target is a PATCH `PATH` (RFC 7644 §3.5.2), parsed by scim2-filter. It is read with
//! scim2-filter's read side ([`scim2_filter::select`]) and written with its PATCH
//! ([`scim2_filter::patch::apply`], under [`Policy::entra_compatible`]: a value path that
//! matches no element creates the element, as Entra's POST bodies carry it). Attribute names
//! match case-insensitively (RFC 7643 §2.1).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use scim2_filter::patch::{self, PatchError};
use scim2_filter::policy::Policy;
use scim2_filter::{CompValue, CompareOp, Filter, PatchPath, select};
use scim2_types::schema::{ResourceSchemas, Schema};
use scim2_types::{PatchOp, PatchOperation};
use serde_json::Value;

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
    /// Parses a target path.
    ///
    /// ```
    /// use scim2_conformance::compare::TargetPath;
    /// let p = TargetPath::parse(r#"addresses[type eq "work"].locality"#).unwrap();
    /// let mut body = serde_json::json!({});
    /// p.set(&mut body, "Zürich".into()).unwrap();
    /// assert_eq!(body, serde_json::json!({"addresses": [{"type": "work", "locality": "Zürich"}]}));
    /// assert_eq!(p.get(&body), Some(&serde_json::json!("Zürich")));
    /// assert_eq!(p.to_string(), r#"addresses[type eq "work"].locality"#);
    /// ```
    ///
    /// # Errors
    /// [`TargetError`] with the offset of the first problem.
    pub fn parse(text: &str) -> Result<Self, TargetError> {
        text.parse()
    }

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

    /// The `type` a `[type eq "…"]` element filter selects; `None` without a filter or for any
    /// other filter.
    #[must_use]
    pub fn type_eq(&self) -> Option<&str> {
        match &self.filter {
            Some(Filter::Compare(a, CompareOp::Eq, CompValue::String(t)))
                if a.uri.is_none()
                    && a.sub_attr.is_none()
                    && a.name.eq_ignore_ascii_case("type") =>
            {
                Some(t)
            }
            _ => None,
        }
    }

    /// The same element with another sub-attribute (`emails[type eq "work"].primary` for
    /// `emails[type eq "work"].value`); `None` for a path without an element filter.
    #[must_use]
    pub fn sibling(&self, sub_attr: &str) -> Option<Self> {
        match &self.path {
            PatchPath::Value { value_path, .. } => Some(Self::from(PatchPath::Value {
                value_path: value_path.clone(),
                sub_attr: Some(sub_attr.to_owned()),
            })),
            PatchPath::Attr(_) => None,
        }
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

    /// The first value this path names in the user `resource`, if any (read with
    /// [`scim2_filter::select::select`]; `null` counts as absent).
    #[must_use]
    pub fn get<'a>(&self, resource: &'a Value) -> Option<&'a Value> {
        select::select(&self.path, resource, &self.schemas())
            .into_iter()
            .next()
    }

    /// Writes `value` at this path in the user `resource` as a PATCH `replace` (RFC 7644
    /// §3.5.2.3) under [`Policy::entra_compatible`]: missing objects and the typed element of
    /// a value path are created; an extension attribute's URN is added to `schemas` when the
    /// resource has that list.
    ///
    /// # Errors
    /// [`PatchError`] when PATCH cannot write the value there (a read-only attribute, a value
    /// of the wrong type, an unqualified attribute no schema defines).
    pub fn set(&self, resource: &mut Value, value: Value) -> Result<(), PatchError> {
        let op = PatchOp::new(vec![PatchOperation::replace(
            Some(&self.path.to_string()),
            value,
        )]);
        patch::apply(resource, &op, &self.schemas(), &Policy::entra_compatible()).map(|_| ())
    }

    /// The User schemas (RFC 7643 §4.1, §4.3), with this path's extension declared when they
    /// do not know it, so that its attributes are read from and written to its object.
    fn schemas(&self) -> Cow<'static, ResourceSchemas> {
        static USER: OnceLock<ResourceSchemas> = OnceLock::new();
        let user = USER.get_or_init(ResourceSchemas::user);
        match &self.uri {
            Some(uri) if user.schema(uri).is_none() => {
                let mut s = user.clone();
                s.extensions.push(Schema {
                    id: uri.clone(),
                    name: None,
                    description: None,
                    attributes: Vec::new(),
                    other: serde_json::Map::new(),
                });
                Cow::Owned(s)
            }
            _ => Cow::Borrowed(user),
        }
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
    use serde_json::json;

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
        assert_eq!(t.type_eq(), Some("work"));
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
        let roles = p("roles[primary eq true].value");
        assert!(roles.filter.is_some());
        assert_eq!(roles.type_eq(), None);
        assert_eq!(p(r#"emails[value eq "x"].value"#).type_eq(), None);
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
        assert_eq!(
            p(r#"emails[type eq "work"].value"#)
                .sibling("primary")
                .map(|s| s.to_string()),
            Some(r#"emails[type eq "work"].primary"#.to_owned())
        );
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
            "name.",
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

    #[test]
    fn set_then_get_round_trips_and_shares_typed_elements() {
        let mut body = json!({});
        let loc = p("addresses[type eq \"work\"].locality");
        let reg = p("addresses[type eq \"work\"].region");
        loc.set(&mut body, json!("Zürich")).unwrap();
        reg.set(&mut body, json!("ZH")).unwrap();
        assert_eq!(
            body.to_string(),
            json!({"addresses": [{"type": "work", "locality": "Zürich", "region": "ZH"}]})
                .to_string()
        );
        assert_eq!(loc.get(&body), Some(&json!("Zürich")));
        let other = json!({"Addresses": [{"Type": "WORK", "Locality": "x"}]});
        assert_eq!(loc.get(&other), Some(&json!("x")));
    }

    #[test]
    fn custom_extension_attributes_live_in_their_object() {
        const C: &str = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
        let t = p(&format!("{C}:CustomAttribute"));
        let mut body = json!({"schemas": [scim2_types::urn::USER], "userName": "u"});
        t.set(&mut body, json!("x")).unwrap();
        assert_eq!(body[C], json!({"CustomAttribute": "x"}));
        assert_eq!(t.get(&body), Some(&json!("x")));
        assert_eq!(t.get(&json!({"CustomAttribute": "x"})), None);
    }
}

//! The abstract syntax of SCIM filters and paths: one type per production of the RFC 7644
//! §3.4.2.2 ABNF (`FILTER`, `attrPath`, `valuePath`, `compareOp`, `compValue`) and the PATCH
//! `PATH` of §3.5.2.
//!
//! Grouping parentheses are not kept: the tree's shape carries the grouping, and [`Display`]
//! prints the minimal parentheses that keep the meaning, so that for every filter `f`,
//! `Filter::parse(&f.to_string()) == Ok(f)`.
//!
//! [`Display`]: std::fmt::Display

use std::fmt;

use serde_json::Number;

/// `attrPath = [URI ":"] ATTRNAME *1subAttr` (RFC 7644 §3.4.2.2).
///
/// ```
/// use scim2_filter::AttrPath;
/// let p = AttrPath::with_uri(
///     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
///     "manager",
///     Some("value"),
/// );
/// assert_eq!(
///     p.to_string(),
///     "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrPath {
    /// The schema URN prefix, when the path is fully qualified.
    pub uri: Option<String>,
    /// The attribute name (`ATTRNAME`).
    pub name: String,
    /// The sub-attribute name (`subAttr` without the dot).
    pub sub_attr: Option<String>,
}

impl AttrPath {
    /// An unqualified attribute path: `name` or `name.sub`.
    #[must_use]
    pub fn new(name: &str, sub_attr: Option<&str>) -> Self {
        Self {
            uri: None,
            name: name.to_owned(),
            sub_attr: sub_attr.map(str::to_owned),
        }
    }

    /// A path qualified with a schema URN.
    #[must_use]
    pub fn with_uri(uri: &str, name: &str, sub_attr: Option<&str>) -> Self {
        Self {
            uri: Some(uri.to_owned()),
            name: name.to_owned(),
            sub_attr: sub_attr.map(str::to_owned),
        }
    }

    /// The path without its schema URN, as `name` or `name.sub`.
    #[must_use]
    pub fn unqualified(&self) -> String {
        match &self.sub_attr {
            Some(s) => format!("{}.{s}", self.name),
            None => self.name.clone(),
        }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(uri) = &self.uri {
            write!(f, "{uri}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub_attr {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// `compareOp` (RFC 7644 §3.4.2.2, Table 3). `pr` is not a `compareOp`: see [`Filter::Present`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `co`: contains.
    Co,
    /// `sw`: starts with.
    Sw,
    /// `ew`: ends with.
    Ew,
    /// `gt`: greater than.
    Gt,
    /// `lt`: less than.
    Lt,
    /// `ge`: greater than or equal to.
    Ge,
    /// `le`: less than or equal to.
    Le,
}

impl CompareOp {
    /// Every operator, in the RFC's order.
    pub const ALL: [CompareOp; 9] = [
        Self::Eq,
        Self::Ne,
        Self::Co,
        Self::Sw,
        Self::Ew,
        Self::Gt,
        Self::Lt,
        Self::Ge,
        Self::Le,
    ];

    /// The canonical (lower-case) keyword.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Co => "co",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Lt => "lt",
            Self::Ge => "ge",
            Self::Le => "le",
        }
    }

    /// Whether the operator orders values (`gt`, `lt`, `ge`, `le`).
    #[must_use]
    pub fn is_ordering(self) -> bool {
        matches!(self, Self::Gt | Self::Lt | Self::Ge | Self::Le)
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `compValue = false / null / true / number / string` (RFC 7644 §3.4.2.2).
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A JSON number.
    Number(Number),
    /// A JSON string (unescaped).
    String(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Number(n) => write!(f, "{n}"),
            Self::String(s) => {
                let escaped = serde_json::to_string(s).map_err(|_| fmt::Error)?;
                f.write_str(&escaped)
            }
        }
    }
}

impl From<&str> for CompValue {
    fn from(s: &str) -> Self {
        Self::String(s.to_owned())
    }
}

impl From<String> for CompValue {
    fn from(s: String) -> Self {
        Self::String(s)
    }
}

impl From<bool> for CompValue {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<i64> for CompValue {
    fn from(n: i64) -> Self {
        Self::Number(n.into())
    }
}

/// `valuePath = attrPath "[" valFilter "]"` (RFC 7644 §3.4.2.2): a filter applied to each
/// element of a multi-valued complex attribute, all of whose conditions must hold on the same
/// element. `attr` carries no sub-attribute.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuePath {
    /// The multi-valued attribute.
    pub attr: AttrPath,
    /// The filter over its elements (`valFilter`).
    pub filter: Box<Filter>,
}

impl fmt::Display for ValuePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.attr, self.filter)
    }
}

/// `FILTER` (RFC 7644 §3.4.2.2).
///
/// ```
/// use scim2_filter::Filter;
/// let f = Filter::or(
///     Filter::eq("userName", "bjensen"),
///     Filter::and(Filter::present("title"), Filter::eq("title", "say \"hi\"")),
/// );
/// assert_eq!(f.to_string(), r#"userName eq "bjensen" or title pr and title eq "say \"hi\"""#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attrPath SP "pr"`.
    Present(AttrPath),
    /// `attrPath SP compareOp SP compValue`.
    Compare(AttrPath, CompareOp, CompValue),
    /// `valuePath`.
    ValuePath(ValuePath),
    /// `"not" "(" valFilter ")"`.
    Not(Box<Filter>),
    /// `FILTER SP "and" SP FILTER`.
    And(Box<Filter>, Box<Filter>),
    /// `FILTER SP "or" SP FILTER`.
    Or(Box<Filter>, Box<Filter>),
}

impl Filter {
    /// `attr eq value`. `attr` is split on its last `:` (schema URN) and first `.`
    /// (sub-attribute); it is not validated (use [`Filter::parse`] for untrusted text).
    #[must_use]
    pub fn eq(attr: &str, value: impl Into<CompValue>) -> Self {
        Self::compare(attr, CompareOp::Eq, value)
    }

    /// `attr <op> value`; see [`Filter::eq`] for how `attr` is read.
    #[must_use]
    pub fn compare(attr: &str, op: CompareOp, value: impl Into<CompValue>) -> Self {
        Self::Compare(AttrPath::from(attr), op, value.into())
    }

    /// `attr pr`.
    #[must_use]
    pub fn present(attr: &str) -> Self {
        Self::Present(AttrPath::from(attr))
    }

    /// `a and b`.
    #[must_use]
    pub fn and(a: Filter, b: Filter) -> Self {
        Self::And(Box::new(a), Box::new(b))
    }

    /// `a or b`.
    #[must_use]
    pub fn or(a: Filter, b: Filter) -> Self {
        Self::Or(Box::new(a), Box::new(b))
    }

    /// `not (a)`.
    #[must_use]
    #[allow(clippy::should_implement_trait)] // a constructor, not negation of a value
    pub fn not(a: Filter) -> Self {
        Self::Not(Box::new(a))
    }

    /// `attr[filter]`.
    #[must_use]
    pub fn value_path(attr: &str, filter: Filter) -> Self {
        Self::ValuePath(ValuePath {
            attr: AttrPath::from(attr),
            filter: Box::new(filter),
        })
    }

    /// For an `and` (`or`) node, whether it is `and`, and the operands of its left-associated
    /// chain of that operator, left to right (`a or b or c` gives `[a, b, c]`); `None` for any
    /// other node.
    ///
    /// The chain is walked without recursion, so that printing, evaluating or rewriting a long
    /// chain does not use stack once per term.
    pub(crate) fn chain_operands(&self) -> Option<(bool, Vec<&Filter>)> {
        let is_and = match self {
            Self::And(..) => true,
            Self::Or(..) => false,
            _ => return None,
        };
        let mut operands = Vec::new();
        let mut node = self;
        loop {
            match node {
                Self::And(l, r) if is_and => {
                    operands.push(&**r);
                    node = l;
                }
                Self::Or(l, r) if !is_and => {
                    operands.push(&**r);
                    node = l;
                }
                _ => break,
            }
        }
        operands.push(node);
        operands.reverse();
        Some((is_and, operands))
    }

    /// Binding strength for printing: or < and < everything else.
    fn precedence(&self) -> u8 {
        match self {
            Self::Or(..) => 1,
            Self::And(..) => 2,
            _ => 3,
        }
    }

    fn fmt_operand(&self, f: &mut fmt::Formatter<'_>, parens: bool) -> fmt::Result {
        if parens {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

impl From<&str> for AttrPath {
    /// Splits `[URI ":"] name ["." sub]` without validating: the URN is everything up to the
    /// last `:`, the sub-attribute what follows the first `.` after it.
    fn from(text: &str) -> Self {
        let (uri, rest) = match text.rfind(':') {
            Some(i) => (Some(text[..i].to_owned()), &text[i + 1..]),
            None => (None, text),
        };
        let (name, sub_attr) = match rest.split_once('.') {
            Some((n, s)) => (n.to_owned(), Some(s.to_owned())),
            None => (rest.to_owned(), None),
        };
        Self {
            uri,
            name,
            sub_attr,
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Present(p) => write!(f, "{p} pr"),
            Self::Compare(p, op, v) => write!(f, "{p} {op} {v}"),
            Self::ValuePath(vp) => write!(f, "{vp}"),
            Self::Not(inner) => write!(f, "not ({inner})"),
            Self::And(..) | Self::Or(..) => {
                let me = self.precedence();
                let Some((is_and, operands)) = self.chain_operands() else {
                    return Ok(());
                };
                for (i, operand) in operands.iter().enumerate() {
                    if i == 0 {
                        // Left-associative: the leftmost operand needs parentheses only when
                        // it binds more loosely ...
                        operand.fmt_operand(f, operand.precedence() < me)?;
                    } else {
                        // ... and a right operand of equal strength needs them too.
                        f.write_str(if is_and { " and " } else { " or " })?;
                        operand.fmt_operand(f, operand.precedence() <= me)?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// A PATCH operation's target (RFC 7644 §3.5.2):
/// `PATH = attrPath / valuePath [subAttr]`.
///
/// ```
/// use scim2_filter::{PatchPath, Filter};
/// let p = PatchPath::value_path("emails", Filter::eq("type", "work"), Some("value"));
/// assert_eq!(p.to_string(), r#"emails[type eq "work"].value"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum PatchPath {
    /// An attribute path (`name.givenName`, `urn:…:User:manager`).
    Attr(AttrPath),
    /// A value path with an optional sub-attribute after the bracket
    /// (`emails[type eq "work"].value`).
    Value {
        /// The value path selecting elements.
        value_path: ValuePath,
        /// The sub-attribute of the selected elements to target.
        sub_attr: Option<String>,
    },
}

impl PatchPath {
    /// `attr[filter][.sub]`.
    #[must_use]
    pub fn value_path(attr: &str, filter: Filter, sub_attr: Option<&str>) -> Self {
        Self::Value {
            value_path: ValuePath {
                attr: AttrPath::from(attr),
                filter: Box::new(filter),
            },
            sub_attr: sub_attr.map(str::to_owned),
        }
    }

    /// The attribute the path starts at (without sub-attribute for value paths).
    #[must_use]
    pub fn attr(&self) -> &AttrPath {
        match self {
            Self::Attr(a) => a,
            Self::Value { value_path, .. } => &value_path.attr,
        }
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Attr(a) => write!(f, "{a}"),
            Self::Value {
                value_path,
                sub_attr,
            } => {
                write!(f, "{value_path}")?;
                if let Some(s) = sub_attr {
                    write!(f, ".{s}")?;
                }
                Ok(())
            }
        }
    }
}

//! Filters prepared once for evaluation over many resources.
//!
//! [`Filter::compile`] resolves every attribute path against the schemas (which member or
//! extension container to read, the attribute's type and `caseExact`), folds the case of string
//! constants, parses `dateTime` constants and chooses each comparison by type, once. Evaluating
//! the [`CompiledFilter`] then only reads the resource: it allocates nothing (except for `co` on
//! non-ASCII text compared case-insensitively, which allocates nothing either but walks the
//! folded text once per start position) and does not recurse per `and`/`or` term.
//!
//! The semantics are those of [`Filter::matches_with`] with the same schemas (see
//! [`crate::eval`]); the property tests check that both agree on random filters and resources.

use scim2_types::schema::{AttributeType, ResourceSchemas, SchemaAttribute};
use serde_json::{Map, Number, Value};
use time::OffsetDateTime;

use crate::ast::{AttrPath, CompValue, CompareOp, Filter};
use crate::eval::{any_leaf, common_top, date_time, get_ci, is_present, number_cmp, schema_top};
use crate::text::{self, ordered};

/// A [`Filter`] prepared for one set of schemas (say, Users with the Enterprise extension), to
/// be evaluated over many resources of that type.
///
/// ```
/// use scim2_filter::Filter;
/// use scim2_types::schema::ResourceSchemas;
/// use serde_json::json;
///
/// let filter = Filter::parse(r#"userName eq "BJensen" and emails[type eq "work"]"#)?;
/// let compiled = filter.compile(&ResourceSchemas::user());
/// let users = [
///     json!({"userName": "bjensen", "emails": [{"type": "Work", "value": "b@x.org"}]}),
///     json!({"userName": "jsmith", "emails": [{"type": "work", "value": "j@x.org"}]}),
/// ];
/// let hits: Vec<_> = users.iter().filter(|u| compiled.matches(u)).collect();
/// assert_eq!(hits, [&users[0]]);
/// # Ok::<(), scim2_filter::ParseError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CompiledFilter {
    root: Node,
}

impl Filter {
    /// Prepares this filter for evaluation over many resources described by `schemas`
    /// (RFC 7644 §3.4.2.2 semantics, as [`Filter::matches_with`]).
    #[must_use]
    pub fn compile(&self, schemas: &ResourceSchemas) -> CompiledFilter {
        CompiledFilter {
            root: Node::compile(self, Scope::Resource(schemas)),
        }
    }
}

impl CompiledFilter {
    /// Whether `resource` matches; the same answer as [`Filter::matches_with`] with the schemas
    /// the filter was compiled for.
    #[must_use]
    pub fn matches(&self, resource: &Value) -> bool {
        resource
            .as_object()
            .is_some_and(|object| self.root.eval(object))
    }
}

/// Where a filter's paths are resolved while compiling.
#[derive(Clone, Copy)]
enum Scope<'s> {
    /// A whole resource.
    Resource(&'s ResourceSchemas),
    /// An element of a multi-valued complex attribute (inside `[…]`), with the attribute's
    /// definition when known.
    Element(Option<&'s SchemaAttribute>),
}

#[derive(Debug, Clone)]
enum Node {
    Present(Path),
    Compare(Path, Box<Comparison>),
    /// `attr[filter]`: the inner node is evaluated on each element.
    ValuePath(Path, Box<Node>),
    Not(Box<Node>),
    /// An `and` chain.
    All(Vec<Node>),
    /// An `or` chain.
    Any(Vec<Node>),
}

impl Node {
    fn compile(filter: &Filter, scope: Scope<'_>) -> Node {
        match filter {
            Filter::Present(path) => Node::Present(Path::compile(path, scope).0),
            Filter::Compare(path, op, expected) => {
                let (path, def) = Path::compile(path, scope);
                Node::Compare(path, Box::new(Comparison::compile(def, *op, expected)))
            }
            Filter::ValuePath(vp) => {
                let (path, def) = Path::compile(&vp.attr, scope);
                Node::ValuePath(
                    path,
                    Box::new(Node::compile(&vp.filter, Scope::Element(def))),
                )
            }
            Filter::Not(inner) => Node::Not(Box::new(Node::compile(inner, scope))),
            Filter::And(..) | Filter::Or(..) => {
                let Some((is_and, operands)) = filter.chain_operands() else {
                    return Node::All(Vec::new());
                };
                let nodes = operands
                    .into_iter()
                    .map(|f| Node::compile(f, scope))
                    .collect();
                if is_and {
                    Node::All(nodes)
                } else {
                    Node::Any(nodes)
                }
            }
        }
    }

    fn eval(&self, object: &Map<String, Value>) -> bool {
        match self {
            Node::Present(path) => present(path, object),
            Node::Compare(path, cmp) => compare(path, cmp, object),
            Node::ValuePath(path, inner) => value_path(path, inner, object),
            Node::Not(inner) => !inner.eval(object),
            Node::All(nodes) => nodes.iter().all(|n| n.eval(object)),
            Node::Any(nodes) => nodes.iter().any(|n| n.eval(object)),
        }
    }
}

// The nodes that read the resource, out of line so that the recursive `Node::eval` stays
// small (a leaf is most filters' root).

#[inline(never)]
fn present(path: &Path, object: &Map<String, Value>) -> bool {
    path.any(object, |v| any_leaf(v, is_present))
}

#[inline(never)]
fn compare(path: &Path, cmp: &Comparison, object: &Map<String, Value>) -> bool {
    path.any(object, |v| any_leaf(v, |leaf| cmp.test(leaf)))
}

#[inline(never)]
fn value_path(path: &Path, inner: &Node, object: &Map<String, Value>) -> bool {
    path.any(object, |v| {
        any_leaf(v, |element| {
            element.as_object().is_some_and(|o| inner.eval(o))
        })
    })
}

/// An attribute path resolved against the schemas: where its value is read.
#[derive(Debug, Clone)]
struct Path {
    top: Top,
    /// The sub-attribute read from the top-level value (or from each of its elements).
    sub: Option<Box<str>>,
}

#[derive(Debug, Clone)]
enum Top {
    /// A member of the object in scope; for an unqualified name that only an extension
    /// defines, that extension's container is read when the top level lacks the member
    /// (RFC 7644 §3.10).
    Member {
        name: Box<str>,
        container: Option<Box<str>>,
    },
    /// A member of an extension's container (a URN-qualified path).
    Qualified { container: Box<str>, name: Box<str> },
}

impl Path {
    /// The path's reading instructions and the definition of the attribute it ends at.
    fn compile<'s>(path: &AttrPath, scope: Scope<'s>) -> (Path, Option<&'s SchemaAttribute>) {
        let name: Box<str> = path.name.as_str().into();
        let (top, top_def) = match scope {
            Scope::Element(attr) => (
                Top::Member {
                    name,
                    container: None,
                },
                attr.and_then(|a| a.sub_attribute(&path.name)),
            ),
            Scope::Resource(schemas) => match &path.uri {
                Some(uri) if scim2_types::urn::eq(uri, &schemas.core.id) => (
                    Top::Member {
                        name,
                        container: None,
                    },
                    schema_top(&schemas.core, &path.name).or_else(|| common_top(&path.name)),
                ),
                Some(uri) => (
                    Top::Qualified {
                        container: uri.as_str().into(),
                        name,
                    },
                    schemas
                        .extensions
                        .iter()
                        .find(|s| scim2_types::urn::eq(&s.id, uri))
                        .and_then(|s| schema_top(s, &path.name)),
                ),
                None => {
                    let core =
                        schema_top(&schemas.core, &path.name).or_else(|| common_top(&path.name));
                    match core {
                        Some(def) => (
                            Top::Member {
                                name,
                                container: None,
                            },
                            Some(def),
                        ),
                        None => {
                            let ext = schemas
                                .extensions
                                .iter()
                                .find_map(|s| Some((s, schema_top(s, &path.name)?)));
                            (
                                Top::Member {
                                    name,
                                    container: ext.map(|(s, _)| s.id.as_str().into()),
                                },
                                ext.map(|(_, d)| d),
                            )
                        }
                    }
                }
            },
        };
        let def = match &path.sub_attr {
            Some(sub) => top_def.and_then(|d| d.sub_attribute(sub)),
            None => top_def,
        };
        let sub = path.sub_attr.as_deref().map(Into::into);
        (Path { top, sub }, def)
    }

    #[inline]
    fn top<'a>(&self, object: &'a Map<String, Value>) -> Option<&'a Value> {
        match &self.top {
            Top::Member { name, container } => get_ci(object, name).or_else(|| {
                let c = get_ci(object, container.as_deref()?)?.as_object()?;
                get_ci(c, name)
            }),
            Top::Qualified { container, name } => {
                get_ci(get_ci(object, container)?.as_object()?, name)
            }
        }
    }

    /// Whether `f` holds for any value the path selects (before arrays are flattened).
    #[inline]
    fn any(&self, object: &Map<String, Value>, mut f: impl FnMut(&Value) -> bool) -> bool {
        let Some(top) = self.top(object) else {
            return false;
        };
        let Some(sub) = &self.sub else {
            return f(top);
        };
        match top {
            Value::Object(o) => get_ci(o, sub).is_some_and(f),
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_object)
                .filter_map(|o| get_ci(o, sub))
                .any(f),
            _ => false,
        }
    }
}

/// A comparison chosen for the attribute's definition (RFC 7644 §3.4.2.2, Table 3).
#[derive(Debug, Clone)]
struct Comparison {
    /// For a value that is not an object.
    scalar: Test,
    /// For an object value: the test of its `value` member (RFC 7643 §2.4), or `None` when a
    /// complex attribute without `value` never compares.
    object_value: Option<Test>,
}

impl Comparison {
    fn compile(attr: Option<&SchemaAttribute>, op: CompareOp, expected: &CompValue) -> Self {
        let is_complex = |a: &&SchemaAttribute| a.kind == AttributeType::Complex;
        let value_def = attr
            .filter(is_complex)
            .and_then(|a| a.sub_attribute("value"));
        let complex_ok = attr.is_none_or(|a| !is_complex(&a) || value_def.is_some());
        Self {
            scalar: Test::compile(attr.filter(|a| !is_complex(a)), op, expected),
            object_value: complex_ok.then(|| Test::compile(value_def, op, expected)),
        }
    }

    #[inline]
    fn test(&self, leaf: &Value) -> bool {
        match leaf {
            Value::Object(o) => self.object_value.as_ref().is_some_and(|t| {
                get_ci(o, "value")
                    .is_some_and(|inner| !inner.is_array() && !inner.is_object() && t.test(inner))
            }),
            leaf => self.scalar.test(leaf),
        }
    }
}

/// One comparison of an attribute value with a constant, for a known (or unknown) attribute.
#[derive(Debug, Clone)]
struct Test {
    op: CompareOp,
    expected: Expected,
}

#[derive(Debug, Clone)]
enum Expected {
    Null,
    Bool(bool),
    Number(Number),
    /// `eq` (or, when `negate`, `ne`) with a string, ignoring case and not as an instant: the
    /// comparison most filters make, mostly decided by the lengths.
    FoldedEq {
        /// Case-folded.
        text: Box<str>,
        ascii: bool,
        negate: bool,
    },
    String {
        /// Case-folded unless `case_exact`.
        text: Box<str>,
        ascii: bool,
        case_exact: bool,
        /// Ordering on a binary attribute: never true.
        never: bool,
        /// The instant, for a `dateTime` attribute and a constant that is one.
        instant: Option<OffsetDateTime>,
    },
}

impl Test {
    fn compile(attr: Option<&SchemaAttribute>, op: CompareOp, expected: &CompValue) -> Self {
        let kind = attr.map(|a| a.kind);
        let expected = match expected {
            CompValue::Null => Expected::Null,
            CompValue::Bool(b) => Expected::Bool(*b),
            CompValue::Number(n) => Expected::Number(n.clone()),
            CompValue::String(s) => {
                let case_exact = attr.is_some_and(|a| a.case_exact);
                let text: Box<str> = if case_exact {
                    s.as_str().into()
                } else {
                    text::folded(s).into()
                };
                let ascii = text.is_ascii();
                let instant = (kind == Some(AttributeType::DateTime))
                    .then(|| date_time(s))
                    .flatten();
                if !case_exact && instant.is_none() && matches!(op, CompareOp::Eq | CompareOp::Ne) {
                    Expected::FoldedEq {
                        text,
                        ascii,
                        negate: op == CompareOp::Ne,
                    }
                } else {
                    Expected::String {
                        text,
                        ascii,
                        case_exact,
                        never: kind == Some(AttributeType::Binary) && op.is_ordering(),
                        instant,
                    }
                }
            }
        };
        Self { op, expected }
    }

    #[inline]
    fn test(&self, actual: &Value) -> bool {
        let op = self.op;
        match (actual, &self.expected) {
            (
                Value::String(a),
                Expected::FoldedEq {
                    text,
                    ascii,
                    negate,
                },
            ) => text::eq_folded(a, text, *ascii) != *negate,
            (
                Value::String(a),
                Expected::String {
                    text,
                    ascii,
                    case_exact,
                    never,
                    instant,
                },
            ) => !never && string_test(a, op, text, *ascii, *case_exact, instant.as_ref()),
            (Value::Number(a), Expected::Number(e)) => {
                !matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
                    && number_cmp(a, e).is_some_and(|o| ordered(op, o))
            }
            (Value::Bool(a), Expected::Bool(e)) => match op {
                CompareOp::Eq => a == e,
                CompareOp::Ne => a != e,
                _ => false,
            },
            (Value::String(_) | Value::Number(_) | Value::Bool(_), _) => op == CompareOp::Ne,
            _ => false,
        }
    }
}

/// The string comparisons other than [`Expected::FoldedEq`], out of line.
#[inline(never)]
fn string_test(
    a: &str,
    op: CompareOp,
    text: &str,
    ascii: bool,
    case_exact: bool,
    instant: Option<&OffsetDateTime>,
) -> bool {
    if let Some(e) = instant
        && let Some(a) = date_time(a)
    {
        return ordered(op, a.cmp(e));
    }
    text::compare(a, text, ascii, op, case_exact)
}

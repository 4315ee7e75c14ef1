//! The parser for SCIM filters (RFC 7644 §3.4.2.2), attribute paths and PATCH paths
//! (RFC 7644 §3.5.2): a hand-written recursive-descent parser over the input's bytes, with an
//! explicit bound on nesting depth, number of terms and input length.
//!
//! What it accepts, beyond the letter of the ABNF:
//! - keywords (`and`, `or`, `not`, the operators, `true`, `false`, `null`) and attribute names
//!   in any case (RFC 7644 §3.4.2.2: "Attribute names and attribute operators used in filters
//!   are case insensitive");
//! - any run of whitespace (space, tab, CR, LF) where the ABNF has one `SP`, and optional
//!   whitespace around the whole input, after `(` and `[`, before `)` and `]`, and between
//!   `not` and `(` (RFC 7644's own example writes `not (`, Errata 7319);
//! - Entra ID's matching filter on a value path's sub-attribute,
//!   `emails[type eq "work"].value eq "x"`, read as `emails[type eq "work" and value eq "x"]`.
//!
//! Whitespace stays required where the ABNF has `SP` (`userName eq"x"` is rejected), and every
//! rejection is a [`ParseError`] with the byte offset, what was expected and what was found.
//!
//! ```
//! use scim2_filter::{Filter, parse::Limits};
//! let f: Filter = r#"userName EQ "bjensen" and not(title pr)"#.parse()?;
//! assert_eq!(f.to_string(), r#"userName eq "bjensen" and not (title pr)"#);
//!
//! let deep = format!("{}a pr{}", "(".repeat(10), ")".repeat(10));
//! let limits = Limits { max_depth: 5, ..Limits::default() };
//! let err = Filter::parse_with(&deep, &limits).unwrap_err();
//! assert_eq!(err.offset(), 5);
//! # Ok::<(), scim2_filter::ParseError>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde_json::Number;

use crate::ast::{AttrPath, CompValue, CompareOp, Filter, PatchPath, ValuePath};

/// Bounds on what the parser accepts. Exceeding one is a [`ParseError`], never a stack
/// overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The deepest nesting of parentheses, `not ( … )` and value-path brackets (default 64;
    /// values above [`Limits::MAX_DEPTH_CAP`] are treated as that cap).
    pub max_depth: usize,
    /// The longest input, in bytes (default 65,536).
    pub max_len: usize,
    /// The most attribute expressions (`attr op value`, `attr pr`) in one filter (default
    /// 1,024; values above [`Limits::MAX_TERMS_CAP`] are treated as that cap). This bounds the
    /// height of long `and`/`or` chains.
    pub max_terms: usize,
}

impl Limits {
    /// The hard upper bound on [`Limits::max_depth`], whatever is configured.
    pub const MAX_DEPTH_CAP: usize = 128;
    /// The hard upper bound on [`Limits::max_terms`], whatever is configured.
    pub const MAX_TERMS_CAP: usize = 2048;

    fn depth(&self) -> usize {
        self.max_depth.min(Self::MAX_DEPTH_CAP)
    }

    fn terms(&self) -> usize {
        self.max_terms.min(Self::MAX_TERMS_CAP)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_len: 65_536,
            max_terms: 1024,
        }
    }
}

/// What kind of problem a [`ParseError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input does not follow the grammar.
    Syntax,
    /// A string literal is malformed (unterminated, bad escape, raw control character).
    InvalidString,
    /// A number literal is malformed or out of range.
    InvalidNumber,
    /// A value path inside a value path (RFC 7644 §3.4.2.2 `valFilter` has no `valuePath`).
    NestedValuePath,
    /// Nesting deeper than [`Limits::max_depth`].
    TooDeep,
    /// Input longer than [`Limits::max_len`].
    TooLong,
    /// More attribute expressions than [`Limits::max_terms`].
    TooManyTerms,
}

/// A rejected filter or path: where (byte offset), what was expected and what was found.
/// `Display` shows the input with a caret under the offset.
///
/// ```
/// use scim2_filter::Filter;
/// let err = Filter::parse(r#"userName eq"bjensen""#).unwrap_err();
/// assert_eq!(err.offset(), 11);
/// assert_eq!(err.expected(), "whitespace after the operator");
/// assert_eq!(err.found(), "`\"`");
/// assert!(err.to_string().ends_with("userName eq\"bjensen\"\n             ^"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    kind: ParseErrorKind,
    offset: usize,
    expected: &'static str,
    found: String,
    /// The input line shown under the message (a window around the offset for long inputs).
    snippet: String,
    /// The caret's column in `snippet`, in characters.
    column: usize,
}

impl ParseError {
    fn new(
        src: &str,
        offset: usize,
        kind: ParseErrorKind,
        expected: &'static str,
        found: String,
    ) -> Self {
        let (snippet, column) = snippet(src, offset);
        Self {
            kind,
            offset,
            expected,
            found,
            snippet,
            column,
        }
    }

    /// The byte offset in the input where the problem is.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What the parser expected at [`ParseError::offset`].
    #[must_use]
    pub fn expected(&self) -> &str {
        self.expected
    }

    /// What it found there (a quoted token, or `end of input`).
    #[must_use]
    pub fn found(&self) -> &str {
        &self.found
    }

    /// The kind of problem.
    #[must_use]
    pub fn kind(&self) -> ParseErrorKind {
        self.kind
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "syntax error at byte {}: expected {}, found {}",
            self.offset, self.expected, self.found
        )?;
        writeln!(f, "  {}", self.snippet)?;
        write!(f, "  {:>width$}", "^", width = self.column + 1)
    }
}

/// The line to show under an error: at most ~60 characters either side of the offset, with
/// control characters shown as spaces so that the caret lines up.
fn snippet(src: &str, offset: usize) -> (String, usize) {
    const SIDE: usize = 60;
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before: Vec<(usize, char)> = src[..offset].char_indices().collect();
    let start = if before.len() > SIDE {
        before[before.len() - SIDE].0
    } else {
        0
    };
    let end = src[offset..]
        .char_indices()
        .nth(SIDE)
        .map_or(src.len(), |(i, _)| offset + i);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let column = out.chars().count() + src[start..offset].chars().count();
    out.extend(
        src[start..end]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c }),
    );
    if end < src.len() {
        out.push('…');
    }
    (out, column)
}

impl Filter {
    /// Parses a filter (RFC 7644 §3.4.2.2) with the default [`Limits`].
    ///
    /// ```
    /// use scim2_filter::Filter;
    /// let f = Filter::parse(r#"emails[type eq "work" and value co "@example.com"]"#)?;
    /// assert!(matches!(f, Filter::ValuePath(_)));
    /// # Ok::<(), scim2_filter::ParseError>(())
    /// ```
    ///
    /// # Errors
    /// A [`ParseError`] when the input is not a filter or exceeds a limit.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        Self::parse_with(input, &Limits::default())
    }

    /// Parses a filter with the given [`Limits`].
    ///
    /// # Errors
    /// A [`ParseError`] when the input is not a filter or exceeds a limit.
    pub fn parse_with(input: &str, limits: &Limits) -> Result<Self, ParseError> {
        let mut p = Parser::new(input, limits)?;
        p.skip_ws();
        let f = p.or_expr()?;
        p.skip_ws();
        p.expect_end("`and`, `or` or end of input")?;
        Ok(f)
    }
}

impl FromStr for Filter {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AttrPath {
    /// Parses an attribute path (`[URI ":"] ATTRNAME [subAttr]`, RFC 7644 §3.4.2.2), as used
    /// by `sortBy`, `attributes` and `excludedAttributes`.
    ///
    /// ```
    /// use scim2_filter::AttrPath;
    /// let p = AttrPath::parse("urn:ietf:params:scim:schemas:core:2.0:User:name.familyName")?;
    /// assert_eq!(p.uri.as_deref(), Some("urn:ietf:params:scim:schemas:core:2.0:User"));
    /// assert_eq!(p.name, "name");
    /// assert_eq!(p.sub_attr.as_deref(), Some("familyName"));
    /// # Ok::<(), scim2_filter::ParseError>(())
    /// ```
    ///
    /// # Errors
    /// A [`ParseError`] when the input is not an attribute path.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let mut p = Parser::new(input, &Limits::default())?;
        p.skip_ws();
        let a = p.attr_path()?;
        p.skip_ws();
        p.expect_end("end of input after the attribute path")?;
        Ok(a)
    }
}

impl FromStr for AttrPath {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl PatchPath {
    /// Parses a PATCH operation's `path` (RFC 7644 §3.5.2:
    /// `PATH = attrPath / valuePath [subAttr]`) with the default [`Limits`].
    ///
    /// ```
    /// use scim2_filter::PatchPath;
    /// let p = PatchPath::parse(r#"members[value eq "2819c223"].displayName"#)?;
    /// assert_eq!(p.attr().name, "members");
    /// # Ok::<(), scim2_filter::ParseError>(())
    /// ```
    ///
    /// # Errors
    /// A [`ParseError`] when the input is not a PATCH path or exceeds a limit.
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        Self::parse_with(input, &Limits::default())
    }

    /// Parses a PATCH path with the given [`Limits`].
    ///
    /// # Errors
    /// A [`ParseError`] when the input is not a PATCH path or exceeds a limit.
    pub fn parse_with(input: &str, limits: &Limits) -> Result<Self, ParseError> {
        let mut p = Parser::new(input, limits)?;
        p.skip_ws();
        let attr_start = p.pos;
        let attr = p.attr_path()?;
        let path = if p.peek() == Some(b'[') {
            let value_path = p.value_path_body(attr, attr_start)?;
            let sub_attr = if p.peek() == Some(b'.') {
                p.pos += 1;
                Some(p.attr_name("a sub-attribute name after `].`")?.to_owned())
            } else {
                None
            };
            PatchPath::Value {
                value_path,
                sub_attr,
            }
        } else {
            PatchPath::Attr(attr)
        };
        p.skip_ws();
        p.expect_end("end of input after the path")?;
        Ok(path)
    }
}

impl FromStr for PatchPath {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A byte that may follow a value, `pr` or `)` without whitespace.
fn is_delimiter(b: Option<u8>) -> bool {
    match b {
        None => true,
        Some(b) => is_ws(b) || b == b')' || b == b']',
    }
}

/// Bytes of an attribute path token (`urn:…:2.0:User:name.givenName`, `$ref`).
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'-' | b'_' | b'$')
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    terms: usize,
    max_depth: usize,
    max_terms: usize,
    /// Inside a value path's brackets (where another value path is not allowed).
    in_value_path: bool,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, limits: &Limits) -> Result<Self, ParseError> {
        if src.len() > limits.max_len {
            return Err(ParseError::new(
                src,
                limits.max_len,
                ParseErrorKind::TooLong,
                "a shorter input (the length limit is reached)",
                format!("{} bytes", src.len()),
            ));
        }
        Ok(Self {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            depth: 0,
            terms: 0,
            max_depth: limits.depth(),
            max_terms: limits.terms(),
            in_value_path: false,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A description of what is at `at`, for error messages.
    fn found_at(&self, at: usize) -> String {
        let rest = &self.src[at..];
        let Some(first) = rest.chars().next() else {
            return "end of input".to_owned();
        };
        if first.is_ascii_whitespace() {
            return "whitespace".to_owned();
        }
        if first.is_ascii_alphanumeric() || first == '$' || first == '_' {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '$' | '_' | '-'))
                .take(32)
                .collect();
            return format!("`{word}`");
        }
        format!("`{first}`")
    }

    fn err_at(&self, at: usize, kind: ParseErrorKind, expected: &'static str) -> ParseError {
        ParseError::new(self.src, at, kind, expected, self.found_at(at))
    }

    fn syntax(&self, expected: &'static str) -> ParseError {
        self.err_at(self.pos, ParseErrorKind::Syntax, expected)
    }

    fn expect_end(&self, expected: &'static str) -> Result<(), ParseError> {
        if self.pos == self.bytes.len() {
            Ok(())
        } else {
            Err(self.syntax(expected))
        }
    }

    fn enter(&mut self, at: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.err_at(
                at,
                ParseErrorKind::TooDeep,
                "less nesting (the depth limit is reached)",
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Whether the input at the cursor is `keyword` (ASCII case-insensitive) followed by
    /// something that ends a word.
    fn at_keyword(&self, keyword: &str) -> bool {
        let end = self.pos + keyword.len();
        end <= self.bytes.len()
            && self.bytes[self.pos..end].eq_ignore_ascii_case(keyword.as_bytes())
            && self
                .bytes
                .get(end)
                .is_none_or(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'-' | b'_'))
    }

    /// After an operand: whitespace, `keyword` and whitespace. Consumes them and returns true,
    /// or leaves the cursor where it was and returns false.
    fn logical(&mut self, keyword: &'static str) -> Result<bool, ParseError> {
        let start = self.pos;
        if self.skip_ws() == 0 || !self.at_keyword(keyword) {
            self.pos = start;
            return Ok(false);
        }
        self.pos += keyword.len();
        if self.skip_ws() == 0 {
            return Err(self.syntax(if keyword == "and" {
                "whitespace after `and`"
            } else {
                "whitespace after `or`"
            }));
        }
        Ok(true)
    }

    /// `FILTER *(SP "or" SP FILTER)`, left-associative.
    fn or_expr(&mut self) -> Result<Filter, ParseError> {
        let mut left = self.and_expr()?;
        while self.logical("or")? {
            let right = self.and_expr()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `FILTER *(SP "and" SP FILTER)`, left-associative; `and` binds tighter than `or`.
    fn and_expr(&mut self) -> Result<Filter, ParseError> {
        let mut left = self.unary()?;
        while self.logical("and")? {
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// `"not" "(" FILTER ")"`, `"(" FILTER ")"`, `attrExp` or `valuePath`.
    fn unary(&mut self) -> Result<Filter, ParseError> {
        let start = self.pos;
        match self.peek() {
            None => return Err(self.syntax("a filter")),
            Some(b'(') => {
                self.pos += 1;
                return self.group(start);
            }
            _ => {}
        }
        if self.at_keyword("not") {
            self.pos += 3;
            let after_not = self.pos;
            self.skip_ws();
            if self.peek() == Some(b'(') {
                let open = self.pos;
                self.pos += 1;
                let inner = self.group(open)?;
                return Ok(Filter::Not(Box::new(inner)));
            }
            // `not` is an attribute name unless a parenthesis follows; a `not` followed by
            // something that is no operator is a missing parenthesis.
            let after_ws = self.pos;
            if after_ws > after_not && !self.at_operator() {
                return Err(self.syntax("`(` after `not`"));
            }
            self.pos = start;
        }
        self.attr_exp()
    }

    fn at_operator(&self) -> bool {
        self.at_keyword("pr") || CompareOp::ALL.iter().any(|op| self.at_keyword(op.as_str()))
    }

    /// The rest of `( FILTER )` after the `(` at `open`.
    fn group(&mut self, open: usize) -> Result<Filter, ParseError> {
        self.enter(open)?;
        self.skip_ws();
        let inner = self.or_expr()?;
        self.skip_ws();
        if self.peek() != Some(b')') {
            return Err(self.syntax("`)`, `and` or `or`"));
        }
        self.pos += 1;
        self.leave();
        Ok(inner)
    }

    /// `attrPath SP "pr"`, `attrPath SP compareOp SP compValue`, `valuePath`, or the Entra
    /// form `valuePath "." ATTRNAME SP compareOp SP compValue`.
    fn attr_exp(&mut self) -> Result<Filter, ParseError> {
        let start = self.pos;
        if !self.peek().is_some_and(is_path_byte) {
            return Err(self.syntax("an attribute path, `(` or `not`"));
        }
        let attr = self.attr_path()?;
        if self.peek() == Some(b'[') {
            let value_path = self.value_path_body(attr, start)?;
            if self.peek() == Some(b'.') {
                // Entra ID: `emails[type eq "work"].value eq "x"`, the same as
                // `emails[type eq "work" and value eq "x"]`.
                self.pos += 1;
                let name = self.attr_name("a sub-attribute name after `].`")?;
                let sub = AttrPath::new(name, None);
                let cond = self.attr_op(sub)?;
                let ValuePath { attr, filter } = value_path;
                return Ok(Filter::ValuePath(ValuePath {
                    attr,
                    filter: Box::new(Filter::And(filter, Box::new(cond))),
                }));
            }
            if !is_delimiter(self.peek()) {
                return Err(self.syntax("whitespace, `)` or end of input after `]`"));
            }
            return Ok(Filter::ValuePath(value_path));
        }
        self.attr_op(attr)
    }

    /// `SP "pr"` or `SP compareOp SP compValue` after an attribute path.
    fn attr_op(&mut self, attr: AttrPath) -> Result<Filter, ParseError> {
        if self.skip_ws() == 0 {
            return Err(self.syntax(if self.peek().is_none() {
                "an operator (`eq`, `ne`, `co`, `sw`, `ew`, `gt`, `lt`, `ge`, `le`, `pr`)"
            } else {
                "whitespace after the attribute path"
            }));
        }
        self.count_term()?;
        if self.at_keyword("pr") {
            self.pos += 2;
            if !is_delimiter(self.peek()) {
                return Err(self.syntax("whitespace, `)`, `]` or end of input after `pr`"));
            }
            return Ok(Filter::Present(attr));
        }
        let op_start = self.pos;
        let Some(op) = CompareOp::ALL
            .iter()
            .copied()
            .find(|op| self.at_keyword(op.as_str()))
        else {
            return Err(self.syntax(
                "an operator (`eq`, `ne`, `co`, `sw`, `ew`, `gt`, `lt`, `ge`, `le`, `pr`)",
            ));
        };
        self.pos = op_start + 2;
        if self.skip_ws() == 0 {
            return Err(self.syntax(if self.peek().is_none() {
                "a value after the operator"
            } else {
                "whitespace after the operator"
            }));
        }
        let value = self.comp_value()?;
        if !is_delimiter(self.peek()) {
            return Err(self.syntax("whitespace, `)`, `]` or end of input after the value"));
        }
        Ok(Filter::Compare(attr, op, value))
    }

    fn count_term(&mut self) -> Result<(), ParseError> {
        self.terms += 1;
        if self.terms > self.max_terms {
            return Err(self.err_at(
                self.pos,
                ParseErrorKind::TooManyTerms,
                "fewer expressions (the term limit is reached)",
            ));
        }
        Ok(())
    }

    /// `"[" valFilter "]"` after `attr` (which started at `start`); the cursor is on `[`.
    fn value_path_body(&mut self, attr: AttrPath, start: usize) -> Result<ValuePath, ParseError> {
        let open = self.pos;
        if self.in_value_path {
            return Err(self.err_at(
                open,
                ParseErrorKind::NestedValuePath,
                "no value path inside a value path",
            ));
        }
        if attr.sub_attr.is_some() {
            return Err(ParseError::new(
                self.src,
                start,
                ParseErrorKind::Syntax,
                "an attribute without sub-attribute before `[`",
                format!("`{attr}`"),
            ));
        }
        self.enter(open)?;
        self.pos += 1;
        self.in_value_path = true;
        self.skip_ws();
        let filter = self.or_expr()?;
        self.skip_ws();
        if self.peek() != Some(b']') {
            return Err(self.syntax("`]`, `and` or `or`"));
        }
        self.pos += 1;
        self.in_value_path = false;
        self.leave();
        Ok(ValuePath {
            attr,
            filter: Box::new(filter),
        })
    }

    /// `ATTRNAME = ALPHA *(nameChar)` (or `$ref`, RFC 7643 §2.4) at the cursor.
    fn attr_name(&mut self, expected: &'static str) -> Result<&'a str, ParseError> {
        let start = self.pos;
        let rest = &self.bytes[start..];
        let len = if rest.starts_with(b"$ref") {
            4
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            rest.iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
                .count()
        } else {
            return Err(self.syntax(expected));
        };
        self.pos += len;
        Ok(&self.src[start..start + len])
    }

    /// `attrPath = [URI ":"] ATTRNAME *1subAttr`. The URI is everything up to the last `:` of
    /// the path token.
    fn attr_path(&mut self) -> Result<AttrPath, ParseError> {
        let start = self.pos;
        let len = self.bytes[start..]
            .iter()
            .take_while(|b| is_path_byte(**b))
            .count();
        let token = &self.src[start..start + len];
        let (uri, name_start) = match token.rfind(':') {
            Some(i) => {
                let uri = &token[..i];
                self.check_uri(uri, start)?;
                (Some(uri.to_owned()), start + i + 1)
            }
            None => (None, start),
        };
        self.pos = name_start;
        let name = self.attr_name("an attribute name")?.to_owned();
        let sub_attr = if self.peek() == Some(b'.') {
            self.pos += 1;
            Some(self.attr_name("a sub-attribute name after `.`")?.to_owned())
        } else {
            None
        };
        if self.pos < start + len {
            return Err(self.syntax("an attribute path (`[URI:]name[.subAttr]`)"));
        }
        Ok(AttrPath {
            uri,
            name,
            sub_attr,
        })
    }

    /// A schema URI before an attribute name: a scheme (ALPHA first) and non-empty
    /// `:`-separated segments.
    fn check_uri(&self, uri: &str, start: usize) -> Result<(), ParseError> {
        let bad = |at: usize| {
            ParseError::new(
                self.src,
                at,
                ParseErrorKind::Syntax,
                "a schema URI (such as `urn:ietf:params:scim:schemas:core:2.0:User`)",
                self.found_at(at),
            )
        };
        if !uri.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
            return Err(bad(start));
        }
        let mut seg_start = 0;
        for (i, b) in uri.bytes().enumerate() {
            if b == b'$' {
                return Err(bad(start + i));
            }
            if b == b':' {
                if i == seg_start {
                    return Err(bad(start + i));
                }
                seg_start = i + 1;
            }
        }
        Ok(())
    }

    /// `compValue = false / null / true / number / string` (JSON, RFC 7159).
    fn comp_value(&mut self) -> Result<CompValue, ParseError> {
        match self.peek() {
            Some(b'"') => self.string().map(CompValue::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(CompValue::Number),
            _ => {
                for (word, value) in [
                    ("true", CompValue::Bool(true)),
                    ("false", CompValue::Bool(false)),
                    ("null", CompValue::Null),
                ] {
                    if self.at_keyword(word) {
                        self.pos += word.len();
                        return Ok(value);
                    }
                }
                Err(self.syntax("a value (a JSON string, a number, `true`, `false` or `null`)"))
            }
        }
    }

    /// A JSON number (RFC 7159 §6): `-? (0 / [1-9] DIGIT*) [. DIGIT+] [(e/E) [+/-] DIGIT+]`.
    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos - s
        };
        let invalid = |p: &Self, expected| p.err_at(p.pos, ParseErrorKind::InvalidNumber, expected);
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(invalid(self, "a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(invalid(self, "a digit after the decimal point"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(invalid(self, "a digit in the exponent"));
            }
        }
        if self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.')
        {
            return Err(invalid(self, "the end of the number"));
        }
        let text = &self.src[start..self.pos];
        // Integers stay exact when they fit 64 bits; everything else is the nearest f64
        // (Rust's float parsing is correctly rounded, so printing and parsing round-trip).
        let integer = !text.contains(['.', 'e', 'E']);
        if integer {
            if let Ok(n) = text.parse::<u64>() {
                return Ok(n.into());
            }
            if let Ok(n) = text.parse::<i64>() {
                return Ok(n.into());
            }
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .ok_or_else(|| {
                ParseError::new(
                    self.src,
                    start,
                    ParseErrorKind::InvalidNumber,
                    "a number within the range of a 64-bit float",
                    format!("`{text}`"),
                )
            })
    }

    /// A JSON string (RFC 7159 §7) with every escape, including surrogate pairs.
    fn string(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            // Copy the run of plain characters at once.
            let run_start = self.pos;
            while self
                .peek()
                .is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                self.pos += 1;
            }
            out.push_str(&self.src[run_start..self.pos]);
            match self.peek() {
                None => {
                    return Err(ParseError::new(
                        self.src,
                        open,
                        ParseErrorKind::InvalidString,
                        "a closing `\"` for this string",
                        "end of input".to_owned(),
                    ));
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc = self.pos;
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            out.push(self.unicode_escape(esc)?);
                            continue;
                        }
                        _ => {
                            return Err(self.err_at(
                                self.pos,
                                ParseErrorKind::InvalidString,
                                "an escape (`\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t`, `\\uXXXX`)",
                            ));
                        }
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(self.err_at(
                        self.pos,
                        ParseErrorKind::InvalidString,
                        "an escaped control character (raw ones are not allowed in a JSON string)",
                    ));
                }
            }
        }
    }

    /// Four hex digits at the cursor.
    fn hex4(&mut self) -> Result<u16, ParseError> {
        let mut v: u16 = 0;
        for _ in 0..4 {
            let Some(d) = self.peek().and_then(|b| (b as char).to_digit(16)) else {
                return Err(self.err_at(
                    self.pos,
                    ParseErrorKind::InvalidString,
                    "a hexadecimal digit in `\\uXXXX`",
                ));
            };
            v = v * 16 + d as u16;
            self.pos += 1;
        }
        Ok(v)
    }

    /// The rest of a `\uXXXX` escape that started at `esc`, with its low surrogate if any.
    fn unicode_escape(&mut self, esc: usize) -> Result<char, ParseError> {
        let hi = self.hex4()?;
        let lone = |p: &Self| {
            ParseError::new(
                p.src,
                esc,
                ParseErrorKind::InvalidString,
                "a Unicode scalar value (a lone surrogate cannot be represented)",
                format!("`{}`", &p.src[esc..p.pos]),
            )
        };
        match hi {
            0xD800..=0xDBFF => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return Err(lone(self));
                }
                self.pos += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return Err(lone(self));
                }
                let c = 0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                char::from_u32(c).ok_or_else(|| lone(self))
            }
            0xDC00..=0xDFFF => Err(lone(self)),
            _ => char::from_u32(u32::from(hi)).ok_or_else(|| lone(self)),
        }
    }
}

//! Source tidiness, checked by `cargo test -p xtask` (as rust-analyzer's `tidy.rs` does):
//!
//! - no "issue N" (a tracker reference a reader cannot follow) in sources, docs, data or the
//!   snapshots (which hold `--help`);
//! - no citation of a document the repository does not ship (`DESIGN.md`, `GUIDE.md`, the
//!   private provisioning reference, `../shared/`), and every `docs/NAME.md` cited exists;
//! - no `urn:ietf:params:scim` string literal (a string that starts with the URN: a value
//!   sent or compared) in library or binary code outside `scim-types`, whose `urn` module holds
//!   them; prose that names a URN inside a message is not a value. Exempt, by decision: comments and doc comments (they quote the
//!   wire), unit tests (everything after a file's first `#[cfg(test)]`), and the `tests/`,
//!   `benches/`, `examples/` and `fuzz/` trees and data files, whose literal JSON pins what is on
//!   the wire independently of the constants under test;
//! - no cycle among the conformance crate's top-level modules (an edge `a -> b` when a file of
//!   `a` names `crate::b`, unit tests left out);
//! - no `src/` file over [`MAX_LINES`] lines: the guide asks for one concept per file, and
//!   past a thousand lines a file holds several. Test files are exempt: each is a list of
//!   independent cases.
#![cfg(test)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest `src/` file allowed, in lines.
const MAX_LINES: usize = 1000;

/// Documents sources have cited that the repository does not ship.
/// `reference §N` is how the private provisioning reference was cited by section.
const UNSHIPPED: &[&str] = &[
    "DESIGN.md",
    "GUIDE.md",
    "entra-provisioning",
    "../shared/",
    "reference §",
];

/// The start of a URN string literal (split so that this file does not match itself).
const URN_LITERAL: &str = concat!("\"urn", ":ietf:params:scim");

/// Directories never walked.
const SKIP_DIRS: &[&str] = &["target", ".git", "node_modules", ".venv", "__pycache__"];

/// Extensions of the text files checked.
const TEXT: &[&str] = &[
    "rs", "toml", "md", "snap", "json", "txt", "yml", "yaml", "py", "js",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Every text file of the workspace, as (path relative to the root with `/`, contents).
fn files() -> Vec<(String, String)> {
    let root = root();
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !SKIP_DIRS.contains(&name) {
                    stack.push(path);
                }
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !TEXT.contains(&ext) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let rel = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, text));
        }
    }
    out.sort();
    out
}

/// Whether `line` mentions "issue" followed by a number (`issue 6`, `Issue #12`).
fn cites_issue_number(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("issue") {
        let before_ok = at == 0 || !rest.as_bytes()[at - 1].is_ascii_alphanumeric();
        let after = &rest[at + "issue".len()..];
        let trimmed = after.trim_start_matches([' ', '#']);
        let spaced = trimmed.len() < after.len();
        if before_ok && spaced && trimmed.starts_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
        rest = after;
    }
    false
}

/// The `docs/NAME.md` paths `line` cites.
fn cited_docs(line: &str) -> Vec<(&str, Option<&str>)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("docs/") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/._-".contains(c)))
            .unwrap_or(tail.len());
        let path = tail[..end].trim_end_matches('.');
        if let Some(stem) = path.strip_suffix(".md")
            && !stem.is_empty()
        {
            let doc = &tail[..stem.len() + 3];
            let anchor = tail[doc.len()..].strip_prefix('#').map(|a| {
                let end = a
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .unwrap_or(a.len());
                &a[..end]
            });
            out.push((doc, anchor.filter(|a| !a.is_empty())));
        }
        rest = &tail["docs/".len()..];
    }
    out
}

/// The anchors of a Markdown file: explicit `<a id="…">` ones, and those GitHub gives its
/// headings (lower case, spaces as `-`, other punctuation dropped).
fn heading_anchors(markdown: &str) -> BTreeSet<String> {
    let explicit = markdown
        .split("<a id=\"")
        .skip(1)
        .filter_map(|rest| rest.find('"').map(|end| rest[..end].to_owned()));
    let headings = markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').strip_prefix(' '))
        .map(|h| {
            h.trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect()
        });
    explicit.chain(headings).collect()
}

/// Whether `rel` is library or binary code the URN rule applies to.
fn urn_rule_applies(rel: &str) -> bool {
    let exempt_tree = ["/tests/", "/benches/", "/examples/", "/fuzz/"]
        .iter()
        .any(|t| rel.contains(t));
    // xtask/peers/ holds third-party servers' wrappers, built apart from the workspace.
    rel.ends_with(".rs")
        && rel.contains("/src/")
        && !rel.starts_with("scim-types/")
        && !rel.starts_with("xtask/peers/")
        && !exempt_tree
}

/// The lines of non-test code: up to the first `#[cfg(test)]`, comments left out.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l))
}

#[test]
fn no_issue_numbers() {
    let this = "xtask/src/tidy.rs";
    let mut found = Vec::new();
    for (rel, text) in files() {
        if rel == this {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            if cites_issue_number(line) {
                found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "\"issue N\" in:\n{}", found.join("\n"));
}

#[test]
fn no_citations_of_unshipped_documents() {
    let root = root();
    let this = "xtask/src/tidy.rs";
    let mut found = Vec::new();
    for (rel, text) in files() {
        if rel == this {
            continue;
        }
        for (i, line) in text.lines().enumerate() {
            for doc in UNSHIPPED {
                if line.contains(doc) {
                    found.push(format!("{rel}:{}: cites {doc}", i + 1));
                }
            }
            for (doc, anchor) in cited_docs(line) {
                let Ok(markdown) = std::fs::read_to_string(root.join(doc)) else {
                    found.push(format!(
                        "{rel}:{}: cites {doc}, which does not exist",
                        i + 1
                    ));
                    continue;
                };
                if let Some(anchor) = anchor
                    && !heading_anchors(&markdown).contains(anchor)
                {
                    found.push(format!(
                        "{rel}:{}: cites {doc}#{anchor}, which has no such heading",
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn scim_urns_come_from_scim_types() {
    let mut found = Vec::new();
    for (rel, text) in files() {
        if !urn_rule_applies(&rel) {
            continue;
        }
        for (n, line) in code_lines(&text) {
            if line.contains(URN_LITERAL) {
                found.push(format!("{rel}:{n}: {}", line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "URN literals outside scim-types (use scim2_types::urn):\n{}",
        found.join("\n")
    );
}

#[test]
fn source_files_stay_small() {
    let mut found = Vec::new();
    for (rel, text) in files() {
        let source = rel.ends_with(".rs") && rel.contains("/src/") && !rel.contains("/fuzz/");
        let lines = text.lines().count();
        if source && lines > MAX_LINES {
            found.push(format!("{rel}: {lines} lines"));
        }
    }
    assert!(
        found.is_empty(),
        "source files over {MAX_LINES} lines (split them by concept):\n{}",
        found.join("\n")
    );
}

/// The top-level modules each `crate::name` in `code` refers to (`use crate::{a, b::c}` too).
fn crate_refs(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let body = &group[..group.find('}').unwrap_or(group.len())];
            for item in body.split(',') {
                out.insert(ident(item.trim()));
            }
        } else {
            out.insert(ident(after));
        }
        rest = after;
    }
    out.retain(|n| !n.is_empty());
    out
}

/// The module graph of `src` (a crate's `src/` directory): top-level module -> modules it
/// names, comments and unit tests left out, modules under `skip` left out.
fn module_graph(src: &Path, skip: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(src).unwrap_or(&path);
            let Some(first) = rel.iter().next().and_then(|c| c.to_str()) else {
                continue;
            };
            let top = first.trim_end_matches(".rs").to_owned();
            if top == "lib" || top == "main" || skip.contains(&top.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let code: String = code_lines(&text).map(|(_, l)| format!("{l}\n")).collect();
            let known = |n: &String| src.join(format!("{n}.rs")).is_file() || src.join(n).is_dir();
            let refs: Vec<String> = crate_refs(&code)
                .into_iter()
                .filter(|n| *n != top && known(n) && !skip.contains(&n.as_str()))
                .collect();
            graph.entry(top).or_default().extend(refs);
        }
    }
    graph
}

/// The cycles of `graph`: its strongly connected components of more than one module.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    // Two modules share a cycle when each reaches the other.
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for m in graph.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|k| (k, reach(k))).collect();
    let mut out: Vec<BTreeSet<String>> = Vec::new();
    for (a, ra) in &reached {
        let comp: BTreeSet<String> = ra
            .iter()
            .filter(|b| reached.get(b).is_some_and(|rb| rb.contains(*a)))
            .cloned()
            .collect();
        if comp.len() > 1 && !out.contains(&comp) {
            out.push(comp);
        }
    }
    out
}

#[test]
fn conformance_modules_form_no_cycle() {
    let graph = module_graph(&root().join("conformance/src"), &[]);
    assert!(
        graph.contains_key("check") && graph.contains_key("session"),
        "{graph:?}"
    );
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "module cycles: {found:?}\ngraph: {graph:#?}"
    );
}

#[test]
fn the_rules_match_what_they_describe() {
    let refs = crate_refs("use crate::a::X; use crate::{b, c::d};\nlet x = crate::e::f();");
    assert_eq!(refs, ["a", "b", "c", "e"].map(String::from).into());
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(cycles(&g), [["a", "b", "c"].map(String::from).into()]);
    assert!(cites_issue_number("see issue 6"));
    assert!(cites_issue_number("(Issue #12)"));
    assert!(!cites_issue_number("github.com/o/r/issues/12"));
    assert!(!cites_issue_number("an issue with 3 parts"));
    assert!(!cites_issue_number("reissue 4"));
    assert_eq!(
        cited_docs("see docs/entra.md#patch-dialects and docs/x.md."),
        [
            ("docs/entra.md", Some("patch-dialects")),
            ("docs/x.md", None)
        ]
    );
    let anchors = heading_anchors(
        "# Title\n## PATCH dialects\ntext #not\n### User (re-)create, `id`\n<a id=\"x-y\"></a>\n",
    );
    assert!(anchors.contains("patch-dialects"));
    assert!(anchors.contains("user-re-create-id"));
    assert!(anchors.contains("x-y"));
    assert!(!anchors.contains("not"));
    assert!(urn_rule_applies("conformance/src/session.rs"));
    assert!(!urn_rule_applies("scim-types/src/urn.rs"));
    assert!(!urn_rule_applies("conformance/tests/cli.rs"));
    let code: Vec<usize> = code_lines("a\n// b\nc\n#[cfg(test)]\nd\n")
        .map(|(n, _)| n)
        .collect();
    assert_eq!(code, [1, 3]);
}

//! Moving the `Unreleased` section of a Keep a Changelog file under a new version.

use anyhow::{Result, bail};

fn is_heading(line: &str) -> bool {
    line.starts_with("## ")
}

fn is_unreleased_heading(line: &str) -> bool {
    is_heading(line) && line[3..].trim().eq_ignore_ascii_case("[unreleased]")
}

fn is_link_definition(line: &str) -> bool {
    line.starts_with('[') && line.contains("]: ")
}

/// Rewrites the `[Unreleased]: …` link reference for the release `tag` and returns the
/// lines to write instead (the new Unreleased link and the version's own link).
fn release_links(line: &str, version: &str, tag: &str) -> Option<[String; 2]> {
    let (label, url) = line.split_once("]: ")?;
    if !label[1..].eq_ignore_ascii_case("unreleased") {
        return None;
    }
    let url = url.trim();
    if let Some((base, range)) = url.split_once("/compare/") {
        let previous = range.strip_suffix("...HEAD")?;
        Some([
            format!("{label}]: {base}/compare/{tag}...HEAD"),
            format!("[{version}]: {base}/compare/{previous}...{tag}"),
        ])
    } else {
        let base = url.strip_suffix("/commits/HEAD")?;
        Some([
            format!("{label}]: {base}/compare/{tag}...HEAD"),
            format!("[{version}]: {base}/releases/tag/{tag}"),
        ])
    }
}

/// Moves the entries under `## [Unreleased]` to a new `## [VERSION] - DATE` section right
/// below an empty `## [Unreleased]`, and updates the link references (`[Unreleased]: …`
/// `compare/PREV...HEAD` or `commits/HEAD`) for the tag `vVERSION`.
pub fn release(text: &str, version: &str, date: &str) -> Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| is_unreleased_heading(l)) else {
        bail!("CHANGELOG.md has no `## [Unreleased]` section");
    };
    if lines
        .iter()
        .any(|l| is_heading(l) && l[3..].trim_start().starts_with(&format!("[{version}]")))
    {
        bail!("CHANGELOG.md already has a section for {version}");
    }
    let end = lines[start + 1..]
        .iter()
        .position(|l| is_heading(l) || is_link_definition(l))
        .map_or(lines.len(), |i| start + 1 + i);
    let body = &lines[start + 1..end];
    if body.iter().all(|l| l.trim().is_empty()) {
        bail!("the `## [Unreleased]` section of CHANGELOG.md is empty: nothing to release");
    }
    let tag = format!("v{version}");
    let mut out: Vec<String> = lines[..=start].iter().map(|l| (*l).to_owned()).collect();
    out.push(String::new());
    out.push(format!("## [{version}] - {date}"));
    out.extend(body.iter().map(|l| (*l).to_owned()));
    for line in &lines[end..] {
        match release_links(line, version, &tag) {
            Some(links) => out.extend(links),
            None => out.push((*line).to_owned()),
        }
    }
    let mut s = out.join("\n");
    if text.ends_with('\n') {
        s.push('\n');
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n### Added\n- A conformance runner.\n- Interop tests.\n\n## [0.1.0] - 2026-01-01\n\n### Added\n- First crates.\n\n[Unreleased]: https://example.org/r/compare/v0.1.0...HEAD\n[0.1.0]: https://example.org/r/releases/tag/v0.1.0\n";

    #[test]
    fn moves_unreleased_entries_under_the_new_version() {
        let after = release(BEFORE, "0.2.0", "2026-12-01").unwrap();
        assert_eq!(
            after,
            "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n### Added\n- A conformance runner.\n- Interop tests.\n\n## [0.1.0] - 2026-01-01\n\n### Added\n- First crates.\n\n[Unreleased]: https://example.org/r/compare/v0.2.0...HEAD\n[0.2.0]: https://example.org/r/compare/v0.1.0...v0.2.0\n[0.1.0]: https://example.org/r/releases/tag/v0.1.0\n"
        );
    }

    #[test]
    fn first_release_links_to_its_tag() {
        let text = "# Changelog\n\n## [Unreleased]\n### Added\n- Everything.\n\n[Unreleased]: https://example.org/r/commits/HEAD\n";
        let after = release(text, "0.1.0", "2026-12-01").unwrap();
        assert_eq!(
            after,
            "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-12-01\n### Added\n- Everything.\n\n[Unreleased]: https://example.org/r/compare/v0.1.0...HEAD\n[0.1.0]: https://example.org/r/releases/tag/v0.1.0\n"
        );
    }

    #[test]
    fn refuses_an_empty_or_missing_unreleased_section_and_a_repeated_version() {
        let empty = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n- x\n";
        assert!(
            release(empty, "0.2.0", "d")
                .unwrap_err()
                .to_string()
                .contains("empty")
        );
        assert!(
            release("# Changelog\n", "0.2.0", "d")
                .unwrap_err()
                .to_string()
                .contains("no `## [Unreleased]`")
        );
        let err = release(BEFORE, "0.1.0", "d").unwrap_err();
        assert!(err.to_string().contains("already has a section for 0.1.0"));
    }
}

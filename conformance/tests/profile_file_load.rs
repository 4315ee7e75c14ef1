//! Loading profile files (`--profile FILE`): the valid format and every rejected case.

#![allow(clippy::unwrap_used)] // tests may unwrap

use std::path::Path;

use scim2_conformance::{
    Dialect, MAX_PROFILE_FILE, Mapping, Profile, ProfileFile, ProfileFileError, Requirement,
};

fn ids(p: &ProfileFile) -> Vec<&'static str> {
    p.checks().iter().map(|c| c.meta.id).collect()
}

#[test]
fn a_full_file_loads_and_selects_its_checks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.toml");
    std::fs::write(
        &path,
        r#"# scim-conformance profile
name = "acme-entra"
base = "rfc7644"
include = ["entra.group", "rfc7644.filter.*"]
exclude = ["entra.group.*.flagged", "entra.group.delete"]
mapping = "acme-mapping.toml"
dialect = "legacy"
[requirements]
"entra.group.members.remove.legacy" = "MAY"
"entra.group.members.add-repeat" = "MUST"
"#,
    )
    .unwrap();
    let p = ProfileFile::load(&path).unwrap();
    assert_eq!(p.name, "acme-entra");
    assert_eq!(p.base, Profile::Rfc7644);
    assert_eq!(p.mapping, Some(dir.path().join("acme-mapping.toml")));
    assert_eq!(p.dialects, Some(vec![Dialect::Legacy]));
    assert_eq!(p.requirements.len(), 2);

    let got = ids(&p);
    let expected: Vec<&str> = Profile::Rfc7644
        .checks()
        .iter()
        .map(|c| c.meta.id)
        .filter(|id| {
            (id.starts_with("entra.group.") || id.starts_with("rfc7644.filter."))
                && !(id.starts_with("entra.group.") && id.ends_with(".flagged"))
                && *id != "entra.group.delete"
        })
        .collect();
    assert_eq!(got, expected);
    assert!(got.contains(&"entra.group.members.remove.legacy"));
    assert!(!got.contains(&"entra.group.members.remove.flagged"));
    assert!(got.iter().any(|i| i.starts_with("rfc7644.filter.")));

    let level = |id: &str| {
        p.checks()
            .into_iter()
            .find(|c| c.meta.id == id)
            .unwrap()
            .meta
            .requirement
    };
    assert_eq!(level("entra.group.members.remove.legacy"), Requirement::May);
    assert_eq!(level("entra.group.members.add-repeat"), Requirement::Must);
    // Untouched checks keep their own level.
    assert_eq!(level("entra.group.create"), Requirement::Must);
}

#[test]
fn only_name_and_base_are_required() {
    let p = ProfileFile::parse(
        "name = \"min\"\nbase = \"entra\"\n",
        "min.toml",
        Path::new("."),
    )
    .unwrap();
    assert_eq!(
        ids(&p),
        Profile::Entra
            .checks()
            .iter()
            .map(|c| c.meta.id)
            .collect::<Vec<_>>()
    );
    assert_eq!(p.mapping, None);
    assert_eq!(p.dialects, None);
}

#[test]
fn the_shipped_example_loads_with_its_mapping() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/example-profile.toml");
    let p = ProfileFile::load(&path).unwrap();
    assert_eq!(p.name, "example-entra-groups");
    let m = p.mapping.clone().unwrap();
    Mapping::load(&m).unwrap();
    let got = ids(&p);
    assert!(got.contains(&"entra.probe.replace-members"));
    assert!(!got.contains(&"entra.probe.nested-group"));
    assert!(!got.contains(&"entra.pagination"));
}

/// Parses `text` and returns the error's line, column and message.
fn reject(text: &str) -> (usize, usize, String) {
    match ProfileFile::parse(text, "bad.toml", Path::new(".")) {
        Ok(p) => panic!("accepted {text:?}: {p:?}"),
        Err(ProfileFileError::Invalid {
            path,
            line,
            column,
            message,
        }) => {
            assert_eq!(path, "bad.toml");
            (line, column, message)
        }
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn every_invalid_case_names_the_position_and_the_key() {
    const HEAD: &str = "name = \"x\"\nbase = \"entra\"\n";
    let cases: &[(&str, usize, usize, &[&str])] = &[
        // (text after HEAD or whole, line, column, words the message must hold)
        (
            "colour = \"red\"\n",
            3,
            1,
            &["unknown field `colour`", "colour = \"red\""],
        ),
        (
            "[requirements]\n\"entra.nope\" = \"MAY\"\n",
            4,
            1,
            &["requirements", "entra.nope"],
        ),
        (
            "[requirements]\n\"rfc7644.discovery.schemas\" = \"MAY\"\n",
            4,
            1,
            &["requirements", "rfc7644.discovery.schemas", "entra profile"],
        ),
        (
            "[requirements]\n\"entra.user.create\" = \"must\"\n",
            4,
            23,
            &["requirements.\"entra.user.create\"", "\"must\""],
        ),
        (
            "include = [\"entra.user\", \"entra.nothing\"]\n",
            3,
            26,
            &["include", "entra.nothing"],
        ),
        ("exclude = [\"zzz*\"]\n", 3, 12, &["exclude", "zzz*"]),
        ("dialect = \"modern\"\n", 3, 11, &["dialect", "modern"]),
        ("dialect = 3\n", 3, 11, &["invalid type", "dialect = 3"]),
        (
            "include = \"entra.user\"\n",
            3,
            11,
            &["expected a sequence", "include"],
        ),
        ("mapping = \"  \"\n", 3, 11, &["mapping", "empty"]),
        (
            "include = [\"entra.user\"]\nexclude = [\"entra\"]\n",
            1,
            1,
            &["selects no check"],
        ),
        ("name = \"again\"\n", 3, 1, &["duplicate key"]),
    ];
    for (tail, line, column, words) in cases {
        let text = format!("{HEAD}{tail}");
        let (l, c, m) = reject(&text);
        assert_eq!((l, c), (*line, *column), "{text:?}: {m}");
        for w in *words {
            assert!(m.contains(w), "{text:?}: {m:?} lacks {w:?}");
        }
    }
    let whole: &[(&str, usize, usize, &str)] = &[
        (
            "name = \"x\"\nbase = \"okta\"\n",
            2,
            8,
            "base: unknown profile \"okta\"",
        ),
        ("base = \"entra\"\n", 1, 1, "missing field `name`"),
        ("name = \"x\"\n", 1, 1, "missing field `base`"),
        (
            "name = \"  \"\nbase = \"entra\"\n",
            1,
            8,
            "name: must be 1 to 64",
        ),
        (
            "name = \"a\\u0007b\"\nbase = \"entra\"\n",
            1,
            8,
            "printable",
        ),
        (
            "name = \"x\"\nbase = \"entra\n",
            2,
            14,
            "invalid basic string",
        ),
        // toml 1 points at the end of the line that opened the array.
        ("name = \"x\"\nbase = [\"entra\"\n", 2, 16, "expected `]`"),
    ];
    for (text, line, column, word) in whole {
        let (l, c, m) = reject(text);
        assert_eq!((l, c), (*line, *column), "{text:?}: {m}");
        assert!(m.contains(word), "{text:?}: {m:?} lacks {word:?}");
    }
}

#[test]
fn the_error_message_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(&path, "name = \"x\"\nbase = \"entra\"\nextra = 1\n").unwrap();
    let e = ProfileFile::load(&path).unwrap_err().to_string();
    assert!(e.contains(&path.display().to_string()), "{e}");
    assert!(e.contains("line 3, column 1"), "{e}");
    assert!(e.contains("extra"), "{e}");
}

#[test]
fn oversized_missing_and_binary_files_are_read_errors() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let mut text = String::from("name = \"x\"\nbase = \"entra\"\n");
    while text.len() as u64 <= MAX_PROFILE_FILE {
        text.push_str("# padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&big, &text).unwrap();
    let e = ProfileFile::load(&big).unwrap_err();
    assert!(matches!(e, ProfileFileError::Read { .. }), "{e}");
    assert!(e.to_string().contains("64 KiB limit"), "{e}");

    let e = ProfileFile::load(&dir.path().join("absent.toml")).unwrap_err();
    assert!(matches!(e, ProfileFileError::Read { .. }), "{e}");
    assert!(e.to_string().contains("absent.toml"), "{e}");

    let bin = dir.path().join("bin.toml");
    std::fs::write(&bin, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let e = ProfileFile::load(&bin).unwrap_err();
    assert!(e.to_string().contains("UTF-8"), "{e}");
}

//! The grammar of RFC 7644 §3.4.2.2 and §3.5.2: the RFC's own examples, whitespace, limits,
//! error reporting, and the typed trees the parser builds.

#![allow(clippy::unwrap_used)] // tests may unwrap

use scim2_filter::parse::{Limits, ParseErrorKind};
use scim2_filter::{AttrPath, CompValue, CompareOp, Filter, PatchPath, ValuePath};

fn canonical(input: &str) -> String {
    let f = Filter::parse(input).unwrap_or_else(|e| panic!("{input:?}:\n{e}"));
    let printed = f.to_string();
    assert_eq!(
        Filter::parse(&printed).unwrap(),
        f,
        "round trip of {printed:?}"
    );
    printed
}

/// RFC 7644 §3.4.2.2, Figure 2: every example filter parses and prints back as written
/// (the one with redundant parentheses prints without them).
#[test]
fn rfc7644_figure_2_examples() {
    let same = [
        r#"userName eq "bjensen""#,
        r#"name.familyName co "O'Malley""#,
        r#"userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        "title pr",
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        r#"title pr and userType eq "Employee""#,
        r#"title pr or userType eq "Intern""#,
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ];
    for f in same {
        assert_eq!(canonical(f), f);
    }
    assert_eq!(
        canonical(r#"userType eq "Employee" and (emails.type eq "work")"#),
        r#"userType eq "Employee" and emails.type eq "work""#
    );
    // §3.4.3 (POST /.search) example filter.
    assert_eq!(
        canonical(r#"displayName sw "smith""#),
        r#"displayName sw "smith""#
    );
    // §3.4.2.2: "the following two expressions will evaluate to the same logical value".
    assert_eq!(
        canonical(r#"filter=userName Eq "john""#.trim_start_matches("filter=")),
        r#"userName eq "john""#
    );
    assert_eq!(canonical(r#"Username eq "john""#), r#"Username eq "john""#);
}

/// RFC 7644 §3.5.2: the PATCH `path` examples, and those of the operation examples in
/// §3.5.2.1–§3.5.2.3, parse as PATCH paths and print back as written.
#[test]
fn rfc7644_patch_path_examples() {
    let paths = [
        "members",
        "name.familyName",
        r#"addresses[type eq "work"]"#,
        r#"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
        r#"members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName"#,
        r#"emails[type eq "work" and value ew "example.com"]"#,
        r#"addresses[type eq "work"].streetAddress"#,
        "x509Certificates",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
        r#"emails[type eq "work"].value"#,
        r#"phoneNumbers[type eq "mobile"].value"#,
        r#"emails[primary eq true].value"#,
    ];
    for text in paths {
        let p: PatchPath = text.parse().unwrap_or_else(|e| panic!("{text:?}:\n{e}"));
        assert_eq!(p.to_string(), text);
        assert_eq!(text.parse::<PatchPath>().unwrap(), p);
    }
    let p = PatchPath::parse(r#"members[value eq "2819c223"].displayName"#).unwrap();
    assert_eq!(
        p,
        PatchPath::Value {
            value_path: ValuePath {
                attr: AttrPath::new("members", None),
                filter: Box::new(Filter::eq("value", "2819c223")),
            },
            sub_attr: Some("displayName".to_owned()),
        }
    );
    let p = PatchPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager")
        .unwrap();
    assert_eq!(
        p,
        PatchPath::Attr(AttrPath::with_uri(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            "manager",
            None
        ))
    );
}

#[test]
fn invalid_patch_paths() {
    for (text, at) in [
        ("", 0),
        ("members[", 8),
        (r#"members[value eq "x""#, 20),
        (r#"members[value eq "x"]."#, 22),
        (r#"members[value eq "x"].a.b"#, 23),
        (r#"members[value eq "x"] x"#, 22),
        (r#"emails[type[value eq "x"]]"#, 11),
        (r#"emails eq "x""#, 7),
        ("name.", 5),
        ("name.givenName.x", 14),
    ] {
        let err = PatchPath::parse(text).unwrap_err();
        assert_eq!(err.offset(), at, "{text:?}: {err}");
    }
}

#[test]
fn attr_paths() {
    let p: AttrPath = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"
        .parse()
        .unwrap();
    assert_eq!(
        p,
        AttrPath::with_uri(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            "manager",
            Some("value")
        )
    );
    // §3.10 attribute notation: fully qualified and short forms, and `sortBy=userName`.
    for text in [
        "urn:ietf:params:scim:schemas:core:2.0:User:name.familyName",
        "name.familyName",
        "userName",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    ] {
        assert_eq!(text.parse::<AttrPath>().unwrap().to_string(), text);
    }
    assert_eq!(
        " meta.lastModified ".parse::<AttrPath>().unwrap(),
        AttrPath::new("meta", Some("lastModified"))
    );
    assert_eq!(
        "members.$ref".parse::<AttrPath>().unwrap(),
        AttrPath::new("members", Some("$ref"))
    );
    for bad in ["", "a b", "a.b.c", "1a", "a[", "a.", ":a", "urn:"] {
        assert!(bad.parse::<AttrPath>().is_err(), "{bad:?}");
    }
}

/// Any run of space, tab, CR and LF where the RFC has one SP, and around the whole filter.
#[test]
fn whitespace_runs() {
    let want = r#"userName eq "x" and not (title pr) or emails[type eq "work"]"#;
    for input in [
        "userName\teq\t\"x\"\tand\tnot\t(title\tpr)\tor\temails[type\teq\t\"work\"]",
        "\r\n userName \r\n eq \n \"x\"\n\nand\r\nnot(\ttitle pr\t)\n or \n emails[\ttype eq \"work\"\n]\n",
        "  userName   eq   \"x\"   and   not   (  title   pr  )   or   emails[  type  eq  \"work\"  ]  ",
    ] {
        assert_eq!(canonical(input), want, "{input:?}");
    }
    // Required whitespace stays required, whatever else is around.
    for (input, at) in [
        ("userName\teq\"x\"", 11),
        ("a pr\tand(b pr)", 8),
        ("userName\tpr\"x\"", 11),
    ] {
        assert_eq!(Filter::parse(input).unwrap_err().offset(), at, "{input:?}");
    }
    // Other Unicode whitespace is not SCIM whitespace.
    assert!(Filter::parse("userName\u{a0}eq \"x\"").is_err());
}

#[test]
fn trees_follow_precedence() {
    let (a, b, c) = (
        Filter::present("a"),
        Filter::present("b"),
        Filter::present("c"),
    );
    assert_eq!(
        Filter::parse("a pr or b pr and c pr").unwrap(),
        Filter::or(a.clone(), Filter::and(b.clone(), c.clone()))
    );
    assert_eq!(
        Filter::parse("a pr and b pr or c pr").unwrap(),
        Filter::or(Filter::and(a.clone(), b.clone()), c.clone())
    );
    assert_eq!(
        Filter::parse("not (a pr) and b pr").unwrap(),
        Filter::and(Filter::not(a.clone()), b.clone())
    );
    // Left-associative chains.
    assert_eq!(
        Filter::parse("a pr or b pr or c pr").unwrap(),
        Filter::or(Filter::or(a.clone(), b.clone()), c.clone())
    );
    assert_eq!(
        Filter::parse("a pr and (b pr or c pr)").unwrap(),
        Filter::and(a, Filter::or(b, c))
    );
}

#[test]
fn values_are_typed() {
    let value = |f: &str| match Filter::parse(f).unwrap() {
        Filter::Compare(_, _, v) => v,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        value(r#"a eq "x\"y\\z\/\u00e9\ud83d\ude00""#),
        CompValue::String("x\"y\\z/é😀".into())
    );
    assert_eq!(value("a eq 42"), CompValue::Number(42.into()));
    assert_eq!(value("a eq -7"), CompValue::Number((-7).into()));
    assert_eq!(
        value("a eq 1.5e2"),
        CompValue::Number(serde_json::Number::from_f64(150.0).unwrap())
    );
    assert_eq!(value("a eq TRUE"), CompValue::Bool(true));
    assert_eq!(value("a eq false"), CompValue::Bool(false));
    assert_eq!(value("a eq Null"), CompValue::Null);
    match Filter::parse("userName GE \"x\"").unwrap() {
        Filter::Compare(p, op, _) => {
            assert_eq!(p, AttrPath::new("userName", None));
            assert_eq!(op, CompareOp::Ge);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn entra_value_path_filter_means_the_same_as_the_bracketed_form() {
    assert_eq!(
        Filter::parse(r#"emails[type eq "work"].value eq "ann@example.com""#).unwrap(),
        Filter::parse(r#"emails[type eq "work" and value eq "ann@example.com"]"#).unwrap()
    );
}

#[test]
fn constructors_escape_and_round_trip() {
    let f = Filter::and(
        Filter::eq("displayName", r#"a "quoted" \ value"#),
        Filter::not(Filter::compare(
            "meta.lastModified",
            CompareOp::Gt,
            "2011-05-13T04:42:34Z",
        )),
    );
    assert_eq!(
        f.to_string(),
        r#"displayName eq "a \"quoted\" \\ value" and not (meta.lastModified gt "2011-05-13T04:42:34Z")"#
    );
    assert_eq!(Filter::parse(&f.to_string()).unwrap(), f);
    let vp = Filter::value_path(
        "emails",
        Filter::or(Filter::eq("type", "work"), Filter::eq("type", "home")),
    );
    assert_eq!(
        vp.to_string(),
        r#"emails[type eq "work" or type eq "home"]"#
    );
}

#[test]
fn errors_name_offset_expected_found_and_show_a_caret() {
    let err = Filter::parse(r#"userName eqx "bjensen""#).unwrap_err();
    assert_eq!(err.offset(), 9);
    assert_eq!(err.kind(), ParseErrorKind::Syntax);
    assert!(err.expected().contains("`eq`"), "{}", err.expected());
    assert_eq!(err.found(), "`eqx`");
    assert_eq!(
        err.to_string(),
        "syntax error at byte 9: expected an operator (`eq`, `ne`, `co`, `sw`, `ew`, `gt`, `lt`, `ge`, `le`, `pr`), found `eqx`\n  userName eqx \"bjensen\"\n           ^"
    );

    let err = Filter::parse(r#"userName eq "bjensen"#).unwrap_err();
    assert_eq!(
        (err.offset(), err.kind()),
        (12, ParseErrorKind::InvalidString)
    );
    assert_eq!(err.found(), "end of input");

    let err = Filter::parse(r#"title pr "x""#).unwrap_err();
    assert_eq!(err.offset(), 9);
    assert!(err.expected().contains("`pr` takes no value"), "{err}");

    let err = Filter::parse(r#"emails[type[value eq "x"]]"#).unwrap_err();
    assert_eq!(
        (err.offset(), err.kind()),
        (11, ParseErrorKind::NestedValuePath)
    );

    let err = Filter::parse("age eq 1e999").unwrap_err();
    assert_eq!(err.kind(), ParseErrorKind::InvalidNumber);

    // Multi-byte characters before the offset: the caret counts characters, not bytes.
    let err = Filter::parse(r#"displayName eq "日本" x"#).unwrap_err();
    assert_eq!(err.offset(), 24);
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    let caret = lines[2].chars().position(|c| c == '^').unwrap();
    assert_eq!(lines[1].chars().nth(caret), Some('x'), "{shown}");

    // Long inputs show a window around the offset.
    let long = format!("{} and x eqq 1", vec!["a pr"; 200].join(" and "));
    let err = Filter::parse(&long).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.lines().nth(1).unwrap().chars().count() < 140,
        "{shown}"
    );
    assert!(shown.contains("eqq"));
}

#[test]
fn depth_is_bounded_and_configurable() {
    let nested = |n: usize| format!("{}a pr{}", "(".repeat(n), ")".repeat(n));
    assert!(Filter::parse(&nested(64)).is_ok());
    let err = Filter::parse(&nested(65)).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ParseErrorKind::TooDeep, 64));

    let nots = |n: usize| format!("{}a pr{}", "not (".repeat(n), ")".repeat(n));
    assert!(Filter::parse(&nots(64)).is_ok());
    assert_eq!(
        Filter::parse(&nots(65)).unwrap_err().kind(),
        ParseErrorKind::TooDeep
    );

    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(Filter::parse_with(&nested(3), &limits).is_ok());
    assert_eq!(
        Filter::parse_with(&nested(4), &limits).unwrap_err().kind(),
        ParseErrorKind::TooDeep
    );
    // Brackets count: a value path at depth 3 is one level too deep.
    assert_eq!(
        Filter::parse_with("(((emails[type pr])))", &limits)
            .unwrap_err()
            .kind(),
        ParseErrorKind::TooDeep
    );
    assert_eq!(
        PatchPath::parse_with("emails[(((type pr)))]", &limits)
            .unwrap_err()
            .kind(),
        ParseErrorKind::TooDeep
    );

    // A huge configured depth is capped: no stack overflow, a ParseError.
    let limits = Limits {
        max_depth: usize::MAX,
        max_len: usize::MAX,
        ..Limits::default()
    };
    let err = Filter::parse_with(&nested(100_000), &limits).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ParseErrorKind::TooDeep, Limits::MAX_DEPTH_CAP)
    );
    // Unbalanced openers alone also stop at the cap.
    assert_eq!(
        Filter::parse_with(&"(".repeat(1_000_000), &limits)
            .unwrap_err()
            .kind(),
        ParseErrorKind::TooDeep
    );
    assert_eq!(
        Filter::parse_with(&"not(".repeat(1_000_000), &limits)
            .unwrap_err()
            .kind(),
        ParseErrorKind::TooDeep
    );
}

#[test]
fn length_and_terms_are_bounded() {
    let limits = Limits {
        max_len: 10,
        ..Limits::default()
    };
    assert!(Filter::parse_with("title pr", &limits).is_ok());
    let err = Filter::parse_with(r#"userName eq "x""#, &limits).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ParseErrorKind::TooLong, 10));
    assert_eq!(
        Filter::parse(&"a".repeat(70_000)).unwrap_err().kind(),
        ParseErrorKind::TooLong
    );

    let chain = |n: usize| vec!["a pr"; n].join(" or ");
    let f = Filter::parse(&chain(1024)).unwrap();
    // A long chain prints (and compares, clones, drops) without trouble.
    assert_eq!(Filter::parse(&f.to_string()).unwrap(), f);
    assert_eq!(
        Filter::parse(&chain(1025)).unwrap_err().kind(),
        ParseErrorKind::TooManyTerms
    );
    let limits = Limits {
        max_terms: 2,
        ..Limits::default()
    };
    assert!(Filter::parse_with("a pr and b pr", &limits).is_ok());
    assert_eq!(
        Filter::parse_with("a pr and b pr and c pr", &limits)
            .unwrap_err()
            .kind(),
        ParseErrorKind::TooManyTerms
    );
}

#[test]
fn deep_chains_at_the_caps_do_not_overflow_the_stack() {
    let limits = Limits {
        max_depth: usize::MAX,
        max_len: usize::MAX,
        max_terms: usize::MAX,
    };
    let chain = vec!["a pr"; Limits::MAX_TERMS_CAP].join(" and ");
    let f = Filter::parse_with(&chain, &limits).unwrap();
    let printed = f.to_string();
    assert_eq!(Filter::parse_with(&printed, &limits).unwrap(), f);
    assert!(f.matches(&serde_json::json!({"a": "x"})));
    let nested = format!(
        "{}a pr{}",
        "not (".repeat(Limits::MAX_DEPTH_CAP),
        ")".repeat(Limits::MAX_DEPTH_CAP)
    );
    let f = Filter::parse_with(&nested, &limits).unwrap();
    assert_eq!(Filter::parse_with(&f.to_string(), &limits).unwrap(), f);
    // An even number of `not`s keeps the meaning.
    assert!(f.matches(&serde_json::json!({"a": "x"})));
}

/// Inputs that the crates.io peers measured in `benches/parse.rs` get wrong (the bench prints
/// what each makes of them): `not(` without a space, escaped quotes, `and` over `or`.
#[test]
fn inputs_easy_to_get_wrong() {
    assert_eq!(
        Filter::parse(r#"not(userName eq "x")"#).unwrap(),
        Filter::not(Filter::eq("userName", "x"))
    );
    assert_eq!(
        Filter::parse(r#"displayName eq "say \"hi\" \\ bye""#).unwrap(),
        Filter::eq("displayName", r#"say "hi" \ bye"#)
    );
    let (a, b, t) = (
        Filter::eq("userName", "a"),
        Filter::eq("userName", "b"),
        Filter::eq("active", true),
    );
    assert_eq!(
        Filter::parse(r#"userName eq "a" or userName eq "b" and active eq true"#).unwrap(),
        Filter::or(a.clone(), Filter::and(b.clone(), t.clone()))
    );
    assert_eq!(
        Filter::parse(r#"userName eq "a" and userName eq "b" or active eq true"#).unwrap(),
        Filter::or(Filter::and(a, b), t)
    );
}

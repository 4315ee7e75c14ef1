//! `compare` end to end against two in-process endpoints holding a directory: exit codes,
//! GET-only reading, paging under failures, credential errors and their hints.
#![allow(clippy::unwrap_used, missing_docs)]

mod compare_support;

use clap::Parser;
use compare_support::{Dir, Faults, Server, directory, user_name};
use scim2_conformance::compare::{CompareArgs, Exit, run};
use serde_json::{Value, json};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: CompareArgs,
}

/// An environment variable that cargo sets for every test process, used as a token so that
/// tests need not change the environment.
const TOKEN_VAR: &str = "CARGO_PKG_DESCRIPTION";

fn token() -> String {
    std::env::var(TOKEN_VAR).unwrap().trim().to_owned()
}

struct Outcome {
    exit: Exit,
    out: String,
    err: String,
}

/// `compare` with the directory comparison only (no id continuity, no matching probe).
async fn compare(from: &Server, to: &Server, extra: &[&str]) -> Outcome {
    let mut args = vec!["--no-id-check", "--probe", "0"];
    args.extend_from_slice(extra);
    compare_all(from, to, &args).await
}

/// `compare` with everything it does by default.
async fn compare_all(from: &Server, to: &Server, extra: &[&str]) -> Outcome {
    let mut argv = vec![
        "compare".to_owned(),
        "--from".into(),
        from.url.clone(),
        "--to".into(),
        to.url.clone(),
    ];
    argv.extend(extra.iter().map(|s| (*s).to_owned()));
    let cli = Cli::try_parse_from(argv).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = run(cli.args, &mut out, &mut err).await;
    Outcome {
        exit,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

fn json_report(o: &Outcome) -> Value {
    serde_json::from_str(&o.out).unwrap_or_else(|e| panic!("{e}: {} / {}", o.out, o.err))
}

async fn servers(a: Dir, fa: Faults, b: Dir, fb: Faults) -> (Server, Server) {
    (Server::start(a, fa).await, Server::start(b, fb).await)
}

fn assert_get_only(s: &Server) {
    let log = s.log();
    assert!(!log.is_empty());
    for r in &log {
        assert_eq!(r.method, "GET", "{r:?}");
        assert!(
            r.path.ends_with("/Users") || r.path.ends_with("/Groups"),
            "{r:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_directory_compares_equal_with_get_only() {
    let (a, b) = servers(
        directory("old", 250, 12, 20),
        Faults::default(),
        directory("new", 250, 12, 20),
        // the new endpoint caps pages at 7, whatever count asks
        Faults {
            max_page: Some(7),
            ..Faults::default()
        },
    )
    .await;
    for concurrency in ["1", "4"] {
        let o = compare(
            &a,
            &b,
            &[
                "--format",
                "json",
                "--page-size",
                "50",
                "--concurrency",
                concurrency,
            ],
        )
        .await;
        assert_eq!(o.exit, Exit::Identical, "{} {}", o.out, o.err);
        let j = json_report(&o);
        assert_eq!(j["totals"]["matchedUsers"], 250);
        assert_eq!(j["totals"]["matchedGroups"], 12);
        assert_eq!(j["from"]["memberships"], 240);
        assert_eq!(j["to"]["memberships"], 240);
    }
    assert_get_only(&a);
    assert_get_only(&b);
    // groups are asked for with their members (some endpoints leave them out by default)
    assert!(
        b.log()
            .iter()
            .any(|r| r.path.ends_with("/Groups") && r.query.contains("members"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_of_difference_is_reported_exactly_once() {
    let old = directory("old", 120, 6, 10);
    let mut new = directory("new", 120, 6, 10);
    let id_of = |d: &Dir, i: usize| {
        d.users
            .iter()
            .find(|u| u["userName"] == user_name(i))
            .unwrap()["id"]
            .clone()
    };
    // Members of groups: (7g + 13k) % 120; pick users in no group and managing nobody.
    let in_groups: Vec<usize> = (0..6)
        .flat_map(|g| (0..10).map(move |k| (g * 7 + k * 13) % 120))
        .collect();
    let free: Vec<usize> = (12..120).filter(|i| !in_groups.contains(i)).collect();
    let (missing, changed, cased, joiner) = (free[0], free[1], free[2], free[3]);
    new.users.retain(|u| u["userName"] != user_name(missing));
    for u in &mut new.users {
        if u["userName"] == user_name(changed) {
            u["title"] = json!("Principal engineer");
        }
        if u["userName"] == user_name(cased) {
            u["userName"] = json!(user_name(cased).to_uppercase());
        }
    }
    new.groups
        .push(json!({"id": "new-g-extra", "displayName": "Extra group", "members": []}));
    let dropped = new.groups[1]["members"].as_array_mut().unwrap().remove(0);
    let joiner_id = id_of(&new, joiner);
    new.groups[3]["members"]
        .as_array_mut()
        .unwrap()
        .push(json!({"value": joiner_id}));
    let dropped_name = new
        .users
        .iter()
        .find(|u| u["id"] == dropped["value"])
        .unwrap()["userName"]
        .clone();

    let (a, b) = servers(old, Faults::default(), new, Faults::default()).await;
    let o = compare(&a, &b, &["--format", "json", "--page-size", "25"]).await;
    assert_eq!(o.exit, Exit::Differences, "{}", o.err);
    let j = json_report(&o);
    let t = &j["totals"];
    assert_eq!(t["usersMissingOnTo"], 1);
    assert_eq!(t["groupsExtraOnTo"], 1);
    assert_eq!(t["attributeDifferences"], 2);
    assert_eq!(t["membershipsMissingOnTo"], 1);
    assert_eq!(t["membershipsExtraOnTo"], 1);
    assert_eq!(t["usersExtraOnTo"], 0);
    assert_eq!(t["groupsMissingOnTo"], 0);
    assert_eq!(t["duplicates"], 0);
    assert_eq!(t["differences"], 6);
    let only = j["onlyOnOneSide"].as_array().unwrap();
    assert_eq!(only.len(), 2);
    assert_eq!(only[0]["name"], json!(user_name(missing)));
    assert_eq!(only[1]["name"], "Extra group");
    let attrs = j["attributeDifferences"].as_array().unwrap();
    let title = attrs.iter().find(|d| d["attribute"] == "title").unwrap();
    assert_eq!(
        (&title["from"], &title["to"]),
        (&json!("Engineer"), &json!("Principal engineer"))
    );
    let name = attrs.iter().find(|d| d["attribute"] == "userName").unwrap();
    assert_eq!(name["caseOnly"], true);
    assert_eq!(name["to"], json!(user_name(cased).to_uppercase()));
    let members = j["membershipDifferences"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["group"], "Group 1");
    assert_eq!(members[0]["missingOnTo"], json!([dropped_name]));
    assert_eq!(members[1]["group"], "Group 3");
    assert_eq!(members[1]["extraOnTo"], json!([user_name(joiner)]));

    // the human report gives the summary first, then each finding
    let h = compare(&a, &b, &[]).await;
    assert_eq!(h.exit, Exit::Differences);
    assert!(
        h.out.starts_with("compare: 6 differences found\n"),
        "{}",
        h.out
    );
    assert!(
        h.out.contains(&format!(
            "  - {} (externalId user{missing}",
            user_name(missing)
        )),
        "{}",
        h.out
    );
    assert_get_only(&a);
    assert_get_only(&b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_storm_in_the_middle_of_paging_still_gives_a_complete_comparison() {
    let (a, b) = servers(
        directory("old", 400, 10, 20),
        Faults::default(),
        directory("new", 400, 10, 20),
        // requests 4 to 8 of the new endpoint answer 503 (Retry-After: 0), then it recovers
        Faults {
            unavailable: 4..9,
            ..Faults::default()
        },
    )
    .await;
    for concurrency in ["1", "3"] {
        let o = compare(
            &a,
            &b,
            &[
                "--format",
                "json",
                "--page-size",
                "40",
                "--concurrency",
                concurrency,
            ],
        )
        .await;
        assert_eq!(o.exit, Exit::Identical, "{}", o.err);
        let j = json_report(&o);
        assert_eq!(j["to"]["users"], 400);
        assert_eq!(j["totals"]["matchedUsers"], 400);
        assert_eq!(j["totals"]["matchedGroups"], 10);
    }
    let log = b.log();
    assert_eq!(log.iter().filter(|r| r.status == 503).count(), 5);
    assert_get_only(&b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_side_that_never_recovers_exits_3_and_says_how_far_it_got() {
    let (a, b) = servers(
        directory("old", 1000, 3, 5),
        Faults::default(),
        directory("new", 1000, 3, 5),
        Faults {
            users_down_from_start: Some(301),
            ..Faults::default()
        },
    )
    .await;
    let o = compare(&a, &b, &["--page-size", "100", "--concurrency", "1"]).await;
    assert_eq!(o.exit, Exit::Unreachable);
    assert_eq!(o.exit.code(), 3);
    assert!(
        o.out.is_empty(),
        "no report for an incomplete read: {}",
        o.out
    );
    assert!(
        o.err.contains("could not read the to endpoint"),
        "{}",
        o.err
    );
    assert!(o.err.contains("300 of 1000 users"), "{}", o.err);
    assert!(o.err.contains("startIndex=301"), "{}", o.err);
    assert!(o.err.contains("503"), "{}", o.err);
    // the retry policy was applied before giving up
    let retries = b.log().iter().filter(|r| r.status == 503).count();
    assert_eq!(retries, 6);
    // in parallel too, with how far it got
    let o = compare(&a, &b, &["--page-size", "100", "--concurrency", "4"]).await;
    assert_eq!(o.exit, Exit::Unreachable);
    assert!(o.err.contains(" of 1000 users"), "{}", o.err);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_exit_3_with_hints_and_never_show_the_token() {
    let secret = token();
    let (a, b) = servers(
        directory("old", 5, 1, 2),
        Faults {
            token: Some(secret.clone()),
            ..Faults::default()
        },
        directory("new", 5, 1, 2),
        Faults {
            status: Some(403),
            ..Faults::default()
        },
    )
    .await;
    // the right token on the old side: read fine; the new side answers 403
    let o = compare(
        &a,
        &b,
        &["--from-token-env", TOKEN_VAR, "--to-token-env", TOKEN_VAR],
    )
    .await;
    assert_eq!(o.exit, Exit::Unreachable, "{}", o.err);
    assert!(o.err.contains("403"), "{}", o.err);
    assert!(o.err.contains("IP allowlist"), "{}", o.err);
    assert!(o.err.contains("read permission"), "{}", o.err);
    assert!(!o.err.contains(&secret) && !o.out.contains(&secret));
    // no token for the old side: 401 with the expiry hint naming the variable
    let o = compare(&a, &a, &["--to-token-env", TOKEN_VAR]).await;
    assert_eq!(o.exit, Exit::Unreachable, "{}", o.err);
    assert!(o.err.contains("401"), "{}", o.err);
    assert!(o.err.contains("may have expired"), "{}", o.err);
    assert!(!o.err.contains(&secret));
    // with tokens on both sides it works
    let o = compare(
        &a,
        &a,
        &["--from-token-env", TOKEN_VAR, "--to-token-env", TOKEN_VAR],
    )
    .await;
    assert_eq!(o.exit, Exit::Identical, "{}", o.err);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_endpoint_exits_3() {
    let a = Server::start(directory("old", 3, 0, 0), Faults::default()).await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/scim/v2", listener.local_addr().unwrap());
    drop(listener);
    let cli = Cli::try_parse_from([
        "compare",
        "--from",
        &a.url,
        "--to",
        &dead,
        "--max-attempts",
        "2",
    ])
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let exit = run(cli.args, &mut out, &mut err).await;
    let err = String::from_utf8(err).unwrap();
    assert_eq!(exit, Exit::Unreachable, "{err}");
    assert!(err.contains("could not connect"), "{err}");
    assert!(err.contains("reachable"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_before_any_request() {
    let a = Server::start(directory("old", 3, 0, 0), Faults::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[user]]\ntarget = \"emails[type eq\"\n").unwrap();
    let bad = bad.display().to_string();
    for (extra, says) in [
        (
            vec!["--from-token-env", "SCIM2_COMPARE_TEST_SURELY_UNSET"],
            "SCIM2_COMPARE_TEST_SURELY_UNSET",
        ),
        (vec!["--mapping", bad.as_str()], "user row 1"),
        (vec!["--rate", "0"], "--rate"),
    ] {
        let o = compare(&a, &a, &extra).await;
        assert_eq!(o.exit, Exit::Usage, "{extra:?}: {}", o.err);
        assert!(o.err.contains(says), "{extra:?}: {}", o.err);
    }
    let cli = Cli::try_parse_from([
        "compare",
        "--from",
        "http://scim.example.com/v2",
        "--to",
        &a.url,
    ])
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run(cli.args, &mut out, &mut err).await, Exit::Usage);
    assert!(String::from_utf8(err).unwrap().contains("--insecure-http"));
    let with_password = a.url.replace("http://", "http://admin:hunter2@");
    let cli = Cli::try_parse_from(["compare", "--from", &a.url, "--to", &with_password]).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run(cli.args, &mut out, &mut err).await, Exit::Usage);
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("--to-token-env") && !err.contains("hunter2"),
        "{err}"
    );
    assert!(a.log().is_empty(), "{:?}", a.log());
    // clap refuses a missing --to and a zero page size (its own exit code is 2)
    assert!(Cli::try_parse_from(["compare", "--from", "https://x"]).is_err());
    assert!(
        Cli::try_parse_from([
            "compare",
            "--from",
            "https://x",
            "--to",
            "https://y",
            "--page-size",
            "0"
        ])
        .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_can_go_to_a_file_in_markdown() {
    let (a, b) = servers(
        directory("old", 10, 1, 3),
        Faults::default(),
        directory("new", 9, 1, 3),
        Faults::default(),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.md");
    let p = path.display().to_string();
    let o = compare(&a, &b, &["--format", "markdown", "--output", &p]).await;
    assert_eq!(o.exit, Exit::Differences, "{}", o.err);
    assert!(o.out.is_empty());
    assert!(o.err.contains("report written to"), "{}", o.err);
    let md = std::fs::read_to_string(&path).unwrap();
    assert!(md.starts_with("# SCIM migration compare:"), "{md}");
    assert!(md.contains("| users | 10 | 9 |"), "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_that_ignores_start_index_ends_with_exit_3_not_a_hang() {
    let (a, b) = servers(
        directory("old", 50, 1, 2),
        Faults::default(),
        directory("new", 50, 1, 2),
        Faults {
            ignore_start_index: true,
            ..Faults::default()
        },
    )
    .await;
    for concurrency in ["1", "4"] {
        let o = compare(&a, &b, &["--page-size", "10", "--concurrency", concurrency]).await;
        assert_eq!(o.exit, Exit::Unreachable, "{}", o.err);
        assert!(o.err.contains("pagination loop"), "{}", o.err);
        assert!(o.err.contains("of 50 users"), "{}", o.err);
    }
}

/// Users whose names need escaping in a filter, plus ordinary ones; ids `{prefix}-{i}`.
fn tricky_directory(prefix: &str) -> Dir {
    let names = [
        "ann@contoso.example",
        "o'brien@contoso.example",
        "a+b@contoso.example",
        "\"quoted\"@contoso.example",
        "zoë@contoso.example",
        "back\\slash@contoso.example",
        "MiXeD@contoso.example",
        "bob@contoso.example",
    ];
    let users = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": format!("{prefix}-{i}"),
                "userName": n,
                "externalId": format!("obj-{i}"),
                "active": true
            })
        })
        .collect();
    let groups = vec![json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": format!("{prefix}-g"),
        "displayName": "Sales",
        "members": []
    })];
    Dir { users, groups }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preserved_ids_and_a_correct_matching_query_pass() {
    let (a, b) = servers(
        tricky_directory("same"),
        Faults::default(),
        tricky_directory("same"),
        Faults::default(),
    )
    .await;
    let o = compare_all(&a, &b, &["--format", "json"]).await;
    assert_eq!(o.exit, Exit::Identical, "{}\n{}", o.out, o.err);
    let j = json_report(&o);
    let m = &j["migration"];
    assert_eq!(m["continuity"]["usersChecked"], 8);
    assert_eq!(m["continuity"]["groupsChecked"], 1);
    assert_eq!(m["continuity"]["preserved"], 9);
    // userName and externalId for each of the 8 users, all found exactly once
    assert_eq!(m["matching"]["queries"], 16);
    assert_eq!(m["matching"]["problems"], json!([]));
    let summary = m["summary"].as_str().unwrap();
    assert!(summary.contains("ids preserved (9/9)"), "{summary}");
    assert!(summary.contains("matching query ok (16/16)"), "{summary}");
    // Exactly Entra's query went out, escaped: quotes and backslashes as in JSON, then
    // form-encoded.
    let queries: Vec<String> = b
        .log()
        .into_iter()
        .filter(|l| l.query.starts_with("filter="))
        .map(|l| l.query)
        .collect();
    for want in [
        "filter=userName+eq+%22o%27brien%40contoso.example%22",
        "filter=userName+eq+%22a%2Bb%40contoso.example%22",
        "filter=userName+eq+%22%5C%22quoted%5C%22%40contoso.example%22",
        "filter=userName+eq+%22zo%C3%AB%40contoso.example%22",
        "filter=userName+eq+%22back%5C%5Cslash%40contoso.example%22",
        "filter=externalId+eq+%22obj-3%22",
    ] {
        assert!(
            queries.iter().any(|q| q == want),
            "{want} not in {queries:?}"
        );
    }
    // Only GETs, on the old side only the listing.
    assert!(b.log().iter().all(|l| l.method == "GET"));
    assert!(
        a.log().iter().all(|l| l.query.contains("startIndex")),
        "{:?}",
        a.log()
    );
    // A sample.
    let o = compare_all(&a, &b, &["--format", "json", "--probe", "3"]).await;
    let j = json_report(&o);
    assert_eq!(j["migration"]["matching"]["probed"], 3);
    assert_eq!(j["migration"]["matching"]["of"], 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_ids_and_a_broken_matching_query_are_reported_in_every_format() {
    let old = tricky_directory("old");
    let mut new = tricky_directory("old");
    // Two users got new ids; two swapped theirs (each old id now serves the other user).
    new.users[1]["id"] = json!("new-1");
    new.users[4]["id"] = json!("new-4");
    new.users[6]["id"] = json!("old-7");
    new.users[7]["id"] = json!("old-6");
    // The new side stores this userName in lower case and compares case-sensitively, and
    // decodes `+` as a space.
    new.users[6]["userName"] = json!("mixed@contoso.example");
    let (a, b) = servers(
        old,
        Faults::default(),
        new,
        Faults {
            case_sensitive_filter: true,
            plus_as_space: true,
            ..Faults::default()
        },
    )
    .await;
    let o = compare_all(&a, &b, &["--format", "json"]).await;
    assert_eq!(o.exit, Exit::Differences, "{}\n{}", o.out, o.err);
    let j = json_report(&o);
    let problems = j["migration"]["continuity"]["problems"].as_array().unwrap();
    let by_id = |id: &str| {
        problems
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {problems:?}"))
    };
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert_eq!(by_id("old-1")["outcome"], "missing");
    assert_eq!(by_id("old-4")["outcome"], "missing");
    assert_eq!(by_id("old-6")["outcome"], "otherResource");
    assert_eq!(by_id("old-6")["servedName"], "bob@contoso.example");
    assert_eq!(by_id("old-7")["outcome"], "otherResource");
    let matching = j["migration"]["matching"]["problems"].as_array().unwrap();
    let values: Vec<&str> = matching
        .iter()
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        values,
        ["MiXeD@contoso.example", "a+b@contoso.example"],
        "{matching:?}"
    );
    assert!(matching.iter().all(|p| p["outcome"] == "notFound"));
    let summary = j["migration"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("ids NOT preserved (4 of 9 fail")
            && summary.contains("matching query fails for 2 of 16"),
        "{summary}"
    );

    let o = compare_all(&a, &b, &[]).await;
    assert!(o.out.contains("id continuity: ids not preserved: 4 of 9 old ids (2 missing (404), 2 pointing to another resource)"), "{}", o.out);
    assert!(
        o.out
            .contains("user o'brien@contoso.example (id old-1): not found (404) on to"),
        "{}",
        o.out
    );
    assert!(
        o.out
            .contains("matching: Entra ID's matching query fails for 2 of 16 queries"),
        "{}",
        o.out
    );
    assert!(o.out.contains("userName \"a+b@contoso.example\": GET /Users?filter=userName+eq+%22a%2Bb%40contoso.example%22 found no user"), "{}", o.out);
    assert!(o.out.contains(&format!("ticket: {summary}")), "{}", o.out);
    let o = compare_all(&a, &b, &["--format", "markdown"]).await;
    assert!(
        o.out.contains("## After the switch: what Entra ID will do"),
        "{}",
        o.out
    );
    assert!(o.out.contains(summary), "{}", o.out);
    assert!(
        o.out.contains("Users Entra ID\\'s matching query")
            || o.out.contains("Users Entra ID's matching query"),
        "{}",
        o.out
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_side_can_use_oauth_client_credentials() {
    use axum::routing::post;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/token",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                log.lock().unwrap().push(format!("{auth} {body}"));
                axum::Json(json!({"access_token": "issued-token", "token_type": "bearer", "expires_in": 600}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let token_url = format!("http://{}/token", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let (a, b) = servers(
        directory("old", 5, 1, 2),
        Faults::default(),
        directory("new", 5, 1, 2),
        Faults {
            token: Some("issued-token".into()),
            ..Faults::default()
        },
    )
    .await;
    let o = compare(
        &a,
        &b,
        &[
            "--to-oauth-token-url",
            &token_url,
            "--to-oauth-client-id",
            "provisioning",
            "--to-oauth-secret-env",
            TOKEN_VAR,
            "--to-oauth-scope",
            "scim",
        ],
    )
    .await;
    assert_eq!(o.exit, Exit::Identical, "{}\n{}", o.out, o.err);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "one token for the whole run: {seen:?}");
    assert!(
        seen[0].starts_with("Basic ")
            && seen[0].ends_with("grant_type=client_credentials&scope=scim"),
        "{seen:?}"
    );
    assert!(!o.out.contains(&token()) && !o.err.contains(&token()));
    assert!(!o.out.contains("issued-token") && !o.err.contains("issued-token"));
}

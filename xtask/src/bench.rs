//! `cargo xtask bench`: runs every benchmark of the workspace and writes a Markdown table of
//! criterion's results, with each of our implementations compared to the peer measured in the
//! same group of the same run.
//!
//! Convention: within a criterion group, a function id is `IMPLEMENTATION` or
//! `IMPLEMENTATION/CASE` (`scim2-filter/common`, `scim_v2/common`). An implementation that starts
//! with `scim2-` (or `scim2_`) is ours; any other (`serde_json-Value`, `scim-filter-0.2.3`, …) is
//! a peer. Ours is compared with every peer of the same group, case and parameter. The ratio is
//! the peer's mean time divided by ours: above 1 means ours is faster.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::exec::{Cmd, Exec, System};
use crate::workspace;

/// Options of `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Short criterion runs (1 s warm-up, 3 s measurement): rougher figures, quicker.
    #[arg(long)]
    pub quick: bool,
    /// Only builds the table from the results already in target/criterion.
    #[arg(long)]
    pub report_only: bool,
    /// Benchmarks only these packages (repeatable; default: the whole workspace).
    #[arg(short, long = "package", value_name = "PACKAGE")]
    pub packages: Vec<String>,
    /// Skips the load benchmark (scim2-server and the peer servers under an Entra-shaped
    /// workload), which otherwise runs after criterion's when scim2-server is benchmarked.
    #[arg(long)]
    pub no_load: bool,
    /// Seconds of load per endpoint in the load benchmark.
    #[arg(long, default_value_t = 10)]
    pub load_seconds: u32,
    /// Extra arguments for the criterion benchmarks (after `--`).
    #[arg(last = true)]
    pub criterion_args: Vec<String>,
}

/// `benchmark.json` of one criterion benchmark.
#[derive(Debug, Deserialize)]
struct BenchmarkJson {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
    throughput: Option<Throughput>,
}

/// The throughput a benchmark declared (bytes or elements per iteration).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub enum Throughput {
    Bytes(u64),
    BytesDecimal(u64),
    Elements(u64),
}

/// `estimates.json` of one criterion benchmark (the parts used here).
#[derive(Debug, Deserialize)]
struct EstimatesJson {
    mean: Estimate,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// One measured benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub group: String,
    pub function: Option<String>,
    pub value: Option<String>,
    pub throughput: Option<Throughput>,
    /// Mean time per iteration, in nanoseconds.
    pub mean_ns: f64,
}

impl Measurement {
    /// The implementation (the function id up to its first `/`) and the case (the rest).
    pub fn implementation_and_case(&self) -> Option<(&str, &str)> {
        let f = self.function.as_deref()?;
        Some(f.split_once('/').unwrap_or((f, "")))
    }

    /// Ours when the implementation starts with `scim2-`/`scim2_`.
    pub fn is_ours(&self) -> bool {
        self.implementation_and_case()
            .is_some_and(|(i, _)| i.starts_with("scim2-") || i.starts_with("scim2_"))
    }

    fn case(&self) -> Option<&str> {
        self.implementation_and_case().map(|(_, c)| c)
    }

    fn name(&self) -> String {
        match (&self.function, &self.value) {
            (Some(f), Some(v)) => format!("{f}/{v}"),
            (Some(f), None) => f.clone(),
            (None, Some(v)) => v.clone(),
            (None, None) => String::new(),
        }
    }
}

/// Reads one benchmark's folder (the one that holds `new/`).
pub fn read_measurement(bench_dir: &Path) -> Result<Measurement> {
    let new = bench_dir.join("new");
    let id: BenchmarkJson = read_json(&new.join("benchmark.json"))?;
    let est: EstimatesJson = read_json(&new.join("estimates.json"))?;
    if !est.mean.point_estimate.is_finite() || est.mean.point_estimate <= 0.0 {
        bail!(
            "{}: mean {} is not a positive time",
            new.display(),
            est.mean.point_estimate
        );
    }
    Ok(Measurement {
        group: id.group_id,
        function: id.function_id,
        value: id.value_str,
        throughput: id.throughput,
        mean_ns: est.mean.point_estimate,
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Every benchmark under `criterion_dir` (criterion's `target/criterion`), sorted; with
/// `since`, only those whose results were written at or after it.
pub fn collect(criterion_dir: &Path, since: Option<SystemTime>) -> Result<Vec<Measurement>> {
    let mut dirs = Vec::new();
    find_bench_dirs(criterion_dir, 0, &mut dirs)?;
    let mut out = Vec::new();
    for dir in dirs {
        if let Some(since) = since {
            let modified = std::fs::metadata(dir.join("new/estimates.json"))
                .and_then(|m| m.modified())
                .with_context(|| format!("{}", dir.display()))?;
            if modified < since {
                continue;
            }
        }
        out.push(read_measurement(&dir)?);
    }
    out.sort_by(|a, b| (&a.group, &a.value, a.name()).cmp(&(&b.group, &b.value, b.name())));
    Ok(out)
}

fn find_bench_dirs(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<()> {
    // criterion nests group/function/value: a few levels at most.
    if depth > 6 {
        return Ok(());
    }
    if dir.join("new/benchmark.json").is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "report") {
            find_bench_dirs(&path, depth + 1, out)?;
        }
    }
    Ok(())
}

/// A time in nanoseconds with a readable unit.
pub fn format_time(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// The throughput of one iteration of `mean_ns`: MB/s (10^6 bytes) or elements/s.
pub fn format_throughput(t: Throughput, mean_ns: f64) -> String {
    let per_second = |n: u64| n as f64 / (mean_ns / 1e9);
    match t {
        Throughput::Bytes(n) | Throughput::BytesDecimal(n) => {
            format!("{:.1} MB/s", per_second(n) / 1e6)
        }
        Throughput::Elements(n) => {
            let r = per_second(n);
            if r >= 1e9 {
                format!("{:.2} G elem/s", r / 1e9)
            } else if r >= 1e6 {
                format!("{:.2} M elem/s", r / 1e6)
            } else if r >= 1e3 {
                format!("{:.1} K elem/s", r / 1e3)
            } else {
                format!("{r:.1} elem/s")
            }
        }
    }
}

/// The Markdown table of `measurements`.
pub fn markdown(measurements: &[Measurement]) -> String {
    let mut groups: BTreeMap<(&str, Option<&str>), Vec<&Measurement>> = BTreeMap::new();
    for m in measurements {
        groups
            .entry((m.group.as_str(), m.value.as_deref()))
            .or_default()
            .push(m);
    }
    let mut s = String::from(
        "| group | benchmark | mean time | throughput | vs peer (peer time ÷ ours) |\n\
         |---|---|---|---|---|\n",
    );
    for members in groups.values() {
        for m in members {
            let peers: Vec<&&Measurement> = members
                .iter()
                .filter(|p| !p.is_ours() && p.function.is_some() && p.case() == m.case())
                .collect();
            let ratio = if m.is_ours() {
                if peers.is_empty() {
                    "no peer measured".to_owned()
                } else {
                    peers
                        .iter()
                        .map(|p| {
                            format!(
                                "{:.2}× {}",
                                p.mean_ns / m.mean_ns,
                                p.implementation_and_case().map_or("", |(i, _)| i)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            } else if m.function.is_some() {
                "peer".to_owned()
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                m.group,
                m.name(),
                format_time(m.mean_ns),
                m.throughput
                    .map(|t| format_throughput(t, m.mean_ns))
                    .unwrap_or_default(),
                ratio
            );
        }
    }
    s
}

pub fn run(opts: &Options) -> Result<()> {
    let meta = workspace::current()?;
    let since = if opts.report_only {
        None
    } else {
        let start = SystemTime::now();
        // Only the bench targets: the libraries' own test harnesses reject criterion's flags.
        // Every feature, as `cargo xtask test` builds: benchmarks of optional parts (the
        // SQLite store) declare `required-features`.
        let mut cmd = Cmd::cargo()
            .args(["bench", "--all-features", "--bench", "*"])
            .dir(&meta.workspace_root);
        if opts.packages.is_empty() {
            cmd = cmd.arg("--workspace");
        }
        for p in &opts.packages {
            cmd = cmd.args(["-p", p]);
        }
        let mut extra: Vec<String> = Vec::new();
        if opts.quick {
            extra.extend(["--warm-up-time", "1", "--measurement-time", "3"].map(String::from));
        }
        extra.extend(opts.criterion_args.iter().cloned());
        if !extra.is_empty() {
            cmd = cmd.arg("--").args(extra);
        }
        System.run("bench", &cmd)?;
        Some(start)
    };
    let criterion = meta.target_directory.join("criterion");
    let results = collect(&criterion, since)?;
    if results.is_empty() {
        bail!(
            "no criterion results in {} (does the workspace have benchmarks yet?)",
            criterion.display()
        );
    }
    let table = markdown(&results);
    let out = meta.target_directory.join("bench.md");
    std::fs::write(&out, &table).with_context(|| format!("writing {}", out.display()))?;
    println!("{table}");
    eprintln!(
        "xtask: wrote {} ({} benchmarks)",
        out.display(),
        results.len()
    );
    let server_benchmarked =
        opts.packages.is_empty() || opts.packages.iter().any(|p| p == "scim2-server");
    if !opts.no_load && !opts.report_only && server_benchmarked {
        crate::load::run(opts.load_seconds)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_bench(root: &Path, rel: &str, benchmark: &str, mean: f64) {
        let new = root.join(rel).join("new");
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("benchmark.json"), benchmark).unwrap();
        let estimates = format!(
            r#"{{"mean":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{lo},"upper_bound":{hi}}},"point_estimate":{mean},"standard_error":1.0}},
               "median":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0}},"point_estimate":{mean},"standard_error":1.0}},
               "median_abs_dev":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0}},"point_estimate":1.0,"standard_error":1.0}},
               "slope":null,
               "std_dev":{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0}},"point_estimate":1.0,"standard_error":1.0}}}}"#,
            lo = mean * 0.9,
            hi = mean * 1.1
        );
        std::fs::write(new.join("estimates.json"), estimates).unwrap();
    }

    /// Two groups the way criterion writes them: one with bytes throughput and a peer, one
    /// with a parameter and element throughput; plus criterion's own `report` folder.
    fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_bench(
            root,
            "list_response_users/scim2-types",
            r#"{"group_id":"list_response_users","function_id":"scim2-types","value_str":null,
                "throughput":{"Bytes":50000000},"full_id":"list_response_users/scim2-types",
                "directory_name":"list_response_users/scim2-types","title":"list_response_users/scim2-types"}"#,
            100_000_000.0,
        );
        write_bench(
            root,
            "list_response_users/serde_json-Value",
            r#"{"group_id":"list_response_users","function_id":"serde_json-Value","value_str":null,
                "throughput":{"Bytes":50000000},"full_id":"list_response_users/serde_json-Value",
                "directory_name":"list_response_users/serde_json-Value","title":"t"}"#,
            250_000_000.0,
        );
        write_bench(
            root,
            "parse/scim2-filter/64",
            r#"{"group_id":"parse","function_id":"scim2-filter","value_str":"64",
                "throughput":{"Elements":64},"full_id":"parse/scim2-filter/64",
                "directory_name":"parse/scim2-filter/64","title":"t"}"#,
            3_200.0,
        );
        write_bench(
            root,
            "parse/scim-filter-0.2.3/64",
            r#"{"group_id":"parse","function_id":"scim-filter-0.2.3","value_str":"64",
                "throughput":{"Elements":64},"full_id":"parse/scim-filter-0.2.3/64",
                "directory_name":"parse/scim-filter-0.2.3/64","title":"t"}"#,
            1_600.0,
        );
        write_bench(
            root,
            "lonely",
            r#"{"group_id":"lonely","function_id":null,"value_str":null,"throughput":null,
                "full_id":"lonely","directory_name":"lonely","title":"lonely"}"#,
            42.0,
        );
        std::fs::create_dir_all(root.join("report")).unwrap();
        std::fs::write(root.join("report/index.html"), "<html/>").unwrap();
        dir
    }

    #[test]
    fn collects_every_benchmark_with_its_ids() {
        let dir = fixture();
        let all = collect(dir.path(), None).unwrap();
        let names: Vec<String> = all
            .iter()
            .map(|m| format!("{}:{}", m.group, m.name()))
            .collect();
        assert_eq!(
            names,
            [
                "list_response_users:scim2-types",
                "list_response_users:serde_json-Value",
                "lonely:",
                "parse:scim-filter-0.2.3/64",
                "parse:scim2-filter/64",
            ]
        );
        assert_eq!(all[0].throughput, Some(Throughput::Bytes(50_000_000)));
        assert!((all[0].mean_ns - 1e8).abs() < 1e-6);
        assert!(all[0].is_ours() && !all[1].is_ours() && !all[2].is_ours());
    }

    #[test]
    fn table_has_throughput_and_ratio_against_the_peer_of_the_same_group() {
        let dir = fixture();
        let table = markdown(&collect(dir.path(), None).unwrap());
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(rows.len(), 2 + 5, "{table}");
        // 50 MB in 100 ms = 500 MB/s; the peer takes 250 ms: ours is 2.5 times as fast.
        assert_eq!(
            rows[2],
            "| list_response_users | scim2-types | 100.00 ms | 500.0 MB/s | 2.50× serde_json-Value |"
        );
        assert_eq!(
            rows[3],
            "| list_response_users | serde_json-Value | 250.00 ms | 200.0 MB/s | peer |"
        );
        assert_eq!(rows[4], "| lonely |  | 42.0 ns |  |  |");
        // 64 elements in 3.2 µs = 20 M elem/s; the peer is twice as fast here: ratio 0.50.
        assert_eq!(
            rows[6],
            "| parse | scim2-filter/64 | 3.20 µs | 20.00 M elem/s | 0.50× scim-filter-0.2.3 |"
        );
    }

    fn m(group: &str, function: &str, mean_ns: f64) -> Measurement {
        Measurement {
            group: group.into(),
            function: Some(function.into()),
            value: None,
            throughput: None,
            mean_ns,
        }
    }

    #[test]
    fn ours_is_compared_with_the_peers_of_the_same_case_only() {
        let table = markdown(&[
            m("parse", "scim2-filter/common", 100.0),
            m("parse", "scim_v2/common", 300.0),
            m("parse", "scim-filter-0.2.3/common", 50.0),
            m("parse", "scim2-filter/corpus", 1000.0),
            m("list", "scim2_client_stream/count=100", 2000.0),
            m("list", "bare_hyper_loop/count=100", 1000.0),
        ]);
        assert!(
            table.contains("| parse | scim2-filter/common | 100.0 ns |  | 3.00× scim_v2, 0.50× scim-filter-0.2.3 |"),
            "{table}"
        );
        assert!(
            table.contains("| parse | scim2-filter/corpus | 1.00 µs |  | no peer measured |"),
            "{table}"
        );
        assert!(
            table.contains("| parse | scim_v2/common | 300.0 ns |  | peer |"),
            "{table}"
        );
        assert!(
            table.contains(
                "| list | scim2_client_stream/count=100 | 2.00 µs |  | 0.50× bare_hyper_loop |"
            ),
            "{table}"
        );
    }

    #[test]
    fn ours_without_peer_says_so() {
        let m = Measurement {
            group: "g".into(),
            function: Some("scim2-client".into()),
            value: None,
            throughput: None,
            mean_ns: 1500.0,
        };
        assert!(markdown(&[m]).contains("| g | scim2-client | 1.50 µs |  | no peer measured |"));
    }

    #[test]
    fn results_older_than_the_run_are_left_out() {
        let dir = fixture();
        let later = SystemTime::now() + std::time::Duration::from_secs(3600);
        assert!(collect(dir.path(), Some(later)).unwrap().is_empty());
        assert_eq!(
            collect(dir.path(), Some(SystemTime::UNIX_EPOCH))
                .unwrap()
                .len(),
            5
        );
    }

    #[test]
    fn broken_results_are_errors_naming_the_file() {
        let dir = fixture();
        let bad = dir.path().join("parse/scim2-filter/64/new/estimates.json");
        std::fs::write(&bad, "{\"mean\": 3}").unwrap();
        let err = format!("{:#}", collect(dir.path(), None).unwrap_err());
        assert!(err.contains("estimates.json"), "{err}");
        std::fs::write(&bad, r#"{"mean":{"point_estimate":-1.0}}"#).unwrap();
        let err = format!("{:#}", collect(dir.path(), None).unwrap_err());
        assert!(err.contains("not a positive time"), "{err}");
    }

    #[test]
    fn missing_criterion_folder_gives_no_results() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            collect(&dir.path().join("criterion"), None)
                .unwrap()
                .is_empty()
        );
    }

    /// Files criterion 0.8 wrote (`cargo bench -p scim2-types --bench list_response`), kept
    /// as they were: the layout `xtask bench` reads must be the one criterion writes.
    #[test]
    fn reads_what_criterion_0_8_writes() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/criterion-0.8");
        let mut found = collect(&dir, None).unwrap();
        found.sort_by(|a, b| a.function.cmp(&b.function));
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].group, "list_response_10k_users");
        assert_eq!(
            found[0].function.as_deref(),
            Some("scim2-types/deserialize")
        );
        assert_eq!(found[0].throughput, Some(Throughput::Bytes(11_218_004)));
        assert!((found[0].mean_ns - 159_200_171.4).abs() < 1.0, "{found:?}");
        let table = markdown(&found);
        assert!(
            table.contains(
                "| list_response_10k_users | scim2-types/deserialize | 159.20 ms | 70.5 MB/s | 1.81× serde_json-Value |"
            ),
            "{table}"
        );
    }

    #[test]
    fn units() {
        assert_eq!(format_time(12.34), "12.3 ns");
        assert_eq!(format_time(2_500_000_000.0), "2.50 s");
        assert_eq!(
            format_throughput(Throughput::Elements(10), 1e9),
            "10.0 elem/s"
        );
        assert_eq!(
            format_throughput(Throughput::Elements(5_000), 1e9),
            "5.0 K elem/s"
        );
        assert_eq!(
            format_throughput(Throughput::Elements(100), 1.0),
            "100.00 G elem/s"
        );
    }
}

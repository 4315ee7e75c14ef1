//! Property-based stateful runs (issue 6): random sequences of the operations Entra ID performs,
//! run against the endpoint and compared, step by step and at the end, with the model the
//! fixed checks use; a failing sequence is shrunk against the live endpoint to a minimal one and
//! reported with its steps, the first divergence and a `curl` script that replays it.
//!
//! Every planned sequence runs, whatever failed before it: the verdict of each check (`users`,
//! `groups`, `filters`) is "some sequence diverged in this area", which does not depend on the
//! order the seed happens to put the sequences in. The first divergent sequence of each area is
//! shrunk (candidates must diverge in the same area); later ones are counted in the notes.
//!
//! - [`op`]: the operations and their proptest strategies.
//! - [`exec`]: running one sequence (requests, predictions, comparison, cleanup).
//! - [`script`]: the failure report's `curl` script.
//!
//! What is sent follows the profile ([`Shape`]): under `entra` only the requests Entra sends
//! (`attr eq "value"` queries on `userName`, `externalId`, `displayName`, `id`; its PATCH
//! shapes from [`crate::profile`]'s wire module, in the dialects asked for, for every operation
//! kind); under `rfc7644` the generated RFC 7644 filters too. `--budget` bounds the whole phase,
//! shrinking included; a check whose operations did not run (enough) is skipped, not passed.
//!
//! Sequences come from proptest's strategies and value trees, driven by a [`TestRunner`] whose
//! RNG is seeded from the run's seed (same seed, same sequences). Shrinking follows proptest's
//! `simplify`/`complicate` protocol, each candidate run as a fresh attempt with fresh run-unique
//! names and cleaned up afterwards.

use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde::{Deserialize, Serialize};

use crate::check::{CheckMeta, CheckResult, Outcome, Requirement};
use crate::session::{Cx, Session};

pub mod cli;
pub mod exec;
pub mod op;
pub mod script;

pub use exec::{Attempt, Divergence, Shape, Step};
pub use op::Op;

/// Which stateful check a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// `stateful.users`.
    Users,
    /// `stateful.groups`.
    Groups,
    /// `stateful.filters`.
    Filters,
}

/// What the stateful checks rest on: every operation of a sequence is a request shape a fixed
/// check replays (and grounds), and each sequence is how Entra issues them over provisioning
/// cycles, in any order.
const STATEFUL_EVIDENCE: crate::evidence::Evidence = crate::evidence::Evidence {
    docs: Some("patch-dialects"),
    entra_sends: true,
    sources: &[
        crate::evidence::ms(
            "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups",
        ),
        crate::evidence::ms(
            "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works",
        ),
        crate::evidence::rfc(7644, "3", Requirement::Must),
    ],
};

/// How many sequences, how long, how far to shrink.
#[derive(Debug, Clone)]
pub struct Options {
    /// Sequences generated (`--cases`).
    pub cases: u32,
    /// Wall-time budget of the whole phase (`--budget`), shrinking included: no new sequence
    /// starts and no further shrink attempt is made after it.
    pub budget: Option<Duration>,
    /// Longest generated sequence.
    pub max_len: usize,
    /// Most shrink attempts of proptest's value tree (a final step-removal pass may add up
    /// to 64 more).
    pub max_shrink: u32,
    /// Re-run this saved sequence instead of generating (`replay FILE`).
    pub replay: Option<Saved>,
    /// Leave what the run created in place (`--keep-data`): no sweep after the sequences.
    pub keep_data: bool,
    /// The request shapes sent: Entra's only (the `entra` profile), or the generated RFC 7644
    /// filters too (the default, and the `rfc7644` profile); and the PATCH dialects.
    pub shape: Shape,
    /// Sequences in flight at once (`--concurrency`, the option the fixed checks use too); 1
    /// runs them one after another. The report is the same whatever it is; shrinking always
    /// runs one attempt at a time.
    pub concurrency: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            cases: 64,
            budget: None,
            max_len: 24,
            max_shrink: 512,
            replay: None,
            keep_data: false,
            shape: Shape::default(),
            concurrency: 8,
        }
    }
}

/// A saved failing sequence (`replay FILE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// The seed that generated it.
    pub seed: u64,
    /// The operations.
    pub ops: Vec<Op>,
}

/// A shrunk failing sequence.
#[derive(Debug, Clone, Serialize)]
pub struct Counterexample {
    /// The run's seed (`--seed N` reproduces it).
    pub seed: u64,
    /// Which generated sequence failed first in this area (0-based).
    pub case: u32,
    /// Length of the sequence as generated.
    pub original_len: usize,
    /// The minimal sequence.
    pub ops: Vec<Op>,
    /// Its run, step by step.
    pub attempt: Attempt,
    /// Shrink attempts made.
    pub shrink_attempts: u32,
    /// Time spent shrinking.
    #[serde(serialize_with = "crate::report::json::ser_duration_ms")]
    pub shrink_time: Duration,
    /// The `curl` script that replays the minimal sequence.
    pub script: String,
}

impl Counterexample {
    /// The minimal sequence as a [`Saved`] sequence (what `--save` writes and `replay` reads).
    #[must_use]
    pub fn saved(&self) -> Saved {
        Saved {
            seed: self.seed,
            ops: self.ops.clone(),
        }
    }

    /// The counterexample as the JSON report's `counterexample` object: the seed, the case, the
    /// minimal sequence (`ops`, replayable with `replay`), each step with its exchanges, the
    /// first divergence, the shrink figures and the `curl` script.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let steps: Vec<serde_json::Value> = self
            .attempt
            .steps
            .iter()
            .map(|s| {
                serde_json::json!({
                    "number": s.number,
                    "op": s.op,
                    "summary": s.summary,
                    "exchanges": s.exchanges.iter().map(crate::report::json::exchange).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "seed": self.seed,
            "case": self.case,
            "original_len": self.original_len,
            "ops": self.ops,
            "steps": steps,
            "divergence": self.attempt.divergence,
            "shrink_attempts": self.shrink_attempts,
            "shrink_time_ms": u64::try_from(self.shrink_time.as_millis()).unwrap_or(u64::MAX),
            "script": self.script,
        })
    }

    /// Which check the finding belongs to: the area of the divergent step.
    #[must_use]
    pub fn area(&self) -> Area {
        divergence_area(&self.ops, &self.attempt)
    }

    /// The report text: seed, numbered steps, first divergence.
    #[must_use]
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        let mut s = format!(
            "seed {} (case {}): minimal sequence of {} step(s), shrunk from {} in {} attempt(s) ({} ms)\n",
            self.seed,
            self.case,
            self.ops.len(),
            self.original_len,
            self.shrink_attempts,
            self.shrink_time.as_millis()
        );
        for st in &self.attempt.steps {
            let _ = writeln!(
                s,
                "  {}. {} -> {}",
                st.number,
                serde_json::to_string(&st.op).unwrap_or_default(),
                st.summary
            );
            for ex in &st.exchanges {
                let _ = writeln!(
                    s,
                    "     {} {} -> {}",
                    ex.method,
                    ex.url,
                    ex.status
                        .map_or_else(|| "no response".to_owned(), |c| c.to_string())
                );
            }
        }
        if let Some(d) = &self.attempt.divergence {
            let at = d.step.map_or_else(
                || "the final state check".to_owned(),
                |n| format!("step {n}"),
            );
            let _ = writeln!(
                s,
                "first divergence at {at}: {}\n  expected: {}\n  actual:   {}",
                d.what, d.expected, d.actual
            );
        }
        s
    }
}

/// The area of a failed attempt of `ops`: the area of its divergent step, or for the final
/// state check, of what was read.
fn divergence_area(ops: &[Op], attempt: &Attempt) -> Area {
    let Some(d) = attempt.divergence.as_ref() else {
        return Area::Users;
    };
    match d.step.and_then(|n| ops.get(n.checked_sub(1)?)) {
        Some(op) => op.area(),
        None if d.what.contains("/Groups") => Area::Groups,
        None if d.what.contains("filter=") => Area::Filters,
        None => Area::Users,
    }
}

impl Area {
    const ALL: [Area; 3] = [Area::Users, Area::Groups, Area::Filters];

    fn index(self) -> usize {
        match self {
            Area::Users => 0,
            Area::Groups => 1,
            Area::Filters => 2,
        }
    }
}

/// The outcome of a stateful run.
#[derive(Debug, Clone, Serialize)]
pub struct StatefulOutcome {
    /// The seed.
    pub seed: u64,
    /// Sequences asked for (`--cases`).
    pub cases_planned: u32,
    /// Sequences run (not counting shrink attempts).
    pub cases_run: u32,
    /// Whether the budget stopped the phase before `cases_planned` sequences ran.
    pub budget_cut: bool,
    /// Whether the budget stopped the shrinking of the failing sequence (it is reported as
    /// shrunk so far).
    pub shrink_cut: bool,
    /// Sequences in which operations of each check's area ran (`users`, `groups`,
    /// `filters`; an operation skipped for want of a target does not count).
    pub exercised: [u32; 3],
    /// Operations sent in generated sequences and shrink attempts.
    pub steps_run: u64,
    /// Requests sent.
    pub requests: u64,
    /// Generated sequences that diverged, by area (`users`, `groups`, `filters`).
    pub failures: [u32; 3],
    /// The shrunk first divergence of each area that diverged, in area order.
    pub counterexamples: Vec<Counterexample>,
    /// Why the run stopped without a verdict.
    pub error: Option<String>,
    /// Wall time.
    #[serde(serialize_with = "crate::report::json::ser_duration_ms")]
    pub duration: Duration,
    /// The generated sequences, in order (for reproducibility checks).
    #[serde(skip)]
    pub sequences: Vec<Vec<Op>>,
    /// Whether this is the replay of one saved sequence (`replay`), not a generated run.
    #[serde(skip)]
    pub replayed: bool,
}

const META: [(&str, &str, &[&str]); 3] = [
    (
        "stateful.users",
        "Random sequences of Entra's user operations keep users as the model predicts",
        &[
            "second-patch-loses-first",
            "deleted-username-reserved",
            "patch-not-applied",
            "rename-not-applied",
            "ignore-value-path-patch",
            "typed-replace-drops-others",
            "active-as-string",
            "reject-string-booleans",
            "reject-manager-string",
            "no-404-after-delete",
        ],
    ),
    (
        "stateful.groups",
        "Random sequences of Entra's group operations keep membership as the model predicts",
        &[
            "member-dropped-after-rename",
            "members-not-removed",
            "deleted-user-stays-member",
            "legacy-member-remove-wipes-group",
            "duplicate-members",
            "reject-capitalized-ops",
            "ignore-value-path-patch",
            "eq-matches-prefix",
        ],
    ),
    (
        "stateful.filters",
        "Generated filters over the run's users find what the model predicts",
        &[
            "case-sensitive-filter",
            "inactive-users-hidden",
            "filter-misses-patched-value",
            "not-found-on-empty-query",
            "externalid-filter-ignored",
            "eq-matches-prefix",
            "escaped-quote-rejected",
            "space-in-value-rejected",
        ],
    ),
];

impl StatefulOutcome {
    /// The first counterexample, in area order (`users`, `groups`, `filters`).
    #[must_use]
    pub fn counterexample(&self) -> Option<&Counterexample> {
        self.counterexamples.first()
    }

    /// The counterexample of `area`, if a sequence diverged there.
    #[must_use]
    pub fn counterexample_of(&self, area: Area) -> Option<&Counterexample> {
        self.counterexamples.iter().find(|c| c.area() == area)
    }

    /// An outcome with nothing run yet.
    #[must_use]
    pub fn empty(seed: u64) -> Self {
        Self {
            seed,
            cases_planned: 0,
            cases_run: 0,
            budget_cut: false,
            shrink_cut: false,
            exercised: [0; 3],
            steps_run: 0,
            requests: 0,
            failures: [0; 3],
            counterexamples: Vec::new(),
            error: None,
            duration: Duration::ZERO,
            sequences: Vec::new(),
            replayed: false,
        }
    }

    /// Why the check of area `i` has no evidence to pass on, if so: no operation of its area
    /// ran in any sequence; or the budget cut the phase and fewer than
    /// [`MIN_EXERCISED_WHEN_CUT`] sequences exercised it.
    fn unexercised(&self, i: usize, what: &str) -> Option<String> {
        let n = self.exercised[i];
        let ran = format!(
            "{} of {} sequence(s) ran",
            self.cases_run, self.cases_planned
        );
        if n == 0 {
            let why = if self.budget_cut {
                format!("the budget stopped the phase: {ran}")
            } else {
                ran
            };
            return Some(format!("not exercised: no {what} operation ran ({why})"));
        }
        let needed = MIN_EXERCISED_WHEN_CUT.min(self.cases_planned);
        (self.budget_cut && n < needed).then(|| {
            format!(
                "not exercised enough: the budget stopped the phase ({ran}); {what} operations ran in {n} of them, fewer than {needed}"
            )
        })
    }

    /// The three checks `stateful.users`, `stateful.groups`, `stateful.filters` for the report;
    /// the failing one carries the counterexample (as its detail, notes and transcript). A
    /// check whose operations did not run (enough) is skipped, never passed; a replay reports
    /// only the checks its sequence exercises.
    #[must_use]
    pub fn results(&self) -> Vec<CheckResult> {
        Area::ALL
            .into_iter()
            .zip(META)
            .filter_map(|(a, (id, title, faults))| {
                let meta = CheckMeta {
                    id,
                    title,
                    area: "stateful",
                    requirement: Requirement::Must,
                    levels: crate::check::Levels {
                        entra: Requirement::Must,
                        rfc7644: Requirement::Must,
                    },
                    evidence: STATEFUL_EVIDENCE,
                    faults,
                    writes: true,
                    dialect: None,
                    needs: &[],
                };
                let mut r = CheckResult {
                    meta,
                    outcome: Outcome::Pass,
                    notes: vec![format!(
                        "{} sequence(s), {} step(s), seed {}",
                        self.cases_run, self.steps_run, self.seed
                    )],
                    duration: self.duration,
                    transcript: Vec::new(),
                    counterexample: None,
                };
                let i = a.index();
                if self.budget_cut {
                    r.notes.insert(
                        0,
                        format!(
                            "the budget stopped the phase after {} of {} sequences",
                            self.cases_run, self.cases_planned
                        ),
                    );
                }
                if self.shrink_cut {
                    r.notes.push(
                        "the budget stopped the shrinking: the sequence shown may not be minimal"
                            .into(),
                    );
                }
                let what = ["user", "group", "query"][i];
                if let Some(e) = &self.error {
                    r.outcome = Outcome::Error(e.clone());
                } else if let Some(c) = self.counterexample_of(a) {
                    r.outcome = Outcome::Fail(c.render());
                    if self.failures[i] > 1 {
                        r.notes.push(format!(
                            "{} of {} sequence(s) diverged in this area; the first is shown",
                            self.failures[i], self.cases_run
                        ));
                    }
                    r.notes.push(format!("replay script:\n{}", c.script));
                    r.notes.push(format!(
                        "saved sequence: {}",
                        serde_json::to_string(&c.saved()).unwrap_or_default()
                    ));
                    r.transcript = c
                        .attempt
                        .steps
                        .iter()
                        .flat_map(|s| s.exchanges.iter().cloned())
                        .collect();
                    r.counterexample = Some(Box::new(c.clone()));
                } else if let Some(why) = self.unexercised(i, what) {
                    if self.replayed {
                        // A replay re-runs one saved sequence: it speaks for the checks its
                        // operations belong to only.
                        return None;
                    }
                    r.outcome = Outcome::Skip(why);
                }
                Some(r)
            })
            .collect()
    }
}

/// When the budget cuts the phase, a stateful check passes only if its operations ran in at
/// least this many sequences (or in every planned one, when fewer were asked for).
pub const MIN_EXERCISED_WHEN_CUT: u32 = 8;

/// Runs one sequence as a fresh attempt and cleans up after it. Its names carry the session's
/// run-unique prefix and `-s<n>`: `n` must differ between the attempts of one session, so that
/// attempts (also those running at the same time) cannot interfere; [`run`] gives generated
/// case `c` the number `c` and its shrink attempts the numbers from `cases` on, so reports are
/// reproducible whatever the concurrency.
pub async fn attempt(session: &Arc<Session>, ops: &[Op], n: u64, shape: &Shape) -> Attempt {
    let tag = format!("{}-s{n}", session.prefix);
    let cx = Cx::new(Arc::clone(session), "stateful");
    exec::Exec::new(cx, tag, shape.clone()).run(ops).await
}

fn runner_for(seed: u64, cases: u32) -> TestRunner {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key))
}

/// The sequences a seed generates (without running them).
#[must_use]
pub fn generate(seed: u64, opts: &Options) -> Vec<Vec<Op>> {
    let strategy = op::sequence(opts.max_len);
    let mut runner = runner_for(seed, opts.cases);
    (0..opts.cases)
        .filter_map(|_| strategy.new_tree(&mut runner).ok().map(|t| t.current()))
        .collect()
}

/// One generated sequence as it ran: its case number, its operations and its attempt (or why
/// it could not be generated).
type Ran = (u32, Result<(Vec<Op>, Attempt), String>);

/// The value tree of generated case `case` (0-based), regenerated from the seed: the runner's
/// RNG makes the same trees in the same order, so shrinking needs no tree kept per case.
fn tree_at<S: Strategy>(strategy: &S, seed: u64, opts: &Options, case: u32) -> Option<S::Tree> {
    let mut runner = runner_for(seed, opts.cases);
    let mut tree = strategy.new_tree(&mut runner).ok()?;
    for _ in 0..case {
        tree = strategy.new_tree(&mut runner).ok()?;
    }
    Some(tree)
}

/// Runs up to `opts.cases` generated sequences (seeded by `session.seed`), all of them whatever
/// fails, up to `opts.concurrency` at a time; the first divergent sequence of each area (by case
/// number, not by finishing time) is then shrunk against the live endpoint and returned as
/// that area's counterexample.
///
/// The report does not depend on the concurrency: sequences are generated in order, each
/// attempt's names carry its case number (`-s<case>`; shrink attempts number on from
/// `opts.cases`), results are taken in case order, and shrinking runs one attempt at a time
/// after the sequences. With `--budget`, no sequence starts after the budget; those already
/// running finish and count.
pub async fn run(session: Arc<Session>, opts: &Options) -> StatefulOutcome {
    let started = Instant::now();
    let seed = session.seed;
    let mut out = StatefulOutcome::empty(seed);
    out.cases_planned = opts.cases;
    let over = || opts.budget.is_some_and(|b| started.elapsed() >= b);
    let (mut ran, cut) = run_sequences(&session, opts, &over).await;
    ran.sort_by_key(|(case, _)| *case);
    out.budget_cut = cut;
    // The first divergent sequence of each area, in case order.
    let mut firsts: Vec<(u32, Area, Vec<Op>, Attempt)> = Vec::new();
    for (case, r) in ran {
        let (ops, first) = match r {
            Ok(x) => x,
            Err(e) => {
                out.error = Some(format!("cannot generate a sequence: {e}"));
                break;
            }
        };
        out.sequences.push(ops.clone());
        out.cases_run += 1;
        tally(&mut out, &first);
        exercise(&mut out, &first);
        if let Some(e) = &first.error {
            out.error = Some(e.clone());
            break;
        }
        if !first.failed() {
            continue;
        }
        let area = divergence_area(&ops, &first);
        out.failures[area.index()] += 1;
        if firsts.iter().all(|(_, a, _, _)| *a != area) {
            firsts.push((case, area, ops, first));
        }
    }
    if out.error.is_none() {
        let strategy = op::sequence(opts.max_len);
        let mut attempts = u64::from(opts.cases);
        for (case, area, ops, first) in firsts {
            let mut shrink = Shrink {
                session: &session,
                opts,
                started,
                attempts: &mut attempts,
                out: &mut out,
                area,
            };
            let c = match tree_at(&strategy, seed, opts, case) {
                Some(tree) if tree.current() == ops => {
                    shrink.run(tree, ops, first, seed, case).await
                }
                // Cannot happen (the same seed makes the same trees); reported unshrunk.
                _ => unshrunk(ops, first, seed, case),
            };
            out.counterexamples.push(c);
        }
        out.counterexamples.sort_by_key(|c| c.area().index());
    }
    out.requests = session.request_count();
    out.duration = started.elapsed();
    out
}

/// Runs the generated sequences, up to `opts.concurrency` at a time, starting them in case
/// order; none starts once `over()` says the budget is spent or once a sequence could not be
/// generated or ended in an error (no verdict). Results come back in finishing order, with
/// whether the budget stopped new sequences from starting.
async fn run_sequences(
    session: &Arc<Session>,
    opts: &Options,
    over: &(dyn Fn() -> bool + Sync),
) -> (Vec<Ran>, bool) {
    use futures::StreamExt as _;
    use std::sync::atomic::{AtomicBool, Ordering};
    let strategy = op::sequence(opts.max_len);
    let mut runner = runner_for(session.seed, opts.cases);
    let (stop, cut) = (AtomicBool::new(false), AtomicBool::new(false));
    let generated = (0..opts.cases).map(move |case| {
        let ops = strategy
            .new_tree(&mut runner)
            .map(|t| t.current())
            .map_err(|e| e.to_string());
        (case, ops)
    });
    let (stop, cut_ref) = (&stop, &cut);
    let ran = futures::stream::iter(generated)
        .take_while(|_| {
            let go = !stop.load(Ordering::SeqCst) && !over();
            if !go && !stop.load(Ordering::SeqCst) {
                cut_ref.store(true, Ordering::SeqCst);
            }
            std::future::ready(go)
        })
        .map(|(case, ops)| async move {
            let ops = match ops {
                Ok(ops) => ops,
                Err(e) => {
                    stop.store(true, Ordering::SeqCst);
                    return (case, Err(e));
                }
            };
            let a = attempt(session, &ops, u64::from(case), &opts.shape).await;
            if a.error.is_some() {
                stop.store(true, Ordering::SeqCst);
            }
            (case, Ok((ops, a)))
        })
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    (ran, cut.load(Ordering::SeqCst))
}

/// A failing sequence reported as it ran (no shrinking).
fn unshrunk(ops: Vec<Op>, first: Attempt, seed: u64, case: u32) -> Counterexample {
    Counterexample {
        seed,
        case,
        original_len: ops.len(),
        script: script::curl_script(&first),
        ops,
        attempt: first,
        shrink_attempts: 0,
        shrink_time: Duration::ZERO,
    }
}

/// Shrinking one area's first divergent sequence: a candidate is kept only if it diverges in
/// the same area.
struct Shrink<'a> {
    session: &'a Arc<Session>,
    opts: &'a Options,
    started: Instant,
    attempts: &'a mut u64,
    out: &'a mut StatefulOutcome,
    area: Area,
}

impl Shrink<'_> {
    fn over(&self) -> bool {
        self.opts
            .budget
            .is_some_and(|b| self.started.elapsed() >= b)
    }

    /// Runs `cand`; `Some` if it diverges in the area being shrunk.
    async fn still_fails(&mut self, cand: &[Op]) -> Option<Attempt> {
        let a = attempt(self.session, cand, next(self.attempts), &self.opts.shape).await;
        tally(self.out, &a);
        (a.failed() && a.error.is_none() && divergence_area(cand, &a) == self.area).then_some(a)
    }

    async fn run<T: ValueTree<Value = Vec<Op>>>(
        &mut self,
        mut tree: T,
        ops: Vec<Op>,
        first: Attempt,
        seed: u64,
        case: u32,
    ) -> Counterexample {
        let shrink_started = Instant::now();
        let (mut best_ops, mut best) = (ops.clone(), first);
        let mut tries = 0;
        if tree.simplify() {
            while tries < self.opts.max_shrink {
                if self.over() {
                    self.out.shrink_cut = true;
                    break;
                }
                tries += 1;
                let cand = tree.current();
                let more = if let Some(a) = self.still_fails(&cand).await {
                    best_ops = cand;
                    best = a;
                    tree.simplify()
                } else {
                    tree.complicate()
                };
                if !more {
                    break;
                }
            }
        }
        // proptest's Vec tree stops removing elements once it starts shrinking them; a final
        // greedy pass drops any step whose removal still fails.
        // It has its own allowance (one try per step and restart, at most 64).
        // Steps after the divergent one never ran: they are not part of the finding.
        let truncate = |ops: &mut Vec<Op>, a: &Attempt| {
            if let Some(n) = a.divergence.as_ref().and_then(|d| d.step) {
                ops.truncate(n);
            }
        };
        truncate(&mut best_ops, &best);
        let (mut i, limit) = (0, tries + 64);
        // Re-creating a deleted user's name ties a create to the delete before it; a create
        // of a fresh name usually fails the same way and lets both steps go.
        for j in 0..best_ops.len() {
            let Op::CreateUser { reuse: Some(_), .. } = &best_ops[j] else {
                continue;
            };
            if tries >= limit {
                break;
            }
            if self.over() {
                self.out.shrink_cut = true;
                break;
            }
            tries += 1;
            let mut cand = best_ops.clone();
            if let Op::CreateUser { reuse, .. } = &mut cand[j] {
                *reuse = None;
            }
            if let Some(a) = self.still_fails(&cand).await {
                best_ops = cand;
                best = a;
            }
        }
        while i < best_ops.len() && best_ops.len() > 1 && tries < limit {
            if self.over() {
                self.out.shrink_cut = true;
                break;
            }
            tries += 1;
            let mut cand = best_ops.clone();
            cand.remove(i);
            if let Some(a) = self.still_fails(&cand).await {
                best_ops = cand;
                best = a;
                i = 0;
            } else {
                i += 1;
            }
        }
        truncate(&mut best_ops, &best);
        let script = script::curl_script(&best);
        Counterexample {
            seed,
            case,
            original_len: ops.len(),
            ops: best_ops,
            attempt: best,
            shrink_attempts: tries,
            shrink_time: shrink_started.elapsed(),
            script,
        }
    }
}

fn next(counter: &mut u64) -> u64 {
    *counter += 1;
    *counter - 1
}

fn tally(out: &mut StatefulOutcome, a: &Attempt) {
    out.steps_run += a.steps.len() as u64;
}

/// Counts the areas whose operations ran in a generated sequence (skipped steps do not count).
fn exercise(out: &mut StatefulOutcome, a: &Attempt) {
    let mut hit = [false; 3];
    for s in a.steps.iter().filter(|s| !s.summary.starts_with("skipped")) {
        hit[s.op.area().index()] = true;
    }
    for (n, h) in out.exercised.iter_mut().zip(hit) {
        *n += u32::from(h);
    }
}

/// Re-runs a saved sequence once (no shrinking), with the default [`Shape`].
pub async fn replay(session: Arc<Session>, saved: &Saved) -> StatefulOutcome {
    replay_with(session, saved, &Shape::default()).await
}

/// Re-runs a saved sequence once (no shrinking) with the request shapes `shape`.
pub async fn replay_with(session: Arc<Session>, saved: &Saved, shape: &Shape) -> StatefulOutcome {
    let started = Instant::now();
    let a = attempt(&session, &saved.ops, 0, shape).await;
    let mut out = StatefulOutcome {
        seed: saved.seed,
        cases_planned: 1,
        cases_run: 1,
        budget_cut: false,
        shrink_cut: false,
        exercised: [0; 3],
        steps_run: a.steps.len() as u64,
        requests: session.request_count(),
        failures: [0; 3],
        counterexamples: Vec::new(),
        error: a.error.clone(),
        duration: Duration::ZERO,
        sequences: vec![saved.ops.clone()],
        replayed: true,
    };
    exercise(&mut out, &a);
    if a.failed() {
        out.failures[divergence_area(&saved.ops, &a).index()] += 1;
        out.counterexamples.push(Counterexample {
            seed: saved.seed,
            case: 0,
            original_len: saved.ops.len(),
            ops: saved.ops.clone(),
            script: script::curl_script(&a),
            attempt: a,
            shrink_attempts: 0,
            shrink_time: Duration::ZERO,
        });
    }
    out.duration = started.elapsed();
    out
}

//! Property-based stateful runs: random sequences of the operations Entra ID performs,
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
use crate::reference::Fault::{self, *};
use crate::session::{Cx, Session};

pub mod cli;
mod counterexample;
pub mod exec;
pub mod op;
pub mod script;

pub use counterexample::Counterexample;

pub use exec::{Attempt, Divergence, Shape};
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
    pub(crate) ops: Vec<Op>,
}

/// The area of a divergence of a sequence of `ops`: the area of its step, or for the final
/// state check, of what was read.
fn area_of(ops: &[Op], d: &Divergence) -> Area {
    match d.step.and_then(|n| ops.get(n.checked_sub(1)?)) {
        Some(op) => op.area(),
        None => exec::final_area(d),
    }
}

/// The areas an attempt of `ops` diverged in, in the order found.
fn divergence_areas(ops: &[Op], attempt: &Attempt) -> Vec<Area> {
    attempt.divergences().map(|d| area_of(ops, d)).collect()
}

/// The first divergence of an attempt of `ops` in `area`.
fn divergence_in<'a>(ops: &[Op], attempt: &'a Attempt, area: Area) -> Option<&'a Divergence> {
    attempt.divergences().find(|d| area_of(ops, d) == area)
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
    /// Generated sequences in which a user create was refused or read back other than sent
    /// (the queries of `stateful.filters` need users created as sent).
    pub creates_refused: u32,
    /// The shrunk first divergence of each area that diverged, in area order.
    pub counterexamples: Vec<Counterexample>,
    /// Why the run stopped without a verdict.
    pub error: Option<String>,
    /// Wall time.
    #[serde(serialize_with = "crate::transcript::ser_duration_ms")]
    pub duration: Duration,
    /// The generated sequences, in order (for reproducibility checks).
    #[serde(skip)]
    pub sequences: Vec<Vec<Op>>,
    /// Whether this is the replay of one saved sequence (`replay`), not a generated run.
    #[serde(skip)]
    pub replayed: bool,
}

const META: [(&str, &str, &[Fault]); 3] = [
    (
        "stateful.users",
        "Random sequences of Entra's user operations keep users as the model predicts",
        &[
            SecondPatchLosesFirst,
            DeletedUsernameReserved,
            PatchNotApplied,
            RenameNotApplied,
            IgnoreValuePathPatch,
            TypedReplaceDropsOthers,
            ActiveAsString,
            RejectStringBooleans,
            RejectManagerString,
            No404AfterDelete,
        ],
    ),
    (
        "stateful.groups",
        "Random sequences of Entra's group operations keep membership as the model predicts",
        &[
            MemberDroppedAfterRename,
            MembersNotRemoved,
            LegacyMemberRemoveWipesGroup,
            RejectCapitalizedOps,
            IgnoreValuePathPatch,
            EqMatchesPrefix,
            EscapedQuoteRejected,
            SpaceInValueRejected,
        ],
    ),
    (
        "stateful.filters",
        "Generated filters over the run's users find what the model predicts",
        &[
            CaseSensitiveFilter,
            InactiveUsersHidden,
            FilterMissesPatchedValue,
            NotFoundOnEmptyQuery,
            ExternalidFilterIgnored,
            EqMatchesPrefix,
            EscapedQuoteRejected,
            SpaceInValueRejected,
        ],
    ),
];

fn meta(id: &'static str, title: &'static str, faults: &'static [Fault]) -> CheckMeta {
    CheckMeta {
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
        // The filters check needs queries; the others compare by id when there are none.
        needs: if id.ends_with(".filters") {
            &[crate::check::Capability::Filter]
        } else {
            &[]
        },
    }
}

/// The metadata of the stateful checks (`stateful.users`, `.groups`, `.filters`), as a run
/// reports them after the fixed checks (for the `checks` listing and the catalogue).
#[must_use]
pub fn check_metas() -> Vec<CheckMeta> {
    META.into_iter()
        .map(|(id, title, faults)| meta(id, title, faults))
        .collect()
}

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
            creates_refused: 0,
            counterexamples: Vec::new(),
            error: None,
            duration: Duration::ZERO,
            sequences: Vec::new(),
            replayed: false,
        }
    }

    /// Why the check of area `i` has no evidence to pass on, if so: no operation of its area
    /// ran in any sequence; its operations ran in fewer than a quarter of the sequences; or the
    /// budget cut the phase and fewer than [`MIN_EXERCISED_WHEN_CUT`] sequences exercised it.
    fn unexercised(&self, i: usize, what: &str) -> Option<String> {
        let n = self.exercised[i];
        // The user queries need users created as sent: when the endpoint refused or altered
        // the user creates of more than a quarter of the sequences, whether enough queries ran
        // is luck of the seed.
        if i == Area::Filters.index() && self.creates_refused * 4 > self.cases_run {
            return Some(format!(
                "not reached: the endpoint refused or altered the user creates of {} of {} sequence(s) (see stateful.users)",
                self.creates_refused, self.cases_run
            ));
        }
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
        // Evidence to pass on: the area's operations ran in at least a quarter of the
        // sequences (on an endpoint that fails most sequences early, whether a few reach the
        // area is luck of the seed, and a verdict must not depend on the seed).
        let quarter = (self.cases_run / 4).max(1);
        if self.budget_cut {
            let needed = MIN_EXERCISED_WHEN_CUT.min(self.cases_planned).max(quarter);
            return (n < needed).then(|| {
                format!(
                    "not exercised enough: the budget stopped the phase ({ran}); {what} operations ran in {n} of them, fewer than {needed}"
                )
            });
        }
        (n < quarter).then(|| {
            format!(
                "not exercised enough: {what} operations ran in {n} of {} sequence(s), fewer than a quarter (earlier steps of the others diverged or had nothing to act on)",
                self.cases_run
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
                let meta = meta(id, title, faults);
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
                    r.outcome = Outcome::Fail(c.failure());
                    if self.failures[i] > 1 {
                        r.notes.push(format!(
                            "{} divergence(s) in this area over {} sequence(s) (the rest of a divergent sequence is run again without its divergent step); the first is shown",
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
                    r.counterexample = Some(Box::new(crate::check::Counterexample {
                        report: c.to_json(),
                        saved: serde_json::to_value(c.saved()).unwrap_or_default(),
                    }));
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

/// One generated case as it ran: its case number, and its operations with its first attempt
/// and continuations (or why it could not be generated).
type Ran = (u32, Result<Vec<(Vec<Op>, Attempt)>, String>);

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

/// How many times the rest of a divergent sequence is run again without its divergent step.
const MAX_CONTINUATIONS: usize = 4;

/// Runs up to `opts.cases` generated sequences (seeded by `session.seed`), all of them whatever
/// fails, up to `opts.concurrency` at a time; the first divergent sequence of each area (by case
/// number, not by finishing time) is then shrunk against the live endpoint and returned as
/// that area's counterexample.
///
/// The report does not depend on the concurrency: sequences are generated in order, each
/// attempt's names carry a number fixed by its case (`-s<case>` for the first run, then the
/// continuations; shrink attempts number on after all of them), results are taken in case
/// order, and shrinking runs one attempt at a time after the sequences. With `--budget`, no
/// sequence starts after the budget; those already running finish and count.
pub async fn run(session: Arc<Session>, opts: &Options) -> StatefulOutcome {
    run_with_progress(session, opts, &|_, _, _| {}).await
}

/// As [`run`], calling `on_sequence(done, planned, diverged)` as sequences finish (in
/// finishing order: for progress only) and once at the end.
pub async fn run_with_progress(
    session: Arc<Session>,
    opts: &Options,
    on_sequence: &(dyn Fn(u32, u32, u32) + Sync),
) -> StatefulOutcome {
    let started = Instant::now();
    let seed = session.seed;
    let mut out = StatefulOutcome::empty(seed);
    out.cases_planned = opts.cases;
    let over = || opts.budget.is_some_and(|b| started.elapsed() >= b);
    on_sequence(0, opts.cases, 0);
    let (mut ran, cut) = run_sequences(&session, opts, &over, on_sequence).await;
    ran.sort_by_key(|(case, _)| *case);
    out.budget_cut = cut;
    // The first divergence of each area, in case order: (case, area, ops, attempt, whether it
    // is the generated sequence itself, whose value tree can shrink it).
    let mut firsts: Vec<(u32, Area, Vec<Op>, Attempt, bool)> = Vec::new();
    for (case, r) in ran {
        let chain = match r {
            Ok(x) => x,
            Err(e) => {
                out.error = Some(format!("cannot generate a sequence: {e}"));
                break;
            }
        };
        let Some((ops, first)) = chain.first() else {
            continue;
        };
        out.sequences.push(ops.clone());
        out.cases_run += 1;
        if first
            .divergences()
            .filter_map(|d| ops.get(d.step?.checked_sub(1)?))
            .any(|op| matches!(op, Op::CreateUser { .. }))
        {
            out.creates_refused += 1;
        }
        // The areas this case reached, over its first run and its continuations: counted once.
        let mut hit = [false; 3];
        let mut error = None;
        for (k, (ops, a)) in chain.iter().enumerate() {
            tally(&mut out, a);
            for (h, c) in hit.iter_mut().zip(hits(a)) {
                *h |= c;
            }
            if let Some(e) = &a.error {
                // A continuation without a verdict ends the chain; only the first run's
                // error stops the phase.
                if k == 0 {
                    error = Some(e.clone());
                }
                break;
            }
            for area in divergence_areas(ops, a) {
                out.failures[area.index()] += 1;
                if firsts.iter().all(|f| f.1 != area) {
                    firsts.push((case, area, ops.clone(), a.clone(), k == 0));
                }
            }
        }
        count(&mut out, hit);
        if let Some(e) = error {
            out.error = Some(e);
            break;
        }
    }
    on_sequence(out.cases_run, opts.cases, out.failures.iter().sum());
    if out.error.is_none() {
        let strategy = op::sequence(opts.max_len);
        let per_case = 1 + MAX_CONTINUATIONS as u64;
        let mut attempts = u64::from(opts.cases) * per_case;
        // A value tree shrinks one area only: the first that needs it.
        let mut tree_used = std::collections::BTreeSet::new();
        for (case, area, ops, first, generated) in firsts {
            let tree = if generated && tree_used.insert(case) {
                tree_at(&strategy, seed, opts, case).filter(|t| t.current() == ops)
            } else {
                None
            };
            let mut shrink = Shrink {
                session: &session,
                opts,
                started,
                attempts: &mut attempts,
                out: &mut out,
                area,
            };
            let c = shrink.run(tree, ops, first, seed, case).await;
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
/// generated or ended in an error (no verdict). A sequence that stops at a divergence is run
/// again without its divergent step (at most [`MAX_CONTINUATIONS`] times), so that one failing
/// operation does not hide what the others would find. Results come back in finishing order,
/// with whether the budget stopped new sequences from starting.
async fn run_sequences(
    session: &Arc<Session>,
    opts: &Options,
    over: &(dyn Fn() -> bool + Sync),
    on_sequence: &(dyn Fn(u32, u32, u32) + Sync),
) -> (Vec<Ran>, bool) {
    use futures::StreamExt as _;
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    let strategy = op::sequence(opts.max_len);
    let mut runner = runner_for(session.seed, opts.cases);
    let (stop, cut) = (AtomicBool::new(false), AtomicBool::new(false));
    let (done, diverged) = (AtomicU32::new(0), AtomicU32::new(0));
    let generated = (0..opts.cases).map(move |case| {
        let ops = strategy
            .new_tree(&mut runner)
            .map(|t| t.current())
            .map_err(|e| e.to_string());
        (case, ops)
    });
    let (stop, cut_ref, done, diverged) = (&stop, &cut, &done, &diverged);
    let per_case = 1 + MAX_CONTINUATIONS as u64;
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
            let base = u64::from(case) * per_case;
            let first = attempt(session, &ops, base, &opts.shape).await;
            if first.error.is_some() {
                stop.store(true, Ordering::SeqCst);
            }
            if first.failed() {
                diverged.fetch_add(1, Ordering::SeqCst);
            }
            let mut chain = vec![(ops, first)];
            // A sequence goes on past a user that reads back other than predicted, and stops
            // at any other divergence; its later steps then run again without the divergent
            // step (how much of each area a seed exercises must not hinge on one failure).
            for k in 1..per_case {
                let (ops, a) = &chain[chain.len() - 1];
                if a.error.is_some() || !a.failed() || over() {
                    break;
                }
                let Some(step) = a
                    .divergences()
                    .filter(|d| !d.soft)
                    .last()
                    .and_then(|d| d.step)
                else {
                    break;
                };
                if step >= ops.len() {
                    break;
                }
                let mut next_ops = ops.clone();
                next_ops.remove(step - 1);
                let a = attempt(session, &next_ops, base + k, &opts.shape).await;
                chain.push((next_ops, a));
            }
            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
            on_sequence(n, opts.cases, diverged.load(Ordering::SeqCst));
            (case, Ok(chain))
        })
        .buffer_unordered(opts.concurrency.max(1))
        .collect()
        .await;
    (ran, cut.load(Ordering::SeqCst))
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
        (a.error.is_none() && divergence_in(cand, &a, self.area).is_some()).then_some(a)
    }

    async fn run<T: ValueTree<Value = Vec<Op>>>(
        &mut self,
        tree: Option<T>,
        ops: Vec<Op>,
        first: Attempt,
        seed: u64,
        case: u32,
    ) -> Counterexample {
        let shrink_started = Instant::now();
        let (mut best_ops, mut best) = (ops.clone(), first);
        let mut tries = 0;
        if let Some(mut tree) = tree
            && tree.simplify()
        {
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
        let area = self.area;
        let truncate = |ops: &mut Vec<Op>, a: &Attempt| {
            if let Some(n) = divergence_in(ops, a, area).and_then(|d| d.step) {
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
            area: self.area,
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
    count(out, hits(a));
}

/// The areas whose operations ran in an attempt (skipped steps do not count).
fn hits(a: &Attempt) -> [bool; 3] {
    let mut hit = [false; 3];
    for s in a.steps.iter().filter(|s| !s.summary.starts_with("skipped")) {
        hit[s.op.area().index()] = true;
    }
    hit
}

/// Counts one case for each area it reached.
fn count(out: &mut StatefulOutcome, hit: [bool; 3]) {
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
        creates_refused: 0,
        counterexamples: Vec::new(),
        error: a.error.clone(),
        duration: Duration::ZERO,
        sequences: vec![saved.ops.clone()],
        replayed: true,
    };
    exercise(&mut out, &a);
    let script = script::curl_script(&a);
    for area in divergence_areas(&saved.ops, &a) {
        out.failures[area.index()] += 1;
        out.counterexamples.push(Counterexample {
            seed: saved.seed,
            case: 0,
            area,
            original_len: saved.ops.len(),
            ops: saved.ops.clone(),
            script: script.clone(),
            attempt: a.clone(),
            shrink_attempts: 0,
            shrink_time: Duration::ZERO,
        });
    }
    out.counterexamples.sort_by_key(|c| c.area().index());
    out.duration = started.elapsed();
    out
}

//! The shrunk failing sequence of a stateful check: what the reports show and `--save` writes.

#[allow(clippy::wildcard_imports)] // the stateful phase's types and imports
use super::*;

/// A shrunk failing sequence.
#[derive(Debug, Clone, Serialize)]
pub struct Counterexample {
    /// The run's seed (`--seed N` reproduces it).
    pub seed: u64,
    /// Which generated sequence failed first in this area (0-based).
    pub case: u32,
    /// The check it belongs to.
    pub area: Area,
    /// Length of the sequence as generated.
    pub original_len: usize,
    /// The minimal sequence.
    pub ops: Vec<Op>,
    /// Its run, step by step.
    pub attempt: Attempt,
    /// Shrink attempts made.
    pub shrink_attempts: u32,
    /// Time spent shrinking.
    #[serde(serialize_with = "crate::transcript::ser_duration_ms")]
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
                    "exchanges": s.exchanges.iter().map(crate::transcript::Exchange::to_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "seed": self.seed,
            "case": self.case,
            "original_len": self.original_len,
            "ops": self.ops,
            "steps": steps,
            "divergence": self.divergence(),
            "shrink_attempts": self.shrink_attempts,
            "shrink_time_ms": u64::try_from(self.shrink_time.as_millis()).unwrap_or(u64::MAX),
            "script": self.script,
        })
    }

    /// Which check the finding belongs to.
    #[must_use]
    pub fn area(&self) -> Area {
        self.area
    }

    /// The divergence this counterexample shows: the first one in its area.
    #[must_use]
    pub fn divergence(&self) -> Option<&Divergence> {
        divergence_in(&self.ops, &self.attempt, self.area)
    }

    /// The failure the check reports: [`Counterexample::render`]'s text, with the first
    /// divergence's comparison (what, the model's prediction, what the endpoint did, the step).
    #[must_use]
    pub fn failure(&self) -> crate::check::Failure {
        let f = crate::check::Failure::new(self.render());
        match self.divergence() {
            Some(d) => f.compared(&d.what, &d.expected, &d.actual, d.step),
            None => f,
        }
    }

    /// The report text: seed, numbered steps (as sentences; the JSON report and the saved
    /// sequence keep the operations), first divergence.
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
            let _ = writeln!(s, "  {}. {} -> {}", st.number, st.description, st.summary);
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
        if let Some(d) = self.divergence() {
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

//! Progress bars per endpoint while reading (human format only; hidden when stderr is not
//! a terminal).

use std::sync::Arc;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::task::JoinHandle;

use super::fetch::SideProgress;

/// Bars that follow two [`SideProgress`] counters until [`Bars::finish`].
#[derive(Debug)]
pub struct Bars {
    task: JoinHandle<()>,
    bars: Vec<ProgressBar>,
}

impl Bars {
    /// Starts drawing one bar per side on stderr.
    #[must_use]
    pub fn start(sides: [Arc<SideProgress>; 2], labels: [String; 2]) -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{prefix:>4} {bar:30} {pos:>7}/{len:7} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bars: Vec<ProgressBar> = labels
            .into_iter()
            .map(|label| {
                let b = multi.add(ProgressBar::new(0));
                b.set_style(style.clone());
                b.set_prefix(label);
                b
            })
            .collect();
        let ticking = bars.clone();
        let task = tokio::spawn(async move {
            let _multi = multi;
            loop {
                for (bar, p) in ticking.iter().zip(&sides) {
                    let total = p.users.total().unwrap_or(0) + p.groups.total().unwrap_or(0);
                    bar.set_length(total.max(p.users.read() + p.groups.read()));
                    bar.set_position(p.users.read() + p.groups.read());
                    bar.set_message(format!(
                        "users {}, groups {}",
                        p.users.read(),
                        p.groups.read()
                    ));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        Self { task, bars }
    }

    /// Stops and clears the bars.
    pub fn finish(self) {
        self.task.abort();
        for b in &self.bars {
            b.finish_and_clear();
        }
    }
}

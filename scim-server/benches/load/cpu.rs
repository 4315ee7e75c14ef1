#![allow(clippy::cast_precision_loss)] // measurements

//! Who used the CPU while an endpoint was measured: the driver's threads, the other threads of
//! this process (the in-process server, its store's worker threads), and the whole machine
//! (`/proc/stat`: everything else running on it, other processes and peers included). Linux
//! only; elsewhere every figure is absent.

use std::collections::HashMap;

/// The name prefix of the driver runtime's threads.
pub const DRIVER_THREADS: &str = "load-driver";

/// CPU time so far, in seconds.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Per thread of this process: (name, seconds on CPU), by thread id.
    threads: HashMap<u32, (String, f64)>,
    /// The whole machine: busy and total (busy + idle) seconds summed over its CPUs.
    machine_busy: f64,
    machine_total: f64,
}

/// CPU seconds used between two snapshots.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// By the driver's threads (and the main thread, which only waits for them).
    pub driver: f64,
    /// By every other thread of this process: the server when it runs in process.
    pub in_process_server: f64,
    /// By the machine as a whole, and the CPU seconds it had (cores × wall time).
    pub machine_busy: f64,
    pub machine_total: f64,
}

/// Nanoseconds on CPU of one thread (`/proc/self/task/TID/schedstat`, first field).
fn thread_seconds(tid: &str) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat")).ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn machine() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu = stat.lines().next()?.strip_prefix("cpu ")?;
    let fields: Vec<f64> = cpu
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is within user)
    let total: f64 = fields.iter().take(8).sum();
    let idle = fields.get(3).copied().unwrap_or(0.0) + fields.get(4).copied().unwrap_or(0.0);
    // USER_HZ is 100 on every Linux configuration Rust supports.
    Some(((total - idle) / 100.0, total / 100.0))
}

impl Snapshot {
    pub fn now() -> Self {
        let mut threads = HashMap::new();
        if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
            for entry in dir.flatten() {
                let tid = entry.file_name().to_string_lossy().into_owned();
                let name = std::fs::read_to_string(entry.path().join("comm"))
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                if let (Ok(id), Some(secs)) = (tid.parse(), thread_seconds(&tid)) {
                    threads.insert(id, (name, secs));
                }
            }
        }
        let (machine_busy, machine_total) = machine().unwrap_or((0.0, 0.0));
        Self {
            threads,
            machine_busy,
            machine_total,
        }
    }

    /// What was used from `self` until `later`.
    pub fn until(&self, later: &Self) -> Usage {
        let pid = std::process::id();
        let mut usage = Usage {
            machine_busy: later.machine_busy - self.machine_busy,
            machine_total: later.machine_total - self.machine_total,
            ..Usage::default()
        };
        for (tid, (name, secs)) in &later.threads {
            let before = self.threads.get(tid).map_or(0.0, |(_, s)| *s);
            let used = (secs - before).max(0.0);
            if name.starts_with(DRIVER_THREADS) || *tid == pid {
                usage.driver += used;
            } else {
                usage.in_process_server += used;
            }
        }
        usage
    }
}

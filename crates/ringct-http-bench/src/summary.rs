//! The bench's running state: phase, keys, totals, the last batch and a
//! window of per-proof latencies; rendered as `/summary` (text, a contract
//! kept from the seed) and `/summary.json`.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ringct_prover::stats::percentile;
use ringct_prover::BatchStats;
use serde::Serialize;

use crate::options::Options;
use crate::workload::RoundOutcome;

/// Per-proof latencies kept for the `/summary` percentiles.
pub const LATENCY_WINDOW: usize = 1_000;

#[derive(Debug, Default, Clone)]
pub struct Totals {
    pub batches: u64,
    pub submitted: u64,
    pub proved: u64,
    pub failed: u64,
    pub deliberately_invalid: u64,
    pub verified: u64,
    pub verify_failures: u64,
    pub unexpected: u64,
}

impl Totals {
    pub fn bugs(&self) -> u64 {
        self.verify_failures + self.unexpected
    }
}

#[derive(Debug, Clone)]
pub struct LastBatch {
    pub index: u64,
    pub stats: BatchStats,
    pub invalid: usize,
    pub verify_wall: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    LoadingKeys,
    WarmingUp { done: usize, total: usize },
    Running,
    Stopped,
}

#[derive(Debug)]
pub struct KeyInfo {
    pub fingerprint: String,
    pub constraints: usize,
    pub public_inputs: usize,
    pub source: String,
}

/// What `/summary` and the final report show.
#[derive(Debug)]
pub struct BenchState {
    pub phase: Phase,
    pub started: Instant,
    pub measuring: Option<(Instant, Option<Instant>)>,
    pub opts: Options,
    pub keys: Option<KeyInfo>,
    pub threads: usize,
    pub totals: Totals,
    pub last: Option<LastBatch>,
    pub window: VecDeque<Duration>,
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

impl BenchState {
    pub fn new(opts: Options) -> Self {
        BenchState {
            phase: Phase::LoadingKeys,
            started: Instant::now(),
            measuring: None,
            threads: opts.prove.threads,
            opts,
            keys: None,
            totals: Totals::default(),
            last: None,
            window: VecDeque::with_capacity(LATENCY_WINDOW),
        }
    }

    pub fn measured_time(&self) -> Duration {
        match self.measuring {
            Some((from, Some(to))) => to - from,
            Some((from, None)) => from.elapsed(),
            None => Duration::ZERO,
        }
    }

    pub fn record(&mut self, round: &RoundOutcome) {
        let t = &mut self.totals;
        t.batches += 1;
        t.submitted += round.stats.total as u64;
        t.proved += round.stats.ok as u64;
        t.failed += round.stats.failed as u64;
        t.deliberately_invalid += round.invalid as u64;
        t.verified += round.verified as u64;
        t.verify_failures += round.verify_failures as u64;
        t.unexpected += round.unexpected as u64;
        for latency in &round.latencies {
            if self.window.len() == LATENCY_WINDOW {
                self.window.pop_front();
            }
            self.window.push_back(*latency);
        }
        self.last = Some(LastBatch {
            index: t.batches,
            stats: round.stats.clone(),
            invalid: round.invalid,
            verify_wall: round.verify_wall,
        });
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let o = &self.opts;
        let t = &self.totals;
        let phase = match &self.phase {
            Phase::LoadingKeys => "loading keys".to_string(),
            Phase::WarmingUp { done, total } => format!("warming up ({done}/{total} batches)"),
            Phase::Running => "running".to_string(),
            Phase::Stopped => "stopped".to_string(),
        };
        let _ = writeln!(out, "RingCT parallel prover bench (zk_parallel_http_bench)");
        let _ = writeln!(out, "state                 {phase}");
        let _ = writeln!(
            out,
            "uptime                {:.1} s (measuring for {:.1} s)",
            self.started.elapsed().as_secs_f64(),
            self.measured_time().as_secs_f64()
        );
        match &self.keys {
            Some(k) => {
                let _ = writeln!(
                    out,
                    "shape                 {} ({} constraints, {} public inputs)",
                    o.prove.shape, k.constraints, k.public_inputs
                );
                let _ = writeln!(out, "key fingerprint       {}", k.fingerprint);
                let _ = writeln!(out, "keys                  {}", k.source);
            }
            None => {
                let _ = writeln!(
                    out,
                    "shape                 {} (keys not ready)",
                    o.prove.shape
                );
            }
        }
        let _ = writeln!(
            out,
            "config                batch {}, threads {}, interval {} ms, warm-up batches {} (not counted), invalid rate {}",
            o.prove.batch_size,
            self.threads,
            o.prove.interval.as_millis(),
            o.prove.setup_batches,
            o.invalid_rate
        );

        let _ = writeln!(out, "\ntotals (measured batches only)");
        let _ = writeln!(out, "  batches               {}", t.batches);
        let _ = writeln!(out, "  witnesses submitted   {}", t.submitted);
        let _ = writeln!(out, "  proofs produced       {}", t.proved);
        let _ = writeln!(
            out,
            "  failed                {} ({} deliberately invalid)",
            t.failed, t.deliberately_invalid
        );
        let _ = writeln!(
            out,
            "  proofs verified       {} (every produced proof, verify_batch)",
            t.verified
        );
        let _ = writeln!(
            out,
            "  verification failures {}{}",
            t.verify_failures,
            if t.verify_failures > 0 {
                "  <-- BUG"
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "  unexpected outcomes   {}{}",
            t.unexpected,
            if t.unexpected > 0 { "  <-- BUG" } else { "" }
        );
        let measured = self.measured_time().as_secs_f64();
        let overall = if measured > 0.0 {
            t.proved as f64 / measured
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "  overall proofs/s      {overall:.2} (proofs produced / measuring time, pauses included)"
        );

        let _ = writeln!(out, "\nlast batch");
        match &self.last {
            Some(l) => {
                let s = &l.stats;
                let _ = writeln!(
                    out,
                    "  #{}: size {}, ok {}, failed {} ({} deliberately invalid), wall {:.1} ms, {:.2} proofs/s, verify {:.1} ms",
                    l.index,
                    s.total,
                    s.ok,
                    s.failed,
                    l.invalid,
                    ms(s.wall),
                    s.proofs_per_sec,
                    ms(l.verify_wall)
                );
            }
            None => {
                let _ = writeln!(out, "  none yet");
            }
        }

        let mut sorted: Vec<Duration> = self.window.iter().copied().collect();
        sorted.sort_unstable();
        let _ = writeln!(
            out,
            "\nper-proof latency (last {} proofs, window {LATENCY_WINDOW})",
            sorted.len()
        );
        if sorted.is_empty() {
            let _ = writeln!(out, "  no proofs yet");
        } else {
            let _ = writeln!(
                out,
                "  p50                   {:.1} ms",
                ms(percentile(&sorted, 0.50))
            );
            let _ = writeln!(
                out,
                "  p99                   {:.1} ms",
                ms(percentile(&sorted, 0.99))
            );
        }
        let _ = writeln!(
            out,
            "\nendpoints: /metrics (Prometheus), /summary (this page), /summary.json, /healthz, /readyz"
        );
        out
    }
}

pub fn lock(state: &Mutex<BenchState>) -> MutexGuard<'_, BenchState> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `/summary.json`: the same figures as `/summary`, as JSON. Durations are in
/// milliseconds (`_ms`) or seconds (`_s`) as their names say; `null` where
/// `/summary` says "none yet" or "keys not ready".
#[derive(Debug, Serialize)]
pub struct Report {
    pub state: &'static str,
    pub warm_up: Option<WarmUp>,
    pub uptime_s: f64,
    pub measuring_s: f64,
    pub shape: String,
    pub keys: Option<KeyReport>,
    pub config: ConfigReport,
    pub totals: TotalsReport,
    pub overall_proofs_per_s: f64,
    pub last_batch: Option<LastBatchReport>,
    pub latency: LatencyReport,
}

/// Warm-up progress.
#[derive(Debug, Serialize)]
pub struct WarmUp {
    pub done: usize,
    pub total: usize,
}

/// The loaded keys.
#[derive(Debug, Serialize)]
pub struct KeyReport {
    pub fingerprint: String,
    pub constraints: usize,
    pub public_inputs: usize,
    pub source: String,
}

/// The bench's configuration.
#[derive(Debug, Serialize)]
pub struct ConfigReport {
    pub batch: usize,
    pub threads: usize,
    pub interval_ms: u128,
    pub warm_up_batches: usize,
    pub invalid_rate: f64,
}

/// Totals over measured batches.
#[derive(Debug, Serialize)]
pub struct TotalsReport {
    pub batches: u64,
    pub witnesses_submitted: u64,
    pub proofs_produced: u64,
    pub failed: u64,
    pub deliberately_invalid: u64,
    pub proofs_verified: u64,
    pub verification_failures: u64,
    pub unexpected_outcomes: u64,
}

/// The last measured batch.
#[derive(Debug, Serialize)]
pub struct LastBatchReport {
    pub index: u64,
    pub size: usize,
    pub ok: usize,
    pub failed: usize,
    pub deliberately_invalid: usize,
    pub wall_ms: f64,
    pub proofs_per_s: f64,
    pub verify_ms: f64,
}

/// Per-proof latency percentiles over the window.
#[derive(Debug, Serialize)]
pub struct LatencyReport {
    pub proofs_in_window: usize,
    pub window: usize,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl BenchState {
    /// The figures of [`BenchState::render`], for `/summary.json`.
    pub fn report(&self) -> Report {
        let o = &self.opts;
        let t = &self.totals;
        let (state, warm_up) = match &self.phase {
            Phase::LoadingKeys => ("loading_keys", None),
            Phase::WarmingUp { done, total } => (
                "warming_up",
                Some(WarmUp {
                    done: *done,
                    total: *total,
                }),
            ),
            Phase::Running => ("running", None),
            Phase::Stopped => ("stopped", None),
        };
        let measured = self.measured_time().as_secs_f64();
        let mut sorted: Vec<Duration> = self.window.iter().copied().collect();
        sorted.sort_unstable();
        let pct = |q| (!sorted.is_empty()).then(|| ms(percentile(&sorted, q)));
        Report {
            state,
            warm_up,
            uptime_s: self.started.elapsed().as_secs_f64(),
            measuring_s: measured,
            shape: o.prove.shape.to_string(),
            keys: self.keys.as_ref().map(|k| KeyReport {
                fingerprint: k.fingerprint.clone(),
                constraints: k.constraints,
                public_inputs: k.public_inputs,
                source: k.source.clone(),
            }),
            config: ConfigReport {
                batch: o.prove.batch_size,
                threads: self.threads,
                interval_ms: o.prove.interval.as_millis(),
                warm_up_batches: o.prove.setup_batches,
                invalid_rate: o.invalid_rate,
            },
            totals: TotalsReport {
                batches: t.batches,
                witnesses_submitted: t.submitted,
                proofs_produced: t.proved,
                failed: t.failed,
                deliberately_invalid: t.deliberately_invalid,
                proofs_verified: t.verified,
                verification_failures: t.verify_failures,
                unexpected_outcomes: t.unexpected,
            },
            overall_proofs_per_s: if measured > 0.0 {
                t.proved as f64 / measured
            } else {
                0.0
            },
            last_batch: self.last.as_ref().map(|l| LastBatchReport {
                index: l.index,
                size: l.stats.total,
                ok: l.stats.ok,
                failed: l.stats.failed,
                deliberately_invalid: l.invalid,
                wall_ms: ms(l.stats.wall),
                proofs_per_s: l.stats.proofs_per_sec,
                verify_ms: ms(l.verify_wall),
            }),
            latency: LatencyReport {
                proofs_in_window: sorted.len(),
                window: LATENCY_WINDOW,
                p50_ms: pct(0.50),
                p99_ms: pct(0.99),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> BenchState {
        let opts = Options::parse(Vec::<std::ffi::OsString>::new(), |_| None)
            .unwrap()
            .unwrap();
        BenchState::new(opts)
    }

    fn round(ok: usize, failed: usize, invalid: usize, verify_failures: usize) -> RoundOutcome {
        RoundOutcome {
            stats: BatchStats {
                total: ok + failed,
                ok,
                failed,
                wall: Duration::from_millis(100),
                proofs_per_sec: ok as f64 * 10.0,
                ..BatchStats::default()
            },
            invalid,
            latencies: (1..=ok as u64).map(Duration::from_millis).collect(),
            verified: ok,
            verify_failures,
            unexpected: 0,
            sample_wall: Duration::ZERO,
            verify_wall: Duration::from_millis(5),
        }
    }

    #[test]
    fn the_report_before_the_keys_has_nulls_where_the_text_says_none() {
        let s = state();
        let json = serde_json::to_value(s.report()).unwrap();
        assert_eq!(json["state"], "loading_keys");
        assert!(json["keys"].is_null() && json["last_batch"].is_null());
        assert!(json["latency"]["p99_ms"].is_null());
        assert_eq!(json["totals"]["batches"], 0);
        let text = s.render();
        assert!(
            text.contains("keys not ready") && text.contains("none yet"),
            "{text}"
        );
    }

    #[test]
    fn the_report_and_the_text_agree_on_the_totals() {
        let mut s = state();
        s.phase = Phase::Running;
        s.record(&round(3, 1, 1, 0));
        s.record(&round(4, 0, 0, 1));
        let r = s.report();
        assert_eq!(r.state, "running");
        let t = &r.totals;
        assert_eq!(
            (
                t.batches,
                t.witnesses_submitted,
                t.proofs_produced,
                t.failed
            ),
            (2, 8, 7, 1)
        );
        assert_eq!(
            (
                t.deliberately_invalid,
                t.proofs_verified,
                t.verification_failures
            ),
            (1, 7, 1)
        );
        let last = r.last_batch.unwrap();
        assert_eq!((last.index, last.size, last.ok), (2, 4, 4));
        assert_eq!(r.latency.proofs_in_window, 7);
        assert_eq!(r.latency.p99_ms, Some(4.0));
        let text = s.render();
        assert!(text.contains("witnesses submitted   8"), "{text}");
        assert!(text.contains("verification failures 1  <-- BUG"), "{text}");
        assert_eq!(s.totals.bugs(), 1);
    }
}

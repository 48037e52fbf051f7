//! Batch statistics.
//!
//! Per-proof latency (how long one proof took, from the start of its
//! synthesis to its last MSM) and wall time per proof (batch wall time divided
//! by the number of proofs) are different numbers: with P threads proving in
//! parallel, the second is roughly the first divided by P.

use std::time::Duration;

/// What one `prove_batch` call did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchStats {
    /// Witnesses submitted.
    pub total: usize,
    /// Proofs produced.
    pub ok: usize,
    /// Witnesses that failed.
    pub failed: usize,
    /// Wall time of the whole batch.
    pub wall: Duration,
    /// Median per-proof latency over the successful proofs.
    pub latency_p50: Duration,
    /// 95th percentile per-proof latency.
    pub latency_p95: Duration,
    /// Slowest proof.
    pub latency_max: Duration,
    /// Mean per-proof latency.
    pub latency_mean: Duration,
    /// Successful proofs per second of wall time.
    pub proofs_per_sec: f64,
}

/// Nearest-rank percentile of sorted samples (`q` in 0..=1).
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl BatchStats {
    /// Statistics from the per-proof latencies of the successful proofs.
    pub fn from_latencies(total: usize, mut latencies: Vec<Duration>, wall: Duration) -> Self {
        latencies.sort_unstable();
        let ok = latencies.len();
        let sum: Duration = latencies.iter().sum();
        BatchStats {
            total,
            ok,
            failed: total - ok,
            wall,
            latency_p50: percentile(&latencies, 0.50),
            latency_p95: percentile(&latencies, 0.95),
            latency_max: latencies.last().copied().unwrap_or_default(),
            latency_mean: if ok == 0 {
                Duration::ZERO
            } else {
                sum / ok as u32
            },
            proofs_per_sec: if wall.is_zero() {
                0.0
            } else {
                ok as f64 / wall.as_secs_f64()
            },
        }
    }

    /// Wall time divided by the number of proofs (not a latency).
    pub fn wall_per_proof(&self) -> Duration {
        if self.ok == 0 {
            Duration::ZERO
        } else {
            self.wall / self.ok as u32
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn percentiles_and_rates() {
        let lat: Vec<Duration> = (1..=20).rev().map(ms).collect();
        let s = BatchStats::from_latencies(22, lat, ms(500));
        assert_eq!((s.total, s.ok, s.failed), (22, 20, 2));
        assert_eq!(s.latency_p50, ms(10));
        assert_eq!(s.latency_p95, ms(19));
        assert_eq!(s.latency_max, ms(20));
        assert_eq!(s.latency_mean, Duration::from_micros(10_500));
        assert!((s.proofs_per_sec - 40.0).abs() < 1e-9);
        assert_eq!(s.wall_per_proof(), ms(25));
    }

    #[test]
    fn empty_batch_has_zeroes_not_nans() {
        let s = BatchStats::from_latencies(0, vec![], Duration::ZERO);
        assert_eq!(s, BatchStats::default());
        assert_eq!(s.wall_per_proof(), Duration::ZERO);
    }
}

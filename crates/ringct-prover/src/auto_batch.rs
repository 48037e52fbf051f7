//! `RINGCT_PAR_BATCH=auto`: the batch size that keeps each batch's wall time under a
//! target (`RINGCT_PAR_BATCH_TARGET_MS`), learned from the batches already proved.
//!
//! # Model
//! [`crate::RingCtParallelProver::prove_batch`] proves a batch of `b ≥ T` witnesses (T
//! threads) as whole proofs on T one-thread workers, so its wall time is about
//! `ceil(b / T) × w`, where `w` is the time one proof takes on one thread; a batch of
//! `b < T` proves one witness at a time on all T threads, about `b × w / T`.
//!
//! # Learning
//! After each batch, `w` is estimated as `wall × T / proofs` (the thread time per proof,
//! which is `w` in both cases above) and blended with the previous estimate, half and
//! half, so one slow batch (a noisy neighbour, a page-in) moves the choice only halfway.
//! A batch with no proof teaches nothing. Before the first batch the size is `T`: one
//! proof per worker, the smallest batch that keeps every worker busy.
//!
//! # Choice
//! With `k = floor(target / w)` proofs per worker fitting the target:
//! - `k ≥ 1`: `k × T`, capped at the largest multiple of `T` within [`MAX_BATCH`] (a
//!   multiple of `T`, so no worker idles at the end of a batch);
//! - `k = 0` (one proof on one thread already takes longer than the target): the most
//!   witnesses proved one at a time on all threads that fit, `floor(target × T / w)`,
//!   at least 1 and below `T`.
//!
//! The choice is a pure function of the target, the thread count and the estimate
//! ([`choose`]), tested with injected timings.

use crate::config::MAX_BATCH;
use std::time::Duration;

/// The batch size for a target wall time, `threads` workers and `per_proof` thread time
/// per proof (see the module docs). Always within `1..=MAX_BATCH`.
pub fn choose(target: Duration, threads: usize, per_proof: Duration) -> usize {
    let threads = threads.clamp(1, MAX_BATCH);
    let cap = MAX_BATCH - MAX_BATCH % threads;
    if per_proof.is_zero() {
        return cap;
    }
    let per_worker = target.as_nanos() / per_proof.as_nanos();
    if per_worker >= 1 {
        let per_worker = usize::try_from(per_worker).unwrap_or(usize::MAX);
        return per_worker.saturating_mul(threads).min(cap);
    }
    // Fewer proofs than threads: each runs on every thread, taking about per_proof / T.
    let fit = target.as_nanos().saturating_mul(threads as u128) / per_proof.as_nanos();
    usize::try_from(fit)
        .unwrap_or(usize::MAX)
        .clamp(1, threads.saturating_sub(1).max(1))
}

/// The learning state of `RINGCT_PAR_BATCH=auto` for one prover.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoBatch {
    target: Duration,
    threads: usize,
    /// Estimated thread time per proof; `None` before the first batch with a proof.
    per_proof: Option<Duration>,
}

impl AutoBatch {
    /// A learner for `threads` workers and a target wall time per batch.
    pub fn new(target: Duration, threads: usize) -> Self {
        AutoBatch {
            target,
            threads: threads.max(1),
            per_proof: None,
        }
    }

    /// The target wall time per batch.
    pub fn target(&self) -> Duration {
        self.target
    }

    /// The current estimate of one proof's thread time, if any batch has taught one.
    pub fn per_proof(&self) -> Option<Duration> {
        self.per_proof
    }

    /// The size of the next batch.
    pub fn next_size(&self) -> usize {
        match self.per_proof {
            None => self.threads.min(MAX_BATCH),
            Some(w) => choose(self.target, self.threads, w),
        }
    }

    /// Learns from a finished batch: `proofs` proofs made in `wall`.
    pub fn observe(&mut self, proofs: usize, wall: Duration) {
        let Ok(proofs) = u32::try_from(proofs) else {
            return;
        };
        if proofs == 0 {
            return;
        }
        let threads = u32::try_from(self.threads).unwrap_or(u32::MAX);
        let sample = wall.saturating_mul(threads) / proofs;
        self.per_proof = Some(match self.per_proof {
            None => sample,
            Some(old) => (old + sample) / 2,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn whole_proofs_per_worker_fill_the_target() {
        // 2 threads, 450 ms per proof, 5 s: 11 proofs per worker fit, 22 in all.
        assert_eq!(choose(ms(5_000), 2, ms(450)), 22);
        // Exactly on the boundary fits.
        assert_eq!(choose(ms(900), 2, ms(450)), 4);
        assert_eq!(choose(ms(899), 2, ms(450)), 2);
        // One thread: no rounding.
        assert_eq!(choose(ms(1_000), 1, ms(300)), 3);
        // Eight threads: always a multiple of eight.
        assert_eq!(choose(ms(10_000), 8, ms(700)), 14 * 8);
    }

    #[test]
    fn the_choice_stays_within_max_batch_and_keeps_workers_busy() {
        assert_eq!(choose(ms(3_600_000), 2, ms(1)), MAX_BATCH);
        assert_eq!(choose(ms(3_600_000), 3, ms(1)), 1_023);
        assert_eq!(choose(ms(5), 7, Duration::ZERO), 1_022);
        for threads in [1, 2, 3, 8, 256] {
            for per in [1, 40, 450, 10_000] {
                for target in [1, 100, 5_000, 600_000] {
                    let b = choose(ms(target), threads, ms(per));
                    assert!(
                        (1..=MAX_BATCH).contains(&b),
                        "{target} {threads} {per}: {b}"
                    );
                    if per <= target {
                        // At least one proof per worker fits: whole rounds of T,
                        // predicted wall time within the target.
                        assert_eq!(b % threads, 0, "{target} {threads} {per}: {b}");
                        assert!(per * (b / threads) as u64 <= target);
                    } else {
                        // Nothing fits: fewer proofs than threads, one at a time.
                        assert!(b < threads || b == 1, "{target} {threads} {per}: {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_target_below_one_proof_proves_one_at_a_time() {
        // 4 threads, 1 s per proof on one thread: a proof on all four takes about 250 ms.
        assert_eq!(choose(ms(600), 4, ms(1_000)), 2);
        assert_eq!(choose(ms(999), 4, ms(1_000)), 3);
        assert_eq!(choose(ms(100), 4, ms(1_000)), 1);
        assert_eq!(choose(ms(1), 1, ms(1_000)), 1);
        assert_eq!(choose(ms(1), 2, ms(1_000)), 1);
    }

    #[test]
    fn learning_from_injected_timings() {
        let mut auto = AutoBatch::new(ms(5_000), 2);
        // Nothing learned yet: one proof per worker.
        assert_eq!(auto.next_size(), 2);
        // A batch that proved nothing teaches nothing.
        auto.observe(0, ms(10));
        assert_eq!((auto.per_proof(), auto.next_size()), (None, 2));
        // 2 proofs in 450 ms on 2 threads: 450 ms of thread time each; 22 fit in 5 s.
        auto.observe(2, ms(450));
        assert_eq!(auto.per_proof(), Some(ms(450)));
        assert_eq!(auto.next_size(), 22);
        // A batch twice as slow moves the estimate halfway: 675 ms, 7 per worker.
        auto.observe(22, ms(9_900));
        assert_eq!(auto.per_proof(), Some(ms(675)));
        assert_eq!(auto.next_size(), 14);
        // Steady timings converge on them.
        for _ in 0..30 {
            auto.observe(10, ms(1_100));
        }
        let w = auto.per_proof().unwrap();
        assert!(w >= ms(220) && w < ms(221), "{w:?}");
        assert_eq!(auto.next_size(), 44);
        assert_eq!(auto.target(), ms(5_000));
    }
}

//! The workload: fresh witnesses each round, a share of them deliberately
//! invalid, proved in one batch, every proof verified.

use std::time::{Duration, Instant};

use rand_chacha::ChaCha20Rng;
use ringct_circuit::{sample::random_spend, Fr, RingCtStatement, RingCtWitness};
use ringct_prover::{BatchProver, BatchStats};
use ringct_verifier::{BatchVerifier, Item, Verdict};

use crate::error::BenchError;

/// How many of the `batch` witnesses of this round are made invalid: the
/// running total is kept at `floor(rate * submitted)`, so the long-run share
/// is exact even when `rate * batch` is not a whole number.
pub fn invalid_count(rate: f64, submitted_before: u64, batch: usize) -> usize {
    let target = |n: u64| (rate * n as f64).floor() as u64;
    let k = target(submitted_before + batch as u64).saturating_sub(target(submitted_before));
    (k as usize).min(batch)
}

/// Spreads `k` invalid slots evenly over `n` positions (deterministic).
pub fn invalid_mask(k: usize, n: usize) -> Vec<bool> {
    (0..n).map(|i| (i + 1) * k / n > i * k / n).collect()
}

/// Makes a witness unbalanced (inputs != outputs + fee). Fees are at most
/// 1,000, so the new fee stays far below 2^64 and the native check reports
/// `Unbalanced`.
pub fn corrupt(witness: &mut RingCtWitness) {
    witness.fee += Fr::from(1u64);
}

/// What one round did.
#[derive(Debug)]
pub struct RoundOutcome {
    pub stats: BatchStats,
    pub invalid: usize,
    pub latencies: Vec<Duration>,
    pub verified: usize,
    pub verify_failures: usize,
    pub unexpected: usize,
    pub sample_wall: Duration,
    pub verify_wall: Duration,
}

pub struct Bench {
    /// The backend `RINGCT_PROVER` picked: the embedded prover or the cluster.
    pub prover: Box<dyn BatchProver>,
    pub verifier: BatchVerifier,
    pub rng: ChaCha20Rng,
}

impl Bench {
    /// Samples `n` fresh witnesses, corrupts the slots in `mask`, proves,
    /// and verifies every proof. Bugs are logged here, loudly.
    pub fn round(&mut self, label: &str, mask: &[bool]) -> Result<RoundOutcome, BenchError> {
        let shape = self.prover.shape();
        let sample_start = Instant::now();
        let mut witnesses = Vec::with_capacity(mask.len());
        let mut statements: Vec<RingCtStatement> = Vec::with_capacity(mask.len());
        for &bad in mask {
            let (mut witness, statement) = random_spend(shape, &mut self.rng)?;
            if bad {
                corrupt(&mut witness);
            }
            witnesses.push(witness);
            statements.push(statement);
        }
        let sample_wall = sample_start.elapsed();

        let outcome = self.prover.prove_batch(&witnesses);
        let mut unexpected = 0;
        let mut items = Vec::new();
        let mut item_slots = Vec::new();
        let mut latencies = Vec::new();
        for (i, (result, &bad)) in outcome.results.iter().zip(mask).enumerate() {
            match (result, bad) {
                (Ok(proved), false) => {
                    if proved.statement != statements[i] {
                        unexpected += 1;
                        eprintln!(
                            "BUG [{label}] witness {i}: the prover's statement differs from the sampled one"
                        );
                    }
                    latencies.push(proved.latency);
                    // Verify against the statement the sampler built, not
                    // the one the prover reports.
                    items.push(Item::from_statement(proved.proof.0.clone(), &statements[i]));
                    item_slots.push(i);
                }
                (Err(_), true) => {}
                (Ok(_), true) => {
                    unexpected += 1;
                    eprintln!(
                        "BUG [{label}] witness {i}: the prover returned a proof for a deliberately unbalanced witness"
                    );
                }
                (Err(e), false) => {
                    unexpected += 1;
                    eprintln!("BUG [{label}] witness {i}: a valid witness was refused: {e}");
                }
            }
        }

        let report = self.verifier.verify_batch(&items);
        let mut verify_failures = 0;
        for (verdict, slot) in report.verdicts.iter().zip(&item_slots) {
            if let Verdict::Invalid(reason) = verdict {
                verify_failures += 1;
                eprintln!(
                    "BUG [{label}] witness {slot}: its proof FAILED verification against the key's verifying key: {reason}"
                );
            }
        }
        Ok(RoundOutcome {
            stats: outcome.stats,
            invalid: mask.iter().filter(|b| **b).count(),
            latencies,
            verified: report.verdicts.len(),
            verify_failures,
            unexpected,
            sample_wall,
            verify_wall: report.stats.wall,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use ringct_circuit::CircuitError;

    #[test]
    fn invalid_share_is_exact_over_time() {
        for (rate, batch) in [(0.25, 4), (0.1, 4), (0.5, 3), (1.0, 5), (0.0, 8), (0.33, 7)] {
            let mut submitted = 0u64;
            let mut invalid = 0u64;
            for _ in 0..100 {
                let k = invalid_count(rate, submitted, batch);
                let mask = invalid_mask(k, batch);
                assert_eq!(mask.iter().filter(|b| **b).count(), k);
                invalid += k as u64;
                submitted += batch as u64;
            }
            assert_eq!(
                invalid,
                (rate * submitted as f64).floor() as u64,
                "{rate} {batch}"
            );
        }
        assert_eq!(invalid_mask(1, 4), vec![false, false, false, true]);
    }

    #[test]
    fn corruption_is_refused_natively() {
        let shape = "1x1-r4".parse().unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let (mut w, statement) = random_spend(shape, &mut rng).unwrap();
        assert_eq!(w.check().unwrap(), statement);
        corrupt(&mut w);
        assert!(matches!(w.check(), Err(CircuitError::Unbalanced { .. })));
    }
}

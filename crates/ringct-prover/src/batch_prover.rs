//! One batch-proving API over every backend.
//!
//! [`RingCtParallelProver`] proves in this process; the cluster client in
//! `ringct-cluster` hands the witnesses to workers on other machines. Both
//! return the same [`BatchOutcome`]: one result per witness, in input order,
//! and the batch statistics, and both record the prover's metrics
//! ([`record_batch_metrics`]) with the same meaning.

use crate::keys::Fingerprint;
use crate::prover::{BatchOutcome, RingCtParallelProver};
use ringct_circuit::{RingCtWitness, Shape};

/// Proves batches of witnesses for one shape and one key.
pub trait BatchProver: Send + Sync {
    /// The shape this prover proves.
    fn shape(&self) -> Shape;
    /// The fingerprint of the verifying key its proofs verify under.
    fn fingerprint(&self) -> Fingerprint;
    /// One result per witness, in input order, and the statistics. Never
    /// panics on bad input: a witness that yields no proof gets its error.
    fn prove_batch(&self, witnesses: &[RingCtWitness]) -> BatchOutcome;
    /// How many witnesses the next batch should have when this backend sizes
    /// batches itself (the local prover under `RINGCT_PAR_BATCH=auto`);
    /// `None`: the caller's configured size.
    fn next_batch_size(&self) -> Option<usize> {
        None
    }
}

impl BatchProver for RingCtParallelProver {
    fn shape(&self) -> Shape {
        self.keys().shape()
    }

    fn fingerprint(&self) -> Fingerprint {
        self.keys().fingerprint()
    }

    fn prove_batch(&self, witnesses: &[RingCtWitness]) -> BatchOutcome {
        RingCtParallelProver::prove_batch(self, witnesses)
    }

    fn next_batch_size(&self) -> Option<usize> {
        Some(RingCtParallelProver::next_batch_size(self))
    }
}

/// Records the prover's metrics for a finished batch (what
/// [`RingCtParallelProver::prove_batch`] records), for other backends.
pub fn record_batch_metrics(outcome: &BatchOutcome) {
    let latencies: Vec<_> = outcome
        .results
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|p| p.latency))
        .collect();
    crate::metrics::record_batch(
        &outcome.stats,
        &latencies,
        outcome.results.iter().filter_map(|r| r.as_ref().err()),
    );
}

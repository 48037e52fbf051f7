//! The parallel batch prover.

use crate::config::ParallelProveConfig;
use crate::error::ProverError;
use crate::keys::RingCtKeys;
use crate::proof::RingCtProof;
use crate::stats::BatchStats;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use ringct_circuit::{RingCtCircuit, RingCtStatement, RingCtWitness};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A proof with the statement it proves.
#[derive(Debug, Clone)]
pub struct ProvedTransaction {
    /// The proof.
    pub proof: RingCtProof,
    /// The statement, derived from the checked witness.
    pub statement: RingCtStatement,
    /// How long this proof took (its own latency, not wall time / batch).
    pub latency: Duration,
}

/// One result per witness, in input order, and the batch statistics.
#[derive(Debug)]
pub struct BatchOutcome {
    /// The proof, or why there is none, for each witness.
    pub results: Vec<Result<ProvedTransaction, ProverError>>,
    /// Counts, wall time, latencies, throughput.
    pub stats: BatchStats,
}

/// Proves batches of RingCT witnesses on a dedicated Rayon pool.
pub struct RingCtParallelProver {
    keys: Arc<RingCtKeys>,
    pool: rayon::ThreadPool,
    config: ParallelProveConfig,
}

impl std::fmt::Debug for RingCtParallelProver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RingCtParallelProver")
            .field("keys", &self.keys)
            .field("threads", &self.pool.current_num_threads())
            .finish()
    }
}

impl RingCtParallelProver {
    /// A prover with the process-wide cached key for `config.shape`
    /// (see [`crate::cache`]).
    pub fn with_shared_setup(config: ParallelProveConfig) -> Result<Self, ProverError> {
        let keys = crate::cache::shared_keys(config.shape)?;
        Self::new(keys, config)
    }

    /// A prover with your own keys. `config.shape` is taken from the keys.
    pub fn new(
        keys: Arc<RingCtKeys>,
        mut config: ParallelProveConfig,
    ) -> Result<Self, ProverError> {
        if config.threads == 0 {
            return Err(ProverError::EnvZero {
                var: crate::config::vars::THREADS,
            });
        }
        config.shape = keys.shape();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .thread_name(|i| format!("ringct-prover-{i}"))
            .build()
            .map_err(|e| ProverError::ThreadPool(e.to_string()))?;
        Ok(RingCtParallelProver { keys, pool, config })
    }

    /// The keys.
    pub fn keys(&self) -> &Arc<RingCtKeys> {
        &self.keys
    }

    /// The configuration.
    pub fn config(&self) -> &ParallelProveConfig {
        &self.config
    }

    /// Threads in the pool.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs `f` on the prover's pool (for callers that want its threads).
    pub fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        self.pool.install(f)
    }

    /// Checks and proves one witness on the calling thread's pool.
    fn prove_on_current_pool(
        &self,
        witness: &RingCtWitness,
    ) -> Result<ProvedTransaction, ProverError> {
        let start = Instant::now();
        if witness.shape != self.keys.shape() {
            return Err(ProverError::WitnessShapeMismatch {
                witness: witness.shape,
                key: self.keys.shape(),
            });
        }
        let statement = witness.check()?;
        let circuit = RingCtCircuit::new_unchecked(witness.clone(), statement.to_public_inputs());
        let mut rng = ChaCha20Rng::from_entropy();
        let proof = self.keys.engine().prove(circuit, &mut rng)?;
        Ok(ProvedTransaction {
            proof: RingCtProof(proof),
            statement,
            latency: start.elapsed(),
        })
    }

    /// Checks and proves one witness, using every thread of the pool.
    pub fn prove_one(&self, witness: &RingCtWitness) -> Result<ProvedTransaction, ProverError> {
        self.pool.install(|| self.prove_on_current_pool(witness))
    }

    /// Proves every witness, in parallel across the pool. Each witness is
    /// checked natively first; an invalid one gets its error and never a
    /// proof, and does not affect the others.
    pub fn prove_batch(&self, witnesses: &[RingCtWitness]) -> BatchOutcome {
        let start = Instant::now();
        let results: Vec<_> = self.pool.install(|| {
            witnesses
                .par_iter()
                .map(|w| self.prove_on_current_pool(w))
                .collect()
        });
        let wall = start.elapsed();
        let latencies: Vec<Duration> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|p| p.latency))
            .collect();
        let stats = BatchStats::from_latencies(witnesses.len(), latencies.clone(), wall);
        crate::metrics::record_batch(&stats, &latencies);
        BatchOutcome { results, stats }
    }
}

//! The parallel batch prover.

use crate::auto_batch::AutoBatch;
use crate::config::ParallelProveConfig;
use crate::error::ProverError;
use crate::keys::RingCtKeys;
use crate::proof::RingCtProof;
use crate::stats::BatchStats;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{RingCtCircuit, RingCtStatement, RingCtWitness};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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

/// Proves batches of RingCT witnesses on dedicated Rayon pools.
///
/// The prover owns `threads` workers twice over: one pool of `threads`
/// threads, where a single proof spreads its MSMs over every thread, and
/// `threads` one-thread pools, where a batch runs one whole proof per worker.
/// A batch is faster the second way: each MSM then runs unsplit (Pippenger
/// does less total work on one large MSM than on several slices of it), and
/// the workers never wait for each other inside a proof.
pub struct RingCtParallelProver {
    keys: Arc<RingCtKeys>,
    pool: rayon::ThreadPool,
    workers: Vec<rayon::ThreadPool>,
    config: ParallelProveConfig,
    /// `RINGCT_PAR_BATCH=auto`: what the finished batches taught.
    auto: Option<Mutex<AutoBatch>>,
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

    /// A prover with your own keys. `config.shape` is taken from the keys;
    /// the other fields must be within their bounds
    /// ([`ParallelProveConfig::validate`]).
    pub fn new(
        keys: Arc<RingCtKeys>,
        mut config: ParallelProveConfig,
    ) -> Result<Self, ProverError> {
        config.shape = keys.shape();
        config.validate()?;
        let build = |threads: usize, name: String| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(move |i| format!("{name}-{i}"))
                .build()
                .map_err(|e| ProverError::ThreadPool(e.to_string()))
        };
        let pool = build(config.threads, "ringct-prover".into())?;
        let workers = (0..config.threads)
            .map(|w| build(1, format!("ringct-batch-worker-{w}")))
            .collect::<Result<_, _>>()?;
        let auto = config
            .auto_batch_target
            .map(|target| Mutex::new(AutoBatch::new(target, config.threads)));
        Ok(RingCtParallelProver {
            keys,
            pool,
            workers,
            config,
            auto,
        })
    }

    /// The keys.
    pub fn keys(&self) -> &Arc<RingCtKeys> {
        &self.keys
    }

    /// The configuration.
    pub fn config(&self) -> &ParallelProveConfig {
        &self.config
    }

    /// How many witnesses the next batch of a proving loop should have: the
    /// configured `batch_size`, or under `RINGCT_PAR_BATCH=auto` the size that
    /// keeps a batch's wall time under the target, learned from the batches
    /// this prover has finished (see [`crate::auto_batch`]). Always within
    /// `1..=MAX_BATCH`.
    pub fn next_batch_size(&self) -> usize {
        match &self.auto {
            None => self.config.batch_size,
            Some(auto) => lock(auto).next_size(),
        }
    }

    /// Under `RINGCT_PAR_BATCH=auto`, the learner's state (target and estimate).
    pub fn auto_batch(&self) -> Option<AutoBatch> {
        self.auto.as_ref().map(|auto| lock(auto).clone())
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

    /// Proves every witness, in parallel across the workers. Each witness is
    /// checked natively first; an invalid one gets its error and never a
    /// proof, and does not affect the others.
    ///
    /// With at least as many witnesses as threads, each worker proves whole
    /// witnesses on its own one-thread pool, taking the next one from a
    /// shared counter. Smaller batches prove one witness at a time on the
    /// full pool, so no thread sits idle.
    pub fn prove_batch(&self, witnesses: &[RingCtWitness]) -> BatchOutcome {
        let start = Instant::now();
        let results = if witnesses.len() >= self.workers.len() && self.workers.len() > 1 {
            self.prove_on_workers(witnesses)
        } else {
            self.pool.install(|| {
                witnesses
                    .iter()
                    .map(|w| self.prove_on_current_pool(w))
                    .collect()
            })
        };
        let wall = start.elapsed();
        let latencies: Vec<Duration> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|p| p.latency))
            .collect();
        let stats = BatchStats::from_latencies(witnesses.len(), latencies.clone(), wall);
        if let Some(auto) = &self.auto {
            lock(auto).observe(stats.ok, wall);
        }
        crate::metrics::record_batch(
            &stats,
            &latencies,
            results.iter().filter_map(|r| r.as_ref().err()),
        );
        BatchOutcome { results, stats }
    }

    /// One whole proof per worker at a time, workers pulling the next index.
    fn prove_on_workers(
        &self,
        witnesses: &[RingCtWitness],
    ) -> Vec<Result<ProvedTransaction, ProverError>> {
        let next = AtomicUsize::new(0);
        let mut slots: Vec<Option<Result<ProvedTransaction, ProverError>>> =
            (0..witnesses.len()).map(|_| None).collect();
        let done: Vec<Vec<(usize, Result<ProvedTransaction, ProverError>)>> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = self
                    .workers
                    .iter()
                    .map(|worker| {
                        let next = &next;
                        scope.spawn(move || {
                            worker.install(|| {
                                let mut mine = Vec::new();
                                loop {
                                    let i = next.fetch_add(1, Ordering::Relaxed);
                                    let Some(w) = witnesses.get(i) else {
                                        break mine;
                                    };
                                    mine.push((i, self.prove_on_current_pool(w)));
                                }
                            })
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            });
        for (i, r) in done.into_iter().flatten() {
            slots[i] = Some(r);
        }
        slots
            .into_iter()
            .map(|r| r.expect("every index below the batch length is taken by exactly one worker"))
            .collect()
    }
}

/// The learner's lock. It holds plain numbers, always consistent, so a panic
/// elsewhere while it was held (poisoning) leaves nothing to repair.
fn lock(auto: &Mutex<AutoBatch>) -> std::sync::MutexGuard<'_, AutoBatch> {
    auto.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

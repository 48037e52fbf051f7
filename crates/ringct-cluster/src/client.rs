//! The cluster backend of [`BatchProver`]: submit a batch, wait for its
//! results, collect them and delete the batch.
//!
//! Every witness is checked natively here first, as the local prover does:
//! an invalid one gets [`ProverError::InvalidWitness`] (or
//! [`ProverError::WitnessShapeMismatch`]) and never leaves the process; the
//! statement of each valid one is derived here too. Only valid witnesses are
//! queued. A job that ends without a proof, and a batch the database could
//! not take or answer in time, give [`ProverError::Backend`].

use crate::codec::encode_witness;
use crate::connect::DbConfig;
use crate::error::ClusterError;
use crate::queue::{JobResult, NewJob, Queue, MAX_ATTEMPTS, MAX_BATCH_JOBS};
use ark_bls12_381::Bls12_381;
use ark_groth16::Proof;
use ark_serialize::CanonicalDeserialize;
use ringct_circuit::{RingCtWitness, Shape};
use ringct_prover::{
    record_batch_metrics, BatchOutcome, BatchProver, BatchStats, Fingerprint, ProvedTransaction,
    ProverError, RingCtKeys, RingCtProof,
};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longest a client waits for one batch.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// How the client submits and waits.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The queue.
    pub db: DbConfig,
    /// Higher runs first.
    pub priority: i16,
    /// Attempts per job before it fails for good (1..=[`MAX_ATTEMPTS`]).
    pub max_attempts: u32,
    /// How long to wait for a batch's results before giving up (the batch is
    /// then withdrawn from the queue).
    pub timeout: Duration,
    /// Longest pause between two looks at the batch's progress.
    pub max_poll: Duration,
}

impl ClientConfig {
    /// Defaults: priority 0, 3 attempts, a 10-minute timeout, polls at most
    /// every 50 ms.
    pub fn new(db: DbConfig) -> Self {
        ClientConfig {
            db,
            priority: 0,
            max_attempts: 3,
            timeout: Duration::from_secs(600),
            max_poll: Duration::from_millis(50),
        }
    }

    /// Checks every bound.
    pub fn validate(&self) -> Result<(), ClusterError> {
        if !(1..=MAX_ATTEMPTS).contains(&self.max_attempts) {
            return Err(ClusterError::OutOfRange {
                what: "max_attempts",
                value: self.max_attempts.into(),
                min: 1,
                max: MAX_ATTEMPTS.into(),
            });
        }
        let ms = |d: Duration| d.as_millis().min(u64::MAX as u128) as u64;
        for (what, value, max) in [
            ("timeout_ms", self.timeout, MAX_TIMEOUT),
            ("max_poll_ms", self.max_poll, Duration::from_secs(10)),
        ] {
            if !(1..=ms(max)).contains(&ms(value)) {
                return Err(ClusterError::OutOfRange {
                    what,
                    value: ms(value),
                    min: 1,
                    max: ms(max),
                });
            }
        }
        Ok(())
    }
}

/// Proves on the cluster's workers.
pub struct ClusterProver {
    shape: Shape,
    fingerprint: Fingerprint,
    config: ClientConfig,
    queue: Mutex<Option<Queue>>,
}

impl std::fmt::Debug for ClusterProver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterProver")
            .field("shape", &self.shape.to_string())
            .field("fingerprint", &self.fingerprint.to_string())
            .field("config", &self.config)
            .finish()
    }
}

impl ClusterProver {
    /// A client for proofs of `shape` under the key with `fingerprint`.
    /// Connects once (creating the schema if needed) to fail early.
    pub fn new(
        config: ClientConfig,
        shape: Shape,
        fingerprint: Fingerprint,
    ) -> Result<Self, ClusterError> {
        config.validate()?;
        shape
            .validate()
            .map_err(|e| ClusterError::WitnessShape(e.to_string()))?;
        let queue = Queue::connect(&config.db)?;
        Ok(ClusterProver {
            shape,
            fingerprint,
            config,
            queue: Mutex::new(Some(queue)),
        })
    }

    /// A client for the shape and fingerprint of `keys`.
    pub fn for_keys(config: ClientConfig, keys: &RingCtKeys) -> Result<Self, ClusterError> {
        Self::new(config, keys.shape(), keys.fingerprint())
    }

    /// Submits the valid witnesses and waits; `Err` when the database failed
    /// or the results did not come in time.
    fn run_remote(&self, jobs: &[NewJob]) -> Result<Vec<(usize, JobResult)>, ClusterError> {
        let mut guard = self
            .queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if guard.as_ref().map_or(true, |q| q.is_closed()) {
            *guard = Some(Queue::connect(&self.config.db)?);
        }
        let outcome = (|| {
            let q = guard.as_mut().ok_or_else(|| ClusterError::Config {
                what: "cluster client",
                reason: "no connection".into(),
            })?;
            let batch = q.submit(jobs, self.config.priority, self.config.max_attempts)?;
            let deadline = Instant::now() + self.config.timeout;
            let mut pause = Duration::from_millis(1);
            loop {
                if q.finished(batch)? as usize >= jobs.len() {
                    break;
                }
                if Instant::now() >= deadline {
                    // Withdraw it: workers that hold a job find no row to finish.
                    q.delete_batch(batch)?;
                    return Err(ClusterError::Timeout(self.config.timeout));
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(self.config.max_poll);
            }
            let results = q.results(batch)?;
            q.delete_batch(batch)?;
            Ok(results)
        })();
        if outcome.is_err() {
            // Reconnect next time: the connection may be the problem.
            *guard = None;
        }
        outcome
    }
}

fn decode_proof(bytes: &[u8]) -> Result<RingCtProof, ProverError> {
    Proof::<Bls12_381>::deserialize_compressed(bytes)
        .map(RingCtProof)
        .map_err(|e| {
            ProverError::Backend(format!("a worker returned bytes that are not a proof: {e}"))
        })
}

impl BatchProver for ClusterProver {
    fn shape(&self) -> Shape {
        self.shape
    }

    fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    fn prove_batch(&self, witnesses: &[RingCtWitness]) -> BatchOutcome {
        let start = Instant::now();
        let mut results: Vec<Option<Result<ProvedTransaction, ProverError>>> =
            (0..witnesses.len()).map(|_| None).collect();
        let mut statements = Vec::with_capacity(witnesses.len());
        let mut jobs = Vec::new();
        let mut job_slot = Vec::new();
        for (i, w) in witnesses.iter().enumerate() {
            if w.shape != self.shape {
                results[i] = Some(Err(ProverError::WitnessShapeMismatch {
                    witness: w.shape,
                    key: self.shape,
                }));
                statements.push(None);
                continue;
            }
            match w.check() {
                Err(e) => {
                    results[i] = Some(Err(ProverError::InvalidWitness(e)));
                    statements.push(None);
                }
                Ok(statement) => match encode_witness(w) {
                    Ok(payload) => {
                        statements.push(Some(statement));
                        job_slot.push(i);
                        jobs.push(NewJob {
                            shape: self.shape.to_string(),
                            fingerprint: self.fingerprint.0,
                            payload,
                        });
                    }
                    Err(e) => {
                        results[i] = Some(Err(ProverError::Backend(e.to_string())));
                        statements.push(None);
                    }
                },
            }
        }
        for (chunk_jobs, chunk_slots) in jobs
            .chunks(MAX_BATCH_JOBS)
            .zip(job_slot.chunks(MAX_BATCH_JOBS))
        {
            match self.run_remote(chunk_jobs) {
                Ok(done) => {
                    for (idx, result) in done {
                        let Some(&slot) = chunk_slots.get(idx) else {
                            continue;
                        };
                        let statement = statements[slot].take();
                        results[slot] = Some(match (result, statement) {
                            (JobResult::Proof { bytes, proving }, Some(statement)) => {
                                decode_proof(&bytes).map(|proof| ProvedTransaction {
                                    proof,
                                    statement,
                                    latency: proving,
                                })
                            }
                            (JobResult::Failed { kind, message }, _) => Err(ProverError::Backend(
                                format!("{}: {message}", kind.as_str()),
                            )),
                            (JobResult::Proof { .. }, None) => Err(ProverError::Backend(
                                "the cluster returned two results for one witness".into(),
                            )),
                        });
                    }
                }
                Err(e) => {
                    for &slot in chunk_slots {
                        results[slot] = Some(Err(ProverError::Backend(e.to_string())));
                    }
                }
            }
        }
        let results: Vec<Result<ProvedTransaction, ProverError>> = results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(ProverError::Backend(
                        "the cluster returned no result for this witness".into(),
                    ))
                })
            })
            .collect();
        let latencies = results
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|p| p.latency))
            .collect();
        let stats = BatchStats::from_latencies(witnesses.len(), latencies, start.elapsed());
        let outcome = BatchOutcome { results, stats };
        record_batch_metrics(&outcome);
        outcome
    }
}

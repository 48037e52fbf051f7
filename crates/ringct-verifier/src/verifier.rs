//! [`BatchVerifier`]: one prepared key, three verification modes.

use crate::batch;
use crate::error::VerifierError;
use crate::fingerprint::Fingerprint;
use crate::item::{Body, Item};
use crate::metrics;
use crate::prepared::PreparedKey;
use crate::stats::{Mode, Report, Stats, Verdict};
use ark_bls12_381::Bls12_381;
use ark_groth16::{PreparedVerifyingKey, VerifyingKey};
use rand::rngs::{OsRng, StdRng};
use rand::SeedableRng;
use rayon::prelude::*;
use rayon::ThreadPool;
use ringct_circuit::Shape;
use std::sync::Arc;
use std::time::Instant;

/// Largest number of items one randomized batch equation covers; longer
/// inputs are split into balanced chunks of at most this size, which are
/// verified concurrently.
///
/// Measured, not guessed: batch mode over 256 valid proofs of the default
/// shape 2x2-r16, 2-core machine, 2 threads, proofs/s by chunk size (release
/// build; the machine was shared with other builds, so about ±10%):
///
/// | chunk | 8 | 16 | 32 | 64 | 128 | 256 |
/// |---|---|---|---|---|---|---|
/// | `cargo xtask bench` sweep (interleaved medians) | 1454 | 1999 | 2466 | 2705 | 2725 | 2519 |
/// | `cargo bench -p ringct-verifier --bench verify -- chunk` | 1528 | 2038 | 2187 | 2299 | 3008 | 2940 |
///
/// Throughput rises steeply up to 32 (the final exponentiation, about
/// 0.75 ms, and the per-chunk MSMs are amortised over the chunk) and is flat
/// from 64 on, within the noise. A larger chunk only makes a failing chunk
/// dearer: bisection redoes two to three times the chunk's work per invalid proof.
/// 64 is the smallest size on the plateau.
pub const DEFAULT_CHUNK_SIZE: usize = 64;

/// Verifies RingCT Groth16 proofs under one verifying key, individually, in
/// parallel, or as randomized batches, with one [`Verdict`] per item.
///
/// Cheap to clone (the prepared key is shared). All work runs on the
/// configured Rayon pool: by default the caller's (the global pool, or the
/// pool whose `install` the call is made from); [`BatchVerifier::with_threads`]
/// or [`BatchVerifier::with_pool`] give it a dedicated one.
#[derive(Clone)]
pub struct BatchVerifier {
    key: Arc<PreparedKey>,
    pool: Option<Arc<ThreadPool>>,
    chunk_size: usize,
}

impl std::fmt::Debug for BatchVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchVerifier")
            .field("fingerprint", &self.key.fingerprint)
            .field("num_public_inputs", &self.num_public_inputs())
            .field("threads", &self.threads())
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

impl BatchVerifier {
    /// Validates the key's points, refuses a degenerate key, fingerprints it
    /// and prepares it once (e(alpha, beta), and -beta, -gamma, -delta in
    /// prepared form).
    ///
    /// A degenerate key is refused because proofs could be forged under it:
    /// alpha, beta, gamma, delta or any `gamma_abc` point the identity
    /// ([`VerifierError::IdentityPoint`], naming the point), gamma equal to
    /// delta ([`VerifierError::GammaEqualsDelta`]) or to -delta
    /// ([`VerifierError::GammaEqualsNegatedDelta`]). The reasoning, including
    /// why an honest key never has an identity `gamma_abc` point, is on
    /// `PreparedKey::new` in `prepared.rs`.
    pub fn new(vk: VerifyingKey<Bls12_381>) -> Result<Self, VerifierError> {
        Ok(BatchVerifier {
            key: Arc::new(PreparedKey::new(vk)?),
            pool: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
        })
    }

    /// Like [`BatchVerifier::new`], and also checks that the key takes
    /// exactly `shape.num_public_inputs()` public inputs.
    pub fn for_shape(vk: VerifyingKey<Bls12_381>, shape: Shape) -> Result<Self, VerifierError> {
        let verifier = Self::new(vk)?;
        if verifier.num_public_inputs() != shape.num_public_inputs() {
            return Err(VerifierError::ShapeMismatch {
                shape: shape.to_string(),
                expected: shape.num_public_inputs(),
                key: verifier.num_public_inputs(),
            });
        }
        Ok(verifier)
    }

    /// Runs every call on a dedicated pool of `threads` threads (0: Rayon's
    /// default, one per core).
    pub fn with_threads(self, threads: usize) -> Result<Self, VerifierError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("ringct-verify-{i}"))
            .build()
            .map_err(|e| VerifierError::ThreadPool(e.to_string()))?;
        Ok(self.with_pool(Arc::new(pool)))
    }

    /// Runs every call on `pool`.
    pub fn with_pool(mut self, pool: Arc<ThreadPool>) -> Self {
        self.pool = Some(pool);
        self
    }

    /// Runs every call on the caller's Rayon context (the default).
    pub fn with_caller_pool(mut self) -> Self {
        self.pool = None;
        self
    }

    /// Largest batch one equation covers (at least 1); see
    /// [`DEFAULT_CHUNK_SIZE`].
    pub fn with_chunk_size(mut self, chunk_size: usize) -> Self {
        self.chunk_size = chunk_size.max(1);
        self
    }

    /// The key's fingerprint (see [`crate::fingerprint`] for the definition).
    pub fn fingerprint(&self) -> Fingerprint {
        self.key.fingerprint
    }

    /// Refuses the key unless its fingerprint is `expected` (the one the node
    /// is configured with).
    pub fn check_fingerprint(&self, expected: &Fingerprint) -> Result<(), VerifierError> {
        if &self.key.fingerprint != expected {
            return Err(VerifierError::FingerprintMismatch {
                expected: *expected,
                got: self.key.fingerprint,
            });
        }
        Ok(())
    }

    /// Public inputs the key takes: `vk.gamma_abc_g1.len() - 1`.
    pub fn num_public_inputs(&self) -> usize {
        self.key.num_inputs()
    }

    /// The verifying key.
    pub fn verifying_key(&self) -> &VerifyingKey<Bls12_381> {
        &self.key.pvk.vk
    }

    /// The prepared verifying key.
    pub fn prepared_key(&self) -> &PreparedVerifyingKey<Bls12_381> {
        &self.key.pvk
    }

    /// Threads of the pool calls run on.
    pub fn threads(&self) -> usize {
        match &self.pool {
            Some(pool) => pool.current_num_threads(),
            None => rayon::current_num_threads(),
        }
    }

    /// The configured chunk size.
    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// Verifies one item (individual mode, counted in the metrics).
    pub fn verify_one(&self, item: &Item) -> Verdict {
        let report = self.verify_individual(std::slice::from_ref(item));
        // One item in, one verdict out.
        report
            .verdicts
            .into_iter()
            .next()
            .unwrap_or(Verdict::Invalid(VerifierError::EquationFailed))
    }

    /// Verifies with the given mode.
    pub fn verify(&self, mode: Mode, items: &[Item]) -> Report {
        match mode {
            Mode::Individual => self.verify_individual(items),
            Mode::Parallel => self.verify_parallel(items),
            Mode::Batch => self.verify_batch(items),
        }
    }

    /// One item after the other, each with one 3-pair Miller loop and one
    /// final exponentiation against the precomputed e(alpha, beta).
    pub fn verify_individual(&self, items: &[Item]) -> Report {
        self.timed(Mode::Individual, || {
            let checked: Vec<(Verdict, bool)> =
                items.iter().map(|item| self.check_item(item)).collect();
            split_checked(checked)
        })
    }

    /// Individual checks spread over the pool.
    pub fn verify_parallel(&self, items: &[Item]) -> Report {
        self.timed(Mode::Parallel, || {
            let checked: Vec<(Verdict, bool)> =
                items.par_iter().map(|item| self.check_item(item)).collect();
            split_checked(checked)
        })
    }

    /// Randomized batch verification (see [`crate::batch`]): items that fail
    /// a structural check get their verdict without entering the pairing;
    /// the rest are split into balanced chunks of at most
    /// [`BatchVerifier::chunk_size`], each checked with one multi-Miller loop
    /// and one final exponentiation, and bisected when it fails. The batch
    /// scalars are non-zero 128-bit values drawn, fresh for every batch
    /// equation, from a ChaCha CSPRNG (`rand::rngs::StdRng`) seeded from the
    /// OS (`OsRng`) once per chunk and call.
    ///
    /// Should the OS refuse randomness, the affected chunk is verified
    /// individually instead (same verdicts, slower); nothing is ever
    /// accepted without a check.
    pub fn verify_batch(&self, items: &[Item]) -> Report {
        self.timed(Mode::Batch, || {
            let expected = self.num_public_inputs();
            let mut verdicts: Vec<Verdict> = Vec::with_capacity(items.len());
            let mut candidates: Vec<(usize, &Body)> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item.structural(expected) {
                    Ok(body) => {
                        candidates.push((i, body));
                        // Fail closed: only a passed check turns this into `Valid`.
                        verdicts.push(Verdict::Invalid(VerifierError::EquationFailed));
                    }
                    Err(e) => verdicts.push(Verdict::Invalid(e)),
                }
            }
            if candidates.is_empty() {
                return (verdicts, 0);
            }
            let chunks = candidates.len().div_ceil(self.chunk_size);
            let per_chunk = candidates.len().div_ceil(chunks);
            let results: Vec<(Vec<bool>, usize)> = candidates
                .par_chunks(per_chunk)
                .map(|chunk| {
                    let bodies: Vec<&Body> = chunk.iter().map(|(_, b)| *b).collect();
                    match StdRng::from_rng(OsRng) {
                        Ok(mut rng) => batch::resolve(&self.key, &bodies, &mut rng),
                        Err(_) => {
                            let valid: Vec<bool> =
                                bodies.iter().map(|b| self.key.check_one(b)).collect();
                            let n = valid.len();
                            (valid, n)
                        }
                    }
                })
                .collect();
            let mut checks = 0;
            let mut indices = candidates.iter().map(|(i, _)| *i);
            for (valid, spent) in results {
                checks += spent;
                for ok in valid {
                    // Same length and order as `candidates`, by construction.
                    if let Some(i) = indices.next() {
                        if ok {
                            verdicts[i] = Verdict::Valid;
                        }
                    }
                }
            }
            (verdicts, checks)
        })
    }

    /// Structural checks, then one pairing check; also says whether the
    /// pairing check ran.
    fn check_item(&self, item: &Item) -> (Verdict, bool) {
        match item.structural(self.num_public_inputs()) {
            Err(e) => (Verdict::Invalid(e), false),
            Ok(body) if self.key.check_one(body) => (Verdict::Valid, true),
            Ok(_) => (Verdict::Invalid(VerifierError::EquationFailed), true),
        }
    }

    /// Runs `f` on the configured pool, times it, builds the report and
    /// records the metrics.
    fn timed<F>(&self, mode: Mode, f: F) -> Report
    where
        F: FnOnce() -> (Vec<Verdict>, usize) + Send,
    {
        let start = Instant::now();
        let (verdicts, checks) = match &self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        };
        let stats = Stats::new(mode, &verdicts, start.elapsed(), checks);
        metrics::record(&stats);
        Report { verdicts, stats }
    }
}

/// Verdicts, and how many of them needed a pairing check.
fn split_checked(checked: Vec<(Verdict, bool)>) -> (Vec<Verdict>, usize) {
    let checks = checked.iter().filter(|(_, paired)| *paired).count();
    (checked.into_iter().map(|(v, _)| v).collect(), checks)
}

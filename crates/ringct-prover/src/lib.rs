//! Groth16 proving for RingCT: keys and the parallel batch prover.
//!
//! Owns: per-shape setup, key files (header with format version, shape and
//! fingerprint; full validation on load), the process-wide key cache
//! [`RINGCT_PROVING_KEY`], a generic cached-matrix Groth16 engine for any
//! `ConstraintSynthesizer<Fr>` whose MSMs run on blst through `ringct-blst`
//! (the key's points converted once, no blst type in this crate's API),
//! [`RingCtParallelProver`] with per-proof results
//! and batch statistics, the [`BatchProver`] trait every proving backend
//! implements, configuration from the environment (with automatic batch sizing,
//! [`auto_batch`]), and the prover's
//! metrics.
//!
//! Must never: return a proof for a witness that fails the native check; use
//! fixed-seed keys unless the caller asked for them by an `insecure` name;
//! install a metrics recorder or open a port (binaries do that).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod auto_batch;
pub mod batch_prover;
pub mod cache;
pub mod config;
pub mod engine;
pub mod error;
pub mod keyfile;
pub mod keys;
mod metrics;
mod msm_engine;
pub mod proof;
pub mod prover;
pub mod stats;

pub use auto_batch::AutoBatch;
pub use batch_prover::{record_batch_metrics, BatchProver};
pub use cache::{shared_keys, RINGCT_PROVING_KEY};
pub use config::ParallelProveConfig;
pub use engine::{Groth16Engine, MsmBackend};
pub use error::{KeyFileOrigin, ProverError};
pub use keys::{Fingerprint, RingCtKeys};
pub use metrics::failure_reason;
pub use proof::{RingCtProof, PROOF_BYTES};
pub use prover::{BatchOutcome, ProvedTransaction, RingCtParallelProver};
pub use stats::BatchStats;

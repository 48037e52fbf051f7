//! Verification of RingCT Groth16 proofs (BLS12-381) for SuperVM nodes.
//!
//! Owns: the prepared verifying key and its fingerprint ([`BatchVerifier`],
//! [`Fingerprint`]); strict decoding of proof and public-input bytes
//! ([`decode`]); the item type ([`Item`]); three verification modes that
//! return one [`Verdict`] per item in input order plus [`Stats`]
//! (individual, parallel on a Rayon pool, and randomized batch verification
//! with bisection, [`batch`]); the verifier metrics (names from
//! `supervm_telemetry::names`, label `mode`).
//!
//! Rules it enforces before any pairing (RINGCT-SPEC.md section 4), each
//! failure a [`VerifierError`] variant:
//! - the number of public inputs equals the key's, checked first
//!   (ark-groth16 0.6 zips and would treat missing inputs as zero);
//! - proof bytes are 192 (compressed) or 384 (uncompressed) bytes, canonical,
//!   and every point is on the curve (checked explicitly: ark-bls12-381 0.6
//!   does not check uncompressed points), in the prime-order subgroup, and not
//!   the point at infinity;
//! - public inputs given as bytes are canonical scalars (32 bytes,
//!   little-endian, value below r);
//! - the verifying key's points are valid, the key is not degenerate (no
//!   identity point, gamma differs from ±delta: [`BatchVerifier::new`]), and
//!   its fingerprint can be checked against the configured one
//!   ([`BatchVerifier::check_fingerprint`]).
//!
//! Must never:
//! - trust public inputs from the sender: ring roots are recomputed by the
//!   runtime from the ledger's commitments, key images and commitments are
//!   taken from the transaction and checked for uniqueness by the runtime,
//!   `ctx` is computed from the transaction body. This crate verifies the
//!   inputs it is given; deriving them is the runtime's job;
//! - use proof bytes, or a hash of them, as an identifier: Groth16 proofs are
//!   re-randomisable (`Groth16::rerandomize_proof` turns a valid proof into a
//!   different valid proof of the same statement without the witness), so
//!   one statement has many valid byte strings. Identify transactions by
//!   their body and key images instead;
//! - accept a wrong public-input count, an unchecked point or a
//!   non-canonical encoding; report "invalid" any other way than
//!   [`Verdict::Invalid`] (there is no `Result<bool>`); panic on input;
//! - use predictable batch scalars: they are fresh per batch equation, 128
//!   bits, non-zero, from a CSPRNG seeded from the OS per call (never from a
//!   fixed seed, and there is no way to inject one);
//! - install a metrics recorder, open a port or read files.
//!
//! Threads: every call runs on the configured Rayon pool (the caller's by
//! default, or a dedicated one). Decoding, MSMs and pairings run on blst
//! through `ringct-blst` (no blst type in this crate's API); the batch
//! equation's per-item work and its multi-Miller loop are split over the
//! pool. The arkworks decoder stays as the reference that names every
//! refused point's rule.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod batch;
pub mod decode;
pub mod error;
pub mod fingerprint;
pub mod item;
mod metrics;
mod prepared;
pub mod queue;
pub mod stats;
pub mod verifier;

pub use decode::{Encoding, PROOF_COMPRESSED_LEN, PROOF_UNCOMPRESSED_LEN, PUBLIC_INPUT_LEN};
pub use error::{Point, VerifierError};
pub use fingerprint::{Fingerprint, FINGERPRINT_DOMAIN};
pub use item::Item;
pub use queue::{QueueConfig, VerdictHandle, VerifyQueue};
pub use stats::{Mode, Report, Stats, Verdict};
pub use verifier::{BatchVerifier, DEFAULT_CHUNK_SIZE};

/// Re-exported so callers name the same types as this crate.
pub use ark_bls12_381::{Bls12_381, Fr};
/// A Groth16 proof over BLS12-381.
pub type Proof = ark_groth16::Proof<Bls12_381>;
/// A Groth16 verifying key over BLS12-381.
pub type VerifyingKey = ark_groth16::VerifyingKey<Bls12_381>;

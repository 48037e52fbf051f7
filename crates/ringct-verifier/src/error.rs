//! The crate's one error enum: each variant is one rule that was broken.
//!
//! The same enum is the reason inside [`Verdict::Invalid`](crate::Verdict),
//! so a proof is either `Valid` or `Invalid(rule)`; there is no second way of
//! saying "invalid".

use crate::fingerprint::Fingerprint;
use ringct_circuit::CircuitError;
use std::fmt;

/// Which curve point a rule is about: one of the proof's three points or an
/// element of the verifying key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Point {
    /// The proof's `A` (G1).
    ProofA,
    /// The proof's `B` (G2).
    ProofB,
    /// The proof's `C` (G1).
    ProofC,
    /// The key's `alpha` (G1).
    KeyAlpha,
    /// The key's `beta` (G2).
    KeyBeta,
    /// The key's `gamma` (G2).
    KeyGamma,
    /// The key's `delta` (G2).
    KeyDelta,
    /// The key's `gamma_abc[i]` (G1): `i = 0` is the constant term, `i >= 1`
    /// belongs to public input `i - 1`.
    KeyGammaAbc(usize),
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::ProofA => f.write_str("proof point A"),
            Point::ProofB => f.write_str("proof point B"),
            Point::ProofC => f.write_str("proof point C"),
            Point::KeyAlpha => f.write_str("verifying key alpha"),
            Point::KeyBeta => f.write_str("verifying key beta"),
            Point::KeyGamma => f.write_str("verifying key gamma"),
            Point::KeyDelta => f.write_str("verifying key delta"),
            Point::KeyGammaAbc(i) => write!(f, "verifying key gamma_abc[{i}]"),
        }
    }
}

/// Why a proof, an input, a key or a configuration was refused.
///
/// Per-item rules (everything except the key, fingerprint and pool variants)
/// end up inside [`Verdict::Invalid`](crate::Verdict).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifierError {
    /// The number of public inputs differs from the verifying key's. Checked
    /// before anything else: ark-groth16 would silently treat missing inputs
    /// as zero and ignore extra ones.
    #[error("the verifying key takes {expected} public inputs but {got} were given")]
    InputCountMismatch {
        /// Public inputs the key takes.
        expected: usize,
        /// Public inputs supplied.
        got: usize,
    },
    /// Proof bytes of a length that is neither 192 (compressed) nor 384
    /// (uncompressed); this includes trailing bytes.
    #[error("a proof is 192 bytes compressed or 384 bytes uncompressed, got {got} bytes")]
    ProofLength {
        /// Length supplied.
        got: usize,
    },
    /// The flag bits of an encoded point are inconsistent (compression flag
    /// for the wrong length, infinity flag with non-zero coordinates, sort flag
    /// on an uncompressed or infinity point), or the bytes are not the
    /// point's unique canonical encoding.
    #[error("{point}: flag bits or encoding are not canonical")]
    NonCanonicalPoint {
        /// The point.
        point: Point,
    },
    /// A coordinate of an encoded point is not below the base-field modulus p.
    #[error("{point}: a coordinate is not below the base-field modulus")]
    CoordinateOutOfRange {
        /// The point.
        point: Point,
    },
    /// The point is not on the curve (uncompressed: the coordinates do not
    /// satisfy the curve equation; compressed: no point has this x).
    #[error("{point} is not on the curve")]
    PointNotOnCurve {
        /// The point.
        point: Point,
    },
    /// The point is on the curve but not in the prime-order subgroup.
    #[error("{point} is not in the prime-order subgroup")]
    PointNotInSubgroup {
        /// The point.
        point: Point,
    },
    /// The point at infinity where a non-trivial point is required.
    #[error("{point} is the point at infinity")]
    IdentityPoint {
        /// The point.
        point: Point,
    },
    /// A public input given as bytes is not a canonical scalar (its 32-byte
    /// little-endian value is not below the scalar-field modulus r).
    #[error("public input {index} is not a canonical field element (value >= r)")]
    NonCanonicalPublicInput {
        /// Position of the input.
        index: usize,
    },
    /// The statement an item was built from does not match its own shape.
    #[error("malformed statement: {0}")]
    Statement(#[from] CircuitError),
    /// The proof is well formed but the Groth16 pairing equation does not
    /// hold for these public inputs under this key.
    #[error("the Groth16 verification equation does not hold")]
    EquationFailed,
    /// A verifying key with no `gamma_abc` element (not even the constant term).
    #[error("the verifying key has an empty gamma_abc")]
    EmptyVerifyingKey,
    /// The verifying key's gamma equals its delta: the public-input term
    /// `e(IC, gamma)` merges with `e(C, delta)`, and anyone can prove any
    /// statement (`A = alpha`, `B = beta`, `C = -IC`).
    #[error(
        "degenerate verifying key: gamma equals delta (proofs could be forged for any statement)"
    )]
    GammaEqualsDelta,
    /// The verifying key's gamma equals minus its delta: as with
    /// [`VerifierError::GammaEqualsDelta`], anyone can prove any statement
    /// (`A = alpha`, `B = beta`, `C = IC`).
    #[error(
        "degenerate verifying key: gamma equals -delta (proofs could be forged for any statement)"
    )]
    GammaEqualsNegatedDelta,
    /// The key was made for a shape with a different number of public inputs.
    #[error("the verifying key takes {key} public inputs but shape {shape} has {expected}")]
    ShapeMismatch {
        /// The shape, as text.
        shape: String,
        /// Public inputs the shape has.
        expected: usize,
        /// Public inputs the key takes.
        key: usize,
    },
    /// The key's fingerprint is not the configured one.
    #[error("verifying key fingerprint {got} does not match the configured {expected}")]
    FingerprintMismatch {
        /// The configured fingerprint.
        expected: Fingerprint,
        /// The key's fingerprint.
        got: Fingerprint,
    },
    /// A fingerprint string is not 64 hexadecimal digits.
    #[error("a fingerprint is 64 hex digits, got {0:?}")]
    MalformedFingerprint(String),
    /// The verifying key could not be serialised (for its fingerprint).
    #[error("cannot serialise the verifying key: {0}")]
    KeySerialization(String),
    /// A dedicated Rayon pool could not be built.
    #[error("cannot build a verification thread pool: {0}")]
    ThreadPool(String),
    /// A verification queue was configured with `max_batch` zero.
    #[error("the verification queue's max_batch must be at least 1")]
    QueueZeroBatch,
    /// The verification queue's worker thread could not be started.
    #[error("cannot start the verification queue worker: {0}")]
    QueueSpawn(String),
    /// An item was submitted after the queue's shutdown began.
    #[error("the verification queue is shut down")]
    QueueShutDown,
    /// The queue's worker ended without a verdict for this item (the verifier
    /// panicked while verifying its batch). The item was not found valid.
    #[error("the verification queue worker gave no verdict for this item")]
    QueueNoVerdict,
    /// The queue's worker thread panicked outside verification.
    #[error("the verification queue worker panicked")]
    QueueWorkerPanicked,
}

//! The crate's one error enum: each variant is one rule that was broken.

use ringct_circuit::{CircuitError, Shape};
use std::path::PathBuf;

/// Why keys could not be made or loaded, a configuration was refused, or a
/// witness did not yield a proof.
#[derive(Debug, thiserror::Error)]
pub enum ProverError {
    /// The witness breaks a rule of the statement; no proof is attempted.
    #[error("invalid witness: {0}")]
    InvalidWitness(#[from] CircuitError),
    /// The witness is for another shape than the prover's key.
    #[error("the witness is for shape {witness} but the prover's key is for {key}")]
    WitnessShapeMismatch {
        /// Shape of the witness.
        witness: Shape,
        /// Shape of the proving key.
        key: Shape,
    },
    /// Constraint synthesis or the Groth16 prover failed.
    #[error("synthesis failed: {0}")]
    Synthesis(String),
    /// The circuit and the proving key disagree on the number of variables.
    #[error("the circuit has {circuit} {what} but the proving key expects {key}")]
    CircuitKeyMismatch {
        /// Which count differs.
        what: &'static str,
        /// Count in the circuit.
        circuit: usize,
        /// Count the key expects.
        key: usize,
    },
    /// A key file does not exist.
    #[error("key file {0} does not exist")]
    KeyFileMissing(PathBuf),
    /// A key file could not be read or written.
    #[error("key file {path}: {source}")]
    KeyFileIo {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A key file ends before its header or payload does.
    #[error("key file {0} is truncated")]
    KeyFileTruncated(PathBuf),
    /// A key file does not start with the expected magic bytes.
    #[error("key file {0} is not a RingCT key file (bad magic)")]
    KeyFileBadMagic(PathBuf),
    /// A key file has a format version this build cannot read.
    #[error("key file {path} has format version {found}; this build reads version {supported}")]
    KeyFileVersion {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: u16,
        /// Version this build reads.
        supported: u16,
    },
    /// A key file holds another kind of key than the one asked for.
    #[error("key file {0} holds the wrong kind of key")]
    KeyFileWrongKind(PathBuf),
    /// A key file is for another shape.
    #[error("key file {path} is for shape {found}, expected {expected}")]
    KeyFileShapeMismatch {
        /// The file.
        path: PathBuf,
        /// Shape asked for.
        expected: Shape,
        /// Shape in the header (as text; it may not even be a valid shape).
        found: String,
    },
    /// The payload does not match the checksum in the header.
    #[error("key file {0} is corrupted (checksum mismatch)")]
    KeyFileCorrupted(PathBuf),
    /// The payload does not decode to a valid key (bad encoding or an invalid point).
    #[error("key file {path} holds an invalid key: {reason}")]
    KeyFileInvalidKey {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The key's fingerprint differs from the expected one.
    #[error("key fingerprint mismatch: expected {expected}, found {found}")]
    FingerprintMismatch {
        /// The fingerprint expected (header or configuration).
        expected: String,
        /// The fingerprint of the key actually loaded.
        found: String,
    },
    /// An environment variable does not parse.
    #[error("{var}={value:?} is invalid: {reason}")]
    EnvInvalid {
        /// Variable name.
        var: &'static str,
        /// Its value.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// An environment variable is zero where zero has no meaning.
    #[error("{var} must be greater than zero")]
    EnvZero {
        /// Variable name.
        var: &'static str,
    },
    /// The Rayon pool could not be built.
    #[error("could not build the prover thread pool: {0}")]
    ThreadPool(String),
}

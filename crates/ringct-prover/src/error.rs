//! The crate's one error enum: each variant is one rule that was broken.

use crate::keyfile::KeyKind;
use ringct_circuit::{CircuitError, Shape};
use std::fmt;
use std::path::PathBuf;

/// Where key-file bytes came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFileOrigin {
    /// A file on disk (the path-based loaders).
    Path(PathBuf),
    /// Bytes given to `keyfile::decode_*_key_file`, not read from a file.
    Bytes,
}

impl fmt::Display for KeyFileOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyFileOrigin::Path(path) => write!(f, "key file {}", path.display()),
            KeyFileOrigin::Bytes => f.write_str("key file bytes (in memory)"),
        }
    }
}

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
    #[error("key file {} does not exist", .0.display())]
    KeyFileMissing(PathBuf),
    /// A key file could not be read or written.
    #[error("key file {}: {source}", path.display())]
    KeyFileIo {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Key-file bytes end before their header or payload does.
    #[error("{0} is truncated")]
    KeyFileTruncated(KeyFileOrigin),
    /// Key-file bytes do not start with the expected magic bytes.
    #[error("{0} is not a RingCT key file (bad magic)")]
    KeyFileBadMagic(KeyFileOrigin),
    /// A key file has a format version this build cannot read (version 1
    /// files hold protocol v1 keys, which do not fit the v2 circuit).
    #[error("{origin} has format version {found}; this build reads version {supported} (regenerate the keys with ringct-keygen)")]
    KeyFileVersion {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// Version in the file.
        found: u16,
        /// Version this build reads.
        supported: u16,
    },
    /// A key file holds another kind of key than the one asked for.
    #[error(
        "{origin} holds the wrong kind of key: expected a {expected}, the header says kind {found}"
    )]
    KeyFileWrongKind {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// The kind asked for.
        expected: KeyKind,
        /// The kind byte in the header.
        found: u8,
    },
    /// The header's reserved byte is not zero.
    #[error("{origin} has reserved header byte {found}, which must be 0")]
    KeyFileReserved {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// The byte found.
        found: u8,
    },
    /// A key file is for another shape.
    #[error("{origin} is for shape {found}, expected {expected}")]
    KeyFileShapeMismatch {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// Shape asked for.
        expected: Shape,
        /// Shape in the header (as text; it may not even be a valid shape).
        found: String,
    },
    /// The payload is longer than the header's payload length (a shorter
    /// payload is [`ProverError::KeyFileTruncated`]).
    #[error("{origin} has a {actual}-byte payload but its header says {declared} bytes")]
    KeyFileLength {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// Payload length in the header.
        declared: u64,
        /// Bytes after the header.
        actual: u64,
    },
    /// The payload does not match the checksum in the header.
    #[error("{0} is corrupted (checksum mismatch)")]
    KeyFileCorrupted(KeyFileOrigin),
    /// The payload does not decode as a key (arkworks' canonical uncompressed
    /// encoding: lengths, flags, coordinates below the modulus).
    #[error("{origin} holds an invalid key encoding: {reason}")]
    KeyFileInvalidKey {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// What the decoder reported.
        reason: String,
    },
    /// Bytes follow the key's encoding inside the payload.
    #[error("{origin} has {extra} bytes after the key's encoding")]
    KeyFileTrailingBytes {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// Number of extra bytes.
        extra: usize,
    },
    /// A point of the key is not on its curve.
    #[error("{origin}: a point of {what} is not on its curve")]
    KeyFilePointNotOnCurve {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// The key element holding the point.
        what: &'static str,
    },
    /// A point of the key is on its curve but outside the prime-order subgroup.
    #[error("{origin}: a point of {what} is not in the prime-order subgroup")]
    KeyFilePointNotInSubgroup {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// The key element holding the point.
        what: &'static str,
    },
    /// The key takes another number of public inputs than the shape has.
    #[error("{origin}: the key has {found} gamma_abc points, shape needs {expected} (public inputs + 1)")]
    KeyFileInputCount {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// `shape.num_public_inputs() + 1`.
        expected: usize,
        /// `gamma_abc_g1.len()` in the key.
        found: usize,
    },
    /// A proving key's parts disagree in length.
    #[error("{origin}: inconsistent proving key: {reason}")]
    KeyFileInconsistentKey {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// Which lengths disagree.
        reason: &'static str,
    },
    /// The fingerprint in the header is not the fingerprint of the key in
    /// the payload.
    #[error(
        "{origin}: the header says fingerprint {header} but the key's fingerprint is {computed}"
    )]
    KeyFileFingerprint {
        /// Where the bytes came from.
        origin: KeyFileOrigin,
        /// Fingerprint in the header.
        header: String,
        /// Fingerprint of the decoded key.
        computed: String,
    },
    /// The key is valid but is not the one configured (pinned fingerprint).
    #[error("key fingerprint mismatch: expected {expected}, found {found}")]
    FingerprintMismatch {
        /// The fingerprint the caller pinned.
        expected: String,
        /// The fingerprint of the key actually loaded.
        found: String,
    },
    /// An environment variable's value is not valid UTF-8.
    #[error("{var} is not valid UTF-8 ({value:?}); set it to UTF-8 text or unset it")]
    EnvNotUnicode {
        /// Variable name.
        var: &'static str,
        /// Its raw value.
        value: std::ffi::OsString,
    },
    /// An environment variable is set but empty or blank (unset it for the default).
    #[error("{var} is set but empty; give it a value or unset it for the default")]
    EnvEmpty {
        /// Variable name.
        var: &'static str,
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
    /// A configuration value is above its bound (from its variable, or set in
    /// code: the variable that sets the field is named).
    #[error("{var}={value} is above its bound {max} ({why})")]
    EnvOutOfRange {
        /// Variable name.
        var: &'static str,
        /// The value given.
        value: u64,
        /// The largest value accepted.
        max: u64,
        /// Why the bound is there.
        why: &'static str,
    },
    /// A variable that only applies with another one's setting is set without
    /// it (`RINGCT_PAR_BATCH_TARGET_MS` without `RINGCT_PAR_BATCH=auto`): it
    /// would be ignored, so it is refused.
    #[error("{var}={value:?} only applies with {needs}=auto; set {needs}=auto or unset {var}")]
    EnvNeedsAuto {
        /// Variable name.
        var: &'static str,
        /// The value given.
        value: String,
        /// The variable that must be `auto`.
        needs: &'static str,
    },
    /// The Rayon pool could not be built.
    #[error("could not build the prover thread pool: {0}")]
    ThreadPool(String),
    /// A remote proving backend (a cluster of workers) returned no proof for
    /// a witness that passed the native check, or could not be reached.
    #[error("proving backend: {0}")]
    Backend(String),
    /// blst refused a proving-key point when the key loaded (a point off
    /// its curve) or an MSM's inputs (counts that do not match).
    #[error("blst MSM engine: {0}")]
    Msm(String),
}

impl ProverError {
    /// Whether the error is a configuration error: a value the operator must
    /// change (an environment variable, or keys that cannot be used: a key
    /// file that is missing, unreadable, for another shape or circuit, or
    /// broken in any way). Binaries exit with status 2 for these and 1 for
    /// the rest (runtime failures).
    pub fn is_configuration(&self) -> bool {
        match self {
            ProverError::EnvNotUnicode { .. }
            | ProverError::EnvEmpty { .. }
            | ProverError::EnvInvalid { .. }
            | ProverError::EnvZero { .. }
            | ProverError::EnvOutOfRange { .. }
            | ProverError::EnvNeedsAuto { .. }
            | ProverError::KeyFileMissing(_)
            | ProverError::KeyFileIo { .. }
            | ProverError::KeyFileTruncated(_)
            | ProverError::KeyFileBadMagic(_)
            | ProverError::KeyFileVersion { .. }
            | ProverError::KeyFileWrongKind { .. }
            | ProverError::KeyFileReserved { .. }
            | ProverError::KeyFileShapeMismatch { .. }
            | ProverError::KeyFileLength { .. }
            | ProverError::KeyFileCorrupted(_)
            | ProverError::KeyFileInvalidKey { .. }
            | ProverError::KeyFileTrailingBytes { .. }
            | ProverError::KeyFilePointNotOnCurve { .. }
            | ProverError::KeyFilePointNotInSubgroup { .. }
            | ProverError::KeyFileInputCount { .. }
            | ProverError::KeyFileInconsistentKey { .. }
            | ProverError::KeyFileFingerprint { .. }
            | ProverError::FingerprintMismatch { .. }
            | ProverError::CircuitKeyMismatch { .. } => true,
            ProverError::InvalidWitness(_)
            | ProverError::WitnessShapeMismatch { .. }
            | ProverError::Synthesis(_)
            | ProverError::ThreadPool(_)
            | ProverError::Backend(_)
            | ProverError::Msm(_) => false,
        }
    }
}

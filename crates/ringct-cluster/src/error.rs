//! The crate's one error enum: each variant is one rule that was broken.

use ringct_prover::ProverError;

/// Why a queue operation, a worker or the cluster client failed.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The database could not be reached, or a statement failed.
    #[error("PostgreSQL: {0}")]
    Database(#[from] postgres::Error),
    /// The TLS connector could not be built (bad CA file, no TLS library).
    #[error("TLS to PostgreSQL: {0}")]
    Tls(String),
    /// The server's TLS certificate was refused: its chain does not lead to
    /// a trusted CA (the system's, or `--ca-file`), or it names another host.
    #[error("TLS to PostgreSQL at {host} refused: {reason} (is the server's CA in the CA file, and does its certificate name this host?)")]
    TlsRefused {
        /// The host connected to.
        host: String,
        /// The TLS library's reason.
        reason: String,
    },
    /// The URL requires TLS and the server does not offer it.
    #[error("PostgreSQL at {host} does not offer TLS, and the URL requires it (sslmode=require or verify-full)")]
    TlsUnavailable {
        /// The host connected to.
        host: String,
    },
    /// A file the configuration names could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The database holds a schema version this build does not know.
    #[error("the queue schema in the database has version {found}; this build knows {supported} (upgrade the workers and clients)")]
    SchemaVersion {
        /// Version in the database.
        found: i32,
        /// Newest version this build creates.
        supported: i32,
    },
    /// `RINGCT_PROVER` is neither `local` nor a `postgres://` / `postgresql://` URL.
    #[error("RINGCT_PROVER={0:?} is invalid: use `local` or a postgres:// URL")]
    BackendInvalid(String),
    /// A configuration value is outside its bound.
    #[error("{what}={value} is outside {min}..={max}")]
    OutOfRange {
        /// The setting.
        what: &'static str,
        /// The value given.
        value: u64,
        /// Smallest value accepted.
        min: u64,
        /// Largest value accepted.
        max: u64,
    },
    /// A command-line argument or environment variable does not parse.
    #[error("{what}: {reason}")]
    Config {
        /// The setting.
        what: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// Witness bytes end before a field does.
    #[error("witness bytes are truncated at offset {offset} (reading {field})")]
    WitnessTruncated {
        /// The field being read.
        field: &'static str,
        /// Where the bytes ended.
        offset: usize,
    },
    /// Witness bytes start with an unknown encoding version.
    #[error("witness encoding version {found}, this build reads {supported}")]
    WitnessVersion {
        /// Version byte found.
        found: u8,
        /// Version this build reads.
        supported: u8,
    },
    /// A witness field is not a canonical field element (not below r).
    #[error("witness field {field} at offset {offset} is not canonical")]
    WitnessNonCanonical {
        /// The field.
        field: &'static str,
        /// Its offset.
        offset: usize,
    },
    /// The witness's shape is not a valid shape.
    #[error("witness shape is invalid: {0}")]
    WitnessShape(String),
    /// Bytes follow the witness's encoding.
    #[error("{0} bytes follow the witness encoding")]
    WitnessTrailingBytes(usize),
    /// The witness encoding is larger than [`crate::codec::MAX_WITNESS_BYTES`].
    #[error("witness encoding of {0} bytes is above the bound of {max} bytes", max = crate::codec::MAX_WITNESS_BYTES)]
    WitnessTooLarge(usize),
    /// A batch is larger than the client's bound.
    #[error("a batch of {len} witnesses is above the bound of {max}")]
    BatchTooLarge {
        /// Witnesses in the batch.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// A row in the queue breaks the schema's rules (a proof of the wrong
    /// length, an unknown state): the database was written by something else.
    #[error("corrupt queue row for job {job}: {reason}")]
    CorruptRow {
        /// The job.
        job: i64,
        /// What is wrong.
        reason: String,
    },
    /// The same job appears twice among the results written at once.
    #[error("job {0} appears twice among the results written at once")]
    DuplicateResult(i64),
    /// The client gave up waiting for a batch's results.
    #[error("timed out after {0:?} waiting for the cluster's results")]
    Timeout(std::time::Duration),
    /// Keys could not be loaded, or a prover could not be built.
    #[error(transparent)]
    Prover(#[from] ProverError),
    /// The worker's key directory holds no proving key.
    #[error("no proving keys (ringct-*.pk) in {0}")]
    NoKeys(String),
    /// The metrics endpoint could not be started.
    #[error("metrics endpoint: {0}")]
    Metrics(String),
    /// A throwaway PostgreSQL (tests, bench) could not be started.
    #[error("throwaway PostgreSQL: {0}")]
    Throwaway(String),
}

impl ClusterError {
    /// Whether the error is the operator's to fix (exit status 2 in the
    /// binary), rather than a runtime failure (exit status 1).
    pub fn is_configuration(&self) -> bool {
        match self {
            ClusterError::BackendInvalid(_)
            | ClusterError::OutOfRange { .. }
            | ClusterError::Config { .. }
            | ClusterError::NoKeys(_)
            | ClusterError::Tls(_)
            | ClusterError::TlsRefused { .. }
            | ClusterError::TlsUnavailable { .. }
            | ClusterError::Io { .. }
            | ClusterError::SchemaVersion { .. } => true,
            ClusterError::Prover(e) => e.is_configuration(),
            _ => false,
        }
    }
}

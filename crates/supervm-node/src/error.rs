//! [`NodeError`]: every way the node refuses a configuration, a genesis, a store, a key
//! or a request. One variant per broken rule; [`NodeError::rule`] is the stable
//! snake_case name the API and the admission metric use.

use std::net::SocketAddr;
use std::path::PathBuf;

use ringct_circuit::CircuitError;
use ringct_prover::ProverError;
use ringct_verifier::VerifierError;
use supervm_runtime::{ConfigError, DecodeError, Shape, TxError};
use supervm_store::StoreError;

/// Why the node refused something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NodeError {
    // --- configuration -------------------------------------------------------------
    /// The configuration file could not be read.
    #[error("cannot read the configuration file {path}: {source}")]
    ConfigRead {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML for this schema.
    #[error("invalid configuration file {path}: {message}")]
    ConfigSyntax {
        /// The file.
        path: PathBuf,
        /// The parser's message (line, column, unknown key...).
        message: String,
    },
    /// An environment variable is set but is not valid UTF-8.
    #[error("{var} is not valid UTF-8")]
    EnvNotUnicode {
        /// The variable.
        var: &'static str,
    },
    /// A setting (from the file, the environment or the command line) has a bad value.
    #[error("invalid {setting} {value:?}: {reason}")]
    InvalidSetting {
        /// The setting, named as in its source (`block.interval_ms`, `SUPERVM_NODE_NETWORK`, `--api-listen`).
        setting: String,
        /// The value, as given (cut to 80 characters).
        value: String,
        /// What a valid value looks like.
        reason: String,
    },
    /// A fingerprint pin names a shape the node is not configured to verify.
    #[error("keys.pins names {shape}, which keys.shapes does not list")]
    PinWithoutShape {
        /// The shape.
        shape: Shape,
    },
    /// A verifying key could not be loaded, or did not match its pin.
    #[error("verifying key for {shape}: {source}")]
    Keys {
        /// The shape.
        shape: Shape,
        /// Why.
        source: ProverError,
    },
    /// A verifying key was refused by the verifier (degenerate key, wrong input count).
    #[error("verifying key for {shape}: {source}")]
    Verifier {
        /// The shape.
        shape: Shape,
        /// Why.
        source: VerifierError,
    },
    /// The runtime refused its configuration.
    #[error("runtime configuration: {0}")]
    Runtime(#[from] ConfigError),
    /// A listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A thread or runtime could not be started.
    #[error("cannot start {what}: {source}")]
    Spawn {
        /// What.
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// The metrics recorder could not be installed.
    #[error("metrics: {0}")]
    Telemetry(#[from] supervm_telemetry::TelemetryError),

    // --- genesis and store ---------------------------------------------------------
    /// The genesis file could not be read.
    #[error("cannot read the genesis file {path}: {source}")]
    GenesisRead {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The genesis file is malformed.
    #[error("invalid genesis file {path}: {message}")]
    GenesisSyntax {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the JSON path where known.
        message: String,
    },
    /// The genesis is for another network than the configured one.
    #[error("the genesis is for network {genesis}, the node is configured for {configured}")]
    GenesisNetworkMismatch {
        /// The genesis file's network.
        genesis: String,
        /// The configured network.
        configured: String,
    },
    /// `run` found no store in the data dir.
    #[error("no store at {0}: run `supervm-node init --genesis FILE` first")]
    NotInitialised(PathBuf),
    /// The data dir could not be created or used.
    #[error("data dir {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store refused an operation (wrong network or keys, corrupt data, I/O).
    #[error("store: {0}")]
    Store(Box<StoreError>),

    // --- admission -----------------------------------------------------------------
    /// The request body is not a transaction in the canonical encoding.
    #[error("malformed transaction bytes: {0}")]
    MalformedBytes(#[from] DecodeError),
    /// The request body is not a transaction in the JSON form.
    #[error("malformed transaction JSON: {0}")]
    MalformedJson(String),
    /// A field of a JSON transaction is not valid (hex, length, field element, shape).
    #[error("invalid field {field}: {reason}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// A field element or structure of the transaction is not valid.
    #[error("invalid transaction: {0}")]
    InvalidTransaction(#[from] CircuitError),
    /// The transaction is too large for a block.
    #[error("transaction of {len} bytes exceeds the block limit of {max} bytes")]
    TxTooLarge {
        /// Its canonical length.
        len: usize,
        /// block.max_bytes.
        max: usize,
    },
    /// The transaction failed a rule of the runtime at admission (against the current
    /// state), or its proof did not verify.
    #[error("transaction refused: {0}")]
    Rejected(Box<TxError>),
    /// A transaction with this id is already pending.
    #[error("transaction {0} is already pending")]
    AlreadyPending(String),
    /// A transaction with this id is already committed.
    #[error("transaction {0} is already committed")]
    AlreadyCommitted(String),
    /// A pending transaction already spends this key image.
    #[error("key image of input {input} is already spent by pending transaction {by}")]
    KeyImagePending {
        /// The input.
        input: usize,
        /// The pending transaction.
        by: String,
    },
    /// A pending transaction already creates this output commitment.
    #[error("output {output} creates a commitment pending transaction {by} already creates")]
    OutputPending {
        /// The output.
        output: usize,
        /// The pending transaction.
        by: String,
    },
    /// The mempool holds its maximum number of transactions.
    #[error("mempool full: {max} transactions")]
    MempoolFull {
        /// mempool.max_txs.
        max: usize,
    },
    /// The transaction would take the mempool past its byte bound.
    #[error("mempool full: {len} more bytes would exceed {max} bytes")]
    MempoolBytes {
        /// The transaction's length.
        len: usize,
        /// mempool.max_bytes.
        max: usize,
    },
    /// Too many proofs are waiting for verification.
    #[error("verification queue full: {max} proofs pending")]
    VerifyBusy {
        /// The bound.
        max: usize,
    },
    /// The node is shutting down and admits nothing.
    #[error("the node is shutting down")]
    ShuttingDown,
    /// An internal fault (a worker died); the request may be retried.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for NodeError {
    fn from(e: StoreError) -> Self {
        NodeError::Store(Box::new(e))
    }
}

impl From<TxError> for NodeError {
    fn from(e: TxError) -> Self {
        NodeError::Rejected(Box::new(e))
    }
}

impl NodeError {
    /// A stable snake_case name for the broken rule: the `error` field of API errors and
    /// the `reason` label of `supervm_node_admission_rejected_total`. A transaction the
    /// runtime refused is named by its `ErrorKind` (for example `KeyImageSpent`).
    pub fn rule(&self) -> &'static str {
        match self {
            NodeError::ConfigRead { .. } => "config_read",
            NodeError::ConfigSyntax { .. } => "config_syntax",
            NodeError::EnvNotUnicode { .. } => "env_not_unicode",
            NodeError::InvalidSetting { .. } => "invalid_setting",
            NodeError::PinWithoutShape { .. } => "pin_without_shape",
            NodeError::Keys { .. } => "keys",
            NodeError::Verifier { .. } => "verifier",
            NodeError::Runtime(_) => "runtime_config",
            NodeError::Bind { .. } => "bind",
            NodeError::Spawn { .. } => "spawn",
            NodeError::Telemetry(_) => "telemetry",
            NodeError::GenesisRead { .. } => "genesis_read",
            NodeError::GenesisSyntax { .. } => "genesis_syntax",
            NodeError::GenesisNetworkMismatch { .. } => "genesis_network_mismatch",
            NodeError::NotInitialised(_) => "not_initialised",
            NodeError::DataDir { .. } => "data_dir",
            NodeError::Store(_) => "store",
            NodeError::MalformedBytes(_) => "malformed_bytes",
            NodeError::MalformedJson(_) => "malformed_json",
            NodeError::InvalidField { .. } => "invalid_field",
            NodeError::InvalidTransaction(_) => "invalid_transaction",
            NodeError::TxTooLarge { .. } => "tx_too_large",
            NodeError::Rejected(e) => e.kind().name(),
            NodeError::AlreadyPending(_) => "already_pending",
            NodeError::AlreadyCommitted(_) => "already_committed",
            NodeError::KeyImagePending { .. } => "key_image_pending",
            NodeError::OutputPending { .. } => "output_pending",
            NodeError::MempoolFull { .. } => "mempool_full",
            NodeError::MempoolBytes { .. } => "mempool_bytes",
            NodeError::VerifyBusy { .. } => "verify_busy",
            NodeError::ShuttingDown => "shutting_down",
            NodeError::Internal(_) => "internal",
        }
    }

    /// A setting error.
    pub(crate) fn setting(
        setting: impl Into<String>,
        value: &str,
        reason: impl Into<String>,
    ) -> Self {
        NodeError::InvalidSetting {
            setting: setting.into(),
            value: value.chars().take(80).collect(),
            reason: reason.into(),
        }
    }
}

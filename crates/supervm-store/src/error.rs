//! The crate's one error enum: each variant is one broken rule.

use std::path::PathBuf;

use supervm_runtime::{NetworkId, Shape};

/// Why the store refused to open, to commit, or to answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The embedded database failed (I/O, corruption detected by redb, a lock
    /// held by another process).
    #[error("store {op}: {source}")]
    Backend {
        /// What the store was doing.
        op: &'static str,
        /// The database's error.
        source: redb::Error,
    },
    /// A page-cache budget outside the accepted bounds.
    #[error("store cache size {bytes} bytes is outside {min}..={max}")]
    CacheSize {
        /// The budget asked for.
        bytes: usize,
        /// Smallest accepted.
        min: usize,
        /// Largest accepted.
        max: usize,
    },
    /// `open` found no initialised store at the path.
    #[error("no initialised store at {0}; run `supervm-node init` first")]
    NotInitialised(PathBuf),
    /// `init` found an initialised store at the path.
    #[error("a store is already initialised at {0}")]
    AlreadyInitialised(PathBuf),
    /// The store was written with another schema version.
    #[error("the store has schema version {found}; this build reads version {supported}")]
    SchemaVersion {
        /// Version in the store.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },
    /// The store belongs to another network.
    #[error("the store is for network {stored}, but this node is configured for {configured}")]
    NetworkMismatch {
        /// Network in the store.
        stored: String,
        /// Network configured.
        configured: NetworkId,
    },
    /// A shape's verifying-key fingerprint differs from the one the store was
    /// created with.
    #[error("shape {shape}: the store was created with verifying key {stored}, the node is configured with {configured}")]
    FingerprintMismatch {
        /// The shape.
        shape: Shape,
        /// Fingerprint in the store (hex).
        stored: String,
        /// Fingerprint configured (hex).
        configured: String,
    },
    /// A block's height is not the next one.
    #[error("block height {got} does not follow the tip at {tip}")]
    HeightMismatch {
        /// The stored tip.
        tip: u64,
        /// The height given.
        got: u64,
    },
    /// A block has a different number of receipts than transactions.
    #[error("the block has {txs} transactions but {receipts} receipts")]
    ReceiptCountMismatch {
        /// Transactions.
        txs: usize,
        /// Receipts.
        receipts: usize,
    },
    /// A block's state diff does not fit the stored state.
    #[error("the block's state diff does not fit the stored state: {what}")]
    DiffMismatch {
        /// What does not fit.
        what: String,
    },
    /// A transaction id is already committed (or repeated within the block).
    #[error("transaction {0} is already committed")]
    DuplicateTransaction(String),
    /// Bytes read back from the store do not decode.
    #[error("corrupt store: table {table}: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A value is too large for its encoding.
    #[error("{what} is too large to store ({len} bytes, at most {max})")]
    TooLarge {
        /// What.
        what: &'static str,
        /// Its size.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// The state read back does not rebuild (a note repeated, a key image
    /// spent twice).
    #[error("the stored state does not rebuild: {0}")]
    Rebuild(#[from] supervm_runtime::ConfigError),
}

impl StoreError {
    pub(crate) fn backend(op: &'static str) -> impl FnOnce(redb::Error) -> StoreError {
        move |source| StoreError::Backend { op, source }
    }
}

/// Wraps any redb error type into [`StoreError::Backend`].
pub(crate) trait BackendExt<T> {
    fn during(self, op: &'static str) -> Result<T, StoreError>;
}

impl<T, E: Into<redb::Error>> BackendExt<T> for Result<T, E> {
    fn during(self, op: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| StoreError::backend(op)(e.into()))
    }
}

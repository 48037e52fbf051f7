//! The wallet's one error enum: one variant per broken rule.

use std::path::PathBuf;

/// Every way a wallet operation can fail. Messages name the rule and, where it
/// helps, what to do.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// A seed is not 64 hex digits.
    #[error("a seed is 64 hex digits (32 bytes); got {0} characters or non-hex text")]
    SeedSyntax(usize),
    /// A bech32m string (address or view key) fails its checksum.
    #[error("the {what} has a bad checksum: it was mistyped or cut off")]
    Checksum {
        /// `address` or `view key`.
        what: &'static str,
    },
    /// A bech32m string that is not a well-formed address or view key.
    #[error("malformed {what}: {reason}")]
    MalformedKey {
        /// `address` or `view key`.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// An address or view key for another network (its prefix differs).
    #[error("the {what} is for network prefix `{found}`, this wallet uses `{expected}`")]
    WrongNetwork {
        /// `address` or `view key`.
        what: &'static str,
        /// The prefix this wallet uses.
        expected: String,
        /// The prefix found.
        found: String,
    },
    /// A network id that the protocol refuses.
    #[error("invalid network id: {0}")]
    NetworkId(String),
    /// The short text of a note is too long.
    #[error("note text is {len} bytes; at most {max}")]
    NoteTextTooLong {
        /// Its length.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// An ephemeral or recipient key of low order (no shared secret).
    #[error("the recipient's encryption key is of low order: no shared secret can be made")]
    NonContributoryKey,
    /// The AEAD refused to seal (only on absurd lengths; never expected).
    #[error("note encryption failed")]
    Seal,
    /// An amount that does not parse.
    #[error("amount `{text}`: {reason}")]
    AmountSyntax {
        /// The text given.
        text: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A sum of amounts above the largest amount (2^64 - 1 base units).
    #[error("amounts add up to more than 2^64 - 1 base units")]
    AmountOverflow,
    /// Wrong passphrase, or a file altered after it was written.
    #[error("wrong passphrase for {path} (or the file was altered)")]
    WrongPassphrase {
        /// The wallet file.
        path: PathBuf,
    },
    /// A wallet file shorter than its header says: cut off mid-write.
    #[error("wallet file {path} is cut off ({got} bytes, its header needs {needed}); restore it from its seed or a backup")]
    WalletFileTruncated {
        /// The wallet file.
        path: PathBuf,
        /// Bytes present.
        got: u64,
        /// Bytes the header requires.
        needed: u64,
    },
    /// A wallet file that is not one, or breaks a bound.
    #[error("{path} is not a valid wallet file: {reason}")]
    WalletFileMalformed {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A wallet file larger than the bound.
    #[error("wallet file {path} is {len} bytes; at most {max}")]
    WalletFileTooLarge {
        /// The file.
        path: PathBuf,
        /// Its length.
        len: u64,
        /// The bound.
        max: u64,
    },
    /// A wallet file of a format version this build does not read.
    #[error("wallet file {path} has format version {found}; this build reads {supported}")]
    WalletFileVersion {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u16,
        /// The version read here.
        supported: u16,
    },
    /// Creating a wallet where a file already exists.
    #[error("{0} already exists; refusing to overwrite a wallet")]
    WalletExists(PathBuf),
    /// Key-derivation parameters out of bounds.
    #[error("argon2id parameters out of bounds: {0}")]
    KdfParams(String),
    /// An I/O failure on a file.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The node cannot be reached.
    #[error("node at {url} is unreachable: {reason}")]
    NodeUnreachable {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The node answered with an error.
    #[error("node refused {url}: {status} {rule}: {message}")]
    NodeRefused {
        /// The URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// The broken rule, as the node names it.
        rule: String,
        /// The node's message.
        message: String,
    },
    /// The node's answer is not what the API documents.
    #[error("unexpected answer from {url}: {reason}")]
    NodeResponse {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// Wallet and node are on different networks.
    #[error("the wallet is for network `{wallet}` but the node runs `{node}`")]
    NetworkMismatch {
        /// The wallet's network.
        wallet: String,
        /// The node's.
        node: String,
    },
    /// The node's ledger disagrees with what the wallet recorded.
    #[error("the node's note {index} has commitment {found}, the wallet recorded {expected}: is this the same chain?")]
    LedgerMismatch {
        /// The ledger index.
        index: u64,
        /// What the wallet recorded.
        expected: String,
        /// What the node serves.
        found: String,
    },
    /// Not enough unspent value.
    #[error(
        "insufficient funds: need {needed} base units (amount + fee), have {available} unspent"
    )]
    InsufficientFunds {
        /// Amount plus fee.
        needed: u64,
        /// Unspent, not pending.
        available: u64,
    },
    /// No shape the node accepts (and whose proving key is here) fits.
    #[error("no usable shape: need at least {inputs} input(s) and 2 outputs with rings the ledger can fill; node shapes with local proving keys: [{available}]")]
    NoShape {
        /// Inputs the payment needs.
        inputs: usize,
        /// Shapes considered.
        available: String,
    },
    /// A ledger with fewer notes than one ring needs.
    #[error("the ledger has {notes} notes; a ring of {ring_size} needs at least {ring_size} distinct notes, so no spend can hide yet")]
    LedgerTooSmall {
        /// Notes in the ledger.
        notes: u64,
        /// Ring size.
        ring_size: u64,
    },
    /// A note whose aligned bin of four ledger notes is not complete yet, to
    /// be spent in a ring of 16 or more members (drawn in whole bins).
    #[error("note {index} cannot be spent in a ring yet: its group of four ledger notes is not complete (rings of 16 or more members are drawn in whole groups of four consecutive notes, and the ledger has {ledger_notes}); the ledger needs {needed} more note(s), then send again")]
    NoteTooNew {
        /// The note's ledger index.
        index: u64,
        /// Notes in the ledger.
        ledger_notes: u64,
        /// More ledger notes needed to complete its group (1 to 3).
        needed: u64,
    },
    /// A view-only wallet was asked to spend or to derive key images.
    #[error("this is a view-only wallet: it cannot {0} (it holds no spending key)")]
    ViewOnly(&'static str),
    /// The node refuses the spend because a key image is already spent or pending.
    #[error("double spend refused by the node: {0}; run `sync` to refresh spent notes")]
    DoubleSpend(String),
    /// The local proving key for the shape is not the key the node verifies
    /// with (another setup): a proof from it would be refused, so none is made.
    #[error("the proving key {path} for {shape} has fingerprint {found}, but the node verifies {shape} with {expected}; no proof was made and nothing was sent. Install the node's proving key for {shape}")]
    ProvingKeyMismatch {
        /// The shape.
        shape: String,
        /// The key file.
        path: PathBuf,
        /// The node's fingerprint.
        expected: String,
        /// The local key's.
        found: String,
    },
    /// The node refused the proof: it does not verify under the node's
    /// verifying key although the local proving key has the node's
    /// fingerprint (a key file whose proving part comes from another setup).
    #[error("the node rejected the proof ({0}); nothing was spent. The local proving key has the node's fingerprint, so its proving part most likely comes from another setup: install the node's proving key for this shape")]
    ProofRejected(String),
    /// A committed transaction that failed.
    #[error("transaction {id} failed in block {height}: {kind}: {message}")]
    TxFailed {
        /// Its id.
        id: String,
        /// Block height.
        height: u64,
        /// Runtime error kind.
        kind: String,
        /// Message.
        message: String,
    },
    /// No receipt in time.
    #[error("transaction {id} not committed after {seconds} s; check later with `sync`")]
    ReceiptTimeout {
        /// Its id.
        id: String,
        /// Seconds waited.
        seconds: u64,
    },
    /// A key-images file that does not parse or is for another wallet.
    #[error("key images file: {0}")]
    KeyImages(String),
    /// A proving-key or proving failure.
    #[error("prover: {0}")]
    Prover(#[from] ringct_prover::ProverError),
    /// `RINGCT_PROVER` names no usable backend (neither `local` nor a
    /// `postgres://` URL), or the cluster backend cannot be set up.
    #[error("proving backend (RINGCT_PROVER): {0}")]
    ProverBackend(ringct_cluster::ClusterError),
    /// A rule of the protocol (witness, ring, encoding).
    #[error("protocol rule: {0}")]
    Circuit(#[from] ringct_circuit::CircuitError),
    /// A decoy rate that is not a positive finite number.
    #[error("decoy outputs per second must be a positive number; got {0}")]
    DecoyRate(f64),
    /// Reading a passphrase failed.
    #[error("passphrase: {0}")]
    Passphrase(String),
}

impl WalletError {
    /// A stable snake_case name of the broken rule, for `--json` output.
    pub fn rule(&self) -> &'static str {
        use WalletError::*;
        match self {
            SeedSyntax(_) => "seed_syntax",
            Checksum { .. } => "checksum",
            MalformedKey { .. } => "malformed_key",
            WrongNetwork { .. } => "wrong_network",
            NetworkId(_) => "network_id",
            NoteTextTooLong { .. } => "note_text_too_long",
            NonContributoryKey => "non_contributory_key",
            Seal => "seal",
            AmountSyntax { .. } => "amount_syntax",
            AmountOverflow => "amount_overflow",
            WrongPassphrase { .. } => "wrong_passphrase",
            WalletFileTruncated { .. } => "wallet_file_truncated",
            WalletFileMalformed { .. } => "wallet_file_malformed",
            WalletFileTooLarge { .. } => "wallet_file_too_large",
            WalletFileVersion { .. } => "wallet_file_version",
            WalletExists(_) => "wallet_exists",
            KdfParams(_) => "kdf_params",
            Io { .. } => "io",
            NodeUnreachable { .. } => "node_unreachable",
            NodeRefused { .. } => "node_refused",
            NodeResponse { .. } => "node_response",
            NetworkMismatch { .. } => "network_mismatch",
            LedgerMismatch { .. } => "ledger_mismatch",
            InsufficientFunds { .. } => "insufficient_funds",
            NoShape { .. } => "no_shape",
            LedgerTooSmall { .. } => "ledger_too_small",
            NoteTooNew { .. } => "note_too_new",
            ViewOnly(_) => "view_only",
            DoubleSpend(_) => "double_spend",
            ProofRejected(_) => "proof_rejected",
            ProvingKeyMismatch { .. } => "proving_key_mismatch",
            TxFailed { .. } => "tx_failed",
            ReceiptTimeout { .. } => "receipt_timeout",
            KeyImages(_) => "key_images",
            Prover(_) => "prover",
            ProverBackend(_) => "prover_backend",
            Circuit(_) => "circuit",
            DecoyRate(_) => "decoy_rate",
            Passphrase(_) => "passphrase",
        }
    }
}

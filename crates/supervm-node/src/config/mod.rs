//! The node's configuration: defaults, then a TOML file, then `SUPERVM_NODE_*`
//! environment variables, then command-line flags (each overrides the one before).
//!
//! Every value is checked against an explicit bound ([`bounds`]); a bad value is a
//! [`NodeError::InvalidSetting`] naming the setting as its source spells it. Unknown keys
//! in the file are refused, so a typo never silently falls back to a default.
//! Environment variables are read with `var_os`: a value that is not UTF-8 is an error,
//! never replaced by the default.
//!
//! The runtime's own variables (`SUPERVM_ENABLE_FAST_FALLBACK`,
//! `SUPERVM_FALLBACK_ON_ERRORS`) keep working: the node reads them with
//! `FallbackPolicy::from_env`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ringct_circuit::NetworkId;
use supervm_runtime::Shape;

use crate::error::NodeError;

mod layers;
#[cfg(test)]
mod tests;

use layers::FileConfig;

/// Bounds on every numeric setting, and why.
pub mod bounds {
    /// Largest block interval: an hour. Longer intervals only delay commits.
    pub const MAX_BLOCK_INTERVAL_MS: u64 = 3_600_000;
    /// Most transactions per block: 10 000. Receipts are served only after a block
    /// commits, so a block must stay small enough to execute and commit in seconds.
    pub const MAX_BLOCK_TXS: usize = 10_000;
    /// Largest block, in canonical transaction bytes: 64 MiB (one redb write).
    pub const MAX_BLOCK_BYTES: usize = 64 << 20;
    /// Most pending transactions: one million.
    pub const MAX_MEMPOOL_TXS: usize = 1_000_000;
    /// Largest mempool, in canonical transaction bytes: 4 GiB.
    pub const MAX_MEMPOOL_BYTES: usize = 4 << 30;
    /// Largest request body: 16 MiB (a transaction is at most a few hundred KiB; a
    /// public transaction's Write is bounded by 1 MiB, twice that as hex in JSON).
    pub const MAX_BODY_BYTES: usize = 16 << 20;
    /// Longest request timeout: ten minutes.
    pub const MAX_REQUEST_TIMEOUT_MS: u64 = 600_000;
    /// Most requests served at once: 10 000.
    pub const MAX_CONCURRENT_REQUESTS: usize = 10_000;
    /// Most proofs per verification batch (the verifier's own bound).
    pub const MAX_VERIFY_BATCH: usize = 1024;
    /// Longest a proof waits for its batch: ten seconds.
    pub const MAX_VERIFY_LATENCY_MS: u64 = 10_000;
    /// Most runtime threads (the prover's bound).
    pub const MAX_THREADS: usize = 256;
    /// The store's page-cache budget: 1 MiB to 64 GiB (the store's own bounds).
    pub const MIN_STORE_CACHE_BYTES: usize = supervm_store::options::MIN_CACHE_BYTES;
    /// Largest store page-cache budget.
    pub const MAX_STORE_CACHE_BYTES: usize = supervm_store::options::MAX_CACHE_BYTES;
}

/// Names of the environment variables the node reads (besides the runtime's).
pub mod env {
    /// Data dir.
    pub const DATA_DIR: &str = "SUPERVM_NODE_DATA_DIR";
    /// Network id.
    pub const NETWORK: &str = "SUPERVM_NODE_NETWORK";
    /// Directory of the verifying-key files.
    pub const KEYS_DIR: &str = "SUPERVM_NODE_KEYS_DIR";
    /// Comma-separated shapes whose private transactions the node accepts.
    pub const SHAPES: &str = "SUPERVM_NODE_SHAPES";
    /// API listen address.
    pub const API_LISTEN: &str = "SUPERVM_NODE_API_LISTEN";
    /// Metrics listen address.
    pub const METRICS_LISTEN: &str = "SUPERVM_NODE_METRICS_LISTEN";
    /// Block interval, in milliseconds.
    pub const BLOCK_INTERVAL_MS: &str = "SUPERVM_NODE_BLOCK_INTERVAL_MS";
    /// Most transactions per block.
    pub const BLOCK_MAX_TXS: &str = "SUPERVM_NODE_BLOCK_MAX_TXS";
    /// Most pending transactions.
    pub const MEMPOOL_MAX_TXS: &str = "SUPERVM_NODE_MEMPOOL_MAX_TXS";
    /// Most pending bytes.
    pub const MEMPOOL_MAX_BYTES: &str = "SUPERVM_NODE_MEMPOOL_MAX_BYTES";
    /// Runtime threads.
    pub const THREADS: &str = "SUPERVM_NODE_THREADS";
    /// The store's page-cache budget, in bytes.
    pub const STORE_CACHE_BYTES: &str = "SUPERVM_NODE_STORE_CACHE_BYTES";
    /// Every variable above.
    pub const ALL: &[&str] = &[
        DATA_DIR,
        NETWORK,
        KEYS_DIR,
        SHAPES,
        API_LISTEN,
        METRICS_LISTEN,
        BLOCK_INTERVAL_MS,
        BLOCK_MAX_TXS,
        MEMPOOL_MAX_TXS,
        MEMPOOL_MAX_BYTES,
        THREADS,
        STORE_CACHE_BYTES,
    ];
}

/// The store file inside the data dir.
pub const STORE_FILE: &str = "state.redb";

/// Default API address.
pub const DEFAULT_API_LISTEN: &str = "127.0.0.1:8645";
/// Default metrics address: deploy/prometheus's `supervm-runtime` job scrapes :9100.
pub const DEFAULT_METRICS_LISTEN: &str = "127.0.0.1:9100";

/// Verifying keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysConfig {
    /// Directory holding `ringct-<shape>.vk` files (as `ringct-keygen` writes them).
    /// `None`: the node accepts no private transaction.
    pub dir: Option<PathBuf>,
    /// Shapes to load keys for, each with an optional fingerprint pin.
    pub shapes: BTreeMap<Shape, Option<[u8; 32]>>,
}

/// The whole configuration, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeConfig {
    /// Where the store lives (`<data_dir>/state.redb`).
    pub data_dir: PathBuf,
    /// The network; bound into every private transaction and recorded in the store.
    pub network: NetworkId,
    /// Verifying keys.
    pub keys: KeysConfig,
    /// A block is produced this often when transactions are pending…
    pub block_interval: Duration,
    /// …or as soon as this many are pending.
    pub block_max_txs: usize,
    /// Most canonical bytes of transactions per block.
    pub block_max_bytes: usize,
    /// Most pending transactions.
    pub mempool_max_txs: usize,
    /// Most pending canonical bytes.
    pub mempool_max_bytes: usize,
    /// API address.
    pub api_listen: SocketAddr,
    /// Largest request body.
    pub api_max_body_bytes: usize,
    /// Longest a request may take (a private submission waits for its verdict).
    pub api_request_timeout: Duration,
    /// Most requests served at once; more are refused with 503.
    pub api_max_concurrent_requests: usize,
    /// Metrics address (`/metrics`, `/healthz`, `/readyz`).
    pub metrics_listen: SocketAddr,
    /// Most proofs per verification batch.
    pub verify_max_batch: usize,
    /// Longest a proof waits for others to batch with.
    pub verify_max_latency: Duration,
    /// Threads of the runtime and the verifiers.
    pub threads: usize,
    /// The store's page-cache budget, in bytes (redb's own default would be 1 GiB).
    pub store_cache_bytes: usize,
}

impl NodeConfig {
    /// Defaults for a data dir: devnet, no keys, 1 s blocks of at most 1 000
    /// transactions and 8 MiB, a 100 000-transaction / 256 MiB mempool, the API on
    /// 127.0.0.1:8645 and metrics on 127.0.0.1:9100, 1 MiB bodies, 30 s requests, 1 024
    /// concurrent requests, verification batches of 64 within 20 ms, 2 threads, a
    /// 64 MiB store cache.
    pub fn defaults(data_dir: PathBuf) -> Self {
        NodeConfig {
            data_dir,
            network: NetworkId::devnet(),
            keys: KeysConfig {
                dir: None,
                shapes: BTreeMap::new(),
            },
            block_interval: Duration::from_millis(1000),
            block_max_txs: 1000,
            block_max_bytes: 8 << 20,
            mempool_max_txs: 100_000,
            mempool_max_bytes: 256 << 20,
            api_listen: DEFAULT_API_LISTEN.parse().expect("constant address"),
            api_max_body_bytes: 1 << 20,
            api_request_timeout: Duration::from_secs(30),
            api_max_concurrent_requests: 1024,
            metrics_listen: DEFAULT_METRICS_LISTEN.parse().expect("constant address"),
            verify_max_batch: 64,
            verify_max_latency: Duration::from_millis(20),
            threads: 2,
            store_cache_bytes: supervm_store::options::DEFAULT_CACHE_BYTES,
        }
    }

    /// The store's path.
    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join(STORE_FILE)
    }

    /// How the store opens its database.
    pub fn store_options(&self) -> Result<supervm_store::StoreOptions, NodeError> {
        Ok(supervm_store::StoreOptions::with_cache_bytes(
            self.store_cache_bytes,
        )?)
    }

    /// Loads the configuration: defaults, then `file` (if any), then the environment
    /// (through `lookup`, usually `std::env::var_os`), then `flags`.
    pub fn load(
        file: Option<&Path>,
        lookup: impl Fn(&str) -> Option<OsString>,
        flags: &Overrides,
    ) -> Result<Self, NodeError> {
        let mut raw = match file {
            Some(path) => FileConfig::read(path)?,
            None => FileConfig::default(),
        };
        raw.apply_env(&lookup)?;
        raw.apply(flags);
        raw.finish()
    }
}

/// Settings given on the command line (each `None` when the flag is absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--network`.
    pub network: Option<String>,
    /// `--keys-dir`.
    pub keys_dir: Option<PathBuf>,
    /// `--shapes` (comma-separated).
    pub shapes: Option<String>,
    /// `--api-listen`.
    pub api_listen: Option<String>,
    /// `--metrics-listen`.
    pub metrics_listen: Option<String>,
    /// `--block-interval-ms`.
    pub block_interval_ms: Option<String>,
    /// `--block-max-txs`.
    pub block_max_txs: Option<String>,
}

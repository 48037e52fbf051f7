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
use serde::Deserialize;
use supervm_runtime::Shape;

use crate::error::NodeError;

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
}

impl NodeConfig {
    /// Defaults for a data dir: devnet, no keys, 1 s blocks of at most 1 000
    /// transactions and 8 MiB, a 100 000-transaction / 256 MiB mempool, the API on
    /// 127.0.0.1:8645 and metrics on 127.0.0.1:9100, 1 MiB bodies, 30 s requests, 1 024
    /// concurrent requests, verification batches of 64 within 20 ms, 2 threads.
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
        }
    }

    /// The store's path.
    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join(STORE_FILE)
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

/// A value and where it came from (for error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Sourced {
    value: String,
    source: String,
}

fn sourced(value: impl Into<String>, source: impl Into<String>) -> Option<Sourced> {
    Some(Sourced {
        value: value.into(),
        source: source.into(),
    })
}

/// The TOML file's schema. Every field optional; unknown keys refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    network: Option<String>,
    threads: Option<u64>,
    #[serde(default)]
    keys: FileKeys,
    #[serde(default)]
    block: FileBlock,
    #[serde(default)]
    mempool: FileMempool,
    #[serde(default)]
    api: FileApi,
    #[serde(default)]
    metrics: FileMetrics,
    #[serde(default)]
    verify: FileVerify,
    /// Values from the environment and flags, as text, by setting.
    #[serde(skip)]
    text: BTreeMap<&'static str, Sourced>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKeys {
    dir: Option<PathBuf>,
    shapes: Option<Vec<String>>,
    #[serde(default)]
    pins: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBlock {
    interval_ms: Option<u64>,
    max_txs: Option<u64>,
    max_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMempool {
    max_txs: Option<u64>,
    max_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileApi {
    listen: Option<String>,
    max_body_bytes: Option<u64>,
    request_timeout_ms: Option<u64>,
    max_concurrent_requests: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMetrics {
    listen: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileVerify {
    max_batch: Option<u64>,
    max_latency_ms: Option<u64>,
}

/// Setting keys (as the file spells them).
mod key {
    pub const DATA_DIR: &str = "data_dir";
    pub const NETWORK: &str = "network";
    pub const THREADS: &str = "threads";
    pub const KEYS_DIR: &str = "keys.dir";
    pub const SHAPES: &str = "keys.shapes";
    pub const BLOCK_INTERVAL_MS: &str = "block.interval_ms";
    pub const BLOCK_MAX_TXS: &str = "block.max_txs";
    pub const MEMPOOL_MAX_TXS: &str = "mempool.max_txs";
    pub const MEMPOOL_MAX_BYTES: &str = "mempool.max_bytes";
    pub const API_LISTEN: &str = "api.listen";
    pub const METRICS_LISTEN: &str = "metrics.listen";
}

impl FileConfig {
    fn read(path: &Path) -> Result<Self, NodeError> {
        let text = std::fs::read_to_string(path).map_err(|source| NodeError::ConfigRead {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| NodeError::ConfigSyntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    fn apply_env(&mut self, lookup: &impl Fn(&str) -> Option<OsString>) -> Result<(), NodeError> {
        let pairs = [
            (env::DATA_DIR, key::DATA_DIR),
            (env::NETWORK, key::NETWORK),
            (env::KEYS_DIR, key::KEYS_DIR),
            (env::SHAPES, key::SHAPES),
            (env::API_LISTEN, key::API_LISTEN),
            (env::METRICS_LISTEN, key::METRICS_LISTEN),
            (env::BLOCK_INTERVAL_MS, key::BLOCK_INTERVAL_MS),
            (env::BLOCK_MAX_TXS, key::BLOCK_MAX_TXS),
            (env::MEMPOOL_MAX_TXS, key::MEMPOOL_MAX_TXS),
            (env::MEMPOOL_MAX_BYTES, key::MEMPOOL_MAX_BYTES),
            (env::THREADS, key::THREADS),
        ];
        for (var, setting) in pairs {
            let Some(value) = lookup(var) else { continue };
            let value = value
                .into_string()
                .map_err(|_| NodeError::EnvNotUnicode { var })?;
            if value.trim().is_empty() {
                return Err(NodeError::setting(
                    var,
                    &value,
                    "set but blank; unset it to use the default",
                ));
            }
            self.text.insert(
                setting,
                Sourced {
                    value,
                    source: var.to_owned(),
                },
            );
        }
        Ok(())
    }

    fn apply(&mut self, flags: &Overrides) {
        let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.to_string_lossy().into_owned());
        let pairs = [
            (key::DATA_DIR, path(&flags.data_dir), "--data-dir"),
            (key::NETWORK, flags.network.clone(), "--network"),
            (key::KEYS_DIR, path(&flags.keys_dir), "--keys-dir"),
            (key::SHAPES, flags.shapes.clone(), "--shapes"),
            (key::API_LISTEN, flags.api_listen.clone(), "--api-listen"),
            (
                key::METRICS_LISTEN,
                flags.metrics_listen.clone(),
                "--metrics-listen",
            ),
            (
                key::BLOCK_INTERVAL_MS,
                flags.block_interval_ms.clone(),
                "--block-interval-ms",
            ),
            (
                key::BLOCK_MAX_TXS,
                flags.block_max_txs.clone(),
                "--block-max-txs",
            ),
        ];
        for (setting, value, flag) in pairs {
            if let Some(value) = value {
                self.text.insert(
                    setting,
                    Sourced {
                        value,
                        source: flag.to_owned(),
                    },
                );
            }
        }
    }

    /// The value of `setting`: from the environment or a flag if given, else the file.
    fn number(
        &self,
        setting: &'static str,
        file: Option<u64>,
        min: u64,
        max: u64,
    ) -> Result<Option<u64>, NodeError> {
        let (value, source) = match self.text.get(setting) {
            Some(s) => {
                let v = s.value.trim().parse::<u64>().map_err(|_| {
                    NodeError::setting(&s.source, &s.value, "not a non-negative integer")
                })?;
                (v, s.source.clone())
            }
            None => match file {
                Some(v) => (v, setting.to_owned()),
                None => return Ok(None),
            },
        };
        if !(min..=max).contains(&value) {
            return Err(NodeError::setting(
                source,
                &value.to_string(),
                format!("must be between {min} and {max}"),
            ));
        }
        Ok(Some(value))
    }

    fn text_or(&self, setting: &'static str, file: Option<String>) -> Option<Sourced> {
        self.text
            .get(setting)
            .cloned()
            .or_else(|| file.and_then(|v| sourced(v, setting)))
    }

    fn finish(self) -> Result<NodeConfig, NodeError> {
        let data_dir = self
            .text_or(
                key::DATA_DIR,
                self.data_dir
                    .as_ref()
                    .map(|p| p.to_string_lossy().into_owned()),
            )
            .ok_or_else(|| {
                NodeError::setting(
                    key::DATA_DIR,
                    "",
                    format!(
                        "required: set it in the file, with {} or --data-dir",
                        env::DATA_DIR
                    ),
                )
            })?;
        let mut c = NodeConfig::defaults(PathBuf::from(&data_dir.value));
        if data_dir.value.trim().is_empty() {
            return Err(NodeError::setting(data_dir.source, "", "must not be empty"));
        }
        if let Some(n) = self.text_or(key::NETWORK, self.network.clone()) {
            c.network = n.value.parse().map_err(|e: ringct_circuit::CircuitError| {
                NodeError::setting(n.source, &n.value, e.to_string())
            })?;
        }
        if let Some(d) = self.text_or(
            key::KEYS_DIR,
            self.keys
                .dir
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned()),
        ) {
            c.keys.dir = Some(PathBuf::from(d.value));
        }
        let shapes = match self.text.get(key::SHAPES) {
            Some(s) => Some((
                s.value
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .collect::<Vec<_>>(),
                s.source.clone(),
            )),
            None => self
                .keys
                .shapes
                .clone()
                .map(|v| (v, key::SHAPES.to_owned())),
        };
        if let Some((list, source)) = shapes {
            for text in list {
                let shape: Shape = text.parse().map_err(|e: ringct_circuit::CircuitError| {
                    NodeError::setting(&source, &text, e.to_string())
                })?;
                shape
                    .validate()
                    .map_err(|e| NodeError::setting(&source, &text, e.to_string()))?;
                c.keys.shapes.insert(shape, None);
            }
        }
        for (text, pin) in &self.keys.pins {
            let setting = format!("keys.pins.{text}");
            let shape: Shape = text.parse().map_err(|e: ringct_circuit::CircuitError| {
                NodeError::setting(&setting, text, e.to_string())
            })?;
            let fp = parse_fingerprint(pin).ok_or_else(|| {
                NodeError::setting(&setting, pin, "a fingerprint is 64 hex digits")
            })?;
            match c.keys.shapes.get_mut(&shape) {
                Some(slot) => *slot = Some(fp),
                None => return Err(NodeError::PinWithoutShape { shape }),
            }
        }
        if !c.keys.shapes.is_empty() && c.keys.dir.is_none() {
            return Err(NodeError::setting(
                key::KEYS_DIR,
                "",
                "required when keys.shapes lists shapes",
            ));
        }
        if let Some(ms) = self.number(
            key::BLOCK_INTERVAL_MS,
            self.block.interval_ms,
            1,
            bounds::MAX_BLOCK_INTERVAL_MS,
        )? {
            c.block_interval = Duration::from_millis(ms);
        }
        if let Some(n) = self.number(
            key::BLOCK_MAX_TXS,
            self.block.max_txs,
            1,
            bounds::MAX_BLOCK_TXS as u64,
        )? {
            c.block_max_txs = n as usize;
        }
        if let Some(n) = self.number(
            "block.max_bytes",
            self.block.max_bytes,
            1024,
            bounds::MAX_BLOCK_BYTES as u64,
        )? {
            c.block_max_bytes = n as usize;
        }
        if let Some(n) = self.number(
            key::MEMPOOL_MAX_TXS,
            self.mempool.max_txs,
            1,
            bounds::MAX_MEMPOOL_TXS as u64,
        )? {
            c.mempool_max_txs = n as usize;
        }
        if let Some(n) = self.number(
            key::MEMPOOL_MAX_BYTES,
            self.mempool.max_bytes,
            1024,
            bounds::MAX_MEMPOOL_BYTES as u64,
        )? {
            c.mempool_max_bytes = n as usize;
        }
        if let Some(a) = self.text_or(key::API_LISTEN, self.api.listen.clone()) {
            c.api_listen = parse_addr(&a)?;
        }
        if let Some(a) = self.text_or(key::METRICS_LISTEN, self.metrics.listen.clone()) {
            c.metrics_listen = parse_addr(&a)?;
        }
        if let Some(n) = self.number(
            "api.max_body_bytes",
            self.api.max_body_bytes,
            1024,
            bounds::MAX_BODY_BYTES as u64,
        )? {
            c.api_max_body_bytes = n as usize;
        }
        if let Some(ms) = self.number(
            "api.request_timeout_ms",
            self.api.request_timeout_ms,
            100,
            bounds::MAX_REQUEST_TIMEOUT_MS,
        )? {
            c.api_request_timeout = Duration::from_millis(ms);
        }
        if let Some(n) = self.number(
            "api.max_concurrent_requests",
            self.api.max_concurrent_requests,
            1,
            bounds::MAX_CONCURRENT_REQUESTS as u64,
        )? {
            c.api_max_concurrent_requests = n as usize;
        }
        if let Some(n) = self.number(
            "verify.max_batch",
            self.verify.max_batch,
            1,
            bounds::MAX_VERIFY_BATCH as u64,
        )? {
            c.verify_max_batch = n as usize;
        }
        if let Some(ms) = self.number(
            "verify.max_latency_ms",
            self.verify.max_latency_ms,
            0,
            bounds::MAX_VERIFY_LATENCY_MS,
        )? {
            c.verify_max_latency = Duration::from_millis(ms);
        }
        if let Some(n) = self.number(key::THREADS, self.threads, 1, bounds::MAX_THREADS as u64)? {
            c.threads = n as usize;
        }
        if c.block_max_bytes > c.mempool_max_bytes {
            return Err(NodeError::setting(
                "block.max_bytes",
                &c.block_max_bytes.to_string(),
                "must not exceed mempool.max_bytes",
            ));
        }
        if c.api_listen == c.metrics_listen && c.api_listen.port() != 0 {
            return Err(NodeError::setting(
                key::METRICS_LISTEN,
                &c.metrics_listen.to_string(),
                "must differ from api.listen",
            ));
        }
        Ok(c)
    }
}

fn parse_addr(s: &Sourced) -> Result<SocketAddr, NodeError> {
    s.value.trim().parse().map_err(|_| {
        NodeError::setting(
            &s.source,
            &s.value,
            "an IP address and port, such as 127.0.0.1:9100",
        )
    })
}

/// 64 hex digits.
pub(crate) fn parse_fingerprint(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text.trim()).ok()?;
    bytes.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<OsString> {
        None
    }

    fn load_text(
        toml: &str,
        env: &[(&str, &str)],
        flags: &Overrides,
    ) -> Result<NodeConfig, NodeError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.toml");
        std::fs::write(&path, toml).unwrap();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        NodeConfig::load(
            Some(&path),
            |k| {
                env.iter()
                    .find(|(n, _)| n == k)
                    .map(|(_, v)| OsString::from(v))
            },
            flags,
        )
    }

    #[test]
    fn file_then_env_then_flags() {
        let toml = "data_dir = \"/tmp/a\"\nnetwork = \"file-net\"\n[block]\ninterval_ms = 500\nmax_txs = 10\n";
        let c = load_text(toml, &[], &Overrides::default()).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/tmp/a"));
        assert_eq!(c.network.as_str(), "file-net");
        assert_eq!(c.block_interval, Duration::from_millis(500));
        assert_eq!(c.block_max_txs, 10);

        let c = load_text(
            toml,
            &[(env::NETWORK, "env-net"), (env::BLOCK_MAX_TXS, "20")],
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.network.as_str(), "env-net");
        assert_eq!(c.block_max_txs, 20);

        let flags = Overrides {
            network: Some("flag-net".into()),
            block_max_txs: Some("30".into()),
            ..Overrides::default()
        };
        let c = load_text(toml, &[(env::NETWORK, "env-net")], &flags).unwrap();
        assert_eq!(c.network.as_str(), "flag-net");
        assert_eq!(c.block_max_txs, 30);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = load_text(
            "data_dir = \"/x\"\n[block]\ninterval = 5\n",
            &[],
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(matches!(err, NodeError::ConfigSyntax { .. }), "{err}");
        assert!(err.to_string().contains("interval"), "{err}");
    }

    #[test]
    fn bounds_and_bad_values_name_their_source() {
        let base = "data_dir = \"/x\"\n";
        for (env_var, value) in [
            (env::BLOCK_MAX_TXS, "0"),
            (env::BLOCK_MAX_TXS, "10001"),
            (env::THREADS, "100000"),
            (env::BLOCK_INTERVAL_MS, "soon"),
            (env::API_LISTEN, "localhost"),
            (env::NETWORK, "Bad Net!"),
            (env::SHAPES, "2x2-r5"),
            (env::MEMPOOL_MAX_BYTES, "12"),
            (env::DATA_DIR, "  "),
        ] {
            let err = load_text(base, &[(env_var, value)], &Overrides::default()).unwrap_err();
            match &err {
                NodeError::InvalidSetting { setting, .. } => assert_eq!(setting, env_var, "{err}"),
                other => panic!("{env_var}={value}: {other}"),
            }
        }
        let err = load_text(
            &format!("{base}[block]\nmax_txs = 0\n"),
            &[],
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(
            matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "block.max_txs"),
            "{err}"
        );
    }

    #[test]
    fn non_unicode_env_is_an_error() {
        use std::os::unix::ffi::OsStringExt;
        let err = NodeConfig::load(
            None,
            |k| (k == env::DATA_DIR).then(|| OsString::from_vec(vec![0x66, 0xff])),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(matches!(err, NodeError::EnvNotUnicode { var } if var == env::DATA_DIR));
    }

    #[test]
    fn data_dir_is_required() {
        let err = NodeConfig::load(None, no_env, &Overrides::default()).unwrap_err();
        assert!(
            matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "data_dir"),
            "{err}"
        );
    }

    #[test]
    fn pins_need_shapes_and_keys_need_a_dir() {
        let pin = "ab".repeat(32);
        let err = load_text(
            &format!(
                "data_dir = \"/x\"\n[keys]\ndir = \"/k\"\n[keys.pins]\n\"1x1-r4\" = \"{pin}\"\n"
            ),
            &[],
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(matches!(err, NodeError::PinWithoutShape { .. }), "{err}");
        let c = load_text(
            &format!("data_dir = \"/x\"\n[keys]\ndir = \"/k\"\nshapes = [\"1x1-r4\"]\n[keys.pins]\n\"1x1-r4\" = \"{pin}\"\n"),
            &[],
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.keys.shapes.values().next(), Some(&Some([0xab; 32])));
        let err = load_text(
            "data_dir = \"/x\"\n[keys]\nshapes = [\"1x1-r4\"]\n",
            &[],
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(
            matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "keys.dir"),
            "{err}"
        );
        let err = load_text(
            "data_dir = \"/x\"\n[keys]\ndir = \"/k\"\nshapes = [\"1x1-r4\"]\n[keys.pins]\n\"1x1-r4\" = \"xyz\"\n",
            &[],
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(
            matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "keys.pins.1x1-r4"),
            "{err}"
        );
    }

    #[test]
    fn defaults_match_deploy() {
        let c = NodeConfig::load(
            None,
            |k| (k == env::DATA_DIR).then(|| "/d".into()),
            &Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.metrics_listen.to_string(), "127.0.0.1:9100");
        assert_eq!(c.store_path(), PathBuf::from("/d/state.redb"));
    }
}

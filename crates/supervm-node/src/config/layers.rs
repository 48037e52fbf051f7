//! The layers under the defaults: the TOML file's schema, then environment
//! variables and flags as text with their source, merged and checked into a
//! [`NodeConfig`].

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use supervm_runtime::Shape;

use super::{bounds, env, NodeConfig, Overrides};
use crate::error::NodeError;

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
pub(super) struct FileConfig {
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
    #[serde(default)]
    store: FileStore,
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStore {
    cache_bytes: Option<u64>,
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
    pub const STORE_CACHE_BYTES: &str = "store.cache_bytes";
}

impl FileConfig {
    pub(super) fn read(path: &Path) -> Result<Self, NodeError> {
        let text = std::fs::read_to_string(path).map_err(|source| NodeError::ConfigRead {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| NodeError::ConfigSyntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    pub(super) fn apply_env(
        &mut self,
        lookup: &impl Fn(&str) -> Option<OsString>,
    ) -> Result<(), NodeError> {
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
            (env::STORE_CACHE_BYTES, key::STORE_CACHE_BYTES),
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

    pub(super) fn apply(&mut self, flags: &Overrides) {
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

    pub(super) fn finish(self) -> Result<NodeConfig, NodeError> {
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
        if let Some(n) = self.number(
            key::STORE_CACHE_BYTES,
            self.store.cache_bytes,
            bounds::MIN_STORE_CACHE_BYTES as u64,
            bounds::MAX_STORE_CACHE_BYTES as u64,
        )? {
            c.store_cache_bytes = n as usize;
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

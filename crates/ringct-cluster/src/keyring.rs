//! The keys a worker holds, by fingerprint.

use crate::error::ClusterError;
use ringct_circuit::Shape;
use ringct_prover::{keyfile, Fingerprint, RingCtKeys};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Most key files a worker loads (each is tens of MB in memory).
pub const MAX_KEYS: usize = 64;

/// Proving keys by the fingerprint of their verifying key.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    by_fingerprint: HashMap<[u8; 32], Arc<RingCtKeys>>,
}

impl KeyRing {
    /// A key ring of the given keys.
    pub fn from_keys(keys: impl IntoIterator<Item = Arc<RingCtKeys>>) -> Self {
        KeyRing {
            by_fingerprint: keys.into_iter().map(|k| (k.fingerprint().0, k)).collect(),
        }
    }

    /// Loads and fully validates every proving key `ringct-<shape>.pk` in
    /// `dir` (the files `ringct-keygen` writes). At least one is required.
    pub fn load_dir(dir: &Path) -> Result<Self, ClusterError> {
        let entries = std::fs::read_dir(dir).map_err(|source| ClusterError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut shapes: Vec<Shape> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| ClusterError::Io {
                path: dir.display().to_string(),
                source,
            })?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(shape) = name
                .strip_prefix("ringct-")
                .and_then(|n| n.strip_suffix(".pk"))
            else {
                continue;
            };
            let shape: Shape = shape.parse().map_err(|e| ClusterError::Config {
                what: "key directory",
                reason: format!("{name}: {e}"),
            })?;
            shapes.push(shape);
        }
        if shapes.is_empty() {
            return Err(ClusterError::NoKeys(dir.display().to_string()));
        }
        if shapes.len() > MAX_KEYS {
            return Err(ClusterError::OutOfRange {
                what: "proving keys in the key directory",
                value: shapes.len() as u64,
                min: 1,
                max: MAX_KEYS as u64,
            });
        }
        shapes.sort();
        let keys = shapes
            .into_iter()
            .map(|shape| keyfile::load_keys(dir, shape, None).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::from_keys(keys))
    }

    /// The keys for `fingerprint`, if held.
    pub fn get(&self, fingerprint: &[u8; 32]) -> Option<&Arc<RingCtKeys>> {
        self.by_fingerprint.get(fingerprint)
    }

    /// Every held key.
    pub fn keys(&self) -> impl Iterator<Item = &Arc<RingCtKeys>> {
        self.by_fingerprint.values()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.by_fingerprint.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.by_fingerprint.is_empty()
    }

    /// `shape=fingerprint` for each key, sorted and comma-separated (for logs,
    /// and the `fingerprints` label of the worker's `supervm_prover_build_info`).
    pub fn describe(&self) -> String {
        let mut v: Vec<String> = self
            .by_fingerprint
            .values()
            .map(|k| format!("{}={}", k.shape(), Fingerprint::to_string(&k.fingerprint())))
            .collect();
        v.sort();
        v.join(",")
    }
}

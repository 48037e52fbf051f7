//! The process-wide key cache: one set of keys per shape, shared through `Arc`.
//!
//! On first use for a shape, keys come from `RINGCT_KEYS_DIR` when it is set
//! (loaded and fully validated). Otherwise a fresh setup runs once for the
//! process and a loud warning says the keys are ephemeral: proofs made with
//! them verify only against this process's verifying key.

use crate::config::vars;
use crate::error::ProverError;
use crate::keyfile;
use crate::keys::RingCtKeys;
use once_cell::sync::{Lazy, OnceCell};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::Shape;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Where the cache gets keys from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Load key files from this directory.
    Directory(PathBuf),
    /// Run a fresh setup once per process (keys die with the process).
    Ephemeral,
}

impl KeySource {
    /// `Directory` when `RINGCT_KEYS_DIR` is set and non-empty, else `Ephemeral`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        match lookup(vars::KEYS_DIR) {
            Some(dir) if !dir.trim().is_empty() => KeySource::Directory(PathBuf::from(dir.trim())),
            _ => KeySource::Ephemeral,
        }
    }

    /// Loads or generates keys for `shape`.
    pub fn keys(&self, shape: Shape) -> Result<RingCtKeys, ProverError> {
        match self {
            KeySource::Directory(dir) => keyfile::load_keys(dir, shape, None),
            KeySource::Ephemeral => {
                eprintln!(
                    "WARNING: {} is not set; running an EPHEMERAL Groth16 setup for shape {shape}. \
                     Proofs from this process verify only against this process's keys. \
                     Generate keys once with `ringct-keygen` and point {} at them.",
                    vars::KEYS_DIR,
                    vars::KEYS_DIR
                );
                RingCtKeys::setup(shape, &mut ChaCha20Rng::from_entropy())
            }
        }
    }
}

/// Keys per shape, each initialised at most once.
#[derive(Default)]
pub struct KeyCache {
    slots: Mutex<HashMap<Shape, Arc<OnceCell<Arc<RingCtKeys>>>>>,
}

impl KeyCache {
    /// The keys for `shape`, initialised by `init` on first use. Concurrent
    /// callers for one shape wait for a single initialisation; a failed
    /// initialisation is not cached.
    pub fn get_or_try_init(
        &self,
        shape: Shape,
        init: impl FnOnce() -> Result<RingCtKeys, ProverError>,
    ) -> Result<Arc<RingCtKeys>, ProverError> {
        let slot = {
            let mut slots = self
                .slots
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            slots.entry(shape).or_default().clone()
        };
        slot.get_or_try_init(|| init().map(Arc::new)).cloned()
    }
}

/// The process-wide cache of RingCT keys, keyed by shape.
pub static RINGCT_PROVING_KEY: Lazy<KeyCache> = Lazy::new(KeyCache::default);

/// The shared keys for `shape`, from `RINGCT_KEYS_DIR` or an ephemeral setup.
pub fn shared_keys(shape: Shape) -> Result<Arc<RingCtKeys>, ProverError> {
    RINGCT_PROVING_KEY.get_or_try_init(shape, || {
        KeySource::from_lookup(|k| std::env::var(k).ok()).keys(shape)
    })
}

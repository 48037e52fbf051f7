//! The process-wide key cache: one set of keys per shape, shared through `Arc`.
//!
//! On first use for a shape, keys come from `RINGCT_KEYS_DIR` when it is set
//! (loaded and fully validated). When it is unset, a fresh setup runs once
//! for the process and a loud warning says the keys are ephemeral: proofs
//! made with them verify only against this process's verifying key. A value
//! that is not UTF-8, or blank, is an error naming the variable; it never
//! falls back to an ephemeral setup.

use crate::config::{env_text, vars};
use crate::error::ProverError;
use crate::keyfile;
use crate::keys::RingCtKeys;
use once_cell::sync::{Lazy, OnceCell};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::Shape;
use std::collections::HashMap;
use std::ffi::OsString;
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
    /// `Directory` when `RINGCT_KEYS_DIR` is set, `Ephemeral` when it is
    /// unset. A value that is not UTF-8 ([`ProverError::EnvNotUnicode`]) or
    /// blank ([`ProverError::EnvEmpty`]) is an error.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, ProverError> {
        Ok(match env_text(vars::KEYS_DIR, lookup(vars::KEYS_DIR))? {
            Some(dir) => KeySource::Directory(PathBuf::from(dir)),
            None => KeySource::Ephemeral,
        })
    }

    /// [`KeySource::from_lookup`] on the process environment.
    pub fn from_env() -> Result<Self, ProverError> {
        Self::from_lookup(|var| std::env::var_os(var))
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
    RINGCT_PROVING_KEY.get_or_try_init(shape, || KeySource::from_env()?.keys(shape))
}

/// The shared keys for `shape`, from `source` (a source read once at startup).
pub fn shared_keys_from(shape: Shape, source: &KeySource) -> Result<Arc<RingCtKeys>, ProverError> {
    RINGCT_PROVING_KEY.get_or_try_init(shape, || source.keys(shape))
}

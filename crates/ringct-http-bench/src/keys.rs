//! Where the proving keys come from: key files, an ephemeral setup, or the
//! INSECURE fixed-seed development keys of `--insecure-dev-keys`.

use std::sync::Arc;

use ringct_prover::cache::{shared_keys_from, KeySource};
use ringct_prover::config::vars as prover_vars;
use ringct_prover::RingCtKeys;
use supervm_telemetry::key_sources;

use crate::error::BenchError;
use crate::options::{KeyChoice, Options};

/// Public seed of `--insecure-dev-keys` (anyone can forge proofs with it).
pub const DEV_KEY_SEED: u64 = 0x5eed_0bec_0000_0001;

pub fn load_keys(opts: &Options) -> Result<(Arc<RingCtKeys>, String), BenchError> {
    let shape = opts.prove.shape;
    match opts.keys {
        KeyChoice::InsecureDev => {
            eprintln!(
                "WARNING: --insecure-dev-keys: INSECURE keys for {shape} from the PUBLIC fixed seed {DEV_KEY_SEED:#x}. \
                 Anyone can forge proofs for them; use them for development and benchmarks only."
            );
            let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, DEV_KEY_SEED)?;
            Ok((
                Arc::new(keys),
                format!("INSECURE fixed-seed development keys (seed {DEV_KEY_SEED:#x})"),
            ))
        }
        KeyChoice::Shared => {
            let source = match &opts.key_source {
                KeySource::Directory(dir) => format!("key files from {}", dir.display()),
                KeySource::Ephemeral => format!(
                    "EPHEMERAL setup ({} unset): proofs verify only in this process",
                    prover_vars::KEYS_DIR
                ),
            };
            Ok((shared_keys_from(shape, &opts.key_source)?, source))
        }
    }
}

/// The `keys` label of `supervm_prover_build_info` (catalogued in
/// `supervm_telemetry::key_sources`): `insecure_dev`, `files` or `ephemeral`.
pub fn keys_label(opts: &Options) -> &'static str {
    match (opts.keys, &opts.key_source) {
        (KeyChoice::InsecureDev, _) => key_sources::INSECURE_DEV,
        (KeyChoice::Shared, KeySource::Directory(_)) => key_sources::FILES,
        (KeyChoice::Shared, KeySource::Ephemeral) => key_sources::EPHEMERAL,
    }
}

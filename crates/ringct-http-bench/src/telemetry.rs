//! The bench's metrics beyond what the prover and verifier record: the series
//! the dashboards read, registered at zero, and `supervm_prover_build_info`.
//! The process metrics (CPU, memory, threads, open files, start time) come
//! with every scrape from `supervm_telemetry::exporter::Scrape`.

use supervm_telemetry::{labels, names, roles};

/// The verification mode used (the `mode` label of the verifier metrics).
pub const VERIFY_MODE: &str = "batch";

/// Registers the series the dashboards read at zero, so panels show 0
/// (not "No data") before the first batch, and `rate()` sees the first
/// increment. `vm_fast_fallback_total` stays 0 here: this process runs no
/// Fast path, and exports the counter so the dashboard's fallback panel
/// reads an honest zero.
pub fn register_zeroes() {
    for name in [
        names::ZK_PARALLEL_PROOF_TOTAL,
        names::ZK_PARALLEL_BATCHES_TOTAL,
        names::FAST_FALLBACK_TOTAL,
    ] {
        metrics::counter!(name).increment(0);
    }
    for reason in supervm_telemetry::reasons::ALL {
        metrics::counter!(names::ZK_PARALLEL_PROOF_FAILED_TOTAL, labels::REASON => *reason)
            .increment(0);
    }
    for name in [
        names::ZK_BATCH_VERIFY_TOTAL,
        names::ZK_BATCH_VERIFY_FAILED_TOTAL,
        names::ZK_BATCH_VERIFY_BATCHES_TOTAL,
    ] {
        metrics::counter!(name, labels::MODE => VERIFY_MODE).increment(0);
    }
}

/// Sets `supervm_prover_build_info` to 1 (role `bench`) with this build's
/// version, the key fingerprint (`shape=fingerprint`) and where the keys come
/// from (`files`, `ephemeral` or `insecure_dev`), as every prover process
/// does (`supervm_telemetry::set_prover_build_info`).
pub fn set_build_info(shape_fingerprint: String, keys: &'static str) {
    supervm_telemetry::set_prover_build_info(
        env!("CARGO_PKG_VERSION"),
        shape_fingerprint,
        keys,
        roles::BENCH,
    );
}

//! The bench's metrics beyond what the prover and verifier record: the series
//! the dashboards read, registered at zero; `supervm_prover_build_info`; and
//! process metrics (CPU, memory, threads, open files, start time) from the
//! `metrics-process` crate, collected on every scrape.

use supervm_telemetry::{labels, names};

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

/// Sets `supervm_prover_build_info` to 1 with this build's version, the key
/// fingerprint (`shape=fingerprint`) and where the keys come from
/// (`files`, `ephemeral` or `insecure_dev`).
pub fn set_build_info(shape_fingerprint: String, keys: &'static str) {
    metrics::gauge!(
        names::PROVER_BUILD_INFO,
        labels::VERSION => env!("CARGO_PKG_VERSION"),
        labels::FINGERPRINTS => shape_fingerprint,
        labels::KEYS => keys
    )
    .set(1.0);
}

/// Process metrics (`process_cpu_seconds_total`, `process_resident_memory_bytes`,
/// `process_threads`, `process_open_fds`, `process_start_time_seconds`, ...),
/// read from the operating system on every scrape by `metrics-process`.
pub struct ProcessMetrics(metrics_process::Collector);

impl ProcessMetrics {
    /// Describes the process metrics to the installed recorder.
    pub fn new() -> Self {
        let collector = metrics_process::Collector::default();
        collector.describe();
        ProcessMetrics(collector)
    }

    /// Reads the current values into the recorder.
    pub fn collect(&self) {
        self.0.collect();
    }
}

impl Default for ProcessMetrics {
    fn default() -> Self {
        Self::new()
    }
}

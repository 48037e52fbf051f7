//! The node's own metrics (names, help and buckets live in `supervm_telemetry`'s
//! catalog). Emitted through the `metrics` facade; the binary installs the recorder.

use std::collections::BTreeMap;

use supervm_runtime::Shape;
use supervm_telemetry::{labels, names};

use crate::chain::Committed;
use crate::mempool::Mempool;

/// Every admission reason that can be counted, so each series exists from the start
/// (a rate over a series that appears late misses its first increments).
pub const ADMISSION_REASONS: &[&str] = &[
    "malformed_bytes",
    "malformed_json",
    "invalid_field",
    "invalid_transaction",
    "tx_too_large",
    "already_pending",
    "already_committed",
    "key_image_pending",
    "output_pending",
    "mempool_full",
    "mempool_bytes",
    "verify_busy",
    "shutting_down",
    "InvalidProof",
    "KeyImageSpent",
];

/// Sets `supervm_build_info` and zeroes the counters, so every series is present.
pub fn init(network: &str, fingerprints: &BTreeMap<Shape, [u8; 32]>) {
    let fps = fingerprints
        .iter()
        .map(|(s, f)| format!("{s}={}", hex::encode(f)))
        .collect::<Vec<_>>()
        .join(",");
    metrics::gauge!(
        names::BUILD_INFO,
        labels::VERSION => env!("CARGO_PKG_VERSION"),
        labels::PROTOCOL_VERSION => ringct_circuit::PROTOCOL_VERSION.to_string(),
        labels::NETWORK => network.to_owned(),
        labels::FINGERPRINTS => fps
    )
    .set(1.0);
    for kind in ["public", "private"] {
        metrics::counter!(names::NODE_ADMITTED_TOTAL, labels::KIND => kind).increment(0);
    }
    for reason in ADMISSION_REASONS {
        metrics::counter!(names::NODE_ADMISSION_REJECTED_TOTAL, labels::REASON => *reason)
            .increment(0);
    }
    metrics::counter!(names::NODE_BLOCKS_COMMITTED_TOTAL).increment(0);
    metrics::counter!(names::NODE_TRANSACTIONS_COMMITTED_TOTAL).increment(0);
    metrics::counter!(names::NODE_BLOCK_COMMIT_FAILURES_TOTAL).increment(0);
}

/// One admitted transaction.
pub fn admitted(kind: &'static str) {
    metrics::counter!(names::NODE_ADMITTED_TOTAL, labels::KIND => kind).increment(1);
}

/// One refused submission.
pub fn rejected(rule: &'static str) {
    metrics::counter!(names::NODE_ADMISSION_REJECTED_TOTAL, labels::REASON => rule).increment(1);
}

/// The mempool's size.
pub fn mempool(pool: &Mempool) {
    metrics::gauge!(names::NODE_MEMPOOL_TRANSACTIONS).set(pool.len() as f64);
    metrics::gauge!(names::NODE_MEMPOOL_BYTES).set(pool.bytes() as f64);
}

/// The tip's height.
pub fn height(height: u64) {
    metrics::gauge!(names::NODE_BLOCK_HEIGHT).set(height as f64);
}

/// The store file's size.
pub fn store_size(bytes: u64) {
    metrics::gauge!(names::NODE_STORE_SIZE_BYTES).set(bytes as f64);
}

/// A committed block.
pub fn committed(block: &Committed, waited: impl Iterator<Item = f64>) {
    metrics::counter!(names::NODE_BLOCKS_COMMITTED_TOTAL).increment(1);
    metrics::counter!(names::NODE_TRANSACTIONS_COMMITTED_TOTAL)
        .increment(block.receipts.len() as u64);
    metrics::histogram!(names::NODE_BLOCK_COMMIT_DURATION_SECONDS)
        .record(block.commit_time.as_secs_f64());
    let h = metrics::histogram!(names::NODE_SUBMIT_TO_COMMIT_SECONDS);
    for seconds in waited {
        h.record(seconds);
    }
    height(block.header.height);
}

/// A failed commit.
pub fn commit_failed() {
    metrics::counter!(names::NODE_BLOCK_COMMIT_FAILURES_TOTAL).increment(1);
}

//! Verifier metrics, emitted through the `metrics` facade with the catalogued
//! names only (no recorder is installed here).
//!
//! Per verification call, with label `mode` = `individual|parallel|batch`:
//! - `ZK_BATCH_VERIFY_TOTAL` += items in the call;
//! - `ZK_BATCH_VERIFY_FAILED_TOTAL` += items found invalid;
//! - `ZK_BATCH_VERIFY_BATCHES_TOTAL` += 1;
//! - `ZK_BATCH_VERIFY_DURATION_SECONDS` records the call's wall time.

use crate::stats::Stats;
use supervm_telemetry::{labels, names};

/// Records one call's statistics.
pub(crate) fn record(stats: &Stats) {
    let mode = stats.mode.as_str();
    metrics::counter!(names::ZK_BATCH_VERIFY_TOTAL, labels::MODE => mode)
        .increment(stats.count as u64);
    metrics::counter!(names::ZK_BATCH_VERIFY_FAILED_TOTAL, labels::MODE => mode)
        .increment(stats.invalid as u64);
    metrics::counter!(names::ZK_BATCH_VERIFY_BATCHES_TOTAL, labels::MODE => mode).increment(1);
    metrics::histogram!(names::ZK_BATCH_VERIFY_DURATION_SECONDS, labels::MODE => mode)
        .record(stats.wall.as_secs_f64());
}

//! The prover's metrics, named in supervm-telemetry's catalog.

use crate::stats::BatchStats;
use std::time::Duration;
use supervm_telemetry::names;

/// Records one finished batch.
pub(crate) fn record_batch(stats: &BatchStats, proof_latencies: &[Duration]) {
    metrics::counter!(names::ZK_PARALLEL_PROOF_TOTAL).increment(stats.total as u64);
    metrics::counter!(names::ZK_PARALLEL_PROOF_FAILED_TOTAL).increment(stats.failed as u64);
    metrics::counter!(names::ZK_PARALLEL_BATCHES_TOTAL).increment(1);
    metrics::gauge!(names::ZK_PARALLEL_BATCH_LATENCY_MS).set(stats.wall.as_secs_f64() * 1e3);
    metrics::gauge!(names::ZK_PARALLEL_AVG_LATENCY_MS).set(stats.latency_mean.as_secs_f64() * 1e3);
    metrics::gauge!(names::ZK_PARALLEL_TPS).set(stats.proofs_per_sec);
    let per_proof = metrics::histogram!(names::ZK_PARALLEL_PROOF_DURATION_SECONDS);
    for latency in proof_latencies {
        per_proof.record(latency.as_secs_f64());
    }
    metrics::histogram!(names::ZK_PARALLEL_BATCH_DURATION_SECONDS).record(stats.wall.as_secs_f64());
}

//! The prover's metrics, named in supervm-telemetry's catalog.

use crate::error::ProverError;
use crate::stats::BatchStats;
use std::time::Duration;
use supervm_telemetry::{labels, names, reasons};

/// The `reason` label of a failed witness: `invalid_witness` when the caller's
/// witness is at fault (it breaks a rule of the statement, or is for another
/// shape), `prover_error` for everything else (synthesis, keys, the prover).
/// Alerts on prover faults count only the second.
pub fn failure_reason(error: &ProverError) -> &'static str {
    match error {
        ProverError::InvalidWitness(_) | ProverError::WitnessShapeMismatch { .. } => {
            reasons::INVALID_WITNESS
        }
        _ => reasons::PROVER_ERROR,
    }
}

/// Records one finished batch; `failures` are the errors of its failed witnesses.
pub(crate) fn record_batch<'e>(
    stats: &BatchStats,
    proof_latencies: &[Duration],
    failures: impl Iterator<Item = &'e ProverError>,
) {
    metrics::counter!(names::ZK_PARALLEL_PROOF_TOTAL).increment(stats.total as u64);
    let mut by_reason = [0u64; 2];
    for e in failures {
        let k = usize::from(failure_reason(e) == reasons::PROVER_ERROR);
        by_reason[k] += 1;
    }
    // Both series exist from the first batch on, so ratios over them are 0, not absent.
    for (reason, n) in reasons::ALL.iter().zip(by_reason) {
        metrics::counter!(names::ZK_PARALLEL_PROOF_FAILED_TOTAL, labels::REASON => *reason)
            .increment(n);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use ringct_circuit::{CircuitError, Shape};

    #[test]
    fn client_errors_and_prover_faults_get_their_own_reason() {
        let invalid = [
            ProverError::InvalidWitness(CircuitError::FeeOutOfRange),
            ProverError::WitnessShapeMismatch {
                witness: Shape::default(),
                key: Shape::default(),
            },
        ];
        for e in &invalid {
            assert_eq!(failure_reason(e), reasons::INVALID_WITNESS, "{e}");
        }
        let faults = [
            ProverError::Synthesis("unsatisfiable".into()),
            ProverError::CircuitKeyMismatch {
                what: "constraints",
                circuit: 1,
                key: 2,
            },
        ];
        for e in &faults {
            assert_eq!(failure_reason(e), reasons::PROVER_ERROR, "{e}");
        }
    }
}

//! Everything the bench can fail with, and the exit status each failure maps to.

use std::net::SocketAddr;

use ringct_circuit::CircuitError;
use ringct_cluster::ClusterError;
use ringct_prover::ProverError;
use ringct_verifier::VerifierError;
use supervm_telemetry::TelemetryError;

use crate::options::{vars, USAGE};

/// Everything the bench can fail with. Each variant is one broken rule.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    #[error("{var}={value:?} is invalid: {reason}")]
    Config {
        var: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "cannot listen on {addr}: {source}\n(another bench, or a Prometheus, which also defaults to :9090, \
         may hold the port; pick another with --addr or {addr_var})",
        addr_var = vars::ADDR
    )]
    Endpoint {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the HTTP endpoint failed: {0}")]
    Http(String),
    #[error(transparent)]
    Telemetry(TelemetryError),
    #[error(transparent)]
    Prover(#[from] ProverError),
    /// `RINGCT_PROVER` names no usable backend, or the cluster backend
    /// cannot be set up (its database unreachable, its schema another
    /// version).
    #[error("proving backend (RINGCT_PROVER): {0}")]
    Backend(ClusterError),
    #[error("the verifier refuses the key: {0}")]
    UnusableKey(VerifierError),
    #[error("verifier: {0}")]
    Verifier(VerifierError),
    #[error("cannot sample a witness: {0}")]
    Sample(#[from] CircuitError),
    #[error(
        "the verifier's key fingerprint {verifier} differs from the prover's {prover}; \
         the two crates disagree on the definition"
    )]
    FingerprintMismatch { prover: String, verifier: String },
    #[error("cannot install the signal handler: {0}")]
    Signal(String),
}

/// Exit status for configuration errors (the operator must change a value).
pub const EXIT_CONFIG: u8 = 2;
/// Exit status for runtime failures and bugs found.
pub const EXIT_RUNTIME: u8 = 1;

impl BenchError {
    /// [`EXIT_CONFIG`] for every configuration error (environment, flags,
    /// keys that cannot be used), [`EXIT_RUNTIME`] for the rest.
    pub fn exit_code(&self) -> u8 {
        match self {
            BenchError::Usage(_) | BenchError::Config { .. } | BenchError::UnusableKey(_) => {
                EXIT_CONFIG
            }
            BenchError::Prover(e) if e.is_configuration() => EXIT_CONFIG,
            BenchError::Backend(e) if e.is_configuration() => EXIT_CONFIG,
            BenchError::Prover(_)
            | BenchError::Backend(_)
            | BenchError::Endpoint { .. }
            | BenchError::Http(_)
            | BenchError::Telemetry(_)
            | BenchError::Verifier(_)
            | BenchError::Sample(_)
            | BenchError::FingerprintMismatch { .. }
            | BenchError::Signal(_) => EXIT_RUNTIME,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_errors_exit_2_and_runtime_failures_exit_1() {
        let key_errors = [
            ProverError::KeyFileMissing("/k/ringct-2x2-r16.pk".into()),
            ProverError::KeyFileCorrupted(ringct_prover::KeyFileOrigin::Bytes),
            ProverError::FingerprintMismatch {
                expected: "a".into(),
                found: "b".into(),
            },
        ];
        for e in key_errors {
            assert_eq!(BenchError::Prover(e).exit_code(), 2);
        }
        assert_eq!(
            BenchError::UnusableKey(VerifierError::GammaEqualsDelta).exit_code(),
            2
        );
        assert_eq!(
            BenchError::Prover(ProverError::ThreadPool("x".into())).exit_code(),
            1
        );
        assert_eq!(
            BenchError::Prover(ProverError::Synthesis("x".into())).exit_code(),
            1
        );
        assert_eq!(
            BenchError::Verifier(VerifierError::ThreadPool("x".into())).exit_code(),
            1
        );
        assert_eq!(BenchError::Signal("x".into()).exit_code(), 1);
        assert_eq!(
            BenchError::Backend(ClusterError::BackendInvalid("mysql://h/d".into())).exit_code(),
            2
        );
        assert_eq!(
            BenchError::Backend(ClusterError::Timeout(std::time::Duration::from_secs(1)))
                .exit_code(),
            1
        );
    }
}

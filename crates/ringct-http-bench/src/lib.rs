//! `zk_parallel_http_bench`: proves RingCT batches in a loop, verifies every
//! proof, and serves the metrics over HTTP for Prometheus.
//!
//! Owns: the bench's options and exit statuses, its workload (fresh
//! witnesses, a share deliberately invalid), its running totals and the
//! `/summary` report, and its HTTP endpoint (axum, the same stack as
//! `supervm-node`): `/metrics`, `/summary`, `/summary.json`, `/healthz`,
//! `/readyz`, each request bounded in URL, header and body size and in time.
//!
//! Must never: be a dependency of a library crate (it installs the global
//! metrics recorder and opens a port), serve anything but GET, or report a
//! proof as verified that it did not check. The library crates it drives
//! (`ringct-prover`, `ringct-verifier`) stay free of any HTTP stack.
//!
//! The binary's usage, environment, signals and exit statuses are documented in
//! `docs/PARALLEL-PROVER-GUIDE.md` and in [`options::USAGE`].
#![forbid(unsafe_code)]

pub mod error;
pub mod http;
pub mod keys;
pub mod options;
pub mod run;
pub mod signals;
pub mod summary;
pub mod telemetry;
pub mod workload;

pub use error::{BenchError, EXIT_CONFIG, EXIT_RUNTIME};
pub use options::Options;

//! The Prometheus side of the catalog: a recorder configured from [`crate::CATALOG`]
//! and a small blocking HTTP endpoint. Compiled only with the `exporter` feature.
//!
//! Typical binary or example:
//!
//! ```no_run
//! use std::time::Duration;
//! use supervm_telemetry::exporter::{install_global, MetricsServer};
//!
//! # fn main() -> Result<(), supervm_telemetry::TelemetryError> {
//! let recorder = install_global(Duration::from_secs(5))?;
//! let server = MetricsServer::start("127.0.0.1:9090".parse().unwrap(), recorder.handle())?;
//! println!("metrics on http://{}/metrics", server.local_addr());
//! // ... run the workload; emit through `metrics::counter!(names::...)` ...
//! server.shutdown();
//! recorder.shutdown();
//! # Ok(())
//! # }
//! ```
//!
//! Tests build a [`LocalRecorder`] instead, so that no two tests share (or fight
//! over) the process-wide recorder.

mod recorder;
mod server;

pub use metrics_exporter_prometheus::{PrometheusHandle, PrometheusRecorder};
pub use recorder::{
    build_recorder, install_global, prometheus_builder, GlobalRecorder, LocalRecorder, Upkeep,
    DEFAULT_UPKEEP_INTERVAL,
};
pub use server::{default_summary, MetricsServer, SummaryFn, METRICS_CONTENT_TYPE};

use std::net::SocketAddr;

/// Everything the exporter can refuse to do. Each variant is one broken rule.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The endpoint's address could not be bound (in use, not local, no permission).
    #[error("cannot bind the metrics endpoint to {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A process can have only one global `metrics` recorder, and one is installed.
    #[error("a global metrics recorder is already installed in this process")]
    RecorderAlreadyInstalled,
    /// A catalogued histogram has bucket bounds that are empty, not finite or not
    /// strictly increasing.
    #[error("histogram {metric} needs non-empty, finite, strictly increasing buckets")]
    InvalidBuckets {
        /// The histogram's name.
        metric: &'static str,
    },
    /// Upkeep must run at a positive interval (zero would spin a core).
    #[error("the recorder upkeep interval must be greater than zero")]
    ZeroUpkeepInterval,
    /// The operating system refused to start a background thread.
    #[error("cannot start the {thread} thread: {source}")]
    Spawn {
        /// Which thread: `upkeep` or `http`.
        thread: &'static str,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

//! The Prometheus side of the catalog: a recorder configured from [`crate::CATALOG`],
//! the process-metrics collector read on every scrape ([`Scrape`]), and the HTTP
//! endpoint on the hardened stack of [`crate::http`]. Compiled only with the
//! `exporter` feature.
//!
//! Typical binary or example:
//!
//! ```no_run
//! use std::time::Duration;
//! use supervm_telemetry::exporter::{install_global, MetricsServer};
//!
//! # fn main() -> Result<(), supervm_telemetry::TelemetryError> {
//! let recorder = install_global(Duration::from_secs(5))?;
//! // Every scrape of /metrics reads the process metrics first (`Scrape`).
//! let server = MetricsServer::start("127.0.0.1:9090".parse().unwrap(), recorder.scrape())?;
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
mod scrape;
mod server;

pub use metrics_exporter_prometheus::{PrometheusHandle, PrometheusRecorder};
pub use recorder::{
    build_recorder, install_global, prometheus_builder, GlobalRecorder, LocalRecorder, Upkeep,
    DEFAULT_UPKEEP_INTERVAL,
};
pub use scrape::{ProcessMetrics, Scrape};
pub use server::{default_summary, MetricsServer, Readiness, SummaryFn, METRICS_CONTENT_TYPE};

pub use crate::error::TelemetryError;

//! One scrape of `/metrics`: read the process metrics from the operating
//! system, then render the recorder. Every SuperVM metrics endpoint (the
//! [`super::MetricsServer`] of the cluster worker, the node's metrics router,
//! the HTTP bench's router) renders through a [`Scrape`], so each of them
//! exports the same `process_*` series.

use std::sync::Arc;

use metrics_exporter_prometheus::{PrometheusHandle, PrometheusRecorder};

/// The process-metrics collector (`metrics-process`): CPU seconds, resident
/// and virtual memory, threads, open and maximum file descriptors, and the
/// start time, under the names of [`crate::names::PROCESS`]. Their `# HELP`
/// comes from the catalog ([`crate::describe_all`]), not from the crate.
#[derive(Debug, Clone, Default)]
pub struct ProcessMetrics(metrics_process::Collector);

impl ProcessMetrics {
    /// A collector under the catalogued names (no prefix).
    pub fn new() -> Self {
        ProcessMetrics(metrics_process::Collector::default())
    }

    /// Reads the current values from the operating system and records them
    /// into the current `metrics` recorder (the global one, unless the caller
    /// runs inside `metrics::with_local_recorder`). A value the platform
    /// cannot give is left out, never faked.
    pub fn collect(&self) {
        self.0.collect();
    }
}

/// Where a [`Scrape`] records the process metrics.
#[derive(Debug, Clone)]
enum Target {
    /// The process-wide recorder ([`super::install_global`]).
    Global,
    /// A recorder that is not installed ([`super::build_recorder`]).
    Local(Arc<PrometheusRecorder>),
}

/// What `/metrics` renders: a recorder's handle, and the process collector
/// that writes into that same recorder before each render. Built by
/// [`super::GlobalRecorder::scrape`] or [`super::LocalRecorder::scrape`];
/// clones share the recorder.
#[derive(Debug, Clone)]
pub struct Scrape {
    handle: PrometheusHandle,
    process: ProcessMetrics,
    target: Target,
}

impl Scrape {
    pub(super) fn global(handle: PrometheusHandle) -> Self {
        Scrape {
            handle,
            process: ProcessMetrics::new(),
            target: Target::Global,
        }
    }

    pub(super) fn local(handle: PrometheusHandle, recorder: Arc<PrometheusRecorder>) -> Self {
        Scrape {
            handle,
            process: ProcessMetrics::new(),
            target: Target::Local(recorder),
        }
    }

    /// Collects the process metrics into the recorder, then renders it in the
    /// Prometheus text format: the body of one `/metrics` response.
    pub fn render(&self) -> String {
        self.collect_process();
        self.handle.render()
    }

    /// Collects the process metrics into the recorder without rendering.
    pub fn collect_process(&self) {
        match &self.target {
            Target::Global => self.process.collect(),
            Target::Local(recorder) => {
                metrics::with_local_recorder(recorder.as_ref(), || self.process.collect())
            }
        }
    }

    /// The recorder's handle (renders without collecting).
    pub fn handle(&self) -> &PrometheusHandle {
        &self.handle
    }
}

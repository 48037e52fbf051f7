//! Building and installing the Prometheus recorder, and keeping it tidy.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use super::{Scrape, TelemetryError};
use crate::catalog::{describe_all, MetricKind, CATALOG};

/// How often [`install_global`] callers usually run upkeep. The exporter drains
/// histogram samples and expires idle series during upkeep; without it, histogram
/// memory grows until the next scrape.
pub const DEFAULT_UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// A [`PrometheusBuilder`] with explicit buckets for every catalogued histogram
/// (matched by full name), so histograms are exported as `_bucket` series, never as
/// summaries. Metric names are exported exactly as catalogued (no unit suffixes).
///
/// # Errors
/// [`TelemetryError::InvalidBuckets`] if a catalogued histogram's buckets are empty,
/// not finite or not strictly increasing.
pub fn prometheus_builder() -> Result<PrometheusBuilder, TelemetryError> {
    let mut builder = PrometheusBuilder::new();
    for def in CATALOG.iter().filter(|m| m.kind == MetricKind::Histogram) {
        let invalid = TelemetryError::InvalidBuckets { metric: def.name };
        let valid = !def.buckets.is_empty()
            && def.buckets.iter().all(|b| b.is_finite())
            && def.buckets.windows(2).all(|w| w[0] < w[1]);
        if !valid {
            return Err(invalid);
        }
        builder = builder
            .set_buckets_for_metric(Matcher::Full(def.name.to_owned()), def.buckets)
            .map_err(|_| invalid)?;
    }
    Ok(builder)
}

/// A recorder that is NOT installed globally, with every catalog description
/// registered. Emit into it with [`LocalRecorder::record`]; read it with
/// [`LocalRecorder::handle`]. Meant for tests and for embedding.
#[derive(Debug)]
pub struct LocalRecorder {
    recorder: Arc<PrometheusRecorder>,
    handle: PrometheusHandle,
}

impl LocalRecorder {
    /// A handle that renders this recorder's metrics.
    pub fn handle(&self) -> PrometheusHandle {
        self.handle.clone()
    }

    /// What a metrics endpoint renders: this recorder, with the process
    /// metrics collected into it on every render.
    pub fn scrape(&self) -> Scrape {
        Scrape::local(self.handle.clone(), Arc::clone(&self.recorder))
    }

    /// The recorder itself (for `metrics::with_local_recorder` or composition).
    pub fn recorder(&self) -> &PrometheusRecorder {
        &self.recorder
    }

    /// Runs `f` with this recorder as the current thread's recorder, so the
    /// `metrics::counter!`/`gauge!`/`histogram!` calls inside land here.
    pub fn record<T>(&self, f: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(self.recorder.as_ref(), f)
    }
}

/// Builds a non-global recorder configured from the catalog, with every
/// description registered. Run [`PrometheusHandle::run_upkeep`] (or an [`Upkeep`])
/// yourself if it lives long.
///
/// # Errors
/// As [`prometheus_builder`].
pub fn build_recorder() -> Result<LocalRecorder, TelemetryError> {
    let recorder = Arc::new(prometheus_builder()?.build_recorder());
    let handle = recorder.handle();
    metrics::with_local_recorder(recorder.as_ref(), describe_all);
    Ok(LocalRecorder { recorder, handle })
}

/// The process-wide recorder installed by [`install_global`], and its upkeep thread.
///
/// `shutdown` (or drop) stops upkeep. The recorder itself stays installed: the
/// `metrics` facade offers no way to remove a global recorder.
#[derive(Debug)]
pub struct GlobalRecorder {
    handle: PrometheusHandle,
    upkeep: Upkeep,
}

impl GlobalRecorder {
    /// A handle that renders the global recorder's metrics without collecting
    /// the process metrics (an endpoint renders [`GlobalRecorder::scrape`]).
    pub fn handle(&self) -> PrometheusHandle {
        self.handle.clone()
    }

    /// What a metrics endpoint renders: the global recorder, with the process
    /// metrics collected into it on every render.
    pub fn scrape(&self) -> Scrape {
        Scrape::global(self.handle.clone())
    }

    /// Stops the upkeep thread and waits for it.
    pub fn shutdown(self) {
        self.upkeep.shutdown();
    }
}

/// Installs the catalog-configured recorder as the process-wide `metrics`
/// recorder, registers every catalog description, and starts a background thread
/// that runs upkeep every `upkeep_interval`.
///
/// Only binaries, examples and xtask may call this; library crates never do.
///
/// # Errors
/// [`TelemetryError::ZeroUpkeepInterval`], [`TelemetryError::InvalidBuckets`],
/// [`TelemetryError::RecorderAlreadyInstalled`] (any global recorder, ours or
/// another), or [`TelemetryError::Spawn`].
pub fn install_global(upkeep_interval: Duration) -> Result<GlobalRecorder, TelemetryError> {
    if upkeep_interval.is_zero() {
        return Err(TelemetryError::ZeroUpkeepInterval);
    }
    let recorder = prometheus_builder()?.build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).map_err(|_| TelemetryError::RecorderAlreadyInstalled)?;
    describe_all();
    let upkeep = Upkeep::spawn(handle.clone(), upkeep_interval)?;
    Ok(GlobalRecorder { handle, upkeep })
}

/// A background thread that calls [`PrometheusHandle::run_upkeep`] periodically.
/// Stopped and joined by [`Upkeep::shutdown`] or on drop.
#[derive(Debug)]
pub struct Upkeep {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Upkeep {
    /// Starts running upkeep on `handle` every `interval`.
    ///
    /// # Errors
    /// [`TelemetryError::ZeroUpkeepInterval`] or [`TelemetryError::Spawn`].
    pub fn spawn(handle: PrometheusHandle, interval: Duration) -> Result<Self, TelemetryError> {
        if interval.is_zero() {
            return Err(TelemetryError::ZeroUpkeepInterval);
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                // A message or a dropped sender (Disconnected) both mean "stop".
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    handle.run_upkeep();
                }
            })
            .map_err(|source| TelemetryError::Spawn {
                thread: "upkeep",
                source,
            })?;
        Ok(Upkeep {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Stops the thread and waits for it to finish.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        // Dropping the sender wakes the thread at once.
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            // The loop cannot panic except inside the exporter; nothing to report then.
            let _ = thread.join();
        }
    }
}

impl Drop for Upkeep {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

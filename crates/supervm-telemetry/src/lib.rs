//! The one catalog of SuperVM metrics, and (behind the `exporter` feature) the
//! Prometheus recorder and HTTP endpoint.
//!
//! Owns: every metric name, type, unit, label set, help text and histogram bucket
//! layout that any SuperVM crate emits. Library crates import the names from
//! [`names`] and emit through the `metrics` facade. With `exporter`, it also owns
//! the recorder configuration that turns the catalog into Prometheus output
//! (explicit buckets per histogram, `# HELP` from the catalog, periodic upkeep)
//! and the endpoint that serves it (`/metrics`, `/summary`, `/healthz`), see
//! [`exporter`].
//!
//! Must never: depend on another workspace crate, or pull an HTTP stack or a
//! recorder into library builds. The catalog part compiles with `metrics` and
//! `thiserror` only; the exporter is opt-in, and only binaries, examples and
//! xtask enable it. It must never rename a catalogued metric (dashboards and alert
//! rules read them), never export a histogram as a summary, never install a
//! recorder or open a port on its own, and never panic on a bad address or a
//! taken port: those come back as [`TelemetryError`] (with `exporter`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod catalog;
#[cfg(feature = "exporter")]
pub mod exporter;

pub use catalog::{describe_all, find, MetricDef, MetricKind, Unit, CATALOG};
pub use catalog::{labels, names, reasons};
#[cfg(feature = "exporter")]
pub use exporter::TelemetryError;

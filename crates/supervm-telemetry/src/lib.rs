//! The one catalog of SuperVM metrics, and (behind the `exporter` feature) the
//! Prometheus recorder and HTTP endpoint.
//!
//! Owns: every metric name, type, unit, label set, help text and histogram bucket
//! layout that any SuperVM crate emits (the `process_*` metrics included), and
//! the one way a prover process sets `supervm_prover_build_info`
//! ([`set_prover_build_info`]). Library crates import the names from
//! [`names`] and emit through the `metrics` facade. With `exporter`, it also
//! owns the recorder configuration that turns the catalog into Prometheus
//! output (explicit buckets per histogram, `# HELP` from the catalog, periodic
//! upkeep), the process-metrics collector (`metrics-process`, read on every
//! scrape: `exporter::Scrape`) and the endpoint that serves it (`/metrics`,
//! `/summary`, `/healthz`, `/readyz`), see `exporter`. With `http` (which
//! `exporter` enables), it owns the one hardened HTTP stack of every SuperVM
//! metrics endpoint: the bounds on URL, header and body sizes, time and
//! concurrency, the JSON error body, and the runner that serves a router on a
//! thread of its own; see `http`.
//!
//! Must never: depend on another workspace crate, or pull an HTTP stack, a
//! recorder or a process collector into library builds. The catalog part
//! compiles with `metrics` and `thiserror` only; `http` and `exporter` (which
//! brings `metrics-process`) are opt-in, and only binaries, examples and xtask
//! enable them. It must never rename a catalogued metric (dashboards and alert
//! rules read them), never export a histogram as a summary, never install a
//! recorder or open a port on its own, and never panic on a bad address or a
//! taken port: those come back as `TelemetryError` (with `http` or
//! `exporter`). Every SuperVM metrics endpoint serves through `http` and
//! renders through `exporter::Scrape`; no second HTTP stack, no endpoint
//! without its bounds, and no second copy of the process collector.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod build_info;
pub mod catalog;
#[cfg(any(feature = "http", feature = "exporter"))]
mod error;
#[cfg(feature = "exporter")]
pub mod exporter;
#[cfg(feature = "http")]
pub mod http;

pub use build_info::set_prover_build_info;
pub use catalog::{describe_all, find, MetricDef, MetricKind, Unit, CATALOG};
pub use catalog::{key_sources, labels, names, reasons, roles};
#[cfg(any(feature = "http", feature = "exporter"))]
pub use error::TelemetryError;

//! The one catalog of SuperVM metrics, and (behind the `exporter` feature) the
//! Prometheus recorder and HTTP endpoint.
//!
//! Owns: every metric name, type, unit, label set, help text and histogram bucket
//! layout that any SuperVM crate emits. Library crates import the names from
//! [`names`] and emit through the `metrics` facade.
//!
//! Must never: depend on another workspace crate, or pull an HTTP stack or a
//! recorder into library builds. The catalog part compiles with `metrics` and
//! `thiserror` only; the exporter is opt-in.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod catalog;

pub use catalog::{describe_all, find, MetricDef, MetricKind, Unit, CATALOG};
pub use catalog::{labels, names};

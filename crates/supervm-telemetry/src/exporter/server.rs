//! The metrics endpoint: `/metrics`, `/summary`, `/healthz`, `/readyz`, on the
//! hardened stack of [`crate::http`].

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;

use super::{Scrape, TelemetryError};
use crate::catalog::{MetricKind, CATALOG};
use crate::http::{error_response, harden, HttpServer};

/// `Content-Type` of `/metrics`: the Prometheus text exposition format.
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4";
const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// Produces the body of `/summary`. Called once per request, on the server thread.
pub type SummaryFn = Arc<dyn Fn() -> String + Send + Sync>;

/// The readiness flag behind `/readyz`: false until the binary says it is
/// ready (e.g. keys loaded and the first database connection made). Clones
/// share the flag.
#[derive(Debug, Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    /// Sets the flag: `/readyz` answers 200 while it is true, 503 otherwise.
    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::SeqCst);
    }

    /// The flag's current value.
    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct AppState {
    scrape: Scrape,
    summary: SummaryFn,
    ready: Readiness,
}

/// A running metrics endpoint.
///
/// Routes (GET or HEAD): `/metrics` (Prometheus text format, with the
/// process metrics read from the operating system on every request), `/summary`
/// (human-readable text), `/healthz` (`ok` while the process answers) and
/// `/readyz` (200 once [`MetricsServer::set_ready`] said so, 503 before);
/// anything else is 404, another method 405 with `Allow`. Every request is
/// bounded as [`crate::http`] says, and every error body is JSON.
///
/// [`MetricsServer::shutdown`] (or drop) stops the server thread and closes
/// the listening socket.
#[derive(Debug)]
pub struct MetricsServer {
    server: HttpServer,
    ready: Readiness,
}

impl MetricsServer {
    /// Serves `scrape` on `addr`, with [`default_summary`] (of a fresh
    /// scrape) on `/summary`. Port 0 picks a free port; read it back with
    /// [`MetricsServer::local_addr`].
    ///
    /// # Errors
    /// [`TelemetryError::Bind`] (naming `addr`) if the address cannot be bound,
    /// [`TelemetryError::Runtime`] or [`TelemetryError::Spawn`] if the server
    /// thread cannot start.
    pub fn start(addr: SocketAddr, scrape: Scrape) -> Result<Self, TelemetryError> {
        let summary_scrape = scrape.clone();
        Self::start_with_summary(addr, scrape, move || summarise(&summary_scrape.render()))
    }

    /// Serves `scrape` on `addr`, with `summary` producing the body of `/summary`.
    /// A panic inside `summary` becomes a 500 response; the server keeps running.
    ///
    /// # Errors
    /// As [`MetricsServer::start`].
    pub fn start_with_summary<F>(
        addr: SocketAddr,
        scrape: Scrape,
        summary: F,
    ) -> Result<Self, TelemetryError>
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        let ready = Readiness::default();
        let router = router(AppState {
            scrape,
            summary: Arc::new(summary),
            ready: ready.clone(),
        });
        let server = HttpServer::start(addr, router, "metrics-http")?;
        Ok(MetricsServer { server, ready })
    }

    /// The address actually bound (differs from the requested one for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Sets the `/readyz` flag (false at start).
    pub fn set_ready(&self, ready: bool) {
        self.ready.set(ready);
    }

    /// A handle on the `/readyz` flag, for code that outlives a borrow of
    /// the server (a worker loop, a callback).
    pub fn readiness(&self) -> Readiness {
        self.ready.clone()
    }

    /// Stops serving, waits for the server thread and closes the socket.
    pub fn shutdown(self) {
        self.server.shutdown();
    }
}

fn router(state: AppState) -> Router {
    harden(
        Router::new()
            .route("/metrics", get(metrics))
            .route("/summary", get(summary))
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .fallback(not_found)
            .with_state(state),
    )
}

async fn metrics(State(app): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, METRICS_CONTENT_TYPE)],
        app.scrape.render(),
    )
        .into_response()
}

async fn summary(State(app): State<AppState>) -> Response {
    match catch_unwind(AssertUnwindSafe(|| (app.summary)())) {
        Ok(body) => ([(header::CONTENT_TYPE, TEXT_CONTENT_TYPE)], body).into_response(),
        Err(_) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the summary callback panicked",
        ),
    }
}

/// Alive: the process answers. Says nothing about readiness (see `/readyz`).
async fn healthz() -> Response {
    ([(header::CONTENT_TYPE, TEXT_CONTENT_TYPE)], "ok\n").into_response()
}

/// Ready: the binary said so.
async fn readyz(State(app): State<AppState>) -> Response {
    if app.ready.is_ready() {
        ([(header::CONTENT_TYPE, TEXT_CONTENT_TYPE)], "ready\n").into_response()
    } else {
        error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the process has not said it is ready yet",
        )
    }
}

async fn not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; the endpoints are /metrics, /summary, /healthz, /readyz",
    )
}

/// The default `/summary` body: every catalogued metric that has been recorded,
/// its current value(s) and its help text; histograms as count, sum and mean.
pub fn default_summary(handle: &PrometheusHandle) -> String {
    summarise(&handle.render())
}

/// [`default_summary`] of an exposition already rendered.
fn summarise(rendered: &str) -> String {
    let mut out = String::from("SuperVM telemetry summary\n");
    let mut any = false;
    for def in CATALOG {
        let lines: Vec<String> = match def.kind {
            MetricKind::Histogram => histogram_lines(rendered, def.name),
            MetricKind::Counter | MetricKind::Gauge => samples(rendered, def.name)
                .map(|(series, value)| format!("  {series} = {value}"))
                .collect(),
        };
        if lines.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(out, "\n{} ({})", def.name, def.help);
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
    if !any {
        out.push_str("\nno metrics recorded yet\n");
    }
    out
}

/// `(series, value)` pairs of the exposition lines for exactly `name`
/// (`name 3` or `name{labels} 3`).
fn samples<'a>(rendered: &'a str, name: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
    rendered.lines().filter_map(move |line| {
        let rest = line.strip_prefix(name)?;
        if !(rest.starts_with(' ') || rest.starts_with('{')) {
            return None;
        }
        line.rsplit_once(' ')
    })
}

fn histogram_lines(rendered: &str, name: &str) -> Vec<String> {
    let count_name = format!("{name}_count");
    let sum_name = format!("{name}_sum");
    samples(rendered, &count_name)
        .map(|(series, count)| {
            let labels = &series[count_name.len()..];
            let sum = samples(rendered, &sum_name)
                .find(|(s, _)| &s[sum_name.len()..] == labels)
                .and_then(|(_, v)| v.parse::<f64>().ok());
            let count_value = count.parse::<f64>().ok();
            match (sum, count_value) {
                (Some(sum), Some(n)) if n > 0.0 => format!(
                    "  {name}{labels}: count = {count}, sum = {sum:.6} s, mean = {:.6} s",
                    sum / n
                ),
                _ => format!("  {name}{labels}: count = {count}"),
            }
        })
        .collect()
}

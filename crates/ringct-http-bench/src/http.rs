//! The bench's HTTP endpoint: GET `/metrics` (Prometheus text), `/summary`
//! (text), `/summary.json`, `/healthz` (alive) and `/readyz` (keys loaded),
//! on the one hardened stack of `supervm_telemetry::http` (axum, like
//! `supervm-node`'s API).
//!
//! Every request is bounded there: the request target (414), the header
//! section (431), a declared body (413), the time to answer (408) and the
//! number served at once (503); another method on a known path gets 405 with
//! an `Allow` header, an unknown path 404, and every error body is JSON:
//! `{"error": rule, "message": text}`.
//!
//! The server runs on its own thread with a single-threaded tokio runtime, so
//! the proving threads are never shared with it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use supervm_telemetry::exporter::{Scrape, METRICS_CONTENT_TYPE};
use supervm_telemetry::http::axum::extract::State;
use supervm_telemetry::http::axum::http::{header, StatusCode};
use supervm_telemetry::http::axum::response::{IntoResponse, Response};
use supervm_telemetry::http::axum::routing::get;
use supervm_telemetry::http::axum::{Json, Router};
use supervm_telemetry::http::{error_response as error, harden, HttpServer};
use supervm_telemetry::TelemetryError;

use crate::error::BenchError;
use crate::summary::{lock, BenchState, Phase};

pub use supervm_telemetry::http::{
    ErrorBody, MAX_BODY_BYTES, MAX_CONCURRENT_REQUESTS, MAX_HEADER_BYTES, MAX_URL_BYTES,
    REQUEST_TIMEOUT,
};

#[derive(Clone)]
struct AppState {
    scrape: Scrape,
    bench: Arc<Mutex<BenchState>>,
}

/// The bench's router, with every bound of `supervm_telemetry::http`;
/// `/metrics` renders `scrape` (the process metrics read on every request).
pub fn router(scrape: Scrape, bench: Arc<Mutex<BenchState>>) -> Router {
    harden(
        Router::new()
            .route("/metrics", get(metrics))
            .route("/summary", get(summary))
            .route("/summary.json", get(summary_json))
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .fallback(not_found)
            .with_state(AppState { scrape, bench }),
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
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        lock(&app.bench).render(),
    )
        .into_response()
}

async fn summary_json(State(app): State<AppState>) -> Response {
    Json(lock(&app.bench).report()).into_response()
}

/// Alive: the process answers. Says nothing about the keys (see `/readyz`).
async fn healthz() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
        .into_response()
}

/// Ready: the keys are loaded and the bench is not stopping.
async fn readyz(State(app): State<AppState>) -> Response {
    let (ready, phase) = {
        let s = lock(&app.bench);
        (
            s.keys.is_some() && s.phase != Phase::Stopped,
            s.phase.clone(),
        )
    };
    if ready {
        (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "ready\n",
        )
            .into_response()
    } else {
        let why = match phase {
            Phase::Stopped => "the bench is stopping",
            _ => "the keys are still loading",
        };
        error(StatusCode::SERVICE_UNAVAILABLE, "not_ready", why)
    }
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; the endpoints are /metrics, /summary, /summary.json, /healthz, /readyz",
    )
}

/// The running endpoint: its thread and the way to stop it.
pub struct Endpoint(HttpServer);

impl Endpoint {
    /// Binds `addr` (a taken port fails here, before any setup) and serves
    /// `router` on a thread of its own.
    pub fn start(addr: SocketAddr, router: Router) -> Result<Endpoint, BenchError> {
        HttpServer::start(addr, router, "bench-http")
            .map(Endpoint)
            .map_err(|e| match e {
                TelemetryError::Bind { addr, source } => BenchError::Endpoint { addr, source },
                other => BenchError::Http(other.to_string()),
            })
    }

    /// The bound address (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.0.local_addr()
    }

    /// Stops accepting, lets open requests finish, and waits for the thread
    /// at most `supervm_telemetry::http::SHUTDOWN_GRACE` (a client holding a
    /// connection open cannot keep the process alive).
    pub fn shutdown(self) {
        self.0.shutdown();
    }
}

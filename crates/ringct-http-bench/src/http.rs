//! The HTTP endpoint, on axum (hyper) like `supervm-node`'s: GET `/metrics`
//! (Prometheus text), `/summary` (text), `/summary.json`, `/healthz` (alive)
//! and `/readyz` (keys loaded).
//!
//! Every request is bounded: the request target by [`MAX_URL_BYTES`] (414),
//! the header section by [`MAX_HEADER_BYTES`] (431; hyper also drops a
//! connection whose header section outgrows its read buffer, about 400 KiB),
//! a declared body by [`MAX_BODY_BYTES`] (413, tower-http's
//! `RequestBodyLimitLayer`), the time to answer by [`REQUEST_TIMEOUT`] (408,
//! tower-http's `TimeoutLayer`) and the number served at once by
//! [`MAX_CONCURRENT_REQUESTS`] (503). Another method on a known path gets 405
//! with an `Allow` header; an unknown path 404. Every error body is JSON:
//! `{"error": rule, "message": text}`.
//!
//! The server runs on its own thread with a single-threaded tokio runtime, so
//! the proving threads are never shared with it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use metrics_exporter_prometheus::PrometheusHandle;
use serde::Serialize;
use supervm_telemetry::exporter::METRICS_CONTENT_TYPE;
use tokio::sync::{oneshot, Semaphore};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::BenchError;
use crate::summary::{lock, BenchState, Phase};
use crate::telemetry::ProcessMetrics;

/// Longest request target (path and query), in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Largest header section (names and values), in bytes.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// Largest declared request body, in bytes (every endpoint is a GET).
pub const MAX_BODY_BYTES: usize = 1024;
/// Longest time to answer one request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests served at once; more get 503.
pub const MAX_CONCURRENT_REQUESTS: usize = 32;
/// How long [`Endpoint::shutdown`] waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// An error response body.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// The broken rule, e.g. `uri_too_long`.
    pub error: String,
    /// What happened, for a person.
    pub message: String,
}

fn error(status: StatusCode, rule: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ErrorBody {
            error: rule.to_owned(),
            message: message.into(),
        }),
    )
        .into_response()
}

#[derive(Clone)]
struct AppState {
    handle: PrometheusHandle,
    bench: Arc<Mutex<BenchState>>,
    process: Arc<ProcessMetrics>,
}

/// The bench's router, with every bound of the module doc.
pub fn router(
    handle: PrometheusHandle,
    bench: Arc<Mutex<BenchState>>,
    process: Arc<ProcessMetrics>,
) -> Router {
    let permits = Arc::new(Semaphore::new(MAX_CONCURRENT_REQUESTS));
    Router::new()
        .route("/metrics", get(metrics))
        .route("/summary", get(summary))
        .route("/summary.json", get(summary_json))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .with_state(AppState {
            handle,
            bench,
            process,
        })
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn_with_state(permits, limit_concurrency))
        .layer(middleware::from_fn(limit_headers))
        .layer(middleware::from_fn(limit_url))
        .layer(middleware::from_fn(json_errors))
}

async fn metrics(State(app): State<AppState>) -> Response {
    app.process.collect();
    (
        [(header::CONTENT_TYPE, METRICS_CONTENT_TYPE)],
        app.handle.render(),
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

async fn limit_concurrency(
    State(permits): State<Arc<Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    match permits.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "too_many_requests",
            format!("{MAX_CONCURRENT_REQUESTS} requests are being served; retry later"),
        ),
    }
}

async fn limit_url(request: Request, next: Next) -> Response {
    let len = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if len > MAX_URL_BYTES {
        return error(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("request target of {len} bytes; at most {MAX_URL_BYTES}"),
        );
    }
    next.run(request).await
}

async fn limit_headers(request: Request, next: Next) -> Response {
    let len: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if len > MAX_HEADER_BYTES {
        return error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("header section of {len} bytes; at most {MAX_HEADER_BYTES}"),
        );
    }
    next.run(request).await
}

/// Gives every error response a JSON body, keeping its status and headers
/// (`Allow` on 405 among them).
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let rule = match status {
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::NOT_FOUND => "not_found",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let (mut parts, _) = response.into_parts();
    let body = serde_json::to_vec(&ErrorBody {
        error: rule.to_owned(),
        message: status.canonical_reason().unwrap_or("error").to_owned(),
    })
    .unwrap_or_default();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The running endpoint: its thread and the way to stop it.
pub struct Endpoint {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Endpoint {
    /// Binds `addr` (a taken port fails here, before any setup) and serves
    /// `router` on a thread of its own.
    pub fn start(addr: SocketAddr, router: Router) -> Result<Endpoint, BenchError> {
        let listener = std::net::TcpListener::bind(addr)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|source| BenchError::Endpoint { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| BenchError::Endpoint { addr, source })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| BenchError::Http(format!("cannot build the runtime: {e}")))?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("bench-http".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            eprintln!("zk_parallel_http_bench: HTTP endpoint: {e}");
                            return;
                        }
                    };
                    let shutdown = async {
                        let _ = stopped.await;
                    };
                    if let Err(e) = axum::serve(listener, router)
                        .with_graceful_shutdown(shutdown)
                        .await
                    {
                        eprintln!("zk_parallel_http_bench: HTTP endpoint: {e}");
                    }
                })
            })
            .map_err(|e| BenchError::Http(format!("cannot start the HTTP thread: {e}")))?;
        Ok(Endpoint {
            addr: local,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The bound address (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets open requests finish, and waits for the thread
    /// at most [`SHUTDOWN_GRACE`] (a client holding a connection open cannot
    /// keep the process alive).
    pub fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let deadline = Instant::now() + SHUTDOWN_GRACE;
            while !thread.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

//! The bounds on every request, and [`harden`], which applies them to a router.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::error_body::{error_response, json_errors};

/// Longest request target (path and query), in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Largest header section (names and values), in bytes.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;
/// Largest declared request body, in bytes (every metrics endpoint is a GET).
pub const MAX_BODY_BYTES: usize = 1024;
/// Longest time to answer one request.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests served at once; more get 503.
pub const MAX_CONCURRENT_REQUESTS: usize = 32;

/// The bounds one router applies. [`Limits::METRICS`] are the metrics
/// endpoints' (the constants above); a service with its own settings, such
/// as the node's API, fills in its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest request target (path and query), in bytes (414 beyond).
    pub max_url_bytes: usize,
    /// Largest header section, in bytes (431 beyond); `None` leaves the
    /// bound to hyper, which drops a connection whose header section outgrows
    /// its read buffer.
    pub max_header_bytes: Option<usize>,
    /// Largest declared request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Longest time to answer one request (408 beyond).
    pub request_timeout: Duration,
    /// Requests served at once (503 beyond).
    pub max_concurrent_requests: usize,
}

impl Limits {
    /// Every metrics endpoint's bounds.
    pub const METRICS: Limits = Limits {
        max_url_bytes: MAX_URL_BYTES,
        max_header_bytes: Some(MAX_HEADER_BYTES),
        max_body_bytes: MAX_BODY_BYTES,
        request_timeout: REQUEST_TIMEOUT,
        max_concurrent_requests: MAX_CONCURRENT_REQUESTS,
    };
}

/// `router` with every bound of [`crate::http`], and JSON error bodies.
/// Call it on the finished router (after `with_state`).
pub fn harden(router: Router) -> Router {
    harden_with(router, &Limits::METRICS)
}

/// `router` with the bounds of `limits`, and JSON error bodies. Call it on
/// the finished router (after `with_state`).
pub fn harden_with(router: Router, limits: &Limits) -> Router {
    let permits = Arc::new(Semaphore::new(limits.max_concurrent_requests));
    let router = router
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            (permits, limits.max_concurrent_requests),
            limit_concurrency,
        ));
    let router = match limits.max_header_bytes {
        Some(max) => router.layer(middleware::from_fn_with_state(max, limit_headers)),
        None => router,
    };
    limit_url(router, limits.max_url_bytes)
}

/// `router` with only the request-target bound and JSON error bodies (for
/// a router whose other bounds come from elsewhere).
pub fn limit_url(router: Router, max_url_bytes: usize) -> Router {
    router
        .layer(middleware::from_fn_with_state(
            max_url_bytes,
            refuse_long_url,
        ))
        .layer(middleware::from_fn(json_errors))
}

async fn limit_concurrency(
    State((permits, max)): State<(Arc<Semaphore>, usize)>,
    request: Request,
    next: Next,
) -> Response {
    match permits.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "too_many_requests",
            format!("{max} requests are being served; retry later"),
        ),
    }
}

async fn refuse_long_url(State(max): State<usize>, request: Request, next: Next) -> Response {
    let len = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if len > max {
        return error_response(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("request target of {len} bytes; at most {max}"),
        );
    }
    next.run(request).await
}

async fn limit_headers(State(max): State<usize>, request: Request, next: Next) -> Response {
    let len: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if len > max {
        return error_response(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("header section of {len} bytes; at most {max}"),
        );
    }
    next.run(request).await
}

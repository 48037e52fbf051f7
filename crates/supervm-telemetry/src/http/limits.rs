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

/// `router` with every bound of [`crate::http`], and JSON error bodies.
/// Call it on the finished router (after `with_state`).
pub fn harden(router: Router) -> Router {
    let permits = Arc::new(Semaphore::new(MAX_CONCURRENT_REQUESTS));
    router
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

async fn limit_concurrency(
    State(permits): State<Arc<Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    match permits.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => error_response(
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
        return error_response(
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
        return error_response(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "headers_too_large",
            format!("header section of {len} bytes; at most {MAX_HEADER_BYTES}"),
        );
    }
    next.run(request).await
}

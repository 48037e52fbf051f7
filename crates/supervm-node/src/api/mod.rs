//! The HTTP side: the `/v1` JSON API and the metrics endpoint, on axum (hyper) with
//! tower and tower-http layers for the bounds.
//!
//! Every request is bounded: the body by `api.max_body_bytes` (tower-http's
//! `RequestBodyLimitLayer`, 413), the URL by [`MAX_URL_BYTES`] (414), the time by
//! `api.request_timeout` (tower-http's `TimeoutLayer`, 408), and the number served at once
//! by `api.max_concurrent_requests` (503 beyond it); hyper bounds the header section.
//! Every error is JSON ([`ErrorBody`]: the broken rule and a message), including the ones
//! axum and tower-http produce themselves (404, 405 with its `Allow` header, 408, 413):
//! `supervm_telemetry::http::json_errors` (the stack every endpoint shares) rewrites any
//! non-JSON error body.

mod openapi;
mod routes;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::error::NodeError;
use crate::node::Shared;
use crate::wire::ErrorBody;
use supervm_telemetry::http::json_errors;

pub use openapi::openapi_json;

/// Longest request target (path and query), in bytes.
pub const MAX_URL_BYTES: usize = 8192;

/// An error response: status, rule and message.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
}

impl ApiError {
    /// A response with `status`, `rule` and `message`.
    pub fn new(status: StatusCode, rule: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody {
                error: rule.to_owned(),
                message: message.into(),
            },
        }
    }

    fn not_found(what: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }
}

impl From<NodeError> for ApiError {
    fn from(e: NodeError) -> Self {
        let status = match &e {
            NodeError::MalformedBytes(_)
            | NodeError::MalformedJson(_)
            | NodeError::InvalidField { .. }
            | NodeError::InvalidTransaction(_) => StatusCode::BAD_REQUEST,
            NodeError::TxTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            NodeError::Rejected(_) => StatusCode::UNPROCESSABLE_ENTITY,
            NodeError::AlreadyPending(_)
            | NodeError::AlreadyCommitted(_)
            | NodeError::KeyImagePending { .. }
            | NodeError::OutputPending { .. } => StatusCode::CONFLICT,
            NodeError::MempoolFull { .. }
            | NodeError::MempoolBytes { .. }
            | NodeError::VerifyBusy { .. }
            | NodeError::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.rule(), e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// The `/v1` API router (with `/healthz`, `/readyz` and `/v1/openapi.json`).
pub fn api_router(shared: Arc<Shared>) -> Router {
    let config = &shared.config;
    let permits = Arc::new(Semaphore::new(config.api_max_concurrent_requests));
    let body_limit = config.api_max_body_bytes;
    let timeout = config.api_request_timeout;
    Router::new()
        .route("/v1/transactions", post(routes::submit))
        .route("/v1/transactions/{id}", get(routes::transaction))
        .route("/v1/blocks/{height}", get(routes::block))
        .route("/v1/notes", get(routes::notes))
        .route("/v1/key-images/{key_image}", get(routes::key_image))
        .route("/v1/status", get(routes::status))
        .route("/v1/openapi.json", get(routes::openapi))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .fallback(fallback)
        .with_state(Arc::clone(&shared))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::from_fn_with_state(permits, limit_concurrency))
        .layer(middleware::from_fn(limit_url))
        .layer(middleware::from_fn(json_errors))
}

/// The metrics router: `/metrics` (Prometheus text), `/healthz`, `/readyz`.
pub fn metrics_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/metrics", get(routes::metrics))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .fallback(fallback)
        .with_state(shared)
        .layer(middleware::from_fn(limit_url))
        .layer(middleware::from_fn(json_errors))
}

async fn fallback() -> ApiError {
    ApiError::not_found("no such endpoint; see /v1/openapi.json")
}

/// Refuses with 503 when `api.max_concurrent_requests` are being served.
async fn limit_concurrency(
    State(permits): State<Arc<Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    match permits.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too_many_requests",
            "the node is serving its maximum number of requests; retry later",
        )
        .into_response(),
    }
}

/// Refuses a request target longer than [`MAX_URL_BYTES`] with 414.
async fn limit_url(request: Request, next: Next) -> Response {
    let len = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if len > MAX_URL_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("request target of {len} bytes; at most {MAX_URL_BYTES}"),
        )
        .into_response();
    }
    next.run(request).await
}

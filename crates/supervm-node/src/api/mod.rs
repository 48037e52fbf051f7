//! The HTTP side: the `/v1` JSON API and the metrics endpoint, on axum (hyper) with
//! tower and tower-http layers for the bounds.
//!
//! Every request is bounded: the body by `api.max_body_bytes` (tower-http's
//! `RequestBodyLimitLayer`, 413), the URL by [`MAX_URL_BYTES`] (414), the time by
//! `api.request_timeout` (tower-http's `TimeoutLayer`, 408), and the number served at once
//! by `api.max_concurrent_requests` (503 beyond it); hyper bounds the header section.
//! Every error is JSON ([`ErrorBody`]: the broken rule and a message), including the ones
//! axum and tower-http produce themselves (404, 405 with its `Allow` header, 408, 413).
//! These are the layers of `supervm_telemetry::http::harden_with` (the stack every
//! endpoint shares), given the node's configured [`Limits`]; the metrics router keeps
//! only the URL bound (`supervm_telemetry::http::limit_url`).

mod openapi;
mod routes;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::error::NodeError;
use crate::node::Shared;
use crate::wire::ErrorBody;
use supervm_telemetry::http::{harden_with, limit_url, Limits};

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
    let limits = Limits {
        max_url_bytes: MAX_URL_BYTES,
        // hyper bounds the header section.
        max_header_bytes: None,
        max_body_bytes: config.api_max_body_bytes,
        request_timeout: config.api_request_timeout,
        max_concurrent_requests: config.api_max_concurrent_requests,
    };
    let router = Router::new()
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
        .with_state(Arc::clone(&shared));
    harden_with(router, &limits)
}

/// The metrics router: `/metrics` (Prometheus text), `/healthz`, `/readyz`.
pub fn metrics_router(shared: Arc<Shared>) -> Router {
    let router = Router::new()
        .route("/metrics", get(routes::metrics))
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .fallback(fallback)
        .with_state(shared);
    limit_url(router, MAX_URL_BYTES)
}

async fn fallback() -> ApiError {
    ApiError::not_found("no such endpoint; see /v1/openapi.json")
}

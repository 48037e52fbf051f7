//! The JSON body of every error response, and the middleware that gives one to
//! errors produced outside the handlers (axum's 405, tower-http's 413 and 408).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An error response body.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// The broken rule, e.g. `uri_too_long`.
    pub error: String,
    /// What happened, for a person.
    pub message: String,
}

/// A response with `status` and an [`ErrorBody`] naming `rule`.
pub fn error_response(status: StatusCode, rule: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ErrorBody {
            error: rule.to_owned(),
            message: message.into(),
        }),
    )
        .into_response()
}

/// Gives every error response a JSON body, keeping its status and headers
/// (`Allow` on 405 among them).
pub async fn json_errors(request: Request, next: Next) -> Response {
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
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
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

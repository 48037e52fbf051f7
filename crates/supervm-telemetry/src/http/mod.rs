//! The one hardened HTTP stack (axum on hyper, like `supervm-node`'s API) of
//! every SuperVM metrics endpoint. Compiled only with the `http` feature.
//!
//! [`harden`] bounds every request of a router: the request target by
//! [`MAX_URL_BYTES`] (414), the header section by [`MAX_HEADER_BYTES`] (431;
//! hyper also drops a connection whose header section outgrows its read
//! buffer, about 400 KiB), a declared body by [`MAX_BODY_BYTES`] (413,
//! tower-http's `RequestBodyLimitLayer`), the time to answer by
//! [`REQUEST_TIMEOUT`] (408, tower-http's `TimeoutLayer`) and the number
//! served at once by [`MAX_CONCURRENT_REQUESTS`] (503). Another method on a
//! known path gets 405 with an `Allow` header (axum's method router); every
//! error body is JSON, [`ErrorBody`]: `{"error": rule, "message": text}`.
//! [`harden_with`] applies the same stack with other [`Limits`] (the node's
//! API takes its own from its configuration).
//!
//! [`HttpServer`] serves a router on a thread of its own with a
//! single-threaded tokio runtime (so no worker or proving thread is shared with
//! it) and shuts down gracefully. The module never opens a port by itself: a
//! binary starts the server.

mod error_body;
mod limits;
mod server;

pub use error_body::{error_response, json_errors, ErrorBody};
pub use limits::{
    harden, harden_with, limit_url, Limits, MAX_BODY_BYTES, MAX_CONCURRENT_REQUESTS,
    MAX_HEADER_BYTES, MAX_URL_BYTES, REQUEST_TIMEOUT,
};
pub use server::{HttpServer, SHUTDOWN_GRACE};

/// axum's router, re-exported so that a binary builds its routes against the
/// same version this stack hardens.
pub use axum;

//! The handlers. Each is documented for the OpenAPI document (`utoipa::path`), and each
//! answers every error with [`ApiError`] (JSON).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ringct_circuit::TxId;
use supervm_runtime::Transaction;

use super::ApiError;
use crate::admission::{lock, read};
use crate::error::NodeError;
use crate::node::Shared;
use crate::wire::{
    key_image_from_hex, BlockJson, ErrorBody, KeyImageResponse, NoteJson, NotesResponse,
    ReceiptJson, ShapeKeyJson, StatusResponse, SubmitResponse, TxJson, TxStatusResponse,
};

/// Most notes one `GET /v1/notes` returns.
pub const MAX_NOTES_PER_REQUEST: usize = 1000;

/// Runs blocking node work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, NodeError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => Err(NodeError::Internal(format!("worker: {e}")).into()),
    }
}

/// Submit a transaction: JSON (`application/json`, [`TxJson`]) or canonical bytes
/// (`application/octet-stream`, docs/PROTOCOL.md). A private transaction's proof is
/// verified before the answer.
#[utoipa::path(
    post,
    path = "/v1/transactions",
    request_body(
        description = "A transaction as JSON, or its canonical bytes",
        content((TxJson = "application/json"), ("application/octet-stream"))
    ),
    responses(
        (status = 202, description = "Admitted to the mempool", body = SubmitResponse),
        (status = 400, description = "Malformed transaction", body = ErrorBody),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 409, description = "Already pending or committed, or conflicts with a pending transaction", body = ErrorBody),
        (status = 413, description = "Too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 415, description = "Neither JSON nor canonical bytes", body = ErrorBody),
        (status = 422, description = "Refused by a rule of the runtime, or invalid proof", body = ErrorBody),
        (status = 503, description = "Mempool full, too busy, or shutting down", body = ErrorBody)
    ),
    tag = "transactions"
)]
pub async fn submit(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    // Refusals before admission are counted like admission's own.
    let counted = |e: NodeError| {
        crate::metrics::rejected(e.rule());
        ApiError::from(e)
    };
    let tx = match content_type.as_str() {
        "application/json" => serde_json::from_slice::<TxJson>(&body)
            .map_err(|e| NodeError::MalformedJson(e.to_string()))
            .and_then(|j| j.to_transaction())
            .map_err(counted)?,
        "application/octet-stream" => Transaction::from_bytes(&body)
            .map_err(NodeError::from)
            .map_err(counted)?,
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send application/json or application/octet-stream",
            ))
        }
    };
    let id = blocking(move || shared.submit(tx)).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(SubmitResponse {
            id: id.to_string(),
            status: "pending".into(),
        }),
    )
        .into_response())
}

fn tx_id(text: &str) -> Result<TxId, ApiError> {
    text.parse::<TxId>()
        .map_err(|_| NodeError::InvalidField {
            field: "id",
            reason: "a transaction id is 64 hex digits".into(),
        })
        .map_err(ApiError::from)
}

/// A transaction's status, and its receipt once its block is committed.
#[utoipa::path(
    get,
    path = "/v1/transactions/{id}",
    params(("id" = String, Path, description = "Transaction id, 64 hex digits", pattern = "^[0-9a-fA-F]{64}$")),
    responses(
        (status = 200, description = "Pending or committed", body = TxStatusResponse),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 404, description = "Unknown", body = ErrorBody),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 503, description = "Too many requests in flight", body = ErrorBody)
    ),
    tag = "transactions"
)]
pub async fn transaction(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<TxStatusResponse>, ApiError> {
    let id = tx_id(&id)?;
    let found = blocking(move || {
        // Store first: a transaction leaves the mempool only after its block commits.
        if let Some(r) = shared.store.receipt(&id)? {
            return Ok(Some(("committed", Some(ReceiptJson::of(&r)))));
        }
        if lock(&shared.mempool)?.contains(&id) {
            return Ok(Some(("pending", None)));
        }
        // It may have committed between the two looks.
        Ok(shared
            .store
            .receipt(&id)?
            .map(|r| ("committed", Some(ReceiptJson::of(&r)))))
    })
    .await?;
    match found {
        Some((status, receipt)) => Ok(Json(TxStatusResponse {
            id: id.to_string(),
            status: status.into(),
            receipt,
        })),
        None => Err(ApiError::not_found(format!("no transaction {id}"))),
    }
}

/// A block by height.
#[utoipa::path(
    get,
    path = "/v1/blocks/{height}",
    params(("height" = u64, Path, description = "Block height (genesis is 0)")),
    responses(
        (status = 200, description = "The block", body = BlockJson),
        (status = 400, description = "Malformed height", body = ErrorBody),
        (status = 404, description = "No such block yet", body = ErrorBody),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 503, description = "Too many requests in flight", body = ErrorBody)
    ),
    tag = "blocks"
)]
pub async fn block(
    State(shared): State<Arc<Shared>>,
    Path(height): Path<String>,
) -> Result<Json<BlockJson>, ApiError> {
    let height: u64 = height.parse().map_err(|_| {
        ApiError::from(NodeError::InvalidField {
            field: "height",
            reason: "a non-negative integer".into(),
        })
    })?;
    let block = blocking(move || Ok(shared.store.block(height)?)).await?;
    match block {
        Some(b) => Ok(Json(BlockJson::of(&b)?)),
        None => Err(ApiError::not_found(format!("no block at height {height}"))),
    }
}

/// Parses `start=N&limit=M` strictly: only these keys, each at most once.
fn notes_query(query: Option<&str>) -> Result<(u64, usize), NodeError> {
    let (mut start, mut limit) = (None, None);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = |field: &'static str, reason: &str| NodeError::InvalidField {
            field,
            reason: reason.into(),
        };
        match k {
            "start" if start.is_none() => {
                start = Some(
                    v.parse::<u64>()
                        .map_err(|_| bad("start", "a non-negative integer"))?,
                )
            }
            "limit" if limit.is_none() => {
                let n = v
                    .parse::<usize>()
                    .map_err(|_| bad("limit", "an integer from 1 to 1000"))?;
                if !(1..=MAX_NOTES_PER_REQUEST).contains(&n) {
                    return Err(bad("limit", "an integer from 1 to 1000"));
                }
                limit = Some(n)
            }
            "start" | "limit" => return Err(bad("query", "a parameter is repeated")),
            _ => return Err(bad("query", "only start and limit are accepted")),
        }
    }
    Ok((start.unwrap_or(0), limit.unwrap_or(100)))
}

/// Ledger notes from `start` (default 0), at most `limit` (default 100, at most 1000),
/// with memos: what wallets scan and pick rings from.
#[utoipa::path(
    get,
    path = "/v1/notes",
    params(
        ("start" = Option<u64>, Query, description = "First ledger index (default 0)"),
        ("limit" = Option<u32>, Query, description = "Most notes to return, 1 to 1000 (default 100)", minimum = 1, maximum = 1000)
    ),
    responses(
        (status = 200, description = "The notes", body = NotesResponse),
        (status = 400, description = "Malformed query", body = ErrorBody),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 503, description = "Too many requests in flight", body = ErrorBody)
    ),
    tag = "ledger"
)]
pub async fn notes(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Result<Json<NotesResponse>, ApiError> {
    let (start, limit) = notes_query(query.as_deref())?;
    let (total, notes) = blocking(move || {
        let total = shared.store.note_count()?;
        let notes = shared.store.notes(start, limit)?;
        Ok((total, notes))
    })
    .await?;
    Ok(Json(NotesResponse {
        total,
        notes: notes.iter().map(NoteJson::of).collect(),
    }))
}

/// Whether a key image is spent (committed) or claimed by a pending transaction.
#[utoipa::path(
    get,
    path = "/v1/key-images/{key_image}",
    params(("key_image" = String, Path, description = "Key image, a 32-byte field element as 64 hex digits", pattern = "^[0-9a-fA-F]{64}$")),
    responses(
        (status = 200, description = "Its status", body = KeyImageResponse),
        (status = 400, description = "Malformed key image", body = ErrorBody),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 503, description = "Too many requests in flight", body = ErrorBody)
    ),
    tag = "ledger"
)]
pub async fn key_image(
    State(shared): State<Arc<Shared>>,
    Path(text): Path<String>,
) -> Result<Json<KeyImageResponse>, ApiError> {
    let ki = key_image_from_hex(&text)?;
    let (spent_by, pending_by) = blocking(move || {
        let spent = shared.store.key_image_spent(&ki)?;
        let pending = lock(&shared.mempool)?.spender(&ki);
        Ok((spent, pending))
    })
    .await?;
    Ok(Json(KeyImageResponse {
        key_image: text.to_ascii_lowercase(),
        spent: spent_by.is_some(),
        spent_by: spent_by.map(|id| id.to_string()),
        pending_by: pending_by.map(|id| id.to_string()),
    }))
}

/// The node's status: network, tip, ledger and mempool sizes, verifying keys.
#[utoipa::path(
    get,
    path = "/v1/status",
    responses(
        (status = 200, description = "The status", body = StatusResponse),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 503, description = "Too many requests in flight", body = ErrorBody)
    ),
    tag = "node"
)]
pub async fn status(State(shared): State<Arc<Shared>>) -> Result<Json<StatusResponse>, ApiError> {
    let status = blocking(move || {
        let tip = shared.store.tip()?;
        let notes = shared.store.note_count()?;
        let (txs, bytes) = {
            let pool = lock(&shared.mempool)?;
            (pool.len() as u64, pool.bytes() as u64)
        };
        let network = read(&shared.chain)?.vm().network().to_string();
        Ok(StatusResponse {
            version: env!("CARGO_PKG_VERSION").into(),
            protocol_version: ringct_circuit::PROTOCOL_VERSION,
            network,
            height: tip.height,
            tip_hash: hex::encode(tip.hash()?),
            state_digest: hex::encode(tip.state_digest),
            notes,
            mempool_txs: txs,
            mempool_bytes: bytes,
            shapes: shared
                .fingerprints
                .iter()
                .map(|(s, f)| ShapeKeyJson {
                    shape: s.to_string(),
                    fingerprint: hex::encode(f),
                })
                .collect(),
        })
    })
    .await?;
    Ok(Json(status))
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    responses(
        (status = 200, description = "The OpenAPI document", content_type = "application/json"),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 503, description = "Too many requests in flight", body = ErrorBody)
    ),
    tag = "node"
)]
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        super::openapi_json(),
    )
        .into_response()
}

/// 200 while the process serves HTTP.
#[utoipa::path(
    get,
    path = "/healthz",
    responses(
        (status = 200, description = "Alive"),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 503, description = "Too many requests in flight", body = ErrorBody)
    ),
    tag = "node"
)]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// 200 once the state is loaded and the producer runs; 503 before, and during shutdown.
#[utoipa::path(
    get,
    path = "/readyz",
    responses(
        (status = 200, description = "Ready"),
        (status = 408, description = "Timed out", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 414, description = "Request target too long", body = ErrorBody),
        (status = 503, description = "Not ready, or too many requests in flight", body = ErrorBody)
    ),
    tag = "node"
)]
pub async fn readyz(State(shared): State<Arc<Shared>>) -> Result<&'static str, ApiError> {
    // Never wait for the chain here: a block being made holds it.
    let diverged = match shared.chain.try_read() {
        Ok(chain) => chain.diverged(),
        Err(std::sync::TryLockError::WouldBlock) => false,
        Err(std::sync::TryLockError::Poisoned(_)) => true,
    };
    if shared.ready.load(Ordering::Acquire)
        && !shared.shutting_down.load(Ordering::Acquire)
        && !diverged
    {
        Ok("ready\n")
    } else {
        Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "not ready",
        ))
    }
}

/// Prometheus text exposition, with the process metrics read on every request.
pub async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    match &shared.metrics {
        Some(scrape) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            scrape.render(),
        )
            .into_response(),
        None => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_recorder",
            "no metrics recorder installed",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_query_is_strict() {
        assert_eq!(notes_query(None).unwrap(), (0, 100));
        assert_eq!(notes_query(Some("start=5&limit=10")).unwrap(), (5, 10));
        for bad in [
            "limit=0",
            "limit=1001",
            "start=-1",
            "start=1&start=2",
            "foo=1",
            "limit=x",
        ] {
            assert!(notes_query(Some(bad)).is_err(), "{bad}");
        }
    }
}

//! The OpenAPI document for `/v1`, generated from the handlers and the JSON types.

use std::sync::OnceLock;

use utoipa::OpenApi;

use super::routes;
use crate::wire;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SuperVM node API",
        description = "Submit transactions, read receipts, blocks, ledger notes and key images. Byte strings are lowercase hex; errors are JSON with the broken rule's name.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        routes::submit,
        routes::transaction,
        routes::block,
        routes::notes,
        routes::key_image,
        routes::status,
        routes::openapi,
        routes::healthz,
        routes::readyz
    ),
    components(schemas(
        wire::TxJson,
        wire::PublicTxJson,
        wire::ObjectRefJson,
        wire::InstructionJson,
        wire::PrivateTxJson,
        wire::OutputJson,
        wire::SubmitResponse,
        wire::TxStatusResponse,
        wire::ReceiptJson,
        wire::ReceiptErrorJson,
        wire::BlockJson,
        wire::NoteJson,
        wire::NotesResponse,
        wire::KeyImageResponse,
        wire::ShapeKeyJson,
        wire::StatusResponse,
        wire::ErrorBody
    ))
)]
struct ApiDoc;

/// The document, as JSON text (built once).
pub fn openapi_json() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = ApiDoc::openapi();
        doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
        doc.to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    })
    .clone()
}

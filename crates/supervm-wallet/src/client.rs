//! A small blocking client for the node's `/v1` API (only what a wallet
//! needs). Answers are bounded ([`MAX_RESPONSE_BYTES`]) and checked.

use crate::error::WalletError;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::time::Duration;

/// Largest answer read: 16 MiB (a page of 1000 notes with 1 KiB memos is ~2 MiB of hex).
pub const MAX_RESPONSE_BYTES: u64 = 16 << 20;
/// Most notes per `/v1/notes` page (the node's own bound).
pub const PAGE: usize = 1000;

/// The node's `error` rules (the `rule` field of its JSON errors) that mean a
/// key image of the transaction is already spent (`KeyImageSpent`, the
/// runtime's `ErrorKind` name) or spent by a pending transaction
/// (`key_image_pending`, the node's own rule). Matched exactly: a renamed
/// rule fails the test `node_rules`, which reads them from the node's crates.
pub const DOUBLE_SPEND_RULES: [&str; 2] = ["KeyImageSpent", "key_image_pending"];

/// The node's rule for a proof that does not verify under its verifying key
/// (the runtime's `ErrorKind::InvalidProof`).
pub const INVALID_PROOF_RULE: &str = "InvalidProof";

/// What a refusal of `POST /v1/transactions` means for the wallet: a double
/// spend ([`DOUBLE_SPEND_RULES`]), a proof the node does not accept
/// ([`INVALID_PROOF_RULE`]) or another refusal, kept as it came.
pub fn classify_refusal(refusal: WalletError) -> WalletError {
    match refusal {
        WalletError::NodeRefused { rule, message, .. }
            if DOUBLE_SPEND_RULES.contains(&rule.as_str()) =>
        {
            WalletError::DoubleSpend(format!("{rule}: {message}"))
        }
        WalletError::NodeRefused { rule, message, .. } if rule == INVALID_PROOF_RULE => {
            WalletError::ProofRejected(message)
        }
        other => other,
    }
}

/// One ledger note as the node serves it.
#[derive(Debug, Clone, Deserialize)]
pub struct NoteJson {
    /// Ledger index.
    pub index: u64,
    /// Commitment, hex.
    pub commitment: String,
    /// Memo, hex.
    pub memo: String,
}

/// `GET /v1/notes`.
#[derive(Debug, Clone, Deserialize)]
pub struct NotesPage {
    /// Notes in the ledger.
    pub total: u64,
    /// The page.
    pub notes: Vec<NoteJson>,
}

/// A verifying key the node has.
#[derive(Debug, Clone, Deserialize)]
pub struct ShapeKey {
    /// Shape text.
    pub shape: String,
    /// Fingerprint, hex.
    pub fingerprint: String,
}

/// `GET /v1/status` (the fields a wallet uses).
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    /// Network id.
    pub network: String,
    /// Height.
    pub height: u64,
    /// Notes in the ledger.
    pub notes: u64,
    /// Shapes with verifying keys.
    pub shapes: Vec<ShapeKey>,
}

/// `GET /v1/key-images/{hex}`.
#[derive(Debug, Clone, Deserialize)]
pub struct KeyImageStatus {
    /// Spent by a committed transaction.
    pub spent: bool,
    /// Which.
    #[serde(default)]
    pub spent_by: Option<String>,
    /// A pending transaction spending it.
    #[serde(default)]
    pub pending_by: Option<String>,
}

/// A receipt.
#[derive(Debug, Clone, Deserialize)]
pub struct Receipt {
    /// Block height.
    pub height: u64,
    /// Whether it applied.
    pub success: bool,
    /// Why not.
    #[serde(default)]
    pub error: Option<ReceiptError>,
}

/// A receipt's error.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceiptError {
    /// Kind.
    pub kind: String,
    /// Message.
    pub message: String,
}

/// `GET /v1/transactions/{id}`.
#[derive(Debug, Clone, Deserialize)]
pub struct TxStatus {
    /// `pending` or `committed`.
    pub status: String,
    /// Once committed.
    #[serde(default)]
    pub receipt: Option<Receipt>,
}

#[derive(Deserialize)]
struct Submitted {
    id: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    message: String,
}

/// The node's API at a base URL such as `http://127.0.0.1:8645`.
#[derive(Clone)]
pub struct NodeClient {
    base: String,
    agent: ureq::Agent,
}

impl NodeClient {
    /// A client for `base`, each request bounded by `timeout`.
    pub fn new(base: &str, timeout: Duration) -> Self {
        NodeClient {
            base: base.trim_end_matches('/').to_owned(),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(timeout))
                .build()
                .into(),
        }
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn read<T: DeserializeOwned>(
        url: &str,
        mut resp: ureq::http::Response<ureq::Body>,
        ok: u16,
    ) -> Result<T, WalletError> {
        let status = resp.status().as_u16();
        let text = resp
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE_BYTES)
            .read_to_string()
            .map_err(|e| WalletError::NodeResponse {
                url: url.to_owned(),
                reason: e.to_string(),
            })?;
        if status != ok {
            let (rule, message) = match serde_json::from_str::<ErrorBody>(&text) {
                Ok(b) => (b.error, b.message),
                Err(_) => ("http".to_owned(), text.chars().take(200).collect()),
            };
            return Err(WalletError::NodeRefused {
                url: url.to_owned(),
                status,
                rule,
                message,
            });
        }
        serde_json::from_str(&text).map_err(|e| WalletError::NodeResponse {
            url: url.to_owned(),
            reason: e.to_string(),
        })
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, WalletError> {
        let url = format!("{}{path}", self.base);
        let resp = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| WalletError::NodeUnreachable {
                url: url.clone(),
                reason: e.to_string(),
            })?;
        Self::read(&url, resp, 200)
    }

    /// `/v1/status`.
    pub fn status(&self) -> Result<Status, WalletError> {
        self.get("/v1/status")
    }

    /// Up to `limit` notes from `start`.
    pub fn notes(&self, start: u64, limit: usize) -> Result<NotesPage, WalletError> {
        let page: NotesPage = self.get(&format!("/v1/notes?start={start}&limit={limit}"))?;
        if page.notes.len() > limit
            || page
                .notes
                .iter()
                .enumerate()
                .any(|(k, n)| n.index != start + k as u64)
        {
            return Err(WalletError::NodeResponse {
                url: format!("{}/v1/notes", self.base),
                reason: "notes out of order or more than asked".into(),
            });
        }
        Ok(page)
    }

    /// A key image's status.
    pub fn key_image(&self, hex: &str) -> Result<KeyImageStatus, WalletError> {
        self.get(&format!("/v1/key-images/{hex}"))
    }

    /// A transaction's status.
    pub fn transaction(&self, id: &str) -> Result<TxStatus, WalletError> {
        self.get(&format!("/v1/transactions/{id}"))
    }

    /// Submits canonical transaction bytes; returns the id. A refusal because a
    /// key image is spent or pending is [`WalletError::DoubleSpend`], one
    /// because the proof does not verify is [`WalletError::ProofRejected`]
    /// (see [`classify_refusal`]).
    pub fn submit(&self, bytes: &[u8]) -> Result<String, WalletError> {
        let url = format!("{}/v1/transactions", self.base);
        let resp = self
            .agent
            .post(&url)
            .header("content-type", "application/octet-stream")
            .send(bytes)
            .map_err(|e| WalletError::NodeUnreachable {
                url: url.clone(),
                reason: e.to_string(),
            })?;
        Self::read::<Submitted>(&url, resp, 202)
            .map(|s| s.id)
            .map_err(classify_refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(rule: &str) -> WalletError {
        WalletError::NodeRefused {
            url: "http://node/v1/transactions".into(),
            status: 409,
            rule: rule.into(),
            message: "why".into(),
        }
    }

    #[test]
    fn refusals_are_classified_by_the_exact_rule() {
        for rule in DOUBLE_SPEND_RULES {
            match classify_refusal(refused(rule)) {
                WalletError::DoubleSpend(m) => assert_eq!(m, format!("{rule}: why")),
                other => panic!("{rule}: {other:?}"),
            }
        }
        assert!(matches!(
            classify_refusal(refused("InvalidProof")),
            WalletError::ProofRejected(m) if m == "why"
        ));
        // Near misses and other rules are kept as they came: no substring match.
        for rule in [
            "DuplicateKeyImage",
            "KeyImageCountMismatch",
            "key_image",
            "keyimagespent",
            "conflict",
            "already_pending",
            "invalid_proof",
        ] {
            assert!(
                matches!(classify_refusal(refused(rule)), WalletError::NodeRefused { rule: r, .. } if r == rule),
                "{rule}"
            );
        }
        assert!(matches!(
            classify_refusal(WalletError::AmountOverflow),
            WalletError::AmountOverflow
        ));
    }
}

//! Receipts: the outcome of one transaction in a block.

use crate::error::TxError;
use crate::routing::Path;

/// The outcome of one transaction. `execute_block` returns one per transaction, in input
/// order.
///
/// Success is the absence of an error ([`Receipt::is_success`]); there is no separate flag
/// that could disagree with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The path that produced this receipt; `None` if routing rejected the transaction
    /// before it reached any path (then `error` says why).
    pub path: Option<Path>,
    /// Whether the transaction failed on the Fast path and was re-run on the Consensus
    /// path (then `path` is `Some(Path::Consensus)`).
    pub fallback: bool,
    /// Gas charged by the run that produced this receipt. After a fallback this is the
    /// Consensus run only; the discarded Fast run's gas is not included.
    pub gas_used: u64,
    /// Why the transaction failed; `None` if it succeeded and its writes were committed.
    pub error: Option<TxError>,
}

impl Receipt {
    /// Whether the transaction succeeded (its writes were committed).
    pub fn is_success(&self) -> bool {
        self.error.is_none()
    }

    /// A receipt for a transaction that routing rejected.
    pub(crate) fn rejected(error: TxError) -> Self {
        Receipt {
            path: None,
            fallback: false,
            gas_used: 0,
            error: Some(error),
        }
    }

    /// A receipt for a transaction routed to `path`, before it runs.
    pub(crate) fn routed(path: Path) -> Self {
        Receipt {
            path: Some(path),
            fallback: false,
            gas_used: 0,
            error: None,
        }
    }
}

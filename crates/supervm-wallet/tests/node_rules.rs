//! The node's error rules the wallet relies on, read from the node's own
//! crates: if the node renames one, this test fails instead of the wallet
//! silently reporting a double spend or a rejected proof as a generic refusal.
//! (The node's API writes `NodeError::rule()` into the `error` field of its
//! JSON errors; a transaction the runtime refuses is named by its
//! `ErrorKind::name()`.)

use supervm_node::NodeError;
use supervm_runtime::{ErrorKind, TxError};
use supervm_wallet::client::{classify_refusal, DOUBLE_SPEND_RULES, INVALID_PROOF_RULE};
use supervm_wallet::WalletError;

fn refused(rule: &str) -> WalletError {
    WalletError::NodeRefused {
        url: "http://node/v1/transactions".into(),
        status: 409,
        rule: rule.into(),
        message: "m".into(),
    }
}

#[test]
fn the_double_spend_rules_are_the_nodes() {
    let spent = NodeError::from(TxError::KeyImageSpent {
        input: 0,
        in_block: false,
    });
    let pending = NodeError::KeyImagePending {
        input: 0,
        by: "ab".repeat(32),
    };
    let node_rules = [spent.rule(), pending.rule()];
    assert_eq!(node_rules, DOUBLE_SPEND_RULES);
    for rule in node_rules {
        assert!(
            matches!(classify_refusal(refused(rule)), WalletError::DoubleSpend(_)),
            "{rule}"
        );
    }
}

#[test]
fn the_invalid_proof_rule_is_the_nodes() {
    assert_eq!(ErrorKind::InvalidProof.name(), INVALID_PROOF_RULE);
    assert!(matches!(
        classify_refusal(refused(ErrorKind::InvalidProof.name())),
        WalletError::ProofRejected(_)
    ));
    // Rules of the node that are not double spends stay generic refusals.
    for kind in [
        ErrorKind::DuplicateKeyImage,
        ErrorKind::KeyImageCountMismatch,
    ] {
        assert!(
            matches!(
                classify_refusal(refused(kind.name())),
                WalletError::NodeRefused { .. }
            ),
            "{}",
            kind.name()
        );
    }
    assert_eq!(
        NodeError::AlreadyPending("x".into()).rule(),
        "already_pending"
    );
    assert!(matches!(
        classify_refusal(refused(NodeError::AlreadyPending("x".into()).rule())),
        WalletError::NodeRefused { .. }
    ));
}

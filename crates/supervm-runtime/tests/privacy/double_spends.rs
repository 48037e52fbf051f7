//! Key images spent twice: inside a transaction, inside a block, across blocks, and an invalid spend that must not block a valid one.

use super::*;

#[test]
fn a_double_spend_inside_one_block_is_rejected() {
    let f = fixture();
    let (receipts, after, m) = run(vm(), &[private(&f.txs[0]), private(&f.conflict)]);
    assert!(receipts[0].is_success());
    assert_eq!(
        receipts[1].error,
        Some(TxError::KeyImageSpent {
            input: 0,
            in_block: true
        })
    );
    assert_eq!(receipts[1].path, Some(Path::Privacy));
    assert_applied(&f.genesis, &after, &[&f.txs[0]]);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "privacy")]),
        1
    );
    // The losing spend cost no pairing: only the first proof was verified.
    assert_eq!(
        m.counter(names::ZK_BATCH_VERIFY_TOTAL, &[("mode", "batch")]),
        1
    );

    // Block order decides which spend wins.
    let (receipts, after, _) = run(vm(), &[private(&f.conflict), private(&f.txs[0])]);
    assert!(receipts[0].is_success());
    assert_eq!(error_kind(&receipts[1]), Some(ErrorKind::KeyImageSpent));
    assert_applied(&f.genesis, &after, &[&f.conflict]);
}

#[test]
fn a_rejected_spend_does_not_block_a_later_valid_one() {
    // The first spend of the note fails (its fee was changed), so it spends nothing; the
    // second spend of the same note in the same block is accepted.
    let f = fixture();
    let mut bad = f.txs[0].clone();
    bad.body.fee += 1;
    let (receipts, after, m) = run(vm(), &[private(&bad), private(&f.conflict)]);
    assert_eq!(error_kind(&receipts[0]), Some(ErrorKind::InvalidProof));
    assert!(receipts[1].is_success());
    assert_applied(&f.genesis, &after, &[&f.conflict]);
    // The second was deferred, then verified alone once the first had failed.
    assert_eq!(
        m.counter(names::ZK_BATCH_VERIFY_BATCHES_TOTAL, &[("mode", "batch")]),
        2
    );
    // Deferred and invalid: still rejected for its proof.
    let mut bad_conflict = f.conflict.clone();
    bad_conflict.body.fee += 1;
    let (receipts, after, _) = run(vm(), &[private(&bad), private(&bad_conflict)]);
    assert_eq!(error_kind(&receipts[0]), Some(ErrorKind::InvalidProof));
    assert_eq!(error_kind(&receipts[1]), Some(ErrorKind::InvalidProof));
    assert!(after == f.genesis);
}

#[test]
fn a_double_spend_across_blocks_is_rejected() {
    let f = fixture();
    let mut vm = vm();
    let first = vm.execute_block(&[private(&f.txs[0])]);
    assert!(first[0].is_success());
    let after_first = vm.state().clone();
    // The same transaction replayed, and another spend of the same note.
    let second = vm.execute_block(&[private(&f.txs[0]), private(&f.conflict)]);
    let spent = TxError::KeyImageSpent {
        input: 0,
        in_block: false,
    };
    assert_eq!(second[0].error.as_ref(), Some(&spent));
    assert_eq!(second[1].error.as_ref(), Some(&spent));
    assert!(vm.state() == &after_first);
}

#[test]
fn a_double_spend_inside_one_transaction_is_rejected() {
    let f = fixture();
    let shape: Shape = "2x1-r4".parse().unwrap();
    let vm = vm()
        .with_privacy_verifier(shape, keyed_verifier(shape, 12))
        .unwrap();
    let ki = f.txs[0].key_images[0];
    let tx = PrivateTx {
        body: TxBody {
            shape,
            ring_members: vec![vec![0, 1, 2, 12], vec![12, 3, 4, 5]],
            outputs: f.txs[0].body.outputs.clone(),
            fee: 0,
        },
        key_images: vec![ki, ki],
        proof: f.txs[0].proof,
    };
    let (receipts, after, _) = run(vm, &[private(&tx)]);
    assert_eq!(
        receipts[0].error,
        Some(TxError::DuplicateKeyImage {
            first: 0,
            second: 1
        })
    );
    assert!(after == f.genesis);
}

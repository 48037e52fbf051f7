//! What the runtime derives from the ledger, never from the sender: ring members, ring roots, and a proof bound to exactly its body.

use super::*;

#[test]
fn a_ring_member_not_in_the_ledger_is_rejected() {
    let f = fixture();
    let len = f.genesis.notes().len();
    for (at, index) in [(0, len), (3, len + 5), (2, u64::MAX)] {
        let mut tx = f.txs[2].clone();
        tx.body.ring_members[0][at] = index;
        let (receipts, after, _) = run(vm(), &[private(&tx), private(&f.txs[3])]);
        assert_eq!(
            receipts[0].error,
            Some(TxError::RingMemberNotInLedger { input: 0, index })
        );
        assert!(receipts[1].is_success());
        assert_applied(&f.genesis, &after, &[&f.txs[3]]);
    }
}

#[test]
fn ring_roots_come_from_the_ledger_not_the_sender() {
    // Other existing ledger entries, or the same ones in another order, give another
    // ring root (and another binding): the proof no longer verifies.
    let f = fixture();
    let mut swapped = f.txs[1].clone();
    swapped.body.ring_members[0].swap(0, 3);
    let mut replaced = f.txs[1].clone();
    replaced.body.ring_members[0][0] = 15;
    let (receipts, after, _) = run(vm(), &[private(&swapped), private(&replaced)]);
    for r in &receipts {
        assert_eq!(
            r.error,
            Some(TxError::InvalidProof {
                reason: VerifierError::EquationFailed
            })
        );
    }
    assert!(after == f.genesis);
}

#[test]
fn a_tampered_proof_memo_or_fee_rejects_only_that_transaction() {
    let f = fixture();
    let mut other_proof = f.txs[1].clone();
    other_proof.proof = f.txs[3].proof; // a valid proof, of another statement
    let mut flipped = f.txs[1].clone();
    flipped.proof[100] ^= 0x01; // garbage bytes: refused while decoding
    let mut memo = f.txs[2].clone();
    memo.body.outputs[0].memo[0] ^= 0x01;
    let mut longer_memo = f.txs[2].clone();
    longer_memo.body.outputs[0].memo.push(0);
    let mut fee = f.txs[3].clone();
    fee.body.fee += 1;
    let mut output = f.txs[3].clone();
    output.body.outputs[0].commitment = NoteCommitment(ringct_circuit::Fr::from(77u64));

    let block = [
        private(&other_proof),
        private(&f.txs[0]),
        private(&flipped),
        private(&memo),
        private(&longer_memo),
        private(&fee),
        private(&output),
    ];
    let (receipts, after, m) = run(vm(), &block);
    assert!(receipts[1].is_success(), "{:?}", receipts[1]);
    for (i, r) in receipts.iter().enumerate().filter(|(i, _)| *i != 1) {
        assert_eq!(error_kind(r), Some(ErrorKind::InvalidProof), "tx {i}");
        assert_eq!(r.path, Some(Path::Privacy));
    }
    for i in [0, 3, 4, 5, 6] {
        assert_eq!(
            receipts[i].error,
            Some(TxError::InvalidProof {
                reason: VerifierError::EquationFailed
            }),
            "tx {i}"
        );
    }
    assert_applied(&f.genesis, &after, &[&f.txs[0]]);
    assert_eq!(m.counter(names::ROUTING_PRIVACY_TOTAL, &[]), 7);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "privacy")]),
        6
    );

    // The rejected transactions spent nothing: their untampered originals still go through.
    let mut vm = SuperVM::new(after)
        .with_privacy_verifier(small(), f.verifier.clone())
        .unwrap();
    let receipts = vm.execute_block(&[private(&f.txs[1]), private(&f.txs[2]), private(&f.txs[3])]);
    assert!(receipts.iter().all(Receipt::is_success), "{receipts:?}");
}

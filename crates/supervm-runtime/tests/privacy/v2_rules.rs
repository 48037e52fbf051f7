//! Protocol v2's rules: no faerie gold, distinct ring members, a transaction bound to its network.

use super::*;

#[test]
fn faerie_gold_across_blocks_is_rejected_without_a_pairing() {
    let f = fixture();
    let mut vm = vm();
    let first = vm.execute_block(&[private(&f.txs[f.faerie_of])]);
    assert!(first[0].is_success());
    let after_first = vm.state().clone();
    let index = after_first
        .notes()
        .index_of(&f.faerie.body.outputs[0].commitment)
        .unwrap();
    let (second, m) = with_metrics(|| vm.execute_block(&[private(&f.faerie)]));
    assert_eq!(
        second[0].error,
        Some(TxError::OutputCommitmentInLedger { output: 0, index })
    );
    assert!(vm.state() == &after_first);
    assert_eq!(
        m.counter(names::ZK_BATCH_VERIFY_TOTAL, &[("mode", "batch")]),
        0,
        "refused before verification"
    );
    // A genesis note re-created: the same rule, against the genesis ledger.
    let mut tx = f.txs[1].clone();
    tx.body.outputs[0].commitment = *f.genesis.notes().get(13).unwrap();
    let (receipts, after, _) = run(self::vm(), &[private(&tx)]);
    assert_eq!(
        receipts[0].error,
        Some(TxError::OutputCommitmentInLedger {
            output: 0,
            index: 13
        })
    );
    assert!(after == f.genesis);
}

#[test]
fn faerie_gold_within_a_block_is_rejected_without_a_pairing() {
    let f = fixture();
    // Both proofs are valid; the later one creates a commitment the earlier one created.
    let block = [private(&f.txs[f.faerie_of]), private(&f.faerie)];
    let (receipts, after, m) = run(vm(), &block);
    assert!(receipts[0].is_success());
    assert_eq!(
        receipts[1].error,
        Some(TxError::OutputCommitmentInBlock { output: 0 })
    );
    assert_applied(&f.genesis, &after, &[&f.txs[f.faerie_of]]);
    assert_eq!(
        m.counter(names::ZK_BATCH_VERIFY_TOTAL, &[("mode", "batch")]),
        1,
        "only the first proof was verified"
    );
    // In the other order the faerie note wins; the honest one is refused.
    let (receipts, after, _) = run(vm(), &[private(&f.faerie), private(&f.txs[f.faerie_of])]);
    assert!(receipts[0].is_success());
    assert_eq!(
        receipts[1].error,
        Some(TxError::OutputCommitmentInBlock { output: 0 })
    );
    assert_applied(&f.genesis, &after, &[&f.faerie]);
    // An earlier transaction that fails does not block the commitment.
    let mut bad = f.txs[f.faerie_of].clone();
    bad.body.fee += 1;
    let (receipts, after, _) = run(vm(), &[private(&bad), private(&f.faerie)]);
    assert_eq!(error_kind(&receipts[0]), Some(ErrorKind::InvalidProof));
    assert!(receipts[1].is_success());
    assert_applied(&f.genesis, &after, &[&f.faerie]);
}

#[test]
fn faerie_gold_within_a_transaction_is_rejected() {
    let f = fixture();
    let shape: Shape = "1x2-r4".parse().unwrap();
    let vm = vm()
        .with_privacy_verifier(shape, keyed_verifier(shape, 13))
        .unwrap();
    let out = f.txs[0].body.outputs[0].clone();
    let tx = PrivateTx {
        body: TxBody {
            shape,
            ring_members: vec![vec![0, 1, 2, 12]],
            outputs: vec![out.clone(), out],
            fee: 0,
        },
        key_images: f.txs[0].key_images.clone(),
        proof: f.txs[0].proof,
    };
    let (receipts, after, m) = run(vm, &[private(&tx)]);
    assert_eq!(
        receipts[0].error,
        Some(TxError::DuplicateOutputCommitment {
            first: 0,
            second: 1
        })
    );
    assert!(after == f.genesis);
    assert_eq!(
        m.counter(names::ZK_BATCH_VERIFY_TOTAL, &[("mode", "batch")]),
        0
    );
}

#[test]
fn rings_that_repeat_a_member_are_rejected() {
    let f = fixture();
    let tx = &f.txs[1];
    let real_at = tx.body.ring_members[0]
        .iter()
        .position(|&i| i == 13)
        .unwrap();
    // The real note listed twice (the ring still contains it where the proof says).
    let mut real_twice = tx.clone();
    let other = (real_at + 1) % 4;
    real_twice.body.ring_members[0][other] = 13;
    // A decoy listed twice.
    let decoys: Vec<usize> = (0..4).filter(|&k| k != real_at).collect();
    let mut decoy_twice = tx.clone();
    decoy_twice.body.ring_members[0][decoys[1]] = tx.body.ring_members[0][decoys[0]];
    // Every member the same note.
    let mut all_same = tx.clone();
    all_same.body.ring_members[0] = vec![13; 4];
    let (receipts, after, m) = run(
        vm(),
        &[
            private(&real_twice),
            private(&decoy_twice),
            private(&all_same),
        ],
    );
    assert_eq!(
        receipts[0].error,
        Some(TxError::DuplicateRingMember {
            input: 0,
            first: real_at.min(other),
            second: real_at.max(other)
        })
    );
    assert_eq!(
        receipts[1].error,
        Some(TxError::DuplicateRingMember {
            input: 0,
            first: decoys[0],
            second: decoys[1]
        })
    );
    assert_eq!(
        receipts[2].error,
        Some(TxError::DuplicateRingMember {
            input: 0,
            first: 0,
            second: 1
        })
    );
    assert!(after == f.genesis);
    assert_eq!(
        m.counter(names::ZK_BATCH_VERIFY_TOTAL, &[("mode", "batch")]),
        0
    );
}

#[test]
fn a_transaction_moved_to_another_network_is_rejected() {
    let f = fixture();
    let testnet = NetworkId::new("supervm-testnet").unwrap();
    let on_testnet = vm().with_network(testnet.clone());
    assert_eq!(on_testnet.network(), &testnet);
    let (receipts, after, _) = run(on_testnet, &[private(&f.txs[1])]);
    assert_eq!(
        receipts[0].error,
        Some(TxError::InvalidProof {
            reason: VerifierError::EquationFailed
        })
    );
    assert!(after == f.genesis);
    // The same transaction on the network it was proved for.
    let (receipts, _, _) = run(
        vm().with_network(NetworkId::devnet()),
        &[private(&f.txs[1])],
    );
    assert!(receipts[0].is_success());
}

/// The statement of `tx` as a verifier on `network` derives it from the genesis ledger.
fn item_on(network: &NetworkId, tx: &PrivateTx) -> ringct_verifier::Item {
    let f = fixture();
    let members: Vec<NoteCommitment> = tx.body.ring_members[0]
        .iter()
        .map(|&i| *f.genesis.notes().get(i).unwrap())
        .collect();
    let statement = ringct_circuit::RingCtStatement {
        shape: tx.body.shape,
        ring_roots: vec![Ring::new(members).unwrap().root()],
        key_images: tx.key_images.clone(),
        output_commitments: tx.body.outputs.iter().map(|o| o.commitment).collect(),
        fee: tx.body.fee,
        ctx: tx.binding(network).unwrap(),
    };
    ringct_verifier::Item::from_proof_bytes(&tx.proof, statement.to_public_inputs())
}

#[test]
fn another_network_fails_in_every_verification_mode() {
    let f = fixture();
    let devnet = NetworkId::devnet();
    let testnet = NetworkId::new("supervm-testnet").unwrap();
    let honest: Vec<_> = f.txs.iter().map(|tx| item_on(&devnet, tx)).collect();
    let moved: Vec<_> = f.txs.iter().map(|tx| item_on(&testnet, tx)).collect();
    let mut mixed = honest.clone();
    mixed[2] = moved[2].clone();
    let v = f.verifier.clone().with_threads(2).unwrap();
    for (mode, report) in [
        ("individual", v.verify_individual(&honest)),
        ("parallel", v.verify_parallel(&honest)),
        ("batch", v.verify_batch(&honest)),
    ] {
        assert!(report.all_valid(), "{mode}: honest items");
    }
    for (mode, report) in [
        ("individual", v.verify_individual(&moved)),
        ("parallel", v.verify_parallel(&moved)),
        ("batch", v.verify_batch(&moved)),
    ] {
        assert_eq!(
            report.invalid_indices(),
            vec![0, 1, 2, 3],
            "{mode}: moved items"
        );
    }
    for (mode, report) in [
        ("individual", v.verify_individual(&mixed)),
        ("parallel", v.verify_parallel(&mixed)),
        ("batch", v.verify_batch(&mixed)),
    ] {
        assert_eq!(report.invalid_indices(), vec![2], "{mode}: one moved item");
    }
}

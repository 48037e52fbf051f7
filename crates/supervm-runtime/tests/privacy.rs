//! The Privacy path: RingCT transactions checked against the ledger, verified in batch and
//! applied in block order.
//!
//! The fixture (keys from a fixed public seed, proofs made once per test binary) is in
//! `common/ringct.rs`.

mod common;

use common::ringct::*;
use common::*;
use ringct_circuit::Ring;
use ringct_verifier::VerifierError;
use supervm_runtime::privacy::MAX_MEMO_BYTES;
use supervm_runtime::{
    route, ConfigError, ErrorKind, FallbackPolicy, NetworkId, NoteCommitment, Path, PrivateTx,
    Receipt, Shape, State, SuperVM, Transaction, TxBody, TxError, PRIVATE_PROOF_LEN,
};
use supervm_telemetry::{labels::PATH, names};

#[test]
fn a_valid_private_transaction_is_accepted() {
    let f = fixture();
    let tx = &f.txs[1];
    assert_eq!(route(&private(tx), &f.genesis), Ok(Path::Privacy));
    let (receipts, after, m) = run(vm(), &[private(tx)]);
    assert_eq!(
        receipts,
        vec![Receipt {
            path: Some(Path::Privacy),
            fallback: false,
            gas_used: 0,
            error: None,
        }]
    );
    assert_applied(&f.genesis, &after, &[tx]);
    assert!(after.key_images().contains(&tx.key_images[0]));
    assert_eq!(
        after.notes().get(f.genesis.notes().len()),
        Some(&tx.body.outputs[0].commitment)
    );
    // Objects untouched.
    assert!(after.objects().eq(f.genesis.objects()));
    assert_eq!(m.counter(names::ROUTING_PRIVACY_TOTAL, &[]), 1);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "privacy")]),
        0
    );
}

#[test]
fn several_valid_transactions_in_one_block_are_all_accepted_in_block_order() {
    let f = fixture();
    let block: Vec<Transaction> = [3, 0, 2, 1].iter().map(|&i| private(&f.txs[i])).collect();
    let (receipts, after, m) = run(vm(), &block);
    assert!(receipts.iter().all(Receipt::is_success), "{receipts:?}");
    let order: Vec<&PrivateTx> = [3, 0, 2, 1].iter().map(|&i| &f.txs[i]).collect();
    assert_applied(&f.genesis, &after, &order);
    // One batch call for the block.
    assert_eq!(
        m.counter(names::ZK_BATCH_VERIFY_BATCHES_TOTAL, &[("mode", "batch")]),
        1
    );
    assert_eq!(
        m.counter(names::ZK_BATCH_VERIFY_TOTAL, &[("mode", "batch")]),
        4
    );
}

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

#[test]
fn a_shape_without_a_key_is_a_typed_error() {
    let f = fixture();
    // No verifier at all.
    let (receipts, after, _) = run(SuperVM::new(f.genesis.clone()), &[private(&f.txs[0])]);
    assert_eq!(
        receipts[0].error,
        Some(TxError::NoVerifyingKey { shape: small() })
    );
    assert_eq!(receipts[0].path, Some(Path::Privacy));
    assert!(after == f.genesis);

    // A valid but unconfigured shape, and an invalid one (printing it must not overflow).
    let other: Shape = "1x2-r4".parse().unwrap();
    let invalid = Shape {
        inputs: 1,
        outputs: 1,
        ring_depth: 40,
    };
    let mut a = f.txs[0].clone();
    a.body.shape = other;
    let mut b = f.txs[0].clone();
    b.body.shape = invalid;
    let (receipts, _, _) = run(vm(), &[private(&a), private(&b)]);
    assert_eq!(
        receipts[0].error,
        Some(TxError::NoVerifyingKey { shape: other })
    );
    assert_eq!(
        receipts[1].error,
        Some(TxError::NoVerifyingKey { shape: invalid })
    );
    assert!(!receipts[1].error.as_ref().unwrap().to_string().is_empty());
}

#[test]
fn verifier_configuration_is_checked() {
    let f = fixture();
    let err = SuperVM::new(State::new())
        .with_privacy_verifier(Shape::default(), f.verifier.clone())
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::VerifierShapeMismatch {
            expected: 8,
            key: 5,
            ..
        }
    ));
    let err = SuperVM::new(State::new())
        .with_privacy_verifier(
            Shape {
                inputs: 0,
                outputs: 1,
                ring_depth: 1,
            },
            f.verifier.clone(),
        )
        .unwrap_err();
    assert!(matches!(err, ConfigError::InvalidShape { .. }));
    let vm = vm();
    assert_eq!(vm.privacy_shapes().collect::<Vec<_>>(), vec![small()]);
    assert!(vm.privacy_verifier(&small()).is_some());
}

#[test]
fn counts_that_do_not_match_the_shape_are_typed_errors() {
    let f = fixture();
    let base = &f.txs[0];
    let mut rings = base.clone();
    rings.body.ring_members.push(vec![0, 1, 2, 3]);
    let mut no_rings = base.clone();
    no_rings.body.ring_members.clear();
    let mut ring_size = base.clone();
    ring_size.body.ring_members[0].pop();
    let mut ring_16 = base.clone();
    ring_16.body.ring_members[0] = (0..16).collect();
    let mut kis = base.clone();
    kis.key_images.clear();
    let mut outputs = base.clone();
    outputs.body.outputs.push(outputs.body.outputs[0].clone());
    let mut memo = base.clone();
    memo.body.outputs[0].memo = vec![7; MAX_MEMO_BYTES + 1];
    let mut memo_ok = base.clone();
    memo_ok.body.outputs[0].memo = vec![7; MAX_MEMO_BYTES];

    let block: Vec<Transaction> = [
        &rings, &no_rings, &ring_size, &ring_16, &kis, &outputs, &memo, &memo_ok,
    ]
    .into_iter()
    .map(private)
    .collect();
    let (receipts, after, _) = run(vm(), &block);
    let errors: Vec<Option<TxError>> = receipts.into_iter().map(|r| r.error).collect();
    assert_eq!(
        errors,
        vec![
            Some(TxError::RingCountMismatch {
                expected: 1,
                got: 2
            }),
            Some(TxError::RingCountMismatch {
                expected: 1,
                got: 0
            }),
            Some(TxError::RingSizeMismatch {
                input: 0,
                expected: 4,
                got: 3
            }),
            Some(TxError::RingSizeMismatch {
                input: 0,
                expected: 4,
                got: 16
            }),
            Some(TxError::KeyImageCountMismatch {
                expected: 1,
                got: 0
            }),
            Some(TxError::OutputCountMismatch {
                expected: 1,
                got: 2
            }),
            Some(TxError::MemoTooLong {
                output: 0,
                len: MAX_MEMO_BYTES + 1,
                max: MAX_MEMO_BYTES
            }),
            // Within the limit: it reaches the verifier (and fails there: the memo is bound).
            Some(TxError::InvalidProof {
                reason: VerifierError::EquationFailed
            }),
        ]
    );
    assert!(after == f.genesis);
}

#[test]
fn failed_private_transactions_leave_the_state_unchanged() {
    let f = fixture();
    // Spend owned[0] first, so the ledger holds its key image.
    let mut vm = vm();
    assert!(vm.execute_block(&[private(&f.txs[0])])[0].is_success());
    let before = vm.state().clone();

    let mut bad_proof = f.txs[1].clone();
    bad_proof.proof = [0u8; PRIVATE_PROOF_LEN];
    let mut bad_ref = f.txs[2].clone();
    bad_ref.body.ring_members[0][1] = 999;
    let mut bad_shape = f.txs[3].clone();
    bad_shape.body.shape = "2x2-r16".parse().unwrap();
    let block = [
        private(&f.conflict), // key image spent in an earlier block
        private(&bad_proof),
        private(&bad_ref),
        private(&bad_shape),
        tx(ALICE, &[A1], vec![transfer(A1, A2, 1_000_000)]), // a failing public one
    ];
    let receipts = vm.execute_block(&block);
    assert!(receipts.iter().all(|r| !r.is_success()), "{receipts:?}");
    assert!(vm.state() == &before);
    assert_eq!(
        receipts[0].error,
        Some(TxError::KeyImageSpent {
            input: 0,
            in_block: false
        })
    );
    assert_eq!(error_kind(&receipts[1]), Some(ErrorKind::InvalidProof));
}

/// Public transactions (Fast, Consensus, fallback, rejected) mixed with private ones
/// (valid, invalid, double spends, unknown ring member).
fn mixed_block() -> Vec<Transaction> {
    let f = fixture();
    let heavy = tx(
        ALICE,
        &[A2],
        vec![
            write(A2, b"heavy"),
            supervm_runtime::Instruction::Burn {
                units: supervm_runtime::ExecLimits::FAST_DEFAULT.gas,
            },
        ],
    );
    let mut tampered = f.txs[1].clone();
    tampered.body.outputs[0].memo = b"changed".to_vec();
    let mut unknown_ref = f.txs[3].clone();
    unknown_ref.body.ring_members[0][0] = 77;
    vec![
        private(&f.txs[0]),
        tx(ALICE, &[A1, A2], vec![transfer(A1, A2, 5)]),
        private(&tampered),
        tx(BOB, &[POOL, B1], vec![transfer(POOL, B1, 7)]),
        heavy,
        private(&f.conflict),
        private(&f.txs[2]),
        tx(BOB, &[MISSING], vec![]),
        private(&unknown_ref),
        tx(BOB, &[B1, CONFIG], vec![write(B1, b"b")]),
        private(&f.txs[1]),
    ]
}

#[test]
fn a_mixed_block_gives_the_same_results_for_any_thread_count() {
    let f = fixture();
    let block = mixed_block();
    let make = || {
        SuperVM::new(f.genesis.clone())
            .with_fallback(FallbackPolicy::enabled_default())
            .with_privacy_verifier(small(), f.verifier.clone())
            .unwrap()
    };
    let (base_receipts, base_state, m) = run(make().with_threads(1).unwrap(), &block);

    let expect: Vec<(Option<Path>, bool)> = vec![
        (Some(Path::Privacy), true),
        (Some(Path::Fast), true),
        (Some(Path::Privacy), false),
        (Some(Path::Consensus), true),
        (Some(Path::Consensus), true), // fallback
        (Some(Path::Privacy), false),  // double spend of txs[0]
        (Some(Path::Privacy), true),
        (None, false),
        (Some(Path::Privacy), false),
        (Some(Path::Fast), true),
        (Some(Path::Privacy), true),
    ];
    let got: Vec<(Option<Path>, bool)> = base_receipts
        .iter()
        .map(|r| (r.path, r.is_success()))
        .collect();
    assert_eq!(got, expect, "{base_receipts:?}");
    assert_applied(&f.genesis, &base_state, &[&f.txs[0], &f.txs[2], &f.txs[1]]);

    // The counting rule, with private transactions.
    assert_eq!(m.counter(names::ROUTING_PRIVACY_TOTAL, &[]), 6);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "privacy")]),
        3
    );
    let n = block.len() as u64;
    assert_eq!(
        m.counter(names::ROUTING_FAST_TOTAL, &[]) + m.counter(names::ROUTING_CONSENSUS_TOTAL, &[])
            - m.counter(names::FAST_FALLBACK_TOTAL, &[])
            + m.counter(names::ROUTING_PRIVACY_TOTAL, &[])
            + m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "rejected")]),
        n
    );
    for e in &m.entries {
        assert!(
            supervm_telemetry::find(&e.name).is_some(),
            "{} is not in the catalog",
            e.name
        );
    }

    let all = std::thread::available_parallelism().map_or(2, |n| n.get());
    for threads in [all, 3] {
        let (receipts, state, _) = run(make().with_threads(threads).unwrap(), &block);
        assert!(
            receipts == base_receipts,
            "receipts differ with {threads} threads"
        );
        assert!(state == base_state, "state differs with {threads} threads");
    }
    let (receipts, state, _) = run(make(), &block);
    assert!(
        receipts == base_receipts,
        "receipts differ on the global pool"
    );
    assert!(state == base_state, "state differs on the global pool");
}

#[test]
fn the_privacy_phase_is_independent_of_the_public_ones() {
    // Running the public transactions and the private ones as two separate blocks, in
    // either order, gives the same state as the mixed block.
    let f = fixture();
    let block = mixed_block();
    let (public, private): (Vec<Transaction>, Vec<Transaction>) = block
        .iter()
        .cloned()
        .partition(|t| matches!(t, Transaction::Public(_)));
    let make = || {
        SuperVM::new(f.genesis.clone())
            .with_fallback(FallbackPolicy::enabled_default())
            .with_privacy_verifier(small(), f.verifier.clone())
            .unwrap()
    };
    let (_, mixed, _) = run(make(), &block);
    for order in [[&public, &private], [&private, &public]] {
        let mut vm = make();
        vm.execute_block(order[0]);
        vm.execute_block(order[1]);
        assert!(vm.into_state() == mixed);
    }
}

// ------------------------------------------------------------ protocol v2 rules

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

#[test]
fn genesis_refuses_a_commitment_twice() {
    let f = fixture();
    let mut state = f.genesis.clone();
    let existing = *state.notes().get(3).unwrap();
    assert!(matches!(
        state.mint_note(existing),
        Err(ConfigError::DuplicateNote { existing: 3 })
    ));
    assert!(state == f.genesis);
    let fresh = NoteCommitment(ringct_circuit::Fr::from(123_456u64));
    // A list with a repeat, or with a ledger entry, mints nothing at all.
    assert!(matches!(
        state.mint_notes([fresh, fresh]),
        Err(ConfigError::DuplicateNote { existing: 16 })
    ));
    assert!(matches!(
        state.mint_notes([fresh, existing]),
        Err(ConfigError::DuplicateNote { existing: 3 })
    ));
    assert!(state == f.genesis);
    assert_eq!(state.mint_notes([fresh]).unwrap(), 16..17);
}

#[test]
fn a_blocks_diff_replays_to_the_same_state() {
    let f = fixture();
    let block = mixed_block();
    let mut vm = vm().with_fallback(FallbackPolicy::enabled_default());
    let effects = vm.execute_block_effects(&block);
    let after = vm.state().clone();
    // Same receipts as execute_block on a fresh runtime.
    let mut other = self::vm().with_fallback(FallbackPolicy::enabled_default());
    assert_eq!(other.execute_block(&block), effects.receipts);
    // The diff names exactly what changed.
    let d = &effects.diff;
    assert!(!d.is_empty());
    let changed: Vec<_> = after
        .objects()
        .filter(|o| f.genesis.get(&o.id) != Some(o))
        .map(|o| o.id)
        .collect();
    assert_eq!(d.objects.keys().copied().collect::<Vec<_>>(), changed);
    let accepted: Vec<usize> = effects
        .receipts
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_success() && r.path == Some(Path::Privacy))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        d.key_images.iter().map(|k| k.tx).collect::<Vec<_>>(),
        accepted
    );
    assert_eq!(d.notes.len(), accepted.len());
    assert_eq!(d.notes[0].index, f.genesis.notes().len());
    for note in &d.notes {
        let Transaction::Private(tx) = &block[note.tx] else {
            panic!("a note from a public transaction")
        };
        assert_eq!(note.commitment, tx.body.outputs[0].commitment);
        assert_eq!(note.memo, tx.body.outputs[0].memo);
    }
    // Replaying the diff on the genesis gives the state that ran the block.
    let mut replay = f.genesis.clone();
    replay.apply(d).unwrap();
    assert!(replay == after);
    // A diff applied twice does not fit, and changes nothing.
    let before = replay.clone();
    assert!(matches!(
        replay.apply(d),
        Err(ConfigError::DiffMismatch { .. })
    ));
    assert!(replay == before);
    // An empty block has an empty diff.
    assert!(vm.execute_block_effects(&[]).diff.is_empty());
}

//! Valid transactions are accepted in block order, failed ones change nothing, and a block's results do not depend on threads or on the public phases.

use super::*;

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

//! Admission checks (`SuperVM::prepare_private`) and proofs verified before their block
//! (`VerifiedProofs`, `SuperVM::execute_block_effects_verified`): a cached verdict skips
//! only the pairing, for exactly the key the block derives again, and never a ledger rule.
//!
//! Batch verifications are counted with the verifier's own metrics
//! (`vm_privacy_zk_batch_verify_*{mode="batch"}`) through a local recorder.

mod common;

use common::ringct::*;
use common::*;
use ringct_circuit::Ring;
use ringct_verifier::decode::encode_public_input;
use ringct_verifier::{Verdict, VerifierError};
use supervm_runtime::{
    BlockEffects, NetworkId, PrivateTx, Receipt, Shape, State, SuperVM, Transaction, TxError,
    VerdictKey, VerifiedProofs, VERDICT_KEY_PERSONAL,
};
use supervm_telemetry::names;

const BATCH: (&str, &str) = ("mode", "batch");

/// Items and calls the batch verifier saw.
struct Verified {
    items: u64,
    calls: u64,
}

/// Runs one block with `verified` and returns its effects and what the verifier saw.
fn run_with(
    vm: &mut SuperVM,
    block: &[Transaction],
    verified: &VerifiedProofs,
) -> (BlockEffects, Verified) {
    let (effects, m) = with_metrics(|| vm.execute_block_effects_verified(block, verified));
    let seen = Verified {
        items: m.counter(names::ZK_BATCH_VERIFY_TOTAL, &[BATCH]),
        calls: m.counter(names::ZK_BATCH_VERIFY_BATCHES_TOTAL, &[BATCH]),
    };
    (effects, seen)
}

/// What a node does at admission: prepare against the current state, verify the item with
/// the runtime's verifier for the shape, remember the key after `Valid`.
fn admit(vm: &SuperVM, tx: &PrivateTx, verified: &mut VerifiedProofs) -> VerdictKey {
    let prepared = vm.prepare_private(tx).unwrap();
    let verifier = vm.privacy_verifier(&prepared.shape).unwrap();
    let report = verifier.verify_batch(std::slice::from_ref(&prepared.item));
    assert_eq!(report.verdicts, vec![Verdict::Valid]);
    assert!(verified.insert(prepared.key));
    prepared.key
}

fn key_of(vm: &SuperVM, tx: &PrivateTx) -> VerdictKey {
    vm.prepare_private(tx).unwrap().key
}

fn errors(receipts: &[Receipt]) -> Vec<Option<TxError>> {
    receipts.iter().map(|r| r.error.clone()).collect()
}

fn equation_failed() -> Option<TxError> {
    Some(TxError::InvalidProof {
        reason: VerifierError::EquationFailed,
    })
}

// ------------------------------------------------------------ skipping verification

#[test]
fn a_preverified_transaction_is_accepted_without_batch_verification() {
    let f = fixture();
    let mut verified = VerifiedProofs::with_capacity(8);
    let key = admit(&vm(), &f.txs[1], &mut verified);
    assert!(verified.contains(&key));

    // Alone: no verification call at all.
    let block = [private(&f.txs[1])];
    let mut cached = vm();
    let (effects, seen) = run_with(&mut cached, &block, &verified);
    assert!(effects.receipts[0].is_success(), "{:?}", effects.receipts);
    assert_eq!((seen.items, seen.calls), (0, 0));
    // The same block without the set: one verification, and the same effects and state.
    let mut plain = vm();
    let (plain_effects, seen) = run_with(&mut plain, &block, &VerifiedProofs::default());
    assert_eq!((seen.items, seen.calls), (1, 1));
    assert_eq!(plain_effects.receipts, effects.receipts);
    assert!(plain_effects.diff == effects.diff);
    assert!(plain.state() == cached.state());
    assert_applied(&f.genesis, cached.state(), &[&f.txs[1]]);

    // With others: only the others are verified, in one batch.
    let block = [private(&f.txs[2]), private(&f.txs[1]), private(&f.txs[3])];
    let (effects, seen) = run_with(&mut vm(), &block, &verified);
    assert!(effects.receipts.iter().all(Receipt::is_success));
    assert_eq!((seen.items, seen.calls), (2, 1));

    // `execute_block_effects` is the same with an empty set: everything verified.
    let (effects, m) = with_metrics(|| vm().execute_block_effects(&block));
    assert!(effects.receipts.iter().all(Receipt::is_success));
    assert_eq!(m.counter(names::ZK_BATCH_VERIFY_TOTAL, &[BATCH]), 3);
}

#[test]
fn a_cached_key_does_not_make_another_proof_valid() {
    // Keys of A and B are cached; A's proof put on B's body (and the other way round) is
    // another verification, with another key: it is verified, and fails.
    let f = fixture();
    let vm = vm();
    let mut verified = VerifiedProofs::with_capacity(8);
    let a = admit(&vm, &f.txs[3], &mut verified);
    let b = admit(&vm, &f.txs[1], &mut verified);
    assert_ne!(a, b);
    let mut b_with_a_proof = f.txs[1].clone();
    b_with_a_proof.proof = f.txs[3].proof;
    let mut a_with_b_proof = f.txs[3].clone();
    a_with_b_proof.proof = f.txs[1].proof;
    let mut b_other_fee = f.txs[1].clone();
    b_other_fee.body.fee += 1;
    let swapped = [b_with_a_proof, a_with_b_proof, b_other_fee];
    for tx in &swapped {
        let key = key_of(&vm, tx);
        assert!(
            !verified.contains(&key),
            "a changed transaction has a new key"
        );
    }
    let block: Vec<Transaction> = swapped.iter().map(private).collect();
    let (effects, seen) = run_with(&mut self::vm(), &block, &verified);
    assert_eq!(errors(&effects.receipts), vec![equation_failed(); 3]);
    // One batch of two; the third spends the first's note, so it was deferred and, the
    // first having failed, verified alone.
    assert_eq!((seen.items, seen.calls), (3, 2));
    assert!(effects.diff.is_empty());
}

#[test]
fn the_key_is_derived_again_from_the_state_the_block_runs_on() {
    let f = fixture();
    let mut verified = VerifiedProofs::with_capacity(8);
    let key = admit(&vm(), &f.txs[2], &mut verified);

    // Another ledger at the listed indices (the same notes, minted in reverse order): other
    // ring roots, another key; the proof is verified against them and fails.
    let mut reordered = state();
    let notes: Vec<_> = f.genesis.notes().iter().copied().collect();
    reordered.mint_notes(notes.into_iter().rev()).unwrap();
    let mut other_ledger = SuperVM::new(reordered.clone())
        .with_privacy_verifier(small(), f.verifier.clone())
        .unwrap();
    assert_ne!(key_of(&other_ledger, &f.txs[2]), key);
    let (effects, seen) = run_with(&mut other_ledger, &[private(&f.txs[2])], &verified);
    assert_eq!(errors(&effects.receipts), vec![equation_failed()]);
    assert_eq!((seen.items, seen.calls), (1, 1));
    assert!(other_ledger.state() == &reordered);

    // Another network: another ctx, another key.
    let testnet = NetworkId::new("supervm-testnet").unwrap();
    let mut on_testnet = vm().with_network(testnet);
    assert_ne!(key_of(&on_testnet, &f.txs[2]), key);
    let (effects, seen) = run_with(&mut on_testnet, &[private(&f.txs[2])], &verified);
    assert_eq!(errors(&effects.receipts), vec![equation_failed()]);
    assert_eq!(seen.items, 1);

    // Another verifying key for the shape: another fingerprint, another key.
    let mut other_key = SuperVM::new(f.genesis.clone())
        .with_privacy_verifier(small(), keyed_verifier(small(), 99))
        .unwrap();
    assert_ne!(key_of(&other_key, &f.txs[2]), key);
    let (effects, seen) = run_with(&mut other_key, &[private(&f.txs[2])], &verified);
    assert_eq!(errors(&effects.receipts), vec![equation_failed()]);
    assert_eq!(seen.items, 1);

    // The runtime it was admitted on derives the same key again.
    assert_eq!(key_of(&vm(), &f.txs[2]), key);
}

#[test]
fn a_cached_key_does_not_bypass_any_ledger_rule() {
    let f = fixture();
    let mut verified = VerifiedProofs::with_capacity(8);
    let genesis_vm = vm();
    for tx in [&f.txs[0], &f.conflict, &f.txs[f.faerie_of], &f.faerie] {
        admit(&genesis_vm, tx, &mut verified);
    }

    // Spent before the block: the replay and the other spend of the note are refused.
    let mut vm = vm();
    let (first, _) = run_with(&mut vm, &[private(&f.txs[0])], &verified);
    assert!(first.receipts[0].is_success());
    let after_first = vm.state().clone();
    let (second, seen) = run_with(
        &mut vm,
        &[private(&f.txs[0]), private(&f.conflict)],
        &verified,
    );
    let spent = Some(TxError::KeyImageSpent {
        input: 0,
        in_block: false,
    });
    assert_eq!(errors(&second.receipts), vec![spent.clone(), spent]);
    assert_eq!((seen.items, seen.calls), (0, 0));
    assert!(vm.state() == &after_first);

    // Spent earlier in the block: the later spend is refused.
    let (effects, seen) = run_with(
        &mut self::vm(),
        &[private(&f.conflict), private(&f.txs[0])],
        &verified,
    );
    assert!(effects.receipts[0].is_success());
    assert_eq!(
        effects.receipts[1].error,
        Some(TxError::KeyImageSpent {
            input: 0,
            in_block: true
        })
    );
    assert_eq!(seen.calls, 0);

    // A commitment already in the ledger, and one created earlier in the block.
    let mut vm = self::vm();
    let (first, _) = run_with(&mut vm, &[private(&f.txs[f.faerie_of])], &verified);
    assert!(first.receipts[0].is_success());
    let index = vm
        .state()
        .notes()
        .index_of(&f.faerie.body.outputs[0].commitment)
        .unwrap();
    let (second, _) = run_with(&mut vm, &[private(&f.faerie)], &verified);
    assert_eq!(
        second.receipts[0].error,
        Some(TxError::OutputCommitmentInLedger { output: 0, index })
    );
    let (effects, _) = run_with(
        &mut self::vm(),
        &[private(&f.txs[f.faerie_of]), private(&f.faerie)],
        &verified,
    );
    assert!(effects.receipts[0].is_success());
    assert_eq!(
        effects.receipts[1].error,
        Some(TxError::OutputCommitmentInBlock { output: 0 })
    );
}

#[test]
fn a_deferred_transaction_with_a_cached_key_is_not_verified_alone() {
    // The first spend of the note fails its proof; the second, deferred behind it, is then
    // applied. Without the cache it is verified alone (a second call); with it, not.
    let f = fixture();
    let mut bad = f.txs[0].clone();
    bad.body.fee += 1;
    let block = [private(&bad), private(&f.conflict)];

    let (plain, seen) = run_with(&mut vm(), &block, &VerifiedProofs::default());
    assert_eq!(seen.calls, 2);
    let mut verified = VerifiedProofs::with_capacity(1);
    admit(&vm(), &f.conflict, &mut verified);
    let (cached, seen) = run_with(&mut vm(), &block, &verified);
    assert_eq!((seen.items, seen.calls), (1, 1), "only the failing spend");
    assert_eq!(cached.receipts, plain.receipts);
    assert_eq!(cached.receipts[0].error, equation_failed());
    assert!(cached.receipts[1].is_success());
    assert!(cached.diff == plain.diff);

    // A deferred transaction whose key is cached still loses to an earlier accepted spend.
    let mut both = VerifiedProofs::with_capacity(2);
    admit(&vm(), &f.txs[0], &mut both);
    admit(&vm(), &f.conflict, &mut both);
    let (effects, seen) = run_with(
        &mut vm(),
        &[private(&f.txs[0]), private(&f.conflict)],
        &both,
    );
    assert!(effects.receipts[0].is_success());
    assert_eq!(
        effects.receipts[1].error,
        Some(TxError::KeyImageSpent {
            input: 0,
            in_block: true
        })
    );
    assert_eq!(seen.calls, 0);
}

// ------------------------------------------------------------ admission

#[test]
fn prepare_private_returns_the_errors_of_block_execution() {
    let f = fixture();
    let base = &f.txs[1];
    let mut broken: Vec<(PrivateTx, TxError)> = Vec::new();
    let mut case = |edit: &dyn Fn(&mut PrivateTx), want: TxError| {
        let mut tx = base.clone();
        edit(&mut tx);
        broken.push((tx, want));
    };
    let other: Shape = "1x2-r4".parse().unwrap();
    case(
        &|tx| tx.body.shape = other,
        TxError::NoVerifyingKey { shape: other },
    );
    case(
        &|tx| tx.body.ring_members.push(vec![0, 1, 2, 3]),
        TxError::RingCountMismatch {
            expected: 1,
            got: 2,
        },
    );
    case(
        &|tx| tx.body.outputs[0].memo = vec![0; supervm_runtime::privacy::MAX_MEMO_BYTES + 1],
        TxError::MemoTooLong {
            output: 0,
            len: supervm_runtime::privacy::MAX_MEMO_BYTES + 1,
            max: supervm_runtime::privacy::MAX_MEMO_BYTES,
        },
    );
    case(
        &|tx| tx.body.ring_members[0][2] = 1_000,
        TxError::RingMemberNotInLedger {
            input: 0,
            index: 1_000,
        },
    );
    case(
        &|tx| tx.body.ring_members[0][0] = tx.body.ring_members[0][3],
        TxError::DuplicateRingMember {
            input: 0,
            first: 0,
            second: 3,
        },
    );
    case(
        &|tx| tx.body.outputs[0].commitment = *f.genesis.notes().get(3).unwrap(),
        TxError::OutputCommitmentInLedger {
            output: 0,
            index: 3,
        },
    );
    // Several rules broken: the first in the documented order wins, in both.
    case(
        &|tx| {
            tx.body.ring_members[0][2] = 1_000;
            tx.body.outputs[0].memo = vec![0; supervm_runtime::privacy::MAX_MEMO_BYTES + 1];
        },
        TxError::MemoTooLong {
            output: 0,
            len: supervm_runtime::privacy::MAX_MEMO_BYTES + 1,
            max: supervm_runtime::privacy::MAX_MEMO_BYTES,
        },
    );
    let block_error = |state: &State, tx: &PrivateTx| {
        let mut vm = SuperVM::new(state.clone())
            .with_privacy_verifier(small(), f.verifier.clone())
            .unwrap();
        vm.execute_block(&[private(tx)]).remove(0).error
    };
    let vm = vm();
    for (tx, want) in &broken {
        assert_eq!(vm.prepare_private(tx).unwrap_err(), *want);
        assert_eq!(block_error(&f.genesis, tx).as_ref(), Some(want));
    }

    // A state-dependent rule: after the note is spent, both refuse the spend.
    let mut after = self::vm();
    assert!(after.execute_block(&[private(&f.txs[0])])[0].is_success());
    let spent = TxError::KeyImageSpent {
        input: 0,
        in_block: false,
    };
    assert_eq!(after.prepare_private(&f.txs[0]).unwrap_err(), spent);
    assert_eq!(
        after.prepare_private(&f.conflict).unwrap_err(),
        spent,
        "another spend of the same note"
    );
    assert_eq!(block_error(after.state(), &f.conflict), Some(spent));
    assert!(
        vm.prepare_private(&f.txs[0]).is_ok(),
        "fine before the block"
    );

    // A bad proof is not an admission rule: prepared fine, its item fails verification.
    let mut bad_proof = base.clone();
    bad_proof.body.fee += 1;
    let prepared = vm.prepare_private(&bad_proof).unwrap();
    let report = f.verifier.verify_batch(&[prepared.item]);
    assert_eq!(
        report.verdicts,
        vec![Verdict::Invalid(VerifierError::EquationFailed)]
    );
    assert_eq!(block_error(&f.genesis, &bad_proof), equation_failed());
}

#[test]
fn the_prepared_item_and_key_are_the_documented_ones() {
    let f = fixture();
    let vm = vm();
    let tx = &f.txs[2];
    let prepared = vm.prepare_private(tx).unwrap();
    assert_eq!(prepared.shape, small());
    // The item holds the public inputs the runtime derives: the ring root from the ledger
    // at the listed indices, the key image, the output commitment, the fee, ctx.
    let members = tx.body.ring_members[0]
        .iter()
        .map(|&i| *f.genesis.notes().get(i).unwrap())
        .collect();
    let statement = ringct_circuit::RingCtStatement {
        shape: small(),
        ring_roots: vec![Ring::new(members).unwrap().root()],
        key_images: tx.key_images.clone(),
        output_commitments: vec![tx.body.outputs[0].commitment],
        fee: tx.body.fee,
        ctx: tx.binding(vm.network()).unwrap(),
    };
    let inputs = statement.to_public_inputs();
    assert_eq!(prepared.item.public_inputs(), Some(inputs.as_slice()));
    // The key: BLAKE2b-256, personal "SuperVM-verdict1", over fingerprint · m · n · d ·
    // inputs (32 bytes each) · proof.
    let mut preimage = f.verifier.fingerprint().as_bytes().to_vec();
    preimage.extend([1, 1, 1]);
    for x in &inputs {
        preimage.extend(encode_public_input(x));
    }
    preimage.extend(tx.proof);
    let hash = blake2b_simd::Params::new()
        .hash_length(32)
        .personal(b"SuperVM-verdict1")
        .hash(&preimage);
    assert_eq!(prepared.key.0, hash.as_bytes());
    assert_eq!(VERDICT_KEY_PERSONAL, b"SuperVM-verdict1");
    // Every transaction of the fixture has its own key.
    let mut keys: Vec<_> = f.txs.iter().map(|t| key_of(&vm, t).0).collect();
    keys.push(key_of(&vm, &f.conflict).0);
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), f.txs.len() + 1);
}

// ------------------------------------------------------------ the set

#[test]
fn verified_proofs_is_bounded() {
    let k = |n: u8| VerdictKey([n; 32]);
    let mut set = VerifiedProofs::with_capacity(2);
    assert!(set.is_empty());
    assert_eq!(set.capacity(), 2);
    assert!(set.insert(k(1)));
    assert!(set.insert(k(2)));
    assert_eq!(set.len(), 2);
    // Full: a new key is refused, and nothing changes.
    assert!(!set.insert(k(3)));
    assert!(!set.contains(&k(3)));
    assert_eq!(set.len(), 2);
    // A key already held is still "in the set" when full.
    assert!(set.insert(k(1)));
    assert_eq!(set.len(), 2);
    // Removing makes room.
    assert!(set.remove(&k(1)));
    assert!(!set.remove(&k(1)));
    assert!(!set.contains(&k(1)));
    assert!(set.insert(k(3)));
    assert!(set.contains(&k(2)) && set.contains(&k(3)));
    set.clear();
    assert!(set.is_empty());

    // Capacity 0, and the default, hold nothing.
    for mut empty in [VerifiedProofs::with_capacity(0), VerifiedProofs::default()] {
        assert!(!empty.insert(k(1)));
        assert!(empty.is_empty());
        assert_eq!(empty.capacity(), 0);
    }
    // A large capacity allocates nothing up front.
    let huge = VerifiedProofs::with_capacity(usize::MAX);
    assert!(huge.is_empty());
}

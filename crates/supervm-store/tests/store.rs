//! The store: one write per block, everything back after a reopen, identity checks,
//! and refusals that write nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{Fr, KeyImage, NetworkId, NoteCommitment, Shape, TxId};
use supervm_runtime::{
    Address, BlockEffects, Instruction, NewNote, Object, ObjectId, ObjectRef, Owner, Program,
    PublicTx, Receipt, SpentKeyImage, State, StateDiff, SuperVM, Transaction,
};
use supervm_store::{state_digest, Store, StoreError, StoreIdentity, SCHEMA_VERSION};

const ALICE: Address = Address::from_u64(0xA);

fn identity() -> StoreIdentity {
    StoreIdentity {
        network: NetworkId::new("supervm-testnet").unwrap(),
        fingerprints: BTreeMap::from([(Shape::default(), [7u8; 32])]),
    }
}

fn cm(n: u64) -> NoteCommitment {
    NoteCommitment(Fr::from(n))
}

fn genesis() -> StateDiff {
    let mut diff = StateDiff::default();
    for k in 1..=3 {
        let id = ObjectId::from_u64(k);
        diff.objects.insert(
            id,
            Object::new(id, Owner::Address(ALICE), 1_000, vec![k as u8]),
        );
    }
    diff.notes = (0..4)
        .map(|i| NewNote {
            index: i,
            commitment: cm(100 + i),
            memo: format!("genesis {i}").into_bytes(),
            tx: 0,
        })
        .collect();
    diff
}

fn dir() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("state.redb");
    (d, p)
}

fn id(n: u8) -> TxId {
    TxId([n; 32])
}

/// A public block through the real runtime: a transfer between Alice's objects.
fn public_block(vm: &mut SuperVM, amount: u64) -> (Vec<(TxId, Vec<u8>)>, BlockEffects) {
    let tx = Transaction::Public(PublicTx {
        sender: ALICE,
        objects: vec![
            ObjectRef::any(ObjectId::from_u64(1)),
            ObjectRef::any(ObjectId::from_u64(2)),
        ],
        program: Program::new(vec![Instruction::Transfer {
            from: ObjectId::from_u64(1),
            to: ObjectId::from_u64(2),
            amount,
        }]),
    });
    let effects = vm.execute_block_effects(&[tx]);
    (vec![(id(amount as u8), vec![amount as u8; 3])], effects)
}

/// A hand-made private block: notes and key images (the store checks no proofs).
fn private_effects(first_index: u64, cms: &[u64], kis: &[u64]) -> BlockEffects {
    let diff = StateDiff {
        objects: BTreeMap::new(),
        notes: cms
            .iter()
            .enumerate()
            .map(|(k, &c)| NewNote {
                index: first_index + k as u64,
                commitment: cm(c),
                memo: vec![c as u8; 5],
                tx: 0,
            })
            .collect(),
        key_images: kis
            .iter()
            .map(|&k| SpentKeyImage {
                key_image: KeyImage(Fr::from(k)),
                tx: 0,
            })
            .collect(),
    };
    BlockEffects {
        receipts: vec![Receipt {
            path: Some(supervm_runtime::Path::Privacy),
            fallback: false,
            gas_used: 0,
            error: None,
        }],
        diff,
    }
}

#[test]
fn everything_committed_is_there_after_a_reopen() {
    let (_d, path) = dir();
    let store = Store::init(&path, identity(), &genesis(), 1).unwrap();
    let mut state = State::new();
    state.apply(&genesis()).unwrap();
    assert_eq!(store.load_state().unwrap(), state);
    let mut vm = SuperVM::new(state);

    let (txs1, e1) = public_block(&mut vm, 10);
    let h1 = store.commit_block(2, &txs1, &e1).unwrap();
    assert_eq!(h1.height, 1);
    let e2 = private_effects(4, &[200, 201], &[900]);
    vm.state().clone().apply(&e2.diff).unwrap();
    let h2 = store
        .commit_block(3, &[(id(0xB2), vec![1, 2, 3])], &e2)
        .unwrap();
    let mut expected = vm.state().clone();
    expected.apply(&e2.diff).unwrap();
    drop(store);

    let store = Store::open(&path, identity()).unwrap();
    assert_eq!(store.tip().unwrap(), h2);
    assert_eq!(store.tip_height().unwrap(), 2);
    assert_eq!(store.load_state().unwrap(), expected);
    assert_eq!(h2.parent, h1.hash().unwrap());
    assert_eq!(
        h1.parent,
        store.block(0).unwrap().unwrap().header.hash().unwrap()
    );
    let b1 = store.block(1).unwrap().unwrap();
    assert_eq!(b1.header, h1);
    assert_eq!(b1.txs, vec![vec![10u8; 3]]);
    assert!(store.block(3).unwrap().is_none());
    // Receipts by id.
    let r = store.receipt(&id(10)).unwrap().unwrap();
    assert_eq!((r.height, r.position, r.is_success()), (1, 0, true));
    assert_eq!(r.path, Some(supervm_runtime::Path::Fast));
    assert!(store.receipt(&id(99)).unwrap().is_none());
    // Notes with memos, by range.
    assert_eq!(store.note_count().unwrap(), 6);
    let notes = store.notes(3, 10).unwrap();
    assert_eq!(
        notes.iter().map(|n| n.index).collect::<Vec<_>>(),
        vec![3, 4, 5]
    );
    assert_eq!(notes[0].memo, b"genesis 3");
    assert_eq!(notes[1].commitment, cm(200));
    assert_eq!(notes[2].memo, vec![201u8; 5]);
    assert_eq!(store.notes(0, 2).unwrap().len(), 2);
    assert!(store.notes(6, 10).unwrap().is_empty());
    // Key images with their spender.
    assert_eq!(
        store.key_image_spent(&KeyImage(Fr::from(900u64))).unwrap(),
        Some(id(0xB2))
    );
    assert_eq!(
        store.key_image_spent(&KeyImage(Fr::from(901u64))).unwrap(),
        None
    );
    assert!(store.size_bytes().unwrap() > 0);
}

#[test]
fn digests_chain_the_diffs_and_replay_from_genesis() {
    let (_d, path) = dir();
    let store = Store::init(&path, identity(), &genesis(), 1).unwrap();
    let mut state = State::new();
    state.apply(&genesis()).unwrap();
    let mut vm = SuperVM::new(state);
    let mut diffs = vec![genesis()];
    for amount in 1..=5 {
        let (txs, e) = public_block(&mut vm, amount);
        store.commit_block(amount, &txs, &e).unwrap();
        diffs.push(e.diff);
    }
    let mut digest = [0u8; 32];
    for (height, diff) in diffs.iter().enumerate() {
        digest = state_digest(&digest, diff).unwrap();
        let block = store.block(height as u64).unwrap().unwrap();
        assert_eq!(block.header.state_digest, digest, "height {height}");
    }
    // Another history gives other digests.
    let other = state_digest(&[0u8; 32], &diffs[1]).unwrap();
    assert_ne!(other, store.block(0).unwrap().unwrap().header.state_digest);
}

#[test]
fn a_store_for_another_network_or_key_is_refused() {
    let (_d, path) = dir();
    drop(Store::init(&path, identity(), &genesis(), 1).unwrap());
    let mut other = identity();
    other.network = NetworkId::new("supervm-mainnet").unwrap();
    assert!(matches!(
        Store::open(&path, other).unwrap_err(),
        StoreError::NetworkMismatch { .. }
    ));
    let mut other = identity();
    other.fingerprints.insert(Shape::default(), [8u8; 32]);
    let err = Store::open(&path, other).unwrap_err();
    assert!(
        matches!(err, StoreError::FingerprintMismatch { shape, .. } if shape == Shape::default())
    );
    // A new shape is recorded, and pinned from then on.
    let small: Shape = "1x1-r4".parse().unwrap();
    let mut more = identity();
    more.fingerprints.insert(small, [9u8; 32]);
    drop(Store::open(&path, more).unwrap());
    let mut changed = identity();
    changed.fingerprints.insert(small, [1u8; 32]);
    assert!(matches!(
        Store::open(&path, changed).unwrap_err(),
        StoreError::FingerprintMismatch { .. }
    ));
    // A configuration that omits a known shape is allowed.
    let mut fewer = identity();
    fewer.fingerprints.clear();
    Store::open(&path, fewer).unwrap();
}

#[test]
fn an_unknown_schema_version_is_refused() {
    let (_d, path) = dir();
    drop(Store::init(&path, identity(), &genesis(), 1).unwrap());
    {
        let db = redb::Database::create(&path).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut m = txn.open_table(supervm_store::tables::META).unwrap();
            m.insert("schema_version", &(SCHEMA_VERSION + 1).to_le_bytes()[..])
                .unwrap();
        }
        txn.commit().unwrap();
    }
    assert!(matches!(
        Store::open(&path, identity()).unwrap_err(),
        StoreError::SchemaVersion { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION
    ));
}

#[test]
fn init_and_open_check_the_path() {
    let (_d, path) = dir();
    assert!(matches!(
        Store::open(&path, identity()).unwrap_err(),
        StoreError::NotInitialised(_)
    ));
    drop(Store::init(&path, identity(), &genesis(), 1).unwrap());
    assert!(matches!(
        Store::init(&path, identity(), &genesis(), 1).unwrap_err(),
        StoreError::AlreadyInitialised(_)
    ));
    // A genesis that is not a valid state is refused.
    let (_d2, path2) = dir();
    let mut bad = genesis();
    bad.notes[1].commitment = bad.notes[0].commitment;
    assert!(matches!(
        Store::init(&path2, identity(), &bad, 1).unwrap_err(),
        StoreError::Rebuild(_)
    ));
    assert!(!path2.exists(), "a refused init leaves no file behind");
    // A failed init over an existing store leaves that store alone.
    assert!(Store::init(&path, identity(), &genesis(), 1).is_err());
    assert!(Store::open(&path, identity()).is_ok());
}

#[test]
fn a_refused_block_writes_nothing() {
    let (_d, path) = dir();
    let store = Store::init(&path, identity(), &genesis(), 1).unwrap();
    store
        .commit_block(2, &[(id(1), vec![])], &private_effects(4, &[200], &[900]))
        .unwrap();
    let tip = store.tip().unwrap();
    let state = store.load_state().unwrap();
    type Case = (
        &'static str,
        Vec<(TxId, Vec<u8>)>,
        BlockEffects,
        fn(&StoreError) -> bool,
    );
    let cases: Vec<Case> = vec![
        (
            "a committed id",
            vec![(id(1), vec![])],
            private_effects(5, &[201], &[901]),
            |e| matches!(e, StoreError::DuplicateTransaction(_)),
        ),
        (
            "a gap in the ledger",
            vec![(id(2), vec![])],
            private_effects(6, &[201], &[901]),
            |e| matches!(e, StoreError::DiffMismatch { what } if what.contains("continue")),
        ),
        (
            "a genesis commitment",
            vec![(id(2), vec![])],
            private_effects(5, &[100], &[901]),
            |e| matches!(e, StoreError::DiffMismatch { what } if what.contains("already in the ledger")),
        ),
        (
            "a commitment from block 1",
            vec![(id(2), vec![])],
            private_effects(5, &[200], &[901]),
            |e| matches!(e, StoreError::DiffMismatch { what } if what.contains("already in the ledger")),
        ),
        (
            "a spent key image",
            vec![(id(2), vec![])],
            private_effects(5, &[201], &[900]),
            |e| matches!(e, StoreError::DiffMismatch { what } if what.contains("spent")),
        ),
        (
            "a receipt missing",
            vec![(id(2), vec![]), (id(3), vec![])],
            private_effects(5, &[201], &[901]),
            |e| {
                matches!(
                    e,
                    StoreError::ReceiptCountMismatch {
                        txs: 2,
                        receipts: 1
                    }
                )
            },
        ),
    ];
    for (name, txs, effects, expected) in cases {
        let err = store.commit_block(3, &txs, &effects).unwrap_err();
        assert!(expected(&err), "{name}: {err}");
        assert_eq!(store.tip().unwrap(), tip, "{name}");
        assert_eq!(store.load_state().unwrap(), state, "{name}");
        assert!(store.receipt(&id(2)).unwrap().is_none(), "{name}");
    }
    // Two notes with one commitment within a block.
    let mut twice = private_effects(5, &[300, 300], &[]);
    twice.diff.notes[1].index = 6;
    assert!(matches!(
        store
            .commit_block(3, &[(id(2), vec![])], &twice)
            .unwrap_err(),
        StoreError::DiffMismatch { .. }
    ));
    assert_eq!(store.load_state().unwrap(), state);
    // The same id twice within a block.
    let mut two = private_effects(5, &[201], &[901]);
    two.receipts.push(two.receipts[0].clone());
    assert!(matches!(
        store
            .commit_block(3, &[(id(2), vec![]), (id(2), vec![])], &two)
            .unwrap_err(),
        StoreError::DuplicateTransaction(_)
    ));
    // And the good block still goes in afterwards.
    store
        .commit_block(3, &[(id(2), vec![])], &private_effects(5, &[201], &[901]))
        .unwrap();
    assert_eq!(store.tip().unwrap().height, 2);
}

#[test]
fn failed_receipts_keep_their_kind_and_message() {
    let (_d, path) = dir();
    let store = Store::init(&path, identity(), &genesis(), 1).unwrap();
    let mut state = State::new();
    state.apply(&genesis()).unwrap();
    let mut vm = SuperVM::new(state);
    let (txs, e) = public_block(&mut vm, 5_000); // more than object 1 holds
    assert!(!e.receipts[0].is_success());
    store.commit_block(2, &txs, &e).unwrap();
    let r = store.receipt(&txs[0].0).unwrap().unwrap();
    let err = r.error.unwrap();
    assert_eq!(err.kind, "InsufficientBalance");
    assert_eq!(
        err.message,
        e.receipts[0].error.as_ref().unwrap().to_string()
    );
}

#[test]
fn corrupt_bytes_are_a_typed_error() {
    let (_d, path) = dir();
    drop(Store::init(&path, identity(), &genesis(), 1).unwrap());
    {
        let db = redb::Database::create(&path).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut t = txn.open_table(supervm_store::tables::OBJECTS).unwrap();
            t.insert(&ObjectId::from_u64(1).0, &[1u8, 2, 3][..])
                .unwrap();
        }
        txn.commit().unwrap();
    }
    let store = Store::open(&path, identity()).unwrap();
    assert!(matches!(
        store.load_state().unwrap_err(),
        StoreError::Corrupt {
            table: "objects",
            ..
        }
    ));
}

#[test]
fn many_random_blocks_reload_to_the_same_state() {
    let (_d, path) = dir();
    let store = Store::init(&path, identity(), &genesis(), 1).unwrap();
    let mut state = State::new();
    state.apply(&genesis()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let mut next_cm = 1_000u64;
    let mut next_ki = 10_000u64;
    for height in 1..=30u64 {
        let n = rng.gen_range(0..4);
        let cms: Vec<u64> = (0..n)
            .map(|_| {
                next_cm += 1;
                next_cm
            })
            .collect();
        let kis: Vec<u64> = (0..rng.gen_range(0..3))
            .map(|_| {
                next_ki += 1;
                next_ki
            })
            .collect();
        let e = private_effects(state.notes().len(), &cms, &kis);
        store
            .commit_block(height, &[(TxId([height as u8; 32]), vec![])], &e)
            .unwrap();
        state.apply(&e.diff).unwrap();
    }
    drop(store);
    let store = Store::open(&path, identity()).unwrap();
    assert_eq!(store.load_state().unwrap(), state);
    assert_eq!(store.tip().unwrap().height, 30);
}

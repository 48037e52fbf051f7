//! The routing rule on a mixed block, and failure atomicity.

mod common;

use common::*;
use supervm_runtime::{
    route, ErrorKind, Instruction, ObjectRef, Path, Program, PublicTx, SuperVM, Transaction,
    TxError,
};
use supervm_telemetry::{labels::PATH, names};

fn kind(r: &supervm_runtime::Receipt) -> Option<ErrorKind> {
    r.error.as_ref().map(TxError::kind)
}

#[test]
fn route_function() {
    let s = state();
    let cases: Vec<(Transaction, Result<Path, ErrorKind>)> = vec![
        (tx(ALICE, &[A1, A2], vec![]), Ok(Path::Fast)),
        (tx(ALICE, &[], vec![]), Ok(Path::Fast)),
        (tx(ALICE, &[CONFIG], vec![]), Ok(Path::Fast)),
        (tx(BOB, &[B1, CONFIG], vec![]), Ok(Path::Fast)),
        (tx(ALICE, &[A1, POOL], vec![]), Ok(Path::Consensus)),
        (tx(BOB, &[POOL], vec![]), Ok(Path::Consensus)),
        (
            tx(ALICE, &[A1, MISSING], vec![]),
            Err(ErrorKind::ObjectNotFound),
        ),
        (tx(ALICE, &[B1], vec![]), Err(ErrorKind::NotOwned)),
        // Rejection beats the shared object.
        (tx(ALICE, &[POOL, B1], vec![]), Err(ErrorKind::NotOwned)),
        (
            tx(ALICE, &[POOL, MISSING], vec![]),
            Err(ErrorKind::ObjectNotFound),
        ),
        // First violation in declaration order.
        (
            tx(ALICE, &[MISSING, B1], vec![]),
            Err(ErrorKind::ObjectNotFound),
        ),
        (tx(ALICE, &[B1, MISSING], vec![]), Err(ErrorKind::NotOwned)),
        (
            tx(ALICE, &[A1, A1], vec![]),
            Err(ErrorKind::DuplicateObject),
        ),
    ];
    for (t, expected) in cases {
        assert_eq!(route(&t, &s).map_err(|e| e.kind()), expected, "{t:?}");
    }
    match route(&tx(ALICE, &[B1], vec![]), &s) {
        Err(TxError::NotOwned {
            object,
            owner,
            sender,
        }) => assert_eq!((object, owner, sender), (B1, BOB, ALICE)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn mixed_block() {
    let block = vec![
        /* 0 */ tx(ALICE, &[A1, A2], vec![transfer(A1, A2, 10)]),
        /* 1 */ tx(ALICE, &[A1, POOL], vec![transfer(A1, POOL, 10)]),
        /* 2 */ tx(ALICE, &[MISSING], vec![]),
        /* 3 */ tx(ALICE, &[B1], vec![transfer(B1, A1, 10)]),
        /* 4 */ tx(BOB, &[B1, CONFIG], vec![write(B1, b"read config")]),
        /* 5 */ tx(BOB, &[CONFIG], vec![write(CONFIG, b"nope")]),
        /* 6 */ tx(BOB, &[POOL, B1], vec![transfer(POOL, B1, 500)]),
        /* 7 */ tx(ALICE, &[A1], vec![transfer(A1, A2, 1)]),
        /* 8 */ tx(ALICE, &[A1, A2], vec![transfer(A1, A2, 10_000)]),
    ];
    let (receipts, after, m) = run(SuperVM::new(state()), &block);
    assert_eq!(receipts.len(), block.len());
    let summary: Vec<_> = receipts
        .iter()
        .map(|r| (r.path, kind(r), r.fallback))
        .collect();
    assert_eq!(
        summary,
        vec![
            (Some(Path::Fast), None, false),
            (Some(Path::Consensus), None, false),
            (None, Some(ErrorKind::ObjectNotFound), false),
            (None, Some(ErrorKind::NotOwned), false),
            (Some(Path::Fast), None, false),
            (Some(Path::Fast), Some(ErrorKind::ImmutableObject), false),
            (Some(Path::Consensus), None, false),
            (Some(Path::Fast), Some(ErrorKind::UndeclaredObject), false),
            (
                Some(Path::Fast),
                Some(ErrorKind::InsufficientBalance),
                false
            ),
        ]
    );
    assert_eq!(receipts[2].gas_used, 0);
    // Fast phase first (tx 0), then Consensus (tx 1, tx 6).
    let a1 = after.get(&A1).unwrap();
    assert_eq!((a1.balance, a1.version), (980, 2));
    assert_eq!(after.get(&POOL).unwrap().balance, 510);
    assert_eq!(after.get(&POOL).unwrap().version, 2);
    assert_eq!(after.get(&B1).unwrap().balance, 1_500);
    assert_eq!(after.get(&B1).unwrap().data, b"read config");
    assert_eq!(after.get(&CONFIG).unwrap(), state().get(&CONFIG).unwrap());

    assert_eq!(m.counter(names::ROUTING_FAST_TOTAL, &[]), 5);
    assert_eq!(m.counter(names::ROUTING_CONSENSUS_TOTAL, &[]), 2);
    assert_eq!(m.counter(names::ROUTING_PRIVACY_TOTAL, &[]), 0);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "fast")]),
        3
    );
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "rejected")]),
        2
    );
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "consensus")]),
        0
    );
}

#[test]
fn consensus_runs_after_fast_in_block_order() {
    // Tx 0 (Consensus) spends from A1 what tx 1 (Fast, later in the block) put there:
    // it only succeeds because the Fast phase runs first.
    let block = vec![
        tx(ALICE, &[A1, POOL], vec![transfer(A1, POOL, 1_500)]),
        tx(ALICE, &[A1, A2], vec![transfer(A2, A1, 1_000)]),
        tx(BOB, &[POOL, B1], vec![transfer(POOL, B1, 2_500)]),
    ];
    let (receipts, after, _) = run(SuperVM::new(state()), &block);
    assert!(receipts.iter().all(|r| r.is_success()), "{receipts:?}");
    assert_eq!(after.get(&A1).unwrap().balance, 500);
    assert_eq!(after.get(&POOL).unwrap().balance, 0);
    assert_eq!(after.get(&B1).unwrap().balance, 3_500);
}

#[test]
fn expected_versions_are_checked_at_execution_time() {
    let at = |v| {
        Transaction::Public(PublicTx {
            sender: ALICE,
            objects: vec![ObjectRef::at(A1, v)],
            program: Program::new(vec![write(A1, b"v")]),
        })
    };
    let (receipts, after, _) = run(SuperVM::new(state()), &[at(0), at(0), at(1)]);
    assert!(receipts[0].is_success());
    match &receipts[1].error {
        Some(TxError::VersionConflict {
            object,
            expected,
            actual,
        }) => assert_eq!((*object, *expected, *actual), (A1, 0, 1)),
        other => panic!("{other:?}"),
    }
    assert!(receipts[2].is_success());
    assert_eq!(after.get(&A1).unwrap().version, 2);
}

#[test]
fn failed_transactions_leave_the_state_unchanged() {
    let failing = vec![
        // Fails after writing and transferring, on each path and for each reason.
        tx(
            ALICE,
            &[A1, A2],
            vec![
                write(A1, b"x"),
                transfer(A1, A2, 1),
                transfer(A2, A1, 5_000),
            ],
        ),
        tx(
            ALICE,
            &[A1, POOL],
            vec![
                write(POOL, b"x"),
                transfer(POOL, A1, 1),
                Instruction::Burn { units: u64::MAX },
            ],
        ),
        tx(
            ALICE,
            &[A1, A2],
            vec![
                write(A2, b"x"),
                transfer(A1, A2, 1),
                Instruction::Alloc { bytes: u64::MAX },
            ],
        ),
        tx(
            ALICE,
            &[A1, CONFIG],
            vec![write(A1, b"x"), transfer(A1, CONFIG, 1)],
        ),
        tx(ALICE, &[A1, POOL], vec![write(A1, b"x"), write(B1, b"x")]),
        tx(ALICE, &[A1, B1], vec![write(A1, b"x")]),
        tx(ALICE, &[A1, MISSING], vec![write(A1, b"x")]),
    ];
    for t in failing {
        let before = state();
        let (receipts, after, _) = run(SuperVM::new(before.clone()), std::slice::from_ref(&t));
        assert!(!receipts[0].is_success(), "{t:?}");
        assert_eq!(after, before, "{t:?} left {:?}", receipts[0]);
    }
}

#[test]
fn empty_block() {
    let before = state();
    let (receipts, after, m) = run(SuperVM::new(before.clone()), &[]);
    assert!(receipts.is_empty());
    assert_eq!(after, before);
    assert_eq!(
        m.histogram_samples(names::RUNTIME_BLOCK_DURATION_SECONDS),
        1
    );
}

#[test]
fn zero_threads_is_a_config_error() {
    assert!(matches!(
        SuperVM::new(state()).with_threads(0),
        Err(supervm_runtime::ConfigError::ZeroThreads)
    ));
    assert_eq!(SuperVM::new(state()).with_threads(3).unwrap().threads(), 3);
}

//! Fast → Consensus fallback: behaviour and metrics.

mod common;

use common::*;
use supervm_runtime::{
    ErrorKind, ExecLimits, FallbackPolicy, Instruction, Path, SuperVM, Transaction,
};
use supervm_telemetry::{labels::PATH, names};

/// Writes, transfers, then burns more gas than the Fast path allows (but fits Consensus).
fn writes_then_runs_out_of_fast_gas() -> Transaction {
    tx(
        ALICE,
        &[A1, A2],
        vec![
            write(A1, b"written"),
            transfer(A1, A2, 100),
            Instruction::Burn {
                units: ExecLimits::FAST_DEFAULT.gas,
            },
        ],
    )
}

/// Writes, transfers, then allocates more memory than the Fast path allows (cheap in gas).
fn writes_then_overflows_fast_memory() -> Transaction {
    let bytes = ExecLimits::FAST_DEFAULT.memory_bytes + 1;
    tx(
        ALICE,
        &[A1, A2],
        vec![
            write(A1, b"written"),
            transfer(A1, A2, 100),
            Instruction::Alloc { bytes },
        ],
    )
}

fn policy(enable: Option<&str>, errors: Option<&str>) -> FallbackPolicy {
    FallbackPolicy::from_lookup(|k| match k {
        "SUPERVM_ENABLE_FAST_FALLBACK" => enable.map(std::ffi::OsString::from),
        "SUPERVM_FALLBACK_ON_ERRORS" => errors.map(std::ffi::OsString::from),
        _ => None,
    })
    .unwrap()
}

#[test]
fn memory_overflow_program_is_cheap_in_gas() {
    // Guard: the memory test must fail on memory, not on gas.
    let Transaction::Public(t) = writes_then_overflows_fast_memory() else {
        unreachable!()
    };
    let gas: u64 = t.program.instructions().iter().map(|i| i.gas_cost()).sum();
    assert!(gas < ExecLimits::FAST_DEFAULT.gas);
}

#[test]
fn fallback_is_off_by_default() {
    let before = state();
    let (receipts, after, m) = run(
        SuperVM::new(before.clone()),
        &[writes_then_runs_out_of_fast_gas()],
    );
    let r = &receipts[0];
    assert_eq!(r.path, Some(Path::Fast));
    assert!(!r.fallback);
    assert!(!r.is_success());
    assert_eq!(
        r.error.as_ref().map(|e| e.kind()),
        Some(ErrorKind::GasExhausted)
    );
    assert_eq!(r.gas_used, ExecLimits::FAST_DEFAULT.gas);
    assert_eq!(
        after, before,
        "a failed transaction must leave nothing behind"
    );
    assert_eq!(m.counter(names::FAST_FALLBACK_TOTAL, &[]), 0);
    assert_eq!(m.counter(names::ROUTING_FAST_TOTAL, &[]), 1);
    assert_eq!(m.counter(names::ROUTING_CONSENSUS_TOTAL, &[]), 0);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "fast")]),
        1
    );
}

fn assert_fell_back_and_applied_once(
    receipts: &[supervm_runtime::Receipt],
    after: &supervm_runtime::State,
    m: &Metrics,
) {
    let r = &receipts[0];
    assert_eq!(r.path, Some(Path::Consensus));
    assert!(r.fallback);
    assert!(r.is_success(), "{:?}", r.error);
    assert!(r.gas_used > 0);
    // Exactly one application: one version bump, one transfer.
    let a1 = after.get(&A1).unwrap();
    let a2 = after.get(&A2).unwrap();
    assert_eq!(
        (a1.version, a1.balance, a1.data.as_slice()),
        (1, 900, &b"written"[..])
    );
    assert_eq!((a2.version, a2.balance), (1, 1_100));
    assert_eq!(m.counter(names::FAST_FALLBACK_TOTAL, &[]), 1);
    assert_eq!(m.counter(names::ROUTING_FAST_TOTAL, &[]), 1);
    assert_eq!(m.counter(names::ROUTING_CONSENSUS_TOTAL, &[]), 1);
    for path in ["fast", "consensus", "privacy", "rejected"] {
        assert_eq!(
            m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, path)]),
            0
        );
    }
}

#[test]
fn gas_exhausted_falls_back_when_listed() {
    let vm = SuperVM::new(state()).with_fallback(policy(Some("true"), Some("GasExhausted")));
    let (receipts, after, m) = run(vm, &[writes_then_runs_out_of_fast_gas()]);
    assert_fell_back_and_applied_once(&receipts, &after, &m);
    // The Consensus run's gas, which exceeds what the Fast path allows.
    assert!(receipts[0].gas_used > ExecLimits::FAST_DEFAULT.gas);
}

#[test]
fn memory_overflow_falls_back_when_listed() {
    let vm = SuperVM::new(state()).with_fallback(policy(Some("1"), Some("MemoryOverflow")));
    let (receipts, after, m) = run(vm, &[writes_then_overflows_fast_memory()]);
    assert_fell_back_and_applied_once(&receipts, &after, &m);
}

#[test]
fn default_list_covers_gas_and_memory() {
    for t in [
        writes_then_runs_out_of_fast_gas(),
        writes_then_overflows_fast_memory(),
    ] {
        let vm = SuperVM::new(state()).with_fallback(policy(Some("TRUE"), None));
        let (receipts, after, m) = run(vm, &[t]);
        assert_fell_back_and_applied_once(&receipts, &after, &m);
    }
}

#[test]
fn unlisted_kind_does_not_fall_back() {
    let before = state();
    let vm = SuperVM::new(before.clone()).with_fallback(policy(Some("true"), Some("GasExhausted")));
    let (receipts, after, m) = run(vm, &[writes_then_overflows_fast_memory()]);
    let r = &receipts[0];
    assert_eq!(r.path, Some(Path::Fast));
    assert!(!r.fallback);
    assert_eq!(
        r.error.as_ref().map(|e| e.kind()),
        Some(ErrorKind::MemoryOverflow)
    );
    assert_eq!(after, before);
    assert_eq!(m.counter(names::FAST_FALLBACK_TOTAL, &[]), 0);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "fast")]),
        1
    );
}

#[test]
fn listed_kinds_other_than_limits_also_fall_back() {
    // Any listed kind triggers it; an InsufficientBalance re-run fails again on Consensus.
    let before = state();
    let vm = SuperVM::new(before.clone())
        .with_fallback(FallbackPolicy::enabled([ErrorKind::InsufficientBalance]));
    let (receipts, after, m) = run(vm, &[tx(ALICE, &[A1, A2], vec![transfer(A1, A2, 5_000)])]);
    let r = &receipts[0];
    assert_eq!((r.path, r.fallback), (Some(Path::Consensus), true));
    assert_eq!(
        r.error.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InsufficientBalance)
    );
    assert_eq!(after, before);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "consensus")]),
        1
    );
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "fast")]),
        0
    );
}

#[test]
fn failing_rerun_is_a_consensus_failure_with_consensus_limits() {
    let before = state();
    let vm = SuperVM::new(before.clone()).with_fallback(FallbackPolicy::enabled_default());
    let t = tx(
        ALICE,
        &[A1],
        vec![
            write(A1, b"x"),
            Instruction::Burn {
                units: ExecLimits::CONSENSUS_DEFAULT.gas,
            },
        ],
    );
    let (receipts, after, m) = run(vm, &[t]);
    let r = &receipts[0];
    assert_eq!((r.path, r.fallback), (Some(Path::Consensus), true));
    match &r.error {
        Some(supervm_runtime::TxError::GasExhausted { limit, .. }) => {
            assert_eq!(*limit, ExecLimits::CONSENSUS_DEFAULT.gas)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.gas_used, ExecLimits::CONSENSUS_DEFAULT.gas);
    assert_eq!(after, before);
    assert_eq!(m.counter(names::FAST_FALLBACK_TOTAL, &[]), 1);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "consensus")]),
        1
    );
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "fast")]),
        0
    );
}

#[test]
fn fallback_reruns_after_the_fast_phase() {
    // T0 falls back; T1 (Fast, later in the block) drains A1 during the Fast phase, so
    // T0's Consensus re-run sees the drained balance.
    let vm = SuperVM::new(state()).with_fallback(FallbackPolicy::enabled_default());
    let t0 = tx(
        ALICE,
        &[A1, A2],
        vec![
            transfer(A1, A2, 600),
            Instruction::Burn {
                units: ExecLimits::FAST_DEFAULT.gas,
            },
        ],
    );
    let t1 = tx(ALICE, &[A1, A2], vec![transfer(A1, A2, 600)]);
    let (receipts, after, _) = run(vm, &[t0, t1]);
    assert!(receipts[1].is_success());
    assert_eq!(receipts[1].path, Some(Path::Fast));
    assert!(receipts[0].fallback);
    assert_eq!(
        receipts[0].error.as_ref().map(|e| e.kind()),
        Some(ErrorKind::InsufficientBalance)
    );
    assert_eq!(after.get(&A1).unwrap().balance, 400);
}

//! Runtime metrics, observed through a local (thread-scoped) recorder.

mod common;

use common::*;
use supervm_runtime::{ExecLimits, FallbackPolicy, Instruction, SuperVM};
use supervm_telemetry::{find, labels::PATH, names, MetricKind};

/// A block with: 3 Fast successes, 1 Fast failure, 2 fallbacks (one fails again on
/// Consensus), 2 Consensus transactions (one fails), 2 rejections.
fn block() -> Vec<supervm_runtime::Transaction> {
    let heavy = |units| {
        tx(
            ALICE,
            &[A2],
            vec![write(A2, b"heavy"), Instruction::Burn { units }],
        )
    };
    vec![
        tx(ALICE, &[A1, A2], vec![transfer(A1, A2, 1)]),
        tx(BOB, &[B1, CONFIG], vec![write(B1, b"b")]),
        tx(ALICE, &[A1], vec![write(A1, b"a")]),
        tx(ALICE, &[A1], vec![transfer(A1, A1, 1_000_000)]),
        heavy(ExecLimits::FAST_DEFAULT.gas),
        heavy(ExecLimits::CONSENSUS_DEFAULT.gas),
        tx(BOB, &[POOL, B1], vec![transfer(POOL, B1, 1)]),
        tx(BOB, &[POOL, B1], vec![transfer(POOL, B1, 1_000_000)]),
        tx(BOB, &[A1], vec![]),
        tx(BOB, &[MISSING], vec![]),
    ]
}

#[test]
fn counters_follow_the_counting_rule() {
    let vm = SuperVM::new(state()).with_fallback(FallbackPolicy::enabled_default());
    let (receipts, _, m) = run(vm, &block());
    assert_eq!(receipts.iter().filter(|r| r.fallback).count(), 2);

    assert_eq!(m.counter(names::ROUTING_FAST_TOTAL, &[]), 6);
    assert_eq!(m.counter(names::ROUTING_CONSENSUS_TOTAL, &[]), 4);
    assert_eq!(m.counter(names::ROUTING_PRIVACY_TOTAL, &[]), 0);
    assert_eq!(m.counter(names::FAST_FALLBACK_TOTAL, &[]), 2);
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "fast")]),
        1
    );
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "consensus")]),
        2
    );
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "privacy")]),
        0
    );
    assert_eq!(
        m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "rejected")]),
        2
    );
    assert_eq!(
        m.histogram_samples(names::RUNTIME_BLOCK_DURATION_SECONDS),
        1
    );

    // The documented identity.
    let n = receipts.len() as u64;
    assert_eq!(
        m.counter(names::ROUTING_FAST_TOTAL, &[]) + m.counter(names::ROUTING_CONSENSUS_TOTAL, &[])
            - m.counter(names::FAST_FALLBACK_TOTAL, &[])
            + m.counter(names::ROUTING_PRIVACY_TOTAL, &[])
            + m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, "rejected")]),
        n
    );
    let failed: u64 = ["fast", "consensus", "privacy", "rejected"]
        .iter()
        .map(|p| m.counter(names::RUNTIME_TX_FAILED_TOTAL, &[(PATH, p)]))
        .sum();
    assert_eq!(
        failed,
        receipts.iter().filter(|r| !r.is_success()).count() as u64
    );
}

#[test]
fn counters_accumulate_over_blocks_and_thread_pools() {
    let mut vm = SuperVM::new(state())
        .with_fallback(FallbackPolicy::enabled_default())
        .with_threads(2)
        .unwrap();
    let (_, m) = with_metrics(|| {
        vm.execute_block(&block());
        vm.execute_block(&block());
    });
    assert_eq!(m.counter(names::FAST_FALLBACK_TOTAL, &[]), 4);
    assert_eq!(m.counter(names::ROUTING_FAST_TOTAL, &[]), 12);
    assert_eq!(
        m.histogram_samples(names::RUNTIME_BLOCK_DURATION_SECONDS),
        2
    );
}

#[test]
fn every_emitted_metric_is_catalogued() {
    let vm = SuperVM::new(state()).with_fallback(FallbackPolicy::enabled_default());
    let (_, _, m) = run(vm, &block());
    assert!(!m.entries.is_empty());
    for e in &m.entries {
        let def = find(&e.name).unwrap_or_else(|| panic!("{} is not in the catalog", e.name));
        let kind = match e.value {
            metrics_util::debugging::DebugValue::Counter(_) => MetricKind::Counter,
            metrics_util::debugging::DebugValue::Gauge(_) => MetricKind::Gauge,
            metrics_util::debugging::DebugValue::Histogram(_) => MetricKind::Histogram,
        };
        assert_eq!(def.kind, kind, "{}", e.name);
        let mut keys: Vec<&str> = e.labels.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        let mut want = def.labels.to_vec();
        want.sort_unstable();
        assert_eq!(keys, want, "{} labels", e.name);
    }
    // All runtime metrics appear after one block.
    for name in [
        names::FAST_FALLBACK_TOTAL,
        names::ROUTING_FAST_TOTAL,
        names::ROUTING_CONSENSUS_TOTAL,
        names::ROUTING_PRIVACY_TOTAL,
        names::RUNTIME_TX_FAILED_TOTAL,
        names::RUNTIME_BLOCK_DURATION_SECONDS,
    ] {
        assert!(
            m.entries.iter().any(|e| e.name == name),
            "{name} not emitted"
        );
    }
}

//! Metrics: the right counters move by the right amounts, per mode, and
//! every emitted name is catalogued.

use crate::common::*;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::MetricKind;
use ringct_verifier::Mode;
use supervm_telemetry::{labels, names, CATALOG};

#[test]
fn counters_move_per_mode_and_names_are_catalogued() {
    let fx = fixture();
    let verifier = fx.verifier();
    let mut items = fx.valid_items(6, 8);
    items[1] = Bad::TamperA.item(fx, 1);
    items[4] = Bad::TooManyInputs.item(fx, 4);

    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        verifier.verify_individual(&items);
        verifier.verify_parallel(&items);
        verifier.verify_parallel(&items[..3]);
        verifier.verify_batch(&items);
        verifier.verify_batch(&items[2..]);
        verifier.verify_batch(&items[..1]);
    });

    // (calls, items, failed) per mode.
    let want = |mode: Mode| match mode {
        Mode::Individual => (1u64, 6u64, 2u64),
        Mode::Parallel => (2, 9, 3),
        Mode::Batch => (3, 11, 3),
    };
    let snapshot = snapshotter.snapshot().into_vec();
    assert!(!snapshot.is_empty());
    let mut seen = 0;
    for (key, _, _, value) in snapshot {
        let (kind, key) = key.into_parts();
        let name = key.name();
        assert!(
            CATALOG.iter().any(|m| m.name == name),
            "{name} is not in the catalog"
        );
        let mode = key
            .labels()
            .find(|l| l.key() == labels::MODE)
            .map(|l| l.value().to_string())
            .expect("every verifier metric has a mode label");
        let mode = Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == mode)
            .expect("known mode");
        let (calls, total, failed) = want(mode);
        match (kind, value) {
            (MetricKind::Counter, DebugValue::Counter(v)) => {
                let expected = match name {
                    n if n == names::ZK_BATCH_VERIFY_TOTAL => total,
                    n if n == names::ZK_BATCH_VERIFY_FAILED_TOTAL => failed,
                    n if n == names::ZK_BATCH_VERIFY_BATCHES_TOTAL => calls,
                    other => panic!("unexpected counter {other}"),
                };
                assert_eq!(v, expected, "{name} {mode}");
            }
            (MetricKind::Histogram, DebugValue::Histogram(v)) => {
                assert_eq!(name, names::ZK_BATCH_VERIFY_DURATION_SECONDS);
                assert_eq!(v.len() as u64, calls, "{name} {mode}");
                assert!(v.iter().all(|s| s.into_inner() >= 0.0));
            }
            other => panic!("unexpected metric {name}: {other:?}"),
        }
        seen += 1;
    }
    // 4 metrics x 3 modes.
    assert_eq!(seen, 12);
}

//! The wallet-level witness builder refuses bad data with typed errors.

mod common;

use common::*;
use ringct_circuit::*;

fn default_spend(seed: u64) -> Spend {
    honest_spend(Shape::default(), &[1, 14], seed)
}

#[test]
fn honest_data_builds_and_checks() {
    let (w, s) = default_spend(1).build().unwrap();
    assert_eq!(w.check().unwrap(), s);
}

#[test]
fn wrong_counts_are_refused() {
    let mut spend = default_spend(2);
    spend.inputs.pop();
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::InputCountMismatch {
            expected: 2,
            got: 1
        }
    );
    let mut spend = default_spend(2);
    spend.outputs.push(spend.outputs[0].clone());
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::OutputCountMismatch {
            expected: 2,
            got: 3
        }
    );
}

#[test]
fn wrong_ring_size_is_refused() {
    let mut spend = default_spend(3);
    let mut r = rng(3);
    let real = spend.inputs[1].note.commitment();
    spend.inputs[1].ring = Ring::with_real_at(
        (0..63).map(|_| random_commitment(&mut r)).collect(),
        real,
        0,
    )
    .unwrap();
    spend.inputs[1].position = 0;
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::RingSizeMismatch {
            input: 1,
            expected: 16,
            got: 64
        }
    );
}

#[test]
fn position_outside_the_ring_is_refused() {
    let mut spend = default_spend(4);
    spend.inputs[0].position = 16;
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::PositionOutOfRange {
            input: 0,
            position: 16,
            ring_size: 16
        }
    );
}

#[test]
fn key_that_does_not_own_the_note_is_refused() {
    let mut spend = default_spend(5);
    spend.inputs[1].spending_key = SpendingKey::random(&mut rng(5));
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::SpendingKeyMismatch { input: 1 }
    );
}

#[test]
fn wrong_position_is_refused() {
    let mut spend = default_spend(6);
    spend.inputs[0].position = 2;
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::RealNoteNotInRing {
            input: 0,
            position: 2
        }
    );
}

#[test]
fn spending_one_note_twice_is_refused() {
    let mut spend = default_spend(7);
    spend.inputs[1] = spend.inputs[0].clone();
    // Keep the values balanced so the duplicate is the only broken rule.
    let total: u64 = spend.inputs.iter().map(|i| i.note.value).sum();
    spend.outputs[1].value = 0;
    spend.outputs[0].value = total - spend.fee;
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::DuplicateInput {
            first: 0,
            second: 1
        }
    );
}

#[test]
fn unbalanced_and_overflowing_values_are_refused() {
    let mut spend = default_spend(8);
    spend.fee += 1;
    assert!(matches!(
        spend.build().unwrap_err(),
        CircuitError::Unbalanced { .. }
    ));
    // Outputs that would overflow u64 are summed without wrapping.
    let mut spend = default_spend(8);
    spend.outputs[0].value = u64::MAX;
    spend.outputs[1].value = u64::MAX;
    assert!(matches!(
        spend.build().unwrap_err(),
        CircuitError::Unbalanced { .. }
    ));
}

#[test]
fn invalid_shape_is_refused() {
    let spend = default_spend(9);
    let bad = Shape {
        inputs: 0,
        outputs: 2,
        ring_depth: 2,
    };
    assert_eq!(
        build_witness(bad, &spend.inputs, &spend.outputs, spend.fee, spend.ctx).unwrap_err(),
        CircuitError::InputCountOutOfRange(0)
    );
}

#[test]
fn malformed_raw_witnesses_get_typed_errors_not_panics() {
    let (w, _) = default_spend(10).build().unwrap();
    let mut short = w.clone();
    short.inputs[0].path.siblings.pop();
    assert!(matches!(
        short.check(),
        Err(CircuitError::PathLengthMismatch { input: 0, .. })
    ));
    let mut few = w.clone();
    few.outputs.clear();
    assert!(matches!(
        few.check(),
        Err(CircuitError::OutputCountMismatch { .. })
    ));
    assert!(matches!(
        RingCtCircuit::new(few),
        Err(CircuitError::OutputCountMismatch { .. })
    ));
    // Synthesising a short witness reports a missing assignment, not a panic.
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
    let cs = ConstraintSystem::<Fr>::new_ref();
    let p = w.public_inputs_unchecked();
    assert!(RingCtCircuit::new_unchecked(short, p)
        .generate_constraints(cs)
        .is_err());
}

#[test]
fn ring_rejects_sizes_that_are_not_powers_of_four() {
    let mut r = rng(11);
    for n in [0usize, 1, 2, 3, 5, 8, 32] {
        let members = (0..n).map(|_| random_commitment(&mut r)).collect();
        assert!(
            matches!(
                Ring::new(members),
                Err(CircuitError::RingSizeNotPowerOfFour(_))
            ),
            "{n}"
        );
    }
    let members: Vec<_> = (0..3).map(|_| random_commitment(&mut r)).collect();
    assert!(matches!(
        Ring::with_real_at(members, random_commitment(&mut r), 4),
        Err(CircuitError::PositionOutOfRange { .. })
    ));
}

#[test]
fn every_path_of_a_ring_reaches_its_root() {
    let mut r = rng(12);
    let ring = Ring::new((0..64).map(|_| random_commitment(&mut r)).collect()).unwrap();
    for position in 0..64 {
        let path = ring.path(position).unwrap();
        assert!(path.is_well_formed());
        assert_eq!(
            path.root_from(ring.members()[position].0),
            ring.root().0,
            "{position}"
        );
        if position > 0 {
            assert_ne!(
                path.root_from(ring.members()[position - 1].0),
                ring.root().0
            );
        }
    }
}

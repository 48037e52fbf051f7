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
fn a_ring_that_repeats_a_member_is_refused() {
    // The real note repeated (it also sits at its own position).
    let mut spend = default_spend(11);
    let position = spend.inputs[1].position;
    let real = spend.inputs[1].ring.members()[position];
    let other = (position + 3) % spend.inputs[1].ring.len();
    let mut members = spend.inputs[1].ring.members().to_vec();
    members[other] = real;
    spend.inputs[1].ring = Ring::new(members).unwrap();
    let (first, second) = (position.min(other), position.max(other));
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::DuplicateRingMember {
            input: 1,
            first,
            second
        }
    );
    // A decoy repeated.
    let mut spend = default_spend(12);
    let position = spend.inputs[0].position;
    let (a, b) = ((position + 1) % 16, (position + 2) % 16);
    let mut members = spend.inputs[0].ring.members().to_vec();
    members[b] = members[a];
    spend.inputs[0].ring = Ring::new(members).unwrap();
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::DuplicateRingMember {
            input: 0,
            first: a.min(b),
            second: a.max(b)
        }
    );
}

#[test]
fn outputs_with_one_commitment_are_refused() {
    let mut spend = default_spend(13);
    // Same value, blinding and owner: the same commitment ("faerie gold").
    let total: u64 = spend.outputs.iter().map(|o| o.value).sum();
    spend.outputs[0].value = total / 2;
    spend.outputs[1] = spend.outputs[0].clone();
    spend.fee += total - 2 * (total / 2);
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::DuplicateOutputCommitment {
            first: 0,
            second: 1
        }
    );
}

#[test]
fn an_output_that_is_already_a_ring_member_is_refused() {
    let mut spend = default_spend(14);
    // Output 1 re-creates a decoy of input 0's ring exactly.
    let position = spend.inputs[0].position;
    let decoy_at = (position + 5) % 16;
    let kp = KeyPair::random(&mut rng(3));
    let note = Note {
        value: spend.outputs[1].value,
        blinding: ark_std::UniformRand::rand(&mut rng(4)),
        owner: kp.public_key,
    };
    let mut members = spend.inputs[0].ring.members().to_vec();
    members[decoy_at] = note.commitment();
    spend.inputs[0].ring = Ring::new(members).unwrap();
    spend.outputs[1] = note;
    assert_eq!(
        spend.build().unwrap_err(),
        CircuitError::OutputCommitmentInRing {
            output: 1,
            input: 0,
            position: decoy_at
        }
    );
}

#[test]
fn sampled_spends_have_distinct_ring_members() {
    let mut r = rng(15);
    for text in ["1x1-r4", "2x2-r16"] {
        let shape: Shape = text.parse().unwrap();
        for _ in 0..5 {
            let (w, _) = ringct_circuit::sample::random_spend(shape, &mut r).unwrap();
            assert_eq!(w.inputs.len(), shape.inputs);
        }
    }
    let avoid = [NoteCommitment(Fr::from(1u64))];
    let decoys = ringct_circuit::sample::distinct_decoys(255, &avoid, &mut r);
    let set: std::collections::HashSet<_> = decoys.iter().chain(&avoid).collect();
    assert_eq!(set.len(), 256);
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

//! The circuit: honest witnesses satisfy it, every way to cheat does not,
//! and its size per shape is pinned.

mod common;

use ark_ff::{Field, One, UniformRand, Zero};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, SynthesisMode};
use common::*;
use ringct_circuit::*;

fn shape(s: &str) -> Shape {
    s.parse().unwrap()
}

fn two_pow_64() -> Fr {
    Fr::from(u64::MAX) + Fr::one()
}

fn minus_one() -> Fr {
    -Fr::one()
}

// ---------------------------------------------------------------- honest

#[test]
fn honest_witnesses_satisfy_every_test_shape_at_first_middle_and_last_position() {
    for (text, positions) in [
        ("1x1-r4", [0usize, 2, 3]),
        ("1x2-r16", [0, 7, 15]),
        ("2x2-r16", [0, 9, 15]),
    ] {
        let shape = shape(text);
        for position in positions {
            let spend = honest_spend(
                shape,
                &[position, 15 - position.min(15)],
                10 + position as u64,
            );
            let (witness, statement) = spend.build().unwrap();
            assert_eq!(
                statement.to_public_inputs().len(),
                shape.num_public_inputs()
            );
            let circuit = RingCtCircuit::new(witness).unwrap();
            assert_eq!(
                circuit.public_inputs().unwrap(),
                &statement.to_public_inputs()[..]
            );
            assert!(is_satisfied(circuit), "{text} at position {position}");
        }
    }
}

#[test]
fn statement_matches_wallet_view() {
    let spend = honest_spend(shape("2x2-r16"), &[3, 12], 5);
    let (_, statement) = spend.build().unwrap();
    for (i, input) in spend.inputs.iter().enumerate() {
        assert_eq!(statement.ring_roots[i], input.ring.root());
        assert_eq!(
            statement.key_images[i],
            input.spending_key.key_image(&input.note.commitment())
        );
    }
    for (j, out) in spend.outputs.iter().enumerate() {
        assert_eq!(statement.output_commitments[j], out.commitment());
    }
    assert_eq!(statement.fee, spend.fee);
    assert_eq!(statement.ctx, spend.ctx);
}

// ---------------------------------------------------------------- cheats

/// An honest 2x2-r16 witness and its public inputs, for mutation.
fn base() -> (RingCtWitness, Vec<Fr>) {
    let (w, s) = honest_spend(shape("2x2-r16"), &[5, 10], 99)
        .build()
        .unwrap();
    (w, s.to_public_inputs())
}

/// Public-input indices for 2x2: roots 0..2, key images 2..4, outputs 4..6, fee 6, ctx 7.
const ROOT0: usize = 0;
const KI0: usize = 2;
const OUT0: usize = 4;
const FEE: usize = 6;
const CTX: usize = 7;

#[test]
fn base_witness_is_satisfied() {
    let (w, p) = base();
    assert!(satisfies(&w, p));
}

#[test]
fn unbalanced_values_are_rejected() {
    let (mut w, _) = base();
    // One more unit out than in; commitments recomputed honestly for the lie.
    w.outputs[0].value += Fr::one();
    let p = w.public_inputs_unchecked();
    assert!(matches!(w.check(), Err(CircuitError::Unbalanced { .. })));
    assert!(!satisfies(&w, p));
}

#[test]
fn output_value_of_2_pow_64_is_rejected() {
    let (mut w, _) = base();
    // Balanced in the field: out0 grows by 2^64, fee paid by ... nothing else changes
    // except out1 shrinking by 2^64 would be "negative"; instead move 2^64 into out0
    // and take it back through out1 = out1 - 2^64 (mod r).
    w.outputs[0].value += two_pow_64();
    w.outputs[1].value -= two_pow_64();
    let p = w.public_inputs_unchecked();
    assert!(w.check().is_err());
    assert!(!satisfies(&w, p));
}

#[test]
fn output_value_of_2_pow_64_alone_is_rejected() {
    // out0 = 2^64 exactly, balanced by inputs (field arithmetic only).
    let (mut w, _) = base();
    let total_in = w.inputs[0].value + w.inputs[1].value;
    w.outputs[0].value = two_pow_64();
    w.outputs[1].value = total_in - w.fee - two_pow_64();
    let p = w.public_inputs_unchecked();
    assert!(matches!(
        w.check(),
        Err(CircuitError::OutputValueOutOfRange(_))
    ));
    assert!(!satisfies(&w, p));
}

#[test]
fn negative_output_value_is_rejected() {
    // out1 = r - 1 ("-1"), out0 = total + 1: balanced in the field, value from nothing.
    let (mut w, _) = base();
    let total_in = w.inputs[0].value + w.inputs[1].value;
    w.outputs[0].value = total_in - w.fee + Fr::one();
    w.outputs[1].value = minus_one();
    let p = w.public_inputs_unchecked();
    assert!(matches!(
        w.check(),
        Err(CircuitError::OutputValueOutOfRange(_))
    ));
    assert!(!satisfies(&w, p));
}

#[test]
fn fee_of_2_pow_64_is_rejected() {
    // Fee 2^64 paid by a "negative" output of the same size: balanced in the field.
    let (mut w, _) = base();
    w.fee += two_pow_64();
    w.outputs[0].value -= two_pow_64();
    let p = w.public_inputs_unchecked();
    assert!(w.check().is_err());
    assert!(!satisfies(&w, p));
    // And a fee of 2^64 with everything else honest except one output, in range.
    let (mut w, _) = base();
    w.fee = two_pow_64();
    let p = w.public_inputs_unchecked();
    assert!(matches!(w.check(), Err(CircuitError::FeeOutOfRange)));
    assert!(!satisfies(&w, p));
}

#[test]
fn spending_key_that_does_not_own_the_note_is_rejected() {
    // The ring holds the real note (owned by pk); the prover uses another key.
    let (mut w, p) = base();
    w.inputs[0].spending_key = Fr::rand(&mut rng(7));
    // Honest public inputs: the ring root is the real ring's; the key image
    // is whatever the new key yields (a cheater would publish that one).
    let mut p2 = p.clone();
    p2[KI0] = w.public_inputs_unchecked()[KI0];
    assert!(!satisfies(&w, p2));
}

#[test]
fn note_not_in_the_ring_is_rejected() {
    // A path for a note into a ring that does not contain it.
    let (mut w, p) = base();
    let mut r = rng(8);
    let other_ring = Ring::new((0..16).map(|_| random_commitment(&mut r)).collect()).unwrap();
    w.inputs[0].path = other_ring.path(5).unwrap();
    // The statement names the other ring's root: still unsatisfied, since the
    // note is not at position 5 of that ring.
    let mut p2 = p.clone();
    p2[ROOT0] = other_ring.root().0;
    assert!(!satisfies(&w, p2));
    assert!(!satisfies(&w, p));
}

#[test]
fn wrong_key_image_is_rejected() {
    let (w, p) = base();
    let mut r = rng(9);
    for forged in [Fr::rand(&mut r), Fr::zero(), p[KI0 + 1]] {
        let mut p2 = p.clone();
        p2[KI0] = forged;
        assert!(!satisfies(&w, p2));
    }
    // A key image made with another key for the same note.
    let other = SpendingKey::random(&mut r);
    let mut p2 = p.clone();
    p2[KI0] = other.key_image(&NoteCommitment(w.inputs[0].commitment())).0;
    assert!(!satisfies(&w, p2));
}

#[test]
fn commitment_that_differs_from_the_witness_is_rejected() {
    let (w, p) = base();
    // Output commitment computed with a different value or blinding than the witness.
    for (dv, drho) in [(Fr::one(), Fr::zero()), (Fr::zero(), Fr::one())] {
        let o = &w.outputs[1];
        let mut p2 = p.clone();
        p2[OUT0 + 1] =
            ringct_circuit::note::note_commitment(o.value + dv, o.blinding + drho, o.owner);
        assert!(!satisfies(&w, p2));
    }
    // Input side: the ring holds cm(v, rho) but the witness claims v+1 (and
    // pays it out), or another blinding.
    let (mut w2, p) = base();
    w2.inputs[0].value += Fr::one();
    w2.outputs[0].value += Fr::one();
    let mut p2 = p.clone();
    p2[OUT0] = w2.outputs[0].commitment();
    assert!(!satisfies(&w2, p2));
    let (mut w3, p) = base();
    w3.inputs[1].blinding += Fr::one();
    assert!(!satisfies(&w3, p));
}

/// Two inputs spending one note: the same key image twice. Every other rule
/// holds (same ring, same root, values balanced), so only the distinctness
/// constraint can refuse it.
fn same_note_twice() -> (RingCtWitness, Vec<Fr>) {
    let (mut w, _) = base();
    w.inputs[1] = w.inputs[0].clone();
    let total = w.inputs[0].value + w.inputs[1].value;
    w.outputs[1].value = Fr::zero();
    w.outputs[0].value = total - w.fee;
    let p = w.public_inputs_unchecked();
    assert_eq!(p[KI0], p[KI0 + 1], "the two key images are equal");
    (w, p)
}

#[test]
fn equal_key_images_leave_the_constraint_system_unsatisfied() {
    let (w, p) = same_note_twice();
    // The native check names the rule...
    assert_eq!(
        w.check().unwrap_err(),
        CircuitError::DuplicateInput {
            first: 0,
            second: 1
        }
    );
    // ...and the circuit refuses it, in exactly one constraint: no value of
    // the inverse witness satisfies (KI_0 - KI_1) · inv = 1 when KI_0 = KI_1.
    let failing = failing_rows(RingCtCircuit::new_unchecked(w.clone(), p.clone()));
    assert_eq!(failing.len(), 1, "only the distinctness constraint fails");
    // Its A side, KI_0 - KI_1, is zero, so A·B is zero however the inverse
    // witness is chosen, and never equals C = 1.
    let (a, b, c) = failing[0];
    assert_eq!((a, a * b, c), (Fr::zero(), Fr::zero(), Fr::one()));
    // Distinct key images with the same witness layout are fine (the base).
    let (w, p) = base();
    assert!(satisfies(&w, p));
}

#[test]
fn changed_public_inputs_are_rejected() {
    let (w, p) = base();
    let mut r = rng(10);
    for index in [ROOT0, ROOT0 + 1, KI0, KI0 + 1, OUT0, OUT0 + 1, FEE, CTX] {
        let mut p2 = p.clone();
        p2[index] += Fr::one();
        assert!(!satisfies(&w, p2.clone()), "public input {index} +1");
        p2[index] = Fr::rand(&mut r);
        assert!(!satisfies(&w, p2), "public input {index} random");
    }
}

#[test]
fn non_boolean_position_bits_are_rejected() {
    // A cheater picks bits outside {0, 1} and a path consistent with them,
    // computing the root with the very placement algebra the circuit uses.
    // Only the booleanity constraints stand in the way.
    let (mut w, p) = base();
    let two = Fr::from(2u64);
    w.inputs[0].path.position_bits[0] = [two, Fr::zero()];
    let mut p2 = p.clone();
    p2[ROOT0] = w.public_inputs_unchecked()[ROOT0];
    assert!(matches!(
        w.check(),
        Err(CircuitError::NonBooleanPositionBit { input: 0, level: 0 })
    ));
    assert!(!satisfies(&w, p2));
}

#[test]
fn non_boolean_bits_pass_everything_but_booleanity() {
    // Count unsatisfied constraints: exactly the booleanity row of the forged bit.
    let (mut w, _) = base();
    let forged = Fr::from(3u64).inverse().unwrap();
    w.inputs[1].path.position_bits[1] = [Fr::one(), forged];
    let p = w.public_inputs_unchecked();
    assert_eq!(failing_rows(RingCtCircuit::new_unchecked(w, p)).len(), 1);
}

/// Synthesises `circuit` and returns the (A, B, C) values of every
/// constraint row that its assignment does not satisfy.
fn failing_rows(circuit: RingCtCircuit) -> Vec<(Fr, Fr, Fr)> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    circuit.generate_constraints(cs.clone()).unwrap();
    cs.finalize();
    let matrices = cs.to_matrices().unwrap();
    let abc = &matrices[ark_relations::gr1cs::R1CS_PREDICATE_LABEL];
    let cs = cs.borrow().unwrap();
    let z: Vec<Fr> = cs
        .instance_assignment()
        .unwrap()
        .iter()
        .chain(cs.witness_assignment().unwrap())
        .copied()
        .collect();
    let eval = |row: &Vec<(Fr, usize)>| row.iter().map(|(c, i)| *c * z[*i]).sum::<Fr>();
    (0..abc[0].len())
        .map(|k| (eval(&abc[0][k]), eval(&abc[1][k]), eval(&abc[2][k])))
        .filter(|(a, b, c)| *a * *b != *c)
        .collect()
}

// ---------------------------------------------------------------- size

fn count(shape: Shape) -> (usize, usize, usize) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Setup);
    RingCtCircuit::blank(shape)
        .generate_constraints(cs.clone())
        .unwrap();
    cs.finalize();
    (
        cs.num_constraints(),
        cs.num_instance_variables(),
        cs.num_witness_variables(),
    )
}

#[test]
fn constraint_counts_are_pinned() {
    // Update docs/PROTOCOL.md together with these numbers.
    let expected = [
        // v2 adds m(m-1)/2 constraints: key images pairwise distinct.
        ("1x1-r4", 1503usize, 6usize),
        ("1x2-r16", 2135, 7),
        ("2x2-r16", 3552, 9),
        ("2x2-r64", 4164, 9),
        ("3x2-r16", 4970, 11),
        ("4x4-r16", 7041, 15),
    ];
    for (text, constraints, instance) in expected {
        let (c, i, _) = count(shape(text));
        assert_eq!(
            (c, i),
            (constraints, instance),
            "{text}: constraints, instance variables"
        );
    }
}

#[test]
fn default_shape_fits_a_2_pow_12_domain() {
    let (c, i, _) = count(Shape::default());
    assert_eq!(i, 1 + Shape::default().num_public_inputs());
    assert!(
        c + i <= 4096,
        "{c} constraints + {i} instance variables exceed 2^12"
    );
}

#[test]
fn allocation_does_not_depend_on_the_witness() {
    let (w, p) = base();
    let cs = ConstraintSystem::<Fr>::new_ref();
    RingCtCircuit::new_unchecked(w, p)
        .generate_constraints(cs.clone())
        .unwrap();
    cs.finalize();
    let (c, i, v) = count(Shape::default());
    assert_eq!(
        (
            cs.num_constraints(),
            cs.num_instance_variables(),
            cs.num_witness_variables()
        ),
        (c, i, v)
    );
    let setup = ConstraintSystem::<Fr>::new_ref();
    setup.set_mode(SynthesisMode::Setup);
    RingCtCircuit::blank(Shape::default())
        .generate_constraints(setup.clone())
        .unwrap();
    setup.finalize();
    assert_eq!(setup.to_matrices().unwrap(), cs.to_matrices().unwrap());
}

//! Poseidon: native against gadget, native against arkworks' own sponge, and
//! the parameters' shape.

mod common;

use ark_crypto_primitives::sponge::{
    poseidon::PoseidonConfig, poseidon::PoseidonSponge, CryptographicSponge,
    FieldBasedCryptographicSponge,
};
use ark_ff::{UniformRand, Zero};
use ark_r1cs_std::{alloc::AllocVar, fields::fp::FpVar, GR1CSVar};
use ark_relations::gr1cs::ConstraintSystem;
use ringct_circuit::poseidon::*;
use ringct_circuit::Fr;

fn gadget_cost<F: FnOnce(&[FpVar<Fr>]) -> FpVar<Fr>>(inputs: &[Fr], f: F) -> (Fr, usize) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    let vars: Vec<_> = inputs
        .iter()
        .map(|x| FpVar::new_witness(cs.clone(), || Ok(*x)).unwrap())
        .collect();
    let out = f(&vars);
    let value = out.value().unwrap();
    cs.finalize();
    assert!(cs.is_satisfied().unwrap());
    (value, cs.num_constraints())
}

#[test]
fn native_equals_gadget_on_random_inputs() {
    let mut rng = common::rng(1);
    for _ in 0..5 {
        let x: Vec<Fr> = (0..4).map(|_| Fr::rand(&mut rng)).collect();
        let (g2, c2) = gadget_cost(&x[..2], |v| hash2_var(Tag::KeyImage, &v[0], &v[1]).unwrap());
        assert_eq!(g2, hash2(Tag::KeyImage, x[0], x[1]));
        let (g3, c3) = gadget_cost(&x[..3], |v| {
            hash3_var(Tag::Note, &v[0], &v[1], &v[2]).unwrap()
        });
        assert_eq!(g3, hash3(Tag::Note, x[0], x[1], x[2]));
        let (g4, c4) = gadget_cost(&x, |v| {
            hash4_var(Tag::Node, [&v[0], &v[1], &v[2], &v[3]]).unwrap()
        });
        assert_eq!(g4, hash4(Tag::Node, [x[0], x[1], x[2], x[3]]));
        // 3 · (t · 8 + R_P), less the first round's S-box on the constant tag.
        assert_eq!(c2, 3 * (3 * 8 + 57) - 3);
        assert_eq!(c3, 3 * (4 * 8 + 56) - 3);
        assert_eq!(c4, 3 * (5 * 8 + 60) - 3);
    }
}

#[test]
fn full_permutation_costs_match_the_spec() {
    // With every state element a variable, one permutation costs exactly 3·(8t + R_P).
    let mut rng = common::rng(2);
    for (width, expected) in [(Width::T3, 243), (Width::T4, 264), (Width::T5, 300)] {
        let p = params(width);
        let x: Vec<Fr> = (0..p.t).map(|_| Fr::rand(&mut rng)).collect();
        let (_, cost) = gadget_cost(&x, |v| permute_var(p, v.to_vec()).unwrap().remove(0));
        assert_eq!(cost, expected, "{width:?}");
    }
}

#[test]
fn native_equals_arkworks_sponge() {
    // An independent implementation of the same permutation: arkworks'
    // PoseidonSponge, with our tag placed in its capacity element.
    let mut rng = common::rng(3);
    for width in [Width::T3, Width::T4, Width::T5] {
        let p = params(width);
        let config = PoseidonConfig::new(
            FULL_ROUNDS,
            p.partial_rounds,
            ALPHA,
            p.mds.clone(),
            p.ark.clone(),
            p.t - 1,
            1,
        );
        let tag = Fr::from(7u64);
        let xs: Vec<Fr> = (0..p.t - 1).map(|_| Fr::rand(&mut rng)).collect();
        let mut sponge = PoseidonSponge::new(&config);
        sponge.state[0] = tag;
        sponge.absorb(&xs);
        let theirs: Fr = sponge.squeeze_native_field_elements(1)[0];
        let mut state = vec![tag];
        state.extend(&xs);
        permute(p, &mut state);
        assert_eq!(state[1], theirs, "{width:?}");
    }
}

#[test]
fn parameters_are_not_degenerate() {
    for width in [Width::T3, Width::T4, Width::T5] {
        let p = params(width);
        assert_eq!(p.ark.len(), FULL_ROUNDS + width.partial_rounds());
        assert!(p.ark.iter().all(|row| row.len() == p.t));
        assert!(
            p.ark.iter().flatten().all(|c| !c.is_zero()),
            "zero round constant"
        );
        // Not the identity: an off-diagonal MDS entry is non-zero.
        assert!(!p.mds[0][1].is_zero());
        assert_eq!(p.mds.len(), p.t);
    }
}

#[test]
fn tags_separate_domains() {
    let a = Fr::from(11u64);
    let b = Fr::from(13u64);
    assert_ne!(hash2(Tag::PublicKey, a, b), hash2(Tag::KeyImage, a, b));
    assert_ne!(hash2(Tag::PublicKey, a, b), hash2(Tag::PublicKey, b, a));
}

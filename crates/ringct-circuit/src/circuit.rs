//! The RingCT statement as one R1CS circuit, generic over the shape.
//!
//! Variable allocation depends only on the shape, never on witness values:
//! the same circuit built without a witness (for setup) and with one (for
//! proving) has identical matrices.

use crate::error::CircuitError;
use crate::poseidon::{hash2_var, hash3_var, hash4_var, Tag};
use crate::shape::Shape;
use crate::witness::RingCtWitness;
use ark_bls12_381::Fr;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_r1cs_std::{
    alloc::AllocVar,
    boolean::Boolean,
    eq::EqGadget,
    fields::{fp::FpVar, FieldVar},
};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

/// Bits in a range-checked amount.
pub const VALUE_BITS: usize = 64;

/// The RingCT circuit for one shape, with or without an assignment.
///
/// Constraints, per RINGCT-SPEC section 3: keys, commitments, Merkle paths to
/// the ring roots, key images and 64-bit ranges for every input; commitments
/// and ranges for every output; the fee's range and the balance; `ctx` bound;
/// and (protocol v2) key images pairwise distinct, one constraint per pair.
#[derive(Debug, Clone)]
pub struct RingCtCircuit {
    shape: Shape,
    public_inputs: Option<Vec<Fr>>,
    witness: Option<RingCtWitness>,
}

impl RingCtCircuit {
    /// The circuit without an assignment, for key generation.
    pub fn blank(shape: Shape) -> Self {
        RingCtCircuit {
            shape,
            public_inputs: None,
            witness: None,
        }
    }

    /// The circuit for a checked witness; the public inputs are derived from it.
    pub fn new(witness: RingCtWitness) -> Result<Self, CircuitError> {
        let statement = witness.check()?;
        Ok(RingCtCircuit {
            shape: witness.shape,
            public_inputs: Some(statement.to_public_inputs()),
            witness: Some(witness),
        })
    }

    /// The circuit for any witness and any public inputs, without checks.
    ///
    /// For tests that show the constraint system rejects what a cheating
    /// prover could assemble; honest code uses [`RingCtCircuit::new`].
    pub fn new_unchecked(witness: RingCtWitness, public_inputs: Vec<Fr>) -> Self {
        RingCtCircuit {
            shape: witness.shape,
            public_inputs: Some(public_inputs),
            witness: Some(witness),
        }
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The public inputs, when the circuit has an assignment.
    pub fn public_inputs(&self) -> Option<&[Fr]> {
        self.public_inputs.as_deref()
    }
}

fn missing() -> SynthesisError {
    SynthesisError::AssignmentMissing
}

fn low_bit(v: &Fr, k: usize) -> bool {
    v.into_bigint().get_bit(k)
}

/// Allocates a 64-bit amount as 64 boolean witnesses and returns their
/// recomposition, so the amount is below 2^64 by construction.
fn alloc_u64(cs: &ConstraintSystemRef<Fr>, value: Option<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let mut acc = FpVar::<Fr>::zero();
    let mut coeff = Fr::from(1u64);
    for k in 0..VALUE_BITS {
        let bit = Boolean::new_witness(cs.clone(), || {
            value.map(|v| low_bit(&v, k)).ok_or_else(missing)
        })?;
        acc += FpVar::from(bit) * coeff;
        coeff += coeff;
    }
    Ok(acc)
}

fn alloc_witness(
    cs: &ConstraintSystemRef<Fr>,
    value: Option<Fr>,
) -> Result<FpVar<Fr>, SynthesisError> {
    FpVar::new_witness(cs.clone(), || value.ok_or_else(missing))
}

/// In-circuit counterpart of [`crate::ring::place_children`]: 7 constraints.
fn place_children_var(
    node: &FpVar<Fr>,
    b0: &FpVar<Fr>,
    b1: &FpVar<Fr>,
    s: &[FpVar<Fr>; 3],
) -> [FpVar<Fr>; 4] {
    let b01 = b0 * b1;
    let c0 = node + (b0 + b1 - &b01) * (&s[0] - node);
    let t = &s[0] + b0 * (node - &s[0]);
    let c1 = &t + b1 * (&s[1] - &t);
    let u = node + b0 * (&s[2] - node);
    let c2 = &s[1] + b1 * (&u - &s[1]);
    let c3 = &s[2] + b01 * (node - &s[2]);
    [c0, c1, c2, c3]
}

impl ConstraintSynthesizer<Fr> for RingCtCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let shape = self.shape;
        let (m, n, depth) = (shape.inputs, shape.outputs, shape.ring_depth as usize);
        let w = self.witness.as_ref();
        let public = self.public_inputs.as_deref();

        // Public inputs, in the statement's order.
        let mut pubs = Vec::with_capacity(shape.num_public_inputs());
        for i in 0..shape.num_public_inputs() {
            let value = public.and_then(|p| p.get(i).copied());
            pubs.push(FpVar::new_input(cs.clone(), || value.ok_or_else(missing))?);
        }
        let (roots, rest) = pubs.split_at(m);
        let (key_images, rest) = rest.split_at(m);
        let (out_cms, rest) = rest.split_at(n);
        let (fee, ctx) = (&rest[0], &rest[1]);

        let zero = FpVar::<Fr>::zero();
        let mut total_in = FpVar::<Fr>::zero();
        for i in 0..m {
            let input = w.and_then(|w| w.inputs.get(i));
            let sk = alloc_witness(&cs, input.map(|x| x.spending_key))?;
            let value = alloc_u64(&cs, input.map(|x| x.value))?;
            let blinding = alloc_witness(&cs, input.map(|x| x.blinding))?;

            let pk = hash2_var(Tag::PublicKey, &sk, &zero)?;
            let cm = hash3_var(Tag::Note, &value, &blinding, &pk)?;

            let mut node = cm.clone();
            for level in 0..depth {
                let bits = input.and_then(|x| x.path.position_bits.get(level));
                let sibs = input.and_then(|x| x.path.siblings.get(level));
                let b0 = alloc_witness(&cs, bits.map(|b| b[0]))?;
                let b1 = alloc_witness(&cs, bits.map(|b| b[1]))?;
                for b in [&b0, &b1] {
                    // b · (b − 1) = 0
                    b.mul_equals(&(b - Fr::from(1u64)), &zero)?;
                }
                let s = [
                    alloc_witness(&cs, sibs.map(|s| s[0]))?,
                    alloc_witness(&cs, sibs.map(|s| s[1]))?,
                    alloc_witness(&cs, sibs.map(|s| s[2]))?,
                ];
                let [c0, c1, c2, c3] = place_children_var(&node, &b0, &b1, &s);
                node = hash4_var(Tag::Node, [&c0, &c1, &c2, &c3])?;
            }
            node.enforce_equal(&roots[i])?;

            let key_image = hash2_var(Tag::KeyImage, &sk, &cm)?;
            key_image.enforce_equal(&key_images[i])?;
            total_in += value;
        }

        // Key images are pairwise distinct (protocol v2): for each pair i < j,
        // (KI_i - KI_j) · inv_ij = 1 for a witness inv_ij, which exists only
        // when the difference is non-zero. One constraint per pair.
        for i in 0..m {
            for j in i + 1..m {
                let diff = &key_images[i] - &key_images[j];
                let inverse = alloc_witness(
                    &cs,
                    public.and_then(|p| {
                        let diff = *p.get(m + i)? - *p.get(m + j)?;
                        // An equal pair has no inverse: any value leaves the
                        // constraint unsatisfied, zero is as good as another.
                        Some(diff.inverse().unwrap_or_default())
                    }),
                )?;
                diff.mul_equals(&inverse, &FpVar::one())?;
            }
        }

        let mut total_out = FpVar::<Fr>::zero();
        for (j, out_cm) in out_cms.iter().enumerate() {
            let output = w.and_then(|w| w.outputs.get(j));
            let value = alloc_u64(&cs, output.map(|x| x.value))?;
            let blinding = alloc_witness(&cs, output.map(|x| x.blinding))?;
            let owner = alloc_witness(&cs, output.map(|x| x.owner))?;
            hash3_var(Tag::Note, &value, &blinding, &owner)?.enforce_equal(out_cm)?;
            total_out += value;
        }

        // fee < 2^64: it equals the recomposition of 64 boolean witnesses.
        let fee_value = public.and_then(|p| p.get(2 * m + n).copied());
        alloc_u64(&cs, fee_value)?.enforce_equal(fee)?;

        // Balance: no sum can wrap, since m, n <= 16 and every term < 2^64.
        total_in.enforce_equal(&(total_out + fee))?;

        // Bind ctx: the public value equals the ctx the witness was built for.
        // (Groth16 binds every public input to the proof; this constraint also
        // makes a witness for one transaction body unusable for another.)
        alloc_witness(&cs, w.map(|w| w.ctx))?.enforce_equal(ctx)?;
        Ok(())
    }
}

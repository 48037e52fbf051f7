//! Shared helpers: honest wallet data for a shape, and constraint checks.
#![allow(dead_code)]

use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::*;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Wallet data for an honest spend of `shape` with the real notes at `positions`.
pub struct Spend {
    pub shape: Shape,
    pub inputs: Vec<SpendInput>,
    pub outputs: Vec<Note>,
    pub fee: u64,
    pub ctx: TxBinding,
}

impl Spend {
    pub fn build(&self) -> Result<(RingCtWitness, RingCtStatement), CircuitError> {
        build_witness(self.shape, &self.inputs, &self.outputs, self.fee, self.ctx)
    }
}

pub fn random_commitment<R: Rng>(rng: &mut R) -> NoteCommitment {
    NoteCommitment(ark_std::UniformRand::rand(rng))
}

pub fn honest_spend(shape: Shape, positions: &[usize], seed: u64) -> Spend {
    let mut rng = rng(seed);
    let ring_size = shape.ring_size() as usize;
    let mut inputs = Vec::new();
    let mut total: u64 = 0;
    for i in 0..shape.inputs {
        let kp = KeyPair::random(&mut rng);
        let value = rng.gen_range(1_000..1_000_000u64);
        total += value;
        let note = Note::new(value, kp.public_key, &mut rng);
        let decoys = (0..ring_size - 1)
            .map(|_| random_commitment(&mut rng))
            .collect();
        let position = positions[i % positions.len()];
        let ring = Ring::with_real_at(decoys, note.commitment(), position).unwrap();
        inputs.push(SpendInput {
            note,
            spending_key: kp.spending_key,
            ring,
            position,
        });
    }
    let fee = total % 97;
    let mut remaining = total - fee;
    let mut outputs = Vec::new();
    for j in 0..shape.outputs {
        let value = if j + 1 == shape.outputs {
            remaining
        } else {
            remaining / 2
        };
        remaining -= value;
        let owner = KeyPair::random(&mut rng).public_key;
        outputs.push(Note::new(value, owner, &mut rng));
    }
    let ctx = TxBinding(ark_std::UniformRand::rand(&mut rng));
    Spend {
        shape,
        inputs,
        outputs,
        fee,
        ctx,
    }
}

/// Synthesises the circuit with an assignment and reports whether every
/// constraint holds.
pub fn is_satisfied(circuit: RingCtCircuit) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    circuit.generate_constraints(cs.clone()).expect("synthesis");
    cs.finalize();
    cs.is_satisfied().expect("prove mode")
}

/// Satisfaction of a hand-built witness against explicit public inputs.
pub fn satisfies(witness: &RingCtWitness, public_inputs: Vec<Fr>) -> bool {
    is_satisfied(RingCtCircuit::new_unchecked(witness.clone(), public_inputs))
}

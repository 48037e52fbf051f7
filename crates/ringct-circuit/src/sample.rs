//! Random, valid spends for benchmarks, demos and tests: fresh keys and
//! notes, rings of distinct random decoy commitments, the real notes at
//! random positions, balanced outputs and a random transaction binding.

use crate::error::CircuitError;
use crate::keys::KeyPair;
use crate::note::{Note, NoteCommitment};
use crate::ring::Ring;
use crate::shape::Shape;
use crate::statement::{RingCtStatement, TxBinding};
use crate::wallet::{build_witness, SpendInput};
use crate::witness::RingCtWitness;
use ark_std::UniformRand;
use rand::{CryptoRng, Rng, RngCore};

/// A random valid witness for `shape`, with its statement.
///
/// Builds every ring in memory (4^depth members), so keep the depth small.
pub fn random_spend<R: RngCore + CryptoRng>(
    shape: Shape,
    rng: &mut R,
) -> Result<(RingCtWitness, RingCtStatement), CircuitError> {
    shape.validate()?;
    let ring_size = usize::try_from(shape.ring_size())
        .map_err(|_| CircuitError::RingDepthOutOfRange(shape.ring_depth))?;
    let mut inputs = Vec::with_capacity(shape.inputs);
    let mut total: u64 = 0;
    for _ in 0..shape.inputs {
        let owner = KeyPair::random(rng);
        let note = Note::new(rng.gen_range(1_000..1_000_000_000), owner.public_key, rng);
        total += note.value;
        let decoys = distinct_decoys(ring_size - 1, &[note.commitment()], rng);
        let position = rng.gen_range(0..ring_size);
        let ring = Ring::with_real_at(decoys, note.commitment(), position)?;
        inputs.push(SpendInput {
            note,
            spending_key: owner.spending_key,
            ring,
            position,
        });
    }
    let fee = rng.gen_range(0..=total.min(1_000));
    let outputs = random_outputs(shape.outputs, total - fee, rng);
    let ctx = TxBinding(UniformRand::rand(rng));
    build_witness(shape, &inputs, &outputs, fee, ctx)
}

/// `count` new notes for fresh random owners whose values add up to `amount`.
pub fn random_outputs<R: RngCore + CryptoRng>(count: usize, amount: u64, rng: &mut R) -> Vec<Note> {
    let mut remaining = amount;
    (0..count)
        .map(|j| {
            let value = if j + 1 == count {
                remaining
            } else {
                rng.gen_range(0..=remaining)
            };
            remaining -= value;
            Note::new(value, KeyPair::random(rng).public_key, rng)
        })
        .collect()
}

/// `count` random commitments, distinct from each other and from `avoid`.
///
/// Random field elements collide with probability about count^2 / 2^255, so
/// the loop almost never repeats; it exists so that distinctness is a fact
/// rather than a probability.
pub fn distinct_decoys<R: RngCore + CryptoRng>(
    count: usize,
    avoid: &[NoteCommitment],
    rng: &mut R,
) -> Vec<NoteCommitment> {
    let mut seen: std::collections::HashSet<NoteCommitment> = avoid.iter().copied().collect();
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let c = NoteCommitment(UniformRand::rand(rng));
        if seen.insert(c) {
            out.push(c);
        }
    }
    out
}

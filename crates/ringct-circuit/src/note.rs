//! Notes and note commitments.

use crate::keys::PublicKey;
use crate::poseidon::{hash3, Tag};
use ark_bls12_381::Fr;
use ark_std::UniformRand;
use rand::{CryptoRng, RngCore};

/// A note: an amount owned by a public key, hidden by a random blinding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Amount, in [0, 2^64).
    pub value: u64,
    /// Blinding `rho`, uniformly random.
    pub blinding: Fr,
    /// Owner.
    pub owner: PublicKey,
}

impl Note {
    /// A new note for `owner` with a fresh random blinding.
    pub fn new<R: RngCore + CryptoRng>(value: u64, owner: PublicKey, rng: &mut R) -> Self {
        Note {
            value,
            blinding: Fr::rand(rng),
            owner,
        }
    }

    /// `cm = H3(NOTE, v, rho, pk)`.
    pub fn commitment(&self) -> NoteCommitment {
        NoteCommitment(note_commitment(
            Fr::from(self.value),
            self.blinding,
            self.owner.0,
        ))
    }
}

/// `H3(NOTE, v, rho, pk)` on raw field elements.
pub fn note_commitment(value: Fr, blinding: Fr, owner: Fr) -> Fr {
    hash3(Tag::Note, value, blinding, owner)
}

/// A note commitment: what the ledger stores for every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoteCommitment(pub Fr);

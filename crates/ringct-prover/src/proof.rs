//! The wire form of a RingCT proof: a 192-byte compressed Groth16 proof.

use ark_bls12_381::Bls12_381;
use ark_groth16::Proof;
use ark_serialize::CanonicalSerialize;

/// Size of a compressed proof: A (48) + B (96) + C (48).
pub const PROOF_BYTES: usize = 192;

/// A Groth16 proof for a RingCT statement.
///
/// Proofs are re-randomisable: many byte strings prove the same statement,
/// so never use proof bytes (or their hash) as an identifier.
#[derive(Debug, Clone, PartialEq)]
pub struct RingCtProof(pub Proof<Bls12_381>);

impl RingCtProof {
    /// The 192-byte compressed encoding.
    pub fn to_bytes(&self) -> [u8; PROOF_BYTES] {
        let mut out = [0u8; PROOF_BYTES];
        let mut slice = &mut out[..];
        // Writing a valid proof into a buffer of exactly its compressed size cannot fail.
        self.0
            .serialize_compressed(&mut slice)
            .expect("a Groth16 proof over BLS12-381 compresses to 192 bytes");
        out
    }
}

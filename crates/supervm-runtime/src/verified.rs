//! Proofs already verified: [`VerdictKey`], the name of one verification (key, public
//! inputs, proof), and [`VerifiedProofs`], a bounded set of keys whose verdict was
//! [`Verdict::Valid`](ringct_verifier::Verdict::Valid).
//!
//! A node verifies a private transaction's proof when it admits the transaction
//! ([`SuperVM::prepare_private`](crate::SuperVM::prepare_private), then a
//! `ringct_verifier::VerifyQueue`), remembers the key of each valid one, and hands the set
//! to [`SuperVM::execute_block_effects_verified`](crate::SuperVM::execute_block_effects_verified)
//! so the block does not verify those proofs again. Why that is sound is in
//! [`crate::privacy`] ("Proofs verified before the block").

use std::collections::HashSet;

use ringct_circuit::{Fr, Shape};
use ringct_verifier::decode::encode_public_input;
use ringct_verifier::Fingerprint;

/// Personalisation of the [`VerdictKey`] hash (16 bytes, BLAKE2b's maximum).
pub const VERDICT_KEY_PERSONAL: &[u8; 16] = b"SuperVM-verdict1";

/// BLAKE2b-256 (personal b"SuperVM-verdict1") over: the verifying key's fingerprint for
/// the shape, the shape, every public input the runtime derived (encoded 32 bytes each,
/// `ringct_verifier::decode::encode_public_input`), and the proof bytes.
///
/// Precisely: `fingerprint:[32] · m:u8 · n:u8 · d:u8 · input_1 .. input_k:[32] each ·
/// proof`. The shape fixes k (2m + n + 2) and the proof has a fixed length
/// ([`PRIVATE_PROOF_LEN`](crate::PRIVATE_PROOF_LEN)), so different verifications have
/// different preimages. A Groth16 verdict is a function of exactly these (the key named by
/// its fingerprint, the inputs, the proof), so equal keys name the same verdict unless
/// BLAKE2b-256 collides.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct VerdictKey(pub [u8; 32]);

impl VerdictKey {
    /// The key of verifying `proof` against `inputs` for `shape` with the verifying key
    /// whose fingerprint is `fingerprint`. `shape` must be valid (its counts fit a byte);
    /// the runtime only computes keys for configured shapes, which are.
    pub(crate) fn derive(
        fingerprint: &Fingerprint,
        shape: &Shape,
        inputs: &[Fr],
        proof: &[u8],
    ) -> Self {
        let mut state = blake2b_simd::Params::new()
            .hash_length(32)
            .personal(VERDICT_KEY_PERSONAL)
            .to_state();
        state.update(fingerprint.as_bytes());
        // A valid shape has 1..=16 inputs and outputs and a depth of 1..=16.
        let byte = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
        state.update(&[
            byte(shape.inputs),
            byte(shape.outputs),
            u8::try_from(shape.ring_depth).unwrap_or(u8::MAX),
        ]);
        for x in inputs {
            state.update(&encode_public_input(x));
        }
        state.update(proof);
        let mut key = [0u8; 32];
        key.copy_from_slice(state.finalize().as_bytes());
        VerdictKey(key)
    }
}

/// Keys of proofs already found valid by this process's verifier. Bounded (capacity given
/// at construction; `insert` refuses past it and returns false).
///
/// Only insert the [`key`](crate::PreparedPrivate::key) of a
/// [`PreparedPrivate`](crate::PreparedPrivate) after a `Verdict::Valid` for its
/// [`item`](crate::PreparedPrivate::item), from a verifier with the runtime's verifying
/// key for that shape ([`SuperVM::privacy_verifier`](crate::SuperVM::privacy_verifier)).
/// A key in this set makes the block skip that verification: inserting any other key
/// would accept a proof nobody verified.
///
/// Memory grows with the keys held, never with the capacity. [`Default`] is an empty set
/// of capacity 0 (it holds nothing): blocks then verify every proof.
#[derive(Debug, Clone, Default)]
pub struct VerifiedProofs {
    keys: HashSet<VerdictKey>,
    max: usize,
}

impl VerifiedProofs {
    /// An empty set that holds at most `max` keys.
    pub fn with_capacity(max: usize) -> Self {
        VerifiedProofs {
            keys: HashSet::new(),
            max,
        }
    }

    /// Adds `key`. Returns `true` if the key is in the set afterwards (added now, or
    /// already there); `false` if the set is full and the key is not in it, in which case
    /// nothing changes (the proof will simply be verified again in its block).
    pub fn insert(&mut self, key: VerdictKey) -> bool {
        if self.keys.contains(&key) {
            return true;
        }
        if self.keys.len() >= self.max {
            return false;
        }
        self.keys.insert(key)
    }

    /// Removes `key`; returns whether it was there.
    pub fn remove(&mut self, key: &VerdictKey) -> bool {
        self.keys.remove(key)
    }

    /// Whether `key` is in the set.
    pub fn contains(&self, key: &VerdictKey) -> bool {
        self.keys.contains(key)
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Most keys the set holds.
    pub fn capacity(&self) -> usize {
        self.max
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.keys.clear();
    }
}

//! The transaction binding `ctx`: one field element that commits to a
//! transaction's body, so a proof made for one body cannot be replayed with
//! another (RINGCT-SPEC section 2). Wallets compute it before proving (it is
//! part of the witness) and the runtime recomputes it from the transaction it
//! received; it is the last public input of the statement.
//!
//! # What is bound
//! A [`TxBody`]: the shape, the ring member references of every input
//! (ledger indices, in the order the transaction lists them), every output's
//! commitment and opaque memo, and the fee. Key images are not part of the
//! body: they are public inputs of their own, bound by the proof directly.
//!
//! # Encoding (version 1)
//! The body is encoded as a sequence of field elements `e_0, e_1, ...`, every
//! integer as the field element of the same value (`u64` and lengths are far
//! below r):
//!
//! ```text
//! BINDING_VERSION (= 1)
//! L                               number of elements that follow (the whole body)
//! m, n, d                         shape: inputs, outputs, ring depth
//! R                               number of rings (inputs) listed
//! for each ring i:  K_i, u_i1 .. u_iU          member count, then the ledger indices
//!                                              packed into U = ceil(K_i / 3) words
//! O                               number of outputs listed
//! for each output j: cm_j, B_j, w_j1 .. w_jW   commitment, memo length in bytes,
//!                                              memo packed into W = ceil(B_j / 31) words
//! fee
//! ```
//!
//! Index packing: a ring's indices are taken three at a time, `(a, b, c)`, and
//! packed as `a + 2^64·b + 2^128·c` (below 2^192 < r); a last group of one or
//! two indices leaves the missing ones zero. An empty ring has no words.
//!
//! Memo packing: the memo is cut into 31-byte chunks (the last may be
//! shorter); chunk `c_0 .. c_{k-1}` is the little-endian integer
//! `sum c_i · 256^i` (below 2^248 < r, so every chunk is a canonical element).
//! An empty memo has no words.
//!
//! Packing keeps the chain short: for the default shape 2x2-r16 with two
//! 64-byte memos the sequence has 32 elements, so `ctx` costs 11 permutations.
//!
//! Every variable-length part carries its length in front, so the encoding
//! is injective and prefix-free: two different bodies never give the same
//! sequence (in particular a memo and the same memo with a trailing zero
//! byte differ in `B_j`), and `L` fixes where the sequence ends.
//!
//! # Hashing
//! The sequence is folded three elements at a time with `H4` under the
//! `TX_BINDING` tag (value 5), starting from zero; the last triple is padded
//! with zeros (harmless: `L` fixes the length):
//!
//! ```text
//! acc_0 = 0
//! acc_{k+1} = H4(TX_BINDING, acc_k, e_{3k}, e_{3k+1}, e_{3k+2})
//! ctx = acc_last
//! ```
//!
//! The test vector is in `tests/binding.rs`.

use crate::note::NoteCommitment;
use crate::poseidon::{hash4, Tag};
use crate::shape::Shape;
use crate::statement::TxBinding;
use ark_bls12_381::Fr;
use ark_ff::{PrimeField, Zero};

/// Version of the binding encoding, the first element of the sequence.
pub const BINDING_VERSION: u64 = 1;

/// Memo bytes packed into one field element.
pub const MEMO_BYTES_PER_ELEMENT: usize = 31;

/// Ring member indices (`u64`) packed into one field element.
pub const INDICES_PER_ELEMENT: usize = 3;

/// One output of a transaction body: the new note's commitment and an opaque
/// memo for its recipient (for example an encrypted note opening).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TxOutput {
    /// The commitment the ledger will store.
    pub commitment: NoteCommitment,
    /// Opaque bytes, bound by the transaction binding and otherwise
    /// uninterpreted.
    pub memo: Vec<u8>,
}

/// Everything a private transaction's binding commits to.
///
/// [`tx_binding`] is defined for any value, including one whose counts do
/// not match its shape (checking those is the runtime's job).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TxBody {
    /// The statement's shape.
    pub shape: Shape,
    /// Per input, the ledger indices of its ring members, in ring order.
    pub ring_members: Vec<Vec<u64>>,
    /// The outputs, in order.
    pub outputs: Vec<TxOutput>,
    /// The public fee.
    pub fee: u64,
}

impl TxBody {
    /// The body's encoding as field elements (see the module docs), the
    /// version and length prefix included.
    pub fn encode(&self) -> Vec<Fr> {
        let mut body = Vec::new();
        push_len(&mut body, self.shape.inputs);
        push_len(&mut body, self.shape.outputs);
        body.push(Fr::from(u64::from(self.shape.ring_depth)));
        push_len(&mut body, self.ring_members.len());
        for ring in &self.ring_members {
            push_len(&mut body, ring.len());
            body.extend(ring.chunks(INDICES_PER_ELEMENT).map(pack_indices));
        }
        push_len(&mut body, self.outputs.len());
        for out in &self.outputs {
            body.push(out.commitment.0);
            push_len(&mut body, out.memo.len());
            body.extend(out.memo.chunks(MEMO_BYTES_PER_ELEMENT).map(pack_chunk));
        }
        body.push(Fr::from(self.fee));

        let mut out = Vec::with_capacity(body.len() + 2);
        out.push(Fr::from(BINDING_VERSION));
        push_len(&mut out, body.len());
        out.extend(body);
        out
    }
}

/// `ctx` for `body`: the `TX_BINDING` chain over [`TxBody::encode`].
pub fn tx_binding(body: &TxBody) -> TxBinding {
    TxBinding(fold(&body.encode()))
}

/// The `H4(TX_BINDING, acc, a, b, c)` chain over `elements`, zero-padded to
/// a multiple of three, starting from zero.
fn fold(elements: &[Fr]) -> Fr {
    elements.chunks(3).fold(Fr::zero(), |acc, triple| {
        let at = |k: usize| triple.get(k).copied().unwrap_or_else(Fr::zero);
        hash4(Tag::TxBinding, [acc, at(0), at(1), at(2)])
    })
}

fn push_len(out: &mut Vec<Fr>, len: usize) {
    // usize -> u64 never truncates on supported targets (pointer width <= 64).
    out.push(Fr::from(len as u64));
}

/// Up to three indices `(a, b, c)` as `a + 2^64·b + 2^128·c`.
fn pack_indices(group: &[u64]) -> Fr {
    debug_assert!(group.len() <= INDICES_PER_ELEMENT);
    let mut bytes = [0u8; 8 * INDICES_PER_ELEMENT];
    for (slot, index) in bytes.chunks_exact_mut(8).zip(group) {
        slot.copy_from_slice(&index.to_le_bytes());
    }
    // Below 2^192 < r, so the reduction is the identity.
    Fr::from_le_bytes_mod_order(&bytes)
}

/// A chunk of at most 31 bytes as the little-endian integer it spells.
fn pack_chunk(chunk: &[u8]) -> Fr {
    debug_assert!(chunk.len() <= MEMO_BYTES_PER_ELEMENT);
    // Below 2^248 < r, so the reduction is the identity.
    Fr::from_le_bytes_mod_order(chunk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::BigInteger;

    fn unpack_chunk(word: Fr, len: usize) -> Vec<u8> {
        let mut bytes = word.into_bigint().to_bytes_le();
        assert!(bytes[len..].iter().all(|&b| b == 0));
        bytes.truncate(len);
        bytes
    }

    #[test]
    fn chunks_round_trip() {
        let memo: Vec<u8> = (0..31u8)
            .map(|b| b.wrapping_mul(37).wrapping_add(255))
            .collect();
        for len in 0..=31 {
            let w = pack_chunk(&memo[..len]);
            assert_eq!(unpack_chunk(w, len), &memo[..len]);
        }
        let max = pack_chunk(&[0xff; 31]);
        assert_eq!(max.into_bigint().num_bits(), 248);
        assert_eq!(unpack_chunk(max, 31), vec![0xff; 31]);
    }

    #[test]
    fn indices_pack_little_endian() {
        let two64 = Fr::from(u64::MAX) + Fr::from(1u64);
        assert_eq!(pack_indices(&[]), Fr::zero());
        assert_eq!(pack_indices(&[5]), Fr::from(5u64));
        assert_eq!(
            pack_indices(&[5, 7, 9]),
            Fr::from(5u64) + two64 * Fr::from(7u64) + two64 * two64 * Fr::from(9u64)
        );
        let max = pack_indices(&[u64::MAX; 3]);
        assert_eq!(max.into_bigint().num_bits(), 192);
        assert_eq!(max + Fr::from(1u64), two64 * two64 * two64);
    }

    #[test]
    fn fold_pads_with_zeros() {
        let e = [Fr::from(1u64), Fr::from(2u64)];
        let want = hash4(
            Tag::TxBinding,
            [Fr::zero(), Fr::from(1u64), Fr::from(2u64), Fr::zero()],
        );
        assert_eq!(fold(&e), want);
    }
}

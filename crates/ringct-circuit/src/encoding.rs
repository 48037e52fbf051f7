//! The canonical byte encoding of transaction bodies and private transactions
//! (protocol v2). docs/PROTOCOL.md has the same layout with test vectors.
//!
//! ```text
//! body := version:u8 (= 2) · m:u8 · n:u8 · d:u8
//!         · ring_1 .. ring_m               ring_i := 4^d × index:u64le
//!         · out_1 .. out_n                 out_j  := cm:[32] · len:u16le · memo:[len]
//!         · fee:u64le
//!
//! tx   := version:u8 (= 2) · kind:u8 (= 1, private RingCT)
//!         · body
//!         · key_image_1 .. key_image_m     32 bytes each
//!         · proof:[192]                    compressed Groth16 proof (A, B, C)
//! ```
//!
//! Field elements (commitments, key images) are 32 bytes, little-endian, and
//! must be canonical (below r). Counts are not written: they follow from the
//! shape, so a body whose lists do not match its shape has no encoding, and
//! the decoder bounds every length by the shape and by [`MAX_MEMO_BYTES`]
//! before reading it. Nothing may follow the last field.
//!
//! The encoding is injective: every field has a fixed size or a length in
//! front of it, so two different bodies never have the same bytes. It is what
//! `ctx` hashes (with the network id, [`crate::binding`]) and what transaction
//! ids hash ([`crate::transaction::TxId`]).
//!
//! Decoding never allocates more than the input's own length, whatever the
//! shape claims: a ring is read only after checking that its bytes are there.

use crate::error::CircuitError;
use ark_bls12_381::Fr;
use ark_ff::{BigInteger, PrimeField};

/// The protocol version: the first byte of every encoded body and transaction.
pub const PROTOCOL_VERSION: u8 = 2;

/// The `kind` byte of a private (RingCT) transaction.
pub const KIND_PRIVATE: u8 = 1;

/// Bytes of one field element (commitment, key image).
pub const FIELD_BYTES: usize = 32;

/// Bytes of a compressed Groth16 proof over BLS12-381: A (48), B (96), C (48).
pub const PROOF_LEN: usize = 192;

/// Largest memo an output may carry, in bytes. An encrypted note (an
/// ephemeral key, the sealed value, blinding and a short text, and a tag)
/// needs a few hundred; the bound keeps a transaction's size and the cost of
/// hashing it bounded by its shape.
pub const MAX_MEMO_BYTES: usize = 1024;

/// Appends `x` as 32 little-endian bytes.
pub(crate) fn put_field(out: &mut Vec<u8>, x: &Fr) {
    let bytes = x.into_bigint().to_bytes_le();
    debug_assert_eq!(bytes.len(), FIELD_BYTES);
    out.extend_from_slice(&bytes);
}

/// A field element from 32 little-endian bytes, if canonical (below r).
pub fn field_from_bytes(bytes: &[u8; FIELD_BYTES]) -> Option<Fr> {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    Fr::from_bigint(ark_ff::BigInt::new(limbs))
}

/// The 32 little-endian bytes of a field element.
pub fn field_to_bytes(x: &Fr) -> [u8; FIELD_BYTES] {
    let mut out = [0u8; FIELD_BYTES];
    out.copy_from_slice(&x.into_bigint().to_bytes_le());
    out
}

/// A cursor over input bytes that fails with a typed error naming the field
/// that was cut off.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// Position of the next byte.
    pub(crate) fn position(&self) -> usize {
        self.at
    }

    /// The next `len` bytes, or `EncodingTruncated` naming `field`.
    pub(crate) fn take(
        &mut self,
        len: usize,
        field: &'static str,
    ) -> Result<&'a [u8], CircuitError> {
        if self.remaining() < len {
            return Err(CircuitError::EncodingTruncated {
                field,
                offset: self.at,
            });
        }
        let out = &self.bytes[self.at..self.at + len];
        self.at += len;
        Ok(out)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, CircuitError> {
        Ok(self.take(1, field)?[0])
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, CircuitError> {
        let b = self.take(2, field)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u64(&mut self, field: &'static str) -> Result<u64, CircuitError> {
        let mut word = [0u8; 8];
        word.copy_from_slice(self.take(8, field)?);
        Ok(u64::from_le_bytes(word))
    }

    /// A canonical field element.
    pub(crate) fn field(&mut self, field: &'static str) -> Result<Fr, CircuitError> {
        let offset = self.at;
        let mut bytes = [0u8; FIELD_BYTES];
        bytes.copy_from_slice(self.take(FIELD_BYTES, field)?);
        field_from_bytes(&bytes).ok_or(CircuitError::NonCanonicalField { field, offset })
    }

    /// The version byte, which must be [`PROTOCOL_VERSION`].
    pub(crate) fn version(&mut self) -> Result<(), CircuitError> {
        match self.u8("version")? {
            PROTOCOL_VERSION => Ok(()),
            found => Err(CircuitError::EncodingVersion {
                found,
                supported: PROTOCOL_VERSION,
            }),
        }
    }

    /// Succeeds only if every byte was read.
    pub(crate) fn finish(self) -> Result<(), CircuitError> {
        match self.remaining() {
            0 => Ok(()),
            extra => Err(CircuitError::EncodingTrailingBytes {
                offset: self.at,
                extra,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::Field;

    #[test]
    fn field_bytes_round_trip_and_refuse_non_canonical() {
        for x in [
            Fr::from(0u64),
            Fr::from(1u64),
            -Fr::from(1u64),
            Fr::from(7u64).inverse().unwrap(),
        ] {
            assert_eq!(field_from_bytes(&field_to_bytes(&x)), Some(x));
            let mut v = Vec::new();
            put_field(&mut v, &x);
            assert_eq!(v, field_to_bytes(&x));
        }
        // r itself and 2^256 - 1 are not canonical.
        let mut r = [0u8; 32];
        r.copy_from_slice(&Fr::MODULUS.to_bytes_le());
        assert_eq!(field_from_bytes(&r), None);
        assert_eq!(field_from_bytes(&[0xff; 32]), None);
        // r - 1 is.
        let mut r_minus_1 = r;
        r_minus_1[0] -= 1;
        assert_eq!(field_from_bytes(&r_minus_1), Some(-Fr::from(1u64)));
    }

    #[test]
    fn reader_names_the_cut_field() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u16("a").unwrap(), 0x0201);
        assert_eq!(
            r.u16("b").unwrap_err(),
            CircuitError::EncodingTruncated {
                field: "b",
                offset: 2
            }
        );
        assert_eq!(r.u8("c").unwrap(), 3);
        r.finish().unwrap();
        let mut r = Reader::new(&[2, 9]);
        r.version().unwrap();
        assert_eq!(
            r.finish().unwrap_err(),
            CircuitError::EncodingTrailingBytes {
                offset: 1,
                extra: 1
            }
        );
        assert_eq!(
            Reader::new(&[1]).version().unwrap_err(),
            CircuitError::EncodingVersion {
                found: 1,
                supported: 2
            }
        );
    }
}

//! Strict decoding of proofs and public inputs, and point validation.
//!
//! # Proof bytes
//! A proof is `A || B || C` in the BLS12-381 ("ZCash") point encoding that
//! arkworks uses: big-endian coordinates, the three top bits of the first
//! byte are flags (compressed, infinity, lexicographically-largest y).
//! - compressed: 48 + 96 + 48 = [`PROOF_COMPRESSED_LEN`] (192) bytes;
//! - uncompressed: 96 + 192 + 96 = [`PROOF_UNCOMPRESSED_LEN`] (384) bytes.
//!
//! Any other length is refused (so trailing bytes are refused). Every
//! coordinate must be below p, the flags must be consistent, and the bytes
//! must be exactly the canonical encoding of the decoded point (re-encoding
//! is compared byte for byte). Each point must be on the curve, in the
//! prime-order subgroup, and not the point at infinity.
//!
//! ark-bls12-381 0.6 does **not** check that an *uncompressed* point is on
//! the curve; this module checks it explicitly for both encodings, before the
//! subgroup check (which assumes the point is on the curve).
//!
//! # Public-input bytes
//! A public input is 32 bytes, **little-endian**, the same bytes as arkworks'
//! `Fr::serialize_compressed`. The value must be below the scalar-field
//! modulus r; there is no reduction modulo r.

use crate::error::{Point, VerifierError};
use ark_bls12_381::{Bls12_381, Fq, Fr, G1Affine, G2Affine};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::Proof;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};

/// Bytes of a compressed G1 point.
pub const G1_COMPRESSED_LEN: usize = 48;
/// Bytes of a compressed G2 point.
pub const G2_COMPRESSED_LEN: usize = 96;
/// Bytes of a compressed proof (A, B, C).
pub const PROOF_COMPRESSED_LEN: usize = 2 * G1_COMPRESSED_LEN + G2_COMPRESSED_LEN;
/// Bytes of an uncompressed proof (A, B, C).
pub const PROOF_UNCOMPRESSED_LEN: usize = 2 * PROOF_COMPRESSED_LEN;
/// Bytes of one public input (little-endian scalar).
pub const PUBLIC_INPUT_LEN: usize = 32;

/// How a proof is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// 192 bytes; points are recovered from x (the default on the wire).
    Compressed,
    /// 384 bytes; both coordinates present.
    Uncompressed,
}

impl Encoding {
    fn compress(self) -> Compress {
        match self {
            Encoding::Compressed => Compress::Yes,
            Encoding::Uncompressed => Compress::No,
        }
    }

    /// Proof length in this encoding.
    pub fn proof_len(self) -> usize {
        match self {
            Encoding::Compressed => PROOF_COMPRESSED_LEN,
            Encoding::Uncompressed => PROOF_UNCOMPRESSED_LEN,
        }
    }
}

/// Decodes proof bytes strictly: the encoding is chosen by the length (192
/// compressed, 384 uncompressed), and every rule in the module docs is
/// checked, each failure with its own [`VerifierError`] variant.
pub fn decode_proof(bytes: &[u8]) -> Result<Proof<Bls12_381>, VerifierError> {
    let encoding = match bytes.len() {
        PROOF_COMPRESSED_LEN => Encoding::Compressed,
        PROOF_UNCOMPRESSED_LEN => Encoding::Uncompressed,
        got => return Err(VerifierError::ProofLength { got }),
    };
    let g1 = G1_COMPRESSED_LEN * encoding.proof_len() / PROOF_COMPRESSED_LEN;
    let g2 = 2 * g1;
    let (a, rest) = bytes.split_at(g1);
    let (b, c) = rest.split_at(g2);
    Ok(Proof {
        a: decode_point::<ark_bls12_381::g1::Config>(Point::ProofA, a, encoding)?,
        b: decode_point::<ark_bls12_381::g2::Config>(Point::ProofB, b, encoding)?,
        c: decode_point::<ark_bls12_381::g1::Config>(Point::ProofC, c, encoding)?,
    })
}

/// Encodes a proof (the inverse of [`decode_proof`] for valid proofs).
pub fn encode_proof(proof: &Proof<Bls12_381>, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::with_capacity(encoding.proof_len());
    // Writing affine points into a Vec cannot fail.
    for r in [
        proof.a.serialize_with_mode(&mut out, encoding.compress()),
        proof.b.serialize_with_mode(&mut out, encoding.compress()),
        proof.c.serialize_with_mode(&mut out, encoding.compress()),
    ] {
        debug_assert!(r.is_ok());
    }
    out
}

/// Decodes public input `index` from 32 little-endian bytes, refusing values
/// that are not below r.
pub fn decode_public_input(
    index: usize,
    bytes: &[u8; PUBLIC_INPUT_LEN],
) -> Result<Fr, VerifierError> {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    // `from_bigint` refuses values >= r instead of reducing them.
    Fr::from_bigint(ark_ff::BigInt::new(limbs))
        .ok_or(VerifierError::NonCanonicalPublicInput { index })
}

/// Decodes a list of 32-byte public inputs; the first non-canonical one is
/// reported with its index.
pub fn decode_public_inputs(inputs: &[[u8; PUBLIC_INPUT_LEN]]) -> Result<Vec<Fr>, VerifierError> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, b)| decode_public_input(i, b))
        .collect()
}

/// Encodes a public input as 32 little-endian bytes.
pub fn encode_public_input(x: &Fr) -> [u8; PUBLIC_INPUT_LEN] {
    let mut out = [0u8; PUBLIC_INPUT_LEN];
    out.copy_from_slice(&x.into_bigint().to_bytes_le());
    out
}

/// Checks a typed proof's points: not the identity, on the curve, in the
/// prime-order subgroup.
pub fn check_proof_points(proof: &Proof<Bls12_381>) -> Result<(), VerifierError> {
    check_point(Point::ProofA, &proof.a)?;
    check_point(Point::ProofB, &proof.b)?;
    check_point(Point::ProofC, &proof.c)
}

/// Checks one point: not the identity, on the curve, in the subgroup.
pub(crate) fn check_point<P: SWCurveConfig>(
    point: Point,
    p: &Affine<P>,
) -> Result<(), VerifierError> {
    if p.is_zero() {
        return Err(VerifierError::IdentityPoint { point });
    }
    check_point_allow_identity(point, p)
}

/// Checks one point: on the curve and in the subgroup (identity allowed).
pub(crate) fn check_point_allow_identity<P: SWCurveConfig>(
    point: Point,
    p: &Affine<P>,
) -> Result<(), VerifierError> {
    if p.is_zero() {
        return Ok(());
    }
    if !p.is_on_curve() {
        return Err(VerifierError::PointNotOnCurve { point });
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(VerifierError::PointNotInSubgroup { point });
    }
    Ok(())
}

/// Decodes one point without arkworks' validation, then checks canonical
/// encoding, identity, curve membership and subgroup membership ourselves.
fn decode_point<P: SWCurveConfig>(
    point: Point,
    bytes: &[u8],
    encoding: Encoding,
) -> Result<Affine<P>, VerifierError>
where
    Affine<P>: CanonicalSerialize + CanonicalDeserialize,
{
    let mut reader = bytes;
    let p = Affine::<P>::deserialize_with_mode(&mut reader, encoding.compress(), Validate::No)
        .map_err(|_| classify_failure(point, bytes, encoding))?;
    if !reader.is_empty() {
        return Err(VerifierError::NonCanonicalPoint { point });
    }
    let mut again = Vec::with_capacity(bytes.len());
    p.serialize_with_mode(&mut again, encoding.compress())
        .map_err(|_| VerifierError::NonCanonicalPoint { point })?;
    if again != bytes {
        return Err(VerifierError::NonCanonicalPoint { point });
    }
    check_point(point, &p)?;
    Ok(p)
}

const FLAG_COMPRESSED: u8 = 0b1000_0000;
const FLAG_INFINITY: u8 = 0b0100_0000;
const FLAG_MASK: u8 = 0b1110_0000;

/// Says which rule an encoding that arkworks refused to decode breaks.
///
/// Every 48-byte coordinate (flags masked) must be below p; if they are, a
/// compressed, non-infinity encoding can only have failed because no curve
/// point has that x; anything else is a flag inconsistency.
fn classify_failure(point: Point, bytes: &[u8], encoding: Encoding) -> VerifierError {
    let modulus = Fq::MODULUS.to_bytes_be();
    let out_of_range = bytes
        .chunks(G1_COMPRESSED_LEN)
        .enumerate()
        .any(|(i, chunk)| {
            let mut c = chunk.to_vec();
            if i == 0 {
                c[0] &= !FLAG_MASK;
            }
            c.as_slice() >= modulus.as_slice()
        });
    if out_of_range {
        return VerifierError::CoordinateOutOfRange { point };
    }
    let flags = bytes.first().copied().unwrap_or(0);
    let compressed_point = flags & FLAG_COMPRESSED != 0 && flags & FLAG_INFINITY == 0;
    if encoding == Encoding::Compressed && compressed_point {
        VerifierError::PointNotOnCurve { point }
    } else {
        VerifierError::NonCanonicalPoint { point }
    }
}

/// Encoding of a G1 point (for tests and tools that build bad proofs).
pub fn encode_g1(p: &G1Affine, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    let r = p.serialize_with_mode(&mut out, encoding.compress());
    debug_assert!(r.is_ok());
    out
}

/// Encoding of a G2 point (for tests and tools that build bad proofs).
pub fn encode_g2(p: &G2Affine, encoding: Encoding) -> Vec<u8> {
    let mut out = Vec::new();
    let r = p.serialize_with_mode(&mut out, encoding.compress());
    debug_assert!(r.is_ok());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::CurveGroup;
    use ark_std::UniformRand;
    use rand::SeedableRng;

    fn rng() -> rand::rngs::StdRng {
        rand::rngs::StdRng::seed_from_u64(7)
    }

    fn sample() -> Proof<Bls12_381> {
        let mut r = rng();
        Proof {
            a: ark_bls12_381::G1Projective::rand(&mut r).into_affine(),
            b: ark_bls12_381::G2Projective::rand(&mut r).into_affine(),
            c: ark_bls12_381::G1Projective::rand(&mut r).into_affine(),
        }
    }

    #[test]
    fn round_trips_both_encodings() {
        let p = sample();
        for enc in [Encoding::Compressed, Encoding::Uncompressed] {
            let bytes = encode_proof(&p, enc);
            assert_eq!(bytes.len(), enc.proof_len());
            assert_eq!(decode_proof(&bytes).unwrap(), p);
        }
    }

    #[test]
    fn public_inputs_are_little_endian_and_canonical() {
        let x = Fr::from(0x0102u64);
        let b = encode_public_input(&x);
        assert_eq!(b[0], 0x02);
        assert_eq!(b[1], 0x01);
        assert_eq!(decode_public_input(0, &b).unwrap(), x);
        let mut r = [0u8; 32];
        r.copy_from_slice(&Fr::MODULUS.to_bytes_le());
        assert_eq!(
            decode_public_input(3, &r),
            Err(VerifierError::NonCanonicalPublicInput { index: 3 })
        );
        assert_eq!(
            decode_public_input(1, &[0xff; 32]),
            Err(VerifierError::NonCanonicalPublicInput { index: 1 })
        );
        let mut r_minus_1 = r;
        r_minus_1[0] -= 1; // r is odd, so no borrow
        assert_eq!(decode_public_input(0, &r_minus_1).unwrap(), -Fr::from(1u64));
    }

    #[test]
    fn flags_and_ranges_are_classified() {
        let p = sample();
        let good = encode_proof(&p, Encoding::Compressed);
        // Clear the compression flag of A.
        let mut bad = good.clone();
        bad[0] &= !FLAG_COMPRESSED;
        assert_eq!(
            decode_proof(&bad),
            Err(VerifierError::NonCanonicalPoint {
                point: Point::ProofA
            })
        );
        // x of C set to all ones (>= p), flags kept.
        let mut bad = good.clone();
        for b in &mut bad[144 + 1..] {
            *b = 0xff;
        }
        bad[144] |= 0x1f;
        assert_eq!(
            decode_proof(&bad),
            Err(VerifierError::CoordinateOutOfRange {
                point: Point::ProofC
            })
        );
        // Infinity flag with a non-zero x on B.
        let mut bad = good.clone();
        bad[48] |= FLAG_INFINITY;
        bad[48] &= !0b0010_0000;
        assert_eq!(
            decode_proof(&bad),
            Err(VerifierError::NonCanonicalPoint {
                point: Point::ProofB
            })
        );
        // Wrong lengths.
        for len in [0, 191, 193, 383, 385] {
            let mut v = good.clone();
            v.resize(len, 0);
            assert_eq!(
                decode_proof(&v),
                Err(VerifierError::ProofLength { got: len })
            );
        }
    }
}

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
//! # Two decoders, one set of rules
//! [`decode_proof`] decodes with blst (`ringct-blst`): about half the cost of
//! arkworks' decompression and subgroup check, measured in
//! docs/RINGCT-PERFORMANCE-BASELINE.md. blst accepts exactly the canonical
//! encodings of non-identity points in the subgroup; for every point it
//! refuses, [`decode_proof_arkworks`], the reference decoder, decodes the
//! point again and names the broken rule, so every error is the arkworks
//! path's. Tests compare the two on valid proofs and on mutated bytes.
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
    decode_proof_points(bytes).map(|p| p.proof)
}

/// A decoded proof in both representations: arkworks' (for the public API)
/// and blst's (for the pairing checks).
#[derive(Debug, Clone)]
pub(crate) struct DecodedProof {
    pub(crate) proof: Proof<Bls12_381>,
    pub(crate) fast: FastProof,
}

/// The proof's points in blst's representation (crate-private: no blst
/// type leaves this crate).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FastProof {
    pub(crate) a: ringct_blst::G1,
    pub(crate) b: ringct_blst::G2,
    pub(crate) c: ringct_blst::G1,
}

impl FastProof {
    /// Converts a typed proof whose points have been checked
    /// ([`check_proof_points`]). A point off the curve is refused with the
    /// same error the arkworks check gives.
    pub(crate) fn from_ark(proof: &Proof<Bls12_381>) -> Result<Self, VerifierError> {
        let not_on_curve = |point| VerifierError::PointNotOnCurve { point };
        Ok(FastProof {
            a: ringct_blst::G1::from_ark(&proof.a).map_err(|_| not_on_curve(Point::ProofA))?,
            b: ringct_blst::G2::from_ark(&proof.b).map_err(|_| not_on_curve(Point::ProofB))?,
            c: ringct_blst::G1::from_ark(&proof.c).map_err(|_| not_on_curve(Point::ProofC))?,
        })
    }
}

/// [`decode_proof`], keeping blst's form of the points too.
///
/// Each point is decoded by blst first (decompression or deserialisation,
/// on-curve check, canonical re-encoding compared byte for byte, identity,
/// subgroup check). blst accepts exactly the canonical encodings of
/// non-identity subgroup points, which arkworks' strict path accepts too.
/// When blst refuses a point, the arkworks path ([`decode_proof_arkworks`])
/// decodes that point again and names the rule it breaks, so the errors
/// stay exactly those of the arkworks path (and should arkworks accept a
/// point blst refused, its point is used: arkworks stays the reference).
pub(crate) fn decode_proof_points(bytes: &[u8]) -> Result<DecodedProof, VerifierError> {
    let (encoding, a, b, c) = split_proof(bytes)?;
    let a = decode_g1(Point::ProofA, a, encoding)?;
    let b = decode_g2(Point::ProofB, b, encoding)?;
    let c = decode_g1(Point::ProofC, c, encoding)?;
    Ok(DecodedProof {
        proof: Proof {
            a: a.0,
            b: b.0,
            c: c.0,
        },
        fast: FastProof {
            a: a.1,
            b: b.1,
            c: c.1,
        },
    })
}

/// The arkworks-only decoder: the reference the blst path is tested
/// against, and the one that classifies the points blst refuses.
pub fn decode_proof_arkworks(bytes: &[u8]) -> Result<Proof<Bls12_381>, VerifierError> {
    let (encoding, a, b, c) = split_proof(bytes)?;
    Ok(Proof {
        a: decode_point::<ark_bls12_381::g1::Config>(Point::ProofA, a, encoding)?,
        b: decode_point::<ark_bls12_381::g2::Config>(Point::ProofB, b, encoding)?,
        c: decode_point::<ark_bls12_381::g1::Config>(Point::ProofC, c, encoding)?,
    })
}

/// The encoding of a proof (by its length) and the bytes of A, B and C.
type SplitProof<'a> = (Encoding, &'a [u8], &'a [u8], &'a [u8]);

/// The encoding (by length) and the bytes of A, B and C.
fn split_proof(bytes: &[u8]) -> Result<SplitProof<'_>, VerifierError> {
    let encoding = match bytes.len() {
        PROOF_COMPRESSED_LEN => Encoding::Compressed,
        PROOF_UNCOMPRESSED_LEN => Encoding::Uncompressed,
        got => return Err(VerifierError::ProofLength { got }),
    };
    let g1 = G1_COMPRESSED_LEN * encoding.proof_len() / PROOF_COMPRESSED_LEN;
    let g2 = 2 * g1;
    let (a, rest) = bytes.split_at(g1);
    let (b, c) = rest.split_at(g2);
    Ok((encoding, a, b, c))
}

fn decode_g1(
    point: Point,
    bytes: &[u8],
    encoding: Encoding,
) -> Result<(G1Affine, ringct_blst::G1), VerifierError> {
    if let Ok(p) = ringct_blst::G1::decode(bytes) {
        return Ok((p.to_ark(), p));
    }
    let p = decode_point::<ark_bls12_381::g1::Config>(point, bytes, encoding)?;
    let fast =
        ringct_blst::G1::from_ark(&p).map_err(|_| VerifierError::PointNotOnCurve { point })?;
    Ok((p, fast))
}

fn decode_g2(
    point: Point,
    bytes: &[u8],
    encoding: Encoding,
) -> Result<(G2Affine, ringct_blst::G2), VerifierError> {
    if let Ok(p) = ringct_blst::G2::decode(bytes) {
        return Ok((p.to_ark(), p));
    }
    let p = decode_point::<ark_bls12_381::g2::Config>(point, bytes, encoding)?;
    let fast =
        ringct_blst::G2::from_ark(&p).map_err(|_| VerifierError::PointNotOnCurve { point })?;
    Ok((p, fast))
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

    /// A curve point outside the prime-order subgroup, with the flags of `enc`.
    fn outside_subgroup_g1() -> G1Affine {
        (1u64..)
            .filter_map(|x| G1Affine::get_point_from_x_unchecked(Fq::from(x), false))
            .find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
            .unwrap()
    }

    fn outside_subgroup_g2() -> G2Affine {
        (1u64..)
            .filter_map(|x| {
                G2Affine::get_point_from_x_unchecked(
                    ark_bls12_381::Fq2::new(Fq::from(x), Fq::from(1u64)),
                    false,
                )
            })
            .find(|p| !p.is_in_correct_subgroup_assuming_on_curve())
            .unwrap()
    }

    /// The blst decoder and the arkworks reference give the same result
    /// (the same proof or the same error) on valid proofs and on thousands
    /// of mutations of them: flipped bits (flags, coordinates), bytes set
    /// to 0x00 or 0xff, points swapped for identities or points outside the
    /// subgroup, off-curve coordinates.
    #[test]
    fn blst_decoder_agrees_with_arkworks_on_mutated_bytes() {
        use rand::Rng;
        let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(99);
        let mut cases = 0;
        let mut errors = std::collections::BTreeMap::<String, usize>::new();
        for round in 0..6 {
            let p = Proof::<Bls12_381> {
                a: ark_bls12_381::G1Projective::rand(&mut r).into_affine(),
                b: ark_bls12_381::G2Projective::rand(&mut r).into_affine(),
                c: ark_bls12_381::G1Projective::rand(&mut r).into_affine(),
            };
            for enc in [Encoding::Compressed, Encoding::Uncompressed] {
                let good = encode_proof(&p, enc);
                let g1 = enc.proof_len() / 4;
                let mut variants = vec![good.clone()];
                for _ in 0..120 {
                    let mut v = good.clone();
                    let at = r.gen_range(0..v.len());
                    match r.gen_range(0..4) {
                        0 => v[at] ^= 1 << r.gen_range(0..8),
                        1 => v[at] = 0xff,
                        2 => v[at] = 0,
                        _ => {
                            // A point's first byte: flags.
                            let starts = [0, g1, 3 * g1];
                            let s = starts[r.gen_range(0..3)];
                            v[s] ^= [0x80, 0x40, 0x20][r.gen_range(0..3)];
                        }
                    }
                    variants.push(v);
                }
                let mut with = |range: std::ops::Range<usize>, bytes: Vec<u8>| {
                    let mut v = good.clone();
                    v[range].copy_from_slice(&bytes);
                    variants.push(v);
                };
                with(0..g1, encode_g1(&G1Affine::zero(), enc));
                with(g1..3 * g1, encode_g2(&G2Affine::zero(), enc));
                with(3 * g1..4 * g1, encode_g1(&G1Affine::zero(), enc));
                with(0..g1, encode_g1(&outside_subgroup_g1(), enc));
                with(3 * g1..4 * g1, encode_g1(&outside_subgroup_g1(), enc));
                with(g1..3 * g1, encode_g2(&outside_subgroup_g2(), enc));
                if enc == Encoding::Uncompressed {
                    let off = G1Affine::new_unchecked(p.a.x, p.a.y + Fq::from(round as u64 + 1));
                    with(0..g1, encode_g1(&off, enc));
                    let off =
                        G2Affine::new_unchecked(p.b.x, p.b.y + ark_bls12_381::Fq2::from(1u64));
                    with(g1..3 * g1, encode_g2(&off, enc));
                }
                for v in variants {
                    let fast = decode_proof(&v);
                    assert_eq!(fast, decode_proof_arkworks(&v), "bytes {v:02x?}");
                    if let Ok(d) = decode_proof_points(&v) {
                        assert_eq!(d.fast.a.to_ark(), d.proof.a);
                        assert_eq!(d.fast.b.to_ark(), d.proof.b);
                        assert_eq!(d.fast.c.to_ark(), d.proof.c);
                    }
                    let key = match fast {
                        Ok(_) => "ok".to_string(),
                        Err(e) => format!("{e:?}")
                            .split([' ', '{', '('])
                            .next()
                            .unwrap()
                            .to_string(),
                    };
                    *errors.entry(key).or_default() += 1;
                    cases += 1;
                }
            }
        }
        assert!(cases > 1000);
        // The mutations reach every rule the decoder has.
        for rule in [
            "ok",
            "NonCanonicalPoint",
            "CoordinateOutOfRange",
            "PointNotOnCurve",
            "PointNotInSubgroup",
            "IdentityPoint",
        ] {
            assert!(
                errors.contains_key(rule),
                "{rule} never reached: {errors:?}"
            );
        }
    }
}

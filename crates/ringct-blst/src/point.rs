//! Points: [`G1`] and [`G2`] (affine), [`G1Sum`] and [`G2Sum`] (projective
//! results of additions and multiplications), strict decoding, and
//! conversions from and to arkworks through the canonical byte encodings.
//!
//! The encodings are the BLS12-381 ("ZCash") ones that arkworks also uses:
//! big-endian coordinates, the top three bits of the first byte are flags
//! (compressed, infinity, lexicographically largest y). G1 is 48 bytes
//! compressed and 96 uncompressed, G2 96 and 192.

use crate::error::BlstError;
use crate::scalar::Scalar;
use ark_bls12_381::{G1Affine, G2Affine};
use ark_serialize::CanonicalDeserialize;
use ark_serialize::CanonicalSerialize;
use blst::{blst_p1, blst_p1_affine, blst_p2, blst_p2_affine, BLST_ERROR};

/// Compressed G1 length.
pub const G1_COMPRESSED: usize = 48;
/// Uncompressed G1 length.
pub const G1_UNCOMPRESSED: usize = 96;
/// Compressed G2 length.
pub const G2_COMPRESSED: usize = 96;
/// Uncompressed G2 length.
pub const G2_UNCOMPRESSED: usize = 192;

fn status(e: BLST_ERROR) -> Result<(), BlstError> {
    match e {
        BLST_ERROR::BLST_SUCCESS => Ok(()),
        BLST_ERROR::BLST_POINT_NOT_ON_CURVE => Err(BlstError::NotOnCurve),
        BLST_ERROR::BLST_POINT_NOT_IN_GROUP => Err(BlstError::NotInSubgroup),
        BLST_ERROR::BLST_PK_IS_INFINITY => Err(BlstError::Identity),
        _ => Err(BlstError::Encoding),
    }
}

/// A G1 point in affine form. From [`G1::decode`] it is checked (on the
/// curve, in the subgroup, not the identity); from [`G1::from_ark`] it is
/// on the curve (the identity allowed, as in proving keys).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct G1(pub(crate) blst_p1_affine);

/// A G2 point in affine form; see [`G1`] for what is checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct G2(pub(crate) blst_p2_affine);

/// A G1 point in projective form (a sum or a multiple).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct G1Sum(pub(crate) blst_p1);

/// A G2 point in projective form (a sum or a multiple).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(transparent)]
pub struct G2Sum(pub(crate) blst_p2);

impl G1 {
    /// Decodes 48 (compressed) or 96 (uncompressed) bytes strictly: flags
    /// consistent, coordinates below p, on the curve, the bytes exactly the
    /// point's canonical encoding, not the identity, in the subgroup.
    /// The first rule broken is reported, in this order: length, encoding
    /// and range ([`BlstError::Encoding`]), curve, canonical encoding,
    /// identity, subgroup.
    pub fn decode(bytes: &[u8]) -> Result<G1, BlstError> {
        let mut p = blst_p1_affine::default();
        let mut again = [0u8; G1_UNCOMPRESSED];
        let again = match bytes.len() {
            G1_COMPRESSED => {
                // SAFETY: `bytes` holds 48 readable bytes, `p` is a live output.
                status(unsafe { blst::blst_p1_uncompress(&mut p, bytes.as_ptr()) })?;
                // SAFETY: `again` has room for 48 bytes; `p` is initialised.
                unsafe { blst::blst_p1_affine_compress(again.as_mut_ptr(), &p) };
                &again[..G1_COMPRESSED]
            }
            G1_UNCOMPRESSED => {
                // SAFETY: `bytes` holds 96 readable bytes (blst reads 48 when
                // the compression flag is set), `p` is a live output.
                status(unsafe { blst::blst_p1_deserialize(&mut p, bytes.as_ptr()) })?;
                // SAFETY: `again` has room for 96 bytes; `p` is initialised.
                unsafe { blst::blst_p1_affine_serialize(again.as_mut_ptr(), &p) };
                &again[..]
            }
            got => {
                return Err(BlstError::Length {
                    group: "G1",
                    compressed: G1_COMPRESSED,
                    uncompressed: G1_UNCOMPRESSED,
                    got,
                })
            }
        };
        if again != bytes {
            return Err(BlstError::Encoding);
        }
        // SAFETY: `p` is an initialised affine point.
        if unsafe { blst::blst_p1_affine_is_inf(&p) } {
            return Err(BlstError::Identity);
        }
        // SAFETY: as above; blst's check assumes (and we know) it is on the curve.
        if !unsafe { blst::blst_p1_affine_in_g1(&p) } {
            return Err(BlstError::NotInSubgroup);
        }
        Ok(G1(p))
    }

    /// The compressed encoding (48 bytes).
    pub fn to_compressed(&self) -> [u8; G1_COMPRESSED] {
        let mut out = [0u8; G1_COMPRESSED];
        // SAFETY: `out` has room for 48 bytes; `self.0` is initialised.
        unsafe { blst::blst_p1_affine_compress(out.as_mut_ptr(), &self.0) };
        out
    }

    /// The uncompressed encoding (96 bytes).
    pub fn to_uncompressed(&self) -> [u8; G1_UNCOMPRESSED] {
        let mut out = [0u8; G1_UNCOMPRESSED];
        // SAFETY: `out` has room for 96 bytes; `self.0` is initialised.
        unsafe { blst::blst_p1_affine_serialize(out.as_mut_ptr(), &self.0) };
        out
    }

    /// Converts an arkworks point through its uncompressed encoding; the
    /// point must be on the curve (the identity is allowed). Not checked:
    /// the subgroup (callers that need it check it on the arkworks side, as
    /// the verifier does for keys and typed proofs).
    pub fn from_ark(p: &G1Affine) -> Result<G1, BlstError> {
        let mut bytes = [0u8; G1_UNCOMPRESSED];
        p.serialize_uncompressed(&mut bytes[..])
            .map_err(|_| BlstError::Encoding)?;
        let mut q = blst_p1_affine::default();
        // SAFETY: `bytes` holds 96 readable bytes, `q` is a live output.
        status(unsafe { blst::blst_p1_deserialize(&mut q, bytes.as_ptr()) })?;
        Ok(G1(q))
    }

    /// Converts to arkworks through the uncompressed encoding.
    pub fn to_ark(&self) -> G1Affine {
        // blst's encoding of a point on the curve always parses.
        G1Affine::deserialize_uncompressed_unchecked(&self.to_uncompressed()[..])
            .unwrap_or_default()
    }

    /// Whether this is the point at infinity.
    pub fn is_identity(&self) -> bool {
        // SAFETY: `self.0` is initialised.
        unsafe { blst::blst_p1_affine_is_inf(&self.0) }
    }

    /// Whether the point is in the prime-order subgroup.
    pub fn in_subgroup(&self) -> bool {
        // SAFETY: `self.0` is initialised and on the curve (type invariant).
        unsafe { blst::blst_p1_affine_in_g1(&self.0) }
    }

    /// The projective form.
    pub fn to_sum(&self) -> G1Sum {
        let mut out = blst_p1::default();
        // SAFETY: both are live values.
        unsafe { blst::blst_p1_from_affine(&mut out, &self.0) };
        G1Sum(out)
    }

    /// `s · self`, using the lowest `nbits` bits of `s` (at most 256; more
    /// bits are capped). Fewer bits are faster: 128 for batch scalars.
    pub fn mul(&self, s: &Scalar, nbits: usize) -> G1Sum {
        let p = self.to_sum();
        let mut out = blst_p1::default();
        // SAFETY: `s.0` has 32 readable bytes and at most 256 bits are read.
        unsafe { blst::blst_p1_mult(&mut out, &p.0, s.0.as_ptr(), nbits.clamp(1, 256)) };
        G1Sum(out)
    }

    /// The negation.
    pub fn neg(&self) -> G1 {
        let mut p = self.to_sum();
        // SAFETY: `p.0` is a live point.
        unsafe { blst::blst_p1_cneg(&mut p.0, true) };
        p.to_affine()
    }
}

impl G1Sum {
    /// The identity.
    pub fn identity() -> G1Sum {
        G1Sum::default()
    }

    /// `self + other`.
    pub fn add(&self, other: &G1Sum) -> G1Sum {
        let mut out = blst_p1::default();
        // SAFETY: all three are live values; blst allows any of them to be the identity.
        unsafe { blst::blst_p1_add_or_double(&mut out, &self.0, &other.0) };
        G1Sum(out)
    }

    /// `self + other` for an affine `other`.
    pub fn add_affine(&self, other: &G1) -> G1Sum {
        let mut out = blst_p1::default();
        // SAFETY: all three are live values.
        unsafe { blst::blst_p1_add_or_double_affine(&mut out, &self.0, &other.0) };
        G1Sum(out)
    }

    /// The affine form.
    pub fn to_affine(&self) -> G1 {
        let mut out = blst_p1_affine::default();
        // SAFETY: both are live values.
        unsafe { blst::blst_p1_to_affine(&mut out, &self.0) };
        G1(out)
    }

    /// Affine forms of many points with one field inversion.
    pub fn to_affine_batch(points: &[G1Sum]) -> Vec<G1> {
        let mut out = vec![G1::default(); points.len()];
        if points.is_empty() {
            return out;
        }
        let ptrs: [*const blst_p1; 2] = [&points[0].0, std::ptr::null()];
        // SAFETY: `out` has `points.len()` slots; blst reads that many
        // contiguous points from the first pointer (the null second entry
        // means "continue from the previous one"). `G1` and `G1Sum` are
        // `repr(transparent)` over the blst types.
        unsafe {
            blst::blst_p1s_to_affine(
                out.as_mut_ptr() as *mut blst_p1_affine,
                ptrs.as_ptr(),
                points.len(),
            )
        };
        out
    }

    /// Converts to arkworks (through the affine encoding).
    pub fn to_ark(&self) -> ark_bls12_381::G1Projective {
        self.to_affine().to_ark().into()
    }

    /// Whether this is the identity.
    pub fn is_identity(&self) -> bool {
        // SAFETY: `self.0` is initialised.
        unsafe { blst::blst_p1_is_inf(&self.0) }
    }

    /// The negation.
    pub fn neg(&self) -> G1Sum {
        let mut p = *self;
        // SAFETY: `p.0` is a live point.
        unsafe { blst::blst_p1_cneg(&mut p.0, true) };
        p
    }
}

impl G2 {
    /// Decodes 96 (compressed) or 192 (uncompressed) bytes strictly, with
    /// the rules and order of [`G1::decode`].
    pub fn decode(bytes: &[u8]) -> Result<G2, BlstError> {
        let mut p = blst_p2_affine::default();
        let mut again = [0u8; G2_UNCOMPRESSED];
        let again = match bytes.len() {
            G2_COMPRESSED => {
                // SAFETY: `bytes` holds 96 readable bytes, `p` is a live output.
                status(unsafe { blst::blst_p2_uncompress(&mut p, bytes.as_ptr()) })?;
                // SAFETY: `again` has room for 96 bytes; `p` is initialised.
                unsafe { blst::blst_p2_affine_compress(again.as_mut_ptr(), &p) };
                &again[..G2_COMPRESSED]
            }
            G2_UNCOMPRESSED => {
                // SAFETY: `bytes` holds 192 readable bytes, `p` is a live output.
                status(unsafe { blst::blst_p2_deserialize(&mut p, bytes.as_ptr()) })?;
                // SAFETY: `again` has room for 192 bytes; `p` is initialised.
                unsafe { blst::blst_p2_affine_serialize(again.as_mut_ptr(), &p) };
                &again[..]
            }
            got => {
                return Err(BlstError::Length {
                    group: "G2",
                    compressed: G2_COMPRESSED,
                    uncompressed: G2_UNCOMPRESSED,
                    got,
                })
            }
        };
        if again != bytes {
            return Err(BlstError::Encoding);
        }
        // SAFETY: `p` is an initialised affine point.
        if unsafe { blst::blst_p2_affine_is_inf(&p) } {
            return Err(BlstError::Identity);
        }
        // SAFETY: as above, and on the curve.
        if !unsafe { blst::blst_p2_affine_in_g2(&p) } {
            return Err(BlstError::NotInSubgroup);
        }
        Ok(G2(p))
    }

    /// The compressed encoding (96 bytes).
    pub fn to_compressed(&self) -> [u8; G2_COMPRESSED] {
        let mut out = [0u8; G2_COMPRESSED];
        // SAFETY: `out` has room for 96 bytes; `self.0` is initialised.
        unsafe { blst::blst_p2_affine_compress(out.as_mut_ptr(), &self.0) };
        out
    }

    /// The uncompressed encoding (192 bytes).
    pub fn to_uncompressed(&self) -> [u8; G2_UNCOMPRESSED] {
        let mut out = [0u8; G2_UNCOMPRESSED];
        // SAFETY: `out` has room for 192 bytes; `self.0` is initialised.
        unsafe { blst::blst_p2_affine_serialize(out.as_mut_ptr(), &self.0) };
        out
    }

    /// Converts an arkworks point; see [`G1::from_ark`].
    pub fn from_ark(p: &G2Affine) -> Result<G2, BlstError> {
        let mut bytes = [0u8; G2_UNCOMPRESSED];
        p.serialize_uncompressed(&mut bytes[..])
            .map_err(|_| BlstError::Encoding)?;
        let mut q = blst_p2_affine::default();
        // SAFETY: `bytes` holds 192 readable bytes, `q` is a live output.
        status(unsafe { blst::blst_p2_deserialize(&mut q, bytes.as_ptr()) })?;
        Ok(G2(q))
    }

    /// Converts to arkworks through the uncompressed encoding.
    pub fn to_ark(&self) -> G2Affine {
        G2Affine::deserialize_uncompressed_unchecked(&self.to_uncompressed()[..])
            .unwrap_or_default()
    }

    /// Whether this is the point at infinity.
    pub fn is_identity(&self) -> bool {
        // SAFETY: `self.0` is initialised.
        unsafe { blst::blst_p2_affine_is_inf(&self.0) }
    }

    /// Whether the point is in the prime-order subgroup.
    pub fn in_subgroup(&self) -> bool {
        // SAFETY: `self.0` is initialised and on the curve.
        unsafe { blst::blst_p2_affine_in_g2(&self.0) }
    }

    /// The projective form.
    pub fn to_sum(&self) -> G2Sum {
        let mut out = blst_p2::default();
        // SAFETY: both are live values.
        unsafe { blst::blst_p2_from_affine(&mut out, &self.0) };
        G2Sum(out)
    }

    /// `s · self` with the lowest `nbits` bits of `s` (at most 256).
    pub fn mul(&self, s: &Scalar, nbits: usize) -> G2Sum {
        let p = self.to_sum();
        let mut out = blst_p2::default();
        // SAFETY: `s.0` has 32 readable bytes and at most 256 bits are read.
        unsafe { blst::blst_p2_mult(&mut out, &p.0, s.0.as_ptr(), nbits.clamp(1, 256)) };
        G2Sum(out)
    }

    /// The negation.
    pub fn neg(&self) -> G2 {
        let mut p = self.to_sum();
        // SAFETY: `p.0` is a live point.
        unsafe { blst::blst_p2_cneg(&mut p.0, true) };
        p.to_affine()
    }
}

impl G2Sum {
    /// The identity.
    pub fn identity() -> G2Sum {
        G2Sum::default()
    }

    /// `self + other`.
    pub fn add(&self, other: &G2Sum) -> G2Sum {
        let mut out = blst_p2::default();
        // SAFETY: all three are live values.
        unsafe { blst::blst_p2_add_or_double(&mut out, &self.0, &other.0) };
        G2Sum(out)
    }

    /// The affine form.
    pub fn to_affine(&self) -> G2 {
        let mut out = blst_p2_affine::default();
        // SAFETY: both are live values.
        unsafe { blst::blst_p2_to_affine(&mut out, &self.0) };
        G2(out)
    }

    /// Affine forms of many points with one field inversion.
    pub fn to_affine_batch(points: &[G2Sum]) -> Vec<G2> {
        let mut out = vec![G2::default(); points.len()];
        if points.is_empty() {
            return out;
        }
        let ptrs: [*const blst_p2; 2] = [&points[0].0, std::ptr::null()];
        // SAFETY: `out` has `points.len()` slots; blst reads that many
        // contiguous points from the first pointer (the null second entry
        // means "continue from the previous one"). `G2` and `G2Sum` are
        // `repr(transparent)` over the blst types.
        unsafe {
            blst::blst_p2s_to_affine(
                out.as_mut_ptr() as *mut blst_p2_affine,
                ptrs.as_ptr(),
                points.len(),
            )
        };
        out
    }

    /// Converts to arkworks (through the affine encoding).
    pub fn to_ark(&self) -> ark_bls12_381::G2Projective {
        self.to_affine().to_ark().into()
    }
}

/// Converts arkworks points once (for keys): fails on a point off the curve.
pub fn g1s_from_ark(points: &[G1Affine]) -> Result<Vec<G1>, BlstError> {
    points.iter().map(G1::from_ark).collect()
}

/// Converts arkworks points once (for keys): fails on a point off the curve.
pub fn g2s_from_ark(points: &[G2Affine]) -> Result<Vec<G2>, BlstError> {
    points.iter().map(G2::from_ark).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
    use ark_std::UniformRand;
    use rand::SeedableRng;

    fn rng() -> rand_chacha::ChaCha20Rng {
        rand_chacha::ChaCha20Rng::seed_from_u64(11)
    }

    #[test]
    fn round_trips_agree_with_arkworks() {
        let mut rng = rng();
        for _ in 0..8 {
            let p = ark_bls12_381::G1Projective::rand(&mut rng).into_affine();
            let q = ark_bls12_381::G2Projective::rand(&mut rng).into_affine();
            let bp = G1::from_ark(&p).unwrap();
            let bq = G2::from_ark(&q).unwrap();
            assert_eq!(bp.to_ark(), p);
            assert_eq!(bq.to_ark(), q);
            let mut ark = Vec::new();
            p.serialize_compressed(&mut ark).unwrap();
            assert_eq!(bp.to_compressed().as_slice(), ark.as_slice());
            assert_eq!(G1::decode(&ark).unwrap(), bp);
            let mut ark = Vec::new();
            q.serialize_compressed(&mut ark).unwrap();
            assert_eq!(bq.to_compressed().as_slice(), ark.as_slice());
            assert_eq!(G2::decode(&ark).unwrap(), bq);
            assert_eq!(G1::decode(&bp.to_uncompressed()).unwrap(), bp);
            assert_eq!(G2::decode(&bq.to_uncompressed()).unwrap(), bq);
        }
        let zero = G1::from_ark(&G1Affine::zero()).unwrap();
        assert!(zero.is_identity());
        assert_eq!(zero.to_ark(), G1Affine::zero());
        assert!(G2::from_ark(&G2Affine::zero()).unwrap().is_identity());
    }

    #[test]
    fn decode_refuses_identity_length_and_wrong_subgroup() {
        let zero = G1::from_ark(&G1Affine::zero()).unwrap();
        assert_eq!(G1::decode(&zero.to_compressed()), Err(BlstError::Identity));
        assert_eq!(
            G1::decode(&zero.to_uncompressed()),
            Err(BlstError::Identity)
        );
        assert!(matches!(
            G1::decode(&[0u8; 47]),
            Err(BlstError::Length { got: 47, .. })
        ));
        assert!(matches!(
            G2::decode(&[0u8; 97]),
            Err(BlstError::Length { got: 97, .. })
        ));
        // A curve point outside the subgroup: try x = 1, 2, ... until one is on the curve.
        let mut found = false;
        for x in 1u64..64 {
            let Some(p) = G1Affine::get_point_from_x_unchecked(x.into(), false) else {
                continue;
            };
            if p.is_in_correct_subgroup_assuming_on_curve() {
                continue;
            }
            let b = G1::from_ark(&p).unwrap();
            assert_eq!(
                G1::decode(&b.to_compressed()),
                Err(BlstError::NotInSubgroup)
            );
            assert_eq!(
                G1::decode(&b.to_uncompressed()),
                Err(BlstError::NotInSubgroup)
            );
            found = true;
            break;
        }
        assert!(found);
        // Off the curve, uncompressed: the generator with y + 1.
        let g = ark_bls12_381::G1Projective::generator().into_affine();
        let off = G1Affine::new_unchecked(g.x, g.y + ark_bls12_381::Fq::from(1u64));
        let mut bytes = Vec::new();
        off.serialize_uncompressed(&mut bytes).unwrap();
        assert_eq!(G1::decode(&bytes), Err(BlstError::NotOnCurve));
        assert_eq!(G1::from_ark(&off), Err(BlstError::NotOnCurve));
    }

    #[test]
    fn arithmetic_agrees_with_arkworks() {
        let mut rng = rng();
        let p = ark_bls12_381::G1Projective::rand(&mut rng).into_affine();
        let q = ark_bls12_381::G2Projective::rand(&mut rng).into_affine();
        let s = ark_bls12_381::Fr::rand(&mut rng);
        let r: u128 = rand::Rng::gen(&mut rng);
        let bp = G1::from_ark(&p).unwrap();
        let bq = G2::from_ark(&q).unwrap();
        assert_eq!(bp.mul(&Scalar::from_fr(&s), 255).to_ark(), p * s);
        assert_eq!(bq.mul(&Scalar::from_fr(&s), 255).to_ark(), q * s);
        let rf = ark_bls12_381::Fr::from(r);
        assert_eq!(bp.mul(&Scalar::from_u128(r), 128).to_ark(), p * rf);
        assert_eq!(bp.neg().to_ark(), -p);
        assert_eq!(bq.neg().to_ark(), -q);
        let sums: Vec<G1Sum> = (1u64..6)
            .map(|k| bp.mul(&Scalar::from_u128(k.into()), 8))
            .chain([G1Sum::identity()])
            .collect();
        let affine = G1Sum::to_affine_batch(&sums);
        for (k, a) in affine.iter().enumerate().take(5) {
            assert_eq!(
                a.to_ark(),
                (p * ark_bls12_381::Fr::from(k as u64 + 1)).into_affine()
            );
        }
        assert!(affine[5].is_identity());
        assert_eq!(bp.to_sum().add(&bp.to_sum()).to_ark(), p + p);
        assert_eq!(bp.to_sum().add_affine(&bp).to_ark(), p + p);
        assert_eq!(bp.to_sum().neg().to_ark(), -p);
    }
}

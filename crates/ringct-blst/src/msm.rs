//! Multi-scalar multiplication over variable bases: blst's Pippenger, one
//! thread per call, plus a Rayon split over the calling pool.
//!
//! Scalars are [`Scalar`]s; `nbits` says how many low bits of each are used
//! (255 for field elements, 128 for batch-verification scalars). Bases may
//! include the identity (proving keys do).

use crate::error::BlstError;
use crate::point::{G1Sum, G2Sum, G1, G2};
use crate::scalar::Scalar;
use blst::{blst_p1, blst_p1_affine, blst_p2, blst_p2_affine};

/// Largest `nbits` an MSM takes.
pub const MAX_BITS: usize = 256;

/// Scalars packed at `(nbits + 7) / 8` bytes each, as blst reads them.
pub(crate) fn pack(scalars: &[Scalar], nbits: usize) -> Vec<u8> {
    let nbytes = nbits.div_ceil(8);
    if nbytes == 32 {
        return scalars.iter().flat_map(|s| s.0).collect();
    }
    let mut out = Vec::with_capacity(nbytes * scalars.len());
    for s in scalars {
        out.extend_from_slice(&s.0[..nbytes]);
    }
    out
}

fn check(bases: usize, scalars: usize) -> Result<(), BlstError> {
    if bases != scalars {
        return Err(BlstError::MsmLength { bases, scalars });
    }
    Ok(())
}

macro_rules! msm_impl {
    ($name:ident, $packed:ident, $par:ident, $add:ident, $add_par:ident, $point:ty, $sum:ty, $affine:ty, $proj:ty, $sizeof:path, $pippenger:path, $adds:path) => {
        /// `sum_i bases[i]` on the calling thread, with blst's batch-affine
        /// addition (one inversion per round, Montgomery's trick).
        pub fn $add(bases: &[$point]) -> $sum {
            if bases.is_empty() {
                return <$sum>::default();
            }
            let points: [*const $affine; 2] = [&bases[0].0, std::ptr::null()];
            let mut out = <$proj>::default();
            // SAFETY: `bases` holds `bases.len()` contiguous points (`repr(transparent)`);
            // the null second entry means "continue from the first".
            unsafe { $adds(&mut out, points.as_ptr(), bases.len()) };
            <$sum>::from_raw(out)
        }

        /// The sum split over the calling Rayon pool (parts of at least 256).
        pub fn $add_par(bases: &[$point]) -> $sum {
            use rayon::prelude::*;
            let threads = rayon::current_num_threads().max(1);
            let part = bases.len().div_ceil(threads).max(256);
            if part >= bases.len() {
                return $add(bases);
            }
            bases
                .par_chunks(part)
                .map($add)
                .reduce(<$sum>::default, |a, b| a.add(&b))
        }

        /// `sum_i scalars[i] · bases[i]` on the calling thread, using the
        /// lowest `nbits` bits of each scalar (1 to 256; capped).
        pub fn $name(
            bases: &[$point],
            scalars: &[Scalar],
            nbits: usize,
        ) -> Result<$sum, BlstError> {
            check(bases.len(), scalars.len())?;
            let nbits = nbits.clamp(1, MAX_BITS);
            Ok($packed(bases, &pack(scalars, nbits), nbits))
        }

        /// The MSM over scalars already packed at `(nbits + 7) / 8` bytes
        /// each (callers check `packed.len()` against `bases.len()`).
        pub(crate) fn $packed(bases: &[$point], packed: &[u8], nbits: usize) -> $sum {
            debug_assert_eq!(packed.len(), bases.len() * nbits.div_ceil(8));
            if bases.is_empty() {
                return <$sum>::default();
            }
            // SAFETY: pure size query.
            let scratch_bytes = unsafe { $sizeof(bases.len()) };
            let mut scratch = vec![0u64; scratch_bytes.div_ceil(8)];
            let points: [*const $affine; 2] = [&bases[0].0, std::ptr::null()];
            let scalar_ptrs: [*const u8; 2] = [packed.as_ptr(), std::ptr::null()];
            let mut out = <$proj>::default();
            // SAFETY: `bases` holds `bases.len()` contiguous points
            // (`repr(transparent)`), `packed` holds `(nbits + 7) / 8` bytes per
            // point (checked by every caller), `scratch` has the size blst
            // asked for; the null second entries mean "continue contiguously
            // from the first".
            unsafe {
                $pippenger(
                    &mut out,
                    points.as_ptr(),
                    bases.len(),
                    scalar_ptrs.as_ptr(),
                    nbits,
                    scratch.as_mut_ptr(),
                )
            };
            <$sum>::from_raw(out)
        }

        /// Like the single-thread MSM, split into one part per thread of the
        /// calling Rayon pool (parts of at least 64 bases), summed at the end.
        pub fn $par(bases: &[$point], scalars: &[Scalar], nbits: usize) -> Result<$sum, BlstError> {
            use rayon::prelude::*;
            check(bases.len(), scalars.len())?;
            let threads = rayon::current_num_threads().max(1);
            let part = bases.len().div_ceil(threads).max(64);
            if part >= bases.len() {
                return $name(bases, scalars, nbits);
            }
            bases
                .par_chunks(part)
                .zip(scalars.par_chunks(part))
                .map(|(b, s)| $name(b, s, nbits))
                .try_reduce(<$sum>::default, |a, b| Ok(a.add(&b)))
        }
    };
}

msm_impl!(
    g1,
    g1_packed,
    g1_parallel,
    g1_sum,
    g1_sum_parallel,
    G1,
    G1Sum,
    blst_p1_affine,
    blst_p1,
    blst::blst_p1s_mult_pippenger_scratch_sizeof,
    blst::blst_p1s_mult_pippenger,
    blst::blst_p1s_add
);
msm_impl!(
    g2,
    g2_packed,
    g2_parallel,
    g2_sum,
    g2_sum_parallel,
    G2,
    G2Sum,
    blst_p2_affine,
    blst_p2,
    blst::blst_p2s_mult_pippenger_scratch_sizeof,
    blst::blst_p2s_mult_pippenger,
    blst::blst_p2s_add
);

impl G1Sum {
    pub(crate) fn from_raw(p: blst_p1) -> Self {
        G1Sum(p)
    }
}

impl G2Sum {
    pub(crate) fn from_raw(p: blst_p2) -> Self {
        G2Sum(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bls12_381::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
    use ark_std::{UniformRand, Zero};
    use rand::SeedableRng;

    #[test]
    fn agrees_with_arkworks_on_random_inputs_with_zero_bases_and_scalars() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5);
        for n in [1usize, 2, 7, 33, 130] {
            let mut a1: Vec<G1Affine> = (0..n)
                .map(|_| G1Projective::rand(&mut rng).into_affine())
                .collect();
            let mut a2: Vec<G2Affine> = (0..n)
                .map(|_| G2Projective::rand(&mut rng).into_affine())
                .collect();
            let mut s: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            if n > 2 {
                a1[1] = G1Affine::zero();
                a2[1] = G2Affine::zero();
                s[2] = Fr::zero();
                s[0] = Fr::from(1u64);
            }
            let bg1 = crate::point::g1s_from_ark(&a1).unwrap();
            let bg2 = crate::point::g2s_from_ark(&a2).unwrap();
            let bs = crate::scalar::from_frs(&s);
            let want1 = G1Projective::msm(&a1, &s).unwrap();
            let want2 = G2Projective::msm(&a2, &s).unwrap();
            assert_eq!(g1(&bg1, &bs, 255).unwrap().to_ark(), want1, "G1, n = {n}");
            assert_eq!(g2(&bg2, &bs, 255).unwrap().to_ark(), want2, "G2, n = {n}");
            assert_eq!(g1_parallel(&bg1, &bs, 255).unwrap().to_ark(), want1);
            assert_eq!(g2_parallel(&bg2, &bs, 255).unwrap().to_ark(), want2);
            let sum1: G1Projective = a1.iter().map(|p| G1Projective::from(*p)).sum();
            let sum2: G2Projective = a2.iter().map(|p| G2Projective::from(*p)).sum();
            assert_eq!(g1_sum(&bg1).to_ark(), sum1);
            assert_eq!(g1_sum_parallel(&bg1).to_ark(), sum1);
            assert_eq!(g2_sum(&bg2).to_ark(), sum2);
            assert_eq!(g2_sum_parallel(&bg2).to_ark(), sum2);
            // 128-bit scalars.
            let small: Vec<u128> = (0..n).map(|_| rand::Rng::gen(&mut rng)).collect();
            let sf: Vec<Fr> = small.iter().map(|&r| Fr::from(r)).collect();
            let ss: Vec<Scalar> = small.iter().map(|&r| Scalar::from_u128(r)).collect();
            assert_eq!(
                g1(&bg1, &ss, 128).unwrap().to_ark(),
                G1Projective::msm(&a1, &sf).unwrap()
            );
        }
        assert!(g1(&[], &[], 255).unwrap().is_identity());
    }

    #[test]
    fn refuses_mismatched_lengths() {
        let p = G1::default();
        assert_eq!(
            g1(&[p, p], &[Scalar::default()], 255),
            Err(BlstError::MsmLength {
                bases: 2,
                scalars: 1
            })
        );
        assert_eq!(
            g2_parallel(&[G2::default()], &[], 255),
            Err(BlstError::MsmLength {
                bases: 1,
                scalars: 0
            })
        );
    }
}

//! MSMs over bases that never change (a proving key's), at half the scalar
//! width: each base `P` is stored with `2^128 · P`, computed once, so a
//! 256-bit MSM over `n` bases becomes one 128-bit MSM over `2n` bases:
//!
//! `sum_i s_i · P_i = sum_i lo(s_i) · P_i + sum_i hi(s_i) · (2^128 · P_i)`,
//!
//! where `lo` and `hi` are the low and high 128 bits of `s_i`. This is the
//! scalar split of the GLV method, with stored multiples in place of the
//! endomorphism (so no scalar decomposition and no lattice constants):
//! Pippenger then runs half as many windows over twice the points, which
//! saves the per-window bucket sums and doublings (about 10% of an MSM of
//! 2,500 to 11,000 bases here; docs/RINGCT-PERFORMANCE-BASELINE.md).
//!
//! Memory: twice the bases' own (96 bytes per G1 base, 192 per G2 base, so
//! 192 and 384), reported by `bytes()`.

use crate::error::BlstError;
use crate::msm::{g1_packed, g2_packed};
use crate::point::{G1Sum, G2Sum, G1, G2};
use crate::scalar::Scalar;

/// The scalar half-width, in bits.
pub const HALF_BITS: usize = 128;
const HALF_BYTES: usize = HALF_BITS / 8;

/// `2^128` as a scalar (the multiplier of the stored multiples).
fn two_to_the_128() -> Scalar {
    let mut s = [0u8; 32];
    s[HALF_BYTES] = 1;
    Scalar(s)
}

/// Packs the scalars for `2n` bases: the low halves of all scalars, then
/// the high halves, 16 bytes each.
fn pack_halves(scalars: &[Scalar]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 * HALF_BYTES * scalars.len());
    for s in scalars {
        out.extend_from_slice(&s.0[..HALF_BYTES]);
    }
    for s in scalars {
        out.extend_from_slice(&s.0[HALF_BYTES..]);
    }
    out
}

macro_rules! fixed_impl {
    ($fixed:ident, $point:ty, $sum:ty, $packed:path) => {
        /// Fixed bases with their `2^128` multiples (see the module docs).
        #[derive(Debug, Clone, Default)]
        pub struct $fixed {
            /// `n` bases, then their `n` multiples by `2^128`.
            points: Vec<$point>,
        }

        impl $fixed {
            /// Stores `bases` with their multiples by `2^128`, computed on
            /// the calling Rayon pool (128 doublings per base).
            pub fn new(bases: &[$point]) -> Self {
                use rayon::prelude::*;
                let shift = two_to_the_128();
                let shifted: Vec<$sum> = bases
                    .par_iter()
                    .map(|p| p.mul(&shift, HALF_BITS + 1))
                    .collect();
                let mut points = bases.to_vec();
                points.extend(<$sum>::to_affine_batch(&shifted));
                $fixed { points }
            }

            /// Bases (not counting the stored multiples).
            pub fn len(&self) -> usize {
                self.points.len() / 2
            }

            /// Whether there is no base.
            pub fn is_empty(&self) -> bool {
                self.points.is_empty()
            }

            /// The bases themselves (without the multiples).
            pub fn bases(&self) -> &[$point] {
                &self.points[..self.len()]
            }

            /// Memory the bases and their multiples hold, in bytes.
            pub fn bytes(&self) -> usize {
                self.points.len() * std::mem::size_of::<$point>()
            }

            /// `sum_i scalars[i] · bases[i]` for full 256-bit scalars, on
            /// the calling thread.
            pub fn msm(&self, scalars: &[Scalar]) -> Result<$sum, BlstError> {
                self.check(scalars)?;
                Ok($packed(&self.points, &pack_halves(scalars), HALF_BITS))
            }

            /// [`Self::msm`] split into one part per thread of the calling
            /// Rayon pool (parts of at least 64 of the `2n` points), summed
            /// at the end.
            pub fn msm_parallel(&self, scalars: &[Scalar]) -> Result<$sum, BlstError> {
                use rayon::prelude::*;
                self.check(scalars)?;
                let packed = pack_halves(scalars);
                let threads = rayon::current_num_threads().max(1);
                let part = self.points.len().div_ceil(threads).max(64);
                if part >= self.points.len() {
                    return Ok($packed(&self.points, &packed, HALF_BITS));
                }
                Ok(self
                    .points
                    .par_chunks(part)
                    .zip(packed.par_chunks(part * HALF_BYTES))
                    .map(|(b, s)| $packed(b, s, HALF_BITS))
                    .reduce(<$sum>::default, |a, b| a.add(&b)))
            }

            fn check(&self, scalars: &[Scalar]) -> Result<(), BlstError> {
                if scalars.len() != self.len() {
                    return Err(BlstError::MsmLength {
                        bases: self.len(),
                        scalars: scalars.len(),
                    });
                }
                Ok(())
            }
        }
    };
}

fixed_impl!(G1Fixed, G1, G1Sum, g1_packed);
fixed_impl!(G2Fixed, G2, G2Sum, g2_packed);

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bls12_381::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
    use ark_ff::{Field, One, PrimeField};
    use ark_std::{UniformRand, Zero};
    use rand::SeedableRng;

    /// Agrees with arkworks' MSM on random bases and scalars, with identity
    /// bases, zero, one and r - 1 scalars, scalars whose high or low half
    /// is zero, on one thread and on a pool.
    #[test]
    fn agrees_with_arkworks_on_random_and_edge_inputs() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(34);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        for n in [1usize, 2, 9, 70, 301] {
            let mut a1: Vec<G1Affine> = (0..n)
                .map(|_| G1Projective::rand(&mut rng).into_affine())
                .collect();
            let mut a2: Vec<G2Affine> = (0..n)
                .map(|_| G2Projective::rand(&mut rng).into_affine())
                .collect();
            let mut s: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let edges = [
                Fr::zero(),
                Fr::one(),
                -Fr::one(),
                Fr::from(u128::MAX),
                Fr::from(2u64).pow([128u64]) * Fr::from(12345u64),
            ];
            for (i, e) in edges.iter().enumerate().take(n) {
                s[i] = *e;
            }
            if n > 3 {
                a1[2] = G1Affine::zero();
                a2[3] = G2Affine::zero();
            }
            let f1 = G1Fixed::new(&crate::point::g1s_from_ark(&a1).unwrap());
            let f2 = G2Fixed::new(&crate::point::g2s_from_ark(&a2).unwrap());
            assert_eq!(f1.len(), n);
            assert_eq!(f1.bytes(), 2 * n * std::mem::size_of::<G1>());
            assert_eq!(f2.bytes(), 2 * n * std::mem::size_of::<G2>());
            let bs = crate::scalar::from_frs(&s);
            let want1 = G1Projective::msm(&a1, &s).unwrap();
            let want2 = G2Projective::msm(&a2, &s).unwrap();
            assert_eq!(f1.msm(&bs).unwrap().to_ark(), want1, "G1, n = {n}");
            assert_eq!(f2.msm(&bs).unwrap().to_ark(), want2, "G2, n = {n}");
            let (p1, p2) = pool.install(|| (f1.msm_parallel(&bs), f2.msm_parallel(&bs)));
            assert_eq!(p1.unwrap().to_ark(), want1, "G1 parallel, n = {n}");
            assert_eq!(p2.unwrap().to_ark(), want2, "G2 parallel, n = {n}");
        }
        // The stored multiple really is 2^128 · P.
        let p = G1Projective::rand(&mut rng).into_affine();
        let f = G1Fixed::new(&[G1::from_ark(&p).unwrap()]);
        let two128 = Fr::from_bigint(ark_ff::BigInt::new([0, 0, 1, 0])).unwrap();
        assert_eq!(f.points[1].to_ark(), (p * two128).into_affine());
    }

    #[test]
    fn refuses_a_wrong_scalar_count_and_handles_no_bases() {
        let f = G1Fixed::new(&[G1::default(), G1::default()]);
        assert_eq!(
            f.msm(&[Scalar::default()]),
            Err(BlstError::MsmLength {
                bases: 2,
                scalars: 1
            })
        );
        assert_eq!(
            G2Fixed::new(&[]).msm_parallel(&[Scalar::default()]),
            Err(BlstError::MsmLength {
                bases: 0,
                scalars: 1
            })
        );
        let empty = G1Fixed::new(&[]);
        assert!(empty.is_empty());
        assert!(empty.msm(&[]).unwrap().is_identity());
        assert!(empty.msm_parallel(&[]).unwrap().is_identity());
    }
}

//! Fixed-base precomputed tables for bases that never change (a proving
//! key's): blst's `mult_wbits`. A table with window `w` holds `2^(w-1)`
//! multiples of each base, so it costs `2^(w-1)` times the bases' own
//! memory (96 bytes per G1 point, 192 per G2 point); [`G1Table::bytes`]
//! and [`G2Table::bytes`] report it.

use crate::error::BlstError;
use crate::msm::{pack, MAX_BITS};
use crate::point::{G1Sum, G2Sum, G1, G2};
use crate::scalar::Scalar;
use blst::{blst_p1, blst_p1_affine, blst_p2, blst_p2_affine};

/// Largest window a table may use (blst takes 2 to 14; 2^13 multiples per
/// base is already far past any sensible memory budget).
pub const MAX_WINDOW: usize = 14;
/// Smallest window a table may use.
pub const MIN_WINDOW: usize = 2;

fn check_window(wbits: usize) -> Result<(), BlstError> {
    if !(MIN_WINDOW..=MAX_WINDOW).contains(&wbits) {
        return Err(BlstError::Window {
            max: MAX_WINDOW,
            got: wbits,
        });
    }
    Ok(())
}

macro_rules! table_impl {
    ($table:ident, $point:ty, $sum:ty, $affine:ty, $proj:ty, $size:path, $pre:path, $scratch:path, $mult:path) => {
        /// Precomputed multiples of a fixed list of bases.
        #[derive(Debug, Clone)]
        pub struct $table {
            table: Vec<$affine>,
            wbits: usize,
            npoints: usize,
        }

        impl $table {
            /// Precomputes the table of `bases` with window `wbits`
            /// (`MIN_WINDOW..=MAX_WINDOW`).
            pub fn new(bases: &[$point], wbits: usize) -> Result<Self, BlstError> {
                check_window(wbits)?;
                let npoints = bases.len();
                if npoints == 0 {
                    return Ok($table {
                        table: Vec::new(),
                        wbits,
                        npoints,
                    });
                }
                // SAFETY: pure size query.
                let bytes = unsafe { $size(wbits, npoints) };
                let mut table = vec![<$affine>::default(); bytes / std::mem::size_of::<$affine>()];
                let ptrs: [*const $affine; 2] = [&bases[0].0, std::ptr::null()];
                // SAFETY: `table` has the size blst asked for; `bases` holds
                // `npoints` contiguous points (`repr(transparent)`).
                unsafe { $pre(table.as_mut_ptr(), wbits, ptrs.as_ptr(), npoints) };
                Ok($table {
                    table,
                    wbits,
                    npoints,
                })
            }

            /// Bases in the table.
            pub fn len(&self) -> usize {
                self.npoints
            }

            /// Whether the table has no base.
            pub fn is_empty(&self) -> bool {
                self.npoints == 0
            }

            /// Memory the table holds, in bytes.
            pub fn bytes(&self) -> usize {
                self.table.len() * std::mem::size_of::<$affine>()
            }

            /// `sum_i scalars[i] · bases[i]` with the lowest `nbits` bits of
            /// each scalar, on the calling thread.
            pub fn msm(&self, scalars: &[Scalar], nbits: usize) -> Result<$sum, BlstError> {
                if scalars.len() != self.npoints {
                    return Err(BlstError::MsmLength {
                        bases: self.npoints,
                        scalars: scalars.len(),
                    });
                }
                let nbits = nbits.clamp(1, MAX_BITS);
                if self.npoints == 0 {
                    return Ok(<$sum>::default());
                }
                let packed = pack(scalars, nbits);
                // SAFETY: pure size query.
                let scratch_bytes = unsafe { $scratch(self.npoints) };
                let mut scratch = vec![0u64; scratch_bytes.div_ceil(8)];
                let scalar_ptrs: [*const u8; 2] = [packed.as_ptr(), std::ptr::null()];
                let mut out = <$proj>::default();
                // SAFETY: the table was built by blst for `npoints` bases and
                // `wbits`; `packed` holds `(nbits + 7) / 8` bytes per base;
                // `scratch` has the size blst asked for.
                unsafe {
                    $mult(
                        &mut out,
                        self.table.as_ptr(),
                        self.wbits,
                        self.npoints,
                        scalar_ptrs.as_ptr(),
                        nbits,
                        scratch.as_mut_ptr(),
                    )
                };
                Ok(<$sum>::from_raw(out))
            }
        }
    };
}

table_impl!(
    G1Table,
    G1,
    G1Sum,
    blst_p1_affine,
    blst_p1,
    blst::blst_p1s_mult_wbits_precompute_sizeof,
    blst::blst_p1s_mult_wbits_precompute,
    blst::blst_p1s_mult_wbits_scratch_sizeof,
    blst::blst_p1s_mult_wbits
);
table_impl!(
    G2Table,
    G2,
    G2Sum,
    blst_p2_affine,
    blst_p2,
    blst::blst_p2s_mult_wbits_precompute_sizeof,
    blst::blst_p2s_mult_wbits_precompute,
    blst::blst_p2s_mult_wbits_scratch_sizeof,
    blst::blst_p2s_mult_wbits
);

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bls12_381::{Fr, G1Projective, G2Projective};
    use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
    use ark_std::{UniformRand, Zero};
    use rand::SeedableRng;

    #[test]
    fn agrees_with_arkworks() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(21);
        let n = 40;
        let mut g1: Vec<_> = (0..n)
            .map(|_| G1Projective::rand(&mut rng).into_affine())
            .collect();
        let mut g2: Vec<_> = (0..n)
            .map(|_| G2Projective::rand(&mut rng).into_affine())
            .collect();
        g1[3] = ark_bls12_381::G1Affine::zero();
        g2[3] = ark_bls12_381::G2Affine::zero();
        let mut s: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        s[5] = Fr::zero();
        let bs = crate::scalar::from_frs(&s);
        for w in [2, 4, 5] {
            let t1 = G1Table::new(&crate::point::g1s_from_ark(&g1).unwrap(), w).unwrap();
            let t2 = G2Table::new(&crate::point::g2s_from_ark(&g2).unwrap(), w).unwrap();
            assert_eq!(t1.bytes(), (96 * n) << (w - 1));
            assert_eq!(t2.bytes(), (192 * n) << (w - 1));
            assert_eq!(
                t1.msm(&bs, 255).unwrap().to_ark(),
                G1Projective::msm(&g1, &s).unwrap()
            );
            assert_eq!(
                t2.msm(&bs, 255).unwrap().to_ark(),
                G2Projective::msm(&g2, &s).unwrap()
            );
            assert!(matches!(
                t1.msm(&bs[1..], 255),
                Err(BlstError::MsmLength { .. })
            ));
        }
        assert_eq!(
            G1Table::new(&[], 1).unwrap_err(),
            BlstError::Window {
                max: MAX_WINDOW,
                got: 1
            }
        );
        assert!(G1Table::new(&[], 15).is_err());
    }
}

//! Miller loops and the final exponentiation.
//!
//! A product of pairings `prod_i e(P_i, Q_i)` is checked as one
//! multi-Miller loop (blst shares the squarings of up to 16 pairs at a
//! time), optionally split into parts whose outputs are multiplied
//! ([`MillerLoop::mul`]), and one final exponentiation.

use crate::error::BlstError;
use crate::point::{G1, G2};
use blst::{blst_fp12, blst_p1_affine, blst_p2_affine};

/// The output of a Miller loop (an element of Fp12 before the final
/// exponentiation).
#[derive(Debug, Clone, Copy)]
pub struct MillerLoop(blst_fp12);

impl Default for MillerLoop {
    fn default() -> Self {
        Self::one()
    }
}

impl MillerLoop {
    /// The empty product.
    pub fn one() -> Self {
        // SAFETY: blst returns a pointer to a static constant.
        MillerLoop(unsafe { *blst::blst_fp12_one() })
    }

    /// `prod_i f(g1[i], g2[i])`, one multi-Miller loop. Pairs with the
    /// identity on either side are skipped (their pairing is 1).
    pub fn of(g1: &[G1], g2: &[G2]) -> Result<Self, BlstError> {
        if g1.len() != g2.len() {
            return Err(BlstError::PairCount {
                g1: g1.len(),
                g2: g2.len(),
            });
        }
        let (ps, qs): (Vec<blst_p1_affine>, Vec<blst_p2_affine>) = g1
            .iter()
            .zip(g2)
            .filter(|(p, q)| !p.is_identity() && !q.is_identity())
            .map(|(p, q)| (p.0, q.0))
            .unzip();
        if ps.is_empty() {
            return Ok(Self::one());
        }
        let p_ptrs: [*const blst_p1_affine; 2] = [ps.as_ptr(), std::ptr::null()];
        let q_ptrs: [*const blst_p2_affine; 2] = [qs.as_ptr(), std::ptr::null()];
        let mut out = blst_fp12::default();
        // SAFETY: `ps` and `qs` hold `ps.len()` contiguous points each (the
        // null second pointers mean "continue from the first"); `out` is a
        // live output.
        unsafe { blst::blst_miller_loop_n(&mut out, q_ptrs.as_ptr(), p_ptrs.as_ptr(), ps.len()) };
        Ok(MillerLoop(out))
    }

    /// The product of two Miller-loop outputs.
    pub fn mul(&self, other: &MillerLoop) -> MillerLoop {
        let mut out = blst_fp12::default();
        // SAFETY: all three are live values.
        unsafe { blst::blst_fp12_mul(&mut out, &self.0, &other.0) };
        MillerLoop(out)
    }

    /// Whether the final exponentiation of this output is 1, that is,
    /// whether the product of pairings it stands for is 1.
    pub fn final_exp_is_one(&self) -> bool {
        let mut out = blst_fp12::default();
        // SAFETY: both are live values.
        unsafe { blst::blst_final_exp(&mut out, &self.0) };
        // SAFETY: `out` is initialised.
        unsafe { blst::blst_fp12_is_one(&out) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::Scalar;
    use ark_bls12_381::{Fr, G1Projective, G2Projective};
    use ark_ec::CurveGroup;
    use ark_std::UniformRand;
    use rand::SeedableRng;

    #[test]
    fn products_of_pairings() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        let p = G1::from_ark(&G1Projective::rand(&mut rng).into_affine()).unwrap();
        let q = G2::from_ark(&G2Projective::rand(&mut rng).into_affine()).unwrap();
        let s = Scalar::from_fr(&Fr::rand(&mut rng));
        // e(sP, Q) · e(P, -sQ) = 1
        let sp = p.mul(&s, 255).to_affine();
        let sq = q.mul(&s, 255).to_affine().neg();
        let ml = MillerLoop::of(&[sp, p], &[q, sq]).unwrap();
        assert!(ml.final_exp_is_one());
        // Split into two loops and multiplied: same verdict.
        let a = MillerLoop::of(&[sp], &[q]).unwrap();
        let b = MillerLoop::of(&[p], &[sq]).unwrap();
        assert!(a.mul(&b).final_exp_is_one());
        // e(sP, Q) · e(P, -Q) != 1 for s != 1.
        assert!(!MillerLoop::of(&[sp, p], &[q, q.neg()])
            .unwrap()
            .final_exp_is_one());
        // Identity pairs are skipped; an empty product is 1.
        assert!(MillerLoop::of(&[G1::default(), sp, p], &[q, q, sq])
            .unwrap()
            .final_exp_is_one());
        assert!(MillerLoop::of(&[], &[]).unwrap().final_exp_is_one());
        assert!(!MillerLoop::of(&[p], &[q]).unwrap().final_exp_is_one());
        assert_eq!(
            MillerLoop::of(&[p], &[]).unwrap_err(),
            BlstError::PairCount { g1: 1, g2: 0 }
        );
        // More than 16 pairs (blst's inner batch): 20 copies of e(P,Q)e(P,-Q).
        let ps = vec![p; 20];
        let qs: Vec<G2> = (0..20)
            .map(|i| if i % 2 == 0 { q } else { q.neg() })
            .collect();
        assert!(MillerLoop::of(&ps, &qs).unwrap().final_exp_is_one());
        let mut qs_bad = qs.clone();
        qs_bad[19] = q;
        assert!(!MillerLoop::of(&ps, &qs_bad).unwrap().final_exp_is_one());
    }
}

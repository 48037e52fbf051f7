//! The proof's MSMs on blst: the proving key's bases converted once when
//! the key loads ([`FastKey`]), and the five MSMs of a Groth16 proof
//! assembled exactly as ark-groth16 0.6 assembles them
//! (`create_proof_with_assignment`), so that for the same `r` and `s` the
//! proof is the same group elements, hence the same bytes.
//!
//! Scalars that are 0 or 1 (most of a RingCT witness: bits and booleans)
//! are split off before each MSM: zeros are dropped and ones become a plain
//! sum of their bases; only the rest goes through Pippenger. Every MSM is
//! split over the calling Rayon pool (one part per thread), so a proof on a
//! one-thread pool runs unsplit.
//!
//! No blst type leaves this module: the output is an arkworks `Proof`.

use ark_bls12_381::{Bls12_381, Fr};
use ark_ff::{One, Zero};
use ark_groth16::{Proof, ProvingKey};
use ringct_blst::point::{g1s_from_ark, g2s_from_ark};
use ringct_blst::{msm, BlstError, G1Sum, G2Sum, Scalar, G1, G2};

/// The proving key's points in blst's form.
#[derive(Debug, Clone)]
pub(crate) struct FastKey {
    h: Vec<G1>,
    l: Vec<G1>,
    a: Vec<G1>,
    b_g1: Vec<G1>,
    b_g2: Vec<G2>,
    alpha_g1: G1,
    beta_g1: G1,
    delta_g1: G1,
    beta_g2: G2,
    delta_g2: G2,
}

impl FastKey {
    /// Converts every point of `pk` (once, when the key loads). Fails only
    /// for a point off its curve.
    pub(crate) fn new(pk: &ProvingKey<Bls12_381>) -> Result<Self, BlstError> {
        Ok(FastKey {
            h: g1s_from_ark(&pk.h_query)?,
            l: g1s_from_ark(&pk.l_query)?,
            a: g1s_from_ark(&pk.a_query)?,
            b_g1: g1s_from_ark(&pk.b_g1_query)?,
            b_g2: g2s_from_ark(&pk.b_g2_query)?,
            alpha_g1: G1::from_ark(&pk.vk.alpha_g1)?,
            beta_g1: G1::from_ark(&pk.beta_g1)?,
            delta_g1: G1::from_ark(&pk.delta_g1)?,
            beta_g2: G2::from_ark(&pk.vk.beta_g2)?,
            delta_g2: G2::from_ark(&pk.vk.delta_g2)?,
        })
    }

    /// Bytes the converted points hold.
    pub(crate) fn bytes(&self) -> usize {
        let g1 = self.h.len() + self.l.len() + self.a.len() + self.b_g1.len() + 3;
        let g2 = self.b_g2.len() + 2;
        g1 * std::mem::size_of::<G1>() + g2 * std::mem::size_of::<G2>()
    }

    /// The proof for witness-map output `h`, instance inputs
    /// `input_assignment` (without the constant one), witness
    /// `aux_assignment` and randomness `r`, `s`: ark-groth16's formulas.
    /// With `split`, 0/1 scalars are split off each MSM.
    pub(crate) fn prove(
        &self,
        r: Fr,
        s: Fr,
        h: &[Fr],
        input_assignment: &[Fr],
        aux_assignment: &[Fr],
        split: bool,
    ) -> Result<Proof<Bls12_381>, BlstError> {
        let g1_msm = |b: &[G1], x: &[Fr]| {
            if split {
                g1_msm(b, x)
            } else {
                g1_msm_plain(b, x)
            }
        };
        let g2_msm = |b: &[G2], x: &[Fr]| {
            if split {
                g2_msm(b, x)
            } else {
                g2_msm_plain(b, x)
            }
        };
        let assignment: Vec<Fr> = [input_assignment, aux_assignment].concat();
        let (rs, ss, rss) = (
            Scalar::from_fr(&r),
            Scalar::from_fr(&s),
            Scalar::from_fr(&(r * s)),
        );

        // C's parts: H and L.
        let h_acc = g1_msm(&self.h, h)?;
        let l_aux_acc = g1_msm(&self.l, aux_assignment)?;
        let r_s_delta_g1 = self.delta_g1.mul(&rss, 255);

        // A = r·delta + a[0] + sum a[i+1]·z_i + alpha.
        let g_a = self
            .delta_g1
            .mul(&rs, 255)
            .add_affine(&self.a[0])
            .add(&g1_msm(&self.a[1..], &assignment)?)
            .add_affine(&self.alpha_g1);
        let s_g_a = g_a.to_affine().mul(&ss, 255);

        // B in G1 (only needed when r != 0, as in ark-groth16).
        let g1_b = if r.is_zero() {
            G1Sum::identity()
        } else {
            self.delta_g1
                .mul(&ss, 255)
                .add_affine(&self.b_g1[0])
                .add(&g1_msm(&self.b_g1[1..], &assignment)?)
                .add_affine(&self.beta_g1)
        };

        // B in G2.
        let g2_b = self
            .delta_g2
            .mul(&ss, 255)
            .add(&self.b_g2[0].to_sum())
            .add(&g2_msm(&self.b_g2[1..], &assignment)?)
            .add(&self.beta_g2.to_sum());
        let r_g1_b = g1_b.to_affine().mul(&rs, 255);

        // C = s·A + r·B1 - r·s·delta + L + H.
        let g_c = s_g_a
            .add(&r_g1_b)
            .add(&r_s_delta_g1.neg())
            .add(&l_aux_acc)
            .add(&h_acc);

        Ok(Proof {
            a: g_a.to_affine().to_ark(),
            b: g2_b.to_affine().to_ark(),
            c: g_c.to_affine().to_ark(),
        })
    }
}

/// Scalars split by value: indices of ones, and the other non-zero ones
/// with their indices.
fn split(scalars: &[Fr]) -> (Vec<usize>, Vec<usize>, Vec<Scalar>) {
    let mut ones = Vec::new();
    let mut rest = Vec::new();
    let mut rest_scalars = Vec::new();
    for (i, x) in scalars.iter().enumerate() {
        if x.is_zero() {
            continue;
        }
        if x.is_one() {
            ones.push(i);
        } else {
            rest.push(i);
            rest_scalars.push(Scalar::from_fr(x));
        }
    }
    (ones, rest, rest_scalars)
}

/// `sum_i scalars[i] · bases[i]` over `min(len)` pairs (ark-groth16's MSMs
/// zip the two), with 0/1 scalars split off.
pub(crate) fn g1_msm(bases: &[G1], scalars: &[Fr]) -> Result<G1Sum, BlstError> {
    let n = bases.len().min(scalars.len());
    let (ones, rest, rest_scalars) = split(&scalars[..n]);
    let rest_bases: Vec<G1> = rest.iter().map(|&i| bases[i]).collect();
    let one_bases: Vec<G1> = ones.iter().map(|&i| bases[i]).collect();
    let ones_sum = msm::g1_sum_parallel(&one_bases);
    Ok(msm::g1_parallel(&rest_bases, &rest_scalars, 255)?.add(&ones_sum))
}

/// [`g1_msm`] without the 0/1 split.
pub(crate) fn g1_msm_plain(bases: &[G1], scalars: &[Fr]) -> Result<G1Sum, BlstError> {
    let n = bases.len().min(scalars.len());
    msm::g1_parallel(
        &bases[..n],
        &ringct_blst::scalar::from_frs(&scalars[..n]),
        255,
    )
}

/// [`g2_msm`] without the 0/1 split.
pub(crate) fn g2_msm_plain(bases: &[G2], scalars: &[Fr]) -> Result<G2Sum, BlstError> {
    let n = bases.len().min(scalars.len());
    msm::g2_parallel(
        &bases[..n],
        &ringct_blst::scalar::from_frs(&scalars[..n]),
        255,
    )
}

/// The G2 counterpart of [`g1_msm`].
pub(crate) fn g2_msm(bases: &[G2], scalars: &[Fr]) -> Result<G2Sum, BlstError> {
    let n = bases.len().min(scalars.len());
    let (ones, rest, rest_scalars) = split(&scalars[..n]);
    let rest_bases: Vec<G2> = rest.iter().map(|&i| bases[i]).collect();
    let one_bases: Vec<G2> = ones.iter().map(|&i| bases[i]).collect();
    let ones_sum = msm::g2_sum_parallel(&one_bases);
    Ok(msm::g2_parallel(&rest_bases, &rest_scalars, 255)?.add(&ones_sum))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
    use ark_ff::UniformRand;
    use rand::{Rng, SeedableRng};

    /// Our MSMs (0/1 split, blst Pippenger, parallel parts) equal arkworks'
    /// `VariableBaseMSM` on random bases and scalars, with identity bases,
    /// runs of zeros and ones, and more scalars than bases (zipped).
    #[test]
    fn msms_agree_with_arkworks_variable_base_msm() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
        for n in [1usize, 5, 64, 300] {
            let mut g1: Vec<G1Affine> = (0..n)
                .map(|_| G1Projective::rand(&mut rng).into_affine())
                .collect();
            let mut g2: Vec<G2Affine> = (0..n)
                .map(|_| G2Projective::rand(&mut rng).into_affine())
                .collect();
            g1[0] = G1Affine::zero();
            g2[n / 2] = G2Affine::zero();
            let s: Vec<Fr> = (0..n + 3)
                .map(|_| match rng.gen_range(0..4) {
                    0 => Fr::zero(),
                    1 => Fr::one(),
                    2 => Fr::from(rng.gen::<u64>()),
                    _ => Fr::rand(&mut rng),
                })
                .collect();
            let b1 = g1s_from_ark(&g1).unwrap();
            let b2 = g2s_from_ark(&g2).unwrap();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            for threads in [1, 2] {
                let run = || {
                    (
                        g1_msm(&b1, &s).unwrap().to_ark(),
                        g2_msm(&b2, &s).unwrap().to_ark(),
                    )
                };
                let (m1, m2) = if threads == 1 {
                    run()
                } else {
                    pool.install(run)
                };
                assert_eq!(m1, G1Projective::msm_unchecked(&g1, &s[..n]), "G1, n = {n}");
                assert_eq!(m2, G2Projective::msm_unchecked(&g2, &s[..n]), "G2, n = {n}");
            }
        }
    }
}

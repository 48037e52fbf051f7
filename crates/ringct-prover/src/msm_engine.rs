//! The proof's MSMs on blst: the proving key's bases converted once when
//! the key loads ([`FastKey`]), and a Groth16 proof assembled so that for
//! the same `r` and `s` it is the same group elements as ark-groth16 0.6's
//! (`create_proof_with_assignment`), hence the same bytes.
//!
//! ark-groth16 runs five MSMs: A, B in G1 and B in G2 over the assignment,
//! L over the witness, H over the witness map's output. The default path
//! ([`FastKey::prove`]) runs three, each over fixed bases stored with their
//! `2^128` multiples ([`ringct_blst::G1Fixed`]: 128-bit scalars over twice
//! the points):
//! - A, as ark-groth16 does;
//! - B in G2, without the key's identity points (the variables that never
//!   appear in B: 1,099 of 3,573 on 2x2-r16);
//! - one MSM for all of C but `s·A`. ark-groth16 computes
//!   `C = s·A + r·B1 - r·s·delta + L + H` with
//!   `B1 = s·delta + b1[0] + beta + sum z_i·b1[i+1]`; the `r·s·delta` terms
//!   cancel, so `C = s·A + r·(b1[0] + beta) + sum (r·z_i)·b1[i+1] + L + H`,
//!   and the last three sums are one MSM over the B1 bases (scalars `r·z_i`,
//!   identity bases left out), the L bases and the H bases. A larger MSM
//!   costs less per point, and B in G1 is never formed.
//!
//! [`FastKey::prove_plain`] runs ark-groth16's five MSMs one by one with
//! blst's Pippenger on the key's own bases: our MSM on the same bases and
//! scalars as arkworks', for comparison. Every MSM is split over the
//! calling Rayon pool (one part per thread), so a proof on a one-thread
//! pool runs unsplit.
//!
//! No blst type leaves this module: the output is an arkworks `Proof`.

use ark_bls12_381::{Bls12_381, Fr};
use ark_ec::AffineRepr;
use ark_ff::Zero;
use ark_groth16::{Proof, ProvingKey};
use ringct_blst::point::{g1s_from_ark, g2s_from_ark};
use ringct_blst::{msm, BlstError, G1Fixed, G1Sum, G2Fixed, G2Sum, Scalar, G1, G2};

/// The proving key's points in blst's form, with their `2^128` multiples.
#[derive(Debug, Clone)]
pub(crate) struct FastKey {
    /// `a_query[1..]`: one base per assignment value.
    a: G1Fixed,
    a0: G1,
    /// `b_g2_query[1..]` without identity points, and the assignment index
    /// of each.
    b_g2: G2Fixed,
    b_g2_index: Vec<usize>,
    b_g2_0: G2,
    /// C's bases: `b_g1_query[1..]` without identity points (assignment
    /// indices in `b_g1_index`), then `l_query`, then `h_query`.
    c: G1Fixed,
    b_g1_index: Vec<usize>,
    l_len: usize,
    h_len: usize,
    b_g1_0: G1,
    alpha_g1: G1,
    beta_g1: G1,
    delta_g1: G1,
    beta_g2: G2,
    delta_g2: G2,
}

/// Indices of the non-identity points.
fn non_identity<P: AffineRepr>(points: &[P]) -> Vec<usize> {
    (0..points.len())
        .filter(|&i| !points[i].is_zero())
        .collect()
}

/// `values[i]` as a scalar for each of `n` positions, zero past the end
/// (ark-groth16's MSMs zip bases with scalars).
fn scalars(n: usize, values: &[Fr]) -> Vec<Scalar> {
    (0..n)
        .map(|i| values.get(i).map(Scalar::from_fr).unwrap_or_default())
        .collect()
}

/// The first `n` of `values`, zero past the end.
fn padded(n: usize, values: &[Scalar]) -> Vec<Scalar> {
    (0..n)
        .map(|i| values.get(i).copied().unwrap_or_default())
        .collect()
}

/// `values[i]` for each index, zero past the end.
fn gather<T: Copy + Default>(index: &[usize], values: &[T]) -> Vec<T> {
    index
        .iter()
        .map(|&i| values.get(i).copied().unwrap_or_default())
        .collect()
}

impl FastKey {
    /// Converts every point of `pk` and computes the `2^128` multiples on
    /// the calling Rayon pool (once, when the key loads). Fails only for a
    /// point off its curve, or a key without its first query points.
    pub(crate) fn new(pk: &ProvingKey<Bls12_381>) -> Result<Self, BlstError> {
        let first = |n: usize| {
            if n == 0 {
                Err(BlstError::MsmLength {
                    bases: 0,
                    scalars: 1,
                })
            } else {
                Ok(())
            }
        };
        first(pk.a_query.len())?;
        first(pk.b_g1_query.len())?;
        first(pk.b_g2_query.len())?;
        let b_g2_index = non_identity(&pk.b_g2_query[1..]);
        let b_g2: Vec<_> = b_g2_index.iter().map(|&i| pk.b_g2_query[i + 1]).collect();
        let b_g1_index = non_identity(&pk.b_g1_query[1..]);
        let mut c: Vec<_> = b_g1_index.iter().map(|&i| pk.b_g1_query[i + 1]).collect();
        c.extend_from_slice(&pk.l_query);
        c.extend_from_slice(&pk.h_query);
        Ok(FastKey {
            a: G1Fixed::new(&g1s_from_ark(&pk.a_query[1..])?),
            a0: G1::from_ark(&pk.a_query[0])?,
            b_g2: G2Fixed::new(&g2s_from_ark(&b_g2)?),
            b_g2_index,
            b_g2_0: G2::from_ark(&pk.b_g2_query[0])?,
            c: G1Fixed::new(&g1s_from_ark(&c)?),
            b_g1_index,
            l_len: pk.l_query.len(),
            h_len: pk.h_query.len(),
            b_g1_0: G1::from_ark(&pk.b_g1_query[0])?,
            alpha_g1: G1::from_ark(&pk.vk.alpha_g1)?,
            beta_g1: G1::from_ark(&pk.beta_g1)?,
            delta_g1: G1::from_ark(&pk.delta_g1)?,
            beta_g2: G2::from_ark(&pk.vk.beta_g2)?,
            delta_g2: G2::from_ark(&pk.vk.delta_g2)?,
        })
    }

    /// Bytes the converted points and their multiples hold.
    pub(crate) fn bytes(&self) -> usize {
        let g1 = 6 * std::mem::size_of::<G1>();
        let g2 = 3 * std::mem::size_of::<G2>();
        let index = (self.b_g1_index.len() + self.b_g2_index.len()) * std::mem::size_of::<usize>();
        self.a.bytes() + self.b_g2.bytes() + self.c.bytes() + g1 + g2 + index
    }

    /// A = r·delta + a[0] + sum z_i·a[i+1] + alpha, given the sum.
    fn g_a(&self, rs: &Scalar, a_sum: &G1Sum) -> G1Sum {
        self.delta_g1
            .mul(rs, 255)
            .add_affine(&self.a0)
            .add(a_sum)
            .add_affine(&self.alpha_g1)
    }

    /// B in G2 = s·delta + b2[0] + sum z_i·b2[i+1] + beta, given the sum.
    fn g2_b(&self, ss: &Scalar, b2_sum: &G2Sum) -> G2Sum {
        self.delta_g2
            .mul(ss, 255)
            .add(&self.b_g2_0.to_sum())
            .add(b2_sum)
            .add(&self.beta_g2.to_sum())
    }

    /// The assignment's values (as scalars) at B in G2's non-identity bases.
    fn b2_scalars(&self, z: &[Scalar]) -> Vec<Scalar> {
        gather(&self.b_g2_index, z)
    }

    /// The proof for witness-map output `h`, instance inputs
    /// `input_assignment` (without the constant one), witness
    /// `aux_assignment` and randomness `r`, `s`, with three MSMs (module
    /// docs).
    pub(crate) fn prove(
        &self,
        r: Fr,
        s: Fr,
        h: &[Fr],
        input_assignment: &[Fr],
        aux_assignment: &[Fr],
    ) -> Result<Proof<Bls12_381>, BlstError> {
        let assignment: Vec<Fr> = [input_assignment, aux_assignment].concat();
        let (rs, ss) = (Scalar::from_fr(&r), Scalar::from_fr(&s));

        // The assignment as scalars, once: A, B in G2 and L read it.
        let z = ringct_blst::scalar::from_frs(&assignment);
        let a_scalars = padded(self.a.len(), &z);
        let g_a = self.g_a(&rs, &self.a.msm_parallel(&a_scalars)?);
        let s_g_a = g_a.to_affine().mul(&ss, 255);
        let b2_scalars = self.b2_scalars(&z);
        let g2_b = self.g2_b(&ss, &self.b_g2.msm_parallel(&b2_scalars)?);

        // C = s·A + r·(b1[0] + beta) + [sum (r·z_i)·b1[i+1] + L + H].
        let mut c_scalars: Vec<Scalar> = gather(&self.b_g1_index, &assignment)
            .iter()
            .map(|z| Scalar::from_fr(&(r * z)))
            .collect();
        c_scalars.extend(padded(self.l_len, &z[input_assignment.len()..]));
        c_scalars.extend(scalars(self.h_len, h));
        let r_b1 = if r.is_zero() {
            G1Sum::identity()
        } else {
            self.b_g1_0
                .to_sum()
                .add_affine(&self.beta_g1)
                .to_affine()
                .mul(&rs, 255)
        };
        let g_c = s_g_a.add(&r_b1).add(&self.c.msm_parallel(&c_scalars)?);

        Ok(Proof {
            a: g_a.to_affine().to_ark(),
            b: g2_b.to_affine().to_ark(),
            c: g_c.to_affine().to_ark(),
        })
    }

    /// The same proof with ark-groth16's five MSMs, each with blst's
    /// Pippenger over the key's own bases (no multiples, no merging).
    pub(crate) fn prove_plain(
        &self,
        r: Fr,
        s: Fr,
        h: &[Fr],
        input_assignment: &[Fr],
        aux_assignment: &[Fr],
    ) -> Result<Proof<Bls12_381>, BlstError> {
        let assignment: Vec<Fr> = [input_assignment, aux_assignment].concat();
        let (rs, ss, rss) = (
            Scalar::from_fr(&r),
            Scalar::from_fr(&s),
            Scalar::from_fr(&(r * s)),
        );
        let nb1 = self.b_g1_index.len();
        let c_bases = self.c.bases();
        let g1 = |b: &[G1], x: Vec<Scalar>| msm::g1_parallel(b, &x, 255);

        // C's parts: H and L.
        let h_acc = g1(&c_bases[nb1 + self.l_len..], scalars(self.h_len, h))?;
        let l_acc = g1(
            &c_bases[nb1..nb1 + self.l_len],
            scalars(self.l_len, aux_assignment),
        )?;
        let r_s_delta_g1 = self.delta_g1.mul(&rss, 255);

        let a_sum = g1(self.a.bases(), scalars(self.a.len(), &assignment))?;
        let g_a = self.g_a(&rs, &a_sum);
        let s_g_a = g_a.to_affine().mul(&ss, 255);

        let g1_b = if r.is_zero() {
            G1Sum::identity()
        } else {
            self.delta_g1
                .mul(&ss, 255)
                .add_affine(&self.b_g1_0)
                .add(&g1(
                    &c_bases[..nb1],
                    scalars(nb1, &gather(&self.b_g1_index, &assignment)),
                )?)
                .add_affine(&self.beta_g1)
        };

        let z = ringct_blst::scalar::from_frs(&assignment);
        let b2_sum = msm::g2_parallel(self.b_g2.bases(), &self.b2_scalars(&z), 255)?;
        let g2_b = self.g2_b(&ss, &b2_sum);
        let r_g1_b = g1_b.to_affine().mul(&rs, 255);

        let g_c = s_g_a
            .add(&r_g1_b)
            .add(&r_s_delta_g1.neg())
            .add(&l_acc)
            .add(&h_acc);

        Ok(Proof {
            a: g_a.to_affine().to_ark(),
            b: g2_b.to_affine().to_ark(),
            c: g_c.to_affine().to_ark(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{CurveGroup, VariableBaseMSM};
    use ark_ff::{One, UniformRand};
    use ark_groth16::VerifyingKey;
    use rand::{Rng, SeedableRng};

    /// ark-groth16 0.6's `create_proof_with_assignment` (private there),
    /// written out with arkworks' own MSMs: the reference.
    fn reference(
        pk: &ProvingKey<Bls12_381>,
        r: Fr,
        s: Fr,
        h: &[Fr],
        input: &[Fr],
        aux: &[Fr],
    ) -> Proof<Bls12_381> {
        let assignment = [input, aux].concat();
        let msm1 = |b: &[G1Affine], x: &[Fr]| {
            let n = b.len().min(x.len());
            G1Projective::msm_unchecked(&b[..n], &x[..n])
        };
        let msm2 = |b: &[G2Affine], x: &[Fr]| {
            let n = b.len().min(x.len());
            G2Projective::msm_unchecked(&b[..n], &x[..n])
        };
        let h_acc = msm1(&pk.h_query, h);
        let l_acc = msm1(&pk.l_query, aux);
        let g_a =
            pk.delta_g1 * r + pk.a_query[0] + msm1(&pk.a_query[1..], &assignment) + pk.vk.alpha_g1;
        let g1_b = if r.is_zero() {
            G1Projective::zero()
        } else {
            pk.delta_g1 * s + pk.b_g1_query[0] + msm1(&pk.b_g1_query[1..], &assignment) + pk.beta_g1
        };
        let g2_b = pk.vk.delta_g2 * s
            + pk.b_g2_query[0]
            + msm2(&pk.b_g2_query[1..], &assignment)
            + pk.vk.beta_g2;
        let g_c = g_a * s + g1_b * r - pk.delta_g1 * (r * s) + l_acc + h_acc;
        Proof {
            a: g_a.into_affine(),
            b: g2_b.into_affine(),
            c: g_c.into_affine(),
        }
    }

    /// On a random key (with identity points in every query, as real keys
    /// have in B) and random assignments (runs of zeros and ones, small and
    /// full scalars, more witness-map values than H bases, as the FFTs
    /// give), both of our paths make exactly ark-groth16's proof (its
    /// formulas with arkworks' MSMs), for `r = 0` too. The byte-for-byte
    /// comparison with ark-groth16's prover itself, on real keys, is in
    /// tests/prover.rs.
    #[test]
    fn both_paths_equal_ark_groth16_on_random_keys_and_assignments() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
        let g1 = |rng: &mut rand_chacha::ChaCha20Rng| G1Projective::rand(rng).into_affine();
        let g2 = |rng: &mut rand_chacha::ChaCha20Rng| G2Projective::rand(rng).into_affine();
        for (inputs, witness, domain) in [(1usize, 1usize, 2usize), (3, 40, 64), (9, 300, 512)] {
            let vars = 1 + inputs + witness;
            let mut pk = ProvingKey::<Bls12_381> {
                vk: VerifyingKey {
                    alpha_g1: g1(&mut rng),
                    beta_g2: g2(&mut rng),
                    gamma_g2: g2(&mut rng),
                    delta_g2: g2(&mut rng),
                    gamma_abc_g1: (0..=inputs).map(|_| g1(&mut rng)).collect(),
                },
                beta_g1: g1(&mut rng),
                delta_g1: g1(&mut rng),
                a_query: (0..vars).map(|_| g1(&mut rng)).collect(),
                b_g1_query: (0..vars).map(|_| g1(&mut rng)).collect(),
                b_g2_query: (0..vars).map(|_| g2(&mut rng)).collect(),
                h_query: (0..domain - 1).map(|_| g1(&mut rng)).collect(),
                l_query: (0..witness).map(|_| g1(&mut rng)).collect(),
            };
            for i in (0..vars).step_by(3) {
                pk.b_g1_query[i] = G1Affine::zero();
                pk.b_g2_query[i] = G2Affine::zero();
            }
            pk.a_query[vars - 1] = G1Affine::zero();
            let key = FastKey::new(&pk).unwrap();
            assert!(key.bytes() > 0);
            let value = |rng: &mut rand_chacha::ChaCha20Rng| match rng.gen_range(0..4) {
                0 => Fr::zero(),
                1 => Fr::one(),
                2 => Fr::from(rng.gen::<u64>()),
                _ => Fr::rand(rng),
            };
            let input: Vec<Fr> = (0..inputs).map(|_| value(&mut rng)).collect();
            let aux: Vec<Fr> = (0..witness).map(|_| value(&mut rng)).collect();
            let h: Vec<Fr> = (0..domain).map(|_| Fr::rand(&mut rng)).collect();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            for r in [Fr::rand(&mut rng), Fr::zero()] {
                let s = Fr::rand(&mut rng);
                let want = reference(&pk, r, s, &h, &input, &aux);
                assert_eq!(key.prove(r, s, &h, &input, &aux).unwrap(), want);
                assert_eq!(key.prove_plain(r, s, &h, &input, &aux).unwrap(), want);
                let on_pool = pool.install(|| key.prove(r, s, &h, &input, &aux)).unwrap();
                assert_eq!(on_pool, want);
            }
        }
    }
}

//! Randomized batch verification (RINGCT-SPEC.md section 5) and the
//! bisection that gives every item of a failed batch its own verdict.
//!
//! For proofs `(A_k, B_k, C_k)` with public inputs `x_k` under one key, pick
//! independent non-zero 128-bit scalars `r_k` the prover cannot predict and
//! check
//!
//! ```text
//! prod_k e(r_k A_k, B_k) · e(S_IC, -gamma) · e(S_C, -delta) · e((sum_k r_k) alpha, -beta) == 1
//! S_IC = sum_k r_k IC_k = (sum_k r_k) gamma_abc[0] + sum_j (sum_k r_k x_kj) gamma_abc[j+1]
//! S_C  = sum_k r_k C_k
//! ```
//!
//! with one multi-Miller loop over N + 3 pairs and one final exponentiation.
//! The right-hand side e(alpha, beta)^(sum r) of the spec is folded into the
//! loop as the pair ((sum r)·alpha, -beta). S_IC is one MSM over the key's
//! `gamma_abc` (N·n field multiplications aggregate the inputs first), S_C one
//! MSM over the C points with 128-bit scalars; both run concurrently. The
//! per-item scalar multiplications r_k·A_k run on the Rayon pool, and the
//! multi-Miller loop is split into one part per pool thread, the parts'
//! outputs multiplied before the one final exponentiation.
//!
//! All group and pairing arithmetic here runs on blst (`ringct-blst`), with
//! the points converted once (the key when it loads, a proof when it is
//! decoded). `batch_holds_arkworks` (tests only) is the same equation on
//! arkworks, the reference the blst version is tested against.
//!
//! Soundness: if any item is invalid, the equation holds with probability at
//! most about 2^-128 over the choice of the r_k. This needs every point in
//! the prime-order subgroups (items and key are checked before they get
//! here): with a small-order component the r_k could cancel it. Completeness
//! is exact: if every item is valid, the equation holds for every choice of
//! r_k. So a failed batch always contains an invalid item, which bisection
//! uses.
//!
//! `r_k·A_k` is blst's 128-bit scalar multiplication (`blst_p1_mult` with
//! 128 bits).

use crate::item::Body;
use crate::prepared::PreparedKey;
use ark_bls12_381::Fr;
use ark_ff::Zero;
use rand::{CryptoRng, Rng, RngCore};
use rayon::prelude::*;
use ringct_blst::{msm, scalar, G1Sum, MillerLoop, Scalar, G1, G2};

/// Draws a uniformly random non-zero 128-bit scalar.
fn nonzero_u128<R: RngCore + CryptoRng>(rng: &mut R) -> u128 {
    loop {
        let r: u128 = rng.gen();
        if r != 0 {
            return r;
        }
    }
}

/// Aggregated inputs: `s_0 = sum r_k`, `s_{j+1} = sum_k r_k x_kj`.
fn aggregate_inputs(len: usize, bodies: &[&Body], scalars: &[u128]) -> Vec<Fr> {
    let mut s = vec![Fr::zero(); len];
    for (body, &r) in bodies.iter().zip(scalars) {
        let r = Fr::from(r);
        s[0] += r;
        for (sj, x) in s[1..].iter_mut().zip(&body.inputs) {
            *sj += r * x;
        }
    }
    s
}

/// Checks the randomized batch equation for `bodies` (at least one), with
/// fresh scalars from `rng`. One multi-Miller loop (split over the pool's
/// threads, the parts multiplied), one final exponentiation, all on blst.
pub(crate) fn batch_holds<R: RngCore + CryptoRng>(
    key: &PreparedKey,
    bodies: &[&Body],
    rng: &mut R,
) -> bool {
    let n = bodies.len();
    let scalars: Vec<u128> = (0..n).map(|_| nonzero_u128(rng)).collect();
    let fast = &key.fast;
    if bodies
        .iter()
        .any(|b| b.inputs.len() + 1 != fast.gamma_abc.len())
    {
        // Callers check the count first; fail closed should one slip through.
        return false;
    }

    // Per item, on the pool: r_k·A_k (128-bit scalars).
    let ra: Vec<G1Sum> = bodies
        .par_iter()
        .zip(scalars.par_iter())
        .map(|(body, &r)| body.fast.a.mul(&Scalar::from_u128(r), 128))
        .collect();

    let s = scalar::from_frs(&aggregate_inputs(fast.gamma_abc.len(), bodies, &scalars));
    let c_points: Vec<G1> = bodies.iter().map(|b| b.fast.c).collect();
    let r_scalars: Vec<Scalar> = scalars.iter().map(|&r| Scalar::from_u128(r)).collect();
    let ((s_ic, alpha_term), s_c) = rayon::join(
        || {
            (
                msm::g1(&fast.gamma_abc, &s, 255),
                fast.alpha.mul(&s[0], s[0].bits().max(1)),
            )
        },
        || msm::g1(&c_points, &r_scalars, 128),
    );
    let (Ok(s_ic), Ok(s_c)) = (s_ic, s_c) else {
        // Lengths match by construction; fail closed all the same.
        return false;
    };

    let mut g1 = ra;
    g1.extend([s_ic, s_c, alpha_term]);
    let g1 = G1Sum::to_affine_batch(&g1);
    let mut g2: Vec<G2> = bodies.iter().map(|b| b.fast.b).collect();
    g2.extend([fast.gamma_neg, fast.delta_neg, fast.beta_neg]);
    let part = g1
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(8);
    g1.par_chunks(part)
        .zip(g2.par_chunks(part))
        .map(|(p, q)| MillerLoop::of(p, q))
        .try_reduce(MillerLoop::one, |a, b| Ok(a.mul(&b)))
        .is_ok_and(|ml| ml.final_exp_is_one())
}

/// The same equation with arkworks' MSMs and pairing: the reference the
/// blst version is tested against.
#[cfg(test)]
pub(crate) fn batch_holds_arkworks<R: RngCore + CryptoRng>(
    key: &PreparedKey,
    bodies: &[&Body],
    rng: &mut R,
) -> bool {
    use crate::prepared::{is_gt_one, G1Prep, G2Prep};
    use ark_bls12_381::{Bls12_381, G1Affine, G1Projective};
    use ark_ec::pairing::Pairing;
    use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
    let scalars: Vec<u128> = (0..bodies.len()).map(|_| nonzero_u128(rng)).collect();
    let vk = &key.pvk.vk;
    let ra: Vec<G1Projective> = bodies
        .iter()
        .zip(&scalars)
        .map(|(b, &r)| b.proof.a * Fr::from(r))
        .collect();
    let s = aggregate_inputs(vk.gamma_abc_g1.len(), bodies, &scalars);
    let c_points: Vec<G1Affine> = bodies.iter().map(|b| b.proof.c).collect();
    let r_field: Vec<Fr> = scalars.iter().map(|&r| Fr::from(r)).collect();
    let mut g1 = ra;
    g1.extend([
        G1Projective::msm_unchecked(&vk.gamma_abc_g1, &s),
        G1Projective::msm_unchecked(&c_points, &r_field),
        vk.alpha_g1.into_group() * s[0],
    ]);
    let g1 = G1Projective::normalize_batch(&g1);
    let mut g2: Vec<G2Prep> = bodies.iter().map(|b| G2Prep::from(b.proof.b)).collect();
    g2.extend([
        key.pvk.gamma_g2_neg_pc.clone(),
        key.pvk.delta_g2_neg_pc.clone(),
        G2Prep::from((-vk.beta_g2.into_group()).into_affine()),
    ]);
    let ml = Bls12_381::multi_miller_loop(g1.into_iter().map(G1Prep::from), g2);
    is_gt_one(Bls12_381::final_exponentiation(ml))
}

/// Verdicts (true = valid) for `bodies`, in order, and the number of pairing
/// checks (final exponentiations) spent.
///
/// Checks the whole set with one batch equation; when it fails, bisects:
/// the left half is checked, and when it passes the right half is known to
/// hold an invalid item and is split without checking it as a whole. A
/// single item known to be invalid is invalid (a failed batch always holds
/// an invalid item, see the module docs); an unknown single item gets an
/// individual check. Cost with k invalid items among N: about
/// 2·k·log2(N) sub-checks on top of the first.
pub(crate) fn resolve<R: RngCore + CryptoRng>(
    key: &PreparedKey,
    bodies: &[&Body],
    rng: &mut R,
) -> (Vec<bool>, usize) {
    let mut out = Vec::with_capacity(bodies.len());
    let mut checks = 0;
    bisect(key, bodies, false, rng, &mut checks, &mut out);
    (out, checks)
}

fn bisect<R: RngCore + CryptoRng>(
    key: &PreparedKey,
    bodies: &[&Body],
    known_bad: bool,
    rng: &mut R,
    checks: &mut usize,
    out: &mut Vec<bool>,
) {
    match bodies.len() {
        0 => {}
        1 => {
            if known_bad {
                out.push(false);
            } else {
                *checks += 1;
                out.push(key.check_one(bodies[0]));
            }
        }
        len => {
            if !known_bad {
                *checks += 1;
                if batch_holds(key, bodies, rng) {
                    out.extend(std::iter::repeat(true).take(len));
                    return;
                }
            }
            let (left, right) = bodies.split_at(len / 2);
            let before = out.len();
            bisect(key, left, false, rng, checks, out);
            let left_all_valid = out[before..].iter().all(|&v| v);
            // The union fails; if the left half is all valid, the bad item is on the right.
            bisect(key, right, left_all_valid, rng, checks, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::FastProof;
    use ark_bls12_381::{Bls12_381, G1Affine, G1Projective, G2Projective};
    use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
    use ark_groth16::{Proof, VerifyingKey};
    use ark_std::UniformRand;
    use rand::SeedableRng;

    /// A key with known discrete logs, and proofs made with them: valid
    /// Groth16 proofs for the equation without a circuit (fast to make).
    struct Trapdoor {
        key: PreparedKey,
        alpha: Fr,
        beta: Fr,
        gamma: Fr,
        delta: Fr,
        abc: Vec<Fr>,
    }

    const INPUTS: usize = 3;

    fn trapdoor(rng: &mut rand_chacha::ChaCha20Rng) -> Trapdoor {
        let g1 = G1Projective::generator();
        let g2 = G2Projective::generator();
        let [alpha, beta, gamma, delta] = [(); 4].map(|_| Fr::rand(rng));
        let abc: Vec<Fr> = (0..=INPUTS).map(|_| Fr::rand(rng)).collect();
        let vk = VerifyingKey::<Bls12_381> {
            alpha_g1: (g1 * alpha).into_affine(),
            beta_g2: (g2 * beta).into_affine(),
            gamma_g2: (g2 * gamma).into_affine(),
            delta_g2: (g2 * delta).into_affine(),
            gamma_abc_g1: abc.iter().map(|x| (g1 * x).into_affine()).collect(),
        };
        Trapdoor {
            key: PreparedKey::new(vk).unwrap(),
            alpha,
            beta,
            gamma,
            delta,
            abc,
        }
    }

    impl Trapdoor {
        fn body(&self, rng: &mut rand_chacha::ChaCha20Rng) -> Body {
            let inputs: Vec<Fr> = (0..INPUTS).map(|_| Fr::rand(rng)).collect();
            let (a, b) = (Fr::rand(rng), Fr::rand(rng));
            let ic = self.abc[0]
                + inputs
                    .iter()
                    .zip(&self.abc[1..])
                    .map(|(x, l)| *x * l)
                    .sum::<Fr>();
            let c = (a * b - self.alpha * self.beta - ic * self.gamma) / self.delta;
            let proof = Proof {
                a: (G1Projective::generator() * a).into_affine(),
                b: (G2Projective::generator() * b).into_affine(),
                c: (G1Projective::generator() * c).into_affine(),
            };
            body(proof, inputs)
        }
    }

    fn body(proof: Proof<Bls12_381>, inputs: Vec<Fr>) -> Body {
        Body {
            fast: FastProof::from_ark(&proof).unwrap(),
            proof,
            inputs,
        }
    }

    fn tampered(b: &Body, how: usize) -> Body {
        let g1 = G1Projective::generator();
        let mut p = b.proof.clone();
        let mut inputs = b.inputs.clone();
        match how {
            0 => p.a = (p.a + g1).into_affine(),
            1 => p.b = (p.b + G2Projective::generator()).into_affine(),
            2 => p.c = (p.c + g1).into_affine(),
            3 => inputs[1] += Fr::from(1u64),
            _ => p.c = G1Affine::from(-p.c.into_group()),
        }
        body(p, inputs)
    }

    #[test]
    fn blst_and_arkworks_agree_on_valid_and_tampered_batches() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(41);
        let t = trapdoor(&mut rng);
        let valid: Vec<Body> = (0..6).map(|_| t.body(&mut rng)).collect();
        for b in &valid {
            assert!(t.key.check_one(b));
            assert!(t.key.check_one_arkworks(b));
        }
        for n in [1, 2, 6] {
            let refs: Vec<&Body> = valid[..n].iter().collect();
            assert!(batch_holds(&t.key, &refs, &mut rng), "blst, {n} valid");
            assert!(
                batch_holds_arkworks(&t.key, &refs, &mut rng),
                "arkworks, {n} valid"
            );
        }
        for how in 0..5 {
            let bad = tampered(&valid[how], how);
            assert!(!t.key.check_one(&bad), "blst check_one, tamper {how}");
            assert!(
                !t.key.check_one_arkworks(&bad),
                "arkworks check_one, tamper {how}"
            );
            let mut refs: Vec<&Body> = valid.iter().collect();
            refs[how] = &bad;
            assert!(
                !batch_holds(&t.key, &refs, &mut rng),
                "blst batch, tamper {how}"
            );
            assert!(
                !batch_holds_arkworks(&t.key, &refs, &mut rng),
                "arkworks batch, tamper {how}"
            );
            let (verdicts, _) = resolve(&t.key, &refs, &mut rng);
            let want: Vec<bool> = (0..valid.len()).map(|i| i != how).collect();
            assert_eq!(verdicts, want);
        }
        // Two proofs whose errors cancel without the random scalars: C_0 + g
        // and C_1 - g. The batch must still fail.
        let g1 = G1Projective::generator();
        let mut p0 = valid[0].proof.clone();
        let mut p1 = valid[1].proof.clone();
        p0.c = (p0.c + g1).into_affine();
        p1.c = (p1.c - g1).into_affine();
        let (b0, b1) = (
            body(p0, valid[0].inputs.clone()),
            body(p1, valid[1].inputs.clone()),
        );
        assert!(!batch_holds(&t.key, &[&b0, &b1], &mut rng));
        // A wrong input count fails closed.
        let short = body(
            valid[0].proof.clone(),
            valid[0].inputs[..INPUTS - 1].to_vec(),
        );
        assert!(!batch_holds(&t.key, &[&short, &valid[1]], &mut rng));
        assert!(!t.key.check_one(&short));
    }

    #[test]
    fn scalars_are_nonzero_and_wide() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let draws: Vec<u128> = (0..1000).map(|_| nonzero_u128(&mut rng)).collect();
        assert!(draws.iter().all(|&r| r != 0));
        // With 1000 uniform 128-bit draws, some use the top 64 bits.
        assert!(draws.iter().any(|&r| r >> 120 != 0));
        assert!(draws.iter().any(|&r| r as u64 != 0));
    }
}

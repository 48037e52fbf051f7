//! The prepared verifying key and the single-proof check.

use crate::decode::check_point;
use crate::error::{Point, VerifierError};
use crate::fingerprint::Fingerprint;
use crate::item::Body;
use ark_bls12_381::{Bls12_381, Fr};
#[cfg(test)]
use ark_ec::bls12::{G1Prepared, G2Prepared};
#[cfg(test)]
use ark_ec::{pairing::Pairing, CurveGroup, VariableBaseMSM};
use ark_groth16::{prepare_verifying_key, PreparedVerifyingKey, VerifyingKey};
use ringct_blst::{MillerLoop, G1, G2};

/// Prepared form of a G2 point for BLS12-381 (line coefficients).
#[cfg(test)]
pub(crate) type G2Prep = G2Prepared<ark_bls12_381::Config>;
/// Prepared form of a G1 point for BLS12-381.
#[cfg(test)]
pub(crate) type G1Prep = G1Prepared<ark_bls12_381::Config>;

/// A validated verifying key with everything verification needs precomputed
/// once: ark-groth16's `PreparedVerifyingKey` (for the public API), and
/// alpha, `gamma_abc`, -beta, -gamma and -delta in blst's form, which the
/// pairing checks use (the right-hand side e(alpha, beta) is folded into
/// the product as the pair (alpha, -beta)).
#[derive(Debug)]
pub(crate) struct PreparedKey {
    pub(crate) pvk: PreparedVerifyingKey<Bls12_381>,
    pub(crate) fingerprint: Fingerprint,
    pub(crate) fast: FastKey,
}

/// The key's points in blst's form, converted once when the key loads:
/// what the pairing checks use.
#[derive(Debug)]
pub(crate) struct FastKey {
    pub(crate) alpha: G1,
    pub(crate) gamma_abc: Vec<G1>,
    pub(crate) beta_neg: G2,
    pub(crate) gamma_neg: G2,
    pub(crate) delta_neg: G2,
}

impl FastKey {
    fn new(vk: &VerifyingKey<Bls12_381>) -> Result<Self, VerifierError> {
        let off = |point| move |_| VerifierError::PointNotOnCurve { point };
        let gamma_abc = vk
            .gamma_abc_g1
            .iter()
            .enumerate()
            .map(|(i, p)| G1::from_ark(p).map_err(off(Point::KeyGammaAbc(i))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FastKey {
            alpha: G1::from_ark(&vk.alpha_g1).map_err(off(Point::KeyAlpha))?,
            gamma_abc,
            beta_neg: G2::from_ark(&vk.beta_g2)
                .map_err(off(Point::KeyBeta))?
                .neg(),
            gamma_neg: G2::from_ark(&vk.gamma_g2)
                .map_err(off(Point::KeyGamma))?
                .neg(),
            delta_neg: G2::from_ark(&vk.delta_g2)
                .map_err(off(Point::KeyDelta))?
                .neg(),
        })
    }
}

impl PreparedKey {
    /// Validates the key's points, refuses degenerate keys, and prepares it.
    ///
    /// Rules, in this order, each its own [`VerifierError`]:
    /// - `gamma_abc` is not empty ([`VerifierError::EmptyVerifyingKey`]);
    /// - alpha, beta, gamma and delta are on their curves, in the prime-order
    ///   subgroup and not the identity ([`VerifierError::IdentityPoint`] names
    ///   the point);
    /// - every `gamma_abc` point is on the curve, in the subgroup, and not the
    ///   identity (again [`VerifierError::IdentityPoint`], with
    ///   [`Point::KeyGammaAbc`]`(i)`: it is the same rule, "a point that must
    ///   be non-trivial is the identity", so it has no second variant);
    /// - gamma is not delta ([`VerifierError::GammaEqualsDelta`]) and not
    ///   -delta ([`VerifierError::GammaEqualsNegatedDelta`]).
    ///
    /// **gamma = ±delta.** The equation is
    /// `e(A, B) = e(alpha, beta) · e(IC, gamma) · e(C, delta)` with
    /// `IC = gamma_abc[0] + sum_j x_j gamma_abc[j + 1]`. With gamma = delta the
    /// last two factors are `e(IC + C, delta)`, so anyone can prove any
    /// statement without a witness: `A = alpha`, `B = beta`, `C = -IC`
    /// (with gamma = -delta, `C = IC`). The public-input term moves into C.
    ///
    /// **Identity `gamma_abc` points.** If `gamma_abc[j + 1]` is the identity,
    /// public input `j` is multiplied by the identity in `IC`, so the equation
    /// does not depend on it: a proof for one value verifies for every value
    /// (any key image, any fee, any ctx). An identity `gamma_abc[0]` drops the
    /// constant term. Refusing them never refuses an honest key of ours:
    /// `gamma_abc[i] = (beta·u_i(tau) + alpha·v_i(tau) + w_i(tau)) / gamma`,
    /// and ark-groth16's R1CS-to-QAP reduction (`LibsnarkReduction`) appends
    /// one row per instance variable (the constant one included), so every
    /// `u_i` contains a Lagrange polynomial of its own and the numerator is a
    /// non-zero polynomial of degree at most the domain size (2^12 for the
    /// default shape) in the setup's secrets; by Schwartz–Zippel an honest
    /// setup hits zero with probability below 2^12 / r < 2^-240. In our
    /// circuits every public input is moreover constrained (ring roots, key
    /// images and output commitments equal values computed in the circuit;
    /// fee and ctx are enforced equal to witness values), so the numerator
    /// would be non-zero even without those rows. An identity point there is
    /// evidence of a tampered or broken key, never an honest one.
    pub(crate) fn new(vk: VerifyingKey<Bls12_381>) -> Result<Self, VerifierError> {
        if vk.gamma_abc_g1.is_empty() {
            return Err(VerifierError::EmptyVerifyingKey);
        }
        check_point(Point::KeyAlpha, &vk.alpha_g1)?;
        check_point(Point::KeyBeta, &vk.beta_g2)?;
        check_point(Point::KeyGamma, &vk.gamma_g2)?;
        check_point(Point::KeyDelta, &vk.delta_g2)?;
        for (i, p) in vk.gamma_abc_g1.iter().enumerate() {
            check_point(Point::KeyGammaAbc(i), p)?;
        }
        if vk.gamma_g2 == vk.delta_g2 {
            return Err(VerifierError::GammaEqualsDelta);
        }
        if vk.gamma_g2 == -vk.delta_g2 {
            return Err(VerifierError::GammaEqualsNegatedDelta);
        }
        let fingerprint = Fingerprint::of(&vk)?;
        let fast = FastKey::new(&vk)?;
        Ok(PreparedKey {
            pvk: prepare_verifying_key(&vk),
            fingerprint,
            fast,
        })
    }

    /// Public inputs the key takes (`gamma_abc.len() - 1`).
    pub(crate) fn num_inputs(&self) -> usize {
        self.pvk.vk.gamma_abc_g1.len() - 1
    }

    /// `gamma_abc[0] + sum_j x_j * gamma_abc[j + 1]`, as one multi-scalar
    /// multiplication on blst. The caller has checked the input count.
    pub(crate) fn prepare_inputs(&self, inputs: &[Fr]) -> G1 {
        let abc = &self.fast.gamma_abc;
        let scalars = ringct_blst::scalar::from_frs(inputs);
        match ringct_blst::msm::g1(&abc[1..], &scalars, 255) {
            Ok(sum) => sum.add_affine(&abc[0]).to_affine(),
            // Counts were checked by the caller; should they differ, the
            // identity makes the check fail (it never passes by accident:
            // the key's gamma_abc points are all non-identity).
            Err(_) => G1::default(),
        }
    }

    /// One Groth16 check, on blst: the 4-pair product
    /// `e(A, B) · e(IC, -gamma) · e(C, -delta) · e(alpha, -beta)` as one
    /// multi-Miller loop and one final exponentiation, compared with 1.
    pub(crate) fn check_one(&self, body: &Body) -> bool {
        if body.inputs.len() + 1 != self.fast.gamma_abc.len() {
            return false;
        }
        let ic = self.prepare_inputs(&body.inputs);
        let k = &self.fast;
        MillerLoop::of(
            &[body.fast.a, ic, body.fast.c, k.alpha],
            &[body.fast.b, k.gamma_neg, k.delta_neg, k.beta_neg],
        )
        .is_ok_and(|ml| ml.final_exp_is_one())
    }

    /// The same check with arkworks' pairing: one 3-pair Miller loop and one
    /// final exponentiation, compared with the precomputed e(alpha, beta).
    /// The reference the blst check is tested against.
    #[cfg(test)]
    pub(crate) fn check_one_arkworks(&self, body: &Body) -> bool {
        let abc = &self.pvk.vk.gamma_abc_g1;
        let ic = (ark_bls12_381::G1Projective::msm_unchecked(&abc[1..], &body.inputs) + abc[0])
            .into_affine();
        let ml = Bls12_381::multi_miller_loop(
            [
                G1Prep::from(body.proof.a),
                G1Prep::from(ic),
                G1Prep::from(body.proof.c),
            ],
            [
                G2Prep::from(body.proof.b),
                self.pvk.gamma_g2_neg_pc.clone(),
                self.pvk.delta_g2_neg_pc.clone(),
            ],
        );
        // `None` only for a zero Miller-loop output, which no valid proof gives.
        Bls12_381::final_exponentiation(ml).is_some_and(|out| out.0 == self.pvk.alpha_g1_beta_g2)
    }
}

/// Whether a final-exponentiation output is the identity of the target group.
#[cfg(test)]
pub(crate) fn is_gt_one(out: Option<ark_ec::pairing::PairingOutput<Bls12_381>>) -> bool {
    use ark_ff::One;
    out.is_some_and(|o| o.0.is_one())
}

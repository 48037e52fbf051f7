//! The prepared verifying key and the single-proof check.

use crate::decode::check_point;
use crate::error::{Point, VerifierError};
use crate::fingerprint::Fingerprint;
use crate::item::Body;
use ark_bls12_381::{Bls12_381, Fr, G1Projective};
use ark_ec::bls12::{G1Prepared, G2Prepared};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::One;
use ark_groth16::{prepare_verifying_key, PreparedVerifyingKey, VerifyingKey};

/// Prepared form of a G2 point for BLS12-381 (line coefficients).
pub(crate) type G2Prep = G2Prepared<ark_bls12_381::Config>;
/// Prepared form of a G1 point for BLS12-381.
pub(crate) type G1Prep = G1Prepared<ark_bls12_381::Config>;

/// A validated verifying key with everything verification needs precomputed
/// once: e(alpha, beta), -gamma and -delta in prepared form (ark-groth16's
/// `PreparedVerifyingKey`), and -beta in prepared form for the batch
/// equation's folded right-hand side.
#[derive(Debug)]
pub(crate) struct PreparedKey {
    pub(crate) pvk: PreparedVerifyingKey<Bls12_381>,
    pub(crate) beta_neg: G2Prep,
    pub(crate) fingerprint: Fingerprint,
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
        let beta_neg = G2Prep::from((-vk.beta_g2.into_group()).into_affine());
        Ok(PreparedKey {
            pvk: prepare_verifying_key(&vk),
            beta_neg,
            fingerprint,
        })
    }

    /// Public inputs the key takes (`gamma_abc.len() - 1`).
    pub(crate) fn num_inputs(&self) -> usize {
        self.pvk.vk.gamma_abc_g1.len() - 1
    }

    /// `gamma_abc[0] + sum_j x_j * gamma_abc[j + 1]`, as one multi-scalar
    /// multiplication (measured on the default shape's 8 inputs: about 0.9 ms
    /// against about 1.0 ms for GLV scalar multiplications one by one and
    /// 1.4 ms for ark-groth16's affine double-and-add `prepare_inputs`).
    /// The caller has checked the input count.
    pub(crate) fn prepare_inputs(&self, inputs: &[Fr]) -> G1Projective {
        let abc = &self.pvk.vk.gamma_abc_g1;
        G1Projective::msm_unchecked(&abc[1..], inputs) + abc[0]
    }

    /// One Groth16 check with the prepared key: one 3-pair Miller loop and
    /// one final exponentiation, compared with the precomputed e(alpha, beta).
    pub(crate) fn check_one(&self, body: &Body) -> bool {
        let ic = self.prepare_inputs(&body.inputs).into_affine();
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
pub(crate) fn is_gt_one(out: Option<ark_ec::pairing::PairingOutput<Bls12_381>>) -> bool {
    out.is_some_and(|o| o.0.is_one())
}

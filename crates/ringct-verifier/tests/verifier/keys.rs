//! Verifying keys: validation, fingerprints, shapes.

use crate::common::*;
use ark_bls12_381::{G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_serialize::CanonicalSerialize;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use ringct_verifier::{BatchVerifier, Fingerprint, Point, VerifierError, FINGERPRINT_DOMAIN};

#[test]
fn fingerprint_is_blake2b_256_of_domain_and_compressed_key() {
    let fx = fixture();
    let verifier = fx.verifier();
    let mut bytes = Vec::new();
    fx.vk.serialize_compressed(&mut bytes).unwrap();
    let mut h = Blake2b::<U32>::new();
    h.update(b"supervm-ringct-vk-v1");
    h.update(&bytes);
    let want: [u8; 32] = h.finalize().into();
    assert_eq!(FINGERPRINT_DOMAIN, b"supervm-ringct-vk-v1");
    assert_eq!(verifier.fingerprint(), Fingerprint(want));
    assert_eq!(Fingerprint::of(&fx.vk).unwrap(), Fingerprint(want));
    let text = verifier.fingerprint().to_string();
    assert_eq!(text.len(), 64);
    assert!(text
        .bytes()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    assert_eq!(text.parse::<Fingerprint>().unwrap(), verifier.fingerprint());
    // Another setup has another fingerprint.
    assert_ne!(
        Fingerprint::of(&fx.other_vk).unwrap(),
        verifier.fingerprint()
    );
}

#[test]
fn fingerprint_check() {
    let fx = fixture();
    let verifier = fx.verifier();
    assert_eq!(verifier.check_fingerprint(&verifier.fingerprint()), Ok(()));
    let other = Fingerprint::of(&fx.other_vk).unwrap();
    assert_eq!(
        verifier.check_fingerprint(&other),
        Err(VerifierError::FingerprintMismatch {
            expected: other,
            got: verifier.fingerprint()
        })
    );
}

#[test]
fn key_must_match_the_shape() {
    let fx = fixture();
    let verifier = BatchVerifier::new(fx.vk.clone()).unwrap();
    assert_eq!(verifier.num_public_inputs(), fx.shape.num_public_inputs());
    assert_eq!(verifier.num_public_inputs(), fx.vk.gamma_abc_g1.len() - 1);
    let default = ringct_circuit::Shape::default();
    assert_eq!(
        BatchVerifier::for_shape(fx.vk.clone(), default).unwrap_err(),
        VerifierError::ShapeMismatch {
            shape: "2x2-r16".into(),
            expected: 8,
            key: 5
        }
    );
}

#[test]
fn broken_keys_are_refused() {
    let fx = fixture();
    let mut vk = fx.vk.clone();
    vk.alpha_g1 = G1Affine::zero();
    assert_eq!(
        BatchVerifier::new(vk).unwrap_err(),
        VerifierError::IdentityPoint {
            point: Point::KeyAlpha
        }
    );
    let mut vk = fx.vk.clone();
    vk.delta_g2 = g2_outside_subgroup();
    assert_eq!(
        BatchVerifier::new(vk).unwrap_err(),
        VerifierError::PointNotInSubgroup {
            point: Point::KeyDelta
        }
    );
    let mut vk = fx.vk.clone();
    let (x, y) = vk.gamma_abc_g1[2].xy().unwrap();
    vk.gamma_abc_g1[2] = G1Affine::new_unchecked(y, x);
    assert_eq!(
        BatchVerifier::new(vk).unwrap_err(),
        VerifierError::PointNotOnCurve {
            point: Point::KeyGammaAbc(2)
        }
    );
    let mut vk = fx.vk.clone();
    vk.gamma_g2 = G2Affine::zero();
    assert_eq!(
        BatchVerifier::new(vk).unwrap_err(),
        VerifierError::IdentityPoint {
            point: Point::KeyGamma
        }
    );
    let mut vk = fx.vk.clone();
    vk.gamma_abc_g1.clear();
    assert_eq!(
        BatchVerifier::new(vk).unwrap_err(),
        VerifierError::EmptyVerifyingKey
    );
}

#[test]
fn a_key_for_fewer_inputs_refuses_every_item_by_count() {
    // A truncated key (as if for another shape) must not let ark-groth16's
    // zip ignore the extra inputs: the count rule fires first.
    let fx = fixture();
    let mut vk = fx.vk.clone();
    vk.gamma_abc_g1.pop();
    let verifier = BatchVerifier::new(vk).unwrap();
    let items = fx.valid_items(3, 1);
    let n = fx.shape.num_public_inputs();
    for mode in ringct_verifier::Mode::ALL {
        for v in verifier.verify(mode, &items).verdicts {
            assert_eq!(
                v.into_result(),
                Err(VerifierError::InputCountMismatch {
                    expected: n - 1,
                    got: n
                })
            );
        }
    }
}

/// ark-groth16's own verifier, which checks nothing about the key: shows
/// what a degenerate key would let through if `BatchVerifier::new` took it.
fn ark_accepts(
    vk: &ark_groth16::VerifyingKey<ark_bls12_381::Bls12_381>,
    proof: &ark_groth16::Proof<ark_bls12_381::Bls12_381>,
    inputs: &[ark_bls12_381::Fr],
) -> bool {
    let pvk = ark_groth16::prepare_verifying_key(vk);
    ark_groth16::Groth16::<ark_bls12_381::Bls12_381>::verify_proof(&pvk, proof, inputs)
        .unwrap_or(false)
}

/// `gamma_abc[0] + sum_j x_j gamma_abc[j + 1]`.
fn input_term(
    vk: &ark_groth16::VerifyingKey<ark_bls12_381::Bls12_381>,
    inputs: &[ark_bls12_381::Fr],
) -> ark_bls12_381::G1Projective {
    use ark_ec::VariableBaseMSM;
    ark_bls12_381::G1Projective::msm(&vk.gamma_abc_g1[1..], inputs).unwrap() + vk.gamma_abc_g1[0]
}

#[test]
fn identity_alpha_beta_gamma_delta_are_refused() {
    let fx = fixture();
    type Edit = fn(&mut ark_groth16::VerifyingKey<ark_bls12_381::Bls12_381>);
    let cases: [(Point, Edit); 4] = [
        (Point::KeyAlpha, |vk| vk.alpha_g1 = G1Affine::zero()),
        (Point::KeyBeta, |vk| vk.beta_g2 = G2Affine::zero()),
        (Point::KeyGamma, |vk| vk.gamma_g2 = G2Affine::zero()),
        (Point::KeyDelta, |vk| vk.delta_g2 = G2Affine::zero()),
    ];
    for (point, edit) in cases {
        let mut vk = fx.vk.clone();
        edit(&mut vk);
        assert_eq!(
            BatchVerifier::new(vk).unwrap_err(),
            VerifierError::IdentityPoint { point },
            "{point}"
        );
    }
}

#[test]
fn gamma_equal_to_delta_is_refused_and_would_allow_forgeries() {
    let fx = fixture();
    let mut vk = fx.vk.clone();
    vk.gamma_g2 = vk.delta_g2;
    // The forgery the rule prevents: no witness, any public inputs.
    let inputs: Vec<ark_bls12_381::Fr> = (0..fx.shape.num_public_inputs() as u64)
        .map(|i| ark_bls12_381::Fr::from(1000 + i))
        .collect();
    let forged = ark_groth16::Proof {
        a: vk.alpha_g1,
        b: vk.beta_g2,
        c: (-input_term(&vk, &inputs)).into_affine(),
    };
    assert!(ark_accepts(&vk, &forged, &inputs));
    assert!(!ark_accepts(&fx.vk, &forged, &inputs));
    assert_eq!(
        BatchVerifier::new(vk).unwrap_err(),
        VerifierError::GammaEqualsDelta
    );
}

#[test]
fn gamma_equal_to_minus_delta_is_refused_and_would_allow_forgeries() {
    let fx = fixture();
    let mut vk = fx.vk.clone();
    vk.gamma_g2 = -vk.delta_g2;
    let inputs = fx.inputs(0);
    let forged = ark_groth16::Proof {
        a: vk.alpha_g1,
        b: vk.beta_g2,
        c: input_term(&vk, &inputs).into_affine(),
    };
    assert!(ark_accepts(&vk, &forged, &inputs));
    assert_eq!(
        BatchVerifier::new(vk).unwrap_err(),
        VerifierError::GammaEqualsNegatedDelta
    );
}

#[test]
fn identity_gamma_abc_points_are_refused_and_would_unbind_an_input() {
    let fx = fixture();
    let n = fx.vk.gamma_abc_g1.len();
    for i in 0..n {
        let mut vk = fx.vk.clone();
        vk.gamma_abc_g1[i] = G1Affine::zero();
        assert_eq!(
            BatchVerifier::new(vk).unwrap_err(),
            VerifierError::IdentityPoint {
                point: Point::KeyGammaAbc(i)
            },
            "gamma_abc[{i}]"
        );
    }
    // Why: with gamma_abc[j + 1] the identity, public input j drops out of
    // the equation. Forge a key that is honest except for that point, by
    // moving its contribution into gamma_abc[0], and an honest proof then
    // verifies with input j changed to anything.
    let j = 1;
    let mut inputs = fx.inputs(0);
    let mut vk = fx.vk.clone();
    vk.gamma_abc_g1[0] = (vk.gamma_abc_g1[0] + vk.gamma_abc_g1[j + 1] * inputs[j]).into_affine();
    vk.gamma_abc_g1[j + 1] = G1Affine::zero();
    let proof = fx.proof(0);
    assert!(ark_accepts(&vk, &proof, &inputs));
    inputs[j] += ark_bls12_381::Fr::from(12345u64);
    assert!(ark_accepts(&vk, &proof, &inputs));
    assert!(!ark_accepts(&fx.vk, &proof, &inputs));
}

#[test]
fn the_honest_key_passes_every_degeneracy_rule() {
    let fx = fixture();
    assert!(fx.vk.gamma_abc_g1.iter().all(|p| !p.is_zero()));
    assert_ne!(fx.vk.gamma_g2, fx.vk.delta_g2);
    BatchVerifier::new(fx.vk.clone()).unwrap();
    BatchVerifier::new(fx.other_vk.clone()).unwrap();
}

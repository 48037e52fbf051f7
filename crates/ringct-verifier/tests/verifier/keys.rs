//! Verifying keys: validation, fingerprints, shapes.

use crate::common::*;
use ark_bls12_381::{G1Affine, G2Affine};
use ark_ec::AffineRepr;
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

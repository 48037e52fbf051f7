//! Key files round-trip, from files and from bytes, and every way they can be
//! broken has its own error.

use ark_bls12_381::{Bls12_381, Fq, G1Affine};
use ark_ec::AffineRepr;
use ark_ff::One;
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_serialize::CanonicalSerialize;
use ringct_circuit::Shape;
use ringct_prover::keyfile::{self, KeyKind, FORMAT_VERSION, HEADER_LEN};
use ringct_prover::{Fingerprint, KeyFileOrigin, ProverError, RingCtKeys};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn shape() -> Shape {
    "1x1-r4".parse().unwrap()
}

fn keys() -> &'static RingCtKeys {
    static K: OnceLock<RingCtKeys> = OnceLock::new();
    K.get_or_init(|| RingCtKeys::insecure_dev_setup_from_fixed_seed(shape(), 5).unwrap())
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ringct-keyfiles-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    keyfile::write_keys(&dir, keys()).unwrap();
    dir
}

fn pk_path(dir: &Path) -> PathBuf {
    keyfile::proving_key_path(dir, shape())
}

fn pk_payload(pk: &ProvingKey<Bls12_381>) -> Vec<u8> {
    let mut out = Vec::new();
    pk.serialize_uncompressed(&mut out).unwrap();
    out
}

fn vk_payload(vk: &VerifyingKey<Bls12_381>) -> Vec<u8> {
    let mut out = Vec::new();
    vk.serialize_uncompressed(&mut out).unwrap();
    out
}

/// The proving-key file's bytes, as `write_keys` writes them.
fn pk_file() -> Vec<u8> {
    keyfile::key_file_bytes(
        KeyKind::Proving,
        shape(),
        keys().fingerprint(),
        &pk_payload(keys().proving_key()),
    )
}

fn vk_file() -> Vec<u8> {
    keyfile::key_file_bytes(
        KeyKind::Verifying,
        shape(),
        keys().fingerprint(),
        &vk_payload(keys().verifying_key()),
    )
}

/// Rewrites the payload checksum so that only the deeper checks can notice a change.
fn fix_checksum(bytes: &mut [u8]) {
    use blake2::{digest::consts::U32, Blake2b, Digest};
    let sum: [u8; 32] = Blake2b::<U32>::digest(&bytes[HEADER_LEN..]).into();
    bytes[56..88].copy_from_slice(&sum);
}

/// A proving-key file with `f` applied to its bytes, decoded from bytes and
/// loaded from a file; both must fail the same way.
fn mutate(name: &str, f: impl FnOnce(&mut Vec<u8>)) -> ProverError {
    let mut bytes = pk_file();
    f(&mut bytes);
    let from_bytes = keyfile::decode_proving_key_file(&bytes, shape()).unwrap_err();
    let dir = fresh_dir(name);
    let path = pk_path(&dir);
    std::fs::write(&path, &bytes).unwrap();
    let from_file = keyfile::load_keys(&dir, shape(), None).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        std::mem::discriminant(&from_bytes),
        std::mem::discriminant(&from_file),
        "{from_bytes} / {from_file}"
    );
    assert!(
        from_bytes
            .to_string()
            .contains("key file bytes (in memory)"),
        "{from_bytes}"
    );
    assert!(
        from_file.to_string().contains(&path.display().to_string()),
        "{from_file}"
    );
    from_file
}

/// A proving key changed by `f`, wrapped in a header with a correct checksum
/// and the changed key's own fingerprint, so only the structural checks can
/// notice.
fn rewrapped_pk(f: impl FnOnce(&mut ProvingKey<Bls12_381>)) -> Vec<u8> {
    let mut pk = keys().proving_key().clone();
    f(&mut pk);
    keyfile::key_file_bytes(
        KeyKind::Proving,
        shape(),
        Fingerprint::of(&pk.vk),
        &pk_payload(&pk),
    )
}

/// A point on the G1 curve outside the prime-order subgroup.
fn g1_outside_subgroup() -> G1Affine {
    let mut x = Fq::one();
    loop {
        if let Some(p) = G1Affine::get_point_from_x_unchecked(x, false) {
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return p;
            }
        }
        x += Fq::one();
    }
}

#[test]
fn format_version_is_two() {
    assert_eq!(FORMAT_VERSION, 2);
    assert_eq!(&pk_file()[8..10], &[2, 0]);
}

#[test]
fn keys_round_trip() {
    let dir = fresh_dir("roundtrip");
    let loaded = keyfile::load_keys(&dir, shape(), None).unwrap();
    assert_eq!(loaded.fingerprint(), keys().fingerprint());
    assert_eq!(loaded.proving_key(), keys().proving_key());
    let (vk, fp) = keyfile::load_verifying_key(&dir, shape(), Some(keys().fingerprint())).unwrap();
    assert_eq!(&vk, keys().verifying_key());
    assert_eq!(fp, keys().fingerprint());
    // The files are exactly what key_file_bytes makes.
    assert_eq!(std::fs::read(pk_path(&dir)).unwrap(), pk_file());
    assert_eq!(
        std::fs::read(keyfile::verifying_key_path(&dir, shape())).unwrap(),
        vk_file()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keys_decode_from_bytes() {
    let pk = keyfile::decode_proving_key_file(&pk_file(), shape()).unwrap();
    assert_eq!(&pk, keys().proving_key());
    let vk = keyfile::decode_verifying_key_file(&vk_file(), shape()).unwrap();
    assert_eq!(&vk, keys().verifying_key());
    // Decoding and encoding again gives the same bytes.
    assert_eq!(
        keyfile::key_file_bytes(
            KeyKind::Verifying,
            shape(),
            Fingerprint::of(&vk),
            &vk_payload(&vk)
        ),
        vk_file()
    );
}

#[test]
fn load_keys_pins_a_fingerprint() {
    let dir = fresh_dir("pin");
    let pinned = keyfile::load_keys(&dir, shape(), Some(keys().fingerprint())).unwrap();
    assert_eq!(pinned.fingerprint(), keys().fingerprint());
    let other = Fingerprint([7; 32]);
    match keyfile::load_keys(&dir, shape(), Some(other)) {
        Err(ProverError::FingerprintMismatch { expected, found }) => {
            assert_eq!(expected, other.to_string());
            assert_eq!(found, keys().fingerprint().to_string());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        keyfile::load_verifying_key(&dir, shape(), Some(other)),
        Err(ProverError::FingerprintMismatch { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_file() {
    let dir = std::env::temp_dir().join("ringct-keyfiles-does-not-exist");
    assert!(matches!(
        keyfile::load_keys(&dir, shape(), None),
        Err(ProverError::KeyFileMissing(_))
    ));
}

#[test]
fn truncated_header_and_payload() {
    for (name, len) in [("trunc-h", 50), ("trunc-0", 3), ("trunc-e", 0)] {
        assert!(
            matches!(
                mutate(name, |b| b.truncate(len)),
                ProverError::KeyFileTruncated(_)
            ),
            "{len}"
        );
    }
    assert!(matches!(
        mutate("trunc-p", |b| b.truncate(b.len() - 10)),
        ProverError::KeyFileTruncated(_)
    ));
}

#[test]
fn bad_magic() {
    assert!(matches!(
        mutate("magic", |b| b[0] ^= 1),
        ProverError::KeyFileBadMagic(_)
    ));
}

#[test]
fn unsupported_version() {
    assert!(matches!(
        mutate("version", |b| b[8] = 9),
        ProverError::KeyFileVersion {
            found: 9,
            supported: 2,
            ..
        }
    ));
}

#[test]
fn version_1_files_are_refused() {
    // What a protocol-v1 build wrote: the same layout with version 1.
    let err = mutate("v1", |b| b[8..10].copy_from_slice(&1u16.to_le_bytes()));
    assert!(
        matches!(
            err,
            ProverError::KeyFileVersion {
                found: 1,
                supported: 2,
                ..
            }
        ),
        "{err}"
    );
    let mut vk = vk_file();
    vk[8] = 1;
    assert!(matches!(
        keyfile::decode_verifying_key_file(&vk, shape()),
        Err(ProverError::KeyFileVersion {
            origin: KeyFileOrigin::Bytes,
            found: 1,
            ..
        })
    ));
}

#[test]
fn wrong_kind() {
    assert!(matches!(
        mutate("kind", |b| b[10] = 2),
        ProverError::KeyFileWrongKind {
            expected: KeyKind::Proving,
            found: 2,
            ..
        }
    ));
    assert!(matches!(
        keyfile::decode_verifying_key_file(&pk_file(), shape()),
        Err(ProverError::KeyFileWrongKind {
            expected: KeyKind::Verifying,
            found: 1,
            ..
        })
    ));
}

#[test]
fn reserved_byte() {
    assert!(matches!(
        mutate("reserved", |b| b[11] = 1),
        ProverError::KeyFileReserved { found: 1, .. }
    ));
}

#[test]
fn wrong_shape() {
    // Asking for another shape than the file holds.
    let dir = fresh_dir("shape");
    std::fs::copy(
        pk_path(&dir),
        keyfile::proving_key_path(&dir, "1x2-r4".parse().unwrap()),
    )
    .unwrap();
    let err = keyfile::load_keys(&dir, "1x2-r4".parse().unwrap(), None).unwrap_err();
    assert!(
        matches!(&err, ProverError::KeyFileShapeMismatch { found, .. } if found == "1x1-r4"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    // A header shape that is not even a valid shape is shown field by field.
    let err = mutate("shape-bad", |b| {
        b[12..16].copy_from_slice(&u32::MAX.to_le_bytes())
    });
    assert!(
        matches!(&err, ProverError::KeyFileShapeMismatch { found, .. } if found.contains("4294967295")),
        "{err}"
    );
}

#[test]
fn payload_longer_than_the_header_says() {
    assert!(matches!(
        mutate("long", |b| b.push(0)),
        ProverError::KeyFileLength { declared, actual, .. } if actual == declared + 1
    ));
}

#[test]
fn corrupted_payload() {
    assert!(matches!(
        mutate("corrupt", |b| {
            let n = b.len();
            b[n - 100] ^= 0x55
        }),
        ProverError::KeyFileCorrupted(_)
    ));
}

#[test]
fn header_fingerprint_must_be_the_keys() {
    let err = mutate("fp", |b| b[30] ^= 1);
    match &err {
        ProverError::KeyFileFingerprint {
            header, computed, ..
        } => {
            assert_eq!(computed, &keys().fingerprint().to_string());
            assert_ne!(header, computed);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn payload_that_does_not_decode() {
    let payload = pk_payload(keys().proving_key());
    let bytes = keyfile::key_file_bytes(
        KeyKind::Proving,
        shape(),
        keys().fingerprint(),
        &payload[..payload.len() - 10],
    );
    assert!(matches!(
        keyfile::decode_proving_key_file(&bytes, shape()),
        Err(ProverError::KeyFileInvalidKey {
            origin: KeyFileOrigin::Bytes,
            ..
        })
    ));
    // An empty payload, with a correct header around it.
    let bytes = keyfile::key_file_bytes(KeyKind::Verifying, shape(), keys().fingerprint(), &[]);
    assert!(matches!(
        keyfile::decode_verifying_key_file(&bytes, shape()),
        Err(ProverError::KeyFileInvalidKey { .. })
    ));
}

#[test]
fn trailing_bytes_after_the_key() {
    let mut payload = vk_payload(keys().verifying_key());
    payload.extend_from_slice(&[0, 0, 0]);
    let bytes =
        keyfile::key_file_bytes(KeyKind::Verifying, shape(), keys().fingerprint(), &payload);
    assert!(matches!(
        keyfile::decode_verifying_key_file(&bytes, shape()),
        Err(ProverError::KeyFileTrailingBytes { extra: 3, .. })
    ));
}

#[test]
fn invalid_point_with_a_valid_checksum() {
    // alpha_g1 is the first point of the payload (uncompressed: x then y, 96
    // bytes). Changing y moves the point off the curve; fixing the checksum
    // leaves only point validation to catch it.
    let err = mutate("point", |b| {
        b[HEADER_LEN + 60] ^= 1;
        fix_checksum(b);
    });
    assert!(
        matches!(
            err,
            ProverError::KeyFilePointNotOnCurve {
                what: "alpha_g1",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn point_outside_the_subgroup() {
    let bad = g1_outside_subgroup();
    assert!(bad.is_on_curve() && !bad.is_zero());
    let bytes = rewrapped_pk(|pk| pk.l_query[1] = bad);
    assert!(matches!(
        keyfile::decode_proving_key_file(&bytes, shape()),
        Err(ProverError::KeyFilePointNotInSubgroup {
            what: "l_query",
            ..
        })
    ));
    let mut vk = keys().verifying_key().clone();
    vk.alpha_g1 = bad;
    let bytes = keyfile::key_file_bytes(
        KeyKind::Verifying,
        shape(),
        Fingerprint::of(&vk),
        &vk_payload(&vk),
    );
    assert!(matches!(
        keyfile::decode_verifying_key_file(&bytes, shape()),
        Err(ProverError::KeyFilePointNotInSubgroup {
            what: "alpha_g1",
            ..
        })
    ));
}

#[test]
fn public_input_count_must_match_the_shape() {
    let mut vk = keys().verifying_key().clone();
    vk.gamma_abc_g1.pop();
    let bytes = keyfile::key_file_bytes(
        KeyKind::Verifying,
        shape(),
        Fingerprint::of(&vk),
        &vk_payload(&vk),
    );
    let n = shape().num_public_inputs() + 1;
    assert!(matches!(
        keyfile::decode_verifying_key_file(&bytes, shape()),
        Err(ProverError::KeyFileInputCount { expected, found, .. }) if expected == n && found == n - 1
    ));
}

#[test]
fn proving_key_parts_must_agree_in_length() {
    for (what, f) in [
        (
            "a_query",
            Box::new(|pk: &mut ProvingKey<Bls12_381>| {
                pk.a_query.pop();
            }) as Box<dyn Fn(&mut ProvingKey<Bls12_381>)>,
        ),
        (
            "b_g2_query",
            Box::new(|pk: &mut ProvingKey<Bls12_381>| {
                pk.b_g2_query.pop();
            }),
        ),
        (
            "h_query",
            Box::new(|pk: &mut ProvingKey<Bls12_381>| {
                pk.h_query.pop();
            }),
        ),
    ] {
        let bytes = rewrapped_pk(f);
        let err = keyfile::decode_proving_key_file(&bytes, shape()).unwrap_err();
        assert!(
            matches!(&err, ProverError::KeyFileInconsistentKey { reason, .. } if reason.contains(what)),
            "{what}: {err}"
        );
    }
}

#[test]
fn proving_key_must_fit_the_circuit_domain() {
    // h_query for half the domain: structurally fine, wrong for the circuit.
    let bytes = rewrapped_pk(|pk| {
        let half = (pk.h_query.len() + 1).div_ceil(2) - 1;
        pk.h_query.truncate(half);
    });
    keyfile::decode_proving_key_file(&bytes, shape()).unwrap();
    let dir = fresh_dir("domain");
    std::fs::write(pk_path(&dir), &bytes).unwrap();
    let err = keyfile::load_keys(&dir, shape(), None).unwrap_err();
    assert!(
        matches!(err, ProverError::CircuitKeyMismatch { .. }),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn identity_points_are_decoded_for_the_verifier_to_judge() {
    // The key-file layer checks encoding, curve and subgroup; whether a
    // point may be the identity is the verifier's rule (BatchVerifier::new).
    let mut vk = keys().verifying_key().clone();
    vk.gamma_abc_g1[1] = G1Affine::zero();
    let bytes = keyfile::key_file_bytes(
        KeyKind::Verifying,
        shape(),
        Fingerprint::of(&vk),
        &vk_payload(&vk),
    );
    assert_eq!(
        keyfile::decode_verifying_key_file(&bytes, shape()).unwrap(),
        vk
    );
}

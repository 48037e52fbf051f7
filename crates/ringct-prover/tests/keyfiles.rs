//! Key files round-trip, and every way they can be broken has its own error.

use ringct_circuit::Shape;
use ringct_prover::{keyfile, ProverError, RingCtKeys};
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

/// Rewrites the payload checksum so that only the deeper checks can notice a change.
fn fix_checksum(bytes: &mut [u8]) {
    use blake2::{digest::consts::U32, Blake2b, Digest};
    let sum: [u8; 32] = Blake2b::<U32>::digest(&bytes[96..]).into();
    bytes[56..88].copy_from_slice(&sum);
}

fn mutate(name: &str, f: impl FnOnce(&mut Vec<u8>)) -> ProverError {
    let dir = fresh_dir(name);
    let path = pk_path(&dir);
    let mut bytes = std::fs::read(&path).unwrap();
    f(&mut bytes);
    std::fs::write(&path, bytes).unwrap();
    let err = keyfile::load_keys(&dir, shape()).unwrap_err();
    let _ = std::fs::remove_dir_all(&dir);
    err
}

#[test]
fn keys_round_trip() {
    let dir = fresh_dir("roundtrip");
    let loaded = keyfile::load_keys(&dir, shape()).unwrap();
    assert_eq!(loaded.fingerprint(), keys().fingerprint());
    assert_eq!(loaded.proving_key(), keys().proving_key());
    let (vk, fp) = keyfile::load_verifying_key(&dir, shape(), Some(keys().fingerprint())).unwrap();
    assert_eq!(&vk, keys().verifying_key());
    assert_eq!(fp, keys().fingerprint());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_file() {
    let dir = std::env::temp_dir().join("ringct-keyfiles-does-not-exist");
    assert!(matches!(
        keyfile::load_keys(&dir, shape()),
        Err(ProverError::KeyFileMissing(_))
    ));
}

#[test]
fn truncated_header_and_payload() {
    assert!(matches!(
        mutate("trunc-h", |b| b.truncate(50)),
        ProverError::KeyFileTruncated(_)
    ));
    assert!(matches!(
        mutate("trunc-p", |b| b.truncate(b.len() - 10)),
        ProverError::KeyFileTruncated(_)
    ));
    assert!(matches!(
        mutate("trunc-0", |b| b.truncate(3)),
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
        ProverError::KeyFileVersion { found: 9, .. }
    ));
}

#[test]
fn wrong_kind() {
    assert!(matches!(
        mutate("kind", |b| b[10] = 2),
        ProverError::KeyFileWrongKind(_)
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
    let err = keyfile::load_keys(&dir, "1x2-r4".parse().unwrap()).unwrap_err();
    assert!(
        matches!(&err, ProverError::KeyFileShapeMismatch { found, .. } if found == "1x1-r4"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
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
fn fingerprint_mismatch() {
    assert!(matches!(
        mutate("fp", |b| b[30] ^= 1),
        ProverError::FingerprintMismatch { .. }
    ));
    let dir = fresh_dir("fp-config");
    let other = ringct_prover::Fingerprint([7; 32]);
    assert!(matches!(
        keyfile::load_verifying_key(&dir, shape(), Some(other)),
        Err(ProverError::FingerprintMismatch { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_point_with_a_valid_checksum() {
    // alpha_g1 is the first point of the payload (uncompressed: x then y, 96 bytes).
    // Changing y moves the point off the curve; fixing the checksum leaves
    // only point validation to catch it.
    let err = mutate("point", |b| {
        b[96 + 60] ^= 1;
        fix_checksum(b);
    });
    assert!(
        matches!(err, ProverError::KeyFileInvalidKey { .. }),
        "{err}"
    );
}

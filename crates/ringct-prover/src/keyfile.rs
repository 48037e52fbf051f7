//! Key files: a small header followed by the key.
//!
//! ```text
//! offset size  field
//!      0    8  magic "SVMRCTKY"
//!      8    2  format version, u16 little-endian (2)
//!     10    1  kind: 1 = proving key, 2 = verifying key
//!     11    1  reserved, 0
//!     12   12  shape: inputs, outputs, ring depth (u32 little-endian each)
//!     24   32  fingerprint of the verifying key
//!     56   32  BLAKE2b-256 of the payload
//!     88    8  payload length, u64 little-endian
//!     96    …  payload: the key, arkworks canonical uncompressed encoding
//! ```
//!
//! Format version 2 goes with protocol v2, whose circuit differs from v1's
//! (one more constraint per pair of inputs): a key made for v1 cannot prove
//! or verify v2 statements, so a version-1 file is refused with
//! [`ProverError::KeyFileVersion`] before anything else is read.
//!
//! Decoding ([`decode_verifying_key_file`], [`decode_proving_key_file`]) works
//! on bytes, without the file system, and checks, in this order, each failure
//! its own [`ProverError`] variant: magic, header length, format version, key
//! kind, reserved byte, shape, payload length, payload checksum, the key's
//! encoding (no trailing bytes), every point on its curve, every point in the
//! prime-order subgroup, the key's structure (public-input count; for a
//! proving key, the lengths of its queries), and finally that the header's
//! fingerprint is the key's. The path-based loaders read the file and call
//! the same decoders.

use crate::error::{KeyFileOrigin, ProverError};
use crate::keys::{Fingerprint, RingCtKeys};
use ark_bls12_381::{Bls12_381, G1Affine, G2Affine};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use blake2::{digest::consts::U32, Blake2b, Digest};
use rayon::prelude::*;
use ringct_circuit::Shape;
use std::fs;
use std::path::{Path, PathBuf};

/// Magic bytes at the start of every key file.
pub const MAGIC: &[u8; 8] = b"SVMRCTKY";
/// The format version this build writes and reads (2: protocol v2 keys).
pub const FORMAT_VERSION: u16 = 2;
/// Length of the header in front of the payload.
pub const HEADER_LEN: usize = 96;

/// What a key file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A Groth16 proving key (which embeds its verifying key).
    Proving = 1,
    /// A Groth16 verifying key.
    Verifying = 2,
}

impl std::fmt::Display for KeyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyKind::Proving => "proving key (1)",
            KeyKind::Verifying => "verifying key (2)",
        })
    }
}

/// The proving-key file for `shape` in `dir`.
pub fn proving_key_path(dir: &Path, shape: Shape) -> PathBuf {
    dir.join(format!("ringct-{shape}.pk"))
}

/// The verifying-key file for `shape` in `dir`.
pub fn verifying_key_path(dir: &Path, shape: Shape) -> PathBuf {
    dir.join(format!("ringct-{shape}.vk"))
}

fn checksum(payload: &[u8]) -> [u8; 32] {
    Blake2b::<U32>::digest(payload).into()
}

/// A key file around `payload`: the header for `kind`, `shape` and
/// `fingerprint` (as given, not computed), with the current
/// [`FORMAT_VERSION`], a correct checksum and length. [`write_keys`] uses
/// it; fuzz harnesses use it to reach the payload checks with arbitrary
/// payload bytes.
///
/// Shape fields are written as u32; a field above `u32::MAX` (no valid
/// shape has one) is written as `u32::MAX`.
pub fn key_file_bytes(
    kind: KeyKind,
    shape: Shape,
    fingerprint: Fingerprint,
    payload: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.push(kind as u8);
    out.push(0);
    let field = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    for n in [field(shape.inputs), field(shape.outputs), shape.ring_depth] {
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend_from_slice(&fingerprint.0);
    out.extend_from_slice(&checksum(payload));
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ProverError> {
    let io = |source| ProverError::KeyFileIo {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, bytes).map_err(io)?;
    fs::rename(&tmp, path).map_err(io)
}

/// Writes `keys` as a proving-key file and a verifying-key file in `dir`
/// (created if missing). Returns both paths.
pub fn write_keys(dir: &Path, keys: &RingCtKeys) -> Result<(PathBuf, PathBuf), ProverError> {
    fs::create_dir_all(dir).map_err(|source| ProverError::KeyFileIo {
        path: dir.to_path_buf(),
        source,
    })?;
    let (shape, fp) = (keys.shape(), keys.fingerprint());
    let mut pk = Vec::new();
    keys.proving_key()
        .serialize_uncompressed(&mut pk)
        .expect("serialising into a Vec cannot fail");
    let mut vk = Vec::new();
    keys.verifying_key()
        .serialize_uncompressed(&mut vk)
        .expect("serialising into a Vec cannot fail");
    let (pk_path, vk_path) = (proving_key_path(dir, shape), verifying_key_path(dir, shape));
    write_atomically(&pk_path, &key_file_bytes(KeyKind::Proving, shape, fp, &pk))?;
    write_atomically(
        &vk_path,
        &key_file_bytes(KeyKind::Verifying, shape, fp, &vk),
    )?;
    Ok((pk_path, vk_path))
}

fn read_file(path: &Path) -> Result<Vec<u8>, ProverError> {
    fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ProverError::KeyFileMissing(path.to_path_buf()),
        _ => ProverError::KeyFileIo {
            path: path.to_path_buf(),
            source,
        },
    })
}

fn u32_at(bytes: &[u8], offset: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[offset..offset + 4]);
    u32::from_le_bytes(b)
}

fn array_at<const N: usize>(bytes: &[u8], offset: usize) -> [u8; N] {
    let mut b = [0u8; N];
    b.copy_from_slice(&bytes[offset..offset + N]);
    b
}

/// Checks the header and returns the header's fingerprint and the payload.
fn split_checked<'a>(
    bytes: &'a [u8],
    kind: KeyKind,
    shape: Shape,
    origin: &KeyFileOrigin,
) -> Result<(Fingerprint, &'a [u8]), ProverError> {
    let o = || origin.clone();
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
            ProverError::KeyFileTruncated(o())
        } else {
            ProverError::KeyFileBadMagic(o())
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(ProverError::KeyFileTruncated(o()));
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != FORMAT_VERSION {
        return Err(ProverError::KeyFileVersion {
            origin: o(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if bytes[10] != kind as u8 {
        return Err(ProverError::KeyFileWrongKind {
            origin: o(),
            expected: kind,
            found: bytes[10],
        });
    }
    if bytes[11] != 0 {
        return Err(ProverError::KeyFileReserved {
            origin: o(),
            found: bytes[11],
        });
    }
    let (inputs, outputs, depth) = (u32_at(bytes, 12), u32_at(bytes, 16), u32_at(bytes, 20));
    let wanted = (shape.inputs as u64, shape.outputs as u64, shape.ring_depth);
    if (u64::from(inputs), u64::from(outputs), depth) != wanted {
        let found = Shape {
            inputs: inputs as usize,
            outputs: outputs as usize,
            ring_depth: depth,
        };
        let found = match found.validate() {
            Ok(()) => found.to_string(),
            Err(_) => format!("(inputs {inputs}, outputs {outputs}, depth {depth})"),
        };
        return Err(ProverError::KeyFileShapeMismatch {
            origin: o(),
            expected: shape,
            found,
        });
    }
    let fingerprint = Fingerprint(array_at(bytes, 24));
    let sum: [u8; 32] = array_at(bytes, 56);
    let declared = u64::from_le_bytes(array_at(bytes, 88));
    let payload = &bytes[HEADER_LEN..];
    let actual = payload.len() as u64;
    if actual < declared {
        return Err(ProverError::KeyFileTruncated(o()));
    }
    if actual > declared {
        return Err(ProverError::KeyFileLength {
            origin: o(),
            declared,
            actual,
        });
    }
    if checksum(payload) != sum {
        return Err(ProverError::KeyFileCorrupted(o()));
    }
    Ok((fingerprint, payload))
}

/// Decodes `T` from the whole of `payload` without arkworks' validation
/// (the callers check every point themselves, with their own errors).
fn decode_exact<T: CanonicalDeserialize>(
    payload: &[u8],
    origin: &KeyFileOrigin,
) -> Result<T, ProverError> {
    let mut reader = payload;
    let value = T::deserialize_with_mode(&mut reader, Compress::No, Validate::No).map_err(|e| {
        ProverError::KeyFileInvalidKey {
            origin: origin.clone(),
            reason: e.to_string(),
        }
    })?;
    if !reader.is_empty() {
        return Err(ProverError::KeyFileTrailingBytes {
            origin: origin.clone(),
            extra: reader.len(),
        });
    }
    Ok(value)
}

/// The points of one curve in a key, each group named for error messages.
type Named<'a, P> = [(&'static str, &'a [Affine<P>])];

/// Every point on its curve, then every point in the prime-order subgroup
/// (the identity passes both; the verifier decides which points may be it).
fn check_points(
    g1: &Named<'_, ark_bls12_381::g1::Config>,
    g2: &Named<'_, ark_bls12_381::g2::Config>,
    origin: &KeyFileOrigin,
) -> Result<(), ProverError> {
    fn first_bad<'a, P: SWCurveConfig>(
        groups: &Named<'a, P>,
        bad: impl Fn(&Affine<P>) -> bool + Sync,
    ) -> Option<&'static str> {
        groups
            .iter()
            .find(|(_, points)| points.par_iter().any(&bad))
            .map(|(name, _)| *name)
    }
    let off_curve = |p: &G1Affine| !p.is_on_curve();
    let off_curve2 = |p: &G2Affine| !p.is_on_curve();
    if let Some(what) = first_bad(g1, off_curve).or_else(|| first_bad(g2, off_curve2)) {
        return Err(ProverError::KeyFilePointNotOnCurve {
            origin: origin.clone(),
            what,
        });
    }
    let outside = |p: &G1Affine| !p.is_in_correct_subgroup_assuming_on_curve();
    let outside2 = |p: &G2Affine| !p.is_in_correct_subgroup_assuming_on_curve();
    if let Some(what) = first_bad(g1, outside).or_else(|| first_bad(g2, outside2)) {
        return Err(ProverError::KeyFilePointNotInSubgroup {
            origin: origin.clone(),
            what,
        });
    }
    Ok(())
}

/// A key's G1 and G2 points, each group named for error messages.
type PointGroups<'a> = (
    Vec<(&'static str, &'a [G1Affine])>,
    Vec<(&'static str, &'a [G2Affine])>,
);

fn vk_points(vk: &VerifyingKey<Bls12_381>) -> PointGroups<'_> {
    (
        vec![
            ("alpha_g1", std::slice::from_ref(&vk.alpha_g1)),
            ("gamma_abc_g1", &vk.gamma_abc_g1[..]),
        ],
        vec![
            ("beta_g2", std::slice::from_ref(&vk.beta_g2)),
            ("gamma_g2", std::slice::from_ref(&vk.gamma_g2)),
            ("delta_g2", std::slice::from_ref(&vk.delta_g2)),
        ],
    )
}

fn check_input_count(
    vk: &VerifyingKey<Bls12_381>,
    shape: Shape,
    origin: &KeyFileOrigin,
) -> Result<(), ProverError> {
    let expected = shape.num_public_inputs() + 1;
    if vk.gamma_abc_g1.len() != expected {
        return Err(ProverError::KeyFileInputCount {
            origin: origin.clone(),
            expected,
            found: vk.gamma_abc_g1.len(),
        });
    }
    Ok(())
}

fn check_header_fingerprint(
    vk: &VerifyingKey<Bls12_381>,
    header: Fingerprint,
    origin: &KeyFileOrigin,
) -> Result<Fingerprint, ProverError> {
    let computed = Fingerprint::of(vk);
    if computed != header {
        return Err(ProverError::KeyFileFingerprint {
            origin: origin.clone(),
            header: header.to_string(),
            computed: computed.to_string(),
        });
    }
    Ok(computed)
}

fn check_pinned(found: Fingerprint, expected: Option<Fingerprint>) -> Result<(), ProverError> {
    match expected {
        Some(expected) if expected != found => Err(ProverError::FingerprintMismatch {
            expected: expected.to_string(),
            found: found.to_string(),
        }),
        _ => Ok(()),
    }
}

fn decode_vk(
    bytes: &[u8],
    shape: Shape,
    origin: &KeyFileOrigin,
) -> Result<(VerifyingKey<Bls12_381>, Fingerprint), ProverError> {
    let (header, payload) = split_checked(bytes, KeyKind::Verifying, shape, origin)?;
    let vk: VerifyingKey<Bls12_381> = decode_exact(payload, origin)?;
    let (g1, g2) = vk_points(&vk);
    check_points(&g1, &g2, origin)?;
    check_input_count(&vk, shape, origin)?;
    let fingerprint = check_header_fingerprint(&vk, header, origin)?;
    Ok((vk, fingerprint))
}

/// The query lengths of a Groth16 proving key made by ark-groth16's
/// generator: `a_query`, `b_g1_query` and `b_g2_query` have one point per
/// variable (instance variables, the constant one included, then witness
/// variables); `l_query` one per witness variable; `h_query` one fewer than
/// the evaluation domain, a power of two.
fn check_pk_structure(
    pk: &ProvingKey<Bls12_381>,
    origin: &KeyFileOrigin,
) -> Result<(), ProverError> {
    let inconsistent = |reason: &'static str| ProverError::KeyFileInconsistentKey {
        origin: origin.clone(),
        reason,
    };
    let variables = pk.vk.gamma_abc_g1.len() + pk.l_query.len();
    if pk.a_query.len() != variables {
        return Err(inconsistent(
            "a_query does not have one point per variable (gamma_abc_g1 + l_query)",
        ));
    }
    if pk.b_g1_query.len() != variables || pk.b_g2_query.len() != variables {
        return Err(inconsistent(
            "b_g1_query or b_g2_query does not have one point per variable",
        ));
    }
    if !(pk.h_query.len() + 1).is_power_of_two() {
        return Err(inconsistent(
            "h_query is not one point short of a power-of-two evaluation domain",
        ));
    }
    Ok(())
}

fn decode_pk(
    bytes: &[u8],
    shape: Shape,
    origin: &KeyFileOrigin,
) -> Result<(ProvingKey<Bls12_381>, Fingerprint), ProverError> {
    let (header, payload) = split_checked(bytes, KeyKind::Proving, shape, origin)?;
    let pk: ProvingKey<Bls12_381> = decode_exact(payload, origin)?;
    let (mut g1, g2) = vk_points(&pk.vk);
    g1.extend([
        ("beta_g1", std::slice::from_ref(&pk.beta_g1)),
        ("delta_g1", std::slice::from_ref(&pk.delta_g1)),
        ("a_query", &pk.a_query[..]),
        ("b_g1_query", &pk.b_g1_query[..]),
        ("h_query", &pk.h_query[..]),
        ("l_query", &pk.l_query[..]),
    ]);
    let mut g2 = g2;
    g2.push(("b_g2_query", &pk.b_g2_query[..]));
    check_points(&g1, &g2, origin)?;
    check_input_count(&pk.vk, shape, origin)?;
    check_pk_structure(&pk, origin)?;
    let fingerprint = check_header_fingerprint(&pk.vk, header, origin)?;
    Ok((pk, fingerprint))
}

/// Decodes and fully validates a verifying-key file for `shape` from bytes
/// (see the module docs for every check and its order). Errors name the
/// origin as [`KeyFileOrigin::Bytes`].
pub fn decode_verifying_key_file(
    bytes: &[u8],
    shape: Shape,
) -> Result<VerifyingKey<Bls12_381>, ProverError> {
    decode_vk(bytes, shape, &KeyFileOrigin::Bytes).map(|(vk, _)| vk)
}

/// Decodes and fully validates a proving-key file for `shape` from bytes
/// (see the module docs for every check and its order). Errors name the
/// origin as [`KeyFileOrigin::Bytes`].
///
/// This checks the key's own structure, not that it was made for this
/// circuit: [`load_keys`] (through [`RingCtKeys::from_proving_key`]) also
/// compares the key with the circuit's constraint system.
pub fn decode_proving_key_file(
    bytes: &[u8],
    shape: Shape,
) -> Result<ProvingKey<Bls12_381>, ProverError> {
    decode_pk(bytes, shape, &KeyFileOrigin::Bytes).map(|(pk, _)| pk)
}

/// Loads and fully validates the proving key for `shape` from `dir`, and
/// checks that it fits the circuit of `shape` (constraint-system sizes and
/// the evaluation domain).
/// Pass `expected` to insist on the fingerprint a node is configured with;
/// another key is refused with [`ProverError::FingerprintMismatch`].
pub fn load_keys(
    dir: &Path,
    shape: Shape,
    expected: Option<Fingerprint>,
) -> Result<RingCtKeys, ProverError> {
    let path = proving_key_path(dir, shape);
    let origin = KeyFileOrigin::Path(path.clone());
    let (pk, fingerprint) = decode_pk(&read_file(&path)?, shape, &origin)?;
    check_pinned(fingerprint, expected)?;
    let h_len = pk.h_query.len();
    let keys = RingCtKeys::from_proving_key(shape, pk)?;
    let m = keys.engine().matrices();
    let domain = (m.num_constraints + m.num_instance_variables).next_power_of_two();
    if h_len + 1 != domain {
        return Err(ProverError::CircuitKeyMismatch {
            what: "evaluation-domain points (h_query + 1)",
            circuit: domain,
            key: h_len + 1,
        });
    }
    Ok(keys)
}

/// Loads and fully validates the verifying key for `shape` from `dir`.
/// Pass `expected` to insist on the fingerprint a node is configured with;
/// another key is refused with [`ProverError::FingerprintMismatch`].
pub fn load_verifying_key(
    dir: &Path,
    shape: Shape,
    expected: Option<Fingerprint>,
) -> Result<(VerifyingKey<Bls12_381>, Fingerprint), ProverError> {
    let path = verifying_key_path(dir, shape);
    let origin = KeyFileOrigin::Path(path.clone());
    let (vk, fingerprint) = decode_vk(&read_file(&path)?, shape, &origin)?;
    check_pinned(fingerprint, expected)?;
    Ok((vk, fingerprint))
}

/// Compressed size of a proving key, for reports.
pub fn proving_key_bytes(keys: &RingCtKeys) -> usize {
    keys.proving_key().compressed_size()
}

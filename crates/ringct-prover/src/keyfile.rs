//! Key files: a small header followed by the key.
//!
//! ```text
//! offset size  field
//!      0    8  magic "SVMRCTKY"
//!      8    2  format version, u16 little-endian (1)
//!     10    1  kind: 1 = proving key, 2 = verifying key
//!     11    1  reserved, 0
//!     12   12  shape: inputs, outputs, ring depth (u32 little-endian each)
//!     24   32  fingerprint of the verifying key
//!     56   32  BLAKE2b-256 of the payload
//!     88    8  payload length, u64 little-endian
//!     96    …  payload: the key, arkworks canonical uncompressed encoding
//! ```
//!
//! Loading checks every field, then decodes with subgroup checks and checks
//! every point is on its curve (arkworks 0.6 does not do that for
//! uncompressed points), then recomputes the fingerprint.

use crate::error::ProverError;
use crate::keys::{Fingerprint, RingCtKeys};
use ark_bls12_381::{Bls12_381, G1Affine, G2Affine};
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use blake2::{digest::consts::U32, Blake2b, Digest};
use rayon::prelude::*;
use ringct_circuit::Shape;
use std::fs;
use std::path::{Path, PathBuf};

/// Magic bytes at the start of every key file.
pub const MAGIC: &[u8; 8] = b"SVMRCTKY";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u16 = 1;
const HEADER_LEN: usize = 96;

/// What a key file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A Groth16 proving key (which embeds its verifying key).
    Proving = 1,
    /// A Groth16 verifying key.
    Verifying = 2,
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

fn encode(kind: KeyKind, shape: Shape, fingerprint: Fingerprint, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.push(kind as u8);
    out.push(0);
    for n in [shape.inputs as u32, shape.outputs as u32, shape.ring_depth] {
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
    write_atomically(&pk_path, &encode(KeyKind::Proving, shape, fp, &pk))?;
    write_atomically(&vk_path, &encode(KeyKind::Verifying, shape, fp, &vk))?;
    Ok((pk_path, vk_path))
}

struct Header {
    fingerprint: Fingerprint,
}

fn read_checked(
    path: &Path,
    kind: KeyKind,
    shape: Shape,
) -> Result<(Header, Vec<u8>), ProverError> {
    let bytes = fs::read(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ProverError::KeyFileMissing(path.to_path_buf()),
        _ => ProverError::KeyFileIo {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let p = || path.to_path_buf();
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(if bytes.len() < MAGIC.len() && MAGIC.starts_with(&bytes) {
            ProverError::KeyFileTruncated(p())
        } else {
            ProverError::KeyFileBadMagic(p())
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(ProverError::KeyFileTruncated(p()));
    }
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().expect("4 bytes"));
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version != FORMAT_VERSION {
        return Err(ProverError::KeyFileVersion {
            path: p(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if bytes[10] != kind as u8 {
        return Err(ProverError::KeyFileWrongKind(p()));
    }
    let (inputs, outputs, depth) = (u32_at(12), u32_at(16), u32_at(20));
    if (inputs as usize, outputs as usize, depth) != (shape.inputs, shape.outputs, shape.ring_depth)
    {
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
            path: p(),
            expected: shape,
            found,
        });
    }
    let fingerprint = Fingerprint(bytes[24..56].try_into().expect("32 bytes"));
    let sum: [u8; 32] = bytes[56..88].try_into().expect("32 bytes");
    let len = u64::from_le_bytes(bytes[88..96].try_into().expect("8 bytes"));
    let payload = &bytes[HEADER_LEN..];
    if (payload.len() as u64) < len {
        return Err(ProverError::KeyFileTruncated(p()));
    }
    if payload.len() as u64 != len || checksum(payload) != sum {
        return Err(ProverError::KeyFileCorrupted(p()));
    }
    Ok((Header { fingerprint }, payload.to_vec()))
}

fn invalid(path: &Path, reason: impl ToString) -> ProverError {
    ProverError::KeyFileInvalidKey {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

fn all_on_curve(g1: &[&[G1Affine]], g2: &[&[G2Affine]]) -> bool {
    g1.par_iter().all(|s| s.par_iter().all(|p| p.is_on_curve()))
        && g2.par_iter().all(|s| s.par_iter().all(|p| p.is_on_curve()))
}

fn vk_on_curve(vk: &VerifyingKey<Bls12_381>) -> bool {
    all_on_curve(
        &[&[vk.alpha_g1], &vk.gamma_abc_g1],
        &[&[vk.beta_g2, vk.gamma_g2, vk.delta_g2]],
    )
}

fn check_fingerprint(
    vk: &VerifyingKey<Bls12_381>,
    header: &Header,
) -> Result<Fingerprint, ProverError> {
    let found = Fingerprint::of(vk);
    if found != header.fingerprint {
        return Err(ProverError::FingerprintMismatch {
            expected: header.fingerprint.to_string(),
            found: found.to_string(),
        });
    }
    Ok(found)
}

/// Loads and fully validates the proving key for `shape` from `dir`.
pub fn load_keys(dir: &Path, shape: Shape) -> Result<RingCtKeys, ProverError> {
    let path = proving_key_path(dir, shape);
    let (header, payload) = read_checked(&path, KeyKind::Proving, shape)?;
    let pk =
        ProvingKey::<Bls12_381>::deserialize_with_mode(&payload[..], Compress::No, Validate::Yes)
            .map_err(|e| invalid(&path, e))?;
    let on_curve = vk_on_curve(&pk.vk)
        && all_on_curve(
            &[
                &[pk.beta_g1, pk.delta_g1],
                &pk.a_query,
                &pk.b_g1_query,
                &pk.h_query,
                &pk.l_query,
            ],
            &[&pk.b_g2_query],
        );
    if !on_curve {
        return Err(invalid(&path, "a point is not on its curve"));
    }
    check_fingerprint(&pk.vk, &header)?;
    RingCtKeys::from_proving_key(shape, pk)
}

/// Loads and fully validates the verifying key for `shape` from `dir`.
/// Pass `expected` to insist on the fingerprint a node is configured with.
pub fn load_verifying_key(
    dir: &Path,
    shape: Shape,
    expected: Option<Fingerprint>,
) -> Result<(VerifyingKey<Bls12_381>, Fingerprint), ProverError> {
    let path = verifying_key_path(dir, shape);
    let (header, payload) = read_checked(&path, KeyKind::Verifying, shape)?;
    let vk =
        VerifyingKey::<Bls12_381>::deserialize_with_mode(&payload[..], Compress::No, Validate::Yes)
            .map_err(|e| invalid(&path, e))?;
    if !vk_on_curve(&vk) {
        return Err(invalid(&path, "a point is not on its curve"));
    }
    if vk.gamma_abc_g1.len() != shape.num_public_inputs() + 1 {
        return Err(invalid(
            &path,
            "the key's public-input count does not match the shape",
        ));
    }
    let fingerprint = check_fingerprint(&vk, &header)?;
    if let Some(expected) = expected.filter(|e| *e != fingerprint) {
        return Err(ProverError::FingerprintMismatch {
            expected: expected.to_string(),
            found: fingerprint.to_string(),
        });
    }
    Ok((vk, fingerprint))
}

/// Compressed size of a proving key, for reports.
pub fn proving_key_bytes(keys: &RingCtKeys) -> usize {
    keys.proving_key().compressed_size()
}

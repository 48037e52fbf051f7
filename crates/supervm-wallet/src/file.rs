//! The wallet file: the wallet state, encrypted under a passphrase, written
//! atomically.
//!
//! ```text
//! offset size  field
//!      0    8  magic "SVMWALLT"
//!      8    2  format version, u16le (1)
//!     10    4  argon2id memory, KiB, u32le
//!     14    4  argon2id iterations, u32le
//!     18    4  argon2id lanes, u32le
//!     22   16  salt
//!     38   24  nonce (XChaCha20-Poly1305)
//!     62    8  ciphertext length (with its 16-byte tag), u64le
//!     70    …  ciphertext of the state (JSON)
//! ```
//!
//! key = Argon2id(passphrase, salt, params) (32 bytes); the AEAD's associated
//! data is the 70-byte header, so no parameter can be changed unnoticed. A
//! fresh random nonce is drawn for every save (24 bytes: collisions are
//! negligible), the salt and key stay for the session.
//!
//! Saving writes `<file>.tmp`, fsyncs it, renames it over the file and fsyncs
//! the directory: a crash leaves either the old file or the new one, never a
//! mix. A file shorter than its header says is reported as cut off
//! ([`WalletError::WalletFileTruncated`]); a failed tag as a wrong passphrase.
//! Reading is bounded: at most [`MAX_FILE_BYTES`], parameters within
//! [`KdfParams::check`].

use crate::error::WalletError;
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use rand::RngCore;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Magic bytes of a wallet file.
pub const MAGIC: &[u8; 8] = b"SVMWALLT";
/// The format version written and read.
pub const FORMAT_VERSION: u16 = 1;
/// Header bytes.
pub const HEADER_LEN: usize = 70;
/// Largest wallet file read: 64 MiB (hundreds of thousands of notes).
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// Largest argon2 memory accepted from a file: 4 GiB in KiB.
pub const MAX_MEMORY_KIB: u32 = 4 << 20;
/// Most argon2 iterations accepted from a file.
pub const MAX_ITERATIONS: u32 = 64;
/// Most argon2 lanes accepted from a file.
pub const MAX_LANES: u32 = 16;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Iterations.
    pub iterations: u32,
    /// Lanes.
    pub lanes: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 iterations, 1 lane (OWASP's argon2id recommendation is at
    /// least 19 MiB and 2 iterations).
    fn default() -> Self {
        KdfParams {
            memory_kib: 64 * 1024,
            iterations: 3,
            lanes: 1,
        }
    }
}

impl KdfParams {
    /// Checks the bounds.
    pub fn check(&self) -> Result<(), WalletError> {
        if !(1..=MAX_LANES).contains(&self.lanes) {
            return Err(WalletError::KdfParams(format!(
                "lanes {} not in 1..={MAX_LANES}",
                self.lanes
            )));
        }
        let min_memory = 8 * self.lanes;
        if !(min_memory..=MAX_MEMORY_KIB).contains(&self.memory_kib) {
            return Err(WalletError::KdfParams(format!(
                "memory {} KiB not in {min_memory}..={MAX_MEMORY_KIB}",
                self.memory_kib
            )));
        }
        if !(1..=MAX_ITERATIONS).contains(&self.iterations) {
            return Err(WalletError::KdfParams(format!(
                "iterations {} not in 1..={MAX_ITERATIONS}",
                self.iterations
            )));
        }
        Ok(())
    }

    fn derive(
        &self,
        passphrase: &[u8],
        salt: &[u8; 16],
    ) -> Result<Zeroizing<[u8; 32]>, WalletError> {
        self.check()?;
        let params = Params::new(self.memory_kib, self.iterations, self.lanes, Some(32))
            .map_err(|e| WalletError::KdfParams(e.to_string()))?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase, salt, key.as_mut())
            .map_err(|e| WalletError::KdfParams(e.to_string()))?;
        Ok(key)
    }
}

/// An open wallet file: where it is and the key that seals it.
pub struct WalletFile {
    path: PathBuf,
    params: KdfParams,
    salt: [u8; 16],
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for WalletFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletFile")
            .field("path", &self.path)
            .field("params", &self.params)
            .finish()
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WalletError + '_ {
    move |source| WalletError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl WalletFile {
    /// A new file at `path` (refused if one exists), sealing `plaintext`.
    pub fn create(
        path: &Path,
        passphrase: &[u8],
        params: KdfParams,
        plaintext: &[u8],
    ) -> Result<Self, WalletError> {
        if path.exists() {
            return Err(WalletError::WalletExists(path.to_path_buf()));
        }
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let key = params.derive(passphrase, &salt)?;
        let file = WalletFile {
            path: path.to_path_buf(),
            params,
            salt,
            key,
        };
        file.save(plaintext)?;
        Ok(file)
    }

    /// Opens and decrypts the file at `path`; returns it and the plaintext.
    pub fn open(path: &Path, passphrase: &[u8]) -> Result<(Self, Zeroizing<Vec<u8>>), WalletError> {
        let len = std::fs::metadata(path).map_err(io(path))?.len();
        if len > MAX_FILE_BYTES {
            return Err(WalletError::WalletFileTooLarge {
                path: path.to_path_buf(),
                len,
                max: MAX_FILE_BYTES,
            });
        }
        let bytes = std::fs::read(path).map_err(io(path))?;
        Self::open_bytes(path, &bytes, passphrase)
    }

    fn open_bytes(
        path: &Path,
        bytes: &[u8],
        passphrase: &[u8],
    ) -> Result<(Self, Zeroizing<Vec<u8>>), WalletError> {
        let malformed = |reason: &str| WalletError::WalletFileMalformed {
            path: path.to_path_buf(),
            reason: reason.into(),
        };
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            if bytes.is_empty() || MAGIC.starts_with(bytes) {
                return Err(WalletError::WalletFileTruncated {
                    path: path.to_path_buf(),
                    got: bytes.len() as u64,
                    needed: HEADER_LEN as u64,
                });
            }
            return Err(malformed("no SVMWALLT magic"));
        }
        if bytes.len() < HEADER_LEN {
            return Err(WalletError::WalletFileTruncated {
                path: path.to_path_buf(),
                got: bytes.len() as u64,
                needed: HEADER_LEN as u64,
            });
        }
        let version = u16::from_le_bytes([bytes[8], bytes[9]]);
        if version != FORMAT_VERSION {
            return Err(WalletError::WalletFileVersion {
                path: path.to_path_buf(),
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let params = KdfParams {
            memory_kib: u32_at(bytes, 10),
            iterations: u32_at(bytes, 14),
            lanes: u32_at(bytes, 18),
        };
        params.check()?;
        let mut salt = [0u8; 16];
        salt.copy_from_slice(&bytes[22..38]);
        let mut ct_len = [0u8; 8];
        ct_len.copy_from_slice(&bytes[62..70]);
        let ct_len = u64::from_le_bytes(ct_len);
        let needed = (HEADER_LEN as u64).saturating_add(ct_len);
        let got = bytes.len() as u64;
        if got < needed {
            return Err(WalletError::WalletFileTruncated {
                path: path.to_path_buf(),
                got,
                needed,
            });
        }
        if got > needed {
            return Err(malformed("bytes after the ciphertext"));
        }
        let key = params.derive(passphrase, &salt)?;
        let plain = XChaCha20Poly1305::new(key.as_ref().into())
            .decrypt(
                bytes[38..62].into(),
                Payload {
                    msg: &bytes[HEADER_LEN..],
                    aad: &bytes[..HEADER_LEN],
                },
            )
            .map_err(|_| WalletError::WrongPassphrase {
                path: path.to_path_buf(),
            })?;
        Ok((
            WalletFile {
                path: path.to_path_buf(),
                params,
                salt,
                key,
            },
            Zeroizing::new(plain),
        ))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary file a save writes before renaming it.
    pub fn temp_path(&self) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(".tmp");
        self.path.with_file_name(name)
    }

    /// The sealed bytes of `plaintext` (a fresh nonce each time).
    pub fn seal(&self, plaintext: &[u8]) -> Result<Vec<u8>, WalletError> {
        let mut header = Vec::with_capacity(HEADER_LEN + plaintext.len() + 16);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        header.extend_from_slice(&self.params.memory_kib.to_le_bytes());
        header.extend_from_slice(&self.params.iterations.to_le_bytes());
        header.extend_from_slice(&self.params.lanes.to_le_bytes());
        header.extend_from_slice(&self.salt);
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        header.extend_from_slice(&nonce);
        header.extend_from_slice(&((plaintext.len() + 16) as u64).to_le_bytes());
        let ct = XChaCha20Poly1305::new(self.key.as_ref().into())
            .encrypt(
                (&nonce).into(),
                Payload {
                    msg: plaintext,
                    aad: &header,
                },
            )
            .map_err(|_| WalletError::Seal)?;
        header.extend_from_slice(&ct);
        Ok(header)
    }

    /// Seals `plaintext` and replaces the file atomically.
    pub fn save(&self, plaintext: &[u8]) -> Result<(), WalletError> {
        let bytes = self.seal(plaintext)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(WalletError::WalletFileTooLarge {
                path: self.path.clone(),
                len: bytes.len() as u64,
                max: MAX_FILE_BYTES,
            });
        }
        let tmp = self.temp_path();
        {
            // A leftover from a save that crashed is replaced, never reused
            // (it may have other permissions).
            match std::fs::remove_file(&tmp) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&tmp)(e)),
            }
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                // Only the owner may read the (encrypted) wallet.
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options.open(&tmp).map_err(io(&tmp))?;
            f.write_all(&bytes).map_err(io(&tmp))?;
            f.sync_all().map_err(io(&tmp))?;
        }
        std::fs::rename(&tmp, &self.path).map_err(io(&self.path))?;
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(io(&dir))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> KdfParams {
        KdfParams {
            memory_kib: 64,
            iterations: 1,
            lanes: 1,
        }
    }

    #[test]
    fn round_trips_and_refuses_a_wrong_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.wallet");
        let f = WalletFile::create(&path, b"correct horse", fast(), b"state one").unwrap();
        let (_, plain) = WalletFile::open(&path, b"correct horse").unwrap();
        assert_eq!(plain.as_slice(), b"state one");
        assert!(matches!(
            WalletFile::open(&path, b"wrong"),
            Err(WalletError::WrongPassphrase { .. })
        ));
        f.save(b"state two").unwrap();
        let (_, plain) = WalletFile::open(&path, b"correct horse").unwrap();
        assert_eq!(plain.as_slice(), b"state two");
        assert!(matches!(
            WalletFile::create(&path, b"x", fast(), b"y"),
            Err(WalletError::WalletExists(_))
        ));
    }

    #[test]
    fn a_file_cut_off_is_detected_at_every_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.wallet");
        WalletFile::create(&path, b"pw", fast(), b"some wallet state").unwrap();
        let full = std::fs::read(&path).unwrap();
        for cut in 0..full.len() {
            let err = WalletFile::open_bytes(&path, &full[..cut], b"pw").unwrap_err();
            assert!(
                matches!(err, WalletError::WalletFileTruncated { .. }),
                "cut at {cut}: {err}"
            );
        }
        let mut long = full.clone();
        long.push(0);
        assert!(matches!(
            WalletFile::open_bytes(&path, &long, b"pw"),
            Err(WalletError::WalletFileMalformed { .. })
        ));
    }

    #[test]
    fn a_crash_mid_save_keeps_the_previous_state() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.wallet");
        let f = WalletFile::create(&path, b"pw", fast(), b"previous").unwrap();
        // A save that died after writing half of its temporary file, before
        // the rename: the wallet file is untouched.
        let next = f.seal(b"next state, never renamed").unwrap();
        std::fs::write(f.temp_path(), &next[..next.len() / 2]).unwrap();
        let (g, plain) = WalletFile::open(&path, b"pw").unwrap();
        assert_eq!(plain.as_slice(), b"previous");
        // The next save overwrites the leftover and succeeds.
        g.save(b"after").unwrap();
        assert_eq!(
            WalletFile::open(&path, b"pw").unwrap().1.as_slice(),
            b"after"
        );
        assert!(!f.temp_path().exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn header_tampering_and_bounds_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.wallet");
        WalletFile::create(&path, b"pw", fast(), b"s").unwrap();
        let full = std::fs::read(&path).unwrap();
        // The salt is in the associated data: a changed byte fails the tag.
        let mut bad = full.clone();
        bad[30] ^= 1;
        assert!(matches!(
            WalletFile::open_bytes(&path, &bad, b"pw"),
            Err(WalletError::WrongPassphrase { .. })
        ));
        let mut bad = full.clone();
        bad[8] = 9;
        assert!(matches!(
            WalletFile::open_bytes(&path, &bad, b"pw"),
            Err(WalletError::WalletFileVersion { found: 9, .. })
        ));
        let mut bad = full.clone();
        bad[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            WalletFile::open_bytes(&path, &bad, b"pw"),
            Err(WalletError::KdfParams(_))
        ));
        let mut bad = full.clone();
        bad[..8].copy_from_slice(b"NOTAWALL");
        assert!(matches!(
            WalletFile::open_bytes(&path, &bad, b"pw"),
            Err(WalletError::WalletFileMalformed { .. })
        ));
        let mut bad = full;
        bad[62..70].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(matches!(
            WalletFile::open_bytes(&path, &bad, b"pw"),
            Err(WalletError::WalletFileTruncated { .. })
        ));
        assert!(KdfParams {
            memory_kib: 4,
            iterations: 1,
            lanes: 1
        }
        .check()
        .is_err());
        assert!(KdfParams {
            memory_kib: 64,
            iterations: 0,
            lanes: 1
        }
        .check()
        .is_err());
        assert!(KdfParams {
            memory_kib: 64,
            iterations: 1,
            lanes: 0
        }
        .check()
        .is_err());
    }
}

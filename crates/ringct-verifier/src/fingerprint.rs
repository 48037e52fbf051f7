//! Verifying-key fingerprints.
//!
//! Definition (shared with the prover crate, which computes the identical
//! value for key files; do not change one without the other):
//!
//! ```text
//! fingerprint(vk) = BLAKE2b-256( b"supervm-ringct-vk-v1" || vk.serialize_compressed() )
//! ```
//!
//! where `serialize_compressed` is arkworks' canonical compressed encoding of
//! `ark_groth16::VerifyingKey<Bls12_381>` (alpha, beta, gamma, delta, then the
//! length-prefixed `gamma_abc` list). BLAKE2b is used with a 32-byte output
//! (the `Blake2b<U32>` parameterisation, not a truncated BLAKE2b-512). The
//! text form is 64 lowercase hexadecimal digits.

use crate::error::VerifierError;
use ark_bls12_381::Bls12_381;
use ark_groth16::VerifyingKey;
use ark_serialize::CanonicalSerialize;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use std::fmt;
use std::str::FromStr;

/// Domain separator hashed in front of the key bytes.
pub const FINGERPRINT_DOMAIN: &[u8] = b"supervm-ringct-vk-v1";

/// BLAKE2b-256 fingerprint of a verifying key; see the module docs for the
/// exact definition. `Display` is lowercase hex, `FromStr` parses it back.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Fingerprints a verifying key.
    pub fn of(vk: &VerifyingKey<Bls12_381>) -> Result<Self, VerifierError> {
        let mut bytes = Vec::with_capacity(vk.compressed_size());
        vk.serialize_compressed(&mut bytes)
            .map_err(|e| VerifierError::KeySerialization(e.to_string()))?;
        let mut hasher = Blake2b::<U32>::new();
        hasher.update(FINGERPRINT_DOMAIN);
        hasher.update(&bytes);
        Ok(Fingerprint(hasher.finalize().into()))
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = VerifierError;

    /// Parses 64 hex digits (either case, surrounding whitespace ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || VerifierError::MalformedFingerprint(s.to_string());
        let t = s.trim().as_bytes();
        if t.len() != 64 {
            return Err(malformed());
        }
        let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        let mut out = [0u8; 32];
        for (i, pair) in t.chunks_exact(2).enumerate() {
            let hi = nibble(pair[0]).ok_or_else(malformed)?;
            let lo = nibble(pair[1]).ok_or_else(malformed)?;
            out[i] = (hi << 4) | lo;
        }
        Ok(Fingerprint(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let fp = Fingerprint([0xab; 32]);
        let text = fp.to_string();
        assert_eq!(text, "ab".repeat(32));
        assert_eq!(text.parse::<Fingerprint>().unwrap(), fp);
        assert_eq!(text.to_uppercase().parse::<Fingerprint>().unwrap(), fp);
        for bad in ["", "ab", &"zz".repeat(32), &"a".repeat(63), &"a".repeat(66)] {
            assert!(matches!(
                bad.parse::<Fingerprint>(),
                Err(VerifierError::MalformedFingerprint(_))
            ));
        }
    }
}

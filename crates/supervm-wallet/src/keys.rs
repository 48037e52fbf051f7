//! Wallet keys, all derived from one 32-byte seed.
//!
//! ```text
//! sk      = LE(HKDF-SHA256(salt = "SuperVM-wallet-v1", ikm = seed,
//!                          info = "supervm/spending-key/v1", 64 bytes)) mod r
//! x25519  = HKDF-SHA256(salt = "SuperVM-wallet-v1", ikm = seed,
//!                       info = "supervm/note-encryption-key/v1", 32 bytes)
//! pk      = H2(PK, sk, 0)                       (ringct-circuit)
//! ```
//!
//! The spending key is a wide reduction (64 bytes mod the 255-bit r, within
//! 2^-257 of uniform). The X25519 secret is clamped by X25519 itself. The two
//! labels separate the domains, so neither key says anything about the other.
//! The seed is the only secret to back up: restoring it restores both keys,
//! hence every note (which the chain holds, encrypted).

use crate::error::WalletError;
use ark_ff::PrimeField;
use hkdf::Hkdf;
use rand::{CryptoRng, RngCore};
use ringct_circuit::{Fr, PublicKey, SpendingKey};
use sha2::Sha256;
use x25519_dalek::StaticSecret;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// HKDF salt of every key derived from the seed.
pub const SEED_SALT: &[u8] = b"SuperVM-wallet-v1";
/// HKDF info of the spending key.
pub const SPENDING_KEY_LABEL: &[u8] = b"supervm/spending-key/v1";
/// HKDF info of the note-encryption (X25519) secret.
pub const ENCRYPTION_KEY_LABEL: &[u8] = b"supervm/note-encryption-key/v1";

/// The wallet seed: 32 bytes from the OS RNG, shown once as 64 hex digits.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Seed([u8; 32]);

impl Seed {
    /// A fresh seed.
    pub fn random<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut s = [0u8; 32];
        rng.fill_bytes(&mut s);
        Seed(s)
    }

    /// From its 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, WalletError> {
        let text = text.trim();
        if text.len() != 64 {
            return Err(WalletError::SeedSyntax(text.len()));
        }
        let bytes = Zeroizing::new(hex::decode(text).map_err(|_| WalletError::SeedSyntax(64))?);
        let mut s = [0u8; 32];
        s.copy_from_slice(&bytes);
        Ok(Seed(s))
    }

    /// The 64 hex digits (a secret: show once, never log).
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0))
    }

    fn expand(&self, label: &[u8], out: &mut [u8]) {
        let hk = Hkdf::<Sha256>::new(Some(SEED_SALT), &self.0);
        // Outputs of 32 and 64 bytes are far below HKDF-SHA256's 8160-byte limit.
        hk.expand(label, out)
            .expect("HKDF output length is a constant below the limit");
    }

    /// Every key of a spending wallet.
    pub fn keys(&self) -> WalletKeys {
        let mut wide = Zeroizing::new([0u8; 64]);
        self.expand(SPENDING_KEY_LABEL, wide.as_mut());
        let sk = SpendingKey::from_field(Fr::from_le_bytes_mod_order(wide.as_ref()));
        let mut x = Zeroizing::new([0u8; 32]);
        self.expand(ENCRYPTION_KEY_LABEL, x.as_mut());
        let view = ViewKey {
            public_key: sk.public_key(),
            encryption_secret: StaticSecret::from(*x),
        };
        WalletKeys {
            spending_key: sk,
            view,
        }
    }
}

/// What a view-only wallet holds: the spending public key (to check that a
/// decrypted note is owned) and the X25519 secret (to decrypt notes).
#[derive(Clone)]
pub struct ViewKey {
    /// The owner key notes are committed to.
    pub public_key: PublicKey,
    /// Decrypts notes sent to this wallet.
    pub encryption_secret: StaticSecret,
}

impl ViewKey {
    /// The X25519 public key in this wallet's address.
    pub fn encryption_public(&self) -> x25519_dalek::PublicKey {
        x25519_dalek::PublicKey::from(&self.encryption_secret)
    }
}

/// Every key of a spending wallet.
#[derive(Clone)]
pub struct WalletKeys {
    /// Spends notes and makes key images.
    pub spending_key: SpendingKey,
    /// Finds and reads notes.
    pub view: ViewKey,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn derivation_is_deterministic_and_domain_separated() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let seed = Seed::random(&mut rng);
        let again = Seed::from_hex(&seed.to_hex()).unwrap();
        let (a, b) = (seed.keys(), again.keys());
        assert_eq!(a.view.public_key, b.view.public_key);
        assert_eq!(a.view.encryption_public(), b.view.encryption_public());
        assert_eq!(a.spending_key, b.spending_key);
        // Different seeds, different keys; the two derived secrets differ.
        let other = Seed::random(&mut rng).keys();
        assert_ne!(a.view.public_key, other.view.public_key);
        assert_ne!(a.view.encryption_public(), other.view.encryption_public());
        let sk_bytes = ringct_circuit::encoding::field_to_bytes(&a.spending_key.expose_secret());
        assert_ne!(sk_bytes, a.view.encryption_secret.to_bytes());
    }

    #[test]
    fn refuses_bad_seeds() {
        assert!(matches!(
            Seed::from_hex("abcd"),
            Err(WalletError::SeedSyntax(4))
        ));
        assert!(matches!(
            Seed::from_hex(&"zz".repeat(32)),
            Err(WalletError::SeedSyntax(64))
        ));
    }
}

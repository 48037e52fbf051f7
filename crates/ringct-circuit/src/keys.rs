//! Spending keys, public keys and key images.

use crate::note::NoteCommitment;
use crate::poseidon::{hash2, Tag};
use ark_bls12_381::Fr;
use ark_ff::Zero;
use ark_std::UniformRand;
use rand::{CryptoRng, RngCore};
use std::fmt;

/// A spending key: a uniformly random field element. Whoever knows it can
/// spend every note owned by its public key.
#[derive(Clone, PartialEq, Eq)]
pub struct SpendingKey(Fr);

impl SpendingKey {
    /// Draws a fresh key from a cryptographic RNG.
    pub fn random<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        SpendingKey(Fr::rand(rng))
    }

    /// Wraps an existing field element (for key files and tests).
    pub fn from_field(sk: Fr) -> Self {
        SpendingKey(sk)
    }

    /// The secret scalar. Handle with care.
    pub fn expose_secret(&self) -> Fr {
        self.0
    }

    /// `pk = H2(PK, sk, 0)`.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(hash2(Tag::PublicKey, self.0, Fr::zero()))
    }

    /// `KI = H2(KEY_IMAGE, sk, cm)` for the note with commitment `cm`.
    pub fn key_image(&self, cm: &NoteCommitment) -> KeyImage {
        KeyImage(hash2(Tag::KeyImage, self.0, cm.0))
    }
}

impl fmt::Debug for SpendingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SpendingKey(<redacted>)")
    }
}

/// A public key, `H2(PK, sk, 0)`. Notes are owned by public keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub Fr);

/// A key image, `H2(KEY_IMAGE, sk, cm)`: the same for every spend of one note,
/// so the ledger can refuse a second spend without learning which note it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyImage(pub Fr);

/// A spending key with its public key.
#[derive(Debug, Clone)]
pub struct KeyPair {
    /// The secret.
    pub spending_key: SpendingKey,
    /// Its public key.
    pub public_key: PublicKey,
}

impl KeyPair {
    /// A fresh random key pair.
    pub fn random<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let spending_key = SpendingKey::random(rng);
        let public_key = spending_key.public_key();
        KeyPair {
            spending_key,
            public_key,
        }
    }
}

//! Notes encrypted to their recipient, carried in an output's memo.
//!
//! Version 1, exactly [`MEMO_LEN`] = 154 bytes whatever the value or text:
//!
//! ```text
//! memo      := version:u8 (= 1) · epk:[32] · sealed:[105] · tag:[16]
//! plaintext := value:u64le · blinding:[32] · text_len:u8 · text:[64]
//!              (text: UTF-8, text_len <= 64 bytes, zero-padded to 64)
//! shared    := X25519(e, recipient_x25519_pk)        (e: fresh ephemeral secret)
//! key       := HKDF-SHA256(salt = "SuperVM-note-v1", ikm = shared,
//!                          info = "supervm/note-key/v1" · epk · recipient_x25519_pk)
//! sealed·tag := ChaCha20-Poly1305(key, nonce = 0^12, plaintext, ad)
//! ad        := cm:[32] · version:u8 · len(network):u8 · network
//! ```
//!
//! Each key encrypts one message (a fresh ephemeral key per output), so the
//! constant nonce is safe. The associated data binds the ciphertext to the
//! output commitment, the layout version and the network: a memo copied onto
//! another output, or replayed on another network, does not decrypt. A shared
//! secret of all zeros (a low-order recipient key) is refused.
//!
//! A recipient credits a note only if `cm == H3(NOTE, v, rho, own pk)`
//! ([`Decrypted::Mismatch`] otherwise): the AEAD shows who sealed the memo to
//! us, the commitment check shows the ledger actually holds that note.

use crate::error::WalletError;
use crate::keys::ViewKey;
use crate::Address;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hkdf::Hkdf;
use rand::{CryptoRng, RngCore};
use ringct_circuit::encoding::{field_from_bytes, field_to_bytes};
use ringct_circuit::{NetworkId, Note, NoteCommitment, PublicKey};
use sha2::Sha256;
use x25519_dalek::{EphemeralSecret, StaticSecret};
use zeroize::Zeroizing;

/// The layout version.
pub const MEMO_VERSION: u8 = 1;
/// Longest note text, in bytes.
pub const MAX_TEXT_BYTES: usize = 64;
/// Plaintext bytes: value, blinding, text length, padded text.
pub const PLAINTEXT_LEN: usize = 8 + 32 + 1 + MAX_TEXT_BYTES;
/// Poly1305 tag bytes.
pub const TAG_LEN: usize = 16;
/// Bytes of every version-1 memo.
pub const MEMO_LEN: usize = 1 + 32 + PLAINTEXT_LEN + TAG_LEN;
/// HKDF salt of note keys.
pub const NOTE_SALT: &[u8] = b"SuperVM-note-v1";
/// HKDF info prefix of note keys.
pub const NOTE_KEY_LABEL: &[u8] = b"supervm/note-key/v1";

/// What a note's recipient reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotePlaintext {
    /// The note (owner = the recipient's pk).
    pub note: Note,
    /// The sender's short text.
    pub text: String,
}

/// The result of trying to decrypt one memo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decrypted {
    /// Not for us (or tampered with): nothing to report.
    NotMine,
    /// Ours, and the commitment matches: credit it.
    Mine(NotePlaintext),
    /// Sealed to our key but the commitment does not match the plaintext
    /// (or the plaintext is malformed): ignored, and reported.
    Mismatch(String),
}

fn associated_data(cm: &NoteCommitment, network: &NetworkId) -> Vec<u8> {
    let net = network.as_bytes();
    let mut ad = Vec::with_capacity(34 + net.len());
    ad.extend_from_slice(&field_to_bytes(&cm.0));
    ad.push(MEMO_VERSION);
    // A network id is 1..=32 bytes.
    ad.push(net.len() as u8);
    ad.extend_from_slice(net);
    ad
}

fn note_key(shared: &[u8; 32], epk: &[u8; 32], recipient: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let hk = Hkdf::<Sha256>::new(Some(NOTE_SALT), shared);
    let mut key = Zeroizing::new([0u8; 32]);
    hk.expand_multi_info(&[NOTE_KEY_LABEL, epk, recipient], key.as_mut())
        .expect("32 bytes is below HKDF-SHA256's output limit");
    key
}

/// Encrypts `note` (with `text`) to `to` for an output on `network`; the memo
/// is bound to the note's commitment.
pub fn encrypt_note<R: RngCore + CryptoRng>(
    note: &Note,
    text: &str,
    to: &Address,
    network: &NetworkId,
    rng: &mut R,
) -> Result<Vec<u8>, WalletError> {
    let plain = plaintext(note, text)?;
    let e = EphemeralSecret::random_from_rng(&mut *rng);
    let epk = x25519_dalek::PublicKey::from(&e);
    seal(
        &plain,
        note,
        to,
        network,
        epk,
        e.diffie_hellman(&to.encryption_key),
    )
}

/// The padded plaintext of `note` and `text`.
fn plaintext(note: &Note, text: &str) -> Result<Zeroizing<[u8; PLAINTEXT_LEN]>, WalletError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(WalletError::NoteTextTooLong {
            len: text.len(),
            max: MAX_TEXT_BYTES,
        });
    }
    let mut plain = Zeroizing::new([0u8; PLAINTEXT_LEN]);
    plain[..8].copy_from_slice(&note.value.to_le_bytes());
    plain[8..40].copy_from_slice(&field_to_bytes(&note.blinding));
    plain[40] = text.len() as u8;
    plain[41..41 + text.len()].copy_from_slice(text.as_bytes());
    Ok(plain)
}

/// Seals a plaintext with the ephemeral key `epk` and its shared secret.
fn seal(
    plain: &[u8; PLAINTEXT_LEN],
    note: &Note,
    to: &Address,
    network: &NetworkId,
    epk: x25519_dalek::PublicKey,
    shared: x25519_dalek::SharedSecret,
) -> Result<Vec<u8>, WalletError> {
    if !shared.was_contributory() {
        return Err(WalletError::NonContributoryKey);
    }
    let key = note_key(
        shared.as_bytes(),
        epk.as_bytes(),
        to.encryption_key.as_bytes(),
    );
    let ad = associated_data(&note.commitment(), network);
    let sealed = ChaCha20Poly1305::new(key.as_ref().into())
        .encrypt(
            &[0u8; 12].into(),
            Payload {
                msg: plain.as_ref(),
                aad: &ad,
            },
        )
        .map_err(|_| WalletError::Seal)?;
    let mut memo = Vec::with_capacity(MEMO_LEN);
    memo.push(MEMO_VERSION);
    memo.extend_from_slice(epk.as_bytes());
    memo.extend_from_slice(&sealed);
    debug_assert_eq!(memo.len(), MEMO_LEN);
    Ok(memo)
}

/// A view key prepared for scanning many memos.
pub struct Scanner {
    secret: StaticSecret,
    own_x25519: [u8; 32],
    public_key: PublicKey,
    network: NetworkId,
}

impl Scanner {
    /// Scans for `view`'s notes on `network`.
    pub fn new(view: &ViewKey, network: &NetworkId) -> Self {
        Scanner {
            secret: view.encryption_secret.clone(),
            own_x25519: *view.encryption_public().as_bytes(),
            public_key: view.public_key,
            network: network.clone(),
        }
    }

    /// Trial-decrypts the memo of the output with commitment `cm`. Never
    /// fails: memos of another length or version, sealed to someone else or
    /// altered, are [`Decrypted::NotMine`].
    pub fn try_decrypt(&self, cm: &NoteCommitment, memo: &[u8]) -> Decrypted {
        if memo.len() != MEMO_LEN || memo[0] != MEMO_VERSION {
            return Decrypted::NotMine;
        }
        let mut epk = [0u8; 32];
        epk.copy_from_slice(&memo[1..33]);
        let shared = self
            .secret
            .diffie_hellman(&x25519_dalek::PublicKey::from(epk));
        if !shared.was_contributory() {
            return Decrypted::NotMine;
        }
        let key = note_key(shared.as_bytes(), &epk, &self.own_x25519);
        let ad = associated_data(cm, &self.network);
        let Ok(plain) = ChaCha20Poly1305::new(key.as_ref().into()).decrypt(
            &[0u8; 12].into(),
            Payload {
                msg: &memo[33..],
                aad: &ad,
            },
        ) else {
            return Decrypted::NotMine;
        };
        let plain = Zeroizing::new(plain);
        let mut value = [0u8; 8];
        value.copy_from_slice(&plain[..8]);
        let mut blinding = [0u8; 32];
        blinding.copy_from_slice(&plain[8..40]);
        let Some(blinding) = field_from_bytes(&blinding) else {
            return Decrypted::Mismatch("blinding is not a canonical field element".into());
        };
        let len = usize::from(plain[40]);
        if len > MAX_TEXT_BYTES || plain[41 + len..].iter().any(|b| *b != 0) {
            return Decrypted::Mismatch("text length or padding is malformed".into());
        }
        let Ok(text) = std::str::from_utf8(&plain[41..41 + len]) else {
            return Decrypted::Mismatch("text is not UTF-8".into());
        };
        let note = Note {
            value: u64::from_le_bytes(value),
            blinding,
            owner: self.public_key,
        };
        if note.commitment() != *cm {
            return Decrypted::Mismatch(
                "decrypted note does not open the output's commitment with our key".into(),
            );
        }
        Decrypted::Mine(NotePlaintext {
            note,
            text: text.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Seed;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn setup() -> (
        ChaCha20Rng,
        crate::keys::WalletKeys,
        crate::keys::WalletKeys,
    ) {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let bob = Seed::random(&mut rng).keys();
        let eve = Seed::random(&mut rng).keys();
        (rng, bob, eve)
    }

    /// The vector in docs/PROTOCOL.md section 13 (a fixed ephemeral secret,
    /// which real senders never use).
    #[test]
    fn test_vector() {
        let seed =
            Seed::from_hex(&(0u8..32).map(|b| format!("{b:02x}")).collect::<String>()).unwrap();
        let bob = seed.keys();
        let net = NetworkId::devnet();
        let to = bob.view.address();
        let note = Note {
            value: 1000,
            blinding: ringct_circuit::Fr::from(5u64),
            owner: bob.view.public_key,
        };
        let e = StaticSecret::from([7u8; 32]);
        let epk = x25519_dalek::PublicKey::from(&e);
        let memo = seal(
            &plaintext(&note, "hi").unwrap(),
            &note,
            &to,
            &net,
            epk,
            e.diffie_hellman(&to.encryption_key),
        )
        .unwrap();
        let got = (
            to.encode(&net).unwrap(),
            hex::encode(field_to_bytes(&note.commitment().0)),
            hex::encode(&memo),
        );
        assert_eq!(got.0, VECTOR_ADDRESS);
        assert_eq!(got.1, VECTOR_CM);
        assert_eq!(got.2, VECTOR_MEMO);
        assert!(
            matches!(Scanner::new(&bob.view, &net).try_decrypt(&note.commitment(), &memo), Decrypted::Mine(p) if p.text == "hi")
        );
    }

    const VECTOR_ADDRESS: &str = "supervm-devnet1es32w5rssvv26ytjexhltt8x9l2kgj5gtt0s00q9lh2387kwt5xe69x49znud5ja2lu3kpud89n9aflxgx9tnhyj9l9jqtqq5tfa23saggul4";
    const VECTOR_CM: &str = "aaec6b4ee28feff9cf230d49088cecc4be6a29489c5a2fd6ebd253fa8001742d";
    const VECTOR_MEMO: &str = "0113be4feaeaf204c7fd3358fc9c00721881d174278128227ec674f37f7fe97b6ddc9a659ea301072942b5097a914e03b961abe4951f604f3dcff5014b7e9f393f74e8b329bfa012d9f2f6b1f5bf4288e99facee87aa337dd2ebeba0f431382e60680deb93a802d15d785d0f26e7be8cc98dd52495bf15773338da364b933fc378c57f5059fcb058a8b8b55662a292ea00ed4f07a6bddfb9e93e";

    #[test]
    fn recipient_decrypts_others_do_not() {
        let (mut rng, bob, eve) = setup();
        let net = NetworkId::devnet();
        let note = Note::new(1234, bob.view.public_key, &mut rng);
        let memo = encrypt_note(&note, "rent", &bob.view.address(), &net, &mut rng).unwrap();
        assert_eq!(memo.len(), MEMO_LEN);
        let cm = note.commitment();
        match Scanner::new(&bob.view, &net).try_decrypt(&cm, &memo) {
            Decrypted::Mine(p) => {
                assert_eq!(p.note, note);
                assert_eq!(p.text, "rent");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            Scanner::new(&eve.view, &net).try_decrypt(&cm, &memo),
            Decrypted::NotMine
        );
        // Another network or another commitment: not ours.
        let other_net = NetworkId::new("other").unwrap();
        assert_eq!(
            Scanner::new(&bob.view, &other_net).try_decrypt(&cm, &memo),
            Decrypted::NotMine
        );
        let other_cm = Note::new(1, bob.view.public_key, &mut rng).commitment();
        assert_eq!(
            Scanner::new(&bob.view, &net).try_decrypt(&other_cm, &memo),
            Decrypted::NotMine
        );
    }

    #[test]
    fn every_tampered_byte_is_ignored() {
        let (mut rng, bob, _) = setup();
        let net = NetworkId::devnet();
        let note = Note::new(7, bob.view.public_key, &mut rng);
        let memo = encrypt_note(&note, "", &bob.view.address(), &net, &mut rng).unwrap();
        let scanner = Scanner::new(&bob.view, &net);
        for i in 0..memo.len() {
            let mut bad = memo.clone();
            bad[i] ^= 0x01;
            assert_eq!(
                scanner.try_decrypt(&note.commitment(), &bad),
                Decrypted::NotMine,
                "byte {i}"
            );
        }
        // Truncated, extended, empty and opaque memos.
        for bad in [&memo[..MEMO_LEN - 1], &[][..], b"owned"] {
            assert_eq!(
                scanner.try_decrypt(&note.commitment(), bad),
                Decrypted::NotMine
            );
        }
        let mut long = memo.clone();
        long.push(0);
        assert_eq!(
            scanner.try_decrypt(&note.commitment(), &long),
            Decrypted::NotMine
        );
    }

    #[test]
    fn a_note_sealed_to_us_for_another_owner_is_reported_not_credited() {
        let (mut rng, bob, eve) = setup();
        let net = NetworkId::devnet();
        // Sealed to Bob's encryption key, but committed to Eve's pk: Bob
        // cannot spend it, so he must not credit it.
        let note = Note::new(50, eve.view.public_key, &mut rng);
        let memo = encrypt_note(&note, "x", &bob.view.address(), &net, &mut rng).unwrap();
        assert!(matches!(
            Scanner::new(&bob.view, &net).try_decrypt(&note.commitment(), &memo),
            Decrypted::Mismatch(_)
        ));
    }

    #[test]
    fn text_is_bounded_and_size_does_not_depend_on_it() {
        let (mut rng, bob, _) = setup();
        let net = NetworkId::devnet();
        let to = bob.view.address();
        let note = Note::new(1, bob.view.public_key, &mut rng);
        let a = encrypt_note(&note, "", &to, &net, &mut rng).unwrap();
        let b = encrypt_note(&note, &"é".repeat(32), &to, &net, &mut rng).unwrap();
        assert_eq!(a.len(), b.len());
        assert!(matches!(
            encrypt_note(&note, &"x".repeat(65), &to, &net, &mut rng),
            Err(WalletError::NoteTextTooLong { len: 65, max: 64 })
        ));
        // A low-order recipient key is refused.
        let bad = Address {
            public_key: to.public_key,
            encryption_key: x25519_dalek::PublicKey::from([0u8; 32]),
        };
        assert!(matches!(
            encrypt_note(&note, "", &bad, &net, &mut rng),
            Err(WalletError::NonContributoryKey)
        ));
    }
}

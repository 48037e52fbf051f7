//! Addresses and exported view keys, as bech32m strings.
//!
//! ```text
//! address  = bech32m(hrp = <network id>,        pk:[32] · x25519_pk:[32])
//! view key = bech32m(hrp = <network id>-view,   pk:[32] · x25519_secret:[32])
//! ```
//!
//! `pk` is the spending public key (a field element, 32 bytes little-endian,
//! canonical); the X25519 key is the note-encryption key. The human-readable
//! part is the network id ([`ringct_circuit::NetworkId`], lowercase letters,
//! digits and `-`), so an address for one network is refused by a wallet of
//! another with [`WalletError::WrongNetwork`], and a mistyped character fails
//! the checksum ([`WalletError::Checksum`]). bech32m detects every error of up
//! to 4 characters.

use crate::error::WalletError;
use crate::keys::ViewKey;
use bech32::primitives::decode::{CheckedHrpstring, CheckedHrpstringError};
use bech32::{Bech32m, Hrp};
use ringct_circuit::encoding::{field_from_bytes, field_to_bytes};
use ringct_circuit::{NetworkId, PublicKey};
use std::fmt;
use x25519_dalek::StaticSecret;
use zeroize::Zeroizing;

/// Suffix of a view key's prefix.
pub const VIEW_KEY_SUFFIX: &str = "-view";

/// A payment address: who owns the notes (pk) and how to encrypt them to the
/// owner (X25519 public key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Address {
    /// The owner key notes are committed to.
    pub public_key: PublicKey,
    /// The key notes are encrypted to.
    pub encryption_key: x25519_dalek::PublicKey,
}

fn hrp_for(network: &NetworkId, suffix: &str) -> Result<Hrp, WalletError> {
    Hrp::parse(&format!("{network}{suffix}")).map_err(|e| WalletError::NetworkId(e.to_string()))
}

/// Checks the checksum; returns the prefix (lowercase) and the 64 data bytes.
fn decode64(what: &'static str, text: &str) -> Result<(String, Zeroizing<[u8; 64]>), WalletError> {
    let checked = CheckedHrpstring::new::<Bech32m>(text.trim()).map_err(|e| match e {
        CheckedHrpstringError::Checksum(_) => WalletError::Checksum { what },
        other => WalletError::MalformedKey {
            what,
            reason: other.to_string(),
        },
    })?;
    let hrp = checked.hrp().to_lowercase();
    let mut data = Zeroizing::new([0u8; 64]);
    let mut n = 0usize;
    for b in checked.byte_iter() {
        if n == 64 {
            return Err(WalletError::MalformedKey {
                what,
                reason: "more than 64 bytes of data".into(),
            });
        }
        data[n] = b;
        n += 1;
    }
    if n != 64 {
        return Err(WalletError::MalformedKey {
            what,
            reason: format!("{n} bytes of data; expected 64"),
        });
    }
    Ok((hrp, data))
}

fn owner_key(what: &'static str, bytes: &[u8]) -> Result<PublicKey, WalletError> {
    let mut b = [0u8; 32];
    b.copy_from_slice(bytes);
    field_from_bytes(&b)
        .map(PublicKey)
        .ok_or_else(|| WalletError::MalformedKey {
            what,
            reason: "the owner key is not a canonical field element".into(),
        })
}

impl Address {
    /// The bech32m text for `network`.
    pub fn encode(&self, network: &NetworkId) -> Result<String, WalletError> {
        let mut data = [0u8; 64];
        data[..32].copy_from_slice(&field_to_bytes(&self.public_key.0));
        data[32..].copy_from_slice(self.encryption_key.as_bytes());
        bech32::encode::<Bech32m>(hrp_for(network, "")?, &data).map_err(|e| {
            WalletError::MalformedKey {
                what: "address",
                reason: e.to_string(),
            }
        })
    }

    /// Decodes an address and its network, whichever it is.
    pub fn decode_any(text: &str) -> Result<(NetworkId, Address), WalletError> {
        let (hrp, data) = decode64("address", text)?;
        let network = NetworkId::new(&hrp).map_err(|e| WalletError::MalformedKey {
            what: "address",
            reason: format!("prefix `{hrp}` is not a network id: {e}"),
        })?;
        let mut x = [0u8; 32];
        x.copy_from_slice(&data[32..]);
        Ok((
            network,
            Address {
                public_key: owner_key("address", &data[..32])?,
                encryption_key: x25519_dalek::PublicKey::from(x),
            },
        ))
    }

    /// Decodes an address that must be for `network`.
    pub fn decode(text: &str, network: &NetworkId) -> Result<Address, WalletError> {
        let (hrp, _) = decode64("address", text)?;
        if hrp != network.as_str() {
            return Err(WalletError::WrongNetwork {
                what: "address",
                expected: network.to_string(),
                found: hrp,
            });
        }
        Ok(Address::decode_any(text)?.1)
    }
}

impl ViewKey {
    /// This wallet's address.
    pub fn address(&self) -> Address {
        Address {
            public_key: self.public_key,
            encryption_key: self.encryption_public(),
        }
    }

    /// The bech32m export (a secret: it reads every incoming note).
    pub fn encode(&self, network: &NetworkId) -> Result<Zeroizing<String>, WalletError> {
        let mut data = Zeroizing::new([0u8; 64]);
        data[..32].copy_from_slice(&field_to_bytes(&self.public_key.0));
        data[32..].copy_from_slice(&self.encryption_secret.to_bytes());
        bech32::encode::<Bech32m>(hrp_for(network, VIEW_KEY_SUFFIX)?, data.as_ref())
            .map(Zeroizing::new)
            .map_err(|e| WalletError::MalformedKey {
                what: "view key",
                reason: e.to_string(),
            })
    }

    /// Decodes a view key that must be for `network`.
    pub fn decode(text: &str, network: &NetworkId) -> Result<ViewKey, WalletError> {
        let (hrp, data) = decode64("view key", text)?;
        let expected = format!("{network}{VIEW_KEY_SUFFIX}");
        if hrp != expected {
            return Err(WalletError::WrongNetwork {
                what: "view key",
                expected,
                found: hrp,
            });
        }
        let mut x = Zeroizing::new([0u8; 32]);
        x.copy_from_slice(&data[32..]);
        Ok(ViewKey {
            public_key: owner_key("view key", &data[..32])?,
            encryption_secret: StaticSecret::from(*x),
        })
    }
}

impl fmt::Display for Address {
    /// Hex of both keys (the bech32m form needs a network: [`Address::encode`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            hex::encode(field_to_bytes(&self.public_key.0)),
            hex::encode(self.encryption_key.as_bytes())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Seed;
    use rand::SeedableRng;

    fn keys() -> crate::keys::WalletKeys {
        Seed::random(&mut rand_chacha::ChaCha20Rng::seed_from_u64(5)).keys()
    }

    #[test]
    fn address_round_trips_with_its_prefix() {
        let net = NetworkId::devnet();
        let a = keys().view.address();
        let text = a.encode(&net).unwrap();
        assert!(text.starts_with("supervm-devnet1"), "{text}");
        assert_eq!(Address::decode(&text, &net).unwrap(), a);
        assert_eq!(Address::decode(&text.to_uppercase(), &net).unwrap(), a);
        assert_eq!(Address::decode_any(&text).unwrap(), (net, a));
    }

    #[test]
    fn every_single_character_typo_fails_the_checksum() {
        let net = NetworkId::devnet();
        let text = keys().view.address().encode(&net).unwrap();
        let sep = text.rfind('1').unwrap();
        let alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        let mut tried = 0;
        for pos in (sep + 1..text.len()).step_by(7) {
            let mut chars: Vec<char> = text.chars().collect();
            let c = chars[pos];
            chars[pos] = alphabet.chars().find(|&x| x != c).unwrap();
            let bad: String = chars.into_iter().collect();
            assert!(
                matches!(
                    Address::decode(&bad, &net),
                    Err(WalletError::Checksum { what: "address" })
                ),
                "{bad}"
            );
            tried += 1;
        }
        assert!(tried > 10);
        // Swapped neighbours too.
        let mut chars: Vec<char> = text.chars().collect();
        let i = sep + 5;
        if chars[i] != chars[i + 1] {
            chars.swap(i, i + 1);
            let bad: String = chars.into_iter().collect();
            assert!(matches!(
                Address::decode(&bad, &net),
                Err(WalletError::Checksum { .. })
            ));
        }
    }

    #[test]
    fn wrong_network_and_malformed_addresses_are_refused() {
        let net = NetworkId::devnet();
        let other = NetworkId::new("supervm-mainnet").unwrap();
        let k = keys();
        let text = k.view.address().encode(&other).unwrap();
        match Address::decode(&text, &net) {
            Err(WalletError::WrongNetwork {
                expected, found, ..
            }) => {
                assert_eq!(expected, "supervm-devnet");
                assert_eq!(found, "supervm-mainnet");
            }
            other => panic!("{other:?}"),
        }
        // A view key is not an address.
        let vk = k.view.encode(&net).unwrap();
        assert!(matches!(
            Address::decode(&vk, &net),
            Err(WalletError::WrongNetwork { .. })
        ));
        // Too little data, no separator, a non-canonical owner key.
        let short =
            bech32::encode::<Bech32m>(Hrp::parse("supervm-devnet").unwrap(), &[1u8; 20]).unwrap();
        assert!(matches!(
            Address::decode(&short, &net),
            Err(WalletError::MalformedKey { .. })
        ));
        assert!(matches!(
            Address::decode("nonsense", &net),
            Err(WalletError::MalformedKey { .. })
        ));
        let high = bech32::encode::<Bech32m>(Hrp::parse("supervm-devnet").unwrap(), &[0xffu8; 64])
            .unwrap();
        assert!(matches!(
            Address::decode(&high, &net),
            Err(WalletError::MalformedKey { .. })
        ));
    }

    #[test]
    fn view_key_round_trips_and_checks_network() {
        let net = NetworkId::devnet();
        let k = keys();
        let text = k.view.encode(&net).unwrap();
        assert!(text.starts_with("supervm-devnet-view1"));
        let back = ViewKey::decode(&text, &net).unwrap();
        assert_eq!(back.address(), k.view.address());
        let other = NetworkId::new("testnet").unwrap();
        assert!(matches!(
            ViewKey::decode(&text, &other),
            Err(WalletError::WrongNetwork { .. })
        ));
        let addr = k.view.address().encode(&net).unwrap();
        assert!(matches!(
            ViewKey::decode(&addr, &net),
            Err(WalletError::WrongNetwork { .. })
        ));
    }
}

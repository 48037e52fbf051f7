//! Network identifiers: which chain a transaction is for.
//!
//! The network id is hashed into every transaction's binding value `ctx`
//! ([`crate::binding`]), so a proof made for one network does not verify on
//! another that shares keys and ledger contents (a fork, a testnet started
//! from a mainnet snapshot). Wallets and nodes take it from configuration.
//!
//! A network id is 1 to [`MAX_NETWORK_ID_LEN`] bytes of lowercase ASCII
//! letters, digits and `-`, for example `supervm-mainnet`. The restriction
//! keeps ids printable in logs, labels and addresses, and makes the byte form
//! (what is hashed) identical to the text form.

use crate::error::CircuitError;
use std::fmt;
use std::str::FromStr;

/// Longest network id, in bytes.
pub const MAX_NETWORK_ID_LEN: usize = 32;

/// A validated network id; see the module docs for the rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NetworkId(String);

impl NetworkId {
    /// The id used by development setups, tests and benchmarks
    /// (`supervm-devnet`). Production networks configure their own.
    pub const DEVNET: &'static str = "supervm-devnet";

    /// Validates `id`.
    pub fn new(id: &str) -> Result<Self, CircuitError> {
        if id.is_empty() || id.len() > MAX_NETWORK_ID_LEN {
            return Err(CircuitError::NetworkIdLength {
                len: id.len(),
                max: MAX_NETWORK_ID_LEN,
            });
        }
        if let Some((position, byte)) = id
            .bytes()
            .enumerate()
            .find(|(_, b)| !(b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-'))
        {
            return Err(CircuitError::NetworkIdCharacter { position, byte });
        }
        Ok(NetworkId(id.to_owned()))
    }

    /// The development network ([`NetworkId::DEVNET`]).
    pub fn devnet() -> Self {
        NetworkId(Self::DEVNET.to_owned())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id's bytes (ASCII, so identical to the text).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Display for NetworkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for NetworkId {
    type Err = CircuitError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NetworkId::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_ids() {
        for id in [
            "a",
            "supervm-mainnet",
            "net-2",
            &"x".repeat(MAX_NETWORK_ID_LEN),
        ] {
            assert_eq!(NetworkId::new(id).unwrap().as_str(), id);
            assert_eq!(id.parse::<NetworkId>().unwrap().to_string(), id);
        }
        assert_eq!(NetworkId::devnet().as_str(), NetworkId::DEVNET);
        NetworkId::new(NetworkId::DEVNET).unwrap();
    }

    #[test]
    fn refuses_invalid_ids_with_the_rule() {
        assert_eq!(
            NetworkId::new("").unwrap_err(),
            CircuitError::NetworkIdLength { len: 0, max: 32 }
        );
        assert_eq!(
            NetworkId::new(&"x".repeat(33)).unwrap_err(),
            CircuitError::NetworkIdLength { len: 33, max: 32 }
        );
        for (id, position, byte) in [
            ("Main", 0, b'M'),
            ("main net", 4, b' '),
            ("main_net", 4, b'_'),
            ("mainnet\n", 7, b'\n'),
        ] {
            assert_eq!(
                NetworkId::new(id).unwrap_err(),
                CircuitError::NetworkIdCharacter { position, byte },
                "{id:?}"
            );
        }
        // Non-ASCII: the first byte of the multi-byte character is reported.
        assert!(matches!(
            NetworkId::new("néttest").unwrap_err(),
            CircuitError::NetworkIdCharacter { position: 1, .. }
        ));
    }
}

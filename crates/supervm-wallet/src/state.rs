//! What the wallet file holds (as JSON inside the encryption), and the
//! operations on it that need no node.

use crate::address::Address;
use crate::error::WalletError;
use crate::keys::{Seed, ViewKey, WalletKeys};
use ringct_circuit::encoding::{field_from_bytes, field_to_bytes};
use ringct_circuit::{Fr, NetworkId, Note, NoteCommitment};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use zeroize::Zeroizing;

/// The state's own version (inside the file's format version).
pub const STATE_VERSION: u32 = 1;
/// Most mismatched notes remembered (older reports are dropped).
pub const MAX_REPORTS: usize = 1000;

/// The wallet's secret.
#[derive(Serialize, Deserialize, Clone)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Secret {
    /// A spending wallet: the seed, 64 hex digits.
    Seed {
        /// Hex.
        seed: String,
    },
    /// A view-only wallet: the bech32m view key.
    View {
        /// bech32m.
        view_key: String,
    },
}

impl Drop for Secret {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        match self {
            Secret::Seed { seed } => seed.zeroize(),
            Secret::View { view_key } => view_key.zeroize(),
        }
    }
}

/// A note this wallet owns.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OwnedNote {
    /// Ledger index.
    pub index: u64,
    /// Commitment, hex.
    pub commitment: String,
    /// Value, base units.
    pub value: u64,
    /// Blinding, hex.
    pub blinding: String,
    /// The sender's text.
    pub text: String,
    /// Key image, hex (computed by a spending wallet, imported by a view-only one).
    pub key_image: Option<String>,
    /// Spent by a committed transaction (its id, if known).
    pub spent: bool,
    /// That transaction.
    pub spent_by: Option<String>,
    /// A transaction of ours, submitted but not committed, spending it.
    pub pending_by: Option<String>,
}

impl OwnedNote {
    /// The note, for building a witness.
    pub fn note(&self, owner: &ViewKey) -> Result<Note, WalletError> {
        Ok(Note {
            value: self.value,
            blinding: fe(&self.blinding, "blinding")?,
            owner: owner.public_key,
        })
    }

    /// Its commitment.
    pub fn commitment(&self) -> Result<NoteCommitment, WalletError> {
        fe(&self.commitment, "commitment").map(NoteCommitment)
    }

    /// Unspent and not being spent.
    pub fn spendable(&self) -> bool {
        !self.spent && self.pending_by.is_none()
    }
}

fn fe(text: &str, what: &str) -> Result<Fr, WalletError> {
    let bad = || WalletError::WalletFileMalformed {
        path: "<state>".into(),
        reason: format!("{what} is not a 32-byte field element"),
    };
    let bytes: [u8; 32] = hex::decode(text)
        .map_err(|_| bad())?
        .try_into()
        .map_err(|_| bad())?;
    field_from_bytes(&bytes).ok_or_else(bad)
}

/// Hex of a field element.
pub fn fe_hex(x: &Fr) -> String {
    hex::encode(field_to_bytes(x))
}

/// A payment this wallet sent (the outgoing record, kept only here).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SentRecord {
    /// Transaction id.
    pub id: String,
    /// Recipient address.
    pub to: String,
    /// Amount, base units.
    pub amount: u64,
    /// Fee.
    pub fee: u64,
    /// Change returned to self.
    pub change: u64,
    /// The recipient note's commitment and blinding (hex), to prove payment.
    pub commitment: String,
    /// Its blinding.
    pub blinding: String,
    /// Text sent.
    pub text: String,
    /// Shape used.
    pub shape: String,
    /// `pending`, `committed` or `failed: …`.
    pub status: String,
    /// Block height once committed.
    pub height: Option<u64>,
}

/// A note that decrypted with our key but did not open its commitment.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Mismatch {
    /// Ledger index.
    pub index: u64,
    /// Why it was ignored.
    pub reason: String,
}

/// Everything the wallet file holds.
#[derive(Serialize, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct WalletState {
    /// [`STATE_VERSION`].
    pub version: u32,
    /// Network id.
    pub network: String,
    /// The secret.
    pub secret: Secret,
    /// Next ledger index to scan.
    pub scanned: u64,
    /// Owned notes, by ledger index.
    pub notes: Vec<OwnedNote>,
    /// Outgoing records.
    pub sent: Vec<SentRecord>,
    /// Notes sealed to us that did not open their commitment.
    pub mismatches: Vec<Mismatch>,
    /// Last proving time per shape, seconds (for estimates).
    pub prove_seconds: BTreeMap<String, f64>,
}

impl WalletState {
    /// A fresh spending wallet.
    pub fn new_spending(network: &NetworkId, seed: &Seed) -> Self {
        Self::with_secret(
            network,
            Secret::Seed {
                seed: seed.to_hex().to_string(),
            },
        )
    }

    /// A fresh view-only wallet.
    pub fn new_view_only(network: &NetworkId, view: &ViewKey) -> Result<Self, WalletError> {
        Ok(Self::with_secret(
            network,
            Secret::View {
                view_key: view.encode(network)?.to_string(),
            },
        ))
    }

    fn with_secret(network: &NetworkId, secret: Secret) -> Self {
        WalletState {
            version: STATE_VERSION,
            network: network.to_string(),
            secret,
            scanned: 0,
            notes: Vec::new(),
            sent: Vec::new(),
            mismatches: Vec::new(),
            prove_seconds: BTreeMap::new(),
        }
    }

    /// From the decrypted file contents.
    pub fn from_json(bytes: &[u8]) -> Result<Self, WalletError> {
        let s: WalletState =
            serde_json::from_slice(bytes).map_err(|e| WalletError::WalletFileMalformed {
                path: "<state>".into(),
                reason: e.to_string(),
            })?;
        if s.version != STATE_VERSION {
            return Err(WalletError::WalletFileMalformed {
                path: "<state>".into(),
                reason: format!(
                    "state version {}; this build reads {STATE_VERSION}",
                    s.version
                ),
            });
        }
        s.network_id()?;
        Ok(s)
    }

    /// The JSON to encrypt.
    pub fn to_json(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(serde_json::to_vec(self).expect("the state serialises"))
    }

    /// The network.
    pub fn network_id(&self) -> Result<NetworkId, WalletError> {
        NetworkId::new(&self.network).map_err(|e| WalletError::NetworkId(e.to_string()))
    }

    /// Whether this wallet can spend.
    pub fn is_view_only(&self) -> bool {
        matches!(self.secret, Secret::View { .. })
    }

    /// The spending keys (refused for a view-only wallet).
    pub fn spending_keys(&self, what: &'static str) -> Result<WalletKeys, WalletError> {
        match &self.secret {
            Secret::Seed { seed } => Ok(Seed::from_hex(seed)?.keys()),
            Secret::View { .. } => Err(WalletError::ViewOnly(what)),
        }
    }

    /// The view key.
    pub fn view_key(&self) -> Result<ViewKey, WalletError> {
        match &self.secret {
            Secret::Seed { seed } => Ok(Seed::from_hex(seed)?.keys().view),
            Secret::View { view_key } => ViewKey::decode(view_key, &self.network_id()?),
        }
    }

    /// This wallet's address.
    pub fn address(&self) -> Result<Address, WalletError> {
        Ok(self.view_key()?.address())
    }

    /// Unspent value (spent and pending notes excluded).
    pub fn balance(&self) -> u64 {
        self.notes
            .iter()
            .filter(|n| n.spendable())
            .map(|n| n.value)
            .fold(0u64, u64::saturating_add)
    }

    /// Value in our own transactions not yet committed.
    pub fn pending(&self) -> u64 {
        self.notes
            .iter()
            .filter(|n| !n.spent && n.pending_by.is_some())
            .map(|n| n.value)
            .fold(0u64, u64::saturating_add)
    }

    /// Records a mismatch report (bounded).
    pub fn report_mismatch(&mut self, index: u64, reason: String) {
        if self.mismatches.iter().any(|m| m.index == index) {
            return;
        }
        if self.mismatches.len() >= MAX_REPORTS {
            self.mismatches.remove(0);
        }
        self.mismatches.push(Mismatch { index, reason });
    }
}

/// What `export-key-images` writes and `import-key-images` reads.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyImageExport {
    /// Network id.
    pub network: String,
    /// One per owned note.
    pub key_images: Vec<KeyImageEntry>,
}

/// One exported key image.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KeyImageEntry {
    /// The note's ledger index.
    pub index: u64,
    /// Its commitment, hex.
    pub commitment: String,
    /// Its key image, hex.
    pub key_image: String,
}

/// Most entries an import accepts.
pub const MAX_KEY_IMAGES: usize = 1_000_000;

impl WalletState {
    /// Key images of every owned note (spending wallets only).
    pub fn export_key_images(&self) -> Result<KeyImageExport, WalletError> {
        let keys = self.spending_keys("derive key images")?;
        let mut key_images = Vec::with_capacity(self.notes.len());
        for n in &self.notes {
            let ki = keys.spending_key.key_image(&n.commitment()?);
            key_images.push(KeyImageEntry {
                index: n.index,
                commitment: n.commitment.clone(),
                key_image: fe_hex(&ki.0),
            });
        }
        Ok(KeyImageExport {
            network: self.network.clone(),
            key_images,
        })
    }

    /// Attaches imported key images to the owned notes with the same index
    /// and commitment; returns how many matched. Entries for notes this
    /// wallet has not seen (not synced yet, or someone else's) are skipped.
    pub fn import_key_images(&mut self, export: &KeyImageExport) -> Result<usize, WalletError> {
        if export.network != self.network {
            return Err(WalletError::KeyImages(format!(
                "for network `{}`, this wallet is on `{}`",
                export.network.chars().take(40).collect::<String>(),
                self.network
            )));
        }
        if export.key_images.len() > MAX_KEY_IMAGES {
            return Err(WalletError::KeyImages(format!(
                "more than {MAX_KEY_IMAGES} entries"
            )));
        }
        let mut matched = 0;
        for e in &export.key_images {
            fe(&e.key_image, "key image").map_err(|_| {
                WalletError::KeyImages(format!(
                    "entry {}: key image is not a field element",
                    e.index
                ))
            })?;
            if let Some(n) = self
                .notes
                .iter_mut()
                .find(|n| n.index == e.index && n.commitment == e.commitment)
            {
                n.key_image = Some(e.key_image.clone());
                matched += 1;
            }
        }
        Ok(matched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn key_images_move_from_the_spending_wallet_to_the_view_only_one() {
        let net = NetworkId::devnet();
        let seed = Seed::random(&mut rand_chacha::ChaCha20Rng::seed_from_u64(2));
        let keys = seed.keys();
        let mut full = WalletState::new_spending(&net, &seed);
        let cm = Note {
            value: 5,
            blinding: Fr::from(3u64),
            owner: keys.view.public_key,
        }
        .commitment();
        full.notes.push(OwnedNote {
            index: 4,
            commitment: fe_hex(&cm.0),
            value: 5,
            blinding: fe_hex(&Fr::from(3u64)),
            text: String::new(),
            key_image: None,
            spent: false,
            spent_by: None,
            pending_by: None,
        });
        let mut view = WalletState::new_view_only(&net, &keys.view).unwrap();
        view.notes = full.notes.clone();
        assert!(matches!(
            view.export_key_images(),
            Err(WalletError::ViewOnly(_))
        ));
        assert!(matches!(
            view.spending_keys("spend"),
            Err(WalletError::ViewOnly(_))
        ));
        assert_eq!(view.address().unwrap(), full.address().unwrap());

        let export = full.export_key_images().unwrap();
        assert_eq!(
            export.key_images[0].key_image,
            fe_hex(&keys.spending_key.key_image(&cm).0)
        );
        assert_eq!(view.import_key_images(&export).unwrap(), 1);
        assert_eq!(
            view.notes[0].key_image,
            Some(export.key_images[0].key_image.clone())
        );

        let mut other = export.clone();
        other.network = "other".into();
        assert!(matches!(
            view.import_key_images(&other),
            Err(WalletError::KeyImages(_))
        ));
        let mut bad = export.clone();
        bad.key_images[0].key_image = "zz".into();
        assert!(matches!(
            view.import_key_images(&bad),
            Err(WalletError::KeyImages(_))
        ));
        // An entry for a note this wallet does not have is skipped.
        let mut unknown = export;
        unknown.key_images[0].index = 99;
        assert_eq!(view.import_key_images(&unknown).unwrap(), 0);
    }

    #[test]
    fn state_round_trips_and_refuses_unknown_versions() {
        let net = NetworkId::devnet();
        let seed = Seed::random(&mut rand_chacha::ChaCha20Rng::seed_from_u64(3));
        let s = WalletState::new_spending(&net, &seed);
        let back = WalletState::from_json(&s.to_json()).unwrap();
        assert_eq!(back.address().unwrap(), s.address().unwrap());
        let mut v: serde_json::Value = serde_json::from_slice(&s.to_json()).unwrap();
        v["version"] = 2.into();
        assert!(matches!(
            WalletState::from_json(v.to_string().as_bytes()),
            Err(WalletError::WalletFileMalformed { .. })
        ));
        assert!(WalletState::from_json(b"{}").is_err());
    }
}

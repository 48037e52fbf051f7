//! The genesis file `supervm-node init` reads: the objects and minted notes of block 0.
//!
//! ```json
//! {
//!   "network": "supervm-devnet",
//!   "timestamp_ms": 0,
//!   "objects": [
//!     { "id": "<64 hex>", "owner": "<64 hex address> | shared | immutable",
//!       "balance": 100, "data": "<hex>" }
//!   ],
//!   "notes": [ { "commitment": "<64 hex field element>", "memo": "<hex>" } ]
//! }
//! ```
//!
//! `network` is optional; when present it must equal the configured network. Objects
//! start at version 0; notes take ledger indices 0, 1, … in file order. Unknown keys are
//! refused, ids and commitments must be unique, commitments canonical.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use ringct_circuit::encoding::field_from_bytes;
use ringct_circuit::{NetworkId, NoteCommitment, MAX_MEMO_BYTES};
use serde::Deserialize;
use supervm_runtime::{Address, NewNote, Object, ObjectId, Owner, StateDiff};

use crate::error::NodeError;

/// Largest genesis file: 1 GiB (about ten million notes).
pub const MAX_GENESIS_BYTES: u64 = 1 << 30;
/// Largest object data in a genesis: 1 MiB (the Consensus path's memory limit).
pub const MAX_GENESIS_DATA: usize = 1 << 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenesisFile {
    network: Option<String>,
    #[serde(default)]
    timestamp_ms: u64,
    #[serde(default)]
    objects: Vec<GenesisObject>,
    #[serde(default)]
    notes: Vec<GenesisNote>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenesisObject {
    id: String,
    owner: String,
    #[serde(default)]
    balance: u64,
    #[serde(default)]
    data: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GenesisNote {
    commitment: String,
    #[serde(default)]
    memo: String,
}

/// A parsed genesis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Genesis {
    /// Block 0's effects.
    pub diff: StateDiff,
    /// Block 0's timestamp.
    pub timestamp_ms: u64,
}

impl Genesis {
    /// Reads and checks the genesis file at `path` for `network`.
    pub fn read(path: &Path, network: &NetworkId) -> Result<Self, NodeError> {
        let read_err = |source| NodeError::GenesisRead {
            path: path.to_path_buf(),
            source,
        };
        let len = std::fs::metadata(path).map_err(read_err)?.len();
        let syntax = |message: String| NodeError::GenesisSyntax {
            path: path.to_path_buf(),
            message,
        };
        if len > MAX_GENESIS_BYTES {
            return Err(syntax(format!("{len} bytes; at most {MAX_GENESIS_BYTES}")));
        }
        let text = std::fs::read_to_string(path).map_err(read_err)?;
        Self::parse(&text, network).map_err(|e| match e {
            NodeError::GenesisSyntax { message, .. } => syntax(message),
            other => other,
        })
    }

    /// Parses a genesis from its JSON text.
    pub fn parse(text: &str, network: &NetworkId) -> Result<Self, NodeError> {
        let syntax = |message: String| NodeError::GenesisSyntax {
            path: "<text>".into(),
            message,
        };
        let file: GenesisFile = serde_json::from_str(text).map_err(|e| syntax(e.to_string()))?;
        if let Some(n) = &file.network {
            if n != network.as_str() {
                return Err(NodeError::GenesisNetworkMismatch {
                    genesis: n.chars().take(80).collect(),
                    configured: network.to_string(),
                });
            }
        }
        let mut objects = BTreeMap::new();
        for (k, o) in file.objects.iter().enumerate() {
            let at = |what: &str| syntax(format!("objects[{k}]: {what}"));
            let id = ObjectId(hex32(&o.id).ok_or_else(|| at("id must be 64 hex digits"))?);
            let owner = match o.owner.as_str() {
                "shared" => Owner::Shared,
                "immutable" => Owner::Immutable,
                a => {
                    Owner::Address(Address(hex32(a).ok_or_else(|| {
                        at("owner must be 64 hex digits, shared or immutable")
                    })?))
                }
            };
            if o.data.len() > 2 * MAX_GENESIS_DATA {
                return Err(at("data longer than 1 MiB"));
            }
            let data = hex::decode(&o.data).map_err(|e| at(&format!("data: {e}")))?;
            if objects
                .insert(id, Object::new(id, owner, o.balance, data))
                .is_some()
            {
                return Err(at("id repeats an earlier object"));
            }
        }
        let mut seen = HashSet::new();
        let mut notes = Vec::with_capacity(file.notes.len());
        for (k, n) in file.notes.iter().enumerate() {
            let at = |what: &str| syntax(format!("notes[{k}]: {what}"));
            let bytes =
                hex32(&n.commitment).ok_or_else(|| at("commitment must be 64 hex digits"))?;
            let commitment = NoteCommitment(
                field_from_bytes(&bytes)
                    .ok_or_else(|| at("commitment is not a canonical field element"))?,
            );
            if !seen.insert(bytes) {
                return Err(at("commitment repeats an earlier note"));
            }
            if n.memo.len() > 2 * MAX_MEMO_BYTES {
                return Err(at("memo longer than 1024 bytes"));
            }
            let memo = hex::decode(&n.memo).map_err(|e| at(&format!("memo: {e}")))?;
            notes.push(NewNote {
                index: k as u64,
                commitment,
                memo,
                tx: 0,
            });
        }
        Ok(Genesis {
            diff: StateDiff {
                objects,
                notes,
                key_images: Vec::new(),
            },
            timestamp_ms: file.timestamp_ms,
        })
    }
}

fn hex32(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    hex::decode(text).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDR: &str = "0101010101010101010101010101010101010101010101010101010101010101";

    #[test]
    fn parses_objects_and_notes() {
        let text = format!(
            r#"{{"network":"supervm-devnet","objects":[{{"id":"{a}","owner":"{a}","balance":7,"data":"abcd"}},{{"id":"{b}","owner":"shared"}}],"notes":[{{"commitment":"{c}","memo":"00ff"}}]}}"#,
            a = ADDR,
            b = "02".repeat(32),
            c = "05".repeat(32)
        );
        let g = Genesis::parse(&text, &NetworkId::devnet()).unwrap();
        assert_eq!(g.diff.objects.len(), 2);
        assert_eq!(g.diff.objects.values().next().unwrap().balance, 7);
        assert_eq!(g.diff.notes.len(), 1);
        assert_eq!(g.diff.notes[0].memo, vec![0, 0xff]);
    }

    #[test]
    fn refuses_bad_genesis() {
        let net = NetworkId::devnet();
        let cases = [
            r#"{"network":"other-net"}"#.to_owned(),
            r#"{"objects":[],"extra":1}"#.to_owned(),
            format!(r#"{{"objects":[{{"id":"{ADDR}","owner":"nobody"}}]}}"#),
            format!(
                r#"{{"objects":[{{"id":"{ADDR}","owner":"shared"}},{{"id":"{ADDR}","owner":"shared"}}]}}"#
            ),
            format!(r#"{{"notes":[{{"commitment":"{}"}}]}}"#, "ff".repeat(32)),
            format!(r#"{{"notes":[{{"commitment":"{ADDR}"}},{{"commitment":"{ADDR}"}}]}}"#),
            format!(
                r#"{{"notes":[{{"commitment":"{ADDR}","memo":"{}"}}]}}"#,
                "00".repeat(1025)
            ),
            "not json".to_owned(),
        ];
        for text in cases {
            let err = Genesis::parse(&text, &net).unwrap_err();
            assert!(
                matches!(
                    err,
                    NodeError::GenesisSyntax { .. } | NodeError::GenesisNetworkMismatch { .. }
                ),
                "{text}: {err}"
            );
        }
    }
}

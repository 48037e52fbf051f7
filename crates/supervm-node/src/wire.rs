//! The API's JSON forms, and their conversion to and from runtime types.
//!
//! Byte strings (ids, commitments, key images, proofs, data, memos) are lowercase hex.
//! Field elements (commitments, key images) are 32 bytes, little-endian, and must be
//! canonical (below r), as in the canonical encoding (docs/PROTOCOL.md). Every
//! conversion from JSON checks lengths and counts against explicit bounds before it
//! allocates, and fails with [`NodeError::InvalidField`] naming the field.

use ringct_circuit::encoding::{field_from_bytes, field_to_bytes};
use ringct_circuit::KeyImage;
use ringct_circuit::{NoteCommitment, PrivateTx, TxBody, TxOutput, MAX_MEMO_BYTES, PROOF_LEN};
use serde::{Deserialize, Serialize};
use supervm_runtime::{
    Address, Instruction, ObjectId, ObjectRef, Program, PublicTx, Shape, Transaction,
    MAX_INSTRUCTIONS, MAX_PUBLIC_OBJECTS, MAX_WRITE_BYTES,
};
use supervm_store::{BlockRecord, LedgerNote, StoredReceipt};
use utoipa::ToSchema;

use crate::error::NodeError;

/// A transaction in JSON: `"type": "public"` or `"type": "private"` and that kind's
/// fields. Unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TxJson {
    /// A public transaction over objects.
    Public(PublicTxJson),
    /// A private RingCT transaction.
    Private(PrivateTxJson),
}

impl<'de> Deserialize<'de> for TxJson {
    /// Dispatches on `type`, so an error names the field of the right kind.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        match value.get("type").and_then(|t| t.as_str()) {
            Some("public") => serde_json::from_value(value)
                .map(TxJson::Public)
                .map_err(D::Error::custom),
            Some("private") => serde_json::from_value(value)
                .map(TxJson::Private)
                .map_err(D::Error::custom),
            Some(other) => Err(D::Error::custom(format!(
                "unknown transaction type {:?}; expected \"public\" or \"private\"",
                other.chars().take(40).collect::<String>()
            ))),
            None => Err(D::Error::custom(
                "missing string field `type` (\"public\" or \"private\")",
            )),
        }
    }
}

/// The `type` of a public transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublicKind {
    /// `"public"`.
    Public,
}

/// The `type` of a private transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrivateKind {
    /// `"private"`.
    Private,
}

/// A public transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicTxJson {
    /// Always `public`.
    #[serde(rename = "type")]
    pub kind: PublicKind,
    /// Sender address, 32 bytes as hex.
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    pub sender: String,
    /// Every object the program touches, each once.
    pub objects: Vec<ObjectRefJson>,
    /// The program.
    pub program: Vec<InstructionJson>,
}

/// An object a public transaction declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectRefJson {
    /// Object id, 32 bytes as hex.
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    pub id: String,
    /// If given, the object must be at exactly this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

/// One instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum InstructionJson {
    /// Move `amount` from `from` to `to`.
    Transfer {
        /// Debited object (hex).
        #[schema(pattern = "^[0-9a-fA-F]{64}$")]
        from: String,
        /// Credited object (hex).
        #[schema(pattern = "^[0-9a-fA-F]{64}$")]
        to: String,
        /// Amount.
        amount: u64,
    },
    /// Replace an object's data.
    Write {
        /// The object (hex).
        #[schema(pattern = "^[0-9a-fA-F]{64}$")]
        object: String,
        /// New data (hex).
        #[schema(pattern = "^([0-9a-fA-F]{2})*$")]
        data: String,
    },
    /// Allocate scratch memory.
    Alloc {
        /// Bytes.
        bytes: u64,
    },
    /// Burn compute units.
    Burn {
        /// Units.
        units: u64,
    },
}

/// A private RingCT transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateTxJson {
    /// Always `private`.
    #[serde(rename = "type")]
    pub kind: PrivateKind,
    /// The shape, such as `2x2-r16`.
    #[schema(pattern = "^[0-9]{1,3}x[0-9]{1,3}-r[0-9]{1,6}$")]
    pub shape: String,
    /// Per input, the ledger indices of its ring members, in ring order.
    pub ring_members: Vec<Vec<u64>>,
    /// The outputs.
    pub outputs: Vec<OutputJson>,
    /// The public fee.
    pub fee: u64,
    /// One key image per input (32-byte field elements as hex).
    pub key_images: Vec<String>,
    /// The compressed Groth16 proof, 192 bytes as hex.
    #[schema(pattern = "^[0-9a-fA-F]{384}$")]
    pub proof: String,
}

/// One output of a private transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutputJson {
    /// The note commitment (32-byte field element as hex).
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    pub commitment: String,
    /// The memo (hex), at most 1024 bytes.
    #[schema(pattern = "^([0-9a-fA-F]{2})*$", max_length = 2048)]
    pub memo: String,
}

/// Most ring members, inputs or outputs a JSON private transaction may list before its
/// shape is checked (the largest valid shape is far below).
const MAX_JSON_LIST: usize = 4096;

fn field(name: &'static str, reason: impl Into<String>) -> NodeError {
    NodeError::InvalidField {
        field: name,
        reason: reason.into(),
    }
}

/// Exactly `N` bytes of hex.
fn hex_array<const N: usize>(name: &'static str, text: &str) -> Result<[u8; N], NodeError> {
    if text.len() != 2 * N {
        return Err(field(
            name,
            format!("expected {} hex digits, got {}", 2 * N, text.len()),
        ));
    }
    let bytes = hex::decode(text).map_err(|e| field(name, e.to_string()))?;
    bytes
        .try_into()
        .map_err(|_| field(name, format!("expected {N} bytes")))
}

/// At most `max` bytes of hex.
fn hex_bytes(name: &'static str, text: &str, max: usize) -> Result<Vec<u8>, NodeError> {
    if text.len() > 2 * max {
        return Err(field(name, format!("longer than {max} bytes")));
    }
    hex::decode(text).map_err(|e| field(name, e.to_string()))
}

fn field_element(name: &'static str, text: &str) -> Result<ringct_verifier::Fr, NodeError> {
    let bytes = hex_array::<32>(name, text)?;
    field_from_bytes(&bytes)
        .ok_or_else(|| field(name, "not a canonical field element (must be below r)"))
}

fn object_id(name: &'static str, text: &str) -> Result<ObjectId, NodeError> {
    hex_array::<32>(name, text).map(ObjectId)
}

impl TxJson {
    /// The runtime transaction, with every field checked.
    pub fn to_transaction(&self) -> Result<Transaction, NodeError> {
        match self {
            TxJson::Public(p) => p.to_public().map(Transaction::Public),
            TxJson::Private(p) => p.to_private().map(|tx| Transaction::Private(Box::new(tx))),
        }
    }

    /// The JSON form of a runtime transaction.
    pub fn of(tx: &Transaction) -> Option<Self> {
        match tx {
            Transaction::Public(p) => Some(TxJson::Public(PublicTxJson::of(p))),
            Transaction::Private(p) => Some(TxJson::Private(PrivateTxJson::of(p))),
            _ => None,
        }
    }
}

impl PublicTxJson {
    fn to_public(&self) -> Result<PublicTx, NodeError> {
        if self.objects.len() > MAX_PUBLIC_OBJECTS {
            return Err(field("objects", format!("more than {MAX_PUBLIC_OBJECTS}")));
        }
        if self.program.len() > MAX_INSTRUCTIONS {
            return Err(field(
                "program",
                format!("more than {MAX_INSTRUCTIONS} instructions"),
            ));
        }
        let objects = self
            .objects
            .iter()
            .map(|o| {
                object_id("objects.id", &o.id).map(|id| ObjectRef {
                    id,
                    expected_version: o.version,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let program = self
            .program
            .iter()
            .map(|i| {
                Ok(match i {
                    InstructionJson::Transfer { from, to, amount } => Instruction::Transfer {
                        from: object_id("program.from", from)?,
                        to: object_id("program.to", to)?,
                        amount: *amount,
                    },
                    InstructionJson::Write { object, data } => Instruction::Write {
                        object: object_id("program.object", object)?,
                        data: hex_bytes("program.data", data, MAX_WRITE_BYTES)?,
                    },
                    InstructionJson::Alloc { bytes } => Instruction::Alloc { bytes: *bytes },
                    InstructionJson::Burn { units } => Instruction::Burn { units: *units },
                })
            })
            .collect::<Result<Vec<_>, NodeError>>()?;
        Ok(PublicTx {
            sender: Address(hex_array::<32>("sender", &self.sender)?),
            objects,
            program: Program::new(program),
        })
    }

    fn of(tx: &PublicTx) -> Self {
        PublicTxJson {
            kind: PublicKind::Public,
            sender: hex::encode(tx.sender.0),
            objects: tx
                .objects
                .iter()
                .map(|o| ObjectRefJson {
                    id: hex::encode(o.id.0),
                    version: o.expected_version,
                })
                .collect(),
            program: tx
                .program
                .instructions()
                .iter()
                .map(|i| match i {
                    Instruction::Transfer { from, to, amount } => InstructionJson::Transfer {
                        from: hex::encode(from.0),
                        to: hex::encode(to.0),
                        amount: *amount,
                    },
                    Instruction::Write { object, data } => InstructionJson::Write {
                        object: hex::encode(object.0),
                        data: hex::encode(data),
                    },
                    Instruction::Alloc { bytes } => InstructionJson::Alloc { bytes: *bytes },
                    Instruction::Burn { units } => InstructionJson::Burn { units: *units },
                })
                .collect(),
        }
    }
}

impl PrivateTxJson {
    fn to_private(&self) -> Result<PrivateTx, NodeError> {
        let shape: Shape = self
            .shape
            .parse()
            .map_err(|e: ringct_circuit::CircuitError| field("shape", e.to_string()))?;
        let members: usize = self.ring_members.iter().map(Vec::len).sum();
        if self.ring_members.len() > MAX_JSON_LIST
            || members > MAX_JSON_LIST
            || self.outputs.len() > MAX_JSON_LIST
            || self.key_images.len() > MAX_JSON_LIST
        {
            return Err(field(
                "ring_members",
                format!("more than {MAX_JSON_LIST} entries"),
            ));
        }
        let outputs = self
            .outputs
            .iter()
            .map(|o| {
                Ok(TxOutput {
                    commitment: NoteCommitment(field_element("outputs.commitment", &o.commitment)?),
                    memo: hex_bytes("outputs.memo", &o.memo, MAX_MEMO_BYTES)?,
                })
            })
            .collect::<Result<Vec<_>, NodeError>>()?;
        let key_images = self
            .key_images
            .iter()
            .map(|k| field_element("key_images", k).map(KeyImage))
            .collect::<Result<Vec<_>, _>>()?;
        let tx = PrivateTx {
            body: TxBody {
                shape,
                ring_members: self.ring_members.clone(),
                outputs,
                fee: self.fee,
            },
            key_images,
            proof: hex_array::<PROOF_LEN>("proof", &self.proof)?,
        };
        tx.check()?;
        Ok(tx)
    }

    fn of(tx: &PrivateTx) -> Self {
        PrivateTxJson {
            kind: PrivateKind::Private,
            shape: tx.body.shape.to_string(),
            ring_members: tx.body.ring_members.clone(),
            outputs: tx
                .body
                .outputs
                .iter()
                .map(|o| OutputJson {
                    commitment: hex::encode(field_to_bytes(&o.commitment.0)),
                    memo: hex::encode(&o.memo),
                })
                .collect(),
            fee: tx.body.fee,
            key_images: tx
                .key_images
                .iter()
                .map(|k| hex::encode(field_to_bytes(&k.0)))
                .collect(),
            proof: hex::encode(tx.proof),
        }
    }
}

/// A key image from its hex form.
pub fn key_image_from_hex(text: &str) -> Result<KeyImage, NodeError> {
    field_element("key_image", text).map(KeyImage)
}

/// What `POST /v1/transactions` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SubmitResponse {
    /// The transaction id (hex).
    pub id: String,
    /// Always `pending`: the transaction is in the mempool.
    pub status: String,
}

/// A committed transaction's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReceiptJson {
    /// Height of its block.
    pub height: u64,
    /// Position in the block.
    pub position: u32,
    /// `fast`, `consensus` or `privacy`; absent if routing rejected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Whether the Fast-to-Consensus fallback re-ran it.
    pub fallback: bool,
    /// Gas used.
    pub gas_used: u64,
    /// Whether its effects were applied.
    pub success: bool,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ReceiptErrorJson>,
}

/// Why a committed transaction failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReceiptErrorJson {
    /// The runtime's error kind, such as `KeyImageSpent`.
    pub kind: String,
    /// A message.
    pub message: String,
}

impl ReceiptJson {
    /// The JSON form of a stored receipt.
    pub fn of(r: &StoredReceipt) -> Self {
        ReceiptJson {
            height: r.height,
            position: r.position,
            path: r.path.map(|p| p.label().to_owned()),
            fallback: r.fallback,
            gas_used: r.gas_used,
            success: r.is_success(),
            error: r.error.as_ref().map(|e| ReceiptErrorJson {
                kind: e.kind.clone(),
                message: e.message.clone(),
            }),
        }
    }
}

/// What `GET /v1/transactions/{id}` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TxStatusResponse {
    /// The id.
    pub id: String,
    /// `pending` (in the mempool) or `committed` (in a block; see `receipt`).
    pub status: String,
    /// The receipt, once committed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<ReceiptJson>,
}

/// A block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BlockJson {
    /// Height (genesis is 0).
    pub height: u64,
    /// This block's hash.
    pub hash: String,
    /// The previous block's hash.
    pub parent: String,
    /// The state digest after this block.
    pub state_digest: String,
    /// When it was sealed, in milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// Transaction ids, in block order.
    pub tx_ids: Vec<String>,
    /// Each transaction's canonical bytes (hex), in block order.
    pub txs: Vec<String>,
}

impl BlockJson {
    /// The JSON form of a stored block.
    pub fn of(b: &BlockRecord) -> Result<Self, NodeError> {
        Ok(BlockJson {
            height: b.header.height,
            hash: hex::encode(b.header.hash()?),
            parent: hex::encode(b.header.parent),
            state_digest: hex::encode(b.header.state_digest),
            timestamp_ms: b.header.timestamp_ms,
            tx_ids: b.header.tx_ids.iter().map(|id| id.to_string()).collect(),
            txs: b.txs.iter().map(hex::encode).collect(),
        })
    }
}

/// One note of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NoteJson {
    /// Its ledger index.
    pub index: u64,
    /// Its commitment (hex).
    pub commitment: String,
    /// Its memo (hex).
    pub memo: String,
}

impl NoteJson {
    /// The JSON form of a ledger note.
    pub fn of(n: &LedgerNote) -> Self {
        NoteJson {
            index: n.index,
            commitment: hex::encode(field_to_bytes(&n.commitment.0)),
            memo: hex::encode(&n.memo),
        }
    }
}

/// What `GET /v1/notes` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NotesResponse {
    /// Notes in the ledger in total (the next index).
    pub total: u64,
    /// The notes from `start`, in index order.
    pub notes: Vec<NoteJson>,
}

/// What `GET /v1/key-images/{key_image}` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeyImageResponse {
    /// The key image (hex).
    pub key_image: String,
    /// Whether a committed transaction spent it.
    pub spent: bool,
    /// That transaction's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spent_by: Option<String>,
    /// The id of a pending transaction that spends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_by: Option<String>,
}

/// A verifying key the node uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ShapeKeyJson {
    /// The shape.
    pub shape: String,
    /// The verifying key's fingerprint (hex).
    pub fingerprint: String,
}

/// What `GET /v1/status` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusResponse {
    /// The node's version.
    pub version: String,
    /// The protocol version.
    pub protocol_version: u8,
    /// The network id.
    pub network: String,
    /// Height of the last committed block.
    pub height: u64,
    /// Its hash.
    pub tip_hash: String,
    /// The state digest after it.
    pub state_digest: String,
    /// Notes in the ledger.
    pub notes: u64,
    /// Pending transactions.
    pub mempool_txs: u64,
    /// Their canonical bytes.
    pub mempool_bytes: u64,
    /// Verifying keys, by shape.
    pub shapes: Vec<ShapeKeyJson>,
}

/// Every error the API answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// The broken rule, a stable snake_case name (or the runtime's error kind).
    pub error: String,
    /// A message for people.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_json_round_trips_and_checks_fields() {
        let tx = PublicTx {
            sender: Address([1; 32]),
            objects: vec![
                ObjectRef::any(ObjectId([2; 32])),
                ObjectRef::at(ObjectId([3; 32]), 7),
            ],
            program: Program::new(vec![
                Instruction::Transfer {
                    from: ObjectId([2; 32]),
                    to: ObjectId([3; 32]),
                    amount: 5,
                },
                Instruction::Write {
                    object: ObjectId([3; 32]),
                    data: vec![1, 2, 3],
                },
                Instruction::Alloc { bytes: 64 },
                Instruction::Burn { units: 9 },
            ]),
        };
        let json = TxJson::of(&Transaction::Public(tx.clone())).unwrap();
        let text = serde_json::to_string(&json).unwrap();
        let back: TxJson = serde_json::from_str(&text).unwrap();
        assert_eq!(back.to_transaction().unwrap(), Transaction::Public(tx));

        let mut bad = back.clone();
        if let TxJson::Public(p) = &mut bad {
            p.sender = "zz".repeat(32);
        }
        assert!(matches!(
            bad.to_transaction(),
            Err(NodeError::InvalidField {
                field: "sender",
                ..
            })
        ));
        let mut short = back;
        if let TxJson::Public(p) = &mut short {
            p.objects[0].id = "00".into();
        }
        assert!(matches!(
            short.to_transaction(),
            Err(NodeError::InvalidField {
                field: "objects.id",
                ..
            })
        ));
    }

    /// A structurally valid private transaction (the proof bytes are arbitrary: JSON
    /// conversion checks lengths and structure, admission checks the proof).
    fn private_tx() -> PrivateTx {
        use ringct_verifier::Fr;
        let shape: Shape = "2x2-r4".parse().unwrap();
        let ring = |from: u64| (from..from + shape.ring_size()).collect::<Vec<u64>>();
        PrivateTx {
            body: TxBody {
                shape,
                ring_members: vec![ring(0), ring(100)],
                outputs: vec![
                    TxOutput {
                        commitment: NoteCommitment(Fr::from(11u64)),
                        memo: b"to bob".to_vec(),
                    },
                    TxOutput {
                        commitment: NoteCommitment(-Fr::from(12u64)),
                        memo: Vec::new(),
                    },
                ],
                fee: 3,
            },
            key_images: vec![KeyImage(Fr::from(13u64)), KeyImage(-Fr::from(14u64))],
            proof: std::array::from_fn(|i| (i * 7 % 256) as u8),
        }
    }

    /// The JSON text of `tx` with `edit` applied to its object.
    fn edited(tx: &PrivateTx, edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let json = TxJson::of(&Transaction::Private(Box::new(tx.clone()))).unwrap();
        let mut value = serde_json::to_value(&json).unwrap();
        edit(&mut value);
        value.to_string()
    }

    /// Parses and converts JSON text as the API does.
    fn convert(text: &str) -> Result<Transaction, NodeError> {
        serde_json::from_str::<TxJson>(text)
            .map_err(|e| NodeError::MalformedJson(e.to_string()))?
            .to_transaction()
    }

    #[test]
    fn private_json_round_trips() {
        let tx = private_tx();
        let text = edited(&tx, |_| {});
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["type"], "private");
        assert_eq!(value["shape"], "2x2-r4");
        assert_eq!(value["fee"], 3);
        assert_eq!(value["outputs"][0]["memo"], hex::encode(b"to bob"));
        assert_eq!(
            value["key_images"][1],
            hex::encode(field_to_bytes(&tx.key_images[1].0))
        );
        assert_eq!(value["proof"], hex::encode(tx.proof));
        let back = convert(&text).unwrap();
        assert_eq!(back, Transaction::Private(Box::new(tx.clone())));
        // The same transaction as JSON and as canonical bytes: one id.
        assert_eq!(
            back.id().unwrap(),
            Transaction::Private(Box::new(tx)).id().unwrap()
        );
    }

    #[test]
    fn malformed_private_json_is_refused_naming_the_rule() {
        let tx = private_tx();
        let invalid_field = |text: String, name: &str| match convert(&text) {
            Err(NodeError::InvalidField { field, .. }) => assert_eq!(field, name, "{text}"),
            other => panic!("{name}: expected InvalidField, got {other:?}"),
        };
        invalid_field(
            edited(&tx, |v| {
                v["proof"] = hex::encode([0u8; PROOF_LEN - 1]).into()
            }),
            "proof",
        );
        invalid_field(
            edited(&tx, |v| v["proof"] = "zz".repeat(PROOF_LEN).into()),
            "proof",
        );
        invalid_field(
            edited(&tx, |v| v["key_images"][0] = "ff".repeat(32).into()),
            "key_images",
        );
        invalid_field(
            edited(&tx, |v| {
                v["outputs"][1]["commitment"] = "00".repeat(31).into()
            }),
            "outputs.commitment",
        );
        invalid_field(
            edited(&tx, |v| {
                v["outputs"][0]["memo"] = "ab".repeat(MAX_MEMO_BYTES + 1).into()
            }),
            "outputs.memo",
        );
        invalid_field(edited(&tx, |v| v["shape"] = "2x2".into()), "shape");
        invalid_field(
            edited(&tx, |v| {
                v["ring_members"] = serde_json::json!([vec![0u64; MAX_JSON_LIST + 1]])
            }),
            "ring_members",
        );
        // Well-formed fields that break the shape: a typed structural error.
        for text in [
            edited(&tx, |v| v["key_images"].as_array_mut().unwrap().truncate(1)),
            edited(&tx, |v| {
                v["ring_members"][1].as_array_mut().unwrap().pop();
            }),
            edited(&tx, |v| v["outputs"].as_array_mut().unwrap().truncate(1)),
        ] {
            assert!(
                matches!(convert(&text), Err(NodeError::InvalidTransaction(_))),
                "{text}"
            );
        }
        // Unknown or missing fields, and wrong types: malformed JSON.
        for text in [
            edited(&tx, |v| v["extra"] = 1.into()),
            edited(&tx, |v| {
                v.as_object_mut().unwrap().remove("proof");
            }),
            edited(&tx, |v| v["fee"] = (-1).into()),
            edited(&tx, |v| v["outputs"][0]["value"] = 5.into()),
        ] {
            assert!(
                matches!(convert(&text), Err(NodeError::MalformedJson(_))),
                "{text}"
            );
        }
        // Every refusal has a rule the API answers with a 4xx.
        assert_eq!(
            convert(&edited(&tx, |v| v["proof"] = "00".into()))
                .unwrap_err()
                .rule(),
            "invalid_field"
        );
    }

    #[test]
    fn non_canonical_field_elements_are_refused() {
        assert!(matches!(
            key_image_from_hex(&"ff".repeat(32)),
            Err(NodeError::InvalidField {
                field: "key_image",
                ..
            })
        ));
        assert!(key_image_from_hex(&"00".repeat(32)).is_ok());
    }

    #[test]
    fn unknown_fields_and_types_are_refused() {
        assert!(serde_json::from_str::<TxJson>(
            r#"{"type":"public","sender":"00","objects":[],"program":[],"extra":1}"#
        )
        .is_err());
        assert!(serde_json::from_str::<TxJson>(r#"{"type":"coinbase"}"#).is_err());
    }
}

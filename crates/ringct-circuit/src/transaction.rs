//! Private transactions as data: the body a proof is bound to, the key
//! images, the proof bytes, their canonical encoding ([`crate::encoding`]) and
//! transaction ids.
//!
//! A [`TxBody`] names rings by ledger index, so only a party holding the
//! ledger can turn it into a statement; this crate never does (the runtime
//! does, from its own state). Here the body is only checked for consistency
//! with its shape, encoded, decoded and hashed.

use crate::binding::tx_binding;
use crate::encoding::{
    put_field, Reader, FIELD_BYTES, KIND_PRIVATE, MAX_MEMO_BYTES, PROOF_LEN, PROTOCOL_VERSION,
};
use crate::error::CircuitError;
use crate::keys::KeyImage;
use crate::network::NetworkId;
use crate::note::NoteCommitment;
use crate::shape::Shape;
use crate::statement::TxBinding;
use std::fmt;
use std::str::FromStr;

/// One output of a transaction body: the new note's commitment and a memo for
/// its recipient (for example the note, encrypted to them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TxOutput {
    /// The commitment the ledger will store.
    pub commitment: NoteCommitment,
    /// At most [`MAX_MEMO_BYTES`] bytes, bound by `ctx` and otherwise opaque
    /// to the protocol.
    pub memo: Vec<u8>,
}

/// Everything a private transaction's binding commits to, apart from the
/// network: the shape, per input the ledger indices of its ring members (in
/// ring order), the outputs and the fee.
///
/// The fields are public, so a value may disagree with its own shape; such a
/// body has no encoding ([`TxBody::check`] says why), hence no `ctx`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TxBody {
    /// The statement's shape.
    pub shape: Shape,
    /// Per input, the ledger indices of its ring members, in ring order.
    pub ring_members: Vec<Vec<u64>>,
    /// The outputs, in order.
    pub outputs: Vec<TxOutput>,
    /// The public fee.
    pub fee: u64,
}

impl TxBody {
    /// Checks that the body matches its shape: a valid shape, one ring per
    /// input of exactly 4^d members, the shape's number of outputs, and no
    /// memo longer than [`MAX_MEMO_BYTES`].
    pub fn check(&self) -> Result<(), CircuitError> {
        let shape = self.shape;
        shape.validate()?;
        if self.ring_members.len() != shape.inputs {
            return Err(CircuitError::InputCountMismatch {
                expected: shape.inputs,
                got: self.ring_members.len(),
            });
        }
        let ring_size = shape.ring_size();
        for (input, ring) in self.ring_members.iter().enumerate() {
            if ring.len() as u64 != ring_size {
                return Err(CircuitError::RingSizeMismatch {
                    input,
                    expected: usize::try_from(ring_size).unwrap_or(usize::MAX),
                    got: ring.len(),
                });
            }
        }
        if self.outputs.len() != shape.outputs {
            return Err(CircuitError::OutputCountMismatch {
                expected: shape.outputs,
                got: self.outputs.len(),
            });
        }
        for (output, out) in self.outputs.iter().enumerate() {
            if out.memo.len() > MAX_MEMO_BYTES {
                return Err(CircuitError::MemoTooLong {
                    output,
                    len: out.memo.len(),
                    max: MAX_MEMO_BYTES,
                });
            }
        }
        Ok(())
    }

    /// The canonical bytes (see [`crate::encoding`]), after [`TxBody::check`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, CircuitError> {
        self.check()?;
        let mut out = Vec::with_capacity(self.encoded_len());
        self.write(&mut out);
        Ok(out)
    }

    /// Decodes canonical body bytes; every malformed input is a typed error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CircuitError> {
        let mut r = Reader::new(bytes);
        let body = Self::read(&mut r)?;
        r.finish()?;
        Ok(body)
    }

    /// Length of the encoding of a checked body.
    fn encoded_len(&self) -> usize {
        let rings: usize = self.ring_members.iter().map(|r| 8 * r.len()).sum();
        let outputs: usize = self
            .outputs
            .iter()
            .map(|o| FIELD_BYTES + 2 + o.memo.len())
            .sum();
        4 + rings + outputs + 8
    }

    /// Writes a checked body.
    fn write(&self, out: &mut Vec<u8>) {
        out.push(PROTOCOL_VERSION);
        // A checked shape has at most 16 inputs, 16 outputs and depth 16.
        for n in [
            self.shape.inputs,
            self.shape.outputs,
            self.shape.ring_depth as usize,
        ] {
            out.push(n as u8);
        }
        for ring in &self.ring_members {
            for index in ring {
                out.extend_from_slice(&index.to_le_bytes());
            }
        }
        for o in &self.outputs {
            put_field(out, &o.commitment.0);
            // A checked memo has at most MAX_MEMO_BYTES (< 2^16) bytes.
            out.extend_from_slice(&(o.memo.len() as u16).to_le_bytes());
            out.extend_from_slice(&o.memo);
        }
        out.extend_from_slice(&self.fee.to_le_bytes());
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, CircuitError> {
        r.version()?;
        let m = usize::from(r.u8("shape.inputs")?);
        let n = usize::from(r.u8("shape.outputs")?);
        let d = u32::from(r.u8("shape.ring_depth")?);
        let shape = Shape::new(m, n, d)?;
        // Depth <= 16, so the ring size fits u64; each member is 8 bytes.
        let ring_size = shape.ring_size();
        let mut ring_members = Vec::with_capacity(m);
        for _ in 0..m {
            let needed = ring_size.saturating_mul(8);
            if (r.remaining() as u64) < needed {
                return Err(CircuitError::EncodingTruncated {
                    field: "ring members",
                    offset: r.position(),
                });
            }
            // Bounded by the input length just checked.
            let ring = (0..ring_size)
                .map(|_| r.u64("ring member"))
                .collect::<Result<Vec<u64>, _>>()?;
            ring_members.push(ring);
        }
        let mut outputs = Vec::with_capacity(n);
        for output in 0..n {
            let commitment = NoteCommitment(r.field("output commitment")?);
            let len = usize::from(r.u16("memo length")?);
            if len > MAX_MEMO_BYTES {
                return Err(CircuitError::MemoTooLong {
                    output,
                    len,
                    max: MAX_MEMO_BYTES,
                });
            }
            let memo = r.take(len, "memo")?.to_vec();
            outputs.push(TxOutput { commitment, memo });
        }
        let fee = r.u64("fee")?;
        Ok(TxBody {
            shape,
            ring_members,
            outputs,
            fee,
        })
    }
}

/// A private (RingCT) transaction: a body, one key image per input, and a
/// compressed Groth16 proof ([`PROOF_LEN`] bytes, decoded strictly by the
/// verifier, never here).
///
/// The sender supplies only what a verifier cannot derive. Ring roots are
/// recomputed from the ledger at the listed indices and `ctx` from the
/// network and the body; neither is ever taken from the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateTx {
    /// What the binding covers.
    pub body: TxBody,
    /// One key image per input, in input order.
    pub key_images: Vec<KeyImage>,
    /// The proof, compressed (A, B, C).
    pub proof: [u8; PROOF_LEN],
}

impl PrivateTx {
    /// The binding `ctx` of the body on `network`: what a wallet proves
    /// against and what a verifier derives.
    pub fn binding(&self, network: &NetworkId) -> Result<TxBinding, CircuitError> {
        tx_binding(network, &self.body)
    }

    /// Checks the body and that there is one key image per input.
    pub fn check(&self) -> Result<(), CircuitError> {
        self.body.check()?;
        if self.key_images.len() != self.body.shape.inputs {
            return Err(CircuitError::KeyImageCountMismatch {
                expected: self.body.shape.inputs,
                got: self.key_images.len(),
            });
        }
        Ok(())
    }

    /// The canonical bytes (see [`crate::encoding`]).
    pub fn to_bytes(&self) -> Result<Vec<u8>, CircuitError> {
        self.check()?;
        let mut out = Vec::with_capacity(
            2 + self.body.encoded_len() + FIELD_BYTES * self.key_images.len() + PROOF_LEN,
        );
        out.push(PROTOCOL_VERSION);
        out.push(KIND_PRIVATE);
        self.body.write(&mut out);
        for ki in &self.key_images {
            put_field(&mut out, &ki.0);
        }
        out.extend_from_slice(&self.proof);
        Ok(out)
    }

    /// Decodes canonical transaction bytes; every malformed input is a typed
    /// error.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CircuitError> {
        let mut r = Reader::new(bytes);
        r.version()?;
        match r.u8("kind")? {
            KIND_PRIVATE => {}
            found => return Err(CircuitError::EncodingKind { found }),
        }
        let body = TxBody::read(&mut r)?;
        let key_images = (0..body.shape.inputs)
            .map(|_| r.field("key image").map(KeyImage))
            .collect::<Result<Vec<_>, _>>()?;
        let mut proof = [0u8; PROOF_LEN];
        proof.copy_from_slice(r.take(PROOF_LEN, "proof")?);
        r.finish()?;
        Ok(PrivateTx {
            body,
            key_images,
            proof,
        })
    }

    /// The transaction id: BLAKE2b-256 over the canonical bytes without the
    /// proof (see [`TxId`]).
    pub fn id(&self) -> Result<TxId, CircuitError> {
        let mut bytes = self.to_bytes()?;
        bytes.truncate(bytes.len() - PROOF_LEN);
        Ok(TxId::of_unproven_bytes(&bytes))
    }
}

/// Personalisation of the transaction-id hash (16 bytes, BLAKE2b's maximum).
pub const TX_ID_PERSONAL: &[u8; 16] = b"SuperVM-RCT-txid";

/// A transaction id: BLAKE2b-256, personalised with [`TX_ID_PERSONAL`], of the
/// transaction's canonical bytes *without* the proof.
///
/// Groth16 proofs are re-randomisable: anyone can turn a valid proof into
/// another valid proof of the same statement. An id over the proof bytes
/// would let a relayer give one transaction many ids; this id names the
/// transaction's effect (body and key images) instead. Text form: 64
/// lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxId(pub [u8; 32]);

impl TxId {
    /// The id of canonical transaction bytes whose proof was cut off.
    fn of_unproven_bytes(bytes: &[u8]) -> Self {
        let hash = blake2b_simd::Params::new()
            .hash_length(32)
            .personal(TX_ID_PERSONAL)
            .hash(bytes);
        let mut id = [0u8; 32];
        id.copy_from_slice(hash.as_bytes());
        TxId(id)
    }
}

impl fmt::Display for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TxId({self})")
    }
}

impl FromStr for TxId {
    type Err = CircuitError;

    /// Exactly 64 lowercase or uppercase hex digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CircuitError::MalformedTxId(s.chars().take(80).collect());
        if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let mut id = [0u8; 32];
        for (byte, pair) in id.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| bad())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(TxId(id))
    }
}

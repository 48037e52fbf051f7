//! Canonical bytes and ids of every transaction (protocol v2). docs/PROTOCOL.md has the
//! same layout with a test vector.
//!
//! Private transactions are encoded by `ringct-circuit` (`kind` = 1, see
//! `ringct_circuit::encoding`); public transactions here:
//!
//! ```text
//! public := version:u8 (= 2) · kind:u8 (= 2, KIND_PUBLIC)
//!           · sender:[32]
//!           · n_objects:u16le · object_1 .. object_n
//!                  object := id:[32] · flag:u8 (0 = any version, 1 = exact) · [version:u64le if flag = 1]
//!           · n_instr:u16le · instr_1 .. instr_k
//!                  instr := 0 · from:[32] · to:[32] · amount:u64le        (Transfer)
//!                         | 1 · object:[32] · len:u32le · data:[len]     (Write)
//!                         | 2 · bytes:u64le                              (Alloc)
//!                         | 3 · units:u64le                              (Burn)
//! ```
//!
//! Every field has a fixed size or a length in front of it, and every flag and tag has
//! exactly one meaning, so the encoding is injective and the decoder is its exact inverse:
//! `from_bytes(to_bytes(tx)) == tx`, and bytes that decode re-encode to themselves. The
//! decoder is strict: the version, the kind, every count and every length is checked
//! against its bound *before* anything is allocated for it, a flag other than 0/1 or an
//! unknown instruction tag is an error, and nothing may follow the last field. A list's
//! capacity is never more than the remaining input could hold, so decoding allocates in
//! proportion to the input's length, whatever the counts claim.
//!
//! The bounds ([`MAX_PUBLIC_OBJECTS`], [`MAX_INSTRUCTIONS`], [`MAX_WRITE_BYTES`]) are
//! rules of the encoding: the encoder refuses what the decoder would refuse, so a
//! transaction has canonical bytes exactly when it is within them. A transaction within
//! them can still fail at execution (e.g. `DuplicateObject`, `GasExhausted`): the encoding
//! checks form, the runtime checks meaning.
//!
//! Ids: a public transaction's id is BLAKE2b-256 personalised with
//! [`PUBLIC_TX_ID_PERSONAL`] over all its canonical bytes (it has no proof to leave out);
//! a private transaction's id is `PrivateTx::id` (personalised `"SuperVM-RCT-txid"`, over
//! its bytes without the proof). The personalisations differ, so a public and a private
//! id never collide unless BLAKE2b-256 does.

use ringct_circuit::{PrivateTx, TxId, PROTOCOL_VERSION};

pub use ringct_circuit::encoding::KIND_PRIVATE;

use crate::error::DecodeError;
use crate::object::{Address, ObjectId};
use crate::program::{Instruction, Program};
use crate::transaction::{ObjectRef, PublicTx, Transaction};

/// The `kind` byte of a public transaction (a private one's is 1).
pub const KIND_PUBLIC: u8 = 2;

/// Most objects a public transaction may declare. Routing, the conflict schedule and the
/// interpreter's checks work per declared object, so this bounds that work per
/// transaction (and an encoded object list to 10 496 bytes); a transfer needs two objects,
/// so 256 leaves ample room.
pub const MAX_PUBLIC_OBJECTS: usize = 256;

/// Most instructions a public program may hold. A program is a straight list, so decoding,
/// metering and running it costs in proportion to its length; this bounds that cost per
/// transaction independently of the gas limits (a `Burn { units: 0 }` costs 1 gas, so
/// gas alone would allow a million instructions on the Consensus path).
pub const MAX_INSTRUCTIONS: usize = 1024;

/// Largest `Write` data, in bytes: the Consensus path's default memory limit
/// ([`ExecLimits::CONSENSUS_DEFAULT`](crate::ExecLimits::CONSENSUS_DEFAULT), 1 MiB).
/// Written bytes count against that limit, so a larger `Write` can never succeed there,
/// nor on the tighter Fast path.
pub const MAX_WRITE_BYTES: usize = 1 << 20;

/// Personalisation of the public transaction-id hash (16 bytes, BLAKE2b's maximum). A
/// private transaction's id uses `ringct_circuit::transaction::TX_ID_PERSONAL`
/// (`"SuperVM-RCT-txid"`), so the two kinds of ids are domain-separated.
pub const PUBLIC_TX_ID_PERSONAL: &[u8; 16] = b"SuperVM-pub-txid";

/// `ObjectRef` version flags.
const FLAG_ANY: u8 = 0;
const FLAG_EXACT: u8 = 1;

/// Instruction tags.
const TAG_TRANSFER: u8 = 0;
const TAG_WRITE: u8 = 1;
const TAG_ALLOC: u8 = 2;
const TAG_BURN: u8 = 3;

/// Smallest encoded object reference (id and flag) and instruction (tag and a u64): what
/// bounds a list's capacity by the remaining input.
const MIN_OBJECT_LEN: usize = 32 + 1;
const MIN_INSTRUCTION_LEN: usize = 1 + 8;

// The counts are u16 and the write length u32 on the wire: the bounds must fit.
const _: () = {
    assert!(MAX_PUBLIC_OBJECTS <= u16::MAX as usize);
    assert!(MAX_INSTRUCTIONS <= u16::MAX as usize);
    assert!(MAX_WRITE_BYTES <= u32::MAX as usize);
};

impl PublicTx {
    /// The canonical bytes (see the [module docs](crate::encoding)). Fails only when the
    /// transaction is past a bound ([`DecodeError::TooManyObjects`],
    /// [`DecodeError::TooManyInstructions`], [`DecodeError::WriteTooLong`]).
    pub fn to_bytes(&self) -> Result<Vec<u8>, DecodeError> {
        self.check_bounds()?;
        let mut out = Vec::with_capacity(self.encoded_len());
        out.push(PROTOCOL_VERSION);
        out.push(KIND_PUBLIC);
        out.extend_from_slice(&self.sender.0);
        put_count(&mut out, self.objects.len());
        for r in &self.objects {
            out.extend_from_slice(&r.id.0);
            match r.expected_version {
                None => out.push(FLAG_ANY),
                Some(v) => {
                    out.push(FLAG_EXACT);
                    out.extend_from_slice(&v.to_le_bytes());
                }
            }
        }
        let program = self.program.instructions();
        put_count(&mut out, program.len());
        for instruction in program {
            match instruction {
                Instruction::Transfer { from, to, amount } => {
                    out.push(TAG_TRANSFER);
                    out.extend_from_slice(&from.0);
                    out.extend_from_slice(&to.0);
                    out.extend_from_slice(&amount.to_le_bytes());
                }
                Instruction::Write { object, data } => {
                    out.push(TAG_WRITE);
                    out.extend_from_slice(&object.0);
                    // Fits: checked against MAX_WRITE_BYTES, which fits a u32.
                    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
                    out.extend_from_slice(&len.to_le_bytes());
                    out.extend_from_slice(data);
                }
                Instruction::Alloc { bytes } => {
                    out.push(TAG_ALLOC);
                    out.extend_from_slice(&bytes.to_le_bytes());
                }
                Instruction::Burn { units } => {
                    out.push(TAG_BURN);
                    out.extend_from_slice(&units.to_le_bytes());
                }
            }
        }
        Ok(out)
    }

    /// Decodes canonical public-transaction bytes; every malformed input is a typed error,
    /// never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicTx, DecodeError> {
        let mut r = Reader::new(bytes);
        r.version()?;
        match r.u8("kind")? {
            KIND_PUBLIC => {}
            got => return Err(DecodeError::Kind { got }),
        }
        let sender = Address(r.array("sender")?);

        let n_objects = usize::from(r.u16("object count")?);
        if n_objects > MAX_PUBLIC_OBJECTS {
            return Err(DecodeError::TooManyObjects {
                got: n_objects,
                max: MAX_PUBLIC_OBJECTS,
            });
        }
        let mut objects = Vec::with_capacity(n_objects.min(r.remaining() / MIN_OBJECT_LEN));
        for object in 0..n_objects {
            let id = ObjectId(r.array("object id")?);
            let expected_version = match r.u8("object version flag")? {
                FLAG_ANY => None,
                FLAG_EXACT => Some(r.u64("object version")?),
                got => return Err(DecodeError::BadVersionFlag { object, got }),
            };
            objects.push(ObjectRef {
                id,
                expected_version,
            });
        }

        let n_instr = usize::from(r.u16("instruction count")?);
        if n_instr > MAX_INSTRUCTIONS {
            return Err(DecodeError::TooManyInstructions {
                got: n_instr,
                max: MAX_INSTRUCTIONS,
            });
        }
        let mut program = Vec::with_capacity(n_instr.min(r.remaining() / MIN_INSTRUCTION_LEN));
        for instruction in 0..n_instr {
            program.push(match r.u8("instruction tag")? {
                TAG_TRANSFER => Instruction::Transfer {
                    from: ObjectId(r.array("transfer from")?),
                    to: ObjectId(r.array("transfer to")?),
                    amount: r.u64("transfer amount")?,
                },
                TAG_WRITE => {
                    let object = ObjectId(r.array("write object")?);
                    let len = r.u32("write length")?;
                    // Checked before the data is read, so no allocation exceeds the bound.
                    let data_len = usize::try_from(len)
                        .ok()
                        .filter(|&n| n <= MAX_WRITE_BYTES)
                        .ok_or(DecodeError::WriteTooLong {
                            instruction,
                            len: u64::from(len),
                            max: MAX_WRITE_BYTES,
                        })?;
                    Instruction::Write {
                        object,
                        data: r.take(data_len, "write data")?.to_vec(),
                    }
                }
                TAG_ALLOC => Instruction::Alloc {
                    bytes: r.u64("alloc bytes")?,
                },
                TAG_BURN => Instruction::Burn {
                    units: r.u64("burn units")?,
                },
                tag => return Err(DecodeError::UnknownInstruction { instruction, tag }),
            });
        }
        r.finish()?;
        Ok(PublicTx {
            sender,
            objects,
            program: Program::new(program),
        })
    }

    /// The transaction id: BLAKE2b-256, personalised with [`PUBLIC_TX_ID_PERSONAL`], over
    /// [`to_bytes`](Self::to_bytes). Fails only where `to_bytes` does.
    pub fn id(&self) -> Result<TxId, DecodeError> {
        let hash = blake2b_simd::Params::new()
            .hash_length(32)
            .personal(PUBLIC_TX_ID_PERSONAL)
            .hash(&self.to_bytes()?);
        let mut id = [0u8; 32];
        id.copy_from_slice(hash.as_bytes());
        Ok(TxId(id))
    }

    /// Refuses what the decoder would refuse: the encoding's bounds.
    fn check_bounds(&self) -> Result<(), DecodeError> {
        if self.objects.len() > MAX_PUBLIC_OBJECTS {
            return Err(DecodeError::TooManyObjects {
                got: self.objects.len(),
                max: MAX_PUBLIC_OBJECTS,
            });
        }
        let program = self.program.instructions();
        if program.len() > MAX_INSTRUCTIONS {
            return Err(DecodeError::TooManyInstructions {
                got: program.len(),
                max: MAX_INSTRUCTIONS,
            });
        }
        for (instruction, i) in program.iter().enumerate() {
            if let Instruction::Write { data, .. } = i {
                if data.len() > MAX_WRITE_BYTES {
                    return Err(DecodeError::WriteTooLong {
                        instruction,
                        len: u64::try_from(data.len()).unwrap_or(u64::MAX),
                        max: MAX_WRITE_BYTES,
                    });
                }
            }
        }
        Ok(())
    }

    /// Length of the canonical bytes of a transaction within the bounds.
    fn encoded_len(&self) -> usize {
        let objects: usize = self
            .objects
            .iter()
            .map(|r| MIN_OBJECT_LEN + if r.expected_version.is_some() { 8 } else { 0 })
            .sum();
        let program: usize = self
            .program
            .instructions()
            .iter()
            .map(|i| match i {
                Instruction::Transfer { .. } => 1 + 32 + 32 + 8,
                Instruction::Write { data, .. } => 1 + 32 + 4 + data.len(),
                Instruction::Alloc { .. } | Instruction::Burn { .. } => MIN_INSTRUCTION_LEN,
            })
            .sum();
        2 + 32 + 2 + objects + 2 + program
    }
}

impl Transaction {
    /// The canonical bytes: [`PublicTx::to_bytes`], or `PrivateTx::to_bytes` for a private
    /// transaction (whose errors are [`DecodeError::Private`]).
    pub fn to_bytes(&self) -> Result<Vec<u8>, DecodeError> {
        match self {
            Transaction::Public(tx) => tx.to_bytes(),
            Transaction::Private(tx) => Ok(tx.to_bytes()?),
        }
    }

    /// Decodes canonical bytes of either kind: the version byte must be the protocol's,
    /// and the kind byte (byte 1) chooses the decoder (1 = private, 2 = public).
    pub fn from_bytes(bytes: &[u8]) -> Result<Transaction, DecodeError> {
        let mut r = Reader::new(bytes);
        r.version()?;
        match r.u8("kind")? {
            KIND_PRIVATE => Ok(Transaction::Private(Box::new(PrivateTx::from_bytes(
                bytes,
            )?))),
            KIND_PUBLIC => Ok(Transaction::Public(PublicTx::from_bytes(bytes)?)),
            got => Err(DecodeError::Kind { got }),
        }
    }

    /// The transaction id: [`PublicTx::id`], or `PrivateTx::id` for a private transaction.
    /// The two are domain-separated (different BLAKE2b personalisations).
    pub fn id(&self) -> Result<TxId, DecodeError> {
        match self {
            Transaction::Public(tx) => tx.id(),
            Transaction::Private(tx) => Ok(tx.id()?),
        }
    }
}

/// Appends a count that the bounds keep within a u16.
fn put_count(out: &mut Vec<u8>, n: usize) {
    let n = u16::try_from(n).unwrap_or(u16::MAX);
    out.extend_from_slice(&n.to_le_bytes());
}

/// A cursor over input bytes whose every read fails with a typed error naming the field
/// that was cut off.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// The next `len` bytes, or `Truncated` naming `field`.
    fn take(&mut self, len: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.bytes.len() < len {
            return Err(DecodeError::Truncated { field });
        }
        let (head, tail) = self.bytes.split_at(len);
        self.bytes = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, field)?[0])
    }

    fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_le_bytes(self.array(field)?))
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    fn u64(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    /// The version byte, which must be the protocol version.
    fn version(&mut self) -> Result<(), DecodeError> {
        match self.u8("version")? {
            PROTOCOL_VERSION => Ok(()),
            got => Err(DecodeError::Version { got }),
        }
    }

    /// Succeeds only if every byte was read.
    fn finish(self) -> Result<(), DecodeError> {
        match self.bytes.len() {
            0 => Ok(()),
            extra => Err(DecodeError::TrailingBytes { extra }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_len_is_exact() {
        let a = ObjectId::from_u64(1);
        let tx = PublicTx {
            sender: Address::from_u64(7),
            objects: vec![ObjectRef::any(a), ObjectRef::at(a, 3)],
            program: Program::new(vec![
                Instruction::Transfer {
                    from: a,
                    to: a,
                    amount: 1,
                },
                Instruction::Write {
                    object: a,
                    data: vec![1, 2, 3],
                },
                Instruction::Alloc { bytes: 9 },
                Instruction::Burn { units: 2 },
            ]),
        };
        assert_eq!(tx.to_bytes().unwrap().len(), tx.encoded_len());
    }

    #[test]
    fn reader_names_the_cut_field() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u16("a").unwrap(), 0x0201);
        assert_eq!(
            r.u16("b").unwrap_err(),
            DecodeError::Truncated { field: "b" }
        );
        assert_eq!(r.u8("c").unwrap(), 3);
        r.finish().unwrap();
    }
}

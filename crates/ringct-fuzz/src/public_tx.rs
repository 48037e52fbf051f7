//! Target `public_tx`: the node's transaction envelope,
//! [`Transaction::from_bytes`] / [`Transaction::to_bytes`] / [`Transaction::id`]
//! (supervm-runtime), whose public kind is new with the node.
//!
//! Raw mode: the bytes go to the decoder. Structured mode builds a public
//! transaction from the fuzz bytes (up to 8 objects and 8 instructions of
//! every kind, Write data up to 64 bytes), encodes it, applies the rest of
//! the bytes as an edit script and decodes the result; it also checks the
//! refusals owed to a cut or extended encoding.
//!
//! Invariants:
//! - accepted bytes re-encode to exactly the same bytes, re-decode to the
//!   same value, and have an id; the kind byte says public or private and
//!   the value is of that kind; a public id differs from the private id
//!   domain (its personalisation) and is stable;
//! - a refusal is a typed [`DecodeError`], and truncation names a field;
//! - every proper prefix of a valid encoding is refused, and one extra byte
//!   is refused as trailing.

use crate::mode::{apply_edits, split, Mode, Params};
use supervm_runtime::{
    Address, DecodeError, Instruction, ObjectId, ObjectRef, Program, PublicTx, Transaction,
    KIND_PUBLIC,
};

/// The `public_tx` harness.
pub fn public_tx(data: &[u8]) {
    match split(data) {
        None => {}
        Some((Mode::Raw, bytes)) => check_bytes(bytes),
        Some((Mode::Structured, rest)) => structured(rest),
    }
}

/// Decodes `bytes`; if accepted, checks the round trip and the id.
fn check_bytes(bytes: &[u8]) {
    match Transaction::from_bytes(bytes) {
        Ok(tx) => {
            let again = tx.to_bytes().expect("an accepted transaction re-encodes");
            assert_eq!(again, bytes, "decode then encode is not the identity");
            assert_eq!(Transaction::from_bytes(&again).expect("re-decodes"), tx);
            let id = tx.id().expect("an accepted transaction has an id");
            assert_eq!(tx.id().expect("stable"), id, "the id is not stable");
            match &tx {
                Transaction::Public(_) => assert_eq!(bytes[1], KIND_PUBLIC),
                Transaction::Private(_) => assert_ne!(bytes[1], KIND_PUBLIC),
                _ => panic!("a kind the decoder does not know"),
            }
        }
        Err(e) => {
            // A typed refusal; its message names something.
            assert!(!e.to_string().is_empty());
        }
    }
}

/// A 32-byte id whose first and last bytes come from the fuzz bytes.
fn id(p: &mut Params<'_>) -> [u8; 32] {
    let mut id = [0u8; 32];
    id[0] = p.byte();
    id[31] = p.byte();
    id
}

/// Structured layout: `objects, instructions` (each `byte mod 9`), then per
/// object `id(2 bytes), flag, version:u64`, per instruction `tag` and its
/// fields, then the edit script.
fn structured(rest: &[u8]) {
    let mut p = Params { bytes: rest };
    let objects = usize::from(p.byte() % 9);
    let instructions = usize::from(p.byte() % 9);
    let sender = Address(id(&mut p));
    let objects: Vec<ObjectRef> = (0..objects)
        .map(|_| {
            let id = ObjectId(id(&mut p));
            let exact = p.byte() & 1 == 1;
            let version = p.u64();
            ObjectRef {
                id,
                expected_version: exact.then_some(version),
            }
        })
        .collect();
    let program: Vec<Instruction> = (0..instructions)
        .map(|_| match p.byte() % 4 {
            0 => Instruction::Transfer {
                from: ObjectId(id(&mut p)),
                to: ObjectId(id(&mut p)),
                amount: p.u64(),
            },
            1 => {
                let len = usize::from(p.byte() % 65);
                Instruction::Write {
                    object: ObjectId(id(&mut p)),
                    data: (0..len).map(|_| p.byte()).collect(),
                }
            }
            2 => Instruction::Alloc { bytes: p.u64() },
            _ => Instruction::Burn { units: p.u64() },
        })
        .collect();
    let tx = Transaction::Public(PublicTx {
        sender,
        objects,
        program: Program::new(program),
    });
    let bytes = tx.to_bytes().expect("within every bound");
    assert_eq!(Transaction::from_bytes(&bytes).expect("valid encoding"), tx);
    // Every proper prefix is refused as cut off; one more byte as trailing.
    for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
        match Transaction::from_bytes(&bytes[..cut]) {
            Err(DecodeError::Truncated { .. }) => {}
            other => panic!("a prefix of {cut} bytes: {other:?}"),
        }
    }
    let mut longer = bytes.clone();
    longer.push(p.byte());
    assert!(
        matches!(
            Transaction::from_bytes(&longer),
            Err(DecodeError::TrailingBytes { .. })
        ),
        "one extra byte is not refused as trailing"
    );
    let mut edited = bytes;
    apply_edits(&mut edited, p.bytes);
    check_bytes(&edited);
}

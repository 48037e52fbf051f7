//! Transactions. Private transactions ([`PrivateTx`]) are defined, encoded and hashed in
//! `ringct-circuit` (protocol v2's canonical encoding and transaction ids); this crate
//! re-exports them. Public transactions' canonical bytes and ids, and those of
//! [`Transaction`] of either kind, are in [`crate::encoding`].

pub use ringct_circuit::PrivateTx;

use crate::object::{Address, ObjectId};
use crate::program::Program;

/// Length of a private transaction's proof: a compressed Groth16 proof over BLS12-381
/// (A in G1, B in G2, C in G1).
pub const PRIVATE_PROOF_LEN: usize = ringct_circuit::PROOF_LEN;

// The protocol's proof length is the verifier's compressed encoding.
const _: () = assert!(ringct_circuit::PROOF_LEN == ringct_verifier::PROOF_COMPRESSED_LEN);

/// An object a transaction declares it will touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectRef {
    /// The object.
    pub id: ObjectId,
    /// If set, the transaction fails with `VersionConflict` unless the object is at exactly
    /// this version when the transaction runs.
    pub expected_version: Option<u64>,
}

impl ObjectRef {
    /// A reference at whatever version the object has when the transaction runs.
    pub const fn any(id: ObjectId) -> Self {
        ObjectRef {
            id,
            expected_version: None,
        }
    }

    /// A reference that requires `version`.
    pub const fn at(id: ObjectId, version: u64) -> Self {
        ObjectRef {
            id,
            expected_version: Some(version),
        }
    }
}

/// A public (transparent) transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicTx {
    /// The sender; owned objects must belong to it.
    pub sender: Address,
    /// Every object the program touches, each listed once. Routing and the parallel
    /// schedule rely on this list; a program that uses an unlisted object fails with
    /// `UndeclaredObject`.
    pub objects: Vec<ObjectRef>,
    /// The program.
    pub program: Program,
}

/// A transaction of any kind. Match non-exhaustively.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transaction {
    /// A public transaction over objects (Fast or Consensus path).
    Public(PublicTx),
    /// A RingCT transaction over the note ledger (Privacy path). Boxed: it is several
    /// times larger than a public transaction (the proof alone is 192 bytes).
    Private(Box<PrivateTx>),
}

impl From<PublicTx> for Transaction {
    fn from(tx: PublicTx) -> Self {
        Transaction::Public(tx)
    }
}

impl From<PrivateTx> for Transaction {
    fn from(tx: PrivateTx) -> Self {
        Transaction::Private(Box::new(tx))
    }
}

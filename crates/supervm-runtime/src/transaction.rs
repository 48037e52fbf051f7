//! Transactions.

use ringct_circuit::{tx_binding, KeyImage, TxBinding, TxBody};

use crate::object::{Address, ObjectId};
use crate::program::Program;

/// Length of a private transaction's proof: a compressed Groth16 proof over BLS12-381
/// (A in G1, B in G2, C in G1).
pub const PRIVATE_PROOF_LEN: usize = ringct_verifier::PROOF_COMPRESSED_LEN;

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

/// A private (RingCT) transaction: spends notes hidden in rings of ledger commitments and
/// creates new notes, with a Groth16 proof that it balances.
///
/// The sender supplies only what the runtime cannot derive: the body (which ledger
/// entries form each ring, the outputs, the fee), the key images and the proof. The ring
/// roots are recomputed from the ledger and `ctx` from the body, never taken from the
/// sender (see [`crate::privacy`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateTx {
    /// What the transaction binding covers: the shape, per input the ledger indices of
    /// its ring members (exactly 4^d each, in ring order), the outputs (commitment and
    /// opaque memo) and the fee.
    pub body: TxBody,
    /// One key image per input, in input order.
    pub key_images: Vec<KeyImage>,
    /// The proof, compressed (192 bytes); decoded strictly by `ringct-verifier`.
    pub proof: [u8; PRIVATE_PROOF_LEN],
}

impl PrivateTx {
    /// The transaction binding `ctx` of the body (`ringct_circuit::tx_binding`): what a
    /// wallet must prove against and what the runtime verifies against.
    pub fn binding(&self) -> TxBinding {
        tx_binding(&self.body)
    }
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

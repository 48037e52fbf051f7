//! Transactions.

use crate::object::{Address, ObjectId};
use crate::program::Program;

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

/// A transaction of any kind.
///
/// The Privacy path adds `Private(..)` (a RingCT transaction); match non-exhaustively.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transaction {
    /// A public transaction over objects (Fast or Consensus path).
    Public(PublicTx),
}

impl From<PublicTx> for Transaction {
    fn from(tx: PublicTx) -> Self {
        Transaction::Public(tx)
    }
}

//! The routing rule: which path a transaction takes.

use std::collections::BTreeSet;
use std::fmt;

use crate::error::TxError;
use crate::object::Owner;
use crate::state::State;
use crate::transaction::{PublicTx, Transaction};

/// An execution path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Path {
    /// Owned and immutable objects only; run in parallel, tight limits.
    Fast,
    /// Touches shared objects (or re-run by the fallback); run sequentially in block order.
    Consensus,
    /// RingCT transactions: verified in batch, applied to the note ledger and key-image
    /// set in block order.
    Privacy,
}

impl Path {
    /// The value of the `path` metric label: `fast`, `consensus` or `privacy`.
    pub const fn label(self) -> &'static str {
        match self {
            Path::Fast => "fast",
            Path::Consensus => "consensus",
            Path::Privacy => "privacy",
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where a public transaction goes: the only two paths a public transaction can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicLane {
    Fast,
    Consensus,
}

impl From<PublicLane> for Path {
    fn from(lane: PublicLane) -> Path {
        match lane {
            PublicLane::Fast => Path::Fast,
            PublicLane::Consensus => Path::Consensus,
        }
    }
}

/// **The routing rule.** Decides a transaction's path from the state, or rejects it.
///
/// For a public transaction, the declared objects are checked in declaration order and the
/// first violation is the error:
///
/// 1. an object declared twice → `DuplicateObject` (checked over the whole list first);
/// 2. an object not in the state → `ObjectNotFound`;
/// 3. an object owned by an address other than the sender → `NotOwned`;
/// 4. otherwise, if any object is [`Owner::Shared`] → [`Path::Consensus`];
/// 5. otherwise (only objects owned by the sender, and immutable objects, which are
///    read-only) → [`Path::Fast`].
///
/// Routing reads only object ids and owners. No instruction creates objects or changes
/// owners, so routing a whole block against the state at block start gives the same
/// answer as routing each transaction just before it runs. Versions, balances and
/// immutability violations are checked at execution time, on the chosen path.
///
/// A private transaction always goes to [`Path::Privacy`]: routing never rejects it. Its
/// rules (configured shape, counts, ring members in the ledger, key images, proof) are
/// checked on the Privacy path, so its failures carry `path: Some(Path::Privacy)`.
pub fn route(tx: &Transaction, state: &State) -> Result<Path, TxError> {
    match tx {
        Transaction::Public(tx) => route_public(tx, state).map(Path::from),
        Transaction::Private(_) => Ok(Path::Privacy),
    }
}

/// The rule of [`route`] for public transactions.
pub(crate) fn route_public(tx: &PublicTx, state: &State) -> Result<PublicLane, TxError> {
    let mut seen = BTreeSet::new();
    for r in &tx.objects {
        if !seen.insert(r.id) {
            return Err(TxError::DuplicateObject { object: r.id });
        }
    }
    let mut lane = PublicLane::Fast;
    for r in &tx.objects {
        let object = state
            .get(&r.id)
            .ok_or(TxError::ObjectNotFound { object: r.id })?;
        match object.owner {
            Owner::Address(owner) if owner != tx.sender => {
                return Err(TxError::NotOwned {
                    object: r.id,
                    owner,
                    sender: tx.sender,
                })
            }
            Owner::Address(_) | Owner::Immutable => {}
            Owner::Shared => lane = PublicLane::Consensus,
        }
    }
    Ok(lane)
}

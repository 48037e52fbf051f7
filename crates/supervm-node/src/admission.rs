//! Admission: what a submitted transaction must pass to enter the mempool.
//!
//! In order, each failure a typed [`NodeError`] and nothing changed:
//! 1. the node is not shutting down;
//! 2. canonical bytes no longer than a block may hold (`block.max_bytes`);
//! 3. not pending and not committed (by transaction id);
//! 4. a public transaction must route: routing reads only object ids and owners, which no
//!    transaction changes, so a routing failure now is a failure in every block;
//! 5. a private transaction passes the Privacy path's checks against the committed state
//!    (`SuperVM::prepare_private`: shape, counts, ring members in the ledger and distinct,
//!    key images distinct and unspent, outputs new), and no pending transaction spends
//!    one of its key images or creates one of its commitments;
//! 6. its proof is verified in the shape's [`VerifyQueue`], batched with other
//!    submitters' proofs; at most `max_verifying` proofs wait at once;
//! 7. under the lock order chain (read) → mempool, the node is checked again not to be
//!    shutting down, the checks of 3 and 5 that depend on state are repeated (a block may
//!    have committed meanwhile) and the mempool's bounds are checked as the transaction
//!    is inserted.
//!
//! Why 1 is checked again in 7: an admission runs on a blocking thread and outlives its
//! request when the API's timeout answers 408 first, so it may reach the insertion after
//! shutdown began. Shutdown sets `shutting_down` before it tells the producer to stop,
//! and the producer exits only after finding the pool empty under the mempool lock; so
//! an insertion that checks the flag under that lock either happens before the
//! producer's last look (and is committed) or sees the flag and is refused. Nothing is
//! admitted that no block will ever hold.
//!
//! The verdict's key ([`supervm_runtime::VerdictKey`]) goes into the mempool entry, so the
//! block producer does not verify the proof again unless what it depends on changed.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};

use ringct_circuit::TxId;
use ringct_verifier::{Verdict, VerifyQueue};
use supervm_runtime::{route, Shape, Transaction, TxError};
use supervm_store::Store;

use crate::chain::Chain;
use crate::error::NodeError;
use crate::mempool::{Entry, Mempool};
use crate::metrics;

/// Holds a slot of the verification bound; frees it on drop.
struct Slot<'a>(&'a AtomicUsize);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The admission side of the node.
#[derive(Debug)]
pub struct Admission {
    /// One verification queue per configured shape.
    pub queues: BTreeMap<Shape, VerifyQueue>,
    /// Proofs waiting for a verdict.
    pub verifying: AtomicUsize,
    /// Most proofs waiting for a verdict at once.
    pub max_verifying: usize,
    /// `block.max_bytes`.
    pub max_tx_bytes: usize,
}

impl Admission {
    /// Checks `tx` and admits it into `mempool`; returns its id. Blocks while its proof
    /// is verified. Counts the outcome in the admission metrics. `shutting_down` is read
    /// at the start and again under the mempool lock, just before the insertion: once it
    /// is set, nothing more is admitted ([`NodeError::ShuttingDown`]).
    pub fn submit(
        &self,
        tx: Transaction,
        chain: &RwLock<Chain>,
        mempool: &Mutex<Mempool>,
        shutting_down: &AtomicBool,
    ) -> Result<TxId, NodeError> {
        let kind = match &tx {
            Transaction::Private(_) => "private",
            _ => "public",
        };
        let result = self.admit(tx, chain, mempool, shutting_down);
        match &result {
            Ok(_) => metrics::admitted(kind),
            Err(e) => metrics::rejected(e.rule()),
        }
        result
    }

    fn admit(
        &self,
        tx: Transaction,
        chain: &RwLock<Chain>,
        mempool: &Mutex<Mempool>,
        shutting_down: &AtomicBool,
    ) -> Result<TxId, NodeError> {
        if shutting_down.load(Ordering::Acquire) {
            return Err(NodeError::ShuttingDown);
        }
        let bytes = tx.to_bytes()?;
        if bytes.len() > self.max_tx_bytes {
            return Err(NodeError::TxTooLarge {
                len: bytes.len(),
                max: self.max_tx_bytes,
            });
        }
        let id = tx.id()?;
        let verdict = {
            let chain = read(chain)?;
            not_known(&id, chain.store(), &*lock(mempool)?)?;
            match &tx {
                Transaction::Private(p) => {
                    let prepared = chain.vm().prepare_private(p).map_err(NodeError::from)?;
                    drop(chain);
                    // Refuse a pending conflict before spending a verification on it.
                    lock(mempool)?.check(&Entry::new(id, tx.clone(), Vec::new(), None))?;
                    let shape = prepared.shape;
                    let queue = self
                        .queues
                        .get(&shape)
                        .ok_or_else(|| NodeError::from(TxError::NoVerifyingKey { shape }))?;
                    let _slot = self.slot()?;
                    let handle = queue
                        .submit(prepared.item)
                        .map_err(|e| NodeError::Internal(format!("verification queue: {e}")))?;
                    match handle
                        .wait()
                        .map_err(|e| NodeError::Internal(format!("verification queue: {e}")))?
                    {
                        Verdict::Valid => Some(prepared.key),
                        Verdict::Invalid(reason) => {
                            return Err(NodeError::from(TxError::InvalidProof { reason }))
                        }
                    }
                }
                Transaction::Public(_) => {
                    route(&tx, chain.vm().state()).map_err(NodeError::from)?;
                    None
                }
                _ => return Err(NodeError::MalformedJson("unknown transaction kind".into())),
            }
        };
        // Final checks and insertion: chain (read) → mempool, so no block commits between.
        let chain = read(chain)?;
        let mut pool = lock(mempool)?;
        // Shutdown may have begun while this admission waited (see the module doc).
        if shutting_down.load(Ordering::Acquire) {
            return Err(NodeError::ShuttingDown);
        }
        not_known(&id, chain.store(), &pool)?;
        if let Transaction::Private(p) = &tx {
            let state = chain.vm().state();
            if let Some(input) = p
                .key_images
                .iter()
                .position(|k| state.key_images().contains(k))
            {
                return Err(NodeError::from(TxError::KeyImageSpent {
                    input,
                    in_block: false,
                }));
            }
            for (output, o) in p.body.outputs.iter().enumerate() {
                if let Some(index) = state.notes().index_of(&o.commitment) {
                    return Err(NodeError::from(TxError::OutputCommitmentInLedger {
                        output,
                        index,
                    }));
                }
            }
        }
        pool.insert(Entry::new(id, tx, bytes, verdict))?;
        metrics::mempool(&pool);
        Ok(id)
    }

    fn slot(&self) -> Result<Slot<'_>, NodeError> {
        let before = self.verifying.fetch_add(1, Ordering::AcqRel);
        let slot = Slot(&self.verifying);
        if before >= self.max_verifying {
            return Err(NodeError::VerifyBusy {
                max: self.max_verifying,
            });
        }
        Ok(slot)
    }
}

/// Refuses an id that is pending or committed.
fn not_known(id: &TxId, store: &Store, pool: &Mempool) -> Result<(), NodeError> {
    if pool.contains(id) {
        return Err(NodeError::AlreadyPending(id.to_string()));
    }
    if store.receipt(id)?.is_some() {
        return Err(NodeError::AlreadyCommitted(id.to_string()));
    }
    Ok(())
}

/// The chain, for reading. A poisoned lock means a panic mid-block: refuse, don't guess.
pub(crate) fn read(
    chain: &RwLock<Chain>,
) -> Result<std::sync::RwLockReadGuard<'_, Chain>, NodeError> {
    chain
        .read()
        .map_err(|_| NodeError::Internal("chain lock poisoned".into()))
}

/// The mempool, locked.
pub(crate) fn lock(
    mempool: &Mutex<Mempool>,
) -> Result<std::sync::MutexGuard<'_, Mempool>, NodeError> {
    mempool
        .lock()
        .map_err(|_| NodeError::Internal("mempool lock poisoned".into()))
}

//! The mempool: admitted transactions waiting for a block, bounded by count and bytes.
//!
//! A transaction enters only through [`Mempool::insert`], which refuses (and changes
//! nothing) when its id is already pending, when a key image it spends or an output
//! commitment it creates is claimed by a pending transaction, or when it would take the
//! pool past either bound. The block producer takes transactions in arrival order
//! ([`Mempool::take_block`]); they stay in the pool, *in flight*, until their block is
//! committed ([`Mempool::remove`]) or its commit failed ([`Mempool::release`]), so a
//! transaction is never pending and committed at the same time, and never in two blocks.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use ringct_circuit::{KeyImage, NoteCommitment, TxId};
use supervm_runtime::{Transaction, VerdictKey};

use crate::error::NodeError;

/// An admitted transaction.
#[derive(Debug)]
pub struct Entry {
    /// Its id.
    pub id: TxId,
    /// The transaction.
    pub tx: Transaction,
    /// Its canonical bytes (what the block stores).
    pub bytes: Vec<u8>,
    /// Key images it spends (private only).
    pub key_images: Vec<KeyImage>,
    /// Commitments it creates (private only).
    pub outputs: Vec<NoteCommitment>,
    /// For a private transaction, the key of the proof verdict reached at admission.
    pub verdict: Option<VerdictKey>,
    /// When it was admitted.
    pub admitted: Instant,
}

impl Entry {
    /// An entry for `tx` with its id and canonical bytes.
    pub fn new(id: TxId, tx: Transaction, bytes: Vec<u8>, verdict: Option<VerdictKey>) -> Self {
        let (key_images, outputs) = match &tx {
            Transaction::Private(p) => (
                p.key_images.clone(),
                p.body.outputs.iter().map(|o| o.commitment).collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        Entry {
            id,
            tx,
            bytes,
            key_images,
            outputs,
            verdict,
            admitted: Instant::now(),
        }
    }
}

/// The pool.
#[derive(Debug)]
pub struct Mempool {
    max_txs: usize,
    max_bytes: usize,
    entries: HashMap<TxId, Arc<Entry>>,
    /// Pending, not in flight, in arrival order.
    queue: VecDeque<TxId>,
    in_flight: HashSet<TxId>,
    key_images: HashMap<KeyImage, TxId>,
    outputs: HashMap<NoteCommitment, TxId>,
    bytes: usize,
}

impl Mempool {
    /// An empty pool holding at most `max_txs` transactions and `max_bytes` bytes.
    pub fn new(max_txs: usize, max_bytes: usize) -> Self {
        Mempool {
            max_txs,
            max_bytes,
            entries: HashMap::new(),
            queue: VecDeque::new(),
            in_flight: HashSet::new(),
            key_images: HashMap::new(),
            outputs: HashMap::new(),
            bytes: 0,
        }
    }

    /// Transactions in the pool (in flight included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Canonical bytes in the pool.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Transactions waiting for a block (not in flight).
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }

    /// Whether `id` is in the pool.
    pub fn contains(&self, id: &TxId) -> bool {
        self.entries.contains_key(id)
    }

    /// The pending transaction that spends `key_image`, if any.
    pub fn spender(&self, key_image: &KeyImage) -> Option<TxId> {
        self.key_images.get(key_image).copied()
    }

    /// Checks that `entry` could be inserted, without inserting it.
    pub fn check(&self, entry: &Entry) -> Result<(), NodeError> {
        if self.entries.contains_key(&entry.id) {
            return Err(NodeError::AlreadyPending(entry.id.to_string()));
        }
        for (input, ki) in entry.key_images.iter().enumerate() {
            if let Some(by) = self.key_images.get(ki) {
                return Err(NodeError::KeyImagePending {
                    input,
                    by: by.to_string(),
                });
            }
        }
        for (output, cm) in entry.outputs.iter().enumerate() {
            if let Some(by) = self.outputs.get(cm) {
                return Err(NodeError::OutputPending {
                    output,
                    by: by.to_string(),
                });
            }
        }
        if self.entries.len() >= self.max_txs {
            return Err(NodeError::MempoolFull { max: self.max_txs });
        }
        if self.bytes.saturating_add(entry.bytes.len()) > self.max_bytes {
            return Err(NodeError::MempoolBytes {
                len: entry.bytes.len(),
                max: self.max_bytes,
            });
        }
        Ok(())
    }

    /// Admits `entry`, or refuses it and changes nothing.
    pub fn insert(&mut self, entry: Entry) -> Result<(), NodeError> {
        self.check(&entry)?;
        let id = entry.id;
        for ki in &entry.key_images {
            self.key_images.insert(*ki, id);
        }
        for cm in &entry.outputs {
            self.outputs.insert(*cm, id);
        }
        self.bytes += entry.bytes.len();
        self.queue.push_back(id);
        self.entries.insert(id, Arc::new(entry));
        Ok(())
    }

    /// Takes the oldest waiting transactions for a block: at most `max_txs`, and at most
    /// `max_bytes` bytes (a transaction that does not fit stops the block, so arrival
    /// order is kept). They stay in the pool, in flight.
    pub fn take_block(&mut self, max_txs: usize, max_bytes: usize) -> Vec<Arc<Entry>> {
        let mut block = Vec::new();
        let mut bytes = 0usize;
        while block.len() < max_txs {
            let Some(id) = self.queue.front().copied() else {
                break;
            };
            let Some(entry) = self.entries.get(&id) else {
                self.queue.pop_front();
                continue;
            };
            if !block.is_empty() && bytes + entry.bytes.len() > max_bytes {
                break;
            }
            bytes += entry.bytes.len();
            self.queue.pop_front();
            self.in_flight.insert(id);
            block.push(Arc::clone(entry));
        }
        block
    }

    /// Removes transactions whose block was committed.
    pub fn remove(&mut self, ids: &[TxId]) {
        for id in ids {
            let was_in_flight = self.in_flight.remove(id);
            if let Some(entry) = self.entries.remove(id) {
                self.bytes -= entry.bytes.len();
                for ki in &entry.key_images {
                    self.key_images.remove(ki);
                }
                for cm in &entry.outputs {
                    self.outputs.remove(cm);
                }
                // A committed transaction was taken for its block, so it is not queued;
                // only a waiting one (never removed in the node's flow) needs the scan.
                if !was_in_flight {
                    self.queue.retain(|q| q != id);
                }
            }
        }
    }

    /// Puts in-flight transactions back at the front of the queue, in their order
    /// (their block was not committed).
    pub fn release(&mut self, ids: &[TxId]) {
        for id in ids.iter().rev() {
            if self.in_flight.remove(id) && self.entries.contains_key(id) {
                self.queue.push_front(*id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use supervm_runtime::{Address, Program, PublicTx};

    fn public(n: u8, len: usize) -> Entry {
        let tx = Transaction::Public(PublicTx {
            sender: Address([n; 32]),
            objects: vec![],
            program: Program::new(vec![]),
        });
        Entry::new(TxId([n; 32]), tx, vec![0; len], None)
    }

    #[test]
    fn bounds_hold_and_refusals_change_nothing() {
        let mut m = Mempool::new(2, 100);
        m.insert(public(1, 40)).unwrap();
        assert!(matches!(
            m.insert(public(1, 40)),
            Err(NodeError::AlreadyPending(_))
        ));
        assert!(matches!(
            m.insert(public(2, 61)),
            Err(NodeError::MempoolBytes { .. })
        ));
        assert_eq!((m.len(), m.bytes()), (1, 40));
        m.insert(public(2, 60)).unwrap();
        assert!(matches!(
            m.insert(public(3, 0)),
            Err(NodeError::MempoolFull { max: 2 })
        ));
        assert_eq!((m.len(), m.bytes()), (2, 100));
    }

    #[test]
    fn blocks_keep_arrival_order_and_in_flight_stays_pending() {
        let mut m = Mempool::new(10, 1000);
        for n in 1..=5 {
            m.insert(public(n, 10)).unwrap();
        }
        let block = m.take_block(2, 1000);
        assert_eq!(
            block.iter().map(|e| e.id.0[0]).collect::<Vec<_>>(),
            vec![1, 2]
        );
        // In flight: still pending, so a resubmission is refused.
        assert!(matches!(
            m.insert(public(1, 10)),
            Err(NodeError::AlreadyPending(_))
        ));
        assert_eq!(m.waiting(), 3);
        m.release(&[TxId([1; 32]), TxId([2; 32])]);
        let again = m.take_block(10, 25);
        assert_eq!(
            again.iter().map(|e| e.id.0[0]).collect::<Vec<_>>(),
            vec![1, 2]
        );
        m.remove(&[TxId([1; 32]), TxId([2; 32])]);
        assert_eq!((m.len(), m.bytes(), m.waiting()), (3, 30, 3));
        m.insert(public(1, 10)).unwrap();
        // A waiting transaction removed directly leaves the queue too.
        m.remove(&[TxId([4; 32])]);
        let rest = m.take_block(10, 1000);
        assert_eq!(
            rest.iter().map(|e| e.id.0[0]).collect::<Vec<_>>(),
            vec![3, 5, 1]
        );
    }
}

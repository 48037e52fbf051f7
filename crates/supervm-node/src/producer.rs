//! The block producer: one thread, the node's single sequencer.
//!
//! It makes a block every `block.interval` while transactions wait, or as soon as
//! `block.max_txs` wait, whichever comes first; it makes no empty blocks. A block takes
//! the oldest waiting transactions (at most `block.max_txs` and `block.max_bytes`), runs
//! through `SuperVM::execute_block` and is committed to the store in one write
//! ([`Chain::commit`]); only then are its transactions removed from the mempool, so a
//! receipt is served only once it is durable. If the commit fails, the transactions go
//! back to the front of the queue and the runtime's state is reloaded from the store.
//!
//! On shutdown it keeps making blocks until no admitted transaction waits, then exits.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::admission::lock;
use crate::error::NodeError;
use crate::metrics;
use crate::node::Shared;

/// Wakes the producer early: when a block's worth of transactions waits, or to stop.
#[derive(Debug, Default)]
pub struct Signal {
    state: Mutex<SignalState>,
    cond: Condvar,
}

#[derive(Debug, Default)]
struct SignalState {
    full: bool,
    stop: bool,
}

impl Signal {
    /// A block's worth of transactions waits.
    pub fn full(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.full = true;
            self.cond.notify_all();
        }
    }

    /// Stop after the waiting transactions are committed.
    pub fn stop(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.stop = true;
            self.cond.notify_all();
        }
    }

    /// Waits until `deadline`, a full block or stop; returns whether to stop.
    fn wait(&self, deadline: Instant) -> bool {
        let Ok(mut s) = self.state.lock() else {
            return true;
        };
        loop {
            if s.stop {
                return true;
            }
            if s.full {
                s.full = false;
                return false;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            s = match self.cond.wait_timeout(s, deadline - now) {
                Ok((s, _)) => s,
                Err(_) => return true,
            };
        }
    }
}

/// Starts the producer thread.
pub fn spawn(shared: Arc<Shared>) -> Result<JoinHandle<()>, NodeError> {
    std::thread::Builder::new()
        .name("supervm-producer".into())
        .spawn(move || run(&shared))
        .map_err(|source| NodeError::Spawn {
            what: "the block producer",
            source,
        })
}

fn run(shared: &Shared) {
    let interval = shared.config.block_interval;
    let mut deadline = Instant::now() + interval;
    loop {
        let stop = shared.signal.wait(deadline);
        if Instant::now() >= deadline {
            deadline = Instant::now() + interval;
        }
        match produce(shared) {
            Ok(0) if stop => return,
            Ok(_) => {}
            Err(e) => {
                eprintln!("supervm-node: block not committed: {e}");
                metrics::commit_failed();
                if stop {
                    return;
                }
                // Back off a little rather than spin on a failing store.
                std::thread::sleep(Duration::from_millis(100).min(interval));
            }
        }
    }
}

/// Makes and commits one block from the waiting transactions; returns its size (0: no
/// transaction waited, no block).
pub fn produce(shared: &Shared) -> Result<usize, NodeError> {
    let entries = {
        let mut pool = lock(&shared.mempool)?;
        pool.take_block(shared.config.block_max_txs, shared.config.block_max_bytes)
    };
    if entries.is_empty() {
        return Ok(0);
    }
    let ids: Vec<_> = entries.iter().map(|e| e.id).collect();
    let result = match shared.chain.write() {
        Ok(mut chain) => chain.commit(&entries),
        Err(_) => Err(NodeError::Internal("chain lock poisoned".into())),
    };
    let mut pool = lock(&shared.mempool)?;
    match result {
        Ok(block) => {
            pool.remove(&ids);
            metrics::mempool(&pool);
            drop(pool);
            metrics::committed(
                &block,
                entries.iter().map(|e| e.admitted.elapsed().as_secs_f64()),
            );
            if let Ok(size) = shared.store.size_bytes() {
                metrics::store_size(size);
            }
            if pool_waiting(shared) >= shared.config.block_max_txs {
                shared.signal.full();
            }
            Ok(entries.len())
        }
        Err(e) => {
            pool.release(&ids);
            Err(e)
        }
    }
}

fn pool_waiting(shared: &Shared) -> usize {
    lock(&shared.mempool).map_or(0, |p| p.waiting())
}

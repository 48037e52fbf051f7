//! A verification queue for proofs that arrive one at a time (a mempool).
//!
//! [`VerifyQueue::submit`] hands an [`Item`] to a background worker and returns a
//! [`VerdictHandle`]; [`VerdictHandle::wait`] blocks until that item's own [`Verdict`] is
//! known. The worker collects pending items and verifies them together with one
//! [`BatchVerifier::verify_batch`] call (randomized batch verification with bisection,
//! so every item still gets its own verdict) when either
//!
//! - `max_batch` items are pending (flush by size), or
//! - the oldest pending item has waited `max_latency` (flush by latency), or
//! - the queue is shutting down ([`VerifyQueue::shutdown`], or drop): everything pending
//!   is verified before the worker exits.
//!
//! A flush takes at most `max_batch` items, oldest first. Verdicts are routed back by
//! position: the worker keeps each item's reply channel next to it, in the same order as
//! the items it passes to `verify_batch`, whose verdicts come back in input order. Each
//! channel belongs to exactly one handle, so no caller can receive another caller's
//! verdict, however many threads submit at once.
//!
//! Plain std threads, a mutex, a condition variable and one channel per item; no async
//! runtime. The verifier's own pool (see [`BatchVerifier::with_threads`]) does the work;
//! the worker thread only coordinates. Proof bytes are never used to identify items:
//! identity is the handle.

use crate::error::VerifierError;
use crate::item::Item;
use crate::stats::Verdict;
use crate::verifier::BatchVerifier;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Default [`QueueConfig::max_batch`].
pub const DEFAULT_MAX_BATCH: usize = 64;
/// Default [`QueueConfig::max_latency`].
pub const DEFAULT_MAX_LATENCY: Duration = Duration::from_millis(100);

/// When the worker flushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueConfig {
    /// Flush as soon as this many items are pending; also the largest batch (at least 1).
    pub max_batch: usize,
    /// Flush when the oldest pending item has waited this long.
    pub max_latency: Duration,
}

impl Default for QueueConfig {
    /// 64 items, 100 ms.
    fn default() -> Self {
        QueueConfig {
            max_batch: DEFAULT_MAX_BATCH,
            max_latency: DEFAULT_MAX_LATENCY,
        }
    }
}

/// Why the worker flushed a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushReason {
    /// `max_batch` items were pending.
    Size,
    /// The oldest pending item had waited `max_latency`.
    Latency,
    /// The queue was shutting down.
    Shutdown,
}

/// Counts since the queue was created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    /// Items submitted (accepted by [`VerifyQueue::submit`]).
    pub submitted: u64,
    /// Items whose verdict the worker has decided (counted just before it is sent).
    pub verified: u64,
    /// Batches flushed because `max_batch` items were pending.
    pub flushed_by_size: u64,
    /// Batches flushed because the oldest item had waited `max_latency`.
    pub flushed_by_latency: u64,
    /// Batches flushed while shutting down.
    pub flushed_by_shutdown: u64,
    /// The largest batch flushed.
    pub largest_batch: usize,
}

impl QueueStats {
    /// Batches flushed, for any reason.
    pub fn batches(&self) -> u64 {
        self.flushed_by_size + self.flushed_by_latency + self.flushed_by_shutdown
    }
}

/// The pending verdict of one submitted item.
#[derive(Debug)]
pub struct VerdictHandle {
    rx: Receiver<Verdict>,
}

impl VerdictHandle {
    /// Blocks until this item's verdict is known.
    pub fn wait(self) -> Result<Verdict, VerifierError> {
        self.rx.recv().map_err(|_| VerifierError::QueueNoVerdict)
    }

    /// Waits at most `timeout`: `Ok(Some(verdict))`, `Ok(None)` if it is not known yet
    /// (call again), or the error of [`wait`](Self::wait).
    pub fn wait_timeout(&self, timeout: Duration) -> Result<Option<Verdict>, VerifierError> {
        match self.rx.recv_timeout(timeout) {
            Ok(v) => Ok(Some(v)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(VerifierError::QueueNoVerdict),
        }
    }

    /// The verdict if it is already known, without blocking.
    pub fn try_verdict(&self) -> Result<Option<Verdict>, VerifierError> {
        match self.rx.try_recv() {
            Ok(v) => Ok(Some(v)),
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => Err(VerifierError::QueueNoVerdict),
        }
    }
}

struct Pending {
    item: Item,
    since: Instant,
    reply: SyncSender<Verdict>,
}

#[derive(Default)]
struct Inner {
    pending: VecDeque<Pending>,
    shutting_down: bool,
    stats: QueueStats,
}

struct Shared {
    inner: Mutex<Inner>,
    wake: Condvar,
    verifier: Arc<BatchVerifier>,
    config: QueueConfig,
}

impl Shared {
    /// The lock, even if a thread panicked while holding it (the state stays consistent:
    /// every critical section only moves items and bumps counters).
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A background batch verifier for items that arrive one at a time.
///
/// `Send + Sync`: share it (for example in an `Arc`) between submitting threads.
pub struct VerifyQueue {
    shared: Arc<Shared>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for VerifyQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyQueue")
            .field("config", &self.shared.config)
            .field("stats", &self.stats())
            .finish()
    }
}

impl VerifyQueue {
    /// Starts the worker thread.
    pub fn new(verifier: Arc<BatchVerifier>, config: QueueConfig) -> Result<Self, VerifierError> {
        if config.max_batch == 0 {
            return Err(VerifierError::QueueZeroBatch);
        }
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::default()),
            wake: Condvar::new(),
            verifier,
            config,
        });
        let worker_shared = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("ringct-verify-queue".into())
            .spawn(move || worker(&worker_shared))
            .map_err(|e| VerifierError::QueueSpawn(e.to_string()))?;
        Ok(VerifyQueue {
            shared,
            worker: Mutex::new(Some(worker)),
        })
    }

    /// The configuration.
    pub fn config(&self) -> QueueConfig {
        self.shared.config
    }

    /// Queues `item`; its verdict arrives on the returned handle. Never blocks on
    /// verification. Fails with [`VerifierError::QueueShutDown`] once shutdown has begun.
    pub fn submit(&self, item: Item) -> Result<VerdictHandle, VerifierError> {
        let (reply, rx) = mpsc::sync_channel(1);
        {
            let mut inner = self.shared.lock();
            if inner.shutting_down {
                return Err(VerifierError::QueueShutDown);
            }
            inner.pending.push_back(Pending {
                item,
                since: Instant::now(),
                reply,
            });
            inner.stats.submitted += 1;
        }
        self.shared.wake.notify_all();
        Ok(VerdictHandle { rx })
    }

    /// Items waiting for a flush.
    pub fn pending(&self) -> usize {
        self.shared.lock().pending.len()
    }

    /// Counts since creation.
    pub fn stats(&self) -> QueueStats {
        self.shared.lock().stats
    }

    /// Refuses new items, verifies everything pending, and joins the worker. Idempotent;
    /// drop calls it too.
    pub fn shutdown(&self) -> Result<(), VerifierError> {
        self.shared.lock().shutting_down = true;
        self.shared.wake.notify_all();
        let handle = self
            .worker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match handle {
            Some(h) => h.join().map_err(|_| VerifierError::QueueWorkerPanicked),
            None => Ok(()),
        }
    }
}

impl Drop for VerifyQueue {
    fn drop(&mut self) {
        // Nobody to report a worker panic to; the pending items were flushed or their
        // handles report `NoVerdict`.
        let _ = self.shutdown();
    }
}

/// The worker: waits for a flush condition, verifies the batch, sends the verdicts;
/// returns once shutting down with nothing pending.
fn worker(shared: &Shared) {
    let max_batch = shared.config.max_batch;
    loop {
        let batch = {
            let mut inner = shared.lock();
            let reason = loop {
                if inner.pending.len() >= max_batch {
                    break FlushReason::Size;
                }
                if inner.shutting_down {
                    if inner.pending.is_empty() {
                        return;
                    }
                    break FlushReason::Shutdown;
                }
                match inner.pending.front().map(|p| p.since) {
                    None => {
                        inner = shared
                            .wake
                            .wait(inner)
                            .unwrap_or_else(PoisonError::into_inner);
                    }
                    Some(since) => {
                        let waited = since.elapsed();
                        if waited >= shared.config.max_latency {
                            break FlushReason::Latency;
                        }
                        inner = shared
                            .wake
                            .wait_timeout(inner, shared.config.max_latency - waited)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0;
                    }
                }
            };
            let take = inner.pending.len().min(max_batch);
            let batch: Vec<Pending> = inner.pending.drain(..take).collect();
            let stats = &mut inner.stats;
            match reason {
                FlushReason::Size => stats.flushed_by_size += 1,
                FlushReason::Latency => stats.flushed_by_latency += 1,
                FlushReason::Shutdown => stats.flushed_by_shutdown += 1,
            }
            stats.largest_batch = stats.largest_batch.max(batch.len());
            batch
        };
        flush(shared, batch);
    }
}

/// Verifies one batch and sends every verdict to its own item's handle.
fn flush(shared: &Shared, batch: Vec<Pending>) {
    let (items, replies): (Vec<Item>, Vec<SyncSender<Verdict>>) =
        batch.into_iter().map(|p| (p.item, p.reply)).unzip();
    // A panic inside the verifier must not take the queue down: the batch's handles get
    // `NoVerdict` (their senders are dropped) and the worker goes on.
    let report = catch_unwind(AssertUnwindSafe(|| shared.verifier.verify_batch(&items)));
    let Ok(report) = report else {
        return;
    };
    // Counted before the verdicts are sent, so a submitter that has its verdict also
    // sees it counted.
    let delivered = replies.len().min(report.verdicts.len());
    shared.lock().stats.verified += delivered as u64;
    // `verify_batch` returns one verdict per item, in input order. Should it ever return
    // fewer, the unmatched senders are dropped and those handles get `NoVerdict`.
    for (reply, verdict) in replies.into_iter().zip(report.verdicts) {
        // A dropped handle is not an error: its submitter stopped waiting.
        let _ = reply.send(verdict);
    }
}

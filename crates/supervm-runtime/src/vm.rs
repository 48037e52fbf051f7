//! [`SuperVM`]: routes a block's transactions and executes them path by path.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use ringct_circuit::{NetworkId, Shape};
use ringct_verifier::BatchVerifier;

use crate::diff::{BlockEffects, StateDiff};
use crate::error::ConfigError;
use crate::error::TxError;
use crate::fallback::FallbackPolicy;
use crate::interpreter::{execute, Outcome};
use crate::object::{Object, ObjectId, Owner};
use crate::privacy::{self, PreparedPrivate, QueuedPrivate};
use crate::program::ExecLimits;
use crate::receipt::Receipt;
use crate::routing::{route_public, Path, PublicLane};
use crate::scheduler;
use crate::state::{State, WriteSet};
use crate::telemetry::BlockCounts;
use crate::transaction::{PrivateTx, PublicTx, Transaction};
use crate::verified::VerifiedProofs;

/// The runtime: a state, per-path limits, a fallback policy, the Privacy path's verifying
/// keys (one per shape) and (optionally) a dedicated thread pool.
///
/// See the crate docs for the order in which a block is applied.
#[derive(Debug)]
pub struct SuperVM {
    state: State,
    fallback: FallbackPolicy,
    fast_limits: ExecLimits,
    consensus_limits: ExecLimits,
    /// Verifying keys of the Privacy path, by shape (only valid shapes).
    verifiers: BTreeMap<Shape, BatchVerifier>,
    /// The network private transactions are bound to.
    network: NetworkId,
    /// `None`: the Fast path and the Privacy path's checks use Rayon's global pool, and
    /// verifiers run as configured.
    pool: Option<Arc<rayon::ThreadPool>>,
    /// The effects of the block being executed (empty between blocks). Its objects are
    /// filled in at the end of the block, from `written`.
    diff: StateDiff,
    /// Ring roots already computed, by ring content (bounded; see `privacy/ring_roots.rs`).
    ring_roots: privacy::RingRootMemo,
    /// Ids of the objects the block being executed has written so far, with repeats.
    written: Vec<ObjectId>,
}

/// A public transaction waiting for a path, with its position in the block.
type Queued<'t> = (usize, &'t PublicTx);

impl SuperVM {
    /// A runtime over `state` with default limits ([`ExecLimits::FAST_DEFAULT`],
    /// [`ExecLimits::CONSENSUS_DEFAULT`]), no fallback, the development network and
    /// Rayon's global pool.
    pub fn new(state: State) -> Self {
        SuperVM {
            state,
            fallback: FallbackPolicy::disabled(),
            fast_limits: ExecLimits::FAST_DEFAULT,
            consensus_limits: ExecLimits::CONSENSUS_DEFAULT,
            verifiers: BTreeMap::new(),
            network: NetworkId::devnet(),
            pool: None,
            diff: StateDiff::default(),
            ring_roots: privacy::RingRootMemo::default(),
            written: Vec::new(),
        }
    }

    /// [`new`](Self::new) with the fallback policy read from the environment
    /// ([`FallbackPolicy::from_env`]).
    pub fn from_env(state: State) -> Result<Self, ConfigError> {
        Ok(Self::new(state).with_fallback(FallbackPolicy::from_env()?))
    }

    /// Sets the network whose id private transactions are bound to (through `ctx`); a
    /// transaction proved for another network fails with `InvalidProof`. The default is
    /// the development network ([`NetworkId::DEVNET`]); a deployment configures its own.
    pub fn with_network(mut self, network: NetworkId) -> Self {
        self.network = network;
        self
    }

    /// The network private transactions are bound to.
    pub fn network(&self) -> &NetworkId {
        &self.network
    }

    /// Replaces the fallback policy.
    pub fn with_fallback(mut self, policy: FallbackPolicy) -> Self {
        self.fallback = policy;
        self
    }

    /// Replaces the Fast path's limits.
    pub fn with_fast_limits(mut self, limits: ExecLimits) -> Self {
        self.fast_limits = limits;
        self
    }

    /// Replaces the Consensus path's limits.
    pub fn with_consensus_limits(mut self, limits: ExecLimits) -> Self {
        self.consensus_limits = limits;
        self
    }

    /// Configures the Privacy path's verifying key for `shape`, replacing any earlier one
    /// for that shape. Private transactions of a shape without a key fail with
    /// `NoVerifyingKey`.
    ///
    /// Refuses an invalid shape, and a key whose number of public inputs differs from the
    /// shape's (2m + n + 2). Check the key's fingerprint
    /// ([`BatchVerifier::check_fingerprint`]) before calling this.
    pub fn with_privacy_verifier(
        mut self,
        shape: Shape,
        verifier: BatchVerifier,
    ) -> Result<Self, ConfigError> {
        shape
            .validate()
            .map_err(|source| ConfigError::InvalidShape { shape, source })?;
        if verifier.num_public_inputs() != shape.num_public_inputs() {
            return Err(ConfigError::VerifierShapeMismatch {
                shape,
                expected: shape.num_public_inputs(),
                key: verifier.num_public_inputs(),
            });
        }
        self.verifiers.insert(shape, verifier);
        Ok(self)
    }

    /// Runs the runtime's parallel work on a dedicated pool of `threads` threads: the Fast
    /// path's waves, the Privacy path's checks and its proof verification (the configured
    /// verifiers are run on this pool, whatever pool they were built with). Results do not
    /// depend on the thread count.
    pub fn with_threads(mut self, threads: usize) -> Result<Self, ConfigError> {
        if threads == 0 {
            return Err(ConfigError::ZeroThreads);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("supervm-{i}"))
            .build()?;
        self.pool = Some(Arc::new(pool));
        Ok(self)
    }

    /// The current state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Consumes the runtime and returns its state.
    pub fn into_state(self) -> State {
        self.state
    }

    /// The fallback policy.
    pub fn fallback_policy(&self) -> &FallbackPolicy {
        &self.fallback
    }

    /// The Fast path's limits.
    pub fn fast_limits(&self) -> ExecLimits {
        self.fast_limits
    }

    /// The Consensus path's limits.
    pub fn consensus_limits(&self) -> ExecLimits {
        self.consensus_limits
    }

    /// Shapes the Privacy path has a verifying key for, in order.
    pub fn privacy_shapes(&self) -> impl Iterator<Item = Shape> + '_ {
        self.verifiers.keys().copied()
    }

    /// The Privacy path's verifier for `shape`, if one is configured.
    pub fn privacy_verifier(&self, shape: &Shape) -> Option<&BatchVerifier> {
        self.verifiers.get(shape)
    }

    /// Threads the Fast path runs on.
    pub fn threads(&self) -> usize {
        self.pool
            .as_ref()
            .map_or_else(rayon::current_num_threads, |p| p.current_num_threads())
    }

    /// Routes and executes a block; returns one receipt per transaction, in input order.
    ///
    /// Phases (the crate docs explain why this order is deterministic):
    /// 1. route every transaction against the state at block start;
    /// 2. Fast path: conflict-free waves, each run in parallel, committed in block order;
    ///    failures whose kind the fallback policy lists are queued for phase 3;
    /// 3. Consensus path: transactions routed there and fallback re-runs, merged in block
    ///    order and run one by one;
    /// 4. Privacy path: private transactions checked against the state, their proofs
    ///    verified in one batch per shape, then applied in block order (see
    ///    [`crate::privacy`]).
    pub fn execute_block(&mut self, txs: &[Transaction]) -> Vec<Receipt> {
        // Nobody reads the diff's objects here: skip copying them.
        self.execute(txs, &VerifiedProofs::default(), false)
            .receipts
    }

    /// [`execute_block`](Self::execute_block), also returning the block's effects as a
    /// [`StateDiff`]: the objects it wrote, the notes it appended (with their memos) and
    /// the key images it spent. A node writes the diff and the receipts to its store in
    /// one transaction; [`State::apply`] replays a diff on another state.
    ///
    /// Every private transaction's proof is verified here; a node that verified some at
    /// admission uses [`execute_block_effects_verified`](Self::execute_block_effects_verified).
    pub fn execute_block_effects(&mut self, txs: &[Transaction]) -> BlockEffects {
        self.execute_block_effects_verified(txs, &VerifiedProofs::default())
    }

    /// execute_block_effects, where a private transaction whose re-derived VerdictKey is in
    /// `verified` is not sent to the batch verifier: its verdict is Valid.
    ///
    /// The key is derived again, at block time, from the state at the start of the block
    /// (ring roots from the ledger, `ctx` from the network and the body), the proof bytes
    /// and the fingerprint of the verifier configured for the shape; every other rule of
    /// the Privacy path is checked as in [`execute_block_effects`](Self::execute_block_effects),
    /// deferral included. The receipts and state are the same as with an empty set,
    /// provided `verified` holds only keys of proofs found valid (see [`VerifiedProofs`]
    /// and [`crate::privacy`] for why this is sound).
    pub fn execute_block_effects_verified(
        &mut self,
        txs: &[Transaction],
        verified: &VerifiedProofs,
    ) -> BlockEffects {
        self.execute(txs, verified, true)
    }

    /// Executes a block; `with_objects`: fill in the diff's objects (the rest of the
    /// diff is always filled in).
    fn execute(
        &mut self,
        txs: &[Transaction],
        verified: &VerifiedProofs,
        with_objects: bool,
    ) -> BlockEffects {
        self.diff = StateDiff::default();
        let mut garbage = Garbage::default();
        self.written.clear();
        let started = Instant::now();
        let mut counts = BlockCounts::default();
        let mut receipts = Vec::with_capacity(txs.len());
        let mut fast: Vec<Queued<'_>> = Vec::new();
        let mut consensus: Vec<(Queued<'_>, bool)> = Vec::new();
        let mut private: Vec<QueuedPrivate<'_>> = Vec::new();

        // Phase 1: routing, in parallel (every transaction is routed against the state at
        // block start, so the order of evaluation does not matter), then queued in block
        // order.
        let state = &self.state;
        let routes: Vec<Routed<'_>> = self.in_pool(|| {
            txs.par_iter()
                .with_min_len(ROUTE_CHUNK)
                .map(|tx| route_for_block(tx, state))
                .collect()
        });
        let mut fast_keys: Vec<Vec<ObjectId>> = Vec::new();
        for (i, routed) in routes.into_iter().enumerate() {
            match routed {
                Routed::Fast(tx, keys) => {
                    counts.routed_fast += 1;
                    fast.push((i, tx));
                    fast_keys.push(keys);
                    receipts.push(Receipt::routed(Path::Fast));
                }
                Routed::Consensus(tx) => {
                    counts.routed_consensus += 1;
                    consensus.push(((i, tx), false));
                    receipts.push(Receipt::routed(Path::Consensus));
                }
                Routed::Private(tx) => {
                    counts.routed_privacy += 1;
                    private.push((i, tx));
                    receipts.push(Receipt::routed(Path::Privacy));
                }
                Routed::Rejected(e) => receipts.push(Receipt::rejected(e)),
            }
        }

        // Phase 2: Fast path.
        let fallbacks = self.run_fast(&fast, &fast_keys, &mut receipts, &mut garbage);
        garbage.keys = fast_keys;
        counts.fallbacks = u64::try_from(fallbacks.len()).unwrap_or(u64::MAX);

        // Phase 3: Consensus path, in block order, fallback re-runs included.
        consensus.extend(fallbacks.into_iter().map(|q| (q, true)));
        consensus.sort_by_key(|((i, _), _)| *i);
        for ((i, tx), fallback) in consensus {
            let outcome = execute(
                tx,
                &self.state,
                PublicLane::Consensus,
                self.consensus_limits,
            );
            let receipt = &mut receipts[i];
            receipt.path = Some(Path::Consensus);
            receipt.fallback = fallback;
            self.settle(outcome, receipt, &mut garbage);
        }

        // Phase 4: Privacy path. It reads and writes only the note ledger and the key-image
        // set, which phases 2 and 3 never touch, so its place in the order changes nothing.
        let phase = privacy::Phase {
            network: &self.network,
            verifiers: &self.verifiers,
            pool: self.pool.as_ref(),
            verified,
            ring_roots: &self.ring_roots,
        };
        privacy::run(
            &private,
            &phase,
            &mut self.state,
            &mut receipts,
            &mut self.diff,
        );

        if with_objects {
            self.diff.objects = self.written_objects();
        }
        self.written.clear();
        self.in_pool(|| garbage.free());
        counts.emit(&receipts, started.elapsed());
        BlockEffects {
            receipts,
            diff: std::mem::take(&mut self.diff),
        }
    }

    /// Checks a private transaction against the current state as step 1 of the Privacy
    /// path does in a block, without verifying its proof: the same rules, in the same
    /// order, with the same errors (it is the same code, see [`crate::privacy`]). On
    /// success, returns the item to verify and the key under which its verdict may be
    /// remembered ([`PreparedPrivate`]).
    ///
    /// A node calls this before admitting a transaction to its mempool. Passing it says
    /// nothing about later blocks: the state may change (a key image spent, a commitment
    /// created), and the block checks every rule again.
    pub fn prepare_private(&self, tx: &PrivateTx) -> Result<PreparedPrivate, TxError> {
        privacy::prepare(
            tx,
            &self.state,
            &self.network,
            &self.verifiers,
            &self.ring_roots,
        )
    }

    /// Runs `f` on the runtime's pool (Rayon's global pool if it has none).
    fn in_pool<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }

    /// Runs the Fast-path transactions in waves (`keys[k]`: the conflict keys of
    /// `fast[k]`). Returns those to re-run on Consensus.
    fn run_fast<'t>(
        &mut self,
        fast: &[Queued<'t>],
        keys: &[Vec<ObjectId>],
        receipts: &mut [Receipt],
        garbage: &mut Garbage,
    ) -> Vec<Queued<'t>> {
        let mut fallbacks = Vec::new();
        for wave in self.in_pool(|| scheduler::waves(keys)) {
            let outcomes = self.run_wave(fast, &wave);
            let mut writes: Vec<(ObjectId, Object)> = Vec::new();
            for (&pos, outcome) in wave.iter().zip(outcomes) {
                let (i, tx) = fast[pos];
                let receipt = &mut receipts[i];
                match outcome.result {
                    Err(e) if self.fallback.falls_back_on(e.kind()) => fallbacks.push((i, tx)),
                    Err(e) => {
                        receipt.gas_used = outcome.gas_used;
                        receipt.error = Some(e);
                    }
                    Ok(mut write_set) => {
                        receipt.gas_used = outcome.gas_used;
                        receipt.error = None;
                        write_set.drain_into(&mut writes);
                        garbage.write_sets.push(write_set);
                    }
                }
            }
            // The wave's transactions write disjoint objects, so their writes commit
            // in any order: sorted, in one pass (see `State::commit_sorted`).
            self.in_pool(|| writes.par_sort_unstable_by_key(|(id, _)| *id));
            self.written.extend(writes.iter().map(|(id, _)| *id));
            self.state.commit_sorted(writes, &mut garbage.objects);
        }
        fallbacks
    }

    /// Runs one wave (pairwise disjoint transactions) against the current state, on the
    /// pool. Outcomes come back in wave order.
    fn run_wave(&self, fast: &[Queued<'_>], wave: &[usize]) -> Vec<Outcome> {
        let state = &self.state;
        let limits = self.fast_limits;
        let run_one = |pos: &usize| execute(fast[*pos].1, state, PublicLane::Fast, limits);
        if wave.len() < WAVE_CHUNK {
            return wave.iter().map(run_one).collect();
        }
        self.in_pool(|| {
            wave.par_iter()
                .with_min_len(WAVE_CHUNK)
                .map(run_one)
                .collect()
        })
    }

    /// Commits a successful outcome, or records the failure, in `receipt`. What the
    /// commit frees goes to `garbage`.
    fn settle(&mut self, outcome: Outcome, receipt: &mut Receipt, garbage: &mut Garbage) {
        receipt.gas_used = outcome.gas_used;
        match outcome.result {
            Ok(mut writes) => {
                self.written.extend(writes.ids());
                self.state.commit_into(&mut writes, &mut garbage.objects);
                garbage.write_sets.push(writes);
                receipt.error = None;
            }
            Err(e) => receipt.error = Some(e),
        }
    }

    /// The block's written objects with their values now (the last write of each), by
    /// id: the diff's `objects`. Copied in parallel, once per object, at the end of the
    /// block rather than at every commit.
    fn written_objects(&mut self) -> BTreeMap<ObjectId, Object> {
        let mut ids = std::mem::take(&mut self.written);
        let state = &self.state;
        let objects: Vec<(ObjectId, Object)> = self.in_pool(|| {
            ids.par_sort_unstable();
            ids.dedup();
            ids.par_iter()
                .with_min_len(ROUTE_CHUNK)
                .filter_map(|id| state.get(id).map(|o| (*id, o.clone())))
                .collect()
        });
        // Sorted by id, so this builds the map in one pass.
        objects.into_iter().collect()
    }
}

/// What a block frees: replaced objects, spent write sets, conflict keys. Commits run
/// one by one in block order; freeing their leftovers there would add a `free` per
/// allocation to that sequential path, so they are kept and freed at the end of the
/// block, in parallel.
#[derive(Default)]
struct Garbage {
    objects: Vec<Object>,
    write_sets: Vec<WriteSet>,
    keys: Vec<Vec<ObjectId>>,
}

impl Garbage {
    /// Frees everything, in parallel on the current pool.
    fn free(self) {
        let Garbage {
            objects,
            write_sets,
            keys,
        } = self;
        rayon::join(
            || {
                objects
                    .into_par_iter()
                    .with_min_len(ROUTE_CHUNK)
                    .for_each(drop)
            },
            || {
                rayon::join(
                    || {
                        write_sets
                            .into_par_iter()
                            .with_min_len(ROUTE_CHUNK)
                            .for_each(drop)
                    },
                    || {
                        keys.into_par_iter()
                            .with_min_len(ROUTE_CHUNK)
                            .for_each(drop)
                    },
                )
            },
        );
    }
}

/// Fewest transactions a Rayon task routes (or objects it copies): below this, splitting
/// costs more than it saves (routing one transaction is a few hundred nanoseconds).
const ROUTE_CHUNK: usize = 64;

/// Fewest transactions a Rayon task of a wave runs; a smaller wave runs on the calling
/// thread. Executing a Fast transaction takes a few microseconds, a task hand-off about
/// one, so tasks of at least 16 keep the hand-offs under a few percent.
const WAVE_CHUNK: usize = 16;

/// Where routing sends a transaction, with what the Fast path's scheduler needs.
enum Routed<'t> {
    /// Fast path, with the transaction's conflict keys.
    Fast(&'t PublicTx, Vec<ObjectId>),
    Consensus(&'t PublicTx),
    Private(&'t PrivateTx),
    Rejected(TxError),
}

/// Routes one transaction of a block against the state at block start.
fn route_for_block<'t>(tx: &'t Transaction, state: &State) -> Routed<'t> {
    match tx {
        Transaction::Public(tx) => match route_public(tx, state) {
            Ok(PublicLane::Fast) => Routed::Fast(tx, conflict_keys(tx, state)),
            Ok(PublicLane::Consensus) => Routed::Consensus(tx),
            Err(e) => Routed::Rejected(e),
        },
        Transaction::Private(tx) => Routed::Private(tx),
    }
}

/// The objects a Fast-path transaction may write: its declared objects minus immutable
/// ones (nobody writes those, so sharing them is no conflict).
fn conflict_keys(tx: &PublicTx, state: &State) -> Vec<ObjectId> {
    tx.objects
        .iter()
        .map(|r| r.id)
        .filter(|id| state.get(id).is_some_and(|o| o.owner != Owner::Immutable))
        .collect()
}

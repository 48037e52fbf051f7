//! [`Chain`]: the runtime over the stored state, and the one way a block is made: execute
//! it, then commit its transactions, receipts and state diff to the store in one write.
//!
//! The runtime's in-memory state always equals the store's last committed state: it is
//! loaded from the store at start, advanced only by a block that is then committed, and
//! reloaded from the store if that commit fails. So nothing of an uncommitted block
//! stays behind in memory, and a restart sees exactly what was committed.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ringct_circuit::{NetworkId, TxId};
use ringct_verifier::BatchVerifier;
use supervm_runtime::{FallbackPolicy, Shape, State, SuperVM, Transaction, VerifiedProofs};
use supervm_store::{state_digest, BlockHeader, Digest, Store, StoreIdentity, StoredReceipt};

use crate::config::NodeConfig;
use crate::error::NodeError;
use crate::genesis::Genesis;
use crate::mempool::Entry;

/// The verifying keys a node runs with, by shape.
#[derive(Debug, Clone, Default)]
pub struct Verifiers {
    /// One verifier per shape.
    pub by_shape: BTreeMap<Shape, BatchVerifier>,
}

impl Verifiers {
    /// Loads every configured shape's verifying key from the keys dir, checking its pin.
    pub fn load(config: &NodeConfig) -> Result<Self, NodeError> {
        let mut by_shape = BTreeMap::new();
        let Some(dir) = &config.keys.dir else {
            return Ok(Verifiers { by_shape });
        };
        for (&shape, pin) in &config.keys.shapes {
            let (vk, _) = ringct_prover::keyfile::load_verifying_key(
                dir,
                shape,
                pin.map(ringct_prover::Fingerprint),
            )
            .map_err(|source| NodeError::Keys { shape, source })?;
            let verifier = BatchVerifier::for_shape(vk, shape)
                .map_err(|source| NodeError::Verifier { shape, source })?;
            by_shape.insert(shape, verifier);
        }
        Ok(Verifiers { by_shape })
    }

    /// The store identity these keys and `network` make.
    pub fn identity(&self, network: &NetworkId) -> StoreIdentity {
        StoreIdentity {
            network: network.clone(),
            fingerprints: self
                .by_shape
                .iter()
                .map(|(s, v)| (*s, v.fingerprint().0))
                .collect(),
        }
    }
}

/// How to build the runtime over a state (kept to rebuild it after a failed commit).
#[derive(Debug, Clone)]
struct VmRecipe {
    network: NetworkId,
    fallback: FallbackPolicy,
    threads: usize,
    verifiers: Verifiers,
}

impl VmRecipe {
    fn build(&self, state: State) -> Result<SuperVM, NodeError> {
        let mut vm = SuperVM::new(state)
            .with_network(self.network.clone())
            .with_fallback(self.fallback.clone())
            .with_threads(self.threads)?;
        for (shape, v) in &self.verifiers.by_shape {
            vm = vm.with_privacy_verifier(*shape, v.clone())?;
        }
        Ok(vm)
    }
}

/// A committed block, as the producer reports it.
#[derive(Debug, Clone)]
pub struct Committed {
    /// Its header.
    pub header: BlockHeader,
    /// One receipt per transaction, in block order.
    pub receipts: Vec<StoredReceipt>,
    /// How long the store's write took.
    pub commit_time: Duration,
}

/// The runtime and the store, kept in step.
#[derive(Debug)]
pub struct Chain {
    vm: SuperVM,
    store: Arc<Store>,
    recipe: VmRecipe,
    /// Set when a failed commit could not be undone by reloading the state: no block
    /// is made again until a restart.
    diverged: bool,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl Chain {
    /// Creates the store in the data dir with `genesis` as block 0.
    pub fn init(
        config: &NodeConfig,
        verifiers: &Verifiers,
        genesis: &Genesis,
    ) -> Result<BlockHeader, NodeError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| NodeError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let store = Store::init_with(
            &config.store_path(),
            verifiers.identity(&config.network),
            &genesis.diff,
            genesis.timestamp_ms,
            &config.store_options()?,
        )?;
        Ok(store.tip()?)
    }

    /// Opens the store in the data dir (checking network and keys) and loads its state.
    pub fn open(config: &NodeConfig, verifiers: Verifiers) -> Result<Self, NodeError> {
        let path = config.store_path();
        if !path.exists() {
            return Err(NodeError::NotInitialised(path));
        }
        let store = Store::open_with(
            &path,
            verifiers.identity(&config.network),
            &config.store_options()?,
        )?;
        let recipe = VmRecipe {
            network: config.network.clone(),
            fallback: FallbackPolicy::from_env()?,
            threads: config.threads,
            verifiers,
        };
        let vm = recipe.build(store.load_state()?)?;
        Ok(Chain {
            vm,
            store: Arc::new(store),
            recipe,
            diverged: false,
        })
    }

    /// The runtime (its state is the last committed state).
    pub fn vm(&self) -> &SuperVM {
        &self.vm
    }

    /// Whether a failed commit left the runtime ahead of the store (see [`Chain::commit`]);
    /// the node then reports not ready.
    pub fn diverged(&self) -> bool {
        self.diverged
    }

    /// The store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Executes `entries` as the next block and commits it. Proofs whose verdict was
    /// reached at admission ([`Entry::verdict`]) are not verified again: the runtime
    /// re-derives each one's key from the current state and uses the remembered verdict
    /// only if the key is the same (see `supervm_runtime::privacy`).
    ///
    /// If the commit fails, the runtime's state is reloaded from the store, so nothing of
    /// the block remains, and the error is returned.
    pub fn commit(&mut self, entries: &[Arc<Entry>]) -> Result<Committed, NodeError> {
        if self.diverged {
            return Err(NodeError::Internal(
                "an earlier commit failed and the state could not be reloaded; restart the node"
                    .into(),
            ));
        }
        let mut verified = VerifiedProofs::with_capacity(entries.len());
        for e in entries {
            if let Some(key) = e.verdict {
                verified.insert(key);
            }
        }
        let txs: Vec<Transaction> = entries.iter().map(|e| e.tx.clone()).collect();
        let ids: Vec<(TxId, Vec<u8>)> = entries.iter().map(|e| (e.id, e.bytes.clone())).collect();
        // Everything that can fail before the commit is done before the runtime's state
        // moves, so an early error leaves nothing behind.
        let timestamp = now_ms().max(self.store.tip()?.timestamp_ms);
        let effects = self.vm.execute_block_effects_verified(&txs, &verified);
        let started = Instant::now();
        match self.store.commit_block(timestamp, &ids, &effects) {
            Ok(header) => {
                let commit_time = started.elapsed();
                let receipts = effects
                    .receipts
                    .iter()
                    .enumerate()
                    .map(|(k, r)| StoredReceipt::of(r, header.height, k as u32))
                    .collect();
                Ok(Committed {
                    header,
                    receipts,
                    commit_time,
                })
            }
            Err(e) => {
                match self
                    .store
                    .load_state()
                    .map_err(NodeError::from)
                    .and_then(|state| self.recipe.build(state))
                {
                    Ok(vm) => self.vm = vm,
                    // The runtime is ahead of the store and cannot be brought back: refuse
                    // every further block until a restart reloads the state.
                    Err(reload) => {
                        self.diverged = true;
                        return Err(NodeError::Internal(format!(
                            "commit failed ({e}) and the state could not be reloaded ({reload}); restart the node"
                        )));
                    }
                }
                Err(e.into())
            }
        }
    }
}

/// What [`replay`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayReport {
    /// Blocks replayed after genesis.
    pub blocks: u64,
    /// Transactions replayed.
    pub transactions: u64,
    /// The state digest after the last block.
    pub digest: Digest,
}

/// Why a replay disagreed with the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayMismatch {
    /// The first block that disagrees.
    pub height: u64,
    /// What disagrees.
    pub what: String,
}

/// Replays every committed block from `genesis` on a fresh runtime and checks each
/// block's state digest and receipts against the store. `Ok(Err(..))` names the first
/// block that disagrees.
pub fn replay(
    store_path: &Path,
    config: &NodeConfig,
    verifiers: Verifiers,
    genesis: &Genesis,
) -> Result<Result<ReplayReport, ReplayMismatch>, NodeError> {
    let store = Store::open_with(
        store_path,
        verifiers.identity(&config.network),
        &config.store_options()?,
    )?;
    let recipe = VmRecipe {
        network: config.network.clone(),
        fallback: FallbackPolicy::from_env()?,
        threads: config.threads,
        verifiers,
    };
    let mut state = State::new();
    state.apply(&genesis.diff)?;
    let mut vm = recipe.build(state)?;
    let mut digest = state_digest(&[0u8; 32], &genesis.diff)?;
    let tip = store.tip()?.height;
    let genesis_block = store
        .block(0)?
        .ok_or_else(|| NodeError::Internal("no genesis block".into()))?;
    if genesis_block.header.state_digest != digest {
        return Ok(Err(ReplayMismatch {
            height: 0,
            what: "genesis state digest differs from the genesis file's".into(),
        }));
    }
    let mut transactions = 0u64;
    for height in 1..=tip {
        let block = store
            .block(height)?
            .ok_or_else(|| NodeError::Internal(format!("block {height} missing")))?;
        let txs = block
            .txs
            .iter()
            .map(|b| Transaction::from_bytes(b))
            .collect::<Result<Vec<_>, _>>()?;
        let effects = vm.execute_block_effects(&txs);
        digest = state_digest(&digest, &effects.diff)?;
        if digest != block.header.state_digest {
            return Ok(Err(ReplayMismatch {
                height,
                what: "state digest".into(),
            }));
        }
        for (k, (id, receipt)) in block
            .header
            .tx_ids
            .iter()
            .zip(&effects.receipts)
            .enumerate()
        {
            let stored = store.receipt(id)?;
            let expected = StoredReceipt::of(receipt, height, k as u32);
            if stored.as_ref() != Some(&expected) {
                return Ok(Err(ReplayMismatch {
                    height,
                    what: format!("receipt of transaction {id}"),
                }));
            }
        }
        transactions += txs.len() as u64;
    }
    Ok(Ok(ReplayReport {
        blocks: tip,
        transactions,
        digest,
    }))
}

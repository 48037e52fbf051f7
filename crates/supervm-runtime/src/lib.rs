//! SuperVM runtime: objects and ownership, routing over the Fast / Consensus / Privacy
//! paths, gas- and memory-metered execution, and the env-configured Fast → Consensus
//! fallback.
//!
//! ```
//! use supervm_runtime::*;
//!
//! let alice = Address::from_u64(1);
//! let (a, b) = (ObjectId::from_u64(1), ObjectId::from_u64(2));
//! let mut state = State::new();
//! state.insert(Object::new(a, Owner::Address(alice), 100, vec![]));
//! state.insert(Object::new(b, Owner::Address(alice), 0, vec![]));
//!
//! let mut vm = SuperVM::new(state).with_fallback(FallbackPolicy::enabled_default());
//! let tx = Transaction::Public(PublicTx {
//!     sender: alice,
//!     objects: vec![ObjectRef::any(a), ObjectRef::at(b, 0)],
//!     program: Program::new(vec![Instruction::Transfer { from: a, to: b, amount: 40 }]),
//! });
//! let receipts = vm.execute_block(&[tx]);
//! assert!(receipts[0].is_success());
//! assert_eq!(receipts[0].path, Some(Path::Fast));
//! assert_eq!(vm.state().get(&b).map(|o| (o.balance, o.version)), Some((40, 1)));
//! ```
//!
//! # Owns
//! - the object model ([`Object`], [`Owner`]) and the [`State`], including the containers
//!   of the Privacy path's state ([`NoteLedger`], [`KeyImageSet`], in [`ledger`]) and the
//!   genesis API that seeds the ledger ([`State::mint_note`]);
//! - the routing rule ([`route`]) and block execution ([`SuperVM::execute_block`]);
//! - the metered interpreter for public transactions ([`Instruction`], [`ExecLimits`]);
//! - the fallback policy and its environment variables ([`FallbackPolicy`]);
//! - the Privacy path ([`privacy`]): RingCT transactions ([`PrivateTx`]), their checks
//!   against the ledger (also on their own, for admission: [`SuperVM::prepare_private`]),
//!   batched proof verification with the per-shape verifiers given to
//!   [`SuperVM::with_privacy_verifier`], and the key-image rule;
//! - the names of verifications and the bounded set of proofs already found valid
//!   ([`VerdictKey`], [`VerifiedProofs`], in [`verified`]), which a block need not verify
//!   again ([`SuperVM::execute_block_effects_verified`]);
//! - the canonical bytes and ids of public transactions, and of [`Transaction`] of either
//!   kind ([`encoding`], [`DecodeError`]); private transactions' own encoding is
//!   `ringct-circuit`'s;
//! - the runtime metrics (names from `supervm_telemetry::names`).
//!
//! # Must never
//! - accept a private transaction without a valid verdict for its proof, or verify it
//!   against public inputs supplied by the sender: ring roots are recomputed from the
//!   ledger's commitments at the listed indices and `ctx` from the network id and the
//!   transaction body ([`ringct_circuit::tx_binding`]), key images are checked unique
//!   within the transaction, the block and the ledger, and output commitments are
//!   checked new (not in the ledger, the block or twice in the transaction); a verdict
//!   remembered in [`VerifiedProofs`] counts only for a [`VerdictKey`] the runtime
//!   derived again, at block time, from its own state;
//! - decode a transaction leniently: a byte string has at most one meaning, and decoding
//!   never allocates beyond its input's length;
//! - leave any effect of a failed transaction: no data, balance or version change (a
//!   public transaction runs on an overlay; only a success is committed), no key image
//!   and no ledger entry (a private transaction writes only once accepted);
//! - match errors by message or substring: errors are typed ([`TxError`],
//!   [`ConfigError`]) and configuration names kinds by exact [`ErrorKind::name`];
//! - let the thread count change a result: receipts and final state are identical for
//!   any number of threads;
//! - panic on input, or use `unsafe`;
//! - install a metrics recorder (binaries do that).
//!
//! # Block execution
//! [`SuperVM::execute_block`] returns one [`Receipt`] per transaction, in input order, and
//! applies the block in this order:
//!
//! 1. **Routing** ([`route`]) of every transaction against the state at block start.
//!    Routing reads only ids and owners, which no instruction changes, so this equals
//!    routing each transaction just before it runs. A rejected transaction gets a receipt
//!    with `path: None`.
//! 2. **Fast path**: Fast transactions are grouped greedily, in block order, into waves
//!    whose members write disjoint objects (immutable objects are read-only and never
//!    conflict); each wave runs in parallel on Rayon against the state left by the
//!    previous wave, and its successes are committed. Conflicting transactions keep
//!    their block order, so the phase equals running the Fast transactions one by one in
//!    block order.
//! 3. **Consensus path**: transactions routed there and Fast failures re-run by the
//!    fallback, merged in block order, run one by one against the state left by phase 2.
//! 4. **Privacy path**: private transactions are checked against the ledger and key-image
//!    set at block start, their proofs verified in one batch per shape (except those
//!    whose re-derived [`VerdictKey`] is in the [`VerifiedProofs`] given to
//!    [`SuperVM::execute_block_effects_verified`]), and the verified ones applied one by
//!    one in block order (a key image spent by an earlier accepted transaction of the
//!    block rejects the later one). See [`privacy`].
//!
//! So a block has the same effect as running all its Fast transactions in block order,
//! then all its Consensus transactions (fallbacks included) in block order, then all its
//! private transactions in block order. Public transactions read and write only objects,
//! private ones only the note ledger and the key-image set, so the Privacy phase is
//! independent of the other two: placing it first, last or alongside them gives the same
//! receipts and state. Only deterministic data (state, block order, limits, proof
//! verdicts) enters any decision, so receipts and final state do not depend on the thread
//! count ([`SuperVM::with_threads`]).
//!
//! # Limits
//! Each path has its own [`ExecLimits`]. Defaults: Fast 10 000 gas / 16 KiB
//! ([`ExecLimits::FAST_DEFAULT`]); Consensus 1 000 000 gas / 1 MiB
//! ([`ExecLimits::CONSENSUS_DEFAULT`]). Gas prices are in [`program::gas`].
//!
//! # Fallback
//! `SUPERVM_ENABLE_FAST_FALLBACK` and `SUPERVM_FALLBACK_ON_ERRORS` (see [`fallback`]).
//! When a Fast transaction fails with a listed kind, its Fast run is discarded and it is
//! re-run in phase 3 with the Consensus limits; its receipt then says
//! `path: Some(Path::Consensus)`, `fallback: true`.
//!
//! # Metrics
//! Emitted once per block from the thread that calls `execute_block`:
//!
//! | metric | counts |
//! |---|---|
//! | `vm_routing_fast_total` | transactions routed to the Fast path, once each, at routing (whatever happens next, fallback included) |
//! | `vm_routing_consensus_total` | transactions *executed* on the Consensus path: routed there, plus each fallback re-run |
//! | `vm_routing_privacy_total` | private transactions, once each, at routing (routing never rejects them, whatever happens next) |
//! | `vm_fast_fallback_total` | Fast failures re-run on the Consensus path |
//! | `vm_runtime_tx_failed_total{path}` | receipts with an error, by the receipt's path (`fast`, `consensus`, `privacy`), or `rejected` if routing rejected the transaction; every failed private transaction (any Privacy rule, proof included) counts as `privacy` |
//! | `vm_runtime_block_duration_seconds` | wall time of each `execute_block` call |
//!
//! A fallback transaction thus counts once in `fast`, once in `consensus` and once in
//! `fallback`; if its re-run fails it counts as a `consensus` failure, never as a `fast`
//! one. Per block: `fast + consensus − fallback + privacy + rejected = transactions`.
//!
//! The Privacy path's batch verification also emits the verifier's own metrics
//! (`vm_privacy_zk_batch_verify_*{mode="batch"}`: one call per shape with at least one
//! transaction that passed the Privacy path's checks and was not already verified), from
//! `ringct-verifier`, on the calling thread.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diff;
pub mod encoding;
pub mod error;
pub mod fallback;
mod interpreter;
pub mod ledger;
pub mod object;
pub mod privacy;
pub mod program;
pub mod receipt;
pub mod routing;
mod scheduler;
pub mod state;
mod telemetry;
pub mod transaction;
pub mod verified;
mod vm;

pub use diff::{BlockEffects, NewNote, SpentKeyImage, StateDiff};
pub use encoding::{
    KIND_PRIVATE, KIND_PUBLIC, MAX_INSTRUCTIONS, MAX_PUBLIC_OBJECTS, MAX_WRITE_BYTES,
    PUBLIC_TX_ID_PERSONAL,
};
pub use error::{ConfigError, DecodeError, ErrorKind, TxError, UnknownErrorKind};
pub use fallback::{
    FallbackPolicy, DEFAULT_FALLBACK_KINDS, ENABLE_FAST_FALLBACK_VAR, FALLBACK_ON_ERRORS_VAR,
};
pub use ledger::{KeyImage, KeyImageSet, NoteCommitment, NoteLedger, BIN_NOTES};
pub use object::{Address, Object, ObjectId, Owner};
pub use privacy::PreparedPrivate;
pub use program::{ExecLimits, Instruction, Program};
pub use receipt::Receipt;
pub use ringct_circuit::{tx_binding, NetworkId, Shape, TxBody, TxId, TxOutput, PROTOCOL_VERSION};
pub use routing::{route, Path};
pub use state::State;
pub use telemetry::REJECTED_PATH_LABEL;
pub use transaction::{ObjectRef, PrivateTx, PublicTx, Transaction, PRIVATE_PROOF_LEN};
pub use verified::{VerdictKey, VerifiedProofs, VERDICT_KEY_PERSONAL};
pub use vm::SuperVM;

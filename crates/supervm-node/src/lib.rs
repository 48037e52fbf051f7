//! The SuperVM node: durable state, a transaction API and its own metrics.
//!
//! # Owns
//! - the node's configuration (TOML file, `SUPERVM_NODE_*` environment, flags;
//!   [`config`]) and its genesis file ([`genesis`]);
//! - the runtime over the stored state, kept in step with the store ([`chain`]): a block
//!   is executed by `SuperVM::execute_block` and committed with its receipts and state
//!   diff in one durable write;
//! - admission ([`admission`]) and the bounded mempool ([`mempool`]), with private
//!   proofs verified in batches across submitters before they are admitted;
//! - the single-sequencer block producer ([`producer`]);
//! - the `/v1` HTTP JSON API, its OpenAPI document, `/healthz`, `/readyz` and `/metrics`
//!   ([`api`], [`wire`]);
//! - the node's metrics ([`metrics`]; names in `supervm_telemetry`).
//!
//! # Must never
//! - serve a receipt, or report a transaction committed, before its block is durable;
//! - keep in memory an effect of a block the store did not commit (the runtime state is
//!   reloaded from the store after a failed commit);
//! - admit a transaction twice, or two pending transactions that spend one key image or
//!   create one commitment;
//! - accept a private transaction without a valid proof verdict from its own verifier
//!   against public inputs the runtime derived (a verdict is reused at block time only
//!   under the key the runtime re-derives, see `supervm_runtime::privacy`);
//! - grow without bound: bodies, URLs, requests in flight, proofs waiting, the mempool and
//!   blocks all have explicit limits;
//! - answer bad input with a panic or a 5xx: every refusal is a 4xx JSON error naming the
//!   rule ([`error::NodeError::rule`]);
//! - admit a transaction once shutdown began, even one whose request already timed out
//!   (the flag is checked again under the mempool lock before the insert);
//! - claim consensus: one node orders its blocks alone; there is no p2p and no BFT yet;
//! - bind a socket outside [`Node::start`], which binds only the configured API and
//!   metrics listeners, or install a metrics recorder (the binary does, and passes its
//!   handle);
//! - use `unsafe`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod admission;
pub mod api;
pub mod chain;
pub mod config;
pub mod error;
pub mod genesis;
pub mod mempool;
pub mod metrics;
pub mod node;
pub mod producer;
pub mod wire;

pub use chain::{replay, Chain, ReplayMismatch, ReplayReport, Verifiers};
pub use config::{NodeConfig, Overrides};
pub use error::NodeError;
pub use genesis::Genesis;
pub use node::{Node, Shared};

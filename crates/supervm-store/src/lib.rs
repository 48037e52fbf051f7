//! Durable SuperVM state on redb, an embedded, crash-safe, transactional store
//! (copy-on-write B-trees, ACID, pure Rust).
//!
//! Owns: the on-disk layout ([`tables`]) and its byte encodings ([`codec`]);
//! objects, the note ledger (index to commitment and memo, and commitment to
//! index), spent key images (with the transaction that spent each), blocks
//! (height, parent hash, transaction ids and bytes, a state digest), receipts
//! by transaction id, and the store's identity (schema version, network id,
//! verifying-key fingerprints per shape).
//!
//! Guarantees:
//! - A block is committed in exactly one durable write transaction
//!   ([`Store::commit_block`]): after a crash the store is at a block boundary,
//!   never between two.
//! - A block that does not fit the stored state (wrong height, a note index
//!   that does not continue the ledger, a commitment the ledger holds, a spent
//!   key image, a transaction id already committed) is refused before anything
//!   is written.
//! - Opening a store written by another schema version, for another network or
//!   with other verifying keys is a typed error ([`StoreError`]).
//! - Its memory is bounded: redb's page cache gets an explicit budget
//!   ([`options`], 64 MiB by default) instead of redb's 1 GiB.
//! - The state digest of every block chains the previous digest with the
//!   block's state diff ([`digest`]), so replaying the blocks from genesis must
//!   reproduce every digest.
//!
//! Must never: execute transactions or verify proofs (the runtime does, and
//! hands over a `StateDiff`); trust bytes it reads back (every decoder is
//! strict and fails with `StoreError::Corrupt`); panic on what it reads; use
//! `unsafe`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod codec;
pub mod digest;
pub mod error;
pub mod identity;
pub mod options;
pub mod store;
pub mod tables;

pub use digest::{state_digest, Digest};
pub use error::StoreError;
pub use identity::{StoreIdentity, SCHEMA_VERSION};
pub use options::StoreOptions;
pub use store::{BlockHeader, BlockRecord, LedgerNote, Store, StoredError, StoredReceipt};

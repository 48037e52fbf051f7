//! The SuperVM wallet: keys, addresses, encrypted notes, the wallet file,
//! scanning, decoy selection and private payments through a node.
//!
//! # Owns
//! - keys derived from one seed ([`keys`]) and bech32m addresses and view keys
//!   ([`address`]);
//! - the encrypted-note memo layout, version 1 ([`memo`]; docs/PROTOCOL.md);
//! - the passphrase-encrypted, atomically written wallet file ([`mod@file`]) and
//!   the state inside it ([`state`]);
//! - scanning the ledger ([`sync`]), ring member selection ([`decoys`]) and
//!   building, proving and submitting payments ([`send`]) through the node's
//!   `/v1` API ([`client`]);
//! - the proving-time estimate and progress of a payment's proof
//!   ([`estimate`]);
//! - amounts in base units and their decimal form ([`amount`]);
//! - the `supervm-wallet` CLI (src/bin).
//!
//! # Must never
//! - hand-roll a primitive: X25519 (x25519-dalek), HKDF-SHA256, ChaCha20-Poly1305
//!   and XChaCha20-Poly1305, Argon2id and bech32m all come from kept crates;
//! - draw secrets or nonces from anything but the OS RNG outside tests;
//! - credit a note whose commitment the decrypted plaintext does not open;
//! - write the wallet file other than atomically (temp file, fsync, rename,
//!   directory fsync), or read one without bounds;
//! - build a spend that `ringct_circuit::build_witness` refuses, or from a
//!   view-only wallet;
//! - panic on input, from a file, a node or a user; or use `unsafe`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod address;
pub mod amount;
pub mod client;
pub mod decoys;
pub mod error;
pub mod estimate;
pub mod file;
pub mod keys;
pub mod memo;
pub mod send;
pub mod state;
pub mod sync;

pub use address::Address;
pub use error::WalletError;
pub use keys::{Seed, ViewKey, WalletKeys};

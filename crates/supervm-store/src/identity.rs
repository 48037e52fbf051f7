//! What a store belongs to: the schema version, the network and the verifying
//! keys. A node opening a store checks all three; a mismatch is refused
//! rather than silently mixing two chains' state.

use std::collections::BTreeMap;

use supervm_runtime::{NetworkId, Shape};

/// The on-disk schema this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The network and verifying keys a store is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreIdentity {
    /// The network id (also bound into every private transaction's `ctx`).
    pub network: NetworkId,
    /// Verifying-key fingerprints (`ringct_verifier::Fingerprint` bytes) per shape.
    ///
    /// On open, every shape the store knows must have the same fingerprint in
    /// the configuration if the configuration lists it; a configured shape the
    /// store does not know yet is recorded. A shape the store knows but the
    /// configuration omits is allowed: the node then refuses that shape's
    /// transactions.
    pub fingerprints: BTreeMap<Shape, [u8; 32]>,
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

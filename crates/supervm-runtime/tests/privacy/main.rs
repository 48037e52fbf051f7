//! The Privacy path: RingCT transactions checked against the ledger, verified in batch and
//! applied in block order.
//!
//! The fixture (keys from a fixed public seed, proofs made once per test binary) is in
//! `common/ringct.rs`.

#[path = "../common/mod.rs"]
mod common;

mod acceptance;
mod bins;
mod configuration;
mod double_spends;
mod ledger_rules;
mod v2_rules;

use common::ringct::*;
use common::*;
use ringct_circuit::Ring;
use ringct_verifier::VerifierError;
use supervm_runtime::privacy::MAX_MEMO_BYTES;
use supervm_runtime::{
    route, ConfigError, ErrorKind, FallbackPolicy, NetworkId, NoteCommitment, Path, PrivateTx,
    Receipt, Shape, State, SuperVM, Transaction, TxBody, TxError, PRIVATE_PROOF_LEN,
};
use supervm_telemetry::{labels::PATH, names};

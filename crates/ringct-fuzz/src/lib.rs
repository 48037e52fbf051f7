//! Fuzz harnesses for every decoder of the RingCT stack.
//!
//! Owns: one `pub fn TARGET(data: &[u8])` per fuzz target, the list of
//! targets ([`TARGETS`]), and the hand-made seed inputs ([`seeds`]). The
//! cargo-fuzz project in `fuzz/` (outside the workspace) calls these
//! functions from its `fuzz_target!`s, and `tests/corpus.rs` replays every
//! checked-in corpus file through them under `cargo test`, so a crash found
//! once stays fixed.
//!
//! Each harness feeds the bytes to a real decoder and checks invariants, not
//! only the absence of a panic: where an encoder exists, decode then encode
//! gives the same bytes (or the documented canonical form) and re-decodes to
//! the same value; a value a decoder accepts passes the owning crate's own
//! validity checks; a refusal is the typed error the rule calls for
//! (checked against an independent oracle where one exists).
//!
//! Input layout: the first byte selects the mode ([`Mode`]); an even byte
//! feeds the rest to the decoder as raw bytes, an odd byte builds a
//! structured input (a valid encoding, then edits) from the rest so the
//! deeper checks are reached. An empty input exercises nothing.
//!
//! Must never: be a dependency of a library crate, or be used outside
//! fuzzing and its replay test. Unlike library code, the harnesses panic on
//! purpose: a failed invariant is a finding, and libFuzzer reports a panic
//! as a crash.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod fingerprint;
pub mod key_file;
pub mod mode;
pub mod proof_bytes;
pub mod public_inputs;
pub mod public_tx;
pub mod seeds;
pub mod shape;
pub mod tx_encoding;
mod valid;

pub use fingerprint::fingerprint;
pub use key_file::key_file;
pub use mode::Mode;
pub use proof_bytes::proof_bytes;
pub use public_inputs::public_inputs;
pub use public_tx::public_tx;
pub use shape::shape;
pub use tx_encoding::tx_encoding;

/// One fuzz target: its name (also the cargo-fuzz target and the corpus
/// directory `fuzz/corpus/<name>/`) and its harness.
#[derive(Clone, Copy)]
pub struct Target {
    /// Name of the target.
    pub name: &'static str,
    /// What it decodes.
    pub about: &'static str,
    /// The harness.
    pub run: fn(&[u8]),
    /// Whether the build traces comparisons (`-sanitizer-coverage-trace-compares`)
    /// for libFuzzer's value profile. Off for targets dominated by field
    /// arithmetic: there the traced compares are Montgomery carries that
    /// guide nothing, and tracing them took 40% of the run time.
    pub trace_compares: bool,
}

/// Every fuzz target, in the order `cargo xtask fuzz --list` shows them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "proof_bytes",
        about: "ringct_verifier::decode_proof and the Item constructors that take bytes",
        run: proof_bytes,
        trace_compares: false,
    },
    Target {
        name: "public_inputs",
        about: "ringct_verifier::decode_public_input(s)",
        run: public_inputs,
        trace_compares: true,
    },
    Target {
        name: "key_file",
        about: "ringct_prover::keyfile::decode_{verifying,proving}_key_file (raw, and payloads behind a valid header)",
        run: key_file,
        trace_compares: false,
    },
    Target {
        name: "tx_encoding",
        about: "ringct_circuit::{PrivateTx, TxBody}::{from_bytes, to_bytes} (protocol v2 encoding)",
        run: tx_encoding,
        trace_compares: true,
    },
    Target {
        name: "public_tx",
        about: "supervm_runtime::Transaction::{from_bytes, to_bytes, id} (the node's envelope; public transactions)",
        run: public_tx,
        trace_compares: true,
    },
    Target {
        name: "shape",
        about: "ringct_circuit::Shape FromStr and its Display round trip",
        run: shape,
        trace_compares: true,
    },
    Target {
        name: "fingerprint",
        about: "ringct_verifier::Fingerprint FromStr and its Display round trip",
        run: fingerprint,
        trace_compares: true,
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

//! The RingCT statement over BLS12-381, natively and as an R1CS circuit.
//!
//! Owns: protocol v2 ([`PROTOCOL_VERSION`]). Poseidon parameters (Grain LFSR
//! constants) and the domain-separated hashes H2/H3/H4; keys, notes, note
//! commitments, rings and their 4-ary Merkle roots, key images; network ids;
//! the canonical encoding of transaction bodies and private transactions,
//! transaction ids, and the binding value `ctx` (BLAKE2b over the network id
//! and the body); the statement and its public-input layout; the circuit
//! ([`RingCtCircuit`]); witness building and native checking from wallet data.
//!
//! Must never: generate or load proving keys, prove, spawn threads, emit
//! metrics or do I/O; panic on any byte string given to a decoder. Every rule
//! the circuit enforces is also checked natively, and variable allocation
//! never depends on witness values.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod binding;
pub mod circuit;
pub mod encoding;
pub mod error;
pub mod keys;
pub mod network;
pub mod note;
pub mod poseidon;
pub mod ring;
pub mod sample;
pub mod shape;
pub mod statement;
pub mod transaction;
pub mod wallet;
pub mod witness;

pub use ark_bls12_381::{Bls12_381, Fr};
pub use binding::{binding_of_body_bytes, tx_binding};
pub use circuit::RingCtCircuit;
pub use encoding::{MAX_MEMO_BYTES, PROOF_LEN, PROTOCOL_VERSION};
pub use error::CircuitError;
pub use keys::{KeyImage, KeyPair, PublicKey, SpendingKey};
pub use network::NetworkId;
pub use note::{Note, NoteCommitment};
pub use ring::{MerklePath, Ring, RingRoot};
pub use shape::Shape;
pub use statement::{RingCtStatement, TxBinding};
pub use transaction::{PrivateTx, TxBody, TxId, TxOutput};
pub use wallet::{build_witness, SpendInput};
pub use witness::{InputWitness, OutputWitness, RingCtWitness};

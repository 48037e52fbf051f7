//! The transaction binding `ctx` (protocol v2): one field element that
//! commits to the network and to a transaction's body, so a proof made for
//! one body cannot be replayed with another, nor on another network
//! (RINGCT-SPEC section 2). Wallets compute it before proving (it is part of
//! the witness); verifiers recompute it from the network they run and the body
//! they received. It is the last public input of the statement.
//!
//! # Definition
//! ```text
//! ctx = LE(BLAKE2b-512[personal = "SuperVM-RCT-ctx2"](len(net):u8 · net · body)) mod r
//! ```
//! where `net` is the network id's bytes ([`NetworkId`], 1..=32 bytes, so its
//! length fits one byte), `body` is the body's canonical encoding
//! ([`crate::encoding`]), and the 64-byte digest is read as a little-endian
//! integer and reduced modulo r. A 512-bit value reduced modulo the 255-bit r
//! is within statistical distance 2^-257 of uniform (wide reduction, no
//! bias worth the name), unlike a 256-bit digest reduced mod r.
//!
//! Key images are not hashed: they are public inputs of their own, bound by
//! the proof directly. Nothing in the circuit computes `ctx`, so it need not
//! be an arithmetisation-friendly hash; BLAKE2b costs one compression per 128
//! bytes of body where version 1's Poseidon chain cost one permutation per
//! three field elements (11 for a 2x2-r16 body with 64-byte memos).
//!
//! The test vectors are in `tests/binding.rs` and docs/PROTOCOL.md.

use crate::error::CircuitError;
use crate::network::NetworkId;
use crate::statement::TxBinding;
use crate::transaction::TxBody;
use ark_bls12_381::Fr;
use ark_ff::PrimeField;

/// Personalisation of the `ctx` hash (16 bytes, BLAKE2b's maximum).
pub const CTX_PERSONAL: &[u8; 16] = b"SuperVM-RCT-ctx2";

/// `ctx` for `body` on `network`; refuses a body that does not match its
/// shape ([`TxBody::check`]).
pub fn tx_binding(network: &NetworkId, body: &TxBody) -> Result<TxBinding, CircuitError> {
    Ok(binding_of_body_bytes(network, &body.to_bytes()?))
}

/// `ctx` from a body's canonical bytes, for callers that already hold them
/// (a node that received the encoded transaction). The bytes are hashed as
/// given; pass only bytes that [`TxBody::from_bytes`] accepts.
pub fn binding_of_body_bytes(network: &NetworkId, body: &[u8]) -> TxBinding {
    let net = network.as_bytes();
    // NetworkId guarantees 1..=32 bytes.
    let mut state = blake2b_simd::Params::new()
        .hash_length(64)
        .personal(CTX_PERSONAL)
        .to_state();
    state.update(&[net.len() as u8]);
    state.update(net);
    state.update(body);
    TxBinding(Fr::from_le_bytes_mod_order(state.finalize().as_bytes()))
}

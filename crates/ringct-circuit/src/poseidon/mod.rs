//! Poseidon over the BLS12-381 scalar field: parameters, the native
//! permutation and its R1CS gadget, and the domain-separated hashes H2/H3/H4.
//!
//! Constants come from the Grain LFSR procedure of the Poseidon paper, as
//! implemented by `ark_crypto_primitives::sponge::poseidon::find_poseidon_ark_and_mds`.
//! They are generated once per width and cached for the life of the process.

mod gadget;
mod hash;
mod native;
mod params;

pub use gadget::permute_var;
pub use hash::{hash2, hash2_var, hash3, hash3_var, hash4, hash4_var, Tag};
pub use native::{permute, permute_plain};
pub use params::{params, PoseidonParams, Width, ALPHA, FULL_ROUNDS};

//! The Poseidon permutation on field elements.

use super::params::PoseidonParams;
use ark_bls12_381::Fr;
use ark_ff::Field;

fn sbox(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// Applies the permutation in place. `state.len()` must equal `p.t`.
///
/// Round structure: add round constants, S-box (all elements in full rounds,
/// element 0 in partial rounds), multiply by the MDS matrix.
pub fn permute(p: &PoseidonParams, state: &mut [Fr]) {
    debug_assert_eq!(state.len(), p.t);
    let mut next = [Fr::from(0u64); 8];
    for r in 0..p.rounds() {
        for (s, c) in state.iter_mut().zip(&p.ark[r]) {
            *s += c;
        }
        if p.is_full_round(r) {
            for s in state.iter_mut() {
                *s = sbox(*s);
            }
        } else {
            state[0] = sbox(state[0]);
        }
        for (i, row) in p.mds.iter().enumerate() {
            next[i] = row.iter().zip(state.iter()).map(|(m, s)| *m * s).sum();
        }
        state.copy_from_slice(&next[..p.t]);
    }
}

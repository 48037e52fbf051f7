//! The Poseidon permutation as R1CS constraints.
//!
//! Each x^5 S-box on a variable costs 3 constraints (x^2, x^4, x^5); round
//! constants and the MDS layer are linear and cost nothing. S-boxes on
//! constants (for example the domain tag in the first round) are folded.

use super::params::PoseidonParams;
use ark_bls12_381::Fr;
use ark_r1cs_std::fields::{fp::FpVar, FieldVar};
use ark_relations::gr1cs::SynthesisError;

fn sbox(x: &FpVar<Fr>) -> Result<FpVar<Fr>, SynthesisError> {
    let x2 = x.square()?;
    let x4 = x2.square()?;
    Ok(x4 * x)
}

/// Applies the permutation to `state` (length `p.t`), returning the new state.
pub fn permute_var(
    p: &PoseidonParams,
    mut state: Vec<FpVar<Fr>>,
) -> Result<Vec<FpVar<Fr>>, SynthesisError> {
    debug_assert_eq!(state.len(), p.t);
    for r in 0..p.rounds() {
        for (s, c) in state.iter_mut().zip(&p.ark[r]) {
            *s += *c;
        }
        if p.is_full_round(r) {
            for s in state.iter_mut() {
                *s = sbox(s)?;
            }
        } else {
            state[0] = sbox(&state[0])?;
        }
        state = p
            .mds
            .iter()
            .map(|row| row.iter().zip(&state).map(|(m, s)| s * *m).sum())
            .collect();
    }
    Ok(state)
}

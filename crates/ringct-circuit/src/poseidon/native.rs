//! The Poseidon permutation on field elements.
//!
//! [`permute`] computes exactly the permutation of [`permute_plain`] (add the round
//! constants, S-box, MDS matrix, every round), but for the protocol's cached parameters
//! ([`params`]) it runs the partial rounds in the equivalent form of the Poseidon paper's
//! appendix B:
//!
//! 1. **Constants.** In a partial round only element 0 goes through the S-box, so the
//!    constants added to elements 1..t commute with it: they are pushed through the MDS
//!    matrix into the next round's constants, round after round, until the first of the
//!    final full rounds absorbs them. Each partial round then adds one constant, to
//!    element 0.
//! 2. **Matrices.** Write a matrix `A = [[a00, a],[â, A']]` (`A'` the lower-right
//!    (t-1)x(t-1) block) as `A = S · P` with `P = diag(1, A')` and the sparse
//!    `S = [[a00, a·A'^-1],[â, I]]`. `P` leaves element 0 alone, so it commutes with the
//!    partial round's S-box and constant and moves into the previous round's matrix.
//!    Going backwards from the last partial round (`A = M`, then `A = diag(1, A'_next) · M`),
//!    every partial round multiplies by a sparse `S` (2t - 1 multiplications instead of
//!    t^2), and the last initial full round by the dense `diag(1, A'_first) · M`.
//!
//! For t = 5 a partial round drops from 25 + 3 to 9 + 3 multiplications. The in-circuit
//! gadget is unchanged (linear layers cost no constraints there); tests check
//! [`permute`] against [`permute_plain`] on seeded random states and on the vectors.
//! For any other [`PoseidonParams`] value, [`permute`] runs the plain rounds.

use super::params::{params, PoseidonParams, Width, FULL_ROUNDS};
use ark_bls12_381::Fr;
use ark_ff::{Field, Zero};
use std::sync::OnceLock;

/// Largest state width the native permutation handles on the stack.
const MAX_T: usize = 8;

fn sbox(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// `next = m · state` for a dense t x t matrix given by rows.
fn dense_mul(m: &[Vec<Fr>], state: &mut [Fr]) {
    let mut next = [Fr::zero(); MAX_T];
    for (n, row) in next.iter_mut().zip(m) {
        *n = row.iter().zip(state.iter()).map(|(a, s)| *a * s).sum();
    }
    let t = state.len();
    state.copy_from_slice(&next[..t]);
}

/// One full round: constants, S-box on every element, `m`.
fn full_round(ark: &[Fr], m: &[Vec<Fr>], state: &mut [Fr]) {
    for (s, c) in state.iter_mut().zip(ark) {
        *s = sbox(*s + c);
    }
    dense_mul(m, state);
}

/// Applies the permutation in place, as defined (every round: add round constants,
/// S-box on all elements in full rounds and on element 0 in partial rounds, multiply by
/// the MDS matrix). `state.len()` must equal `p.t`.
///
/// This is the reference [`permute`] is tested against.
pub fn permute_plain(p: &PoseidonParams, state: &mut [Fr]) {
    debug_assert_eq!(state.len(), p.t);
    for r in 0..p.rounds() {
        if p.is_full_round(r) {
            full_round(&p.ark[r], &p.mds, state);
        } else {
            for (s, c) in state.iter_mut().zip(&p.ark[r]) {
                *s += c;
            }
            state[0] = sbox(state[0]);
            dense_mul(&p.mds, state);
        }
    }
}

/// Applies the permutation in place. `state.len()` must equal `p.t`.
///
/// Round structure: add round constants, S-box (all elements in full rounds,
/// element 0 in partial rounds), multiply by the MDS matrix. For the cached
/// parameters of [`params`] the partial rounds run in their optimised, equivalent
/// form (module docs); the result is the same.
pub fn permute(p: &PoseidonParams, state: &mut [Fr]) {
    match optimised_for(p) {
        Some(o) if state.len() == p.t => o.permute(state),
        _ => permute_plain(p, state),
    }
}

/// One partial round's sparse matrix `[[m00, row],[col, I]]`.
#[derive(Debug, Clone)]
struct Sparse {
    /// Row 0: `m00, row_1, .., row_{t-1}`.
    row: Vec<Fr>,
    /// Column 0 below the diagonal: `col_1 .. col_{t-1}`.
    col: Vec<Fr>,
}

impl Sparse {
    fn mul(&self, state: &mut [Fr]) {
        let s0 = state[0];
        let first = self.row.iter().zip(state.iter()).map(|(a, s)| *a * s).sum();
        for (s, c) in state[1..].iter_mut().zip(&self.col) {
            *s += *c * s0;
        }
        state[0] = first;
    }
}

/// The optimised form of one parameter set (module docs).
#[derive(Debug, Clone)]
struct Optimised {
    t: usize,
    /// Round constants of the first FULL_ROUNDS / 2 rounds.
    first_ark: Vec<Vec<Fr>>,
    /// The matrix of the last initial full round: `diag(1, A'_first) · M`.
    pre_partial: Vec<Vec<Fr>>,
    /// Per partial round: the constant added to element 0.
    partial_ark: Vec<Fr>,
    /// Per partial round: its sparse matrix.
    sparse: Vec<Sparse>,
    /// Round constants of the final full rounds (the first absorbs the partial rounds'
    /// pushed constants).
    last_ark: Vec<Vec<Fr>>,
    mds: Vec<Vec<Fr>>,
}

impl Optimised {
    /// The optimised form of `p`, or `None` if a block it needs is singular (never for an
    /// MDS matrix, whose square submatrices are all invertible) or `p` is malformed.
    fn new(p: &PoseidonParams) -> Option<Self> {
        let t = p.t;
        let half = FULL_ROUNDS / 2;
        let rp = p.partial_rounds;
        if !(2..=MAX_T).contains(&t)
            || p.mds.len() != t
            || p.mds.iter().any(|row| row.len() != t)
            || p.ark.len() != p.rounds()
            || p.ark.iter().any(|row| row.len() != t)
            || rp == 0
        {
            return None;
        }
        let m = &p.mds;

        // 1. Constants: push elements 1..t of each partial round's constants forward.
        let mut ark = p.ark.clone();
        for r in half..half + rp {
            let mut rest = ark[r].clone();
            rest[0] = Fr::zero();
            let pushed = mat_vec(m, &rest);
            for (c, x) in ark[r + 1].iter_mut().zip(pushed) {
                *c += x;
            }
            ark[r].truncate(1);
        }

        // 2. Matrices, backwards from the last partial round.
        let lower =
            |a: &[Vec<Fr>]| -> Vec<Vec<Fr>> { a[1..].iter().map(|r| r[1..].to_vec()).collect() };
        let mut sparse = Vec::with_capacity(rp);
        let mut a = m.clone();
        for _ in 0..rp {
            let a_low = lower(&a);
            let inv = invert(&a_low)?;
            let mut row = vec![a[0][0]];
            // a · A'^-1 (row vector times matrix).
            row.extend((0..t - 1).map(|j| (0..t - 1).map(|k| a[0][k + 1] * inv[k][j]).sum::<Fr>()));
            let col = a[1..].iter().map(|r| r[0]).collect();
            sparse.push(Sparse { row, col });
            // The previous round's matrix: diag(1, A') · M.
            a = block_times(&a_low, m);
        }
        sparse.reverse();
        Some(Optimised {
            t,
            first_ark: ark[..half].to_vec(),
            pre_partial: a,
            partial_ark: ark[half..half + rp].iter().map(|c| c[0]).collect(),
            sparse,
            last_ark: ark[half + rp..].to_vec(),
            mds: m.clone(),
        })
    }

    fn permute(&self, state: &mut [Fr]) {
        debug_assert_eq!(state.len(), self.t);
        let half = self.first_ark.len();
        for (r, ark) in self.first_ark.iter().enumerate() {
            let m = if r + 1 == half {
                &self.pre_partial
            } else {
                &self.mds
            };
            full_round(ark, m, state);
        }
        for (c, s) in self.partial_ark.iter().zip(&self.sparse) {
            state[0] = sbox(state[0] + c);
            s.mul(state);
        }
        for ark in &self.last_ark {
            full_round(ark, &self.mds, state);
        }
    }
}

/// `m · v`.
fn mat_vec(m: &[Vec<Fr>], v: &[Fr]) -> Vec<Fr> {
    m.iter()
        .map(|row| row.iter().zip(v).map(|(a, b)| *a * b).sum())
        .collect()
}

/// `diag(1, low) · m`: row 0 of `m` unchanged, rows 1.. replaced by `low · m[1..]`.
fn block_times(low: &[Vec<Fr>], m: &[Vec<Fr>]) -> Vec<Vec<Fr>> {
    let t = m.len();
    let mut out = vec![m[0].clone()];
    for low_row in low {
        out.push(
            (0..t)
                .map(|j| low_row.iter().zip(&m[1..]).map(|(a, r)| *a * r[j]).sum())
                .collect(),
        );
    }
    out
}

/// The inverse of a square matrix by Gauss-Jordan elimination, `None` if singular.
fn invert(a: &[Vec<Fr>]) -> Option<Vec<Vec<Fr>>> {
    let n = a.len();
    let mut m: Vec<Vec<Fr>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { Fr::from(1u64) } else { Fr::zero() }));
            r
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n).find(|&r| !m[r][col].is_zero())?;
        m.swap(col, pivot);
        let inv = m[col][col].inverse()?;
        for x in m[col].iter_mut() {
            *x *= inv;
        }
        let pivot_row = m[col].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != col && !row[col].is_zero() {
                let f = row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row) {
                    *x -= f * p;
                }
            }
        }
    }
    Some(m.into_iter().map(|r| r[n..].to_vec()).collect())
}

/// The optimised form of `p` when `p` is one of the cached parameter sets, computed on
/// first use.
fn optimised_for(p: &PoseidonParams) -> Option<&'static Optimised> {
    static T3: OnceLock<Option<Optimised>> = OnceLock::new();
    static T4: OnceLock<Option<Optimised>> = OnceLock::new();
    static T5: OnceLock<Option<Optimised>> = OnceLock::new();
    let (width, cell) = match p.t {
        3 => (Width::T3, &T3),
        4 => (Width::T4, &T4),
        5 => (Width::T5, &T5),
        _ => return None,
    };
    let cached = params(width);
    if !std::ptr::eq(p, cached) {
        return None;
    }
    cell.get_or_init(|| Optimised::new(cached)).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_std::UniformRand;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    #[test]
    fn optimised_equals_plain_on_random_states() {
        let mut rng = ChaCha20Rng::seed_from_u64(0x9053_1d0e);
        for width in [Width::T3, Width::T4, Width::T5] {
            let p = params(width);
            assert!(
                optimised_for(p).is_some(),
                "{width:?} has an optimised form"
            );
            for _ in 0..64 {
                let input: Vec<Fr> = (0..p.t).map(|_| Fr::rand(&mut rng)).collect();
                let (mut a, mut b) = (input.clone(), input.clone());
                permute(p, &mut a);
                permute_plain(p, &mut b);
                assert_eq!(a, b, "{width:?} on {input:?}");
                assert_ne!(a, input, "{width:?}: the permutation moved the state");
            }
        }
    }

    #[test]
    fn optimised_equals_plain_on_edge_states() {
        for width in [Width::T3, Width::T4, Width::T5] {
            let p = params(width);
            for fill in [Fr::zero(), Fr::from(1u64), -Fr::from(1u64)] {
                let mut a = vec![fill; p.t];
                let mut b = a.clone();
                permute(p, &mut a);
                permute_plain(p, &mut b);
                assert_eq!(a, b, "{width:?} on all {fill}");
            }
        }
    }

    #[test]
    fn a_copy_of_the_parameters_runs_the_plain_rounds_with_the_same_result() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let p = params(Width::T5);
        let copy = p.clone();
        assert!(optimised_for(&copy).is_none());
        let input: Vec<Fr> = (0..p.t).map(|_| Fr::rand(&mut rng)).collect();
        let (mut a, mut b) = (input.clone(), input);
        permute(&copy, &mut a);
        permute(p, &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn a_wrong_state_length_falls_back_without_panicking_in_release() {
        // Malformed parameters have no optimised form.
        let mut p = params(Width::T3).clone();
        p.mds.pop();
        assert!(Optimised::new(&p).is_none());
        let mut q = params(Width::T3).clone();
        q.ark.pop();
        assert!(Optimised::new(&q).is_none());
    }

    #[test]
    fn inversion_inverts_and_refuses_singular_matrices() {
        let one = Fr::from(1u64);
        let a = vec![
            vec![Fr::from(2u64), one],
            vec![Fr::from(5u64), Fr::from(3u64)],
        ];
        let inv = invert(&a).expect("invertible");
        for (i, row) in a.iter().enumerate() {
            for j in 0..2 {
                let x: Fr = row
                    .iter()
                    .zip(&inv)
                    .map(|(r, inv_row)| *r * inv_row[j])
                    .sum();
                assert_eq!(x, if i == j { one } else { Fr::zero() });
            }
        }
        let singular = vec![
            vec![one, Fr::from(2u64)],
            vec![Fr::from(2u64), Fr::from(4u64)],
        ];
        assert!(invert(&singular).is_none());
    }
}

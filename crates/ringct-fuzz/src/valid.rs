//! A fixed table of valid values (proofs with points in the prime-order
//! subgroup), made once per process from a seeded RNG, so structured modes
//! start from a valid encoding without a scalar multiplication per run.

use ark_bls12_381::{Bls12_381, G1Projective, G2Projective};
use ark_ec::CurveGroup;
use ark_groth16::Proof;
use ark_std::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::sync::OnceLock;

/// Proofs in the table.
pub const PROOFS: usize = 8;

/// The `i mod PROOFS`-th valid proof (points are random subgroup elements,
/// not a proof of any statement: the decoder does not know statements).
pub fn proof(i: usize) -> &'static Proof<Bls12_381> {
    static TABLE: OnceLock<Vec<Proof<Bls12_381>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(0x5eed_f022);
        (0..PROOFS)
            .map(|_| Proof {
                a: G1Projective::rand(&mut rng).into_affine(),
                b: G2Projective::rand(&mut rng).into_affine(),
                c: G1Projective::rand(&mut rng).into_affine(),
            })
            .collect()
    });
    &table[i % PROOFS]
}

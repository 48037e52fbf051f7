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

/// The shape the key-file target decodes for (the smallest: 5 public
/// inputs, so a verifying key has 6 `gamma_abc` points).
pub fn key_shape() -> ringct_circuit::Shape {
    ringct_circuit::Shape {
        inputs: 1,
        outputs: 1,
        ring_depth: 1,
    }
}

/// A verifying key for [`key_shape`] made of table points (not the key of
/// any circuit: the decoder checks points and counts, not provenance).
pub fn verifying_key() -> &'static ark_groth16::VerifyingKey<Bls12_381> {
    static KEY: OnceLock<ark_groth16::VerifyingKey<Bls12_381>> = OnceLock::new();
    KEY.get_or_init(|| ark_groth16::VerifyingKey {
        alpha_g1: proof(0).a,
        beta_g2: proof(0).b,
        gamma_g2: proof(1).b,
        delta_g2: proof(2).b,
        gamma_abc_g1: (0..=key_shape().num_public_inputs())
            .map(|i| proof(i).c)
            .collect(),
    })
}

/// A proving key around [`verifying_key`] with the smallest consistent
/// queries: no witness variables (`l_query` empty), one point per instance
/// variable in `a_query`, `b_g1_query` and `b_g2_query`, and one `h_query`
/// point (a domain of two).
pub fn proving_key() -> &'static ark_groth16::ProvingKey<Bls12_381> {
    static KEY: OnceLock<ark_groth16::ProvingKey<Bls12_381>> = OnceLock::new();
    KEY.get_or_init(|| {
        let vk = verifying_key().clone();
        let variables = vk.gamma_abc_g1.len();
        ark_groth16::ProvingKey {
            beta_g1: proof(3).a,
            delta_g1: proof(4).a,
            a_query: (0..variables).map(|i| proof(i + 1).a).collect(),
            b_g1_query: (0..variables).map(|i| proof(i + 2).c).collect(),
            b_g2_query: (0..variables).map(|i| proof(i + 3).b).collect(),
            h_query: vec![proof(5).c],
            l_query: Vec::new(),
            vk,
        }
    })
}

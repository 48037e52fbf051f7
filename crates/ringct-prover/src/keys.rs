//! Per-shape Groth16 keys and their fingerprint.

use crate::engine::Groth16Engine;
use crate::error::ProverError;
use ark_bls12_381::Bls12_381;
use ark_groth16::{Groth16, ProvingKey, VerifyingKey};
use ark_serialize::CanonicalSerialize;
use ark_snark::SNARK;
use blake2::{digest::consts::U32, Blake2b, Digest};
use rand::{CryptoRng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{RingCtCircuit, Shape};
use std::fmt;
use std::sync::Arc;

/// Domain separator hashed in front of the verifying key's bytes.
pub const FINGERPRINT_DOMAIN: &[u8] = b"supervm-ringct-vk-v1";

/// Identifies a verifying key: BLAKE2b-256 of [`FINGERPRINT_DOMAIN`] followed
/// by the key's canonical compressed serialisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// The fingerprint of `vk`.
    pub fn of(vk: &VerifyingKey<Bls12_381>) -> Self {
        let mut bytes = Vec::with_capacity(vk.compressed_size());
        vk.serialize_compressed(&mut bytes)
            .expect("serialising into a Vec cannot fail");
        let mut h = Blake2b::<U32>::new();
        h.update(FINGERPRINT_DOMAIN);
        h.update(&bytes);
        Fingerprint(h.finalize().into())
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// The proving and verifying keys for one shape, ready to prove with.
pub struct RingCtKeys {
    shape: Shape,
    engine: Groth16Engine,
    vk: VerifyingKey<Bls12_381>,
    fingerprint: Fingerprint,
}

impl fmt::Debug for RingCtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingCtKeys")
            .field("shape", &self.shape.to_string())
            .field("fingerprint", &self.fingerprint.to_string())
            .finish_non_exhaustive()
    }
}

impl RingCtKeys {
    /// Wraps a proving key for `shape`, checking that it belongs to this circuit shape.
    pub fn from_proving_key(shape: Shape, pk: ProvingKey<Bls12_381>) -> Result<Self, ProverError> {
        shape.validate()?;
        let vk = pk.vk.clone();
        let engine = Groth16Engine::new(Arc::new(pk), RingCtCircuit::blank(shape))?;
        Ok(RingCtKeys {
            shape,
            fingerprint: Fingerprint::of(&vk),
            engine,
            vk,
        })
    }

    /// A fresh setup from a cryptographic RNG. The toxic waste lives only in
    /// this call.
    pub fn setup<R: RngCore + CryptoRng>(shape: Shape, rng: &mut R) -> Result<Self, ProverError> {
        shape.validate()?;
        let (pk, _vk) =
            Groth16::<Bls12_381>::circuit_specific_setup(RingCtCircuit::blank(shape), rng)
                .map_err(|e| ProverError::Synthesis(e.to_string()))?;
        Self::from_proving_key(shape, pk)
    }

    /// INSECURE: keys from a fixed public seed. Anyone who knows the seed can
    /// forge proofs. For development and reproducible benchmarks only.
    pub fn insecure_dev_setup_from_fixed_seed(
        shape: Shape,
        seed: u64,
    ) -> Result<Self, ProverError> {
        Self::setup(shape, &mut ChaCha20Rng::seed_from_u64(seed))
    }

    /// The shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The proving key.
    pub fn proving_key(&self) -> &ProvingKey<Bls12_381> {
        self.engine.proving_key()
    }

    /// The verifying key.
    pub fn verifying_key(&self) -> &VerifyingKey<Bls12_381> {
        &self.vk
    }

    /// The verifying key's fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The proving engine (cached constraint matrices and key).
    pub fn engine(&self) -> &Groth16Engine {
        &self.engine
    }
}

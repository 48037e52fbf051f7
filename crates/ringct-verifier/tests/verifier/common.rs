//! Shared fixtures: one Groth16 setup for a small shape, a few honest proofs
//! (cached for the whole test binary), and builders for broken items.
#![allow(dead_code)]

use ark_bls12_381::{Bls12_381, Fq, Fq2, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{Field, One};
use ark_groth16::{Groth16, Proof, ProvingKey, VerifyingKey};
use ark_snark::SNARK;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::*;
use ringct_verifier::decode::{encode_g1, encode_g2, encode_proof, encode_public_input};
use ringct_verifier::{BatchVerifier, Encoding, Item, Point, VerifierError};
use std::sync::OnceLock;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// The small shape most tests use (about 1,500 constraints).
pub fn small_shape() -> Shape {
    "1x1-r4".parse().unwrap()
}

/// An honest spend of `shape`: witness and statement.
pub fn honest(shape: Shape, seed: u64) -> (RingCtWitness, RingCtStatement) {
    sample::random_spend(shape, &mut rng(seed)).unwrap()
}

/// Number of distinct honest proofs in the fixture.
pub const DISTINCT: usize = 8;

pub struct Fixture {
    pub shape: Shape,
    pub pk: ProvingKey<Bls12_381>,
    pub vk: VerifyingKey<Bls12_381>,
    /// Distinct honest proofs with their statements.
    pub proofs: Vec<(Proof<Bls12_381>, RingCtStatement)>,
    /// The key of a second, independent setup for the same shape.
    pub other_vk: VerifyingKey<Bls12_381>,
    /// A proof of `proofs[0].1` made with the second setup's proving key.
    pub other_proof: Proof<Bls12_381>,
}

pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let shape = small_shape();
        let mut rng = rng(42);
        let (pk, vk) =
            Groth16::<Bls12_381>::circuit_specific_setup(RingCtCircuit::blank(shape), &mut rng)
                .unwrap();
        let witnesses: Vec<_> = (0..DISTINCT as u64)
            .map(|s| honest(shape, 100 + s))
            .collect();
        let proofs = witnesses
            .iter()
            .map(|(w, st)| {
                let circuit = RingCtCircuit::new(w.clone()).unwrap();
                (
                    Groth16::<Bls12_381>::prove(&pk, circuit, &mut rng).unwrap(),
                    st.clone(),
                )
            })
            .collect();
        let mut other_rng = self::rng(4242);
        let (other_pk, other_vk) = Groth16::<Bls12_381>::circuit_specific_setup(
            RingCtCircuit::blank(shape),
            &mut other_rng,
        )
        .unwrap();
        let other_proof = Groth16::<Bls12_381>::prove(
            &other_pk,
            RingCtCircuit::new(witnesses[0].0.clone()).unwrap(),
            &mut other_rng,
        )
        .unwrap();
        Fixture {
            shape,
            pk,
            vk,
            proofs,
            other_vk,
            other_proof,
        }
    })
}

impl Fixture {
    pub fn verifier(&self) -> BatchVerifier {
        BatchVerifier::for_shape(self.vk.clone(), self.shape).unwrap()
    }

    /// Valid item number `k`: distinct proofs first, then re-randomized ones.
    pub fn valid_item<R: Rng>(&self, k: usize, rng: &mut R) -> Item {
        let (proof, st) = &self.proofs[k % DISTINCT];
        let proof = if k < DISTINCT {
            proof.clone()
        } else {
            Groth16::<Bls12_381>::rerandomize_proof(&self.vk, proof, rng)
        };
        Item::from_statement(proof, st)
    }

    /// `n` valid items (re-randomized copies beyond the distinct ones).
    pub fn valid_items(&self, n: usize, seed: u64) -> Vec<Item> {
        let mut rng = rng(seed);
        (0..n).map(|k| self.valid_item(k, &mut rng)).collect()
    }

    pub fn inputs(&self, k: usize) -> Vec<Fr> {
        self.proofs[k % DISTINCT].1.to_public_inputs()
    }

    pub fn proof(&self, k: usize) -> Proof<Bls12_381> {
        self.proofs[k % DISTINCT].0.clone()
    }
}

/// Every way of breaking an item that the verifier must catch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    TamperA,
    TamperB,
    TamperC,
    /// Proof `k` against the statement of proof `k + 1`.
    SwappedStatement,
    ChangedInput,
    TooFewInputs,
    TooManyInputs,
    IdentityA,
    IdentityB,
    IdentityC,
    IdentityABytes,
    NotOnCurveUncompressed,
    NotInSubgroupG1Compressed,
    NotInSubgroupG1Uncompressed,
    NotInSubgroupG2Compressed,
    NotInSubgroupG2Uncompressed,
    NonCanonicalInput,
    OtherSetup,
}

impl Bad {
    pub const ALL: [Bad; 18] = [
        Bad::TamperA,
        Bad::TamperB,
        Bad::TamperC,
        Bad::SwappedStatement,
        Bad::ChangedInput,
        Bad::TooFewInputs,
        Bad::TooManyInputs,
        Bad::IdentityA,
        Bad::IdentityB,
        Bad::IdentityC,
        Bad::IdentityABytes,
        Bad::NotOnCurveUncompressed,
        Bad::NotInSubgroupG1Compressed,
        Bad::NotInSubgroupG1Uncompressed,
        Bad::NotInSubgroupG2Compressed,
        Bad::NotInSubgroupG2Uncompressed,
        Bad::NonCanonicalInput,
        Bad::OtherSetup,
    ];

    /// The rule each kind breaks, for a fixture with `n` public inputs.
    pub fn expected(self, n: usize) -> VerifierError {
        use VerifierError::*;
        match self {
            Bad::TamperA
            | Bad::TamperB
            | Bad::TamperC
            | Bad::SwappedStatement
            | Bad::ChangedInput
            | Bad::OtherSetup => EquationFailed,
            Bad::TooFewInputs => InputCountMismatch {
                expected: n,
                got: n - 1,
            },
            Bad::TooManyInputs => InputCountMismatch {
                expected: n,
                got: n + 1,
            },
            Bad::IdentityA | Bad::IdentityABytes => IdentityPoint {
                point: Point::ProofA,
            },
            Bad::IdentityB => IdentityPoint {
                point: Point::ProofB,
            },
            Bad::IdentityC => IdentityPoint {
                point: Point::ProofC,
            },
            Bad::NotOnCurveUncompressed => PointNotOnCurve {
                point: Point::ProofA,
            },
            Bad::NotInSubgroupG1Compressed | Bad::NotInSubgroupG1Uncompressed => {
                PointNotInSubgroup {
                    point: Point::ProofC,
                }
            }
            Bad::NotInSubgroupG2Compressed | Bad::NotInSubgroupG2Uncompressed => {
                PointNotInSubgroup {
                    point: Point::ProofB,
                }
            }
            Bad::NonCanonicalInput => NonCanonicalPublicInput { index: 1 },
        }
    }

    /// A broken item derived from honest proof `k`.
    pub fn item(self, fx: &Fixture, k: usize) -> Item {
        let proof = fx.proof(k);
        let inputs = fx.inputs(k);
        let g1 = G1Projective::generator();
        let g2 = G2Projective::generator();
        let with = |p: Proof<Bls12_381>| Item::new(p, inputs.clone());
        match self {
            Bad::TamperA => with(Proof {
                a: (proof.a + g1).into_affine(),
                ..proof
            }),
            Bad::TamperB => with(Proof {
                b: (proof.b + g2).into_affine(),
                ..proof
            }),
            Bad::TamperC => with(Proof {
                c: (proof.c + g1).into_affine(),
                ..proof
            }),
            Bad::SwappedStatement => Item::new(proof, fx.inputs(k + 1)),
            Bad::ChangedInput => {
                let mut x = inputs.clone();
                x[1] += Fr::one();
                Item::new(proof, x)
            }
            Bad::TooFewInputs => Item::new(proof, inputs[..inputs.len() - 1].to_vec()),
            Bad::TooManyInputs => {
                let mut x = inputs.clone();
                x.push(Fr::one());
                Item::new(proof, x)
            }
            Bad::IdentityA => with(Proof {
                a: G1Affine::zero(),
                ..proof
            }),
            Bad::IdentityB => with(Proof {
                b: G2Affine::zero(),
                ..proof
            }),
            Bad::IdentityC => with(Proof {
                c: G1Affine::zero(),
                ..proof
            }),
            Bad::IdentityABytes => {
                let mut bytes = encode_proof(&proof, Encoding::Compressed);
                bytes[..48].copy_from_slice(&encode_g1(&G1Affine::zero(), Encoding::Compressed));
                Item::from_proof_bytes(&bytes, inputs)
            }
            Bad::NotOnCurveUncompressed => {
                let (x, y) = proof.a.xy().unwrap();
                let off = G1Affine::new_unchecked(x, y + Fq::one());
                assert!(!off.is_on_curve());
                let mut bytes = encode_proof(&proof, Encoding::Uncompressed);
                bytes[..96].copy_from_slice(&encode_g1(&off, Encoding::Uncompressed));
                Item::from_proof_bytes(&bytes, inputs)
            }
            Bad::NotInSubgroupG1Compressed | Bad::NotInSubgroupG1Uncompressed => {
                let enc = if self == Bad::NotInSubgroupG1Compressed {
                    Encoding::Compressed
                } else {
                    Encoding::Uncompressed
                };
                let mut bytes = encode_proof(&proof, enc);
                let g1_len = enc.proof_len() / 4;
                let at = bytes.len() - g1_len;
                bytes[at..].copy_from_slice(&encode_g1(&g1_outside_subgroup(), enc));
                Item::from_proof_bytes(&bytes, inputs)
            }
            Bad::NotInSubgroupG2Compressed | Bad::NotInSubgroupG2Uncompressed => {
                let enc = if self == Bad::NotInSubgroupG2Compressed {
                    Encoding::Compressed
                } else {
                    Encoding::Uncompressed
                };
                let mut bytes = encode_proof(&proof, enc);
                let g1_len = enc.proof_len() / 4;
                bytes[g1_len..3 * g1_len].copy_from_slice(&encode_g2(&g2_outside_subgroup(), enc));
                Item::from_proof_bytes(&bytes, inputs)
            }
            Bad::NonCanonicalInput => {
                let mut raw: Vec<[u8; 32]> = inputs.iter().map(encode_public_input).collect();
                // x + r: the same value mod r, but not canonical.
                raw[1] = add_modulus(&raw[1]);
                Item::from_bytes(&encode_proof(&proof, Encoding::Compressed), &raw)
            }
            Bad::OtherSetup => Item::new(fx.other_proof.clone(), fx.inputs(0)),
        }
    }
}

/// `x + r` as 32 little-endian bytes (fits: r < 2^255 and x < r).
pub fn add_modulus(x: &[u8; 32]) -> [u8; 32] {
    use ark_ff::{BigInteger, PrimeField};
    let r = Fr::MODULUS.to_bytes_le();
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let s = x[i] as u16 + r[i] as u16 + carry;
        out[i] = s as u8;
        carry = s >> 8;
    }
    assert_eq!(carry, 0);
    out
}

/// A G1 point on y^2 = x^3 + 4 that is not in the r-torsion subgroup: the
/// first x = 1, 2, 3, ... whose right-hand side is a square.
pub fn g1_outside_subgroup() -> G1Affine {
    let b = ark_bls12_381::g1::Config::COEFF_B;
    let mut x = Fq::one();
    loop {
        if let Some(y) = (x.square() * x + b).sqrt() {
            let p = G1Affine::new_unchecked(x, y);
            assert!(p.is_on_curve());
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return p;
            }
        }
        x += Fq::one();
    }
}

/// A G2 point on y^2 = x^3 + 4(u + 1) outside the r-torsion subgroup.
pub fn g2_outside_subgroup() -> G2Affine {
    let b = ark_bls12_381::g2::Config::COEFF_B;
    let mut x = Fq2::one();
    loop {
        if let Some(y) = (x.square() * x + b).sqrt() {
            let p = G2Affine::new_unchecked(x, y);
            assert!(p.is_on_curve());
            if !p.is_in_correct_subgroup_assuming_on_curve() {
                return p;
            }
        }
        x += Fq2::one();
    }
}

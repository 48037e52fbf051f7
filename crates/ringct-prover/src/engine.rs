//! A generic Groth16 engine: a proving key plus the circuit's constraint
//! matrices, computed once, so each proof only synthesises the witness.
//!
//! `Groth16::prove` rebuilds and inlines the constraint matrices for every
//! proof. This engine builds them once from a setup-mode synthesis and then,
//! per proof, runs a witness-only synthesis followed by the QAP witness map
//! (FFTs) and the MSMs. It works for any `ConstraintSynthesizer<Fr>`.
//!
//! The MSMs run on blst ([`MsmBackend::Blst`], the default; `msm_engine.rs`):
//! the key's points are converted once in [`Groth16Engine::new`], with
//! their `2^128` multiples for half-width MSMs, and the proof is assembled
//! from ark-groth16's formulas (three MSMs where it runs five: C's sums are
//! merged), so it is the same proof (the same bytes) that ark-groth16 makes
//! with the same `r` and `s`.
//! [`MsmBackend::Arkworks`] runs ark-groth16's own prover, for comparison.

use crate::error::ProverError;
use crate::msm_engine::FastKey;
use ark_bls12_381::{Bls12_381, Fr};
use ark_ff::UniformRand;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
use ark_groth16::{Groth16, Proof, ProvingKey};
use ark_poly::GeneralEvaluationDomain;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, OptimizationGoal, SynthesisMode, R1CS_PREDICATE_LABEL,
};
use ark_relations::utils::matrix::Matrix;
use rand::{CryptoRng, RngCore};
use std::sync::Arc;

/// The cached constraint matrices of one circuit.
#[derive(Debug, Clone)]
pub struct CircuitMatrices {
    /// A, B and C.
    pub abc: Vec<Matrix<Fr>>,
    /// Instance variables, including the constant one.
    pub num_instance_variables: usize,
    /// Witness variables.
    pub num_witness_variables: usize,
    /// Constraints.
    pub num_constraints: usize,
}

impl CircuitMatrices {
    /// Synthesises `circuit` in setup mode and extracts its matrices.
    pub fn of<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<Self, ProverError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        circuit
            .generate_constraints(cs.clone())
            .map_err(synthesis)?;
        cs.finalize();
        let mut all = cs.to_matrices().map_err(synthesis)?;
        let abc = all
            .remove(R1CS_PREDICATE_LABEL)
            .ok_or_else(|| ProverError::Synthesis("the circuit has no R1CS constraints".into()))?;
        Ok(CircuitMatrices {
            abc,
            num_instance_variables: cs.num_instance_variables(),
            num_witness_variables: cs.num_witness_variables(),
            num_constraints: cs.num_constraints(),
        })
    }
}

fn synthesis(e: ark_relations::gr1cs::SynthesisError) -> ProverError {
    ProverError::Synthesis(e.to_string())
}

/// Which library runs a proof's MSMs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MsmBackend {
    /// blst, three MSMs over the key's points with their `2^128`
    /// multiples, identity points left out (the default; `msm_engine.rs`).
    #[default]
    Blst,
    /// blst's Pippenger over the key's own points, ark-groth16's five MSMs
    /// one by one: our MSM on the same bases and scalars as arkworks'
    /// (measures what the default's precomputation and merging bring).
    BlstPlain,
    /// ark-groth16's own prover (arkworks' `VariableBaseMSM`): the
    /// reference, for comparisons and benchmarks.
    Arkworks,
}

/// A proving key with its circuit's cached matrices and its points in
/// blst's form.
#[derive(Debug, Clone)]
pub struct Groth16Engine {
    pk: Arc<ProvingKey<Bls12_381>>,
    matrices: Arc<CircuitMatrices>,
    fast: Arc<FastKey>,
}

impl Groth16Engine {
    /// Builds the engine from a key and the circuit without assignment.
    /// Fails if the key was made for a circuit of another size.
    pub fn new<C: ConstraintSynthesizer<Fr>>(
        pk: Arc<ProvingKey<Bls12_381>>,
        blank_circuit: C,
    ) -> Result<Self, ProverError> {
        let matrices = CircuitMatrices::of(blank_circuit)?;
        let key_instances = pk.vk.gamma_abc_g1.len();
        if key_instances != matrices.num_instance_variables {
            return Err(ProverError::CircuitKeyMismatch {
                what: "instance variables",
                circuit: matrices.num_instance_variables,
                key: key_instances,
            });
        }
        if pk.l_query.len() != matrices.num_witness_variables {
            return Err(ProverError::CircuitKeyMismatch {
                what: "witness variables",
                circuit: matrices.num_witness_variables,
                key: pk.l_query.len(),
            });
        }
        if pk.a_query.is_empty() || pk.b_g1_query.is_empty() || pk.b_g2_query.is_empty() {
            return Err(ProverError::CircuitKeyMismatch {
                what: "query points",
                circuit: matrices.num_instance_variables + matrices.num_witness_variables,
                key: pk
                    .a_query
                    .len()
                    .min(pk.b_g1_query.len())
                    .min(pk.b_g2_query.len()),
            });
        }
        let fast = FastKey::new(&pk).map_err(|e| ProverError::Msm(e.to_string()))?;
        Ok(Groth16Engine {
            pk,
            matrices: Arc::new(matrices),
            fast: Arc::new(fast),
        })
    }

    /// Bytes the key's points take in blst's form, with their `2^128`
    /// multiples (held beside the arkworks key).
    pub fn fast_key_bytes(&self) -> usize {
        self.fast.bytes()
    }

    /// The proving key.
    pub fn proving_key(&self) -> &ProvingKey<Bls12_381> {
        &self.pk
    }

    /// The cached matrices.
    pub fn matrices(&self) -> &CircuitMatrices {
        &self.matrices
    }

    /// Runs a witness-only synthesis and returns the full assignment
    /// (instance variables, starting with the constant one, then witness).
    ///
    /// This does not check the constraints: callers must validate the witness
    /// natively first.
    pub fn assignment<C: ConstraintSynthesizer<Fr>>(
        &self,
        circuit: C,
    ) -> Result<Vec<Fr>, ProverError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove {
            construct_matrices: false,
            generate_lc_assignments: false,
        });
        circuit
            .generate_constraints(cs.clone())
            .map_err(synthesis)?;
        let cs = cs
            .into_inner()
            .ok_or_else(|| ProverError::Synthesis("constraint system still shared".into()))?;
        let m = &self.matrices;
        if cs.num_instance_variables() != m.num_instance_variables {
            return Err(ProverError::CircuitKeyMismatch {
                what: "instance variables",
                circuit: cs.num_instance_variables(),
                key: m.num_instance_variables,
            });
        }
        if cs.num_witness_variables() != m.num_witness_variables {
            return Err(ProverError::CircuitKeyMismatch {
                what: "witness variables",
                circuit: cs.num_witness_variables(),
                key: m.num_witness_variables,
            });
        }
        let mut full = cs.instance_assignment().map_err(synthesis)?.to_vec();
        full.extend_from_slice(cs.witness_assignment().map_err(synthesis)?);
        Ok(full)
    }

    /// Proves from a full assignment with fresh zero-knowledge randomness,
    /// MSMs on blst.
    pub fn prove_assignment<R: RngCore + CryptoRng>(
        &self,
        full_assignment: &[Fr],
        rng: &mut R,
    ) -> Result<Proof<Bls12_381>, ProverError> {
        self.prove_assignment_with(full_assignment, rng, MsmBackend::Blst)
    }

    /// Proves from a full assignment with fresh randomness, MSMs on the
    /// given backend. Both backends draw `r` then `s` from `rng` and make
    /// the same proof for the same draws.
    pub fn prove_assignment_with<R: RngCore + CryptoRng>(
        &self,
        full_assignment: &[Fr],
        rng: &mut R,
        backend: MsmBackend,
    ) -> Result<Proof<Bls12_381>, ProverError> {
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        self.prove_with_randomness(full_assignment, r, s, backend)
    }

    /// Proves with the given randomness `r`, `s` (tests compare backends
    /// with it; callers use [`Groth16Engine::prove_assignment`]).
    pub fn prove_with_randomness(
        &self,
        full_assignment: &[Fr],
        r: Fr,
        s: Fr,
        backend: MsmBackend,
    ) -> Result<Proof<Bls12_381>, ProverError> {
        let m = &self.matrices;
        let expected = m.num_instance_variables + m.num_witness_variables;
        if full_assignment.len() != expected {
            return Err(ProverError::CircuitKeyMismatch {
                what: "assignment length",
                circuit: expected,
                key: full_assignment.len(),
            });
        }
        match backend {
            MsmBackend::Arkworks => Groth16::<Bls12_381>::create_proof_with_reduction_and_matrices(
                &self.pk,
                r,
                s,
                &m.abc,
                m.num_instance_variables,
                m.num_constraints,
                full_assignment,
            )
            .map_err(synthesis),
            MsmBackend::Blst | MsmBackend::BlstPlain => {
                let h = self.witness_map(full_assignment)?;
                let inputs = &full_assignment[1..m.num_instance_variables];
                let aux = &full_assignment[m.num_instance_variables..];
                let proof = if backend == MsmBackend::Blst {
                    self.fast.prove(r, s, &h, inputs, aux)
                } else {
                    self.fast.prove_plain(r, s, &h, inputs, aux)
                };
                proof.map_err(|e| ProverError::Msm(e.to_string()))
            }
        }
    }

    /// The QAP witness map (FFTs), ark-groth16's `LibsnarkReduction`.
    pub fn witness_map(&self, full_assignment: &[Fr]) -> Result<Vec<Fr>, ProverError> {
        let m = &self.matrices;
        LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
            &m.abc,
            m.num_instance_variables,
            m.num_constraints,
            full_assignment,
        )
        .map_err(synthesis)
    }

    /// Synthesises the witness and proves. The circuit's witness must have
    /// been validated natively: this path does not check constraints.
    pub fn prove<C: ConstraintSynthesizer<Fr>, R: RngCore + CryptoRng>(
        &self,
        circuit: C,
        rng: &mut R,
    ) -> Result<Proof<Bls12_381>, ProverError> {
        let assignment = self.assignment(circuit)?;
        self.prove_assignment(&assignment, rng)
    }
}

//! A generic Groth16 engine: a proving key plus the circuit's constraint
//! matrices, computed once, so each proof only synthesises the witness.
//!
//! `Groth16::prove` rebuilds and inlines the constraint matrices for every
//! proof. This engine builds them once from a setup-mode synthesis and then,
//! per proof, runs a witness-only synthesis followed by the QAP witness map
//! (FFTs) and the MSMs. It works for any `ConstraintSynthesizer<Fr>`.

use crate::error::ProverError;
use ark_bls12_381::{Bls12_381, Fr};
use ark_ff::UniformRand;
use ark_groth16::{Groth16, Proof, ProvingKey};
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

/// A proving key with its circuit's cached matrices.
#[derive(Debug, Clone)]
pub struct Groth16Engine {
    pk: Arc<ProvingKey<Bls12_381>>,
    matrices: Arc<CircuitMatrices>,
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
        Ok(Groth16Engine {
            pk,
            matrices: Arc::new(matrices),
        })
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

    /// Proves from a full assignment with fresh zero-knowledge randomness.
    pub fn prove_assignment<R: RngCore + CryptoRng>(
        &self,
        full_assignment: &[Fr],
        rng: &mut R,
    ) -> Result<Proof<Bls12_381>, ProverError> {
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        let m = &self.matrices;
        Groth16::<Bls12_381>::create_proof_with_reduction_and_matrices(
            &self.pk,
            r,
            s,
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

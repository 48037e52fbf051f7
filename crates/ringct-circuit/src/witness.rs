//! The private witness, at the level of field elements, and its native check.
//!
//! [`RingCtWitness`] has public fields so that tests can build witnesses that
//! the wallet builder ([`crate::wallet`]) would refuse. Provers must call
//! [`RingCtWitness::check`] first: it enforces natively every rule the
//! circuit enforces, and derives the statement.

use crate::error::CircuitError;
use crate::keys::{KeyImage, SpendingKey};
use crate::note::{note_commitment, NoteCommitment};
use crate::ring::{MerklePath, RingRoot};
use crate::shape::Shape;
use crate::statement::{RingCtStatement, TxBinding};
use ark_bls12_381::Fr;
use ark_ff::PrimeField;

/// The witness for one spent note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputWitness {
    /// Spending key `sk`.
    pub spending_key: Fr,
    /// Note value `v` (must be below 2^64).
    pub value: Fr,
    /// Note blinding `rho`.
    pub blinding: Fr,
    /// Path from the note's commitment to its ring root.
    pub path: MerklePath,
}

impl InputWitness {
    /// `pk = H2(PK, sk, 0)`.
    pub fn public_key(&self) -> Fr {
        SpendingKey::from_field(self.spending_key).public_key().0
    }

    /// `cm = H3(NOTE, v, rho, pk)`.
    pub fn commitment(&self) -> Fr {
        note_commitment(self.value, self.blinding, self.public_key())
    }
}

/// The witness for one created note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputWitness {
    /// Note value (must be below 2^64).
    pub value: Fr,
    /// Note blinding.
    pub blinding: Fr,
    /// Owner public key.
    pub owner: Fr,
}

impl OutputWitness {
    /// `cm = H3(NOTE, v, rho, pk)`.
    pub fn commitment(&self) -> Fr {
        note_commitment(self.value, self.blinding, self.owner)
    }
}

/// Everything a prover needs for one RingCT proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RingCtWitness {
    /// The shape to prove for.
    pub shape: Shape,
    /// Spent notes, in transaction order.
    pub inputs: Vec<InputWitness>,
    /// Created notes, in transaction order.
    pub outputs: Vec<OutputWitness>,
    /// The public fee (must be below 2^64).
    pub fee: Fr,
    /// The transaction binding value.
    pub ctx: Fr,
}

/// Returns the value as u64 when it is below 2^64.
pub(crate) fn as_u64(v: &Fr) -> Option<u64> {
    let limbs = v.into_bigint().0;
    limbs[1..].iter().all(|l| *l == 0).then_some(limbs[0])
}

impl RingCtWitness {
    /// The public inputs this witness proves, computed natively without any
    /// check. For honest witnesses this equals `check()?.to_public_inputs()`.
    pub fn public_inputs_unchecked(&self) -> Vec<Fr> {
        let cms: Vec<Fr> = self.inputs.iter().map(InputWitness::commitment).collect();
        let mut v = Vec::with_capacity(self.shape.num_public_inputs());
        v.extend(
            self.inputs
                .iter()
                .zip(&cms)
                .map(|(i, cm)| i.path.root_from(*cm)),
        );
        v.extend(self.inputs.iter().zip(&cms).map(|(i, cm)| {
            SpendingKey::from_field(i.spending_key)
                .key_image(&NoteCommitment(*cm))
                .0
        }));
        v.extend(self.outputs.iter().map(OutputWitness::commitment));
        v.push(self.fee);
        v.push(self.ctx);
        v
    }

    /// Checks every rule the circuit enforces and returns the statement.
    ///
    /// A witness that passes satisfies the circuit for that statement; one
    /// that fails names the rule it breaks.
    pub fn check(&self) -> Result<RingCtStatement, CircuitError> {
        let shape = self.shape;
        shape.validate()?;
        if self.inputs.len() != shape.inputs {
            return Err(CircuitError::InputCountMismatch {
                expected: shape.inputs,
                got: self.inputs.len(),
            });
        }
        if self.outputs.len() != shape.outputs {
            return Err(CircuitError::OutputCountMismatch {
                expected: shape.outputs,
                got: self.outputs.len(),
            });
        }
        let depth = shape.ring_depth as usize;
        let mut total_in: u128 = 0;
        for (i, input) in self.inputs.iter().enumerate() {
            if input.path.position_bits.len() != depth || input.path.siblings.len() != depth {
                return Err(CircuitError::PathLengthMismatch {
                    input: i,
                    expected: depth,
                    got: input
                        .path
                        .position_bits
                        .len()
                        .max(input.path.siblings.len()),
                });
            }
            if let Some(level) = input.path.position_bits.iter().position(|b| {
                b.iter()
                    .any(|x| !(x == &Fr::from(0u8) || x == &Fr::from(1u8)))
            }) {
                return Err(CircuitError::NonBooleanPositionBit { input: i, level });
            }
            total_in +=
                u128::from(as_u64(&input.value).ok_or(CircuitError::InputValueOutOfRange(i))?);
        }
        let mut total_out: u128 = 0;
        for (j, output) in self.outputs.iter().enumerate() {
            total_out +=
                u128::from(as_u64(&output.value).ok_or(CircuitError::OutputValueOutOfRange(j))?);
        }
        let fee = as_u64(&self.fee).ok_or(CircuitError::FeeOutOfRange)?;
        if total_in != total_out + u128::from(fee) {
            return Err(CircuitError::Unbalanced {
                inputs: total_in,
                outputs_plus_fee: total_out + u128::from(fee),
            });
        }

        let public = self.public_inputs_unchecked();
        let m = shape.inputs;
        let key_images: Vec<KeyImage> = public[m..2 * m].iter().map(|k| KeyImage(*k)).collect();
        for (a, ka) in key_images.iter().enumerate() {
            if let Some(b) = key_images[a + 1..].iter().position(|kb| kb == ka) {
                return Err(CircuitError::DuplicateInput {
                    first: a,
                    second: a + 1 + b,
                });
            }
        }
        Ok(RingCtStatement {
            shape,
            ring_roots: public[..m].iter().map(|r| RingRoot(*r)).collect(),
            key_images,
            output_commitments: public[2 * m..2 * m + shape.outputs]
                .iter()
                .map(|c| NoteCommitment(*c))
                .collect(),
            fee,
            ctx: TxBinding(self.ctx),
        })
    }
}

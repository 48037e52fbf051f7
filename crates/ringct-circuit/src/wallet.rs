//! Building a witness from wallet-level data, with every rule checked
//! natively before any proving.

use crate::error::CircuitError;
use crate::keys::SpendingKey;
use crate::note::{Note, NoteCommitment};
use crate::ring::Ring;
use crate::shape::Shape;
use crate::statement::{RingCtStatement, TxBinding};
use crate::witness::{InputWitness, OutputWitness, RingCtWitness};
use ark_bls12_381::Fr;

/// One note being spent: the note, its key, its ring and where it sits in it.
#[derive(Debug, Clone)]
pub struct SpendInput {
    /// The note being spent.
    pub note: Note,
    /// The key that owns it.
    pub spending_key: SpendingKey,
    /// The ring, members in transaction order.
    pub ring: Ring,
    /// The note's position in the ring.
    pub position: usize,
}

/// Builds a witness for `shape` from wallet data.
///
/// Refuses, with the rule that is broken: a count or ring size that does not
/// match the shape, a position outside the ring, a ring that lists one note
/// twice, a key that does not own its note, a ring member at the position that
/// is not the note, two outputs with one commitment, an output whose
/// commitment is a ring member (so already in the ledger), two inputs
/// spending one note, and unbalanced values (including overflow).
///
/// The last two are rules of the circuit; the others are consensus rules of
/// protocol v2 that a wallet can check from its own data, so it never builds
/// a transaction every node would refuse. (Whether an output's commitment is
/// anywhere else in the ledger only the ledger knows.)
pub fn build_witness(
    shape: Shape,
    inputs: &[SpendInput],
    outputs: &[Note],
    fee: u64,
    ctx: TxBinding,
) -> Result<(RingCtWitness, RingCtStatement), CircuitError> {
    shape.validate()?;
    if inputs.len() != shape.inputs {
        return Err(CircuitError::InputCountMismatch {
            expected: shape.inputs,
            got: inputs.len(),
        });
    }
    if outputs.len() != shape.outputs {
        return Err(CircuitError::OutputCountMismatch {
            expected: shape.outputs,
            got: outputs.len(),
        });
    }
    let ring_size = shape.ring_size();
    let mut input_witnesses = Vec::with_capacity(inputs.len());
    for (i, spend) in inputs.iter().enumerate() {
        if spend.ring.len() as u64 != ring_size {
            return Err(CircuitError::RingSizeMismatch {
                input: i,
                expected: ring_size as usize,
                got: spend.ring.len(),
            });
        }
        if spend.position >= spend.ring.len() {
            return Err(CircuitError::PositionOutOfRange {
                input: i,
                position: spend.position,
                ring_size: spend.ring.len(),
            });
        }
        if let Some((first, second)) = first_repeat(spend.ring.members()) {
            return Err(CircuitError::DuplicateRingMember {
                input: i,
                first,
                second,
            });
        }
        if spend.spending_key.public_key() != spend.note.owner {
            return Err(CircuitError::SpendingKeyMismatch { input: i });
        }
        if spend.ring.members()[spend.position] != spend.note.commitment() {
            return Err(CircuitError::RealNoteNotInRing {
                input: i,
                position: spend.position,
            });
        }
        input_witnesses.push(InputWitness {
            spending_key: spend.spending_key.expose_secret(),
            value: Fr::from(spend.note.value),
            blinding: spend.note.blinding,
            path: spend.ring.path(spend.position)?,
        });
    }
    let commitments: Vec<NoteCommitment> = outputs.iter().map(Note::commitment).collect();
    if let Some((first, second)) = first_repeat(&commitments) {
        return Err(CircuitError::DuplicateOutputCommitment { first, second });
    }
    for (output, cm) in commitments.iter().enumerate() {
        for (input, spend) in inputs.iter().enumerate() {
            if let Some(position) = spend.ring.members().iter().position(|m| m == cm) {
                return Err(CircuitError::OutputCommitmentInRing {
                    output,
                    input,
                    position,
                });
            }
        }
    }
    let witness = RingCtWitness {
        shape,
        inputs: input_witnesses,
        outputs: outputs
            .iter()
            .map(|n| OutputWitness {
                value: Fr::from(n.value),
                blinding: n.blinding,
                owner: n.owner.0,
            })
            .collect(),
        fee: Fr::from(fee),
        ctx: ctx.0,
    };
    let statement = witness.check()?;
    Ok((witness, statement))
}

/// The first pair of equal items `(first, second)`, `first < second`, in
/// order of `second`.
fn first_repeat<T: Eq + std::hash::Hash>(items: &[T]) -> Option<(usize, usize)> {
    let mut seen = std::collections::HashMap::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        if let Some(&first) = seen.get(item) {
            return Some((first, k));
        }
        seen.insert(item, k);
    }
    None
}

//! The public statement and its public-input layout.

use crate::error::CircuitError;
use crate::keys::KeyImage;
use crate::note::NoteCommitment;
use crate::ring::RingRoot;
use crate::shape::Shape;
use ark_bls12_381::Fr;

/// The transaction binding value `ctx`: a hash of the transaction body, so a
/// proof cannot be replayed for another body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TxBinding(pub Fr);

/// What a RingCT proof proves, for one shape.
///
/// Public inputs, in this order: `[ring_root_1..m, KI_1..m, cm_out_1..n, fee, ctx]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RingCtStatement {
    /// The shape the proof is for.
    pub shape: Shape,
    /// One ring root per input.
    pub ring_roots: Vec<RingRoot>,
    /// One key image per input.
    pub key_images: Vec<KeyImage>,
    /// One commitment per output.
    pub output_commitments: Vec<NoteCommitment>,
    /// The public fee.
    pub fee: u64,
    /// The transaction binding value.
    pub ctx: TxBinding,
}

impl RingCtStatement {
    /// Checks that the vectors match the shape.
    pub fn check_shape(&self) -> Result<(), CircuitError> {
        self.shape.validate()?;
        for (expected, got) in [
            (self.shape.inputs, self.ring_roots.len()),
            (self.shape.inputs, self.key_images.len()),
        ] {
            if expected != got {
                return Err(CircuitError::InputCountMismatch { expected, got });
            }
        }
        if self.output_commitments.len() != self.shape.outputs {
            return Err(CircuitError::OutputCountMismatch {
                expected: self.shape.outputs,
                got: self.output_commitments.len(),
            });
        }
        Ok(())
    }

    /// The public inputs in the specified order (2m + n + 2 elements).
    pub fn to_public_inputs(&self) -> Vec<Fr> {
        let mut v = Vec::with_capacity(self.shape.num_public_inputs());
        v.extend(self.ring_roots.iter().map(|r| r.0));
        v.extend(self.key_images.iter().map(|k| k.0));
        v.extend(self.output_commitments.iter().map(|c| c.0));
        v.push(Fr::from(self.fee));
        v.push(self.ctx.0);
        v
    }
}

//! One thing to verify: a proof and the public inputs it is checked against.

use crate::decode::{
    check_proof_points, decode_proof_points, decode_public_inputs, DecodedProof, FastProof,
    PUBLIC_INPUT_LEN,
};
use crate::error::VerifierError;
use ark_bls12_381::{Bls12_381, Fr};
use ark_groth16::Proof;
use ringct_circuit::RingCtStatement;

/// A proof with its public inputs, ready for any verification mode.
///
/// Construction never fails: a proof or input that breaks a decoding or
/// point rule is kept as a *defect*, and every verification mode turns it
/// into `Verdict::Invalid(rule)` for this item without a pairing. That keeps
/// one verdict per item (in input order) and one way of saying "invalid".
/// [`Item::defect`] shows the defect early for callers that want it.
///
/// The public inputs must be derived by the caller (the runtime) from its
/// own state: ring roots recomputed from ledger commitments, key images and
/// output commitments from the transaction, `ctx` from the transaction body.
/// Never pass values the sender supplied unchecked.
#[derive(Debug, Clone)]
pub struct Item {
    num_inputs: usize,
    body: Result<Body, VerifierError>,
}

/// The decoded, point-checked content of an item: the proof in arkworks'
/// form (for the public API) and in blst's (for the pairing checks).
#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub(crate) proof: Proof<Bls12_381>,
    pub(crate) fast: FastProof,
    pub(crate) inputs: Vec<Fr>,
}

impl Item {
    /// A typed proof with typed public inputs. The proof's points are
    /// checked (not the identity, on the curve, in the prime-order subgroup),
    /// because a `Proof` value may come from unchecked deserialisation.
    pub fn new(proof: Proof<Bls12_381>, public_inputs: Vec<Fr>) -> Self {
        let num_inputs = public_inputs.len();
        let body = check_proof_points(&proof)
            .and_then(|()| FastProof::from_ark(&proof))
            .map(|fast| Body {
                proof,
                fast,
                inputs: public_inputs,
            });
        Item { num_inputs, body }
    }

    /// A typed proof for a statement; the inputs are
    /// [`RingCtStatement::to_public_inputs`]. A statement whose vectors do
    /// not match its own shape is a defect.
    pub fn from_statement(proof: Proof<Bls12_381>, statement: &RingCtStatement) -> Self {
        let inputs = statement.to_public_inputs();
        match statement.check_shape() {
            Ok(()) => Item::new(proof, inputs),
            Err(e) => Item {
                num_inputs: inputs.len(),
                body: Err(VerifierError::Statement(e)),
            },
        }
    }

    /// Proof bytes (192 compressed or 384 uncompressed, see
    /// [`crate::decode`]) with typed public inputs, the usual case in the
    /// runtime, which derives the inputs itself.
    pub fn from_proof_bytes(proof: &[u8], public_inputs: Vec<Fr>) -> Self {
        let num_inputs = public_inputs.len();
        let body = decode_proof_points(proof).map(|DecodedProof { proof, fast }| Body {
            proof,
            fast,
            inputs: public_inputs,
        });
        Item { num_inputs, body }
    }

    /// Proof bytes and public inputs as 32-byte little-endian scalars, each
    /// of which must be below r. Proof defects are reported before input
    /// defects.
    pub fn from_bytes(proof: &[u8], public_inputs: &[[u8; PUBLIC_INPUT_LEN]]) -> Self {
        let num_inputs = public_inputs.len();
        let body = decode_proof_points(proof).and_then(|DecodedProof { proof, fast }| {
            Ok(Body {
                proof,
                fast,
                inputs: decode_public_inputs(public_inputs)?,
            })
        });
        Item { num_inputs, body }
    }

    /// Number of public inputs supplied (known even for a defective item, so
    /// the count rule is always checked first).
    pub fn num_public_inputs(&self) -> usize {
        self.num_inputs
    }

    /// The rule the item already breaks before any key is involved, if any.
    pub fn defect(&self) -> Option<&VerifierError> {
        self.body.as_ref().err()
    }

    /// The decoded proof, when the item has no defect.
    pub fn proof(&self) -> Option<&Proof<Bls12_381>> {
        self.body.as_ref().ok().map(|b| &b.proof)
    }

    /// The public inputs, when the item has no defect.
    pub fn public_inputs(&self) -> Option<&[Fr]> {
        self.body.as_ref().ok().map(|b| b.inputs.as_slice())
    }

    /// The structural checks every mode runs before any pairing: the input
    /// count against the key's (first), then the item's own defect.
    pub(crate) fn structural(&self, expected_inputs: usize) -> Result<&Body, VerifierError> {
        if self.num_inputs != expected_inputs {
            return Err(VerifierError::InputCountMismatch {
                expected: expected_inputs,
                got: self.num_inputs,
            });
        }
        self.body.as_ref().map_err(Clone::clone)
    }
}

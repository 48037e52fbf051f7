//! The Privacy path: RingCT transactions ([`PrivateTx`]) verified in batch and applied to
//! the note ledger and the key-image set.
//!
//! # Configuration
//! One verifying key per shape, given as a `ringct_verifier::BatchVerifier` to
//! [`SuperVM::with_privacy_verifier`](crate::SuperVM::with_privacy_verifier). A transaction
//! whose shape has no configured key fails with `NoVerifyingKey`. Check the key's
//! fingerprint against the one the node is configured with
//! (`BatchVerifier::check_fingerprint`) before handing it over.
//!
//! # The phase
//! Private transactions are routed to [`Path::Privacy`](crate::Path::Privacy) (routing never
//! rejects them) and handled in one phase of the block, in three steps:
//!
//! 1. **Checks and public inputs**, per transaction, against the state at the start of
//!    the phase (which is the state at the start of the block: no other phase touches the
//!    ledger or the key images). The first broken rule is the transaction's error, in
//!    this order:
//!    1. the shape has a configured key (`NoVerifyingKey`);
//!    2. one ring per input (`RingCountMismatch`), each of exactly 4^d members
//!       (`RingSizeMismatch`), one key image per input (`KeyImageCountMismatch`), the
//!       shape's number of outputs (`OutputCountMismatch`), no memo longer than
//!       [`MAX_MEMO_BYTES`] (`MemoTooLong`). With these, the work spent on one
//!       transaction before its proof is checked is bounded by its shape;
//!    3. every ring member is an index of the ledger (`RingMemberNotInLedger`, input by
//!       input, member by member); so notes created in a block can be ring members from
//!       the next block on;
//!    4. key images are pairwise distinct within the transaction (`DuplicateKeyImage`);
//!    5. no key image is in the spent set (`KeyImageSpent`, `in_block: false`): a known
//!       double spend costs no pairing;
//!
//!    then the statement is derived, never taken from the sender: ring roots are
//!    recomputed from the ledger's commitments at the listed indices, key images and
//!    output commitments come from the transaction, the fee from the body, and `ctx` is
//!    `tx_binding(body)`. The proof bytes and these public inputs make a
//!    `ringct_verifier::Item` (the verifier decodes the proof strictly). This step runs in
//!    parallel over the transactions (on the runtime's pool); results are collected in
//!    block order.
//! 2. **Verification**: the items of every transaction that passed step 1 are verified
//!    with one `BatchVerifier::verify_batch` call per shape present in the block (one call
//!    in the usual single-shape block); transactions that failed step 1 are left out. A
//!    proof that does not verify (`InvalidProof`) fails only its own transaction: the
//!    verifier gives every item its own verdict.
//! 3. **Apply**, one transaction after the other in block order: a verified transaction
//!    whose key image was spent by an earlier accepted transaction of this block fails
//!    with `KeyImageSpent` (`in_block: true`); otherwise it is accepted: its key images
//!    are marked spent and its outputs are appended to the ledger, in output order.
//!
//! A transaction that fails at any step changes nothing: steps 1 and 2 only read the
//! state, and step 3 writes only for an accepted transaction, after its last check.
//!
//! # Determinism
//! Every decision depends only on the block, the state at its start and the verifiers'
//! verdicts, which are a function of (key, proof, public inputs) — the batch's random
//! scalars change only how a verdict is reached, not what it is (except with
//! probability about 2^-128 per batch equation). The thread count changes neither.
//!
//! # Invariant
//! A private transaction is never accepted without a [`Verdict::Valid`] for its proof
//! against public inputs the runtime derived itself.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;
use ringct_circuit::{tx_binding, Ring, RingCtStatement, RingRoot, Shape};
use ringct_verifier::{BatchVerifier, Item, Verdict, VerifierError};

use crate::error::TxError;
use crate::receipt::Receipt;
use crate::state::State;
use crate::transaction::PrivateTx;

/// Largest memo an output may carry, in bytes (an encrypted note opening needs a few
/// hundred). Bounds the cost of the transaction binding.
pub const MAX_MEMO_BYTES: usize = 1024;

/// A private transaction waiting for the Privacy path, with its position in the block.
pub(crate) type QueuedPrivate<'t> = (usize, &'t PrivateTx);

/// Runs `f` on `pool` if there is one, on the caller's Rayon context otherwise.
fn install<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// Runs the Privacy phase over `txs` (in block order) and writes each transaction's
/// outcome into its receipt. See the module docs for the steps.
pub(crate) fn run(
    txs: &[QueuedPrivate<'_>],
    state: &mut State,
    verifiers: &BTreeMap<Shape, BatchVerifier>,
    pool: Option<&Arc<rayon::ThreadPool>>,
    receipts: &mut [Receipt],
) {
    if txs.is_empty() {
        return;
    }

    // Step 1: checks and public inputs, against the state at the start of the phase.
    let prepared: Vec<Result<(Shape, Item), TxError>> = {
        let state = &*state;
        install(pool.map(|p| &**p), || {
            txs.par_iter()
                .map(|(_, tx)| prepare(tx, state, verifiers))
                .collect()
        })
    };

    // Step 2: one batch per shape; every verified transaction gets its verdict.
    let mut outcomes: Vec<Result<(), TxError>> = Vec::with_capacity(txs.len());
    let mut batches: BTreeMap<Shape, (Vec<usize>, Vec<Item>)> = BTreeMap::new();
    for (k, p) in prepared.into_iter().enumerate() {
        match p {
            Ok((shape, item)) => {
                let (positions, items) = batches.entry(shape).or_default();
                positions.push(k);
                items.push(item);
                // Replaced by the verdict below; a missing verdict keeps it rejected.
                outcomes.push(Err(TxError::InvalidProof {
                    reason: VerifierError::EquationFailed,
                }));
            }
            Err(e) => outcomes.push(Err(e)),
        }
    }
    for (shape, (positions, items)) in &batches {
        let Some(verifier) = verifiers.get(shape) else {
            continue; // step 1 only passes configured shapes
        };
        let verifier = match pool {
            Some(pool) => verifier.clone().with_pool(Arc::clone(pool)),
            None => verifier.clone(),
        };
        let report = verifier.verify_batch(items);
        for (&k, verdict) in positions.iter().zip(report.verdicts) {
            outcomes[k] = match verdict {
                Verdict::Valid => Ok(()),
                Verdict::Invalid(reason) => Err(TxError::InvalidProof { reason }),
            };
        }
    }

    // Step 3: apply in block order.
    let mut spent_in_block = BTreeSet::new();
    for ((i, tx), outcome) in txs.iter().zip(outcomes) {
        let result = outcome.and_then(|()| {
            match tx
                .key_images
                .iter()
                .position(|ki| spent_in_block.contains(ki) || state.key_images().contains(ki))
            {
                Some(input) => Err(TxError::KeyImageSpent {
                    input,
                    in_block: true,
                }),
                None => Ok(()),
            }
        });
        let receipt = &mut receipts[*i];
        match result {
            Ok(()) => {
                spent_in_block.extend(tx.key_images.iter().copied());
                state.commit_private(&tx.key_images, tx.body.outputs.iter().map(|o| o.commitment));
                receipt.error = None;
            }
            Err(e) => receipt.error = Some(e),
        }
    }
}

/// Step 1 for one transaction: the structural rules in the documented order, then the
/// statement derived from `state` and the item to verify.
fn prepare(
    tx: &PrivateTx,
    state: &State,
    verifiers: &BTreeMap<Shape, BatchVerifier>,
) -> Result<(Shape, Item), TxError> {
    let body = &tx.body;
    let shape = body.shape;
    // Only valid shapes can be configured, so `shape` is valid past this point.
    if !verifiers.contains_key(&shape) {
        return Err(TxError::NoVerifyingKey { shape });
    }
    if body.ring_members.len() != shape.inputs {
        return Err(TxError::RingCountMismatch {
            expected: shape.inputs,
            got: body.ring_members.len(),
        });
    }
    let ring_size = shape.ring_size();
    for (input, ring) in body.ring_members.iter().enumerate() {
        if ring.len() as u64 != ring_size {
            return Err(TxError::RingSizeMismatch {
                input,
                expected: ring_size,
                got: ring.len(),
            });
        }
    }
    if tx.key_images.len() != shape.inputs {
        return Err(TxError::KeyImageCountMismatch {
            expected: shape.inputs,
            got: tx.key_images.len(),
        });
    }
    if body.outputs.len() != shape.outputs {
        return Err(TxError::OutputCountMismatch {
            expected: shape.outputs,
            got: body.outputs.len(),
        });
    }
    for (output, out) in body.outputs.iter().enumerate() {
        if out.memo.len() > MAX_MEMO_BYTES {
            return Err(TxError::MemoTooLong {
                output,
                len: out.memo.len(),
                max: MAX_MEMO_BYTES,
            });
        }
    }
    let mut rings = Vec::with_capacity(shape.inputs);
    for (input, refs) in body.ring_members.iter().enumerate() {
        let members = refs
            .iter()
            .map(|&index| {
                state
                    .notes()
                    .get(index)
                    .copied()
                    .ok_or(TxError::RingMemberNotInLedger { input, index })
            })
            .collect::<Result<Vec<_>, _>>()?;
        rings.push(members);
    }
    for (second, ki) in tx.key_images.iter().enumerate() {
        if let Some(first) = tx.key_images[..second].iter().position(|k| k == ki) {
            return Err(TxError::DuplicateKeyImage { first, second });
        }
    }
    if let Some(input) = tx
        .key_images
        .iter()
        .position(|ki| state.key_images().contains(ki))
    {
        return Err(TxError::KeyImageSpent {
            input,
            in_block: false,
        });
    }

    let ring_roots = rings
        .into_iter()
        .enumerate()
        .map(|(input, members)| {
            let got = members.len();
            Ring::new(members)
                .map(|ring| ring.root())
                .map_err(|_| TxError::RingSizeMismatch {
                    input,
                    expected: ring_size,
                    got,
                })
        })
        .collect::<Result<Vec<RingRoot>, _>>()?;
    let statement = RingCtStatement {
        shape,
        ring_roots,
        key_images: tx.key_images.clone(),
        output_commitments: body.outputs.iter().map(|o| o.commitment).collect(),
        fee: body.fee,
        ctx: tx_binding(body),
    };
    Ok((
        shape,
        Item::from_proof_bytes(&tx.proof, statement.to_public_inputs()),
    ))
}

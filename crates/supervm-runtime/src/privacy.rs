//! The Privacy path: RingCT transactions ([`PrivateTx`]) verified in batch and applied to
//! the note ledger and the key-image set (protocol v2).
//!
//! # Configuration
//! One verifying key per shape, given as a `ringct_verifier::BatchVerifier` to
//! [`SuperVM::with_privacy_verifier`](crate::SuperVM::with_privacy_verifier). A transaction
//! whose shape has no configured key fails with `NoVerifyingKey`. Check the key's
//! fingerprint against the one the node is configured with
//! (`BatchVerifier::check_fingerprint`) before handing it over. The network id
//! ([`SuperVM::with_network`](crate::SuperVM::with_network)) enters every transaction's
//! binding value, so a transaction proved for another network fails with `InvalidProof`.
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
//!    4. the members of each ring are distinct ledger indices (`DuplicateRingMember`).
//!       The ledger holds each commitment once, so distinct indices are distinct notes;
//!    5. key images are pairwise distinct within the transaction (`DuplicateKeyImage`;
//!       the circuit enforces it too since v2);
//!    6. no key image is in the spent set (`KeyImageSpent`, `in_block: false`);
//!    7. output commitments are pairwise distinct (`DuplicateOutputCommitment`) and none
//!       is in the ledger (`OutputCommitmentInLedger`). A key image is
//!       `H2(KEY_IMAGE, sk, cm)`, so two notes with one commitment share one key image and
//!       the second could never be spent ("faerie gold"): a recipient who credits per
//!       received note would be paid twice and could spend once;
//!
//!    then the statement is derived, never taken from the sender: ring roots are
//!    recomputed from the ledger's commitments at the listed indices (once per ring
//!    content: a bounded memo keyed by the member commitments themselves, so a ring seen
//!    at admission, earlier in the block or in an earlier block is not hashed again; and
//!    four consecutive members that are a whole aligned bin of the ledger in ledger order
//!    take the bin's node, which the ledger hashes once per bin; see
//!    `privacy/ring_roots.rs` and `ledger.rs`), key images and output commitments come from the
//!    transaction, the fee from the body, and `ctx` is the binding of the body on this
//!    network (`PrivateTx::binding`). The proof bytes and these public inputs are named by
//!    a [`VerdictKey`] (the verifying key's fingerprint, the shape, the public inputs and
//!    the proof bytes), computed only when a set of verified proofs is given. This step
//!    runs in parallel over the transactions (on the runtime's pool); results are
//!    collected in block order. It decodes no proof, and none of these rules costs a
//!    pairing.
//! 2. **Verification.** Walking the block in order, a transaction that passed step 1 and
//!    shares a key image or an output commitment with an *earlier* transaction that passed
//!    step 1 is *deferred*; a transaction whose key is in the [`VerifiedProofs`] given to
//!    the block has the verdict `Valid` without verification (see below); every other one
//!    goes into one `BatchVerifier::verify_batch` call per shape present in the block (one
//!    call in the usual single-shape block). Only these proofs are decoded (strictly, by
//!    `ringct_verifier::Item`, in parallel), once each: a deferred one only if step 3
//!    verifies it, one whose key is in the set never. A proof that does not verify
//!    (`InvalidProof`) fails only its own transaction: the verifier gives every item its
//!    own verdict.
//! 3. **Apply**, one transaction after the other in block order. A transaction that
//!    spends a key image spent by an earlier *accepted* transaction of the block fails
//!    with `KeyImageSpent` (`in_block: true`); one that creates a commitment an earlier
//!    accepted transaction created fails with `OutputCommitmentInBlock`. Neither costs a
//!    pairing: a conflicting transaction was deferred, not verified. A deferred
//!    transaction that no longer conflicts (the earlier one was rejected) is verified
//!    then, alone (or not at all if its key is in the [`VerifiedProofs`]); so a sender
//!    cannot get an honest transaction rejected by putting an invalid one with the same
//!    key image before it. Otherwise the transaction is
//!    accepted: its key images are marked spent and its outputs are appended to the
//!    ledger, in output order. After the last transaction, the nodes of the bins the new
//!    notes completed are computed (in parallel, once each).
//!
//! A transaction that fails at any step changes nothing: steps 1 and 2 only read the
//! state, and step 3 writes only for an accepted transaction, after its last check.
//!
//! # Admission
//! [`SuperVM::prepare_private`](crate::SuperVM::prepare_private) is step 1 on its own,
//! against the runtime's current state: the same function, so the same rules in the same
//! order with the same errors. It returns a [`PreparedPrivate`]: the shape, the item to
//! verify and its [`VerdictKey`]. A node calls it before admitting a transaction, then
//! verifies the item (in a `ringct_verifier::VerifyQueue` built on the runtime's
//! verifier for that shape) and, after `Verdict::Valid`, inserts the key into its
//! [`VerifiedProofs`].
//!
//! # Proofs verified before the block
//! [`SuperVM::execute_block_effects_verified`](crate::SuperVM::execute_block_effects_verified)
//! takes such a set; a transaction whose key is in it is not verified again. This is
//! sound:
//!
//! - At block time the key is recomputed, never taken from the node's mempool: from
//!   public inputs the runtime derives again from the current state (ring roots from the
//!   ledger at the listed indices, `ctx` from the network and the body, key images,
//!   output commitments and the fee from the transaction), the proof bytes, and the
//!   fingerprint of the verifying key the block would verify with.
//! - A Groth16 verdict is a deterministic function of (verifying key, public inputs,
//!   proof), and the key's preimage fixes all three (a fingerprint names one verifying
//!   key; the shape fixes the number of inputs, each encoded in 32 canonical bytes; the
//!   proof has a fixed length). So equal keys mean the verdict is the one already
//!   reached, unless BLAKE2b-256 collides. Anything that changed since admission (another
//!   ring root, network, body, proof or verifying key) gives another key, and the proof is
//!   verified as usual.
//! - The ledger is append-only, so the ring roots at listed indices cannot change; all
//!   state-dependent rules (spent key images, commitments in the ledger or the block,
//!   deferral) are still checked at block time, in step 1 and step 3, as without the set.
//!   A cached key only replaces step 2's pairing, never a ledger rule.
//! - Only the node inserts keys, after a `Verdict::Valid` for `PreparedPrivate::item`
//!   ([`VerifiedProofs`] says so). The batch verdict the node got is as sound as the
//!   block's own (about 2^-128 per batch equation).
//!
//! So the receipts and state are those of the same block run with an empty set.
//!
//! # Determinism
//! Every decision depends only on the block, the state at its start and the verifiers'
//! verdicts, which are a function of (key, proof, public inputs) — the batch's random
//! scalars change only how a verdict is reached, not what it is (except with
//! probability about 2^-128 per batch equation). The thread count changes neither, and
//! neither does a set of verified proofs holding only keys of valid proofs.
//!
//! # Invariant
//! A private transaction is never accepted without a [`Verdict::Valid`] for its proof
//! against public inputs the runtime derived itself (in this block, or, for a key in the
//! [`VerifiedProofs`], earlier, by the node, for the identical key, inputs and proof);
//! the ledger never holds a commitment twice, and a key image is accepted once, ever.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use ringct_circuit::{Fr, NetworkId, NoteCommitment, RingCtStatement, RingRoot, Shape};
use ringct_verifier::{BatchVerifier, Fingerprint, Item, Verdict, VerifierError};

use crate::diff::{NewNote, SpentKeyImage, StateDiff};
use crate::error::TxError;
use crate::ledger::KeyImage;
use crate::receipt::Receipt;
use crate::state::State;
use crate::transaction::PrivateTx;
use crate::verified::{VerdictKey, VerifiedProofs};

mod ring_roots;

pub(crate) use ring_roots::RingRootMemo;

/// Largest memo an output may carry, in bytes: the protocol's bound
/// ([`ringct_circuit::MAX_MEMO_BYTES`]), which bounds the cost of the transaction binding.
pub const MAX_MEMO_BYTES: usize = ringct_circuit::MAX_MEMO_BYTES;

/// A private transaction waiting for the Privacy path, with its position in the block.
pub(crate) type QueuedPrivate<'t> = (usize, &'t PrivateTx);

/// Runs `f` on `pool` if there is one, on the caller's Rayon context otherwise.
fn install<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// A private transaction that passed the Privacy path's checks against a state, with the
/// item to verify and the key under which its verdict may be remembered.
///
/// Made by [`SuperVM::prepare_private`](crate::SuperVM::prepare_private) (step 1 of the
/// phase, on its own). Verify [`item`](Self::item) with the runtime's verifier for
/// [`shape`](Self::shape) ([`SuperVM::privacy_verifier`](crate::SuperVM::privacy_verifier));
/// after a `Verdict::Valid`, [`key`](Self::key) may go into a [`VerifiedProofs`].
#[derive(Debug, Clone)]
pub struct PreparedPrivate {
    /// The transaction's shape (one with a configured verifying key).
    pub shape: Shape,
    /// The proof with the public inputs the runtime derived from its state.
    pub item: Item,
    /// The name of this verification: the verifying key's fingerprint, the shape, the
    /// derived public inputs and the proof bytes.
    pub key: VerdictKey,
}

/// One shape's batch in step 2: the transactions' positions (in `txs`), and each one's
/// proof bytes with its derived public inputs, decoded only when the batch is verified.
type ShapeBatch<'t> = (Vec<usize>, Vec<(&'t [u8], Vec<Fr>)>);

/// Where a transaction stands between steps 1 and 3.
enum Pending {
    /// Failed step 1 with this error.
    Failed(TxError),
    /// In this block's batch (the verdict is filled in by step 2), or verified before
    /// the block (its key is in the set of verified proofs: `Ok`).
    Batched(Result<(), TxError>),
    /// Conflicts with an earlier transaction of the block that passed step 1: verified
    /// in step 3 only if that earlier one was rejected (and its key is not in the set of
    /// verified proofs); its proof is decoded only then.
    Deferred(Derived),
}

/// Step 1's result for one transaction, before any decoding: the shape, the public inputs
/// the runtime derived, and the fingerprint of the verifying key they are for.
pub(crate) struct Derived {
    shape: Shape,
    inputs: Vec<Fr>,
    fingerprint: Fingerprint,
}

impl Derived {
    /// The [`VerdictKey`] of verifying `proof` against these inputs. Computed only where it
    /// is used: for admission, and in a block whose set of verified proofs is not empty.
    fn key(&self, proof: &[u8]) -> VerdictKey {
        VerdictKey::derive(&self.fingerprint, &self.shape, &self.inputs, proof)
    }

    /// Whether `proof` against these inputs was verified before the block.
    fn verified_in(&self, verified: &VerifiedProofs, proof: &[u8]) -> bool {
        !verified.is_empty() && verified.contains(&self.key(proof))
    }
}

/// The verifier for `shape`, on the runtime's pool when it has one.
fn verifier_for(
    verifiers: &BTreeMap<Shape, BatchVerifier>,
    shape: &Shape,
    pool: Option<&Arc<rayon::ThreadPool>>,
) -> Option<BatchVerifier> {
    let verifier = verifiers.get(shape)?;
    Some(match pool {
        Some(pool) => verifier.clone().with_pool(Arc::clone(pool)),
        None => verifier.clone(),
    })
}

fn outcome_of(verdict: Verdict) -> Result<(), TxError> {
    match verdict {
        Verdict::Valid => Ok(()),
        Verdict::Invalid(reason) => Err(TxError::InvalidProof { reason }),
    }
}

/// The Privacy path's configuration and context for one block.
pub(crate) struct Phase<'a> {
    pub(crate) network: &'a NetworkId,
    pub(crate) verifiers: &'a BTreeMap<Shape, BatchVerifier>,
    pub(crate) pool: Option<&'a Arc<rayon::ThreadPool>>,
    /// Keys of proofs already found valid: their transactions skip verification.
    pub(crate) verified: &'a VerifiedProofs,
    /// The runtime's ring-root memo.
    pub(crate) ring_roots: &'a RingRootMemo,
}

/// Runs the Privacy phase over `txs` (in block order) and writes each transaction's
/// outcome into its receipt. See the module docs for the steps.
pub(crate) fn run(
    txs: &[QueuedPrivate<'_>],
    phase: &Phase<'_>,
    state: &mut State,
    receipts: &mut [Receipt],
    diff: &mut StateDiff,
) {
    let Phase {
        network,
        verifiers,
        pool,
        verified,
        ring_roots,
    } = *phase;
    if txs.is_empty() {
        return;
    }

    // Step 1: checks and public inputs, against the state at the start of the phase. No
    // proof is decoded here: only those that step 2 verifies are, once.
    let prepared: Vec<Result<Derived, TxError>> = {
        let state = &*state;
        install(pool.map(|p| &**p), || {
            txs.par_iter()
                .map(|(_, tx)| derive(tx, state, network, verifiers, ring_roots))
                .collect()
        })
    };

    // Claims of earlier transactions that passed step 1: a later transaction that shares a
    // key image or an output commitment with one of them is deferred, not verified now.
    let mut claimed_images: HashSet<KeyImage> = HashSet::new();
    let mut claimed_outputs: HashSet<NoteCommitment> = HashSet::new();
    let mut pending: Vec<Pending> = Vec::with_capacity(txs.len());
    let mut batches: BTreeMap<Shape, ShapeBatch<'_>> = BTreeMap::new();
    for (k, ((_, tx), p)) in txs.iter().zip(prepared).enumerate() {
        let p = match p {
            Ok(p) => p,
            Err(e) => {
                pending.push(Pending::Failed(e));
                continue;
            }
        };
        let outputs = tx.body.outputs.iter().map(|o| o.commitment);
        let conflicts = tx.key_images.iter().any(|ki| claimed_images.contains(ki))
            || outputs.clone().any(|cm| claimed_outputs.contains(&cm));
        claimed_images.extend(tx.key_images.iter().copied());
        claimed_outputs.extend(outputs);
        if conflicts {
            pending.push(Pending::Deferred(p));
        } else if p.verified_in(verified, &tx.proof) {
            // Verified before the block, against the same key, inputs and proof.
            pending.push(Pending::Batched(Ok(())));
        } else {
            let (positions, wire) = batches.entry(p.shape).or_default();
            positions.push(k);
            wire.push((tx.proof.as_slice(), p.inputs));
            // Replaced by the verdict below; a missing verdict keeps it rejected.
            pending.push(Pending::Batched(Err(TxError::InvalidProof {
                reason: VerifierError::EquationFailed,
            })));
        }
    }

    // Step 2: one batch per shape; every batched transaction gets its own verdict.
    for (shape, (positions, wire)) in batches {
        let Some(verifier) = verifier_for(verifiers, &shape, pool) else {
            continue; // step 1 only passes configured shapes
        };
        // Strict decoding (the verifier's rules), in parallel, of exactly the proofs this
        // batch verifies.
        let items: Vec<Item> = install(pool.map(|p| &**p), || {
            wire.into_par_iter()
                .map(|(proof, inputs)| Item::from_proof_bytes(proof, inputs))
                .collect()
        });
        let report = verifier.verify_batch(&items);
        for (&k, verdict) in positions.iter().zip(report.verdicts) {
            pending[k] = Pending::Batched(outcome_of(verdict));
        }
    }

    // Step 3: apply in block order.
    let notes_before = state.notes().len();
    let mut spent_in_block: HashSet<KeyImage> = HashSet::new();
    let mut created_in_block: HashSet<NoteCommitment> = HashSet::new();
    for ((i, tx), pending) in txs.iter().zip(pending) {
        let result = match pending {
            Pending::Failed(e) => Err(e),
            Pending::Batched(outcome) => {
                outcome.and_then(|()| in_block_conflict(tx, &spent_in_block, &created_in_block))
            }
            Pending::Deferred(p) => {
                in_block_conflict(tx, &spent_in_block, &created_in_block).and_then(|()| {
                    // The earlier transaction it conflicted with was rejected: verify
                    // this one now, alone, unless it was verified before the block.
                    if p.verified_in(verified, &tx.proof) {
                        return Ok(());
                    }
                    let item = Item::from_proof_bytes(&tx.proof, p.inputs);
                    match verifier_for(verifiers, &p.shape, pool) {
                        Some(v) => v
                            .verify_batch(std::slice::from_ref(&item))
                            .verdicts
                            .into_iter()
                            .next()
                            .map_or(
                                Err(TxError::InvalidProof {
                                    reason: VerifierError::EquationFailed,
                                }),
                                outcome_of,
                            ),
                        None => Err(TxError::NoVerifyingKey { shape: p.shape }),
                    }
                })
            }
        };
        let receipt = &mut receipts[*i];
        match result {
            Ok(()) => {
                spent_in_block.extend(tx.key_images.iter().copied());
                created_in_block.extend(tx.body.outputs.iter().map(|o| o.commitment));
                let first = state.notes().len();
                state.commit_private(&tx.key_images, tx.body.outputs.iter().map(|o| o.commitment));
                diff.key_images.extend(
                    tx.key_images
                        .iter()
                        .map(|&key_image| SpentKeyImage { key_image, tx: *i }),
                );
                diff.notes
                    .extend(tx.body.outputs.iter().enumerate().map(|(k, o)| NewNote {
                        index: first + k as u64,
                        commitment: o.commitment,
                        memo: o.memo.clone(),
                        tx: *i,
                    }));
                receipt.error = None;
            }
            Err(e) => receipt.error = Some(e),
        }
    }

    // The bins the accepted outputs completed: hashed now, in parallel, once each, so the
    // block that creates the notes pays for their bin nodes rather than the first
    // transaction that uses them as ring members.
    let state = &*state;
    install(pool.map(|p| &**p), || {
        state.notes().compute_bins_from(notes_before)
    });
}

/// Step 3's rules against the transactions of the block accepted so far: no key image
/// spent, no output commitment created by them.
fn in_block_conflict(
    tx: &PrivateTx,
    spent_in_block: &HashSet<KeyImage>,
    created_in_block: &HashSet<NoteCommitment>,
) -> Result<(), TxError> {
    if let Some(input) = tx
        .key_images
        .iter()
        .position(|ki| spent_in_block.contains(ki))
    {
        return Err(TxError::KeyImageSpent {
            input,
            in_block: true,
        });
    }
    if let Some(output) = tx
        .body
        .outputs
        .iter()
        .position(|o| created_in_block.contains(&o.commitment))
    {
        return Err(TxError::OutputCommitmentInBlock { output });
    }
    Ok(())
}

/// The first pair of equal items `(first, second)`, `first < second`, in order of
/// `second`.
fn first_repeat<T: Eq + std::hash::Hash>(
    items: impl IntoIterator<Item = T>,
) -> Option<(usize, usize)> {
    let mut seen = HashMap::new();
    for (k, item) in items.into_iter().enumerate() {
        if let Some(&first) = seen.get(&item) {
            return Some((first, k));
        }
        seen.insert(item, k);
    }
    None
}

/// Step 1 for one transaction, as admission runs it: [`derive`], then the item to verify
/// (the proof decoded strictly) and the verdict key.
/// [`SuperVM::prepare_private`](crate::SuperVM::prepare_private) is this function.
pub(crate) fn prepare(
    tx: &PrivateTx,
    state: &State,
    network: &NetworkId,
    verifiers: &BTreeMap<Shape, BatchVerifier>,
    ring_roots: &RingRootMemo,
) -> Result<PreparedPrivate, TxError> {
    let derived = derive(tx, state, network, verifiers, ring_roots)?;
    let key = derived.key(&tx.proof);
    Ok(PreparedPrivate {
        shape: derived.shape,
        item: Item::from_proof_bytes(&tx.proof, derived.inputs),
        key,
    })
}

/// Step 1's rules and derivation for one transaction: the structural and ledger rules in
/// the documented order, then the statement's public inputs derived from `state` (ring
/// roots through the runtime's [`RingRootMemo`], computed once per ring content). Decodes
/// nothing and hashes nothing beyond `ctx` and the ring roots.
fn derive(
    tx: &PrivateTx,
    state: &State,
    network: &NetworkId,
    verifiers: &BTreeMap<Shape, BatchVerifier>,
    memo: &RingRootMemo,
) -> Result<Derived, TxError> {
    let body = &tx.body;
    let shape = body.shape;
    // Only valid shapes can be configured, so `shape` is valid past this point.
    let Some(verifier) = verifiers.get(&shape) else {
        return Err(TxError::NoVerifyingKey { shape });
    };
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
    for (input, refs) in body.ring_members.iter().enumerate() {
        if let Some((first, second)) = first_repeat(refs) {
            return Err(TxError::DuplicateRingMember {
                input,
                first,
                second,
            });
        }
    }
    if let Some((first, second)) = first_repeat(&tx.key_images) {
        return Err(TxError::DuplicateKeyImage { first, second });
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
    if let Some((first, second)) = first_repeat(body.outputs.iter().map(|o| o.commitment)) {
        return Err(TxError::DuplicateOutputCommitment { first, second });
    }
    for (output, out) in body.outputs.iter().enumerate() {
        if let Some(index) = state.notes().index_of(&out.commitment) {
            return Err(TxError::OutputCommitmentInLedger { output, index });
        }
    }

    let ctx = tx
        .binding(network)
        .map_err(|reason| TxError::MalformedBody { reason })?;
    let ring_roots = rings
        .into_iter()
        .enumerate()
        .map(|(input, members)| {
            let got = members.len();
            memo.root_of(members, state.notes())
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
        ctx,
    };
    let inputs = statement.to_public_inputs();
    Ok(Derived {
        shape,
        inputs,
        fingerprint: verifier.fingerprint(),
    })
}

//! Building, proving, submitting and confirming a payment.
//!
//! [`prepare`] selects notes, picks a shape, draws rings, encrypts the outputs
//! and builds the witness (every rule checked natively); [`prove`] proves it
//! with the local prover, [`prove_on`] on the backend `RINGCT_PROVER` names; [`submit`] sends it and marks the inputs pending;
//! [`wait`] polls for the receipt. The CLI drives the four steps with a
//! progress bar around [`prove_with`], sized by [`estimate_proving`].

use crate::address::Address;
use crate::client::{NodeClient, Receipt, Status};
use crate::decoys::{
    bin_complete, notes_until_bin_complete, pick_ring, uses_bins, DecoyParams, RingReport,
};
use crate::error::WalletError;
use crate::estimate::{calibrate, calibrated_seconds, estimate, ProofWork, ProveEstimate};
use crate::memo::encrypt_note;
use crate::state::{fe_hex, OwnedNote, SentRecord, WalletState};
use rand::seq::SliceRandom;
use rand::{CryptoRng, RngCore};
use ringct_circuit::{
    build_witness, tx_binding, Note, NoteCommitment, PrivateTx, Ring, RingCtWitness, Shape,
    SpendInput, TxBody, TxOutput,
};
use ringct_cluster::{batch_prover, Backend};
use ringct_prover::keyfile::{load_keys, proving_key_path};
use ringct_prover::{
    Fingerprint, ParallelProveConfig, ProverError, RingCtKeys, RingCtParallelProver,
};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to pay.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// Recipient.
    pub to: Address,
    /// Amount, base units.
    pub amount: u64,
    /// Fee, base units.
    pub fee: u64,
    /// Short text for the recipient (at most 64 bytes).
    pub text: String,
}

/// A payment ready to prove.
#[derive(Debug)]
pub struct Prepared {
    /// The shape.
    pub shape: Shape,
    /// The node's verifying-key fingerprint for it (the proving key must match).
    pub fingerprint: Fingerprint,
    /// The body.
    pub body: TxBody,
    /// The witness.
    pub witness: RingCtWitness,
    /// Ledger indices of the spent notes.
    pub inputs: Vec<u64>,
    /// Change to self.
    pub change: u64,
    /// How each ring was drawn.
    pub rings: Vec<RingReport>,
    /// The outgoing record (status `pending` once submitted).
    pub record: SentRecord,
}

/// A shape the node accepts, with the fingerprint of its key.
fn node_shapes(status: &Status) -> Vec<(Shape, Fingerprint)> {
    status
        .shapes
        .iter()
        .filter_map(|s| {
            let shape: Shape = s.shape.parse().ok()?;
            let fp: [u8; 32] = hex::decode(&s.fingerprint).ok()?.try_into().ok()?;
            Some((shape, Fingerprint(fp)))
        })
        .collect()
}

/// Chooses the shape and the notes: the fewest inputs, then the fewest
/// outputs (at least 2: payment and change), then the largest ring the
/// ledger can fill, among the node's shapes whose proving key is in
/// `keys_dir`; the inputs are the largest spendable notes.
///
/// Rings of 16 or more members are drawn in aligned bins
/// ([`crate::decoys`]), so a shape with such rings takes only notes whose
/// bin is complete. If the shape chosen that way would need a note whose bin
/// is not complete, another shape with binned rings (more inputs or
/// outputs) that pays from complete-bin notes is taken instead; never a
/// shape with smaller rings (from a binning wallet, a small ring with a
/// member near the tip would point at it). If none can, the payment is
/// refused with [`WalletError::NoteTooNew`]: the note becomes spendable
/// after at most three more ledger notes.
pub fn choose(
    state: &WalletState,
    status: &Status,
    keys_dir: &Path,
    needed: u64,
) -> Result<(Shape, Fingerprint, Vec<OwnedNote>), WalletError> {
    let mut spendable: Vec<OwnedNote> = state
        .notes
        .iter()
        .filter(|n| n.spendable())
        .cloned()
        .collect();
    spendable.sort_by(|a, b| b.value.cmp(&a.value).then(a.index.cmp(&b.index)));
    let available = spendable
        .iter()
        .map(|n| n.value)
        .fold(0u64, u64::saturating_add);
    if available < needed {
        return Err(WalletError::InsufficientFunds { needed, available });
    }
    let mut shapes: Vec<(Shape, Fingerprint)> = node_shapes(status)
        .into_iter()
        .filter(|(s, _)| s.outputs >= 2 && proving_key_path(keys_dir, *s).is_file())
        .collect();
    let listed = shapes
        .iter()
        .map(|(s, _)| s.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if let Some(smallest) = shapes.iter().map(|(s, _)| s.ring_size()).min() {
        if smallest > status.notes {
            return Err(WalletError::LedgerTooSmall {
                notes: status.notes,
                ring_size: smallest,
            });
        }
    }
    shapes.retain(|(s, _)| s.ring_size() <= status.notes);
    shapes.sort_by_key(|(s, _)| (s.inputs, s.outputs, std::cmp::Reverse(s.ring_depth)));
    // The notes a binned ring can spend: those whose bin is complete.
    let in_bins: Vec<OwnedNote> = spendable
        .iter()
        .filter(|n| bin_complete(n.index, status.notes))
        .cloned()
        .collect();
    let min_all = min_inputs(&spendable, needed);
    let min_in_bins = min_inputs(&in_bins, needed);
    let fits = |inputs: usize, notes: &[OwnedNote], min: Option<usize>| {
        min.is_some_and(|m| inputs >= m && inputs <= notes.len())
    };
    // A note the first fitting binned shape would have spent but whose bin
    // is incomplete: from then on, only binned shapes are considered.
    let mut too_new: Option<u64> = None;
    for (shape, fp) in shapes {
        let binned = uses_bins(shape.ring_size());
        if !binned && too_new.is_some() {
            continue;
        }
        let (notes, min) = if binned {
            (&in_bins, min_in_bins)
        } else {
            (&spendable, min_all)
        };
        if fits(shape.inputs, notes, min) {
            return Ok((shape, fp, notes[..shape.inputs].to_vec()));
        }
        if binned && too_new.is_none() && fits(shape.inputs, &spendable, min_all) {
            too_new = spendable[..shape.inputs]
                .iter()
                .find(|n| !bin_complete(n.index, status.notes))
                .map(|n| n.index);
        }
    }
    if let Some(index) = too_new {
        return Err(WalletError::NoteTooNew {
            index,
            ledger_notes: status.notes,
            needed: notes_until_bin_complete(index, status.notes),
        });
    }
    Err(WalletError::NoShape {
        inputs: min_all.unwrap_or(spendable.len()),
        available: listed,
    })
}

/// How many of `notes` (largest first) it takes to pay `needed`; `None` if
/// even all of them do not.
fn min_inputs(notes: &[OwnedNote], needed: u64) -> Option<usize> {
    let mut sum = 0u64;
    for (k, n) in notes.iter().enumerate() {
        sum = sum.saturating_add(n.value);
        if sum >= needed {
            return Some(k + 1);
        }
    }
    None
}

/// Fetches the commitment at each ledger index.
fn commitments(client: &NodeClient, indices: &[u64]) -> Result<Vec<NoteCommitment>, WalletError> {
    indices
        .iter()
        .map(|&i| {
            let page = client.notes(i, 1)?;
            let n = page
                .notes
                .first()
                .ok_or_else(|| WalletError::NodeResponse {
                    url: format!("{}/v1/notes", client.base()),
                    reason: format!("no note at index {i}"),
                })?;
            let bytes: [u8; 32] = hex::decode(&n.commitment)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| WalletError::NodeResponse {
                    url: format!("{}/v1/notes", client.base()),
                    reason: format!("note {i}: malformed commitment"),
                })?;
            ringct_circuit::encoding::field_from_bytes(&bytes)
                .map(NoteCommitment)
                .ok_or_else(|| WalletError::NodeResponse {
                    url: format!("{}/v1/notes", client.base()),
                    reason: format!("note {i}: non-canonical commitment"),
                })
        })
        .collect()
}

/// Selects notes, picks a shape and rings, encrypts the outputs and builds
/// the witness.
pub fn prepare<R: RngCore + CryptoRng>(
    state: &WalletState,
    client: &NodeClient,
    keys_dir: &Path,
    request: &PaymentRequest,
    decoys: &DecoyParams,
    rng: &mut R,
) -> Result<Prepared, WalletError> {
    let keys = state.spending_keys("build a spend")?;
    let network = state.network_id()?;
    let status = crate::sync::check_network(state, client)?;
    let needed = request
        .amount
        .checked_add(request.fee)
        .ok_or(WalletError::AmountOverflow)?;
    let (shape, fingerprint, chosen) = choose(state, &status, keys_dir, needed)?;
    let total_in = chosen
        .iter()
        .map(|n| n.value)
        .try_fold(0u64, |a, v| a.checked_add(v))
        .ok_or(WalletError::AmountOverflow)?;
    let change = total_in - needed;

    let own = keys.view.address();
    let mut outputs: Vec<(Note, Address, String)> = vec![
        (
            Note::new(request.amount, request.to.public_key, rng),
            request.to,
            request.text.clone(),
        ),
        (Note::new(change, own.public_key, rng), own, "change".into()),
    ];
    while outputs.len() < shape.outputs {
        outputs.push((Note::new(0, own.public_key, rng), own, String::new()));
    }
    let payment_cm = outputs[0].0.commitment();
    let payment_blinding = outputs[0].0.blinding;
    outputs.shuffle(rng);

    let mut ring_members = Vec::with_capacity(shape.inputs);
    let mut spends = Vec::with_capacity(shape.inputs);
    let mut reports = Vec::with_capacity(shape.inputs);
    for n in &chosen {
        let choice = pick_ring(rng, status.notes, n.index, shape.ring_size(), decoys)?;
        let members = commitments(client, &choice.members)?;
        let cm = n.commitment()?;
        if members[choice.position] != cm {
            return Err(WalletError::LedgerMismatch {
                index: n.index,
                expected: n.commitment.clone(),
                found: fe_hex(&members[choice.position].0),
            });
        }
        spends.push(SpendInput {
            note: n.note(&keys.view)?,
            spending_key: keys.spending_key.clone(),
            ring: Ring::new(members)?,
            position: choice.position,
        });
        ring_members.push(choice.members);
        reports.push(choice.report);
    }
    let mut tx_outputs = Vec::with_capacity(outputs.len());
    for (note, to, text) in &outputs {
        tx_outputs.push(TxOutput {
            commitment: note.commitment(),
            memo: encrypt_note(note, text, to, &network, rng)?,
        });
    }
    let body = TxBody {
        shape,
        ring_members,
        outputs: tx_outputs,
        fee: request.fee,
    };
    let ctx = tx_binding(&network, &body)?;
    let notes: Vec<Note> = outputs.iter().map(|(n, _, _)| n.clone()).collect();
    let (witness, _) = build_witness(shape, &spends, &notes, request.fee, ctx)?;
    Ok(Prepared {
        shape,
        fingerprint,
        body,
        witness,
        inputs: chosen.iter().map(|n| n.index).collect(),
        change,
        rings: reports,
        record: SentRecord {
            id: String::new(),
            to: request.to.encode(&network)?,
            amount: request.amount,
            fee: request.fee,
            change,
            commitment: fe_hex(&payment_cm.0),
            blinding: fe_hex(&payment_blinding),
            text: request.text.clone(),
            shape: shape.to_string(),
            status: "pending".into(),
            height: None,
        },
    })
}

/// Loads the proving key (which must match the node's fingerprint) and
/// proves here; returns the transaction and the proving time.
pub fn prove(prepared: &Prepared, keys_dir: &Path) -> Result<(PrivateTx, Duration), WalletError> {
    prove_on(prepared, keys_dir, &Backend::Local)
}

/// [`prove`] on `backend` (`RINGCT_PROVER`: here, or on the proving
/// cluster, whose workers must hold the same key).
pub fn prove_on(
    prepared: &Prepared,
    keys_dir: &Path,
    backend: &Backend,
) -> Result<(PrivateTx, Duration), WalletError> {
    prove_with(prepared, load_proving_keys(prepared, keys_dir)?, backend)
}

/// The proving key of the payment's shape from `keys_dir`, refused with
/// [`WalletError::ProvingKeyMismatch`] unless its fingerprint is the one
/// the node verifies with.
pub fn load_proving_keys(
    prepared: &Prepared,
    keys_dir: &Path,
) -> Result<Arc<RingCtKeys>, WalletError> {
    match load_keys(keys_dir, prepared.shape, Some(prepared.fingerprint)) {
        Ok(keys) => Ok(Arc::new(keys)),
        Err(ProverError::FingerprintMismatch { expected, found }) => {
            Err(WalletError::ProvingKeyMismatch {
                shape: prepared.shape.to_string(),
                path: proving_key_path(keys_dir, prepared.shape),
                expected,
                found,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// The proving threads of the local prover (`RINGCT_PAR_THREADS`'s default).
pub fn local_threads() -> usize {
    ParallelProveConfig::default().threads
}

/// How long proving `prepared` should take: the time this wallet last
/// measured for the shape, else (local prover only) a calibration on this
/// machine ([`crate::estimate`]). `None` for a first proof on the cluster,
/// whose machines this wallet cannot time.
pub fn estimate_proving(
    state: &WalletState,
    prepared: &Prepared,
    keys: &RingCtKeys,
    backend: &Backend,
) -> Result<Option<ProveEstimate>, WalletError> {
    let measured = state
        .prove_seconds
        .get(&prepared.shape.to_string())
        .copied();
    if matches!(backend, Backend::Postgres(_)) && measured.is_none() {
        return Ok(None);
    }
    estimate(measured, || {
        let c = calibrate(keys, &prepared.witness, local_threads())?;
        Ok(calibrated_seconds(&c, &ProofWork::of(keys)))
    })
    .map(Some)
}

/// Proves `prepared` with `keys` on `backend`; returns the transaction and
/// the proving time.
pub fn prove_with(
    prepared: &Prepared,
    keys: Arc<RingCtKeys>,
    backend: &Backend,
) -> Result<(PrivateTx, Duration), WalletError> {
    let config = ParallelProveConfig {
        shape: prepared.shape,
        ..ParallelProveConfig::default()
    };
    let start = Instant::now();
    let proved = match backend {
        Backend::Local => RingCtParallelProver::new(keys, config)?.prove_one(&prepared.witness)?,
        Backend::Postgres(_) => {
            let prover = batch_prover(backend, keys, config).map_err(WalletError::ProverBackend)?;
            let outcome = prover.prove_batch(std::slice::from_ref(&prepared.witness));
            outcome.results.into_iter().next().unwrap_or_else(|| {
                Err(ProverError::Backend(
                    "the cluster returned no result for the witness".into(),
                ))
            })?
        }
    };
    let elapsed = start.elapsed();
    Ok((
        PrivateTx {
            body: prepared.body.clone(),
            key_images: proved.statement.key_images.clone(),
            proof: proved.proof.to_bytes(),
        },
        elapsed,
    ))
}

/// Submits `tx`; marks the inputs pending and records the payment. The
/// caller saves the state.
pub fn submit(
    state: &mut WalletState,
    client: &NodeClient,
    prepared: &Prepared,
    tx: &PrivateTx,
) -> Result<String, WalletError> {
    let id = client.submit(&tx.to_bytes()?)?;
    for n in state
        .notes
        .iter_mut()
        .filter(|n| prepared.inputs.contains(&n.index))
    {
        n.pending_by = Some(id.clone());
    }
    let mut record = prepared.record.clone();
    record.id = id.clone();
    state.sent.push(record);
    Ok(id)
}

/// Polls until `id` is committed (or `timeout`); marks the inputs spent on
/// success, releases them on failure.
pub fn wait(
    state: &mut WalletState,
    client: &NodeClient,
    id: &str,
    timeout: Duration,
) -> Result<Receipt, WalletError> {
    let deadline = Instant::now() + timeout;
    loop {
        let t = client.transaction(id)?;
        if let Some(receipt) = t.receipt {
            let ok = receipt.success;
            for n in state
                .notes
                .iter_mut()
                .filter(|n| n.pending_by.as_deref() == Some(id))
            {
                n.pending_by = None;
                if ok {
                    n.spent = true;
                    n.spent_by = Some(id.to_owned());
                }
            }
            if let Some(r) = state.sent.iter_mut().find(|r| r.id == id) {
                r.height = Some(receipt.height);
                r.status = if ok {
                    "committed".into()
                } else {
                    "failed".into()
                };
            }
            if !ok {
                let (kind, message) = receipt
                    .error
                    .map(|e| (e.kind, e.message))
                    .unwrap_or_else(|| ("unknown".into(), String::new()));
                return Err(WalletError::TxFailed {
                    id: id.to_owned(),
                    height: receipt.height,
                    kind,
                    message,
                });
            }
            return Ok(receipt);
        }
        if Instant::now() >= deadline {
            return Err(WalletError::ReceiptTimeout {
                id: id.to_owned(),
                seconds: timeout.as_secs(),
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ShapeKey;
    use crate::keys::Seed;
    use rand::SeedableRng;
    use ringct_circuit::NetworkId;

    fn wallet(values: &[u64]) -> WalletState {
        let seed = Seed::random(&mut rand_chacha::ChaCha20Rng::seed_from_u64(8));
        let mut s = WalletState::new_spending(&NetworkId::devnet(), &seed);
        for (k, v) in values.iter().enumerate() {
            s.notes.push(OwnedNote {
                index: k as u64 * 3,
                commitment: fe_hex(&ringct_circuit::Fr::from(k as u64 + 1)),
                value: *v,
                blinding: fe_hex(&ringct_circuit::Fr::from(9u64)),
                text: String::new(),
                key_image: None,
                spent: false,
                spent_by: None,
                pending_by: None,
            });
        }
        s
    }

    fn status(shapes: &[&str], notes: u64) -> Status {
        Status {
            network: "supervm-devnet".into(),
            height: 1,
            notes,
            shapes: shapes
                .iter()
                .map(|s| ShapeKey {
                    shape: s.to_string(),
                    fingerprint: "ab".repeat(32),
                })
                .collect(),
        }
    }

    fn keys_dir(shapes: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for s in shapes {
            std::fs::write(proving_key_path(dir.path(), s.parse().unwrap()), b"").unwrap();
        }
        dir
    }

    #[test]
    fn chooses_the_fewest_inputs_then_outputs_then_the_largest_ring() {
        let all = ["1x2-r4", "1x2-r16", "2x2-r16", "1x3-r16", "1x1-r16"];
        let dir = keys_dir(&all);
        let w = wallet(&[5, 10, 3]);
        let (shape, fp, inputs) = choose(&w, &status(&all, 100), dir.path(), 8).unwrap();
        assert_eq!(shape.to_string(), "1x2-r16");
        assert_eq!(fp, Fingerprint([0xab; 32]));
        assert_eq!(inputs.iter().map(|n| n.value).collect::<Vec<_>>(), vec![10]);
        // 12 needs two notes: the two largest.
        let (shape, _, inputs) = choose(&w, &status(&all, 100), dir.path(), 12).unwrap();
        assert_eq!(shape.to_string(), "2x2-r16");
        assert_eq!(
            inputs.iter().map(|n| n.value).collect::<Vec<_>>(),
            vec![10, 5]
        );
        // A ledger of 10 notes cannot fill rings of 16: the r4 shape is used.
        let (shape, _, _) = choose(&w, &status(&all, 10), dir.path(), 8).unwrap();
        assert_eq!(shape.to_string(), "1x2-r4");
    }

    #[test]
    fn refuses_with_the_reason() {
        let w = wallet(&[5, 10, 3]);
        let dir = keys_dir(&["1x2-r16", "2x2-r16"]);
        assert!(matches!(
            choose(&w, &status(&["1x2-r16"], 100), dir.path(), 19),
            Err(WalletError::InsufficientFunds {
                needed: 19,
                available: 18
            })
        ));
        // Two notes needed, the node accepts only one input.
        assert!(matches!(
            choose(&w, &status(&["1x2-r16"], 100), dir.path(), 12),
            Err(WalletError::NoShape { inputs: 2, .. })
        ));
        // The node accepts 2x2-r16 but its proving key is not here.
        let only_one = keys_dir(&["1x2-r16"]);
        assert!(matches!(
            choose(&w, &status(&["2x2-r16"], 100), only_one.path(), 12),
            Err(WalletError::NoShape { .. })
        ));
        assert!(matches!(
            choose(&w, &status(&["1x2-r16"], 12), dir.path(), 1),
            Err(WalletError::LedgerTooSmall {
                notes: 12,
                ring_size: 16
            })
        ));
        // Pending notes are not spendable.
        let mut w = wallet(&[10]);
        w.notes[0].pending_by = Some("tx".into());
        assert!(matches!(
            choose(&w, &status(&["1x2-r16"], 100), dir.path(), 1),
            Err(WalletError::InsufficientFunds { available: 0, .. })
        ));
    }

    #[test]
    fn binned_shapes_skip_or_refuse_notes_whose_bin_is_incomplete() {
        // Note 97 (value 10) is in bin 24 (notes 96..99): incomplete in a
        // ledger of 99 notes, complete in one of 100. Notes 3 and 6 are old.
        let mut w = wallet(&[10, 5, 3]);
        for (n, index) in w.notes.iter_mut().zip([97, 3, 6]) {
            n.index = index;
        }
        let all = ["1x2-r16", "2x2-r16", "1x2-r4"];
        let dir = keys_dir(&all);
        let indices = |v: &[OwnedNote]| v.iter().map(|n| n.index).collect::<Vec<_>>();
        // Payable without the new note: it is left out of the ring of 16.
        let (shape, _, inputs) = choose(&w, &status(&all, 99), dir.path(), 4).unwrap();
        assert_eq!(shape.to_string(), "1x2-r16");
        assert_eq!(indices(&inputs), vec![3]);
        // Not in one input without it, but in two: the two old notes, still
        // rings of 16 (never the ring of 4 because of the new note).
        let (shape, _, inputs) = choose(&w, &status(&all, 99), dir.path(), 8).unwrap();
        assert_eq!(shape.to_string(), "2x2-r16");
        assert_eq!(indices(&inputs), vec![3, 6]);
        // Without a two-input shape: refused, not moved to rings of 4.
        let two = ["1x2-r16", "1x2-r4"];
        let e = choose(&w, &status(&two, 99), dir.path(), 8).unwrap_err();
        assert!(
            matches!(
                e,
                WalletError::NoteTooNew {
                    index: 97,
                    ledger_notes: 99,
                    needed: 1
                }
            ),
            "{e:?}"
        );
        // The payment needs the new note whatever the shape: refused.
        assert!(matches!(
            choose(&w, &status(&all, 99), dir.path(), 12),
            Err(WalletError::NoteTooNew {
                index: 97,
                needed: 1,
                ..
            })
        ));
        // Once the bin is complete the note is spent as before.
        let (shape, _, inputs) = choose(&w, &status(&two, 100), dir.path(), 8).unwrap();
        assert_eq!(shape.to_string(), "1x2-r16");
        assert_eq!(indices(&inputs), vec![97]);
        let (shape, _, inputs) = choose(&w, &status(&all, 100), dir.path(), 12).unwrap();
        assert_eq!(shape.to_string(), "2x2-r16");
        assert_eq!(indices(&inputs), vec![97, 3]);
        // Rings of 4 are drawn member by member: the new note is fine there
        // when the node offers nothing larger.
        let (shape, _, inputs) = choose(&w, &status(&["1x2-r4"], 99), dir.path(), 8).unwrap();
        assert_eq!(shape.to_string(), "1x2-r4");
        assert_eq!(indices(&inputs), vec![97]);
        // Too little money is still insufficient funds, not a new note.
        assert!(matches!(
            choose(&w, &status(&all, 99), dir.path(), 19),
            Err(WalletError::InsufficientFunds { .. })
        ));
    }
}

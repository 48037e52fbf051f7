//! The Privacy path's shared fixture: a genesis ledger, proven 1x1-r4 transactions
//! against it, and the runtime and helpers the privacy tests use.
//!
//! Keys come from a fixed public seed (INSECURE, tests only), made once per test binary;
//! the proofs (six, shape 1x1-r4) are made once too and shared by every test.

use std::sync::{Arc, OnceLock};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{build_witness, KeyPair, Note, Ring, SpendInput, SpendingKey};
use ringct_prover::{ParallelProveConfig, RingCtKeys, RingCtParallelProver};
use ringct_verifier::BatchVerifier;
use supervm_runtime::{
    ErrorKind, KeyImage, NetworkId, NoteCommitment, PrivateTx, Receipt, Shape, State, SuperVM,
    Transaction, TxBody, TxError, TxOutput,
};

use super::state;

/// The fixture's shape.
pub fn small() -> Shape {
    "1x1-r4".parse().unwrap()
}

/// A note the tests own, minted into the genesis ledger.
pub struct Owned {
    pub note: Note,
    pub key: SpendingKey,
    pub index: u64,
}

/// The shared fixture (see [`fixture`]).
pub struct Fixture {
    pub keys: Arc<RingCtKeys>,
    pub verifier: BatchVerifier,
    /// The owned notes (indices 12..16: the ledger's bin 3).
    pub owned: Vec<Owned>,
    /// `common::state()` plus a ledger of 12 decoys (indices 0..12) and 4 owned notes
    /// (12..16).
    pub genesis: State,
    /// `txs[i]` spends `owned[i]` (distinct key images), each with one output.
    pub txs: Vec<PrivateTx>,
    /// Spends `owned[0]` again, with another ring and output: the key image of `txs[0]`.
    pub conflict: PrivateTx,
    /// Spends another owned note (not `owned[faerie_of]`) and creates exactly the note
    /// `txs[faerie_of]` creates: same value, blinding and owner, so the same commitment
    /// ("faerie gold"). Its proof is valid.
    pub faerie: PrivateTx,
    /// Which transaction's output `faerie` repeats.
    pub faerie_of: usize,
}

/// Builds a proven 1x1-r4 spend of `owned` with the ring `ring` (ledger indices; it must
/// contain `owned.index`).
pub fn spend_witness(
    state: &State,
    owned: &Owned,
    ring: [u64; 4],
    memo: &[u8],
    fee: u64,
    output: Option<Note>,
    rng: &mut ChaCha20Rng,
) -> (ringct_circuit::RingCtWitness, TxBody, Note) {
    let members: Vec<NoteCommitment> = ring
        .iter()
        .map(|&i| *state.notes().get(i).unwrap())
        .collect();
    let position = ring.iter().position(|&i| i == owned.index).unwrap();
    let input = SpendInput {
        note: owned.note.clone(),
        spending_key: owned.key.clone(),
        ring: Ring::new(members).unwrap(),
        position,
    };
    let output = output
        .unwrap_or_else(|| Note::new(owned.note.value - fee, KeyPair::random(rng).public_key, rng));
    let body = TxBody {
        shape: small(),
        ring_members: vec![ring.to_vec()],
        outputs: vec![TxOutput {
            commitment: output.commitment(),
            memo: memo.to_vec(),
        }],
        fee,
    };
    // The wallet proves against the binding of exactly this body, on the runtime's
    // network (the development network, SuperVM's default).
    let ctx = supervm_runtime::tx_binding(&NetworkId::devnet(), &body).unwrap();
    let (witness, _) =
        build_witness(small(), &[input], std::slice::from_ref(&output), fee, ctx).unwrap();
    (witness, body, output)
}

/// The fixture, built on first use.
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let keys = Arc::new(RingCtKeys::insecure_dev_setup_from_fixed_seed(small(), 11).unwrap());
        let verifier = BatchVerifier::for_shape(keys.verifying_key().clone(), small()).unwrap();
        let prover = RingCtParallelProver::new(
            Arc::clone(&keys),
            ParallelProveConfig {
                threads: 2,
                ..ParallelProveConfig::default()
            },
        )
        .unwrap();

        let mut rng = ChaCha20Rng::seed_from_u64(2024);
        let mut genesis = state();
        let decoys = (0..12).map(|_| {
            Note::new(
                rng.gen_range(1..1_000),
                KeyPair::random(&mut rng).public_key,
                &mut rng,
            )
            .commitment()
        });
        let decoys: Vec<_> = decoys.collect();
        assert_eq!(genesis.mint_notes(decoys).unwrap(), 0..12);
        let owned: Vec<Owned> = (0..4)
            .map(|_| {
                let kp = KeyPair::random(&mut rng);
                let note = Note::new(rng.gen_range(1_000..10_000), kp.public_key, &mut rng);
                let index = genesis.mint_note(note.commitment()).unwrap();
                Owned {
                    note,
                    key: kp.spending_key,
                    index,
                }
            })
            .collect();

        let mut witnesses = Vec::new();
        let mut bodies = Vec::new();
        let mut outputs = Vec::new();
        for (i, o) in owned.iter().enumerate() {
            let i = i as u64;
            let ring = [i, o.index, 4 + i, 8 + i];
            let (w, b, out) = spend_witness(
                &genesis,
                o,
                ring,
                format!("memo {i}").as_bytes(),
                i,
                None,
                &mut rng,
            );
            witnesses.push(w);
            bodies.push(b);
            outputs.push(out);
        }
        let (w, b, _) = spend_witness(
            &genesis,
            &owned[0],
            [11, 10, 9, owned[0].index],
            b"again",
            5,
            None,
            &mut rng,
        );
        witnesses.push(w);
        bodies.push(b);
        // Faerie gold: spend owned[j] into exactly the note txs[i] creates, the
        // difference going to the fee.
        let (faerie_of, j) = (0..4)
            .flat_map(|i| (0..4).map(move |j| (i, j)))
            .find(|&(i, j)| i != j && owned[j].note.value > outputs[i].value)
            .unwrap();
        let fee = owned[j].note.value - outputs[faerie_of].value;
        let (w, b, out) = spend_witness(
            &genesis,
            &owned[j],
            [owned[j].index, 7, 6, 5],
            b"same note",
            fee,
            Some(outputs[faerie_of].clone()),
            &mut rng,
        );
        assert_eq!(out.commitment(), outputs[faerie_of].commitment());
        witnesses.push(w);
        bodies.push(b);

        let outcome = prover.prove_batch(&witnesses);
        let mut txs: Vec<PrivateTx> = outcome
            .results
            .into_iter()
            .zip(bodies)
            .map(|(r, body)| {
                let proved = r.unwrap();
                PrivateTx {
                    body,
                    key_images: proved.statement.key_images.clone(),
                    proof: proved.proof.to_bytes(),
                }
            })
            .collect();
        let faerie = txs.pop().unwrap();
        let conflict = txs.pop().unwrap();
        assert_eq!(conflict.key_images, txs[0].key_images);
        assert_eq!(
            faerie.body.outputs[0].commitment,
            txs[faerie_of].body.outputs[0].commitment
        );
        Fixture {
            keys,
            verifier,
            owned,
            genesis,
            txs,
            conflict,
            faerie,
            faerie_of,
        }
    })
}

/// A runtime over the fixture's genesis with its verifier for [`small`].
pub fn vm() -> SuperVM {
    let f = fixture();
    SuperVM::new(f.genesis.clone())
        .with_privacy_verifier(small(), f.verifier.clone())
        .unwrap()
}

/// `tx` as a block entry.
pub fn private(tx: &PrivateTx) -> Transaction {
    tx.clone().into()
}

/// The kind of a receipt's error.
pub fn error_kind(r: &Receipt) -> Option<ErrorKind> {
    r.error.as_ref().map(TxError::kind)
}

/// What an accepted transaction adds to the state.
pub fn assert_applied(before: &State, after: &State, accepted: &[&PrivateTx]) {
    let new_notes: Vec<NoteCommitment> = after
        .notes()
        .iter()
        .skip(before.notes().len() as usize)
        .copied()
        .collect();
    let want_notes: Vec<NoteCommitment> = accepted
        .iter()
        .flat_map(|t| t.body.outputs.iter().map(|o| o.commitment))
        .collect();
    assert_eq!(new_notes, want_notes, "appended outputs");
    let mut want_spent: Vec<KeyImage> = before.key_images().iter().copied().collect();
    want_spent.extend(accepted.iter().flat_map(|t| t.key_images.iter().copied()));
    want_spent.sort();
    let spent: Vec<KeyImage> = after.key_images().iter().copied().collect();
    assert_eq!(spent, want_spent, "spent key images");
    // Old entries never change.
    assert!(before
        .notes()
        .iter()
        .zip(after.notes().iter())
        .all(|(a, b)| a == b));
}

/// A verifier for `shape` from fixed-seed keys. Only its key is needed: the
/// transactions it is used for are refused before any pairing.
pub fn keyed_verifier(shape: Shape, seed: u64) -> BatchVerifier {
    let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, seed).unwrap();
    BatchVerifier::for_shape(keys.verifying_key().clone(), shape).unwrap()
}

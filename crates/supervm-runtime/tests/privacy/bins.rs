//! Rings made of whole ledger bins (four notes `4b..4b+4`, in ledger order): the runtime
//! takes such a group's tree node from the ledger instead of hashing it, with the same
//! root, and a block hashes the bins its outputs complete.

use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_prover::{ParallelProveConfig, RingCtParallelProver};
use std::sync::Arc;
use supervm_runtime::{NewNote, StateDiff};

/// A proven spend of the fixture's `owned[k]` with `ring`.
fn spend(f: &Fixture, k: usize, ring: [u64; 4], seed: u64) -> PrivateTx {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let (witness, body, _) =
        spend_witness(&f.genesis, &f.owned[k], ring, b"bin", 0, None, &mut rng);
    let prover = RingCtParallelProver::new(
        Arc::clone(&f.keys),
        ParallelProveConfig {
            threads: 1,
            ..ParallelProveConfig::default()
        },
    )
    .unwrap();
    let proved = prover
        .prove_batch(&[witness])
        .results
        .pop()
        .unwrap()
        .unwrap();
    PrivateTx {
        body,
        key_images: proved.statement.key_images.clone(),
        proof: proved.proof.to_bytes(),
    }
}

#[test]
fn a_ring_of_a_whole_bin_is_accepted_in_or_out_of_ledger_order() {
    let f = fixture();
    // The owned notes, 12..16, are the ledger's bin 3.
    assert_eq!(
        f.owned.iter().map(|o| o.index).collect::<Vec<_>>(),
        [12, 13, 14, 15]
    );
    let in_order = spend(f, 1, [12, 13, 14, 15], 1);
    let reversed = spend(f, 2, [15, 14, 13, 12], 2);
    let before = vm()
        .prepare_private(&in_order)
        .expect("a whole-bin ring passes step 1");
    let (receipts, after, _) = run(vm(), &[private(&in_order), private(&reversed)]);
    assert!(receipts.iter().all(|r| r.error.is_none()), "{receipts:?}");
    assert_applied(&f.genesis, &after, &[&in_order, &reversed]);
    // The statement the runtime derives does not depend on whether the bin's node had
    // been computed: a ledger replayed from the notes alone (nothing computed) gives the
    // same verdict key.
    let mut bare = state();
    let notes = f.genesis.notes().iter().enumerate();
    bare.apply(&StateDiff {
        notes: notes
            .map(|(i, &commitment)| NewNote {
                index: i as u64,
                commitment,
                memo: Vec::new(),
                tx: 0,
            })
            .collect(),
        ..StateDiff::default()
    })
    .unwrap();
    assert_eq!(bare.notes(), f.genesis.notes());
    assert_eq!(
        bare.notes().computed_bins(),
        0,
        "applying a diff hashes nothing"
    );
    let again = SuperVM::new(bare)
        .with_privacy_verifier(small(), f.verifier.clone())
        .unwrap()
        .prepare_private(&in_order)
        .unwrap();
    assert_eq!(again.key, before.key);
}

#[test]
fn a_block_hashes_the_bins_its_outputs_complete() {
    let f = fixture();
    assert_eq!(f.genesis.notes().len(), 16);
    assert_eq!(
        f.genesis.notes().computed_bins(),
        4,
        "minting computes the bins it completes"
    );
    // Three outputs: 19 notes, no new bin.
    let three: Vec<Transaction> = f.txs[..3].iter().map(private).collect();
    let (receipts, after, _) = run(vm(), &three);
    assert!(receipts.iter().all(|r| r.error.is_none()), "{receipts:?}");
    assert_eq!((after.notes().len(), after.notes().bins()), (19, 4));
    // Four outputs: notes 16..20 complete bin 4, which the block hashes.
    let four: Vec<Transaction> = f.txs.iter().map(private).collect();
    let (receipts, after, _) = run(vm(), &four);
    assert!(receipts.iter().all(|r| r.error.is_none()), "{receipts:?}");
    assert_eq!((after.notes().len(), after.notes().bins()), (20, 5));
    assert_eq!(after.notes().computed_bins(), 5);
}

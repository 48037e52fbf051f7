//! Valid batches pass in every mode.

use crate::common::*;
use ark_groth16::Groth16;
use ringct_verifier::decode::{decode_proof, encode_proof};
use ringct_verifier::{Encoding, Item, Mode, Verdict};

#[test]
fn valid_batches_pass_in_every_mode() {
    let fx = fixture();
    let verifier = fx.verifier();
    for n in [1usize, 2, 37, 64] {
        let items = fx.valid_items(n, n as u64);
        for mode in Mode::ALL {
            let report = verifier.verify(mode, &items);
            assert_eq!(report.verdicts.len(), n);
            assert!(
                report.verdicts.iter().all(Verdict::is_valid),
                "{mode} size {n}: {:?}",
                report.verdicts
            );
            assert!(report.all_valid());
            assert_eq!(report.stats.mode, mode);
            assert_eq!((report.stats.count, report.stats.valid), (n, n));
            assert_eq!(report.stats.invalid, 0);
            assert!(report.stats.per_second > 0.0);
        }
    }
}

#[test]
fn a_valid_batch_costs_one_pairing_check() {
    let fx = fixture();
    let items = fx.valid_items(64, 3);
    let verifier = fx.verifier().with_chunk_size(64);
    assert_eq!(verifier.verify_batch(&items).stats.pairing_checks, 1);
    // 64 items in chunks of at most 16: four balanced chunks, one check each.
    let chunked = fx.verifier().with_chunk_size(16);
    let report = chunked.verify_batch(&items);
    assert!(report.all_valid());
    assert_eq!(report.stats.pairing_checks, 4);
    // The individual modes spend one check per item.
    assert_eq!(verifier.verify_individual(&items).stats.pairing_checks, 64);
    assert_eq!(verifier.verify_parallel(&items).stats.pairing_checks, 64);
}

#[test]
fn empty_input_gives_an_empty_report() {
    let verifier = fixture().verifier();
    for mode in Mode::ALL {
        let report = verifier.verify(mode, &[]);
        assert!(report.verdicts.is_empty());
        assert_eq!(report.stats.count, 0);
        assert_eq!(report.stats.per_second, 0.0);
    }
}

/// Re-randomization gives different proof bytes for the same statement, and
/// both verify: proof bytes can therefore never identify a transaction.
#[test]
fn rerandomized_proofs_still_verify_with_different_bytes() {
    let fx = fixture();
    let verifier = fx.verifier();
    let mut rng = rng(9);
    let (proof, statement) = &fx.proofs[0];
    let again = Groth16::<ark_bls12_381::Bls12_381>::rerandomize_proof(&fx.vk, proof, &mut rng);
    let (b1, b2) = (
        encode_proof(proof, Encoding::Compressed),
        encode_proof(&again, Encoding::Compressed),
    );
    assert_ne!(b1, b2);
    for bytes in [&b1, &b2] {
        let item = Item::from_proof_bytes(bytes, statement.to_public_inputs());
        assert_eq!(verifier.verify_one(&item), Verdict::Valid);
    }
}

#[test]
fn real_proofs_round_trip_through_both_encodings() {
    let fx = fixture();
    let verifier = fx.verifier();
    for (proof, statement) in &fx.proofs {
        for enc in [Encoding::Compressed, Encoding::Uncompressed] {
            let bytes = encode_proof(proof, enc);
            assert_eq!(bytes.len(), enc.proof_len());
            assert_eq!(&decode_proof(&bytes).unwrap(), proof);
            let raw: Vec<[u8; 32]> = statement
                .to_public_inputs()
                .iter()
                .map(ringct_verifier::decode::encode_public_input)
                .collect();
            let item = Item::from_bytes(&bytes, &raw);
            assert!(item.defect().is_none());
            assert_eq!(verifier.verify_one(&item), Verdict::Valid);
        }
    }
}

#[test]
fn dedicated_pools_and_the_caller_pool_agree() {
    let fx = fixture();
    let items = fx.valid_items(12, 5);
    let one = fx.verifier().with_threads(1).unwrap();
    assert_eq!(one.threads(), 1);
    let two = fx.verifier().with_threads(2).unwrap();
    assert_eq!(two.threads(), 2);
    let caller = two.clone().with_caller_pool();
    for v in [&one, &two, &caller] {
        for mode in Mode::ALL {
            assert!(v.verify(mode, &items).all_valid());
        }
    }
}

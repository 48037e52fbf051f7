//! Every broken item is rejected in every mode, with its own verdict.

use crate::common::*;
use ringct_verifier::{Item, Mode, Verdict, VerifierError};

#[test]
fn each_broken_item_is_rejected_in_every_mode() {
    let fx = fixture();
    let verifier = fx.verifier();
    let n = verifier.num_public_inputs();
    let mut rng = rng(11);
    for (case, bad) in Bad::ALL.into_iter().enumerate() {
        let items = vec![
            fx.valid_item(DISTINCT + case, &mut rng),
            bad.item(fx, case + 1),
            fx.valid_item(DISTINCT + case + 1, &mut rng),
        ];
        for mode in Mode::ALL {
            let report = verifier.verify(mode, &items);
            assert_eq!(
                report.verdicts,
                vec![
                    Verdict::Valid,
                    Verdict::Invalid(bad.expected(n)),
                    Verdict::Valid
                ],
                "{bad:?} in {mode} mode"
            );
            assert_eq!((report.stats.valid, report.stats.invalid), (2, 1));
        }
        // Alone, too.
        for mode in Mode::ALL {
            let report = verifier.verify(mode, &items[1..2]);
            assert_eq!(report.verdicts, vec![Verdict::Invalid(bad.expected(n))]);
        }
    }
}

#[test]
fn structural_defects_are_visible_before_verification() {
    let fx = fixture();
    for bad in Bad::ALL {
        let item = bad.item(fx, 0);
        let expected = bad.expected(fx.verifier().num_public_inputs());
        let structural = !matches!(
            expected,
            VerifierError::EquationFailed | VerifierError::InputCountMismatch { .. }
        );
        assert_eq!(item.defect().is_some(), structural, "{bad:?}");
        if structural {
            assert_eq!(item.defect(), Some(&expected));
            assert!(item.proof().is_none() && item.public_inputs().is_none());
        }
    }
}

#[test]
fn one_invalid_among_64_is_found_at_its_index() {
    let fx = fixture();
    let verifier = fx.verifier();
    for (index, bad) in [
        (0usize, Bad::TamperA),
        (37, Bad::ChangedInput),
        (63, Bad::OtherSetup),
    ] {
        let mut items = fx.valid_items(64, index as u64);
        items[index] = bad.item(fx, index);
        for mode in Mode::ALL {
            let report = verifier.verify(mode, &items);
            assert_eq!(report.invalid_indices(), vec![index], "{mode}");
            assert_eq!(
                report.verdicts[index],
                Verdict::Invalid(VerifierError::EquationFailed)
            );
        }
        // Bisection: one failed chunk plus O(log n) sub-checks, far below 64.
        let checks = verifier.verify_batch(&items).stats.pairing_checks;
        assert!(checks <= 2 * 6 + 1, "{checks} pairing checks");
    }
}

#[test]
fn several_invalid_at_scattered_indices() {
    let fx = fixture();
    let verifier = fx.verifier();
    let mut items = fx.valid_items(64, 77);
    let bad_at = [
        (2usize, Bad::TamperC),
        (13, Bad::TooFewInputs),
        (14, Bad::SwappedStatement),
        (40, Bad::NotInSubgroupG2Compressed),
        (41, Bad::TamperB),
        (59, Bad::OtherSetup),
    ];
    for (i, bad) in bad_at {
        items[i] = bad.item(fx, i);
    }
    let n = verifier.num_public_inputs();
    for verifier in [verifier.clone(), verifier.clone().with_chunk_size(8)] {
        for mode in Mode::ALL {
            let report = verifier.verify(mode, &items);
            assert_eq!(
                report.invalid_indices(),
                bad_at.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
                "{mode}"
            );
            for (i, bad) in bad_at {
                assert_eq!(report.verdicts[i], Verdict::Invalid(bad.expected(n)));
            }
        }
    }
}

#[test]
fn a_batch_that_is_all_invalid() {
    let fx = fixture();
    let verifier = fx.verifier();
    let items: Vec<Item> = (0..24)
        .map(|k| Bad::ALL[k % Bad::ALL.len()].item(fx, k))
        .collect();
    let n = verifier.num_public_inputs();
    for mode in Mode::ALL {
        let report = verifier.verify(mode, &items);
        assert_eq!(report.stats.invalid, 24, "{mode}");
        for (k, v) in report.verdicts.iter().enumerate() {
            assert_eq!(
                v,
                &Verdict::Invalid(Bad::ALL[k % Bad::ALL.len()].expected(n))
            );
        }
    }
    // All invalid by the equation only.
    let items: Vec<Item> = (0..16).map(|k| Bad::TamperC.item(fx, k)).collect();
    for mode in Mode::ALL {
        assert_eq!(verifier.verify(mode, &items).stats.valid, 0, "{mode}");
    }
}

/// A batch of one valid and one invalid proof never passes as a whole, in
/// either order, for any of the equation-level defects, over many fresh
/// draws of the batch scalars.
#[test]
fn one_valid_and_one_invalid_never_pass_together() {
    let fx = fixture();
    let verifier = fx.verifier();
    let mut rng = rng(21);
    let equation_level = [
        Bad::TamperA,
        Bad::TamperB,
        Bad::TamperC,
        Bad::SwappedStatement,
        Bad::ChangedInput,
        Bad::OtherSetup,
    ];
    for round in 0..4 {
        for bad in equation_level {
            let valid = fx.valid_item(DISTINCT + round, &mut rng);
            let invalid = bad.item(fx, round);
            for (items, bad_index) in [
                (vec![valid.clone(), invalid.clone()], 1),
                (vec![invalid, valid], 0),
            ] {
                let report = verifier.verify_batch(&items);
                assert!(!report.all_valid(), "{bad:?} passed");
                assert_eq!(report.invalid_indices(), vec![bad_index], "{bad:?}");
                // The pair failed as a whole, then was split.
                assert!(report.stats.pairing_checks >= 2);
            }
        }
    }
}

/// The input count is the first rule, even for an item that is also
/// malformed; a statement that does not match its own shape is a defect.
#[test]
fn the_input_count_is_checked_before_anything_else() {
    let fx = fixture();
    let verifier = fx.verifier();
    let n = verifier.num_public_inputs();
    let mut raw: Vec<[u8; 32]> = fx
        .inputs(0)
        .iter()
        .map(ringct_verifier::decode::encode_public_input)
        .collect();
    raw.pop();
    let items = [
        Item::from_bytes(&[0u8; 10], &raw),
        Item::from_bytes(&[0u8; 192], &raw),
        Item::new(Default::default(), fx.inputs(0)[..n - 1].to_vec()),
    ];
    for item in &items {
        assert!(item.defect().is_some());
    }
    for mode in Mode::ALL {
        for v in verifier.verify(mode, &items).verdicts {
            assert_eq!(
                v,
                Verdict::Invalid(VerifierError::InputCountMismatch {
                    expected: n,
                    got: n - 1
                })
            );
        }
    }
    let mut statement = fx.proofs[0].1.clone();
    statement.key_images.pop();
    let item = Item::from_statement(fx.proof(0), &statement);
    assert!(matches!(item.defect(), Some(VerifierError::Statement(_))));
    // Its inputs are one short, so the count rule speaks first.
    assert!(matches!(
        verifier.verify_one(&item),
        Verdict::Invalid(VerifierError::InputCountMismatch { .. })
    ));
    let mut statement = fx.proofs[0].1.clone();
    statement.key_images.push(statement.key_images[0]);
    statement.ring_roots.pop();
    let item = Item::from_statement(fx.proof(0), &statement);
    assert!(matches!(
        verifier.verify_one(&item),
        Verdict::Invalid(VerifierError::Statement(_))
    ));
}

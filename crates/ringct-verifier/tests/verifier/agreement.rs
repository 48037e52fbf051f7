//! Property: batch, parallel and individual modes give identical verdicts
//! (including the broken rule) on random mixes of valid and broken items.

use crate::common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use ringct_verifier::{Item, Mode};

/// `None` is a valid item, `Some(i)` the i-th kind of broken item.
fn mix() -> impl Strategy<Value = Vec<Option<usize>>> {
    let kind = prop_oneof![
        3 => Just(None),
        1 => (0..Bad::ALL.len()).prop_map(Some),
    ];
    proptest::collection::vec(kind, 1..=20)
}

#[test]
fn modes_agree_on_random_mixes() {
    let fx = fixture();
    let verifier = fx.verifier();
    let small_chunks = fx.verifier().with_chunk_size(4);
    let n = verifier.num_public_inputs();
    let config = Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    };
    // Deterministic: the same mixes on every run.
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    runner
        .run(&(mix(), any::<u64>()), |(kinds, seed)| {
            let mut rng = rng(seed);
            let items: Vec<Item> = kinds
                .iter()
                .enumerate()
                .map(|(k, kind)| match kind {
                    None => fx.valid_item(DISTINCT + k, &mut rng),
                    Some(b) => Bad::ALL[*b].item(fx, k),
                })
                .collect();
            let expected: Vec<_> = kinds
                .iter()
                .map(|kind| match kind {
                    None => ringct_verifier::Verdict::Valid,
                    Some(b) => ringct_verifier::Verdict::Invalid(Bad::ALL[*b].expected(n)),
                })
                .collect();
            let individual = verifier.verify(Mode::Individual, &items);
            prop_assert_eq!(&individual.verdicts, &expected);
            for report in [
                verifier.verify(Mode::Parallel, &items),
                verifier.verify(Mode::Batch, &items),
                small_chunks.verify(Mode::Batch, &items),
            ] {
                prop_assert_eq!(&report.verdicts, &individual.verdicts);
                prop_assert_eq!(report.stats.valid, individual.stats.valid);
                prop_assert_eq!(report.stats.invalid, individual.stats.invalid);
            }
            Ok(())
        })
        .unwrap();
}

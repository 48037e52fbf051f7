//! Verifying keys per shape, and counts that do not match the shape: typed errors.

use super::*;

#[test]
fn a_shape_without_a_key_is_a_typed_error() {
    let f = fixture();
    // No verifier at all.
    let (receipts, after, _) = run(SuperVM::new(f.genesis.clone()), &[private(&f.txs[0])]);
    assert_eq!(
        receipts[0].error,
        Some(TxError::NoVerifyingKey { shape: small() })
    );
    assert_eq!(receipts[0].path, Some(Path::Privacy));
    assert!(after == f.genesis);

    // A valid but unconfigured shape, and an invalid one (printing it must not overflow).
    let other: Shape = "1x2-r4".parse().unwrap();
    let invalid = Shape {
        inputs: 1,
        outputs: 1,
        ring_depth: 40,
    };
    let mut a = f.txs[0].clone();
    a.body.shape = other;
    let mut b = f.txs[0].clone();
    b.body.shape = invalid;
    let (receipts, _, _) = run(vm(), &[private(&a), private(&b)]);
    assert_eq!(
        receipts[0].error,
        Some(TxError::NoVerifyingKey { shape: other })
    );
    assert_eq!(
        receipts[1].error,
        Some(TxError::NoVerifyingKey { shape: invalid })
    );
    assert!(!receipts[1].error.as_ref().unwrap().to_string().is_empty());
}

#[test]
fn verifier_configuration_is_checked() {
    let f = fixture();
    let err = SuperVM::new(State::new())
        .with_privacy_verifier(Shape::default(), f.verifier.clone())
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::VerifierShapeMismatch {
            expected: 8,
            key: 5,
            ..
        }
    ));
    let err = SuperVM::new(State::new())
        .with_privacy_verifier(
            Shape {
                inputs: 0,
                outputs: 1,
                ring_depth: 1,
            },
            f.verifier.clone(),
        )
        .unwrap_err();
    assert!(matches!(err, ConfigError::InvalidShape { .. }));
    let vm = vm();
    assert_eq!(vm.privacy_shapes().collect::<Vec<_>>(), vec![small()]);
    assert!(vm.privacy_verifier(&small()).is_some());
}

#[test]
fn counts_that_do_not_match_the_shape_are_typed_errors() {
    let f = fixture();
    let base = &f.txs[0];
    let mut rings = base.clone();
    rings.body.ring_members.push(vec![0, 1, 2, 3]);
    let mut no_rings = base.clone();
    no_rings.body.ring_members.clear();
    let mut ring_size = base.clone();
    ring_size.body.ring_members[0].pop();
    let mut ring_16 = base.clone();
    ring_16.body.ring_members[0] = (0..16).collect();
    let mut kis = base.clone();
    kis.key_images.clear();
    let mut outputs = base.clone();
    outputs.body.outputs.push(outputs.body.outputs[0].clone());
    let mut memo = base.clone();
    memo.body.outputs[0].memo = vec![7; MAX_MEMO_BYTES + 1];
    let mut memo_ok = base.clone();
    memo_ok.body.outputs[0].memo = vec![7; MAX_MEMO_BYTES];

    let block: Vec<Transaction> = [
        &rings, &no_rings, &ring_size, &ring_16, &kis, &outputs, &memo, &memo_ok,
    ]
    .into_iter()
    .map(private)
    .collect();
    let (receipts, after, _) = run(vm(), &block);
    let errors: Vec<Option<TxError>> = receipts.into_iter().map(|r| r.error).collect();
    assert_eq!(
        errors,
        vec![
            Some(TxError::RingCountMismatch {
                expected: 1,
                got: 2
            }),
            Some(TxError::RingCountMismatch {
                expected: 1,
                got: 0
            }),
            Some(TxError::RingSizeMismatch {
                input: 0,
                expected: 4,
                got: 3
            }),
            Some(TxError::RingSizeMismatch {
                input: 0,
                expected: 4,
                got: 16
            }),
            Some(TxError::KeyImageCountMismatch {
                expected: 1,
                got: 0
            }),
            Some(TxError::OutputCountMismatch {
                expected: 1,
                got: 2
            }),
            Some(TxError::MemoTooLong {
                output: 0,
                len: MAX_MEMO_BYTES + 1,
                max: MAX_MEMO_BYTES
            }),
            // Within the limit: it reaches the verifier (and fails there: the memo is bound).
            Some(TxError::InvalidProof {
                reason: VerifierError::EquationFailed
            }),
        ]
    );
    assert!(after == f.genesis);
}

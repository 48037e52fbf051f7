//! The canonical encoding of bodies and private transactions (protocol v2):
//! round trips, one typed error per malformed input, and the test vector of
//! one whole encoded transaction (also in docs/PROTOCOL.md).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::encoding::{field_to_bytes, FIELD_BYTES, KIND_PRIVATE};
use ringct_circuit::*;

fn fr(n: u64) -> Fr {
    Fr::from(n)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The transaction of the test vector: shape 1x1-r4, ring [0, 1, 2, 3],
/// one output (cm 5, memo "memo"), fee 7, key image 9, and proof bytes
/// 0, 1, .., 191 (the encoding does not look inside the proof).
fn vector_tx() -> PrivateTx {
    let mut proof = [0u8; PROOF_LEN];
    for (k, b) in proof.iter_mut().enumerate() {
        *b = k as u8;
    }
    PrivateTx {
        body: TxBody {
            shape: "1x1-r4".parse().unwrap(),
            ring_members: vec![vec![0, 1, 2, 3]],
            outputs: vec![TxOutput {
                commitment: NoteCommitment(fr(5)),
                memo: b"memo".to_vec(),
            }],
            fee: 7,
        },
        key_images: vec![KeyImage(fr(9))],
        proof,
    }
}

#[test]
fn the_vector_transaction_encodes_as_documented() {
    let tx = vector_tx();
    let bytes = tx.to_bytes().unwrap();
    // Written out field by field.
    let mut want = vec![2u8, 1]; // version, kind
    want.extend([2u8, 1, 1, 1]); // body: version, m, n, d
    for i in 0u64..4 {
        want.extend(i.to_le_bytes());
    }
    want.extend(field_to_bytes(&fr(5)));
    want.extend(4u16.to_le_bytes());
    want.extend(b"memo");
    want.extend(7u64.to_le_bytes());
    want.extend(field_to_bytes(&fr(9)));
    want.extend(0..=191u8);
    assert_eq!(bytes, want);
    assert_eq!(bytes.len(), 2 + 4 + 32 + 32 + 2 + 4 + 8 + 32 + 192);
    // The body bytes are a substring of the transaction bytes.
    assert_eq!(&bytes[2..2 + 82], &tx.body.to_bytes().unwrap()[..]);
    assert_eq!(PrivateTx::from_bytes(&bytes).unwrap(), tx);
}

/// Also listed in docs/PROTOCOL.md.
#[test]
fn test_vectors() {
    let tx = vector_tx();
    let bytes = tx.to_bytes().unwrap();
    let blake = blake2b_simd::Params::new().hash_length(32).hash(&bytes);
    assert_eq!(
        hex(blake.as_bytes()),
        "33e6d5aaa6330ae15dae11d73d69a84dea255fb00deb100ef3704a01ac6c90bf",
        "BLAKE2b-256 (no personalisation) of the encoded vector transaction"
    );
    assert_eq!(
        tx.id().unwrap().to_string(),
        "6528f17012cdb8b35c36b9c07dde6424e0c3f3dcafa405b725480659bfee3663",
        "id of the vector transaction"
    );
}

#[test]
fn ids_ignore_the_proof_and_cover_everything_else() {
    let tx = vector_tx();
    let id = tx.id().unwrap();
    let mut rerandomised = tx.clone();
    rerandomised.proof[17] ^= 0xff;
    assert_eq!(
        rerandomised.id().unwrap(),
        id,
        "proof bytes are not part of an id"
    );
    let mut other = tx.clone();
    other.key_images[0] = KeyImage(fr(10));
    assert_ne!(other.id().unwrap(), id);
    let mut other = tx.clone();
    other.body.fee += 1;
    assert_ne!(other.id().unwrap(), id);
    let mut other = tx.clone();
    other.body.outputs[0].memo.push(0);
    assert_ne!(other.id().unwrap(), id);
    // Text form round trips; anything but 64 hex digits is refused.
    assert_eq!(id.to_string().parse::<TxId>().unwrap(), id);
    assert_eq!(id.to_string().to_uppercase().parse::<TxId>().unwrap(), id);
    for bad in [
        "",
        "00",
        &"0".repeat(63),
        &"0".repeat(65),
        &"g".repeat(64),
        &"+f".repeat(32),
    ] {
        assert!(
            matches!(bad.parse::<TxId>(), Err(CircuitError::MalformedTxId(_))),
            "{bad:?}"
        );
    }
    let nonascii = format!("é{}", "0".repeat(62));
    assert!(nonascii.parse::<TxId>().is_err());
}

fn random_tx(shape: Shape, rng: &mut ChaCha20Rng) -> PrivateTx {
    let mut proof = [0u8; PROOF_LEN];
    rng.fill(&mut proof[..]);
    PrivateTx {
        body: TxBody {
            shape,
            ring_members: (0..shape.inputs)
                .map(|_| (0..shape.ring_size()).map(|_| rng.gen()).collect())
                .collect(),
            outputs: (0..shape.outputs)
                .map(|_| {
                    let len = rng.gen_range(0..=MAX_MEMO_BYTES);
                    TxOutput {
                        commitment: NoteCommitment(ark_std::UniformRand::rand(rng)),
                        memo: (0..len).map(|_| rng.gen()).collect(),
                    }
                })
                .collect(),
            fee: rng.gen(),
        },
        key_images: (0..shape.inputs)
            .map(|_| KeyImage(ark_std::UniformRand::rand(rng)))
            .collect(),
        proof,
    }
}

#[test]
fn random_transactions_round_trip() {
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    for text in ["1x1-r4", "2x2-r16", "1x2-r64", "4x3-r4", "16x16-r4"] {
        let shape: Shape = text.parse().unwrap();
        for _ in 0..4 {
            let tx = random_tx(shape, &mut rng);
            let bytes = tx.to_bytes().unwrap();
            assert_eq!(PrivateTx::from_bytes(&bytes).unwrap(), tx, "{text}");
            let body = tx.body.to_bytes().unwrap();
            assert_eq!(TxBody::from_bytes(&body).unwrap(), tx.body, "{text}");
        }
    }
}

/// Offsets in the vector transaction's bytes.
const BODY: usize = 2;
const RING: usize = BODY + 4;
const CM: usize = RING + 32;
const MEMO_LEN: usize = CM + 32;
const FEE: usize = MEMO_LEN + 2 + 4;
const KI: usize = FEE + 8;
const PROOF: usize = KI + 32;

fn decode_with(f: impl FnOnce(&mut Vec<u8>)) -> CircuitError {
    let mut bytes = vector_tx().to_bytes().unwrap();
    f(&mut bytes);
    PrivateTx::from_bytes(&bytes).unwrap_err()
}

#[test]
fn every_malformed_transaction_gets_its_own_typed_error() {
    use CircuitError::*;
    let r = &field_to_bytes(&-fr(1)); // r - 1; r itself is one more
    let mut modulus = *r;
    modulus[0] += 1;
    let cases: Vec<(&str, CircuitError, CircuitError)> = vec![
        (
            "empty",
            decode_with(|b| b.clear()),
            EncodingTruncated {
                field: "version",
                offset: 0,
            },
        ),
        (
            "version 1",
            decode_with(|b| b[0] = 1),
            EncodingVersion {
                found: 1,
                supported: 2,
            },
        ),
        (
            "body version 3",
            decode_with(|b| b[BODY] = 3),
            EncodingVersion {
                found: 3,
                supported: 2,
            },
        ),
        (
            "unknown kind",
            decode_with(|b| b[1] = 0),
            EncodingKind { found: 0 },
        ),
        (
            "only the header",
            decode_with(|b| b.truncate(2)),
            EncodingTruncated {
                field: "version",
                offset: 2,
            },
        ),
        (
            "zero inputs",
            decode_with(|b| b[BODY + 1] = 0),
            InputCountOutOfRange(0),
        ),
        (
            "17 outputs",
            decode_with(|b| b[BODY + 2] = 17),
            OutputCountOutOfRange(17),
        ),
        (
            "ring depth 0",
            decode_with(|b| b[BODY + 3] = 0),
            RingDepthOutOfRange(0),
        ),
        (
            "ring depth 17",
            decode_with(|b| b[BODY + 3] = 17),
            RingDepthOutOfRange(17),
        ),
        (
            // A shape that claims 4^16 members per ring: refused before any allocation.
            "ring depth 16 with few bytes",
            decode_with(|b| b[BODY + 3] = 16),
            EncodingTruncated {
                field: "ring members",
                offset: RING,
            },
        ),
        (
            "ring cut",
            decode_with(|b| b.truncate(RING + 20)),
            EncodingTruncated {
                field: "ring members",
                offset: RING,
            },
        ),
        (
            "commitment cut",
            decode_with(|b| b.truncate(CM + 31)),
            EncodingTruncated {
                field: "output commitment",
                offset: CM,
            },
        ),
        (
            "commitment = r",
            decode_with(|b| b[CM..CM + 32].copy_from_slice(&modulus)),
            NonCanonicalField {
                field: "output commitment",
                offset: CM,
            },
        ),
        (
            "commitment all ones",
            decode_with(|b| b[CM..CM + 32].fill(0xff)),
            NonCanonicalField {
                field: "output commitment",
                offset: CM,
            },
        ),
        (
            "memo length cut",
            decode_with(|b| b.truncate(MEMO_LEN + 1)),
            EncodingTruncated {
                field: "memo length",
                offset: MEMO_LEN,
            },
        ),
        (
            "memo longer than the bound",
            decode_with(|b| b[MEMO_LEN..MEMO_LEN + 2].copy_from_slice(&1025u16.to_le_bytes())),
            MemoTooLong {
                output: 0,
                len: 1025,
                max: MAX_MEMO_BYTES,
            },
        ),
        (
            "memo longer than the input",
            decode_with(|b| b[MEMO_LEN..MEMO_LEN + 2].copy_from_slice(&1024u16.to_le_bytes())),
            EncodingTruncated {
                field: "memo",
                offset: MEMO_LEN + 2,
            },
        ),
        (
            "fee cut",
            decode_with(|b| b.truncate(FEE + 7)),
            EncodingTruncated {
                field: "fee",
                offset: FEE,
            },
        ),
        (
            "key image cut",
            decode_with(|b| b.truncate(KI + 1)),
            EncodingTruncated {
                field: "key image",
                offset: KI,
            },
        ),
        (
            "key image = r",
            decode_with(|b| b[KI..KI + 32].copy_from_slice(&modulus)),
            NonCanonicalField {
                field: "key image",
                offset: KI,
            },
        ),
        (
            "proof of 191 bytes",
            decode_with(|b| {
                b.pop();
            }),
            EncodingTruncated {
                field: "proof",
                offset: PROOF,
            },
        ),
        (
            "a trailing byte",
            decode_with(|b| b.push(0)),
            EncodingTrailingBytes {
                offset: PROOF + 192,
                extra: 1,
            },
        ),
        (
            "an uncompressed-size proof",
            decode_with(|b| b.extend([0u8; 192])),
            EncodingTrailingBytes {
                offset: PROOF + 192,
                extra: 192,
            },
        ),
    ];
    for (name, got, want) in cases {
        assert_eq!(got, want, "{name}");
    }
    // r - 1 is canonical.
    let mut bytes = vector_tx().to_bytes().unwrap();
    bytes[KI..KI + 32].copy_from_slice(r);
    assert_eq!(
        PrivateTx::from_bytes(&bytes).unwrap().key_images[0],
        KeyImage(-fr(1))
    );
}

#[test]
fn every_cut_of_a_valid_encoding_is_refused_without_panicking() {
    let bytes = vector_tx().to_bytes().unwrap();
    for len in 0..bytes.len() {
        assert!(
            matches!(
                PrivateTx::from_bytes(&bytes[..len]),
                Err(CircuitError::EncodingTruncated { .. })
            ),
            "cut at {len}"
        );
    }
    let body = vector_tx().body.to_bytes().unwrap();
    for len in 0..body.len() {
        assert!(
            TxBody::from_bytes(&body[..len]).is_err(),
            "body cut at {len}"
        );
    }
    let mut long = body.clone();
    long.push(1);
    assert_eq!(
        TxBody::from_bytes(&long).unwrap_err(),
        CircuitError::EncodingTrailingBytes {
            offset: body.len(),
            extra: 1
        }
    );
}

#[test]
fn transactions_that_do_not_match_their_shape_have_no_encoding() {
    let mut tx = vector_tx();
    tx.key_images.push(KeyImage(fr(1)));
    assert_eq!(
        tx.to_bytes().unwrap_err(),
        CircuitError::KeyImageCountMismatch {
            expected: 1,
            got: 2
        }
    );
    assert!(tx.id().is_err());
    let mut tx = vector_tx();
    tx.body.ring_members[0].pop();
    assert!(matches!(
        tx.to_bytes().unwrap_err(),
        CircuitError::RingSizeMismatch {
            input: 0,
            expected: 4,
            got: 3
        }
    ));
    assert_eq!(FIELD_BYTES, 32);
    assert_eq!(KIND_PRIVATE, 1);
    assert_eq!(PROTOCOL_VERSION, 2);
}

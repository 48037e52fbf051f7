//! Canonical bytes and ids of public transactions, and of `Transaction` of either kind:
//! round trips (seeded random transactions), one typed error per broken rule, truncation
//! at every offset, id sensitivity and domain separation, and the test vector of
//! docs/PROTOCOL.md (computed independently with Python's hashlib).

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use ringct_circuit::{CircuitError, Fr, KeyImage};
use supervm_runtime::encoding::KIND_PRIVATE;
use supervm_runtime::{
    Address, DecodeError, Instruction, NoteCommitment, ObjectId, ObjectRef, PrivateTx, Program,
    PublicTx, Transaction, TxBody, TxOutput, KIND_PUBLIC, MAX_INSTRUCTIONS, MAX_PUBLIC_OBJECTS,
    MAX_WRITE_BYTES, PRIVATE_PROOF_LEN, PROTOCOL_VERSION,
};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn blake2b_256(personal: &[u8; 16], bytes: &[u8]) -> String {
    let hash = blake2b_simd::Params::new()
        .hash_length(32)
        .personal(personal)
        .hash(bytes);
    hex(hash.as_bytes())
}

/// The public transaction of the test vector.
fn vector_tx() -> PublicTx {
    let (a, b) = (ObjectId::from_u64(1), ObjectId::from_u64(2));
    PublicTx {
        sender: Address::from_u64(0xA),
        objects: vec![ObjectRef::any(a), ObjectRef::at(b, 7)],
        program: Program::new(vec![
            Instruction::Transfer {
                from: a,
                to: b,
                amount: 40,
            },
            Instruction::Write {
                object: b,
                data: b"hi".to_vec(),
            },
            Instruction::Alloc { bytes: 64 },
            Instruction::Burn { units: 5 },
        ]),
    }
}

/// Offsets of the fields in `vector_tx`'s bytes.
mod at {
    pub const KIND: usize = 1;
    pub const N_OBJECTS: usize = 34;
    /// The flag of object 0.
    pub const FLAG_0: usize = 36 + 32;
    /// The flag of object 1.
    pub const FLAG_1: usize = FLAG_0 + 1 + 32;
    pub const N_INSTR: usize = FLAG_1 + 1 + 8;
    /// The tag of instruction 0 (Transfer).
    pub const TAG_0: usize = N_INSTR + 2;
    /// The tag of instruction 1 (Write).
    pub const TAG_1: usize = TAG_0 + 1 + 32 + 32 + 8;
    /// The length of instruction 1's data.
    pub const WRITE_LEN: usize = TAG_1 + 1 + 32;
    /// The tag of instruction 3 (Burn).
    pub const TAG_3: usize = WRITE_LEN + 4 + 2 + 1 + 8;
}

/// A private transaction with arbitrary proof bytes (encoding does not look inside).
fn private_tx() -> PrivateTx {
    let mut proof = [0u8; PRIVATE_PROOF_LEN];
    for (k, b) in proof.iter_mut().enumerate() {
        *b = k as u8;
    }
    PrivateTx {
        body: TxBody {
            shape: "1x1-r4".parse().unwrap(),
            ring_members: vec![vec![0, 1, 2, 3]],
            outputs: vec![TxOutput {
                commitment: NoteCommitment(Fr::from(5u64)),
                memo: b"memo".to_vec(),
            }],
            fee: 7,
        },
        key_images: vec![KeyImage(Fr::from(9u64))],
        proof,
    }
}

/// `bytes` with byte `at` set to `value`.
fn with(bytes: &[u8], at: usize, value: u8) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] = value;
    b
}

/// `bytes` with the little-endian `u16` at `at` set to `value`.
fn with_u16(bytes: &[u8], at: usize, value: u16) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at..at + 2].copy_from_slice(&value.to_le_bytes());
    b
}

// ------------------------------------------------------------------ the vector

/// Also listed in docs/PROTOCOL.md ("Public transactions"). The expected values were
/// computed with Python: `hashlib.blake2b(data, digest_size=32, person=b"SuperVM-pub-txid")`.
#[test]
fn the_vector_transaction_encodes_and_hashes_as_documented() {
    let tx = vector_tx();
    let bytes = tx.to_bytes().unwrap();
    assert_eq!(
        hex(&bytes),
        concat!(
            "0202000000000000000000000000000000000000000000000000000000000000000a020000000000",
            "00000000000000000000000000000000000000000000000000000001000000000000000000000000",
            "00000000000000000000000000000000000000000201070000000000000004000000000000000000",
            "00000000000000000000000000000000000000000000000001000000000000000000000000000000",
            "00000000000000000000000000000000022800000000000000010000000000000000000000000000",
            "00000000000000000000000000000000000202000000686902400000000000000003050000000000",
            "0000",
        )
    );
    assert_eq!(bytes.len(), 242);
    assert_eq!(
        blake2b_256(&[0; 16], &bytes),
        "1dbbe7297d5521c240d56a614cafaaf6a2c6d1275e1cf991b605b70e8a7bb535",
        "BLAKE2b-256 (no personalisation) of the bytes"
    );
    let id = tx.id().unwrap();
    assert_eq!(
        id.to_string(),
        "30e138ee76827f2a2de288884e8fa462847a58e9d02ff6358e88032076a427d4"
    );
    assert_eq!(Transaction::Public(tx.clone()).id().unwrap(), id);
    assert_eq!(PublicTx::from_bytes(&bytes).unwrap(), tx);
    // The field offsets the rejection tests rely on.
    assert_eq!(bytes[at::KIND], KIND_PUBLIC);
    assert_eq!(bytes[at::N_OBJECTS], 2);
    assert_eq!((bytes[at::FLAG_0], bytes[at::FLAG_1]), (0, 1));
    assert_eq!(bytes[at::N_INSTR], 4);
    assert_eq!((bytes[at::TAG_0], bytes[at::TAG_1]), (0, 1));
    assert_eq!(bytes[at::WRITE_LEN], 2);
    assert_eq!(bytes[at::TAG_3], 3);
}

// ------------------------------------------------------------------ round trips

fn arb_object_ref() -> impl Strategy<Value = ObjectRef> {
    (any::<[u8; 32]>(), any::<Option<u64>>()).prop_map(|(id, v)| ObjectRef {
        id: ObjectId(id),
        expected_version: v,
    })
}

fn arb_instruction() -> impl Strategy<Value = Instruction> {
    let id = || any::<[u8; 32]>().prop_map(ObjectId);
    prop_oneof![
        (id(), id(), any::<u64>()).prop_map(|(from, to, amount)| Instruction::Transfer {
            from,
            to,
            amount
        }),
        (id(), proptest::collection::vec(any::<u8>(), 0..48))
            .prop_map(|(object, data)| Instruction::Write { object, data }),
        any::<u64>().prop_map(|bytes| Instruction::Alloc { bytes }),
        any::<u64>().prop_map(|units| Instruction::Burn { units }),
    ]
}

fn arb_public_tx() -> impl Strategy<Value = PublicTx> {
    (
        any::<[u8; 32]>(),
        proptest::collection::vec(arb_object_ref(), 0..8),
        proptest::collection::vec(arb_instruction(), 0..12),
    )
        .prop_map(|(sender, objects, program)| PublicTx {
            sender: Address(sender),
            objects,
            program: Program::new(program),
        })
}

/// Deterministic: the same cases on every run.
fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

#[test]
fn random_public_transactions_round_trip() {
    runner(256)
        .run(&arb_public_tx(), |tx| {
            let bytes = tx.to_bytes().unwrap();
            prop_assert_eq!(PublicTx::from_bytes(&bytes).unwrap(), tx.clone());
            let any = Transaction::from_bytes(&bytes).unwrap();
            prop_assert_eq!(&any, &Transaction::Public(tx.clone()));
            prop_assert_eq!(any.to_bytes().unwrap(), bytes.clone());
            prop_assert_eq!(any.id().unwrap(), tx.id().unwrap());
            Ok(())
        })
        .unwrap();
}

#[test]
fn edited_bytes_are_refused_or_canonical() {
    // One byte changed, inserted or removed: the decoder refuses, or what it accepts
    // re-encodes to exactly those bytes (one meaning per byte string). Never a panic.
    let edits = (
        arb_public_tx(),
        any::<prop::sample::Index>(),
        any::<u8>(),
        0..3u8,
    );
    let accepted = std::cell::Cell::new(0u32);
    runner(512)
        .run(&edits, |(tx, index, byte, op)| {
            let mut bytes = tx.to_bytes().unwrap();
            let i = index.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => {
                    bytes.remove(i);
                }
            }
            if let Ok(decoded) = PublicTx::from_bytes(&bytes) {
                prop_assert_eq!(decoded.to_bytes().unwrap(), bytes.clone());
                accepted.set(accepted.get() + 1);
            }
            if let Ok(any) = Transaction::from_bytes(&bytes) {
                prop_assert_eq!(any.to_bytes().unwrap(), bytes);
            }
            Ok(())
        })
        .unwrap();
    // Changing a value (not a count, tag or flag) keeps the bytes decodable: the property
    // above was checked on accepted inputs, not only on refusals.
    let accepted = accepted.get();
    assert!(accepted > 50, "only {accepted} edited inputs decoded");
}

#[test]
fn a_private_transaction_round_trips_through_transaction() {
    let tx = private_tx();
    let bytes = tx.to_bytes().unwrap();
    assert_eq!(bytes[1], KIND_PRIVATE);
    let any = Transaction::from_bytes(&bytes).unwrap();
    assert_eq!(any, Transaction::from(tx.clone()));
    assert_eq!(any.to_bytes().unwrap(), bytes);
    assert_eq!(any.id().unwrap(), tx.id().unwrap());
}

#[test]
fn the_bounds_round_trip_at_the_limit() {
    let id = ObjectId::from_u64(1);
    let tx = PublicTx {
        sender: Address::from_u64(1),
        objects: vec![ObjectRef::at(id, u64::MAX); MAX_PUBLIC_OBJECTS],
        program: Program::new(
            std::iter::once(Instruction::Write {
                object: id,
                data: vec![0xab; MAX_WRITE_BYTES],
            })
            .chain(std::iter::repeat(Instruction::Burn { units: 1 }).take(MAX_INSTRUCTIONS - 1))
            .collect(),
        ),
    };
    let bytes = tx.to_bytes().unwrap();
    assert_eq!(PublicTx::from_bytes(&bytes).unwrap(), tx);
}

// ------------------------------------------------------------------ rejections

#[test]
fn every_truncation_is_a_typed_error() {
    let public = vector_tx().to_bytes().unwrap();
    for len in 0..public.len() {
        let cut = &public[..len];
        for err in [
            PublicTx::from_bytes(cut).unwrap_err(),
            Transaction::from_bytes(cut).unwrap_err(),
        ] {
            assert!(
                matches!(err, DecodeError::Truncated { .. }),
                "cut at {len}: {err:?}"
            );
        }
    }
    // The field named is the one cut.
    let field = |len: usize| match PublicTx::from_bytes(&public[..len]) {
        Err(DecodeError::Truncated { field }) => field,
        other => panic!("cut at {len}: {other:?}"),
    };
    assert_eq!(field(0), "version");
    assert_eq!(field(1), "kind");
    assert_eq!(field(2), "sender");
    assert_eq!(field(at::N_OBJECTS + 1), "object count");
    assert_eq!(field(at::FLAG_0), "object version flag");
    assert_eq!(field(at::FLAG_1 + 3), "object version");
    assert_eq!(field(at::TAG_0), "instruction tag");
    assert_eq!(field(at::TAG_1 + 1 + 32 + 4 + 1), "write data");
    assert_eq!(field(public.len() - 1), "burn units");

    let private = private_tx().to_bytes().unwrap();
    for len in 0..private.len() {
        let err = Transaction::from_bytes(&private[..len]).unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::Truncated { .. }
                    | DecodeError::Private(CircuitError::EncodingTruncated { .. })
            ),
            "cut at {len}: {err:?}"
        );
    }
}

#[test]
fn a_wrong_version_or_kind_is_refused() {
    let public = vector_tx().to_bytes().unwrap();
    let private = private_tx().to_bytes().unwrap();
    for bytes in [&public, &private] {
        for version in [0, 1, 3, 0xff] {
            let bad = with(bytes, 0, version);
            assert_eq!(
                Transaction::from_bytes(&bad),
                Err(DecodeError::Version { got: version })
            );
        }
        for kind in [0, 3, 0xff] {
            let bad = with(bytes, at::KIND, kind);
            assert_eq!(
                Transaction::from_bytes(&bad),
                Err(DecodeError::Kind { got: kind })
            );
        }
    }
    assert_eq!(
        PublicTx::from_bytes(&with(&public, 0, 1)),
        Err(DecodeError::Version { got: 1 })
    );
    // The public decoder takes only public transactions.
    assert_eq!(
        PublicTx::from_bytes(&private),
        Err(DecodeError::Kind { got: KIND_PRIVATE })
    );
    // Public bytes labelled private go to the private decoder, which refuses them.
    assert!(matches!(
        Transaction::from_bytes(&with(&public, at::KIND, KIND_PRIVATE)),
        Err(DecodeError::Private(_))
    ));
    assert_eq!(PROTOCOL_VERSION, 2);
}

#[test]
fn trailing_bytes_are_refused() {
    let mut public = vector_tx().to_bytes().unwrap();
    public.push(0);
    assert_eq!(
        PublicTx::from_bytes(&public),
        Err(DecodeError::TrailingBytes { extra: 1 })
    );
    public.extend([1, 2, 3]);
    assert_eq!(
        Transaction::from_bytes(&public),
        Err(DecodeError::TrailingBytes { extra: 4 })
    );
    let mut private = private_tx().to_bytes().unwrap();
    private.push(0);
    assert!(matches!(
        Transaction::from_bytes(&private),
        Err(DecodeError::Private(CircuitError::EncodingTrailingBytes {
            extra: 1,
            ..
        }))
    ));
}

#[test]
fn counts_past_the_bounds_are_refused_before_reading_further() {
    let public = vector_tx().to_bytes().unwrap();
    for n in [MAX_PUBLIC_OBJECTS as u16 + 1, u16::MAX] {
        // The count alone decides: the input ends right after it.
        let bad = with_u16(&public, at::N_OBJECTS, n);
        let cut = &bad[..at::N_OBJECTS + 2];
        let want = DecodeError::TooManyObjects {
            got: usize::from(n),
            max: MAX_PUBLIC_OBJECTS,
        };
        assert_eq!(PublicTx::from_bytes(cut), Err(want.clone()));
        assert_eq!(Transaction::from_bytes(&bad), Err(want));
    }
    for n in [MAX_INSTRUCTIONS as u16 + 1, u16::MAX] {
        let bad = with_u16(&public, at::N_INSTR, n);
        let want = DecodeError::TooManyInstructions {
            got: usize::from(n),
            max: MAX_INSTRUCTIONS,
        };
        assert_eq!(
            PublicTx::from_bytes(&bad[..at::N_INSTR + 2]),
            Err(want.clone())
        );
        assert_eq!(PublicTx::from_bytes(&bad), Err(want));
    }
    // A count within the bound that the input cannot hold is a truncation, found without
    // allocating for the claimed count.
    let bad = with_u16(&public, at::N_OBJECTS, MAX_PUBLIC_OBJECTS as u16);
    assert_eq!(
        PublicTx::from_bytes(&bad[..at::N_OBJECTS + 2]),
        Err(DecodeError::Truncated { field: "object id" })
    );
    let bad = with_u16(&public, at::N_INSTR, MAX_INSTRUCTIONS as u16);
    assert_eq!(
        PublicTx::from_bytes(&bad),
        Err(DecodeError::Truncated {
            field: "instruction tag"
        })
    );
}

#[test]
fn a_write_past_the_bound_is_refused_before_its_data_is_read() {
    let public = vector_tx().to_bytes().unwrap();
    for len in [MAX_WRITE_BYTES as u32 + 1, u32::MAX] {
        let mut bad = public.clone();
        bad[at::WRITE_LEN..at::WRITE_LEN + 4].copy_from_slice(&len.to_le_bytes());
        let want = DecodeError::WriteTooLong {
            instruction: 1,
            len: u64::from(len),
            max: MAX_WRITE_BYTES,
        };
        assert_eq!(PublicTx::from_bytes(&bad), Err(want.clone()));
        assert_eq!(PublicTx::from_bytes(&bad[..at::WRITE_LEN + 4]), Err(want));
    }
    // Within the bound but longer than the input: a truncation.
    let mut bad = public.clone();
    bad[at::WRITE_LEN..at::WRITE_LEN + 4].copy_from_slice(&(MAX_WRITE_BYTES as u32).to_le_bytes());
    assert_eq!(
        PublicTx::from_bytes(&bad),
        Err(DecodeError::Truncated {
            field: "write data"
        })
    );
}

#[test]
fn a_bad_version_flag_or_instruction_tag_is_refused() {
    let public = vector_tx().to_bytes().unwrap();
    for flag in [2, 0x80, 0xff] {
        assert_eq!(
            PublicTx::from_bytes(&with(&public, at::FLAG_0, flag)),
            Err(DecodeError::BadVersionFlag {
                object: 0,
                got: flag
            })
        );
        assert_eq!(
            Transaction::from_bytes(&with(&public, at::FLAG_1, flag)),
            Err(DecodeError::BadVersionFlag {
                object: 1,
                got: flag
            })
        );
    }
    for tag in [4, 0x7f, 0xff] {
        assert_eq!(
            PublicTx::from_bytes(&with(&public, at::TAG_0, tag)),
            Err(DecodeError::UnknownInstruction {
                instruction: 0,
                tag
            })
        );
        assert_eq!(
            PublicTx::from_bytes(&with(&public, at::TAG_3, tag)),
            Err(DecodeError::UnknownInstruction {
                instruction: 3,
                tag
            })
        );
    }
}

#[test]
fn the_encoder_refuses_what_the_decoder_refuses() {
    let id = ObjectId::from_u64(1);
    let base = PublicTx {
        sender: Address::from_u64(1),
        objects: vec![],
        program: Program::new(vec![]),
    };
    let mut objects = base.clone();
    objects.objects = vec![ObjectRef::any(id); MAX_PUBLIC_OBJECTS + 1];
    let mut instructions = base.clone();
    instructions.program = Program::new(vec![Instruction::Burn { units: 0 }; MAX_INSTRUCTIONS + 1]);
    let mut write = base.clone();
    write.program = Program::new(vec![
        Instruction::Burn { units: 0 },
        Instruction::Write {
            object: id,
            data: vec![0; MAX_WRITE_BYTES + 1],
        },
    ]);
    let cases = [
        (
            objects,
            DecodeError::TooManyObjects {
                got: MAX_PUBLIC_OBJECTS + 1,
                max: MAX_PUBLIC_OBJECTS,
            },
        ),
        (
            instructions,
            DecodeError::TooManyInstructions {
                got: MAX_INSTRUCTIONS + 1,
                max: MAX_INSTRUCTIONS,
            },
        ),
        (
            write,
            DecodeError::WriteTooLong {
                instruction: 1,
                len: MAX_WRITE_BYTES as u64 + 1,
                max: MAX_WRITE_BYTES,
            },
        ),
    ];
    for (tx, want) in cases {
        assert_eq!(tx.to_bytes(), Err(want.clone()));
        assert_eq!(tx.id(), Err(want.clone()));
        let any = Transaction::Public(tx);
        assert_eq!(any.to_bytes(), Err(want.clone()));
        assert_eq!(any.id(), Err(want));
    }
    assert!(base.to_bytes().is_ok());
}

#[test]
fn a_private_transaction_without_canonical_bytes_is_a_typed_error() {
    let mut tx = private_tx();
    tx.key_images.push(KeyImage(Fr::from(10u64)));
    let want = DecodeError::Private(CircuitError::KeyImageCountMismatch {
        expected: 1,
        got: 2,
    });
    let any = Transaction::from(tx);
    assert_eq!(any.to_bytes(), Err(want.clone()));
    assert_eq!(any.id(), Err(want));
    // An unconfigurable shape in private bytes.
    let mut bytes = private_tx().to_bytes().unwrap();
    bytes[3] = 0; // body: m = 0
    assert_eq!(
        Transaction::from_bytes(&bytes),
        Err(DecodeError::Private(CircuitError::InputCountOutOfRange(0)))
    );
}

#[test]
fn messages_name_the_field_and_the_bound() {
    let cases = [
        (DecodeError::Truncated { field: "sender" }, vec!["sender"]),
        (DecodeError::TrailingBytes { extra: 3 }, vec!["3"]),
        (DecodeError::Version { got: 9 }, vec!["9", "2"]),
        (DecodeError::Kind { got: 7 }, vec!["7", "1", "2"]),
        (
            DecodeError::TooManyObjects { got: 300, max: 256 },
            vec!["300", "256", "object"],
        ),
        (
            DecodeError::TooManyInstructions {
                got: 2000,
                max: 1024,
            },
            vec!["2000", "1024", "instruction"],
        ),
        (
            DecodeError::WriteTooLong {
                instruction: 4,
                len: 2_000_000,
                max: MAX_WRITE_BYTES,
            },
            vec!["instruction 4", "2000000", "1048576", "Write"],
        ),
        (
            DecodeError::BadVersionFlag { object: 5, got: 2 },
            vec!["object 5", "flag", "2"],
        ),
        (
            DecodeError::UnknownInstruction {
                instruction: 6,
                tag: 9,
            },
            vec!["instruction 6", "tag 9"],
        ),
    ];
    for (err, parts) in cases {
        let msg = err.to_string();
        for part in parts {
            assert!(msg.contains(part), "{msg:?} lacks {part:?}");
        }
    }
}

// ------------------------------------------------------------------ ids

#[test]
fn ids_differ_when_any_field_differs() {
    let base = vector_tx();
    let (a, b, c) = (
        ObjectId::from_u64(1),
        ObjectId::from_u64(2),
        ObjectId::from_u64(3),
    );
    let mut variants: Vec<PublicTx> = vec![base.clone()];
    let mut edit = |f: &dyn Fn(&mut PublicTx)| {
        let mut tx = base.clone();
        f(&mut tx);
        assert_ne!(tx, base);
        variants.push(tx);
    };
    let set = |tx: &mut PublicTx, i: usize, instruction: Instruction| {
        let mut program = tx.program.instructions().to_vec();
        program[i] = instruction;
        tx.program = Program::new(program);
    };
    edit(&|tx| tx.sender = Address::from_u64(0xB));
    edit(&|tx| tx.objects[0].id = c);
    edit(&|tx| tx.objects[0] = ObjectRef::at(a, 0));
    edit(&|tx| tx.objects[1] = ObjectRef::any(b));
    edit(&|tx| tx.objects[1].expected_version = Some(8));
    edit(&|tx| tx.objects.push(ObjectRef::any(c)));
    edit(&|tx| tx.objects.swap(0, 1));
    edit(&|tx| tx.objects.clear());
    let transfer = |from, to, amount| Instruction::Transfer { from, to, amount };
    edit(&|tx| set(tx, 0, transfer(c, b, 40)));
    edit(&|tx| set(tx, 0, transfer(a, c, 40)));
    edit(&|tx| set(tx, 0, transfer(a, b, 41)));
    edit(&|tx| {
        set(
            tx,
            1,
            Instruction::Write {
                object: a,
                data: b"hi".to_vec(),
            },
        )
    });
    edit(&|tx| {
        set(
            tx,
            1,
            Instruction::Write {
                object: b,
                data: b"ho".to_vec(),
            },
        )
    });
    edit(&|tx| {
        set(
            tx,
            1,
            Instruction::Write {
                object: b,
                data: b"hi!".to_vec(),
            },
        )
    });
    edit(&|tx| {
        set(
            tx,
            1,
            Instruction::Write {
                object: b,
                data: vec![],
            },
        )
    });
    edit(&|tx| set(tx, 2, Instruction::Alloc { bytes: 65 }));
    edit(&|tx| set(tx, 2, Instruction::Burn { units: 64 })); // same number, other tag
    edit(&|tx| set(tx, 3, Instruction::Burn { units: 6 }));
    edit(&|tx| tx.program = Program::new(tx.program.instructions()[..3].to_vec()));
    edit(&|tx| tx.program = Program::new(vec![]));
    let ids: Vec<_> = variants.iter().map(|tx| tx.id().unwrap()).collect();
    for (i, x) in ids.iter().enumerate() {
        for (j, y) in ids.iter().enumerate().skip(i + 1) {
            assert_ne!(x, y, "variants {i} and {j} share an id");
        }
    }
    // The id is a function of the transaction: equal transactions, equal ids.
    assert_eq!(vector_tx().id().unwrap(), ids[0]);
}

#[test]
fn public_and_private_ids_are_domain_separated() {
    // Each kind's id is its own personalisation over its own bytes; hashing either with
    // the other's personalisation gives another value.
    let public = vector_tx();
    let bytes = public.to_bytes().unwrap();
    assert_eq!(
        public.id().unwrap().to_string(),
        blake2b_256(b"SuperVM-pub-txid", &bytes)
    );
    assert_ne!(
        public.id().unwrap().to_string(),
        blake2b_256(b"SuperVM-RCT-txid", &bytes)
    );
    // Independently computed with Python (person=b"SuperVM-RCT-txid" over the same bytes).
    assert_eq!(
        blake2b_256(b"SuperVM-RCT-txid", &bytes),
        "f6b2eae1144ea4e55d7560a3e27513c5114a0739128be01599b7dd96d326772e"
    );

    let private = private_tx();
    let mut unproven = private.to_bytes().unwrap();
    unproven.truncate(unproven.len() - PRIVATE_PROOF_LEN);
    let id = Transaction::from(private).id().unwrap();
    assert_eq!(id.to_string(), blake2b_256(b"SuperVM-RCT-txid", &unproven));
    assert_ne!(id.to_string(), blake2b_256(b"SuperVM-pub-txid", &unproven));
    assert_eq!(
        supervm_runtime::PUBLIC_TX_ID_PERSONAL,
        b"SuperVM-pub-txid",
        "the documented personalisation"
    );
    assert_ne!(
        supervm_runtime::PUBLIC_TX_ID_PERSONAL,
        ringct_circuit::transaction::TX_ID_PERSONAL
    );
}

#[test]
fn each_decoder_refuses_the_other_kind() {
    // The kind byte decides: a public transaction's bytes never decode as a private one,
    // nor the other way round.
    let public = vector_tx().to_bytes().unwrap();
    assert!(PrivateTx::from_bytes(&public).is_err());
    let private = private_tx().to_bytes().unwrap();
    assert!(PublicTx::from_bytes(&private).is_err());
}

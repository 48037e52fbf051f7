//! Hand-made seed inputs: valid encodings made by the real encoders, and
//! near misses (one rule broken each). `cargo xtask fuzz --seeds` writes
//! them to `fuzz/corpus/<target>/seed-<name>`, and the corpus test checks
//! that every seed is checked in.

use crate::mode::Mode;
use crate::valid;
use ark_bls12_381::Fr;
use ark_ff::{BigInteger, PrimeField};
use ark_groth16::VerifyingKey;
use ringct_verifier::decode::{encode_proof, encode_public_input};
use ringct_verifier::{Encoding, Fingerprint};

/// One seed: a name (file `seed-<name>`) and the harness input, mode byte
/// included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// File-name part, `[a-z0-9-]`.
    pub name: String,
    /// The harness input.
    pub bytes: Vec<u8>,
}

fn seed(name: &str, mode: Mode, body: &[u8]) -> Seed {
    let mut bytes = vec![mode.byte()];
    bytes.extend_from_slice(body);
    Seed {
        name: name.to_string(),
        bytes,
    }
}

/// The seeds of target `name` (empty for an unknown target).
pub fn seeds(name: &str) -> Vec<Seed> {
    match name {
        "proof_bytes" => proof_bytes(),
        "public_inputs" => public_inputs(),
        "shape" => shape(),
        "fingerprint" => fingerprint(),
        "key_file" => key_file(),
        "tx_encoding" => tx_encoding(),
        "public_tx" => public_tx(),
        _ => Vec::new(),
    }
}

fn proof_bytes() -> Vec<Seed> {
    use Mode::{Raw, Structured};
    let compressed = encode_proof(valid::proof(0), Encoding::Compressed);
    let uncompressed = encode_proof(valid::proof(1), Encoding::Uncompressed);
    let mut out = vec![
        seed("valid-compressed", Raw, &compressed),
        seed("valid-uncompressed", Raw, &uncompressed),
        seed("short", Raw, &compressed[..191]),
        seed("empty", Raw, &[]),
    ];
    let mut trailing = compressed.clone();
    trailing.push(0);
    out.push(seed("trailing-byte", Raw, &trailing));
    // A as the compressed point at infinity.
    let mut identity = compressed.clone();
    identity[..48].fill(0);
    identity[0] = 0xc0;
    out.push(seed("identity-a", Raw, &identity));
    // B without its compression flag.
    let mut flags = compressed.clone();
    flags[48] &= 0x7f;
    out.push(seed("b-uncompressed-flag", Raw, &flags));
    // C's x all ones (not below p).
    let mut range = compressed.clone();
    range[145..].fill(0xff);
    range[144] |= 0x1f;
    out.push(seed("c-x-out-of-range", Raw, &range));
    // Uncompressed A with y changed: off the curve.
    let mut off = uncompressed.clone();
    off[95] ^= 1;
    out.push(seed("a-off-curve", Raw, &off));
    // Structured: every table entry in both encodings, and a few edits.
    for pick in [0u8, 3, 0x80, 0x85] {
        out.push(seed(&format!("structured-{pick:02x}"), Structured, &[pick]));
    }
    out.push(seed("structured-edit-flags", Structured, &[0, 0, 0, 0x20]));
    out.push(seed("structured-edit-b", Structured, &[0x81, 0, 100, 1]));
    // The other Item constructors (bits 1..2 of the mode byte).
    for which in 1..4u8 {
        let mut s = out[0].clone();
        s.name = format!("valid-compressed-item-{which}");
        s.bytes[0] |= which << 1;
        out.push(s);
    }
    out
}

fn public_inputs() -> Vec<Seed> {
    use Mode::{Raw, Structured};
    let r: Vec<u8> = Fr::MODULUS.to_bytes_le();
    let minus_one = encode_public_input(&-Fr::from(1u64));
    let valid: Vec<u8> = (0..8u64)
        .flat_map(|i| encode_public_input(&Fr::from(i * 1_000_003)))
        .collect();
    let mut after_bad = minus_one.to_vec();
    after_bad.extend_from_slice(&r);
    after_bad.extend_from_slice(&[0xff; 32]);
    vec![
        seed("zero", Raw, &[0; 32]),
        seed("r-minus-one", Raw, &minus_one),
        seed("r", Raw, &r),
        seed("all-ones", Raw, &[0xff; 32]),
        seed("eight-valid", Raw, &valid),
        seed("valid-then-two-bad", Raw, &after_bad),
        seed("partial-chunk", Raw, &[1; 33]),
        seed(
            "structured-edges",
            Structured,
            &[0, 0, 1, 0, 2, 7, 3, 0, 0, 1, 1, 1],
        ),
    ]
}

fn shape() -> Vec<Seed> {
    use Mode::{Raw, Structured};
    let texts: &[(&str, &str)] = &[
        ("default", "2x2-r16"),
        ("smallest", "1x1-r4"),
        ("largest", "16x16-r4294967296"),
        ("leading-zeros", "01x002-r0016"),
        ("whitespace", " 2x2-r16\n"),
        ("zero-inputs", "0x2-r16"),
        ("too-many-outputs", "2x17-r16"),
        ("ring-not-power-of-four", "2x2-r8"),
        ("ring-too-deep", "1x1-r17179869184"),
        ("overflow", "99999999999999999999x1-r4"),
        ("no-ring", "2x2"),
        ("sign", "+2x2-r16"),
    ];
    let mut out: Vec<Seed> = texts
        .iter()
        .map(|(name, text)| seed(name, Raw, text.as_bytes()))
        .collect();
    out.push(seed("not-utf8", Raw, &[b'2', 0xff, b'x', b'2']));
    out.push(seed(
        "structured-default",
        Structured,
        &[2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0],
    ));
    out.push(seed(
        "structured-depth-17",
        Structured,
        &[1, 0, 0, 0, 1, 0, 0, 0, 17, 0, 0, 0],
    ));
    out
}

fn fingerprint() -> Vec<Seed> {
    use Mode::{Raw, Structured};
    let p = valid::proof(2);
    let vk = VerifyingKey {
        alpha_g1: p.a,
        beta_g2: p.b,
        gamma_g2: valid::proof(3).b,
        delta_g2: valid::proof(4).b,
        gamma_abc_g1: vec![p.c, valid::proof(5).a],
    };
    let fp = Fingerprint::of(&vk).expect("a key in memory serialises");
    let text = fp.to_string();
    vec![
        seed("real-key", Raw, text.as_bytes()),
        seed("upper-case", Raw, text.to_uppercase().as_bytes()),
        seed("whitespace", Raw, format!(" {text}\r\n").as_bytes()),
        seed("63-digits", Raw, &text.as_bytes()[..63]),
        seed("65-digits", Raw, format!("{text}0").as_bytes()),
        seed("not-hex", Raw, format!("g{}", &text[1..]).as_bytes()),
        seed("prefix-0x", Raw, format!("0x{}", &text[2..]).as_bytes()),
        seed("structured", Structured, fp.as_bytes()),
    ]
}

fn key_file() -> Vec<Seed> {
    use ark_serialize::CanonicalSerialize;
    use ringct_prover::keyfile::{key_file_bytes, KeyKind};
    use Mode::{Raw, Structured};
    let shape = valid::key_shape();
    let fp = ringct_prover::Fingerprint::of(valid::verifying_key());
    let mut vk = Vec::new();
    let mut pk = Vec::new();
    let ok = valid::verifying_key()
        .serialize_uncompressed(&mut vk)
        .is_ok()
        && valid::proving_key().serialize_uncompressed(&mut pk).is_ok();
    assert!(ok, "serialising into a Vec cannot fail");
    let vk_file = key_file_bytes(KeyKind::Verifying, shape, fp, &vk);
    let pk_file = key_file_bytes(KeyKind::Proving, shape, fp, &pk);
    // Mode byte: bit 1 = proving key; structured bit 2 = edit a valid key.
    let raw_pk = |name: &str, body: &[u8]| {
        let mut s = seed(name, Raw, body);
        s.bytes[0] |= 2;
        s
    };
    let edited = |at: usize, x: u8| {
        let mut f = vk_file.clone();
        f[at] ^= x;
        f
    };
    let mut out = vec![
        seed("valid-vk", Raw, &vk_file),
        raw_pk("valid-pk", &pk_file),
        seed("header-only", Raw, &vk_file[..96]),
        seed("short-magic", Raw, b"SVMRC"),
        seed("bad-magic", Raw, &edited(0, 0x20)),
        seed("version-1", Raw, &edited(8, 3)),
        seed("wrong-kind", Raw, &edited(10, 3)),
        seed("reserved", Raw, &edited(11, 1)),
        seed("shape", Raw, &edited(12, 1)),
        seed("checksum", Raw, &edited(60, 1)),
        seed("payload-bit", Raw, &edited(200, 1)),
        seed("cut-payload", Raw, &vk_file[..vk_file.len() - 1]),
    ];
    let mut longer = vk_file.clone();
    longer.push(0);
    out.push(seed("trailing", Raw, &longer));
    out.push(raw_pk("vk-as-pk", &vk_file));
    for (name, mode_byte, body) in [
        ("structured-vk-payload", 1u8, &[][..]),
        ("structured-pk-payload", 3, &vk),
        ("structured-vk-valid", 5, &[]),
        ("structured-pk-valid", 7, &[]),
        ("structured-vk-edit-gamma", 5, &[0, 200, 1]),
        ("structured-pk-edit-count", 7, &[0, 0, 1]),
    ] {
        let mut s = seed(name, Structured, body);
        s.bytes[0] = mode_byte;
        out.push(s);
    }
    out
}

fn tx_encoding() -> Vec<Seed> {
    use ringct_circuit::{KeyImage, NoteCommitment, PrivateTx, Shape, TxBody, TxOutput};
    use Mode::{Raw, Structured};
    let tx = |m: usize, n: usize, d: u32, memo: usize| PrivateTx {
        body: TxBody {
            shape: Shape::new(m, n, d).expect("seed shapes are valid"),
            ring_members: (0..m as u64)
                .map(|i| (0..4u64.pow(d)).map(|j| i * 100 + j).collect())
                .collect(),
            outputs: (0..n as u64)
                .map(|j| TxOutput {
                    commitment: NoteCommitment(Fr::from(j + 7)),
                    memo: vec![0xa5; memo],
                })
                .collect(),
            fee: 10,
        },
        key_images: (0..m as u64).map(|i| KeyImage(Fr::from(i + 99))).collect(),
        proof: {
            let mut p = [0u8; ringct_circuit::PROOF_LEN];
            p.copy_from_slice(&encode_proof(valid::proof(0), Encoding::Compressed));
            p
        },
    };
    let small = tx(1, 1, 1, 3);
    let bytes = small.to_bytes().expect("a seed transaction encodes");
    let body = small.body.to_bytes().expect("a seed body encodes");
    let default = tx(2, 2, 2, 64)
        .to_bytes()
        .expect("a seed transaction encodes");
    let with = |at: usize, b: u8| {
        let mut v = bytes.clone();
        v[at] = b;
        v
    };
    // Offsets in `bytes`: 0 version, 1 kind, 2.. body (version, m, n, d,
    // 4 ring members of 8 bytes, commitment at 38, memo length at 70).
    let mut non_canonical = bytes.clone();
    non_canonical[38..70].fill(0xff);
    let mut long_memo = bytes.clone();
    long_memo[70..72].copy_from_slice(&1025u16.to_le_bytes());
    let mut trailing = bytes.clone();
    trailing.push(0);
    vec![
        seed("tx-1x1-r4", Raw, &bytes),
        seed("tx-2x2-r16", Raw, &default),
        seed("body-1x1-r4", Raw, &body),
        seed("version-1", Raw, &with(0, 1)),
        seed("kind-2", Raw, &with(1, 2)),
        seed("zero-inputs", Raw, &with(3, 0)),
        seed("depth-17", Raw, &with(5, 17)),
        seed("non-canonical-commitment", Raw, &non_canonical),
        seed("memo-too-long", Raw, &long_memo),
        seed("trailing", Raw, &trailing),
        seed("truncated", Raw, &bytes[..bytes.len() - 1]),
        seed("structured-small", Structured, &[0, 0, 0, 0, 3, 0]),
        seed("structured-default", Structured, &[1, 1, 1, 0, 64, 0, 5]),
        seed(
            "structured-memo-too-long",
            Structured,
            &[0, 0, 0, 0, 0x01, 0x04],
        ),
        seed("structured-bad-ring", Structured, &[2, 0, 0, 1, 3, 0]),
        seed(
            "structured-missing-key-image",
            Structured,
            &[2, 0, 0, 2, 3, 0],
        ),
    ]
}

fn public_tx() -> Vec<Seed> {
    use supervm_runtime::{
        Address, Instruction, ObjectId, ObjectRef, Program, PublicTx, Transaction,
    };
    use Mode::{Raw, Structured};
    let tx = Transaction::Public(PublicTx {
        sender: Address::from_u64(10),
        objects: vec![
            ObjectRef::any(ObjectId::from_u64(1)),
            ObjectRef::at(ObjectId::from_u64(2), 3),
        ],
        program: Program::new(vec![
            Instruction::Transfer {
                from: ObjectId::from_u64(1),
                to: ObjectId::from_u64(2),
                amount: 40,
            },
            Instruction::Write {
                object: ObjectId::from_u64(2),
                data: b"hello".to_vec(),
            },
            Instruction::Alloc { bytes: 64 },
            Instruction::Burn { units: 9 },
        ]),
    });
    let valid = tx.to_bytes().expect("a seed within bounds");
    let mut out = vec![
        seed("valid-public", Raw, &valid),
        seed("short", Raw, &valid[..valid.len() - 1]),
        seed("empty", Raw, &[]),
    ];
    let mut trailing = valid.clone();
    trailing.push(0);
    out.push(seed("trailing-byte", Raw, &trailing));
    let mut kind = valid.clone();
    kind[1] = 9;
    out.push(seed("unknown-kind", Raw, &kind));
    // The first object's version flag (after version, kind, sender, count, id).
    let mut flag = valid.clone();
    flag[2 + 32 + 2 + 32] = 2;
    out.push(seed("bad-version-flag", Raw, &flag));
    // A private transaction through the envelope.
    if let Some(private) = tx_encoding().into_iter().find(|s| s.name == "tx-1x1-r4") {
        out.push(seed("valid-private", Raw, &private.bytes[1..]));
    }
    out.push(seed(
        "structured",
        Structured,
        &[3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2, 3],
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_has_seeds_with_distinct_names() {
        for t in crate::TARGETS {
            let s = seeds(t.name);
            assert!(!s.is_empty(), "{}", t.name);
            let mut names: Vec<_> = s.iter().map(|s| s.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), s.len(), "{}", t.name);
            for seed in &s {
                assert!(seed
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                (t.run)(&seed.bytes);
            }
        }
        assert!(seeds("nope").is_empty());
    }
}

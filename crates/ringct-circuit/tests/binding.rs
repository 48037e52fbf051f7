//! The transaction binding: every part of the body changes `ctx`, and a fixed
//! test vector pins the encoding and the hash chain.

use ark_ff::{BigInteger, PrimeField};
use ringct_circuit::binding::{BINDING_VERSION, MEMO_BYTES_PER_ELEMENT};
use ringct_circuit::poseidon::{hash4, Tag};
use ringct_circuit::*;
use std::collections::HashSet;

fn hex(x: Fr) -> String {
    x.into_bigint()
        .to_bytes_be()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn fr(n: u64) -> Fr {
    Fr::from(n)
}

/// The body of the test vector: shape 2x2-r4, rings [0,1,2,3] and
/// [4,5,6,7], outputs (cm 11, memo "hi") and (cm 12, empty memo), fee 3.
fn vector_body() -> TxBody {
    TxBody {
        shape: "2x2-r4".parse().unwrap(),
        ring_members: vec![vec![0, 1, 2, 3], vec![4, 5, 6, 7]],
        outputs: vec![
            TxOutput {
                commitment: NoteCommitment(fr(11)),
                memo: b"hi".to_vec(),
            },
            TxOutput {
                commitment: NoteCommitment(fr(12)),
                memo: vec![],
            },
        ],
        fee: 3,
    }
}

#[test]
fn encoding_of_the_vector_body_is_as_documented() {
    let body = vector_body();
    let hi = fr(u64::from(b'h') + 256 * u64::from(b'i'));
    let two64 = fr(u64::MAX) + fr(1);
    let pack3 = |a: u64, b: u64, c: u64| fr(a) + two64 * fr(b) + two64 * two64 * fr(c);
    let want: Vec<Fr> = [
        vec![fr(BINDING_VERSION), fr(17)],
        vec![fr(2), fr(2), fr(1)],
        vec![fr(2)],
        vec![fr(4), pack3(0, 1, 2), fr(3)],
        vec![fr(4), pack3(4, 5, 6), fr(7)],
        vec![fr(2)],
        vec![fr(11), fr(2), hi],
        vec![fr(12), fr(0)],
        vec![fr(3)],
    ]
    .concat();
    assert_eq!(body.encode(), want);
    // The chain, written out.
    let mut acc = fr(0);
    for triple in want.chunks(3) {
        let mut t = [fr(0); 3];
        t[..triple.len()].copy_from_slice(triple);
        acc = hash4(Tag::TxBinding, [acc, t[0], t[1], t[2]]);
    }
    assert_eq!(tx_binding(&body).0, acc);
}

/// Also listed in docs/PROTOCOL.md (32-byte big-endian hex).
#[test]
fn test_vectors() {
    assert_eq!(
        hex(tx_binding(&vector_body()).0),
        "0b86f3229a51eb1f60710d8c55dbe04ba4dcab6e0d7a382dda571a80d6689b9a",
        "binding of the documented vector body"
    );
    // The same body with the second output's memo = bytes 0, 1, .., 39 (two words).
    let mut body = vector_body();
    body.outputs[1].memo = (0..40).collect();
    let enc = body.encode();
    assert_eq!(enc.len(), 21);
    assert_eq!((enc[1], enc[17]), (fr(19), fr(40)));
    // Word k holds bytes 31k.. little-endian: printed big-endian, they read backwards.
    let be = |bytes: std::ops::Range<u8>| -> String {
        let digits: String = bytes.rev().map(|b| format!("{b:02x}")).collect();
        format!("{digits:0>64}")
    };
    assert_eq!(hex(enc[18]), be(0..31));
    assert_eq!(hex(enc[19]), be(31..40));
    assert_eq!(
        hex(tx_binding(&body).0),
        "2d33be368e1de9e5c5bfbcda2ef14fee17354531c37ed9120eff1c3c9ddcde58"
    );
}

#[test]
fn every_part_of_the_body_is_bound() {
    let base = vector_body();
    let mut variants: Vec<(&str, TxBody)> = Vec::new();
    let mut add = |name: &'static str, f: &dyn Fn(&mut TxBody)| {
        let mut b = base.clone();
        f(&mut b);
        variants.push((name, b));
    };
    add("ring ref", &|b| b.ring_members[1][2] = 99);
    add("first ring ref", &|b| b.ring_members[0][0] = 1);
    add("order of refs in a ring", &|b| b.ring_members[0].swap(0, 1));
    add("order of rings", &|b| b.ring_members.swap(0, 1));
    add("ref moved between rings", &|b| {
        let x = b.ring_members[0].pop().unwrap();
        b.ring_members[1].insert(0, x);
    });
    add("ring ref added", &|b| b.ring_members[1].push(8));
    add("ring removed", &|b| {
        b.ring_members.pop();
    });
    add("output commitment", &|b| {
        b.outputs[0].commitment = NoteCommitment(fr(13))
    });
    add("order of outputs", &|b| b.outputs.swap(0, 1));
    add("memo byte", &|b| b.outputs[0].memo[1] ^= 1);
    add("memo trailing zero", &|b| b.outputs[0].memo.push(0));
    add("empty memo gets a zero byte", &|b| {
        b.outputs[1].memo.push(0)
    });
    add("memo moved to another output", &|b| {
        let m = std::mem::take(&mut b.outputs[0].memo);
        b.outputs[1].memo = m;
    });
    add("output removed", &|b| {
        b.outputs.pop();
    });
    add("fee", &|b| b.fee = 4);
    add("fee max", &|b| b.fee = u64::MAX);
    add("shape inputs", &|b| b.shape.inputs = 1);
    add("shape outputs", &|b| b.shape.outputs = 1);
    add("shape ring depth", &|b| b.shape.ring_depth = 2);

    let base_ctx = tx_binding(&base);
    let mut seen = HashSet::new();
    seen.insert(hex(base_ctx.0));
    for (name, body) in &variants {
        let ctx = tx_binding(body);
        assert_ne!(ctx, base_ctx, "{name} does not change the binding");
        assert!(
            seen.insert(hex(ctx.0)),
            "{name} collides with another variant"
        );
    }
}

#[test]
fn memo_lengths_around_the_word_size_are_distinct() {
    // Memos of zeros of every length up to three words, and memos that differ
    // only in the last byte of a word: all bindings differ.
    let mut seen = HashSet::new();
    for len in 0..=3 * MEMO_BYTES_PER_ELEMENT + 1 {
        for last in [0u8, 1] {
            let mut body = vector_body();
            let mut memo = vec![0u8; len];
            if let Some(b) = memo.last_mut() {
                *b = last;
            } else if last == 1 {
                continue;
            }
            body.outputs[0].memo = memo;
            assert!(
                seen.insert(hex(tx_binding(&body).0)),
                "len {len} last {last}"
            );
        }
    }
}

#[test]
fn ring_refs_and_memo_words_cannot_be_confused() {
    // Without length prefixes, [[1,2],[3]] and [[1],[2,3]] would encode alike.
    let mut a = vector_body();
    a.ring_members = vec![vec![1, 2], vec![3]];
    let mut b = vector_body();
    b.ring_members = vec![vec![1], vec![2, 3]];
    assert_ne!(tx_binding(&a), tx_binding(&b));
    // Three indices share a word: a trailing index 0 is told apart by the count alone.
    let mut e = vector_body();
    e.ring_members = vec![vec![5]];
    let mut f = vector_body();
    f.ring_members = vec![vec![5, 0]];
    let mut g = vector_body();
    g.ring_members = vec![vec![5, 0, 0]];
    let (e, f, g) = (tx_binding(&e), tx_binding(&f), tx_binding(&g));
    assert!(e != f && f != g && e != g);
    // Index bits never spill into the neighbour's slot.
    let mut h = vector_body();
    h.ring_members = vec![vec![u64::MAX, 0, 0]];
    let mut i = vector_body();
    i.ring_members = vec![vec![u64::MAX - 1, 1, 0]];
    assert_ne!(tx_binding(&h), tx_binding(&i));
    // A memo word equal to the next output's commitment does not shift outputs.
    let mut c = vector_body();
    c.outputs[0].memo = vec![12];
    c.outputs.truncate(1);
    let mut d = vector_body();
    d.outputs[0].memo = vec![];
    d.outputs[1].commitment = NoteCommitment(fr(12));
    assert_ne!(tx_binding(&c), tx_binding(&d));
}

#[test]
fn binding_is_deterministic_and_usable_as_ctx() {
    let body = vector_body();
    assert_eq!(tx_binding(&body), tx_binding(&body.clone()));
    let statement = RingCtStatement {
        shape: body.shape,
        ring_roots: vec![RingRoot(fr(1)), RingRoot(fr(2))],
        key_images: vec![KeyImage(fr(3)), KeyImage(fr(4))],
        output_commitments: body.outputs.iter().map(|o| o.commitment).collect(),
        fee: body.fee,
        ctx: tx_binding(&body),
    };
    assert_eq!(
        statement.to_public_inputs().last(),
        Some(&tx_binding(&body).0)
    );
}

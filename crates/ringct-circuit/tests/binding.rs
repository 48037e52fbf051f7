//! The transaction binding (protocol v2): BLAKE2b-512 over the network id and
//! the canonical body, reduced mod r. Every part of the body and the network
//! change `ctx`; fixed test vectors pin the definition.

use ark_ff::{BigInteger, PrimeField};
use ringct_circuit::binding::CTX_PERSONAL;
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

fn net(id: &str) -> NetworkId {
    NetworkId::new(id).unwrap()
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

fn ctx(network: &str, body: &TxBody) -> TxBinding {
    tx_binding(&net(network), body).unwrap()
}

#[test]
fn definition_written_out() {
    let body = vector_body();
    let bytes = body.to_bytes().unwrap();
    let mut preimage = vec![b"supervm-testnet".len() as u8];
    preimage.extend_from_slice(b"supervm-testnet");
    preimage.extend_from_slice(&bytes);
    let digest = blake2b_simd::Params::new()
        .hash_length(64)
        .personal(b"SuperVM-RCT-ctx2")
        .hash(&preimage);
    assert_eq!(CTX_PERSONAL, b"SuperVM-RCT-ctx2");
    // Wide reduction: the whole 64-byte digest as a little-endian integer mod r,
    // computed here by Horner's rule from the most significant byte.
    let want = digest
        .as_bytes()
        .iter()
        .rev()
        .fold(fr(0), |acc, b| acc * fr(256) + fr(u64::from(*b)));
    assert_eq!(ctx("supervm-testnet", &body).0, want);
    assert_eq!(
        binding_of_body_bytes(&net("supervm-testnet"), &bytes),
        ctx("supervm-testnet", &body)
    );
}

/// Also listed in docs/PROTOCOL.md (32-byte big-endian hex).
#[test]
fn test_vectors() {
    assert_eq!(
        hex(ctx("supervm-testnet", &vector_body()).0),
        "51a7009c4c5e2efcab1df9ea696281ea67558cba3dffa59099a972487aff6871",
        "ctx of the vector body on supervm-testnet"
    );
    assert_eq!(
        hex(ctx("supervm-mainnet", &vector_body()).0),
        "19bd41f668877fc9239423d010e023c8705824b24fd8b69c46a4ed4b0a9837da",
        "ctx of the vector body on supervm-mainnet"
    );
}

#[test]
fn the_network_is_bound() {
    let body = vector_body();
    let ids = [
        "supervm-mainnet",
        "supervm-testnet",
        "supervm-devnet",
        "a",
        "b",
        "ab",
    ];
    let all: HashSet<String> = ids.iter().map(|id| hex(ctx(id, &body).0)).collect();
    assert_eq!(all.len(), ids.len());
    // The length byte keeps the network id and the body apart: moving a byte
    // between the end of the id and the start of the body changes ctx.
    let bytes = body.to_bytes().unwrap();
    let mut shifted = vec![b'x'];
    shifted.extend_from_slice(&bytes);
    assert_ne!(
        binding_of_body_bytes(&net("ab"), &bytes),
        binding_of_body_bytes(&net("a"), &[&[b'b'][..], &bytes].concat())
    );
    assert_ne!(
        binding_of_body_bytes(&net("a"), &bytes),
        binding_of_body_bytes(&net("a"), &shifted)
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
    add("first ring ref", &|b| b.ring_members[0][0] = 9);
    add("order of refs in a ring", &|b| b.ring_members[0].swap(0, 1));
    add("order of rings", &|b| b.ring_members.swap(0, 1));
    add("high bits of a ref", &|b| b.ring_members[0][0] = 1 << 40);
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
    add("fee", &|b| b.fee = 4);
    add("fee max", &|b| b.fee = u64::MAX);
    add("shape and lists: one output", &|b| {
        b.shape.outputs = 1;
        b.outputs.pop();
    });
    add("shape and lists: one input", &|b| {
        b.shape.inputs = 1;
        b.ring_members.pop();
    });

    let base_ctx = ctx("supervm-testnet", &base);
    let mut seen = HashSet::new();
    seen.insert(hex(base_ctx.0));
    for (name, body) in &variants {
        let c = ctx("supervm-testnet", body);
        assert_ne!(c, base_ctx, "{name} does not change the binding");
        assert!(
            seen.insert(hex(c.0)),
            "{name} collides with another variant"
        );
    }
}

#[test]
fn a_body_that_does_not_match_its_shape_has_no_binding() {
    let n = net("supervm-testnet");
    let mut b = vector_body();
    b.ring_members.pop();
    assert_eq!(
        tx_binding(&n, &b).unwrap_err(),
        CircuitError::InputCountMismatch {
            expected: 2,
            got: 1
        }
    );
    let mut b = vector_body();
    b.ring_members[1].push(8);
    assert_eq!(
        tx_binding(&n, &b).unwrap_err(),
        CircuitError::RingSizeMismatch {
            input: 1,
            expected: 4,
            got: 5
        }
    );
    let mut b = vector_body();
    b.outputs.pop();
    assert_eq!(
        tx_binding(&n, &b).unwrap_err(),
        CircuitError::OutputCountMismatch {
            expected: 2,
            got: 1
        }
    );
    let mut b = vector_body();
    b.outputs[1].memo = vec![0; MAX_MEMO_BYTES + 1];
    assert_eq!(
        tx_binding(&n, &b).unwrap_err(),
        CircuitError::MemoTooLong {
            output: 1,
            len: MAX_MEMO_BYTES + 1,
            max: MAX_MEMO_BYTES
        }
    );
    let mut b = vector_body();
    b.outputs[1].memo = vec![0; MAX_MEMO_BYTES];
    tx_binding(&n, &b).unwrap();
    let mut b = vector_body();
    b.shape.ring_depth = 0;
    assert_eq!(
        tx_binding(&n, &b).unwrap_err(),
        CircuitError::RingDepthOutOfRange(0)
    );
}

#[test]
fn binding_is_deterministic_and_usable_as_ctx() {
    let body = vector_body();
    let c = ctx("supervm-testnet", &body);
    assert_eq!(c, ctx("supervm-testnet", &body.clone()));
    let statement = RingCtStatement {
        shape: body.shape,
        ring_roots: vec![RingRoot(fr(1)), RingRoot(fr(2))],
        key_images: vec![KeyImage(fr(3)), KeyImage(fr(4))],
        output_commitments: body.outputs.iter().map(|o| o.commitment).collect(),
        fee: body.fee,
        ctx: c,
    };
    assert_eq!(statement.to_public_inputs().last(), Some(&c.0));
}

//! `ctx` in protocol v2 (BLAKE2b-512 over the network id and the canonical
//! body) against protocol v1's chain of Poseidon permutations over the same
//! body, for the default shape 2x2-r16 with two 64-byte memos.
//!
//! v1 packed the body into field elements (ring indices three to an element,
//! memos 31 bytes to an element, with lengths in front) and folded them three
//! at a time with `H4(TX_BINDING, acc, a, b, c)`: 32 elements, so 11
//! permutations for this body. The packing is reproduced here only to measure
//! it; nothing else uses it any more.

use ark_ff::{PrimeField, Zero};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::poseidon::{hash4, Tag};
use ringct_circuit::*;

fn body() -> TxBody {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let outputs = (0..2)
        .map(|k| TxOutput {
            commitment: NoteCommitment(ark_std::UniformRand::rand(&mut rng)),
            memo: vec![k as u8; 64],
        })
        .collect();
    TxBody {
        shape: Shape::default(),
        ring_members: vec![(0..16).collect(), (100..116).collect()],
        outputs,
        fee: 10,
    }
}

/// Protocol v1's packing and chain, for comparison only.
fn v1_binding(body: &TxBody) -> Fr {
    let len = |n: usize| Fr::from(n as u64);
    let mut e = vec![
        len(body.shape.inputs),
        len(body.shape.outputs),
        Fr::from(u64::from(body.shape.ring_depth)),
        len(body.ring_members.len()),
    ];
    for ring in &body.ring_members {
        e.push(len(ring.len()));
        for group in ring.chunks(3) {
            let mut bytes = [0u8; 24];
            for (slot, index) in bytes.chunks_exact_mut(8).zip(group) {
                slot.copy_from_slice(&index.to_le_bytes());
            }
            e.push(Fr::from_le_bytes_mod_order(&bytes));
        }
    }
    e.push(len(body.outputs.len()));
    for out in &body.outputs {
        e.push(out.commitment.0);
        e.push(len(out.memo.len()));
        e.extend(out.memo.chunks(31).map(Fr::from_le_bytes_mod_order));
    }
    e.push(Fr::from(body.fee));
    let mut all = vec![Fr::from(1u64), len(e.len())];
    all.extend(e);
    all.chunks(3).fold(Fr::zero(), |acc, t| {
        let at = |k: usize| t.get(k).copied().unwrap_or_else(Fr::zero);
        hash4(Tag::TxBinding, [acc, at(0), at(1), at(2)])
    })
}

fn bench(c: &mut Criterion) {
    let body = body();
    let net = NetworkId::devnet();
    let mut g = c.benchmark_group("ctx_2x2-r16_memo64");
    g.bench_function("v2_blake2b", |b| {
        b.iter(|| tx_binding(black_box(&net), black_box(&body)).unwrap())
    });
    g.bench_function("v1_poseidon_chain", |b| {
        b.iter(|| v1_binding(black_box(&body)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

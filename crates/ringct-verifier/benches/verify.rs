//! Verification throughput on the default shape (2x2-r16): the three modes at
//! batch sizes 1/8/32/64/256, and the batch mode's chunk-size sweep over 256
//! proofs (the measurement behind `DEFAULT_CHUNK_SIZE`).
//!
//! `from_bytes` measures the whole path from 192-byte proofs and 32-byte
//! inputs (strict decoding on the pool, then batch mode) at 128 and 256
//! proofs on 2 threads, the figure issue 13 targets (3,000 proofs/s).
//! `components` compares arkworks and blst (`ringct-blst`) on one decode,
//! one Miller loop and one final exponentiation, on 1 thread.
//!
//! `cargo bench -p ringct-verifier --bench verify` (filters: `modes`, `chunk`,
//! `from_bytes`, `components`). One setup from a fixed seed (insecure, benchmarks only);
//! 8 honest proofs, the rest re-randomizations of them, which cost the
//! verifier exactly as much.

use ark_bls12_381::Bls12_381;
use ark_ec::pairing::Pairing;
use ark_groth16::Groth16;
use ark_snark::SNARK;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{sample::random_spend, RingCtCircuit, Shape};
use ringct_verifier::decode::{decode_proof_arkworks, encode_proof, encode_public_input, Encoding};
use ringct_verifier::{BatchVerifier, Item, Mode, PUBLIC_INPUT_LEN};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SIZES: [usize; 5] = [1, 8, 32, 64, 256];
const CHUNKS: [usize; 6] = [8, 16, 32, 64, 128, 256];
const DISTINCT: usize = 8;

struct Setup {
    verifier: BatchVerifier,
    items: Vec<Item>,
    /// The same proofs as bytes: 192-byte proofs and 32-byte inputs.
    bytes: Vec<(Vec<u8>, Vec<[u8; PUBLIC_INPUT_LEN]>)>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let shape = Shape::default();
        let mut rng = ChaCha20Rng::seed_from_u64(0x5eed_0001);
        let (pk, vk) =
            Groth16::<Bls12_381>::circuit_specific_setup(RingCtCircuit::blank(shape), &mut rng)
                .unwrap();
        let proofs: Vec<_> = (0..DISTINCT)
            .map(|_| {
                let (w, st) = random_spend(shape, &mut rng).unwrap();
                let proof =
                    Groth16::<Bls12_381>::prove(&pk, RingCtCircuit::new(w).unwrap(), &mut rng)
                        .unwrap();
                (proof, st)
            })
            .collect();
        let items: Vec<Item> = (0..256)
            .map(|k| {
                let (proof, st) = &proofs[k % DISTINCT];
                let proof = Groth16::<Bls12_381>::rerandomize_proof(&vk, proof, &mut rng);
                Item::from_statement(proof, st)
            })
            .collect();
        let bytes = items
            .iter()
            .map(|item| {
                (
                    encode_proof(item.proof().unwrap(), Encoding::Compressed),
                    item.public_inputs()
                        .unwrap()
                        .iter()
                        .map(encode_public_input)
                        .collect(),
                )
            })
            .collect();
        let verifier = BatchVerifier::for_shape(vk, shape).unwrap();
        Setup {
            verifier,
            items,
            bytes,
        }
    })
}

fn modes(c: &mut Criterion) {
    let s = setup();
    let one = s.verifier.clone().with_threads(1).unwrap();
    let mut group = c.benchmark_group("modes");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let items = &s.items[..n];
        group.throughput(Throughput::Elements(n as u64));
        for mode in Mode::ALL {
            let verifier = if mode == Mode::Individual {
                &one
            } else {
                &s.verifier
            };
            group.bench_with_input(BenchmarkId::new(mode.as_str(), n), items, |b, items| {
                b.iter(|| {
                    let report = verifier.verify(mode, items);
                    assert!(report.all_valid());
                })
            });
        }
        group.bench_with_input(BenchmarkId::new("batch-1-thread", n), items, |b, items| {
            b.iter(|| assert!(one.verify_batch(items).all_valid()))
        });
    }
    group.finish();
}

fn chunk(c: &mut Criterion) {
    let s = setup();
    let mut group = c.benchmark_group("chunk");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    group.throughput(Throughput::Elements(s.items.len() as u64));
    for size in CHUNKS {
        let verifier = s.verifier.clone().with_chunk_size(size);
        group.bench_with_input(BenchmarkId::from_parameter(size), &s.items, |b, items| {
            b.iter(|| assert!(verifier.verify_batch(items).all_valid()))
        });
    }
    group.finish();
}

fn from_bytes(c: &mut Criterion) {
    use rayon::prelude::*;
    let s = setup();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let mut group = c.benchmark_group("from_bytes");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    for n in [128usize, 256] {
        group.throughput(Throughput::Elements(n as u64));
        for chunk in [64usize, 128] {
            let verifier = s.verifier.clone().with_chunk_size(chunk);
            let bytes = &s.bytes[..n];
            group.bench_with_input(
                BenchmarkId::new(format!("batch-2-threads-chunk-{chunk}"), n),
                bytes,
                |b, bytes| {
                    b.iter(|| {
                        pool.install(|| {
                            let items: Vec<Item> = bytes
                                .par_iter()
                                .map(|(p, x)| Item::from_bytes(p, x))
                                .collect();
                            assert!(verifier.verify_batch(&items).all_valid());
                        })
                    })
                },
            );
        }
        // Decoding alone, on the same pool.
        group.bench_with_input(
            BenchmarkId::new("decode-only", n),
            &s.bytes[..n],
            |b, bytes| {
                b.iter(|| {
                    pool.install(|| {
                        let items: Vec<Item> = bytes
                            .par_iter()
                            .map(|(p, x)| Item::from_bytes(p, x))
                            .collect();
                        black_box(items)
                    })
                })
            },
        );
    }
    group.finish();
}

fn components(c: &mut Criterion) {
    let s = setup();
    let proof = s.items[0].proof().unwrap().clone();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let mut group = c.benchmark_group("components");
    group.sample_size(20);
    // Each timed loop runs entirely inside the 1-thread pool, so no
    // cross-thread hand-off is counted.
    group.bench_function("miller_loop_1t", |b| {
        b.iter_custom(|iters| {
            pool.install(|| {
                let start = Instant::now();
                for _ in 0..iters {
                    let _ = black_box(Bls12_381::miller_loop(proof.a, proof.b));
                }
                start.elapsed()
            })
        })
    });
    let ml = Bls12_381::miller_loop(proof.a, proof.b);
    group.bench_function("final_exponentiation", |b| {
        b.iter(|| Bls12_381::final_exponentiation(ml))
    });
    // arkworks against blst, one call each on the calling thread.
    let (fa, fb) = (
        ringct_blst::G1::from_ark(&proof.a).unwrap(),
        ringct_blst::G2::from_ark(&proof.b).unwrap(),
    );
    group.bench_function("miller_loop_blst", |b| {
        b.iter(|| ringct_blst::MillerLoop::of(&[black_box(fa)], &[black_box(fb)]))
    });
    let fml = ringct_blst::MillerLoop::of(&[fa], &[fb]).unwrap();
    group.bench_function("final_exponentiation_blst", |b| {
        b.iter(|| black_box(fml).final_exp_is_one())
    });
    let bytes = &s.bytes[0].0;
    group.bench_function("decode_proof_arkworks", |b| {
        b.iter(|| decode_proof_arkworks(black_box(bytes)).unwrap())
    });
    group.bench_function("decode_proof_blst", |b| {
        b.iter(|| ringct_verifier::decode::decode_proof(black_box(bytes)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, modes, chunk, from_bytes, components);
criterion_main!(benches);

//! Criterion benchmarks of the proving paths on the default shape:
//! one proof on all threads and on one thread, a batch, and `Groth16::prove`
//! in a loop with the same key; and one proof from its assignment on one
//! thread with each MSM backend (arkworks' floor, ark-groth16's five MSMs
//! on blst, our default). `cargo xtask bench` reports the same paths (plus
//! the MSM/FFT floor) in one run; see docs/RINGCT-PERFORMANCE-BASELINE.md.

use ark_bls12_381::Bls12_381;
use ark_groth16::Groth16;
use ark_snark::SNARK;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{sample::random_spend, RingCtCircuit, Shape};
use ringct_prover::{MsmBackend, ParallelProveConfig, RingCtKeys, RingCtParallelProver};
use std::sync::Arc;

fn proving(c: &mut Criterion) {
    let shape = Shape::default();
    // INSECURE fixed-seed keys: benchmark only.
    let keys =
        Arc::new(RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 2024).expect("setup"));
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let threads = rayon::current_num_threads();
    let batch: Vec<_> = (0..2 * threads)
        .map(|_| random_spend(shape, &mut rng).expect("spend").0)
        .collect();
    let all = RingCtParallelProver::new(
        keys.clone(),
        ParallelProveConfig {
            threads,
            ..Default::default()
        },
    )
    .expect("prover");
    let one = RingCtParallelProver::new(
        keys.clone(),
        ParallelProveConfig {
            threads: 1,
            ..Default::default()
        },
    )
    .expect("prover");

    let mut g = c.benchmark_group(format!("prove/{shape}"));
    g.sample_size(10);
    g.bench_function("prove_one/all_threads", |b| {
        b.iter(|| all.prove_one(&batch[0]).expect("proof"))
    });
    g.bench_function("prove_one/1_thread", |b| {
        b.iter(|| one.prove_one(&batch[0]).expect("proof"))
    });
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.bench_function(format!("prove_batch/{}", batch.len()), |b| {
        b.iter(|| all.prove_batch(&batch))
    });
    g.bench_function(format!("groth16_prove_loop/{}", batch.len()), |b| {
        b.iter(|| {
            for w in &batch {
                let circuit = RingCtCircuit::new(w.clone()).expect("valid");
                Groth16::<Bls12_381>::prove(keys.proving_key(), circuit, &mut rng).expect("proof");
            }
        })
    });
    g.finish();

    // One proof from its assignment, 1 thread, per MSM backend.
    let engine = keys.engine();
    let circuit = RingCtCircuit::new(batch[0].clone()).expect("valid");
    let assignment = engine.assignment(circuit).expect("assignment");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut g = c.benchmark_group(format!("prove_assignment_1_thread/{shape}"));
    g.sample_size(10);
    for (name, backend) in [
        ("arkworks_floor", MsmBackend::Arkworks),
        ("blst_five_msms", MsmBackend::BlstPlain),
        ("blst_default", MsmBackend::Blst),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                pool.install(|| engine.prove_assignment_with(&assignment, &mut rng, backend))
                    .expect("proof")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, proving);
criterion_main!(benches);

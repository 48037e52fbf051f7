//! The verification section of `cargo xtask bench`: individual, parallel and
//! randomized batch verification of RingCT proofs on the default shape.
//!
//! Keys come from a fixed public seed (INSECURE, for reproducible benchmarks
//! only). A few proofs are made honestly; the rest of each batch are
//! re-randomizations of them, which cost the verifier exactly as much.
//! Items are decoded before timing, except in `batch_from_bytes_per_sec`; the per-proof
//! decoding cost (192-byte compressed proof, with the subgroup checks) is printed
//! separately.
//!
//! Returned JSON (rates are proofs per second, medians over repetitions):
//! `{ batch_size, threads, individual_per_sec, parallel_per_sec,
//!    batch_per_sec, batch_1t_per_sec, miller_loop_us, batch_from_bytes_per_sec,
//!    by_batch_size }`;
//! `batch_from_bytes_per_sec` is batch mode on `threads` threads over 64 proofs given as
//! 192-byte strings with 32-byte public inputs, strict decoding included (issue 13's
//! target: at least 3,000/s); `by_batch_size` lists the same four rates at every size of
//! the throughput table (`[{ batch_size, individual_per_sec, ... }]`, charted by
//! `plots.rs`).

use ark_bls12_381::Bls12_381;
use ark_ec::pairing::Pairing;
use ark_ec::AffineRepr;
use ark_groth16::{Groth16, Proof};
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;
use ringct_circuit::{sample::random_spend, RingCtCircuit, RingCtStatement, Shape};
use ringct_verifier::decode::{encode_proof, encode_public_input, PUBLIC_INPUT_LEN};
use ringct_verifier::{BatchVerifier, Encoding, Item};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The batch size the headline figures are for.
const BATCH_SIZE: usize = 64;
/// Batch sizes of the throughput table.
const SIZES: [usize; 5] = [1, 8, 32, 64, 256];
/// Chunk sizes of the chunk sweep (over 256 proofs).
const CHUNKS: [usize; 6] = [8, 16, 32, 64, 128, 256];

struct Plan {
    distinct: usize,
    /// Target wall time per measurement; repetitions stop after it (and
    /// after at least `min_reps`).
    budget: Duration,
    min_reps: usize,
}

fn pool(threads: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())
}

/// Median wall time of `f`, after one warm-up call.
fn median(plan: &Plan, mut f: impl FnMut()) -> Duration {
    f();
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < plan.min_reps || (start.elapsed() < plan.budget && samples.len() < 1000) {
        let t = Instant::now();
        f();
        samples.push(t.elapsed());
    }
    samples.sort();
    samples[samples.len() / 2]
}

/// Median wall time of each of `fs`, measured in interleaved rounds (one
/// call of each per round) so that load from other processes on a shared
/// machine hits every configuration alike.
fn interleaved(plan: &Plan, fs: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    for f in fs.iter_mut() {
        f();
    }
    let mut samples = vec![Vec::new(); fs.len()];
    let budget = plan.budget * fs.len() as u32;
    let start = Instant::now();
    let mut rounds = 0;
    while rounds < plan.min_reps || (start.elapsed() < budget && rounds < 200) {
        for (f, s) in fs.iter_mut().zip(samples.iter_mut()) {
            let t = Instant::now();
            f();
            s.push(t.elapsed());
        }
        rounds += 1;
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort();
            s[s.len() / 2]
        })
        .collect()
}

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// What is measured: the key, the items, and one proof's wire bytes.
struct Fixture {
    vk: ark_groth16::VerifyingKey<Bls12_381>,
    items: Vec<Item>,
    proof_bytes: Vec<u8>,
}

/// Setup, a few honest proofs, and `n` items by re-randomization.
fn fixture(shape: Shape, plan: &Plan, n: usize) -> Result<Fixture, String> {
    let mut rng = ChaCha20Rng::seed_from_u64(0x5eed_0002);
    let t = Instant::now();
    let (pk, vk) =
        Groth16::<Bls12_381>::circuit_specific_setup(RingCtCircuit::blank(shape), &mut rng)
            .map_err(|e| e.to_string())?;
    println!(
        "  setup {shape} (insecure fixed seed): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let mut proofs: Vec<(Proof<Bls12_381>, RingCtStatement)> = Vec::new();
    for _ in 0..plan.distinct {
        let (witness, statement) = random_spend(shape, &mut rng).map_err(|e| e.to_string())?;
        let circuit = RingCtCircuit::new(witness).map_err(|e| e.to_string())?;
        let proof =
            Groth16::<Bls12_381>::prove(&pk, circuit, &mut rng).map_err(|e| e.to_string())?;
        proofs.push((proof, statement));
    }
    println!(
        "  {} honest proofs: {:.2} s; the rest of each batch are re-randomizations",
        plan.distinct,
        t.elapsed().as_secs_f64()
    );
    let items = (0..n)
        .map(|k| {
            let (proof, statement) = &proofs[k % proofs.len()];
            let proof = if k < proofs.len() {
                proof.clone()
            } else {
                Groth16::<Bls12_381>::rerandomize_proof(&vk, proof, &mut rng)
            };
            Item::from_statement(proof, statement)
        })
        .collect();
    let proof_bytes = encode_proof(&proofs[0].0, Encoding::Compressed);
    Ok(Fixture {
        vk,
        items,
        proof_bytes,
    })
}

/// A proof and its public inputs as bytes.
type Wire = (Vec<u8>, Vec<[u8; PUBLIC_INPUT_LEN]>);

/// The wire form of `items`: each proof as 192 compressed bytes, each public input as
/// 32 bytes.
fn wire_items(items: &[Item]) -> Result<Vec<Wire>, String> {
    items
        .iter()
        .map(|item| {
            let proof = item.proof().ok_or("item without a proof")?;
            let inputs = item.public_inputs().ok_or("item without inputs")?;
            Ok((
                encode_proof(proof, Encoding::Compressed),
                inputs.iter().map(encode_public_input).collect(),
            ))
        })
        .collect()
}

/// Measures verification on the default shape; prints a table and returns
/// the headline figures as JSON.
pub fn run(quick: bool) -> Result<Value, String> {
    let plan = if quick {
        Plan {
            distinct: 4,
            budget: Duration::from_millis(150),
            min_reps: 3,
        }
    } else {
        Plan {
            distinct: 8,
            budget: Duration::from_millis(1500),
            min_reps: 10,
        }
    };
    let shape = Shape::default();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("verification: shape {shape}, {threads} threads");

    let max = *SIZES.iter().max().unwrap_or(&BATCH_SIZE);
    let Fixture {
        vk,
        items,
        proof_bytes,
    } = fixture(shape, &plan, max)?;
    let all = BatchVerifier::for_shape(vk.clone(), shape)
        .and_then(|v| v.with_threads(threads))
        .map_err(|e| e.to_string())?;
    let one = all.clone().with_threads(1).map_err(|e| e.to_string())?;
    let inputs = items[0]
        .public_inputs()
        .map(<[_]>::to_vec)
        .unwrap_or_default();

    // Sanity: everything measured is valid in every mode.
    for v in [&all, &one] {
        for report in [
            v.verify_individual(&items),
            v.verify_parallel(&items),
            v.verify_batch(&items),
        ] {
            if !report.all_valid() {
                return Err(format!(
                    "{} mode rejected valid proofs: {:?}",
                    report.stats.mode,
                    report.invalid_indices()
                ));
            }
        }
    }

    // Components, 1 thread.
    let single = pool(1)?;
    let (a, b) = (items[0].proof().map(|p| (p.a, p.b))).ok_or("item without a proof")?;
    // The whole measurement loop runs inside the 1-thread pool, so no
    // cross-thread hand-off is counted.
    let miller = single.install(|| {
        median(&plan, || {
            let _ = std::hint::black_box(Bls12_381::miller_loop(a, b));
        })
    });
    let ml_out = Bls12_381::miller_loop(a, b);
    let final_exp = median(&plan, || {
        std::hint::black_box(Bls12_381::final_exponentiation(ml_out));
    });
    let g2_prepare = median(&plan, || {
        std::hint::black_box(<Bls12_381 as Pairing>::G2Prepared::from(b));
    });
    let g1_mul128 = median(&plan, || {
        let _ = std::hint::black_box(a.mul_bigint([u64::MAX - 7, u64::MAX - 11]));
    });
    let decode = median(&plan, || {
        std::hint::black_box(Item::from_proof_bytes(&proof_bytes, inputs.clone()));
    });
    println!("  components (1 thread):");
    println!(
        "    Miller loop, one pair from affine points  {:>9.1} us",
        us(miller)
    );
    println!(
        "    final exponentiation                      {:>9.1} us",
        us(final_exp)
    );
    println!(
        "    G2 line coefficients (prepare B)          {:>9.1} us",
        us(g2_prepare)
    );
    println!(
        "    G1 x 128-bit scalar (r_k A_k)             {:>9.1} us",
        us(g1_mul128)
    );
    println!(
        "    decode 192-byte proof (+subgroup checks)  {:>9.1} us",
        us(decode)
    );

    // Throughput by batch size.
    println!(
        "  proofs/s by batch size (individual: 1 thread; others: {threads} threads unless noted):"
    );
    println!(
        "    {:>5} {:>12} {:>12} {:>12} {:>14}",
        "size", "individual", "parallel", "batch", "batch 1 thread"
    );
    let mut headline = None;
    let mut by_size = Vec::new();
    for &n in &SIZES {
        let slice = &items[..n];
        let times = interleaved(
            &plan,
            &mut [
                &mut || drop(one.verify_individual(slice)),
                &mut || drop(all.verify_parallel(slice)),
                &mut || drop(all.verify_batch(slice)),
                &mut || drop(one.verify_batch(slice)),
            ],
        );
        let [ind, par, bat, bat1] = [0, 1, 2, 3].map(|i| per_sec(n, times[i]));
        println!("    {n:>5} {ind:>12.0} {par:>12.0} {bat:>12.0} {bat1:>14.0}");
        by_size.push(json!({
            "batch_size": n,
            "individual_per_sec": ind,
            "parallel_per_sec": par,
            "batch_per_sec": bat,
            "batch_1t_per_sec": bat1,
        }));
        if n == BATCH_SIZE {
            headline = Some((ind, par, bat, bat1));
        }
    }
    let (ind, par, bat, bat1) = headline.ok_or("batch size 64 not measured")?;

    // From bytes: the same 64 proofs as 192-byte strings and their inputs as 32-byte
    // strings, decoded strictly (decompression, on-curve and subgroup checks, canonical
    // scalars) in parallel on the verifier's own pool, then batch-verified; interleaved
    // with the same batch from decoded items.
    let wire = wire_items(&items[..BATCH_SIZE])?;
    let shared = std::sync::Arc::new(pool(threads)?);
    let bytes_verifier = all.clone().with_pool(std::sync::Arc::clone(&shared));
    let from_bytes = || {
        shared.install(|| {
            let decoded: Vec<Item> = wire
                .par_iter()
                .map(|(proof, inputs)| Item::from_bytes(proof, inputs))
                .collect();
            bytes_verifier.verify_batch(&decoded)
        })
    };
    if !from_bytes().all_valid() {
        return Err("batch verification from bytes rejected valid proofs".into());
    }
    let decoded = &items[..BATCH_SIZE];
    let times = interleaved(
        &plan,
        &mut [
            &mut || drop(bytes_verifier.verify_batch(decoded)),
            &mut || drop(from_bytes()),
        ],
    );
    let (bat_decoded, bat_bytes) = (per_sec(BATCH_SIZE, times[0]), per_sec(BATCH_SIZE, times[1]));
    println!(
        "  batch of {BATCH_SIZE}, {threads} threads: {bat_decoded:.0} proofs/s decoded beforehand, \
         {bat_bytes:.0} proofs/s from bytes (decoding included; target >= 3000)"
    );

    // Chunk-size sweep, all chunk sizes interleaved.
    let sweep_n = CHUNKS.iter().copied().max().unwrap_or(max).min(items.len());
    let sweep = &items[..sweep_n];
    println!("  chunk-size sweep, {sweep_n} proofs, batch mode, {threads} threads:");
    println!("    {:>5} {:>12}", "chunk", "proofs/s");
    let verifiers: Vec<BatchVerifier> = CHUNKS
        .iter()
        .map(|&c| all.clone().with_chunk_size(c))
        .collect();
    let mut runs: Vec<Box<dyn FnMut() + '_>> = verifiers
        .iter()
        .map(|v| Box::new(move || drop(v.verify_batch(sweep))) as Box<dyn FnMut()>)
        .collect();
    let mut refs: Vec<&mut dyn FnMut()> = runs
        .iter_mut()
        .map(|b| &mut **b as &mut dyn FnMut())
        .collect();
    let times = interleaved(&plan, &mut refs);
    for (&chunk, t) in CHUNKS.iter().zip(times) {
        println!("    {chunk:>5} {:>12.0}", per_sec(sweep_n, t));
    }

    let miller_us = us(miller);
    let batch_1t_us = 1e6 / bat1;
    println!(
        "  at {BATCH_SIZE}: batch / parallel = {:.2}x (target >= 3x); \
         1 thread batch cost per proof = {:.0} us = {:.2} Miller loops (target <= 1.5)",
        bat / par,
        batch_1t_us,
        batch_1t_us / miller_us
    );
    Ok(json!({
        "batch_size": BATCH_SIZE,
        "threads": threads,
        "individual_per_sec": ind,
        "parallel_per_sec": par,
        "batch_per_sec": bat,
        "batch_1t_per_sec": bat1,
        "miller_loop_us": miller_us,
        "batch_from_bytes_per_sec": bat_bytes,
        "by_batch_size": by_size,
    }))
}

//! The proving section of `cargo xtask bench`.
//!
//! Keys come from a fixed public seed (INSECURE, for reproducible benchmarks only).
//!
//! Besides the headline figures it records:
//! - `arkworks_floor_ms`: the FFTs and the five MSMs of one proof with arkworks'
//!   `VariableBaseMSM`, 1 thread (the same figure as `msm_floor_ms`, kept under both
//!   names; the reference any faster MSM engine is compared with in the same run);
//! - `floor_steps`: one proof's steps on 1 thread, `[{ "step", "ms" }]` in order
//!   (fastest floor run for the FFTs and MSMs, medians for the check and synthesis);
//! - `batch_sweep`: `prove_batch` at each batch size of [`SWEEP`] (a reduced set under
//!   `--quick`), all threads: `proofs_per_sec` (proofs / wall time over every batch of
//!   that size), `p50_ms` and `p99_ms` of the **per-proof** latency (from the start of one
//!   proof's native check to its last MSM, on its worker), and `batch_ms`, the median
//!   wall time of one batch. Small sizes repeat until at least `min_proofs` proofs;
//! - `auto_batch`: what `RINGCT_PAR_BATCH=auto` would choose with its default target,
//!   from the thread time per proof of the sweep's largest batch.

use super::{median_ms, peak_rss_bytes};
use ark_bls12_381::{Bls12_381, Fr, G1Projective, G2Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::PrimeField;
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP};
use ark_groth16::Groth16;
use ark_poly::GeneralEvaluationDomain;
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{sample::random_spend, RingCtCircuit, RingCtWitness, Shape};
use ringct_prover::config::{DEFAULT_BATCH_TARGET_MS, MAX_BATCH};
use ringct_prover::stats::percentile;
use ringct_prover::{
    auto_batch, keyfile, MsmBackend, ParallelProveConfig, RingCtKeys, RingCtParallelProver,
};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Batch sizes of the sweep (issue 13: 8 to 256, powers of two).
const SWEEP: [usize; 6] = [8, 16, 32, 64, 128, 256];
/// Batch sizes of the sweep under `--quick`.
const SWEEP_QUICK: [usize; 3] = [8, 16, 32];

/// One batch size of the sweep.
#[derive(Debug)]
struct SweepPoint {
    batch_size: usize,
    proofs: usize,
    wall: Duration,
    batches: Vec<Duration>,
    latencies: Vec<Duration>,
}

impl SweepPoint {
    fn to_json(&self) -> Value {
        let mut lat = self.latencies.clone();
        lat.sort_unstable();
        let mut batches = self.batches.clone();
        batches.sort_unstable();
        json!({
            "batch_size": self.batch_size,
            "proofs_per_sec": round(self.proofs as f64 / self.wall.as_secs_f64().max(f64::MIN_POSITIVE)),
            "p50_ms": round(percentile(&lat, 0.50).as_secs_f64() * 1e3),
            "p99_ms": round(percentile(&lat, 0.99).as_secs_f64() * 1e3),
            "batch_ms": round(percentile(&batches, 0.50).as_secs_f64() * 1e3),
        })
    }
}

/// `prove_batch` at each size of `sizes`, repeated until at least `min_proofs` proofs
/// per size; witnesses are reused round-robin (a proof costs the same whatever its
/// witness).
fn batch_sweep(
    prover: &RingCtParallelProver,
    witnesses: &[RingCtWitness],
    sizes: &[usize],
    min_proofs: usize,
) -> Result<Vec<SweepPoint>, String> {
    let mut points = Vec::new();
    let mut next = 0usize;
    for &size in sizes {
        let mut point = SweepPoint {
            batch_size: size,
            proofs: 0,
            wall: Duration::ZERO,
            batches: Vec::new(),
            latencies: Vec::new(),
        };
        while point.proofs < min_proofs.max(size) {
            let batch: Vec<RingCtWitness> = (0..size)
                .map(|k| witnesses[(next + k) % witnesses.len()].clone())
                .collect();
            next = (next + size) % witnesses.len();
            let out = prover.prove_batch(&batch);
            if out.stats.failed != 0 {
                return Err(format!("a valid witness failed to prove at batch {size}"));
            }
            point.proofs += out.stats.ok;
            point.wall += out.stats.wall;
            point.batches.push(out.stats.wall);
            point.latencies.extend(
                out.results
                    .iter()
                    .filter_map(|r| r.as_ref().ok().map(|p| p.latency)),
            );
        }
        println!(
            "    batch {size:>4}: {:>4} proofs, {:>7.2} proofs/s",
            point.proofs,
            point.proofs as f64 / point.wall.as_secs_f64()
        );
        points.push(point);
    }
    Ok(points)
}

fn pool(threads: usize) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())
}

/// Milliseconds spent in each step of one proof's unavoidable work.
#[derive(Default, Debug)]
struct FloorBreakdown {
    witness_map: f64,
    msm: [f64; 5],
}

impl FloorBreakdown {
    fn total(&self) -> f64 {
        self.witness_map + self.msm.iter().sum::<f64>()
    }
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// The witness map (FFTs) and the five MSMs of one proof, nothing else,
/// timed step by step.
fn msm_and_fft(keys: &RingCtKeys, full: &[Fr]) -> Result<FloorBreakdown, String> {
    let m = keys.engine().matrices();
    let pk = keys.proving_key();
    let mut b = FloorBreakdown::default();
    let t = Instant::now();
    let h = LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
        &m.abc,
        m.num_instance_variables,
        m.num_constraints,
        full,
    )
    .map_err(|e| e.to_string())?;
    b.witness_map = ms_since(t);
    let h: Vec<_> = h.iter().map(|s| s.into_bigint()).collect();
    let all: Vec<_> = full[1..].iter().map(|s| s.into_bigint()).collect();
    let aux = &all[m.num_instance_variables - 1..];
    // The same five MSMs as ark-groth16's prover: H, L, A, B in G1, B in G2.
    let t = Instant::now();
    let _ = std::hint::black_box(G1Projective::msm_bigint(&pk.h_query, &h));
    b.msm[0] = ms_since(t);
    let t = Instant::now();
    let _ = std::hint::black_box(G1Projective::msm_bigint(&pk.l_query, aux));
    b.msm[1] = ms_since(t);
    let t = Instant::now();
    let _ = std::hint::black_box(G1Projective::msm_bigint(&pk.a_query[1..], &all));
    b.msm[2] = ms_since(t);
    let t = Instant::now();
    let _ = std::hint::black_box(G1Projective::msm_bigint(&pk.b_g1_query[1..], &all));
    b.msm[3] = ms_since(t);
    let t = Instant::now();
    let _ = std::hint::black_box(G2Projective::msm_bigint(&pk.b_g2_query[1..], &all));
    b.msm[4] = ms_since(t);
    Ok(b)
}

pub fn run(quick: bool) -> Result<(Value, Value), String> {
    let shape = Shape::default();
    let threads = rayon::current_num_threads();
    let (reps, batch_size) = if quick {
        (3, 2 * threads.max(2))
    } else {
        (7, 32)
    };
    let t = Instant::now();
    let keys = Arc::new(
        RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 2024).map_err(|e| e.to_string())?,
    );
    println!(
        "setup {shape}: {:.1} s (insecure fixed-seed keys, benchmark only)",
        t.elapsed().as_secs_f64()
    );
    let m = keys.engine().matrices();
    let circuit_json = json!({
        "shape": shape.to_string(),
        "constraints": m.num_constraints,
        "public_inputs": shape.num_public_inputs(),
    });

    let mut rng = ChaCha20Rng::seed_from_u64(7);
    // At least 32 distinct witnesses; the sweep reuses them round-robin.
    let witnesses: Vec<RingCtWitness> = (0..batch_size.max(32))
        .map(|_| random_spend(shape, &mut rng).map(|(w, _)| w))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;

    let all = RingCtParallelProver::new(
        keys.clone(),
        ParallelProveConfig {
            threads,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let one = RingCtParallelProver::new(
        keys.clone(),
        ParallelProveConfig {
            threads: 1,
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;

    // Warm up caches and pools.
    all.prove_one(&witnesses[0]).map_err(|e| e.to_string())?;

    let single_latency_ms = median_ms(reps, || {
        all.prove_one(&witnesses[0]).expect("valid witness");
    });

    // prove_batch and Groth16::prove in a loop (same key, same witnesses, same
    // number of threads), alternated so that drift in the machine's speed
    // affects both alike.
    let naive_pool = pool(threads)?;
    let pk = keys.proving_key().clone();
    let mut naive_rng = ChaCha20Rng::seed_from_u64(9);
    let (mut batch_rates, mut naive_rates) = (Vec::new(), Vec::new());
    let batch = &witnesses[..batch_size];
    for _ in 0..if quick { 1 } else { 2 } {
        let out = all.prove_batch(batch);
        if out.stats.failed != 0 {
            return Err("a valid witness failed to prove".into());
        }
        batch_rates.push(out.stats.proofs_per_sec);
        let t = Instant::now();
        naive_pool.install(|| -> Result<(), String> {
            for w in batch {
                let circuit = RingCtCircuit::new(w.clone()).map_err(|e| e.to_string())?;
                Groth16::<Bls12_381>::prove(&pk, circuit, &mut naive_rng)
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        })?;
        naive_rates.push(batch.len() as f64 / t.elapsed().as_secs_f64());
    }
    let batch_proofs_per_sec = median(&mut batch_rates);
    let naive_proofs_per_sec = median(&mut naive_rates);

    let sizes: &[usize] = if quick { &SWEEP_QUICK } else { &SWEEP };
    println!("  batch-size sweep, {threads} threads:");
    let sweep = batch_sweep(&all, &witnesses, sizes, if quick { 16 } else { 64 })?;
    // RINGCT_PAR_BATCH=auto's choice from the largest batch's thread time per proof.
    let largest = sweep.last().ok_or("empty sweep")?;
    let per_proof = largest.wall.saturating_mul(threads as u32) / largest.proofs.max(1) as u32;
    let target = Duration::from_millis(DEFAULT_BATCH_TARGET_MS);
    let auto_size = auto_batch::choose(target, threads, per_proof);

    // One proof on a one-thread pool against the floor (its FFTs and MSMs
    // alone, on one thread), alternated; then the parts of a proof outside
    // the floor (native check, witness synthesis).
    let one_pool = pool(1)?;
    let sample = RingCtCircuit::new(witnesses[2].clone()).map_err(|e| e.to_string())?;
    let full = keys
        .engine()
        .assignment(sample.clone())
        .map_err(|e| e.to_string())?;
    let (mut single, mut floors, mut ours, mut plain) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..reps {
        let t = Instant::now();
        one.prove_one(&witnesses[2]).map_err(|e| e.to_string())?;
        single.push(ms_since(t));
        floors.push(one_pool.install(|| msm_and_fft(&keys, &full))?);
        // The same proof with our engine (blst), 1 thread: the default
        // (three half-width MSMs), and ark-groth16's five MSMs on blst.
        for (backend, out) in [
            (MsmBackend::Blst, &mut ours),
            (MsmBackend::BlstPlain, &mut plain),
        ] {
            out.push(one_pool.install(|| -> Result<f64, String> {
                let t = Instant::now();
                let (r, s) = (Fr::from(3u64), Fr::from(5u64));
                keys.engine()
                    .prove_with_randomness(&full, r, s, backend)
                    .map_err(|e| e.to_string())?;
                Ok(ms_since(t))
            })?);
        }
    }
    let msm_ms = median(&mut ours);
    let msm_plain_ms = median(&mut plain);
    let single_thread_proof_ms = median(&mut single);
    let (check_ms, synth_ms) = one_pool.install(|| {
        let check_ms = median_ms(reps, || {
            witnesses[2].check().expect("valid witness");
        });
        let synth_ms = median_ms(reps, || {
            keys.engine()
                .assignment(sample.clone())
                .expect("valid witness");
        });
        (check_ms, synth_ms)
    });
    let mut totals: Vec<f64> = floors.iter().map(FloorBreakdown::total).collect();
    let msm_floor_ms = median(&mut totals);
    let floor = floors
        .iter()
        .min_by(|a, b| a.total().total_cmp(&b.total()))
        .ok_or("no floor sample")?;

    let pk_bytes = keyfile::proving_key_bytes(&keys);
    let prove = json!({
        "batch_size": batch_size,
        "threads": threads,
        "single_latency_ms": round(single_latency_ms),
        "single_thread_proof_ms": round(single_thread_proof_ms),
        "batch_proofs_per_sec": round(batch_proofs_per_sec),
        "naive_proofs_per_sec": round(naive_proofs_per_sec),
        "msm_floor_ms": round(msm_floor_ms),
        "arkworks_floor_ms": round(msm_floor_ms),
        "floor_steps": [
            { "step": "native check", "ms": round(check_ms) },
            { "step": "synthesis", "ms": round(synth_ms) },
            { "step": "witness map (FFTs)", "ms": round(floor.witness_map) },
            { "step": "MSM H (G1)", "ms": round(floor.msm[0]) },
            { "step": "MSM L (G1)", "ms": round(floor.msm[1]) },
            { "step": "MSM A (G1)", "ms": round(floor.msm[2]) },
            { "step": "MSM B (G1)", "ms": round(floor.msm[3]) },
            { "step": "MSM B (G2)", "ms": round(floor.msm[4]) },
        ],
        "batch_sweep": sweep.iter().map(SweepPoint::to_json).collect::<Vec<_>>(),
        "auto_batch": {
            "target_ms": DEFAULT_BATCH_TARGET_MS,
            "per_proof_thread_ms": round(per_proof.as_secs_f64() * 1e3),
            "batch_size": auto_size,
            "max_batch": MAX_BATCH,
        },
        "msm_ms": round(msm_ms),
        "msm_plain_ms": round(msm_plain_ms),
        "table_bytes": keys.engine().fast_key_bytes(),
        "pk_bytes": pk_bytes,
        "peak_rss_bytes": peak_rss_bytes(),
    });

    println!(
        "\nproving, {shape} ({} constraints), {threads} threads, batch {batch_size}",
        m.num_constraints
    );
    println!(
        "  {:<44} {:>10.1} ms",
        "one proof, all threads", single_latency_ms
    );
    println!(
        "  {:<44} {:>10.1} ms",
        "one proof, 1-thread pool", single_thread_proof_ms
    );
    println!(
        "  {:<44} {:>10.1} ms",
        "FFTs + MSMs of one proof, 1 thread (floor)", msm_floor_ms
    );
    println!(
        "  {:<44} {:>10.1} ms",
        "the same with our engine (blst), 1 thread", msm_ms
    );
    println!(
        "  {:<44} {:>10.1} ms",
        "ark-groth16's five MSMs on blst, 1 thread", msm_plain_ms
    );
    println!("  one proof on 1 thread, step by step (fastest floor run):");
    println!("    {:<42} {:>10.1} ms", "native witness check", check_ms);
    println!(
        "    {:<42} {:>10.1} ms",
        "witness synthesis (no matrices)", synth_ms
    );
    println!(
        "    {:<42} {:>10.1} ms",
        "witness map (FFTs)", floor.witness_map
    );
    for (name, ms) in ["H (G1)", "L (G1)", "A (G1)", "B (G1)", "B (G2)"]
        .iter()
        .zip(floor.msm)
    {
        println!("    {:<42} {:>10.1} ms", format!("MSM {name}"), ms);
    }
    println!("  {:<44} {:>10.2} /s", "prove_batch", batch_proofs_per_sec);
    println!(
        "  {:<44} {:>10}",
        format!("RINGCT_PAR_BATCH=auto, target {DEFAULT_BATCH_TARGET_MS} ms"),
        auto_size
    );
    println!(
        "  {:<44} {:>10.2} /s",
        "Groth16::prove in a loop", naive_proofs_per_sec
    );
    let single_rate = 1000.0 / single_thread_proof_ms;
    println!("  targets:");
    println!(
        "    batch / single-thread rate  {:>6.2}x (target >= 1.8x)",
        batch_proofs_per_sec / single_rate
    );
    println!(
        "    single-thread / floor       {:>6.2}x (target <= 1.2x; issue 13: <= 0.6x)",
        single_thread_proof_ms / msm_floor_ms
    );
    println!(
        "    our engine / floor          {:>6.2}x (issue 13: <= 0.6x)",
        msm_ms / msm_floor_ms
    );
    println!(
        "    five MSMs on blst / floor   {:>6.2}x",
        msm_plain_ms / msm_floor_ms
    );
    println!(
        "    batch / naive               {:>6.2}x (target >= 1.3x; issue 13: >= 1.6x)",
        batch_proofs_per_sec / naive_proofs_per_sec
    );
    Ok((circuit_json, prove))
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

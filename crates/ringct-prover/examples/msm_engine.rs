//! One proof's witness map and MSMs on 2x2-r16 (or the shape given), 1
//! thread, with each MSM backend, alternated so drift hits all alike:
//!
//! ```text
//! cargo run -p ringct-prover --example msm_engine -- [shape] [rounds]
//! ```
//!
//! `arkworks` is ark-groth16's prover from the assignment (the witness map
//! and five arkworks MSMs: the "floor"), `blst-plain` the same five MSMs
//! with blst's Pippenger on the same bases, `blst` our engine (the default:
//! three half-width MSMs over the key's points and their `2^128` multiples).
//! Keys from a fixed public seed (INSECURE, benchmark only).

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{sample::random_spend, RingCtCircuit, Shape};
use ringct_prover::{MsmBackend, RingCtKeys};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let shape: Shape = args
        .get(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or_default();
    let rounds: usize = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(5);
    let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 2024)?;
    let t = Instant::now();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let rebuilt = one.install(|| {
        ringct_prover::Groth16Engine::new(
            std::sync::Arc::new(keys.proving_key().clone()),
            ringct_circuit::RingCtCircuit::blank(shape),
        )
    });
    println!(
        "engine from a loaded key (matrices, blst points, 2^128 multiples), 1 thread: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    drop(rebuilt);
    let engine = keys.engine();
    println!(
        "{shape}: {} constraints; key points in blst form: {} bytes",
        engine.matrices().num_constraints,
        engine.fast_key_bytes()
    );
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let (witness, statement) = random_spend(shape, &mut rng)?;
    let assignment = engine.assignment(RingCtCircuit::new_unchecked(
        witness,
        statement.to_public_inputs(),
    ))?;
    let zeros = assignment.iter().filter(|x| **x == 0u64.into()).count();
    let ones = assignment.iter().filter(|x| **x == 1u64.into()).count();
    println!(
        "assignment: {} values, {zeros} zeros, {ones} ones",
        assignment.len()
    );
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let backends = [
        ("arkworks", MsmBackend::Arkworks),
        ("blst-plain", MsmBackend::BlstPlain),
        ("blst", MsmBackend::Blst),
    ];
    let mut times = vec![Vec::new(); backends.len()];
    let mut wm = Vec::new();
    for _ in 0..rounds {
        for (i, (_, backend)) in backends.iter().enumerate() {
            let t = Instant::now();
            pool.install(|| engine.prove_assignment_with(&assignment, &mut rng, *backend))?;
            times[i].push(t.elapsed().as_secs_f64() * 1e3);
        }
        let t = Instant::now();
        pool.install(|| engine.witness_map(&assignment))?;
        wm.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ark = median(&mut times[0].clone());
    println!("1 thread, median of {rounds} alternated rounds:");
    println!("  {:<12} {:>8.1} ms", "witness map", median(&mut wm));
    for (i, (name, _)) in backends.iter().enumerate() {
        let m = median(&mut times[i]);
        println!("  {name:<12} {m:>8.1} ms  {:>5.2}x arkworks", m / ark);
    }
    Ok(())
}

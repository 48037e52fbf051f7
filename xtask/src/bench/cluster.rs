//! The cluster section of `cargo xtask bench`: proving through the
//! PostgreSQL job queue (`ringct-cluster`), on a throwaway PostgreSQL with
//! `fsync` on, workers in this process (each with its own connections, as
//! separate processes would have).
//!
//! - `proof_ms`: one proof on one thread, without the queue (the local
//!   prover, mean latency).
//! - `workers_1_proofs_per_sec`, `workers_2_proofs_per_sec`: a batch proved
//!   through the cluster client by 1, then 2 single-threaded workers, from
//!   submission to collected results.
//! - `overhead_ms_per_job`: what the queue adds to one job: claim plus
//!   complete, measured with the insecure no-op engine and one slot (jobs one
//!   after the other).
//! - `noop_jobs_per_sec`: the queue's ceiling: no-op jobs per second with
//!   `NOOP_SLOTS` slots, each claiming `NOOP_CLAIM_BATCH` jobs per statement
//!   and writing their results with its next claim;
//!   `noop_jobs_per_sec_claim_1` the same with one job per claim (the
//!   worker's default, and what proving jobs use).
//!
//! Rates of no-op runs are taken from the database's own clock: jobs over
//! the time from the batch's submission to its last result
//! (`max(finished_at) - created_at`), so the bench's polling does not count.
//!
//! Without PostgreSQL the section is `{"skipped": "reason"}`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{sample::random_spend, RingCtWitness, Shape};
use ringct_cluster::codec::encode_witness;
use ringct_cluster::queue::NewJob;
use ringct_cluster::throwaway::{find_bin_dir, ThrowawayPostgres};
use ringct_cluster::{
    worker, ClientConfig, ClusterProver, DbConfig, Engine, KeyRing, Queue, WorkerConfig,
};
use ringct_prover::{BatchProver, ParallelProveConfig, RingCtKeys, RingCtParallelProver};
use serde_json::{json, Value};

/// Slots claiming at once in the ceiling measurement.
const NOOP_SLOTS: usize = 4;
/// Jobs claimed per statement in the ceiling measurement.
const NOOP_CLAIM_BATCH: usize = 16;

pub fn run(quick: bool) -> Result<Value, String> {
    if find_bin_dir().is_none() {
        let reason = "PostgreSQL is not installed (Debian: apt-get install postgresql)";
        println!("\n== cluster: SKIPPED: {reason} ==");
        return Ok(json!({ "skipped": reason }));
    }
    let shape: Shape = if quick { "1x1-r4" } else { "2x2-r16" }
        .parse()
        .map_err(|e| format!("{e}"))?;
    let (proofs, noop_jobs, serial_jobs) = if quick {
        (8, 2000, 500)
    } else {
        (24, 4000, 1000)
    };
    println!(
        "\n== cluster: shape {shape}, {proofs} proofs per run, {noop_jobs} no-op jobs, PostgreSQL with fsync on =="
    );
    let pg = ThrowawayPostgres::start(true).map_err(|e| e.to_string())?;
    let db = DbConfig::new(pg.url());
    let keys = Arc::new(
        RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 11).map_err(|e| e.to_string())?,
    );
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let witnesses: Vec<RingCtWitness> = (0..proofs)
        .map(|_| random_spend(shape, &mut rng).map(|(w, _)| w))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;

    // One proof on one thread, no queue.
    let local = RingCtParallelProver::new(
        keys.clone(),
        ParallelProveConfig {
            threads: 1,
            ..ParallelProveConfig::default()
        },
    )
    .map_err(|e| e.to_string())?;
    local.prove_one(&witnesses[0]).map_err(|e| e.to_string())?;
    let outcome = RingCtParallelProver::prove_batch(&local, &witnesses[..proofs.min(8)]);
    let proof_ms = outcome.stats.latency_mean.as_secs_f64() * 1e3;
    println!("  one proof, one thread: {proof_ms:.1} ms");

    let ring = KeyRing::from_keys([keys.clone()]);
    let mut per_sec = Vec::new();
    for workers in [1usize, 2] {
        let rate = with_workers(&db, Engine::Keys(ring.clone()), workers, 1, 1, || {
            let mut config = ClientConfig::new(db.clone());
            config.timeout = Duration::from_secs(1800);
            let client = ClusterProver::for_keys(config, &keys).map_err(|e| e.to_string())?;
            // Warm the workers' connections and caches.
            client.prove_batch(&witnesses[..workers]);
            let start = Instant::now();
            let outcome = client.prove_batch(&witnesses);
            let wall = start.elapsed();
            if outcome.stats.ok != witnesses.len() {
                return Err(format!(
                    "{} of {} proofs failed: {:?}",
                    outcome.stats.failed,
                    witnesses.len(),
                    outcome.results.iter().find_map(|r| r.as_ref().err())
                ));
            }
            Ok((
                witnesses.len() as f64 / wall.as_secs_f64(),
                outcome.stats.latency_mean.as_secs_f64() * 1e3,
            ))
        })?;
        let (rate, latency_ms) = rate;
        println!(
            "  {workers} single-threaded worker(s): {rate:.2} proofs/s (a proof on a worker: {latency_ms:.1} ms)"
        );
        per_sec.push((rate, latency_ms));
    }

    let payload = encode_witness(&witnesses[0]).map_err(|e| e.to_string())?;
    let job = NewJob {
        shape: shape.to_string(),
        fingerprint: keys.fingerprint().0,
        payload,
    };
    let serial_rate = noop_rate(&db, &job, 1, 1, serial_jobs)?;
    let overhead_ms = 1e3 / serial_rate;
    println!("  queue overhead per job (claim + complete, one slot): {overhead_ms:.2} ms ({:.2}% of a proof)", 100.0 * overhead_ms / proof_ms);
    let noop_1 = noop_rate(&db, &job, NOOP_SLOTS, 1, noop_jobs)?;
    println!(
        "  queue ceiling ({NOOP_SLOTS} slots, one job per claim, no-op jobs): {noop_1:.0} jobs/s"
    );
    let noop = noop_rate(&db, &job, NOOP_SLOTS, NOOP_CLAIM_BATCH, noop_jobs)?;
    println!(
        "  queue ceiling ({NOOP_SLOTS} slots, {NOOP_CLAIM_BATCH} jobs per claim, no-op jobs): {noop:.0} jobs/s"
    );
    Ok(json!({
        "shape": shape.to_string(),
        "proof_ms": round(proof_ms),
        "workers_1_proofs_per_sec": round(per_sec[0].0),
        "workers_2_proofs_per_sec": round(per_sec[1].0),
        "speedup_2_workers": round(per_sec[1].0 / per_sec[0].0),
        "workers_1_proof_ms": round(per_sec[0].1),
        "workers_2_proof_ms": round(per_sec[1].1),
        "overhead_ms_per_job": round(overhead_ms),
        "overhead_pct_of_proof": round(100.0 * overhead_ms / proof_ms),
        "noop_jobs_per_sec": round(noop),
        "noop_jobs_per_sec_claim_1": round(noop_1),
        "noop_slots": NOOP_SLOTS,
        "noop_claim_batch": NOOP_CLAIM_BATCH,
        "fsync": true,
    }))
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Runs `f` while `workers` in-process workers of `slots` slots each serve
/// the queue, each slot claiming `claim_batch` jobs at once.
fn with_workers<T>(
    db: &DbConfig,
    engine: Engine,
    workers: usize,
    slots: usize,
    claim_batch: usize,
    f: impl FnOnce() -> Result<T, String>,
) -> Result<T, String> {
    let stop = Arc::new(AtomicBool::new(false));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|i| {
                let mut config = WorkerConfig::new(db.clone(), format!("bench-{i}"));
                config.concurrency = slots;
                config.claim_batch = claim_batch;
                config.idle_wait = Duration::from_millis(100);
                let (engine, stop) = (engine.clone(), stop.clone());
                scope.spawn(move || worker::run(config, engine, stop))
            })
            .collect();
        let result = f();
        stop.store(true, Ordering::Relaxed);
        for h in handles {
            match h.join() {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(format!("worker: {e}")),
                Err(_) => return Err("a worker panicked".into()),
            }
        }
        result
    })
}

/// No-op jobs per second through one worker with `slots` slots claiming
/// `claim_batch` jobs at once, by the database's clock.
fn noop_rate(
    db: &DbConfig,
    job: &NewJob,
    slots: usize,
    claim_batch: usize,
    n: usize,
) -> Result<f64, String> {
    let mut q = Queue::connect(db).map_err(|e| e.to_string())?;
    let jobs = vec![job.clone(); n];
    with_workers(db, Engine::InsecureNoop, 1, slots, claim_batch, || {
        // Let every slot connect and go idle first.
        std::thread::sleep(Duration::from_millis(500));
        let start = Instant::now();
        let batch = q.submit(&jobs, 0, 1).map_err(|e| e.to_string())?;
        loop {
            let done = q.finished(batch).map_err(|e| e.to_string())?;
            if done as usize >= n {
                break;
            }
            if start.elapsed() > Duration::from_secs(600) {
                return Err(format!("only {done} of {n} no-op jobs finished in 600 s"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let secs: f64 = q
            .client()
            .query_one(
                "SELECT extract(epoch FROM max(finished_at) - min(created_at))::float8
                 FROM ringct_jobs WHERE batch = $1",
                &[&batch.0],
            )
            .map_err(|e| e.to_string())?
            .get(0);
        q.delete_batch(batch).map_err(|e| e.to_string())?;
        Ok(n as f64 / secs.max(1e-6))
    })
}

//! The proving loop: recorder and endpoint first, then keys, warm-up, and
//! measured batches until a bound or a signal; then the final summary.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_cluster::backend::batch_prover;
use ringct_cluster::connect::redact;
use ringct_cluster::Backend;
use ringct_prover::{BatchProver, RingCtParallelProver};
use ringct_verifier::BatchVerifier;
use supervm_telemetry::exporter::{install_global, DEFAULT_UPKEEP_INTERVAL};

use crate::error::BenchError;
use crate::http::{router, Endpoint};
use crate::keys::{keys_label, load_keys};
use crate::options::Options;
use crate::signals::SignalState;
use crate::summary::{lock, ms, BenchState, KeyInfo, Phase};
use crate::telemetry::{register_zeroes, set_build_info};
use crate::workload::{invalid_count, invalid_mask, Bench};

/// Sleeps `d`, waking early on `stop` or at `deadline`.
fn pause(d: Duration, stop: &AtomicBool, deadline: Option<Instant>) {
    let mut until = Instant::now() + d;
    if let Some(deadline) = deadline {
        until = until.min(deadline);
    }
    while !stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        if now >= until {
            break;
        }
        std::thread::sleep((until - now).min(Duration::from_millis(50)));
    }
}

pub fn run(opts: Options, signals: &SignalState) -> Result<u64, BenchError> {
    let stop = &signals.stop;
    // Recorder and endpoint first, so a taken port fails before any setup.
    let recorder = install_global(DEFAULT_UPKEEP_INTERVAL).map_err(BenchError::Telemetry)?;
    let state = Arc::new(Mutex::new(BenchState::new(opts.clone())));
    let server = Endpoint::start(opts.addr, router(recorder.scrape(), Arc::clone(&state)))?;
    register_zeroes();
    let addr = server.local_addr();
    println!(
        "serving http://{addr}/metrics, http://{addr}/summary, http://{addr}/summary.json, \
         http://{addr}/healthz, http://{addr}/readyz (ready once the keys are loaded)"
    );

    let shape = opts.prove.shape;
    let setup_start = Instant::now();
    let (keys, source) = load_keys(&opts)?;
    let verifier = BatchVerifier::for_shape(keys.verifying_key().clone(), shape)
        .map_err(BenchError::UnusableKey)?
        .with_threads(opts.prove.threads)
        .map_err(BenchError::Verifier)?;
    if verifier.fingerprint().0 != keys.fingerprint().0 {
        return Err(BenchError::FingerprintMismatch {
            prover: keys.fingerprint().to_string(),
            verifier: verifier.fingerprint().to_string(),
        });
    }
    let (prover, threads, backend) = match &opts.backend {
        Backend::Local => {
            let local = RingCtParallelProver::new(Arc::clone(&keys), opts.prove.clone())?;
            let threads = local.threads();
            let prover: Box<dyn BatchProver> = Box::new(local);
            (prover, threads, format!("local prover, {threads} threads"))
        }
        cluster @ Backend::Postgres(db) => (
            batch_prover(cluster, Arc::clone(&keys), opts.prove.clone())
                .map_err(BenchError::Backend)?,
            opts.prove.threads,
            format!(
                "cluster at {} (RINGCT_PROVER; ringct-prover-worker processes prove, {} verifier threads here)",
                redact(&db.url),
                opts.prove.threads
            ),
        ),
    };
    let constraints = keys.engine().matrices().num_constraints;
    println!(
        "shape {shape}: {constraints} constraints, {} public inputs; key fingerprint {}; {source}; ready in {:.2} s",
        shape.num_public_inputs(),
        keys.fingerprint(),
        setup_start.elapsed().as_secs_f64()
    );
    println!("proving backend: {backend}");
    println!(
        "batch {}, threads {}, interval {} ms, invalid rate {}, warm-up batches {}, max batches {}, max seconds {}",
        opts.prove.auto_batch_target.map_or_else(
            || opts.prove.batch_size.to_string(),
            |t| format!("auto (target {} ms)", t.as_millis())
        ),
        threads,
        opts.prove.interval.as_millis(),
        opts.invalid_rate,
        opts.prove.setup_batches,
        opts.max_batches.map_or("-".into(), |n| n.to_string()),
        opts.max_seconds.map_or("-".into(), |d| format!("{:.1}", d.as_secs_f64())),
    );
    set_build_info(format!("{shape}={}", keys.fingerprint()), keys_label(&opts));
    {
        let mut s = lock(&state);
        s.threads = threads;
        s.keys = Some(KeyInfo {
            fingerprint: keys.fingerprint().to_string(),
            constraints,
            public_inputs: shape.num_public_inputs(),
            source,
        });
    }

    let mut bench = Bench {
        prover,
        verifier,
        rng: ChaCha20Rng::from_entropy(),
    };
    let mut bugs = 0;

    // From here on a signal stops gracefully, after the current batch.
    signals.in_loop.store(true, Ordering::SeqCst);
    println!(
        "proving: SIGINT (Ctrl-C) or SIGTERM finishes the current batch and stops; a second one exits at once"
    );

    // Warm-up: all-valid batches under a no-op recorder (this thread records
    // both the prover's and the verifier's metrics), not counted in totals.
    let noop = metrics::NoopRecorder;
    for i in 0..opts.prove.setup_batches {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        lock(&state).phase = Phase::WarmingUp {
            done: i,
            total: opts.prove.setup_batches,
        };
        let label = format!("warm-up {}", i + 1);
        // Fixed, or under RINGCT_PAR_BATCH=auto what the batches so far suggest.
        let batch = bench
            .prover
            .next_batch_size()
            .unwrap_or(opts.prove.batch_size);
        let round =
            metrics::with_local_recorder(&noop, || bench.round(&label, &vec![false; batch]))?;
        bugs += (round.verify_failures + round.unexpected) as u64;
        println!(
            "{label}/{}: {} proofs in {:.1} ms ({:.2} proofs/s), verified in {:.1} ms (not counted)",
            opts.prove.setup_batches,
            round.stats.ok,
            ms(round.stats.wall),
            round.stats.proofs_per_sec,
            ms(round.verify_wall)
        );
    }

    let started = Instant::now();
    let deadline = opts.max_seconds.map(|d| started + d);
    {
        let mut s = lock(&state);
        s.phase = Phase::Running;
        s.measuring = Some((started, None));
    }
    let mut submitted: u64 = 0;
    let mut index: u64 = 0;
    while !stop.load(Ordering::SeqCst)
        && opts.max_batches.map_or(true, |max| index < max)
        && deadline.map_or(true, |d| Instant::now() < d)
    {
        index += 1;
        let batch = bench
            .prover
            .next_batch_size()
            .unwrap_or(opts.prove.batch_size);
        let k = invalid_count(opts.invalid_rate, submitted, batch);
        let round = bench.round(&format!("batch {index}"), &invalid_mask(k, batch))?;
        submitted += batch as u64;
        let s = &round.stats;
        println!(
            "batch {index}: {} witnesses ({} invalid), {} proved, {} failed, wall {:.1} ms, {:.2} proofs/s, \
             p50 {:.1} ms, verify {}/{} ok in {:.1} ms, sampling {:.1} ms{}",
            s.total,
            round.invalid,
            s.ok,
            s.failed,
            ms(s.wall),
            s.proofs_per_sec,
            ms(s.latency_p50),
            round.verified - round.verify_failures,
            round.verified,
            ms(round.verify_wall),
            ms(round.sample_wall),
            if round.verify_failures + round.unexpected > 0 {
                "  <-- BUG, see stderr"
            } else {
                ""
            }
        );
        lock(&state).record(&round);
        if opts.max_batches != Some(index) {
            pause(opts.prove.interval, stop, deadline);
        }
    }

    let summary = {
        let mut s = lock(&state);
        s.phase = Phase::Stopped;
        if let Some((from, _)) = s.measuring {
            s.measuring = Some((from, Some(Instant::now())));
        }
        bugs += s.totals.bugs();
        s.render()
    };
    println!("\n{summary}");
    server.shutdown();
    recorder.shutdown();
    Ok(bugs)
}

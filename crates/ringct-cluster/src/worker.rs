//! A stateless prover worker: claims jobs, proves them, writes results.
//!
//! A worker runs `concurrency` slots, each on its own thread with its own
//! connection and a one-thread [`RingCtParallelProver`] per key (the same
//! engine as the local prover). A slot writes the results of the jobs it
//! finished and claims its next ones in one statement
//! ([`Queue::complete_and_claim`]): one round trip per job, or per
//! `claim_batch` jobs for short jobs. Results are not held back: a slot that
//! still holds claimed jobs writes a finished result at once when its
//! proving took longer than [`HOLD_RESULTS_FOR`]. One heartbeat thread renews the
//! leases of the jobs in flight, puts jobs with expired leases back in the
//! queue ([`Queue::reap`]) and samples the queue's depth for the metrics.
//! Every database error drops the connection and reconnects with backoff, so
//! a database restart or a link that comes back costs a few seconds, not the
//! worker. Setting the stop flag drains: slots finish the job they hold,
//! write its result, and exit.

use crate::codec::decode_witness;
use crate::connect::DbConfig;
use crate::error::ClusterError;
use crate::keyring::KeyRing;
use crate::queue::{ClaimedJob, Completion, FailureKind, Finished, JobResult, Queue, MAX_CLAIM};
use ringct_prover::{ParallelProveConfig, ProverError, RingCtParallelProver, PROOF_BYTES};
use std::collections::{HashMap, HashSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use supervm_telemetry::{labels, names};

/// Most proving slots per worker.
pub const MAX_CONCURRENCY: usize = 256;
/// Shortest lease.
pub const MIN_LEASE: Duration = Duration::from_secs(1);
/// Longest lease.
pub const MAX_LEASE: Duration = Duration::from_secs(3600);
/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// A slot holding more claimed jobs keeps finished results to write with
/// the next ones for at most this long.
pub const HOLD_RESULTS_FOR: Duration = Duration::from_millis(20);

/// What proves the jobs.
#[derive(Debug, Clone)]
pub enum Engine {
    /// Groth16 proofs with the keys held.
    Keys(KeyRing),
    /// INSECURE, for queue benchmarks only: completes every job at once with
    /// 192 zero bytes, which are not a proof. Never point it at a queue that
    /// real clients use.
    InsecureNoop,
}

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The queue.
    pub db: DbConfig,
    /// The lease owner's name; unique per worker process.
    pub name: String,
    /// Jobs proved at once (slots).
    pub concurrency: usize,
    /// A claimed job's lease.
    pub lease: Duration,
    /// How often leases are renewed (below the lease).
    pub heartbeat: Duration,
    /// How long an idle slot waits for a notification before claiming again.
    pub idle_wait: Duration,
    /// How often expired leases are reaped and the queue's depth sampled.
    pub reap_every: Duration,
    /// Jobs a slot claims at once (1..=[`MAX_CLAIM`]). 1 suits proofs;
    /// more cuts the queue's cost per job for short jobs, at the price of
    /// jobs waiting in a busy slot while another slot may be idle.
    pub claim_batch: usize,
}

impl WorkerConfig {
    /// Defaults: one slot per core, a 30 s lease renewed every 10 s.
    pub fn new(db: DbConfig, name: String) -> Self {
        WorkerConfig {
            db,
            name,
            concurrency: ringct_prover::config::available_cores(),
            lease: Duration::from_secs(30),
            heartbeat: Duration::from_secs(10),
            idle_wait: Duration::from_secs(1),
            reap_every: Duration::from_secs(2),
            claim_batch: 1,
        }
    }

    /// Checks every bound.
    pub fn validate(&self) -> Result<(), ClusterError> {
        let range = |what, value: u64, min: u64, max: u64| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(ClusterError::OutOfRange {
                    what,
                    value,
                    min,
                    max,
                })
            }
        };
        range(
            "concurrency",
            self.concurrency as u64,
            1,
            MAX_CONCURRENCY as u64,
        )?;
        let ms = |d: Duration| d.as_millis().min(u64::MAX as u128) as u64;
        range("lease_ms", ms(self.lease), ms(MIN_LEASE), ms(MAX_LEASE))?;
        // Two renewals fit in one lease, so one late heartbeat loses nothing.
        range("heartbeat_ms", ms(self.heartbeat), 10, ms(self.lease) / 2)?;
        range("idle_wait_ms", ms(self.idle_wait), 1, 60_000)?;
        range("reap_every_ms", ms(self.reap_every), 10, 600_000)?;
        range("claim_batch", self.claim_batch as u64, 1, MAX_CLAIM as u64)?;
        if self.name.is_empty() || self.name.len() > 200 {
            return Err(ClusterError::Config {
                what: "worker name",
                reason: "must be 1 to 200 bytes".into(),
            });
        }
        Ok(())
    }
}

/// What a worker did, when it stops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerReport {
    /// Jobs proved and recorded.
    pub proved: u64,
    /// Jobs failed for good and recorded.
    pub failed: u64,
    /// Jobs put back in the queue after a failure worth retrying.
    pub retried: u64,
    /// Results not recorded because the job already had one.
    pub duplicate: u64,
}

#[derive(Default)]
struct Counters {
    proved: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
    duplicate: AtomicU64,
}

struct Shared {
    config: WorkerConfig,
    engine: Engine,
    stop: Arc<AtomicBool>,
    in_flight: Mutex<HashSet<i64>>,
    slots_running: AtomicUsize,
    counters: Counters,
}

fn log(name: &str, message: impl std::fmt::Display) {
    eprintln!("ringct-prover-worker {name}: {message}");
}

/// Sleeps `d`, waking early when `stop` is set.
fn sleep_unless(stop: &AtomicBool, d: Duration) {
    let end = Instant::now() + d;
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= end {
            return;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(50)));
    }
}

/// Connects unless connected; on failure, logs, sleeps the backoff and
/// returns `None`.
fn ensure_connected<'q>(
    queue: &'q mut Option<Queue>,
    shared: &Shared,
    stop: &AtomicBool,
    backoff: &mut Duration,
) -> Option<&'q mut Queue> {
    if queue.as_ref().is_some_and(|q| q.is_closed()) {
        *queue = None;
    }
    if queue.is_none() {
        match Queue::connect_worker(&shared.config.db) {
            Ok(q) => {
                *backoff = Duration::from_millis(50);
                *queue = Some(q);
            }
            Err(e) => {
                log(&shared.config.name, format!("cannot reach the queue: {e}"));
                sleep_unless(stop, *backoff);
                *backoff = (*backoff * 2).min(MAX_BACKOFF);
                return None;
            }
        }
    }
    queue.as_mut()
}

/// Runs a worker until `stop` is set, then drains and returns.
pub fn run(
    config: WorkerConfig,
    engine: Engine,
    stop: Arc<AtomicBool>,
) -> Result<WorkerReport, ClusterError> {
    run_notifying(config, engine, stop, || {})
}

/// [`run`], calling `on_ready` once the first database connection has
/// succeeded and every slot's provers are built, just before the slots
/// start claiming jobs (the binary's `/readyz` turns 200 there).
pub fn run_notifying(
    config: WorkerConfig,
    engine: Engine,
    stop: Arc<AtomicBool>,
    on_ready: impl FnOnce(),
) -> Result<WorkerReport, ClusterError> {
    config.validate()?;
    if let Engine::Keys(keys) = &engine {
        if keys.is_empty() {
            return Err(ClusterError::NoKeys("the key ring".into()));
        }
    }
    // Fail fast on a bad URL or schema, before starting threads.
    Queue::connect(&config.db)?;
    metrics::gauge!(names::CLUSTER_WORKER_SLOTS).set(config.concurrency as f64);
    for outcome in ["proved", "failed", "retried", "duplicate"] {
        metrics::counter!(names::CLUSTER_JOBS_TOTAL, labels::OUTCOME => outcome).increment(0);
    }
    metrics::counter!(names::CLUSTER_RETRIES_TOTAL).increment(0);
    metrics::counter!(names::CLUSTER_LEASE_RENEWALS_TOTAL).increment(0);
    let shared = Arc::new(Shared {
        slots_running: AtomicUsize::new(config.concurrency),
        config,
        engine,
        stop,
        in_flight: Mutex::new(HashSet::new()),
        counters: Counters::default(),
    });
    let mut provers = Vec::new();
    for _ in 0..shared.config.concurrency {
        provers.push(slot_provers(&shared.engine)?);
    }
    on_ready();
    std::thread::scope(|scope| {
        for (i, provers) in provers.into_iter().enumerate() {
            let shared = &shared;
            std::thread::Builder::new()
                .name(format!("ringct-worker-slot-{i}"))
                .spawn_scoped(scope, move || {
                    slot_loop(shared, &provers);
                    shared.slots_running.fetch_sub(1, Ordering::SeqCst);
                })
                .map_err(|e| ClusterError::Config {
                    what: "worker threads",
                    reason: e.to_string(),
                })?;
        }
        heartbeat_loop(&shared);
        Ok::<(), ClusterError>(())
    })?;
    let c = &shared.counters;
    Ok(WorkerReport {
        proved: c.proved.load(Ordering::Relaxed),
        failed: c.failed.load(Ordering::Relaxed),
        retried: c.retried.load(Ordering::Relaxed),
        duplicate: c.duplicate.load(Ordering::Relaxed),
    })
}

/// One one-thread prover per key, for one slot.
fn slot_provers(engine: &Engine) -> Result<HashMap<[u8; 32], RingCtParallelProver>, ClusterError> {
    let mut out = HashMap::new();
    if let Engine::Keys(ring) = engine {
        for keys in ring.keys() {
            let config = ParallelProveConfig {
                threads: 1,
                ..ParallelProveConfig::default()
            };
            out.insert(
                keys.fingerprint().0,
                RingCtParallelProver::new(keys.clone(), config)?,
            );
        }
    }
    Ok(out)
}

enum Decision {
    Record(JobResult),
    Retry(String),
}

fn process(
    shared: &Shared,
    provers: &HashMap<[u8; 32], RingCtParallelProver>,
    job: &ClaimedJob,
) -> Decision {
    if let Engine::InsecureNoop = shared.engine {
        return Decision::Record(JobResult::Proof {
            bytes: [0u8; PROOF_BYTES],
            proving: Duration::ZERO,
        });
    }
    let failed = |kind, message: String| Decision::Record(JobResult::Failed { kind, message });
    let Some(prover) = provers.get(&job.fingerprint) else {
        let held = match &shared.engine {
            Engine::Keys(ring) => ring.describe(),
            Engine::InsecureNoop => String::new(),
        };
        return failed(
            FailureKind::UnknownFingerprint,
            format!(
                "worker {} holds no key with fingerprint {} (it holds {held})",
                shared.config.name,
                hex::encode(job.fingerprint)
            ),
        );
    };
    let witness = match decode_witness(&job.payload) {
        Ok(w) => w,
        Err(e) => return failed(FailureKind::MalformedPayload, e.to_string()),
    };
    if witness.shape.to_string() != job.shape {
        return failed(
            FailureKind::MalformedPayload,
            format!(
                "the job says shape {} but its witness is for {}",
                job.shape, witness.shape
            ),
        );
    }
    let start = Instant::now();
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| prover.prove_one(&witness)));
    let elapsed = start.elapsed();
    let error = match outcome {
        Ok(Ok(proved)) => {
            metrics::histogram!(names::CLUSTER_PROVING_SECONDS).record(elapsed.as_secs_f64());
            return Decision::Record(JobResult::Proof {
                bytes: proved.proof.to_bytes(),
                proving: proved.latency,
            });
        }
        Ok(Err(
            e @ (ProverError::InvalidWitness(_) | ProverError::WitnessShapeMismatch { .. }),
        )) => return failed(FailureKind::InvalidWitness, e.to_string()),
        Ok(Err(e)) => e.to_string(),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-text panic".into());
            format!("the prover panicked: {what}")
        }
    };
    if job.attempt >= job.max_attempts {
        failed(
            FailureKind::ProverError,
            format!("attempt {} of {}: {error}", job.attempt, job.max_attempts),
        )
    } else {
        Decision::Retry(error)
    }
}

/// A result not written yet.
struct Unwritten {
    id: i64,
    attempt: i32,
    result: JobResult,
    since: Instant,
}

fn slot_loop(shared: &Shared, provers: &HashMap<[u8; 32], RingCtParallelProver>) {
    let mut queue: Option<Queue> = None;
    let mut backoff = Duration::from_millis(50);
    let mut held: VecDeque<ClaimedJob> = VecDeque::new();
    let mut unwritten: Vec<Unwritten> = Vec::new();
    loop {
        let stopping = shared.stop.load(Ordering::Relaxed);
        let Some(job) = held.pop_front() else {
            // Draining: claim nothing more, write what is left, and stop.
            if stopping && unwritten.is_empty() {
                return;
            }
            let want = if stopping {
                0
            } else {
                shared.config.claim_batch
            };
            if let Some(claimed) =
                write_and_claim(shared, &mut queue, &mut unwritten, want, &mut backoff)
            {
                if claimed.is_empty() && want > 0 {
                    if let Some(q) = queue.as_mut() {
                        if let Err(e) = q.wait_for_work(shared.config.idle_wait) {
                            log(&shared.config.name, format!("waiting for work: {e}"));
                            queue = None;
                        }
                    }
                }
                held.extend(claimed);
            }
            continue;
        };
        let started = Instant::now();
        match process(shared, provers, &job) {
            Decision::Record(result) => unwritten.push(Unwritten {
                id: job.id,
                attempt: job.attempt,
                result,
                since: Instant::now(),
            }),
            Decision::Retry(error) => {
                retry(shared, &mut queue, &job, &error);
                lock(&shared.in_flight).remove(&job.id);
            }
        }
        // Jobs still held: write now rather than hold a slow job's result back.
        if !held.is_empty() && !unwritten.is_empty() && started.elapsed() >= HOLD_RESULTS_FOR {
            write_and_claim(shared, &mut queue, &mut unwritten, 0, &mut backoff);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A slot that panicked while holding the lock left a valid set behind.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes the `unwritten` results and claims up to `want` jobs, in one
/// statement. Returns the jobs claimed, or `None` when the database could
/// not be reached (after a backoff; the caller tries again). A result that
/// could not be written within one lease of being made is given up: another
/// worker may hold its job by then, and the result is left to it.
fn write_and_claim(
    shared: &Shared,
    queue: &mut Option<Queue>,
    unwritten: &mut Vec<Unwritten>,
    want: usize,
    backoff: &mut Duration,
) -> Option<Vec<ClaimedJob>> {
    let name = &shared.config.name;
    unwritten.retain(|u| {
        let keep = u.since.elapsed() < shared.config.lease;
        if !keep {
            log(
                name,
                format!(
                    "gave up writing job {}'s result; its lease will expire",
                    u.id
                ),
            );
            lock(&shared.in_flight).remove(&u.id);
        }
        keep
    });
    // Draining does not cut writing results short: they are worth waiting for.
    let never = AtomicBool::new(false);
    let stop: &AtomicBool = if unwritten.is_empty() {
        &shared.stop
    } else {
        &never
    };
    let q = ensure_connected(queue, shared, stop, backoff)?;
    let done: Vec<Finished<'_>> = unwritten
        .iter()
        .map(|u| Finished {
            id: u.id,
            attempt: u.attempt,
            result: &u.result,
        })
        .collect();
    let t = Instant::now();
    match q.complete_and_claim(name, &done, shared.config.lease, want) {
        Ok((completions, claimed)) => {
            if want > 0 {
                metrics::histogram!(names::CLUSTER_CLAIM_SECONDS).record(t.elapsed().as_secs_f64());
            }
            let c = &shared.counters;
            let mut in_flight = lock(&shared.in_flight);
            for (u, done) in unwritten.iter().zip(completions) {
                let outcome = match (done, &u.result) {
                    (Completion::Duplicate, _) => {
                        c.duplicate.fetch_add(1, Ordering::Relaxed);
                        "duplicate"
                    }
                    (Completion::Recorded, JobResult::Proof { .. }) => {
                        c.proved.fetch_add(1, Ordering::Relaxed);
                        "proved"
                    }
                    (Completion::Recorded, JobResult::Failed { kind, message }) => {
                        log(
                            name,
                            format!("job {} failed ({}): {message}", u.id, kind.as_str()),
                        );
                        c.failed.fetch_add(1, Ordering::Relaxed);
                        "failed"
                    }
                };
                metrics::counter!(names::CLUSTER_JOBS_TOTAL, labels::OUTCOME => outcome)
                    .increment(1);
                in_flight.remove(&u.id);
            }
            in_flight.extend(claimed.iter().map(|j| j.id));
            unwritten.clear();
            Some(claimed)
        }
        Err(e) => {
            log(name, format!("writing results and claiming: {e}"));
            *queue = None;
            sleep_unless(stop, *backoff);
            *backoff = (*backoff * 2).min(MAX_BACKOFF);
            None
        }
    }
}

/// Puts a job back in the queue after a failure worth retrying,
/// reconnecting while the database is away, for at most one lease.
fn retry(shared: &Shared, queue: &mut Option<Queue>, job: &ClaimedJob, error: &str) {
    let name = &shared.config.name;
    let deadline = Instant::now() + shared.config.lease;
    let mut backoff = Duration::from_millis(50);
    let c = &shared.counters;
    let never = AtomicBool::new(false);
    while Instant::now() < deadline {
        let Some(q) = ensure_connected(queue, shared, &never, &mut backoff) else {
            continue;
        };
        match q.retry(job.id, name) {
            Ok(mine) => {
                log(
                    name,
                    format!(
                        "job {} attempt {} will be retried: {error}",
                        job.id, job.attempt
                    ),
                );
                if mine {
                    c.retried.fetch_add(1, Ordering::Relaxed);
                    metrics::counter!(names::CLUSTER_JOBS_TOTAL, labels::OUTCOME => "retried")
                        .increment(1);
                    metrics::counter!(names::CLUSTER_RETRIES_TOTAL).increment(1);
                }
                return;
            }
            Err(e) => {
                log(name, format!("putting job {} back: {e}", job.id));
                *queue = None;
                sleep_unless(&never, backoff);
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
    log(
        name,
        format!("gave up putting job {} back; its lease will expire", job.id),
    );
}

fn heartbeat_loop(shared: &Shared) {
    let name = &shared.config.name;
    let mut queue: Option<Queue> = None;
    let mut backoff = Duration::from_millis(50);
    let mut last_beat = Instant::now();
    let mut last_reap = Instant::now() - shared.config.reap_every;
    let never = AtomicBool::new(false);
    while shared.slots_running.load(Ordering::SeqCst) > 0 {
        std::thread::sleep(Duration::from_millis(20));
        let beat_due = last_beat.elapsed() >= shared.config.heartbeat;
        let reap_due =
            last_reap.elapsed() >= shared.config.reap_every && !shared.stop.load(Ordering::Relaxed);
        if !beat_due && !reap_due {
            continue;
        }
        if queue.as_ref().is_some_and(|q| q.is_closed()) {
            queue = None;
        }
        if queue.is_none() {
            match Queue::connect_worker(&shared.config.db) {
                Ok(q) => {
                    backoff = Duration::from_millis(50);
                    queue = Some(q);
                }
                Err(e) => {
                    log(name, format!("heartbeat cannot reach the queue: {e}"));
                    sleep_unless(&never, backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            }
        }
        let Some(q) = queue.as_mut() else { continue };
        if beat_due {
            let ids: Vec<i64> = lock(&shared.in_flight).iter().copied().collect();
            match q.renew(name, &ids, shared.config.lease) {
                Ok(renewed) => {
                    last_beat = Instant::now();
                    metrics::counter!(names::CLUSTER_LEASE_RENEWALS_TOTAL)
                        .increment(renewed.len() as u64);
                }
                Err(e) => {
                    log(name, format!("renewing leases: {e}"));
                    queue = None;
                    continue;
                }
            }
        }
        if reap_due {
            let sampled = q.reap().and_then(|reaped| Ok((reaped, q.depth()?)));
            match sampled {
                Ok((reaped, depth)) => {
                    last_reap = Instant::now();
                    if reaped.requeued > 0 || reaped.failed > 0 {
                        log(
                            name,
                            format!(
                                "expired leases: {} jobs back in the queue, {} failed for good",
                                reaped.requeued, reaped.failed
                            ),
                        );
                    }
                    metrics::counter!(names::CLUSTER_RETRIES_TOTAL).increment(reaped.requeued);
                    for (state, n) in [
                        ("queued", depth.queued),
                        ("running", depth.running),
                        ("done", depth.done),
                        ("failed", depth.failed),
                    ] {
                        metrics::gauge!(names::CLUSTER_QUEUE_DEPTH, labels::STATE => state)
                            .set(n as f64);
                    }
                    metrics::gauge!(names::CLUSTER_OLDEST_JOB_AGE_SECONDS)
                        .set(depth.oldest_age_secs);
                }
                Err(e) => {
                    log(name, format!("reaping: {e}"));
                    queue = None;
                }
            }
        }
    }
}

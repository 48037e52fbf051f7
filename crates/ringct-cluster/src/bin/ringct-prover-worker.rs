//! A stateless RingCT prover worker for the PostgreSQL job queue.
//!
//! ```text
//! ringct-prover-worker --database-url postgres://... --keys-dir DIR
//!     [--concurrency N] [--metrics-addr 127.0.0.1:9187] [--name NAME]
//!     [--lease-secs 30] [--heartbeat-ms 10000] [--ca-file PEM] [--claim-batch 1]
//! ```
//!
//! It loads every proving key in the key directory (files written by
//! `ringct-keygen`), claims jobs, proves those whose fingerprint it holds
//! (and fails the others cleanly), writes the results, and drains on SIGTERM
//! or SIGINT: it finishes the jobs it holds and exits.
//!
//! It serves `/metrics`, `/summary`, `/healthz` and `/readyz` on
//! `--metrics-addr` (default `127.0.0.1:9187`; port 0 picks a free port),
//! through `supervm_telemetry`'s hardened HTTP stack: the cluster metrics,
//! `supervm_prover_build_info` (version, `shape=fingerprint` of every key it
//! holds, `keys="files"`, `role="worker"`, set once the keys are loaded) and
//! the process metrics (`process_*`, read on every scrape). The endpoint starts
//! before the keys load: `/healthz` answers at once, `/readyz` only once the
//! keys are loaded and the first database connection has succeeded. When an
//! option is given twice, the last one wins.
//!
//! Exit status: 0 after draining; 1 a runtime failure; 2 a configuration
//! error (arguments, key files, the URL, TLS).

// The system allocator, on purpose: this binary's work is proving, which runs no faster
// on mimalloc and reached three times the peak RSS with it (docs/ARCHITECTURE.md, "the
// global allocator"). Only the node (and xtask, which benchmarks the node's runtime) set
// mimalloc.

use clap::Parser;
use ringct_cluster::{worker, ClusterError, DbConfig, Engine, KeyRing, WorkerConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;
use supervm_telemetry::exporter::{install_global, MetricsServer, DEFAULT_UPKEEP_INTERVAL};

/// The worker's metrics endpoint unless `--metrics-addr` says otherwise
/// (deploy/prometheus/targets/workers.yml lists `:9187`).
const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9187";

#[derive(Debug, Parser)]
#[command(
    name = "ringct-prover-worker",
    about = "Proves RingCT jobs from a PostgreSQL queue",
    args_override_self = true
)]
struct Args {
    /// The queue's database (libpq URL; `sslmode=require` for TLS).
    #[arg(long, env = "RINGCT_CLUSTER_DATABASE_URL")]
    database_url: String,
    /// PEM file of CA certificates to trust for TLS to the database.
    #[arg(long, env = "RINGCT_CLUSTER_CA_FILE")]
    ca_file: Option<PathBuf>,
    /// Directory with the proving keys (ringct-<shape>.pk).
    #[arg(long, env = "RINGCT_KEYS_DIR")]
    keys_dir: PathBuf,
    /// Jobs proved at once (default: the number of cores).
    #[arg(long, env = "RINGCT_CLUSTER_CONCURRENCY")]
    concurrency: Option<usize>,
    /// Where to serve /metrics, /summary, /healthz and /readyz (port 0: a free port).
    #[arg(long, env = "RINGCT_CLUSTER_METRICS_ADDR", default_value = DEFAULT_METRICS_ADDR)]
    metrics_addr: SocketAddr,
    /// Lease owner name, unique per worker (default: host name and pid).
    #[arg(long, env = "RINGCT_CLUSTER_WORKER_NAME")]
    name: Option<String>,
    /// Lease of a claimed job, in seconds.
    #[arg(long, default_value_t = 30)]
    lease_secs: u64,
    /// Lease renewal period, in milliseconds (at most half the lease).
    #[arg(long, default_value_t = 10_000)]
    heartbeat_ms: u64,
    /// Jobs a slot claims at once (1..=64); more than 1 only pays for very short jobs.
    #[arg(long, env = "RINGCT_CLUSTER_CLAIM_BATCH", default_value_t = 1)]
    claim_batch: usize,
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "worker".into())
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ringct-prover-worker: {e}");
            ExitCode::from(if e.is_configuration() { 2 } else { 1 })
        }
    }
}

fn run(args: Args) -> Result<(), ClusterError> {
    let name = args
        .name
        .unwrap_or_else(|| format!("{}-{}", host_name(), std::process::id()));
    let mut config = WorkerConfig::new(
        DbConfig {
            url: args.database_url,
            ca_file: args.ca_file,
        },
        name.clone(),
    );
    if let Some(n) = args.concurrency {
        config.concurrency = n;
    }
    config.lease = Duration::from_secs(args.lease_secs);
    config.heartbeat = Duration::from_millis(args.heartbeat_ms);
    config.claim_batch = args.claim_batch;
    config.validate()?;
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).map_err(|e| {
            ClusterError::Config {
                what: "signal handler",
                reason: e.to_string(),
            }
        })?;
    }
    // The endpoint first, so that /healthz answers (and /readyz says 503)
    // while the keys load, and a taken port fails before that work.
    let recorder = install_global(DEFAULT_UPKEEP_INTERVAL)
        .map_err(|e| ClusterError::Metrics(e.to_string()))?;
    let server = MetricsServer::start(args.metrics_addr, recorder.scrape())
        .map_err(|e| ClusterError::Metrics(e.to_string()))?;
    let keys = KeyRing::load_dir(&args.keys_dir)?;
    // What this worker runs, as the HTTP bench says it: one metric and one
    // dashboard panel for every prover process.
    supervm_telemetry::set_prover_build_info(
        env!("CARGO_PKG_VERSION"),
        keys.describe(),
        // A worker always loads its proving keys from files (`--keys-dir`).
        supervm_telemetry::key_sources::FILES,
        supervm_telemetry::roles::WORKER,
    );
    eprintln!(
        "ringct-prover-worker {name}: {} slots, keys {}, metrics on http://{}/metrics",
        config.concurrency,
        keys.describe(),
        server.local_addr()
    );
    let readiness = server.readiness();
    let report = worker::run_notifying(config, Engine::Keys(keys), stop, || readiness.set(true))?;
    server.set_ready(false);
    eprintln!(
        "ringct-prover-worker {name}: drained: {} proved, {} failed, {} retried, {} duplicate",
        report.proved, report.failed, report.retried, report.duplicate
    );
    server.shutdown();
    recorder.shutdown();
    Ok(())
}

//! `zk_parallel_http_bench`: proves RingCT batches in a loop, verifies every
//! proof, and serves the metrics on an HTTP endpoint for Prometheus.
//!
//! ```text
//! cargo run --release -p ringct-prover --example zk_parallel_http_bench -- \
//!     [--addr HOST:PORT] [--max-batches N] [--max-seconds S] [--insecure-dev-keys]
//! ```
//!
//! Endpoints: `/metrics` (Prometheus text format), `/summary` (readable text),
//! `/healthz` (`ok`).
//!
//! Environment (flags win over their variables):
//!
//! | variable | meaning | default | bound |
//! |---|---|---|---|
//! | `RINGCT_PAR_BATCH` | witnesses per batch | 32 | 1..=1024 |
//! | `RINGCT_PAR_THREADS` | prover threads (also the verifier's pool) | all cores | 1..=256 |
//! | `RINGCT_PAR_INTERVAL_MS` | pause between batches | 1000 | 0..=3600000 |
//! | `RINGCT_PAR_SETUP_BATCH` | warm-up batches, not counted anywhere | 1 | 0..=100 |
//! | `RINGCT_SHAPE` | circuit shape | `2x2-r16` | a valid shape |
//! | `RINGCT_KEYS_DIR` | key files (else an ephemeral setup, with a warning) | unset | a usable key directory |
//! | `RINGCT_BENCH_INVALID_RATE` | share of deliberately invalid witnesses | 0 | 0.0..=1.0 |
//! | `RINGCT_BENCH_ADDR` / `--addr` | listen address | `127.0.0.1:9090` | `HOST:PORT` |
//! | `RINGCT_BENCH_MAX_BATCHES` / `--max-batches` | stop after N measured batches | unbounded | N > 0 |
//! | `RINGCT_BENCH_MAX_SECONDS` / `--max-seconds` | stop after S seconds of measuring | unbounded | 0 < S < 1e9 |
//!
//! Every variable follows one rule (see `ringct_prover::config`): unset
//! means the default; a set value must be UTF-8, not blank, parse, and stay
//! within its bound, or the bench stops before doing anything with a message
//! naming the variable. The bounds of the `RINGCT_PAR_*` variables are the
//! constants in `ringct_prover::config` (`MAX_BATCH`, `MAX_THREADS`,
//! `MAX_INTERVAL_MS`, `MAX_SETUP_BATCHES`).
//!
//! Every round builds fresh witnesses with `sample::random_spend` (new notes,
//! random rings), makes a share of them unbalanced (fee + 1) so that the
//! prover refuses them natively, proves the batch, and checks every proof
//! with the verifier's randomized `verify_batch` against the key's
//! verifying key. A proof that fails verification, a valid witness that is
//! refused, or an invalid witness that gets a proof is a bug: it is logged
//! loudly, counted on `/summary`, and makes the process exit with status 1.
//!
//! Warm-up batches run under a no-op metrics recorder, so neither
//! `/metrics` nor the `/summary` totals count them.
//!
//! Signals (SIGINT, i.e. Ctrl-C, and SIGTERM): the handler is installed
//! first thing in `main`. During startup (options, endpoint, key loading or
//! the ephemeral setup, verifier and prover pools) a signal exits at once
//! with status 128 + the signal number. Once warm-up or measuring has
//! started, a signal finishes the current batch, prints the final summary
//! and shuts the endpoint down (status 0, or 1 if bugs were found); a
//! second signal exits at once with 128 + its number.
//!
//! Exit statuses:
//!
//! | status | meaning |
//! |---|---|
//! | 0 | finished (`--max-batches`, `--max-seconds`, or stopped by a signal during warm-up or measuring) and no bugs |
//! | 1 | runtime failure: bugs found (see above), the endpoint could not bind, the recorder or a thread pool could not be set up, an ephemeral setup failed |
//! | 2 | configuration error: a variable or flag that is not UTF-8, blank, does not parse or is out of bounds; an unknown flag; keys that cannot be used (key directory or file missing or unreadable, a key file that fails any check, a degenerate key) |
//! | 130 | SIGINT during startup, or a second signal that was SIGINT |
//! | 143 | SIGTERM during startup, or a second signal that was SIGTERM |

use ringct_circuit::{sample::random_spend, CircuitError, Fr, RingCtStatement, RingCtWitness};
use ringct_prover::cache::{shared_keys_from, KeySource};
use ringct_prover::config::{env_text, vars as prover_vars};
use ringct_prover::stats::percentile;
use ringct_prover::{
    BatchStats, ParallelProveConfig, ProverError, RingCtKeys, RingCtParallelProver,
};
use ringct_verifier::{BatchVerifier, Item, Verdict, VerifierError};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use supervm_telemetry::exporter::{install_global, MetricsServer, DEFAULT_UPKEEP_INTERVAL};
use supervm_telemetry::{labels, names, TelemetryError};

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

/// Bench-specific variables (the `RINGCT_PAR_*` ones belong to the prover).
mod vars {
    pub const INVALID_RATE: &str = "RINGCT_BENCH_INVALID_RATE";
    pub const ADDR: &str = "RINGCT_BENCH_ADDR";
    pub const MAX_BATCHES: &str = "RINGCT_BENCH_MAX_BATCHES";
    pub const MAX_SECONDS: &str = "RINGCT_BENCH_MAX_SECONDS";
}

/// Loopback by default: the endpoint is unauthenticated. Set
/// `RINGCT_BENCH_ADDR=0.0.0.0:9090` for a Prometheus on another host.
const DEFAULT_ADDR: &str = "127.0.0.1:9090";
/// Public seed of `--insecure-dev-keys` (anyone can forge proofs with it).
const DEV_KEY_SEED: u64 = 0x5eed_0bec_0000_0001;
/// Per-proof latencies kept for the `/summary` percentiles.
const LATENCY_WINDOW: usize = 1_000;
/// The verification mode used (the `mode` label of the verifier metrics).
const VERIFY_MODE: &str = "batch";

const USAGE: &str = "\
usage: zk_parallel_http_bench [--addr HOST:PORT] [--max-batches N] [--max-seconds S] [--insecure-dev-keys]

  --addr HOST:PORT      listen address for /metrics, /summary, /healthz
                        (env RINGCT_BENCH_ADDR, default 127.0.0.1:9090)
  --max-batches N       stop after N measured batches (env RINGCT_BENCH_MAX_BATCHES)
  --max-seconds S       stop after S seconds of measuring (env RINGCT_BENCH_MAX_SECONDS)
  --insecure-dev-keys   INSECURE keys from a public fixed seed (fast, reproducible;
                        never for anything but development)

environment: RINGCT_PAR_BATCH (1..=1024), RINGCT_PAR_THREADS (1..=256),
RINGCT_PAR_INTERVAL_MS (0..=3600000), RINGCT_PAR_SETUP_BATCH (0..=100), RINGCT_SHAPE,
RINGCT_KEYS_DIR, RINGCT_BENCH_INVALID_RATE (0.0..=1.0), RINGCT_BENCH_ADDR,
RINGCT_BENCH_MAX_BATCHES, RINGCT_BENCH_MAX_SECONDS

exit status: 0 done, 1 runtime failure or bugs found, 2 configuration error,
130/143 SIGINT/SIGTERM before the proving loop (or a second signal)";

/// Everything the bench can fail with. Each variant is one broken rule.
#[derive(Debug, thiserror::Error)]
enum BenchError {
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    #[error("{var}={value:?} is invalid: {reason}")]
    Config {
        var: &'static str,
        value: String,
        reason: String,
    },
    #[error(
        "{0}\n(another bench, or a Prometheus, which also defaults to :9090, may hold the port; \
         pick another with --addr or {addr_var})",
        addr_var = vars::ADDR
    )]
    Endpoint(TelemetryError),
    #[error(transparent)]
    Telemetry(TelemetryError),
    #[error(transparent)]
    Prover(#[from] ProverError),
    #[error("the verifier refuses the key: {0}")]
    UnusableKey(VerifierError),
    #[error("verifier: {0}")]
    Verifier(VerifierError),
    #[error("cannot sample a witness: {0}")]
    Sample(#[from] CircuitError),
    #[error(
        "the verifier's key fingerprint {verifier} differs from the prover's {prover}; \
         the two crates disagree on the definition"
    )]
    FingerprintMismatch { prover: String, verifier: String },
    #[error("cannot install the signal handler: {0}")]
    Signal(String),
}

/// Exit status for configuration errors (the operator must change a value).
const EXIT_CONFIG: u8 = 2;
/// Exit status for runtime failures and bugs found.
const EXIT_RUNTIME: u8 = 1;

impl BenchError {
    /// [`EXIT_CONFIG`] for every configuration error (environment, flags,
    /// keys that cannot be used), [`EXIT_RUNTIME`] for the rest.
    fn exit_code(&self) -> u8 {
        match self {
            BenchError::Usage(_) | BenchError::Config { .. } | BenchError::UnusableKey(_) => {
                EXIT_CONFIG
            }
            BenchError::Prover(e) if e.is_configuration() => EXIT_CONFIG,
            BenchError::Prover(_)
            | BenchError::Endpoint(_)
            | BenchError::Telemetry(_)
            | BenchError::Verifier(_)
            | BenchError::Sample(_)
            | BenchError::FingerprintMismatch { .. }
            | BenchError::Signal(_) => EXIT_RUNTIME,
        }
    }
}

/// Where the keys come from, for the banner and `/summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyChoice {
    /// The shared cache, from `RINGCT_KEYS_DIR` or an ephemeral setup.
    Shared,
    /// `--insecure-dev-keys`.
    InsecureDev,
}

#[derive(Debug, Clone)]
struct Options {
    prove: ParallelProveConfig,
    invalid_rate: f64,
    addr: SocketAddr,
    max_batches: Option<u64>,
    max_seconds: Option<Duration>,
    keys: KeyChoice,
    /// `RINGCT_KEYS_DIR`, read (and checked) once at startup.
    key_source: KeySource,
}

fn config_error(var: &'static str, value: &str, reason: impl ToString) -> BenchError {
    BenchError::Config {
        var,
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

fn parse_rate(var: &'static str, raw: &str) -> Result<f64, BenchError> {
    let rate: f64 = raw
        .trim()
        .parse()
        .map_err(|e: std::num::ParseFloatError| config_error(var, raw, e))?;
    if !(0.0..=1.0).contains(&rate) {
        return Err(config_error(
            var,
            raw,
            "must be a share between 0.0 and 1.0",
        ));
    }
    Ok(rate)
}

fn parse_addr(var: &'static str, raw: &str) -> Result<SocketAddr, BenchError> {
    raw.trim()
        .parse()
        .map_err(|e: std::net::AddrParseError| config_error(var, raw, e))
}

fn parse_batches(var: &'static str, raw: &str) -> Result<u64, BenchError> {
    let n: u64 = raw
        .trim()
        .parse()
        .map_err(|e: std::num::ParseIntError| config_error(var, raw, e))?;
    if n == 0 {
        return Err(config_error(
            var,
            raw,
            "must be greater than zero (leave it unset for no bound)",
        ));
    }
    Ok(n)
}

fn parse_seconds(var: &'static str, raw: &str) -> Result<Duration, BenchError> {
    let s: f64 = raw
        .trim()
        .parse()
        .map_err(|e: std::num::ParseFloatError| config_error(var, raw, e))?;
    if !(s.is_finite() && s > 0.0 && s < 1e9) {
        return Err(config_error(
            var,
            raw,
            "must be a positive number of seconds (leave it unset for no bound)",
        ));
    }
    Ok(Duration::from_secs_f64(s))
}

impl Options {
    /// Environment first, then flags (flags win). Every variable is read
    /// through `lookup` (the process's `var_os` in `main`).
    fn parse(
        args: impl IntoIterator<Item = OsString>,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<Self>, BenchError> {
        let prove = ParallelProveConfig::from_lookup(&lookup)?;
        let key_source = KeySource::from_lookup(&lookup)?;
        let env = |var: &'static str| env_text(var, lookup(var));
        let mut opts = Options {
            prove,
            invalid_rate: match env(vars::INVALID_RATE)? {
                Some(raw) => parse_rate(vars::INVALID_RATE, &raw)?,
                None => 0.0,
            },
            addr: match env(vars::ADDR)? {
                Some(raw) => parse_addr(vars::ADDR, &raw)?,
                None => DEFAULT_ADDR.parse().expect("the default address parses"),
            },
            max_batches: env(vars::MAX_BATCHES)?
                .map(|raw| parse_batches(vars::MAX_BATCHES, &raw))
                .transpose()?,
            max_seconds: env(vars::MAX_SECONDS)?
                .map(|raw| parse_seconds(vars::MAX_SECONDS, &raw))
                .transpose()?,
            keys: KeyChoice::Shared,
            key_source,
        };

        let args = args
            .into_iter()
            .enumerate()
            .map(|(i, arg)| {
                arg.into_string().map_err(|arg| {
                    BenchError::Usage(format!("argument {} is not valid UTF-8: {arg:?}", i + 1))
                })
            })
            .collect::<Result<Vec<String>, BenchError>>()?;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| BenchError::Usage(format!("{flag} needs a value")))
            };
            match flag.as_str() {
                "--addr" => opts.addr = parse_addr("--addr", &value()?)?,
                "--max-batches" => {
                    opts.max_batches = Some(parse_batches("--max-batches", &value()?)?)
                }
                "--max-seconds" => {
                    opts.max_seconds = Some(parse_seconds("--max-seconds", &value()?)?)
                }
                "--insecure-dev-keys" if inline.is_none() => opts.keys = KeyChoice::InsecureDev,
                "-h" | "--help" => return Ok(None),
                _ => return Err(BenchError::Usage(format!("unknown argument `{arg}`"))),
            }
        }
        Ok(Some(opts))
    }
}

/// How many of the `batch` witnesses of this round are made invalid: the
/// running total is kept at `floor(rate * submitted)`, so the long-run share
/// is exact even when `rate * batch` is not a whole number.
fn invalid_count(rate: f64, submitted_before: u64, batch: usize) -> usize {
    let target = |n: u64| (rate * n as f64).floor() as u64;
    let k = target(submitted_before + batch as u64).saturating_sub(target(submitted_before));
    (k as usize).min(batch)
}

/// Spreads `k` invalid slots evenly over `n` positions (deterministic).
fn invalid_mask(k: usize, n: usize) -> Vec<bool> {
    (0..n).map(|i| (i + 1) * k / n > i * k / n).collect()
}

/// Makes a witness unbalanced (inputs != outputs + fee). Fees are at most
/// 1,000, so the new fee stays far below 2^64 and the native check reports
/// `Unbalanced`.
fn corrupt(witness: &mut RingCtWitness) {
    witness.fee += Fr::from(1u64);
}

#[derive(Debug, Default, Clone)]
struct Totals {
    batches: u64,
    submitted: u64,
    proved: u64,
    failed: u64,
    deliberately_invalid: u64,
    verified: u64,
    verify_failures: u64,
    unexpected: u64,
}

impl Totals {
    fn bugs(&self) -> u64 {
        self.verify_failures + self.unexpected
    }
}

#[derive(Debug, Clone)]
struct LastBatch {
    index: u64,
    stats: BatchStats,
    invalid: usize,
    verify_wall: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    LoadingKeys,
    WarmingUp { done: usize, total: usize },
    Running,
    Stopped,
}

#[derive(Debug)]
struct KeyInfo {
    fingerprint: String,
    constraints: usize,
    public_inputs: usize,
    source: String,
}

/// What `/summary` and the final report show.
#[derive(Debug)]
struct BenchState {
    phase: Phase,
    started: Instant,
    measuring: Option<(Instant, Option<Instant>)>,
    opts: Options,
    keys: Option<KeyInfo>,
    threads: usize,
    totals: Totals,
    last: Option<LastBatch>,
    window: VecDeque<Duration>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

impl BenchState {
    fn new(opts: Options) -> Self {
        BenchState {
            phase: Phase::LoadingKeys,
            started: Instant::now(),
            measuring: None,
            threads: opts.prove.threads,
            opts,
            keys: None,
            totals: Totals::default(),
            last: None,
            window: VecDeque::with_capacity(LATENCY_WINDOW),
        }
    }

    fn measured_time(&self) -> Duration {
        match self.measuring {
            Some((from, Some(to))) => to - from,
            Some((from, None)) => from.elapsed(),
            None => Duration::ZERO,
        }
    }

    fn record(&mut self, round: &RoundOutcome) {
        let t = &mut self.totals;
        t.batches += 1;
        t.submitted += round.stats.total as u64;
        t.proved += round.stats.ok as u64;
        t.failed += round.stats.failed as u64;
        t.deliberately_invalid += round.invalid as u64;
        t.verified += round.verified as u64;
        t.verify_failures += round.verify_failures as u64;
        t.unexpected += round.unexpected as u64;
        for latency in &round.latencies {
            if self.window.len() == LATENCY_WINDOW {
                self.window.pop_front();
            }
            self.window.push_back(*latency);
        }
        self.last = Some(LastBatch {
            index: t.batches,
            stats: round.stats.clone(),
            invalid: round.invalid,
            verify_wall: round.verify_wall,
        });
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let o = &self.opts;
        let t = &self.totals;
        let phase = match &self.phase {
            Phase::LoadingKeys => "loading keys".to_string(),
            Phase::WarmingUp { done, total } => format!("warming up ({done}/{total} batches)"),
            Phase::Running => "running".to_string(),
            Phase::Stopped => "stopped".to_string(),
        };
        let _ = writeln!(out, "RingCT parallel prover bench (zk_parallel_http_bench)");
        let _ = writeln!(out, "state                 {phase}");
        let _ = writeln!(
            out,
            "uptime                {:.1} s (measuring for {:.1} s)",
            self.started.elapsed().as_secs_f64(),
            self.measured_time().as_secs_f64()
        );
        match &self.keys {
            Some(k) => {
                let _ = writeln!(
                    out,
                    "shape                 {} ({} constraints, {} public inputs)",
                    o.prove.shape, k.constraints, k.public_inputs
                );
                let _ = writeln!(out, "key fingerprint       {}", k.fingerprint);
                let _ = writeln!(out, "keys                  {}", k.source);
            }
            None => {
                let _ = writeln!(
                    out,
                    "shape                 {} (keys not ready)",
                    o.prove.shape
                );
            }
        }
        let _ = writeln!(
            out,
            "config                batch {}, threads {}, interval {} ms, warm-up batches {} (not counted), invalid rate {}",
            o.prove.batch_size,
            self.threads,
            o.prove.interval.as_millis(),
            o.prove.setup_batches,
            o.invalid_rate
        );

        let _ = writeln!(out, "\ntotals (measured batches only)");
        let _ = writeln!(out, "  batches               {}", t.batches);
        let _ = writeln!(out, "  witnesses submitted   {}", t.submitted);
        let _ = writeln!(out, "  proofs produced       {}", t.proved);
        let _ = writeln!(
            out,
            "  failed                {} ({} deliberately invalid)",
            t.failed, t.deliberately_invalid
        );
        let _ = writeln!(
            out,
            "  proofs verified       {} (every produced proof, verify_batch)",
            t.verified
        );
        let _ = writeln!(
            out,
            "  verification failures {}{}",
            t.verify_failures,
            if t.verify_failures > 0 {
                "  <-- BUG"
            } else {
                ""
            }
        );
        let _ = writeln!(
            out,
            "  unexpected outcomes   {}{}",
            t.unexpected,
            if t.unexpected > 0 { "  <-- BUG" } else { "" }
        );
        let measured = self.measured_time().as_secs_f64();
        let overall = if measured > 0.0 {
            t.proved as f64 / measured
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "  overall proofs/s      {overall:.2} (proofs produced / measuring time, pauses included)"
        );

        let _ = writeln!(out, "\nlast batch");
        match &self.last {
            Some(l) => {
                let s = &l.stats;
                let _ = writeln!(
                    out,
                    "  #{}: size {}, ok {}, failed {} ({} deliberately invalid), wall {:.1} ms, {:.2} proofs/s, verify {:.1} ms",
                    l.index,
                    s.total,
                    s.ok,
                    s.failed,
                    l.invalid,
                    ms(s.wall),
                    s.proofs_per_sec,
                    ms(l.verify_wall)
                );
            }
            None => {
                let _ = writeln!(out, "  none yet");
            }
        }

        let mut sorted: Vec<Duration> = self.window.iter().copied().collect();
        sorted.sort_unstable();
        let _ = writeln!(
            out,
            "\nper-proof latency (last {} proofs, window {LATENCY_WINDOW})",
            sorted.len()
        );
        if sorted.is_empty() {
            let _ = writeln!(out, "  no proofs yet");
        } else {
            let _ = writeln!(
                out,
                "  p50                   {:.1} ms",
                ms(percentile(&sorted, 0.50))
            );
            let _ = writeln!(
                out,
                "  p99                   {:.1} ms",
                ms(percentile(&sorted, 0.99))
            );
        }
        let _ = writeln!(
            out,
            "\nendpoints: /metrics (Prometheus), /summary (this page), /healthz"
        );
        out
    }
}

/// What one round did.
#[derive(Debug)]
struct RoundOutcome {
    stats: BatchStats,
    invalid: usize,
    latencies: Vec<Duration>,
    verified: usize,
    verify_failures: usize,
    unexpected: usize,
    sample_wall: Duration,
    verify_wall: Duration,
}

struct Bench {
    prover: RingCtParallelProver,
    verifier: BatchVerifier,
    rng: ChaCha20Rng,
}

impl Bench {
    /// Samples `n` fresh witnesses, corrupts the slots in `mask`, proves,
    /// and verifies every proof. Bugs are logged here, loudly.
    fn round(&mut self, label: &str, mask: &[bool]) -> Result<RoundOutcome, BenchError> {
        let shape = self.prover.keys().shape();
        let sample_start = Instant::now();
        let mut witnesses = Vec::with_capacity(mask.len());
        let mut statements: Vec<RingCtStatement> = Vec::with_capacity(mask.len());
        for &bad in mask {
            let (mut witness, statement) = random_spend(shape, &mut self.rng)?;
            if bad {
                corrupt(&mut witness);
            }
            witnesses.push(witness);
            statements.push(statement);
        }
        let sample_wall = sample_start.elapsed();

        let outcome = self.prover.prove_batch(&witnesses);
        let mut unexpected = 0;
        let mut items = Vec::new();
        let mut item_slots = Vec::new();
        let mut latencies = Vec::new();
        for (i, (result, &bad)) in outcome.results.iter().zip(mask).enumerate() {
            match (result, bad) {
                (Ok(proved), false) => {
                    if proved.statement != statements[i] {
                        unexpected += 1;
                        eprintln!(
                            "BUG [{label}] witness {i}: the prover's statement differs from the sampled one"
                        );
                    }
                    latencies.push(proved.latency);
                    // Verify against the statement the sampler built, not
                    // the one the prover reports.
                    items.push(Item::from_statement(proved.proof.0.clone(), &statements[i]));
                    item_slots.push(i);
                }
                (Err(_), true) => {}
                (Ok(_), true) => {
                    unexpected += 1;
                    eprintln!(
                        "BUG [{label}] witness {i}: the prover returned a proof for a deliberately unbalanced witness"
                    );
                }
                (Err(e), false) => {
                    unexpected += 1;
                    eprintln!("BUG [{label}] witness {i}: a valid witness was refused: {e}");
                }
            }
        }

        let report = self.verifier.verify_batch(&items);
        let mut verify_failures = 0;
        for (verdict, slot) in report.verdicts.iter().zip(&item_slots) {
            if let Verdict::Invalid(reason) = verdict {
                verify_failures += 1;
                eprintln!(
                    "BUG [{label}] witness {slot}: its proof FAILED verification against the key's verifying key: {reason}"
                );
            }
        }
        Ok(RoundOutcome {
            stats: outcome.stats,
            invalid: mask.iter().filter(|b| **b).count(),
            latencies,
            verified: report.verdicts.len(),
            verify_failures,
            unexpected,
            sample_wall,
            verify_wall: report.stats.wall,
        })
    }
}

fn lock(state: &Mutex<BenchState>) -> MutexGuard<'_, BenchState> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers the series the dashboards read at zero, so panels show 0
/// (not "No data") before the first batch, and `rate()` sees the first
/// increment. `vm_fast_fallback_total` stays 0 here: this process runs no
/// Fast path, and exports the counter so the dashboard's fallback panel
/// reads an honest zero.
fn register_zeroes() {
    for name in [
        names::ZK_PARALLEL_PROOF_TOTAL,
        names::ZK_PARALLEL_BATCHES_TOTAL,
        names::FAST_FALLBACK_TOTAL,
    ] {
        metrics::counter!(name).increment(0);
    }
    for reason in supervm_telemetry::reasons::ALL {
        metrics::counter!(names::ZK_PARALLEL_PROOF_FAILED_TOTAL, labels::REASON => *reason)
            .increment(0);
    }
    for name in [
        names::ZK_BATCH_VERIFY_TOTAL,
        names::ZK_BATCH_VERIFY_FAILED_TOTAL,
        names::ZK_BATCH_VERIFY_BATCHES_TOTAL,
    ] {
        metrics::counter!(name, labels::MODE => VERIFY_MODE).increment(0);
    }
}

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

fn load_keys(opts: &Options) -> Result<(Arc<RingCtKeys>, String), BenchError> {
    let shape = opts.prove.shape;
    match opts.keys {
        KeyChoice::InsecureDev => {
            eprintln!(
                "WARNING: --insecure-dev-keys: INSECURE keys for {shape} from the PUBLIC fixed seed {DEV_KEY_SEED:#x}. \
                 Anyone can forge proofs for them; use them for development and benchmarks only."
            );
            let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, DEV_KEY_SEED)?;
            Ok((
                Arc::new(keys),
                format!("INSECURE fixed-seed development keys (seed {DEV_KEY_SEED:#x})"),
            ))
        }
        KeyChoice::Shared => {
            let source = match &opts.key_source {
                KeySource::Directory(dir) => format!("key files from {}", dir.display()),
                KeySource::Ephemeral => format!(
                    "EPHEMERAL setup ({} unset): proofs verify only in this process",
                    prover_vars::KEYS_DIR
                ),
            };
            Ok((shared_keys_from(shape, &opts.key_source)?, source))
        }
    }
}

/// What a signal does, shared with the signal thread.
#[derive(Debug, Default)]
struct SignalState {
    /// Set once warm-up starts: from then on a first signal stops gracefully.
    in_loop: AtomicBool,
    /// Set by the first signal in the loop: finish the batch, then stop.
    stop: AtomicBool,
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

/// Installs the SIGINT/SIGTERM handler: a thread that waits for signals
/// (`signal_hook::iterator`, no code runs in the signal handler itself).
/// Before the loop a signal exits at once with 128 + its number; in the
/// loop the first one sets `stop`, a second one exits at once.
fn install_signal_handler() -> Result<Arc<SignalState>, BenchError> {
    let mut signals =
        Signals::new([SIGINT, SIGTERM]).map_err(|e| BenchError::Signal(e.to_string()))?;
    let state = Arc::new(SignalState::default());
    let shared = Arc::clone(&state);
    std::thread::Builder::new()
        .name("bench-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let name = signal_name(signal);
                let status = 128 + signal;
                if !shared.in_loop.load(Ordering::SeqCst) {
                    eprintln!(
                        "zk_parallel_http_bench: {name} during startup: exiting now (status {status})"
                    );
                    std::process::exit(status);
                }
                if shared.stop.swap(true, Ordering::SeqCst) {
                    eprintln!("second signal ({name}): exiting now (status {status})");
                    std::process::exit(status);
                }
                eprintln!(
                    "{name}: finishing the current batch, then stopping (send it again to exit at once)"
                );
            }
        })
        .map_err(|e| BenchError::Signal(e.to_string()))?;
    Ok(state)
}

fn run(opts: Options, signals: &SignalState) -> Result<u64, BenchError> {
    let stop = &signals.stop;
    // Recorder and endpoint first, so a taken port fails before any setup.
    let recorder = install_global(DEFAULT_UPKEEP_INTERVAL).map_err(BenchError::Telemetry)?;
    let state = Arc::new(Mutex::new(BenchState::new(opts.clone())));
    let server = {
        let state = Arc::clone(&state);
        MetricsServer::start_with_summary(opts.addr, recorder.handle(), move || {
            lock(&state).render()
        })
        .map_err(|e| match e {
            TelemetryError::Bind { .. } => BenchError::Endpoint(e),
            other => BenchError::Telemetry(other),
        })?
    };
    register_zeroes();
    let addr = server.local_addr();
    println!("serving http://{addr}/metrics, http://{addr}/summary, http://{addr}/healthz");

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
    let prover = RingCtParallelProver::new(Arc::clone(&keys), opts.prove.clone())?;
    let constraints = keys.engine().matrices().num_constraints;
    println!(
        "shape {shape}: {constraints} constraints, {} public inputs; key fingerprint {}; {source}; ready in {:.2} s",
        shape.num_public_inputs(),
        keys.fingerprint(),
        setup_start.elapsed().as_secs_f64()
    );
    println!(
        "batch {}, threads {}, interval {} ms, invalid rate {}, warm-up batches {}, max batches {}, max seconds {}",
        opts.prove.batch_size,
        prover.threads(),
        opts.prove.interval.as_millis(),
        opts.invalid_rate,
        opts.prove.setup_batches,
        opts.max_batches.map_or("-".into(), |n| n.to_string()),
        opts.max_seconds.map_or("-".into(), |d| format!("{:.1}", d.as_secs_f64())),
    );
    {
        let mut s = lock(&state);
        s.threads = prover.threads();
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
    let batch = opts.prove.batch_size;
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

fn main() -> ExitCode {
    // First thing: a signal during startup (a long ephemeral setup, say)
    // must stop the process.
    let signals = match install_signal_handler() {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("zk_parallel_http_bench: error: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    let opts = match Options::parse(std::env::args_os().skip(1), |k| std::env::var_os(k)) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("zk_parallel_http_bench: error: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    match run(opts, &signals) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(bugs) => {
            eprintln!(
                "zk_parallel_http_bench: {bugs} BUG(S): proofs that failed verification or unexpected prover outcomes (see above)"
            );
            ExitCode::from(EXIT_RUNTIME)
        }
        Err(e) => {
            eprintln!("zk_parallel_http_bench: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse_os(
        args: &[OsString],
        env: &[(&str, OsString)],
    ) -> Result<Option<Options>, BenchError> {
        let map: HashMap<String, OsString> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        Options::parse(args.iter().cloned(), |k| map.get(k).cloned())
    }

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Option<Options>, BenchError> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let env: Vec<(&str, OsString)> = env.iter().map(|(k, v)| (*k, v.into())).collect();
        parse_os(&args, &env)
    }

    /// Every variable the bench reads, its own and the prover's.
    const EVERY_VAR: [&str; 10] = [
        prover_vars::BATCH,
        prover_vars::THREADS,
        prover_vars::INTERVAL_MS,
        prover_vars::SETUP_BATCH,
        prover_vars::SHAPE,
        prover_vars::KEYS_DIR,
        vars::INVALID_RATE,
        vars::ADDR,
        vars::MAX_BATCHES,
        vars::MAX_SECONDS,
    ];

    #[test]
    fn every_variable_refuses_non_utf8_with_exit_status_2() {
        use std::os::unix::ffi::OsStringExt;
        for var in EVERY_VAR {
            let err = parse_os(&[], &[(var, OsString::from_vec(vec![0xff, 0xfe]))]).unwrap_err();
            assert!(
                matches!(&err, BenchError::Prover(ProverError::EnvNotUnicode { var: v, .. }) if *v == var),
                "{var}: {err}"
            );
            assert!(err.to_string().contains(var), "{err}");
            assert_eq!(err.exit_code(), 2, "{var}");
        }
        let err = parse_os(&[OsString::from_vec(vec![b'-', 0xff])], &[]).unwrap_err();
        assert!(matches!(err, BenchError::Usage(_)), "{err}");
        assert!(err.to_string().contains("argument 1"), "{err}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn every_variable_refuses_a_blank_value_with_exit_status_2() {
        for var in EVERY_VAR {
            let err = parse(&[], &[(var, " ")]).unwrap_err();
            assert!(
                matches!(&err, BenchError::Prover(ProverError::EnvEmpty { var: v }) if *v == var),
                "{var}: {err}"
            );
            assert_eq!(err.exit_code(), 2, "{var}");
        }
    }

    #[test]
    fn out_of_bound_values_exit_with_status_2() {
        use ringct_prover::config::{MAX_BATCH, MAX_THREADS};
        for (var, value) in [
            (prover_vars::THREADS, "100000".to_string()),
            (prover_vars::THREADS, (MAX_THREADS + 1).to_string()),
            (prover_vars::BATCH, (MAX_BATCH + 1).to_string()),
            (prover_vars::INTERVAL_MS, "3600001".to_string()),
            (prover_vars::SETUP_BATCH, "101".to_string()),
        ] {
            let err = parse(&[], &[(var, &value)]).unwrap_err();
            assert!(
                matches!(&err, BenchError::Prover(ProverError::EnvOutOfRange { var: v, .. }) if *v == var),
                "{var}={value}: {err}"
            );
            let msg = err.to_string();
            assert!(msg.contains(var) && msg.contains(&value), "{msg}");
            assert_eq!(err.exit_code(), 2);
        }
        let at_bounds = parse(
            &[],
            &[
                (prover_vars::THREADS, &MAX_THREADS.to_string()),
                (prover_vars::BATCH, &MAX_BATCH.to_string()),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (at_bounds.prove.threads, at_bounds.prove.batch_size),
            (MAX_THREADS, MAX_BATCH)
        );
    }

    #[test]
    fn keys_dir_is_read_once_at_startup() {
        let o = parse(&[], &[(prover_vars::KEYS_DIR, " /keys ")])
            .unwrap()
            .unwrap();
        assert_eq!(o.key_source, KeySource::Directory("/keys".into()));
        let o = parse(&[], &[]).unwrap().unwrap();
        assert_eq!(o.key_source, KeySource::Ephemeral);
    }

    #[test]
    fn configuration_errors_exit_2_and_runtime_failures_exit_1() {
        let key_errors = [
            ProverError::KeyFileMissing("/k/ringct-2x2-r16.pk".into()),
            ProverError::KeyFileCorrupted(ringct_prover::KeyFileOrigin::Bytes),
            ProverError::FingerprintMismatch {
                expected: "a".into(),
                found: "b".into(),
            },
        ];
        for e in key_errors {
            assert_eq!(BenchError::Prover(e).exit_code(), 2);
        }
        assert_eq!(
            BenchError::UnusableKey(VerifierError::GammaEqualsDelta).exit_code(),
            2
        );
        assert_eq!(
            BenchError::Prover(ProverError::ThreadPool("x".into())).exit_code(),
            1
        );
        assert_eq!(
            BenchError::Prover(ProverError::Synthesis("x".into())).exit_code(),
            1
        );
        assert_eq!(
            BenchError::Verifier(VerifierError::ThreadPool("x".into())).exit_code(),
            1
        );
        assert_eq!(BenchError::Signal("x".into()).exit_code(), 1);
    }

    #[test]
    fn invalid_share_is_exact_over_time() {
        for (rate, batch) in [(0.25, 4), (0.1, 4), (0.5, 3), (1.0, 5), (0.0, 8), (0.33, 7)] {
            let mut submitted = 0u64;
            let mut invalid = 0u64;
            for _ in 0..100 {
                let k = invalid_count(rate, submitted, batch);
                let mask = invalid_mask(k, batch);
                assert_eq!(mask.iter().filter(|b| **b).count(), k);
                invalid += k as u64;
                submitted += batch as u64;
            }
            assert_eq!(
                invalid,
                (rate * submitted as f64).floor() as u64,
                "{rate} {batch}"
            );
        }
        assert_eq!(invalid_mask(1, 4), vec![false, false, false, true]);
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, value) in [
            (vars::INVALID_RATE, "1.5"),
            (vars::INVALID_RATE, "-0.1"),
            (vars::INVALID_RATE, "NaN"),
            (vars::INVALID_RATE, "lots"),
            (vars::ADDR, "localhost"),
            (vars::MAX_BATCHES, "0"),
            (vars::MAX_SECONDS, "-3"),
        ] {
            let err = parse(&[], &[(var, value)]).unwrap_err();
            assert!(err.to_string().contains(var), "{var}={value}: {err}");
            assert_eq!(err.exit_code(), 2);
        }
    }

    #[test]
    fn flags_override_the_environment() {
        let o = parse(
            &[
                "--addr",
                "127.0.0.1:0",
                "--max-batches=3",
                "--max-seconds",
                "1.5",
                "--insecure-dev-keys",
            ],
            &[(vars::ADDR, "127.0.0.1:1"), (vars::INVALID_RATE, "0.25")],
        )
        .unwrap()
        .unwrap();
        assert_eq!(o.addr.port(), 0);
        assert_eq!(o.max_batches, Some(3));
        assert_eq!(o.max_seconds, Some(Duration::from_millis(1500)));
        assert_eq!(o.keys, KeyChoice::InsecureDev);
        assert_eq!(o.invalid_rate, 0.25);
        assert!(parse(&["--help"], &[]).unwrap().is_none());
        assert!(matches!(
            parse(&["--bogus"], &[]),
            Err(BenchError::Usage(_))
        ));
        let d = parse(&[], &[]).unwrap().unwrap();
        assert_eq!(d.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(
            (d.max_batches, d.max_seconds, d.invalid_rate),
            (None, None, 0.0)
        );
    }

    #[test]
    fn corruption_is_refused_natively() {
        let shape = "1x1-r4".parse().unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let (mut w, statement) = random_spend(shape, &mut rng).unwrap();
        assert_eq!(w.check().unwrap(), statement);
        corrupt(&mut w);
        assert!(matches!(w.check(), Err(CircuitError::Unbalanced { .. })));
    }
}

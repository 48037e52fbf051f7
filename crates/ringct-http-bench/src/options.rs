//! Options: the environment, then the flags (flags win).
//!
//! proof, and serves the metrics on an HTTP endpoint for Prometheus.
//!
//! ```text
//! cargo run -p ringct-http-bench --bin zk_parallel_http_bench -- \
//!     [--addr HOST:PORT] [--max-batches N] [--max-seconds S] [--insecure-dev-keys]
//! ```
//!
//! Endpoints (GET only; see [`crate::http`]): `/metrics` (Prometheus text
//! format), `/summary` (readable text), `/summary.json`, `/healthz` (`ok` while
//! the process is alive), `/readyz` (200 once the keys are loaded, 503 before).
//!
//! Environment (flags win over their variables):
//!
//! | variable | meaning | default | bound |
//! |---|---|---|---|
//! | `RINGCT_PAR_BATCH` | witnesses per batch, or `auto` | 32 | 1..=1024, or `auto` |
//! | `RINGCT_PAR_BATCH_TARGET_MS` | with `auto`: wall time a batch should stay under | 5000 | 1..=600000; only with `auto` |
//! | `RINGCT_PAR_THREADS` | prover threads (also the verifier's pool) | all cores | 1..=256 |
//! | `RINGCT_PAR_INTERVAL_MS` | pause between batches | 1000 | 0..=3600000 |
//! | `RINGCT_PAR_SETUP_BATCH` | warm-up batches, not counted anywhere | 1 | 0..=100 |
//! | `RINGCT_SHAPE` | circuit shape | `2x2-r16` | a valid shape |
//! | `RINGCT_KEYS_DIR` | key files (else an ephemeral setup, with a warning) | unset | a usable key directory |
//! | `RINGCT_BENCH_INVALID_RATE` | share of deliberately invalid witnesses | 0 | 0.0..=1.0 |
//! | `RINGCT_PROVER` | proving backend: `local` (the embedded prover) or a `postgres://` URL (the cluster's queue, proved by `ringct-prover-worker`s holding the same keys; docs/CLUSTER.md) | `local` | `local` or `postgres://...` / `postgresql://...` |
//! | `RINGCT_PROVER_CA_FILE` | PEM file of CA certificates for TLS to that database | unset | a readable file |
//! | `RINGCT_BENCH_ADDR` / `--addr` | listen address | `127.0.0.1:9090` | `HOST:PORT` |
//! | `RINGCT_BENCH_MAX_BATCHES` / `--max-batches` | stop after N measured batches | unbounded | N > 0 |
//! | `RINGCT_BENCH_MAX_SECONDS` / `--max-seconds` | stop after S seconds of measuring | unbounded | 0 < S < 1e9 |
//!
//! Every variable follows one rule (see `ringct_prover::config`): unset
//! means the default; a set value must be UTF-8, not blank, parse, and stay
//! within its bound, or the bench stops before doing anything with a message
//! naming the variable. The bounds of the `RINGCT_PAR_*` variables are the
//! constants in `ringct_prover::config` (`MAX_BATCH`, `MAX_THREADS`,
//! `MAX_INTERVAL_MS`, `MAX_SETUP_BATCHES`, `MAX_BATCH_TARGET_MS`).
//!
//! `RINGCT_PAR_BATCH=auto` sizes every batch (warm-up included) with the
//! prover's `next_batch_size`: one witness per thread first, then the size
//! that keeps proving a batch under `RINGCT_PAR_BATCH_TARGET_MS`, learned
//! from the batches already proved (`ringct_prover::auto_batch`). The
//! target counts proving only, not the verification that follows.
//!
//! With `RINGCT_PROVER=postgres://...` the witnesses of each batch become
//! jobs in the cluster's queue and the workers prove them; the bench still
//! samples, verifies, and records the same `vm_privacy_zk_parallel_*`
//! metrics. The workers must hold the bench's keys, so the cluster backend
//! needs `RINGCT_KEYS_DIR` or `--insecure-dev-keys` (an ephemeral setup
//! exists only in this process: refused, exit status 2).
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
//! | 2 | configuration error: a variable or flag that is not UTF-8, blank, does not parse or is out of bounds; an unknown flag; `RINGCT_PROVER` neither `local` nor a `postgres://` URL, or a cluster backend with an ephemeral setup; keys that cannot be used (key directory or file missing or unreadable, a key file that fails any check, a degenerate key) |
//! | 130 | SIGINT during startup, or a second signal that was SIGINT |
//! | 143 | SIGTERM during startup, or a second signal that was SIGTERM |

use std::ffi::OsString;
use std::net::SocketAddr;
use std::time::Duration;

use ringct_cluster::backend::{backend_from_lookup, PROVER_VAR};
use ringct_cluster::Backend;
use ringct_prover::cache::KeySource;
use ringct_prover::config::env_text;
use ringct_prover::ParallelProveConfig;

use crate::error::BenchError;

/// Bench-specific variables (the `RINGCT_PAR_*` ones belong to the prover).
pub mod vars {
    pub const INVALID_RATE: &str = "RINGCT_BENCH_INVALID_RATE";
    pub const ADDR: &str = "RINGCT_BENCH_ADDR";
    pub const MAX_BATCHES: &str = "RINGCT_BENCH_MAX_BATCHES";
    pub const MAX_SECONDS: &str = "RINGCT_BENCH_MAX_SECONDS";
}

/// Loopback by default: the endpoint is unauthenticated. Set
/// `RINGCT_BENCH_ADDR=0.0.0.0:9090` for a Prometheus on another host.
pub const DEFAULT_ADDR: &str = "127.0.0.1:9090";

pub const USAGE: &str = "\
usage: zk_parallel_http_bench [--addr HOST:PORT] [--max-batches N] [--max-seconds S] [--insecure-dev-keys]

  --addr HOST:PORT      listen address for /metrics, /summary(.json), /healthz, /readyz
                        (env RINGCT_BENCH_ADDR, default 127.0.0.1:9090)
  --max-batches N       stop after N measured batches (env RINGCT_BENCH_MAX_BATCHES)
  --max-seconds S       stop after S seconds of measuring (env RINGCT_BENCH_MAX_SECONDS)
  --insecure-dev-keys   INSECURE keys from a public fixed seed (fast, reproducible;
                        never for anything but development)

environment: RINGCT_PAR_BATCH (1..=1024 or auto), RINGCT_PAR_BATCH_TARGET_MS
(1..=600000, with auto), RINGCT_PAR_THREADS (1..=256),
RINGCT_PAR_INTERVAL_MS (0..=3600000), RINGCT_PAR_SETUP_BATCH (0..=100), RINGCT_SHAPE,
RINGCT_KEYS_DIR, RINGCT_BENCH_INVALID_RATE (0.0..=1.0), RINGCT_BENCH_ADDR,
RINGCT_BENCH_MAX_BATCHES, RINGCT_BENCH_MAX_SECONDS,
RINGCT_PROVER (local, the default, or a postgres:// URL: the proving cluster),
RINGCT_PROVER_CA_FILE

exit status: 0 done, 1 runtime failure or bugs found, 2 configuration error,
130/143 SIGINT/SIGTERM before the proving loop (or a second signal)";

/// Where the keys come from, for the banner and `/summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyChoice {
    /// The shared cache, from `RINGCT_KEYS_DIR` or an ephemeral setup.
    Shared,
    /// `--insecure-dev-keys`.
    InsecureDev,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub prove: ParallelProveConfig,
    pub invalid_rate: f64,
    pub addr: SocketAddr,
    pub max_batches: Option<u64>,
    pub max_seconds: Option<Duration>,
    pub keys: KeyChoice,
    /// `RINGCT_KEYS_DIR`, read (and checked) once at startup.
    pub key_source: KeySource,
    /// `RINGCT_PROVER`: the embedded prover or the cluster.
    pub backend: Backend,
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
    pub fn parse(
        args: impl IntoIterator<Item = OsString>,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<Self>, BenchError> {
        let prove = ParallelProveConfig::from_lookup(&lookup)?;
        let key_source = KeySource::from_lookup(&lookup)?;
        let backend = backend_from_lookup(&lookup).map_err(BenchError::Backend)?;
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
            backend,
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
        if let (Backend::Postgres(db), KeyChoice::Shared, KeySource::Ephemeral) =
            (&opts.backend, opts.keys, &opts.key_source)
        {
            return Err(config_error(
                PROVER_VAR,
                &ringct_cluster::connect::redact(&db.url),
                "the cluster's workers must hold the bench's proving keys, and an ephemeral setup \
                 exists only in this process: set RINGCT_KEYS_DIR to the key directory the workers load",
            ));
        }
        Ok(Some(opts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringct_prover::config::vars as prover_vars;
    use ringct_prover::ProverError;
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
    const EVERY_VAR: [&str; 11] = [
        prover_vars::BATCH,
        prover_vars::BATCH_TARGET_MS,
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
    fn ringct_prover_picks_the_backend_and_refuses_anything_else() {
        let o = parse(&[], &[]).unwrap().unwrap();
        assert!(matches!(o.backend, Backend::Local));
        let o = parse(&[], &[(PROVER_VAR, "local")]).unwrap().unwrap();
        assert!(matches!(o.backend, Backend::Local));
        let o = parse(
            &[],
            &[
                (PROVER_VAR, "postgres://prover@db/ringct"),
                (prover_vars::KEYS_DIR, "/keys"),
            ],
        )
        .unwrap()
        .unwrap();
        assert!(
            matches!(&o.backend, Backend::Postgres(db) if db.url == "postgres://prover@db/ringct")
        );
        for bad in ["mysql://u:hunter2@h/d", "Local", "", "postgres:/x"] {
            let err = parse(&[], &[(PROVER_VAR, bad)]).unwrap_err();
            assert!(
                matches!(
                    err,
                    BenchError::Backend(ringct_cluster::ClusterError::BackendInvalid(_))
                ),
                "{bad}: {err}"
            );
            let msg = err.to_string();
            assert!(msg.contains(PROVER_VAR), "{msg}");
            assert!(!msg.contains("hunter2"), "a password leaked: {msg}");
            assert_eq!(err.exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn the_cluster_backend_needs_keys_the_workers_can_hold() {
        let err = parse(&[], &[(PROVER_VAR, "postgres://u:hunter2@db/q")]).unwrap_err();
        assert!(
            matches!(&err, BenchError::Config { var, .. } if *var == PROVER_VAR),
            "{err}"
        );
        let msg = err.to_string();
        assert!(
            msg.contains("RINGCT_KEYS_DIR") && !msg.contains("hunter2"),
            "{msg}"
        );
        assert_eq!(err.exit_code(), 2);
        // Development keys are reproducible: workers can load the same ones.
        let o = parse(
            &["--insecure-dev-keys"],
            &[(PROVER_VAR, "postgres://u@db/q")],
        )
        .unwrap()
        .unwrap();
        assert!(matches!(o.backend, Backend::Postgres(_)));
    }

    #[test]
    fn batch_auto_is_accepted_and_its_target_checked() {
        let o = parse(
            &[],
            &[
                (prover_vars::BATCH, "auto"),
                (prover_vars::BATCH_TARGET_MS, "2000"),
                (prover_vars::THREADS, "2"),
            ],
        )
        .unwrap()
        .unwrap();
        assert_eq!(o.prove.auto_batch_target, Some(Duration::from_secs(2)));
        assert_eq!(o.prove.batch_size, 2);
        for env in [
            vec![
                (prover_vars::BATCH, "auto"),
                (prover_vars::BATCH_TARGET_MS, "0"),
            ],
            vec![
                (prover_vars::BATCH, "auto"),
                (prover_vars::BATCH_TARGET_MS, "600001"),
            ],
            vec![
                (prover_vars::BATCH, "auto"),
                (prover_vars::BATCH_TARGET_MS, "1s"),
            ],
            vec![(prover_vars::BATCH_TARGET_MS, "2000")],
            vec![
                (prover_vars::BATCH, "8"),
                (prover_vars::BATCH_TARGET_MS, "2000"),
            ],
        ] {
            let err = parse(&[], &env).unwrap_err();
            assert!(
                err.to_string().contains(prover_vars::BATCH_TARGET_MS),
                "{env:?}: {err}"
            );
            assert_eq!(err.exit_code(), 2, "{env:?}");
        }
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
}

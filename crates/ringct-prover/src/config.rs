//! Prover configuration from the environment.
//!
//! | variable | meaning | default | bound |
//! |---|---|---|---|
//! | `RINGCT_PAR_BATCH` | witnesses per batch, or `auto` | 32 | 1..=[`MAX_BATCH`], or `auto` |
//! | `RINGCT_PAR_BATCH_TARGET_MS` | with `RINGCT_PAR_BATCH=auto`: the wall time a batch should stay under | 5000 | 1..=[`MAX_BATCH_TARGET_MS`]; only with `auto` |
//! | `RINGCT_PAR_THREADS` | threads in the prover's Rayon pool | all cores, at most [`MAX_THREADS`] | 1..=[`MAX_THREADS`] |
//! | `RINGCT_PAR_INTERVAL_MS` | pause between batches in a proving loop | 1000 | 0..=[`MAX_INTERVAL_MS`] |
//! | `RINGCT_PAR_SETUP_BATCH` | warm-up batches before measuring (0 = none) | 1 | 0..=[`MAX_SETUP_BATCHES`] |
//! | `RINGCT_SHAPE` | circuit shape, e.g. `2x2-r16` | `2x2-r16` | a valid shape |
//! | `RINGCT_KEYS_DIR` | key files (read by [`crate::cache`]) | unset: ephemeral setup | a directory |
//!
//! One rule for every variable: unset means the default. A set variable
//! must be valid UTF-8 ([`ProverError::EnvNotUnicode`]), not empty or blank
//! ([`ProverError::EnvEmpty`]), parse ([`ProverError::EnvInvalid`]), and stay
//! within its bound ([`ProverError::EnvZero`], [`ProverError::EnvOutOfRange`]).
//! Values are trimmed. Nothing falls back to the default silently.
//!
//! `RINGCT_PAR_BATCH=auto` (any case) sizes each batch so that proving it takes at most
//! `RINGCT_PAR_BATCH_TARGET_MS`, learned from the batches already proved (see
//! [`crate::auto_batch`] for the model and how it learns); the first batch has one
//! witness per thread. Setting `RINGCT_PAR_BATCH_TARGET_MS` without `auto` is refused
//! ([`ProverError::EnvNeedsAuto`]): the target would be ignored.
//! Variables are read with [`std::env::var_os`]; `from_lookup` takes the
//! same `Option<OsString>` so tests can pass values that are not UTF-8.

use crate::error::ProverError;
use ringct_circuit::Shape;
use std::ffi::OsString;
use std::time::Duration;

/// Variable names.
pub mod vars {
    /// Witnesses per batch, or `auto`.
    pub const BATCH: &str = "RINGCT_PAR_BATCH";
    /// Target wall time per batch under `RINGCT_PAR_BATCH=auto`, in milliseconds.
    pub const BATCH_TARGET_MS: &str = "RINGCT_PAR_BATCH_TARGET_MS";
    /// Prover pool threads.
    pub const THREADS: &str = "RINGCT_PAR_THREADS";
    /// Pause between batches, in milliseconds.
    pub const INTERVAL_MS: &str = "RINGCT_PAR_INTERVAL_MS";
    /// Warm-up batches.
    pub const SETUP_BATCH: &str = "RINGCT_PAR_SETUP_BATCH";
    /// Circuit shape.
    pub const SHAPE: &str = "RINGCT_SHAPE";
    /// Directory holding key files, read by the key cache.
    pub const KEYS_DIR: &str = "RINGCT_KEYS_DIR";
}

/// Most threads the prover takes (`RINGCT_PAR_THREADS`).
///
/// Each configured thread costs two OS threads in the prover (one in the
/// `threads`-wide pool `prove_one` uses, and one one-thread worker of
/// `prove_batch`), and the HTTP bench gives the verifier a pool of the same
/// size: three per configured thread. Each batch worker proves one whole
/// proof at a time and holds that proof's scratch memory meanwhile (the full
/// assignment, the QAP evaluations over the domain, the MSM buckets).
/// Measured as the slope of the bench's peak RSS over the thread count
/// (batch = threads): about 2.5 MiB per thread for the default shape
/// 2x2-r16 and 26 MiB for the largest, 16x16-r16. At 256 threads that is
/// about 0.6 GiB and 6.5 GiB of scratch, and 768 OS threads: the most a
/// prover machine should be asked for. Proving is CPU-bound (97% MSMs), so
/// threads beyond the cores add memory and context switches, never
/// throughput; 256 covers the largest machines a prover runs on. A larger
/// value is a typo or a unit mistake (`RINGCT_PAR_THREADS=100000` used to
/// spawn threads until the process was killed).
pub const MAX_THREADS: usize = 256;

/// Largest batch (`RINGCT_PAR_BATCH`).
///
/// A proving loop samples a whole batch, holds it in memory (witnesses,
/// statements, one result per witness) and proves it to the end before the
/// next pause, the next batch or a graceful stop (Ctrl-C finishes the
/// batch). Memory per witness is small (kilobytes), so time is the binding
/// cost: at the baseline's 4.4 proofs/s (2 cores, 2x2-r16) a batch of 1,024
/// takes about four minutes, the longest a graceful stop then waits, and
/// 16 verification chunks of 64. Larger batches gain nothing: throughput is
/// flat once every worker has a few witnesses.
pub const MAX_BATCH: usize = 1024;

/// Largest target wall time per batch under `RINGCT_PAR_BATCH=auto`
/// (`RINGCT_PAR_BATCH_TARGET_MS`): ten minutes.
///
/// A graceful stop waits for the current batch, and the dashboards' rate
/// windows are minutes wide; a longer target is almost surely a unit mistake
/// (seconds written as milliseconds times 1,000). Whatever the target, a
/// batch never exceeds [`MAX_BATCH`].
pub const MAX_BATCH_TARGET_MS: u64 = 600_000;

/// Default target wall time per batch under `RINGCT_PAR_BATCH=auto`: 5 s,
/// about 22 proofs of the default shape on 2 cores.
pub const DEFAULT_BATCH_TARGET_MS: u64 = 5_000;

/// Longest pause between batches (`RINGCT_PAR_INTERVAL_MS`): one hour.
///
/// The pause wakes for signals every 50 ms, so the bound is not about
/// responsiveness: with more than an hour between batches, the dashboards'
/// rate windows (minutes) show nothing and a value that large is almost
/// surely a unit mistake (seconds written as milliseconds times 1,000).
pub const MAX_INTERVAL_MS: u64 = 3_600_000;

/// Most warm-up batches (`RINGCT_PAR_SETUP_BATCH`).
///
/// Warm-up batches are proved and verified in full but counted nowhere; one
/// or two warm the caches and the allocator. 100 (at most 100 ×
/// [`MAX_BATCH`] uncounted proofs) leaves room for experiments and refuses
/// values that would spend hours before the first measurement.
pub const MAX_SETUP_BATCHES: usize = 100;

/// How the parallel prover runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParallelProveConfig {
    /// Witnesses per batch in a proving loop (1..=[`MAX_BATCH`]); with
    /// [`auto_batch_target`](Self::auto_batch_target) set, the first batch's size.
    pub batch_size: usize,
    /// `Some(target)`: `RINGCT_PAR_BATCH=auto`; each batch's size is chosen to
    /// keep its wall time under `target` (1 ms..=[`MAX_BATCH_TARGET_MS`]), see
    /// [`crate::RingCtParallelProver::next_batch_size`]. `None`: every batch
    /// has `batch_size` witnesses.
    pub auto_batch_target: Option<Duration>,
    /// Threads in the prover's dedicated Rayon pool (1..=[`MAX_THREADS`]).
    pub threads: usize,
    /// Pause between batches in a proving loop (at most [`MAX_INTERVAL_MS`]).
    pub interval: Duration,
    /// Warm-up batches before measuring (at most [`MAX_SETUP_BATCHES`]).
    pub setup_batches: usize,
    /// Circuit shape.
    pub shape: Shape,
}

impl Default for ParallelProveConfig {
    fn default() -> Self {
        ParallelProveConfig {
            batch_size: 32,
            auto_batch_target: None,
            threads: available_cores().min(MAX_THREADS),
            interval: Duration::from_millis(1000),
            setup_batches: 1,
            shape: Shape::default(),
        }
    }
}

/// The value of `RINGCT_PAR_BATCH` that turns on automatic batch sizing
/// (compared without regard to ASCII case).
pub const AUTO: &str = "auto";

/// Cores visible to this process (at least 1).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The text of a variable under the one rule: `None` when unset; a value
/// that is not UTF-8 or is blank is an error naming `var`; otherwise the
/// trimmed value. Every variable the project reads goes through this.
pub fn env_text(var: &'static str, value: Option<OsString>) -> Result<Option<String>, ProverError> {
    let Some(raw) = value else { return Ok(None) };
    let text = raw
        .into_string()
        .map_err(|value| ProverError::EnvNotUnicode { var, value })?;
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ProverError::EnvEmpty { var });
    }
    Ok(Some(trimmed.to_string()))
}

/// A count within `min..=max` (`min` is 0 or 1).
fn parse_count(
    var: &'static str,
    value: Option<OsString>,
    default: u64,
    min: u64,
    max: u64,
    why: &'static str,
) -> Result<u64, ProverError> {
    let Some(text) = env_text(var, value)? else {
        return Ok(default);
    };
    let n: u64 = text
        .parse()
        .map_err(|e: std::num::ParseIntError| ProverError::EnvInvalid {
            var,
            value: text.clone(),
            reason: e.to_string(),
        })?;
    check_range(var, n, min, max, why)?;
    Ok(n)
}

fn check_range(
    var: &'static str,
    n: u64,
    min: u64,
    max: u64,
    why: &'static str,
) -> Result<(), ProverError> {
    if n < min {
        return Err(ProverError::EnvZero { var });
    }
    if n > max {
        return Err(ProverError::EnvOutOfRange {
            var,
            value: n,
            max,
            why,
        });
    }
    Ok(())
}

const WHY_THREADS: &str = "one proof in flight per thread, and proving is CPU-bound";
const WHY_BATCH: &str = "a batch is held in memory and proved to the end before the next";
const WHY_INTERVAL: &str = "one hour";
const WHY_TARGET: &str = "ten minutes; a batch is proved to the end before a graceful stop";
const WHY_SETUP: &str = "warm-up batches are proved but not counted";

impl ParallelProveConfig {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ProverError> {
        Self::from_lookup(|var| std::env::var_os(var))
    }

    /// Reads the configuration through `lookup` (unset variables return
    /// `None`); see the module docs for the rule every variable follows.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, ProverError> {
        let d = Self::default();
        let shape = match env_text(vars::SHAPE, lookup(vars::SHAPE))? {
            None => d.shape,
            Some(text) => {
                text.parse()
                    .map_err(|e: ringct_circuit::CircuitError| ProverError::EnvInvalid {
                        var: vars::SHAPE,
                        value: text.clone(),
                        reason: e.to_string(),
                    })?
            }
        };
        let count = |var, default: usize, min, max: usize, why| {
            parse_count(var, lookup(var), default as u64, min, max as u64, why).map(|n| n as usize)
        };
        let threads = count(vars::THREADS, d.threads, 1, MAX_THREADS, WHY_THREADS)?;
        let auto = env_text(vars::BATCH, lookup(vars::BATCH))?
            .is_some_and(|text| text.eq_ignore_ascii_case(AUTO));
        let target = lookup(vars::BATCH_TARGET_MS);
        let (batch_size, auto_batch_target) = if auto {
            let ms = parse_count(
                vars::BATCH_TARGET_MS,
                target,
                DEFAULT_BATCH_TARGET_MS,
                1,
                MAX_BATCH_TARGET_MS,
                WHY_TARGET,
            )?;
            (threads.min(MAX_BATCH), Some(Duration::from_millis(ms)))
        } else {
            let batch_size = count(vars::BATCH, d.batch_size, 1, MAX_BATCH, WHY_BATCH)?;
            if let Some(value) = env_text(vars::BATCH_TARGET_MS, target)? {
                return Err(ProverError::EnvNeedsAuto {
                    var: vars::BATCH_TARGET_MS,
                    value,
                    needs: vars::BATCH,
                });
            }
            (batch_size, None)
        };
        Ok(ParallelProveConfig {
            batch_size,
            auto_batch_target,
            threads,
            interval: Duration::from_millis(parse_count(
                vars::INTERVAL_MS,
                lookup(vars::INTERVAL_MS),
                d.interval.as_millis() as u64,
                0,
                MAX_INTERVAL_MS,
                WHY_INTERVAL,
            )?),
            setup_batches: count(
                vars::SETUP_BATCH,
                d.setup_batches,
                0,
                MAX_SETUP_BATCHES,
                WHY_SETUP,
            )?,
            shape,
        })
    }

    /// Checks every bound of a configuration built in code (the errors name
    /// the variable that sets each field). [`crate::RingCtParallelProver::new`]
    /// calls it.
    pub fn validate(&self) -> Result<(), ProverError> {
        let ms = u64::try_from(self.interval.as_millis()).unwrap_or(u64::MAX);
        if let Some(target) = self.auto_batch_target {
            let target = u64::try_from(target.as_millis()).unwrap_or(u64::MAX);
            check_range(
                vars::BATCH_TARGET_MS,
                target,
                1,
                MAX_BATCH_TARGET_MS,
                WHY_TARGET,
            )?;
        }
        check_range(
            vars::BATCH,
            self.batch_size as u64,
            1,
            MAX_BATCH as u64,
            WHY_BATCH,
        )?;
        check_range(
            vars::THREADS,
            self.threads as u64,
            1,
            MAX_THREADS as u64,
            WHY_THREADS,
        )?;
        check_range(vars::INTERVAL_MS, ms, 0, MAX_INTERVAL_MS, WHY_INTERVAL)?;
        check_range(
            vars::SETUP_BATCH,
            self.setup_batches as u64,
            0,
            MAX_SETUP_BATCHES as u64,
            WHY_SETUP,
        )?;
        self.shape.validate().map_err(|e| ProverError::EnvInvalid {
            var: vars::SHAPE,
            value: format!("{:?}", self.shape),
            reason: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::os::unix::ffi::OsStringExt;

    fn with_os(pairs: &[(&str, OsString)]) -> Result<ParallelProveConfig, ProverError> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        ParallelProveConfig::from_lookup(|k| map.get(k).cloned())
    }

    fn with(pairs: &[(&str, &str)]) -> Result<ParallelProveConfig, ProverError> {
        let pairs: Vec<(&str, OsString)> = pairs.iter().map(|(k, v)| (*k, v.into())).collect();
        with_os(&pairs)
    }

    const ALL: [&str; 5] = [
        vars::BATCH,
        vars::THREADS,
        vars::INTERVAL_MS,
        vars::SETUP_BATCH,
        vars::SHAPE,
    ];

    #[test]
    fn defaults() {
        let c = with(&[]).unwrap();
        assert_eq!(c.batch_size, 32);
        assert_eq!(c.threads, available_cores().min(MAX_THREADS));
        assert_eq!(c.interval, Duration::from_millis(1000));
        assert_eq!(c.setup_batches, 1);
        assert_eq!(c.shape.to_string(), "2x2-r16");
        c.validate().unwrap();
        ParallelProveConfig::default().validate().unwrap();
    }

    #[test]
    fn good_values() {
        let c = with(&[
            (vars::BATCH, "8"),
            (vars::THREADS, " 3 "),
            (vars::INTERVAL_MS, "0"),
            (vars::SETUP_BATCH, "0"),
            (vars::SHAPE, "1x1-r4"),
        ])
        .unwrap();
        assert_eq!((c.batch_size, c.threads, c.setup_batches), (8, 3, 0));
        assert_eq!(c.interval, Duration::ZERO);
        assert_eq!(c.shape.to_string(), "1x1-r4");
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, value) in [
            (vars::BATCH, "many"),
            (vars::THREADS, "-1"),
            (vars::INTERVAL_MS, "1.5"),
            (vars::SETUP_BATCH, "0x10"),
            (vars::SHAPE, "2x2-r8"),
            (vars::THREADS, "99999999999999999999999"),
        ] {
            let err = with(&[(var, value)]).unwrap_err();
            assert!(
                matches!(err, ProverError::EnvInvalid { var: v, .. } if v == var),
                "{var}: {err}"
            );
            assert!(err.to_string().contains(var));
        }
        for var in [vars::BATCH, vars::THREADS] {
            assert!(
                matches!(with(&[(var, "0")]), Err(ProverError::EnvZero { var: v }) if v == var)
            );
        }
    }

    #[test]
    fn blank_values_are_errors_not_defaults() {
        for var in ALL {
            for blank in ["", " ", "\t\n"] {
                let err = with(&[(var, blank)]).unwrap_err();
                assert!(
                    matches!(err, ProverError::EnvEmpty { var: v } if v == var),
                    "{var}={blank:?}: {err}"
                );
                assert!(err.to_string().contains(var));
            }
        }
    }

    #[test]
    fn non_utf8_values_name_the_variable() {
        for var in ALL {
            let bad = OsString::from_vec(vec![0xff, 0xfe]);
            let err = with_os(&[(var, bad.clone())]).unwrap_err();
            match &err {
                ProverError::EnvNotUnicode { var: v, value } => {
                    assert_eq!(*v, var);
                    assert_eq!(value, &bad);
                }
                other => panic!("{var}: {other}"),
            }
            let msg = err.to_string();
            assert!(msg.contains(var) && msg.contains("UTF-8"), "{msg}");
            // One bad byte after valid digits is refused too.
            let mut digits = b"12".to_vec();
            digits.push(0x80);
            assert!(matches!(
                with_os(&[(var, OsString::from_vec(digits))]),
                Err(ProverError::EnvNotUnicode { .. })
            ));
        }
    }

    #[test]
    fn bounds_are_accepted_and_one_more_is_refused() {
        let at_bounds = with(&[
            (vars::BATCH, &MAX_BATCH.to_string()),
            (vars::THREADS, &MAX_THREADS.to_string()),
            (vars::INTERVAL_MS, &MAX_INTERVAL_MS.to_string()),
            (vars::SETUP_BATCH, &MAX_SETUP_BATCHES.to_string()),
        ])
        .unwrap();
        assert_eq!(at_bounds.batch_size, MAX_BATCH);
        assert_eq!(at_bounds.threads, MAX_THREADS);
        assert_eq!(at_bounds.interval, Duration::from_millis(MAX_INTERVAL_MS));
        assert_eq!(at_bounds.setup_batches, MAX_SETUP_BATCHES);
        at_bounds.validate().unwrap();

        for (var, max) in [
            (vars::BATCH, MAX_BATCH as u64),
            (vars::THREADS, MAX_THREADS as u64),
            (vars::INTERVAL_MS, MAX_INTERVAL_MS),
            (vars::SETUP_BATCH, MAX_SETUP_BATCHES as u64),
        ] {
            for value in [max + 1, max * 10, u64::MAX] {
                let err = with(&[(var, &value.to_string())]).unwrap_err();
                match &err {
                    ProverError::EnvOutOfRange {
                        var: v,
                        value: got,
                        max: bound,
                        ..
                    } => assert_eq!((*v, *got, *bound), (var, value, max)),
                    other => panic!("{var}={value}: {other}"),
                }
                let msg = err.to_string();
                assert!(
                    msg.contains(var)
                        && msg.contains(&value.to_string())
                        && msg.contains(&max.to_string()),
                    "{msg}"
                );
            }
        }
    }

    #[test]
    fn validate_checks_configurations_built_in_code() {
        let ok = ParallelProveConfig::default();
        for (bad, var) in [
            (
                ParallelProveConfig {
                    threads: MAX_THREADS + 1,
                    ..ok.clone()
                },
                vars::THREADS,
            ),
            (
                ParallelProveConfig {
                    batch_size: MAX_BATCH + 1,
                    ..ok.clone()
                },
                vars::BATCH,
            ),
            (
                ParallelProveConfig {
                    interval: Duration::from_millis(MAX_INTERVAL_MS + 1),
                    ..ok.clone()
                },
                vars::INTERVAL_MS,
            ),
            (
                ParallelProveConfig {
                    setup_batches: MAX_SETUP_BATCHES + 1,
                    ..ok.clone()
                },
                vars::SETUP_BATCH,
            ),
        ] {
            assert!(
                matches!(bad.validate(), Err(ProverError::EnvOutOfRange { var: v, .. }) if v == var),
                "{var}"
            );
        }
        let zero = ParallelProveConfig { threads: 0, ..ok };
        assert!(matches!(
            zero.validate(),
            Err(ProverError::EnvZero { var }) if var == vars::THREADS
        ));
    }

    #[test]
    fn batch_auto_takes_a_bounded_target() {
        let c = with(&[(vars::BATCH, "auto"), (vars::THREADS, "3")]).unwrap();
        assert_eq!(
            c.auto_batch_target,
            Some(Duration::from_millis(DEFAULT_BATCH_TARGET_MS))
        );
        // The first batch: one witness per thread.
        assert_eq!(c.batch_size, 3);
        c.validate().unwrap();
        let c = with(&[(vars::BATCH, " AUTO "), (vars::BATCH_TARGET_MS, "250")]).unwrap();
        assert_eq!(c.auto_batch_target, Some(Duration::from_millis(250)));
        let max = MAX_BATCH_TARGET_MS.to_string();
        let c = with(&[(vars::BATCH, "Auto"), (vars::BATCH_TARGET_MS, &max)]).unwrap();
        assert_eq!(
            c.auto_batch_target,
            Some(Duration::from_millis(MAX_BATCH_TARGET_MS))
        );
        // A fixed batch has no target.
        assert_eq!(with(&[(vars::BATCH, "8")]).unwrap().auto_batch_target, None);
        assert_eq!(with(&[]).unwrap().auto_batch_target, None);
    }

    #[test]
    fn bad_batch_targets_are_typed_errors() {
        let auto = (vars::BATCH, "auto");
        for (value, check) in [
            ("0", "zero"),
            ("600001", "range"),
            ("5s", "invalid"),
            ("-1", "invalid"),
            ("  ", "empty"),
        ] {
            let err = with(&[auto, (vars::BATCH_TARGET_MS, value)]).unwrap_err();
            let ok = match check {
                "zero" => {
                    matches!(err, ProverError::EnvZero { var } if var == vars::BATCH_TARGET_MS)
                }
                "range" => matches!(
                    err,
                    ProverError::EnvOutOfRange { var, value: 600_001, max: MAX_BATCH_TARGET_MS, .. }
                        if var == vars::BATCH_TARGET_MS
                ),
                "invalid" => {
                    matches!(&err, ProverError::EnvInvalid { var, .. } if *var == vars::BATCH_TARGET_MS)
                }
                _ => matches!(err, ProverError::EnvEmpty { var } if var == vars::BATCH_TARGET_MS),
            };
            assert!(ok, "{value}: {err}");
            assert!(err.is_configuration());
            assert!(err.to_string().contains(vars::BATCH_TARGET_MS), "{err}");
        }
        // A target without auto would be ignored: refused, naming both variables.
        for batch in [None, Some("32")] {
            let mut pairs = vec![(vars::BATCH_TARGET_MS, "100")];
            pairs.extend(batch.map(|b| (vars::BATCH, b)));
            let err = with(&pairs).unwrap_err();
            assert!(
                matches!(&err, ProverError::EnvNeedsAuto { var, value, needs }
                    if *var == vars::BATCH_TARGET_MS && value == "100" && *needs == vars::BATCH),
                "{err}"
            );
            assert!(err.is_configuration());
            let msg = err.to_string();
            assert!(
                msg.contains(vars::BATCH_TARGET_MS) && msg.contains(vars::BATCH),
                "{msg}"
            );
        }
        // Words other than `auto` are still invalid batch sizes.
        assert!(matches!(
            with(&[(vars::BATCH, "automatic")]),
            Err(ProverError::EnvInvalid { var, .. }) if var == vars::BATCH
        ));
        // Targets built in code are bounded too.
        let ok = ParallelProveConfig::default();
        for (target, zero) in [
            (Duration::from_micros(999), true),
            (Duration::from_secs(601), false),
        ] {
            let c = ParallelProveConfig {
                auto_batch_target: Some(target),
                ..ok.clone()
            };
            let err = c.validate().unwrap_err();
            assert!(
                if zero {
                    matches!(err, ProverError::EnvZero { var } if var == vars::BATCH_TARGET_MS)
                } else {
                    matches!(err, ProverError::EnvOutOfRange { var, .. } if var == vars::BATCH_TARGET_MS)
                },
                "{target:?}: {err}"
            );
        }
    }

    #[test]
    fn env_text_follows_the_one_rule() {
        assert_eq!(env_text(vars::KEYS_DIR, None).unwrap(), None);
        assert_eq!(
            env_text(vars::KEYS_DIR, Some(" /k ".into())).unwrap(),
            Some("/k".to_string())
        );
        assert!(matches!(
            env_text(vars::KEYS_DIR, Some("  ".into())),
            Err(ProverError::EnvEmpty { var }) if var == vars::KEYS_DIR
        ));
        assert!(matches!(
            env_text(vars::KEYS_DIR, Some(OsString::from_vec(vec![b'/', 0xff]))),
            Err(ProverError::EnvNotUnicode { var, .. }) if var == vars::KEYS_DIR
        ));
    }
}

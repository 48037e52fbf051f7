//! Prover configuration from the environment.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `RINGCT_PAR_BATCH` | witnesses per batch (> 0) | 32 |
//! | `RINGCT_PAR_THREADS` | threads in the prover's Rayon pool (> 0) | all cores |
//! | `RINGCT_PAR_INTERVAL_MS` | pause between batches in a proving loop | 1000 |
//! | `RINGCT_PAR_SETUP_BATCH` | warm-up batches before measuring (0 = none) | 1 |
//! | `RINGCT_SHAPE` | circuit shape, e.g. `2x2-r16` | `2x2-r16` |

use crate::error::ProverError;
use ringct_circuit::Shape;
use std::time::Duration;

/// Variable names.
pub mod vars {
    /// Witnesses per batch.
    pub const BATCH: &str = "RINGCT_PAR_BATCH";
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

/// How the parallel prover runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParallelProveConfig {
    /// Witnesses per batch in a proving loop.
    pub batch_size: usize,
    /// Threads in the prover's dedicated Rayon pool.
    pub threads: usize,
    /// Pause between batches in a proving loop.
    pub interval: Duration,
    /// Warm-up batches before measuring.
    pub setup_batches: usize,
    /// Circuit shape.
    pub shape: Shape,
}

impl Default for ParallelProveConfig {
    fn default() -> Self {
        ParallelProveConfig {
            batch_size: 32,
            threads: available_cores(),
            interval: Duration::from_millis(1000),
            setup_batches: 1,
            shape: Shape::default(),
        }
    }
}

/// Cores visible to this process (at least 1).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn parse_count(
    var: &'static str,
    value: Option<String>,
    default: usize,
    zero_ok: bool,
) -> Result<usize, ProverError> {
    let Some(raw) = value else { return Ok(default) };
    let n: usize =
        raw.trim()
            .parse()
            .map_err(|e: std::num::ParseIntError| ProverError::EnvInvalid {
                var,
                value: raw.clone(),
                reason: e.to_string(),
            })?;
    if n == 0 && !zero_ok {
        return Err(ProverError::EnvZero { var });
    }
    Ok(n)
}

impl ParallelProveConfig {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ProverError> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// Reads the configuration through `lookup` (unset variables return `None`).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ProverError> {
        let d = Self::default();
        let shape = match lookup(vars::SHAPE) {
            None => d.shape,
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e: ringct_circuit::CircuitError| ProverError::EnvInvalid {
                    var: vars::SHAPE,
                    value: raw.clone(),
                    reason: e.to_string(),
                })?,
        };
        Ok(ParallelProveConfig {
            batch_size: parse_count(vars::BATCH, lookup(vars::BATCH), d.batch_size, false)?,
            threads: parse_count(vars::THREADS, lookup(vars::THREADS), d.threads, false)?,
            interval: Duration::from_millis(parse_count(
                vars::INTERVAL_MS,
                lookup(vars::INTERVAL_MS),
                1000,
                true,
            )? as u64),
            setup_batches: parse_count(
                vars::SETUP_BATCH,
                lookup(vars::SETUP_BATCH),
                d.setup_batches,
                true,
            )?,
            shape,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(pairs: &[(&str, &str)]) -> Result<ParallelProveConfig, ProverError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ParallelProveConfig::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = with(&[]).unwrap();
        assert_eq!(c.batch_size, 32);
        assert_eq!(c.threads, available_cores());
        assert_eq!(c.interval, Duration::from_millis(1000));
        assert_eq!(c.setup_batches, 1);
        assert_eq!(c.shape.to_string(), "2x2-r16");
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
            (vars::SETUP_BATCH, ""),
            (vars::SHAPE, "2x2-r8"),
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
}

//! Verdicts, reports and per-call statistics.

use crate::error::VerifierError;
use std::fmt;
use std::time::Duration;

/// How a slice of items was verified; also the value of the `mode` metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// One item after the other on the calling context's thread.
    Individual,
    /// Individual checks spread over a Rayon pool.
    Parallel,
    /// Randomized batch verification with per-item fallback by bisection.
    Batch,
}

impl Mode {
    /// All modes.
    pub const ALL: [Mode; 3] = [Mode::Individual, Mode::Parallel, Mode::Batch];

    /// The `mode` label value: `individual`, `parallel` or `batch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Individual => "individual",
            Mode::Parallel => "parallel",
            Mode::Batch => "batch",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome for one item: valid, or invalid with the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The proof verifies for these public inputs under the key.
    Valid,
    /// The item breaks this rule.
    Invalid(VerifierError),
}

impl Verdict {
    /// Whether the verdict is [`Verdict::Valid`].
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid)
    }

    /// The broken rule, if any.
    pub fn reason(&self) -> Option<&VerifierError> {
        match self {
            Verdict::Valid => None,
            Verdict::Invalid(e) => Some(e),
        }
    }

    /// `Ok(())` when valid, the broken rule otherwise.
    pub fn into_result(self) -> Result<(), VerifierError> {
        match self {
            Verdict::Valid => Ok(()),
            Verdict::Invalid(e) => Err(e),
        }
    }
}

impl From<Result<(), VerifierError>> for Verdict {
    fn from(r: Result<(), VerifierError>) -> Self {
        match r {
            Ok(()) => Verdict::Valid,
            Err(e) => Verdict::Invalid(e),
        }
    }
}

/// Statistics of one verification call.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// The mode used.
    pub mode: Mode,
    /// Items in the call.
    pub count: usize,
    /// Items found valid.
    pub valid: usize,
    /// Items found invalid (`count - valid`).
    pub invalid: usize,
    /// Wall time of the call.
    pub wall: Duration,
    /// Throughput: items (valid or not) per second of wall time; 0 for an
    /// empty call.
    pub per_second: f64,
    /// Pairing checks performed, i.e. final exponentiations: one per item in
    /// the individual and parallel modes; in batch mode one per chunk that
    /// passes, plus the bisection's sub-checks when a chunk fails.
    pub pairing_checks: usize,
}

impl Stats {
    pub(crate) fn new(
        mode: Mode,
        verdicts: &[Verdict],
        wall: Duration,
        pairing_checks: usize,
    ) -> Self {
        let count = verdicts.len();
        let valid = verdicts.iter().filter(|v| v.is_valid()).count();
        let secs = wall.as_secs_f64();
        let per_second = if count == 0 || secs <= 0.0 {
            0.0
        } else {
            count as f64 / secs
        };
        Stats {
            mode,
            count,
            valid,
            invalid: count - valid,
            wall,
            per_second,
            pairing_checks,
        }
    }
}

/// What a verification call returns: one verdict per item, in input order,
/// and the call's statistics.
#[derive(Debug, Clone)]
pub struct Report {
    /// `verdicts[i]` is the verdict for `items[i]`.
    pub verdicts: Vec<Verdict>,
    /// Statistics of the call.
    pub stats: Stats,
}

impl Report {
    /// Whether every item is valid (true for an empty call).
    pub fn all_valid(&self) -> bool {
        self.stats.invalid == 0
    }

    /// Indices of the invalid items, ascending.
    pub fn invalid_indices(&self) -> Vec<usize> {
        self.verdicts
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_valid())
            .map(|(i, _)| i)
            .collect()
    }
}

//! The Fast → Consensus fallback policy and its environment configuration.
//!
//! | variable | values | unset |
//! |---|---|---|
//! | `SUPERVM_ENABLE_FAST_FALLBACK` | `true`, `false`, `1`, `0` (trimmed, case-insensitive) | off |
//! | `SUPERVM_FALLBACK_ON_ERRORS` | comma-separated [`ErrorKind`] names (each trimmed, matched exactly and case-sensitively) | `GasExhausted,MemoryOverflow` |
//!
//! Any other value is a [`ConfigError`] naming the variable and the value; nothing is
//! matched by substring or prefix. A value that is not valid UTF-8 is
//! [`ConfigError::NotUnicode`], naming the variable (variables are read with
//! [`std::env::var_os`], never lossily). The error list is validated even when the fallback is
//! off, so a typo is reported before someone turns the fallback on.
//!
//! When a Fast-path transaction fails with a listed kind, its Fast-path effects are
//! discarded (a failed run never commits anything) and it is re-run on the Consensus path,
//! with that path's limits. Only failures *on the Fast path* can trigger it; a transaction
//! rejected by routing never reached a path and is never re-run.

use std::collections::BTreeSet;
use std::ffi::OsString;

use crate::error::{ConfigError, ErrorKind};

/// Environment variable that turns the fallback on.
pub const ENABLE_FAST_FALLBACK_VAR: &str = "SUPERVM_ENABLE_FAST_FALLBACK";
/// Environment variable listing the error kinds that trigger the fallback.
pub const FALLBACK_ON_ERRORS_VAR: &str = "SUPERVM_FALLBACK_ON_ERRORS";
/// Kinds that trigger the fallback when it is on and no list is given.
pub const DEFAULT_FALLBACK_KINDS: &[ErrorKind] =
    &[ErrorKind::GasExhausted, ErrorKind::MemoryOverflow];

/// Which Fast-path failures are re-run on the Consensus path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FallbackPolicy {
    /// `None`: fallback off.
    kinds: Option<BTreeSet<ErrorKind>>,
}

impl FallbackPolicy {
    /// No fallback (the default).
    pub fn disabled() -> Self {
        FallbackPolicy { kinds: None }
    }

    /// Fallback on for exactly these kinds (an empty list: on, but nothing triggers it).
    pub fn enabled(kinds: impl IntoIterator<Item = ErrorKind>) -> Self {
        FallbackPolicy {
            kinds: Some(kinds.into_iter().collect()),
        }
    }

    /// Fallback on for [`DEFAULT_FALLBACK_KINDS`].
    pub fn enabled_default() -> Self {
        Self::enabled(DEFAULT_FALLBACK_KINDS.iter().copied())
    }

    /// Reads the policy from the process environment (see the module docs).
    ///
    /// A value that is not valid UTF-8 is [`ConfigError::NotUnicode`], naming the variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|var| std::env::var_os(var))
    }

    /// Builds the policy from `lookup(variable name)` (`None`: unset). This is what
    /// [`from_env`](Self::from_env) calls; tests pass a closure instead of touching the
    /// process environment, including values that are not UTF-8.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<Self, ConfigError> {
        let enabled = match text(ENABLE_FAST_FALLBACK_VAR, lookup(ENABLE_FAST_FALLBACK_VAR))? {
            None => false,
            Some(value) => parse_bool(ENABLE_FAST_FALLBACK_VAR, &value)?,
        };
        let kinds = match text(FALLBACK_ON_ERRORS_VAR, lookup(FALLBACK_ON_ERRORS_VAR))? {
            None => DEFAULT_FALLBACK_KINDS.iter().copied().collect(),
            Some(value) => parse_kinds(FALLBACK_ON_ERRORS_VAR, &value)?,
        };
        Ok(if enabled {
            FallbackPolicy { kinds: Some(kinds) }
        } else {
            FallbackPolicy::disabled()
        })
    }

    /// Whether the fallback is on.
    pub fn is_enabled(&self) -> bool {
        self.kinds.is_some()
    }

    /// The kinds that trigger a re-run (empty when off), in declaration order.
    pub fn kinds(&self) -> impl Iterator<Item = ErrorKind> + '_ {
        self.kinds.iter().flatten().copied()
    }

    /// Whether a Fast-path failure of this kind is re-run on the Consensus path.
    pub fn falls_back_on(&self, kind: ErrorKind) -> bool {
        self.kinds.as_ref().is_some_and(|k| k.contains(&kind))
    }
}

/// The value as text: `None` when unset, an error naming `var` when it is not UTF-8.
fn text(var: &'static str, value: Option<OsString>) -> Result<Option<String>, ConfigError> {
    value
        .map(|v| {
            v.into_string()
                .map_err(|value| ConfigError::NotUnicode { var, value })
        })
        .transpose()
}

fn parse_bool(var: &'static str, value: &str) -> Result<bool, ConfigError> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("true") || v == "1" {
        Ok(true)
    } else if v.eq_ignore_ascii_case("false") || v == "0" {
        Ok(false)
    } else {
        Err(ConfigError::InvalidBool {
            var,
            value: value.to_owned(),
        })
    }
}

fn parse_kinds(var: &'static str, value: &str) -> Result<BTreeSet<ErrorKind>, ConfigError> {
    let mut kinds = BTreeSet::new();
    for entry in value.split(',') {
        let name = entry.trim();
        if name.is_empty() {
            return Err(ConfigError::EmptyErrorKindEntry {
                var,
                value: value.to_owned(),
            });
        }
        let kind = name
            .parse::<ErrorKind>()
            .map_err(|_| ConfigError::UnknownErrorKind {
                var,
                name: name.to_owned(),
            })?;
        kinds.insert(kind);
    }
    Ok(kinds)
}

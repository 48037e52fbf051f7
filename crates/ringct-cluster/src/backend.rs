//! `RINGCT_PROVER` picks the proving backend: `local` (the default: the
//! embedded Rayon prover, nothing to install) or a `postgres://` URL (the
//! cluster). `RINGCT_PROVER_CA_FILE` names a PEM file of CA certificates to
//! trust for TLS to that database.

use crate::client::{ClientConfig, ClusterProver};
use crate::connect::DbConfig;
use crate::error::ClusterError;
use ringct_prover::{BatchProver, ParallelProveConfig, RingCtKeys, RingCtParallelProver};
use std::ffi::OsString;
use std::sync::Arc;

/// The variable that picks the backend.
pub const PROVER_VAR: &str = "RINGCT_PROVER";
/// The variable naming extra CA certificates for TLS to the database.
pub const CA_FILE_VAR: &str = "RINGCT_PROVER_CA_FILE";

/// A proving backend.
#[derive(Debug, Clone)]
pub enum Backend {
    /// The embedded Rayon prover.
    Local,
    /// The PostgreSQL queue and its workers.
    Postgres(DbConfig),
}

/// The backend named by the variables `lookup` returns (unset or `local`:
/// [`Backend::Local`]).
pub fn backend_from_lookup(
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<Backend, ClusterError> {
    let text = |var: &'static str| -> Result<Option<String>, ClusterError> {
        match lookup(var) {
            None => Ok(None),
            Some(v) => v.into_string().map(Some).map_err(|v| ClusterError::Config {
                what: var,
                reason: format!("not valid UTF-8: {v:?}"),
            }),
        }
    };
    let ca_file = text(CA_FILE_VAR)?
        .filter(|s| !s.trim().is_empty())
        .map(Into::into);
    match text(PROVER_VAR)?.as_deref().map(str::trim) {
        None | Some("local") => Ok(Backend::Local),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Backend::Postgres(DbConfig {
                url: url.to_string(),
                ca_file,
            }))
        }
        Some(other) => Err(ClusterError::BackendInvalid(crate::connect::redact(other))),
    }
}

/// The backend the process environment names.
pub fn backend_from_env() -> Result<Backend, ClusterError> {
    backend_from_lookup(|v| std::env::var_os(v))
}

/// A prover for `keys` on `backend`: the Rayon prover with `local`, or a
/// cluster client (default [`ClientConfig`]) that asks for proofs under the
/// same key's fingerprint.
pub fn batch_prover(
    backend: &Backend,
    keys: Arc<RingCtKeys>,
    local: ParallelProveConfig,
) -> Result<Box<dyn BatchProver>, ClusterError> {
    Ok(match backend {
        Backend::Local => Box::new(RingCtParallelProver::new(keys, local)?),
        Backend::Postgres(db) => Box::new(ClusterProver::for_keys(
            ClientConfig::new(db.clone()),
            &keys,
        )?),
    })
}

/// [`batch_prover`] with the backend `RINGCT_PROVER` names.
pub fn batch_prover_from_env(
    keys: Arc<RingCtKeys>,
    local: ParallelProveConfig,
) -> Result<Box<dyn BatchProver>, ClusterError> {
    batch_prover(&backend_from_env()?, keys, local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |var| {
            pairs
                .iter()
                .find(|(k, _)| *k == var)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn local_is_the_default() {
        assert!(matches!(
            backend_from_lookup(lookup(&[])),
            Ok(Backend::Local)
        ));
        assert!(matches!(
            backend_from_lookup(lookup(&[(PROVER_VAR, "local")])),
            Ok(Backend::Local)
        ));
    }

    #[test]
    fn a_postgres_url_picks_the_cluster() {
        let b = backend_from_lookup(lookup(&[
            (PROVER_VAR, "postgres://u@db/q?sslmode=require"),
            (CA_FILE_VAR, "/etc/ca.pem"),
        ]))
        .unwrap();
        let Backend::Postgres(db) = b else {
            panic!("expected the cluster")
        };
        assert_eq!(db.url, "postgres://u@db/q?sslmode=require");
        assert_eq!(
            db.ca_file.as_deref(),
            Some(std::path::Path::new("/etc/ca.pem"))
        );
    }

    #[test]
    fn anything_else_is_refused_without_leaking_a_password() {
        let err = backend_from_lookup(lookup(&[(PROVER_VAR, "mysql://u:pw@h/d")])).unwrap_err();
        assert!(matches!(err, ClusterError::BackendInvalid(_)));
        assert!(!err.to_string().contains("pw"), "{err}");
        assert!(matches!(
            backend_from_lookup(lookup(&[(PROVER_VAR, "")])),
            Err(ClusterError::BackendInvalid(_))
        ));
    }
}

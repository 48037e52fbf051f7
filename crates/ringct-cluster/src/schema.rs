//! The queue's tables, created (and later migrated) by the crate itself.
//!
//! Migrations run in one transaction under a transaction-scoped advisory
//! lock, so workers and clients that start together do not race; each
//! migration runs once and bumps `ringct_cluster_schema.version`. A database
//! with a newer version than this build knows is refused
//! ([`ClusterError::SchemaVersion`]).

use crate::error::ClusterError;

/// The newest schema version this build creates.
pub const SCHEMA_VERSION: i32 = 1;

/// Key of the advisory lock taken while migrating (an arbitrary constant).
const MIGRATION_LOCK: i64 = 0x5256_4d52_4354_0001;

/// Largest payload the database accepts, in bytes (the codec's bound).
const _: () = assert!(crate::codec::MAX_WITNESS_BYTES == 65536);

/// Migration `n` brings the schema from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[r#"
CREATE SEQUENCE ringct_batches;

CREATE TABLE ringct_jobs (
    id               bigserial PRIMARY KEY,
    batch            bigint    NOT NULL,
    idx              integer   NOT NULL CHECK (idx >= 0),
    shape            text      NOT NULL,
    fingerprint      bytea     NOT NULL CHECK (octet_length(fingerprint) = 32),
    priority         smallint  NOT NULL DEFAULT 0,
    state            text      NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'running', 'done', 'failed')),
    -- The witness holds spending keys: it is deleted when the job finishes.
    payload          bytea     CHECK (octet_length(payload) <= 65536),
    attempts         integer   NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     integer   NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
    lease_owner      text,
    lease_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    UNIQUE (batch, idx),
    CHECK ((state IN ('done', 'failed')) = (payload IS NULL)),
    CHECK ((state = 'running') = (lease_expires_at IS NOT NULL))
);

CREATE INDEX ringct_jobs_ready ON ringct_jobs (priority DESC, id) WHERE state = 'queued';
CREATE INDEX ringct_jobs_leases ON ringct_jobs (lease_expires_at) WHERE state = 'running';

-- Exactly one result per job: the primary key is the job.
CREATE TABLE ringct_results (
    job_id      bigint PRIMARY KEY REFERENCES ringct_jobs (id) ON DELETE CASCADE,
    proof       bytea  CHECK (octet_length(proof) = 192),
    error_kind  text,
    error       text,
    worker      text    NOT NULL,
    attempt     integer NOT NULL,
    proving_ms  double precision,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((proof IS NULL) <> (error IS NULL)),
    CHECK ((error IS NULL) = (error_kind IS NULL))
);
"#];

/// Creates or migrates the queue's tables.
pub fn migrate(client: &mut postgres::Client) -> Result<(), ClusterError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS ringct_cluster_schema (version integer NOT NULL)",
    )?;
    let found: i32 = match tx.query_opt("SELECT version FROM ringct_cluster_schema", &[])? {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO ringct_cluster_schema VALUES (0)", &[])?;
            0
        }
    };
    if !(0..=SCHEMA_VERSION).contains(&found) {
        return Err(ClusterError::SchemaVersion {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for sql in &MIGRATIONS[found as usize..] {
        tx.batch_execute(sql)?;
    }
    tx.execute(
        "UPDATE ringct_cluster_schema SET version = $1",
        &[&SCHEMA_VERSION],
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_migration_per_version() {
        assert_eq!(super::MIGRATIONS.len(), super::SCHEMA_VERSION as usize);
    }
}

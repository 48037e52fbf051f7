//! The job queue: submit, claim, renew, complete, retry, reap, collect.
//!
//! One [`Queue`] is one connection. Claims take the highest-priority, oldest
//! queued job with `FOR UPDATE SKIP LOCKED`, so concurrent workers never
//! wait for each other. A claim sets a lease that the worker renews
//! ([`Queue::renew`]); a lease that expires (its worker died or lost its
//! link) is put back in the queue by [`Queue::reap`], or failed for good when
//! the job has used all its attempts. A result is written in one statement
//! that inserts into `ringct_results` (primary key: the job) and finishes the
//! job, deleting its payload; a second result for the same job is refused by
//! the primary key and changes nothing, so however often a job runs, it has
//! exactly one result.
//!
//! Round trips: every statement is prepared once per connection
//! ([`Queue`] keeps them), so a statement costs one round trip and no
//! parsing. A worker writes its results and claims its next jobs in one
//! statement ([`Queue::complete_and_claim`]), so a job costs one round trip
//! and one transaction; several jobs may be claimed at once (a `LIMIT n`
//! claim with `SKIP LOCKED`) and their results written together.

use crate::error::ClusterError;
use postgres::fallible_iterator::FallibleIterator;
use ringct_prover::PROOF_BYTES;
use std::time::Duration;

/// Most jobs in one submitted batch.
pub const MAX_BATCH_JOBS: usize = 4096;
/// Most attempts a job may be given.
pub const MAX_ATTEMPTS: u32 = 100;
/// Channel that submitters notify and idle workers listen on.
pub const CHANNEL: &str = "ringct_jobs";
/// Most jobs claimed by one statement.
pub const MAX_CLAIM: usize = 64;
/// Most results written by one statement.
pub const MAX_COMPLETE: usize = 256;

/// Writes results and claims jobs (see [`Queue::complete_and_claim`]). The
/// claim skips the jobs being completed, so no row is changed twice by the
/// statement (a late result may be for a job that was put back in the queue).
const COMPLETE_AND_CLAIM: &str = "
WITH done AS (
    SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::text[], $4::text[], $5::integer[],
                         $6::float8[], $7::text[])
        AS d(id, proof, kind, error, attempt, ms, state)
), r AS (
    INSERT INTO ringct_results (job_id, proof, error_kind, error, worker, attempt, proving_ms)
    SELECT j.id, d.proof, d.kind, d.error, $8, d.attempt, d.ms
    FROM done d JOIN ringct_jobs j ON j.id = d.id
    WHERE j.state IN ('queued', 'running')
    ON CONFLICT (job_id) DO NOTHING
    RETURNING job_id
), fin AS (
    UPDATE ringct_jobs j SET state = d.state, payload = NULL, lease_owner = NULL,
           lease_expires_at = NULL, finished_at = now()
    FROM done d
    WHERE j.id = d.id AND j.id IN (SELECT job_id FROM r)
    RETURNING j.id
), picked AS MATERIALIZED (
    SELECT id FROM ringct_jobs
    WHERE state = 'queued' AND id <> ALL($1::bigint[])
    ORDER BY priority DESC, id
    LIMIT $10
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE ringct_jobs j SET state = 'running', attempts = j.attempts + 1, lease_owner = $8,
           lease_expires_at = now() + make_interval(secs => $9)
    FROM picked p
    WHERE j.id = p.id
    RETURNING j.id, j.shape, j.fingerprint, j.payload, j.attempts, j.max_attempts, j.priority
)
SELECT true, id, NULL::text, NULL::bytea, NULL::bytea, NULL::integer, NULL::integer,
       NULL::smallint
FROM fin
UNION ALL
SELECT false, id, shape, fingerprint, payload, attempts, max_attempts, priority FROM claimed";

/// Why a job ended without a proof (the `error_kind` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The witness breaks a rule of the statement, or is for another shape.
    InvalidWitness,
    /// The payload does not decode as a witness.
    MalformedPayload,
    /// No worker that claimed it holds the key for its fingerprint.
    UnknownFingerprint,
    /// The prover failed (or panicked) on every attempt.
    ProverError,
    /// The job's lease expired on every attempt (its workers died or lost their link).
    LeaseExpired,
}

impl FailureKind {
    /// Every kind.
    pub const ALL: [FailureKind; 5] = [
        FailureKind::InvalidWitness,
        FailureKind::MalformedPayload,
        FailureKind::UnknownFingerprint,
        FailureKind::ProverError,
        FailureKind::LeaseExpired,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::InvalidWitness => "invalid_witness",
            FailureKind::MalformedPayload => "malformed_payload",
            FailureKind::UnknownFingerprint => "unknown_fingerprint",
            FailureKind::ProverError => "prover_error",
            FailureKind::LeaseExpired => "lease_expired",
        }
    }

    /// The kind with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What a job ended with.
#[derive(Debug, Clone, PartialEq)]
pub enum JobResult {
    /// The 192-byte compressed proof and how long proving took.
    Proof {
        /// The proof bytes.
        bytes: [u8; PROOF_BYTES],
        /// The worker's proving time.
        proving: Duration,
    },
    /// No proof, and why.
    Failed {
        /// The kind of failure.
        kind: FailureKind,
        /// The error's text.
        message: String,
    },
}

/// A job to submit.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// The shape, as text (`1x1-r4`).
    pub shape: String,
    /// The verifying-key fingerprint the proof must be made under.
    pub fingerprint: [u8; 32],
    /// The encoded witness ([`crate::codec`]).
    pub payload: Vec<u8>,
}

/// A result to write ([`Queue::complete_and_claim`]).
#[derive(Debug, Clone, Copy)]
pub struct Finished<'a> {
    /// The job.
    pub id: i64,
    /// The attempt that produced the result.
    pub attempt: i32,
    /// The result.
    pub result: &'a JobResult,
}

/// A claimed job.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    /// The job's id.
    pub id: i64,
    /// The shape, as submitted.
    pub shape: String,
    /// The expected fingerprint.
    pub fingerprint: [u8; 32],
    /// The encoded witness.
    pub payload: Vec<u8>,
    /// This attempt's number (1 for the first).
    pub attempt: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
}

/// A batch's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchId(pub i64);

/// Jobs per state, and the age of the oldest unfinished job.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueueDepth {
    /// Waiting for a worker.
    pub queued: i64,
    /// Leased to a worker.
    pub running: i64,
    /// Proved, result not yet collected.
    pub done: i64,
    /// Failed, result not yet collected.
    pub failed: i64,
    /// Seconds since the oldest queued or running job was submitted (0 if none).
    pub oldest_age_secs: f64,
}

/// What one reap did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reaped {
    /// Jobs with an expired lease put back in the queue.
    pub requeued: u64,
    /// Jobs with an expired lease and no attempts left, failed.
    pub failed: u64,
}

/// How a completion was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// This result is the job's result.
    Recorded,
    /// The job already had its result (another attempt finished first, or
    /// its batch was collected): nothing changed.
    Duplicate,
}

/// One connection to the queue.
pub struct Queue {
    client: postgres::Client,
    listening: bool,
    /// [`COMPLETE_AND_CLAIM`], prepared on first use.
    complete_and_claim: Option<postgres::Statement>,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue").finish_non_exhaustive()
    }
}

/// The lease passed when nothing is claimed (the statement needs one).
const MIN_LEASE: Duration = Duration::from_secs(1);

fn interval_secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl Queue {
    /// Connects and creates or migrates the schema.
    pub fn connect(db: &crate::connect::DbConfig) -> Result<Self, ClusterError> {
        let mut client = db.connect()?;
        crate::schema::migrate(&mut client)?;
        Ok(Queue {
            client,
            listening: false,
            complete_and_claim: None,
        })
    }

    /// Connects as a worker: like [`Queue::connect`], with
    /// `synchronous_commit = off` for this session. A worker's writes (a
    /// claim, a lease renewal, a result) are then acknowledged before their
    /// WAL reaches the disk. A crash of the database can lose the last of
    /// them, which only puts a job back to its previous state, payload
    /// included, so it runs again: the queue is at-least-once anyway. A
    /// result a client has read cannot be lost this way: the client's
    /// durable delete of its batch flushes the WAL up to and past it. Jobs
    /// (the client's submissions) stay durable.
    pub fn connect_worker(db: &crate::connect::DbConfig) -> Result<Self, ClusterError> {
        let mut q = Self::connect(db)?;
        q.client.batch_execute("SET synchronous_commit = off")?;
        Ok(q)
    }

    /// Whether the connection is closed (the caller should reconnect).
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Submits `jobs` as one batch (one statement) and wakes idle workers.
    pub fn submit(
        &mut self,
        jobs: &[NewJob],
        priority: i16,
        max_attempts: u32,
    ) -> Result<BatchId, ClusterError> {
        if jobs.len() > MAX_BATCH_JOBS {
            return Err(ClusterError::BatchTooLarge {
                len: jobs.len(),
                max: MAX_BATCH_JOBS,
            });
        }
        if !(1..=MAX_ATTEMPTS).contains(&max_attempts) {
            return Err(ClusterError::OutOfRange {
                what: "max_attempts",
                value: max_attempts.into(),
                min: 1,
                max: MAX_ATTEMPTS.into(),
            });
        }
        for job in jobs {
            if job.payload.len() > crate::codec::MAX_WITNESS_BYTES {
                return Err(ClusterError::WitnessTooLarge(job.payload.len()));
            }
        }
        let shapes: Vec<&str> = jobs.iter().map(|j| j.shape.as_str()).collect();
        let fingerprints: Vec<&[u8]> = jobs.iter().map(|j| &j.fingerprint[..]).collect();
        let payloads: Vec<&[u8]> = jobs.iter().map(|j| &j.payload[..]).collect();
        let max_attempts = max_attempts as i32;
        let mut tx = self.client.transaction()?;
        let batch: i64 = tx
            .query_one("SELECT nextval('ringct_batches')", &[])?
            .get(0);
        tx.execute(
            "INSERT INTO ringct_jobs (batch, idx, shape, fingerprint, priority, payload, max_attempts)
             SELECT $1, (t.n - 1)::integer, t.s, t.f, $2, t.p, $3
             FROM unnest($4::text[], $5::bytea[], $6::bytea[]) WITH ORDINALITY AS t(s, f, p, n)",
            &[&batch, &priority, &max_attempts, &shapes, &fingerprints, &payloads],
        )?;
        tx.execute(&format!("NOTIFY {CHANNEL}"), &[])?;
        tx.commit()?;
        Ok(BatchId(batch))
    }

    /// Claims the highest-priority, oldest queued job for `owner`, with a
    /// lease of `lease`.
    pub fn claim(
        &mut self,
        owner: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, ClusterError> {
        Ok(self.complete_and_claim(owner, &[], lease, 1)?.1.pop())
    }

    /// In one statement (one round trip, one transaction): records each of
    /// `done` as its job's result and finishes the job (deleting its
    /// payload) unless the job already has a result, then claims up to
    /// `claim` queued jobs for `worker` (highest priority, then oldest), each
    /// with a lease of `lease`. Returns how each result was taken, in the
    /// order of `done`, and the jobs claimed, in claim order.
    pub fn complete_and_claim(
        &mut self,
        worker: &str,
        done: &[Finished<'_>],
        lease: Duration,
        claim: usize,
    ) -> Result<(Vec<Completion>, Vec<ClaimedJob>), ClusterError> {
        if claim > MAX_CLAIM {
            return Err(ClusterError::OutOfRange {
                what: "jobs claimed at once",
                value: claim as u64,
                min: 0,
                max: MAX_CLAIM as u64,
            });
        }
        if done.len() > MAX_COMPLETE {
            return Err(ClusterError::OutOfRange {
                what: "results written at once",
                value: done.len() as u64,
                min: 0,
                max: MAX_COMPLETE as u64,
            });
        }
        let mut ids: Vec<i64> = done.iter().map(|f| f.id).collect();
        {
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
                return Err(ClusterError::DuplicateResult(w[0]));
            }
        }
        if done.is_empty() && claim == 0 {
            return Ok((Vec::new(), Vec::new()));
        }
        let mut proofs: Vec<Option<&[u8]>> = Vec::with_capacity(done.len());
        let mut kinds: Vec<Option<&str>> = Vec::with_capacity(done.len());
        let mut errors: Vec<Option<&str>> = Vec::with_capacity(done.len());
        let mut ms: Vec<Option<f64>> = Vec::with_capacity(done.len());
        let mut states: Vec<&str> = Vec::with_capacity(done.len());
        let attempts: Vec<i32> = done.iter().map(|f| f.attempt).collect();
        for f in done {
            match f.result {
                JobResult::Proof { bytes, proving } => {
                    proofs.push(Some(&bytes[..]));
                    kinds.push(None);
                    errors.push(None);
                    ms.push(Some(proving.as_secs_f64() * 1e3));
                    states.push("done");
                }
                JobResult::Failed { kind, message } => {
                    proofs.push(None);
                    kinds.push(Some(kind.as_str()));
                    errors.push(Some(message.as_str()));
                    ms.push(None);
                    states.push("failed");
                }
            }
        }
        let statement = match &self.complete_and_claim {
            Some(s) => s.clone(),
            None => {
                let s = self.client.prepare(COMPLETE_AND_CLAIM)?;
                self.complete_and_claim = Some(s.clone());
                s
            }
        };
        let limit = claim as i64;
        let rows = self.client.query(
            &statement,
            &[
                &ids,
                &proofs,
                &kinds,
                &errors,
                &attempts,
                &ms,
                &states,
                &worker,
                &interval_secs(lease),
                &limit,
            ],
        )?;
        let mut recorded = std::collections::HashSet::new();
        let mut claimed = Vec::new();
        for row in rows {
            let id: i64 = row.get(1);
            if row.get::<_, bool>(0) {
                recorded.insert(id);
                continue;
            }
            let corrupt = |reason: &str| ClusterError::CorruptRow {
                job: id,
                reason: reason.into(),
            };
            let fp: Vec<u8> = row.get(3);
            let fingerprint: [u8; 32] = fp
                .try_into()
                .map_err(|_| corrupt("fingerprint is not 32 bytes"))?;
            let payload: Option<Vec<u8>> = row.get(4);
            let priority: i16 = row.get(7);
            claimed.push((
                priority,
                ClaimedJob {
                    id,
                    shape: row.get(2),
                    fingerprint,
                    payload: payload.ok_or_else(|| corrupt("a queued job has no payload"))?,
                    attempt: row.get(5),
                    max_attempts: row.get(6),
                },
            ));
        }
        claimed.sort_by_key(|(priority, job)| (std::cmp::Reverse(*priority), job.id));
        let completions = ids
            .drain(..)
            .map(|id| {
                if recorded.contains(&id) {
                    Completion::Recorded
                } else {
                    Completion::Duplicate
                }
            })
            .collect();
        Ok((
            completions,
            claimed.into_iter().map(|(_, job)| job).collect(),
        ))
    }

    /// Extends the leases `owner` holds on `ids`; returns the ids whose
    /// lease was renewed (a job missing from it is no longer this owner's).
    pub fn renew(
        &mut self,
        owner: &str,
        ids: &[i64],
        lease: Duration,
    ) -> Result<Vec<i64>, ClusterError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.client.query(
            "UPDATE ringct_jobs SET lease_expires_at = now() + make_interval(secs => $3)
             WHERE id = ANY($1) AND state = 'running' AND lease_owner = $2
             RETURNING id",
            &[&ids, &owner, &interval_secs(lease)],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// Records `result` as job `id`'s result and finishes the job (deleting
    /// its payload), unless the job already has a result.
    pub fn complete(
        &mut self,
        id: i64,
        worker: &str,
        attempt: i32,
        result: &JobResult,
    ) -> Result<Completion, ClusterError> {
        let done = [Finished {
            id,
            attempt,
            result,
        }];
        let (completions, _) = self.complete_and_claim(worker, &done, MIN_LEASE, 0)?;
        Ok(completions[0])
    }

    /// Puts a job `owner` holds back in the queue after a failure worth
    /// retrying. Returns whether it was still `owner`'s.
    pub fn retry(&mut self, id: i64, owner: &str) -> Result<bool, ClusterError> {
        let n = self.client.execute(
            "UPDATE ringct_jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL
             WHERE id = $1 AND state = 'running' AND lease_owner = $2",
            &[&id, &owner],
        )?;
        Ok(n == 1)
    }

    /// Puts jobs whose lease expired back in the queue, and fails those that
    /// used all their attempts (recording [`FailureKind::LeaseExpired`]).
    pub fn reap(&mut self) -> Result<Reaped, ClusterError> {
        let mut tx = self.client.transaction()?;
        let failed = tx.execute(
            "WITH dead AS (
                UPDATE ringct_jobs SET state = 'failed', payload = NULL, lease_owner = NULL,
                       lease_expires_at = NULL, finished_at = now()
                WHERE state = 'running' AND lease_expires_at < now() AND attempts >= max_attempts
                  AND NOT EXISTS (SELECT 1 FROM ringct_results r WHERE r.job_id = ringct_jobs.id)
                RETURNING id, attempts, lease_owner)
             INSERT INTO ringct_results (job_id, error_kind, error, worker, attempt)
             SELECT id, 'lease_expired',
                    'the lease expired on each of the job''s ' || attempts || ' attempts',
                    coalesce(lease_owner, ''), attempts
             FROM dead
             ON CONFLICT (job_id) DO NOTHING",
            &[],
        )?;
        let requeued = tx.execute(
            "UPDATE ringct_jobs SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL
             WHERE state = 'running' AND lease_expires_at < now() AND attempts < max_attempts",
            &[],
        )?;
        if requeued > 0 {
            tx.execute(&format!("NOTIFY {CHANNEL}"), &[])?;
        }
        tx.commit()?;
        Ok(Reaped { requeued, failed })
    }

    /// Waits up to `timeout` for a submission's notification (returns early
    /// on one). Used by idle workers instead of polling hard.
    pub fn wait_for_work(&mut self, timeout: Duration) -> Result<(), ClusterError> {
        if !self.listening {
            self.client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
            self.listening = true;
        }
        let mut notifications = self.client.notifications();
        let mut it = notifications.timeout_iter(timeout);
        // One is enough to wake up; the rest are drained by the next call.
        let _ = it.next()?;
        Ok(())
    }

    /// Jobs of `batch` that have their result.
    pub fn finished(&mut self, batch: BatchId) -> Result<i64, ClusterError> {
        Ok(self
            .client
            .query_one(
                "SELECT count(*) FROM ringct_jobs WHERE batch = $1 AND state IN ('done', 'failed')",
                &[&batch.0],
            )?
            .get(0))
    }

    /// The results of `batch`, by index in the batch.
    pub fn results(&mut self, batch: BatchId) -> Result<Vec<(usize, JobResult)>, ClusterError> {
        let rows = self.client.query(
            "SELECT j.id, j.idx, r.proof, r.error_kind, r.error, r.proving_ms
             FROM ringct_jobs j JOIN ringct_results r ON r.job_id = j.id
             WHERE j.batch = $1 ORDER BY j.idx",
            &[&batch.0],
        )?;
        rows.iter()
            .map(|row| {
                let job: i64 = row.get(0);
                let idx: i32 = row.get(1);
                let corrupt = |reason: &str| ClusterError::CorruptRow {
                    job,
                    reason: reason.into(),
                };
                let idx = usize::try_from(idx).map_err(|_| corrupt("negative index"))?;
                let proof: Option<Vec<u8>> = row.get(2);
                let result = match proof {
                    Some(bytes) => JobResult::Proof {
                        bytes: bytes
                            .try_into()
                            .map_err(|_| corrupt("proof is not 192 bytes"))?,
                        proving: Duration::from_secs_f64(
                            row.get::<_, Option<f64>>(5).unwrap_or(0.0).max(0.0) / 1e3,
                        ),
                    },
                    None => {
                        let kind: Option<String> = row.get(3);
                        let kind = kind
                            .as_deref()
                            .and_then(FailureKind::parse)
                            .ok_or_else(|| corrupt("unknown error kind"))?;
                        JobResult::Failed {
                            kind,
                            message: row.get::<_, Option<String>>(4).unwrap_or_default(),
                        }
                    }
                };
                Ok((idx, result))
            })
            .collect()
    }

    /// Deletes `batch`'s jobs and results (after collecting them).
    pub fn delete_batch(&mut self, batch: BatchId) -> Result<u64, ClusterError> {
        Ok(self
            .client
            .execute("DELETE FROM ringct_jobs WHERE batch = $1", &[&batch.0])?)
    }

    /// Jobs per state and the oldest unfinished job's age.
    pub fn depth(&mut self) -> Result<QueueDepth, ClusterError> {
        let rows = self.client.query(
            "SELECT state, count(*),
                    coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
             FROM ringct_jobs GROUP BY state",
            &[],
        )?;
        let mut d = QueueDepth::default();
        for row in rows {
            let state: String = row.get(0);
            let n: i64 = row.get(1);
            let age: f64 = row.get(2);
            match state.as_str() {
                "queued" => d.queued = n,
                "running" => d.running = n,
                "done" => d.done = n,
                "failed" => d.failed = n,
                _ => {}
            }
            if state == "queued" || state == "running" {
                d.oldest_age_secs = d.oldest_age_secs.max(age);
            }
        }
        Ok(d)
    }

    /// The underlying connection (tests inspect the tables with it).
    pub fn client(&mut self) -> &mut postgres::Client {
        &mut self.client
    }
}

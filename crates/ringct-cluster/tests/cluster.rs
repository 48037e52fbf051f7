//! The cluster against a real PostgreSQL (a throwaway server per test) and
//! real `ringct-prover-worker` processes, on shape 1x1-r4.
//!
//! Without PostgreSQL these tests fail under CI (`CI=true`) and skip with a
//! notice elsewhere.

mod common;

use common::*;
use ringct_circuit::Fr;
use ringct_cluster::queue::{Completion, NewJob};
use ringct_cluster::*;
use ringct_prover::{BatchProver, ProverError};
use std::time::Duration;

#[test]
fn the_queue_claims_by_priority_records_one_result_and_reaps_expired_leases() {
    let Some(pg) = postgres() else { return };
    let db = DbConfig::new(pg.url());
    let mut q = Queue::connect(&db).unwrap();
    // Migrations are idempotent.
    Queue::connect(&db).unwrap();
    let ws = witnesses(1, 1);
    let low = q.submit(&[job(&ws[0])], 0, 2).unwrap();
    let high = q.submit(&[job(&ws[0])], 5, 1).unwrap();
    let lease = Duration::from_secs(1);
    let first = q.claim("w1", lease).unwrap().unwrap();
    let second = q.claim("w2", lease).unwrap().unwrap();
    assert!(q.claim("w3", lease).unwrap().is_none());
    assert_eq!(rows(&mut q, high)[0].0, first.id, "priority first");
    assert_eq!(rows(&mut q, low)[0].0, second.id);
    assert_eq!((first.attempt, first.max_attempts), (1, 1));
    // Only the owner renews.
    assert_eq!(
        q.renew("w2", &[first.id, second.id], lease).unwrap(),
        vec![second.id]
    );
    // A result, then a second one for the same job: refused, nothing changes.
    let proof = JobResult::Proof {
        bytes: [1u8; 192],
        proving: Duration::from_millis(3),
    };
    assert_eq!(
        q.complete(first.id, "w1", 1, &proof).unwrap(),
        Completion::Recorded
    );
    let late = JobResult::Failed {
        kind: FailureKind::ProverError,
        message: "late".into(),
    };
    assert_eq!(
        q.complete(first.id, "w9", 1, &late).unwrap(),
        Completion::Duplicate
    );
    assert_eq!(
        payloads_left(&mut q, high),
        0,
        "the witness is gone once the result is written"
    );
    let r = rows(&mut q, high);
    assert_eq!((r[0].1, r[0].2.as_deref()), (1, Some(&[1u8; 192][..])));
    assert_eq!(q.results(high).unwrap(), vec![(0, proof)]);
    // w2's lease expires: the job goes back (1 of 2 attempts used) ...
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(
        q.reap().unwrap(),
        queue::Reaped {
            requeued: 1,
            failed: 0
        }
    );
    assert!(!q.retry(second.id, "w2").unwrap(), "w2 no longer holds it");
    let again = q.claim("w3", lease).unwrap().unwrap();
    assert_eq!((again.id, again.attempt), (second.id, 2));
    // ... and when it expires on its last attempt, it fails for good.
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(
        q.reap().unwrap(),
        queue::Reaped {
            requeued: 0,
            failed: 1
        }
    );
    let r = q.results(low).unwrap();
    assert!(
        matches!(
            &r[0].1,
            JobResult::Failed {
                kind: FailureKind::LeaseExpired,
                ..
            }
        ),
        "{r:?}"
    );
    assert_eq!(payloads_left(&mut q, low), 0);
    let depth = q.depth().unwrap();
    assert_eq!(
        (depth.queued, depth.running, depth.done, depth.failed),
        (0, 0, 1, 1)
    );
    assert_eq!(q.delete_batch(low).unwrap(), 1);
    // Bounds are checked before anything is written.
    assert!(matches!(
        q.submit(&[job(&ws[0])], 0, 0),
        Err(ClusterError::OutOfRange { .. })
    ));
    let too_many = vec![job(&ws[0]); queue::MAX_BATCH_JOBS + 1];
    assert!(matches!(
        q.submit(&too_many, 0, 1),
        Err(ClusterError::BatchTooLarge { .. })
    ));
}

#[test]
fn results_and_claims_go_in_one_statement_for_several_jobs_at_once() {
    let Some(pg) = postgres() else { return };
    let mut q = Queue::connect(&DbConfig::new(pg.url())).unwrap();
    let ws = witnesses(1, 6);
    let batch = q.submit(&vec![job(&ws[0]); 5], 0, 2).unwrap();
    let ids: Vec<i64> = rows(&mut q, batch).iter().map(|r| r.0).collect();
    let lease = Duration::from_secs(1);
    // Three at once, oldest first.
    let (done, first) = q.complete_and_claim("w1", &[], lease, 3).unwrap();
    assert!(done.is_empty());
    assert_eq!(first.iter().map(|j| j.id).collect::<Vec<_>>(), ids[..3]);
    let proof = JobResult::Proof {
        bytes: [2u8; 192],
        proving: Duration::from_millis(1),
    };
    let failed = JobResult::Failed {
        kind: FailureKind::InvalidWitness,
        message: "bad".into(),
    };
    let finished = |id: i64, result| queue::Finished {
        id,
        attempt: 1,
        result,
    };
    // Two results and the next claim in one statement; the claim skips
    // nothing it should not and takes the two that are left.
    let (done, next) = q
        .complete_and_claim(
            "w1",
            &[finished(ids[0], &proof), finished(ids[1], &failed)],
            lease,
            10,
        )
        .unwrap();
    assert_eq!(done, vec![Completion::Recorded, Completion::Recorded]);
    assert_eq!(next.iter().map(|j| j.id).collect::<Vec<_>>(), ids[3..]);
    // A second result for a job is a duplicate, and changes nothing.
    let (done, none) = q
        .complete_and_claim("w2", &[finished(ids[0], &failed)], lease, 1)
        .unwrap();
    assert_eq!((done, none.len()), (vec![Completion::Duplicate], 0));
    // A job whose lease expired is back in the queue; a late result for it
    // is recorded, and the same statement never claims it.
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(q.reap().unwrap().requeued, 3);
    let (done, claimed) = q
        .complete_and_claim("w1", &[finished(ids[2], &proof)], lease, 10)
        .unwrap();
    assert_eq!(done, vec![Completion::Recorded]);
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), ids[3..]);
    assert!(claimed.iter().all(|j| j.attempt == 2));
    let r = rows(&mut q, batch);
    assert!(r[..3].iter().all(|row| row.1 == 1), "{r:?}");
    assert_eq!(r[1].3.as_deref(), Some("invalid_witness"));
    assert_eq!(
        payloads_left(&mut q, batch),
        2,
        "only the unfinished keep a payload"
    );
    // Bounds, and one job twice, are refused before anything is sent.
    assert!(matches!(
        q.complete_and_claim("w1", &[], lease, queue::MAX_CLAIM + 1),
        Err(ClusterError::OutOfRange { .. })
    ));
    assert!(matches!(
        q.complete_and_claim("w1", &[finished(ids[3], &proof), finished(ids[3], &proof)], lease, 0),
        Err(ClusterError::DuplicateResult(id)) if id == ids[3]
    ));
}

#[test]
fn three_workers_prove_a_batch_and_every_proof_verifies() {
    let Some(pg) = postgres() else { return };
    let dir = KeyDir::new();
    let workers = Workers::spawn(&pg, &dir.0, &["a", "b", "c"], 10);
    let mut config = ClientConfig::new(DbConfig::new(pg.url()));
    config.timeout = Duration::from_secs(120);
    let client = ClusterProver::for_keys(config, &keys()).unwrap();
    let mut ws = witnesses(6, 2);
    // An invalid witness is refused by the client and never queued.
    let mut bad = ws[0].clone();
    bad.fee += Fr::from(1u64);
    ws.push(bad);
    let outcome = client.prove_batch(&ws);
    assert_eq!(
        (outcome.stats.total, outcome.stats.ok, outcome.stats.failed),
        (7, 6, 1)
    );
    for (w, r) in ws.iter().zip(&outcome.results).take(6) {
        let proved = r.as_ref().unwrap();
        assert!(verifies(&proved.proof.to_bytes(), w));
        assert_eq!(proved.statement, w.check().unwrap());
    }
    assert!(matches!(
        outcome.results[6],
        Err(ProverError::InvalidWitness(_))
    ));
    // The client collected and deleted its batch.
    let mut q = Queue::connect(&DbConfig::new(pg.url())).unwrap();
    assert_eq!(q.depth().unwrap(), queue::QueueDepth::default());
    workers.drain();
}

#[test]
fn a_worker_killed_mid_job_loses_no_job_and_none_runs_twice_to_a_result() {
    let Some(pg) = postgres() else { return };
    let dir = KeyDir::new();
    let mut q = Queue::connect(&DbConfig::new(pg.url())).unwrap();
    let ws = witnesses(8, 3);
    let jobs: Vec<NewJob> = ws.iter().map(job).collect();
    let mut victim = Workers::spawn(&pg, &dir.0, &["victim"], 2);
    // Let the victim hold a job, then kill it before it can finish.
    let batch = q.submit(&jobs, 0, 3).unwrap();
    wait_until("the victim to claim a job", Duration::from_secs(30), || {
        q.client()
            .query_one(
                "SELECT count(*) FROM ringct_jobs WHERE lease_owner = 'victim'",
                &[],
            )
            .unwrap()
            .get::<_, i64>(0)
            > 0
    });
    let (_, child) = &mut victim.0[0];
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let held: i64 = q
        .client()
        .query_one(
            "SELECT count(*) FROM ringct_jobs WHERE lease_owner = 'victim'",
            &[],
        )
        .unwrap()
        .get(0);
    let survivors = Workers::spawn(&pg, &dir.0, &["s1", "s2"], 2);
    wait_until("every job to finish", Duration::from_secs(120), || {
        q.finished(batch).unwrap() == 8
    });
    let r = rows(&mut q, batch);
    for (i, (id, results, proof, kind, _)) in r.iter().enumerate() {
        assert_eq!(*results, 1, "job {id}: exactly one result");
        assert!(kind.is_none(), "job {id} failed: {kind:?}");
        assert!(verifies(proof.as_deref().unwrap(), &ws[i]), "job {id}");
    }
    // The victim always holds a job, but for the moment between a result and its next claim.
    assert_eq!(held, 1, "the victim died holding a job");
    assert_eq!(
        r.iter().filter(|row| row.4 == 2).count(),
        1,
        "the job the victim held ran again, once: {r:?}"
    );
    assert_eq!(payloads_left(&mut q, batch), 0);
    survivors.drain();
}

#[test]
fn unknown_fingerprints_and_poisoned_witnesses_fail_cleanly_and_the_worker_lives_on() {
    let Some(pg) = postgres() else { return };
    let dir = KeyDir::new();
    let mut workers = Workers::spawn(&pg, &dir.0, &["w"], 10);
    let mut q = Queue::connect(&DbConfig::new(pg.url())).unwrap();
    let ws = witnesses(2, 4);
    let mut unknown = job(&ws[0]);
    unknown.fingerprint = [9u8; 32];
    let mut garbage = job(&ws[0]);
    garbage.payload = vec![1, 1, 1, 2, 0xff];
    let mut invalid_witness = ws[0].clone();
    invalid_witness.fee += Fr::from(1u64);
    let mut wrong_shape = job(&ws[0]);
    wrong_shape.shape = "2x2-r16".into();
    let jobs = vec![
        unknown,
        garbage,
        job(&invalid_witness),
        wrong_shape,
        job(&ws[1]),
    ];
    let batch = q.submit(&jobs, 0, 3).unwrap();
    wait_until("every job to finish", Duration::from_secs(60), || {
        q.finished(batch).unwrap() == 5
    });
    let kinds: Vec<Option<String>> = rows(&mut q, batch).into_iter().map(|r| r.3).collect();
    assert_eq!(
        kinds,
        vec![
            Some("unknown_fingerprint".into()),
            Some("malformed_payload".into()),
            Some("invalid_witness".into()),
            Some("malformed_payload".into()),
            None
        ]
    );
    let r = q.results(batch).unwrap();
    let JobResult::Proof { bytes, .. } = &r[4].1 else {
        panic!("{r:?}")
    };
    assert!(verifies(bytes, &ws[1]));
    // Failures are final: one attempt each, no retry.
    assert!(rows(&mut q, batch)
        .iter()
        .all(|row| row.4 == 1 && row.1 == 1));
    assert!(workers.all_alive());
    workers.drain();
}

#[test]
fn workers_reconnect_after_the_database_restarts() {
    let Some(mut pg) = postgres() else { return };
    let dir = KeyDir::new();
    // Both connected before the database stops (else one that starts late
    // fails fast at its first connection, as it should).
    let mut workers = Workers::spawn_ready(&pg, &dir.0, &["r1", "r2"], 3);
    let ws = witnesses(6, 5);
    let jobs: Vec<NewJob> = ws.iter().map(job).collect();
    let db = DbConfig::new(pg.url());
    let batch = {
        let mut q = Queue::connect(&db).unwrap();
        let batch = q.submit(&jobs, 0, 5).unwrap();
        wait_until("a first result", Duration::from_secs(60), || {
            q.finished(batch).unwrap() >= 1
        });
        batch
    };
    pg.stop().unwrap();
    std::thread::sleep(Duration::from_secs(2));
    pg.restart().unwrap();
    let mut q = Queue::connect(&db).unwrap();
    wait_until(
        "every job to finish after the restart",
        Duration::from_secs(120),
        || q.finished(batch).unwrap() == 6,
    );
    for (i, (id, results, proof, kind, _)) in rows(&mut q, batch).iter().enumerate() {
        assert_eq!(*results, 1, "job {id}");
        assert!(kind.is_none(), "job {id} failed: {kind:?}");
        assert!(verifies(proof.as_deref().unwrap(), &ws[i]));
    }
    assert!(workers.all_alive());
    workers.drain();
}

#[test]
fn the_client_reports_an_unreachable_database_per_witness() {
    // No PostgreSQL needed: nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url =
        format!("postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable&connect_timeout=2");
    let err = ClusterProver::for_keys(ClientConfig::new(DbConfig::new(url)), &keys()).unwrap_err();
    assert!(matches!(err, ClusterError::Database(_)), "{err}");
}

#[test]
fn the_worker_metrics_endpoint_defaults_to_9187() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ringct-prover-worker"))
        .arg("--help")
        .env_remove("RINGCT_CLUSTER_METRICS_ADDR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("[default: 127.0.0.1:9187]"), "{help}");
}

#[test]
fn a_worker_is_healthy_at_once_and_ready_once_keys_and_database_are_there() {
    let Some(pg) = postgres() else { return };
    let dir = KeyDir::new();
    let addr = free_loopback_addr();
    let mut argv = worker_argv(&pg.url(), &dir.0, "ready", 10);
    // The later --metrics-addr wins over worker_argv's port 0.
    argv.extend(["--metrics-addr".into(), addr.to_string().into()]);
    let workers = Workers::start(vec![("ready".into(), argv)]);
    wait_until("the worker's /readyz", Duration::from_secs(60), || {
        matches!(http(addr, "GET", "/readyz"), Some((200, _)))
    });
    assert_eq!(http(addr, "GET", "/healthz").map(|r| r.0), Some(200));
    let (status, head) = http(addr, "GET", "/metrics").unwrap();
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: text/plain; version=0.0.4"),
        "{head}"
    );
    let (status, head) = http(addr, "POST", "/metrics").unwrap();
    assert_eq!(status, 405);
    assert!(head.contains("\r\nallow: get,head"), "{head}");

    // What it runs: the same build-info metric as the HTTP bench, with the
    // fingerprint of the key it holds; and its process metrics.
    let (status, text) = get_body(addr, "/metrics").unwrap();
    assert_eq!(status, 200);
    let info = text
        .lines()
        .find(|l| l.starts_with("supervm_prover_build_info{"))
        .unwrap_or_else(|| panic!("no supervm_prover_build_info in\n{text}"));
    for pair in [
        format!("version=\"{}\"", env!("CARGO_PKG_VERSION")),
        format!("fingerprints=\"{}={}\"", shape(), keys().fingerprint()),
        "keys=\"files\"".to_owned(),
        "role=\"worker\"".to_owned(),
    ] {
        assert!(info.contains(&pair), "{pair} not in {info}");
    }
    assert!(info.ends_with("} 1"), "{info}");
    let rss = sample(&text, "process_resident_memory_bytes").unwrap_or(0.0);
    // The worker holds a proving key: tens of MB at least, never zero.
    assert!(rss > 1e6, "process_resident_memory_bytes {rss}:\n{text}");
    for name in [
        "process_cpu_seconds_total",
        "process_threads",
        "process_open_fds",
        "process_start_time_seconds",
    ] {
        assert!(sample(&text, name).is_some(), "{name} missing:\n{text}");
    }
    workers.drain();
}

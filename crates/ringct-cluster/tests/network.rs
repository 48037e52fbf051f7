//! PostgreSQL and the workers on hosts of their own: network namespaces,
//! veth pairs and addresses made by each test (`ip netns`, iproute2),
//! PostgreSQL in one namespace as `nobody`, worker processes in others, so
//! that jobs cross a real network stack; faults injected there (a link
//! down for longer than a lease, a slow link). Everything is removed by
//! Drop guards, also when a test fails.
//!
//! Needs root, `ip` and PostgreSQL: under CI (`CI=true`) a missing one fails
//! the test; elsewhere the test is skipped with a notice.

mod common;

use common::net::{self, Net, Shaping};
use common::relay::DelayRelay;
use common::*;
use ringct_cluster::queue::NewJob;
use ringct_cluster::throwaway::{ThrowawayOptions, ThrowawayPostgres};
use ringct_cluster::*;
use std::ffi::OsString;
use std::time::{Duration, Instant};

/// A DB host and `workers` worker hosts, with PostgreSQL running on the DB host.
fn hosts(workers: usize) -> Option<(Net, ThrowawayPostgres)> {
    if !postgres_installed() || !require("network namespaces", net::unavailable()) {
        return None;
    }
    let net = Net::create(workers);
    let mut listen = vec![net.db_for_client.into()];
    listen.extend(net.db_for_worker.iter().map(|a| std::net::IpAddr::from(*a)));
    let pg = postgres_with(ThrowawayOptions {
        listen,
        netns: Some(net.db_ns.clone()),
        ..ThrowawayOptions::default()
    })?;
    Some((net, pg))
}

/// A single-slot worker on worker host `i`, reaching the DB over its link.
fn worker_on(
    net: &Net,
    pg: &ThrowawayPostgres,
    i: usize,
    keys: &KeyDir,
    name: &str,
    lease_secs: u64,
    extra: &[String],
) -> Workers {
    let url = pg.url_at(&net.db_for_worker[i].to_string(), "disable");
    worker_at(net, &url, i, keys, name, lease_secs, extra)
}

/// A single-slot worker on worker host `i` that reaches the DB at `url`.
fn worker_at(
    net: &Net,
    url: &str,
    i: usize,
    keys: &KeyDir,
    name: &str,
    lease_secs: u64,
    extra: &[String],
) -> Workers {
    let mut argv = worker_argv(url, &keys.0, name, lease_secs);
    argv.extend(extra.iter().map(OsString::from));
    Workers::start(vec![(name.to_string(), net.on_worker_host(i, argv))])
}

fn held_by(q: &mut Queue, owner: &str) -> Option<i64> {
    q.client()
        .query_opt(
            "SELECT id FROM ringct_jobs WHERE lease_owner = $1 AND state = 'running'",
            &[&owner],
        )
        .unwrap()
        .map(|r| r.get(0))
}

/// The jobs table, for a failing test's message.
fn jobs_table(q: &mut Queue) -> String {
    q.client()
        .query(
            "SELECT id, state, attempts, lease_owner, lease_expires_at < now() FROM ringct_jobs ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| {
            let (id, state, attempts, owner, expired): (i64, String, i32, Option<String>, Option<bool>) =
                (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
            format!("\n  {id} {state} attempts={attempts} owner={owner:?} expired={expired:?}")
        })
        .chain(
            q.client()
                .query(
                    "SELECT pid, state, coalesce(wait_event_type, ''), left(query, 50)
                     FROM pg_stat_activity WHERE backend_type = 'client backend'
                       AND pid <> pg_backend_pid()",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| {
                    let (pid, state, wait, query): (i32, Option<String>, String, String) =
                        (r.get(0), r.get(1), r.get(2), r.get(3));
                    format!("\n  session {pid} {state:?} waiting on {wait:?}: {query}")
                }),
        )
        .collect()
}

fn attempts(q: &mut Queue, id: i64) -> i32 {
    q.client()
        .query_one("SELECT attempts FROM ringct_jobs WHERE id = $1", &[&id])
        .unwrap()
        .get(0)
}

#[test]
fn a_worker_cut_off_for_longer_than_its_lease_loses_no_job_and_reconnects() {
    let Some((net, pg)) = hosts(2) else { return };
    let dir = KeyDir::new();
    let lease_secs = 2;
    let cut = worker_on(&net, &pg, 0, &dir, "cut", lease_secs, &[]);
    let steady = worker_on(&net, &pg, 1, &dir, "steady", lease_secs, &[]);
    let mut q = Queue::connect(&DbConfig::new(pg.url())).unwrap();
    let ws = witnesses(12, 41);
    let jobs: Vec<NewJob> = ws.iter().map(job).collect();
    let batch = q.submit(&jobs, 0, 5).unwrap();

    // Cut "cut"'s link while it holds a job. It is between two jobs for a
    // moment after each result, so try again if the cut fell there.
    let mut victim = None;
    let mut down_since = Instant::now();
    for _ in 0..3 {
        wait_until("\"cut\" to hold a job", Duration::from_secs(60), || {
            held_by(&mut q, "cut").is_some()
        });
        net.link_down(0);
        down_since = Instant::now();
        std::thread::sleep(Duration::from_millis(300));
        victim = held_by(&mut q, "cut");
        if victim.is_some() {
            break;
        }
        net.link_up(0);
    }
    let victim = victim.expect("\"cut\" held a job when its link went down");
    // Its lease expires; "steady" reaps the job and claims it again.
    let deadline = Instant::now() + Duration::from_secs(30);
    while attempts(&mut q, victim) < 2 {
        assert!(
            Instant::now() < deadline,
            "job {victim} was not claimed again: {}",
            jobs_table(&mut q)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let outage = Duration::from_secs(2 * lease_secs + 1);
    std::thread::sleep(outage.saturating_sub(down_since.elapsed()));
    net.link_up(0);
    let down_for = down_since.elapsed();
    wait_until("every job to finish", Duration::from_secs(60), || {
        q.finished(batch).unwrap() == 12
    });
    assert_all_proved_once(&mut q, batch, &ws);
    let r = rows(&mut q, batch);
    let victim_row = r.iter().find(|row| row.0 == victim).unwrap();
    assert!(
        victim_row.4 >= 2,
        "the cut-off job ran again: {victim_row:?}"
    );
    assert!(down_for > Duration::from_secs(lease_secs), "{down_for:?}");

    // "cut" reconnects: with "steady" gone, it proves the next batch alone.
    steady.drain();
    let ws2 = witnesses(3, 42);
    let jobs2: Vec<NewJob> = ws2.iter().map(job).collect();
    let batch2 = q.submit(&jobs2, 0, 5).unwrap();
    wait_until(
        "the reconnected worker to prove a new batch",
        Duration::from_secs(60),
        || q.finished(batch2).unwrap() == 3,
    );
    assert_all_proved_once(&mut q, batch2, &ws2);
    let by: Vec<String> = q
        .client()
        .query(
            "SELECT r.worker FROM ringct_results r JOIN ringct_jobs j ON j.id = r.job_id
             WHERE j.batch = $1",
            &[&batch2.0],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(by, vec!["cut"; 3]);
    cut.drain();
}

/// Mean claim latency in seconds and the number of claims between two
/// scrapes of a worker's `/metrics`.
fn claim_latency(before: &str, after: &str) -> (f64, f64) {
    let sum = "ringct_cluster_claim_seconds_sum";
    let count = "ringct_cluster_claim_seconds_count";
    let n = net::sample(after, count) - net::sample(before, count);
    let s = net::sample(after, sum) - net::sample(before, sum);
    (if n > 0.0 { s / n } else { 0.0 }, n)
}

/// Connections the relay carries at once: a single-slot worker opens a few.
const RELAY_CONNECTIONS: usize = 16;

#[test]
fn jobs_complete_over_a_slow_link_and_claim_latency_is_recorded() {
    let Some((net, pg)) = hosts(1) else { return };
    let dir = KeyDir::new();
    let metrics_at = |port: u16| -> std::net::SocketAddr { (net.worker_addr[0], port).into() };
    let metrics_arg = |port: u16| ["--metrics-addr".to_string(), metrics_at(port).to_string()];
    let mut worker = worker_on(&net, &pg, 0, &dir, "far", 10, &metrics_arg(9187));
    let mut metrics = metrics_at(9187);
    let mut q = Queue::connect(&DbConfig::new(pg.url())).unwrap();
    let run = |q: &mut Queue, seed: u64| {
        let ws = witnesses(4, seed);
        let jobs: Vec<NewJob> = ws.iter().map(job).collect();
        let batch = q.submit(&jobs, 0, 3).unwrap();
        wait_until("the batch to finish", Duration::from_secs(90), || {
            q.finished(batch).unwrap() == 4
        });
        assert_all_proved_once(q, batch, &ws);
    };
    let start = net::scrape(metrics);
    run(&mut q, 51);
    let fast = net::scrape(metrics);

    let delay = Duration::from_millis(25);
    // netem on the worker's link where the kernel has it; elsewhere the
    // test's relay, in this process's namespace: the worker's traffic still
    // crosses its link (and this process's) to reach PostgreSQL.
    let mut _relay = None;
    let (shaping, notice) = match net.netem_delay(0, delay) {
        Ok(()) => (
            Shaping::Delay(delay),
            "the delay was injected with `tc netem` on both ends of the worker's link".to_string(),
        ),
        Err(netem_error) => {
            let relay = DelayRelay::start(
                (net.client_addr, 0),
                (net.db_for_client, pg.port()).into(),
                delay,
                RELAY_CONNECTIONS,
            )
            .unwrap();
            let direct = pg.url_at(&net.db_for_client.to_string(), "disable");
            let via = direct.replace(
                &format!("@{}:{}/", net.db_for_client, pg.port()),
                &format!("@{}/", relay.addr()),
            );
            assert_ne!(via, direct);
            // The worker's DB URL is fixed at start: a new worker, through
            // the relay, replaces the direct one.
            worker.drain();
            worker = worker_at(&net, &via, 0, &dir, "far-relayed", 10, &metrics_arg(9188));
            metrics = metrics_at(9188);
            _relay = Some(relay);
            (
                Shaping::Relay(delay),
                format!(
                    "this kernel has no netem ({netem_error}); the delay was injected by the \
                     test's delaying TCP relay between the worker and PostgreSQL"
                ),
            )
        }
    };
    let shaped_start = net::scrape(metrics);
    run(&mut q, 52);
    let slow = net::scrape(metrics);
    let (base, n_base) = claim_latency(&start, &fast);
    let (shaped, n_shaped) = claim_latency(&shaped_start, &slow);
    eprintln!("NOTICE: {notice}");
    eprintln!(
        "claim latency over the worker's link: {:.2} ms unshaped ({n_base} claims), \
         {:.2} ms with {shaping:?} ({n_shaped} claims)",
        base * 1e3,
        shaped * 1e3
    );
    assert!(n_base >= 4.0 && n_shaped >= 4.0, "{n_base} {n_shaped}");
    // A claim is at least one round trip: two one-way delays.
    let (Shaping::Delay(d) | Shaping::Relay(d)) = shaping;
    assert!(
        shaped >= 2.0 * d.as_secs_f64(),
        "mean claim {:.2} ms < 2 x {d:?} with {shaping:?}",
        shaped * 1e3
    );
    worker.drain();
}

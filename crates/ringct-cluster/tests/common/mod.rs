//! Helpers shared by the cluster's integration tests: keys and witnesses of
//! shape 1x1-r4, a throwaway PostgreSQL (or a loud skip), worker processes
//! killed on drop, and views of the queue's tables.
#![allow(dead_code)] // each test binary uses a different part

pub mod net;
pub mod relay;

use ark_bls12_381::Bls12_381;
use ark_groth16::{Groth16, Proof};
use ark_serialize::CanonicalDeserialize;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{sample::random_spend, RingCtWitness, Shape};
use ringct_cluster::codec::encode_witness;
use ringct_cluster::queue::{self, NewJob};
use ringct_cluster::throwaway::{find_bin_dir, ThrowawayOptions, ThrowawayPostgres};
use ringct_cluster::Queue;
use ringct_prover::{keyfile, RingCtKeys};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

pub fn shape() -> Shape {
    "1x1-r4".parse().unwrap()
}

pub fn keys() -> Arc<RingCtKeys> {
    static KEYS: OnceLock<Arc<RingCtKeys>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Arc::new(RingCtKeys::insecure_dev_setup_from_fixed_seed(shape(), 7).unwrap())
    })
    .clone()
}

/// A temporary directory, deleted on drop.
pub struct TempDir(pub PathBuf);
impl TempDir {
    pub fn new(what: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "ringct-cluster-{what}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A key directory for the workers (deleted on drop).
pub struct KeyDir(pub PathBuf);
impl KeyDir {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "ringct-cluster-keys-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        keyfile::write_keys(&dir, &keys()).unwrap();
        KeyDir(dir)
    }
}
impl Drop for KeyDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Under `CI=true` a missing prerequisite fails the test; elsewhere the test
/// is skipped with a notice. Returns whether to go on.
pub fn require(what: &str, missing: Option<String>) -> bool {
    let Some(reason) = missing else { return true };
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what}: {reason}, and CI must run this test");
    }
    eprintln!("SKIPPED ({what}): {reason}");
    false
}

pub fn postgres_installed() -> bool {
    require(
        "PostgreSQL",
        find_bin_dir()
            .is_none()
            .then(|| "PostgreSQL is not installed (apt-get install postgresql)".to_string()),
    )
}

pub fn postgres() -> Option<ThrowawayPostgres> {
    postgres_with(ThrowawayOptions::default())
}

pub fn postgres_with(options: ThrowawayOptions) -> Option<ThrowawayPostgres> {
    if !postgres_installed() {
        return None;
    }
    Some(ThrowawayPostgres::start_with(options).expect("throwaway PostgreSQL"))
}

pub fn witnesses(n: usize, seed: u64) -> Vec<RingCtWitness> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| random_spend(shape(), &mut rng).unwrap().0)
        .collect()
}

pub fn job(w: &RingCtWitness) -> NewJob {
    NewJob {
        shape: shape().to_string(),
        fingerprint: keys().fingerprint().0,
        payload: encode_witness(w).unwrap(),
    }
}

pub fn verifies(bytes: &[u8], w: &RingCtWitness) -> bool {
    let Ok(proof) = Proof::<Bls12_381>::deserialize_compressed(bytes) else {
        return false;
    };
    let inputs = w.check().unwrap().to_public_inputs();
    let pvk = ark_groth16::prepare_verifying_key(keys().verifying_key());
    Groth16::<Bls12_381>::verify_proof(&pvk, &proof, &inputs).unwrap_or(false)
}

/// The command line of one single-slot worker: the worker binary and its
/// arguments (callers may add more, or put `ip netns exec NS` in front).
/// Its metrics endpoint takes a free loopback port, so that several workers
/// on one host never collide on the default :9187 (a later `--metrics-addr`
/// overrides it).
pub fn worker_argv(url: &str, keys: &Path, name: &str, lease_secs: u64) -> Vec<OsString> {
    let mut argv: Vec<OsString> = vec![env!("CARGO_BIN_EXE_ringct-prover-worker").into()];
    for a in [
        "--database-url",
        url,
        "--name",
        name,
        "--concurrency",
        "1",
        "--lease-secs",
        &lease_secs.to_string(),
        "--heartbeat-ms",
        &(lease_secs * 1000 / 4).to_string(),
        "--metrics-addr",
        "127.0.0.1:0",
        "--keys-dir",
    ] {
        argv.push(a.into());
    }
    argv.push(keys.into());
    argv
}

/// `GET`/`POST` `path` on `addr`: the status and the lower-cased head.
pub fn http(addr: std::net::SocketAddr, method: &str, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let head = out.split("\r\n\r\n").next()?.to_ascii_lowercase();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, head))
}

/// `GET path` on `addr`: the status and the body (as sent).
pub fn get_body(addr: std::net::SocketAddr, path: &str) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

/// The value of the unlabelled series `name` in a Prometheus exposition.
pub fn sample(exposition: &str, name: &str) -> Option<f64> {
    exposition
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

/// A loopback address whose port was free a moment ago.
pub fn free_loopback_addr() -> std::net::SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap()
}

/// Worker processes, killed on drop.
pub struct Workers(pub Vec<(String, Child)>);
impl Workers {
    pub fn spawn(pg: &ThrowawayPostgres, keys: &Path, names: &[&str], lease_secs: u64) -> Self {
        Self::start(
            names
                .iter()
                .map(|name| {
                    (
                        name.to_string(),
                        worker_argv(&pg.url(), keys, name, lease_secs),
                    )
                })
                .collect(),
        )
    }

    /// As [`Workers::spawn`], each with its metrics endpoint on a free
    /// loopback port, and returns once every `/readyz` says 200 (keys loaded,
    /// first database connection made).
    pub fn spawn_ready(
        pg: &ThrowawayPostgres,
        keys: &Path,
        names: &[&str],
        lease_secs: u64,
    ) -> Self {
        let mut addrs = Vec::new();
        let workers = Self::start(
            names
                .iter()
                .map(|name| {
                    let addr = free_loopback_addr();
                    addrs.push(addr);
                    let mut argv = worker_argv(&pg.url(), keys, name, lease_secs);
                    argv.extend(["--metrics-addr".into(), addr.to_string().into()]);
                    (name.to_string(), argv)
                })
                .collect(),
        );
        for addr in addrs {
            wait_until(
                &format!("the worker's /readyz on {addr}"),
                Duration::from_secs(60),
                || matches!(http(addr, "GET", "/readyz"), Some((200, _))),
            );
        }
        workers
    }

    /// Starts each `(name, argv)`.
    pub fn start(commands: Vec<(String, Vec<OsString>)>) -> Self {
        Workers(
            commands
                .into_iter()
                .map(|(name, argv)| {
                    let child = Command::new(&argv[0])
                        .args(&argv[1..])
                        .stdin(Stdio::null())
                        .spawn()
                        .unwrap();
                    (name, child)
                })
                .collect(),
        )
    }

    pub fn all_alive(&mut self) -> bool {
        self.0
            .iter_mut()
            .all(|(_, c)| matches!(c.try_wait(), Ok(None)))
    }

    /// SIGTERM each and expect a clean exit (status 0) within 20 s.
    pub fn drain(mut self) {
        for (_, c) in &self.0 {
            let ok = Command::new("kill")
                .args(["-TERM", &c.id().to_string()])
                .status()
                .unwrap()
                .success();
            assert!(ok);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        for (name, c) in &mut self.0 {
            loop {
                if let Some(status) = c.try_wait().unwrap() {
                    assert!(status.success(), "{name} exited with {status}");
                    break;
                }
                assert!(Instant::now() < deadline, "{name} did not drain");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        self.0.clear();
    }
}
impl Drop for Workers {
    fn drop(&mut self) {
        for (_, c) in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// (job id, result rows, proof, error kind, attempts) of one job.
pub type JobRow = (i64, i64, Option<Vec<u8>>, Option<String>, i32);

/// A [`JobRow`] for every job of the batch, by index.
pub fn rows(q: &mut Queue, batch: queue::BatchId) -> Vec<JobRow> {
    q.client()
        .query(
            "SELECT j.id, (SELECT count(*) FROM ringct_results r WHERE r.job_id = j.id),
                    r.proof, r.error_kind, j.attempts
             FROM ringct_jobs j LEFT JOIN ringct_results r ON r.job_id = j.id
             WHERE j.batch = $1 ORDER BY j.idx",
            &[&batch.0],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

pub fn payloads_left(q: &mut Queue, batch: queue::BatchId) -> i64 {
    q.client()
        .query_one(
            "SELECT count(*) FROM ringct_jobs WHERE batch = $1 AND payload IS NOT NULL",
            &[&batch.0],
        )
        .unwrap()
        .get(0)
}

/// Every job of `batch` has exactly one result, a proof that verifies for
/// its witness; no payload is left.
pub fn assert_all_proved_once(q: &mut Queue, batch: queue::BatchId, ws: &[RingCtWitness]) {
    let r = rows(q, batch);
    assert_eq!(r.len(), ws.len());
    for (i, (id, results, proof, kind, _)) in r.iter().enumerate() {
        assert_eq!(*results, 1, "job {id}: exactly one result");
        assert!(kind.is_none(), "job {id} failed: {kind:?}");
        assert!(verifies(proof.as_deref().unwrap(), &ws[i]), "job {id}");
    }
    assert_eq!(payloads_left(q, batch), 0);
}

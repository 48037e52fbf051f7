//! `RINGCT_PROVER=postgres://...` end to end: a throwaway PostgreSQL, one real
//! `ringct-prover-worker` holding the 1x2-r4 proving key, the real node, and
//! the wallet CLI. Alice pays Bob with the proof made by the worker; Bob sees
//! exactly the amount; the worker reports the job it proved when it drains.
//!
//! Without PostgreSQL the test is skipped with a notice, except under CI
//! (`CI` set), where it fails: `.ci/run` installs Debian's `postgresql`.
//! Proving keys come from a fixed public seed (INSECURE, tests only).

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_cluster::throwaway::{find_bin_dir, ThrowawayPostgres};
use supervm_wallet::amount::UNIT;
use support::{bin_dir, Node, Wallet};

const SHAPE: &str = "1x2-r4";

/// The worker binary, built on demand if this test ran alone.
fn worker_binary() -> PathBuf {
    let path = bin_dir().join("ringct-prover-worker");
    if !path.is_file() {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "-p",
                "ringct-cluster",
                "--bin",
                "ringct-prover-worker",
            ])
            .status()
            .expect("run cargo");
        assert!(status.success(), "building ringct-prover-worker failed");
    }
    assert!(path.is_file(), "no worker binary at {}", path.display());
    path
}

/// The worker process, killed on drop; its log in a file.
struct Worker {
    child: Child,
    log: PathBuf,
}

impl Worker {
    fn start(url: &str, keys_dir: &Path, log: PathBuf) -> Worker {
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(worker_binary())
            .args(["--database-url", url, "--name", "wallet-test-worker"])
            .arg("--keys-dir")
            .arg(keys_dir)
            .args(["--concurrency", "1"])
            // A free port: never the default :9187 another worker may hold.
            .args(["--metrics-addr", "127.0.0.1:0"])
            .env_remove("RINGCT_CLUSTER_METRICS_ADDR")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        Worker { child, log }
    }

    /// SIGTERM, a clean exit within 20 s, and the worker's log.
    fn drain(mut self) -> String {
        let pid = self.child.id().to_string();
        let ok = Command::new("kill")
            .args(["-s", "TERM", &pid])
            .status()
            .unwrap();
        assert!(ok.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "the worker exited with {status}");
                break;
            }
            assert!(Instant::now() < deadline, "the worker did not drain");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn alice_pays_bob_with_a_proof_from_the_cluster() {
    if find_bin_dir().is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("PostgreSQL is not installed, and CI must run this test (.ci/run installs Debian's postgresql)");
        }
        eprintln!("SKIPPED: PostgreSQL is not installed (apt-get install postgresql)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let keys_dir = dir.path().join("keys");
    support::write_test_keys(&keys_dir, SHAPE, 900);

    let placeholder = "http://127.0.0.1:1";
    let mk = |name: &str, node: &str| {
        Wallet::new(dir.path().join(format!("{name}.wallet")), node, &keys_dir)
    };
    let (alice, bob) = (mk("alice", placeholder), mk("bob", placeholder));
    let (alice_addr, bob_addr) = (alice.create(), bob.create());

    // Genesis: two notes of 10 to Alice and decoys for the rings.
    let mut notes = Vec::new();
    for _ in 0..2 {
        notes.push(alice.ok(&["genesis-note", "--to", &alice_addr, "--amount", "10"]));
    }
    let mut rng = ChaCha20Rng::seed_from_u64(41);
    notes.extend(support::decoy_notes(&mut rng, 8));
    let genesis = support::write_genesis(dir.path(), &notes);
    let node = Node::start(&dir.path().join("node"), &keys_dir, SHAPE, &genesis);
    let (alice, bob) = (mk("alice", &node.base), mk("bob", &node.base));
    assert_eq!(alice.ok(&["sync"])["balance"], 20 * UNIT);

    let pg = ThrowawayPostgres::start(false).expect("throwaway PostgreSQL");
    let worker = Worker::start(&pg.url(), &keys_dir, dir.path().join("worker.log"));

    // Alice pays Bob 3, proved by the worker.
    let out = Command::new(env!("CARGO_BIN_EXE_supervm-wallet"))
        .arg("--wallet")
        .arg(&alice.path)
        .args(["--node", &node.base, "--json"])
        .args([
            "send",
            "--to",
            &bob_addr,
            "--amount",
            "3",
            "--timeout-secs",
            "60",
        ])
        .env("SUPERVM_WALLET_PASSPHRASE", "correct horse battery")
        .env("SUPERVM_WALLET_KEYS_DIR", &keys_dir)
        .env("RINGCT_PROVER", pg.url())
        .env_remove("RINGCT_PROVER_CA_FILE")
        .env_remove("SUPERVM_WALLET_PASSPHRASE_FILE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "send through the cluster failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let paid: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or("null")).unwrap();
    assert_eq!(paid["shape"], SHAPE, "{paid}");
    assert_eq!(
        bob.ok(&["sync"])["balance"],
        3 * UNIT,
        "Bob sees exactly the amount"
    );

    // The proof came from the worker: it proved exactly one job.
    let log = worker.drain();
    assert!(
        log.contains("drained: 1 proved, 0 failed"),
        "worker log:\n{log}"
    );
}

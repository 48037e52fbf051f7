//! Helpers for the wallet's end-to-end tests: proving keys for small shapes,
//! the node binary as a child process, and the wallet CLI.
//! (Modelled on crates/supervm-node/tests/support.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The workspace's target profile directory (where both binaries are).
pub fn bin_dir() -> PathBuf {
    // The wallet binary is in the same directory as the node's.
    PathBuf::from(env!("CARGO_BIN_EXE_supervm-wallet"))
        .parent()
        .expect("binary directory")
        .to_path_buf()
}

/// The `supervm-node` binary, built on demand if this test ran alone.
pub fn node_binary() -> PathBuf {
    let path = bin_dir().join("supervm-node");
    if !path.is_file() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "supervm-node", "--bin", "supervm-node"])
            .status()
            .expect("run cargo");
        assert!(status.success(), "building supervm-node failed");
    }
    assert!(
        path.is_file(),
        "no supervm-node binary at {}",
        path.display()
    );
    path
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `supervm-node` as a child process, killed on drop.
pub struct Node {
    pub child: std::process::Child,
    pub base: String,
}

fn node_command(data_dir: &Path, keys_dir: &Path, shapes: &str) -> Command {
    let mut c = Command::new(node_binary());
    c.arg("--data-dir")
        .arg(data_dir)
        .arg("--keys-dir")
        .arg(keys_dir)
        .arg("--shapes")
        .arg(shapes)
        .env_remove("SUPERVM_NODE_DATA_DIR")
        .stdin(Stdio::null());
    c
}

impl Node {
    /// `supervm-node init --genesis` then `run`, waiting for `/readyz`.
    pub fn start(data_dir: &Path, keys_dir: &Path, shapes: &str, genesis: &Path) -> Node {
        let out = node_command(data_dir, keys_dir, shapes)
            .args(["init", "--genesis"])
            .arg(genesis)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "init: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (api, metrics) = (free_port(), free_port());
        let child = node_command(data_dir, keys_dir, shapes)
            .args(["--api-listen", &format!("127.0.0.1:{api}")])
            .args(["--metrics-listen", &format!("127.0.0.1:{metrics}")])
            .args(["--block-interval-ms", "50", "run"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let node = Node {
            child,
            base: format!("http://127.0.0.1:{api}"),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .into();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = agent.get(&format!("{}/readyz", node.base)).call() {
                if r.status().as_u16() == 200 {
                    return node;
                }
            }
            assert!(Instant::now() < deadline, "supervm-node not ready");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the wallet CLI on `wallet` against `node` with `args` (and `--json`).
pub struct Wallet {
    pub path: PathBuf,
    pub node: String,
    pub keys_dir: PathBuf,
}

/// A finished CLI run.
pub struct Run {
    pub ok: bool,
    pub json: serde_json::Value,
    pub stdout: String,
    pub stderr: String,
}

impl Wallet {
    pub fn new(path: PathBuf, node: &str, keys_dir: &Path) -> Self {
        Wallet {
            path,
            node: node.to_owned(),
            keys_dir: keys_dir.to_path_buf(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, "correct horse battery")
    }

    pub fn run_with(&self, args: &[&str], passphrase: &str) -> Run {
        let out: Output = Command::new(env!("CARGO_BIN_EXE_supervm-wallet"))
            .arg("--wallet")
            .arg(&self.path)
            .args(["--node", &self.node, "--json"])
            .args(args)
            .env("SUPERVM_WALLET_PASSPHRASE", passphrase)
            .env("SUPERVM_WALLET_KEYS_DIR", &self.keys_dir)
            .env_remove("SUPERVM_WALLET_PASSPHRASE_FILE")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json = stdout
            .lines()
            .rev()
            .find_map(|l| serde_json::from_str(l).ok())
            .unwrap_or(serde_json::Value::Null);
        Run {
            ok: out.status.success(),
            json,
            stdout: stdout.clone().into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Creates the wallet file (with [`FAST_KDF`]) and returns its address.
    pub fn create(&self) -> String {
        let mut args = vec!["new"];
        args.extend(FAST_KDF);
        self.ok(&args)["address"].as_str().unwrap().to_owned()
    }

    /// Runs and insists on success.
    pub fn ok(&self, args: &[&str]) -> serde_json::Value {
        let r = self.run(args);
        assert!(r.ok, "{args:?} failed: {}", r.stderr);
        r.json
    }

    /// Runs and insists on failure with `rule`.
    pub fn fails(&self, args: &[&str], rule: &str) -> Run {
        let r = self.run(args);
        assert!(!r.ok, "{args:?} should fail with {rule}");
        assert_eq!(r.json["error"], rule, "{args:?}: {}", r.stderr);
        r
    }
}

/// Writes proving and verifying keys for `shape` from the fixed public `seed`
/// (INSECURE, tests only) into `dir`.
pub fn write_test_keys(dir: &Path, shape: &str, seed: u64) {
    let shape: ringct_circuit::Shape = shape.parse().unwrap();
    let keys = ringct_prover::RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, seed).unwrap();
    ringct_prover::keyfile::write_keys(dir, &keys).unwrap();
}

/// Fast argon2 parameters for test wallets.
pub const FAST_KDF: [&str; 4] = ["--kdf-memory-kib", "64", "--kdf-iterations", "1"];

/// `n` decoy notes for a genesis: random commitments owned by nobody here,
/// with empty memos (the rings' other members).
pub fn decoy_notes<R: rand::Rng + rand::CryptoRng>(
    rng: &mut R,
    n: usize,
) -> Vec<serde_json::Value> {
    (0..n)
        .map(|_| {
            let cm = ringct_circuit::Note::new(
                rng.gen_range(1..1000),
                ringct_circuit::KeyPair::random(rng).public_key,
                rng,
            )
            .commitment();
            serde_json::json!({"commitment": supervm_wallet::state::fe_hex(&cm.0), "memo": ""})
        })
        .collect()
}

/// Writes a devnet genesis with `notes` to `dir/genesis.json` and returns its path.
pub fn write_genesis(dir: &Path, notes: &[serde_json::Value]) -> PathBuf {
    let genesis = dir.join("genesis.json");
    std::fs::write(
        &genesis,
        serde_json::json!({"network": "supervm-devnet", "notes": notes}).to_string(),
    )
    .expect("write the genesis");
    genesis
}

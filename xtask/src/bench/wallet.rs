//! The wallet section of `cargo xtask bench` (the `wallet` object of summary.json).
//!
//! - `scan_outputs_per_sec`: trial decryption on one thread
//!   (`supervm_wallet::memo::Scanner::try_decrypt`: one X25519, one HKDF, one
//!   ChaCha20-Poly1305 open), over version-1 memos of which 1% are the
//!   scanner's own (those also pay for the commitment check). 20,000 memos in
//!   full mode, 4,000 in quick mode; median of 3 passes.
//! - `send_seconds`: one 2x2-r16 payment end to end against a local node (the
//!   real `supervm-node` binary): sync, note selection, rings, witness, proof
//!   with the local prover, submission and waiting for the receipt. Proving
//!   keys come from `RingCtKeys::insecure_dev_setup_from_fixed_seed`
//!   (INSECURE, benchmarks only); their setup is not timed. Skipped (null)
//!   in quick mode.
//!
//! Wiring (in bench.rs): `mod wallet;` and, in `run`,
//! `if wanted("wallet") { summary["wallet"] = wallet::run(quick)?; }`, with
//! "wallet" added to `SECTIONS`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{KeyPair, NetworkId, Note, Shape};
use ringct_prover::RingCtKeys;
use serde_json::{json, Value};
use supervm_wallet::client::NodeClient;
use supervm_wallet::decoys::DecoyParams;
use supervm_wallet::memo::{encrypt_note, Decrypted, Scanner};
use supervm_wallet::send::{self, PaymentRequest};
use supervm_wallet::state::{fe_hex, WalletState};
use supervm_wallet::Seed;

use crate::XtaskError;

fn bench_err(e: impl std::fmt::Display) -> XtaskError {
    XtaskError::Bench(format!("wallet: {e}"))
}

/// Runs the wallet measurements.
pub fn run(quick: bool) -> Result<Value, XtaskError> {
    let memos = if quick { 4_000 } else { 20_000 };
    println!("\n== wallet: trial decryption of {memos} memos (1 thread), one 2x2-r16 payment ==");
    let scan = scan_outputs_per_sec(memos)?;
    println!("scan_outputs_per_sec  {scan:.0}");
    let send_seconds = if quick {
        println!("send_seconds          skipped (quick mode)");
        Value::Null
    } else {
        let s = send_seconds()?;
        println!("send_seconds          {s:.2}");
        json!(s)
    };
    Ok(json!({ "scan_outputs_per_sec": scan, "send_seconds": send_seconds }))
}

/// Trial decryptions per second on this thread.
pub fn scan_outputs_per_sec(count: usize) -> Result<f64, XtaskError> {
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let network = NetworkId::devnet();
    let me = Seed::random(&mut rng).keys();
    let others: Vec<_> = (0..32).map(|_| Seed::random(&mut rng).keys()).collect();
    let mut outputs = Vec::with_capacity(count);
    for k in 0..count {
        let to = if k % 100 == 0 {
            &me
        } else {
            &others[k % others.len()]
        };
        let note = Note::new(rng.gen_range(1..1_000_000), to.view.public_key, &mut rng);
        let memo = encrypt_note(&note, "bench", &to.view.address(), &network, &mut rng)
            .map_err(bench_err)?;
        outputs.push((note.commitment(), memo));
    }
    let scanner = Scanner::new(&me.view, &network);
    let mut rates = Vec::with_capacity(3);
    for _ in 0..3 {
        let start = Instant::now();
        let mut mine = 0usize;
        for (cm, memo) in &outputs {
            if let Decrypted::Mine(_) = scanner.try_decrypt(cm, std::hint::black_box(memo)) {
                mine += 1;
            }
        }
        let secs = start.elapsed().as_secs_f64();
        if mine != count.div_ceil(100) {
            return Err(bench_err(format!(
                "found {mine} own notes, expected {}",
                count.div_ceil(100)
            )));
        }
        rates.push(count as f64 / secs);
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    Ok(rates[1])
}

/// The `supervm-node` binary: `SUPERVM_NODE_BIN` if set, otherwise the one
/// next to this xtask, built first.
fn node_binary() -> Result<PathBuf, XtaskError> {
    if let Some(path) = std::env::var_os("SUPERVM_NODE_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(bench_err)?;
    let dir = exe
        .parent()
        .ok_or_else(|| bench_err("no binary directory"))?;
    let path = dir.join("supervm-node");
    let release = dir.file_name().is_some_and(|n| n == "release");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut c = Command::new(cargo);
    c.args(["build", "-p", "supervm-node", "--bin", "supervm-node"]);
    if release {
        c.arg("--release");
    }
    let status = c
        .status()
        .map_err(|e| bench_err(format!("cannot run cargo: {e}")))?;
    if !status.success() || !path.is_file() {
        return Err(bench_err("building supervm-node failed"));
    }
    Ok(path)
}

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, XtaskError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(bench_err)?
        .port())
}

fn send_seconds() -> Result<f64, XtaskError> {
    let dir = crate::project_root()
        .join("target")
        .join("bench")
        .join(format!("wallet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(bench_err)?;
    let result = measure_send(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure_send(dir: &Path) -> Result<f64, XtaskError> {
    let shape: Shape = "2x2-r16".parse().map_err(bench_err)?;
    let keys_dir = dir.join("keys");
    let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 2026).map_err(bench_err)?;
    ringct_prover::keyfile::write_keys(&keys_dir, &keys).map_err(bench_err)?;

    let network = NetworkId::devnet();
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let alice = Seed::random(&mut rng);
    let bob = Seed::random(&mut rng).keys();
    let alice_keys = alice.keys();
    let mut notes = Vec::new();
    for _ in 0..2 {
        let note = Note::new(1_000_000, alice_keys.view.public_key, &mut rng);
        let memo = encrypt_note(
            &note,
            "genesis",
            &alice_keys.view.address(),
            &network,
            &mut rng,
        )
        .map_err(bench_err)?;
        notes.push(json!({"commitment": fe_hex(&note.commitment().0), "memo": hex_encode(&memo)}));
    }
    for _ in 0..62 {
        let cm = Note::new(
            rng.gen_range(1..1000),
            KeyPair::random(&mut rng).public_key,
            &mut rng,
        )
        .commitment();
        notes.push(json!({"commitment": fe_hex(&cm.0), "memo": ""}));
    }
    let genesis = dir.join("genesis.json");
    std::fs::write(
        &genesis,
        json!({"network": network.as_str(), "notes": notes}).to_string(),
    )
    .map_err(bench_err)?;

    let node = node_binary()?;
    let data = dir.join("node");
    let base_args = |c: &mut Command| {
        c.arg("--data-dir")
            .arg(&data)
            .arg("--keys-dir")
            .arg(&keys_dir)
            .args(["--shapes", "2x2-r16"]);
    };
    let mut init = Command::new(&node);
    base_args(&mut init);
    let out = init
        .arg("init")
        .arg("--genesis")
        .arg(&genesis)
        .output()
        .map_err(bench_err)?;
    if !out.status.success() {
        return Err(bench_err(format!(
            "node init: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let (api, metrics) = (free_port()?, free_port()?);
    let mut run = Command::new(&node);
    base_args(&mut run);
    let _child = Child(
        run.args(["--api-listen", &format!("127.0.0.1:{api}")])
            .args(["--metrics-listen", &format!("127.0.0.1:{metrics}")])
            .args(["--block-interval-ms", "100", "run"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(bench_err)?,
    );
    let client = NodeClient::new(&format!("http://127.0.0.1:{api}"), Duration::from_secs(30));
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.status().is_err() {
        if Instant::now() > deadline {
            return Err(bench_err("node did not start"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut state = WalletState::new_spending(&network, &alice);
    let request = PaymentRequest {
        to: bob.view.address(),
        amount: 1_500_000,
        fee: 10,
        text: String::new(),
    };
    let start = Instant::now();
    supervm_wallet::sync::sync(&mut state, &client, &mut |_| Ok(()), &mut |_, _| {})
        .map_err(bench_err)?;
    let prepared = send::prepare(
        &state,
        &client,
        &keys_dir,
        &request,
        &DecoyParams::default(),
        &mut rand::rngs::OsRng,
    )
    .map_err(bench_err)?;
    if prepared.shape != shape {
        return Err(bench_err(format!(
            "chose {} instead of {shape}",
            prepared.shape
        )));
    }
    let (tx, _) = send::prove(&prepared, &keys_dir).map_err(bench_err)?;
    let id = send::submit(&mut state, &client, &prepared, &tx).map_err(bench_err)?;
    send::wait(&mut state, &client, &id, Duration::from_secs(120)).map_err(bench_err)?;
    Ok(start.elapsed().as_secs_f64())
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

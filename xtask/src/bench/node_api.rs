//! The node section of `cargo xtask bench`, through the HTTP API: a `supervm-node` in
//! this process (its real HTTP stack, store and producer) on a fresh data dir, and
//! client threads submitting canonical bytes over loopback.
//!
//! - `public_tx_per_sec`: public transfers (one pair of objects per client, so blocks
//!   mix conflicting and independent transactions), submitted as fast as the clients
//!   can, from the first submission to the moment the last one is seen committed.
//! - `private_tx_per_sec`: the same for proven 2x2-r16 spends (proofs made before the
//!   clock starts); admission verifies them in the node's batched queue.
//! - `commit_p50_ms` / `commit_p99_ms`: submit-to-commit latency of the public
//!   transactions as a client sees it: from just before its request to the first time a
//!   poller (every 2 ms) finds its block; includes the block interval (100 ms here).
//!   `private_commit_p50_ms` / `_p99_ms`: the same for the private ones.
//!
//! Keys come from a fixed public seed (insecure, benchmark only). Everything lives under
//! `target/bench/node-api-<pid>/` and is deleted after.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{build_witness, KeyPair, Note, NoteCommitment, Ring, SpendInput, TxId};
use ringct_prover::{ParallelProveConfig, RingCtKeys, RingCtParallelProver};
use serde_json::{json, Value};
use supervm_node::{Chain, Genesis, Node, NodeConfig, Verifiers};
use supervm_runtime::{
    Address, Instruction, NetworkId, NewNote, Object, ObjectId, ObjectRef, Owner, PrivateTx,
    Program, PublicTx, Shape, StateDiff, Transaction, TxBody, TxOutput,
};

/// Client threads.
const CLIENTS: usize = 8;
/// Decoys in the genesis ledger (ring members are drawn from them).
const DECOYS: u64 = 64;
/// The node's block interval in this bench.
const BLOCK_INTERVAL_MS: u64 = 100;

fn public_tx(client: usize, k: u64) -> Transaction {
    let (a, b) = (
        ObjectId::from_u64(2 * client as u64 + 1),
        ObjectId::from_u64(2 * client as u64 + 2),
    );
    Transaction::Public(PublicTx {
        sender: Address::from_u64(client as u64 + 1),
        objects: vec![ObjectRef::any(a), ObjectRef::any(b)],
        program: Program::new(vec![
            Instruction::Transfer {
                from: a,
                to: b,
                amount: 1 + k / 1000,
            },
            Instruction::Burn { units: k % 1000 },
        ]),
    })
}

/// The genesis and `count` proven private spends of its owned notes.
/// Appends a genesis note; returns its ledger index.
fn mint(
    cm: NoteCommitment,
    notes: &mut Vec<NewNote>,
    commitments: &mut Vec<NoteCommitment>,
) -> u64 {
    let index = notes.len() as u64;
    notes.push(NewNote {
        index,
        commitment: cm,
        memo: Vec::new(),
        tx: 0,
    });
    commitments.push(cm);
    index
}

fn private_fixture(
    shape: Shape,
    keys: Arc<RingCtKeys>,
    count: usize,
    rng: &mut ChaCha20Rng,
) -> Result<(Vec<NewNote>, Vec<PrivateTx>), String> {
    let mut notes = Vec::new();
    let mut commitments: Vec<NoteCommitment> = Vec::new();
    for _ in 0..DECOYS {
        let cm =
            Note::new(rng.gen_range(1..1000), KeyPair::random(rng).public_key, rng).commitment();
        mint(cm, &mut notes, &mut commitments);
    }
    let ring_size = shape.ring_size() as usize;
    let mut witnesses = Vec::with_capacity(count);
    let mut bodies = Vec::with_capacity(count);
    for _ in 0..count {
        let mut inputs = Vec::new();
        let mut rings = Vec::new();
        let mut total = 0u64;
        for _ in 0..shape.inputs {
            let kp = KeyPair::random(rng);
            let note = Note::new(rng.gen_range(1000..10_000), kp.public_key, rng);
            total += note.value;
            let index = mint(note.commitment(), &mut notes, &mut commitments);
            let mut ring: Vec<u64> = (0..DECOYS)
                .collect::<Vec<_>>()
                .choose_multiple(rng, ring_size - 1)
                .copied()
                .collect();
            let position = rng.gen_range(0..ring_size);
            ring.insert(position, index);
            rings.push(ring);
            inputs.push((note, kp.spending_key, position));
        }
        let outputs: Vec<Note> = (0..shape.outputs)
            .map(|k| {
                let v = if k + 1 == shape.outputs {
                    total - (total / shape.outputs as u64) * k as u64
                } else {
                    total / shape.outputs as u64
                };
                Note::new(v, KeyPair::random(rng).public_key, rng)
            })
            .collect();
        let body = TxBody {
            shape,
            ring_members: rings.clone(),
            outputs: outputs
                .iter()
                .map(|n| TxOutput {
                    commitment: n.commitment(),
                    memo: Vec::new(),
                })
                .collect(),
            fee: 0,
        };
        let ctx =
            supervm_runtime::tx_binding(&NetworkId::devnet(), &body).map_err(|e| e.to_string())?;
        let spends = inputs
            .into_iter()
            .zip(&rings)
            .map(|((note, spending_key, position), ring)| {
                let members = ring.iter().map(|&i| commitments[i as usize]).collect();
                Ok(SpendInput {
                    note,
                    spending_key,
                    ring: Ring::new(members).map_err(|e| e.to_string())?,
                    position,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let (w, _) = build_witness(shape, &spends, &outputs, 0, ctx).map_err(|e| e.to_string())?;
        witnesses.push(w);
        bodies.push(body);
    }
    let prover = RingCtParallelProver::new(
        keys,
        ParallelProveConfig {
            threads: rayon::current_num_threads(),
            ..Default::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let t = Instant::now();
    let txs = prover
        .prove_batch(&witnesses)
        .results
        .into_iter()
        .zip(bodies)
        .map(|(r, body)| {
            let p = r.map_err(|e| e.to_string())?;
            Ok(PrivateTx {
                body,
                key_images: p.statement.key_images.clone(),
                proof: p.proof.to_bytes(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    println!(
        "  proved {count} {shape} spends for the node bench in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok((notes, txs))
}

/// What one phase measured.
struct Phase {
    per_sec: f64,
    latencies_ms: Vec<f64>,
}

fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn get_json(agent: &ureq::Agent, url: &str) -> Result<Value, String> {
    let mut r = agent
        .get(url)
        .call()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let text = r.body_mut().read_to_string().map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| format!("GET {url}: {e}"))
}

/// Submits `txs` from `CLIENTS` threads and waits until every one is seen committed.
fn phase(base: &str, txs: Vec<Transaction>) -> Result<Phase, String> {
    let n = txs.len();
    let bytes: Vec<(TxId, Vec<u8>)> = txs
        .iter()
        .map(|t| {
            Ok((
                t.id().map_err(|e| e.to_string())?,
                t.to_bytes().map_err(|e| e.to_string())?,
            ))
        })
        .collect::<Result<_, String>>()?;
    let bytes = Arc::new(bytes);
    let submitted: Arc<Mutex<HashMap<String, Instant>>> =
        Arc::new(Mutex::new(HashMap::with_capacity(n)));
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (bytes, submitted, next, base) = (
                Arc::clone(&bytes),
                Arc::clone(&submitted),
                Arc::clone(&next),
                base.to_owned(),
            );
            std::thread::spawn(move || -> Result<(), String> {
                let agent = http();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some((id, body)) = bytes.get(k) else {
                        return Ok(());
                    };
                    let t = Instant::now();
                    let mut r = agent
                        .post(&format!("{base}/v1/transactions"))
                        .header("content-type", "application/octet-stream")
                        .send(&body[..])
                        .map_err(|e| e.to_string())?;
                    if r.status().as_u16() != 202 {
                        let text = r.body_mut().read_to_string().unwrap_or_default();
                        return Err(format!("submission refused: {} {text}", r.status()));
                    }
                    submitted
                        .lock()
                        .map_err(|_| "poisoned")?
                        .insert(id.to_string(), t);
                }
            })
        })
        .collect();
    // The poller: every new block's transactions are committed now.
    let agent = http();
    let mut committed: HashMap<String, Instant> = HashMap::with_capacity(n);
    let mut height = get_json(&agent, &format!("{base}/v1/status"))?["height"]
        .as_u64()
        .unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(600);
    while committed.len() < n {
        if Instant::now() > deadline {
            return Err(format!(
                "only {} of {n} transactions committed in 600 s",
                committed.len()
            ));
        }
        let tip = get_json(&agent, &format!("{base}/v1/status"))?["height"]
            .as_u64()
            .unwrap_or(height);
        let now = Instant::now();
        for h in height + 1..=tip {
            let block = get_json(&agent, &format!("{base}/v1/blocks/{h}"))?;
            for id in block["tx_ids"].as_array().into_iter().flatten() {
                committed.insert(id.as_str().unwrap_or_default().to_owned(), now);
            }
        }
        height = tip;
        std::thread::sleep(Duration::from_millis(2));
    }
    for c in clients {
        c.join().map_err(|_| "client panicked")??;
    }
    let end = committed.values().max().copied().unwrap_or(start);
    let submitted = submitted.lock().map_err(|_| "poisoned")?;
    let mut latencies_ms: Vec<f64> = submitted
        .iter()
        .filter_map(|(id, t)| {
            committed
                .get(id)
                .map(|c| c.saturating_duration_since(*t).as_secs_f64() * 1e3)
        })
        .collect();
    latencies_ms.sort_by(f64::total_cmp);
    Ok(Phase {
        per_sec: n as f64 / end.duration_since(start).as_secs_f64(),
        latencies_ms,
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let k = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    (sorted[k.min(sorted.len() - 1)] * 100.0).round() / 100.0
}

pub fn run(quick: bool) -> Result<Value, String> {
    let shape = Shape::default();
    let (publics, privates) = if quick {
        (400usize, 8usize)
    } else {
        (4000, 64)
    };
    let dir = crate::project_root()
        .join("target")
        .join("bench")
        .join(format!("node-api-{}", std::process::id()));
    let result = run_in(&dir, shape, publics, privates);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(dir: &Path, shape: Shape, publics: usize, privates: usize) -> Result<Value, String> {
    let keys_dir = dir.join("keys");
    let keys = Arc::new(
        RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 2024).map_err(|e| e.to_string())?,
    );
    ringct_prover::keyfile::write_keys(&keys_dir, &keys).map_err(|e| e.to_string())?;
    let mut rng = ChaCha20Rng::seed_from_u64(31);
    let (notes, private_txs) = private_fixture(shape, keys, privates, &mut rng)?;
    let mut objects = std::collections::BTreeMap::new();
    for c in 0..CLIENTS {
        for k in 1..=2u64 {
            let id = ObjectId::from_u64(2 * c as u64 + k);
            objects.insert(
                id,
                Object::new(
                    id,
                    Owner::Address(Address::from_u64(c as u64 + 1)),
                    1 << 40,
                    Vec::new(),
                ),
            );
        }
    }
    let genesis = Genesis {
        diff: StateDiff {
            objects,
            notes,
            key_images: Vec::new(),
        },
        timestamp_ms: 0,
    };

    let mut config = NodeConfig::defaults(dir.join("node"));
    config.keys.dir = Some(keys_dir);
    config.keys.shapes.insert(shape, None);
    config.api_listen = "127.0.0.1:0".parse().map_err(|_| "address")?;
    config.metrics_listen = "127.0.0.1:0".parse().map_err(|_| "address")?;
    config.block_interval = Duration::from_millis(BLOCK_INTERVAL_MS);
    config.threads = rayon::current_num_threads().clamp(1, 256);
    let verifiers = Verifiers::load(&config).map_err(|e| e.to_string())?;
    Chain::init(&config, &verifiers, &genesis).map_err(|e| e.to_string())?;
    let node = Node::start(config, None).map_err(|e| e.to_string())?;
    let base = format!("http://{}", node.api_addr());

    let public: Vec<Transaction> = (0..publics)
        .map(|k| public_tx(k % CLIENTS, (k / CLIENTS) as u64))
        .collect();
    let p = phase(&base, public)?;
    let s = phase(
        &base,
        private_txs
            .into_iter()
            .map(|t| Transaction::Private(Box::new(t)))
            .collect(),
    )?;
    node.shutdown().map_err(|e| e.to_string())?;

    let round = |x: f64| (x * 10.0).round() / 10.0;
    println!(
        "node API: {:.0} public tx/s, {:.0} private tx/s; submit-to-commit p50 {:.1} ms, p99 {:.1} ms (blocks every {BLOCK_INTERVAL_MS} ms, {CLIENTS} clients)",
        p.per_sec,
        s.per_sec,
        percentile(&p.latencies_ms, 0.5),
        percentile(&p.latencies_ms, 0.99)
    );
    Ok(json!({
        "public_tx_per_sec": round(p.per_sec),
        "private_tx_per_sec": round(s.per_sec),
        "commit_p50_ms": percentile(&p.latencies_ms, 0.5),
        "commit_p99_ms": percentile(&p.latencies_ms, 0.99),
        "private_commit_p50_ms": percentile(&s.latencies_ms, 0.5),
        "private_commit_p99_ms": percentile(&s.latencies_ms, 0.99),
        "api_shape": { "clients": CLIENTS, "block_interval_ms": BLOCK_INTERVAL_MS, "public_txs": publics, "private_txs": privates, "private_shape": shape.to_string() },
    }))
}

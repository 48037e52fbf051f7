//! The store section of `cargo xtask bench`: what the node's durable state costs
//! (`supervm-store` on redb), before the node itself exists.
//!
//! - `startup_1m_notes_s`: opening a store that holds 1,000,000 notes (64-byte memos)
//!   and rebuilding the runtime's state from it (`Store::open` + `Store::load_state`),
//!   median of 3 in full mode, 1 in quick mode. This is what a node does at start-up.
//! - `store_bytes_per_note`: the store file's size divided by its notes, after the
//!   notes were committed in blocks of 1,000 (one write transaction each, as a node
//!   commits them).
//! - `commit_1k_notes_ms_p50` / `_p99`: one block of 1,000 notes (with their memos and
//!   commitment index) committed durably.
//!
//! The store lives in a temporary directory under `target/bench/` and is deleted after.

use std::collections::BTreeMap;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{NetworkId, NoteCommitment, TxId};
use serde_json::{json, Value};
use supervm_runtime::{BlockEffects, NewNote, Path, Receipt, StateDiff};
use supervm_store::{Store, StoreIdentity};

/// Notes in the start-up measurement.
const NOTES: u64 = 1_000_000;
/// Notes per committed block.
const PER_BLOCK: u64 = 1_000;
/// Bytes of each note's memo (an encrypted note is about this size).
const MEMO: usize = 64;

fn block(first: u64, rng: &mut ChaCha20Rng) -> BlockEffects {
    BlockEffects {
        receipts: vec![Receipt {
            path: Some(Path::Privacy),
            fallback: false,
            gas_used: 0,
            error: None,
        }],
        diff: StateDiff {
            objects: BTreeMap::new(),
            notes: (first..first + PER_BLOCK)
                .map(|index| NewNote {
                    index,
                    commitment: NoteCommitment(ark_std_rand(rng)),
                    memo: (0..MEMO).map(|_| rng.gen()).collect(),
                    tx: 0,
                })
                .collect(),
            key_images: Vec::new(),
        },
    }
}

fn ark_std_rand(rng: &mut ChaCha20Rng) -> ringct_circuit::Fr {
    use ark_ff::UniformRand;
    ringct_circuit::Fr::rand(rng)
}

pub fn run(quick: bool) -> Result<Value, String> {
    println!("\n== store: {NOTES} notes, blocks of {PER_BLOCK}, {MEMO}-byte memos ==");
    let dir = crate::project_root()
        .join("target")
        .join("bench")
        .join(format!("store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = measure(&dir, quick);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(dir: &std::path::Path, quick: bool) -> Result<Value, String> {
    let path = dir.join("state.redb");
    let identity = StoreIdentity {
        network: NetworkId::devnet(),
        fingerprints: BTreeMap::new(),
    };
    let store = Store::init(&path, identity.clone(), &StateDiff::default(), 0)
        .map_err(|e| e.to_string())?;
    let mut rng = ChaCha20Rng::seed_from_u64(77);
    let mut commits = Vec::with_capacity((NOTES / PER_BLOCK) as usize);
    let fill = Instant::now();
    for b in 0..NOTES / PER_BLOCK {
        let effects = block(b * PER_BLOCK, &mut rng);
        let t = Instant::now();
        store
            .commit_block(
                b,
                &[(TxId([0; 32].map(|_| rng.gen())), Vec::new())],
                &effects,
            )
            .map_err(|e| e.to_string())?;
        commits.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let fill_s = fill.elapsed().as_secs_f64();
    let bytes = store.size_bytes().map_err(|e| e.to_string())?;
    drop(store);
    commits.sort_by(f64::total_cmp);
    let pct =
        |q: f64| commits[((q * commits.len() as f64).ceil() as usize).clamp(1, commits.len()) - 1];

    let reps = if quick { 1 } else { 3 };
    let mut startups = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        let store = Store::open(&path, identity.clone()).map_err(|e| e.to_string())?;
        let state = store.load_state().map_err(|e| e.to_string())?;
        startups.push(t.elapsed().as_secs_f64());
        if state.notes().len() != NOTES {
            return Err(format!(
                "reloaded {} notes, expected {NOTES}",
                state.notes().len()
            ));
        }
    }
    startups.sort_by(f64::total_cmp);
    let startup = startups[startups.len() / 2];
    let per_note = bytes as f64 / NOTES as f64;
    println!(
        "filled in {fill_s:.1} s; commit of {PER_BLOCK} notes p50 {:.1} ms, p99 {:.1} ms",
        pct(0.5),
        pct(0.99)
    );
    println!(
        "store file {:.1} MiB = {per_note:.0} bytes per note",
        bytes as f64 / (1 << 20) as f64
    );
    println!("start-up (open + rebuild the state) with {NOTES} notes: {startup:.2} s");
    Ok(json!({
        "startup_1m_notes_s": startup,
        "store_bytes_per_note": per_note,
        "commit_1k_notes_ms_p50": pct(0.5),
        "commit_1k_notes_ms_p99": pct(0.99),
    }))
}

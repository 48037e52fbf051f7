//! Crash safety with the real binary: a stream of public and private transactions, the
//! node killed with SIGKILL at random moments and restarted, and after every restart:
//! height never goes backwards (neither below the highest receipt nor below the last tip
//! `/v1/status` reported before the kill, and the block at that tip is the same block),
//! every transaction reported committed is there with the same receipt, no key image is
//! spent without its transaction, the ledger's length matches the receipts, and a fresh
//! replay from genesis reproduces every block's state digest and receipts.
//!
//! `SUPERVM_CRASH_KILLS` (default 10) and `SUPERVM_CRASH_SEED` (default 7) set the number
//! of kills and the seed; `cargo xtask crash --kills N` runs the long version.
//! `SUPERVM_NODE_BIN` runs another `supervm-node` binary (for a long run, a copy of the
//! one built, out of reach of other builds into a shared target dir). The
//! fixture holds [`PRIVATE_PER_ROUND`] private spends per kill, so the stream stays
//! mixed however long the run.

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::encoding::field_to_bytes;
use serde_json::Value;
use supervm_node::{replay, Genesis, Verifiers};
use supervm_runtime::Transaction;
use support::*;

fn env_number(var: &str, default: u64) -> u64 {
    match std::env::var(var) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{var}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// Private transactions a round's client may send (every fourth transaction is
/// private while they last).
const PRIVATE_PER_ROUND: usize = 3;

/// What the clients were told, across restarts.
#[derive(Default)]
struct Seen {
    /// Reported committed, with the receipt the API gave.
    committed: BTreeMap<String, Value>,
    /// Accepted (202) and not yet seen committed.
    pending: Vec<String>,
    /// Highest height seen in a receipt.
    max_height: u64,
    /// The last tip `/v1/status` reported: height and block hash.
    tip: (u64, String),
    /// Status polls answered, over the run.
    status_polls: u64,
}

/// Polls `/v1/status`; records the tip, which must never go back while the node runs.
/// False once the node is gone.
fn poll_tip(a: &ureq::Agent, base: &str, seen: &Mutex<Seen>) -> bool {
    let Ok(mut r) = a.get(&format!("{base}/v1/status")).call() else {
        return false;
    };
    let Ok(body) =
        serde_json::from_str::<Value>(&r.body_mut().read_to_string().unwrap_or_default())
    else {
        return false;
    };
    let height = body["height"].as_u64().unwrap();
    let hash = body["tip_hash"].as_str().unwrap().to_owned();
    let mut s = seen.lock().unwrap();
    assert!(
        height >= s.tip.0,
        "/v1/status went back from {} to {height}",
        s.tip.0
    );
    s.tip = (height, hash);
    s.status_polls += 1;
    true
}

/// Submits transactions and polls their status until `stop`, or until the node is gone.
fn client(
    base: String,
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
    next_public: u64,
    privates: Vec<Transaction>,
) -> u64 {
    let a = agent();
    let mut n = next_public;
    let mut privates = privates.into_iter();
    while !stop.load(Ordering::Acquire) {
        let tx = if n.is_multiple_of(4) {
            privates.next().unwrap_or_else(|| public(n))
        } else {
            public(n)
        };
        n += 1;
        let Ok(bytes) = tx.to_bytes() else { continue };
        let sent = a
            .post(&format!("{base}/v1/transactions"))
            .header("content-type", "application/octet-stream")
            .send(&bytes[..]);
        let Ok(mut r) = sent else { return n };
        let status = r.status().as_u16();
        let body: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap_or_default())
            .unwrap_or(Value::Null);
        if status == 202 {
            seen.lock()
                .unwrap()
                .pending
                .push(body["id"].as_str().unwrap().to_owned());
        }
        if !poll_tip(&a, &base, &seen) {
            return n;
        }
        let pending = seen.lock().unwrap().pending.clone();
        for id in pending {
            let Ok(mut r) = a.get(&format!("{base}/v1/transactions/{id}")).call() else {
                return n;
            };
            let body: Value =
                serde_json::from_str(&r.body_mut().read_to_string().unwrap_or_default())
                    .unwrap_or(Value::Null);
            if body["status"] == "committed" {
                let mut s = seen.lock().unwrap();
                s.max_height = s
                    .max_height
                    .max(body["receipt"]["height"].as_u64().unwrap());
                s.committed.insert(id.clone(), body["receipt"].clone());
                s.pending.retain(|p| p != &id);
            }
        }
    }
    n
}

fn check_after_restart(base: &str, seen: &Seen, genesis_notes: u64) {
    let a = agent();
    let (_, status) = get(&a, &format!("{base}/v1/status"));
    let height = status["height"].as_u64().unwrap();
    assert!(
        height >= seen.max_height,
        "height went back: {height} < {} (highest receipt)",
        seen.max_height
    );
    // The last tip seen before the kill is still there, and is the same block.
    let (tip, tip_hash) = &seen.tip;
    assert!(
        height >= *tip,
        "height went back: {height} < {tip} (last tip /v1/status reported)"
    );
    if !tip_hash.is_empty() {
        let (_, block) = get(&a, &format!("{base}/v1/blocks/{tip}"));
        assert_eq!(
            block["hash"].as_str(),
            Some(tip_hash.as_str()),
            "block {tip} changed across the restart"
        );
    }
    for (id, receipt) in &seen.committed {
        let (s, body) = get(&a, &format!("{base}/v1/transactions/{id}"));
        assert_eq!(s, 200, "{id} reported committed, now unknown");
        assert_eq!(&body["receipt"], receipt, "{id}'s receipt changed");
    }
    // Every committed transaction, from the blocks.
    let mut private_ok = 0u64;
    let mut spenders = BTreeMap::new();
    for h in 1..=height {
        let (_, block) = get(&a, &format!("{base}/v1/blocks/{h}"));
        for (id, bytes) in block["tx_ids"]
            .as_array()
            .unwrap()
            .iter()
            .zip(block["txs"].as_array().unwrap())
        {
            let id = id.as_str().unwrap();
            let (_, body) = get(&a, &format!("{base}/v1/transactions/{id}"));
            let ok = body["receipt"]["success"] == true;
            if let Ok(Transaction::Private(p)) =
                Transaction::from_bytes(&hex::decode(bytes.as_str().unwrap()).unwrap())
            {
                if ok {
                    private_ok += 1;
                    spenders.insert(
                        hex::encode(field_to_bytes(&p.key_images[0].0)),
                        id.to_owned(),
                    );
                }
            }
        }
    }
    assert_eq!(
        status["notes"].as_u64().unwrap(),
        genesis_notes + private_ok,
        "ledger length vs receipts"
    );
    // No key image spent without its transaction, and every accepted spend's is spent.
    for key_image in &fixture().key_images {
        let ki = hex::encode(field_to_bytes(&key_image.0));
        let (_, body) = get(&a, &format!("{base}/v1/key-images/{ki}"));
        match spenders.get(&ki) {
            Some(id) => assert_eq!(body["spent_by"].as_str(), Some(id.as_str()), "{ki}"),
            None => assert_eq!(
                body["spent"], false,
                "{ki} spent without a committed transaction"
            ),
        }
    }
}

#[test]
fn sigkill_at_random_moments_loses_nothing_committed() {
    let kills = env_number("SUPERVM_CRASH_KILLS", 10);
    let mut rng = ChaCha20Rng::seed_from_u64(env_number("SUPERVM_CRASH_SEED", 7));
    // Enough private spends for every round (a round takes up to PRIVATE_PER_ROUND),
    // plus the fixture's own; set before anything builds the fixture.
    set_owned(usize::try_from(kills).unwrap() * PRIVATE_PER_ROUND + OWNED);
    let dir = tempfile::tempdir().unwrap();
    let genesis_path = init_with_binary(dir.path());
    let c = config(dir.path());
    let genesis = Genesis::read(&genesis_path, &c.network).unwrap();
    let genesis_notes = DECOYS + owned() as u64;
    let seen = Arc::new(Mutex::new(Seen::default()));
    let mut next_public = 0u64;
    let mut privates: Vec<Transaction> = fixture()
        .private
        .iter()
        .map(|p| Transaction::Private(Box::new(p.clone())))
        .collect();
    // Every private transaction handed to a client so far.
    let mut handed: Vec<Transaction> = Vec::new();
    // The spends past the fixture's first ones are proven in the background, a round's
    // worth at a time, while the first rounds use the fixture's.
    let (later_tx, later_rx) = std::sync::mpsc::channel::<Transaction>();
    let later = fixture().later();
    let prover = std::thread::spawn(move || {
        for start in (0..later).step_by(PRIVATE_PER_ROUND) {
            let end = (start + PRIVATE_PER_ROUND).min(later);
            for p in fixture().prove_later(start..end) {
                if later_tx.send(Transaction::Private(Box::new(p))).is_err() {
                    return;
                }
            }
        }
    });
    let mut proven_later = 0;
    let mut replayed = (0, 0);
    for round in 0..kills {
        while privates.len() < PRIVATE_PER_ROUND && proven_later < later {
            privates.push(later_rx.recv().expect("the background prover stopped"));
            proven_later += 1;
        }
        let node = Proc::start(dir.path(), &[]);
        check_after_restart(&node.base, &seen.lock().unwrap(), genesis_notes);
        let stop = Arc::new(AtomicBool::new(false));
        let share = privates.len().min(PRIVATE_PER_ROUND);
        let mine: Vec<Transaction> = privates.drain(..share).collect();
        handed.extend(mine.iter().cloned());
        assert!(
            !mine.is_empty(),
            "round {round}: no private transaction left for the stream"
        );
        let client = {
            let (base, seen, stop) = (node.base.clone(), Arc::clone(&seen), Arc::clone(&stop));
            std::thread::spawn(move || client(base, seen, stop, next_public, mine))
        };
        std::thread::sleep(Duration::from_millis(rng.gen_range(150..1500)));
        node.signal("KILL");
        let status = node.wait();
        assert_eq!(
            status.code(),
            None,
            "round {round}: the node must die by SIGKILL"
        );
        stop.store(true, Ordering::Release);
        next_public = client.join().unwrap();
        // While the node is down: a fresh replay reproduces every digest and receipt.
        let report = replay(&c.store_path(), &c, Verifiers::load(&c).unwrap(), &genesis).unwrap();
        let report = report.unwrap_or_else(|m| {
            panic!(
                "round {round}: replay disagrees at {}: {}",
                m.height, m.what
            )
        });
        eprintln!(
            "round {round}: {} blocks, {} transactions replayed",
            report.blocks, report.transactions
        );
        replayed = (report.blocks, report.transactions);
        // Pending private transactions that were lost with the mempool are resubmitted.
        let s = seen.lock().unwrap();
        for t in &handed {
            let id = t.id().unwrap().to_string();
            if s.pending.contains(&id) && !privates.contains(t) {
                privates.push(t.clone());
            }
        }
    }
    prover.join().unwrap();
    let node = Proc::start(dir.path(), &[]);
    check_after_restart(&node.base, &seen.lock().unwrap(), genesis_notes);
    let s = seen.lock().unwrap();
    assert!(!s.committed.is_empty(), "nothing was ever committed");
    assert!(s.status_polls > 0, "/v1/status was never polled");
    let private = s
        .committed
        .values()
        .filter(|r| r["path"] == "privacy" && r["success"] == true)
        .count();
    assert!(private > 0, "no private transaction was ever committed");
    eprintln!(
        "crash: {kills} kills; {} blocks and {} transactions committed; {} reported \
         committed to the client, {private} of them private; {} status polls",
        replayed.0,
        replayed.1,
        s.committed.len(),
        s.status_polls
    );
    drop(s);
    node.signal("TERM");
    assert_eq!(node.wait().code(), Some(0));
}

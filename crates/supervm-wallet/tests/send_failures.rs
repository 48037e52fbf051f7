//! Proofs that fail, end to end with real processes (the node binary and the
//! wallet CLI):
//!
//! - a proving key from another setup (its fingerprint differs from the
//!   node's) is refused before any proof is made, with the typed
//!   `proving_key_mismatch` error;
//! - a key that carries the node's fingerprint (the node's verifying key)
//!   but whose proving part comes from another setup makes a proof the node
//!   does not verify: `proof_rejected`.
//!
//! Either way nothing reaches the ledger, the wallet file is not rewritten
//! (the notes are not marked pending or spent, no sent record appears), and
//! with the right key the same payment then goes through.
//!
//! Proving keys come from fixed public seeds (INSECURE, tests only).

mod support;

use std::time::Duration;

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::Shape;
use ringct_prover::keyfile::write_keys;
use ringct_prover::RingCtKeys;
use supervm_wallet::amount::UNIT;
use supervm_wallet::client::NodeClient;
use supervm_wallet::file::WalletFile;
use supervm_wallet::state::WalletState;
use support::{Node, Wallet, FAST_KDF};

const SHAPE: &str = "1x2-r4";
const PASSPHRASE: &str = "correct horse battery";

/// The wallet as saved, and the node's view of each owned note's key image.
fn saved(w: &Wallet, client: &NodeClient) -> (WalletState, Vec<(bool, Option<String>)>) {
    let (_, plain) = WalletFile::open(&w.path, PASSPHRASE.as_bytes()).unwrap();
    let state = WalletState::from_json(&plain).unwrap();
    let at_node = state
        .notes
        .iter()
        .map(|n| {
            let s = client.key_image(n.key_image.as_ref().unwrap()).unwrap();
            (s.spent, s.pending_by)
        })
        .collect();
    (state, at_node)
}

fn assert_untouched(w: &Wallet, client: &NodeClient, bytes_before: &[u8], what: &str) {
    assert_eq!(
        std::fs::read(&w.path).unwrap(),
        bytes_before,
        "{what}: the wallet file was rewritten"
    );
    let (state, at_node) = saved(w, client);
    assert_eq!(state.notes.len(), 2, "{what}");
    assert!(
        state
            .notes
            .iter()
            .all(|n| !n.spent && n.pending_by.is_none() && n.spent_by.is_none()),
        "{what}: a note is marked pending or spent"
    );
    assert!(state.sent.is_empty(), "{what}: a sent record was kept");
    assert_eq!(
        at_node,
        vec![(false, None), (false, None)],
        "{what}: the node saw a spend"
    );
}

#[test]
fn a_proof_that_fails_spends_nothing_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let shape: Shape = SHAPE.parse().unwrap();
    let node_keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 700).unwrap();
    let other = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 701).unwrap();
    assert_ne!(node_keys.fingerprint(), other.fingerprint());
    let node_dir = dir.path().join("node-keys");
    write_keys(&node_dir, &node_keys).unwrap();
    let other_dir = dir.path().join("other-keys");
    write_keys(&other_dir, &other).unwrap();
    // The other setup's proving key under the node's verifying key: the
    // fingerprint (of the verifying key) is the node's, the proofs are not.
    let mut pk = other.proving_key().clone();
    pk.vk = node_keys.verifying_key().clone();
    let forged = RingCtKeys::from_proving_key(shape, pk).unwrap();
    assert_eq!(forged.fingerprint(), node_keys.fingerprint());
    let forged_dir = dir.path().join("forged-keys");
    write_keys(&forged_dir, &forged).unwrap();

    let alice = Wallet::new(
        dir.path().join("alice.wallet"),
        "http://127.0.0.1:1",
        &node_dir,
    );
    let mut args = vec!["new"];
    args.extend(FAST_KDF);
    let address = alice.ok(&args)["address"].as_str().unwrap().to_owned();
    let bob = Wallet::new(
        dir.path().join("bob.wallet"),
        "http://127.0.0.1:1",
        &node_dir,
    );
    let bob_addr = bob.ok(&args)["address"].as_str().unwrap().to_owned();

    let mut notes = Vec::new();
    for _ in 0..2 {
        notes.push(alice.ok(&["genesis-note", "--to", &address, "--amount", "10"]));
    }
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    notes.extend(support::decoy_notes(&mut rng, 6));
    let genesis = support::write_genesis(dir.path(), &notes);
    let node = Node::start(&dir.path().join("node"), &node_dir, SHAPE, &genesis);
    let client = NodeClient::new(&node.base, Duration::from_secs(10));
    let with_keys =
        |keys: &std::path::Path| Wallet::new(dir.path().join("alice.wallet"), &node.base, keys);
    assert_eq!(with_keys(&node_dir).ok(&["sync"])["balance"], 20 * UNIT);
    let before = std::fs::read(&alice.path).unwrap();
    let pay = ["send", "--no-sync", "--to", &bob_addr, "--amount", "3"];

    // 1. Another setup's key: refused before proving, by its fingerprint.
    let r = with_keys(&other_dir).fails(&pay, "proving_key_mismatch");
    let message = r.json["message"].as_str().unwrap();
    for part in [
        SHAPE,
        &node_keys.fingerprint().to_string(),
        &other.fingerprint().to_string(),
        "no proof was made and nothing was sent",
    ] {
        assert!(message.contains(part), "missing {part:?} in: {message}");
    }
    assert_untouched(&alice, &client, &before, "fingerprint mismatch");

    // 2. The node's fingerprint, another setup's proving key: the node refuses the proof.
    let r = with_keys(&forged_dir).fails(&pay, "proof_rejected");
    let message = r.json["message"].as_str().unwrap();
    for part in [
        "the node rejected the proof",
        "invalid proof",
        "nothing was spent",
    ] {
        assert!(message.contains(part), "missing {part:?} in: {message}");
    }
    assert_untouched(&alice, &client, &before, "proof rejected");

    // With the node's key the same payment goes through; with `--json` its
    // standard output is the one JSON object (no progress bar).
    let run = with_keys(&node_dir).run(&pay);
    assert!(run.ok, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let paid: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(paid["shape"], SHAPE);
    assert!(paid["prove_seconds"].as_f64().unwrap() > 0.0);
    let (state, at_node) = saved(&alice, &client);
    assert_eq!(state.sent.len(), 1);
    // The measured time is kept: the next estimate for the shape is measured.
    assert_eq!(
        state.prove_seconds.get(SHAPE).copied(),
        paid["prove_seconds"].as_f64()
    );
    assert_eq!(at_node.iter().filter(|(spent, _)| *spent).count(), 1);
    let bob = Wallet::new(dir.path().join("bob.wallet"), &node.base, &node_dir);
    assert_eq!(bob.ok(&["sync"])["balance"], 3 * UNIT);
}

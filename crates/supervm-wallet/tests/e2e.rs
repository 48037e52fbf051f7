//! End to end with real processes: the `supervm-node` binary and the
//! `supervm-wallet` CLI. Genesis mints to Alice; Alice pays Bob; Bob sees
//! exactly the amount (and so does his view-only wallet, which cannot spend);
//! Bob pays Carol; Alice's stale wallet cannot spend a spent note again; a
//! wallet restored from Alice's seed finds her balance.
//!
//! Proving keys for 1x2-r4 and 2x2-r4 come from a fixed public seed
//! (INSECURE, tests only).

mod support;

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{KeyPair, Note, Shape};
use ringct_prover::RingCtKeys;
use supervm_wallet::amount::UNIT;
use supervm_wallet::state::fe_hex;
use support::{Node, Wallet, FAST_KDF};

const SHAPES: &str = "1x2-r4,2x2-r4";

fn new_wallet(w: &Wallet) -> serde_json::Value {
    let mut args = vec!["new"];
    args.extend(FAST_KDF);
    w.ok(&args)
}

#[test]
fn alice_pays_bob_pays_carol_through_a_node() {
    let dir = tempfile::tempdir().unwrap();
    let keys_dir = dir.path().join("keys");
    for (k, shape) in SHAPES.split(',').enumerate() {
        let shape: Shape = shape.parse().unwrap();
        let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 700 + k as u64).unwrap();
        ringct_prover::keyfile::write_keys(&keys_dir, &keys).unwrap();
    }

    // Wallets first (the node's URL is only needed from sync on).
    let placeholder = "http://127.0.0.1:1";
    let mk = |name: &str| {
        Wallet::new(
            dir.path().join(format!("{name}.wallet")),
            placeholder,
            &keys_dir,
        )
    };
    let (alice, bob, carol) = (mk("alice"), mk("bob"), mk("carol"));
    let alice_new = new_wallet(&alice);
    let bob_addr = new_wallet(&bob)["address"].as_str().unwrap().to_owned();
    let carol_addr = new_wallet(&carol)["address"].as_str().unwrap().to_owned();
    let alice_addr = alice_new["address"].as_str().unwrap().to_owned();
    let alice_seed = alice_new["seed"].as_str().unwrap().to_owned();
    assert_eq!(alice.ok(&["address"])["address"], alice_addr.as_str());

    // No node yet: a clear error, not a panic.
    alice.fails(&["sync"], "node_unreachable");
    let r = alice.run_with(&["balance"], "wrong passphrase");
    assert!(
        !r.ok && r.json["error"] == "wrong_passphrase",
        "{}",
        r.stderr
    );

    // Genesis: two notes of 10 to Alice, decoys to strangers.
    let mut notes = Vec::new();
    for _ in 0..2 {
        notes.push(alice.ok(&["genesis-note", "--to", &alice_addr, "--amount", "10"]));
    }
    // A tampered memo for Alice (ignored silently) and a note sealed to
    // Alice's key but committed to a stranger's pk (ignored and reported).
    let mut tampered = alice.ok(&["genesis-note", "--to", &alice_addr, "--amount", "5"]);
    let mut memo = hex::decode(tampered["memo"].as_str().unwrap()).unwrap();
    memo[60] ^= 1;
    tampered["memo"] = hex::encode(memo).into();
    notes.push(tampered);
    let mut rng = ChaCha20Rng::seed_from_u64(31);
    let (net, alice_address) = supervm_wallet::Address::decode_any(&alice_addr).unwrap();
    let foreign = Note::new(7 * UNIT, KeyPair::random(&mut rng).public_key, &mut rng);
    let memo =
        supervm_wallet::memo::encrypt_note(&foreign, "", &alice_address, &net, &mut rng).unwrap();
    notes.push(serde_json::json!({"commitment": fe_hex(&foreign.commitment().0), "memo": hex::encode(memo)}));
    notes.extend(support::decoy_notes(&mut rng, 10));
    let genesis = support::write_genesis(dir.path(), &notes);
    let node = Node::start(&dir.path().join("node"), &keys_dir, SHAPES, &genesis);
    let at = |name: &str| {
        Wallet::new(
            dir.path().join(format!("{name}.wallet")),
            &node.base,
            &keys_dir,
        )
    };
    let (alice, bob, carol) = (at("alice"), at("bob"), at("carol"));

    let s = alice.ok(&["sync"]);
    assert_eq!(s["balance"], 20 * UNIT);
    assert_eq!(s["found"].as_array().unwrap().len(), 2);
    assert_eq!(s["ignored"], 1, "the foreign-owner note is reported");
    assert_eq!(s["scanned"], 14);
    assert_eq!(alice.ok(&["history"])["ignored"][0]["index"], 3);
    // A wallet of another network is refused by the node's network id.
    let other = at("other-net");
    let mut args = vec!["new", "--network", "supervm-testnet"];
    args.extend(FAST_KDF);
    other.ok(&args);
    other.fails(&["sync"], "network_mismatch");
    assert_eq!(bob.ok(&["sync"])["balance"], 0);

    // Insufficient funds is a clear error.
    alice.fails(
        &["send", "--to", &bob_addr, "--amount", "25"],
        "insufficient_funds",
    );
    // An address for another network, or mistyped, is refused before anything is built.
    let other_addr = other.ok(&["address"])["address"]
        .as_str()
        .unwrap()
        .to_owned();
    alice.fails(
        &["send", "--to", &other_addr, "--amount", "1"],
        "wrong_network",
    );
    let mut typo: Vec<char> = bob_addr.chars().collect();
    let i = typo.len() - 10;
    typo[i] = if typo[i] == 'q' { 'p' } else { 'q' };
    let typo: String = typo.into_iter().collect();
    alice.fails(&["send", "--to", &typo, "--amount", "1"], "checksum");
    alice.fails(
        &["send", "--to", &bob_addr, "--amount", "1.000000001"],
        "amount_syntax",
    );

    // A copy of Alice's wallet as it is now: it will go stale.
    let stale = at("alice-stale");
    std::fs::copy(&alice.path, &stale.path).unwrap();

    // Alice pays Bob 3 with a fee of 0.01.
    let paid = alice.ok(&[
        "send",
        "--to",
        &bob_addr,
        "--amount",
        "3",
        "--fee",
        "0.01",
        "--text",
        "for the bikes",
    ]);
    assert_eq!(paid["shape"], "1x2-r4");
    assert_eq!(paid["change"], 7 * UNIT - UNIT / 100);
    let b = bob.ok(&["sync"]);
    assert_eq!(b["balance"], 3 * UNIT, "Bob sees exactly the amount");
    let hist = bob.ok(&["history"]);
    assert_eq!(hist["received"][0]["text"], "for the bikes");
    let s = alice.ok(&["sync"]);
    assert_eq!(s["balance"], 17 * UNIT - UNIT / 100);
    assert_eq!(
        s["scanned"], 2,
        "sync resumes: only the two new outputs are scanned"
    );

    // Bob's view-only wallet sees his incoming note and cannot spend.
    let view_key = bob.ok(&["export-view-key"])["view_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob_view = at("bob-view");
    let mut args = vec!["new-view-only", "--view-key", &view_key];
    args.extend(FAST_KDF);
    bob_view.ok(&args);
    let v = bob_view.ok(&["sync"]);
    assert_eq!(v["balance"], 3 * UNIT);
    assert_eq!(v["unknown_spent_status"], 1);
    bob_view.fails(&["send", "--to", &carol_addr, "--amount", "1"], "view_only");
    bob_view.fails(&["export-key-images"], "view_only");

    // Bob pays Carol 1.
    bob.ok(&[
        "send",
        "--to",
        &carol_addr,
        "--amount",
        "1",
        "--fee",
        "0.01",
    ]);
    assert_eq!(carol.ok(&["sync"])["balance"], UNIT);
    assert_eq!(bob.ok(&["sync"])["balance"], 2 * UNIT - UNIT / 100);

    // The view-only wallet learns the spend from imported key images.
    let kis = dir.path().join("bob-key-images.json");
    bob.ok(&["export-key-images", "--out", kis.to_str().unwrap()]);
    // Before its own sync the view-only wallet knows only the first note.
    assert_eq!(
        bob_view.ok(&["import-key-images", kis.to_str().unwrap()])["imported"],
        1
    );
    assert_eq!(bob_view.ok(&["sync"])["found"].as_array().unwrap().len(), 1);
    let imported = bob_view.ok(&["import-key-images", kis.to_str().unwrap()]);
    assert_eq!(imported["imported"], 2);
    let v = bob_view.ok(&["sync"]);
    assert_eq!(v["balance"], 2 * UNIT - UNIT / 100);
    assert_eq!(v["unknown_spent_status"], 0);

    // Alice's stale copy still thinks her first note is unspent: the node refuses.
    let r = stale.run(&["send", "--no-sync", "--to", &carol_addr, "--amount", "3"]);
    assert!(!r.ok, "a spent note was spent again");
    assert_eq!(r.json["error"], "double_spend", "{}", r.stderr);

    // A wallet restored from Alice's seed finds the same balance.
    let restored = at("alice-restored");
    let mut args = vec!["restore", "--seed", &alice_seed];
    args.extend(FAST_KDF);
    restored.ok(&args);
    assert_eq!(restored.ok(&["sync"])["balance"], 17 * UNIT - UNIT / 100);
    assert_eq!(alice.ok(&["balance"])["balance"], 17 * UNIT - UNIT / 100);
}

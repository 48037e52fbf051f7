//! Rings of 16 drawn in aligned groups of four ledger notes, end to end with
//! real processes (the `supervm-node` binary and the `supervm-wallet` CLI):
//!
//! - a note whose group of four is incomplete is refused with `note_too_new`
//!   when the payment needs it (nothing sent, the wallet file untouched);
//! - it is left out when another note can pay;
//! - it is spent once the ledger has completed its group;
//! - the node accepts the binned rings (the payments commit).
//!
//! The 1x2-r16 proving key comes from a fixed public seed (INSECURE, tests
//! only).

mod support;

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use supervm_wallet::amount::UNIT;
use supervm_wallet::file::WalletFile;
use supervm_wallet::state::WalletState;
use support::{Node, Wallet};

const SHAPE: &str = "1x2-r16";
const PASSPHRASE: &str = "correct horse battery";

/// (ledger index, value, spent) of each note the wallet file holds.
fn notes(w: &Wallet) -> Vec<(u64, u64, bool)> {
    let (_, plain) = WalletFile::open(&w.path, PASSPHRASE.as_bytes()).unwrap();
    let state = WalletState::from_json(&plain).unwrap();
    let mut v: Vec<_> = state
        .notes
        .iter()
        .map(|n| (n.index, n.value, n.spent))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn a_new_note_waits_for_its_group_of_four() {
    let dir = tempfile::tempdir().unwrap();
    let keys_dir = dir.path().join("keys");
    support::write_test_keys(&keys_dir, SHAPE, 1600);

    let placeholder = "http://127.0.0.1:1";
    let mk = |name: &str, node: &str| {
        Wallet::new(dir.path().join(format!("{name}.wallet")), node, &keys_dir)
    };
    let (alice, bob) = (mk("alice", placeholder), mk("bob", placeholder));
    let (alice_addr, bob_addr) = (alice.create(), bob.create());

    // Genesis of 19 notes: Alice's 50 at index 0, decoys at 1..=17, Alice's
    // 100 at index 18. Groups 0..=3 (notes 0..=15) are complete; group 4
    // (16..=19) lacks note 19.
    let mut rng = ChaCha20Rng::seed_from_u64(16);
    let mut genesis = vec![alice.ok(&["genesis-note", "--to", &alice_addr, "--amount", "50"])];
    genesis.extend(support::decoy_notes(&mut rng, 17));
    genesis.push(alice.ok(&["genesis-note", "--to", &alice_addr, "--amount", "100"]));
    let genesis = support::write_genesis(dir.path(), &genesis);
    let node = Node::start(&dir.path().join("node"), &keys_dir, SHAPE, &genesis);
    let (alice, bob) = (mk("alice", &node.base), mk("bob", &node.base));

    alice.ok(&["sync"]);
    assert_eq!(
        notes(&alice),
        vec![(0, 50 * UNIT, false), (18, 100 * UNIT, false)]
    );

    // 70 needs note 18, whose group is incomplete: refused, nothing changes.
    let before = std::fs::read(&alice.path).unwrap();
    let pay70 = [
        "send",
        "--to",
        &bob_addr,
        "--amount",
        "70",
        "--fee",
        "0.001",
        "--no-sync",
    ];
    let r = alice.fails(&pay70, "note_too_new");
    let message = r.json["message"].as_str().unwrap();
    assert!(
        message.contains("note 18")
            && message.contains("group of four")
            && message.contains("1 more"),
        "{message}"
    );
    assert_eq!(std::fs::read(&alice.path).unwrap(), before);

    // 30: note 0 pays it, so note 18 (larger, but new) is left out. The ring
    // is groups 0..=3, the only complete ones; the node accepts it.
    let paid = alice.ok(&[
        "send", "--to", &bob_addr, "--amount", "30", "--fee", "0.001",
    ]);
    assert_eq!(paid["shape"], SHAPE);
    alice.ok(&["sync"]);
    let held = notes(&alice);
    assert!(held.contains(&(0, 50 * UNIT, true)), "{held:?}");
    assert!(held.contains(&(18, 100 * UNIT, false)), "{held:?}");

    // The payment's two outputs (19 and 20) complete group 4: note 18 can
    // now be spent.
    let paid = alice.ok(&[
        "send", "--to", &bob_addr, "--amount", "70", "--fee", "0.001",
    ]);
    assert_eq!(paid["shape"], SHAPE);
    alice.ok(&["sync"]);
    assert!(notes(&alice).contains(&(18, 100 * UNIT, true)));

    bob.ok(&["sync"]);
    assert_eq!(bob.ok(&["balance"])["balance"], 100 * UNIT);
}

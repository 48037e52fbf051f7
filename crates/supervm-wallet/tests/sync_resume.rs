//! An interrupted sync resumes from the saved `scanned` index and ends with
//! the same state as an uninterrupted one. A real node serves a ledger of 11
//! notes; the wallet scans it in pages of 4 (the page size is a parameter of
//! `sync_paged`; the CLI uses 1,000). The second save fails (an injected
//! disk error), so the wallet file holds exactly the first page; a second
//! sync from that file scans only the rest.
//!
//! Proving keys for the node come from a fixed public seed (INSECURE, tests only).

mod support;

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{KeyPair, NetworkId, Note, Shape};
use ringct_prover::RingCtKeys;
use supervm_wallet::client::NodeClient;
use supervm_wallet::file::{KdfParams, WalletFile};
use supervm_wallet::memo::encrypt_note;
use supervm_wallet::state::{fe_hex, WalletState};
use supervm_wallet::sync::sync_paged;
use supervm_wallet::{Seed, WalletError};
use support::Node;

const PAGE: usize = 4;
const PASS: &[u8] = b"resume";

fn fast() -> KdfParams {
    KdfParams {
        memory_kib: 64,
        iterations: 1,
        lanes: 1,
    }
}

#[test]
fn an_interrupted_sync_resumes_and_ends_as_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let keys_dir = dir.path().join("keys");
    let shape: Shape = "1x2-r4".parse().unwrap();
    ringct_prover::keyfile::write_keys(
        &keys_dir,
        &RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 900).unwrap(),
    )
    .unwrap();

    let net = NetworkId::devnet();
    let mut rng = ChaCha20Rng::seed_from_u64(77);
    let fresh = WalletState::new_spending(&net, &Seed::random(&mut rng));
    let me = fresh.address().unwrap();
    // 11 notes: ours at 1 (first page), 5 and 9 (later pages); at 6 a note
    // sealed to us but committed to a stranger's key (reported, not credited).
    let mut notes = Vec::new();
    for index in 0..11u64 {
        let (note, memo) = match index {
            1 | 5 | 9 => {
                let note = Note::new(index * 100, me.public_key, &mut rng);
                let memo = encrypt_note(&note, "", &me, &net, &mut rng).unwrap();
                (note, hex::encode(memo))
            }
            6 => {
                let stranger = KeyPair::random(&mut rng).public_key;
                let note = Note::new(7, stranger, &mut rng);
                let memo = encrypt_note(&note, "", &me, &net, &mut rng).unwrap();
                (note, hex::encode(memo))
            }
            _ => {
                let stranger = KeyPair::random(&mut rng).public_key;
                (
                    Note::new(rng.gen_range(1..1000), stranger, &mut rng),
                    String::new(),
                )
            }
        };
        notes.push(serde_json::json!({"commitment": fe_hex(&note.commitment().0), "memo": memo}));
    }
    let genesis = dir.path().join("genesis.json");
    std::fs::write(
        &genesis,
        serde_json::json!({"network": net.as_str(), "notes": notes}).to_string(),
    )
    .unwrap();
    let node = Node::start(&dir.path().join("node"), &keys_dir, "1x2-r4", &genesis);
    let client = NodeClient::new(&node.base, Duration::from_secs(10));

    // Uninterrupted.
    let mut whole = fresh.clone();
    let report = sync_paged(&mut whole, &client, PAGE, &mut |_| Ok(()), &mut |_, _| {}).unwrap();
    assert_eq!(report.scanned, 11);
    assert_eq!(report.found, vec![(1, 100), (5, 500), (9, 900)]);
    assert_eq!(report.mismatches.len(), 1);
    assert_eq!(whole.scanned, 11);

    // Interrupted: the first page is saved, the second save fails.
    let path = dir.path().join("w.wallet");
    let file = WalletFile::create(&path, PASS, fast(), &fresh.to_json()).unwrap();
    let mut saves = 0;
    let mut seen = Vec::new();
    let mut state = fresh.clone();
    let err = sync_paged(
        &mut state,
        &client,
        PAGE,
        &mut |s: &WalletState| {
            saves += 1;
            if saves == 1 {
                file.save(&s.to_json())
            } else {
                Err(WalletError::Io {
                    path: path.clone(),
                    source: std::io::Error::other("injected: disk full"),
                })
            }
        },
        &mut |done, total| seen.push((done, total)),
    )
    .unwrap_err();
    assert!(matches!(err, WalletError::Io { .. }), "{err}");
    assert_eq!(saves, 2);
    assert_eq!(
        seen,
        vec![(0, 11), (4, 11)],
        "progress up to the saved page"
    );
    drop(file);

    // What survived is exactly the first page.
    let (file, plain) = WalletFile::open(&path, PASS).unwrap();
    let mut state = WalletState::from_json(&plain).unwrap();
    assert_eq!(state.scanned, PAGE as u64);
    assert_eq!(
        state.notes.iter().map(|n| n.index).collect::<Vec<_>>(),
        vec![1]
    );

    // Resumed: only the rest is scanned; the end state is the same.
    let report = sync_paged(
        &mut state,
        &client,
        PAGE,
        &mut |s: &WalletState| file.save(&s.to_json()),
        &mut |_, _| {},
    )
    .unwrap();
    assert_eq!(report.scanned, 11 - PAGE as u64);
    assert_eq!(report.found, vec![(5, 500), (9, 900)]);
    assert_eq!(report.mismatches.len(), 1);
    let (_, plain) = WalletFile::open(&path, PASS).unwrap();
    let saved = WalletState::from_json(&plain).unwrap();
    assert_eq!(
        String::from_utf8(saved.to_json().to_vec()).unwrap(),
        String::from_utf8(whole.to_json().to_vec()).unwrap(),
        "resumed state differs from the uninterrupted one"
    );
    assert_eq!(saved.balance(), 1500);
}

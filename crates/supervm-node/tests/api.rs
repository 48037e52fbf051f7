//! The node in this process: every endpoint round-trips, bad requests get 4xx JSON
//! errors, double spends are refused at admission and in a block, the mempool's bounds
//! hold, a restart keeps the state, a store for another network or key is refused, and a
//! graceful shutdown commits what it admitted.

mod support;

use std::time::Duration;

use supervm_node::{Chain, Node, NodeError, Verifiers};
use supervm_runtime::{ErrorKind, Transaction, TxError};
use supervm_store::StoreError;
use support::*;

fn start(
    dir: &std::path::Path,
    tweak: impl FnOnce(&mut supervm_node::NodeConfig),
) -> (Node, String) {
    let mut c = config(dir);
    tweak(&mut c);
    if !c.store_path().exists() {
        init(&c);
    }
    let node = Node::start(c, None).unwrap();
    let base = format!("http://{}", node.api_addr());
    (node, base)
}

fn private(i: usize) -> Transaction {
    Transaction::Private(Box::new(fixture().private[i].clone()))
}

#[test]
fn every_endpoint_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let (node, base) = start(dir.path(), |_| {});
    let a = agent();

    let (s, status) = get(&a, &format!("{base}/v1/status"));
    assert_eq!(s, 200);
    assert_eq!(status["network"], "supervm-devnet");
    assert_eq!(status["height"], 0);
    assert_eq!(status["notes"], DECOYS + OWNED as u64);
    assert_eq!(status["shapes"][0]["shape"], "1x1-r4");
    assert_eq!(get(&a, &format!("{base}/readyz")).0, 200);
    assert_eq!(get(&a, &format!("{base}/healthz")).0, 200);

    // Public, as JSON.
    let json = supervm_node::wire::TxJson::of(&public(1)).unwrap();
    let (s, body) = post(
        &a,
        &format!("{base}/v1/transactions"),
        "application/json",
        &serde_json::to_vec(&json).unwrap(),
    );
    assert_eq!(s, 202, "{body}");
    assert_eq!(body["id"], public(1).id().unwrap().to_string());
    let receipt = wait_committed(&a, &base, body["id"].as_str().unwrap());
    assert_eq!(receipt["success"], true, "{receipt}");
    assert_eq!(receipt["path"], "fast");

    // Private, as canonical bytes.
    let tx = private(1);
    let (s, body) = submit(&a, &base, &tx);
    assert_eq!(s, 202, "{body}");
    let id = body["id"].as_str().unwrap().to_owned();
    let receipt = wait_committed(&a, &base, &id);
    assert_eq!(receipt["success"], true, "{receipt}");
    assert_eq!(receipt["path"], "privacy");

    // The block holds its bytes and id.
    let height = receipt["height"].as_u64().unwrap();
    let (s, block) = get(&a, &format!("{base}/v1/blocks/{height}"));
    assert_eq!(s, 200);
    assert!(block["tx_ids"].as_array().unwrap().iter().any(|t| t == &id));
    let k = block["tx_ids"]
        .as_array()
        .unwrap()
        .iter()
        .position(|t| t == &id)
        .unwrap();
    assert_eq!(block["txs"][k], hex::encode(tx.to_bytes().unwrap()));
    assert_eq!(get(&a, &format!("{base}/v1/blocks/0")).0, 200);
    assert_eq!(get(&a, &format!("{base}/v1/blocks/999")).0, 404);

    // The new note is in the ledger with its memo.
    let total = DECOYS + OWNED as u64;
    let (s, notes) = get(&a, &format!("{base}/v1/notes?start={total}&limit=5"));
    assert_eq!(s, 200);
    assert_eq!(notes["total"], total + 1);
    assert_eq!(notes["notes"][0]["index"], total);
    assert_eq!(notes["notes"][0]["memo"], hex::encode(b"to bob"));
    let (_, first) = get(&a, &format!("{base}/v1/notes?limit=2"));
    assert_eq!(first["notes"].as_array().unwrap().len(), 2);

    // Its key image is spent, by it.
    let ki = hex::encode(ringct_circuit::encoding::field_to_bytes(
        &fixture().private[1].key_images[0].0,
    ));
    let (s, spent) = get(&a, &format!("{base}/v1/key-images/{ki}"));
    assert_eq!(s, 200);
    assert_eq!(spent["spent"], true);
    assert_eq!(spent["spent_by"], id);
    let unspent = hex::encode(ringct_circuit::encoding::field_to_bytes(
        &fixture().private[2].key_images[0].0,
    ));
    assert_eq!(
        get(&a, &format!("{base}/v1/key-images/{unspent}")).1["spent"],
        false
    );

    // Private, as JSON: the same id as its canonical bytes, verified and committed.
    let tx = private(3);
    let json = supervm_node::wire::TxJson::of(&tx).unwrap();
    let text = serde_json::to_vec(&json).unwrap();
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&text).unwrap()["type"],
        "private"
    );
    let (s, body) = post(
        &a,
        &format!("{base}/v1/transactions"),
        "application/json",
        &text,
    );
    assert_eq!(s, 202, "{body}");
    let json_id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(json_id, tx.id().unwrap().to_string());
    let receipt = wait_committed(&a, &base, &json_id);
    assert_eq!(receipt["success"], true, "{receipt}");
    assert_eq!(receipt["path"], "privacy");
    let (_, block) = get(&a, &format!("{base}/v1/blocks/{}", receipt["height"]));
    let k = block["tx_ids"]
        .as_array()
        .unwrap()
        .iter()
        .position(|t| t == &json_id)
        .unwrap();
    assert_eq!(block["txs"][k], hex::encode(tx.to_bytes().unwrap()));
    let ki = hex::encode(ringct_circuit::encoding::field_to_bytes(
        &fixture().private[3].key_images[0].0,
    ));
    assert_eq!(
        get(&a, &format!("{base}/v1/key-images/{ki}")).1["spent_by"],
        json_id
    );
    assert_eq!(
        get(&a, &format!("{base}/v1/notes?limit=1")).1["total"],
        total + 2
    );
    // Sent again as JSON: already committed.
    let (s, body) = post(
        &a,
        &format!("{base}/v1/transactions"),
        "application/json",
        &text,
    );
    assert_eq!(
        (s, body["error"].as_str().unwrap()),
        (409, "already_committed")
    );

    // The OpenAPI document lists every endpoint.
    let (s, doc) = get(&a, &format!("{base}/v1/openapi.json"));
    assert_eq!(s, 200);
    for path in [
        "/v1/transactions",
        "/v1/transactions/{id}",
        "/v1/blocks/{height}",
        "/v1/notes",
        "/v1/key-images/{key_image}",
        "/v1/status",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    node.shutdown().unwrap();
}

#[test]
fn bad_requests_get_json_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (node, base) = start(dir.path(), |c| c.api_max_body_bytes = 4096);
    let a = agent();
    let url = format!("{base}/v1/transactions");
    // A private transaction as JSON, broken one way at a time.
    let private_json = |edit: &dyn Fn(&mut serde_json::Value)| {
        let json = supervm_node::wire::TxJson::of(&private(3)).unwrap();
        let mut value = serde_json::to_value(&json).unwrap();
        edit(&mut value);
        serde_json::to_vec(&value).unwrap()
    };
    let short_proof = private_json(&|v| v["proof"] = "00".repeat(191).into());
    let big_key_image = private_json(&|v| v["key_images"][0] = "ff".repeat(32).into());
    let no_key_image = private_json(&|v| v["key_images"] = serde_json::json!([]));
    let extra_field = private_json(&|v| v["value"] = 5.into());
    let cases: Vec<(u16, &str, (u16, serde_json::Value))> = vec![
        (
            400,
            "invalid_field",
            post(&a, &url, "application/json", &short_proof),
        ),
        (
            400,
            "invalid_field",
            post(&a, &url, "application/json", &big_key_image),
        ),
        (
            400,
            "invalid_transaction",
            post(&a, &url, "application/json", &no_key_image),
        ),
        (
            400,
            "malformed_json",
            post(&a, &url, "application/json", &extra_field),
        ),
        (
            400,
            "malformed_json",
            post(&a, &url, "application/json", b"{not json"),
        ),
        (
            400,
            "malformed_json",
            post(&a, &url, "application/json", br#"{"type":"coinbase"}"#),
        ),
        (
            400,
            "malformed_bytes",
            post(&a, &url, "application/octet-stream", &[2, 9, 9]),
        ),
        (
            400,
            "malformed_bytes",
            post(&a, &url, "application/octet-stream", b""),
        ),
        (
            415,
            "unsupported_media_type",
            post(&a, &url, "text/plain", b"hello"),
        ),
        (
            413,
            "body_too_large",
            post(&a, &url, "application/octet-stream", &vec![0u8; 8192]),
        ),
        (
            400,
            "invalid_field",
            get(&a, &format!("{base}/v1/transactions/xyz")),
        ),
        (
            404,
            "not_found",
            get(&a, &format!("{base}/v1/transactions/{}", "00".repeat(32))),
        ),
        (
            400,
            "invalid_field",
            get(&a, &format!("{base}/v1/blocks/-1")),
        ),
        (
            400,
            "invalid_field",
            get(&a, &format!("{base}/v1/notes?limit=100000")),
        ),
        (
            400,
            "invalid_field",
            get(&a, &format!("{base}/v1/key-images/{}", "ff".repeat(32))),
        ),
        (404, "not_found", get(&a, &format!("{base}/v2/anything"))),
        (
            414,
            "uri_too_long",
            get(&a, &format!("{base}/v1/notes?start=1&{}", "x".repeat(9000))),
        ),
    ];
    for (status, rule, (got, body)) in cases {
        assert_eq!(
            (got, body["error"].as_str().unwrap_or("")),
            (status, rule),
            "{body}"
        );
        assert!(body["message"].is_string());
    }
    // The message names the broken field.
    let (_, body) = post(&a, &url, "application/json", &short_proof);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid field proof: expected 384 hex digits"),
        "{body}"
    );
    // 405 keeps its Allow header and gets a JSON body.
    let mut r = a.delete(&format!("{base}/v1/status")).call().unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert!(r.headers().get("allow").is_some());
    let body: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["error"], "method_not_allowed");
    // A 1 MiB header is refused by hyper's bound on the header section (431 or a closed
    // connection), and the node keeps serving.
    {
        use std::io::{Read, Write};
        let mut conn = std::net::TcpStream::connect(node.api_addr()).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = format!(
            "GET /v1/status HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
            "a".repeat(1 << 20)
        );
        let _ = conn.write_all(head.as_bytes());
        let mut answer = Vec::new();
        let _ = conn.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
            "{answer}"
        );
        assert_eq!(get(&a, &format!("{base}/readyz")).0, 200);
    }
    // A transaction whose proof is not valid is refused at admission.
    let mut bad = fixture().private[3].clone();
    bad.proof = fixture().private[4].proof;
    let (s, body) = submit(&a, &base, &Transaction::Private(Box::new(bad)));
    assert_eq!(
        (s, body["error"].as_str().unwrap()),
        (422, "InvalidProof"),
        "{body}"
    );
    node.shutdown().unwrap();
}

#[test]
fn double_spends_are_refused_at_admission_and_in_a_block() {
    let dir = tempfile::tempdir().unwrap();
    // Long blocks: the first spend stays pending while the conflict arrives.
    let (node, base) = start(dir.path(), |c| c.block_interval = Duration::from_secs(3600));
    let a = agent();
    let (s, first) = submit(&a, &base, &private(0));
    assert_eq!(s, 202, "{first}");
    let (s, body) = submit(&a, &base, &private(0));
    assert_eq!(
        (s, body["error"].as_str().unwrap()),
        (409, "already_pending")
    );
    let conflict = Transaction::Private(Box::new(fixture().conflict.clone()));
    let (s, body) = submit(&a, &base, &conflict);
    assert_eq!(
        (s, body["error"].as_str().unwrap()),
        (409, "key_image_pending"),
        "{body}"
    );
    node.shutdown().unwrap(); // commits the pending spend

    let (node, base) = start(dir.path(), |_| {});
    let (s, body) = submit(&a, &base, &conflict);
    assert_eq!(
        (s, body["error"].as_str().unwrap()),
        (422, "KeyImageSpent"),
        "{body}"
    );
    let (s, body) = submit(&a, &base, &private(0));
    assert_eq!(
        (s, body["error"].as_str().unwrap()),
        (409, "already_committed"),
        "{body}"
    );
    node.shutdown().unwrap();

    // In a block: both spends reach the runtime together; the second is refused there
    // and committed as a failure, and the key image is spent once.
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    init(&c);
    let mut chain = Chain::open(&c, Verifiers::load(&c).unwrap()).unwrap();
    let entries: Vec<_> = [private(0), conflict]
        .into_iter()
        .map(|tx| {
            let bytes = tx.to_bytes().unwrap();
            std::sync::Arc::new(supervm_node::mempool::Entry::new(
                tx.id().unwrap(),
                tx,
                bytes,
                None,
            ))
        })
        .collect();
    let block = chain.commit(&entries).unwrap();
    assert!(block.receipts[0].is_success());
    assert_eq!(
        block.receipts[1].error.as_ref().unwrap().kind,
        ErrorKind::KeyImageSpent.name()
    );
    assert_eq!(chain.vm().state().key_images().len(), 1);
    let _ = TxError::KeyImageSpent {
        input: 0,
        in_block: true,
    };
}

#[test]
fn mempool_bounds_hold() {
    let dir = tempfile::tempdir().unwrap();
    let (node, base) = start(dir.path(), |c| {
        c.block_interval = Duration::from_secs(3600);
        c.mempool_max_txs = 3;
    });
    let a = agent();
    for n in 0..3 {
        assert_eq!(submit(&a, &base, &public(n)).0, 202);
    }
    let (s, body) = submit(&a, &base, &public(3));
    assert_eq!(
        (s, body["error"].as_str().unwrap()),
        (503, "mempool_full"),
        "{body}"
    );
    let (_, status) = get(&a, &format!("{base}/v1/status"));
    assert_eq!(status["mempool_txs"], 3);
    node.shutdown().unwrap();
}

#[test]
fn a_restart_keeps_notes_key_images_and_objects() {
    let dir = tempfile::tempdir().unwrap();
    let (node, base) = start(dir.path(), |_| {});
    let a = agent();
    let ids: Vec<String> = [public(7), private(2), private(3)]
        .iter()
        .map(|tx| submit(&a, &base, tx).1["id"].as_str().unwrap().to_owned())
        .collect();
    let receipts: Vec<_> = ids.iter().map(|id| wait_committed(&a, &base, id)).collect();
    let state = node.shared().chain.read().unwrap().vm().state().clone();
    let (_, before) = get(&a, &format!("{base}/v1/status"));
    node.shutdown().unwrap();

    let (node, base) = start(dir.path(), |_| {});
    let after = node.shared().chain.read().unwrap().vm().state().clone();
    assert_eq!(after, state);
    assert_eq!(after.key_images().len(), 2);
    assert_eq!(get(&a, &format!("{base}/v1/status")).1, before);
    for (id, r) in ids.iter().zip(receipts) {
        assert_eq!(wait_committed(&a, &base, id), r);
    }
    node.shutdown().unwrap();
}

#[test]
fn a_store_for_another_network_or_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let c = config(dir.path());
    init(&c);
    let mut other = c.clone();
    other.network = "another-net".parse().unwrap();
    let err = Chain::open(&other, Verifiers::load(&other).unwrap()).unwrap_err();
    assert!(
        matches!(&err, NodeError::Store(e) if matches!(**e, StoreError::NetworkMismatch { .. })),
        "{err}"
    );

    // Another key for the same shape: a key file from another setup.
    let keys2 = dir.path().join("other-keys");
    let k = ringct_prover::RingCtKeys::insecure_dev_setup_from_fixed_seed(shape(), 42).unwrap();
    ringct_prover::keyfile::write_keys(&keys2, &k).unwrap();
    let mut other = c.clone();
    other.keys.dir = Some(keys2);
    let err = Chain::open(&other, Verifiers::load(&other).unwrap()).unwrap_err();
    assert!(
        matches!(&err, NodeError::Store(e) if matches!(**e, StoreError::FingerprintMismatch { .. })),
        "{err}"
    );

    // A pin that does not match the key file is refused before the store is opened.
    let mut pinned = c.clone();
    pinned.keys.shapes.insert(shape(), Some([7; 32]));
    assert!(matches!(
        Verifiers::load(&pinned),
        Err(NodeError::Keys { .. })
    ));
}

#[test]
fn graceful_shutdown_commits_what_it_admitted_and_leaves_no_partial_block() {
    let dir = tempfile::tempdir().unwrap();
    let (node, base) = start(dir.path(), |c| {
        c.block_interval = Duration::from_secs(3600);
        c.block_max_txs = 4;
    });
    let a = agent();
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(
            submit(&a, &base, &public(100 + n)).1["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids.push(
        submit(&a, &base, &private(5)).1["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    node.shutdown().unwrap();

    let c = config(dir.path());
    let genesis =
        supervm_node::Genesis::read(&c.data_dir.join("genesis.json"), &c.network).unwrap();
    let report = supervm_node::replay(&c.store_path(), &c, Verifiers::load(&c).unwrap(), &genesis)
        .unwrap()
        .unwrap();
    assert_eq!(report.transactions, 7);
    let store = supervm_store::Store::open(
        &c.store_path(),
        Verifiers::load(&c).unwrap().identity(&c.network),
    )
    .unwrap();
    for id in &ids {
        assert!(
            store.receipt(&id.parse().unwrap()).unwrap().is_some(),
            "{id} lost"
        );
    }
    // Blocks of at most 4: 4 + 3.
    assert_eq!(store.tip().unwrap().height, 2);
}

/// An admission outlives its request when the API's timeout answers 408 first: it goes
/// on verifying on its blocking thread. If shutdown begins meanwhile, the admission must
/// not insert once its proof is verified (the producer may already have exited), and
/// must refuse with the error of admission during shutdown.
#[test]
fn an_admission_still_running_when_shutdown_begins_does_not_insert() {
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    // The queue holds the proof until it is flushed by hand: no batch fills, no
    // latency expires.
    let (node, _base) = start(dir.path(), |c| {
        c.verify_max_batch = 64;
        c.verify_max_latency = Duration::from_secs(3600);
    });
    let shared = std::sync::Arc::clone(node.shared());
    let admission = {
        let shared = std::sync::Arc::clone(&shared);
        std::thread::spawn(move || shared.submit(private(4)))
    };
    // Wait until the proof is in the verification queue: the admission passed its first
    // shutdown check and every check before verification.
    let queue = &shared.admission.queues[&shape()];
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while queue.pending() == 0 {
        assert!(!admission.is_finished(), "{:?}", admission.join());
        assert!(std::time::Instant::now() < deadline, "proof never queued");
        std::thread::sleep(Duration::from_millis(5));
    }
    // Shutdown begins (as `Node::shutdown` starts), then the proof is verified.
    shared.shutting_down.store(true, Ordering::Release);
    queue.shutdown().unwrap();
    assert_eq!(queue.stats().submitted, 1);
    let result = admission.join().unwrap();
    assert!(matches!(result, Err(NodeError::ShuttingDown)), "{result:?}");
    let pool = shared.mempool.lock().unwrap();
    assert!(pool.is_empty(), "{} transactions admitted", pool.len());
    drop(pool);
    node.shutdown().unwrap();
    drop(shared); // the last handle on the store
                  // Nothing was committed either.
    let c = config(dir.path());
    let store = supervm_store::Store::open(
        &c.store_path(),
        Verifiers::load(&c).unwrap().identity(&c.network),
    )
    .unwrap();
    assert_eq!(store.tip().unwrap().height, 0);
    assert!(store.receipt(&private(4).id().unwrap()).unwrap().is_none());
}

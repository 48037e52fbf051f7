//! The real `supervm-node` binary: init, run, metrics, graceful SIGTERM and SIGINT,
//! replay, and exit statuses for bad configuration.

mod support;

use support::*;

#[test]
fn the_binary_serves_metrics_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let genesis = init_with_binary(dir.path());
    let node = Proc::start(dir.path(), &[]);
    let a = agent();
    let (s, body) = submit(&a, &node.base, &public(1));
    assert_eq!(s, 202, "{body}");
    let receipt = wait_committed(&a, &node.base, body["id"].as_str().unwrap());
    assert_eq!(receipt["success"], true);
    let (s, body) = submit(
        &a,
        &node.base,
        &supervm_runtime::Transaction::Private(Box::new(fixture().private[0].clone())),
    );
    assert_eq!(s, 202, "{body}");
    wait_committed(&a, &node.base, body["id"].as_str().unwrap());

    // A malformed submission is counted by its rule.
    let (s, _) = post(
        &a,
        &format!("{}/v1/transactions", node.base),
        "application/octet-stream",
        &[2, 2],
    );
    assert_eq!(s, 400);
    let mut r = a.get(&format!("{}/metrics", node.metrics)).call().unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let text = r.body_mut().read_to_string().unwrap();
    let fp = hex::encode(
        ringct_prover::keyfile::load_verifying_key(&fixture().keys_dir, shape(), None)
            .unwrap()
            .1
             .0,
    );
    for needle in [
        "supervm_build_info{".to_owned(),
        "network=\"supervm-devnet\"".to_owned(),
        format!("fingerprints=\"1x1-r4={fp}\""),
        "protocol_version=\"2\"".to_owned(),
        "supervm_node_block_height ".to_owned(),
        "supervm_node_block_commit_duration_seconds_bucket".to_owned(),
        "supervm_node_mempool_transactions ".to_owned(),
        "supervm_node_mempool_bytes ".to_owned(),
        "supervm_node_store_size_bytes ".to_owned(),
        "supervm_node_admitted_total{kind=\"private\"} 1".to_owned(),
        "supervm_node_admission_rejected_total{reason=\"InvalidProof\"} 0".to_owned(),
        "supervm_node_admission_rejected_total{reason=\"malformed_bytes\"} 1".to_owned(),
        "vm_routing_fast_total 1".to_owned(),
        "vm_routing_privacy_total 1".to_owned(),
        "vm_privacy_zk_batch_verify_total{mode=\"batch\"}".to_owned(),
        // Process metrics, read on every scrape (supervm_telemetry::exporter::Scrape).
        "process_cpu_seconds_total ".to_owned(),
        "process_threads ".to_owned(),
        "process_open_fds ".to_owned(),
        "process_start_time_seconds ".to_owned(),
        "# HELP process_resident_memory_bytes Resident memory size in bytes.".to_owned(),
    ] {
        assert!(
            text.contains(&needle),
            "{needle} missing from /metrics:\n{text}"
        );
    }
    let rss: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    assert!(
        rss > 0.0,
        "process_resident_memory_bytes not positive:\n{text}"
    );
    // The admission verification ran in batch; the block did not verify it again.
    assert!(
        !text.contains("vm_privacy_zk_batch_verify_total{mode=\"batch\"} 2"),
        "{text}"
    );

    node.signal("TERM");
    let status = node.wait();
    assert_eq!(status.code(), Some(0), "SIGTERM must stop the node cleanly");
    let out = command(
        dir.path(),
        &["replay", "--genesis", genesis.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "replay: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 transactions"));
}

#[test]
fn sigint_stops_cleanly_too() {
    let dir = tempfile::tempdir().unwrap();
    init_with_binary(dir.path());
    let node = Proc::start(dir.path(), &[]);
    node.signal("INT");
    assert_eq!(node.wait().code(), Some(0));
}

#[test]
fn bad_configuration_exits_2_and_a_missing_store_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = command(dir.path(), &["run"])
        .env("SUPERVM_NODE_BLOCK_MAX_TXS", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SUPERVM_NODE_BLOCK_MAX_TXS"));
    let toml = dir.path().join("node.toml");
    std::fs::write(&toml, "[block]\nintervall_ms = 5\n").unwrap();
    let out = command(dir.path(), &["--config", toml.to_str().unwrap(), "run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("intervall_ms"));
    let out = command(&dir.path().join("empty"), &["run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("supervm-node init"));
}

//! End to end: the RingCT HTTP bench, scraped by a real Prometheus, answers
//! every Grafana panel query with data, and every alert rule evaluates.
//!
//! 1. builds `zk_parallel_http_bench` (`cargo build -p ringct-http-bench`),
//!    `supervm-node` (`-p supervm-node`) and `ringct-prover-worker`
//!    (`-p ringct-cluster`) into this test's own target dir;
//! 2. when PostgreSQL is installed: starts a throwaway PostgreSQL and one
//!    real `ringct-prover-worker` (metrics on a free loopback port) holding
//!    fixed-seed development keys written to a key directory;
//! 3. starts the bench on a free loopback port: shape 1x1-r4, batches of 4,
//!    a quarter of the witnesses deliberately invalid, and, with PostgreSQL,
//!    `RINGCT_PROVER=postgres://...` and the worker's key directory, so that
//!    the worker proves the bench's batches (without PostgreSQL: the local
//!    prover and insecure fixed-seed dev keys, and the cluster checks are
//!    skipped with a notice, except under CI, where they fail);
//! 4. initialises a node on a two-object genesis (no keys: public
//!    transactions only), starts the real `supervm-node run` on free loopback
//!    ports (blocks every 200 ms), waits for its `/readyz`, and submits public
//!    transfers (and, every few rounds, one of them again, which admission
//!    refuses) from a thread until the end;
//! 5. starts `prometheus` on another free loopback port with a temporary
//!    config (scrape every 1 s, the job names of
//!    `deploy/prometheus/prometheus-ringct.yml`; the worker job discovers the
//!    worker through a file-SD target file, as deploy/ does; the alert rules of
//!    `deploy/prometheus/prometheus-zk-alerts.yml`, evaluated every 1 s) and a
//!    temporary TSDB;
//! 6. once about 20 s of samples exist, runs every panel query of each
//!    dashboard (`xtask dashboards --list-queries UID`) through
//!    `/api/v1/query`, with `$job` set to that dashboard's job and `$instance`
//!    to `.*`, and requires status `success` and a non-empty result (the node
//!    dashboard's privacy-verification panels excepted: a node without keys
//!    verifies nothing; they must still evaluate), and runs every alert
//!    expression, requiring status `success` (an alert may rightly return
//!    nothing) and healthy rules in `/api/v1/rules`;
//! 7. with the cluster, at the end: Prometheus sees the worker `up == 1`
//!    through file SD and the worker proved jobs; the worker is killed
//!    (SIGKILL), and Prometheus sees `up == 0`.
//!
//! Needs `prometheus` on PATH (`deploy/install-prometheus.sh`). Without it the
//! test is skipped with a notice, except under CI (`CI` set), where it fails:
//! `.ci/run` must install it. Every process is killed and the temporary
//! directory removed on every path, by a drop guard.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ringct_circuit::Shape;
use ringct_cluster::throwaway::{find_bin_dir, ThrowawayPostgres};
use ringct_prover::keyfile::write_keys;
use ringct_prover::RingCtKeys;
use serde_json::Value;
use supervm_runtime::{Address, Instruction, ObjectId, ObjectRef, Program, PublicTx, Transaction};

mod support;
use support::{free_loopback_port, http_get, http_post, on_path, wait_for, Guard};

/// The scrape jobs, as in deploy/prometheus/prometheus-ringct.yml.
const JOB: &str = "ringct-parallel-prover";
const NODE_JOB: &str = "supervm-runtime";
const WORKER_JOB: &str = "supervm-cluster-worker";
const BENCH: &str = "zk_parallel_http_bench";
const NODE: &str = "supervm-node";
const WORKER: &str = "ringct-prover-worker";

/// Which dashboard's queries run against which jobs (a regex for `$job`):
/// the prover dashboard's cluster row reads the worker's job.
const DASHBOARD_JOBS: &[(&str, &str)] = &[
    (
        "supervm-ringct",
        "ringct-parallel-prover|supervm-cluster-worker",
    ),
    ("supervm-node", NODE_JOB),
];

/// What marks a prover-dashboard query as one of the cluster row's.
const CLUSTER_QUERY_MARKS: &[&str] = &["ringct_cluster_", "supervm-cluster-worker"];

/// Seed of the development keys the worker and the bench share here.
const CLUSTER_KEY_SEED: u64 = 0x5eed_0c15_7e70_0001;

/// Node panel queries that may return nothing here, and why: the node in this
/// test has no verifying keys, so it verifies no proof.
const NODE_MAY_BE_EMPTY: &[&str] = &[
    "vm_privacy_zk_batch_verify_duration_seconds_bucket",
    "vm_privacy_zk_batch_verify_failed_total",
];

const OWNER: Address = Address::from_u64(0xA);
const FROM: ObjectId = ObjectId::from_u64(1);
const TO: ObjectId = ObjectId::from_u64(2);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The node's genesis: two objects of one owner.
fn genesis_json() -> String {
    format!(
        r#"{{"network":"supervm-devnet","objects":[{{"id":"{}","owner":"{o}","balance":1000000000}},{{"id":"{}","owner":"{o}","balance":0}}],"notes":[]}}"#,
        hex(&FROM.0),
        hex(&TO.0),
        o = hex(&OWNER.0),
    )
}

/// A distinct public transfer (n picks the amount and a burn, so ids differ).
fn transfer(n: u64) -> Vec<u8> {
    Transaction::Public(PublicTx {
        sender: OWNER,
        objects: vec![ObjectRef::any(FROM), ObjectRef::any(TO)],
        program: Program::new(vec![
            Instruction::Transfer {
                from: FROM,
                to: TO,
                amount: 1 + n / 1000,
            },
            Instruction::Burn { units: n % 1000 },
        ]),
    })
    .to_bytes()
    .expect("a public transfer encodes")
}

fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The target directory this test was built into and the name of its
/// profile directory: the executable lives in `<target>/<profile>/deps/`.
/// Falls back to `CARGO_TARGET_DIR` (else `<root>/target`) and `debug`.
fn target_dir(root: &Path) -> (PathBuf, String) {
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        let deps = exe.parent()?;
        if deps.file_name()? != "deps" {
            return None;
        }
        let profile = deps.parent()?;
        Some((
            profile.parent()?.to_path_buf(),
            profile.file_name()?.to_string_lossy().into_owned(),
        ))
    });
    from_exe.unwrap_or_else(|| {
        let dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|dir| {
                if dir.is_absolute() {
                    dir
                } else {
                    root.join(dir)
                }
            })
            .unwrap_or_else(|| root.join("target"));
        (dir, "debug".to_string())
    })
}

/// The cargo flags that build into the profile directory `dir`.
fn profile_args(dir: &str) -> Vec<String> {
    match dir {
        "debug" => vec![],
        "release" => vec!["--release".into()],
        other => vec!["--profile".into(), other.into()],
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `/api/v1/query` at the current time: the parsed response, or why not.
fn prom_query(prom: SocketAddr, expr: &str) -> Result<Value, String> {
    let (status, body) = http_get(prom, &format!("/api/v1/query?query={}", url_encode(expr)))
        .map_err(|e| format!("request failed: {e}"))?;
    let json: Value = serde_json::from_str(&body)
        .map_err(|e| format!("HTTP {status}, not JSON ({e}): {body}"))?;
    if json["status"] != "success" {
        return Err(format!("HTTP {status}, status {}: {body}", json["status"]));
    }
    Ok(json)
}

/// Number of series (or 1 for a scalar/string) in a successful query response.
fn result_len(json: &Value) -> usize {
    match json["data"]["resultType"].as_str() {
        Some("vector" | "matrix") => json["data"]["result"].as_array().map_or(0, Vec::len),
        Some(_) => 1,
        None => 0,
    }
}

/// The first sample value of a vector response.
fn first_value(json: &Value) -> Option<f64> {
    json["data"]["result"].get(0)?["value"]
        .get(1)?
        .as_str()?
        .parse()
        .ok()
}

/// `(alert name, expr)` for every alerting rule of a rules file, by a small
/// line-based reading of the YAML: `- alert: NAME`, then `expr:` either
/// inline or as a block scalar (`|`, `>`) of the more-indented lines below.
fn alert_rules(yaml: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = yaml.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut rules = Vec::new();
    let mut name: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("- alert:") {
            name = Some(rest.trim().trim_matches(['"', '\'']).to_string());
        } else if let Some(rest) = trimmed.strip_prefix("expr:") {
            let rest = rest.trim();
            let expr = if rest.starts_with('|') || rest.starts_with('>') {
                let base = indent(line);
                let mut body = Vec::new();
                while i + 1 < lines.len()
                    && (lines[i + 1].trim().is_empty() || indent(lines[i + 1]) > base)
                {
                    i += 1;
                    body.push(lines[i].trim());
                }
                body.join("\n").trim().to_string()
            } else {
                rest.trim_matches(['"', '\'']).to_string()
            };
            if let Some(name) = name.take() {
                rules.push((name, expr));
            }
        }
        i += 1;
    }
    rules
}

#[test]
fn alert_rule_extraction_reads_block_and_inline_exprs() {
    let yaml = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: |\n          up\n            == 0\n\n        for: 5m\n      - record: r\n        expr: up\n      - alert: B\n        expr: 'sum(up) > 1'\n";
    assert_eq!(
        alert_rules(yaml),
        vec![
            ("A".to_string(), "up\n== 0".to_string()),
            ("B".to_string(), "sum(up) > 1".to_string()),
        ]
    );
}

#[test]
fn dashboards_and_alerts_work_against_a_real_prometheus() {
    let Some(prometheus) = on_path("prometheus") else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "`prometheus` is not on PATH. .ci/run must install it before the tests \
                 (bash deploy/install-prometheus.sh, which installs Debian's prometheus package)."
            );
        }
        eprintln!(
            "SKIPPED prometheus_e2e: `prometheus` is not on PATH \
             (install it with deploy/install-prometheus.sh); under CI this test fails instead"
        );
        return;
    };
    let started = Instant::now();
    let root = project_root();
    let (target, profile) = target_dir(&root);
    let rules_path = root
        .join("deploy/prometheus/prometheus-zk-alerts.yml")
        .canonicalize()
        .expect("deploy/prometheus/prometheus-zk-alerts.yml is missing");

    // 1. Build the bench, the node and the worker into this test's target dir.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "building {BENCH}, {NODE} and {WORKER} into {}/{profile} \
         (cargo build -p ringct-http-bench -p {NODE} -p ringct-cluster)",
        target.display()
    );
    let status = Command::new(&cargo)
        .current_dir(&root)
        .args([
            "build",
            "-p",
            "ringct-http-bench",
            "-p",
            NODE,
            "-p",
            "ringct-cluster",
            "--bins",
        ])
        .args(profile_args(&profile))
        .arg("--target-dir")
        .arg(&target)
        .stdin(Stdio::null())
        .status()
        .expect("cannot run cargo");
    assert!(status.success(), "building {BENCH} failed: {status}");
    let bench_bin = target
        .join(&profile)
        .join(format!("{BENCH}{}", std::env::consts::EXE_SUFFIX));
    assert!(bench_bin.is_file(), "{} was not built", bench_bin.display());
    let node_bin = target
        .join(&profile)
        .join(format!("{NODE}{}", std::env::consts::EXE_SUFFIX));
    assert!(node_bin.is_file(), "{} was not built", node_bin.display());
    let worker_bin = target
        .join(&profile)
        .join(format!("{WORKER}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        worker_bin.is_file(),
        "{} was not built",
        worker_bin.display()
    );
    let build_time = started.elapsed();

    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!(
        "supervm-prometheus-e2e-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(dir.join("tsdb")).expect("cannot create a temporary directory");
    let mut guard = Guard {
        children: Vec::new(),
        dir: dir.clone(),
    };

    // 1b. The cluster: a throwaway PostgreSQL and one worker, if installed.
    let postgres = if find_bin_dir().is_some() {
        Some(ThrowawayPostgres::start(false).expect("cannot start a throwaway PostgreSQL"))
    } else if std::env::var_os("CI").is_some() {
        panic!("PostgreSQL is not installed, and CI must run the cluster part of this test (.ci/run installs Debian's postgresql)");
    } else {
        eprintln!("NOTICE prometheus_e2e: PostgreSQL is not installed; the cluster part is skipped (apt-get install postgresql)");
        None
    };
    let keys_dir = dir.join("keys");
    let worker_metrics = SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));
    let worker = postgres.as_ref().map(|pg| {
        let shape: Shape = "1x1-r4".parse().expect("a shape");
        let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, CLUSTER_KEY_SEED)
            .expect("development keys");
        write_keys(&keys_dir, &keys).expect("cannot write the key files");
        let mut cmd = Command::new(&worker_bin);
        cmd.current_dir(&dir)
            .args(["--database-url", &pg.url(), "--name", "e2e-worker"])
            .arg("--keys-dir")
            .arg(&keys_dir)
            .args([
                "--concurrency",
                "1",
                "--lease-secs",
                "10",
                "--heartbeat-ms",
                "2000",
            ])
            .args(["--metrics-addr", &worker_metrics.to_string()])
            .env_remove("RINGCT_CLUSTER_DATABASE_URL")
            .env_remove("RINGCT_CLUSTER_METRICS_ADDR");
        let worker = guard.spawn("worker", cmd);
        wait_for(
            "the worker's /readyz (keys loaded, database reached)",
            Duration::from_secs(60),
            || guard.assert_running(worker),
            || matches!(http_get(worker_metrics, "/readyz"), Ok((200, _))).then_some(()),
        );
        worker
    });

    // 2. The bench, on a free loopback port: through the cluster if there is one.
    let bench_addr = SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));
    let mut cmd = Command::new(&bench_bin);
    cmd.current_dir(&dir)
        .args(["--addr", &bench_addr.to_string()])
        .args(["--max-seconds", "150"]);
    match &postgres {
        Some(pg) => {
            cmd.env("RINGCT_PROVER", pg.url())
                .env("RINGCT_KEYS_DIR", &keys_dir);
        }
        None => {
            cmd.arg("--insecure-dev-keys")
                .env_remove("RINGCT_PROVER")
                .env_remove("RINGCT_KEYS_DIR");
        }
    }
    cmd.env_remove("RINGCT_PROVER_CA_FILE")
        .env("RINGCT_SHAPE", "1x1-r4")
        .env("RINGCT_PAR_BATCH", "4")
        .env("RINGCT_PAR_THREADS", "2")
        .env("RINGCT_PAR_INTERVAL_MS", "200")
        .env("RINGCT_PAR_SETUP_BATCH", "1")
        .env("RINGCT_BENCH_INVALID_RATE", "0.25")
        .env_remove("RINGCT_BENCH_ADDR")
        .env_remove("RINGCT_BENCH_MAX_BATCHES")
        .env_remove("RINGCT_BENCH_MAX_SECONDS");
    let bench = guard.spawn("bench", cmd);
    wait_for(
        "the bench's /healthz",
        Duration::from_secs(60),
        || guard.assert_running(bench),
        || matches!(http_get(bench_addr, "/healthz"), Ok((200, _))).then_some(()),
    );

    // 2b. The node: init on a fresh genesis, run, wait for /readyz, then load.
    let node_data = dir.join("node");
    let genesis = dir.join("genesis.json");
    std::fs::write(&genesis, genesis_json()).expect("cannot write the genesis");
    let init = Command::new(&node_bin)
        .arg("--data-dir")
        .arg(&node_data)
        .arg("init")
        .arg("--genesis")
        .arg(&genesis)
        .env_remove("SUPERVM_NODE_DATA_DIR")
        .stdin(Stdio::null())
        .output()
        .expect("cannot run supervm-node init");
    assert!(
        init.status.success(),
        "supervm-node init failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let api_addr = SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));
    let node_metrics = SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));
    let mut cmd = Command::new(&node_bin);
    cmd.current_dir(&dir)
        .arg("--data-dir")
        .arg(&node_data)
        .args(["--api-listen", &api_addr.to_string()])
        .args(["--metrics-listen", &node_metrics.to_string()])
        .args(["--block-interval-ms", "200", "run"])
        .env_remove("SUPERVM_NODE_DATA_DIR");
    let node = guard.spawn("node", cmd);
    wait_for(
        "the node's /readyz",
        Duration::from_secs(60),
        || guard.assert_running(node),
        || matches!(http_get(node_metrics, "/readyz"), Ok((200, _))).then_some(()),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let submitted = Arc::new(AtomicU64::new(0));
    let submitter = {
        let (stop, submitted) = (Arc::clone(&stop), Arc::clone(&submitted));
        std::thread::spawn(move || {
            let mut n = 0u64;
            let mut resubmit_in = 5u32;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                if let Ok((202 | 200, _)) = http_post(
                    api_addr,
                    "/v1/transactions",
                    "application/octet-stream",
                    &transfer(n),
                ) {
                    submitted.fetch_add(1, Ordering::Relaxed);
                }
                // Every fifth round.
                resubmit_in -= 1;
                if resubmit_in == 0 {
                    resubmit_in = 5;
                    // The same transaction again: refused at admission
                    // (reason already_pending or already_committed).
                    let _ = http_post(
                        api_addr,
                        "/v1/transactions",
                        "application/octet-stream",
                        &transfer(n),
                    );
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };

    // 3. Prometheus, on another free loopback port.
    let prom_addr = SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));
    let yaml_quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
    // The workers' job reads a file-SD target file, as deploy/ does; it
    // lists the worker, or nothing without the cluster.
    let workers_file = dir.join("workers.yml");
    let worker_targets = if worker.is_some() {
        format!("- targets: ['{worker_metrics}']\n")
    } else {
        "[]\n".to_string()
    };
    std::fs::write(&workers_file, worker_targets).expect("cannot write the worker targets");
    let config = format!(
        "# Written by xtask/tests/prometheus_e2e.rs\n\
         global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
         rule_files:\n  - {rules}\n\
         scrape_configs:\n  - job_name: {JOB}\n    scrape_interval: 1s\n    metrics_path: /metrics\n    \
         static_configs:\n      - targets: ['{bench_addr}']\n  \
         - job_name: {NODE_JOB}\n    scrape_interval: 1s\n    metrics_path: /metrics\n    \
         static_configs:\n      - targets: ['{node_metrics}']\n  \
         - job_name: {WORKER_JOB}\n    scrape_interval: 1s\n    metrics_path: /metrics\n    \
         file_sd_configs:\n      - files: [{workers}]\n        refresh_interval: 5s\n",
        rules = yaml_quote(&rules_path.to_string_lossy()),
        workers = yaml_quote(&workers_file.to_string_lossy()),
    );
    let config_path = dir.join("prometheus.yml");
    std::fs::write(&config_path, config).expect("cannot write the Prometheus config");
    let mut cmd = Command::new(&prometheus);
    cmd.current_dir(&dir)
        .arg(format!("--config.file={}", config_path.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("tsdb").display()
        ))
        .arg(format!("--web.listen-address={prom_addr}"));
    let prom = guard.spawn("prometheus", cmd);
    wait_for(
        "Prometheus /-/ready",
        Duration::from_secs(60),
        || guard.assert_running(prom),
        || matches!(http_get(prom_addr, "/-/ready"), Ok((200, _))).then_some(()),
    );

    // 4. Enough data for rate()/increase()/histogram_quantile() windows:
    //    proofs scraped, a failure counted, and ~20 scrapes of history.
    let series = format!("{{job=\"{JOB}\"}}");
    wait_for(
        "20 s of scraped samples with proofs and failures",
        Duration::from_secs(100),
        || {
            guard.assert_running(bench);
            guard.assert_running(node);
            guard.assert_running(prom);
        },
        || {
            let blocks = prom_query(
                prom_addr,
                &format!("supervm_node_blocks_committed_total{{job=\"{NODE_JOB}\"}}"),
            )
            .ok()
            .and_then(|j| first_value(&j))?;
            let proofs = prom_query(
                prom_addr,
                &format!("vm_privacy_zk_parallel_proof_total{series}"),
            )
            .ok()
            .and_then(|j| first_value(&j))?;
            let failed = prom_query(
                prom_addr,
                &format!("sum(vm_privacy_zk_parallel_proof_failed_total{series})"),
            )
            .ok()
            .and_then(|j| first_value(&j))?;
            let history = prom_query(
                prom_addr,
                &format!("count_over_time(vm_privacy_zk_parallel_batches_total{series}[5m])"),
            )
            .ok()
            .and_then(|j| first_value(&j))?;
            (blocks > 0.0 && proofs > 0.0 && failed > 0.0 && history >= 20.0).then_some(())
        },
    );

    // 5. Every dashboard panel query, against its dashboard's job: success and data.
    let mut problems = Vec::new();
    let mut checked = 0;
    for (uid, job) in DASHBOARD_JOBS {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .current_dir(&root)
            .args(["dashboards", "--list-queries", uid])
            .output()
            .expect("cannot run xtask");
        assert!(
            output.status.success(),
            "xtask dashboards --list-queries {uid} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let queries: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| l.replace("$instance", ".*").replace("$job", job))
            .collect();
        assert!(
            !queries.is_empty(),
            "xtask listed no panel queries for {uid}"
        );
        for expr in &queries {
            let cluster_query = CLUSTER_QUERY_MARKS.iter().any(|m| expr.contains(m));
            let may_be_empty = (*job == NODE_JOB
                && NODE_MAY_BE_EMPTY.iter().any(|m| expr.contains(m)))
                || (cluster_query && worker.is_none());
            // A series that appeared a moment ago may need another scrape or two.
            let deadline = Instant::now() + Duration::from_secs(15);
            let verdict = loop {
                match prom_query(prom_addr, expr) {
                    Ok(json) if result_len(&json) > 0 || may_be_empty => break Ok(()),
                    Ok(json) if Instant::now() >= deadline => {
                        break Err(format!("returned no data: {}", json["data"]))
                    }
                    Err(e) if Instant::now() >= deadline => break Err(e),
                    _ => std::thread::sleep(Duration::from_millis(500)),
                }
            };
            if let Err(why) = verdict {
                problems.push(format!("{uid} panel query `{expr}` {why}"));
            }
            checked += 1;
        }
    }
    let submitted_txs = submitted.load(Ordering::Relaxed);
    if submitted_txs == 0 {
        problems.push("the node admitted no transaction".to_string());
    }

    // 6. Every alert expression evaluates, and Prometheus runs the rules healthily.
    let rules_yaml = std::fs::read_to_string(&rules_path).expect("cannot read the alert rules");
    let alerts = alert_rules(&rules_yaml);
    let declared = rules_yaml
        .lines()
        .filter(|l| l.trim_start().starts_with("- alert:"))
        .count();
    assert!(
        !alerts.is_empty() && alerts.len() == declared,
        "read {} alert expressions from {} but it declares {declared} alerts",
        alerts.len(),
        rules_path.display()
    );
    for (name, expr) in &alerts {
        if let Err(why) = prom_query(prom_addr, expr) {
            problems.push(format!("alert {name}: expression does not evaluate: {why}"));
        }
    }
    let (_, body) = http_get(prom_addr, "/api/v1/rules").expect("GET /api/v1/rules");
    let rules_json: Value = serde_json::from_str(&body).expect("/api/v1/rules is not JSON");
    let loaded: Vec<&Value> = rules_json["data"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["rules"].as_array().into_iter().flatten())
        .collect();
    for (name, _) in &alerts {
        match loaded.iter().find(|r| r["name"] == name.as_str()) {
            None => problems.push(format!("alert {name} is not loaded by Prometheus")),
            Some(rule) if rule["health"] == "err" => problems.push(format!(
                "alert {name} fails to evaluate in Prometheus: {}",
                rule["lastError"]
            )),
            Some(_) => {}
        }
    }

    // 7. The bench's own view: invalid witnesses refused, no proof failed verification.
    let verify_failed = prom_query(
        prom_addr,
        &format!("sum(vm_privacy_zk_batch_verify_failed_total{series})"),
    )
    .ok()
    .and_then(|j| first_value(&j));
    if verify_failed != Some(0.0) {
        problems.push(format!(
            "vm_privacy_zk_batch_verify_failed_total should be 0 (every produced proof verifies), got {verify_failed:?}"
        ));
    }
    match http_get(bench_addr, "/summary") {
        Ok((200, summary)) => {
            for (line, want) in [("verification failures", "0"), ("unexpected outcomes", "0")] {
                let value = summary
                    .lines()
                    .find_map(|l| l.trim().strip_prefix(line))
                    .map(str::trim);
                if value != Some(want) {
                    problems.push(format!(
                        "bench /summary `{line}` is {value:?}, expected {want}:\n{summary}"
                    ));
                }
            }
            if !summary.contains("key fingerprint") || !summary.contains("1x1-r4") {
                problems.push(format!(
                    "bench /summary lacks the shape or fingerprint:\n{summary}"
                ));
            }
        }
        other => problems.push(format!("bench /summary: {other:?}")),
    }
    guard.assert_running(bench);
    guard.assert_running(node);
    stop.store(true, Ordering::Relaxed);
    let _ = submitter.join();

    // 8. The worker, found through file SD, is up; killed, it is down.
    let worker_up = || {
        prom_query(
            prom_addr,
            &format!("up{{job=\"{WORKER_JOB}\",instance=\"{worker_metrics}\"}}"),
        )
        .ok()
        .and_then(|j| first_value(&j))
    };
    if let Some(w) = worker {
        guard.assert_running(w);
        let up = worker_up();
        if up != Some(1.0) {
            problems.push(format!(
                "the worker (file SD) should be up == 1 before it is killed, got {up:?}"
            ));
        }
        let cluster_proofs = prom_query(
            prom_addr,
            &format!("sum(ringct_cluster_jobs_total{{job=\"{WORKER_JOB}\",outcome=\"proved\"}})"),
        )
        .ok()
        .and_then(|j| first_value(&j));
        if !cluster_proofs.is_some_and(|n| n > 0.0) {
            problems.push(format!(
                "the worker proved none of the bench's jobs: {cluster_proofs:?}"
            ));
        }
        let (_, child, _) = &mut guard.children[w];
        child.kill().expect("cannot kill the worker");
        let _ = child.wait();
        wait_for(
            "Prometheus to see the killed worker down (up == 0)",
            Duration::from_secs(30),
            || guard.assert_running(prom),
            || (worker_up() == Some(0.0)).then_some(()),
        );
    }

    eprintln!(
        "prometheus_e2e: {} panel queries and {} alert rules checked, {submitted_txs} transactions \
         admitted by the node, cluster {}; build {:.0} s, run {:.0} s",
        checked,
        alerts.len(),
        if worker.is_some() { "checked (worker up, then killed and down)" } else { "skipped" },
        build_time.as_secs_f64(),
        (started.elapsed() - build_time).as_secs_f64()
    );
    if !problems.is_empty() {
        panic!(
            "{} problem(s):\n- {}\n\nbench output (tail):\n{}\n\nnode output (tail):\n{}",
            problems.len(),
            problems.join("\n- "),
            guard.log_tail(bench, 15),
            guard.log_tail(node, 15)
        );
    }
}

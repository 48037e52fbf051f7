//! End to end: an alert travels from the deploy/ rules through a real
//! Prometheus and a real Alertmanager (with deploy/'s routes and inhibition)
//! to a webhook receiver inside this test, with the right labels, and then
//! resolves.
//!
//! 1. A webhook receiver on a free loopback port records every notification.
//! 2. A scrape target on another free loopback port starts *down* (nothing
//!    listens there).
//! 3. Alertmanager runs `deploy/alertmanager/alertmanager.yml` with only the
//!    receiver's URL and the grouping intervals shortened; Prometheus runs
//!    `deploy/prometheus/prometheus-zk-alerts.yml` with every `for:` set to
//!    0s, scrapes the target every second as job `ringct-parallel-prover` and
//!    sends alerts to that Alertmanager.
//! 4. `TargetDown` must reach the receiver, firing, with the target's `job`
//!    and `instance` and `severity="critical"` and its runbook link. Then the
//!    target comes up (a tiny HTTP server answers `/metrics`), and the
//!    receiver must get `TargetDown` resolved.
//!
//! Needs `prometheus` and `prometheus-alertmanager` on PATH
//! (deploy/install-prometheus.sh). Without them the test is skipped with a
//! notice, except under CI (`CI` set), where it fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

mod support;
use support::{free_loopback_port, http_get, on_path, wait_for, Guard};

const JOB: &str = "ringct-parallel-prover";

fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body, at most
/// 1 MiB) and returns its body.
fn read_request(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("connection closed in the headers"));
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                len = value.trim().parse().map_err(std::io::Error::other)?;
            }
        }
    }
    if len > 1 << 20 {
        return Err(std::io::Error::other("body too large"));
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    Ok(body)
}

/// Serves `listener` in a thread until `stop`: each request gets `respond`'s
/// (status line, body); request bodies go to `seen` as JSON when they parse.
fn serve(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
    seen: Option<Arc<Mutex<Vec<Value>>>>,
    body: &'static str,
) -> std::thread::JoinHandle<()> {
    listener
        .set_nonblocking(true)
        .expect("cannot make the listener non-blocking");
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    if let Ok(request) = read_request(&mut stream) {
                        if let (Some(seen), Ok(json)) =
                            (&seen, serde_json::from_slice::<Value>(&request))
                        {
                            seen.lock().unwrap_or_else(|p| p.into_inner()).push(json);
                        }
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    })
}

/// Notifications for `alertname` with `status`, as (labels, annotations).
fn notifications(seen: &Mutex<Vec<Value>>, alertname: &str, status: &str) -> Vec<(Value, Value)> {
    seen.lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .flat_map(|n| n["alerts"].as_array().cloned().unwrap_or_default())
        .filter(|a| a["labels"]["alertname"] == alertname && a["status"] == status)
        .map(|a| (a["labels"].clone(), a["annotations"].clone()))
        .collect()
}

/// Replaces `from` by `to` in `text`, insisting that `from` occurs.
fn must_replace(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "{from:?} not found: the deploy file changed"
    );
    text.replace(from, to)
}

#[test]
fn an_alert_reaches_the_webhook_and_resolves() {
    let (Some(prometheus), Some(alertmanager)) =
        (on_path("prometheus"), on_path("prometheus-alertmanager"))
    else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "`prometheus` and `prometheus-alertmanager` must be on PATH: .ci/run installs \
                 them with deploy/install-prometheus.sh"
            );
        }
        eprintln!(
            "SKIPPED alertmanager_e2e: `prometheus` or `prometheus-alertmanager` is not on PATH \
             (install them with deploy/install-prometheus.sh); under CI this test fails instead"
        );
        return;
    };
    let root = project_root();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("alertmanager-e2e-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("cannot create a temporary directory");
    let mut guard = Guard {
        children: Vec::new(),
        dir: dir.clone(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    struct StopOnDrop(Arc<AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let _stop_threads = StopOnDrop(Arc::clone(&stop));

    // 1. The webhook receiver.
    let hook = TcpListener::bind("127.0.0.1:0").expect("cannot bind the webhook");
    let hook_addr = hook.local_addr().expect("no webhook address");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let _hook_thread = serve(hook, Arc::clone(&stop), Some(Arc::clone(&seen)), "ok");

    // 2. The target's address: nothing listens there yet.
    let target_addr = SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));

    // 3. Alertmanager with deploy/'s file, receiver URL and intervals shortened.
    let am_yml = std::fs::read_to_string(root.join("deploy/alertmanager/alertmanager.yml"))
        .expect("deploy/alertmanager/alertmanager.yml is missing");
    let am_yml = must_replace(
        &am_yml,
        "http://127.0.0.1:9095/alerts",
        &format!("http://{hook_addr}/alerts"),
    );
    let am_yml = must_replace(&am_yml, "group_wait: 30s", "group_wait: 1s");
    let am_yml = must_replace(&am_yml, "group_wait: 10s", "group_wait: 1s");
    let am_yml = must_replace(&am_yml, "group_interval: 5m", "group_interval: 1s");
    let am_config = dir.join("alertmanager.yml");
    std::fs::write(&am_config, am_yml).expect("cannot write the Alertmanager config");
    let am_addr = SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));
    let mut cmd = Command::new(&alertmanager);
    cmd.current_dir(&dir)
        .arg(format!("--config.file={}", am_config.display()))
        .arg(format!("--storage.path={}", dir.join("am-data").display()))
        .arg(format!("--web.listen-address={am_addr}"))
        .arg("--cluster.listen-address=");
    let am = guard.spawn("alertmanager", cmd);
    wait_for(
        "Alertmanager's /-/ready",
        Duration::from_secs(60),
        || guard.assert_running(am),
        || matches!(http_get(am_addr, "/-/ready"), Ok((200, _))).then_some(()),
    );

    // Prometheus with deploy/'s rules, every `for:` at 0s.
    let rules = std::fs::read_to_string(root.join("deploy/prometheus/prometheus-zk-alerts.yml"))
        .expect("deploy/prometheus/prometheus-zk-alerts.yml is missing");
    let rules: String = rules
        .lines()
        .map(|l| match l.trim_start().strip_prefix("for:") {
            Some(_) => format!("{}for: 0s", &l[..l.len() - l.trim_start().len()]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let rules_path = dir.join("rules.yml");
    std::fs::write(&rules_path, rules).expect("cannot write the rules");
    let prom_addr = SocketAddr::from(([127, 0, 0, 1], free_loopback_port()));
    let config = format!(
        "# Written by xtask/tests/alertmanager_e2e.rs\n\
         global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
         rule_files:\n  - '{rules}'\n\
         alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['{am_addr}']\n\
         scrape_configs:\n  - job_name: {JOB}\n    scrape_interval: 1s\n    scrape_timeout: 500ms\n    \
         static_configs:\n      - targets: ['{target_addr}']\n",
        rules = rules_path.display(),
    );
    let prom_config = dir.join("prometheus.yml");
    std::fs::write(&prom_config, config).expect("cannot write the Prometheus config");
    let mut cmd = Command::new(&prometheus);
    cmd.current_dir(&dir)
        .arg(format!("--config.file={}", prom_config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("tsdb").display()
        ))
        .arg(format!("--web.listen-address={prom_addr}"));
    let prom = guard.spawn("prometheus", cmd);

    // 4. TargetDown reaches the webhook, firing, with the right labels.
    let (labels, annotations) = wait_for(
        "TargetDown (firing) at the webhook",
        Duration::from_secs(90),
        || {
            guard.assert_running(am);
            guard.assert_running(prom);
        },
        || {
            notifications(&seen, "TargetDown", "firing")
                .into_iter()
                .next()
        },
    );
    assert_eq!(labels["job"], JOB, "{labels}");
    assert_eq!(labels["instance"], target_addr.to_string(), "{labels}");
    assert_eq!(labels["severity"], "critical", "{labels}");
    assert_eq!(annotations["runbook_url"], "docs/RUNBOOK.md#targetdown");
    // Nothing else fired for a target that never came up: the symptom rules
    // are guarded by `up == 1`.
    for other in [
        "HighRingCTFailureRate",
        "RingCTVerificationFailures",
        "RingCTProverAbsent",
    ] {
        assert!(
            notifications(&seen, other, "firing").is_empty(),
            "{other} fired for a down target"
        );
    }

    // The target comes up: TargetDown resolves at the webhook.
    let target = TcpListener::bind(target_addr).expect("cannot bind the target's port");
    let _target_thread = serve(target, Arc::clone(&stop), None, "# no metrics\n");
    let (labels, _) = wait_for(
        "TargetDown (resolved) at the webhook",
        Duration::from_secs(90),
        || {
            guard.assert_running(am);
            guard.assert_running(prom);
        },
        || {
            notifications(&seen, "TargetDown", "resolved")
                .into_iter()
                .next()
        },
    );
    assert_eq!(labels["instance"], target_addr.to_string());
    eprintln!(
        "alertmanager_e2e: {} notifications received",
        seen.lock().unwrap_or_else(|p| p.into_inner()).len()
    );
}

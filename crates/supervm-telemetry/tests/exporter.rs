//! The exporter over real loopback HTTP, with non-global recorders so tests run
//! in parallel without sharing state.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use supervm_telemetry::exporter::{
    build_recorder, default_summary, LocalRecorder, MetricsServer, Upkeep,
};
use supervm_telemetry::{
    labels, names, roles, set_prover_build_info, MetricKind, TelemetryError, CATALOG,
};

struct HttpResponse {
    status: u16,
    content_type: String,
    body: String,
}

fn http(addr: SocketAddr, method: &str, path: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).expect("connect to the metrics server");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("set read timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send request");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("read response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("header/body separator");
    let mut head_lines = head.lines();
    let status = head_lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let content_type = head_lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    HttpResponse {
        status,
        content_type,
        body: body.to_owned(),
    }
}

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// Touches every catalogued metric once (labelled ones with a sample label value).
fn record_every_metric(rec: &LocalRecorder) {
    rec.record(|| {
        for def in CATALOG {
            let label_values: Vec<(&'static str, &'static str)> = def
                .labels
                .iter()
                .map(|&k| {
                    let v = if k == labels::MODE { "batch" } else { "fast" };
                    (k, v)
                })
                .collect();
            match def.kind {
                MetricKind::Counter => metrics::counter!(def.name, &label_values).increment(1),
                MetricKind::Gauge => metrics::gauge!(def.name, &label_values).set(1.5),
                MetricKind::Histogram => metrics::histogram!(def.name, &label_values).record(0.02),
            }
        }
    });
}

#[test]
fn metrics_endpoint_serves_prometheus_text() {
    let rec = build_recorder().unwrap();
    rec.record(|| {
        metrics::counter!(names::ZK_PARALLEL_PROOF_TOTAL).increment(3);
        metrics::gauge!(names::ZK_PARALLEL_TPS).set(42.5);
    });
    let server = MetricsServer::start(loopback(), rec.scrape()).unwrap();
    assert_ne!(
        server.local_addr().port(),
        0,
        "local_addr must be the bound port"
    );

    let resp = http(server.local_addr(), "GET", "/metrics");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.content_type, "text/plain; version=0.0.4");
    assert!(
        resp.body
            .lines()
            .any(|l| l == "vm_privacy_zk_parallel_proof_total 3"),
        "{}",
        resp.body
    );
    assert!(resp
        .body
        .lines()
        .any(|l| l == "vm_privacy_zk_parallel_tps 42.5"));
    assert!(resp
        .body
        .contains("# TYPE vm_privacy_zk_parallel_proof_total counter"));

    // Query strings are ignored for routing.
    assert_eq!(http(server.local_addr(), "GET", "/metrics?x=1").status, 200);
    server.shutdown();
}

/// The value of the unlabelled series `name` in an exposition.
fn value(body: &str, name: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

#[test]
fn every_scrape_reads_the_process_metrics_into_its_own_recorder() {
    let rec = build_recorder().unwrap();
    // Nothing collects them but a scrape.
    assert!(!rec.handle().render().contains("process_"));
    let server = MetricsServer::start(loopback(), rec.scrape()).unwrap();
    let resp = http(server.local_addr(), "GET", "/metrics");
    assert_eq!(resp.status, 200);
    let body = resp.body;

    let rss = value(&body, names::PROCESS_RESIDENT_MEMORY_BYTES).expect("resident memory");
    assert!(rss > 1024.0 * 1024.0, "resident memory {rss} bytes\n{body}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let start = value(&body, names::PROCESS_START_TIME_SECONDS).expect("start time");
    assert!(
        start > now - 24.0 * 3600.0 && start <= now + 1.0,
        "start {start}, now {now}"
    );
    assert!(value(&body, names::PROCESS_THREADS).expect("threads") >= 2.0);
    assert!(value(&body, names::PROCESS_OPEN_FDS).expect("open fds") >= 3.0);
    assert!(
        value(&body, names::PROCESS_CPU_SECONDS_TOTAL).is_some(),
        "{body}"
    );
    // The catalog is the single source of the names and their help.
    for line in body.lines().filter(|l| l.starts_with("process_")) {
        let name = line.split([' ', '{']).next().unwrap();
        assert!(
            names::PROCESS.contains(&name),
            "{name} is exported but not catalogued"
        );
    }
    assert!(body.contains("# HELP process_resident_memory_bytes Resident memory size in bytes."));
    assert!(body.contains("# TYPE process_cpu_seconds_total counter"));

    // Another recorder's scrape never writes into this one.
    let other = build_recorder().unwrap();
    let _ = rec.scrape().render();
    assert!(!other.handle().render().contains("process_"));
}

#[test]
fn healthz_not_found_and_wrong_method() {
    let rec = build_recorder().unwrap();
    let server = MetricsServer::start(loopback(), rec.scrape()).unwrap();
    let addr = server.local_addr();

    let health = http(addr, "GET", "/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    assert_eq!(http(addr, "GET", "/").status, 404);
    assert_eq!(http(addr, "GET", "/metricsx").status, 404);
    assert_eq!(http(addr, "POST", "/metrics").status, 405);
}

#[test]
fn summary_uses_the_callback() {
    let rec = build_recorder().unwrap();
    let server =
        MetricsServer::start_with_summary(loopback(), rec.scrape(), || "42 proofs\n".to_owned())
            .unwrap();
    let resp = http(server.local_addr(), "GET", "/summary");
    assert_eq!(resp.status, 200);
    assert!(resp.content_type.starts_with("text/plain"));
    assert_eq!(resp.body, "42 proofs\n");
}

#[test]
fn summary_callback_panic_is_a_500_and_the_server_survives() {
    let rec = build_recorder().unwrap();
    let server =
        MetricsServer::start_with_summary(loopback(), rec.scrape(), || panic!("boom")).unwrap();
    assert_eq!(http(server.local_addr(), "GET", "/summary").status, 500);
    assert_eq!(http(server.local_addr(), "GET", "/healthz").status, 200);
}

#[test]
fn default_summary_lists_recorded_metrics_with_help() {
    let rec = build_recorder().unwrap();
    // Nothing recorded, nothing collected: the summary says so.
    let idle = default_summary(&rec.handle());
    assert!(idle.contains("no metrics recorded yet"), "{idle}");
    // The server's summary is of a fresh scrape: the process metrics are there.
    let server = MetricsServer::start(loopback(), rec.scrape()).unwrap();
    let idle = http(server.local_addr(), "GET", "/summary");
    assert_eq!(idle.status, 200);
    assert!(
        !idle.body.contains("no metrics recorded yet")
            && idle.body.contains("process_resident_memory_bytes = ")
            && idle.body.contains("Resident memory size in bytes."),
        "{}",
        idle.body
    );

    rec.record(|| {
        metrics::counter!(names::ZK_PARALLEL_BATCHES_TOTAL).increment(7);
        metrics::histogram!(names::ZK_PARALLEL_PROOF_DURATION_SECONDS).record(0.25);
        metrics::histogram!(names::ZK_PARALLEL_PROOF_DURATION_SECONDS).record(0.75);
    });
    let body = http(server.local_addr(), "GET", "/summary").body;
    assert!(
        body.contains("vm_privacy_zk_parallel_batches_total = 7"),
        "{body}"
    );
    assert!(body.contains("RingCT proving batches completed."), "{body}");
    assert!(
        body.contains("vm_privacy_zk_parallel_proof_duration_seconds: count = 2"),
        "{body}"
    );
    assert!(body.contains("mean = 0.500000 s"), "{body}");
}

#[test]
fn histograms_use_the_catalog_buckets() {
    let rec = build_recorder().unwrap();
    record_every_metric(&rec);
    let server = MetricsServer::start(loopback(), rec.scrape()).unwrap();
    let body = http(server.local_addr(), "GET", "/metrics").body;

    assert!(
        !body.contains("quantile="),
        "a histogram was exported as a summary"
    );
    let mut checked = 0;
    for def in CATALOG.iter().filter(|d| d.kind == MetricKind::Histogram) {
        let bucket_prefix = format!("{}_bucket{{", def.name);
        let bucket_lines: Vec<&str> = body
            .lines()
            .filter(|l| l.starts_with(&bucket_prefix))
            .collect();
        // One line per explicit bound, plus +Inf.
        assert_eq!(
            bucket_lines.len(),
            def.buckets.len() + 1,
            "{}: {bucket_lines:?}",
            def.name
        );
        for bound in def.buckets {
            let le = format!("le=\"{bound}\"}}");
            assert!(
                bucket_lines.iter().any(|l| l.contains(&le)),
                "{} lacks bucket {le}",
                def.name
            );
        }
        assert!(bucket_lines.iter().any(|l| l.contains("le=\"+Inf\"} 1")));
        checked += 1;
    }
    assert_eq!(checked, 8, "the catalog has eight histograms");
    // The one observation of 0.02 s lands in the 0.025 s proof bucket, not below.
    assert!(body
        .lines()
        .any(|l| l == "vm_privacy_zk_parallel_proof_duration_seconds_bucket{le=\"0.025\"} 1"));
    assert!(body
        .lines()
        .any(|l| l == "vm_privacy_zk_parallel_proof_duration_seconds_bucket{le=\"0.01\"} 0"));
}

#[test]
fn every_catalog_description_is_exported_as_help() {
    let rec = build_recorder().unwrap();
    record_every_metric(&rec);
    let body = rec.handle().render();
    for def in CATALOG {
        let help = format!("# HELP {} {}", def.name, def.help);
        assert!(body.lines().any(|l| l == help), "missing `{help}`");
        let kind = match def.kind {
            MetricKind::Counter => "counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
        };
        let ty = format!("# TYPE {} {kind}", def.name);
        assert!(body.lines().any(|l| l == ty), "missing `{ty}`");
    }
}

#[test]
fn taken_port_is_a_typed_error_naming_the_address() {
    let squatter = TcpListener::bind(loopback()).unwrap();
    let taken = squatter.local_addr().unwrap();
    let rec = build_recorder().unwrap();
    match MetricsServer::start(taken, rec.scrape()) {
        Err(err @ TelemetryError::Bind { addr, .. }) => {
            assert_eq!(addr, taken);
            assert!(err.to_string().contains(&taken.to_string()), "{err}");
        }
        other => panic!("expected TelemetryError::Bind, got {other:?}"),
    }
}

fn wait_until_bindable(addr: SocketAddr) -> TcpListener {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        match TcpListener::bind(addr) {
            Ok(listener) => return listener,
            Err(e) if Instant::now() > deadline => panic!("{addr} still taken: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

#[test]
fn shutdown_joins_and_frees_the_port() {
    let rec = build_recorder().unwrap();
    let server = MetricsServer::start(loopback(), rec.scrape()).unwrap();
    let addr = server.local_addr();
    assert_eq!(http(addr, "GET", "/healthz").status, 200);

    let started = Instant::now();
    server.shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "shutdown took {:?}",
        started.elapsed()
    );
    let again = wait_until_bindable(addr);
    drop(again);

    // Drop does the same as shutdown.
    let server = MetricsServer::start(addr, rec.scrape()).unwrap();
    assert_eq!(server.local_addr(), addr);
    drop(server);
    drop(wait_until_bindable(addr));
}

#[test]
fn upkeep_stops_promptly_and_rejects_a_zero_interval() {
    let rec = build_recorder().unwrap();
    assert!(matches!(
        Upkeep::spawn(rec.handle(), Duration::ZERO),
        Err(TelemetryError::ZeroUpkeepInterval)
    ));

    let upkeep = Upkeep::spawn(rec.handle(), Duration::from_secs(3600)).unwrap();
    let started = Instant::now();
    upkeep.shutdown();
    assert!(started.elapsed() < Duration::from_secs(1));

    // Upkeep running concurrently with recording keeps the data intact.
    let upkeep = Upkeep::spawn(rec.handle(), Duration::from_millis(1)).unwrap();
    rec.record(|| {
        for _ in 0..50 {
            metrics::histogram!(names::RUNTIME_BLOCK_DURATION_SECONDS).record(0.003);
            std::thread::sleep(Duration::from_micros(200));
        }
    });
    drop(upkeep);
    let body = rec.handle().render();
    assert!(
        body.lines()
            .any(|l| l == "vm_runtime_block_duration_seconds_count 50"),
        "{body}"
    );
}

#[test]
fn prover_build_info_carries_every_catalogued_label() {
    let rec = build_recorder().unwrap();
    rec.record(|| {
        set_prover_build_info(
            "9.8.7",
            "1x1-r4=aa,1x2-r4=bb".to_owned(),
            "files",
            roles::WORKER,
        )
    });
    let body = rec.handle().render();
    let line = body
        .lines()
        .find(|l| l.starts_with("supervm_prover_build_info{"))
        .unwrap_or_else(|| panic!("no build info in\n{body}"));
    assert!(line.ends_with("} 1"), "{line}");
    for pair in [
        "version=\"9.8.7\"",
        "fingerprints=\"1x1-r4=aa,1x2-r4=bb\"",
        "keys=\"files\"",
        "role=\"worker\"",
    ] {
        assert!(line.contains(pair), "{pair} not in {line}");
    }
    let def = supervm_telemetry::find(names::PROVER_BUILD_INFO).unwrap();
    assert_eq!(line.matches("=\"").count(), def.labels.len(), "{line}");
}

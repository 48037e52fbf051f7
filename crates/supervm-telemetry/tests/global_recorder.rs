//! The process-wide recorder. Kept in its own test binary (its own process), and a
//! single test, because a process can install only one global recorder.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use supervm_telemetry::exporter::{install_global, MetricsServer};
use supervm_telemetry::{names, TelemetryError};

#[test]
fn install_global_serves_catalog_metrics_once_per_process() {
    assert!(matches!(
        install_global(Duration::ZERO),
        Err(TelemetryError::ZeroUpkeepInterval)
    ));

    let global = install_global(Duration::from_millis(20)).unwrap();
    metrics::counter!(names::ZK_PARALLEL_BATCHES_TOTAL).increment(2);
    metrics::histogram!(names::ZK_PARALLEL_BATCH_DURATION_SECONDS).record(0.3);

    assert!(matches!(
        install_global(Duration::from_secs(1)),
        Err(TelemetryError::RecorderAlreadyInstalled)
    ));

    let server = MetricsServer::start("127.0.0.1:0".parse().unwrap(), global.scrape()).unwrap();
    let mut stream = TcpStream::connect(server.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();

    assert!(raw.contains("\r\n\r\n"), "{raw}");
    assert!(
        raw.lines()
            .any(|l| l == "vm_privacy_zk_parallel_batches_total 2"),
        "{raw}"
    );
    assert!(raw
        .contains("# HELP vm_privacy_zk_parallel_batches_total RingCT proving batches completed."));
    assert!(raw
        .lines()
        .any(|l| l == "vm_privacy_zk_parallel_batch_duration_seconds_bucket{le=\"0.5\"} 1"));

    // The global recorder's scrape collects the process metrics into it.
    let rss = raw
        .lines()
        .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
        .and_then(|v| v.trim().parse::<f64>().ok());
    assert!(matches!(rss, Some(b) if b > 0.0), "{raw}");

    server.shutdown();
    global.shutdown();
}

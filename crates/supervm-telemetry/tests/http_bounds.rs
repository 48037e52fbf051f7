//! The metrics endpoint's bounds and readiness over real loopback HTTP:
//! 414, 431, 405 with `Allow`, `/readyz` apart from `/healthz`, JSON errors.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use supervm_telemetry::exporter::{build_recorder, MetricsServer};
use supervm_telemetry::http::{MAX_HEADER_BYTES, MAX_URL_BYTES};
use supervm_telemetry::names;

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

/// Sends `head` (request line and headers, without the blank line) and reads
/// the whole reply.
fn send(addr: SocketAddr, head: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    write!(stream, "{head}\r\nConnection: close\r\n\r\n").expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read reply");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (headers, body) = raw.split_once("\r\n\r\n").expect("header/body separator");
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    Reply {
        status,
        headers: headers.to_ascii_lowercase(),
        body: body.to_owned(),
    }
}

fn get(addr: SocketAddr, path: &str) -> Reply {
    send(addr, &format!("GET {path} HTTP/1.1\r\nHost: {addr}"))
}

/// The `error` field of a JSON error body.
fn rule(reply: &Reply) -> String {
    let v: serde_json::Value = serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", reply.body));
    v["error"].as_str().unwrap_or_default().to_owned()
}

fn server() -> MetricsServer {
    let rec = build_recorder().unwrap();
    rec.record(|| metrics::counter!(names::ZK_PARALLEL_PROOF_TOTAL).increment(2));
    MetricsServer::start("127.0.0.1:0".parse().unwrap(), rec.scrape()).unwrap()
}

#[test]
fn a_long_url_gets_414_and_one_within_the_bound_is_served() {
    let server = server();
    let addr = server.local_addr();
    let long = format!("/metrics?{}", "a".repeat(10 * 1024));
    let reply = get(addr, &long);
    assert_eq!((reply.status, rule(&reply).as_str()), (414, "uri_too_long"));
    assert!(reply.headers.contains("content-type: application/json"));
    // At the bound exactly: served.
    let fits = format!("/metrics?{}", "a".repeat(MAX_URL_BYTES - "/metrics?".len()));
    assert_eq!(get(addr, &fits).status, 200);
}

#[test]
fn a_large_header_section_gets_431() {
    let server = server();
    let addr = server.local_addr();
    let big = "b".repeat(16 * 1024);
    let reply = send(
        addr,
        &format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nX-Big: {big}"),
    );
    assert_eq!(
        (reply.status, rule(&reply).as_str()),
        (431, "headers_too_large")
    );
    // Within the bound: served.
    let small = "b".repeat(MAX_HEADER_BYTES / 2);
    let reply = send(
        addr,
        &format!("GET /metrics HTTP/1.1\r\nHost: {addr}\r\nX-Big: {small}"),
    );
    assert_eq!(reply.status, 200);
}

#[test]
fn another_method_gets_405_with_allow() {
    let server = server();
    let addr = server.local_addr();
    for path in ["/metrics", "/summary", "/healthz", "/readyz"] {
        let reply = send(
            addr,
            &format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0"),
        );
        assert_eq!(reply.status, 405, "{path}");
        let allow = reply
            .headers
            .lines()
            .find_map(|l| l.strip_prefix("allow:"))
            .unwrap_or_else(|| panic!("{path}: no Allow header in {}", reply.headers));
        let mut methods: Vec<&str> = allow.split(',').map(str::trim).collect();
        methods.sort_unstable();
        assert_eq!(methods, ["get", "head"], "{path}");
        assert_eq!(rule(&reply), "method_not_allowed");
    }
    // An unknown path is 404, as JSON.
    let reply = get(addr, "/nope");
    assert_eq!((reply.status, rule(&reply).as_str()), (404, "not_found"));
}

#[test]
fn readyz_is_503_until_the_flag_is_set_and_healthz_is_200_throughout() {
    let server = server();
    let addr = server.local_addr();
    assert_eq!(get(addr, "/healthz").status, 200);
    let reply = get(addr, "/readyz");
    assert_eq!((reply.status, rule(&reply).as_str()), (503, "not_ready"));

    let readiness = server.readiness();
    assert!(!readiness.is_ready());
    server.set_ready(true);
    assert!(readiness.is_ready());
    let reply = get(addr, "/readyz");
    assert_eq!((reply.status, reply.body.as_str()), (200, "ready\n"));

    // Through a cloned handle, back to not ready.
    readiness.set(false);
    assert_eq!(get(addr, "/readyz").status, 503);
    assert_eq!(get(addr, "/healthz").status, 200);
}

#[test]
fn metrics_serves_the_text_format_with_its_content_type() {
    let server = server();
    let reply = get(server.local_addr(), "/metrics");
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .headers
            .contains("content-type: text/plain; version=0.0.4"),
        "{}",
        reply.headers
    );
    assert!(
        reply
            .body
            .lines()
            .any(|l| l == "vm_privacy_zk_parallel_proof_total 2"),
        "{}",
        reply.body
    );
    // HEAD is served too, without a body.
    let head = send(
        server.local_addr(),
        &format!("HEAD /metrics HTTP/1.1\r\nHost: {}", server.local_addr()),
    );
    assert_eq!((head.status, head.body.as_str()), (200, ""));
}

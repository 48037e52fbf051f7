//! The HTTP bench (`zk_parallel_http_bench`) as a real process: exit statuses
//! for configuration errors, signals during startup and in the loop, and the
//! HTTP endpoint's bounds, readiness and JSON errors.
//!
//! Cargo builds the binary for this test (`CARGO_BIN_EXE_zk_parallel_http_bench`). Every child
//! gets a clean environment for the variables the bench reads, listens on a
//! free loopback port, writes its output to files in a temporary directory,
//! and is waited for with a bounded poll: on timeout it is killed and the
//! test fails with its output, so no test can hang.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Every variable the bench reads.
const VARS: [&str; 12] = [
    "RINGCT_PAR_BATCH",
    "RINGCT_PAR_THREADS",
    "RINGCT_PAR_INTERVAL_MS",
    "RINGCT_PAR_SETUP_BATCH",
    "RINGCT_SHAPE",
    "RINGCT_KEYS_DIR",
    "RINGCT_BENCH_INVALID_RATE",
    "RINGCT_BENCH_ADDR",
    "RINGCT_BENCH_MAX_BATCHES",
    "RINGCT_BENCH_MAX_SECONDS",
    "RINGCT_PROVER",
    "RINGCT_PROVER_CA_FILE",
];

/// The largest valid shape: its ephemeral setup takes several seconds
/// (about 4.5 s on the 2-core baseline machine, debug profile with the
/// workspace's optimised dependencies), long enough to signal during it.
const SLOW_SHAPE: &str = "16x16-r16";

/// The binary cargo built for this test.
fn bench_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_zk_parallel_http_bench"))
}

/// A running bench whose output goes to files; killed on drop.
struct Bench {
    child: Child,
    dir: PathBuf,
}

impl Bench {
    /// Starts the bench with `env` (every other bench variable removed) and `args`.
    fn start(env: &[(&str, OsString)], args: &[OsString]) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ringct-bench-process-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmd = Command::new(bench_binary());
        for var in VARS {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .args(args)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("stdout")).unwrap())
            .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
            .spawn()
            .expect("cannot start the bench");
        Bench { child, dir }
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(self.dir.join("stdout")).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr")).unwrap_or_default()
    }

    fn output(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        )
    }

    /// Waits until `ready(stdout, stderr)` holds; fails (after killing the
    /// process) if it exits first or `timeout` passes.
    fn wait_for(&mut self, what: &str, timeout: Duration, ready: impl Fn(&str, &str) -> bool) {
        let start = Instant::now();
        loop {
            if ready(&self.stdout(), &self.stderr()) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the bench exited ({status}) before {what}\n{}",
                    self.output()
                );
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("no {what} within {timeout:?}\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the process to exit, at most `timeout` (killed then).
    fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "the bench did not exit within {timeout:?}\n{}",
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -s {name} {}", self.child.id()))
            .status()
            .expect("cannot run sh");
        assert!(status.success(), "kill -s {name} failed");
    }
}

impl Drop for Bench {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn os(s: &str) -> OsString {
    s.into()
}

fn loopback() -> Vec<OsString> {
    vec![os("--addr"), os("127.0.0.1:0")]
}

/// Runs the bench to completion (bounded) and returns status and output.
fn run_to_exit(env: &[(&str, OsString)], args: &[OsString]) -> (ExitStatus, String, String) {
    let mut bench = Bench::start(env, args);
    let status = bench.wait_exit(Duration::from_secs(60));
    (status, bench.stdout(), bench.stderr())
}

#[test]
fn a_non_utf8_value_of_any_variable_exits_2_naming_it() {
    for var in VARS {
        let (status, _, stderr) = run_to_exit(
            &[(var, OsString::from_vec(vec![b'1', 0xff, 0xfe]))],
            &loopback(),
        );
        assert_eq!(status.code(), Some(2), "{var}: {stderr}");
        assert!(
            stderr.contains(var) && stderr.contains("not valid UTF-8"),
            "{var}: {stderr}"
        );
    }
    let (status, _, stderr) = run_to_exit(&[], &[OsString::from_vec(vec![b'-', b'-', 0xff])]);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("argument 1 is not valid UTF-8"), "{stderr}");
}

#[test]
fn out_of_bound_values_exit_2_naming_variable_value_and_bound() {
    for (var, value, bound) in [
        ("RINGCT_PAR_THREADS", "100000", "256"),
        ("RINGCT_PAR_BATCH", "1025", "1024"),
    ] {
        let start = Instant::now();
        let (status, stdout, stderr) = run_to_exit(&[(var, os(value))], &loopback());
        assert_eq!(status.code(), Some(2), "{var}={value}: {stderr}");
        assert!(
            stderr.contains(&format!("{var}={value}")) && stderr.contains(bound),
            "{stderr}"
        );
        // Refused before anything starts: no endpoint, no keys, no threads.
        assert!(!stdout.contains("serving"), "{stdout}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}

#[test]
fn other_configuration_errors_exit_2() {
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);
    let cases: [Case; 4] = [
        (&[("RINGCT_PAR_THREADS", "0")], &[], "RINGCT_PAR_THREADS"),
        (
            &[("RINGCT_BENCH_INVALID_RATE", "")],
            &[],
            "RINGCT_BENCH_INVALID_RATE",
        ),
        (&[], &["--bogus"], "--bogus"),
        (&[], &["--max-batches", "0"], "--max-batches"),
    ];
    for (env, args, needle) in cases {
        let env: Vec<(&str, OsString)> = env.iter().map(|(k, v)| (*k, os(v))).collect();
        let mut all = loopback();
        all.extend(args.iter().map(|a| os(a)));
        let (status, _, stderr) = run_to_exit(&env, &all);
        assert_eq!(status.code(), Some(2), "{needle}: {stderr}");
        assert!(stderr.contains(needle), "{needle}: {stderr}");
    }
    // A keys directory without key files: found at key loading, still a
    // configuration error.
    let missing = std::env::temp_dir().join(format!("ringct-no-keys-{}", std::process::id()));
    let (status, _, stderr) = run_to_exit(
        &[
            ("RINGCT_SHAPE", os("1x1-r4")),
            ("RINGCT_KEYS_DIR", missing.clone().into_os_string()),
        ],
        &loopback(),
    );
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn a_bad_ringct_prover_exits_2_without_leaking_a_password() {
    for (value, keys_dir) in [
        ("mysql://prover:hunter2@db/ringct", true),
        ("Local", false),
        ("", false),
        // A valid URL, but an ephemeral setup the workers cannot hold.
        ("postgres://prover:hunter2@db/ringct", false),
    ] {
        let mut env = vec![("RINGCT_SHAPE", os("1x1-r4")), ("RINGCT_PROVER", os(value))];
        if keys_dir {
            env.push(("RINGCT_KEYS_DIR", os("/nonexistent-ringct-keys")));
        }
        let start = Instant::now();
        let (status, stdout, stderr) = run_to_exit(&env, &loopback());
        assert_eq!(status.code(), Some(2), "{value}: {stderr}");
        assert!(stderr.contains("RINGCT_PROVER"), "{value}: {stderr}");
        assert!(
            !stderr.contains("hunter2"),
            "{value}: a password leaked: {stderr}"
        );
        // Refused before anything starts.
        assert!(!stdout.contains("serving"), "{value}: {stdout}");
        assert!(start.elapsed() < Duration::from_secs(10));
    }
}

/// Starts an ephemeral setup of [`SLOW_SHAPE`], signals it while the setup
/// runs, and expects a prompt exit with `code`.
fn signal_during_startup(signal: &str, code: i32) {
    let mut bench = Bench::start(&[("RINGCT_SHAPE", os(SLOW_SHAPE))], &loopback());
    // The warning is printed just before the setup starts.
    bench.wait_for(
        "the ephemeral-setup warning",
        Duration::from_secs(60),
        |_, err| err.contains("EPHEMERAL Groth16 setup"),
    );
    std::thread::sleep(Duration::from_millis(200));
    let sent = Instant::now();
    bench.signal(signal);
    let status = bench.wait_exit(Duration::from_secs(20));
    let took = sent.elapsed();
    assert_eq!(status.code(), Some(code), "{signal}\n{}", bench.output());
    assert!(
        took < Duration::from_secs(3),
        "{signal}: exit took {took:?}\n{}",
        bench.output()
    );
    // It stopped during the setup: the keys were never reported ready.
    assert!(!bench.stdout().contains("ready in"), "{}", bench.output());
    assert!(
        bench.stderr().contains(&format!("{signal} during startup")),
        "{}",
        bench.output()
    );
}

#[test]
fn sigterm_during_the_ephemeral_setup_exits_143_promptly() {
    signal_during_startup("TERM", 143);
}

#[test]
fn sigint_during_the_ephemeral_setup_exits_130_promptly() {
    signal_during_startup("INT", 130);
}

fn small_loop_env(batch: &str, warm_up: &str) -> Vec<(&'static str, OsString)> {
    vec![
        ("RINGCT_SHAPE", os("1x1-r4")),
        ("RINGCT_PAR_BATCH", os(batch)),
        ("RINGCT_PAR_THREADS", os("2")),
        ("RINGCT_PAR_INTERVAL_MS", os("0")),
        ("RINGCT_PAR_SETUP_BATCH", os(warm_up)),
    ]
}

fn dev_keys() -> Vec<OsString> {
    let mut args = loopback();
    args.push(os("--insecure-dev-keys"));
    args
}

#[test]
fn a_signal_in_the_loop_finishes_the_batch_and_prints_the_summary() {
    let mut bench = Bench::start(&small_loop_env("2", "0"), &dev_keys());
    bench.wait_for("the proving loop", Duration::from_secs(60), |out, _| {
        out.contains("proving: SIGINT")
    });
    bench.signal("TERM");
    let status = bench.wait_exit(Duration::from_secs(60));
    assert_eq!(status.code(), Some(0), "{}", bench.output());
    let out = bench.stdout();
    assert!(out.contains("state                 stopped"), "{out}");
    assert!(
        bench
            .stderr()
            .contains("SIGTERM: finishing the current batch"),
        "{}",
        bench.output()
    );
}

#[test]
fn a_second_signal_in_the_loop_exits_at_once() {
    // One warm-up batch of 256 small proofs takes seconds: both signals land
    // while it is being proved.
    let mut bench = Bench::start(&small_loop_env("256", "1"), &dev_keys());
    bench.wait_for("the proving loop", Duration::from_secs(60), |out, _| {
        out.contains("proving: SIGINT")
    });
    bench.signal("TERM");
    bench.wait_for(
        "the first signal's notice",
        Duration::from_secs(10),
        |_, err| err.contains("SIGTERM: finishing the current batch"),
    );
    let sent = Instant::now();
    bench.signal("INT");
    let status = bench.wait_exit(Duration::from_secs(20));
    assert_eq!(status.code(), Some(130), "{}", bench.output());
    assert!(
        sent.elapsed() < Duration::from_secs(3),
        "{}",
        bench.output()
    );
    assert!(
        bench.stderr().contains("second signal (SIGINT)"),
        "{}",
        bench.output()
    );
    // It did not wait for the batch: no warm-up line, no summary.
    assert!(
        !bench.stdout().contains("warm-up 1/1"),
        "{}",
        bench.output()
    );
}

/// One raw HTTP/1.0 request (`head` is the request line and headers, without
/// the final blank line): status, lower-cased headers, body.
fn http(addr: SocketAddr, head: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(b"\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("malformed response: {text:?}"));
    (status, headers.to_ascii_lowercase(), body.to_string())
}

fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    http(addr, &format!("GET {path} HTTP/1.0\r\nHost: {addr}"))
}

/// The address the bench printed on its `serving http://ADDR/metrics` line.
fn served_addr(stdout: &str) -> Option<SocketAddr> {
    let rest = stdout.split("serving http://").nth(1)?;
    rest.split('/').next()?.parse().ok()
}

/// The error rule of a JSON error body.
fn rule(body: &str) -> String {
    let start = body.find("\"error\":\"").map(|i| i + 9);
    start
        .and_then(|i| body[i..].split('"').next())
        .unwrap_or_else(|| panic!("not a JSON error body: {body}"))
        .to_string()
}

#[test]
fn the_endpoint_is_bounded_answers_json_errors_and_separates_health_from_readiness() {
    // A slow ephemeral setup (seconds), so /readyz is seen refusing while
    // /healthz says ok.
    let mut bench = Bench::start(
        &[
            ("RINGCT_SHAPE", os(SLOW_SHAPE)),
            ("RINGCT_PAR_BATCH", os("1")),
            ("RINGCT_PAR_THREADS", os("2")),
            ("RINGCT_PAR_SETUP_BATCH", os("0")),
        ],
        &loopback(),
    );
    bench.wait_for("the serving line", Duration::from_secs(60), |out, _| {
        served_addr(out).is_some()
    });
    let addr = served_addr(&bench.stdout()).unwrap();

    // Alive at once; ready only once the keys are loaded.
    let (status, _, body) = get(addr, "/healthz");
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let (status, headers, body) = get(addr, "/readyz");
    assert!(
        !bench.stdout().contains("ready in"),
        "the setup was too quick to observe"
    );
    assert_eq!(status, 503, "{body}");
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    assert_eq!(rule(&body), "not_ready");
    bench.wait_for("the keys", Duration::from_secs(120), |out, _| {
        out.contains("ready in")
    });
    let (status, _, body) = get(addr, "/readyz");
    assert_eq!(status, 200, "{body}");

    // 405 with Allow, as JSON.
    let (status, headers, body) = http(
        addr,
        &format!("POST /metrics HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 0"),
    );
    assert_eq!(status, 405, "{body}");
    assert!(headers.contains("\r\nallow: get,head"), "{headers}");
    assert_eq!(rule(&body), "method_not_allowed");
    // Bounds: URL, headers, declared body.
    let (status, _, body) = get(addr, &format!("/metrics?{}", "a".repeat(3000)));
    assert_eq!((status, rule(&body).as_str()), (414, "uri_too_long"));
    let (status, _, body) = http(
        addr,
        &format!(
            "GET /healthz HTTP/1.0\r\nHost: {addr}\r\nX-Big: {}",
            "a".repeat(10_000)
        ),
    );
    assert_eq!((status, rule(&body).as_str()), (431, "headers_too_large"));
    let (status, _, body) = http(
        addr,
        &format!("GET /summary HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 1000000"),
    );
    assert_eq!((status, rule(&body).as_str()), (413, "body_too_large"));
    let (status, _, body) = get(addr, "/nope");
    assert_eq!((status, rule(&body).as_str()), (404, "not_found"));

    // Just below the bounds is served.
    let (status, _, _) = get(addr, &format!("/healthz?{}", "a".repeat(2000)));
    assert_eq!(status, 200);

    // /summary (text), /summary.json, and the metrics: process and build info.
    let (status, _, text) = get(addr, "/summary");
    assert_eq!(status, 200);
    assert!(
        text.contains("key fingerprint") && text.contains(SLOW_SHAPE),
        "{text}"
    );
    let (status, headers, json) = get(addr, "/summary.json");
    assert_eq!(status, 200);
    assert!(
        headers.contains("content-type: application/json"),
        "{headers}"
    );
    for field in [
        format!("\"shape\":\"{SLOW_SHAPE}\""),
        "\"fingerprint\":\"".to_string(),
        "\"verification_failures\":0".to_string(),
        "\"unexpected_outcomes\":0".to_string(),
    ] {
        assert!(json.contains(&field), "{field} not in {json}");
    }
    let (status, _, metrics) = get(addr, "/metrics");
    assert_eq!(status, 200);
    for series in [
        "process_resident_memory_bytes ",
        "process_open_fds ",
        "process_threads ",
        "process_cpu_seconds_total ",
        "supervm_prover_build_info{",
        "keys=\"ephemeral\"",
        "role=\"bench\"",
        "vm_privacy_zk_parallel_proof_total ",
    ] {
        assert!(
            metrics.contains(series),
            "{series} not in /metrics:\n{metrics}"
        );
    }
    let rss: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    assert!(
        rss > 0.0,
        "process_resident_memory_bytes not positive:\n{metrics}"
    );
    // Proving the large shape takes a while; the signal tests above cover
    // the graceful stop, so this one is killed (on drop).
}

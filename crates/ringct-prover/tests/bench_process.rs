//! The HTTP bench (`zk_parallel_http_bench`) as a real process: exit statuses
//! for configuration errors, and signals during startup and in the loop.
//!
//! The example is built once per test binary with `cargo build -p
//! ringct-prover --example zk_parallel_http_bench` into this test's own
//! target directory and profile (the same command as
//! `xtask/tests/prometheus_e2e.rs`, so the two share the build). Every child
//! gets a clean environment for the variables the bench reads, listens on a
//! free loopback port, writes its output to files in a temporary directory,
//! and is waited for with a bounded poll: on timeout it is killed and the
//! test fails with its output, so no test can hang.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const BENCH: &str = "zk_parallel_http_bench";

/// Every variable the bench reads.
const VARS: [&str; 10] = [
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
];

/// The largest valid shape: its ephemeral setup takes several seconds
/// (about 4.5 s on the 2-core baseline machine, debug profile with the
/// workspace's optimised dependencies), long enough to signal during it.
const SLOW_SHAPE: &str = "16x16-r16";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/ringct-prover is two levels below the workspace root")
        .to_path_buf()
}

/// The target directory and profile directory this test was built into
/// (`<target>/<profile>/deps/<this test>`).
fn target_and_profile() -> (PathBuf, String) {
    let exe = std::env::current_exe().expect("the test knows its own path");
    let deps = exe.parent().expect("the test binary is in deps/");
    assert_eq!(deps.file_name().unwrap(), "deps", "{}", exe.display());
    let profile = deps.parent().unwrap();
    (
        profile.parent().unwrap().to_path_buf(),
        profile.file_name().unwrap().to_string_lossy().into_owned(),
    )
}

/// Builds the example once and returns its path.
fn bench_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let (target, profile) = target_and_profile();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .current_dir(workspace_root())
            .args(["build", "-p", "ringct-prover", "--example", BENCH])
            .arg("--target-dir")
            .arg(&target)
            .stdin(Stdio::null());
        match profile.as_str() {
            "debug" => {}
            "release" => {
                build.arg("--release");
            }
            other => {
                build.args(["--profile", other]);
            }
        }
        let status = build.status().expect("cannot run cargo");
        assert!(status.success(), "building {BENCH} failed: {status}");
        let bin = target.join(&profile).join("examples").join(BENCH);
        assert!(bin.is_file(), "{} was not built", bin.display());
        bin
    })
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

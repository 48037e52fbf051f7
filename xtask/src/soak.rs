//! `cargo xtask soak --minutes N`: a steady load on the real `supervm-node`,
//! sampled every 10 s, judged for growth after warm-up.
//!
//! Starts `supervm-node` (built with `cargo build -p supervm-node` into the
//! target directory and profile xtask itself runs from) on a fresh two-object
//! genesis in `target/soak/<unix time>/`, waits for its `/readyz`, and runs a
//! client that submits distinct public transfers at a fixed rate. Every
//! interval it samples the node's resident memory, threads and open file
//! descriptors (`/proc/<pid>`), the client's accepted and failed submissions
//! and their latency (p50, p99), and the node's committed transactions per
//! second and height (`/metrics`). At the end it stops the node with SIGTERM
//! (it must exit 0), writes `soak.csv` and `soak.svg` (plotters, SVG backend)
//! next to the node's data, and fails if, after the warm-up (the first 20% of
//! the run), any figure grew past its limit ([`report::Thresholds`], documented
//! in docs/RINGCT-PERFORMANCE-BASELINE.md, "Soak").
//!
//! Flags: `--minutes N` (1..=1440, required), `--rate TX_PER_S` (1..=1000,
//! default 20), `--interval-secs S` (1..=600, default 10). Process handling
//! (start, readiness, SIGTERM then SIGKILL, cleanup on every path) is
//! [`crate::process`], shared with `devnet`.

mod load;
mod procfs;
mod report;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::process::{free_loopback_port, http_get, Managed};
use crate::{project_root, XtaskError};
use report::{Sample, Thresholds};

fn usage(msg: impl Into<String>) -> XtaskError {
    XtaskError::Usage(msg.into())
}

fn fail(msg: impl Into<String>) -> XtaskError {
    XtaskError::Soak(msg.into())
}

/// The node's store cache budget, as the node reads it: `SUPERVM_NODE_STORE_CACHE_BYTES`
/// when set (the node inherits this environment), else the store's default.
fn store_cache_bytes() -> Result<u64, XtaskError> {
    const VAR: &str = "SUPERVM_NODE_STORE_CACHE_BYTES";
    match std::env::var_os(VAR) {
        None => Ok(supervm_store::options::DEFAULT_CACHE_BYTES as u64),
        Some(v) => v
            .to_str()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .ok_or_else(|| usage(format!("soak: {VAR} must be a whole number of bytes"))),
    }
}

/// The soak's settings.
#[derive(Debug, Clone, PartialEq)]
struct Settings {
    duration: Duration,
    rate: u32,
    interval: Duration,
}

fn parse(args: &[String]) -> Result<Settings, XtaskError> {
    let (mut minutes, mut rate, mut interval) = (None, 20u32, 10u64);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| usage(format!("soak: {flag} needs a number")))?;
        let n: u64 = value
            .parse()
            .map_err(|_| usage(format!("soak: {flag} needs a whole number, got {value:?}")))?;
        match flag.as_str() {
            "--minutes" if (1..=1440).contains(&n) => minutes = Some(n),
            "--minutes" => return Err(usage("soak: --minutes must be between 1 and 1440")),
            "--rate" if (1..=1000).contains(&n) => rate = n as u32,
            "--rate" => return Err(usage("soak: --rate must be between 1 and 1000")),
            "--interval-secs" if (1..=600).contains(&n) => interval = n,
            "--interval-secs" => {
                return Err(usage("soak: --interval-secs must be between 1 and 600"))
            }
            other => return Err(usage(format!("soak: unknown flag {other}"))),
        }
    }
    let minutes = minutes.ok_or_else(|| usage("soak needs --minutes N"))?;
    Ok(Settings {
        duration: Duration::from_secs(minutes * 60),
        rate,
        interval: Duration::from_secs(interval),
    })
}

/// `<target>/<profile>` of the running xtask, and the profile's name.
fn profile_dir() -> Result<(PathBuf, String), XtaskError> {
    let exe = std::env::current_exe().map_err(|e| fail(format!("cannot find xtask: {e}")))?;
    let dir = exe
        .parent()
        .ok_or_else(|| fail("xtask has no parent directory"))?
        .to_path_buf();
    let profile = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "debug".into());
    Ok((dir, profile))
}

/// Builds `supervm-node` next to the running xtask and returns its path.
fn build_node() -> Result<PathBuf, XtaskError> {
    let (dir, profile) = profile_dir()?;
    let target = dir
        .parent()
        .ok_or_else(|| fail("the profile directory has no parent"))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(project_root())
        .args(["build", "-p", "supervm-node", "--target-dir"])
        .arg(target);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            build.arg("--release");
        }
        other => {
            build.args(["--profile", other]);
        }
    }
    let status = build
        .status()
        .map_err(|e| fail(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(fail(format!(
            "cargo build -p supervm-node failed: {status}"
        )));
    }
    let bin = dir.join(format!("supervm-node{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(fail(format!("{} was not built", bin.display())))
    }
}

/// The value of an unlabelled series in Prometheus text.
fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> XtaskError + '_ {
    move |source| XtaskError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Entry point.
pub fn run(args: &[String]) -> Result<(), XtaskError> {
    let settings = parse(args)?;
    let node_bin = build_node()?;
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let dir = project_root().join("target/soak").join(stamp.to_string());
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let genesis = dir.join("genesis.json");
    std::fs::write(&genesis, load::genesis_json()).map_err(io(&genesis))?;
    let data = dir.join("node");
    let init = Command::new(&node_bin)
        .arg("--data-dir")
        .arg(&data)
        .arg("init")
        .arg("--genesis")
        .arg(&genesis)
        .env_remove("SUPERVM_NODE_DATA_DIR")
        .output()
        .map_err(|e| fail(format!("cannot run supervm-node init: {e}")))?;
    if !init.status.success() {
        return Err(fail(format!(
            "supervm-node init failed: {}",
            String::from_utf8_lossy(&init.stderr)
        )));
    }

    let api = SocketAddr::from(([127, 0, 0, 1], free_loopback_port().map_err(fail)?));
    let metrics = SocketAddr::from(([127, 0, 0, 1], free_loopback_port().map_err(fail)?));
    let mut cmd = Command::new(&node_bin);
    cmd.arg("--data-dir")
        .arg(&data)
        .args(["--api-listen", &api.to_string()])
        .args(["--metrics-listen", &metrics.to_string()])
        .arg("run")
        .env_remove("SUPERVM_NODE_DATA_DIR");
    let mut node = Managed::spawn("supervm-node", cmd, &dir.join("node.log")).map_err(fail)?;
    node.wait_ready(metrics, "/readyz", Duration::from_secs(60))
        .map_err(fail)?;
    println!(
        "soak: node pid {} (API http://{api}, metrics http://{metrics}/metrics), {} tx/s for {} min, \
         sampling every {} s; output in {}",
        node.pid(),
        settings.rate,
        settings.duration.as_secs() / 60,
        settings.interval.as_secs(),
        dir.display()
    );

    let client = load::Client::start(api, settings.rate).map_err(fail)?;
    let started = Instant::now();
    let mut samples: Vec<Sample> = Vec::new();
    let mut last = (started, 0.0f64);
    println!("{}", report::CSV_HEADER);
    while started.elapsed() < settings.duration {
        let due = started + settings.interval * (samples.len() as u32 + 1);
        while Instant::now() < due {
            node.check_running().map_err(fail)?;
            std::thread::sleep(Duration::from_millis(200).min(due - Instant::now().min(due)));
        }
        let resources = procfs::read(node.pid()).map_err(fail)?;
        let mut window = client.drain();
        let (_, text) = http_get(metrics, "/metrics")
            .map_err(|e| fail(format!("cannot scrape the node: {e}")))?;
        let committed = metric(&text, "supervm_node_transactions_committed_total")
            .ok_or_else(|| fail("the node exports no supervm_node_transactions_committed_total"))?;
        let height = metric(&text, "supervm_node_block_height").unwrap_or(0.0);
        let now = Instant::now();
        let dt = (now - last.0).as_secs_f64().max(1e-9);
        let sample = Sample {
            elapsed_s: (now - started).as_secs_f64(),
            rss_bytes: resources.rss_bytes,
            threads: resources.threads,
            open_fds: resources.open_fds,
            accepted: window.accepted,
            errors: window.errors,
            committed_per_s: (committed - last.1).max(0.0) / dt,
            latency_p50_ms: report::quantile_ms(&mut window.latencies, 0.5),
            latency_p99_ms: report::quantile_ms(&mut window.latencies, 0.99),
            height: height as u64,
        };
        last = (now, committed);
        print!(
            "{}",
            report::csv(std::slice::from_ref(&sample))
                .lines()
                .nth(1)
                .unwrap_or("")
                .to_owned()
                + "\n"
        );
        samples.push(sample);
    }
    drop(client);
    let status = node.stop(Duration::from_secs(60));

    let csv_path = dir.join("soak.csv");
    std::fs::write(&csv_path, report::csv(&samples)).map_err(io(&csv_path))?;
    let svg_path = dir.join("soak.svg");
    report::svg(
        &samples,
        &svg_path,
        &format!(
            "supervm-node soak: {} tx/s for {} min",
            settings.rate,
            settings.duration.as_secs() / 60
        ),
    )
    .map_err(fail)?;
    println!(
        "soak: wrote {} and {}",
        csv_path.display(),
        svg_path.display()
    );

    let verdict = report::judge(
        &samples,
        &Thresholds::with_store_cache(store_cache_bytes()?),
    )
    .map_err(fail)?;
    println!("soak: after warm-up (first 20% of the run), median of the first and last 3 samples:");
    for line in &verdict.lines {
        println!("  {line}");
    }
    if !status.is_some_and(|s| s.success()) {
        return Err(fail(format!(
            "the node did not exit cleanly on SIGTERM: {status:?} (log: {})",
            dir.join("node.log").display()
        )));
    }
    if verdict.broken.is_empty() {
        println!("soak: passed");
        Ok(())
    } else {
        Err(fail(format!(
            "{} limit(s) broken:\n  {}",
            verdict.broken.len(),
            verdict.broken.join("\n  ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_are_checked() {
        assert_eq!(
            parse(&args(&["--minutes", "5"])).unwrap(),
            Settings {
                duration: Duration::from_secs(300),
                rate: 20,
                interval: Duration::from_secs(10)
            }
        );
        let s = parse(&args(&[
            "--minutes",
            "60",
            "--rate",
            "50",
            "--interval-secs",
            "5",
        ]))
        .unwrap();
        assert_eq!((s.rate, s.interval.as_secs()), (50, 5));
        for bad in [
            &[][..],
            &["--minutes"],
            &["--minutes", "0"],
            &["--minutes", "1441"],
            &["--minutes", "x"],
            &["--minutes", "5", "--rate", "0"],
            &["--minutes", "5", "--interval-secs", "601"],
            &["--minutes", "5", "--bogus", "1"],
        ] {
            assert!(
                matches!(parse(&args(bad)), Err(XtaskError::Usage(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn unlabelled_metrics_are_read() {
        let text = "# HELP x\nsupervm_node_block_height 42\nsupervm_node_block_height_other 1\nfoo{a=\"b\"} 3\n";
        assert_eq!(metric(text, "supervm_node_block_height"), Some(42.0));
        assert_eq!(metric(text, "foo"), None);
        assert_eq!(metric(text, "missing"), None);
    }
}

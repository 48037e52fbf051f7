//! `cargo xtask devnet [--quick] [--payments N] [--no-monitoring]`: one command for a
//! development network on this machine.
//!
//! It builds `supervm-node` and `supervm-wallet` (dev profile), makes INSECURE
//! fixed-seed keys for two shapes (1x2 and 2x2; rings of 16, or of 4 with `--quick`),
//! creates three wallets (alice, bob and a treasury whose 20 genesis notes fill the
//! rings), writes a genesis that mints 100 coins each to alice and bob, starts the node,
//! and, when `prometheus` and `alertmanager` are installed (and `--no-monitoring` is not
//! given), Prometheus on 127.0.0.1:9091 and Alertmanager on 127.0.0.1:9093 with
//! deploy/'s files. Then alice and bob pay each other 1 coin in turn, each payment
//! proved locally, submitted, and synced by the payee, until Ctrl-C (or `--payments N`).
//!
//! Everything lives in `target/devnet/` (recreated on each run; logs there). It prints
//! every URL. Ctrl-C stops everything it started: the node and the monitoring children
//! get SIGTERM and are waited for.
//!
//! With monitoring the node listens on 8645 (API) and 9100 (metrics), the ports deploy/
//! scrapes; without it, on free loopback ports.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ringct_prover::RingCtKeys;
use supervm_runtime::Shape;

use crate::process::{free_loopback_port, Managed};
use crate::XtaskError;

const PASSPHRASE: &str = "devnet only";

struct Options {
    quick: bool,
    payments: Option<u64>,
    monitoring: bool,
}

fn usage(msg: impl Into<String>) -> XtaskError {
    XtaskError::Usage(msg.into())
}

fn parse(args: &[String]) -> Result<Options, XtaskError> {
    let mut o = Options {
        quick: false,
        payments: None,
        monitoring: true,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => o.quick = true,
            "--no-monitoring" => o.monitoring = false,
            "--payments" => {
                let v = it
                    .next()
                    .ok_or_else(|| usage("--payments needs a number"))?;
                let n: u64 = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .ok_or_else(|| usage(format!("--payments needs 1 to 1000000, got {v:?}")))?;
                o.payments = Some(n);
            }
            other => return Err(usage(format!("devnet: unknown flag {other}"))),
        }
    }
    Ok(o)
}

fn fail(msg: impl Into<String>) -> XtaskError {
    XtaskError::Devnet(msg.into())
}

/// Runs `command`, returning its standard output; fails with its standard error.
fn output(what: &str, command: &mut Command) -> Result<String, XtaskError> {
    let out = command
        .output()
        .map_err(|e| fail(format!("{what}: cannot run: {e}")))?;
    if !out.status.success() {
        return Err(fail(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The wallet CLI for one wallet file.
struct Wallet {
    bin: PathBuf,
    file: PathBuf,
    node: String,
}

impl Wallet {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.arg("--wallet")
            .arg(&self.file)
            .arg("--node")
            .arg(&self.node)
            .args(args)
            .env("SUPERVM_WALLET_PASSPHRASE", PASSPHRASE);
        c
    }
}

/// Entry point.
pub fn run(args: &[String]) -> Result<(), XtaskError> {
    let opts = parse(args)?;
    let root = crate::project_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    println!("devnet: building supervm-node and supervm-wallet (dev profile)");
    let built = Command::new(&cargo)
        .current_dir(&root)
        .args(["build", "-p", "supervm-node", "-p", "supervm-wallet"])
        .status()
        .map_err(|e| fail(format!("cannot run cargo: {e}")))?;
    if !built.success() {
        return Err(fail("cargo build failed"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let node_bin = target.join("debug").join("supervm-node");
    let wallet_bin = target.join("debug").join("supervm-wallet");

    let dir = root.join("target").join("devnet");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|source| XtaskError::Io {
        path: dir.clone(),
        source,
    })?;

    // Keys.
    let ring = if opts.quick { 4 } else { 16 };
    let shapes: Vec<Shape> = [format!("1x2-r{ring}"), format!("2x2-r{ring}")]
        .iter()
        .map(|s| s.parse().map_err(|e| fail(format!("{s}: {e}"))))
        .collect::<Result<_, _>>()?;
    let keys_dir = dir.join("keys");
    for (k, shape) in shapes.iter().enumerate() {
        let t = Instant::now();
        let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(*shape, 7000 + k as u64)
            .map_err(|e| fail(format!("keys for {shape}: {e}")))?;
        ringct_prover::keyfile::write_keys(&keys_dir, &keys)
            .map_err(|e| fail(format!("keys for {shape}: {e}")))?;
        println!(
            "devnet: INSECURE fixed-seed keys for {shape} ({:.1} s)",
            t.elapsed().as_secs_f64()
        );
    }
    let shapes_arg = shapes
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(",");

    // Ports.
    let (api_port, metrics_port) = if opts.monitoring {
        (8645, 9100)
    } else {
        (
            free_loopback_port().map_err(fail)?,
            free_loopback_port().map_err(fail)?,
        )
    };
    let api: SocketAddr = ([127, 0, 0, 1], api_port).into();
    let metrics: SocketAddr = ([127, 0, 0, 1], metrics_port).into();
    let node_url = format!("http://{api}");

    // Wallets and genesis.
    let wallet = |name: &str| Wallet {
        bin: wallet_bin.clone(),
        file: dir.join(format!("{name}.wallet")),
        node: node_url.clone(),
    };
    let (alice, bob, treasury) = (wallet("alice"), wallet("bob"), wallet("treasury"));
    let mut addresses = Vec::new();
    for (name, w) in [("alice", &alice), ("bob", &bob), ("treasury", &treasury)] {
        output(
            &format!("wallet new ({name})"),
            &mut w.cmd(&["new", "--kdf-memory-kib", "8192", "--kdf-iterations", "1"]),
        )?;
        addresses.push(output(
            &format!("wallet address ({name})"),
            &mut w.cmd(&["address"]),
        )?);
    }
    let mut notes = Vec::new();
    for (to, amount) in [(&addresses[0], "100"), (&addresses[1], "100")]
        .into_iter()
        .chain(std::iter::repeat_n((&addresses[2], "1000"), 20))
    {
        notes.push(output(
            "wallet genesis-note",
            &mut treasury.cmd(&["genesis-note", "--to", to, "--amount", amount]),
        )?);
    }
    let genesis = dir.join("genesis.json");
    let text = format!(
        "{{\"network\":\"supervm-devnet\",\"notes\":[{}]}}",
        notes.join(",")
    );
    std::fs::write(&genesis, text).map_err(|source| XtaskError::Io {
        path: genesis.clone(),
        source,
    })?;

    // The node.
    let node_args = |c: &mut Command| {
        c.arg("--data-dir")
            .arg(dir.join("node"))
            .arg("--keys-dir")
            .arg(&keys_dir)
            .arg("--shapes")
            .arg(&shapes_arg)
            .arg("--api-listen")
            .arg(api.to_string())
            .arg("--metrics-listen")
            .arg(metrics.to_string());
    };
    let mut init = Command::new(&node_bin);
    node_args(&mut init);
    init.arg("init").arg("--genesis").arg(&genesis);
    output("supervm-node init", &mut init)?;
    let mut run = Command::new(&node_bin);
    node_args(&mut run);
    run.args(["--block-interval-ms", "500", "run"]);
    let mut children: Vec<Managed> = Vec::new();
    let mut node = Managed::spawn("supervm-node", run, &dir.join("node.log")).map_err(fail)?;
    node.wait_ready(api, "/readyz", Duration::from_secs(60))
        .map_err(fail)?;
    children.push(node);

    let mut urls = vec![
        format!("node API      {node_url}/v1/status  (OpenAPI: {node_url}/v1/openapi.json)"),
        format!("node metrics  http://{metrics}/metrics"),
    ];
    if opts.monitoring {
        // Debian names Alertmanager's binary prometheus-alertmanager.
        let alertmanager = ["alertmanager", "prometheus-alertmanager"]
            .into_iter()
            .find(|p| on_path(p));
        if let (true, Some(alertmanager)) = (on_path("prometheus"), alertmanager) {
            let deploy = root.join("deploy");
            let mut p = Command::new("prometheus");
            p.arg(format!(
                "--config.file={}",
                deploy.join("prometheus/prometheus-ringct.yml").display()
            ))
            .arg("--web.listen-address=127.0.0.1:9091")
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("prometheus").display()
            ));
            let mut prom =
                Managed::spawn("prometheus", p, &dir.join("prometheus.log")).map_err(fail)?;
            prom.wait_ready(
                ([127, 0, 0, 1], 9091).into(),
                "/-/ready",
                Duration::from_secs(60),
            )
            .map_err(fail)?;
            children.push(prom);
            let mut a = Command::new(alertmanager);
            a.arg(format!(
                "--config.file={}",
                deploy.join("alertmanager/alertmanager.yml").display()
            ))
            .arg("--web.listen-address=127.0.0.1:9093")
            .arg("--cluster.listen-address=")
            .arg(format!(
                "--storage.path={}",
                dir.join("alertmanager").display()
            ));
            let mut am =
                Managed::spawn("alertmanager", a, &dir.join("alertmanager.log")).map_err(fail)?;
            am.wait_ready(
                ([127, 0, 0, 1], 9093).into(),
                "/-/ready",
                Duration::from_secs(60),
            )
            .map_err(fail)?;
            children.push(am);
            urls.push("Prometheus    http://127.0.0.1:9091/targets".into());
            urls.push("Alertmanager  http://127.0.0.1:9093".into());
            urls.push(
                "Grafana       provision deploy/grafana (docs/GRAFANA-QUICK-DEPLOY.md)".into(),
            );
        } else {
            println!("devnet: prometheus or alertmanager not installed (bash deploy/install-prometheus.sh); running without monitoring");
        }
    }
    println!("devnet: running; logs and wallets in {}", dir.display());
    for u in &urls {
        println!("  {u}");
    }
    println!("  wallets: {} (passphrase {PASSPHRASE:?})", dir.display());
    println!("Ctrl-C stops everything.");

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop))
            .map_err(|e| fail(format!("signal handling: {e}")))?;
    }

    let result = match pay_loop(
        &opts,
        [&alice, &bob],
        &addresses,
        &keys_dir,
        &stop,
        &mut children,
    ) {
        // Ctrl-C reaches the wallet command in flight too: that is a stop, not a failure.
        Err(_) if stop.load(Ordering::Acquire) => Ok(()),
        other => other,
    };
    for child in children.iter_mut().rev() {
        child.stop(Duration::from_secs(30));
    }
    println!("devnet: stopped");
    result
}

fn pay_loop(
    opts: &Options,
    wallets: [&Wallet; 2],
    addresses: &[String],
    keys_dir: &Path,
    stop: &AtomicBool,
    children: &mut [Managed],
) -> Result<(), XtaskError> {
    let names = ["alice", "bob"];
    let keys = keys_dir.to_string_lossy().into_owned();
    let mut done = 0u64;
    while !stop.load(Ordering::Acquire) && opts.payments.is_none_or(|n| done < n) {
        for c in children.iter_mut() {
            c.check_running().map_err(fail)?;
        }
        let (from, to) = ((done % 2) as usize, ((done + 1) % 2) as usize);
        output(
            &format!("{} sync", names[from]),
            &mut wallets[from].cmd(&["sync"]),
        )?;
        let t = Instant::now();
        let paid = output(
            &format!("{} send", names[from]),
            &mut wallets[from].cmd(&[
                "send",
                "--to",
                &addresses[to],
                "--amount",
                "1",
                "--fee",
                "0.001",
                "--text",
                "devnet",
                "--keys-dir",
                &keys,
            ]),
        )?;
        output(
            &format!("{} sync", names[to]),
            &mut wallets[to].cmd(&["sync"]),
        )?;
        let balance = output(
            &format!("{} balance", names[to]),
            &mut wallets[to].cmd(&["balance"]),
        )?;
        done += 1;
        println!(
            "payment {done}: {} -> {} in {:.1} s: {} | {}: {}",
            names[from],
            names[to],
            t.elapsed().as_secs_f64(),
            paid.lines().last().unwrap_or(""),
            names[to],
            balance.lines().next().unwrap_or("")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_are_checked() {
        let o = parse(&args(&["--quick", "--payments", "3", "--no-monitoring"])).unwrap();
        assert!(o.quick && !o.monitoring && o.payments == Some(3));
        for bad in [
            &["--payments"][..],
            &["--payments", "0"],
            &["--payments", "x"],
            &["--loud"],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
    }
}

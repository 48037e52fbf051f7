//! `cargo xtask`: the project's contributor tasks, written in Rust so they run
//! wherever cargo does (alias in `.cargo/config.toml`).
//!
//! Owns: generated files under `deploy/` (the Grafana dashboard, rendered from
//! typed structs and the metric catalog) and the benchmark runs.
//!
//! Must never: be a dependency of another crate, or need anything beyond the
//! workspace's own dependencies. Argument parsing stays hand-written: one
//! subcommand per module, each with a `run(args)` entry point.
//!
//! Subcommands:
//! - `bench [--quick] [--only S]` benchmark the default shape; write `target/bench/summary.json`
//! - `dashboards`                 render `deploy/grafana/dashboards/*.json`
//! - `dashboards --check`         exit non-zero if the committed JSON is stale
//! - `dashboards --list-queries [UID]`  print every panel's PromQL, one per line
//! - `fuzz <target> --seconds N`   run one fuzz target (docs/FUZZING.md)
//! - `crash --kills N`            the node's long crash test (docs/NODE.md)
//! - `devnet`                     a local network with wallets paying each other
//! - `soak --minutes N`           steady load on the node, sampled; fails on growth
#![forbid(unsafe_code)]

mod bench;
mod crash;
mod dashboards;
mod devnet;
mod fuzz;
mod process;
mod soak;

/// The process's allocator: mimalloc, the node's, so that `cargo xtask bench` measures the
/// runtime as the node runs it (with glibc's allocator its parallel phases scaled worse
/// across threads; docs/RINGCT-PERFORMANCE-BASELINE.md, "Fast path: the allocator"). The
/// prover's binaries keep the system allocator, so the bench's `prove.peak_rss_bytes` is
/// higher than a worker's (the same doc has both).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Everything an xtask can fail with. Each variant is one broken rule.
#[derive(Debug, thiserror::Error)]
pub enum XtaskError {
    /// The command line did not name a known subcommand or flag.
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A generated file differs from what its generator renders now.
    #[error("{} is stale; regenerate it with `{command}` and commit the result", path.display())]
    Stale {
        /// The generated file.
        path: PathBuf,
        /// The command that regenerates it.
        command: &'static str,
    },
    /// A benchmark could not run.
    #[error("bench failed: {0}")]
    Bench(String),
    /// A fuzzing step could not run, or found a crash.
    #[error("fuzz: {0}")]
    Fuzz(String),
    /// The devnet could not start, or one of its steps failed.
    #[error("devnet: {0}")]
    Devnet(String),
    /// The crash test could not run, or one of its checks failed.
    #[error("crash: {0}")]
    Crash(String),
    /// The soak could not run, or a figure grew past its limit.
    #[error("soak: {0}")]
    Soak(String),
    /// A typed model could not be serialised.
    #[error("cannot serialise JSON: {0}")]
    Json(#[from] serde_json::Error),
}

const USAGE: &str = "\
usage: cargo xtask <command> [flags]

commands:
  bench [--quick] [--only S]  measure proving, verification, the runtime and the store
                              on the default shape; writes target/bench/summary.json
                              (--only prove|verify|runtime|node|wallet|cluster: one section, written
                              to target/bench/summary-S.json; --compare FILE
                              [--against FILE]: print each figure's ratio to a
                              saved summary instead of measuring)
  dashboards                  render the Grafana dashboards into deploy/grafana/dashboards/
  dashboards --check          fail if the committed dashboards differ from the rendered ones
  dashboards --list-queries [UID]
                              print every panel query (PromQL), one per line
                              (UID: one dashboard's, supervm-ringct or supervm-node)
  fuzz <target> --seconds N [--runs N]
                              run one fuzz target with cargo-fuzz (libFuzzer)
  fuzz <target> --cmin        merge what runs found into fuzz/corpus/<target>/, minimised
  fuzz --list                 list the fuzz targets
  fuzz --seeds                write the hand-made seeds into fuzz/corpus/<target>/
  devnet [--quick] [--payments N] [--no-monitoring]
                              a node, wallets paying each other in a loop and, when
                              installed, Prometheus and Alertmanager; Ctrl-C stops all
  crash --kills N [--seed S]  SIGKILL the node N times under load, checking its state
                              after every restart (docs/NODE.md)
  soak --minutes N [--rate R] [--interval-secs S]
                              steady public-transaction load on the real supervm-node,
                              sampled every 10 s (RSS, threads, fds, throughput,
                              latency); writes target/soak/<time>/soak.{csv,svg};
                              fails on growth past the documented limits
  help                        show this text";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let result = match command.as_deref() {
        Some("dashboards") => dashboards::run(&rest),
        Some("bench") => bench::run(&rest),
        Some("fuzz") => fuzz::run(&rest),
        Some("crash") => crash::run(&rest),
        Some("devnet") => devnet::run(&rest),
        Some("soak") => soak::run(&rest),
        // Add new subcommands here, each in its own module with a `run(&[String])`,
        // e.g. `Some("bench") => bench::run(&rest),`, and list them in USAGE.
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(XtaskError::Usage(format!("unknown command `{other}`"))),
        None => Err(XtaskError::Usage("no command given".into())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

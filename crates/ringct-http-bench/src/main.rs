//! The `zk_parallel_http_bench` binary: signals first, then options, then the
//! proving loop (`ringct_http_bench::run`). Usage: `--help`.
#![forbid(unsafe_code)]

/// The process's allocator: mimalloc, as in the workspace's other
/// long-running binaries (libraries never choose one). The runtime allocates per transaction, and
/// with glibc's allocator its parallel phases scaled worse across threads;
/// docs/RINGCT-PERFORMANCE-BASELINE.md, "Fast path scaling", has the runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use ringct_http_bench::options::USAGE;
use ringct_http_bench::{run, signals, Options, EXIT_RUNTIME};

fn main() -> ExitCode {
    // First thing: a signal during startup (a long ephemeral setup, say)
    // must stop the process.
    let signals = match signals::install() {
        Ok(signals) => signals,
        Err(e) => {
            eprintln!("zk_parallel_http_bench: error: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    let opts = match Options::parse(std::env::args_os().skip(1), |k| std::env::var_os(k)) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("zk_parallel_http_bench: error: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    match run::run(opts, &signals) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(bugs) => {
            eprintln!(
                "zk_parallel_http_bench: {bugs} BUG(S): proofs that failed verification or unexpected prover outcomes (see above)"
            );
            ExitCode::from(EXIT_RUNTIME)
        }
        Err(e) => {
            eprintln!("zk_parallel_http_bench: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

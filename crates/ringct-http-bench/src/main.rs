//! The `zk_parallel_http_bench` binary: signals first, then options, then the
//! proving loop (`ringct_http_bench::run`). Usage: `--help`.
#![forbid(unsafe_code)]

// The system allocator, on purpose: this binary's work is proving, which runs no faster
// on mimalloc and reached three times the peak RSS with it (docs/ARCHITECTURE.md, "the
// global allocator"). Only the node (and xtask, which benchmarks the node's runtime) set
// mimalloc.

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

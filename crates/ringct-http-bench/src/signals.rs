//! SIGINT and SIGTERM: before the loop a signal exits at once (128 + its
//! number); in the loop the first one finishes the batch, a second exits.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::error::BenchError;

/// What a signal does, shared with the signal thread.
#[derive(Debug, Default)]
pub struct SignalState {
    /// Set once warm-up starts: from then on a first signal stops gracefully.
    pub in_loop: AtomicBool,
    /// Set by the first signal in the loop: finish the batch, then stop.
    pub stop: AtomicBool,
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        _ => "signal",
    }
}

/// Installs the SIGINT/SIGTERM handler: a thread that waits for signals
/// (`signal_hook::iterator`, no code runs in the signal handler itself).
/// Before the loop a signal exits at once with 128 + its number; in the
/// loop the first one sets `stop`, a second one exits at once.
pub fn install() -> Result<Arc<SignalState>, BenchError> {
    let mut signals =
        Signals::new([SIGINT, SIGTERM]).map_err(|e| BenchError::Signal(e.to_string()))?;
    let state = Arc::new(SignalState::default());
    let shared = Arc::clone(&state);
    std::thread::Builder::new()
        .name("bench-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let name = signal_name(signal);
                let status = 128 + signal;
                if !shared.in_loop.load(Ordering::SeqCst) {
                    eprintln!(
                        "zk_parallel_http_bench: {name} during startup: exiting now (status {status})"
                    );
                    std::process::exit(status);
                }
                if shared.stop.swap(true, Ordering::SeqCst) {
                    eprintln!("second signal ({name}): exiting now (status {status})");
                    std::process::exit(status);
                }
                eprintln!(
                    "{name}: finishing the current batch, then stopping (send it again to exit at once)"
                );
            }
        })
        .map_err(|e| BenchError::Signal(e.to_string()))?;
    Ok(state)
}

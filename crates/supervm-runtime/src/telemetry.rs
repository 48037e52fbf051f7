//! Runtime metrics. Names come from `supervm_telemetry::names`; nothing else is emitted.
//!
//! Every metric is emitted once per `execute_block` call, from the calling thread (never
//! from a Rayon worker), after the block has run: counters are incremented by the block's
//! count (possibly 0, so every series exists after the first block), and the block
//! duration histogram gets one sample. See the crate docs for what each counter counts.
//! Private transactions count in `routed_privacy` at routing (all of them: routing never
//! rejects one), and each failed one counts as a `privacy` failure, whichever rule it
//! broke.

use std::time::Duration;

use supervm_telemetry::{labels, names};

use crate::receipt::Receipt;
use crate::routing::Path;

/// `path` label value of `vm_runtime_tx_failed_total` for transactions that routing
/// rejected before they reached a path.
pub const REJECTED_PATH_LABEL: &str = "rejected";

/// Per-block counts, accumulated while the block runs.
#[derive(Debug, Default)]
pub(crate) struct BlockCounts {
    pub(crate) routed_fast: u64,
    pub(crate) routed_consensus: u64,
    pub(crate) routed_privacy: u64,
    pub(crate) fallbacks: u64,
}

impl BlockCounts {
    /// Emits the block's metrics. Failures are counted from the final receipts.
    pub(crate) fn emit(&self, receipts: &[Receipt], elapsed: Duration) {
        metrics::counter!(names::ROUTING_FAST_TOTAL).increment(self.routed_fast);
        // Consensus counts executions: routed there, plus fallback re-runs.
        metrics::counter!(names::ROUTING_CONSENSUS_TOTAL)
            .increment(self.routed_consensus + self.fallbacks);
        metrics::counter!(names::ROUTING_PRIVACY_TOTAL).increment(self.routed_privacy);
        metrics::counter!(names::FAST_FALLBACK_TOTAL).increment(self.fallbacks);

        let mut failed = [0u64; 4];
        for r in receipts.iter().filter(|r| !r.is_success()) {
            failed[slot(r.path)] += 1;
        }
        for path in [
            None,
            Some(Path::Fast),
            Some(Path::Consensus),
            Some(Path::Privacy),
        ] {
            let label = path.map_or(REJECTED_PATH_LABEL, Path::label);
            metrics::counter!(names::RUNTIME_TX_FAILED_TOTAL, labels::PATH => label)
                .increment(failed[slot(path)]);
        }

        metrics::histogram!(names::RUNTIME_BLOCK_DURATION_SECONDS).record(elapsed.as_secs_f64());
    }
}

fn slot(path: Option<Path>) -> usize {
    match path {
        None => 0,
        Some(Path::Fast) => 1,
        Some(Path::Consensus) => 2,
        Some(Path::Privacy) => 3,
    }
}

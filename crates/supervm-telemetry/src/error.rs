//! [`TelemetryError`]: everything the exporter and the HTTP stack can refuse.

use std::net::SocketAddr;

/// Everything the exporter can refuse to do. Each variant is one broken rule.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The endpoint's address could not be bound (in use, not local, no permission).
    #[error("cannot bind the metrics endpoint to {addr}: {source}")]
    Bind {
        /// The address that was asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A process can have only one global `metrics` recorder, and one is installed.
    #[error("a global metrics recorder is already installed in this process")]
    RecorderAlreadyInstalled,
    /// A catalogued histogram has bucket bounds that are empty, not finite or not
    /// strictly increasing.
    #[error("histogram {metric} needs non-empty, finite, strictly increasing buckets")]
    InvalidBuckets {
        /// The histogram's name.
        metric: &'static str,
    },
    /// Upkeep must run at a positive interval (zero would spin a core).
    #[error("the recorder upkeep interval must be greater than zero")]
    ZeroUpkeepInterval,
    /// The HTTP endpoint's tokio runtime could not be built.
    #[error("cannot build the HTTP endpoint's runtime: {source}")]
    Runtime {
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The operating system refused to start a background thread.
    #[error("cannot start the {thread} thread: {source}")]
    Spawn {
        /// Which thread: `upkeep` or `http`.
        thread: &'static str,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

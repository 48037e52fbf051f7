//! Metric definitions: the public contract between the crates that emit metrics
//! and the dashboards and alert rules that read them.
//!
//! Names that came from the seed design (`vm_privacy_zk_parallel_*`,
//! `vm_privacy_zk_batch_verify_*`, `vm_fast_fallback_total`) are a public
//! contract and must never change. The `_ms` gauges keep their historical
//! unit; every histogram is in seconds.

/// Metric names. Emit metrics only through these constants.
pub mod names {
    /// Counter: witnesses submitted to the parallel prover (successful + failed).
    pub const ZK_PARALLEL_PROOF_TOTAL: &str = "vm_privacy_zk_parallel_proof_total";
    /// Counter: witnesses that did not yield a proof.
    pub const ZK_PARALLEL_PROOF_FAILED_TOTAL: &str = "vm_privacy_zk_parallel_proof_failed_total";
    /// Counter: batches proved.
    pub const ZK_PARALLEL_BATCHES_TOTAL: &str = "vm_privacy_zk_parallel_batches_total";
    /// Gauge: wall time of the last batch, in milliseconds.
    pub const ZK_PARALLEL_BATCH_LATENCY_MS: &str = "vm_privacy_zk_parallel_batch_latency_ms";
    /// Gauge: mean per-proof latency in the last batch, in milliseconds.
    pub const ZK_PARALLEL_AVG_LATENCY_MS: &str = "vm_privacy_zk_parallel_avg_latency_ms";
    /// Gauge: proofs per second in the last batch (successful proofs / wall time).
    pub const ZK_PARALLEL_TPS: &str = "vm_privacy_zk_parallel_tps";
    /// Histogram: duration of one proof, in seconds.
    pub const ZK_PARALLEL_PROOF_DURATION_SECONDS: &str =
        "vm_privacy_zk_parallel_proof_duration_seconds";
    /// Histogram: wall time of one batch, in seconds.
    pub const ZK_PARALLEL_BATCH_DURATION_SECONDS: &str =
        "vm_privacy_zk_parallel_batch_duration_seconds";

    /// Counter (label `mode`): proofs verified.
    pub const ZK_BATCH_VERIFY_TOTAL: &str = "vm_privacy_zk_batch_verify_total";
    /// Counter (label `mode`): proofs found invalid.
    pub const ZK_BATCH_VERIFY_FAILED_TOTAL: &str = "vm_privacy_zk_batch_verify_failed_total";
    /// Counter (label `mode`): verification calls (batches).
    pub const ZK_BATCH_VERIFY_BATCHES_TOTAL: &str = "vm_privacy_zk_batch_verify_batches_total";
    /// Histogram (label `mode`): duration of one verification call, in seconds.
    pub const ZK_BATCH_VERIFY_DURATION_SECONDS: &str =
        "vm_privacy_zk_batch_verify_duration_seconds";

    /// Counter: Fast-path transactions re-run on the Consensus path.
    pub const FAST_FALLBACK_TOTAL: &str = "vm_fast_fallback_total";
    /// Counter: transactions routed to the Fast path.
    pub const ROUTING_FAST_TOTAL: &str = "vm_routing_fast_total";
    /// Counter: transactions routed to the Consensus path.
    pub const ROUTING_CONSENSUS_TOTAL: &str = "vm_routing_consensus_total";
    /// Counter: transactions routed to the Privacy path.
    pub const ROUTING_PRIVACY_TOTAL: &str = "vm_routing_privacy_total";
    /// Counter (label `path`): transactions that failed, by the path that produced the receipt.
    pub const RUNTIME_TX_FAILED_TOTAL: &str = "vm_runtime_tx_failed_total";
    /// Histogram: wall time of `execute_block`, in seconds.
    pub const RUNTIME_BLOCK_DURATION_SECONDS: &str = "vm_runtime_block_duration_seconds";

    /// Gauge (labels `version`, `protocol_version`, `network`, `fingerprints`): always 1;
    /// the labels say what the node runs.
    pub const BUILD_INFO: &str = "supervm_build_info";
    /// Gauge (labels `version`, `fingerprints`, `keys`, `role`): always 1; the
    /// labels say what a RingCT prover process (the HTTP bench or a cluster
    /// worker) runs.
    pub const PROVER_BUILD_INFO: &str = "supervm_prover_build_info";
    /// Gauge: height of the node's last committed block.
    pub const NODE_BLOCK_HEIGHT: &str = "supervm_node_block_height";
    /// Counter: blocks the node committed (genesis excluded).
    pub const NODE_BLOCKS_COMMITTED_TOTAL: &str = "supervm_node_blocks_committed_total";
    /// Counter: transactions in committed blocks (successful or failed).
    pub const NODE_TRANSACTIONS_COMMITTED_TOTAL: &str = "supervm_node_transactions_committed_total";
    /// Histogram: duration of one block's durable write, in seconds.
    pub const NODE_BLOCK_COMMIT_DURATION_SECONDS: &str =
        "supervm_node_block_commit_duration_seconds";
    /// Counter: blocks whose commit failed (the runtime state was reloaded from the store).
    pub const NODE_BLOCK_COMMIT_FAILURES_TOTAL: &str = "supervm_node_block_commit_failures_total";
    /// Histogram: time from admission to the commit of the transaction's block, in seconds.
    pub const NODE_SUBMIT_TO_COMMIT_SECONDS: &str = "supervm_node_submit_to_commit_seconds";
    /// Gauge: transactions in the mempool.
    pub const NODE_MEMPOOL_TRANSACTIONS: &str = "supervm_node_mempool_transactions";
    /// Gauge: canonical bytes of the transactions in the mempool.
    pub const NODE_MEMPOOL_BYTES: &str = "supervm_node_mempool_bytes";
    /// Counter (label `kind`): transactions admitted to the mempool.
    pub const NODE_ADMITTED_TOTAL: &str = "supervm_node_admitted_total";
    /// Counter (label `reason`): submissions refused at admission, by the broken rule.
    pub const NODE_ADMISSION_REJECTED_TOTAL: &str = "supervm_node_admission_rejected_total";
    /// Gauge: size of the node's store file, in bytes.
    pub const NODE_STORE_SIZE_BYTES: &str = "supervm_node_store_size_bytes";
    /// Counter: proving jobs a cluster worker finished, by `outcome`
    /// (proved, failed, retried, duplicate).
    pub const CLUSTER_JOBS_TOTAL: &str = "ringct_cluster_jobs_total";
    /// Histogram: one cluster job's proving time, in seconds.
    pub const CLUSTER_PROVING_SECONDS: &str = "ringct_cluster_proving_seconds";
    /// Histogram: one claim statement's latency, in seconds.
    pub const CLUSTER_CLAIM_SECONDS: &str = "ringct_cluster_claim_seconds";
    /// Counter: job leases a worker renewed.
    pub const CLUSTER_LEASE_RENEWALS_TOTAL: &str = "ringct_cluster_lease_renewals_total";
    /// Counter: jobs put back in the queue (a retried failure or an expired lease).
    pub const CLUSTER_RETRIES_TOTAL: &str = "ringct_cluster_retries_total";
    /// Gauge: jobs in the queue, by `state`.
    pub const CLUSTER_QUEUE_DEPTH: &str = "ringct_cluster_queue_depth";
    /// Gauge: age of the oldest unfinished job, in seconds.
    pub const CLUSTER_OLDEST_JOB_AGE_SECONDS: &str = "ringct_cluster_oldest_job_age_seconds";
    /// Gauge: a worker's proving slots (its configured concurrency).
    pub const CLUSTER_WORKER_SLOTS: &str = "ringct_cluster_worker_slots";

    // Process metrics: every process that serves /metrics through the
    // exporter (the node, the HTTP bench, the cluster worker) exports them,
    // read from the operating system on every scrape by the `metrics-process`
    // crate under these names (the Prometheus client conventions).

    /// Counter: user and system CPU time the process used, in seconds.
    pub const PROCESS_CPU_SECONDS_TOTAL: &str = "process_cpu_seconds_total";
    /// Gauge: open file descriptors.
    pub const PROCESS_OPEN_FDS: &str = "process_open_fds";
    /// Gauge: the limit on open file descriptors.
    pub const PROCESS_MAX_FDS: &str = "process_max_fds";
    /// Gauge: virtual memory size, in bytes.
    pub const PROCESS_VIRTUAL_MEMORY_BYTES: &str = "process_virtual_memory_bytes";
    /// Gauge: the limit on virtual memory, in bytes.
    pub const PROCESS_VIRTUAL_MEMORY_MAX_BYTES: &str = "process_virtual_memory_max_bytes";
    /// Gauge: resident memory size, in bytes.
    pub const PROCESS_RESIDENT_MEMORY_BYTES: &str = "process_resident_memory_bytes";
    /// Gauge: start time of the process, in seconds since the Unix epoch.
    pub const PROCESS_START_TIME_SECONDS: &str = "process_start_time_seconds";
    /// Gauge: operating-system threads of the process.
    pub const PROCESS_THREADS: &str = "process_threads";

    /// Every process metric, in catalog order.
    pub const PROCESS: &[&str] = &[
        PROCESS_CPU_SECONDS_TOTAL,
        PROCESS_OPEN_FDS,
        PROCESS_MAX_FDS,
        PROCESS_VIRTUAL_MEMORY_BYTES,
        PROCESS_VIRTUAL_MEMORY_MAX_BYTES,
        PROCESS_RESIDENT_MEMORY_BYTES,
        PROCESS_START_TIME_SECONDS,
        PROCESS_THREADS,
    ];
}

/// Label keys used by catalogued metrics.
pub mod labels {
    /// Verification mode: `individual`, `parallel` or `batch`.
    pub const MODE: &str = "mode";
    /// Execution path: `fast`, `consensus` or `privacy`.
    pub const PATH: &str = "path";
    /// Why a witness did not yield a proof: [`super::reasons::INVALID_WITNESS`]
    /// (the caller's input breaks a rule of the statement: a client error) or
    /// [`super::reasons::PROVER_ERROR`] (synthesis, keys or the prover itself
    /// failed: a fault of the proving service).
    pub const REASON: &str = "reason";
    /// Transaction kind: `public` or `private`.
    pub const KIND: &str = "kind";
    /// `supervm_build_info`: the node's version.
    pub const VERSION: &str = "version";
    /// `supervm_build_info`: the protocol version.
    pub const PROTOCOL_VERSION: &str = "protocol_version";
    /// `supervm_build_info`: the network id.
    pub const NETWORK: &str = "network";
    /// `supervm_build_info`, `supervm_prover_build_info`: `shape=fingerprint`
    /// pairs, comma-separated.
    pub const FINGERPRINTS: &str = "fingerprints";
    /// `supervm_prover_build_info`: where the proving keys come from, one of
    /// [`super::key_sources::ALL`]: `files`, `ephemeral` (a setup in this
    /// process) or `insecure_dev` (a public seed).
    pub const KEYS: &str = "keys";
    /// `supervm_prover_build_info`: which kind of prover process it is, one
    /// of [`super::roles::ALL`].
    pub const ROLE: &str = "role";
    /// `ringct_cluster_jobs_total`: `proved`, `failed` (for good), `retried`
    /// (put back in the queue) or `duplicate` (another attempt had recorded
    /// the job's result first).
    pub const OUTCOME: &str = "outcome";
    /// `ringct_cluster_queue_depth`: `queued`, `running`, `done` or `failed`.
    pub const STATE: &str = "state";
}

/// Values of the `reason` label on
/// [`names::ZK_PARALLEL_PROOF_FAILED_TOTAL`].
pub mod reasons {
    /// The witness breaks a rule of the statement, or is for another shape:
    /// bad client input, never proved.
    pub const INVALID_WITNESS: &str = "invalid_witness";
    /// Synthesis or the Groth16 prover failed on a valid witness.
    pub const PROVER_ERROR: &str = "prover_error";
    /// Every value, in order.
    pub const ALL: &[&str] = &[INVALID_WITNESS, PROVER_ERROR];
}

/// Values of the `role` label on [`names::PROVER_BUILD_INFO`]: which kind of
/// RingCT prover process exports it (the scrape job names it too, but jobs
/// are the operator's to name).
pub mod roles {
    /// `zk_parallel_http_bench`: proves (or hands to the cluster) and verifies
    /// batches in a loop.
    pub const BENCH: &str = "bench";
    /// `ringct-prover-worker`: proves jobs from the PostgreSQL queue.
    pub const WORKER: &str = "worker";
    /// Every value, in order.
    pub const ALL: &[&str] = &[BENCH, WORKER];
}

/// Values of the `keys` label on [`names::PROVER_BUILD_INFO`]: where a
/// prover's proving keys come from.
pub mod key_sources {
    /// Key files (`ringct-keygen`'s, from a key directory).
    pub const FILES: &str = "files";
    /// A trusted setup run in this process, never written anywhere.
    pub const EPHEMERAL: &str = "ephemeral";
    /// The insecure development setup from a public seed.
    pub const INSECURE_DEV: &str = "insecure_dev";
    /// Every value, in order.
    pub const ALL: &[&str] = &[FILES, EPHEMERAL, INSECURE_DEV];
}

/// Prometheus metric type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// Monotonic counter; the name ends in `_total`.
    Counter,
    /// Point-in-time value.
    Gauge,
    /// Distribution with explicit buckets.
    Histogram,
}

/// Unit of a metric's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count of events or items.
    Count,
    /// Seconds (base unit for durations).
    Seconds,
    /// Milliseconds (only the seed design's `_ms` gauges).
    Milliseconds,
    /// Events per second.
    PerSecond,
    /// Bytes (base unit for sizes).
    Bytes,
}

/// One catalogued metric.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// Full metric name.
    pub name: &'static str,
    /// Metric type.
    pub kind: MetricKind,
    /// Unit of the values.
    pub unit: Unit,
    /// Label keys the metric carries (empty for none).
    pub labels: &'static [&'static str],
    /// Help text, as exported in `# HELP`.
    pub help: &'static str,
    /// Bucket upper bounds for histograms; empty otherwise.
    pub buckets: &'static [f64],
}

/// Buckets for one Groth16 proof (a few ms to tens of seconds).
pub const PROOF_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Buckets for one proving batch.
pub const BATCH_BUCKETS: &[f64] = &[
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
];
/// Buckets for one verification call.
pub const VERIFY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Buckets for one block's durable write (an fsync: sub-millisecond to seconds).
pub const COMMIT_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Buckets for admission to commit (a block interval or so).
pub const SUBMIT_TO_COMMIT_BUCKETS: &[f64] = &[
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
/// Buckets for one queue claim (a database round trip).
pub const CLAIM_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0,
];
/// Buckets for one block execution.
pub const BLOCK_BUCKETS: &[f64] = &[
    0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0,
];

const fn counter(
    name: &'static str,
    labels: &'static [&'static str],
    help: &'static str,
) -> MetricDef {
    MetricDef {
        name,
        kind: MetricKind::Counter,
        unit: Unit::Count,
        labels,
        help,
        buckets: &[],
    }
}
const fn gauge(name: &'static str, unit: Unit, help: &'static str) -> MetricDef {
    MetricDef {
        name,
        kind: MetricKind::Gauge,
        unit,
        labels: &[],
        help,
        buckets: &[],
    }
}
const fn histogram(
    name: &'static str,
    labels: &'static [&'static str],
    help: &'static str,
    buckets: &'static [f64],
) -> MetricDef {
    MetricDef {
        name,
        kind: MetricKind::Histogram,
        unit: Unit::Seconds,
        labels,
        help,
        buckets,
    }
}

use labels::{MODE, PATH};
use names::*;

/// Every metric any SuperVM crate emits.
pub const CATALOG: &[MetricDef] = &[
    counter(
        ZK_PARALLEL_PROOF_TOTAL,
        &[],
        "RingCT witnesses submitted to the parallel prover (successful and failed).",
    ),
    counter(
        ZK_PARALLEL_PROOF_FAILED_TOTAL,
        &[labels::REASON],
        "RingCT witnesses that did not yield a proof, by reason (invalid_witness: bad client input; prover_error: a fault of the prover).",
    ),
    counter(
        ZK_PARALLEL_BATCHES_TOTAL,
        &[],
        "RingCT proving batches completed.",
    ),
    gauge(
        ZK_PARALLEL_BATCH_LATENCY_MS,
        Unit::Milliseconds,
        "Wall time of the last proving batch, in milliseconds.",
    ),
    gauge(
        ZK_PARALLEL_AVG_LATENCY_MS,
        Unit::Milliseconds,
        "Mean per-proof latency in the last proving batch, in milliseconds.",
    ),
    gauge(
        ZK_PARALLEL_TPS,
        Unit::PerSecond,
        "Successful proofs per second of wall time in the last proving batch.",
    ),
    histogram(
        ZK_PARALLEL_PROOF_DURATION_SECONDS,
        &[],
        "Duration of one RingCT proof, in seconds.",
        PROOF_BUCKETS,
    ),
    histogram(
        ZK_PARALLEL_BATCH_DURATION_SECONDS,
        &[],
        "Wall time of one RingCT proving batch, in seconds.",
        BATCH_BUCKETS,
    ),
    counter(
        ZK_BATCH_VERIFY_TOTAL,
        &[MODE],
        "RingCT proofs verified, by verification mode.",
    ),
    counter(
        ZK_BATCH_VERIFY_FAILED_TOTAL,
        &[MODE],
        "RingCT proofs found invalid, by verification mode.",
    ),
    counter(
        ZK_BATCH_VERIFY_BATCHES_TOTAL,
        &[MODE],
        "RingCT verification calls, by verification mode.",
    ),
    histogram(
        ZK_BATCH_VERIFY_DURATION_SECONDS,
        &[MODE],
        "Duration of one RingCT verification call, in seconds.",
        VERIFY_BUCKETS,
    ),
    counter(
        FAST_FALLBACK_TOTAL,
        &[],
        "Fast-path transactions whose failure kind triggered a re-run on the Consensus path.",
    ),
    counter(
        ROUTING_FAST_TOTAL,
        &[],
        "Transactions routed to the Fast path (counted once, at routing).",
    ),
    counter(
        ROUTING_CONSENSUS_TOTAL,
        &[],
        "Transactions executed on the Consensus path (routed there, or re-run there by fallback).",
    ),
    counter(
        ROUTING_PRIVACY_TOTAL,
        &[],
        "RingCT transactions routed to the Privacy path.",
    ),
    counter(
        RUNTIME_TX_FAILED_TOTAL,
        &[PATH],
        "Transactions whose final receipt is a failure, by the path that produced it.",
    ),
    histogram(
        RUNTIME_BLOCK_DURATION_SECONDS,
        &[],
        "Wall time of one execute_block call, in seconds.",
        BLOCK_BUCKETS,
    ),
    MetricDef {
        name: BUILD_INFO,
        kind: MetricKind::Gauge,
        unit: Unit::Count,
        labels: &[
            labels::VERSION,
            labels::PROTOCOL_VERSION,
            labels::NETWORK,
            labels::FINGERPRINTS,
        ],
        help: "Always 1; the labels give the node's version, protocol version, network id and verifying-key fingerprints.",
        buckets: &[],
    },
    MetricDef {
        name: PROVER_BUILD_INFO,
        kind: MetricKind::Gauge,
        unit: Unit::Count,
        labels: &[labels::VERSION, labels::FINGERPRINTS, labels::KEYS, labels::ROLE],
        help: "Always 1; the labels give a RingCT prover's version, its key fingerprints (shape=fingerprint, comma-separated), where its keys come from and its role (bench or worker).",
        buckets: &[],
    },
    gauge(
        NODE_BLOCK_HEIGHT,
        Unit::Count,
        "Height of the node's last committed block.",
    ),
    counter(
        NODE_BLOCKS_COMMITTED_TOTAL,
        &[],
        "Blocks the node committed to its store (genesis excluded).",
    ),
    counter(
        NODE_TRANSACTIONS_COMMITTED_TOTAL,
        &[],
        "Transactions in committed blocks, successful or failed.",
    ),
    histogram(
        NODE_BLOCK_COMMIT_DURATION_SECONDS,
        &[],
        "Duration of one block's durable write to the store, in seconds.",
        COMMIT_BUCKETS,
    ),
    counter(
        NODE_BLOCK_COMMIT_FAILURES_TOTAL,
        &[],
        "Blocks whose commit failed; the node reloaded its state from the store.",
    ),
    histogram(
        NODE_SUBMIT_TO_COMMIT_SECONDS,
        &[],
        "Time from a transaction's admission to the commit of its block, in seconds.",
        SUBMIT_TO_COMMIT_BUCKETS,
    ),
    gauge(
        NODE_MEMPOOL_TRANSACTIONS,
        Unit::Count,
        "Transactions in the mempool (waiting or in the block being made).",
    ),
    gauge(
        NODE_MEMPOOL_BYTES,
        Unit::Bytes,
        "Canonical bytes of the transactions in the mempool.",
    ),
    counter(
        NODE_ADMITTED_TOTAL,
        &[labels::KIND],
        "Transactions admitted to the mempool, by kind (public or private).",
    ),
    counter(
        NODE_ADMISSION_REJECTED_TOTAL,
        &[labels::REASON],
        "Submissions refused at admission, by the broken rule.",
    ),
    gauge(
        NODE_STORE_SIZE_BYTES,
        Unit::Bytes,
        "Size of the node's store file, in bytes.",
    ),
    counter(
        CLUSTER_JOBS_TOTAL,
        &[labels::OUTCOME],
        "Proving jobs a cluster worker finished, by outcome (proved; failed for good; retried: put back in the queue; duplicate: the job already had its result).",
    ),
    histogram(
        CLUSTER_PROVING_SECONDS,
        &[],
        "Proving time of one cluster job on a worker, in seconds.",
        PROOF_BUCKETS,
    ),
    histogram(
        CLUSTER_CLAIM_SECONDS,
        &[],
        "Latency of one claim on the PostgreSQL queue (found a job or not), in seconds.",
        CLAIM_BUCKETS,
    ),
    counter(
        CLUSTER_LEASE_RENEWALS_TOTAL,
        &[],
        "Job leases a cluster worker renewed (heartbeats).",
    ),
    counter(
        CLUSTER_RETRIES_TOTAL,
        &[],
        "Jobs put back in the queue: a failure worth retrying, or a lease that expired.",
    ),
    MetricDef {
        name: CLUSTER_QUEUE_DEPTH,
        kind: MetricKind::Gauge,
        unit: Unit::Count,
        labels: &[labels::STATE],
        help: "Jobs in the cluster's PostgreSQL queue, by state, as sampled by a worker.",
        buckets: &[],
    },
    gauge(
        CLUSTER_OLDEST_JOB_AGE_SECONDS,
        Unit::Seconds,
        "Age of the oldest queued or running job in the cluster's queue, in seconds (0 when empty).",
    ),
    gauge(
        CLUSTER_WORKER_SLOTS,
        Unit::Count,
        "Proving slots of this cluster worker (jobs it proves at once).",
    ),
    MetricDef {
        name: PROCESS_CPU_SECONDS_TOTAL,
        kind: MetricKind::Counter,
        unit: Unit::Seconds,
        labels: &[],
        help: "Total user and system CPU time spent in seconds.",
        buckets: &[],
    },
    gauge(
        PROCESS_OPEN_FDS,
        Unit::Count,
        "Number of open file descriptors.",
    ),
    gauge(
        PROCESS_MAX_FDS,
        Unit::Count,
        "Maximum number of open file descriptors.",
    ),
    gauge(
        PROCESS_VIRTUAL_MEMORY_BYTES,
        Unit::Bytes,
        "Virtual memory size in bytes.",
    ),
    gauge(
        PROCESS_VIRTUAL_MEMORY_MAX_BYTES,
        Unit::Bytes,
        "Maximum amount of virtual memory available in bytes.",
    ),
    gauge(
        PROCESS_RESIDENT_MEMORY_BYTES,
        Unit::Bytes,
        "Resident memory size in bytes.",
    ),
    gauge(
        PROCESS_START_TIME_SECONDS,
        Unit::Seconds,
        "Start time of the process since unix epoch in seconds.",
    ),
    gauge(
        PROCESS_THREADS,
        Unit::Count,
        "Number of OS threads in the process.",
    ),
];

/// Looks a metric up by its full name.
pub fn find(name: &str) -> Option<&'static MetricDef> {
    CATALOG.iter().find(|m| m.name == name)
}

/// Registers every catalogued description with the installed `metrics` recorder.
pub fn describe_all() {
    for m in CATALOG {
        let unit = match m.unit {
            Unit::Count => metrics::Unit::Count,
            Unit::Seconds => metrics::Unit::Seconds,
            Unit::Milliseconds => metrics::Unit::Milliseconds,
            Unit::PerSecond => metrics::Unit::CountPerSecond,
            Unit::Bytes => metrics::Unit::Bytes,
        };
        match m.kind {
            MetricKind::Counter => metrics::describe_counter!(m.name, unit, m.help),
            MetricKind::Gauge => metrics::describe_gauge!(m.name, unit, m.help),
            MetricKind::Histogram => metrics::describe_histogram!(m.name, unit, m.help),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_prometheus_conventions() {
        for m in CATALOG {
            match m.kind {
                MetricKind::Counter => assert!(m.name.ends_with("_total"), "{}", m.name),
                MetricKind::Histogram => {
                    assert!(m.name.ends_with("_seconds"), "{}", m.name);
                    assert!(!m.buckets.is_empty(), "{} needs explicit buckets", m.name);
                    assert!(
                        m.buckets.windows(2).all(|w| w[0] < w[1]),
                        "{} buckets unsorted",
                        m.name
                    );
                }
                MetricKind::Gauge => assert!(!m.name.ends_with("_total"), "{}", m.name),
            }
            assert!(!m.help.is_empty());
        }
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in CATALOG.iter().enumerate() {
            assert!(
                CATALOG[i + 1..].iter().all(|b| b.name != a.name),
                "{} twice",
                a.name
            );
        }
    }

    #[test]
    fn every_process_metric_is_catalogued_once_and_nothing_else_is_named_process() {
        for name in names::PROCESS {
            assert!(find(name).is_some(), "{name} missing from the catalog");
        }
        for m in CATALOG {
            assert_eq!(
                m.name.starts_with("process_"),
                names::PROCESS.contains(&m.name),
                "{}",
                m.name
            );
        }
    }

    #[test]
    fn seed_contract_names_are_catalogued() {
        for name in [
            "vm_privacy_zk_parallel_proof_total",
            "vm_privacy_zk_parallel_proof_failed_total",
            "vm_privacy_zk_parallel_batches_total",
            "vm_privacy_zk_parallel_batch_latency_ms",
            "vm_privacy_zk_parallel_avg_latency_ms",
            "vm_privacy_zk_parallel_tps",
            "vm_fast_fallback_total",
            "vm_privacy_zk_batch_verify_total",
            "vm_privacy_zk_batch_verify_failed_total",
            "vm_privacy_zk_batch_verify_batches_total",
        ] {
            assert!(find(name).is_some(), "{name} missing from the catalog");
        }
    }
}

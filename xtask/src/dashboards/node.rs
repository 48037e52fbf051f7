//! The SuperVM node dashboard: chain progress, mempool, admission, execution
//! paths, privacy verification, the store and the build.
//!
//! Same rules as the prover dashboard: metric names from the catalog
//! constants, every selector filtered on `job=~"$job",instance=~"$instance"`,
//! fixed range windows, so `$job` and `$instance` are the only placeholders.

use supervm_telemetry::labels::{KIND, MODE, PATH, REASON};
use supervm_telemetry::names::{
    BUILD_INFO, FAST_FALLBACK_TOTAL, NODE_ADMISSION_REJECTED_TOTAL, NODE_ADMITTED_TOTAL,
    NODE_BLOCKS_COMMITTED_TOTAL, NODE_BLOCK_COMMIT_DURATION_SECONDS,
    NODE_BLOCK_COMMIT_FAILURES_TOTAL, NODE_BLOCK_HEIGHT, NODE_MEMPOOL_BYTES,
    NODE_MEMPOOL_TRANSACTIONS, NODE_STORE_SIZE_BYTES, NODE_SUBMIT_TO_COMMIT_SECONDS,
    NODE_TRANSACTIONS_COMMITTED_TOTAL, ROUTING_CONSENSUS_TOTAL, ROUTING_FAST_TOTAL,
    ROUTING_PRIVACY_TOTAL, RUNTIME_BLOCK_DURATION_SECONDS, ZK_BATCH_VERIFY_DURATION_SECONDS,
    ZK_BATCH_VERIFY_FAILED_TOTAL,
};

use super::grafana::{
    Dashboard, Panel, PanelSpec, Templating, Thresholds, TimeRange, GRID_WIDTH, SCHEMA_VERSION,
};
use super::variables::{at, q, sel, variables, DATASOURCE};

/// File name under `deploy/grafana/dashboards/`.
pub const FILE_NAME: &str = "grafana-node-dashboard.json";

/// `histogram_quantile(phi, ...)` of a seconds histogram, per instance (and `by`).
fn quantile(phi: f64, histogram: &str, by: &str, window: &str) -> String {
    format!(
        "histogram_quantile({phi}, sum by (instance, {by}le) (rate({}[{window}])))",
        sel(&format!("{histogram}_bucket"))
    )
}

/// The per-path transaction rate: the three routing counters in one vector,
/// each series labelled `path` (`fast`, `consensus`, `privacy`). A path that
/// has seen no transaction yet has no series, and the others still show.
fn per_path_rate() -> String {
    [
        (ROUTING_FAST_TOTAL, "fast"),
        (ROUTING_CONSENSUS_TOTAL, "consensus"),
        (ROUTING_PRIVACY_TOTAL, "privacy"),
    ]
    .iter()
    .map(|(metric, path)| {
        format!(
            "label_replace(sum by (instance) (rate({}[1m])), \"{PATH}\", \"{path}\", \"\", \"\")",
            sel(metric)
        )
    })
    .collect::<Vec<_>>()
    .join(" or ")
}

/// The rendered dashboard model.
pub fn dashboard() -> Dashboard {
    let ds = &DATASOURCE;
    let stat_h = 4;
    let chart_h = 8;
    let half = GRID_WIDTH / 2;
    let quarter = GRID_WIDTH / 4;
    let row = |n: u32| stat_h + n * chart_h;
    let fast_rate_5m = format!("sum by (instance) (rate({}[5m]))", sel(ROUTING_FAST_TOTAL));

    let panels = vec![
        Panel::stat(
            1,
            ds,
            PanelSpec {
                title: "Block height",
                description: "Height of the node's last committed block (0 is genesis).",
                grid_pos: at(0, 0, quarter, stat_h),
                unit: "none",
                queries: vec![q(sel(NODE_BLOCK_HEIGHT), "{{instance}}")],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("blue", &[]),
        ),
        Panel::stat(
            2,
            ds,
            PanelSpec {
                title: "Mempool (transactions)",
                description: "Transactions admitted and waiting for a block. The SuperVMNodeBlocksStalled alert \
                              fires when this stays above 0 while no block is committed.",
                grid_pos: at(quarter, 0, quarter, stat_h),
                unit: "short",
                queries: vec![q(sel(NODE_MEMPOOL_TRANSACTIONS), "{{instance}}")],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("green", &[]),
        ),
        Panel::stat(
            3,
            ds,
            PanelSpec {
                title: "Store size",
                description: "Size of the node's store file on disk.",
                grid_pos: at(2 * quarter, 0, quarter, stat_h),
                unit: "bytes",
                queries: vec![q(sel(NODE_STORE_SIZE_BYTES), "{{instance}}")],
            },
            (None, None),
            None,
            Thresholds::absolute("blue", &[]),
        ),
        Panel::stat(
            4,
            ds,
            PanelSpec {
                title: "Build",
                description: "What each node runs: version, protocol version and network, from supervm_build_info \
                              (its value is always 1; the verifying-key fingerprints are in its `fingerprints` label).",
                grid_pos: at(3 * quarter, 0, quarter, stat_h),
                unit: "none",
                queries: vec![q(
                    sel(BUILD_INFO),
                    "{{instance}} v{{version}} protocol {{protocol_version}} {{network}}",
                )],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("blue", &[]),
        )
        .showing_names(),
        Panel::timeseries(
            5,
            ds,
            PanelSpec {
                title: "Block rate (blocks/min)",
                description: "Blocks committed per minute (5m rate). The node produces a block only when its mempool \
                              holds transactions, so an idle node shows 0 here and that is healthy.",
                grid_pos: at(0, row(0), half, chart_h),
                unit: "short",
                queries: vec![q(
                    format!(
                        "60 * sum by (instance) (rate({}[5m]))",
                        sel(NODE_BLOCKS_COMMITTED_TOTAL)
                    ),
                    "{{instance}}",
                )],
            },
        ),
        Panel::timeseries(
            6,
            ds,
            PanelSpec {
                title: "Block execution and commit latency",
                description: "p50 and p99 over 5 minutes of one block's durable write (commit), and p99 of its \
                              execution (execute_block).",
                grid_pos: at(half, row(0), half, chart_h),
                unit: "s",
                queries: vec![
                    q(
                        quantile(0.5, NODE_BLOCK_COMMIT_DURATION_SECONDS, "", "5m"),
                        "commit p50 {{instance}}",
                    ),
                    q(
                        quantile(0.99, NODE_BLOCK_COMMIT_DURATION_SECONDS, "", "5m"),
                        "commit p99 {{instance}}",
                    ),
                    q(
                        quantile(0.99, RUNTIME_BLOCK_DURATION_SECONDS, "", "5m"),
                        "execution p99 {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            7,
            ds,
            PanelSpec {
                title: "Transactions per second by path",
                description: "Transactions executed per second (1m rate) on each path (fast, consensus, privacy), \
                              and transactions committed per second in blocks.",
                grid_pos: at(0, row(1), half, chart_h),
                unit: "suffix: tx/s",
                queries: vec![
                    q(per_path_rate(), "{{path}} {{instance}}"),
                    q(
                        format!(
                            "sum by (instance) (rate({}[1m]))",
                            sel(NODE_TRANSACTIONS_COMMITTED_TOTAL)
                        ),
                        "committed {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            8,
            ds,
            PanelSpec {
                title: "Fast-path fallback share",
                description: "Share of Fast-path transactions re-run on the Consensus path (5m rates). 0 while \
                              fallback is not enabled. The FastPathFallbackSpike alert fires above 10%.",
                grid_pos: at(half, row(1), half, chart_h),
                unit: "percentunit",
                queries: vec![q(
                    format!(
                        "(sum by (instance) (rate({}[5m])) or 0 * {fast_rate_5m}) / clamp_min({fast_rate_5m}, 1e-9)",
                        sel(FAST_FALLBACK_TOTAL)
                    ),
                    "{{instance}}",
                )],
            },
        ),
        Panel::timeseries(
            9,
            ds,
            PanelSpec {
                title: "Mempool bytes",
                description: "Canonical size of the transactions waiting for a block (the count is in the \
                              Mempool (transactions) panel above).",
                grid_pos: at(0, row(2), half, chart_h),
                unit: "bytes",
                queries: vec![q(sel(NODE_MEMPOOL_BYTES), "{{instance}}")],
            },
        ),
        Panel::timeseries(
            10,
            ds,
            PanelSpec {
                title: "Admission (per second)",
                description: "Submissions admitted to the mempool per second by kind (public, private), and \
                              submissions refused per second by the broken rule (5m rate; only reasons with \
                              refusals in the window are drawn). See docs/NODE.md for the reasons.",
                grid_pos: at(half, row(2), half, chart_h),
                unit: "suffix: tx/s",
                queries: vec![
                    q(
                        format!(
                            "sum by (instance, {KIND}) (rate({}[1m]))",
                            sel(NODE_ADMITTED_TOTAL)
                        ),
                        "admitted {{kind}} {{instance}}",
                    ),
                    q(
                        format!(
                            "sum by (instance, {REASON}) (rate({}[5m])) > 0",
                            sel(NODE_ADMISSION_REJECTED_TOTAL)
                        ),
                        "rejected {{reason}} {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            11,
            ds,
            PanelSpec {
                title: "Submit-to-commit latency",
                description: "p50 and p99 over 5 minutes of the time from a transaction's admission to the commit \
                              of its block.",
                grid_pos: at(0, row(3), half, chart_h),
                unit: "s",
                queries: vec![
                    q(
                        quantile(0.5, NODE_SUBMIT_TO_COMMIT_SECONDS, "", "5m"),
                        "p50 {{instance}}",
                    ),
                    q(
                        quantile(0.99, NODE_SUBMIT_TO_COMMIT_SECONDS, "", "5m"),
                        "p99 {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            12,
            ds,
            PanelSpec {
                title: "Block commit failures (5m)",
                description: "Blocks whose durable write failed in the trailing 5 minutes (the node reloaded its \
                              state from the store). Anything above 0 pages: SuperVMNodeCommitFailures.",
                grid_pos: at(half, row(3), half, chart_h),
                unit: "short",
                queries: vec![q(
                    format!(
                        "sum by (instance) (increase({}[5m]))",
                        sel(NODE_BLOCK_COMMIT_FAILURES_TOTAL)
                    ),
                    "{{instance}}",
                )],
            },
        ),
        Panel::timeseries(
            13,
            ds,
            PanelSpec {
                title: "Privacy verification latency (by mode)",
                description: "p50 and p99 over 5 minutes of one verification call made by the node (admission of \
                              private transactions), by verification mode. Empty on a node without verifying keys \
                              or without private traffic.",
                grid_pos: at(0, row(4), half, chart_h),
                unit: "s",
                queries: vec![
                    q(
                        quantile(0.5, ZK_BATCH_VERIFY_DURATION_SECONDS, &format!("{MODE}, "), "5m"),
                        "p50 {{mode}} {{instance}}",
                    ),
                    q(
                        quantile(0.99, ZK_BATCH_VERIFY_DURATION_SECONDS, &format!("{MODE}, "), "5m"),
                        "p99 {{mode}} {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            14,
            ds,
            PanelSpec {
                title: "Privacy verification failures (proofs/s by mode)",
                description: "Submitted proofs the node found invalid, per second (5m rate), by mode. They are \
                              refused at admission (reason InvalidProof) and page through the \
                              RingCTVerificationFailures alert. Empty until the node has verified a proof.",
                grid_pos: at(half, row(4), half, chart_h),
                unit: "suffix: proofs/s",
                queries: vec![q(
                    format!(
                        "sum by (instance, {MODE}) (rate({}[5m]))",
                        sel(ZK_BATCH_VERIFY_FAILED_TOTAL)
                    ),
                    "{{mode}} {{instance}}",
                )],
            },
        ),
        Panel::timeseries(
            15,
            ds,
            PanelSpec {
                title: "Store size over time",
                description: "Size of the store file. It grows with every block; a step down means it was compacted \
                              or replaced.",
                grid_pos: at(0, row(5), GRID_WIDTH, chart_h),
                unit: "bytes",
                queries: vec![q(sel(NODE_STORE_SIZE_BYTES), "{{instance}}")],
            },
        ),
    ];

    Dashboard {
        uid: "supervm-node",
        title: "SuperVM node",
        description: "SuperVM node: blocks, mempool, admission, execution paths, privacy verification and the store. \
                      Generated by `cargo xtask dashboards`; do not edit the JSON by hand.",
        tags: vec!["supervm", "node"],
        timezone: "browser",
        editable: true,
        graph_tooltip: 1,
        refresh: "10s",
        schema_version: SCHEMA_VERSION,
        version: 1,
        time: TimeRange {
            from: "now-30m",
            to: "now",
        },
        templating: Templating { list: variables() },
        panels,
    }
}

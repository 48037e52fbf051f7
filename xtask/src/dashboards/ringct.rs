//! The RingCT prover dashboard: every panel, its PromQL and its layout.
//!
//! Metric names come from the catalog constants, so a renamed metric fails to
//! compile here instead of silently emptying a panel. Every selector filters on
//! `job=~"$job",instance=~"$instance"` (two multi-select variables filled from
//! `up`) and uses fixed range windows (`[1m]`, `[5m]`), so the only placeholders
//! a tool must substitute are `$job` and `$instance`.

use supervm_telemetry::labels::{MODE, REASON};
use supervm_telemetry::names::{
    FAST_FALLBACK_TOTAL, ZK_BATCH_VERIFY_DURATION_SECONDS, ZK_BATCH_VERIFY_FAILED_TOTAL,
    ZK_BATCH_VERIFY_TOTAL, ZK_PARALLEL_AVG_LATENCY_MS, ZK_PARALLEL_BATCHES_TOTAL,
    ZK_PARALLEL_BATCH_DURATION_SECONDS, ZK_PARALLEL_BATCH_LATENCY_MS,
    ZK_PARALLEL_PROOF_DURATION_SECONDS, ZK_PARALLEL_PROOF_FAILED_TOTAL, ZK_PARALLEL_PROOF_TOTAL,
    ZK_PARALLEL_TPS,
};

use super::grafana::{
    Dashboard, Panel, PanelSpec, Templating, Thresholds, TimeRange, GRID_WIDTH, SCHEMA_VERSION,
};
use super::variables::{at, q, sel, variables, DATASOURCE};

/// File name under `deploy/grafana/dashboards/`.
pub const FILE_NAME: &str = "grafana-ringct-dashboard.json";

/// `histogram_quantile(phi, ...)` of a seconds histogram, per instance and `label`.
fn quantile_s_by(phi: f64, histogram: &str, label: &str, window: &str) -> String {
    format!(
        "histogram_quantile({phi}, sum by (instance, {label}, le) (rate({}[{window}])))",
        sel(&format!("{histogram}_bucket"))
    )
}

/// `1000 * histogram_quantile(phi, ...)`: a quantile of a seconds histogram, in ms.
fn quantile_ms(phi: f64, histogram: &str, window: &str) -> String {
    format!(
        "1000 * histogram_quantile({phi}, sum by (instance, le) (rate({}[{window}])))",
        sel(&format!("{histogram}_bucket"))
    )
}

/// The rendered dashboard model.
pub fn dashboard() -> Dashboard {
    let ds = &DATASOURCE;
    let total = sel(ZK_PARALLEL_PROOF_TOTAL);
    let failed = sel(ZK_PARALLEL_PROOF_FAILED_TOTAL);
    let total_rate_5m = format!("sum by (instance) (rate({total}[5m]))");
    // The failed counter may not exist until the first failure; `or 0 * total`
    // keeps the panels at 0 instead of "No data" until then.
    let failed_rate_5m = format!("(sum by (instance) (rate({failed}[5m])) or 0 * {total_rate_5m})");

    let stat_h = 4;
    let chart_h = 8;
    let half = GRID_WIDTH / 2;
    let quarter = GRID_WIDTH / 4;

    let panels = vec![
        Panel::stat(
            1,
            ds,
            PanelSpec {
                title: "Proof success rate (5m)",
                description: "Share of submitted witnesses that yielded a proof over the last 5 minutes. \
                              Shows 100% when idle (nothing failed). Counts every failure, invalid client input included; \
                              the HighRingCTFailureRate alert (95%) counts prover errors only. Red below 95%.",
                grid_pos: at(0, 0, quarter, stat_h),
                unit: "percentunit",
                queries: vec![q(
                    format!("1 - ({failed_rate_5m} / clamp_min({total_rate_5m}, 1e-9))"),
                    "{{instance}}",
                )],
            },
            (Some(0.0), Some(1.0)),
            Some(2),
            Thresholds::absolute("red", &[(0.95, "orange"), (0.99, "green")]),
        ),
        Panel::stat(
            2,
            ds,
            PanelSpec {
                title: "Proofs submitted (total)",
                description: "Witnesses submitted to the parallel prover since the process started (successful and failed).",
                grid_pos: at(quarter, 0, quarter, stat_h),
                unit: "short",
                queries: vec![q(total.clone(), "{{instance}}")],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("blue", &[]),
        ),
        Panel::stat(
            3,
            ds,
            PanelSpec {
                title: "Failed proofs (total)",
                description: "Witnesses that did not yield a proof since the process started, whatever the reason \
                              (see Proof failures by reason). Any value above 0 turns red.",
                grid_pos: at(2 * quarter, 0, quarter, stat_h),
                unit: "short",
                queries: vec![q(
                    format!("sum by (instance) ({failed}) or 0 * sum by (instance) ({total})"),
                    "{{instance}}",
                )],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("green", &[(1.0, "red")]),
        ),
        Panel::stat(
            4,
            ds,
            PanelSpec {
                title: "Proving batches (total)",
                description: "Proving batches completed since the process started.",
                grid_pos: at(3 * quarter, 0, quarter, stat_h),
                unit: "short",
                queries: vec![q(sel(ZK_PARALLEL_BATCHES_TOTAL), "{{instance}}")],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("blue", &[]),
        ),
        Panel::timeseries(
            5,
            ds,
            PanelSpec {
                title: "Proving throughput (proofs/s)",
                description: "Last batch: successful proofs per second of batch wall time (the prover's capacity; \
                              the LowRingCTThroughput alert watches this). 1m rate: witnesses submitted per second (the offered load).",
                grid_pos: at(0, stat_h, half, chart_h),
                unit: "suffix: proofs/s",
                queries: vec![
                    q(sel(ZK_PARALLEL_TPS), "last batch {{instance}}"),
                    q(
                        format!("sum by (instance) (rate({total}[1m]))"),
                        "submitted, 1m rate {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            6,
            ds,
            PanelSpec {
                title: "Per-proof latency",
                description: "p50 and p99 of one proof's duration over 5 minutes (the HighRingCTLatency alert watches p99), \
                              and the mean per-proof latency of the last batch.",
                grid_pos: at(half, stat_h, half, chart_h),
                unit: "ms",
                queries: vec![
                    q(
                        quantile_ms(0.5, ZK_PARALLEL_PROOF_DURATION_SECONDS, "5m"),
                        "p50 (5m) {{instance}}",
                    ),
                    q(
                        quantile_ms(0.99, ZK_PARALLEL_PROOF_DURATION_SECONDS, "5m"),
                        "p99 (5m) {{instance}}",
                    ),
                    q(sel(ZK_PARALLEL_AVG_LATENCY_MS), "mean, last batch {{instance}}"),
                ],
            },
        ),
        Panel::timeseries(
            7,
            ds,
            PanelSpec {
                title: "Batch latency",
                description: "Wall time of the last proving batch, and the p99 batch wall time over 5 minutes.",
                grid_pos: at(0, stat_h + chart_h, half, chart_h),
                unit: "ms",
                queries: vec![
                    q(sel(ZK_PARALLEL_BATCH_LATENCY_MS), "last batch {{instance}}"),
                    q(
                        quantile_ms(0.99, ZK_PARALLEL_BATCH_DURATION_SECONDS, "5m"),
                        "p99 (5m) {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            8,
            ds,
            PanelSpec {
                title: "Proofs generated per 5 minutes",
                description: "Witnesses submitted in the trailing 5 minutes.",
                grid_pos: at(half, stat_h + chart_h, half, chart_h),
                unit: "short",
                queries: vec![q(format!("increase({total}[5m])"), "{{instance}}")],
            },
        ),
        Panel::timeseries(
            9,
            ds,
            PanelSpec {
                title: "Verification throughput (proofs/s by mode)",
                description: "RingCT proofs verified per second, by verification mode (individual, parallel, batch).",
                grid_pos: at(0, stat_h + 2 * chart_h, half, chart_h),
                unit: "suffix: proofs/s",
                queries: vec![q(
                    format!(
                        "sum by (instance, mode) (rate({}[1m]))",
                        sel(ZK_BATCH_VERIFY_TOTAL)
                    ),
                    "{{mode}} {{instance}}",
                )],
            },
        ),
        Panel::timeseries(
            10,
            ds,
            PanelSpec {
                title: "Fast-path fallbacks",
                description: "Fast-path transactions re-run on the Consensus path, per second (5m rate). \
                              The FastPathFallbackSpike alert compares this with the Fast-path routing rate.",
                grid_pos: at(half, stat_h + 2 * chart_h, half, chart_h),
                unit: "suffix: tx/s",
                queries: vec![q(
                    format!(
                        "sum by (instance) (rate({}[5m]))",
                        sel(FAST_FALLBACK_TOTAL)
                    ),
                    "{{instance}}",
                )],
            },
        ),
        Panel::timeseries(
            11,
            ds,
            PanelSpec {
                title: "Verification latency (by mode)",
                description: "p50 and p99 over 5 minutes of one verification call (a single proof, or a whole batch in \
                              batch mode), by verification mode.",
                grid_pos: at(0, stat_h + 3 * chart_h, half, chart_h),
                unit: "s",
                queries: vec![
                    q(
                        quantile_s_by(0.5, ZK_BATCH_VERIFY_DURATION_SECONDS, MODE, "5m"),
                        "p50 (5m) {{mode}} {{instance}}",
                    ),
                    q(
                        quantile_s_by(0.99, ZK_BATCH_VERIFY_DURATION_SECONDS, MODE, "5m"),
                        "p99 (5m) {{mode}} {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            12,
            ds,
            PanelSpec {
                title: "Verification failures (proofs/s by mode)",
                description: "Proofs found invalid per second (5m rate), by verification mode. A proof this service \
                              produced never fails: anything above 0 is a fault or a forged proof; the \
                              RingCTVerificationFailures alert watches this.",
                grid_pos: at(half, stat_h + 3 * chart_h, half, chart_h),
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
            13,
            ds,
            PanelSpec {
                title: "Proof failures by reason (per second)",
                description: "Witnesses that did not yield a proof, per second (5m rate), by reason: invalid_witness is \
                              bad client input; prover_error is a fault of the prover (the HighRingCTFailureRate \
                              alert counts only these).",
                grid_pos: at(0, stat_h + 4 * chart_h, half, chart_h),
                unit: "suffix: witnesses/s",
                queries: vec![q(
                    format!("sum by (instance, {REASON}) (rate({failed}[5m]))"),
                    "{{reason}} {{instance}}",
                )],
            },
        ),
    ];

    Dashboard {
        uid: "supervm-ringct",
        title: "SuperVM RingCT prover",
        description: "RingCT parallel proving, verification and Fast-path fallback. \
                      Generated by `cargo xtask dashboards`; do not edit the JSON by hand.",
        tags: vec!["supervm", "ringct", "zk"],
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

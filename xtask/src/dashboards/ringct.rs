//! The RingCT prover dashboard: every panel, its PromQL and its layout.
//!
//! Metric names come from the catalog constants, so a renamed metric fails to
//! compile here instead of silently emptying a panel. Every selector filters on
//! `job=~"$job",instance=~"$instance"` (two multi-select variables filled from
//! `up`) and uses fixed range windows (`[1m]`, `[5m]`), so the only placeholders
//! a tool must substitute are `$job` and `$instance`.

use supervm_telemetry::labels::{MODE, OUTCOME, REASON, STATE};
use supervm_telemetry::names::{
    CLUSTER_CLAIM_SECONDS, CLUSTER_JOBS_TOTAL, CLUSTER_LEASE_RENEWALS_TOTAL,
    CLUSTER_OLDEST_JOB_AGE_SECONDS, CLUSTER_PROVING_SECONDS, CLUSTER_QUEUE_DEPTH,
    CLUSTER_RETRIES_TOTAL, FAST_FALLBACK_TOTAL, PROCESS_CPU_SECONDS_TOTAL,
    PROCESS_RESIDENT_MEMORY_BYTES, PROCESS_START_TIME_SECONDS, PROVER_BUILD_INFO,
    ZK_BATCH_VERIFY_DURATION_SECONDS, ZK_BATCH_VERIFY_FAILED_TOTAL, ZK_BATCH_VERIFY_TOTAL,
    ZK_PARALLEL_AVG_LATENCY_MS, ZK_PARALLEL_BATCHES_TOTAL, ZK_PARALLEL_BATCH_DURATION_SECONDS,
    ZK_PARALLEL_BATCH_LATENCY_MS, ZK_PARALLEL_PROOF_DURATION_SECONDS,
    ZK_PARALLEL_PROOF_FAILED_TOTAL, ZK_PARALLEL_PROOF_TOTAL, ZK_PARALLEL_TPS,
};

use super::grafana::{
    Dashboard, Panel, PanelSpec, Templating, Thresholds, TimeRange, GRID_WIDTH, SCHEMA_VERSION,
};
use super::variables::{at, q, sel, sel_with, variables, DATASOURCE};

/// File name under `deploy/grafana/dashboards/`.
pub const FILE_NAME: &str = "grafana-ringct-dashboard.json";

/// The Prometheus job that scrapes the cluster's prover workers
/// (`deploy/prometheus/prometheus-ringct.yml`, targets in
/// `deploy/prometheus/targets/workers.yml`). The "Workers up" panel counts
/// that job's `up` series, which exist while a worker is down.
pub const WORKER_JOB: &str = "supervm-cluster-worker";

/// Oldest-job-age thresholds of the cluster row (seconds): orange, then red.
/// Red is the `RingCTClusterQueueStalled` alert's threshold.
pub const OLDEST_JOB_AGE_WARN_S: f64 = 60.0;
/// See [`OLDEST_JOB_AGE_WARN_S`].
pub const OLDEST_JOB_AGE_ALERT_S: f64 = 300.0;

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
    let mut panels = panels;
    let cluster_y = stat_h + 5 * chart_h;
    panels.extend(cluster_row(cluster_y, stat_h, chart_h));
    panels.extend(process_row(
        cluster_y + 1 + stat_h + 3 * chart_h,
        stat_h,
        chart_h,
    ));

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

/// The cluster row (issue 14): the PostgreSQL queue and its prover workers,
/// from the metrics `ringct-prover-worker` exports (catalogued in
/// `supervm-telemetry`). The queue gauges are sampled by every worker from
/// the same database, so they are combined with `max`, never summed.
fn cluster_row(y: u32, stat_h: u32, chart_h: u32) -> Vec<Panel> {
    let ds = &DATASOURCE;
    let half = GRID_WIDTH / 2;
    let quarter = GRID_WIDTH / 4;
    let up = sel_with("up", &format!("job=\"{WORKER_JOB}\""));
    let charts = y + 1 + stat_h;
    vec![
        Panel::row(14, ds, "Proving cluster (PostgreSQL queue and workers)", y),
        Panel::stat(
            15,
            ds,
            PanelSpec {
                title: "Cluster workers up",
                description: "Worker targets Prometheus scraped successfully (up), and the worker targets it knows \
                              (listed, from deploy/prometheus/targets/workers.yml). Red when none is up: the \
                              RingCTClusterNoWorkerUp alert fires then.",
                grid_pos: at(0, y + 1, quarter, stat_h),
                unit: "short",
                queries: vec![
                    q(format!("sum({up})"), "up"),
                    q(format!("count({up})"), "listed"),
                ],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("red", &[(1.0, "green")]),
        ),
        Panel::stat(
            16,
            ds,
            PanelSpec {
                title: "Queued jobs",
                description: "Jobs waiting in the PostgreSQL queue for a worker (state queued), as last sampled by the workers.",
                grid_pos: at(quarter, y + 1, quarter, stat_h),
                unit: "short",
                queries: vec![q(
                    format!(
                        "max({})",
                        sel_with(CLUSTER_QUEUE_DEPTH, &format!("{STATE}=\"queued\""))
                    ),
                    "queued",
                )],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("blue", &[]),
        ),
        Panel::stat(
            17,
            ds,
            PanelSpec {
                title: "Oldest job age",
                description: "Age of the oldest queued or running job (0 when the queue is empty). Orange from 1 minute; \
                              red from 5 minutes, where the RingCTClusterQueueStalled alert fires if it keeps growing.",
                grid_pos: at(2 * quarter, y + 1, quarter, stat_h),
                unit: "s",
                queries: vec![q(
                    format!("max({})", sel(CLUSTER_OLDEST_JOB_AGE_SECONDS)),
                    "oldest",
                )],
            },
            (Some(0.0), None),
            Some(0),
            Thresholds::absolute(
                "green",
                &[
                    (OLDEST_JOB_AGE_WARN_S, "orange"),
                    (OLDEST_JOB_AGE_ALERT_S, "red"),
                ],
            ),
        ),
        Panel::stat(
            18,
            ds,
            PanelSpec {
                title: "Job retries (5m)",
                description: "Jobs put back in the queue over the last 5 minutes, by all workers: a failure worth \
                              retrying, or a lease that expired because its worker died or lost the database.",
                grid_pos: at(3 * quarter, y + 1, quarter, stat_h),
                unit: "short",
                queries: vec![q(
                    format!("sum(increase({}[5m]))", sel(CLUSTER_RETRIES_TOTAL)),
                    "retries",
                )],
            },
            (Some(0.0), None),
            Some(0),
            Thresholds::absolute("green", &[(1.0, "orange")]),
        ),
        Panel::timeseries(
            19,
            ds,
            PanelSpec {
                title: "Queue depth by state",
                description: "Unfinished jobs in the PostgreSQL queue: queued (waiting for a worker) and running \
                              (leased by a worker). Finished jobs (done, failed) are in the same gauge; the \
                              outcomes panel shows their rate.",
                grid_pos: at(0, charts, half, chart_h),
                unit: "short",
                queries: vec![q(
                    format!(
                        "max by ({STATE}) ({})",
                        sel_with(CLUSTER_QUEUE_DEPTH, &format!("{STATE}=~\"queued|running\""))
                    ),
                    "{{state}}",
                )],
            },
        ),
        Panel::timeseries(
            20,
            ds,
            PanelSpec {
                title: "Cluster proofs per second, per worker",
                description: "Jobs each worker proved and recorded, per second (1m rate).",
                grid_pos: at(half, charts, half, chart_h),
                unit: "suffix: proofs/s",
                queries: vec![q(
                    format!(
                        "sum by (instance) (rate({}[1m]))",
                        sel_with(CLUSTER_JOBS_TOTAL, &format!("{OUTCOME}=\"proved\""))
                    ),
                    "{{instance}}",
                )],
            },
        ),
        Panel::timeseries(
            21,
            ds,
            PanelSpec {
                title: "Cluster job outcomes and retries (per second)",
                description: "Jobs the workers finished, per second (5m rate), by outcome: proved; failed (for good, \
                              its error recorded); retried (put back after a failure); duplicate (another attempt \
                              had recorded the result first). Retries also counts jobs whose lease expired.",
                grid_pos: at(0, charts + chart_h, half, chart_h),
                unit: "suffix: jobs/s",
                queries: vec![
                    q(
                        format!(
                            "sum by ({OUTCOME}) (rate({}[5m]))",
                            sel(CLUSTER_JOBS_TOTAL)
                        ),
                        "{{outcome}}",
                    ),
                    q(
                        format!("sum(rate({}[5m]))", sel(CLUSTER_RETRIES_TOTAL)),
                        "retries (failures and expired leases)",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            22,
            ds,
            PanelSpec {
                title: "Claim latency",
                description: "p50 and p99 over 5 minutes of one claim on the PostgreSQL queue (whether it found a job \
                              or not), per worker: the database round trip plus the row lock.",
                grid_pos: at(half, charts + chart_h, half, chart_h),
                unit: "ms",
                queries: vec![
                    q(
                        quantile_ms(0.5, CLUSTER_CLAIM_SECONDS, "5m"),
                        "p50 (5m) {{instance}}",
                    ),
                    q(
                        quantile_ms(0.99, CLUSTER_CLAIM_SECONDS, "5m"),
                        "p99 (5m) {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            23,
            ds,
            PanelSpec {
                title: "Cluster proving time per job",
                description: "p50 and p99 over 5 minutes of one job's proving time on a worker.",
                grid_pos: at(0, charts + 2 * chart_h, half, chart_h),
                unit: "ms",
                queries: vec![
                    q(
                        quantile_ms(0.5, CLUSTER_PROVING_SECONDS, "5m"),
                        "p50 (5m) {{instance}}",
                    ),
                    q(
                        quantile_ms(0.99, CLUSTER_PROVING_SECONDS, "5m"),
                        "p99 (5m) {{instance}}",
                    ),
                ],
            },
        ),
        Panel::timeseries(
            24,
            ds,
            PanelSpec {
                title: "Lease renewals (per second)",
                description: "Heartbeats: job leases each worker renewed, per second (5m rate). A worker proving \
                              long jobs renews; one that stops renewing loses its jobs when their leases expire.",
                grid_pos: at(half, charts + 2 * chart_h, half, chart_h),
                unit: "suffix: renewals/s",
                queries: vec![q(
                    format!(
                        "sum by (instance) (rate({}[5m]))",
                        sel(CLUSTER_LEASE_RENEWALS_TOTAL)
                    ),
                    "{{instance}}",
                )],
            },
        ),
    ]
}

/// The processes row: what every selected job runs and what it costs. Build
/// info from the RingCT provers (the HTTP bench and the cluster workers,
/// `supervm_prover_build_info`, told apart by `role`); uptime, memory and CPU
/// from the `process_*` metrics that every SuperVM metrics endpoint (bench,
/// worker and node) serves. Each series is per `job` and `instance`, so with
/// `$job` on "All" the provers, the workers and the nodes all appear.
fn process_row(y: u32, stat_h: u32, chart_h: u32) -> Vec<Panel> {
    let ds = &DATASOURCE;
    let half = GRID_WIDTH / 2;
    let charts = y + 1 + stat_h;
    vec![
        Panel::row(25, ds, "Processes (provers, cluster workers, nodes)", y),
        Panel::stat(
            26,
            ds,
            PanelSpec {
                title: "Prover builds",
                description: "What each RingCT prover process runs, from supervm_prover_build_info (its value is always 1): \
                              job, instance, role (bench: zk_parallel_http_bench; worker: ringct-prover-worker), \
                              version and where its keys come from. The key fingerprints (shape=fingerprint) are in \
                              its `fingerprints` label; a node's build is on the node dashboard.",
                grid_pos: at(0, y + 1, half, stat_h),
                unit: "none",
                queries: vec![q(
                    sel(PROVER_BUILD_INFO),
                    "{{job}} {{instance}} {{role}} v{{version}} keys {{keys}}",
                )],
            },
            (None, None),
            Some(0),
            Thresholds::absolute("blue", &[]),
        )
        .showing_names(),
        Panel::stat(
            27,
            ds,
            PanelSpec {
                title: "Uptime",
                description: "Time since each process started (process_start_time_seconds), for every selected job: \
                              provers, cluster workers and nodes. A value that keeps dropping back means restarts.",
                grid_pos: at(half, y + 1, half, stat_h),
                unit: "s",
                queries: vec![q(
                    format!("time() - {}", sel(PROCESS_START_TIME_SECONDS)),
                    "{{job}} {{instance}}",
                )],
            },
            (Some(0.0), None),
            Some(0),
            Thresholds::absolute("blue", &[]),
        ),
        Panel::timeseries(
            28,
            ds,
            PanelSpec {
                title: "Resident memory by process",
                description: "Resident memory (process_resident_memory_bytes) of each selected process: provers, \
                              cluster workers and nodes. A prover or worker holds its proving keys in memory.",
                grid_pos: at(0, charts, half, chart_h),
                unit: "bytes",
                queries: vec![q(
                    sel(PROCESS_RESIDENT_MEMORY_BYTES),
                    "{{job}} {{instance}}",
                )],
            },
        ),
        Panel::timeseries(
            29,
            ds,
            PanelSpec {
                title: "CPU by process (cores)",
                description: "CPU time each selected process uses per second of wall time (1m rate of \
                              process_cpu_seconds_total, user and system): 1 is one core busy. Provers, cluster \
                              workers and nodes.",
                grid_pos: at(half, charts, half, chart_h),
                unit: "suffix: cores",
                queries: vec![q(
                    format!("rate({}[1m])", sel(PROCESS_CPU_SECONDS_TOTAL)),
                    "{{job}} {{instance}}",
                )],
            },
        ),
    ]
}

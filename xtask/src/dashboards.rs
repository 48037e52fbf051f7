//! `cargo xtask dashboards`: renders the Grafana dashboards from typed structs.
//!
//! - no flag: write `deploy/grafana/dashboards/<name>.json`
//! - `--check`: exit non-zero if a committed file differs from the rendering
//! - `--list-queries`: print every panel's PromQL expression, one per line, in
//!   panel order, with `$job` and `$instance` left in place (substitute `.*`
//!   for both, as Grafana's "All" does, to run them against Prometheus directly)
//! - `--list-queries UID`: the same for one dashboard (`supervm-ringct`,
//!   `supervm-node`)

mod grafana;
mod node;
mod ringct;
mod variables;

use std::path::PathBuf;

use crate::{project_root, XtaskError};
use grafana::Dashboard;

/// The command that regenerates the dashboards (named in staleness errors).
pub const REGENERATE: &str = "cargo xtask dashboards";

/// Builds one dashboard's model.
pub type DashboardFn = fn() -> Dashboard;

/// Every generated dashboard: its file name under `deploy/grafana/dashboards/`
/// and its model.
pub const DASHBOARDS: &[(&str, DashboardFn)] = &[
    (ringct::FILE_NAME, ringct::dashboard),
    (node::FILE_NAME, node::dashboard),
];

/// Entry point for `cargo xtask dashboards [--check | --list-queries]`.
pub fn run(args: &[String]) -> Result<(), XtaskError> {
    match args {
        [] => write(),
        [flag] if flag == "--check" => check(),
        [flag] if flag == "--list-queries" => {
            for expr in panel_queries() {
                println!("{expr}");
            }
            Ok(())
        }
        [flag, uid] if flag == "--list-queries" => {
            let Some((_, dashboard)) = DASHBOARDS.iter().find(|(_, d)| d().uid == uid) else {
                let uids: Vec<&str> = DASHBOARDS.iter().map(|(_, d)| d().uid).collect();
                return Err(XtaskError::Usage(format!(
                    "no dashboard with uid `{uid}`; the uids are: {}",
                    uids.join(", ")
                )));
            };
            for panel in dashboard().panels {
                for target in panel.targets {
                    println!("{}", target.expr);
                }
            }
            Ok(())
        }
        _ => Err(XtaskError::Usage(format!(
            "unexpected arguments to `dashboards`: {}",
            args.join(" ")
        ))),
    }
}

/// Where a dashboard is committed.
pub fn dashboard_path(file_name: &str) -> PathBuf {
    project_root()
        .join("deploy/grafana/dashboards")
        .join(file_name)
}

/// A dashboard as committed: pretty JSON with a trailing newline.
pub fn render(dashboard: &Dashboard) -> Result<String, XtaskError> {
    let mut json = serde_json::to_string_pretty(dashboard)?;
    json.push('\n');
    Ok(json)
}

/// Every panel query (PromQL, with `$job` and `$instance` unsubstituted), in
/// dashboard order (as in [`DASHBOARDS`]), then panel order.
pub fn panel_queries() -> Vec<String> {
    DASHBOARDS
        .iter()
        .flat_map(|(_, dashboard)| dashboard().panels)
        .flat_map(|p| p.targets.into_iter().map(|t| t.expr))
        .collect()
}

fn write() -> Result<(), XtaskError> {
    for (file_name, dashboard) in DASHBOARDS {
        let path = dashboard_path(file_name);
        let json = render(&dashboard())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| XtaskError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, json).map_err(|source| XtaskError::Io {
            path: path.clone(),
            source,
        })?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// `Ok` if every committed dashboard equals its rendering; `Stale` for the first
/// one that does not (or is missing).
pub fn check() -> Result<(), XtaskError> {
    for (file_name, dashboard) in DASHBOARDS {
        let path = dashboard_path(file_name);
        let committed = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => return Err(XtaskError::Io { path, source }),
        };
        if committed != render(&dashboard())? {
            return Err(XtaskError::Stale {
                path,
                command: REGENERATE,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::grafana::{Panel, PanelKind, GRID_WIDTH, SCHEMA_VERSION};
    use super::variables::{DATASOURCE, VARIABLE_FILTER};
    use super::*;
    use supervm_telemetry::{find, names, MetricKind};

    /// Every identifier in `text` that starts with `vm_`, `process_`,
    /// `supervm_` or `ringct_` (the catalog's prefixes), and Prometheus' own
    /// `up`.
    fn metric_names(text: &str) -> Vec<&str> {
        let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| is_ident(c)) {
            let tail = &rest[start..];
            let end = tail.find(|c: char| !is_ident(c)).unwrap_or(tail.len());
            let word = &tail[..end];
            if word.starts_with("vm_")
                || word.starts_with("process_")
                || word.starts_with("supervm_")
                || word.starts_with("ringct_")
                || word == PROMETHEUS_UP
            {
                out.push(word);
            }
            rest = &tail[end..];
        }
        out
    }

    fn ringct_queries() -> Vec<String> {
        queries_of(ringct::dashboard())
    }

    fn queries_of(dashboard: Dashboard) -> Vec<String> {
        dashboard
            .panels
            .into_iter()
            .flat_map(|p| p.targets.into_iter().map(|t| t.expr))
            .collect()
    }

    /// The series Prometheus itself writes for every scrape target.
    const PROMETHEUS_UP: &str = "up";

    /// True if `series` is a catalogued metric, a histogram's derived series,
    /// or Prometheus' own `up`.
    fn is_catalogued(series: &str) -> bool {
        if series == PROMETHEUS_UP || find(series).is_some() {
            return true;
        }
        ["_bucket", "_sum", "_count"].iter().any(|suffix| {
            series
                .strip_suffix(suffix)
                .and_then(find)
                .is_some_and(|m| m.kind == MetricKind::Histogram)
        })
    }

    #[test]
    fn committed_dashboards_are_up_to_date() {
        for (file_name, dashboard) in DASHBOARDS {
            let path = dashboard_path(file_name);
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            let rendered = render(&dashboard()).unwrap();
            assert!(
                committed == rendered,
                "{} is stale or missing: run `{REGENERATE}` and commit the result",
                path.display()
            );
        }
        assert!(check().is_ok());
    }

    #[test]
    fn dashboards_have_distinct_files_uids_and_titles() {
        for (i, (file_a, a)) in DASHBOARDS.iter().enumerate() {
            for (file_b, b) in &DASHBOARDS[i + 1..] {
                assert_ne!(file_a, file_b);
                assert_ne!(a().uid, b().uid);
                assert_ne!(a().title, b().title);
            }
        }
    }

    #[test]
    fn every_query_filters_on_job_and_instance_and_names_catalogued_metrics() {
        let queries = panel_queries();
        assert!(queries.len() >= 30, "{queries:?}");
        for expr in &queries {
            let names = metric_names(expr);
            assert!(!names.is_empty(), "no metric in {expr}");
            for name in names {
                assert!(
                    is_catalogued(name),
                    "{name} (in {expr}) is not in the catalog"
                );
                // Every selector of that metric carries both variable filters
                // first (more matchers may follow them).
                let selector = format!("{name}{{{VARIABLE_FILTER}");
                assert_eq!(
                    metric_names(expr).iter().filter(|n| **n == name).count(),
                    expr.matches(&selector).count(),
                    "{name} without {VARIABLE_FILTER} in {expr}"
                );
            }
            assert!(!expr.contains("$__"), "Grafana-only macro in {expr}");
        }
    }

    #[test]
    fn required_prover_panels_are_present() {
        let all = ringct_queries().join("\n");
        for needle in [
            "vm_privacy_zk_parallel_tps{",
            "rate(vm_privacy_zk_parallel_proof_total{",
            "histogram_quantile(0.5, sum by (instance, le) (rate(vm_privacy_zk_parallel_proof_duration_seconds_bucket{",
            "histogram_quantile(0.99, sum by (instance, le) (rate(vm_privacy_zk_parallel_proof_duration_seconds_bucket{",
            "vm_privacy_zk_parallel_batch_latency_ms{",
            "vm_privacy_zk_parallel_avg_latency_ms{",
            "clamp_min(",
            "vm_privacy_zk_parallel_proof_failed_total{",
            "vm_privacy_zk_parallel_batches_total{",
            "increase(vm_privacy_zk_parallel_proof_total{job=~\"$job\",instance=~\"$instance\"}[5m])",
            "rate(vm_privacy_zk_batch_verify_total{",
            "rate(vm_fast_fallback_total{",
            // Verification latency (seconds histogram) and failures, by mode.
            "histogram_quantile(0.5, sum by (instance, mode, le) (rate(vm_privacy_zk_batch_verify_duration_seconds_bucket{",
            "histogram_quantile(0.99, sum by (instance, mode, le) (rate(vm_privacy_zk_batch_verify_duration_seconds_bucket{",
            "sum by (instance, mode) (rate(vm_privacy_zk_batch_verify_failed_total{",
            // Proof failures by their reason label.
            "sum by (instance, reason) (rate(vm_privacy_zk_parallel_proof_failed_total{",
        ] {
            assert!(all.contains(needle), "no panel query contains `{needle}`");
        }
    }

    #[test]
    fn required_cluster_panels_are_present() {
        let all = ringct_queries().join("\n");
        let f = VARIABLE_FILTER;
        let job = ringct::WORKER_JOB;
        for needle in [
            // Workers up, and the worker targets Prometheus knows.
            format!("sum(up{{{f},job=\"{job}\"}})"),
            format!("count(up{{{f},job=\"{job}\"}})"),
            // Queue depth by state: every worker samples the same queue, so max.
            format!("max(ringct_cluster_queue_depth{{{f},state=\"queued\"}})"),
            format!("max by (state) (ringct_cluster_queue_depth{{{f},state=~\"queued|running\"}})"),
            format!("max(ringct_cluster_oldest_job_age_seconds{{{f}}})"),
            // Proofs per second per worker, outcomes, retries.
            format!("sum by (instance) (rate(ringct_cluster_jobs_total{{{f},outcome=\"proved\"}}[1m]))"),
            format!("sum by (outcome) (rate(ringct_cluster_jobs_total{{{f}}}[5m]))"),
            format!("sum(increase(ringct_cluster_retries_total{{{f}}}[5m]))"),
            format!("sum(rate(ringct_cluster_retries_total{{{f}}}[5m]))"),
            // Claim latency and proving time (seconds histograms, in ms).
            format!("1000 * histogram_quantile(0.99, sum by (instance, le) (rate(ringct_cluster_claim_seconds_bucket{{{f}}}[5m])))"),
            format!("1000 * histogram_quantile(0.99, sum by (instance, le) (rate(ringct_cluster_proving_seconds_bucket{{{f}}}[5m])))"),
            format!("sum by (instance) (rate(ringct_cluster_lease_renewals_total{{{f}}}[5m]))"),
        ] {
            assert!(all.contains(&needle), "no cluster panel query contains `{needle}`");
        }
        // The cluster panels sit under their row header, below every other panel.
        let dashboard = ringct::dashboard();
        let row = dashboard
            .panels
            .iter()
            .find(|p| p.kind == PanelKind::Row)
            .expect("the prover dashboard has a cluster row");
        let bottom_of_others = dashboard
            .panels
            .iter()
            .filter(|p| {
                !p.targets
                    .iter()
                    .any(|t| t.expr.contains("ringct_cluster_") || t.expr.contains("up{"))
            })
            .filter(|p| p.kind != PanelKind::Row)
            // The processes row sits below the cluster row.
            .filter(|p| !p.targets.iter().any(|t| is_process_query(&t.expr)))
            .map(|p| p.grid_pos.y + p.grid_pos.h)
            .max()
            .unwrap();
        assert_eq!(row.grid_pos.y, bottom_of_others);
        for p in dashboard
            .panels
            .iter()
            .filter(|p| p.targets.iter().any(|t| t.expr.contains("ringct_cluster_")))
        {
            assert!(
                p.grid_pos.y > row.grid_pos.y,
                "{} is above the cluster row",
                p.title
            );
        }
    }

    /// A query of the processes row: build info or `process_*` metrics.
    fn is_process_query(expr: &str) -> bool {
        expr.contains("process_") || expr.contains(names::PROVER_BUILD_INFO)
    }

    #[test]
    fn the_processes_row_shows_every_job_below_the_cluster_row() {
        let dashboard = ringct::dashboard();
        let f = VARIABLE_FILTER;
        let all = ringct_queries().join("\n");
        for needle in [
            format!("{}{{{f}}}", names::PROVER_BUILD_INFO),
            format!("time() - {}{{{f}}}", names::PROCESS_START_TIME_SECONDS),
            format!("{}{{{f}}}", names::PROCESS_RESIDENT_MEMORY_BYTES),
            format!("rate({}{{{f}}}[1m])", names::PROCESS_CPU_SECONDS_TOTAL),
        ] {
            assert!(all.contains(&needle), "no panel query contains `{needle}`");
        }
        let rows: Vec<&Panel> = dashboard
            .panels
            .iter()
            .filter(|p| p.kind == PanelKind::Row)
            .collect();
        assert_eq!(rows.len(), 2, "a cluster row, then a processes row");
        let processes = dashboard
            .panels
            .iter()
            .filter(|p| p.targets.iter().any(|t| is_process_query(&t.expr)))
            .collect::<Vec<_>>();
        assert_eq!(processes.len(), 4);
        let bottom = dashboard
            .panels
            .iter()
            .filter(|p| !processes.iter().any(|q| q.id == p.id) && p.id != rows[1].id)
            .map(|p| p.grid_pos.y + p.grid_pos.h)
            .max()
            .unwrap();
        assert_eq!(rows[1].grid_pos.y, bottom, "the processes row is last");
        for p in processes {
            assert!(p.grid_pos.y > rows[1].grid_pos.y, "{}", p.title);
            for t in &p.targets {
                // Per job and instance, never pinned to one job: provers,
                // cluster workers and nodes all appear under "All".
                assert!(!t.expr.contains("job=\""), "{}", t.expr);
                assert!(
                    t.legend_format.contains("{{job}} {{instance}}"),
                    "{}",
                    p.title
                );
            }
        }
    }

    #[test]
    fn the_worker_job_is_scraped_through_file_discovery() {
        let path = project_root().join("deploy/prometheus/prometheus-ringct.yml");
        let yaml = std::fs::read_to_string(&path).unwrap();
        let job = format!("job_name: {}", ringct::WORKER_JOB);
        let at = yaml
            .find(&job)
            .unwrap_or_else(|| panic!("{} has no `{job}`", path.display()));
        let rest = &yaml[at..];
        let end = rest[1..].find("- job_name:").map_or(rest.len(), |i| i + 1);
        assert!(
            rest[..end].contains("targets/workers.yml"),
            "{job} does not read targets/workers.yml"
        );
    }

    #[test]
    fn required_node_panels_are_present() {
        let all = queries_of(node::dashboard()).join("\n");
        let f = VARIABLE_FILTER;
        for needle in [
            format!("supervm_node_block_height{{{f}}}"),
            format!("60 * sum by (instance) (rate(supervm_node_blocks_committed_total{{{f}}}[5m]))"),
            format!("histogram_quantile(0.99, sum by (instance, le) (rate(supervm_node_block_commit_duration_seconds_bucket{{{f}}}[5m])))"),
            format!("supervm_node_mempool_transactions{{{f}}}"),
            format!("supervm_node_mempool_bytes{{{f}}}"),
            format!("label_replace(sum by (instance) (rate(vm_routing_fast_total{{{f}}}[1m])), \"path\", \"fast\", \"\", \"\")"),
            format!("label_replace(sum by (instance) (rate(vm_routing_consensus_total{{{f}}}[1m])), \"path\", \"consensus\", \"\", \"\")"),
            format!("label_replace(sum by (instance) (rate(vm_routing_privacy_total{{{f}}}[1m])), \"path\", \"privacy\", \"\", \"\")"),
            format!("(sum by (instance) (rate(vm_fast_fallback_total{{{f}}}[5m])) or 0 * "),
            format!("sum by (instance, reason) (rate(supervm_node_admission_rejected_total{{{f}}}[5m]))"),
            format!("sum by (instance, kind) (rate(supervm_node_admitted_total{{{f}}}[1m]))"),
            format!("histogram_quantile(0.99, sum by (instance, mode, le) (rate(vm_privacy_zk_batch_verify_duration_seconds_bucket{{{f}}}[5m])))"),
            format!("sum by (instance, mode) (rate(vm_privacy_zk_batch_verify_failed_total{{{f}}}[5m]))"),
            format!("sum by (instance) (increase(supervm_node_block_commit_failures_total{{{f}}}[5m]))"),
            format!("supervm_node_store_size_bytes{{{f}}}"),
            format!("supervm_build_info{{{f}}}"),
            format!("histogram_quantile(0.99, sum by (instance, le) (rate(supervm_node_submit_to_commit_seconds_bucket{{{f}}}[5m])))"),
        ] {
            assert!(all.contains(&needle), "no node panel query contains `{needle}`");
        }
    }

    #[test]
    fn layout_types_and_datasources_are_consistent() {
        for (_, dashboard) in DASHBOARDS {
            layout_is_consistent(dashboard());
        }
    }

    fn layout_is_consistent(dashboard: Dashboard) {
        assert_eq!(dashboard.schema_version, SCHEMA_VERSION);
        let json = render(&dashboard).unwrap();
        assert_eq!(
            json.matches("\"schemaVersion\"").count(),
            1,
            "one schema version only"
        );
        for (i, a) in dashboard.panels.iter().enumerate() {
            match a.kind {
                PanelKind::Timeseries | PanelKind::Stat => {
                    assert!(!a.targets.is_empty(), "{} has no query", a.title);
                    assert!(a.field_config.is_some() && a.options.is_some());
                    assert!(a.row.is_none(), "{}", a.title);
                }
                PanelKind::Row => {
                    assert!(a.targets.is_empty() && a.description.is_empty());
                    assert!(a.field_config.is_none() && a.options.is_none());
                    assert!(a.row.is_some(), "{}", a.title);
                    assert_eq!(
                        (a.grid_pos.x, a.grid_pos.w, a.grid_pos.h),
                        (0, GRID_WIDTH, 1)
                    );
                }
            }
            assert!(a.grid_pos.x + a.grid_pos.w <= GRID_WIDTH, "{}", a.title);
            assert_eq!(a.datasource, DATASOURCE, "{}", a.title);
            assert!(a.targets.iter().all(|t| t.datasource == DATASOURCE));
            for b in &dashboard.panels[i + 1..] {
                assert_ne!(a.id, b.id, "duplicate panel id");
                assert!(
                    !a.grid_pos.overlaps(&b.grid_pos),
                    "{} overlaps {}",
                    a.title,
                    b.title
                );
            }
        }
        let variables: Vec<(&str, &str)> = dashboard
            .templating
            .list
            .iter()
            .map(|v| (v.name, v.query.query.as_str()))
            .collect();
        assert_eq!(
            variables,
            vec![
                ("job", "label_values(up, job)"),
                ("instance", "label_values(up{job=~\"$job\"}, instance)"),
            ]
        );
        for v in &dashboard.templating.list {
            assert!(
                v.multi && v.include_all,
                "{} is not multi-select with All",
                v.name
            );
            assert_eq!(v.all_value, ".*", "{}", v.name);
            assert_eq!(v.datasource, DATASOURCE, "{}", v.name);
        }
    }

    #[test]
    fn rendered_json_has_what_the_grafana_schema_requires() {
        // The full check is `tsc --strict` against @grafana/schema in
        // deploy/grafana/schema-check (run by deploy/check.sh); this catches the
        // same known gaps without node.
        for (_, dashboard) in DASHBOARDS {
            has_what_the_schema_requires(&render(&dashboard()).unwrap());
        }
    }

    fn has_what_the_schema_requires(text: &str) {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(json["schemaVersion"], 42);
        let panels = json["panels"].as_array().unwrap();
        assert!(!panels.is_empty());
        for panel in panels {
            let title = &panel["title"];
            if panel["type"] == "row" {
                // The schema's RowPanel: no queries, options or field config.
                assert_eq!(panel["collapsed"], false, "{title}");
                assert_eq!(panel["panels"], serde_json::json!([]), "{title}");
                for key in ["targets", "options", "fieldConfig", "description"] {
                    assert!(panel.get(key).is_none(), "{title}: a row has no {key}");
                }
                continue;
            }
            assert_eq!(
                panel["fieldConfig"]["overrides"],
                serde_json::json!([]),
                "{title}: fieldConfig.overrides"
            );
            if panel["type"] == "stat" {
                for key in ["showPercentChange", "percentChangeColorMode", "wideLayout"] {
                    assert!(
                        panel["options"].get(key).is_some(),
                        "{title}: stat option {key}"
                    );
                }
            }
        }
        for variable in json["templating"]["list"].as_array().unwrap() {
            assert!(
                variable.get("definition").is_none(),
                "`definition` is not in the schema's VariableModel"
            );
        }
    }

    #[test]
    fn provisioned_datasource_uid_matches_the_dashboard() {
        let path =
            project_root().join("deploy/grafana/provisioning/datasources/ringct-prometheus.yml");
        let yaml = std::fs::read_to_string(&path).unwrap();
        let uid_line = format!("uid: {}", DATASOURCE.uid);
        assert!(
            yaml.lines().any(|l| l.trim() == uid_line),
            "{} lacks `{uid_line}`",
            path.display()
        );
    }

    #[test]
    fn alert_rules_name_only_catalogued_metrics() {
        let path = project_root().join("deploy/prometheus/prometheus-zk-alerts.yml");
        let yaml = std::fs::read_to_string(&path).unwrap();
        let names = metric_names(&yaml);
        assert!(names.len() > 5, "{names:?}");
        for name in names {
            assert!(
                is_catalogued(name),
                "{name} in {} is not catalogued",
                path.display()
            );
        }
    }

    #[test]
    fn panel_guides_document_every_panel_and_exact_query() {
        panel_guide_documents(ringct::dashboard(), "docs/GRAFANA-RINGCT-PANELS.md");
        panel_guide_documents(node::dashboard(), "docs/GRAFANA-NODE-PANELS.md");
    }

    fn panel_guide_documents(dashboard: Dashboard, guide: &str) {
        let path = project_root().join(guide);
        let guide =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for panel in dashboard.panels {
            if panel.kind == PanelKind::Row {
                assert!(
                    guide.contains(&format!(": {}\n", panel.title)),
                    "{} has no heading for row `{}`",
                    path.display(),
                    panel.title
                );
                continue;
            }
            assert!(
                guide.contains(&format!(". {}\n", panel.title)),
                "{} has no section for panel `{}`",
                path.display(),
                panel.title
            );
            for target in panel.targets {
                let block = format!("```promql\n{}\n```", target.expr);
                assert!(
                    guide.contains(&block),
                    "{} does not show the exact query of `{}`:\n{}",
                    path.display(),
                    panel.title,
                    target.expr
                );
            }
        }
    }

    #[test]
    fn metric_name_scanner_finds_names() {
        assert_eq!(
            metric_names("rate(vm_a_total{x=\"y\"}[5m]) / foo_vm_b + vm_c_bucket - supervm_d"),
            vec!["vm_a_total", "vm_c_bucket", "supervm_d"]
        );
        assert_eq!(
            metric_names("sum(up{job=\"w\"}) + ringct_cluster_x - setup - uptime"),
            vec!["up", "ringct_cluster_x"]
        );
        assert!(is_catalogued("ringct_cluster_claim_seconds_bucket"));
        assert!(is_catalogued("up"));
        assert!(!is_catalogued("ringct_cluster_nonexistent"));
        assert!(is_catalogued(
            "supervm_node_submit_to_commit_seconds_bucket"
        ));
        assert!(is_catalogued("vm_runtime_block_duration_seconds_bucket"));
        assert!(!is_catalogued("vm_fast_fallback_total_bucket"));
        assert!(!is_catalogued("vm_nonexistent_total"));
        assert_eq!(
            metric_names("time() - process_start_time_seconds{job=~\"$job\"}"),
            vec!["process_start_time_seconds"]
        );
        assert!(is_catalogued("process_resident_memory_bytes"));
        assert!(!is_catalogued("process_nonexistent_bytes"));
    }
}

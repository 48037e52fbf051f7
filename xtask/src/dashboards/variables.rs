//! What every generated dashboard shares: the data source, the `job` and
//! `instance` variables (filled from `up`) and the selector helper that puts
//! their filter on every metric.

use super::grafana::{DatasourceRef, GridPos, Query, QueryVariable, VariableQuery};

/// The Prometheus data source, by the uid fixed in
/// `deploy/grafana/provisioning/datasources/ringct-prometheus.yml`.
pub const DATASOURCE: DatasourceRef = DatasourceRef {
    kind: "prometheus",
    uid: "supervm-prometheus",
};

/// The label matchers of the dashboard variables; every selector carries them.
pub const VARIABLE_FILTER: &str = "job=~\"$job\",instance=~\"$instance\"";

/// The series the `job` and `instance` variables are filled from: every scrape
/// target has it, whatever it exports, and it exists while the target is down.
pub const TARGET_SERIES: &str = "up";

/// `metric{job=~"$job",instance=~"$instance"}`.
pub fn sel(metric: &str) -> String {
    format!("{metric}{{{VARIABLE_FILTER}}}")
}

/// `metric{job=~"$job",instance=~"$instance",extra}`: the variable filter
/// followed by more label matchers (`extra`, comma-separated).
pub fn sel_with(metric: &str, extra: &str) -> String {
    format!("{metric}{{{VARIABLE_FILTER},{extra}}}")
}

/// A query and its legend.
pub fn q(expr: String, legend: &'static str) -> Query {
    Query { expr, legend }
}

/// A panel's place on the grid.
pub fn at(x: u32, y: u32, w: u32, h: u32) -> GridPos {
    GridPos { x, y, w, h }
}

/// A multi-select `query` variable with "All" (`.*`), filled by `query`.
fn variable(name: &'static str, label: &'static str, query: String) -> QueryVariable {
    QueryVariable {
        name,
        label,
        kind: "query",
        datasource: DATASOURCE,
        query: VariableQuery {
            query,
            ref_id: "PrometheusVariableQueryEditor-VariableQuery",
        },
        refresh: 2,
        include_all: true,
        all_value: ".*",
        multi: true,
        sort: 1,
    }
}

/// The dashboard variables: `job` from `up`, then `instance` from `up` of the
/// selected jobs.
pub fn variables() -> Vec<QueryVariable> {
    vec![
        variable("job", "Job", format!("label_values({TARGET_SERIES}, job)")),
        variable(
            "instance",
            "Instance",
            format!("label_values({TARGET_SERIES}{{job=~\"$job\"}}, instance)"),
        ),
    ]
}

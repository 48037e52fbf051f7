//! A small typed model of the Grafana dashboard JSON we generate: only the fields
//! we set, only modern panel types (`timeseries`, `stat`) and row headers
//! (`row`), one schema version.
//! Grafana fills in defaults for everything left out, but every field that
//! Grafana's published schema (`@grafana/schema`) marks as required is set here:
//! `deploy/grafana/schema-check` type-checks the rendered JSON against it.

use serde::Serialize;

/// The one dashboard schema version every generated dashboard uses: the current
/// one of `@grafana/schema` 13.2 (`defaultDashboard.schemaVersion`), which the
/// schema check in `deploy/grafana/schema-check` pins.
pub const SCHEMA_VERSION: u32 = 42;

/// Grid width of a dashboard row.
pub const GRID_WIDTH: u32 = 24;

/// Reference to a provisioned data source by its fixed uid.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DatasourceRef {
    /// Plugin type, e.g. `prometheus`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Fixed uid from the provisioning file.
    pub uid: &'static str,
}

/// A whole dashboard.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub uid: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub tags: Vec<&'static str>,
    pub timezone: &'static str,
    pub editable: bool,
    /// 0 = default, 1 = shared crosshair, 2 = shared tooltip.
    pub graph_tooltip: u8,
    pub refresh: &'static str,
    pub schema_version: u32,
    pub version: u32,
    pub time: TimeRange,
    pub templating: Templating,
    pub panels: Vec<Panel>,
}

/// Default time range, e.g. `now-30m` .. `now`.
#[derive(Debug, Serialize)]
pub struct TimeRange {
    pub from: &'static str,
    pub to: &'static str,
}

/// Dashboard variables.
#[derive(Debug, Serialize)]
pub struct Templating {
    pub list: Vec<QueryVariable>,
}

/// A `query` variable whose values come from a data source.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryVariable {
    pub name: &'static str,
    pub label: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub datasource: DatasourceRef,
    pub query: VariableQuery,
    /// 1 = on dashboard load, 2 = on time range change.
    pub refresh: u8,
    pub include_all: bool,
    /// Value substituted for "All" (a regex, since queries use `=~`).
    pub all_value: &'static str,
    pub multi: bool,
    /// 1 = alphabetical ascending.
    pub sort: u8,
}

/// Prometheus variable query.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VariableQuery {
    pub query: String,
    pub ref_id: &'static str,
}

/// Panel position on the 24-column grid.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct GridPos {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

impl GridPos {
    /// True if the two rectangles share any cell.
    #[cfg(test)]
    pub fn overlaps(&self, other: &GridPos) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }
}

/// The panel types we allow.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PanelKind {
    Timeseries,
    Stat,
    /// A row header: a full-width title bar that groups the panels below it
    /// (up to the next row). It has no queries, options or field config.
    Row,
}

/// One panel. Build with [`Panel::timeseries`], [`Panel::stat`] or
/// [`Panel::row`] so that the type and its options always agree.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Panel {
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: PanelKind,
    pub title: &'static str,
    /// Empty (and left out of the JSON) on a row, which the schema gives no
    /// description.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub description: &'static str,
    pub grid_pos: GridPos,
    pub datasource: DatasourceRef,
    /// Empty (and left out of the JSON) on a row.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    /// `None` only on a row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_config: Option<FieldConfig>,
    /// `None` only on a row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<PanelOptions>,
    /// A row's state and (always empty: an open row) nested panels; `None` on
    /// every other panel.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub row: Option<RowState>,
}

/// What only a row header has: whether it is collapsed (never: the panels of
/// an open row follow it in the dashboard's own list) and the panels a
/// collapsed row would hold.
#[derive(Debug, Serialize)]
pub struct RowState {
    pub collapsed: bool,
    pub panels: Vec<NoNestedPanel>,
}

/// A panel nested in a collapsed row, which we never write: `panels` can
/// only be empty.
#[derive(Debug, Serialize)]
pub enum NoNestedPanel {}

/// One PromQL query of a panel.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub datasource: DatasourceRef,
    pub ref_id: String,
    pub expr: String,
    pub legend_format: &'static str,
    /// Open the query in the code editor, not the builder.
    pub editor_mode: &'static str,
    pub range: bool,
}

/// Field defaults and the (always empty) overrides the schema requires.
#[derive(Debug, Serialize)]
pub struct FieldConfig {
    pub defaults: FieldDefaults,
    /// Required by the schema; always `[]`: we never override a field.
    pub overrides: Vec<NoOverride>,
}

/// A field override, which we never write: this type has no values, so
/// `overrides` can only be empty.
#[derive(Debug, Serialize)]
pub enum NoOverride {}

/// Unit, range, colours and thresholds of a panel's values.
#[derive(Debug, Serialize)]
pub struct FieldDefaults {
    /// Grafana unit id (`ms`, `percentunit`, `short`, `suffix: proofs/s`, ...).
    pub unit: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    pub color: ColorMode,
    pub thresholds: Thresholds,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom: Option<TimeseriesStyle>,
}

/// How values are coloured.
#[derive(Debug, Serialize)]
pub struct ColorMode {
    /// `palette-classic` (one colour per series) or `thresholds`.
    pub mode: &'static str,
}

/// Absolute thresholds: the first step has no value (it is the base colour).
#[derive(Debug, Serialize)]
pub struct Thresholds {
    pub mode: &'static str,
    pub steps: Vec<ThresholdStep>,
}

/// One threshold step.
#[derive(Debug, Serialize)]
pub struct ThresholdStep {
    pub color: &'static str,
    /// `None` (JSON `null`) only for the base step.
    pub value: Option<f64>,
}

impl Thresholds {
    /// A base colour followed by `(from value, colour)` steps.
    pub fn absolute(base: &'static str, steps: &[(f64, &'static str)]) -> Self {
        let mut all = vec![ThresholdStep {
            color: base,
            value: None,
        }];
        all.extend(steps.iter().map(|&(value, color)| ThresholdStep {
            color,
            value: Some(value),
        }));
        Thresholds {
            mode: "absolute",
            steps: all,
        }
    }
}

/// Line style of a time series panel.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeseriesStyle {
    pub draw_style: &'static str,
    pub line_width: u32,
    pub fill_opacity: u32,
    pub show_points: &'static str,
    pub span_nulls: bool,
}

/// Options of the two panel types.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum PanelOptions {
    Timeseries(TimeseriesOptions),
    Stat(StatOptions),
}

/// Legend and tooltip of a time series panel.
#[derive(Debug, Serialize)]
pub struct TimeseriesOptions {
    pub legend: Legend,
    pub tooltip: Tooltip,
}

/// Time series legend.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Legend {
    pub display_mode: &'static str,
    pub placement: &'static str,
    pub show_legend: bool,
    pub calcs: Vec<&'static str>,
}

/// Time series tooltip.
#[derive(Debug, Serialize)]
pub struct Tooltip {
    pub mode: &'static str,
    pub sort: &'static str,
}

/// How a stat panel reduces and shows its series.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatOptions {
    pub reduce_options: ReduceOptions,
    pub color_mode: &'static str,
    pub graph_mode: &'static str,
    pub justify_mode: &'static str,
    pub orientation: &'static str,
    pub text_mode: &'static str,
    /// Show the change against the start of the time range (we never do).
    pub show_percent_change: bool,
    /// Colour of that change: `standard`, `inverted` or `same_as_value`.
    pub percent_change_color_mode: &'static str,
    /// Lay out name and value side by side on wide panels.
    pub wide_layout: bool,
}

/// Reduction of a series to one number.
#[derive(Debug, Serialize)]
pub struct ReduceOptions {
    pub calcs: Vec<&'static str>,
    pub fields: &'static str,
    pub values: bool,
}

/// A query as the dashboard author writes it: PromQL plus legend.
#[derive(Debug, Clone)]
pub struct Query {
    pub expr: String,
    pub legend: &'static str,
}

/// What every panel has, whatever its type.
#[derive(Debug)]
pub struct PanelSpec {
    pub title: &'static str,
    pub description: &'static str,
    pub grid_pos: GridPos,
    pub unit: &'static str,
    pub queries: Vec<Query>,
}

fn targets(datasource: &DatasourceRef, queries: Vec<Query>) -> Vec<Target> {
    queries
        .into_iter()
        .zip('A'..='Z')
        .map(|(q, ref_id)| Target {
            datasource: datasource.clone(),
            ref_id: ref_id.to_string(),
            expr: q.expr,
            legend_format: q.legend,
            editor_mode: "code",
            range: true,
        })
        .collect()
}

impl Panel {
    /// A line chart, one colour per series.
    pub fn timeseries(id: u32, datasource: &DatasourceRef, spec: PanelSpec) -> Panel {
        Panel {
            id,
            kind: PanelKind::Timeseries,
            title: spec.title,
            description: spec.description,
            grid_pos: spec.grid_pos,
            datasource: datasource.clone(),
            targets: targets(datasource, spec.queries),
            row: None,
            field_config: Some(FieldConfig {
                defaults: FieldDefaults {
                    unit: spec.unit,
                    min: Some(0.0),
                    max: None,
                    decimals: None,
                    color: ColorMode {
                        mode: "palette-classic",
                    },
                    thresholds: Thresholds::absolute("green", &[]),
                    custom: Some(TimeseriesStyle {
                        draw_style: "line",
                        line_width: 1,
                        fill_opacity: 10,
                        show_points: "never",
                        span_nulls: false,
                    }),
                },
                overrides: vec![],
            }),
            options: Some(PanelOptions::Timeseries(TimeseriesOptions {
                legend: Legend {
                    display_mode: "list",
                    placement: "bottom",
                    show_legend: true,
                    calcs: vec![],
                },
                tooltip: Tooltip {
                    mode: "multi",
                    sort: "none",
                },
            })),
        }
    }

    /// A single number (last non-null value) coloured by `thresholds`, with a sparkline.
    pub fn stat(
        id: u32,
        datasource: &DatasourceRef,
        spec: PanelSpec,
        range: (Option<f64>, Option<f64>),
        decimals: Option<u32>,
        thresholds: Thresholds,
    ) -> Panel {
        Panel {
            id,
            kind: PanelKind::Stat,
            title: spec.title,
            description: spec.description,
            grid_pos: spec.grid_pos,
            datasource: datasource.clone(),
            targets: targets(datasource, spec.queries),
            row: None,
            field_config: Some(FieldConfig {
                defaults: FieldDefaults {
                    unit: spec.unit,
                    min: range.0,
                    max: range.1,
                    decimals,
                    color: ColorMode { mode: "thresholds" },
                    thresholds,
                    custom: None,
                },
                overrides: vec![],
            }),
            options: Some(PanelOptions::Stat(StatOptions {
                reduce_options: ReduceOptions {
                    calcs: vec!["lastNotNull"],
                    fields: "",
                    values: false,
                },
                color_mode: "value",
                graph_mode: "area",
                justify_mode: "auto",
                orientation: "auto",
                text_mode: "auto",
                show_percent_change: false,
                percent_change_color_mode: "standard",
                wide_layout: true,
            })),
        }
    }

    /// An open row header titled `title`, full width and one unit high, at
    /// height `y`: the panels below it, up to the next row, belong to it.
    pub fn row(id: u32, datasource: &DatasourceRef, title: &'static str, y: u32) -> Panel {
        Panel {
            id,
            kind: PanelKind::Row,
            title,
            description: "",
            grid_pos: GridPos {
                x: 0,
                y,
                w: GRID_WIDTH,
                h: 1,
            },
            datasource: datasource.clone(),
            targets: vec![],
            field_config: None,
            options: None,
            row: Some(RowState {
                collapsed: false,
                panels: vec![],
            }),
        }
    }
}

impl Panel {
    /// A stat panel that shows its series' names (legends) instead of their
    /// values: for info metrics such as `supervm_build_info`, whose value is
    /// always 1 and whose labels are the information. No-op on other panels.
    pub fn showing_names(mut self) -> Panel {
        if let Some(PanelOptions::Stat(options)) = &mut self.options {
            options.text_mode = "name";
        }
        self
    }
}
